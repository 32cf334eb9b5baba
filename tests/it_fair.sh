#!/bin/sh
# it_fair: fair access over real HTTP (issue 6), against `kiosk serve`.
#
#  1. Capacity runs out mid-burst from two kiosks: 80 concurrent requests
#     (curl processes, two device keys, ordinary and priority) for a service
#     of capacity 30 with 6 places kept for priority. Never more than 30
#     numbers, never more than 24 ordinary ones, each number once, and
#     every other request gets an attestation de passage. A burst alert.
#  2. The same document, typed three ways, gets one ticket.
#  3. /metrics parses with Prometheus' own text-format parser (Debian's
#     python3-prometheus-client), with the right families, values and names.
#  4. The public page /stats, on a simulated day (tests/tools/fairday):
#     rendered by headless chromium, its figures and its CSV link (built in
#     the browser) equal `kiosk admin report --csv`. No external resource.
#     With STATS_SCREENSHOT=FILE.png, also takes the page's screenshot.
#  5. The audit log: an untouched copy verifies; an edited, a deleted and a
#     reordered entry are each detected (exit 3) and named.
#  6. `kiosk admin retention` removes past holder data and keeps today's.
#
# Binds 127.0.0.1 only, works in a temporary directory, waits by polling
# with deadlines.
set -eu
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
kit_tmp it_fair
D=$tmp

eq() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; }
le() { [ "$2" -le "$3" ] || fail "$1: $2 is more than $3"; }
ok() { echo "ok - $*"; }

need_tool curl sqlite3 chromium
$PY -c 'import prometheus_client' 2>/dev/null ||
	fail "python3-prometheus-client is not installed (apt-get install python3-prometheus-client)"
need_build "$K" "$BUILD/tools/fairday"

# start_server DB NAME: sets URL, and SPID (its pid). Both kiosks of this test
# share 127.0.0.1 and fire 36 requests at once (three groups of 12), over the
# default 24 per address: a slower build (ASan) keeps them all open together.
start_server() {
	serve_start "$2" "$1" --always-open --audio-cache "$D/audio" --max-per-address 48
	SPID=$SERVER_PID URL=$SERVER_URL
}

stop_server() {
	serve_stop "$1" || fail "the server did not stop cleanly"
}

# -- the site ---------------------------------------------------------------
cat >"$D/site.ini" <<'INI'
[site]
id = it-fair
name = Préfecture de test
timezone = Europe/Paris
mon = 08:30-16:00
tue = 08:30-16:00
wed = 08:30-16:00
thu = 08:30-16:00
fri = 08:30-16:00
max_recalls = 2
priority_streak = 3
reprint_limit = 2
metrics = public
default_service_min = 10

[service A]
name = Premier titre de séjour
capacity = 30
priority_reserve = 6

[service B]
name = Renouvellement
capacity = 50
priority_reserve = 0
bind_holder = yes

[service C]
name = Retrait
capacity = 100
priority_reserve = 0

[counter 1]
name = Guichet 1
services = C B

[alerts]
burst_per_minute = 8
INI
DB=$D/queue.db
site_init "$DB" "$D/site.ini"
device_add "$DB" kiosk1
K1=$KEY
device_add "$DB" kiosk2
K2=$KEY
user_add "$DB" marie manager mot-de-passe-marie
start_server "$DB" serve1
S1=$SPID

# -- 1. capacity runs out mid-burst from two kiosks ------------------------------
mkdir "$D/r"
fire() { # KEY PRIORITY COUNT NAME: COUNT requests, 12 at a time
	seq 1 "$3" | xargs -P 12 -I{} curl -s -m 20 -o "$D/r/$4-{}.json" -w '%{http_code}\n' \
		-H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
		-d "{\"service\":\"A\",\"lang\":\"fr\",\"priority\":$2}" "$URL/api/v1/tickets" >"$D/r/$4.codes"
}
fire "$K1" false 40 k1 & f1=$!
fire "$K2" true 20 k2p & f2=$!
fire "$K2" false 20 k2o & f3=$!
wait $f1 || fail "kiosk 1's requests failed"
wait $f2 || fail "kiosk 2's priority requests failed"
wait $f3 || fail "kiosk 2's requests failed"

eq "answers" "$(ls "$D"/r/*.json | wc -l)" 80
eq "HTTP statuses" "$(cat "$D"/r/*.codes | sort | uniq -c | awk '{print $1 "x" $2}')" "80x201"
tickets=$(grep -l '"kind":"ticket"' "$D"/r/*.json | wc -l)
atts=$(grep -l '"kind":"attestation"' "$D"/r/*.json | wc -l)
ordinary=$(grep -l '"kind":"ticket"' "$D"/r/*.json | xargs grep -l '"priority":false' | wc -l)
eq "tickets issued" "$tickets" 30
eq "attestations" "$atts" 50
le "ordinary tickets (priority reserve of 6)" "$ordinary" 24
eq "distinct numbers" "$(grep -ho '"number":"A[0-9]*"' "$D"/r/*.json | sort -u | wc -l)" 30
eq "numbers A001..A030" "$(grep -ho '"number":"A[0-9]*"' "$D"/r/*.json | sort | head -1)$(grep -ho '"number":"A[0-9]*"' "$D"/r/*.json | sort | tail -1)" '"number":"A001""number":"A030"'
eq "tickets in the database" "$(sqlite3 "$DB" "SELECT COUNT(*) || ' ' || COUNT(DISTINCT number) || ' ' || MAX(seq) FROM tickets WHERE service = 'A'")" "30 30 30"
eq "attestations in the database" "$(sqlite3 "$DB" "SELECT COUNT(*) FROM attestations WHERE service = 'A' AND token != ''")" 50
le "ordinary tickets in the database" "$(sqlite3 "$DB" "SELECT COUNT(*) FROM tickets WHERE service = 'A' AND NOT priority")" 24
eq "attestations by kiosk" "$(sqlite3 "$DB" "SELECT COUNT(DISTINCT device) FROM attestations")" 2
curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/alerts" >"$D/alerts.json"
grep -q '"kind":"burst"' "$D/alerts.json" || fail "no burst alert after 40 requests in a minute: $(cat "$D/alerts.json")"
curl -s "$URL/api/v1/alerts" | grep -q '"code":"denied"' || fail "alerts are visible without a login"
ok "capacity 30 (6 reserved) under 80 concurrent requests from two kiosks: $tickets tickets ($ordinary ordinary), $atts attestations"

# -- 2. one ticket per document ------------------------------------------------
holder() { # KEY DOCUMENT -> status and body in $D/h.json
	curl -s -o "$D/h.json" -w '%{http_code}' -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' -d "{\"service\":\"B\",\"lang\":\"ps\",\"holder\":\"$2\"}" "$URL/api/v1/tickets"
}
eq "first request" "$(holder "$K1" 'ab 123-456 c')" 201
grep -q '"duplicate":false' "$D/h.json" || fail "the first request is not a new ticket"
id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$D/h.json")
eq "same document, other spacing" "$(holder "$K2" 'AB123456C')" 200
grep -q '"duplicate":true' "$D/h.json" || fail "not a duplicate"
eq "same ticket" "$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$D/h.json")" "$id"
eq "same document, lower case and dots" "$(holder "$K1" ' a.b.1.2.3.4.5.6.c ')" 200
eq "same ticket again" "$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$D/h.json")" "$id"
eq "B tickets" "$(sqlite3 "$DB" "SELECT COUNT(*) FROM tickets WHERE service = 'B'")" 1
eq "clear number stored" "$(sqlite3 "$DB" "SELECT COUNT(*) FROM tickets WHERE service = 'B' AND (holder_mask NOT LIKE '%56C' OR holder_hash IS NULL OR length(holder_hash) != 32)")" 0
ok "one ticket per document, however it is typed"

# Staff activity for the audit log: logins, a manual ticket, a call, a status change.
curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"login":"marie","password":"faux"}' "$URL/api/v1/login"
curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"login":"marie","password":"mot-de-passe-marie"}' "$URL/api/v1/login"
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"service":"C","lang":"fr"}' "$URL/api/v1/tickets"
eq "call" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/v1/counters/1/call-next")" 200
eq "done" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/v1/counters/1/done")" 200

# -- 3. /metrics with a Prometheus text-format parser -----------------------------
curl -s -D "$D/metrics.head" -o "$D/metrics.txt" "$URL/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$D/metrics.head" || fail "/metrics content type: $(cat "$D/metrics.head")"
$PY - "$D/metrics.txt" <<'PY' || fail "/metrics does not parse or breaks a convention"
import re, sys
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
fams = {f.name: f for f in text_string_to_metric_families(text)}

def value(name, **labels):
    for f in fams.values():
        for s in f.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    sys.exit("no sample %s %s" % (name, labels))

# The parser names a counter family without its _total suffix.
want = {
    "kiosk_tickets_issued": "counter", "kiosk_tickets_served": "counter",
    "kiosk_tickets_no_show": "counter", "kiosk_tickets_not_served": "counter",
    "kiosk_attestations": "counter", "kiosk_duplicates_refused": "counter",
    "kiosk_queue_waiting": "gauge", "kiosk_tickets_issued_today": "gauge",
    "kiosk_tickets_left_today": "gauge", "kiosk_capacity_daily": "gauge",
    "kiosk_estimated_wait_seconds": "gauge", "kiosk_longest_wait_seconds": "gauge",
    "kiosk_counters": "gauge", "kiosk_site_open": "gauge",
    # per channel (appointments, walk-ins): docs/API.md
    "kiosk_channel_capacity_daily": "gauge", "kiosk_channel_capacity_left": "gauge",
    "kiosk_channel_issued_today": "gauge", "kiosk_channel_wait_mean_seconds": "gauge",
    "kiosk_channel_wait_median_seconds": "gauge", "kiosk_channel_wait_p90_seconds": "gauge",
    "kiosk_appointments_booked_today": "gauge", "kiosk_appointments_cancelled_today": "gauge",
    "kiosk_appointments_checked_in_today": "gauge", "kiosk_appointments_no_show_today": "gauge",
    "kiosk_appointments_pending_today": "gauge", "kiosk_appointments_late_today": "gauge",
    "kiosk_walkins_turned_away_today": "gauge",
}
# Every sample names its site (several sites' servers on one Prometheus).
for f in fams.values():
    for s in f.samples:
        if s.labels.get("site") != "it-fair":
            sys.exit("a sample without site=\"it-fair\": %s %s" % (s.name, s.labels))
for name, typ in want.items():
    if name not in fams:
        sys.exit("missing family %s (have %s)" % (name, sorted(fams)))
    if fams[name].type != typ:
        sys.exit("%s is a %s, expected a %s" % (name, fams[name].type, typ))
checks = [
    (value("kiosk_tickets_issued_total", service="A"), 30),
    (value("kiosk_attestations_total", service="A"), 50),
    (value("kiosk_tickets_issued_total", service="B"), 1),
    (value("kiosk_duplicates_refused_total", service="B"), 2),
    (value("kiosk_tickets_served_total", service="C"), 1),
    (value("kiosk_tickets_left_today", service="A"), 0),
    (value("kiosk_capacity_daily", service="A"), 30),
    (value("kiosk_tickets_issued_today", service="A"), 30),
    (value("kiosk_site_open"), 1),
    # the walk-in channel: service A's 30 tickets and 50 turned away
    (value("kiosk_channel_issued_today", service="A", channel="walkin"), 30),
    (value("kiosk_walkins_turned_away_today", service="A", channel="walkin"), 50),
    (value("kiosk_channel_capacity_left", service="A", channel="walkin"), 0),
    (value("kiosk_channel_issued_today", service="A", channel="appointment"), 0),
]
for got, exp in checks:
    if got != exp:
        sys.exit("value %s, expected %s (%s)" % (got, exp, checks))

# Naming conventions, on the raw text.
types = re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M)
helps = set(re.findall(r"^# HELP (\S+) \S", text, re.M))
if len(types) != len(want):
    sys.exit("%d families declared, expected %d" % (len(types), len(want)))
for name, typ in types:
    if not re.fullmatch(r"kiosk_[a-z][a-z0-9_]*", name):
        sys.exit("%s: not a lower-case snake_case name under the kiosk_ prefix" % name)
    if name not in helps:
        sys.exit("%s has no HELP line" % name)
    if (typ == "counter") != name.endswith("_total"):
        sys.exit("%s: counters, and only counters, end in _total" % name)
    if re.search(r"_(s|ms|us|sec|secs|min|mins|minutes|hours|milliseconds)(_total)?$", name):
        sys.exit("%s: use the base unit _seconds" % name)
    if re.search(r"(wait|time|duration|latency|age)(_|$)", name) and not name.endswith("_seconds"):
        sys.exit("%s: a duration must end in _seconds" % name)
declared = {n for n, _ in types}
for line in text.splitlines():
    if not line or line.startswith("#"):
        continue
    m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-z_]+="[^"\\]*",?)*\})? (-?[0-9.e+]+|NaN|[+-]Inf)', line)
    if not m or m.group(1) not in declared:
        sys.exit("bad sample line: %r" % line)
print("metrics: %d families, %d samples" % (len(fams), sum(len(f.samples) for f in fams.values())))
PY
ok "/metrics parses with prometheus_client and follows the naming conventions"

stop_server $S1

# -- 4. the public page, on a simulated day -------------------------------------
DAY=2026-11-26
$BUILD/tools/fairday --db "$D/day.db" --site assets/demo/site.ini --day $DAY >"$D/fairday.out" 2>"$D/fairday.log" ||
	{ cat "$D/fairday.log" >&2; fail "fairday"; }
start_server "$D/day.db" serve2
S2=$SPID
eq "GET /stats" "$(curl -s -o "$D/stats.html" -w '%{http_code} %{content_type}' "$URL/stats")" "200 text/html; charset=utf-8"
for f in stats.js stats.css; do
	eq "GET /static/$f" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/static/$f")" 200
done
# Nothing fetched from elsewhere (the SVG namespace is a name, not a fetch).
if grep -nE "(https?:)?//[a-z0-9.-]+\.[a-z]{2,}" assets/web/stats.html assets/web/stats.js assets/web/stats.css |
    grep -v 'www.w3.org/2000/svg'; then
	fail "the stats page refers to another site"
fi
$K admin --db "$D/day.db" report --csv $DAY >"$D/admin.csv"
curl -s "$URL/api/v1/stats?day=$DAY" >"$D/stats.json"
timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$D/chrome" \
	--virtual-time-budget=10000 --dump-dom "$URL/stats?day=$DAY" >"$D/dom.html" 2>"$D/chrome.log" ||
	{ tail -5 "$D/chrome.log" >&2; fail "chromium could not render /stats"; }
$PY - "$D/dom.html" "$D/admin.csv" "$D/stats.json" <<'PY' || fail "the /stats page does not show the figures"
import html, json, re, sys, urllib.parse

dom = open(sys.argv[1]).read()
admin_csv = open(sys.argv[2]).read()
data = json.load(open(sys.argv[3]))

if 'data-state="ready"' not in dom:
    sys.exit("the page did not finish rendering: %s" % re.search(r"<body[^>]*>", dom).group(0))
# The CSV link, built in the browser, is the admin's CSV, byte for byte.
m = re.search(r'id="csv"[^>]*href="data:text/csv;charset=utf-8,([^"]*)"', dom) or \
    re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"[^>]*id="csv"', dom)
if not m:
    sys.exit("no CSV link")
csv = urllib.parse.unquote(html.unescape(m.group(1)))
if csv != admin_csv:
    sys.exit("the page's CSV differs from `kiosk admin report --csv`:\n%s\n---\n%s" % (csv[:400], admin_csv[:400]))
# The summary shows the day's totals.
day_rows = [r for r in data["rows"] if r["hour"] is None]
for key in ("issued", "served", "no_show", "not_served", "attestations", "refused_duplicates"):
    total = sum(r[key] for r in day_rows)
    shown = re.search(r'id="sum-%s">([^<]*)<' % key, dom)
    if not shown or shown.group(1).replace("\u202f", "").replace("\xa0", "").replace(" ", "") != str(total):
        sys.exit("summary %s shows %r, expected %d" % (key, shown and shown.group(1), total))
if sum(r["attestations"] for r in day_rows) == 0:
    sys.exit("the simulated day has no attestation: not a useful test")
# Three charts, each an image with a title and a description in words.
charts = re.findall(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]*)"', dom)
if len(charts) != 3:
    sys.exit("%d charts, expected 3" % len(charts))
for ids in charts:
    for i in ids.split():
        if not re.search(r'<(title|desc) id="%s">[^<]{10,}</' % i, dom):
            sys.exit("chart text %s missing" % i)
# The services table: one row per service and a total.
tbody = re.search(r'id="table-services".*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
if tbody.count("<tr") != len(data["services"]) + 1:
    sys.exit("services table has %d rows" % tbody.count("<tr"))
for s in data["services"]:
    if html.escape(s["name"]["fr"], quote=False) not in tbody:
        sys.exit("service %s missing from the table" % s["code"])
print("stats page: %d services, CSV %d lines" % (len(data["services"]), csv.count("\n")))
PY
if [ -n "${STATS_SCREENSHOT:-}" ]; then
	LANGUAGE=fr LANG=fr_FR.UTF-8 timeout 60 chromium --headless --no-sandbox --disable-gpu --lang=fr \
		--user-data-dir="$D/chrome" --hide-scrollbars --virtual-time-budget=10000 \
		--screenshot="$STATS_SCREENSHOT" --window-size=1366,900 "$URL/stats?day=$DAY" >/dev/null 2>&1 ||
		fail "screenshot"
	ok "screenshot written to $STATS_SCREENSHOT"
fi
stop_server $S2
ok "/stats shows the simulated day; its CSV equals 'kiosk admin report --csv'"

# -- 5. the audit log --------------------------------------------------------------
eq "audit of the live database" "$($K admin --db "$DB" audit verify)" \
	"audit log intact: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM audit') entries"
eq "audited actions" "$(sqlite3 "$DB" "SELECT COUNT(DISTINCT action) FROM audit WHERE action IN ('config_change', 'login', 'login_failed', 'manual_ticket', 'status_change')")" 5
n=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM audit')
[ "$n" -ge 5 ] || fail "only $n audit entries"
$K admin --db "$DB" backup "$D/base.db" >/dev/null
UNLOCK="DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
tamper() { # NAME SQL EXPECTED-ENTRY
	cp "$D/base.db" "$D/$1.db"
	sqlite3 "$D/$1.db" "$UNLOCK $2"
	set +e
	out=$($K admin --db "$D/$1.db" audit verify)
	rc=$?
	set -e
	eq "exit status after $1" $rc 3
	case "$out" in
	"audit log TAMPERED: "*"entry $3 "*) ok "$1 detected: $out" ;;
	*) fail "$1: '$out' does not name entry $3" ;;
	esac
}
# Without dropping the triggers, nothing can be changed at all.
cp "$D/base.db" "$D/locked.db"
if sqlite3 "$D/locked.db" "UPDATE audit SET detail = 'x' WHERE id = 2" 2>/dev/null; then
	fail "the audit log accepted an UPDATE"
fi
if sqlite3 "$D/locked.db" "DELETE FROM audit WHERE id = 2" 2>/dev/null; then
	fail "the audit log accepted a DELETE"
fi
tamper edited "UPDATE audit SET detail = detail || ' (corrigé)' WHERE id = 3" 3
tamper deleted "DELETE FROM audit WHERE id = 2" 2
tamper swapped "UPDATE audit SET id = -2 WHERE id = 2; UPDATE audit SET id = 2 WHERE id = 4; UPDATE audit SET id = 4 WHERE id = -2" 2
tamper actor "UPDATE audit SET actor = 'quelquun' WHERE id = $n" "$n"
eq "untouched copy" "$($K admin --db "$D/base.db" audit verify)" "audit log intact: $n entries"

# -- 6. retention from the command line ---------------------------------------
today=$(TZ=Europe/Paris date +%Y-%m-%d)
cp "$D/base.db" "$D/ret.db"
# (a backup holds no day key, tests/it_modes.sh: today's is put back, to see
# that retention keeps it)
sqlite3 "$D/ret.db" "INSERT INTO day_keys VALUES ('2020-01-06', randomblob(32));
	INSERT INTO day_keys VALUES ('$today', randomblob(32));
	INSERT INTO tickets (day, service, seq, number, queue, lang, issued_at, device, holder_hash, holder_mask)
	VALUES ('2020-01-06', 'B', 1, 'B001', 'B', 'fr', 1578300000, 'kiosk1', randomblob(32), '•••OLD');
	INSERT INTO events (at, day, kind, ticket, service) VALUES (1578300000, '2020-01-06', 'issue', NULL, 'B');"
$K admin --db "$D/ret.db" retention || fail "kiosk admin retention"
eq "old day key" "$(sqlite3 "$D/ret.db" "SELECT COUNT(*) FROM day_keys WHERE day < '$today'")" 0
eq "today's day key" "$(sqlite3 "$D/ret.db" "SELECT COUNT(*) FROM day_keys WHERE day = '$today'")" 1
eq "old tickets and events" "$(sqlite3 "$D/ret.db" "SELECT (SELECT COUNT(*) FROM tickets WHERE day = '2020-01-06') + (SELECT COUNT(*) FROM events WHERE day = '2020-01-06')")" 0
eq "old day's totals" "$(sqlite3 "$D/ret.db" "SELECT n FROM daily_totals WHERE day = '2020-01-06' AND service = 'B' AND kind = 'issue'")" 1
eq "today's holder data" "$(sqlite3 "$D/ret.db" "SELECT COUNT(*) FROM tickets WHERE day = '$today' AND holder_hash IS NOT NULL")" 1
eq "today's tickets" "$(sqlite3 "$D/ret.db" "SELECT COUNT(*) FROM tickets WHERE day = '$today'")" "$(sqlite3 "$D/base.db" "SELECT COUNT(*) FROM tickets WHERE day = '$today'")"
ok "kiosk admin retention"

# The CSV export of today.
$K admin --db "$DB" report --csv >"$D/today.csv"
eq "CSV header" "$(head -1 "$D/today.csv")" "day,service,hour,issued,served,no_show,not_served,attestations,refused_duplicates,wait_p50_s,wait_p90_s,service_avg_s"
grep -q "^$today,A,all,30,0,0,0,50,0," "$D/today.csv" || fail "CSV row of A: $(grep ",A,all," "$D/today.csv")"
ok "kiosk admin report --csv"
# --all-sites on SQLite (issue #11): this site, then all; both its rows.
$K admin --db "$DB" report --csv --all-sites "$today" >"$D/all.csv"
site_id=$(sqlite3 "$DB" "SELECT site_id FROM site")
eq "all-sites CSV header" "$(head -1 "$D/all.csv")" "site,$(head -1 "$D/today.csv")"
eq "the site's rows" "$(grep "^$site_id," "$D/all.csv" | cut -d, -f2-)" "$(sed 1d "$D/today.csv")"
eq "all's rows" "$(grep "^all," "$D/all.csv" | cut -d, -f2-)" "$(sed 1d "$D/today.csv")"
ok "kiosk admin report --csv --all-sites"
echo "it_fair: all passed"

#!/bin/sh
# it_pg_sites: two sites in one PostgreSQL database (issue #11), each in a
# schema of its own (the connection string's search_path): each has its own
# tables, numbers, signing key and writers' turn, and a board of one site
# hears its own calls only. A search_path naming no schema is refused with
# a clear reason. Raincy's servers connect as an ordinary role that owns
# its schema (no superuser), as a department's IT would set it up.
# The figures of all sites together (GET /api/v1/stats?site=all|ID, `kiosk
# admin report --csv|--channels --all-sites`): summed against the tickets
# issued; from raincy's role, bobigny is skipped (and named) until it is
# granted the reads; each site's own /stats unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_tool python3 curl
kit_tmp it_pg_sites
pg_start kiosk
pg_two_sites

"$K" admin --db "$(pg_site_url nowhere)" --key "$tmp/x.key" init --site assets/demo/site.ini >"$tmp/none.txt" 2>&1 &&
	fail_soft "a search_path naming no schema was accepted"
grep -q 'create the site.s schema first' "$tmp/none.txt" || fail_soft "no reason given: $(cat "$tmp/none.txt")"

for s in bobigny raincy; do
	sed -e "s/^id = .*/id = $s/" -e "s/^name = Préfecture.*/name = Site $s/" \
		-e 's/^capacity = .*/capacity = 999/' -e '/^bind_holder/d' assets/demo/site.ini >"$tmp/$s.ini"
	pg_site_init "$s" "$tmp/$s.ini"
	serve_start "$s" "$(pg_site_url $s)" --key "$tmp/$s.key" --always-open
	eval "URL_$s=\$SERVER_URL PID_$s=\$SERVER_PID"
done

python3 - "$URL_bobigny" "$URL_raincy" "$DK_bobigny" "$DK_raincy" "$AT_bobigny" "$AT_raincy" \
	"$(dirname "$0")" >"$tmp/py.txt" 2>&1 <<'PY' || fail_soft "$(tail -n 5 "$tmp/py.txt")"
import sys, time
ua, ub, da, db, ta, tb = sys.argv[1:7]
sys.path.insert(0, sys.argv[7])
from sse import Board, post
board = Board(ub)
a = [post(ua + "/api/v1/tickets", da, {"service": "A"})["number"] for i in range(3)]
b = [post(ub + "/api/v1/tickets", db, {"service": "A"})["number"] for i in range(2)]
assert a == ["A001", "A002", "A003"], a
assert b == ["A001", "A002"], b
post(ua + "/api/v1/counters/1/call-next", ta, {})
post(ua + "/api/v1/counters/1/call-next", ta, {"current": "A001"})
n = post(ub + "/api/v1/counters/1/call-next", tb, {})["ticket"]["number"]
deadline = time.monotonic() + 2
while time.monotonic() < deadline and n not in board.numbers():
    time.sleep(0.01)
time.sleep(0.2)
heard = board.numbers()
assert heard == [n], ("raincy's board heard", heard)
print("two sites in one database: their own numbers; raincy's board heard only its call", heard)
PY
cat "$tmp/py.txt"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM bobigny.tickets")" = 3 ] || fail_soft "bobigny's tickets"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM raincy.tickets")" = 2 ] || fail_soft "raincy's tickets"
[ "$(pg_psql -tAc "SELECT site_id FROM raincy.site")" = raincy ] || fail_soft "raincy's site row"

# The figures of all sites together (GET /api/v1/stats?site=, issue #11).
# A schema of an older version sits beside them: named as skipped, never
# counted. Raincy's role may not read bobigny yet: bobigny is skipped from
# raincy's servers, with the reason, until a DBA grants the reads
# (INSTALL.md).
pg_psql -c "CREATE SCHEMA oldsite" \
	-c "CREATE TABLE oldsite.site (site_id text, name text, tz text)" \
	-c "INSERT INTO oldsite.site VALUES ('oldsite', 'Old', 'Europe/Paris')" \
	-c "CREATE TABLE oldsite.schema_version (version bigint)" \
	-c "INSERT INTO oldsite.schema_version VALUES (1)" >/dev/null
stats() { # URL QUERY: the JSON of GET /api/v1/stats?QUERY, and its status last
	curl -s -w '\n%{http_code}' "$1/api/v1/stats?$2"
}
DAY=$(curl -s "$URL_bobigny/api/v1/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["day"])')
check_figs() { # NAME: the checks of $tmp/NAME.json (python3, below)
	python3 - "$@" >>"$tmp/figs.txt" 2>&1 <<'PY' || fail_soft "figures $1: $(tail -n 3 "$tmp/figs.txt")"
import json, sys
name, path = sys.argv[1], sys.argv[2]
want = json.loads(sys.argv[3])
body, status = open(path).read().rsplit("\n", 1)
assert status == str(want.get("status", 200)), (name, status, body[:300])
j = json.loads(body)
def day_a(o):
    return [r for r in o["rows"] if r["service"] == "A" and r["hour"] is None][0]
def hours_a(o, k):
    return sum(r[k] for r in o["rows"] if r["service"] == "A" and r["hour"] is not None)
if "plain" in want:
    assert "sites" not in j and "skipped" not in j, (name, "plain answer changed")
    assert j["site"]["id"] == want["plain"], (name, j["site"])
    assert day_a(j)["issued"] == want["issued"], (name, day_a(j))
    assert hours_a(j, "issued") == want["issued"], name
if "code" in want:
    assert j["code"] == want["code"], (name, j)
if "sites" in want:
    assert [s["id"] for s in j["sites"]] == want["sites"], (name, j["sites"])
    assert [s["schema"] for s in j["skipped"]] == want["skipped"], (name, j["skipped"])
    for s in j["skipped"]:
        assert want["why"][s["schema"]] in s["reason"], (name, s)
    assert day_a(j)["issued"] == want["issued"], (name, day_a(j))
    assert hours_a(j, "issued") == want["issued"], name
    for s in j["sites"]:
        assert day_a(s)["issued"] == want["each"][s["id"]], (name, s["id"], day_a(s))
    ch = [c for c in j["channels"] if c["service"] == "A"][0]["walkin"]
    assert ch["issued"] == want["issued"], (name, ch)
    assert ch["called"] == want["called"], (name, ch)
    assert ch["capacity"] == 999 * len(want["sites"]), (name, ch)
    assert ch["wait_p50_s"] is None and ch["wait_p90_s"] is None, (name, ch)
    assert [s["code"] for s in j["services"]][0] == "A", name
print(name, "ok")
PY
}
for s in bobigny raincy; do
	eval "u=\$URL_$s"
	stats "$u" "day=$DAY" >"$tmp/plain-$s.json"
done
check_figs plain-bobigny "$tmp/plain-bobigny.json" '{"plain":"bobigny","issued":3}'
check_figs plain-raincy "$tmp/plain-raincy.json" '{"plain":"raincy","issued":2}'
stats "$URL_raincy" "day=$DAY&site=all" >"$tmp/nogrant.json"
check_figs nogrant "$tmp/nogrant.json" '{"sites":["raincy"],"skipped":["bobigny","oldsite"],
	"why":{"bobigny":"no USAGE on the schema","oldsite":"no USAGE on the schema"},
	"issued":2,"each":{"raincy":2},"called":1}'
stats "$URL_raincy" "day=$DAY&site=bobigny" >"$tmp/nogrant-one.json"
check_figs nogrant-one "$tmp/nogrant-one.json" '{"status":409,"code":"site_unreadable"}'
stats "$URL_raincy" "day=$DAY&site=nowhere" >"$tmp/unknown.json"
check_figs unknown "$tmp/unknown.json" '{"status":404,"code":"not_found"}'
# Half a grant (the schema, not its tables): still skipped, the table named.
pg_psql -c "GRANT USAGE ON SCHEMA bobigny TO raincy" >/dev/null
stats "$URL_raincy" "day=$DAY&site=all" >"$tmp/halfgrant.json"
check_figs halfgrant "$tmp/halfgrant.json" '{"sites":["raincy"],"skipped":["bobigny","oldsite"],
	"why":{"bobigny":"no SELECT on the table bobigny.","oldsite":"no USAGE"},
	"issued":2,"each":{"raincy":2},"called":1}'
# The DBA's grants (INSTALL.md): reading bobigny's tables, those of later
# migrations too.
pg_psql -c "GRANT SELECT ON ALL TABLES IN SCHEMA bobigny TO raincy" \
	-c "ALTER DEFAULT PRIVILEGES IN SCHEMA bobigny GRANT SELECT ON TABLES TO raincy" >/dev/null
for s in bobigny raincy; do
	eval "u=\$URL_$s"
	stats "$u" "day=$DAY&site=all" >"$tmp/all-$s.json"
done
check_figs all-bobigny "$tmp/all-bobigny.json" '{"sites":["bobigny","raincy"],"skipped":["oldsite"],
	"why":{"oldsite":"schema version 1"},"issued":5,"each":{"bobigny":3,"raincy":2},"called":3}'
check_figs all-raincy "$tmp/all-raincy.json" '{"sites":["bobigny","raincy"],"skipped":["oldsite"],
	"why":{"oldsite":"no USAGE"},"issued":5,"each":{"bobigny":3,"raincy":2},"called":3}'
# The percentiles of all the sites together are those of every wait
# together (not a sum, nor a mean of the sites').
waits=$(pg_psql -tAc "SELECT called_at - issued_at FROM bobigny.tickets WHERE called_at > 0
	UNION ALL SELECT called_at - issued_at FROM raincy.tickets WHERE called_at > 0" | tr '\n' ' ')
python3 - "$tmp/all-raincy.json" "$waits" >>"$tmp/figs.txt" 2>&1 <<'PY' || fail_soft "pooled percentiles: $(tail -n 3 "$tmp/figs.txt")"
import json, sys
j = json.loads(open(sys.argv[1]).read().rsplit("\n", 1)[0])
w = sorted(int(x) for x in sys.argv[2].split())
def pct(p):
    k = (len(w) * p + 99) // 100
    return w[k - 1 if k else 0]
row = [r for r in j["rows"] if r["service"] == "A" and r["hour"] is None][0]
assert len(w) == 3, w
assert (row["wait_p50_s"], row["wait_p90_s"]) == (pct(50), pct(90)), (row, w)
print("pooled percentiles ok", w)
PY
# One connection, the search_path switched back and forth: the same
# prepared statements planned again each time (PostgreSQL does it when the
# search_path changed), never the other site's rows.
for i in 1 2 3; do
	stats "$URL_raincy" "day=$DAY&site=bobigny" >"$tmp/one-$i.json"
	check_figs "bobigny-from-raincy-$i" "$tmp/one-$i.json" '{"plain":"bobigny","issued":3}'
	stats "$URL_raincy" "day=$DAY" >"$tmp/own-$i.json"
	check_figs "raincy-own-$i" "$tmp/own-$i.json" '{"plain":"raincy","issued":2}'
done
cat "$tmp/figs.txt"

# The same as CSV: each site's rows, then all.
"$K" admin --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" report --csv --all-sites "$DAY" >"$tmp/all.csv" 2>"$tmp/all.err" ||
	fail_soft "report --csv --all-sites: $(cat "$tmp/all.err")"
head -n 1 "$tmp/all.csv" | grep -qx 'site,day,service,hour,issued,served,no_show,not_served,attestations,refused_duplicates,wait_p50_s,wait_p90_s,service_avg_s' ||
	fail_soft "the all-sites CSV's header: $(head -n 1 "$tmp/all.csv")"
for want in "bobigny,$DAY,A,all,3," "raincy,$DAY,A,all,2," "all,$DAY,A,all,5,"; do
	grep -q "^$want" "$tmp/all.csv" || fail_soft "no CSV row $want: $(grep ',A,all,' "$tmp/all.csv")"
done
[ "$(grep -c "^all,$DAY,A," "$tmp/all.csv")" = 25 ] || fail_soft "all's rows of A: not 25 (the day and 24 hours)"
grep -q 'the site in schema "oldsite" was skipped: no USAGE' "$tmp/all.err" ||
	fail_soft "the skipped site is not named on stderr: $(cat "$tmp/all.err")"
"$K" admin --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" report --channels --all-sites "$DAY" >"$tmp/ch.csv" 2>>"$tmp/all.err" ||
	fail_soft "report --channels --all-sites: $(cat "$tmp/all.err")"
head -n 1 "$tmp/ch.csv" | grep -q '^site,day,service,channel,capacity,' ||
	fail_soft "the all-sites channels CSV's header: $(head -n 1 "$tmp/ch.csv")"
# all, walk-ins of A: capacity 2 x 999, 1998 - 5 left, issued 5, 3 called,
# the percentiles empty.
grep -q "^all,$DAY,A,walkin,1998,1993,,,,,,,,5,0,3,[0-9]*,,\$" "$tmp/ch.csv" ||
	fail_soft "all's walk-ins row: $(grep "^all,$DAY,A,walkin" "$tmp/ch.csv")"
grep -q "^bobigny,$DAY,A,walkin,999,996,,,,,,,,3,0,2,[0-9]*,[0-9]*,[0-9]*\$" "$tmp/ch.csv" ||
	fail_soft "bobigny's walk-ins row: $(grep "^bobigny,$DAY,A,walkin" "$tmp/ch.csv")"
# Without --all-sites: as before, no site column.
"$K" admin --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" report --csv "$DAY" 2>/dev/null | head -n 1 | grep -q '^day,service,hour,' ||
	fail_soft "report --csv changed"
echo "all sites' figures: JSON and CSV checked"
serve_stop "$PID_bobigny" || fail_soft "bobigny's server did not stop cleanly"
serve_stop "$PID_raincy" || fail_soft "raincy's server did not stop cleanly"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "it_pg_sites: ok"

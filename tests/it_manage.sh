#!/bin/sh
# it_manage: the manager's routes (issue #16) through a real `kiosk serve`,
# with curl, the happy path of each and the role refusal:
#   1. PATCH /api/v1/services/C/today closes C for today: an agent gets 403;
#      GET /api/v1/services shows it closed; the kiosk's ticket for A is
#      refused 409 closed, E still issues; the audit log holds the change.
#   2. POST /api/v1/closures for today: the site is closed (services list,
#      next opening, tickets refused); GET lists it; DELETE opens again.
#   3. POST /api/v1/devices gives a key that issues; GET lists the kiosk;
#      after POST .../revoke its next ticket gets 401.
#   4. PATCH /api/v1/counters/3 (a lasting change; agent 403), then
#      `kiosk admin site export` while the server runs: the file differs from
#      the demo site by that counter only, and loaded into a fresh database
#      it gives the same site (same export, same tables).
# Binds 127.0.0.1 only; every wait is a counted poll with a deadline.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3
kit_tmp it_manage
t0=$(date +%s)

DB=$tmp/q.db
site_init "$DB" assets/demo/site.ini
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
user_add "$DB" paul manager 'secret-paul-1'
MT=$TOKEN
serve_start manage "$DB" --always-open
URL=$SERVER_URL
JSON='Content-Type: application/json'

# req METHOD PATH TOKEN [BODY] [KEY]: prints the status; the body in $tmp/out.json.
req() {
	if [ -n "${4:-}" ]; then
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		    -H "$JSON" ${5:+-H "Idempotency-Key: $5"} --data "$4" "$URL$2"
	else
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		    "$URL$2"
	fi
}

# ---- 1. a service closed for today -------------------------------------------
code=$(req PATCH /api/v1/services/C/today "$AT" '{"open":false,"reason":"absences"}')
[ "$code" = 403 ] || fail_soft "agent PATCH today: $code, expected 403"
code=$(req PATCH /api/v1/services/C/today "$MT" '{"open":false,"reason":"absences"}' m-1)
[ "$code" = 200 ] || fail_soft "manager PATCH today: $code $(cat "$tmp/out.json")"
code=$(req GET /api/v1/services "$MT")
grep -q '"code":"C","name":{[^}]*}[^}]*"open_today":false' "$tmp/out.json" ||
    fail_soft "GET /api/v1/services does not show C closed: $(cat "$tmp/out.json")"
code=$(req POST /api/v1/tickets "$DK" '{"service":"C"}')
[ "$code" = 409 ] && grep -q '"code":"closed"' "$tmp/out.json" ||
    fail_soft "a ticket for the closed service: $code $(cat "$tmp/out.json")"
code=$(req POST /api/v1/tickets "$DK" '{"service":"E"}')
[ "$code" = 201 ] || fail_soft "a ticket for E: $code $(cat "$tmp/out.json")"
n=$(sqlite3 "$DB" "select count(*) from audit where action = 'service_today' and actor = 'paul'")
[ "$n" = 1 ] || fail_soft "audit entries for the change: $n, expected 1"

# ---- 2. a closure day -----------------------------------------------------------
today=$(TZ=Europe/Paris date +%F)
code=$(req POST /api/v1/closures "$AT" "{\"from\":\"$today\",\"to\":\"$today\",\"reason\":\"grève\"}")
[ "$code" = 403 ] || fail_soft "agent POST closure: $code, expected 403"
code=$(req POST /api/v1/closures "$MT" "{\"from\":\"$today\",\"to\":\"$today\",\"reason\":\"grève\"}" c-1)
[ "$code" = 201 ] || fail_soft "manager POST closure: $code $(cat "$tmp/out.json")"
CID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$tmp/out.json")
code=$(req GET /api/v1/services "$MT")
grep -q '"site":{[^}]*"open":false' "$tmp/out.json" && grep -q '"next_opening":{"day":' "$tmp/out.json" ||
    fail_soft "GET /api/v1/services on a closure day: $(cat "$tmp/out.json")"
code=$(req POST /api/v1/tickets "$DK" '{"service":"E"}')
[ "$code" = 409 ] || fail_soft "a ticket on a closure day: $code $(cat "$tmp/out.json")"
code=$(req GET /api/v1/closures "$MT")
[ "$code" = 200 ] && grep -q '"reason":"grève"' "$tmp/out.json" || fail_soft "GET closures: $code"
code=$(req DELETE "/api/v1/closures/$CID" "$MT")
[ "$code" = 200 ] || fail_soft "DELETE closure $CID: $code $(cat "$tmp/out.json")"
code=$(req POST /api/v1/tickets "$DK" '{"service":"E"}')
[ "$code" = 201 ] || fail_soft "a ticket after the closure was removed: $code"

# ---- 3. devices --------------------------------------------------------------------
code=$(req POST /api/v1/devices "$AT" '{"name":"kiosk-2"}')
[ "$code" = 403 ] || fail_soft "agent POST device: $code, expected 403"
code=$(req POST /api/v1/devices "$MT" '{"name":"kiosk-2"}')
[ "$code" = 201 ] || fail_soft "manager POST device: $code $(cat "$tmp/out.json")"
DK2=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' "$tmp/out.json")
code=$(req POST /api/v1/tickets "$DK2" '{"service":"E"}')
[ "$code" = 201 ] || fail_soft "the new kiosk's ticket: $code $(cat "$tmp/out.json")"
code=$(req GET /api/v1/devices "$MT")
grep -q '"name":"kiosk-2","active":true' "$tmp/out.json" || fail_soft "GET devices: $(cat "$tmp/out.json")"
code=$(req POST /api/v1/devices/kiosk-2/revoke "$MT" '{}' r-1)
[ "$code" = 200 ] || fail_soft "revoke: $code $(cat "$tmp/out.json")"
code=$(req POST /api/v1/tickets "$DK2" '{"service":"E"}')
[ "$code" = 401 ] || fail_soft "the revoked kiosk's next ticket: $code, expected 401"

# ---- 4. a lasting change, exported back to a site file ------------------------------
code=$(req PATCH /api/v1/counters/3 "$AT" '{"services":"CBA"}')
[ "$code" = 403 ] || fail_soft "agent PATCH counter: $code, expected 403"
code=$(req PATCH /api/v1/counters/3 "$MT" '{"services":"CBA","name":"Guichet trois"}' k-1)
[ "$code" = 200 ] || fail_soft "manager PATCH counter: $code $(cat "$tmp/out.json")"
code=$(req GET /api/v1/counters "$MT")
grep -q '"counter":3,"name":"Guichet trois","services":"CBA"' "$tmp/out.json" ||
    fail_soft "GET counters after the change: $(cat "$tmp/out.json")"
"$K" admin --db "$DB" site export --out "$tmp/export.ini" 2>"$tmp/export.err" ||
    fail_soft "site export: $(cat "$tmp/export.err")"
grep -q '^services = C B A$' "$tmp/export.ini" && grep -q '^name = Guichet trois$' "$tmp/export.ini" ||
    fail_soft "the export lacks the counter's change: $(cat "$tmp/export.ini")"
[ ! -e "$tmp/export.ini.tmp" ] || fail_soft "site export left its temporary file"
site_init "$tmp/fresh.db" "$tmp/export.ini"
"$K" admin --db "$tmp/fresh.db" site export 2>/dev/null | sed 1d >"$tmp/again.ini"
sed 1d "$tmp/export.ini" | cmp -s - "$tmp/again.ini" ||
    fail_soft "export, init, export differ: $(sed 1d "$tmp/export.ini" | diff - "$tmp/again.ini")"
for t in site services service_names counters; do
	a=$(sqlite3 "$DB" "select * from $t order by 1, 2")
	b=$(sqlite3 "$tmp/fresh.db" "select * from $t order by 1, 2")
	[ "$a" = "$b" ] || fail_soft "table $t differs after export and init"
done
# the demo site, read back through a database, differs by counter 3 only
site_init "$tmp/demo.db" assets/demo/site.ini
"$K" admin --db "$tmp/demo.db" site export 2>/dev/null | sed 1d >"$tmp/demo.ini"
d=$(sed 1d "$tmp/export.ini" | diff "$tmp/demo.ini" - | grep '^[<>]' | tr '\n' '|')
[ "$d" = "< name = Guichet 3|< services = B A|> name = Guichet trois|> services = C B A|" ] ||
    fail_soft "export vs the demo site: $d"

echo "it_manage: $fails failed, $(($(date +%s) - t0)) s"
[ "$fails" -eq 0 ]

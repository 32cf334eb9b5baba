#!/bin/sh
# it_pg_migrate: `kiosk admin migrate --from FILE.db --to CONNINFO` (issue
# #11) moves a site's history from SQLite to a new PostgreSQL database
# without loss: a day of tickets (issued, called, served, an attestation de
# passage, a bound holder), devices, users and the audit log on SQLite;
# then every table has the same rows on PostgreSQL, the audit chain still
# verifies there, a server on the database goes on with the next number
# and knows the same kiosk key and holder; a second migrate into it, or
# from a missing file, is refused and changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_tool sqlite3 curl
kit_tmp it_pg_migrate
pg_start kiosk
db=$tmp/q.db
{ site_open it-migrate "$(noon_zone)"; cat <<EOF2
[service A]
name = Premier titre
capacity = 3
[service B]
name = Renouvellement
capacity = 50
bind_holder = yes
[counter 1]
services = A B
EOF2
} >"$tmp/site.ini"
site_init "$db" "$tmp/site.ini"
device_add "$db" kiosk-1
DK=$KEY
user_add "$db" marie agent 'secret-marie-1'
AT=$TOKEN
serve_start sqlite "$db"
url=$SERVER_URL
post() { curl -s -o "$tmp/out.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $2" \
	-H 'Content-Type: application/json' --data "$3" "$1$4"; }
for i in 1 2 3 4; do post "$url" "$DK" '{"service":"A"}' /api/v1/tickets >/dev/null; done
post "$url" "$DK" '{"service":"B","holder":"AB123456"}' /api/v1/tickets >/dev/null
post "$url" "$AT" '{}' /api/v1/counters/1/call-next >/dev/null
post "$url" "$AT" '{"current":"A001"}' /api/v1/counters/1/call-next >/dev/null
serve_stop "$SERVER_PID" || fail "the SQLite server did not stop cleanly"

to=$PGURL
out=$("$K" admin migrate --from "$db" --to "$to" 2>"$tmp/migrate.log") ||
	fail "migrate failed: $(tail -n 5 "$tmp/migrate.log")"
echo "$out"
echo "$out" | grep -q '^audit log intact after the move' || fail_soft "the audit chain was not checked: $out"
# Every table, the same rows.
for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
	a=$(sqlite3 "$db" "SELECT COUNT(*) FROM \"$t\"")
	b=$(pg_psql -tAc "SELECT COUNT(*) FROM \"$t\"")
	[ "$a" = "$b" ] || fail_soft "$t: $a rows in the file, $b in the database"
done
a=$(sqlite3 "$db" "SELECT group_concat(number || state, ' ') FROM (SELECT number, state FROM tickets ORDER BY id)")
b=$(pg_psql -tAc "SELECT string_agg(number || state, ' ' ORDER BY id) FROM tickets")
[ "$a" = "$b" ] || fail_soft "tickets differ: $a / $b"
a=$(sqlite3 "$db" "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
b=$(pg_psql -tAc "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
[ "$a" = "$b" ] || fail_soft "the audit chain's last hash differs: $a / $b"
"$K" admin --db "$to" --key "$db.key" audit verify >"$tmp/verify.txt" 2>&1 ||
	fail_soft "audit verify on the database: $(cat "$tmp/verify.txt")"

# The server on the database goes on where the file stopped.
serve_start pg "$to" --key "$db.key"
url=$SERVER_URL
[ "$(post "$url" "$DK" '{"service":"B","holder":"AB 123456"}' /api/v1/tickets)" = 200 ] ||
	fail_soft "the bound holder's ticket was not given back: $(cat "$tmp/out.json")"
grep -q '"duplicate":true' "$tmp/out.json" || fail_soft "not a duplicate: $(cat "$tmp/out.json")"
[ "$(post "$url" "$DK" '{"service":"B"}' /api/v1/tickets)" = 400 ] || fail_soft "B without a holder"
[ "$(post "$url" "$DK" '{"service":"B","holder":"CD654321"}' /api/v1/tickets)" = 201 ] ||
	fail_soft "a new ticket: $(cat "$tmp/out.json")"
grep -q '"number":"B002"' "$tmp/out.json" || fail_soft "the next number is not B002: $(cat "$tmp/out.json")"
[ "$(post "$url" "$AT" '{"current":"A002"}' /api/v1/counters/1/call-next)" = 200 ] ||
	fail_soft "call next on the database: $(cat "$tmp/out.json")"
grep -q '"number":"A003"' "$tmp/out.json" || fail_soft "not A003 next: $(cat "$tmp/out.json")"
serve_stop "$SERVER_PID" || fail_soft "the PostgreSQL server did not stop cleanly"

# Refused: into a database that holds a site, from a file that is not there.
n=$(pg_psql -tAc "SELECT COUNT(*) FROM tickets")
"$K" admin migrate --from "$db" --to "$to" >"$tmp/again.txt" 2>&1 && fail_soft "a second migrate into the same database was accepted"
grep -q 'holds a site already' "$tmp/again.txt" || fail_soft "no reason given: $(cat "$tmp/again.txt")"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM tickets")" = "$n" ] || fail_soft "the refused migrate changed the database"
"$K" admin migrate --from "$db" >"$tmp/usage.txt" 2>&1 && fail_soft "migrate without --to was accepted"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "it_pg_migrate: ok"

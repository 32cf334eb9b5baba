#!/bin/sh
# it_reinit: `kiosk admin init` on a live database (issue 14, item 5). A
# running `kiosk serve` holds the database's run lock (DB.lock), so init
# refuses while it runs and says which pid to stop; the site is unchanged
# and the server goes on issuing. Once the server stops, an init that
# drops a service with tickets still waiting today is refused too, naming
# the service and the count, unless --drop-open-tickets is given; a plain
# update works, and the server starts again on the new site.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3
kit_tmp it_reinit

cat >"$tmp/v1.ini" <<'EOF2'
[site]
id = it-reinit
name = Test site
timezone = Europe/Paris
[service A]
name = Service A
capacity = 50
[service B]
name = Service B
capacity = 50
[counter 1]
services = A B
EOF2
# v2 drops B and changes A's capacity
sed -e '/^\[service B\]/,/^capacity/d' -e 's/^services = A B/services = A/' \
	-e '0,/^capacity = 50/s//capacity = 70/' "$tmp/v1.ini" >"$tmp/v2.ini"
grep -q '^\[service B\]' "$tmp/v2.ini" && fail "v2 still has service B"

db=$tmp/q.db
site_init "$db" "$tmp/v1.ini"
device_add "$db" kiosk-1
DK=$KEY
services() { sqlite3 -readonly "$db" "SELECT group_concat(code || ':' || capacity, ' ') FROM (SELECT * FROM services WHERE active ORDER BY code)"; }
issue() { # SERVICE: prints the HTTP status
	curl -s -o "$tmp/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $DK" \
		-H 'Content-Type: application/json' -d "{\"service\":\"$1\"}" "$SERVER_URL/api/v1/tickets"
}
[ "$(services)" = "A:50 B:50" ] || fail "site v1 not applied: $(services)"

serve_start main "$db" --always-open
spid=$SERVER_PID
[ "$(issue B)" = 201 ] || fail "no ticket in B: $(cat "$tmp/body")"

# 1. init while the server runs: refused, with the server's pid
if "$K" admin --db "$db" init --site "$tmp/v2.ini" >"$tmp/out" 2>"$tmp/err"; then
	fail_soft "init succeeded while a server runs"
fi
grep -q "a server is running on this database (pid $spid); stop it first" "$tmp/err" ||
	fail_soft "init's refusal does not say why: $(cat "$tmp/err")"
# also with --drop-open-tickets: the option never overrides a running server
if "$K" admin --db "$db" init --site "$tmp/v2.ini" --drop-open-tickets >/dev/null 2>"$tmp/err"; then
	fail_soft "init --drop-open-tickets succeeded while a server runs"
fi
[ "$(services)" = "A:50 B:50" ] || fail_soft "the refused init changed the site: $(services)"
# the server goes on issuing, in both services
[ "$(issue A)" = 201 ] || fail_soft "the server no longer issues A: $(cat "$tmp/body")"
[ "$(issue B)" = 201 ] || fail_soft "the server no longer issues B: $(cat "$tmp/body")"
serve_stop "$spid" || fail_soft "the server did not stop cleanly"

# 2. stopped, but v2 drops B, which has 2 tickets waiting today: refused
if "$K" admin --db "$db" init --site "$tmp/v2.ini" >"$tmp/out" 2>"$tmp/err"; then
	fail_soft "init dropped a service with waiting tickets"
fi
grep -q '\[service B\] Service B has 2 tickets waiting or called today' "$tmp/err" ||
	fail_soft "the refusal does not name the service and count: $(cat "$tmp/err")"
[ "$(services)" = "A:50 B:50" ] || fail_soft "the refused init changed the site: $(services)"

# a bad site file (Latin-1) changes nothing either
printf '[site]\nid = it-reinit\nname = Pr\351fecture\n' >"$tmp/latin1.ini"
if "$K" admin --db "$db" init --site "$tmp/latin1.ini" >/dev/null 2>"$tmp/err"; then
	fail_soft "init took a Latin-1 site file"
fi
grep -q "latin1.ini:3: not valid UTF-8" "$tmp/err" || fail_soft "no FILE:LINE for the Latin-1 file: $(cat "$tmp/err")"
[ "$(services)" = "A:50 B:50" ] || fail_soft "the refused file changed the site: $(services)"

# while an init holds the lock (here flock(1) holds it, as init would), a
# server does not start, and says why
if command -v flock >/dev/null 2>&1; then
	if flock -x "$db.lock" "$K" serve --db "$db" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err"; then
		fail_soft "a server started while the lock was held exclusively"
	fi
	grep -q "'kiosk admin init' is changing this database's site" "$tmp/err" ||
		fail_soft "the server does not say why it did not start: $(cat "$tmp/err")"
fi

# 3. a plain update (nothing dropped) works with the server stopped
sed 's/^capacity = 50/capacity = 60/' "$tmp/v1.ini" >"$tmp/v1b.ini"
"$K" admin --db "$db" init --site "$tmp/v1b.ini" >"$tmp/out" 2>"$tmp/err" ||
	fail_soft "init after the server stopped failed: $(cat "$tmp/err")"
[ "$(services)" = "A:60 B:60" ] || fail_soft "the update was not applied: $(services)"

# 4. --drop-open-tickets: applied, with the count said
"$K" admin --db "$db" init --site "$tmp/v2.ini" --drop-open-tickets >"$tmp/out" 2>"$tmp/err" ||
	fail_soft "init --drop-open-tickets failed: $(cat "$tmp/err")"
grep -q 'Service B has 2 tickets' "$tmp/err" || fail_soft "--drop-open-tickets did not say what it dropped: $(cat "$tmp/err")"
[ "$(services)" = "A:70" ] || fail_soft "v2 not applied: $(services)"

# 5. the server starts on the new site (init released the lock) and refuses B
serve_start again "$db" --always-open
[ "$(issue A)" = 201 ] || fail_soft "the restarted server does not issue A: $(cat "$tmp/body")"
[ "$(issue B)" = 404 ] || fail_soft "the restarted server still issues B: $(cat "$tmp/body")"
serve_stop "$SERVER_PID" || fail_soft "the second server did not stop cleanly"

[ "$fails" -eq 0 ] || exit 1
echo "it_reinit: ok"

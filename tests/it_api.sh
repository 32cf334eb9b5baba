#!/bin/sh
# it_api: bad input over real HTTP, the part build/tests/test_api cannot
# see because it calls api_handle() directly: body limits at the socket
# (plain and chunked), huge headers, slow clients that send half a request
# and hang, a flood of them from one address, a database locked by another
# process (sqlite3 holding BEGIN EXCLUSIVE past the 3 s busy time-out), and
# a full disk (a small tmpfs; skipped with a message where mounting is not
# allowed). Every refusal must be a 4xx/503 with {"error": "..."}; after
# each one the server still answers and nothing was written.
. "$(dirname "$0")/lib.sh"
L=$BUILD/tools/loadgen
need_build "$K" "$L"
need_tool curl sqlite3
kit_tmp it_api
spid= spid2= fpid= slowpid= lockpid= small=
KIT_AT_EXIT='[ -z "$small" ] || umount "$small" 2>/dev/null'
checks=0

cat >"$tmp/site.ini" <<'EOF'
[site]
id = it-api
name = Test site
timezone = Europe/Paris
mon = 08:30-16:00
max_recalls = 2
[service A]
name = Service A
capacity = 500
priority_reserve = 5
[service B]
name = Service B
capacity = 500
priority_reserve = 0
[counter 1]
services = A B
[counter 2]
services = B
EOF

# new_db DB: a database with one kiosk (DK) and one agent (TK).
new_db() {
	site_init "$1" "$tmp/site.ini"
	device_add "$1" kiosk-1
	DK=$KEY
	user_add "$1" marie agent secret123
	TK=$TOKEN
}

# stop PID: SIGTERM, and exit status 0 within 20 s.
stop() {
	serve_stop "$1" || fail_soft "the server exited with status $? after SIGTERM (or did not stop)"
}

db=$tmp/q.db
new_db "$db"
serve_start main "$db" --always-open
spid=$SERVER_PID port=$SERVER_PORT
U=$SERVER_URL

# hit METHOD PATH AUTH [curl args...]: sets $code and the body in $tmp/body.
# Bodies go as Content-Type $CT (application/json unless set).
CT=
hit() {
	m=$1 p=$2 a=$3
	shift 3
	if [ -n "$a" ]; then
		code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 10 -X "$m" -H "Content-Type: ${CT:-application/json}" -H "Authorization: Bearer $a" "$@" "$U$p")
	else
		code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 10 -X "$m" -H "Content-Type: ${CT:-application/json}" "$@" "$U$p")
	fi
}
rows() { sqlite3 -readonly "$db" "SELECT (SELECT COUNT(*) FROM tickets) || '/' || (SELECT COUNT(*) FROM events)"; }
alive() {
	c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/api/v1/health")
	# 503 is health saying the storage fails (a full disk): it answers.
	case $c in 200|503) ;; *) fail_soft "$1: the server no longer answers (health gave $c)" ;; esac
}
# refused WANT DESC METHOD PATH AUTH [curl args]: WANT, a JSON error, nothing written, still up.
refused() {
	want=$1 desc=$2
	shift 2
	checks=$((checks + 1))
	before=$(rows)
	hit "$@"
	[ "$code" = "$want" ] || fail_soft "$desc: status $code, expected $want ($(head -c 200 "$tmp/body"))"
	grep -Eq '^\{"error":"[^"]{8,}' "$tmp/body" || fail_soft "$desc: no readable {\"error\":...}: $(head -c 200 "$tmp/body")"
	[ "$(rows)" = "$before" ] || fail_soft "$desc: something was written ($before -> $(rows) tickets/events)"
	alive "$desc"
}
issue_ok() {
	hit POST /api/v1/tickets "$DK" -d '{"service":"A"}'
	[ "$code" = 201 ] || fail_soft "$1: a good ticket request got $code ($(head -c 200 "$tmp/body"))"
	sed -n 's/.*"number":"\([A-Z][0-9]*\)".*/\1/p' "$tmp/body"
}

# --- slow clients: 20 half-sent requests held open from the start ---------
$L --port "$port" --slow 20 --duration 45 >"$tmp/slow" 2>&1 &
slowpid=$!
kit_track "$slowpid"
t_slow=$(date +%s)
n=0
until grep -q 'connections hanging' "$tmp/slow"; do
	n=$((n + 1)); [ $n -gt 200 ] && fail "slow clients did not connect: $(cat "$tmp/slow")"
	sleep 0.05
done
grep -q '^slow: 20 connections hanging' "$tmp/slow" || fail_soft "slow: $(cat "$tmp/slow")"
# Others are served meanwhile, promptly.
t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$U/api/v1/health")
case $t in 200\ 0.*|200\ 1.*) ;; *) fail_soft "health while slow clients hang: $t" ;; esac
first=$(issue_ok "while slow clients hang")
[ "$first" = A001 ] || fail_soft "first ticket is '$first', expected A001"

# A flood of 205 hanging connections from another address (127.0.0.3):
# clients elsewhere (127.0.0.1) are still served.
$L --port "$port" --bind 127.0.0.3 --slow 205 --duration 4 >"$tmp/flood" 2>&1 &
fpid=$!
kit_track "$fpid"
n=0
until grep -q 'connections hanging' "$tmp/flood"; do
	n=$((n + 1)); [ $n -gt 200 ] && fail "flood did not connect: $(cat "$tmp/flood")"
	sleep 0.05
done
alive "during a flood of slow connections from another address"
issue_ok "during a flood of slow connections from another address" >/dev/null

# --- bad input over HTTP ------------------------------------------------------
head -c 5000 /dev/zero | tr '\0' ' ' >"$tmp/big"
printf '{"service":"A"}' >>"$tmp/big"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$tmp/huge"
refused 400 "malformed JSON" POST /api/v1/tickets "$DK" -d '{"service":'
refused 400 "not JSON" POST /api/v1/tickets "$DK" -d 'service=A'
CT=application/x-www-form-urlencoded
refused 415 "a form, not JSON" POST /api/v1/tickets "$DK" -d 'service=A'
CT=text/plain
refused 415 "JSON sent as text/plain" POST /api/v1/tickets "$DK" -d '{"service":"A"}'
CT=
refused 400 "a NUL escaped in a string" POST /api/v1/tickets "$DK" -d '{"service":"A\u0000X"}'
refused 400 "Latin-1 in a string" POST /api/v1/tickets "$DK" --data-binary "$(printf '{"service":"A","lang":"fr\351"}')"
refused 400 "empty body" POST /api/v1/tickets "$DK" -d ''
refused 400 "service as a number" POST /api/v1/tickets "$DK" -d '{"service":1}'
refused 400 "priority as a string" POST /api/v1/tickets "$DK" -d '{"service":"A","priority":"yes"}'
refused 404 "unknown service" POST /api/v1/tickets "$DK" -d '{"service":"Q"}'
refused 413 "body over 4 KiB" POST /api/v1/tickets "$DK" --data-binary @"$tmp/big"
refused 413 "2 MB body" POST /api/v1/tickets "$DK" --data-binary @"$tmp/huge"
refused 413 "chunked body over 4 KiB" POST /api/v1/tickets "$DK" -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big"
refused 401 "missing key" POST /api/v1/tickets "" -d '{"service":"A"}'
refused 401 "wrong key" POST /api/v1/tickets "dk_not-a-key-at-all" -d '{"service":"A"}'
refused 401 "Basic auth" POST /api/v1/tickets "" -H 'Authorization: Basic a2lvc2s6a2lvc2s=' -d '{"service":"A"}'
refused 403 "device key on a staff route" POST /api/v1/counters/1/call-next "$DK"
refused 403 "device key on the counters list" GET /api/v1/counters "$DK"
refused 401 "no key on a staff route" POST /api/v1/counters/1/call-next ""
refused 404 "unknown API route" GET /api/v1/nope ""
refused 404 "unknown page" GET /nope ""
refused 404 "path traversal" GET /static/../../../../etc/passwd "" --path-as-is
refused 404 "encoded traversal" GET /static/..%2f..%2fdb/001_init.sql "" --path-as-is
refused 405 "wrong method" DELETE /api/v1/health ""
refused 405 "GET on the issue route" GET /api/v1/tickets "$DK"
refused 404 "missing ticket" GET /api/v1/tickets/99999 "$DK"
refused 401 "a ticket, anonymously" GET /api/v1/tickets/1 ""
refused 404 "unknown counter" POST /api/v1/counters/77/call-next "$TK"
# A header of 100 kB: refused (4xx), the server stays up.
checks=$((checks + 1))
before=$(rows)
hit GET /api/v1/health "" -H "X-Junk: $(head -c 100000 /dev/zero | tr '\0' a)"
case $code in 4??) ;; *) fail_soft "100 kB header: status $code, expected 4xx" ;; esac
[ "$(rows)" = "$before" ] || fail_soft "100 kB header: something was written"
alive "after a 100 kB header"
# Login: five failures, then 429 from this address even with the right
# password (tests/it_login.sh: the same login from elsewhere still works).
for i in 1 2 3 4 5; do
	hit POST /api/v1/login "" -d '{"login":"marie","password":"wrong-wrong"}'
	[ "$code" = 401 ] || fail_soft "failed login $i: status $code, expected 401"
done
refused 429 "sixth login" POST /api/v1/login "" -d '{"login":"marie","password":"secret123"}'

# --- a database locked by another process: 503, no number ------------------------
mkfifo "$tmp/lockin"
sqlite3 "$db" <"$tmp/lockin" >"$tmp/lockout" 2>&1 &
lockpid=$!
kit_track "$lockpid"
exec 3>"$tmp/lockin"
# The server may hold the write lock for a moment (its minute tick): wait for it.
printf '.timeout 10000\nBEGIN EXCLUSIVE;\n' >&3
# Wait (with a deadline) until the lock is really held: a writer with no
# busy time-out then fails at once.
n=0
until ! sqlite3 -cmd '.timeout 0' "$db" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -gt 200 ] && fail "sqlite3 did not take the lock"
	sleep 0.05
done
before=$(rows)
t0=$(date +%s)
refused 503 "issue while the database is locked" POST /api/v1/tickets "$DK" -d '{"service":"A"}'
grep -q 'locked' "$tmp/body" || fail_soft "locked: the reason does not say so: $(cat "$tmp/body")"
grep -q '"number"' "$tmp/body" && fail_soft "locked: a number was handed out"
refused 503 "call-next while the database is locked" POST /api/v1/counters/1/call-next "$TK"
[ $(( $(date +%s) - t0 )) -ge 4 ] || fail_soft "locked: answered before the busy time-out (3 s each)"
echo "ROLLBACK;" >&3
exec 3>&-
wait "$lockpid"
kit_untrack "$lockpid"
lockpid=
[ "$(rows)" = "$before" ] || fail_soft "locked: something was written"
after=$(issue_ok "after the lock")
[ "$after" = A003 ] || fail_soft "after the lock the number is '$after', expected A003 (no gap, no repeat)"

# --- a full disk: 503, no number; then it recovers ----------------------------------
small=$tmp/small
mkdir "$small"
if mount -t tmpfs -o size=3m tmpfs "$small" 2>"$tmp/mount.err"; then
	sdb=$small/q.db
	DKsave=$DK TKsave=$TK
	new_db "$sdb"
	serve_start small "$sdb" --always-open
	spid2=$SERVER_PID
	Usave=$U
	U=$SERVER_URL
	dbsave=$db
	db=$sdb
	issue_ok "small disk" >/dev/null
	issue_ok "small disk" >/dev/null
	# Empty the WAL into the file, then fill the disk: the next commit
	# needs new blocks and cannot have them.
	sqlite3 "$sdb" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null || fail_soft "checkpoint failed"
	dd if=/dev/zero of="$small/fill" bs=4096 >/dev/null 2>&1
	refused 503 "issue on a full disk" POST /api/v1/tickets "$DK" -d '{"service":"A"}'
	grep -q 'disk is full' "$tmp/body" || fail_soft "full disk: the reason does not say so: $(cat "$tmp/body")"
	refused 503 "issue on a full disk, again" POST /api/v1/tickets "$DK" -d '{"service":"B","priority":true}'
	hit GET /api/v1/services ""
	[ "$code" = 200 ] || fail_soft "full disk: reads fail too ($code)"
	# Health tells a supervisor: 503, not writable, and why.
	hit GET /api/v1/health ""
	[ "$code" = 503 ] && grep -q '"status":"failing"' "$tmp/body" &&
	    grep -q '"writable":false' "$tmp/body" && grep -q '"write_error":"the disk is full"' "$tmp/body" ||
	    fail_soft "full disk: health gave $code $(head -c 600 "$tmp/body")"
	rm -f "$small/fill"
	n=$(issue_ok "after the disk was freed")
	[ "$n" = A003 ] || fail_soft "after the full disk the number is '$n', expected A003"
	# Writable again (the tmpfs is tiny: "degraded", the disk almost full).
	wait_until 5 sh -c "curl -s --max-time 2 '$U/api/v1/health' | grep -q '\"writable\":true'" ||
	    fail_soft "after the full disk, health does not say writable"
	hit GET /api/v1/health ""
	[ "$code" = 200 ] && grep -q '"status":"degraded"' "$tmp/body" &&
	    grep -q 'the disk is almost full' "$tmp/body" || fail_soft "freed disk: health gave $code $(head -c 600 "$tmp/body")"
	[ "$(sqlite3 -readonly "$sdb" 'PRAGMA quick_check')" = ok ] || fail_soft "full disk: quick_check"
	stop "$spid2"
	spid2=
	U=$Usave
	db=$dbsave
	DK=$DKsave TK=$TKsave
	umount "$small" || fail_soft "cannot unmount $small"
	small=
else
	echo "skip: full disk not tested: cannot mount a tmpfs here ($(cat "$tmp/mount.err")); needs root"
fi

# --- the slow clients: the server closes them by itself (30 s time-out) -----------
wait "$fpid"
kit_untrack "$fpid"
fpid=
n=0
while kill -0 "$slowpid" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 1000 ] && { fail_soft "slow clients still open after 50 s"; break; }
	sleep 0.05
done
wait "$slowpid" 2>/dev/null
kit_untrack "$slowpid"
slowpid=
grep -q '^slow: 20 of 20 closed by the server' "$tmp/slow" ||
	fail_soft "the server did not close the slow clients within 45 s: $(tail -1 "$tmp/slow")"
echo "$(tail -1 "$tmp/slow") (started $(( $(date +%s) - t_slow )) s ago)"
alive "at the end"

stop "$spid"
spid=
if [ "$fails" -ne 0 ]; then
	echo "$fails of $checks checks failed"; kit_logs
	exit 1
fi
echo "ok: $checks refusals over HTTP, each with a reason, nothing written, the server up"

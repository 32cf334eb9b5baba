#!/bin/sh
# it_api: bad input over real HTTP, the part build/tests/test_api cannot
# see because it calls api_handle() directly: body limits at the socket
# (plain and chunked), huge headers, slow clients that send half a request
# and hang, a flood of them from one address, a database locked by another
# process (sqlite3 holding BEGIN EXCLUSIVE past the 3 s busy time-out), and
# a full disk (a small tmpfs; skipped with a message where mounting is not
# allowed). Every refusal must be a 4xx/503 with {"error": "..."}; after
# each one the server still answers and nothing was written.
BUILD=${BUILD:-build}
K=$BUILD/kiosk
L=$BUILD/tools/loadgen
[ -x "$K" ] && [ -x "$L" ] || { echo "build $K and $L first (make tests-build)"; exit 1; }
for c in curl sqlite3; do
	command -v $c >/dev/null || { echo "the $c command is needed (apt-get install $c)"; exit 1; }
done

tmp=$(mktemp -d) || exit 1
spid= spid2= fpid= slowpid= lockpid= small=
cleanup() {
	for p in $slowpid $lockpid $fpid $spid2 $spid; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "$small" ] && umount "$small" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0 checks=0
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; [ -f "$tmp/server.log" ] && tail -20 "$tmp/server.log"; exit 1; }

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
	$K admin --db "$1" init --site "$tmp/site.ini" >/dev/null 2>"$tmp/admin.log" || die "init: $(cat "$tmp/admin.log")"
	$K admin --db "$1" keygen >/dev/null 2>>"$tmp/admin.log" || die "keygen"
	DK=$($K admin --db "$1" device add kiosk-1 2>>"$tmp/admin.log") || die "device add"
	echo 'secret123' | $K admin --db "$1" user add marie --role agent >/dev/null 2>>"$tmp/admin.log" || die "user add"
	TK=$($K admin --db "$1" user token marie 2>>"$tmp/admin.log") || die "user token"
}

# start DB OUTFILE: a server on DB; sets $pid and $port.
start() {
	: >"$2"
	$K serve --db "$1" --listen 127.0.0.1:0 --always-open >"$2" 2>>"$tmp/server.log" &
	pid=$!
	n=0
	until grep -q '^listening on ' "$2"; do
		kill -0 "$pid" 2>/dev/null || die "the server on $1 exited at start"
		n=$((n + 1)); [ $n -gt 400 ] && die "the server on $1 did not listen within 20 s"
		sleep 0.05
	done
	port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$2")
}

# stop PID: SIGTERM, and exit status 0 within 20 s.
stop() {
	kill -TERM "$1"
	n=0
	while kill -0 "$1" 2>/dev/null; do
		n=$((n + 1)); [ $n -gt 400 ] && { fail "the server did not stop within 20 s of SIGTERM"; kill -9 "$1"; break; }
		sleep 0.05
	done
	wait "$1"; rc=$?
	[ "$rc" -eq 0 ] || fail "the server exited with status $rc after SIGTERM"
}

db=$tmp/q.db
new_db "$db"
start "$db" "$tmp/out"
spid=$pid
U=http://127.0.0.1:$port

# hit METHOD PATH AUTH [curl args...]: sets $code and the body in $tmp/body.
hit() {
	m=$1 p=$2 a=$3
	shift 3
	if [ -n "$a" ]; then
		code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 10 -X "$m" -H "Authorization: Bearer $a" "$@" "$U$p")
	else
		code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 10 -X "$m" "$@" "$U$p")
	fi
}
rows() { sqlite3 -readonly "$db" "SELECT (SELECT COUNT(*) FROM tickets) || '/' || (SELECT COUNT(*) FROM events)"; }
alive() {
	c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/api/v1/health")
	[ "$c" = 200 ] || fail "$1: the server no longer answers (health gave $c)"
}
# refused WANT DESC METHOD PATH AUTH [curl args]: WANT, a JSON error, nothing written, still up.
refused() {
	want=$1 desc=$2
	shift 2
	checks=$((checks + 1))
	before=$(rows)
	hit "$@"
	[ "$code" = "$want" ] || fail "$desc: status $code, expected $want ($(head -c 200 "$tmp/body"))"
	grep -Eq '^\{"error":"[^"]{8,}' "$tmp/body" || fail "$desc: no readable {\"error\":...}: $(head -c 200 "$tmp/body")"
	[ "$(rows)" = "$before" ] || fail "$desc: something was written ($before -> $(rows) tickets/events)"
	alive "$desc"
}
issue_ok() {
	hit POST /api/v1/tickets "$DK" -d '{"service":"A"}'
	[ "$code" = 201 ] || fail "$1: a good ticket request got $code ($(head -c 200 "$tmp/body"))"
	sed -n 's/.*"number":"\([A-Z][0-9]*\)".*/\1/p' "$tmp/body"
}

# --- slow clients: 20 half-sent requests held open from the start ---------
$L --port "$port" --slow 20 --duration 45 >"$tmp/slow" 2>&1 &
slowpid=$!
t_slow=$(date +%s)
n=0
until grep -q 'connections hanging' "$tmp/slow"; do
	n=$((n + 1)); [ $n -gt 200 ] && die "slow clients did not connect: $(cat "$tmp/slow")"
	sleep 0.05
done
grep -q '^slow: 20 connections hanging' "$tmp/slow" || fail "slow: $(cat "$tmp/slow")"
# Others are served meanwhile, promptly.
t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$U/api/v1/health")
case $t in 200\ 0.*|200\ 1.*) ;; *) fail "health while slow clients hang: $t" ;; esac
first=$(issue_ok "while slow clients hang")
[ "$first" = A001 ] || fail "first ticket is '$first', expected A001"

# A flood of 205 hanging connections from another address (127.0.0.3):
# clients elsewhere (127.0.0.1) are still served.
$L --port "$port" --bind 127.0.0.3 --slow 205 --duration 4 >"$tmp/flood" 2>&1 &
fpid=$!
n=0
until grep -q 'connections hanging' "$tmp/flood"; do
	n=$((n + 1)); [ $n -gt 200 ] && die "flood did not connect: $(cat "$tmp/flood")"
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
case $code in 4??) ;; *) fail "100 kB header: status $code, expected 4xx" ;; esac
[ "$(rows)" = "$before" ] || fail "100 kB header: something was written"
alive "after a 100 kB header"
# Login: five failures, then 429 even with the right password.
for i in 1 2 3 4 5; do
	hit POST /api/v1/login "" -d '{"login":"marie","password":"wrong-wrong"}'
	[ "$code" = 401 ] || fail "failed login $i: status $code, expected 401"
done
refused 429 "sixth login" POST /api/v1/login "" -d '{"login":"marie","password":"secret123"}'

# --- a database locked by another process: 503, no number ------------------------
mkfifo "$tmp/lockin"
sqlite3 "$db" <"$tmp/lockin" >"$tmp/lockout" 2>&1 &
lockpid=$!
exec 3>"$tmp/lockin"
# The server may hold the write lock for a moment (its minute tick): wait for it.
printf '.timeout 10000\nBEGIN EXCLUSIVE;\n' >&3
# Wait (with a deadline) until the lock is really held: a writer with no
# busy time-out then fails at once.
n=0
until ! sqlite3 -cmd '.timeout 0' "$db" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -gt 200 ] && die "sqlite3 did not take the lock"
	sleep 0.05
done
before=$(rows)
t0=$(date +%s)
refused 503 "issue while the database is locked" POST /api/v1/tickets "$DK" -d '{"service":"A"}'
grep -q 'locked' "$tmp/body" || fail "locked: the reason does not say so: $(cat "$tmp/body")"
grep -q '"number"' "$tmp/body" && fail "locked: a number was handed out"
refused 503 "call-next while the database is locked" POST /api/v1/counters/1/call-next "$TK"
[ $(( $(date +%s) - t0 )) -ge 4 ] || fail "locked: answered before the busy time-out (3 s each)"
echo "ROLLBACK;" >&3
exec 3>&-
wait "$lockpid"
lockpid=
[ "$(rows)" = "$before" ] || fail "locked: something was written"
after=$(issue_ok "after the lock")
[ "$after" = A003 ] || fail "after the lock the number is '$after', expected A003 (no gap, no repeat)"

# --- a full disk: 503, no number; then it recovers ----------------------------------
small=$tmp/small
mkdir "$small"
if mount -t tmpfs -o size=3m tmpfs "$small" 2>"$tmp/mount.err"; then
	sdb=$small/q.db
	DKsave=$DK TKsave=$TK
	new_db "$sdb"
	start "$sdb" "$tmp/out2"
	spid2=$pid
	Usave=$U
	U=http://127.0.0.1:$port
	dbsave=$db
	db=$sdb
	issue_ok "small disk" >/dev/null
	issue_ok "small disk" >/dev/null
	# Empty the WAL into the file, then fill the disk: the next commit
	# needs new blocks and cannot have them.
	sqlite3 "$sdb" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null || fail "checkpoint failed"
	dd if=/dev/zero of="$small/fill" bs=4096 >/dev/null 2>&1
	refused 503 "issue on a full disk" POST /api/v1/tickets "$DK" -d '{"service":"A"}'
	grep -q 'disk is full' "$tmp/body" || fail "full disk: the reason does not say so: $(cat "$tmp/body")"
	refused 503 "issue on a full disk, again" POST /api/v1/tickets "$DK" -d '{"service":"B","priority":true}'
	hit GET /api/v1/services ""
	[ "$code" = 200 ] || fail "full disk: reads fail too ($code)"
	rm -f "$small/fill"
	n=$(issue_ok "after the disk was freed")
	[ "$n" = A003 ] || fail "after the full disk the number is '$n', expected A003"
	[ "$(sqlite3 -readonly "$sdb" 'PRAGMA quick_check')" = ok ] || fail "full disk: quick_check"
	stop "$spid2"
	spid2=
	U=$Usave
	db=$dbsave
	DK=$DKsave TK=$TKsave
	umount "$small" || fail "cannot unmount $small"
	small=
else
	echo "skip: full disk not tested: cannot mount a tmpfs here ($(cat "$tmp/mount.err")); needs root"
fi

# --- the slow clients: the server closes them by itself (30 s time-out) -----------
wait "$fpid"
fpid=
n=0
while kill -0 "$slowpid" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 1000 ] && { fail "slow clients still open after 50 s"; break; }
	sleep 0.05
done
wait "$slowpid" 2>/dev/null
slowpid=
grep -q '^slow: 20 of 20 closed by the server' "$tmp/slow" ||
	fail "the server did not close the slow clients within 45 s: $(tail -1 "$tmp/slow")"
echo "$(tail -1 "$tmp/slow") (started $(( $(date +%s) - t_slow )) s ago)"
alive "at the end"

stop "$spid"
spid=
if [ "$fails" -ne 0 ]; then
	echo "$fails of $checks checks failed; server log:"; tail -20 "$tmp/server.log"
	exit 1
fi
echo "ok: $checks refusals over HTTP, each with a reason, nothing written, the server up"

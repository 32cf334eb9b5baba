#!/bin/sh
# it_concurrency: many processes issue and call at once against one server.
# 8 issuing processes (8 kiosks, 5 services, some priority tickets) and 8
# calling processes (counters 1-8 of the demo site) run together; callers
# go on until every queue is empty. Then, from the answers the clients saw
# and from the database itself (sqlite3, read-only queries):
#   - every issue was acknowledged (201), with no storage failure;
#   - no number twice per (day, service), in the answers or in the file;
#   - every acknowledged ticket is in the file, with the number it was given;
#   - every ticket was called exactly once: no id in two call-next answers,
#     at most one 'call' event per ticket, and all of them were called.
# The clients are build/tools/loadgen (tests/tools/loadgen.c).
BUILD=${BUILD:-build}
K=$BUILD/kiosk
L=$BUILD/tools/loadgen
ISSUERS=8 CALLERS=8 PER_ISSUER=${PER_ISSUER:-150}
[ -x "$K" ] && [ -x "$L" ] || { echo "build $K and $L first (make tests-build)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "the sqlite3 command is needed (apt-get install sqlite3)"; exit 1; }

tmp=$(mktemp -d) || exit 1
spid=
cleanup() {
	[ -n "$spid" ] && kill -9 "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; [ -f "$tmp/server.log" ] && tail -20 "$tmp/server.log"; exit 1; }
q() { sqlite3 -readonly "$db" "$1"; }

# The demo site, with room for everybody and no document binding.
db=$tmp/q.db
sed -e 's/^capacity = .*/capacity = 9999/' -e '/^bind_holder/d' assets/demo/site.ini >"$tmp/site.ini"
$K admin --db "$db" init --site "$tmp/site.ini" >/dev/null 2>"$tmp/admin.log" || die "init: $(cat "$tmp/admin.log")"
$K admin --db "$db" keygen >/dev/null 2>>"$tmp/admin.log" || die "keygen"
keys=
i=1
while [ $i -le $ISSUERS ]; do
	k=$($K admin --db "$db" device add "kiosk-$i" 2>>"$tmp/admin.log") || die "device add"
	keys="$keys${keys:+,}$k"
	i=$((i + 1))
done
echo 'secret123' | $K admin --db "$db" user add marie --role agent >/dev/null 2>>"$tmp/admin.log" || die "user add"
TK=$($K admin --db "$db" user token marie 2>>"$tmp/admin.log") || die "user token"

# Start the server; wait (with a deadline) for its "listening on" line.
: >"$tmp/out"
$K serve --db "$db" --listen 127.0.0.1:0 --always-open >"$tmp/out" 2>"$tmp/server.log" &
spid=$!
n=0
until grep -q '^listening on ' "$tmp/out"; do
	kill -0 "$spid" 2>/dev/null || die "the server exited at start"
	n=$((n + 1)); [ $n -gt 400 ] && die "the server did not listen within 20 s"
	sleep 0.05
done
port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$tmp/out")
[ -n "$port" ] || die "no port in: $(cat "$tmp/out")"

rec=$tmp/records
$L --port "$port" --issuers $ISSUERS --device-key "$keys" --services ABCDE --priority 10 \
	--count "$PER_ISSUER" --callers $CALLERS --staff-token "$TK" --counters 1-8 --drain \
	--timeout 100 --out "$rec" >"$tmp/summary" 2>&1 || fail "loadgen failed"
cat "$tmp/summary"

# Stop the server cleanly: SIGTERM, exit status 0 within 20 s.
kill -TERM "$spid"
n=0
while kill -0 "$spid" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 400 ] && die "the server did not stop within 20 s of SIGTERM"
	sleep 0.05
done
wait "$spid"; rc=$?
spid=
[ "$rc" -eq 0 ] || { fail "the server exited with status $rc"; tail -20 "$tmp/server.log"; }

total=$((ISSUERS * PER_ISSUER))
# Answers the clients saw.
awk '$1 == "I"' "$rec" >"$tmp/issues"
awk '$1 == "C"' "$rec" >"$tmp/calls"
got=$(wc -l <"$tmp/issues")
acked=$(awk '$3 == 201' "$tmp/issues" | wc -l)
[ "$got" -eq "$total" ] || fail "$got issue answers, expected $total"
[ "$acked" -eq "$total" ] || fail "$acked tickets acknowledged, expected $total: $(awk '$3 != 201 {print $3, $8}' "$tmp/issues" | sort | uniq -c | head)"
errs=$(awk '$1 == "E"' "$rec" | wc -l)
[ "$errs" -eq 0 ] || fail "$errs requests got no answer: $(awk '$1 == "E" {print $4}' "$rec" | sort | uniq -c | head -5)"
bad=$(awk '$3 != 200 && $3 != 204' "$tmp/calls" | wc -l)
[ "$bad" -eq 0 ] || fail "$bad call-next answers were neither 200 nor 204: $(awk '$3 != 200 && $3 != 204 {print $3, $8}' "$tmp/calls" | sort | uniq -c | head)"

# Numbers unique per service in the answers (one local day, unless the
# test ran across midnight: then the database check below still holds).
dup=$(awk '$3 == 201 {print $5}' "$tmp/issues" | sort | uniq -d | head -5)
[ -z "$dup" ] || [ "$(q "SELECT COUNT(DISTINCT day) FROM tickets")" -gt 1 ] ||
	fail "numbers given twice: $dup"
dup=$(awk '$3 == 201 {print $4}' "$tmp/issues" | sort | uniq -d | head -5)
[ -z "$dup" ] || fail "ids given twice: $dup"

# The file: every number once, every acknowledged ticket there with its number.
[ "$(q "SELECT COUNT(*) FROM tickets")" -eq "$total" ] || fail "$(q "SELECT COUNT(*) FROM tickets") tickets in the file, expected $total"
[ "$(q "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY day, service, seq HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail "a (day, service, seq) is in the file twice"
[ "$(q "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY day, number HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail "a number is in the file twice the same day"
# Per service, the sequence has no holes: 1..N.
holes=$(q "SELECT service FROM tickets GROUP BY day, service HAVING MAX(seq) != COUNT(*) OR MIN(seq) != 1")
[ -z "$holes" ] || fail "holes in the numbering of: $holes"
awk '$3 == 201 {print $4, $5}' "$tmp/issues" | sort >"$tmp/acked"
q "SELECT id || ' ' || number FROM tickets" | sort >"$tmp/indb"
missing=$(comm -23 "$tmp/acked" "$tmp/indb" | head -5)
[ -z "$missing" ] || fail "acknowledged but not in the file (id number): $missing"
prios=$(q "SELECT COUNT(*) FROM tickets WHERE priority")
[ "$prios" -gt 0 ] || fail "no priority ticket was issued (the mix is meant to have some)"

# Calls: no id in two answers; every ticket called exactly once.
awk '$3 == 200 {print $5}' "$tmp/calls" | sort >"$tmp/called"
dup=$(uniq -d "$tmp/called" | head -5)
[ -z "$dup" ] || fail "tickets returned by two call-next answers: $dup"
ncalled=$(wc -l <"$tmp/called")
[ "$ncalled" -eq "$total" ] || fail "$ncalled tickets called, expected $total"
awk '{print $1}' "$tmp/acked" | sort >"$tmp/acked_ids"
notcalled=$(comm -23 "$tmp/acked_ids" "$tmp/called" | head -5)
[ -z "$notcalled" ] || fail "issued but never called: $notcalled"
[ "$(q "SELECT COUNT(*) FROM (SELECT ticket FROM events WHERE kind = 'call' GROUP BY ticket HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail "a ticket has two 'call' events"
[ "$(q "SELECT COUNT(*) FROM events WHERE kind = 'call'")" -eq "$total" ] ||
	fail "$(q "SELECT COUNT(*) FROM events WHERE kind = 'call'") call events, expected $total"
[ "$(q "SELECT COUNT(*) FROM tickets WHERE state = 'waiting'")" -eq 0 ] || fail "tickets still waiting"
# Each counter ended with at most one ticket called.
[ "$(q "SELECT COUNT(*) FROM (SELECT counter FROM tickets WHERE state = 'called' GROUP BY counter HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail "a counter has two tickets called at once"
# The answers agree with the file: the id called is the number the answer named.
awk '$3 == 200 {print $5, $6}' "$tmp/calls" | sort >"$tmp/called_nums"
wrong=$(comm -23 "$tmp/called_nums" "$tmp/indb" | head -5)
[ -z "$wrong" ] || fail "call-next answers whose number is not the ticket's: $wrong"
[ "$(q "PRAGMA quick_check")" = ok ] || fail "quick_check: $(q "PRAGMA quick_check" | head -3)"
# The waiting counters kept by triggers agree with the tickets themselves.
[ "$(q "SELECT COUNT(*) FROM (SELECT day, queue, priority, n FROM waiting_counts WHERE n != 0
	EXCEPT SELECT day, queue, priority, COUNT(*) FROM tickets WHERE state = 'waiting'
	GROUP BY day, queue, priority)")" -eq 0 ] || fail "waiting_counts disagree with the tickets"

if [ "$fails" -ne 0 ]; then
	echo "$fails checks failed; server log:"; tail -20 "$tmp/server.log"
	exit 1
fi
echo "ok: $total tickets issued by $ISSUERS processes and called once each by $CALLERS"

#!/bin/sh
# it_idem: lost answers through a real `kiosk serve` (issue #14, item 3).
#   1. `kiosk ticket` whose every answer is lost (tests/tools/dropproxy
#      passes each request to the server, then throws the answer away):
#      it must not say "No ticket was issued"; it says "ask at the desk"
#      with the request key and exits 9; the server issued ONE ticket for
#      its four attempts, and GET /api/v1/requests/KEY shows it.
#   2. The first answer lost only: the retry with the same key gets the
#      first answer; one ticket, printed.
#   3. call-next over HTTP: the same key again gives the same answer and
#      closes nothing; a new click without the ticket seen gets 409
#      not_current and closes nothing; 400 on a bad key.
#   4. A stopped server (SIGSTOP): `kiosk ticket --timeout 1` gives up
#      with the same message and exit code; once the server runs again the
#      key tells what became of the request: at most one ticket.
# Binds 127.0.0.1 only; every wait is a counted poll with a deadline.
. "$(dirname "$0")/lib.sh"
P=$BUILD/tools/dropproxy
need_build "$K" "$P"
need_tool curl sqlite3
kit_tmp it_idem
t0=$(date +%s)

DB=$tmp/q.db
site_init "$DB" assets/demo/site.ini
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
serve_start idem "$DB" --always-open
URL=$SERVER_URL

tickets() { sqlite3 "$DB" "select count(*) from tickets"; }

# proxy NAME DROP: a dropproxy in front of the server; sets PURL.
proxy() {
	"$P" --to "$SERVER_PORT" --drop "$2" --max-seconds 60 >"$tmp/$1.out" 2>"$tmp/$1.err" &
	PPID_=$!
	kit_track "$PPID_"
	wait_line "$tmp/$1.out" '^[0-9][0-9]*$' "$PPID_" 10 ||
		fail "proxy $1 did not give its port ($KIT_WHY): $(cat "$tmp/$1.err")"
	PURL=http://127.0.0.1:$(head -1 "$tmp/$1.out")
}

# ---- 1. every answer lost --------------------------------------------------
proxy lost 4
n0=$(tickets)
"$K" ticket --server "$PURL" --device-key "$DK" --service C --timeout 5 \
    --printer "file:$tmp/lost.bin?status=ready" >"$tmp/lost.txt" 2>&1
rc=$?
[ "$rc" = 9 ] || fail_soft "lost answers: exit $rc, expected 9"
grep -q 'No ticket' "$tmp/lost.txt" && fail_soft "lost answers: it says there is no ticket"
grep -q 'a ticket may exist' "$tmp/lost.txt" || fail_soft "lost answers: no 'a ticket may exist'"
KEY1=$(sed -n 's/^Ask at the desk with this request key: \([A-Za-z0-9_-]*\)$/\1/p' "$tmp/lost.txt")
[ ${#KEY1} -eq 22 ] || fail_soft "lost answers: no request key printed"
[ "$(grep -c '^drop$' "$tmp/lost.out")" = 4 ] || fail_soft "lost answers: $(grep -c '^drop$' "$tmp/lost.out") attempts reached the server, expected 4"
[ "$(tickets)" = $((n0 + 1)) ] || fail_soft "lost answers: $(($(tickets) - n0)) tickets for one request"
[ ! -s "$tmp/lost.bin" ] || fail_soft "lost answers: something was printed"
# What became of it: the device that sent it, and the desk, can ask.
code=$(curl -s -o "$tmp/req1.json" -w '%{http_code}' -H "Authorization: Bearer $DK" \
    "$URL/api/v1/requests/$KEY1")
[ "$code" = 200 ] && grep -q '"status":201' "$tmp/req1.json" &&
    grep -q '"number":"C001"' "$tmp/req1.json" ||
    fail_soft "GET /api/v1/requests/KEY: $code $(cat "$tmp/req1.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $AT" \
    "$URL/api/v1/requests/$KEY1")
[ "$code" = 200 ] || fail_soft "the desk cannot read the request: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DK" \
    "$URL/api/v1/requests/nothing-like-it")
[ "$code" = 404 ] || fail_soft "an unknown key: $code, expected 404"

# ---- 2. the first answer lost: the retry gets it -------------------------------
proxy once 1
n0=$(tickets)
"$K" ticket --server "$PURL" --device-key "$DK" --service C --timeout 5 \
    --printer "file:$tmp/once.bin?status=ready" >"$tmp/once.txt" 2>"$tmp/once.err"
rc=$?
[ "$rc" = 0 ] && [ "$(head -1 "$tmp/once.txt")" = C002 ] ||
    { fail_soft "one lost answer: exit $rc"; cat "$tmp/once.txt" "$tmp/once.err"; }
[ "$(tickets)" = $((n0 + 1)) ] || fail_soft "one lost answer: $(($(tickets) - n0)) tickets"
[ "$(sqlite3 "$DB" "select print_state from tickets where number = 'C002'")" = confirmed ] ||
    fail_soft "one lost answer: C002 not recorded as printed"

# ---- 3. call-next over HTTP ---------------------------------------------------------
# post KEY BODY PATH: status into CODE, body into $tmp/post.json
post() {
	CODE=$(curl -s -o "$tmp/post.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $AT" \
	    -H 'Content-Type: application/json' ${1:+-H "Idempotency-Key: $1"} -d "$2" "$URL$3")
}
post cn-1 '{}' /api/v1/counters/5/call-next
cp "$tmp/post.json" "$tmp/cn1.json"
[ "$CODE" = 200 ] && grep -q '"number":"C001"' "$tmp/cn1.json" || fail_soft "call-next: $CODE $(cat "$tmp/post.json")"
post cn-1 '{}' /api/v1/counters/5/call-next
[ "$CODE" = 200 ] && cmp -s "$tmp/post.json" "$tmp/cn1.json" || fail_soft "replayed call-next: $CODE $(cat "$tmp/post.json")"
post cn-2 '{}' /api/v1/counters/5/call-next
[ "$CODE" = 409 ] && grep -q '"code":"not_current"' "$tmp/post.json" &&
    grep -q '"current":"C001"' "$tmp/post.json" || fail_soft "call-next without current: $CODE $(cat "$tmp/post.json")"
[ "$(sqlite3 "$DB" "select state from tickets where number = 'C001'")" = called ] ||
    fail_soft "C001 was closed by a call-next that did not see it"
[ "$(sqlite3 "$DB" "select count(*) from tickets where state = 'served'")" = 0 ] || fail_soft "a ticket was served"
post 'bad key' '{}' /api/v1/counters/5/call-next
[ "$CODE" = 400 ] && grep -q '"code":"bad_key"' "$tmp/post.json" || fail_soft "bad key: $CODE"
post cn-3 '{"current":"C001"}' /api/v1/counters/5/call-next
[ "$CODE" = 200 ] && grep -q '"number":"C002"' "$tmp/post.json" || fail_soft "call-next C001 -> C002: $CODE $(cat "$tmp/post.json")"
post cn-3 '{"current":"C002"}' /api/v1/counters/5/call-next
[ "$CODE" = 422 ] && grep -q '"code":"key_reused"' "$tmp/post.json" || fail_soft "key reused: $CODE"

# ---- 4. a stopped server ---------------------------------------------------------------
n0=$(tickets)
kill -STOP "$SERVER_PID"
"$K" ticket --server "$URL" --device-key "$DK" --service E --timeout 1 \
    --printer "file:$tmp/stop.bin?status=ready" >"$tmp/stop.txt" 2>&1
rc=$?
kill -CONT "$SERVER_PID"
[ "$rc" = 9 ] || { fail_soft "stopped server: exit $rc, expected 9"; cat "$tmp/stop.txt"; }
grep -q 'No ticket' "$tmp/stop.txt" && fail_soft "stopped server: it says there is no ticket"
KEY4=$(sed -n 's/^Ask at the desk with this request key: \([A-Za-z0-9_-]*\)$/\1/p' "$tmp/stop.txt")
[ ${#KEY4} -eq 22 ] || fail_soft "stopped server: no request key printed"
# The server runs again: it reads what waited in its sockets. Whatever
# it did, at most one ticket, and the key says which, if any.
wait_until 10 curl -sf -o /dev/null "$URL/api/v1/health" || fail_soft "the server did not come back"
[ "$(tickets)" -le $((n0 + 1)) ] || fail_soft "stopped server: $(($(tickets) - n0)) tickets for one request"
if [ "$(tickets)" = $((n0 + 1)) ]; then
	code=$(curl -s -o "$tmp/req4.json" -w '%{http_code}' -H "Authorization: Bearer $AT" \
	    "$URL/api/v1/requests/$KEY4")
	[ "$code" = 200 ] && grep -q '"number":"E001"' "$tmp/req4.json" ||
	    fail_soft "a ticket exists but its key does not say so: $code $(cat "$tmp/req4.json")"
fi

echo "it_idem: $fails failed, $(($(date +%s) - t0)) s"
[ "$fails" -eq 0 ]

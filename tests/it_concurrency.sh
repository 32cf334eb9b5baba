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
. "$(dirname "$0")/lib.sh"
L=$BUILD/tools/loadgen
ISSUERS=8 CALLERS=8 PER_ISSUER=${PER_ISSUER:-150}
need_build "$K" "$L"
need_tool sqlite3
kit_tmp it_concurrency
q() { sqlite3 -readonly "$db" "$1"; }

# The demo site, with room for everybody and no document binding.
db=$tmp/q.db
sed -e 's/^capacity = .*/capacity = 9999/' -e '/^bind_holder/d' assets/demo/site.ini >"$tmp/site.ini"
site_init "$db" "$tmp/site.ini"
keys=
i=1
while [ $i -le $ISSUERS ]; do
	device_add "$db" "kiosk-$i"
	keys="$keys${keys:+,}$KEY"
	i=$((i + 1))
done
user_add "$db" marie agent secret123
TK=$TOKEN

serve_start server "$db" --always-open
spid=$SERVER_PID port=$SERVER_PORT

rec=$tmp/records
$L --port "$port" --issuers $ISSUERS --device-key "$keys" --services ABCDE --priority 10 \
	--count "$PER_ISSUER" --callers $CALLERS --staff-token "$TK" --counters 1-8 --drain \
	--timeout 100 --out "$rec" >"$tmp/summary" 2>&1 || fail_soft "loadgen failed"
cat "$tmp/summary"

# Stop the server cleanly: SIGTERM, exit status 0 within 20 s.
serve_stop "$spid" || { rc=$?; fail_soft "the server exited with status $rc"; kit_logs; }

total=$((ISSUERS * PER_ISSUER))
# Answers the clients saw.
awk '$1 == "I"' "$rec" >"$tmp/issues"
awk '$1 == "C"' "$rec" >"$tmp/calls"
got=$(wc -l <"$tmp/issues")
acked=$(awk '$3 == 201' "$tmp/issues" | wc -l)
[ "$got" -eq "$total" ] || fail_soft "$got issue answers, expected $total"
[ "$acked" -eq "$total" ] || fail_soft "$acked tickets acknowledged, expected $total: $(awk '$3 != 201 {print $3, $8}' "$tmp/issues" | sort | uniq -c | head)"
errs=$(awk '$1 == "E"' "$rec" | wc -l)
[ "$errs" -eq 0 ] || fail_soft "$errs requests got no answer: $(awk '$1 == "E" {print $4}' "$rec" | sort | uniq -c | head -5)"
bad=$(awk '$3 != 200 && $3 != 204' "$tmp/calls" | wc -l)
[ "$bad" -eq 0 ] || fail_soft "$bad call-next answers were neither 200 nor 204: $(awk '$3 != 200 && $3 != 204 {print $3, $8}' "$tmp/calls" | sort | uniq -c | head)"

# Numbers unique per service in the answers (one local day, unless the
# test ran across midnight: then the database check below still holds).
dup=$(awk '$3 == 201 {print $5}' "$tmp/issues" | sort | uniq -d | head -5)
[ -z "$dup" ] || [ "$(q "SELECT COUNT(DISTINCT day) FROM tickets")" -gt 1 ] ||
	fail_soft "numbers given twice: $dup"
dup=$(awk '$3 == 201 {print $4}' "$tmp/issues" | sort | uniq -d | head -5)
[ -z "$dup" ] || fail_soft "ids given twice: $dup"

# The file: every number once, every acknowledged ticket there with its number.
[ "$(q "SELECT COUNT(*) FROM tickets")" -eq "$total" ] || fail_soft "$(q "SELECT COUNT(*) FROM tickets") tickets in the file, expected $total"
[ "$(q "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY day, service, seq HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail_soft "a (day, service, seq) is in the file twice"
[ "$(q "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY day, number HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail_soft "a number is in the file twice the same day"
# Per service, the sequence has no holes: 1..N.
holes=$(q "SELECT service FROM tickets GROUP BY day, service HAVING MAX(seq) != COUNT(*) OR MIN(seq) != 1")
[ -z "$holes" ] || fail_soft "holes in the numbering of: $holes"
awk '$3 == 201 {print $4, $5}' "$tmp/issues" | sort >"$tmp/acked"
q "SELECT id || ' ' || number FROM tickets" | sort >"$tmp/indb"
missing=$(comm -23 "$tmp/acked" "$tmp/indb" | head -5)
[ -z "$missing" ] || fail_soft "acknowledged but not in the file (id number): $missing"
prios=$(q "SELECT COUNT(*) FROM tickets WHERE priority")
[ "$prios" -gt 0 ] || fail_soft "no priority ticket was issued (the mix is meant to have some)"

# Calls: no id in two answers; every ticket called exactly once.
awk '$3 == 200 {print $5}' "$tmp/calls" | sort >"$tmp/called"
dup=$(uniq -d "$tmp/called" | head -5)
[ -z "$dup" ] || fail_soft "tickets returned by two call-next answers: $dup"
ncalled=$(wc -l <"$tmp/called")
[ "$ncalled" -eq "$total" ] || fail_soft "$ncalled tickets called, expected $total"
awk '{print $1}' "$tmp/acked" | sort >"$tmp/acked_ids"
notcalled=$(comm -23 "$tmp/acked_ids" "$tmp/called" | head -5)
[ -z "$notcalled" ] || fail_soft "issued but never called: $notcalled"
[ "$(q "SELECT COUNT(*) FROM (SELECT ticket FROM events WHERE kind = 'call' GROUP BY ticket HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail_soft "a ticket has two 'call' events"
[ "$(q "SELECT COUNT(*) FROM events WHERE kind = 'call'")" -eq "$total" ] ||
	fail_soft "$(q "SELECT COUNT(*) FROM events WHERE kind = 'call'") call events, expected $total"
[ "$(q "SELECT COUNT(*) FROM tickets WHERE state = 'waiting'")" -eq 0 ] || fail_soft "tickets still waiting"
# Each counter ended with at most one ticket called.
[ "$(q "SELECT COUNT(*) FROM (SELECT counter FROM tickets WHERE state = 'called' GROUP BY counter HAVING COUNT(*) > 1)")" -eq 0 ] ||
	fail_soft "a counter has two tickets called at once"
# The answers agree with the file: the id called is the number the answer named.
awk '$3 == 200 {print $5, $6}' "$tmp/calls" | sort >"$tmp/called_nums"
wrong=$(comm -23 "$tmp/called_nums" "$tmp/indb" | head -5)
[ -z "$wrong" ] || fail_soft "call-next answers whose number is not the ticket's: $wrong"
[ "$(q "PRAGMA quick_check")" = ok ] || fail_soft "quick_check: $(q "PRAGMA quick_check" | head -3)"
# The waiting counters kept by triggers agree with the tickets themselves.
[ "$(q "SELECT COUNT(*) FROM (SELECT day, queue, priority, n FROM waiting_counts WHERE n != 0
	EXCEPT SELECT day, queue, priority, COUNT(*) FROM tickets WHERE state = 'waiting'
	GROUP BY day, queue, priority)")" -eq 0 ] || fail_soft "waiting_counts disagree with the tickets"

if [ "$fails" -ne 0 ]; then
	echo "$fails checks failed"; kit_logs
	exit 1
fi
echo "ok: $total tickets issued by $ISSUERS processes and called once each by $CALLERS"

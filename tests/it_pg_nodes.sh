#!/bin/sh
# it_pg_nodes: several `kiosk serve` nodes on one PostgreSQL database
# (issue #11), on a throwaway cluster (tests/pg.sh):
#   1. a board connected to node B hears every call made on node A, in
#      order, once: 20 calls, each heard; the delay from the call-next
#      request sent to A to the event on B is printed, and 18 of the 20 must be
#      under 100 ms (none over 1 s);
#   2. 8 issuers and 8 callers spread over the two nodes: every
#      acknowledged ticket is in the database with its number, numbers have
#      no duplicates and no gaps per service, and every ticket is called
#      exactly once;
#   3. kill -9 of node A under load: node B carries on, and every ticket
#      acknowledged by either node is in the database.
# Binds 127.0.0.1 and a Unix socket only; every wait has a deadline.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
L=$BUILD/tools/loadgen
need_build "$K" "$L"
need_tool python3 curl
kit_tmp it_pg_nodes
t0=$(date +%s)
pg_start kiosk
q() { pg_psql -tA -c "$1"; }

db=$PGURL
key=$tmp/site.key
sed -e 's/^capacity = .*/capacity = 9999/' -e '/^bind_holder/d' assets/demo/site.ini >"$tmp/site.ini"
kit_admin init --db "$db" --key "$key" init --site "$tmp/site.ini" >/dev/null
kit_admin keygen --db "$db" --key "$key" keygen >/dev/null
keys=
i=1
while [ $i -le 8 ]; do
	k=$(kit_admin "device add" --db "$db" --key "$key" device add "kiosk-$i")
	keys="$keys${keys:+,}$k"
	i=$((i + 1))
done
DK=${keys%%,*}
echo 'secret-marie-1' | kit_admin "user add" --db "$db" --key "$key" user add marie --role agent >/dev/null
TK=$(kit_admin "user token" --db "$db" --key "$key" user token marie)

serve_start A "$db" --key "$key" --always-open
pidA=$SERVER_PID urlA=$SERVER_URL portA=$SERVER_PORT
serve_start B "$db" --key "$key" --always-open
pidB=$SERVER_PID urlB=$SERVER_URL portB=$SERVER_PORT

# ---- 1. a board on B hears the calls made on A -----------------------------------------------
python3 - "$urlA" "$urlB" "$DK" "$TK" "$(dirname "$0")" >"$tmp/heard.txt" 2>&1 <<'PY' || fail_soft "the board on B: $(tail -n 5 "$tmp/heard.txt")"
import sys, time
a, b, dk, tk = sys.argv[1:5]
sys.path.insert(0, sys.argv[5])
from sse import Board, post
board = Board(b)
heard, lock = board.heard, board.lock
for i in range(20):
    post(a + "/api/v1/tickets", dk, {"service": "A", "lang": "fr"})
delays, numbers, current = [], [], None
for i in range(20):
    t = time.monotonic()
    r = post(a + "/api/v1/counters/1/call-next", tk, {"current": current})
    current = r["ticket"]["number"]
    n = r["ticket"]["number"]
    numbers.append(n)
    deadline = t + 1.0
    while time.monotonic() < deadline:
        with lock:
            got = [h for h in heard if h[1] == n]
        if got:
            delays.append((got[0][0] - t) * 1000)
            break
        time.sleep(0.002)
    else:
        print("call %s on A not heard on B within 1 s" % n); sys.exit(1)
with lock:
    order = [h[1] for h in heard]
if order[-20:] != numbers or len(set(order)) != len(order):
    print("heard out of order or twice:", order, "called:", numbers); sys.exit(1)
delays.sort()
print("20 calls on A heard on B: median %.1f ms, 90th %.1f ms, max %.1f ms" %
      (delays[10], delays[17], delays[-1]))
if delays[17] > 100:
    print("more than 2 of 20 calls took over 100 ms"); sys.exit(1)
PY
cat "$tmp/heard.txt"

# ---- 2. 8 issuers and 8 callers over both nodes ----------------------------------------------
base=$(q "SELECT COUNT(*) FROM tickets")
rec=$tmp/records
$L --port "$portA,$portB" --issuers 8 --device-key "$keys" --services ABCDE --priority 10 \
	--count 60 --callers 8 --staff-token "$TK" --counters 1-8 --drain --timeout 120 \
	--out "$rec" >"$tmp/summary" 2>&1 || fail_soft "loadgen failed: $(tail -n 3 "$tmp/summary")"
total=480
acked=$(awk '$1 == "I" && $3 == 201' "$rec" | wc -l)
[ "$acked" -eq "$total" ] || fail_soft "$acked of $total issues acknowledged: $(awk '$1 == "I" && $3 != 201 {print $3, $8}' "$rec" | sort | uniq -c | head -3)"
[ "$(awk '$1 == "E"' "$rec" | wc -l)" -eq 0 ] || fail_soft "requests without an answer: $(awk '$1 == "E" {print $4}' "$rec" | sort | uniq -c | head -3)"
[ "$(q "SELECT COUNT(*) FROM tickets")" -eq $((base + total)) ] || fail_soft "$(q "SELECT COUNT(*) FROM tickets") tickets in the database, expected $((base + total))"
awk '$1 == "I" && $3 == 201 {print $4, $5}' "$rec" | sort >"$tmp/acked"
q "SELECT id || ' ' || number FROM tickets" | sort >"$tmp/indb"
missing=$(comm -23 "$tmp/acked" "$tmp/indb" | head -3)
[ -z "$missing" ] || fail_soft "acknowledged but not in the database: $missing"
[ "$(q "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY day, service, seq HAVING COUNT(*) > 1) AS x")" -eq 0 ] ||
	fail_soft "a number twice"
holes=$(q "SELECT service FROM tickets GROUP BY day, service HAVING MAX(seq) != COUNT(*) OR MIN(seq) != 1")
[ -z "$holes" ] || fail_soft "holes in the numbering of: $holes"
awk '$1 == "C" && $3 == 200 {print $5}' "$rec" | sort >"$tmp/called"
[ -z "$(uniq -d "$tmp/called" | head -3)" ] || fail_soft "tickets returned by two call-next answers"
awk '{print $1}' "$tmp/acked" | sort >"$tmp/acked_ids"
notcalled=$(comm -23 "$tmp/acked_ids" "$tmp/called" | head -3)
[ -z "$notcalled" ] || fail_soft "issued but never called: $notcalled"
[ "$(q "SELECT COUNT(*) FROM (SELECT ticket FROM events WHERE kind = 'call' GROUP BY ticket HAVING COUNT(*) > 1) AS x")" -eq 0 ] ||
	fail_soft "a ticket called twice"
[ "$(q "SELECT COUNT(*) FROM tickets WHERE state = 'waiting'")" -eq 0 ] || fail_soft "tickets still waiting"
[ "$(q "SELECT COUNT(*) FROM (SELECT counter FROM tickets WHERE state = 'called' GROUP BY counter HAVING COUNT(*) > 1) AS x")" -eq 0 ] ||
	fail_soft "a counter with two tickets called"
echo "$total tickets issued over two nodes and called once each: $(grep -i 'issue' "$tmp/summary" | head -n 1)"

# ---- 3. kill -9 of node A under load ---------------------------------------------------------
base=$(q "SELECT COUNT(*) FROM tickets")
rec=$tmp/records-kill
$L --port "$portA,$portB" --issuers 8 --device-key "$keys" --services ABCDE --duration 4 \
	--max-errors 3 --timeout 30 --out "$rec" >"$tmp/summary-kill" 2>&1 &
lg=$!
kit_track "$lg"
# Kill once node A has acknowledged some tickets (bounded wait).
n=0
while [ $n -lt 100 ] && [ "$(q "SELECT COUNT(*) FROM tickets") " -lt $((base + 50)) ] 2>/dev/null; do
	sleep 0.05; n=$((n + 1))
done
kill -9 "$pidA"
wait "$lg"
acked=$(awk '$1 == "I" && $3 == 201' "$rec" | wc -l)
awk '$1 == "I" && $3 == 201 {print $4, $5}' "$rec" | sort >"$tmp/acked"
q "SELECT id || ' ' || number FROM tickets" | sort >"$tmp/indb"
missing=$(comm -23 "$tmp/acked" "$tmp/indb" | head -3)
[ -z "$missing" ] || fail_soft "after kill -9 of node A, acknowledged but lost: $missing"
[ "$acked" -gt 50 ] || fail_soft "only $acked tickets acknowledged during the kill test"
cut=$(awk '$1 == "E"' "$rec" | wc -l)
curl -s -o /dev/null -w '%{http_code}' "$urlB/api/v1/health" | grep -q 200 || fail_soft "node B is not healthy after A died"
echo "kill -9 of node A under load: $acked tickets acknowledged, none lost; $cut requests to A got no answer"
serve_stop "$pidB" || fail_soft "node B did not stop cleanly"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "it_pg_nodes: ok, $(($(date +%s) - t0)) s"

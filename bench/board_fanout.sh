#!/bin/sh
# bench/board_fanout: the time from call-next to the `call` event on every
# waiting-room board, 50 boards and 20 counter consoles connected (issue 5).
#
# Sets up a site in a temp dir (the demo site with counters 9-20 added,
# serving A B C, and room for many tickets), starts `kiosk serve` on a free
# loopback port, runs build/bench/board_fanout against it (which prints the
# figures, the server's memory and CPU), then stops the server.
# Goal (issue 5): p99 under 100 ms on loopback.
#
#   BENCH_DIR=/var/tmp FANOUT_ARGS="--calls 600 --interval 10" sh bench/board_fanout.sh
BUILD=${BUILD:-build}
K=$BUILD/kiosk
F=$BUILD/bench/board_fanout
for x in "$K" "$F"; do
	[ -x "$x" ] || { echo "build $x first (make bench)"; exit 1; }
done

dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/fanout.XXXXXX") || exit 1
spid=
cleanup() {
	[ -n "$spid" ] && kill -9 "$spid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# The demo site, open all day, large capacities, 20 counters.
site=assets/demo/site.ini
[ -f "$site" ] || { echo "no $site (run from the source tree)"; exit 1; }
{
	sed -e 's/^capacity = .*/capacity = 2000/' \
	    -e 's/^\(mon\|tue\|wed\|thu\|fri\|sat\|sun\) = .*/\1 = 00:00-24:00/' "$site"
	c=9
	while [ $c -le 20 ]; do
		printf '\n[counter %d]\nname = Guichet %d\nservices = A B C\n' $c $c
		c=$((c + 1))
	done
} >"$dir/site.ini"
db=$dir/q.db
$K admin --db "$db" init --site "$dir/site.ini" >/dev/null 2>"$dir/admin.log" ||
	{ echo "init failed"; cat "$dir/admin.log"; exit 1; }
$K admin --db "$db" keygen >/dev/null 2>&1 || { echo "keygen failed"; exit 1; }
DK=$($K admin --db "$db" device add kiosk-1 2>/dev/null) || { echo "device add failed"; exit 1; }
echo 'bench-password' | $K admin --db "$db" user add marie --role agent >/dev/null 2>&1 ||
	{ echo "user add failed"; exit 1; }
TK=$($K admin --db "$db" user token marie 2>/dev/null) || { echo "user token failed"; exit 1; }

$K serve --db "$db" --listen 127.0.0.1:0 --always-open >"$dir/out" 2>"$dir/server.log" &
spid=$!
n=0
until grep -q '^listening on ' "$dir/out"; do
	kill -0 "$spid" 2>/dev/null || { echo "the server did not start"; cat "$dir/server.log"; exit 1; }
	n=$((n + 1)); [ $n -gt 400 ] && { echo "the server did not listen within 20 s"; exit 1; }
	sleep 0.05
done
port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$dir/out")
[ -n "$port" ] || { echo "no port in: $(cat "$dir/out")"; exit 1; }

# shellcheck disable=SC2086 # FANOUT_ARGS is a list of options
"$F" --port "$port" --pid "$spid" --device-key "$DK" --staff-token "$TK" \
	--boards 50 --counters 20 --calls 300 --interval 20 --idle 10 --timeout 240 $FANOUT_ARGS
rc=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$spid" 2>/dev/null
n=0
while kill -0 "$spid" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 200 ] && { echo "the server did not stop within 10 s"; kill -9 "$spid"; break; }
	sleep 0.05
done
wait "$spid" 2>/dev/null
spid=
if [ $rc -ne 0 ]; then
	echo "board_fanout failed (exit status $rc); server log:"
	tail -20 "$dir/server.log"
fi
exit $rc

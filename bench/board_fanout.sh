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
. "$(dirname "$0")/../tests/lib.sh"
F=$BUILD/bench/board_fanout
need_build "$K" "$F"
kit_tmp fanout "${BENCH_DIR:-${TMPDIR:-/tmp}}"
dir=$tmp

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
site_init "$db" "$dir/site.ini"
device_add "$db" kiosk-1
DK=$KEY
user_add "$db" marie agent bench-password
TK=$TOKEN

# Every board and console here comes from 127.0.0.1: one address for 70
# streams and the callers, over the default cap of 24 per address.
serve_start server "$db" --always-open --max-per-address 256
spid=$SERVER_PID port=$SERVER_PORT

# shellcheck disable=SC2086 # FANOUT_ARGS is a list of options
"$F" --port "$port" --pid "$spid" --device-key "$DK" --staff-token "$TK" \
	--boards 50 --counters 20 --calls 300 --interval 20 --idle 10 --timeout 240 $FANOUT_ARGS
rc=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
serve_stop "$spid"
if [ $rc -ne 0 ]; then
	echo "board_fanout failed (exit status $rc)"
	kit_logs
fi
exit $rc

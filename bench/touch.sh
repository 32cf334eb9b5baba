#!/bin/sh
# bench/touch.sh: the touchscreen kiosk's figures, on the real app against a
# real server, under Xvfb (SDL's x11 driver waits for events in the kernel;
# SDL's offscreen driver would sleep-poll every millisecond inside SDL and
# spoil the idle figure). Falls back to the offscreen driver without Xvfb.
#
#   start to first frame      goal < 1 s     (--stats, from the command's start)
#   tap to next screen drawn  goal < 50 ms   (--stats, event dequeued to frame presented)
#   idle CPU over 60 s        goal < 1 %     (/proc/PID/stat, welcome screen, nobody there)
#   RSS with all fonts loaded goal < 120 MB  (/proc/PID/status, after every script was drawn)
#
# Prints one line per figure. BENCH_IDLE_S changes the 60 s.
. "$(dirname "$0")/../tests/lib.sh"
IDLE_S=${BENCH_IDLE_S:-60}
need_build "$K"
kit_tmp touch

# a server
D=$tmp/s
mkdir -p $D
site_init $D/q.db assets/demo/site.ini
device_add $D/q.db kiosk-1
serve_start server $D/q.db --always-open
URL=$SERVER_URL

# a display
if command -v Xvfb >/dev/null 2>&1; then
	xvfb_start 1920x1080x24
	export DISPLAY=$XVFB_DISPLAY
	export SDL_VIDEODRIVER=x11
	echo "display: Xvfb $DISPLAY (x11 driver)"
else
	export SDL_VIDEODRIVER=offscreen
	echo "display: offscreen driver (no Xvfb: the idle figure includes SDL's 1 ms polling)"
fi
export SDL_AUDIODRIVER=dummy

# 1 and 2: first frame, then taps through every screen, in four scripts;
# then RSS once every face has drawn (language screen, then procedures).
cat >"$tmp/run.script" <<EOF
wait welcome
tap @start
wait language
tap @lang:ar
wait procedure
tap @back
wait language
tap @lang:ta
wait procedure
tap @back
wait language
tap @lang:zh
wait procedure
tap @back
wait language
tap @lang:bn
wait procedure
tap @dontknow
wait guide
tap @yes
wait guide
tap @no
wait guide
tap @no
wait guide
tap @found
wait priority
tap @no
wait holder
type X1234567
tap @key-ok
wait confirm
tap @confirm
wait ticket:printed 20000
tap @done
wait welcome
log measure
wait-file $tmp/measured 120000
EOF
"$K" touch --server "$URL" --device-key "$KEY" --printer "file:$tmp/p.bin" --size 1080x1920 \
	--no-audio --stats --script "$tmp/run.script" >"$tmp/run.log" 2>&1 &
app=$!
kit_track "$app"
dl=$(( $(now_ms) + 120000 ))
until grep -q '^script: measure' "$tmp/run.log" 2>/dev/null; do
	if [ "$(now_ms)" -ge "$dl" ] || ! kill -0 $app 2>/dev/null; then
		echo "the kiosk did not get through its screens:"; tail -20 "$tmp/run.log"; exit 1
	fi
	sleep 0.05
done
rss=$(awk '/^VmRSS/ { print int($2 / 1024) }' /proc/$app/status)
hwm=$(awk '/^VmHWM/ { print int($2 / 1024) }' /proc/$app/status)
: >"$tmp/measured"
wait $app
first=$(sed -n 's/^stats: first-frame-ms \([0-9.]*\).*/\1/p' "$tmp/run.log")
echo "start to first frame:        $first ms (goal < 1000)"
sed -n 's/^stats: input-to-frame-ms \([0-9.]*\) \([a-z:-]*\).*/\1 \2/p' "$tmp/run.log" >"$tmp/taps"
n=$(wc -l <"$tmp/taps")
sort -n "$tmp/taps" | awk -v n="$n" '
	{ v[NR] = $1 }
	END {
		if (n == 0) { print "tap to next screen drawn:    no figures"; exit }
		printf "tap to next screen drawn:    median %.1f ms, max %.1f ms over %d taps (goal < 50)\n",
		    v[int((n + 1) / 2)], v[n], n
	}'
echo "  slowest: $(sort -rn "$tmp/taps" | head -3 | tr '\n' ' ')"
echo "RSS, every face drawn:       $rss MB now, $hwm MB at most (goal < 120)"

# 3: idle CPU on the welcome screen, nobody there
"$K" touch --server "$URL" --device-key "$KEY" --printer "file:$tmp/p2.bin" --size 1080x1920 \
	--no-audio >"$tmp/idle.log" 2>&1 &
app=$!
kit_track "$app"
sleep 5 # let it start and settle: this is the thing being measured, not a wait for a result
hz=$(getconf CLK_TCK)
t0=$(awk '{ print $14 + $15 }' /proc/$app/stat)
w0=$(now_ms)
sleep "$IDLE_S"
t1=$(awk '{ print $14 + $15 }' /proc/$app/stat)
w1=$(now_ms)
kill $app 2>/dev/null
wait $app 2>/dev/null
echo "$t0 $t1 $w0 $w1 $hz" | awk '{
	cpu = ($2 - $1) / $5; wall = ($4 - $3) / 1000;
	printf "idle CPU over %d s:          %.3f %% of one core (%.2f s of CPU; goal < 1 %%)\n",
	    wall, 100 * cpu / wall, cpu }'

#!/bin/sh
# make demo: a whole reception desk on one machine, with the demo site.
# A fresh database in demo-run/, the server on 127.0.0.1:8080, and the
# touchscreen kiosk in a window when a display is available. Ctrl-C stops all.
set -eu
BUILD=${BUILD:-build}
K=$BUILD/kiosk
PORT=${PORT:-8080}
D=demo-run
rm -rf "$D" && mkdir -p "$D"
DB=$D/queue.db

$K admin --db $DB init --site assets/demo/site.ini >/dev/null
$K admin --db $DB keygen >/dev/null
$K admin --db $DB pubkey > $D/pubkey.txt
DEVICE_KEY=$($K admin --db $DB device add kiosk-1)
echo 'guichet-demo' | $K admin --db $DB user add agent --role agent >/dev/null
echo 'gestion-demo' | $K admin --db $DB user add manager --role manager >/dev/null
echo "$DEVICE_KEY" > $D/device.key
# Today's appointments booked online, to try "J'ai un rendez-vous" at the
# kiosk: one due now, one too early, one bound to a document number.
now=$(date +%s)
at() { date -u -d "@$((now + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; }
cat > $D/appointments.csv <<CSV
id,service,start,duration_min,code,holder
demo-1,A,$(at 10),20,RDV-A1,
demo-2,B,$(at 45),20,RDV-B2,
demo-3,D,$(at 5),30,RDV-D3,X1234567
CSV
$K admin --db $DB appointments import $D/appointments.csv >/dev/null

pids=""
cleanup() {
	trap - INT TERM EXIT
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo
	echo "demo stopped; its database stays in $DB"
}
trap cleanup INT TERM EXIT

$K serve --db $DB --listen 127.0.0.1:$PORT --always-open > $D/serve.out 2> $D/serve.log &
pids="$pids $!"
i=0
until grep -q '^listening' $D/serve.out 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pids 2>/dev/null; then
		echo "the server did not start:" >&2
		cat $D/serve.log >&2
		exit 1
	fi
	sleep 0.1
done
URL=http://127.0.0.1:$PORT

cat <<MSG

  Reception desk demo — $(awk -F' = ' '/^name = / {print $2; exit}' assets/demo/site.ini)

  waiting-room board   $URL/board
  staff console        $URL/console      login: agent / guichet-demo
                                             manager / gestion-demo
  manager's page       $URL/manage       login: manager / gestion-demo
  kiosk device key     $DEVICE_KEY
  public key           $(cat $D/pubkey.txt)

  appointment codes to type at the kiosk ("J'ai un rendez-vous"):
    RDV-A1 (due now), RDV-B2 (too early), RDV-D3 (asks for the
    document number X1234567)

  issue a ticket without the touchscreen:
    $K ticket --server $URL --device-key $DEVICE_KEY --service C --lang ar --printer file:$D/printer.bin --png $D/ticket.png

MSG

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && $K touch --help >/dev/null 2>&1; then
	# A portrait kiosk scaled to fit a desktop: 540x960 at half the density.
	$K touch --server $URL --device-key "$DEVICE_KEY" --printer "file:$D/printer.bin" \
		--size 540x960 --dpi 48 --admin-pin 1234 > $D/touch.log 2>&1 &
	pids="$pids $!"
	echo "  touchscreen kiosk    in a window (printer: $D/printer.bin; admin PIN 1234 after"
	echo "                       five taps in the top-left corner)"
else
	echo "  touchscreen kiosk    no display here: run 'make demo' in a desktop session to see it"
fi
echo
echo "  server log: $D/serve.log — press Ctrl-C to stop"
wait

#!/bin/sh
# it_touch_appt: an appointment's check-in at the real touchscreen app
# (`kiosk touch`, headless) through the real client, the real printer path
# and a real `kiosk serve` (issue #12). The check-in route answers as the
# contract in docs/API.md writes it through tests/tools/checkin_standin,
# which stands in front of the server until the server's own route lands
# (its tickets are the server's, signed, printed and reported like any).
#
# Covers: "J'ai un rendez-vous", the language, the code typed (keys, no
# text: a keyboard's key names) and sent once with the language and an
# Idempotency-Key; the ticket with the appointment's time on the screen
# and on the printed slip (decoded back, its QR verified, the print
# recorded); a confirmation scanned on the welcome screen (a burst of
# keys and text, then Enter): the language, then the check-in at once,
# refused as too early, the time to come back said; a bound appointment
# asking for the document number, sent the second time only.
#
# Binds 127.0.0.1 only; every wait has a deadline; cleans up.
. "$(dirname "$0")/lib.sh"
DEC=$BUILD/tools/escpos2png
SI=$BUILD/tools/checkin_standin
need_build "$K" "$DEC" "$SI"
need_tool zbarimg curl
kit_tmp it_touch_appt
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
checks=0
check() { checks=$((checks + 1)); }
DAY=$(TZ=Europe/Paris date +%Y%m%d)

site_init "$tmp/q.db" assets/demo/site.ini
"$K" admin --db "$tmp/q.db" pubkey >"$tmp/pub.txt" || fail "kiosk admin pubkey"
device_add "$tmp/q.db" kiosk-1
DK=$KEY
user_add "$tmp/q.db" boss manager test-manager-pw
serve_start open "$tmp/q.db" --always-open
"$SI" --to "$SERVER_PORT" --max-seconds 300 >"$tmp/si.out" 2>"$tmp/si.err" &
SIPID=$!
kit_track "$SIPID"
wait_line "$tmp/si.out" '^[0-9][0-9]*$' "$SIPID" 10 ||
	fail "checkin_standin did not give its port ($KIT_WHY): $(cat "$tmp/si.err")"
URL=http://127.0.0.1:$(head -1 "$tmp/si.out")

# touch_run NAME PRINTER: the app on the script on stdin; keeps NAME.log
touch_run() {
	cat >"$tmp/$1.script"
	check
	"$K" touch --server "$URL" --device-key "$DK" --printer "$2" --size 1080x1920 --poll 1 \
		--no-audio --script "$tmp/$1.script" >"$tmp/$1.log" 2>&1 ||
		{ fail_soft "$1: kiosk touch exited $?"; sed 's/^/    /' "$tmp/$1.log" | tail -25; }
}

# ---- 1. typed: the ticket, with its time on screen and on paper -------------
touch_run typed "file:$tmp/typed.bin" <<'EOF2'
wait welcome
expect-text J'ai un rendez-vous
tap @appt
wait language
tap @lang:ar
wait appt-code
type K7P
key BackSpace
type P3QX
expect-text K7P3QX
key Return
wait ticket:printed 20000
expect-text C001
expect-text 10:30
tap @done
wait welcome
EOF2
check
n=$(grep -c '^checkin ' "$tmp/si.out")
[ "$n" = 1 ] || fail_soft "typed: $n check-ins asked, expected 1: $(cat "$tmp/si.out")"
grep -q '^checkin K7P3QX 201 lang=ar holder=no key=[A-Za-z0-9_-]\{22\}$' "$tmp/si.out" ||
	fail_soft "typed: the check-in sent is not code K7P3QX in Arabic with a key: $(cat "$tmp/si.out")"
check
"$DEC" --width 576 "$tmp/typed.bin" "$tmp/typed.png" >"$tmp/typed.dec" 2>&1 ||
	fail_soft "typed: escpos2png could not decode the print: $(cat "$tmp/typed.dec")"
QR=$(zbarimg -q --raw "$tmp/typed.png" 2>/dev/null)
[ -n "$QR" ] || fail_soft "typed: no QR code on the printed slip"
"$K" verify --pubkey "$tmp/pub.txt" --today "$DAY" "$QR" >"$tmp/typed.ver" 2>&1 &&
	grep -q '^VALID$' "$tmp/typed.ver" || fail_soft "typed: the slip does not verify: $(cat "$tmp/typed.ver")"
check
j=$(curl -s -H "Authorization: Bearer $TOKEN" "$SERVER_URL/api/v1/tickets/1")
echo "$j" | grep -q '"print":"confirmed"' || fail_soft "typed: the print is not recorded: $j"
# the slip's appointment line: the decoded slip is taller than a plain
# ticket's of the same service and language
"$K" ticket --server "$SERVER_URL" --device-key "$DK" --service C --lang ar \
	--printer "file:$tmp/plain.bin" >/dev/null 2>&1 || fail_soft "kiosk ticket failed"
"$DEC" --width 576 "$tmp/plain.bin" "$tmp/plain.png" >/dev/null 2>&1
check
h1=$(identify -format '%h' "$tmp/typed.png" 2>/dev/null || echo 0)
h0=$(identify -format '%h' "$tmp/plain.png" 2>/dev/null || echo 0)
[ "$h1" -gt "$((h0 + 40))" ] || fail_soft "the appointment's slip ($h1 px) is not taller than a plain one ($h0 px)"

# ---- 2. scanned on the welcome screen: the language, then at once -------------
touch_run early "file:$tmp/early.bin" <<'EOF2'
wait welcome
scan EARLY-7
wait language
tap @lang:fr
wait appt-refused 20000
expect-text Vous êtes en avance pour votre rendez-vous.
expect-text Revenez à 10:15 pour enregistrer votre arrivée.
tap @done
wait welcome
EOF2
check
grep -q '^checkin EARLY7 409 lang=fr holder=no' "$tmp/si.out" ||
	fail_soft "scanned: no check-in of EARLY7: $(cat "$tmp/si.out")"
[ ! -s "$tmp/early.bin" ] || fail_soft "scanned: something was printed for a refused check-in"

# ---- 3. a bound appointment: the document number, sent the second time -------
touch_run bound "file:$tmp/bound.bin" <<'EOF2'
wait welcome
tap @appt
wait language
tap @lang:en
wait appt-code
type BOUND1
key Return
wait holder 20000
expect-text It is only used to check that this appointment is yours.
type X123456
key Return
wait ticket:printed 20000
expect-text 10:30
EOF2
check
grep -q '^checkin B0UND1 400 lang=en holder=no' "$tmp/si.out" &&
	grep -q '^checkin B0UND1 201 lang=en holder=yes' "$tmp/si.out" ||
	fail_soft "bound: not refused then checked in with the number: $(cat "$tmp/si.out")"

echo "it_touch_appt: $checks checks, $fails failed"
[ "$fails" -eq 0 ]

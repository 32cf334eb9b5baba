#!/bin/sh
# it_touch: the real touchscreen app (`kiosk touch`), headless
# (SDL_VIDEODRIVER=offscreen), against real `kiosk serve` processes and the
# file printer, driven by synthetic taps and keys through its --script hook.
#
# Covers: a whole visit by touch in Arabic (double tap on "get my ticket":
# one ticket), printed, decoded back with escpos2png, its QR read with
# zbarimg and checked with `kiosk verify`; a visit by keyboard only, with
# Escape and Alt-F4 doing nothing; a service bound to its holder (document
# keypad); speech (F1) in the chosen language; the idle countdown, extended
# then expiring; every fault screen reached by causing the fault: server
# stopped (at rest and during a visit, then restarted: the kiosk recovers
# by itself), printer out of paper (before, and during the print: the
# number stays on screen, the server records "failed"), site closed,
# capacity reached (the attestation de passage printed instead), that
# attestation scanned at the next visit with a keyboard-wedge QR scanner
# (a burst of keys and text, then Enter) giving attempt 2, a forged one
# not stopping anybody; the refused document number said in the visitor's
# language; the admin gesture and PIN, then quitting; and, where Xvfb and
# xdotool are there, a real mouse click, a real scanner's burst and real
# keys through the X server.
#
# Binds 127.0.0.1 only; every wait is the app's own, with a deadline; cleans up.
. "$(dirname "$0")/lib.sh"
DEC=$BUILD/tools/escpos2png
need_build "$K" "$DEC"
need_tool zbarimg curl
kit_tmp it_touch
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
checks=0
check() { checks=$((checks + 1)); }
DAY=$(TZ=Europe/Paris date +%Y%m%d)

# server NAME SITE [ARGS]: a database (made once) and a running server
# (on port $PORT if set: a restart); NAME.url, NAME.key, NAME.pid, NAME.port
server() {
	name=$1; site=$2; shift 2
	d=$tmp/$name
	if [ ! -f "$d/q.db" ]; then
		mkdir -p "$d"
		site_init "$d/q.db" "$site"
		"$K" admin --db "$d/q.db" pubkey >"$d/pub.txt" || fail "kiosk admin pubkey"
		device_add "$d/q.db" kiosk-1
		echo "$KEY" >"$d/key"
		user_add "$d/q.db" boss manager test-manager-pw
		echo "$TOKEN" >"$d/token"
	fi
	serve_start -p "${PORT:-0}" "$name" "$d/q.db" "$@"
	echo "$SERVER_PID" >"$d/pid"
	echo "$SERVER_URL" >"$d/url"
	echo "$SERVER_PORT" >"$d/port"
}
stop() { serve_stop "$(cat "$tmp/$1/pid")"; }

# touch NAME SERVER PRINTER [ARGS]: run the app on the script on stdin;
# sets RC; keeps NAME.log
touch_run() {
	name=$1; srv=$2; printer=$3; shift 3
	cat >"$tmp/$name.script"
	check
	"$K" touch --server "$(cat "$tmp/$srv/url")" --device-key "$(cat "$tmp/$srv/key")" \
		--printer "$printer" --size "${SIZE:-1080x1920}" --poll 1 --no-audio \
		--script "$tmp/$name.script" "$@" >"$tmp/$name.log" 2>&1
	RC=$?
	if [ $RC -ne "${WANT:-0}" ]; then
		fail_soft "$name: kiosk touch exited $RC (want ${WANT:-0})"
		sed 's/^/    /' "$tmp/$name.log" | tail -25
	fi
}

# ticket_json SERVER ID: GET /api/v1/tickets/ID
ticket_json() {
	curl -s -H "Authorization: Bearer $(cat "$tmp/$1/token")" "$(cat "$tmp/$1/url")/api/v1/tickets/$2"
}
# find_ticket SERVER NUMBER: the JSON of the ticket with that number ("" if none)
find_ticket() {
	i=1
	while [ $i -le 30 ]; do
		j=$(ticket_json "$1" $i)
		case $j in *"\"number\":\"$2\""*) echo "$j"; return 0 ;; esac
		i=$((i + 1))
	done
	return 1
}

# decode NAME FILE.bin: escpos2png + zbarimg + verify; sets QR
decode() {
	check
	if ! "$DEC" --width 576 "$2" "$tmp/$1.png" >"$tmp/$1.dec" 2>&1; then
		fail_soft "$1: escpos2png could not decode the print"; sed 's/^/    /' "$tmp/$1.dec"; return 1
	fi
	QR=$(zbarimg -q --raw "$tmp/$1.png" 2>/dev/null)
	[ -n "$QR" ] || { fail_soft "$1: no QR code in the printed slip"; return 1; }
}

server open assets/demo/site.ini --always-open

# ---- 1. a visit by touch, in Arabic; a double tap gives one ticket ----------
touch_run visit open "file:$tmp/visit.bin" --stats <<EOF
wait welcome
expect-text Les tickets sont gratuits
tap @start
wait language
tap @lang:ar
wait procedure
expect-text اختر
tap @service:C
wait priority
tap @no
wait confirm
doubletap @confirm
wait ticket:printed 20000
expect-text C001
screenshot $tmp/visit-screen.png
tap @done
wait welcome
expect-no-text C001
EOF
check
j=$(ticket_json open 1)
echo "$j" | grep -q '"number":"C001"' || fail_soft "ticket 1 is not C001: $j"
echo "$j" | grep -q '"print":"confirmed"' || fail_soft "ticket 1 not recorded as printed: $j"
echo "$j" | grep -q '"lang":"ar"' || fail_soft "ticket 1 not in Arabic: $j"
check
ticket_json open 2 | grep -q '"number"' && fail_soft "a second ticket exists after one double tap"
if decode visit "$tmp/visit.bin"; then
	check
	"$K" verify --pubkey "$tmp/open/pub.txt" --today "$DAY" "$QR" >"$tmp/visit.ver" 2>&1 ||
		{ fail_soft "kiosk verify refused the printed slip"; cat "$tmp/visit.ver"; }
	grep -q '^VALID$' "$tmp/visit.ver" || fail_soft "verify did not say VALID"
	grep -qi 'C001\|number.*1' "$tmp/visit.ver" || fail_soft "the verified slip is not C001: $(cat "$tmp/visit.ver")"
fi
check
grep -q 'stats: first-frame-ms' "$tmp/visit.log" || fail_soft "no first-frame figure"

# ---- 2. keyboard only; Escape and Alt-F4 do nothing for the public --------
touch_run keys open "file:$tmp/keys.bin" <<'EOF'
wait welcome
key Escape
key alt+F4
wait welcome
key Return
wait language
key 1
wait procedure
key Down
key Down
key Escape
wait procedure
key Backspace
wait language
key 3
wait procedure
key 5
wait priority
key 2
key 1
wait priority
expect-target yes
key Down
key Down
key Return
wait confirm
key Keypad Enter
wait confirm
key 1
wait ticket:printed 20000
expect-text E001
key alt+F4
key Escape
wait ticket
EOF
check
j=$(find_ticket open E001) || fail_soft "keyboard visit: no ticket E001"
echo "$j" | grep -q '"lang":"en"' || fail_soft "keyboard visit: E001 is not in English: $j"
echo "$j" | grep -q '"priority":false' || fail_soft "keyboard visit: E001 has the priority flag: $j"

# ---- 3. a service bound to its holder: the document keypad ---------------
touch_run holder open "file:$tmp/holder.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:A
wait priority
tap @yes
wait holder
tap @key:X
tap @key:1
tap @key-ok
wait holder
expect-text trop court
type 234567
tap @key-ok
wait confirm
expect-text •••567
tap @confirm
wait ticket:printed 20000
expect-text A001
expect-text Prioritaire
EOF
check
find_ticket open A001 | grep -q '"priority":true' || fail_soft "holder visit: A001 is not a priority ticket"
touch_run holder2 open "file:$tmp/holder2.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:A
wait priority
tap @no
wait holder
type 00000
tap @key-ok
wait holder
expect-text Ce numéro n'est pas valide
expect-no-text not a document number
key Backspace
key Backspace
key Backspace
key Backspace
key Backspace
type x1234567
tap @key-ok
wait confirm
tap @confirm
wait ticket:printed 20000
expect-text A001
expect-text Le voici à nouveau
EOF
check
find_ticket open A002 >/dev/null && fail_soft "the same holder got a second number"

# ---- 4. speech: F1 reads the screen in the chosen language -----------------
touch_run speech open "file:$tmp/speech.bin" --speech-log "$tmp/speech.txt" <<'EOF'
wait welcome
tap @start
wait language
key F1
expect-speech 4. العربية
tap @lang:ta
wait procedure
tap @listen
wait procedure
EOF
check
grep -q "^ar	ar	4. العربية" "$tmp/speech.txt" || fail_soft "the Arabic name was not said in Arabic: $(head -5 "$tmp/speech.txt")"
grep -q "^ta	ta	" "$tmp/speech.txt" || fail_soft "the Tamil screen was not read in Tamil"
grep -q "^fr	fr-fr	Choisissez votre langue" "$tmp/speech.txt" || fail_soft "the language screen title was not read"

# with sound: espeak-ng makes it, SDL plays it (to a file: the disk driver)
cat >"$tmp/sound.script" <<EOF
wait welcome
tap @start
wait language
key F1
wait-file $tmp/heard 30000
EOF
check
SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$tmp/audio.raw" "$K" touch --server "$(cat "$tmp/open/url")" \
	--device-key "$(cat "$tmp/open/key")" --printer "file:$tmp/sound.bin" --size 800x480 \
	--speech-log "$tmp/sound.txt" --script "$tmp/sound.script" >"$tmp/sound.log" 2>&1 &
app=$!
kit_track "$app"
dl=$(( $(now_ms) + 30000 ))
until grep -q '^#said	fr-fr	[1-9]' "$tmp/sound.txt" 2>/dev/null; do
	if [ "$(now_ms)" -ge "$dl" ] || ! kill -0 $app 2>/dev/null; then
		fail_soft "no sentence was synthesised with espeak-ng"; tail -5 "$tmp/sound.log"; break
	fi
	sleep 0.05
done
# the first sentence is queued to the device; give the disk driver its
# deadline to write some of it, then look for a non-silent byte
dl=$(( $(now_ms) + 10000 ))
until [ -s "$tmp/audio.raw" ] && ! cmp -s -n "$(wc -c <"$tmp/audio.raw")" "$tmp/audio.raw" /dev/zero; do
	[ "$(now_ms)" -lt "$dl" ] || { fail_soft "the speech was not played (only silence)"; break; }
	sleep 0.1
done
: >"$tmp/heard"
wait $app || fail_soft "kiosk touch with sound exited $?"

# ---- 5. idle: the countdown shows, can be extended, then the visit is forgotten
touch_run idle open "file:$tmp/idle.bin" --idle 2 --countdown 3 <<'EOF'
wait welcome
tap @start
wait language
tap @lang:zh
wait procedure
wait idle 10000
expect-target more
tap @more
wait procedure
expect-no-target more
wait idle 10000
wait welcome 10000
expect-no-text 请选择
EOF

# ---- 6. faults --------------------------------------------------------------
# 6a. printer out of paper before anyone comes: nobody can start a visit
touch_run paperout open "file:$tmp/po.bin?status=paper_out" <<'EOF'
wait printer 10000
expect-text plus de papier
expect-no-target start
EOF
# 6b. paper runs out during the print: the number stays, the server knows
touch_run paperafter open "file:$tmp/pa.bin?status=paper_out_after" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:E
wait priority
tap @no
wait confirm
tap @confirm
wait ticket:failed 30000
expect-text E002
expect-text Notez votre numéro
EOF
check
find_ticket open E002 | grep -q '"print":"failed"' ||
	fail_soft "paper out during the print not recorded: $(find_ticket open E002)"

# 6c. the server stops at rest, then comes back on the same port
server down assets/demo/site.ini --always-open
cat >"$tmp/down.script" <<EOF
wait welcome
log stop 1
wait-file $tmp/done1
wait server-down 15000
expect-text momentanément indisponible
log start 2
wait-file $tmp/done2
wait welcome 20000
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:C
wait priority
tap @no
wait confirm
log stop 3
wait-file $tmp/done3
tap @confirm
wait server-down 20000
log start 4
wait-file $tmp/done4
wait confirm 20000
tap @confirm
wait ticket:printed 20000
expect-text C001
EOF
# "log stop N" / "log start N" in the script are done by this shell, which
# watches the app's log, then says so with a file the script waits for
check
: >"$tmp/down.log"
"$K" touch --server "$(cat "$tmp/down/url")" --device-key "$(cat "$tmp/down/key")" \
	--printer "file:$tmp/down.bin" --size 800x480 --poll 1 --no-audio \
	--script "$tmp/down.script" >"$tmp/down.log" 2>&1 &
app=$!
kit_track "$app"
seen=0
dl=$(( $(now_ms) + 120000 ))
while kill -0 $app 2>/dev/null && [ "$(now_ms)" -lt "$dl" ]; do
	n=$(grep -c '^script: \(stop\|start\) ' "$tmp/down.log")
	while [ "$seen" -lt "$n" ]; do
		seen=$((seen + 1))
		what=$(grep '^script: \(stop\|start\) ' "$tmp/down.log" | sed -n "${seen}p")
		case $what in
		*stop*) stop down ;;
		*start*) PORT=$(cat "$tmp/down/port") server down assets/demo/site.ini --always-open ;;
		esac
		: >"$tmp/done${what##* }"
	done
	sleep 0.05
done
kill -0 $app 2>/dev/null && { fail_soft "server stop/start: the app did not finish"; kill $app; }
wait $app; rc=$?
[ $rc -eq 0 ] || { fail_soft "server stop/start: kiosk touch exited $rc"; tail -20 "$tmp/down.log" | sed 's/^/    /'; }

# 6d. outside opening hours
h=$(TZ=Europe/Paris date +%H)
if [ "${h#0}" -lt 12 ]; then hours=13:00-17:00; else hours=08:30-11:30; fi
sed -e "s/^\(mon\|tue\|wed\|thu\|fri\|sat\|sun\) = .*/\1 = $hours/" assets/demo/site.ini >"$tmp/closed.ini"
server closed "$tmp/closed.ini"
touch_run closed closed "file:$tmp/cl.bin" <<EOF
wait closed 10000
expect-text L'accueil est fermé
expect-text Ouvert de ${hours%-*} à ${hours#*-}
expect-no-target start
tap @language
wait language
tap @lang:ar
wait closed
expect-text ${hours%-*}
EOF

# 6e. capacity reached: the second visitor gets an attestation de passage
sed -e 's/^capacity = .*/capacity = 1/' -e 's/^priority_reserve = .*/priority_reserve = 0/' \
	assets/demo/site.ini >"$tmp/tiny.ini"
server tiny "$tmp/tiny.ini" --always-open
touch_run full1 tiny "file:$tmp/full1.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:C
wait priority
tap @no
wait confirm
tap @confirm
wait ticket:printed 20000
expect-text C001
EOF
touch_run full2 tiny "file:$tmp/full2.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
expect-text Complet
tap @service:C
wait confirm
expect-text complet pour aujourd'hui
tap @confirm
wait full:printed 20000
expect-text attestation
EOF
if decode full "$tmp/full2.bin"; then
	check
	"$K" verify --pubkey "$tmp/tiny/pub.txt" --any-day "$QR" >"$tmp/full.ver" 2>&1 ||
		{ fail_soft "the printed attestation does not verify"; cat "$tmp/full.ver"; }
	grep -qi 'attestation' "$tmp/full.ver" || fail_soft "the slip is not an attestation: $(cat "$tmp/full.ver")"
	grep -q 'chain: *attempt 1;' "$tmp/full.ver" || fail_soft "the first attestation is not attempt 1: $(cat "$tmp/full.ver")"
fi

# 6f. chained attempts: that attestation, scanned at the next visit (the
# scanner types it: the script's "scan" line), continues the chain
prev=$QR
check
case $prev in K1\*A\**) ;; *) fail_soft "no attestation payload to scan: '$prev'"; prev= ;; esac
if [ -n "$prev" ]; then
	touch_run chain tiny "file:$tmp/chain.bin" <<EOF
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
scan $prev
wait procedure
expect-text Votre attestation précédente a été prise en compte
tap @service:C
wait confirm
expect-text prise en compte
expect-no-text Continuer sans attestation
tap @confirm
wait full:printed 20000
expect-text prise en compte
EOF
	if decode chain "$tmp/chain.bin"; then
		check
		"$K" verify --pubkey "$tmp/tiny/pub.txt" --any-day "$QR" >"$tmp/chain.ver" 2>&1 ||
			{ fail_soft "the chained attestation does not verify"; cat "$tmp/chain.ver"; }
		first=$(echo "$DAY" | sed 's/^\(....\)\(..\)/\1-\2-/')
		grep -q "chain: *attempt 2; first attempt on $first" "$tmp/chain.ver" ||
			fail_soft "the scanned attestation did not give attempt 2: $(cat "$tmp/chain.ver")"
	fi
	# a forged attestation (one signature character changed), scanned during
	# the visit, is refused by the server: the visitor still gets a slip
	# (attempt 1), told calmly. (Scanned on the welcome screen it is first
	# tried as a convocation's check-in: it_touch_draw.)
	n=${#prev}; pos=$((n - 50))
	c=$(printf %s "$prev" | cut -c$pos)
	if [ "$c" = A ]; then r=B; else r=A; fi
	forged=$(printf %s "$prev" | cut -c1-$((pos - 1)))$r$(printf %s "$prev" | cut -c$((pos + 1))-)
	touch_run forged tiny "file:$tmp/forged.bin" <<EOF
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
scan $forged
expect-text prise en compte
tap @service:C
wait confirm
expect-text Continuer
tap @confirm
wait full:printed 20000
expect-text Votre attestation précédente n'a pas pu être lue
EOF
	if decode forged "$tmp/forged.bin"; then
		check
		"$K" verify --pubkey "$tmp/tiny/pub.txt" --any-day "$QR" >"$tmp/forged.ver" 2>&1 ||
			{ fail_soft "the attestation issued without the forged one does not verify"; cat "$tmp/forged.ver"; }
		grep -q 'chain: *attempt 1;' "$tmp/forged.ver" ||
			fail_soft "a forged attestation changed the chain: $(cat "$tmp/forged.ver")"
	fi
	check
	grep -q 'earlier attestation was refused' "$tmp/forged.log" ||
		fail_soft "the refusal of the forged attestation is not in the log"
fi

# ---- 8. real X input: a mouse click and keys through the X server --------
if command -v Xvfb >/dev/null 2>&1 && command -v xdotool >/dev/null 2>&1; then
	xvfb_start 1280x1024x24
	cat >"$tmp/x11.script" <<EOF
wait welcome
wait-ready
log ready 1
wait language 20000
wait-ready
log ready 2
wait procedure 20000
wait-ready
log ready 3
wait priority 20000
EOF
	check
	: >"$tmp/x11.log"
	# under AddressSanitizer: libX11 and libdbus keep a few bytes to the end
	printf 'leak:libX11.so\nleak:libdbus-1.so\n' >"$tmp/lsan.supp"
	LSAN_OPTIONS="suppressions=$tmp/lsan.supp:print_suppressions=0" \
	DISPLAY=$XVFB_DISPLAY SDL_VIDEODRIVER=x11 "$K" touch --server "$(cat "$tmp/open/url")" \
		--device-key "$(cat "$tmp/open/key")" --printer "file:$tmp/x11.bin" --size 800x600 \
		--no-audio --script "$tmp/x11.script" >"$tmp/x11.log" 2>&1 &
	app=$!
	kit_track "$app"
	export DISPLAY=$XVFB_DISPLAY
	seen=0
	dl=$(( $(now_ms) + 60000 ))
	while kill -0 $app 2>/dev/null && [ "$(now_ms)" -lt "$dl" ]; do
		n=$(grep -c '^script: ready' "$tmp/x11.log")
		if [ "$n" -gt "$seen" ]; then
			seen=$n
			wid=$(xdotool search --name 'Accueil' 2>/dev/null | head -1)
			case $seen in
			1) xdotool mousemove --window "$wid" 400 300 click 1 ;;  # touch to start
			2) # a QR scanner through the X server: fast keys, then Enter;
			   # read as a scan (never as keys) before the person's key
			   if [ -n "$prev" ]; then
				check
				# Every key and Enter from one xdotool, as key names (the
				# payload is A-Z, 0-9, '-' and '*'): starting a second xdotool
				# for Enter can take longer than the scan gap on a loaded
				# machine, as a real scanner never would
				keys=$(printf '%s' "$prev" | sed 's/./& /g; s/-/minus/g; s/\*/asterisk/g')
				# shellcheck disable=SC2086 # one key name per word
				xdotool key --delay 5 $keys Return
				dl2=$(( $(now_ms) + 10000 ))
				until grep -q 'scanned attestation was read' "$tmp/x11.log"; do
					[ "$(now_ms)" -lt "$dl2" ] || { fail_soft "X input: the scan was not read"; break; }
					sleep 0.05
				done
			   fi
			   xdotool key 4 ;;                                      # Arabic, by its number
			3) xdotool key Down Down Return ;;                       # focus, then choose
			esac
		fi
		sleep 0.05
	done
	unset DISPLAY
	kill -0 $app 2>/dev/null && { fail_soft "X input: the app did not get through (stage $seen)"; kill $app; }
	wait $app || { fail_soft "X input: kiosk touch exited $?"; tail -5 "$tmp/x11.log" | sed 's/^/    /'; }
	kit_untrack "$app"
	xvfb_stop
fi

# ---- 7. the admin gesture and PIN; the admin screen's jobs; quit ----------
# A visit first: its ticket is the one the admin screen reprints.
touch_run admin open "file:$tmp/admin.bin" --admin-pin 2468 <<EOF
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:E
wait priority
tap @no
wait confirm
tap @confirm
wait ticket:printed 20000
tap @done
wait welcome
tap 5 5
tap 5 5
tap 5 5
tap 5 5
tap 5 5
wait pin
type 1111
key Return
wait pin
expect-text Code incorrect
type 2468
key Return
wait admin
expect-text Imprimante : prête (file:$tmp/admin.bin)
expect-text Serveur $(cat "$tmp/open/url") : joignable
expect-text Papier : 1 impression
expect-text depuis le démarrage de la borne
screenshot $tmp/admin-screen.png
tap @test-print
wait admin:ready 20000
expect-text Page de test imprimée.
expect-text Papier : 2 impressions
tap @reprint
wait admin:ready 20000
expect-text réimprimé (DUPLICATA 1).
expect-text Papier : 3 impressions
tap @new-roll
expect-text Papier : 0 impression, environ 0 cm, depuis le dernier rouleau neuf
screenshot $tmp/admin-after.png
tap @quit
log not reached: quit ends the app
wait language 100
EOF
check
grep -q 'not reached' "$tmp/admin.log" && fail_soft "quit did not stop the app"

# The printer's file holds three jobs: the ticket, the test page, the duplicate.
check
if "$DEC" --width 576 "$tmp/admin.bin" "$tmp/admin-jobs.png" >"$tmp/admin.dec" 2>&1; then
	grep -Eq '(^| )3 cuts|cuts[ :=]+3\b' "$tmp/admin.dec" ||
		fail_soft "admin: not three cut slips in the printer's file: $(cat "$tmp/admin.dec")"
else
	fail_soft "admin: escpos2png could not read the printer's file"; sed 's/^/    /' "$tmp/admin.dec"
fi
# ADMIN_SHOTS=DIR keeps the admin screen and the printed jobs to look at.
[ -z "${ADMIN_SHOTS:-}" ] || cp "$tmp/admin-screen.png" "$tmp/admin-after.png" "$tmp/admin-jobs.png" "$ADMIN_SHOTS/"
# The server recorded the duplicate the admin screen printed.
# (the visit's ticket is the last one issued on this server)
check
i=30
while [ $i -gt 0 ]; do
	j=$(ticket_json open $i)
	case $j in *'"number"'*) break ;; esac
	i=$((i - 1))
done
echo "$j" | grep -q '"reprints":1' || fail_soft "admin: the server did not record the duplicate: $j"

echo "it_touch: $checks checks, $fails failed"
[ $fails -eq 0 ]

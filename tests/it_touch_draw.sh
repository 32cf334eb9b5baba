#!/bin/sh
# it_touch_draw: the touchscreen kiosk after the draw and with convocations
# (issue #13): the real app (`kiosk touch`, headless, driven by --script)
# through the real client and printer path, against a real `kiosk serve`
# whose clock is set with Debian's libfaketime (as it_convocations does).
#
#   1. Friday 4 December 2026, 09:30 in Paris. Service A full: a
#      convocation for Monday (through the API). Service B's draw, three
#      entries enrolled (through the API). Before the close the kiosk
#      scans an enrolment slip: "not drawn yet", nothing printed, the
#      redeem refused once under an Idempotency-Key. After the close it
#      scans the three slips: the winner's ticket ("drawn"), a convocation
#      (its own screen, the day written out, the code), an attestation
#      ("not drawn"), each printed; the printed QR codes, decoded back with
#      zbarimg, verify as the ticket and the two attestations the server
#      issued. The winner's slip again: the same ticket, a reprint; the
#      convocation's again: the same convocation, said so. The
#      convocation slip of A scanned on Friday: the language, then the
#      check-in by its token refused as another day's, which day said;
#      an attestation de passage that is no convocation's, scanned:
#      kept for the visit (the procedure screen says it was taken); a
#      forged one: forgotten, said calmly.
#   2. Monday 7 December, 09:05 (the server restarted at that date): the
#      same convocation slip scanned: the appointment's ticket, printed,
#      its QR a ticket of A.
#
# Binds 127.0.0.1 only; every wait has a deadline; cleans up.
. "$(dirname "$0")/lib.sh"
DEC=$BUILD/tools/escpos2png
need_build "$K" "$DEC"
need_tool curl sqlite3 python3 faketime zbarimg
kit_tmp it_touch_draw
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
KREAL=$K
checks=0
check() { checks=$((checks + 1)); }

FTLIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT\.so\.1$' | head -n 1)
[ -n "$FTLIB" ] || { echo "libfaketime is needed (make test-deps)" >&2; exit 1; }
# at TIME: the server's kiosk binary with its clock started at TIME (UTC)
at() {
	cat >"$tmp/kiosk-at" <<EOF2
#!/bin/sh
export TZ=UTC FAKETIME='@$1' FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD='$FTLIB'
export ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0"
exec "$PWD/$KREAL" "\$@"
EOF2
	chmod +x "$tmp/kiosk-at"
	K=$tmp/kiosk-at
}

cat >"$tmp/site.ini" <<EOF
[site]
id = it-touch-draw
name = Test site
timezone = Europe/Paris
mon = 09:00-12:00
tue = 09:00-12:00
wed = 09:00-12:00
thu = 09:00-12:00
fri = 09:00-12:00
sat = closed
sun = closed
[service A]
name = Premier titre de séjour
capacity = 1
convocations = 2
convocation_days = 7
convocation_window = 60
[service B]
name = Renouvellement de titre de séjour
capacity = 1
priority_reserve = 0
convocations = 1
convocation_days = 3
convocation_window = 60
[counter 1]
services = A B
[alerts]
burst_per_minute = 0
EOF
DB=$tmp/q.db
at "2026-12-04 08:30:00"
site_init "$DB" "$tmp/site.ini"
"$K" admin --db "$DB" pubkey >"$tmp/pub.txt" || fail "kiosk admin pubkey"
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" boss manager test-manager-pw
MT=$TOKEN
serve_start friday "$DB"
URL=$SERVER_URL
q() { sqlite3 "$DB" "$1"; }
req() {     # req METHOD PATH TOKEN [BODY]: the status; the body in $tmp/out.json
	curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
	    ${4:+-H 'Content-Type: application/json' --data-binary "$4"} "$URL$2"
}
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("print(" + sys.argv[2] + ")")' "$tmp/out.json" "$1"; }
# touch_run NAME: the app on the script on stdin, printing into NAME.bin
touch_run() {
	cat >"$tmp/$1.script"
	check
	"$KREAL" touch --server "$URL" --device-key "$DK" --printer "file:$tmp/$1.bin" \
		--size 1080x1920 --poll 1 --no-audio --script "$tmp/$1.script" >"$tmp/$1.log" 2>&1 ||
		{ fail_soft "$1: kiosk touch exited $?"; sed 's/^/    /' "$tmp/$1.log" | tail -25; }
}
# slip NAME: the QR code of NAME.bin, decoded from the printed image, verified
slip() {
	check
	"$DEC" --width 576 "$tmp/$1.bin" "$tmp/$1.png" >"$tmp/$1.dec" 2>&1 ||
		{ fail_soft "$1: escpos2png could not decode the print: $(cat "$tmp/$1.dec")"; return; }
	QR=$(zbarimg -q --raw "$tmp/$1.png" 2>/dev/null)
	[ -n "$QR" ] || { fail_soft "$1: no QR code on the printed slip"; return; }
	"$KREAL" verify --pubkey "$tmp/pub.txt" --any-day "$QR" >"$tmp/$1.ver" 2>&1 &&
		grep -q '^VALID$' "$tmp/$1.ver" || fail_soft "$1: the slip does not verify: $(cat "$tmp/$1.ver")"
}

# ---- 1. Friday -----------------------------------------------------------------------------
check
[ "$(req POST /api/v1/tickets "$DK" '{"service":"A"}')" = 201 ] || fail "A's walk-in place: $(cat "$tmp/out.json")"
[ "$(req POST /api/v1/tickets "$DK" '{"service":"A","lang":"fr"}')" = 201 ] &&
	[ "$(jget 'd["kind"], d["date"]')" = "convocation 2026-12-07" ] ||
	fail "A full: no convocation for Monday: $(cat "$tmp/out.json")"
CONV=$(jget 'd["token"]')
CODE=$(jget 'd["code"]')
[ "$(req POST /api/v1/draws "$MT" '{"service":"B","places":1}')" = 201 ] || fail "open B's draw: $(cat "$tmp/out.json")"
DRAW=$(jget 'd["id"]')
for i in 1 2 3; do
	[ "$(req POST "/api/v1/draws/$DRAW/entries" "$DK" '{"lang":"fr"}')" = 201 ] ||
		fail "enrolment $i: $(cat "$tmp/out.json")"
	jget 'd["entry"], d["token"]' >>"$tmp/entries"
done
E1=$(sed -n 1p "$tmp/entries" | cut -d' ' -f2)

# before the close: not drawn yet, nothing printed
touch_run early <<EOF2
wait welcome
scan $E1
wait draw-wait 20000
expect-text Le tirage n'a pas encore eu lieu.
expect-text Présentez à nouveau votre code QR à la borne après le tirage.
tap @done
wait welcome
EOF2
check
[ ! -s "$tmp/early.bin" ] || fail_soft "early: something was printed before the close"
got=$(q "select status || ' ' || json_extract(body, '\$.code') from requests
    where actor = 'kiosk-1' and length(key) = 22 and body like '%not drawn yet%'")
[ "$got" = "409 conflict" ] || fail_soft "early: the redeem not refused once under a key: '$got'"

[ "$(req POST "/api/v1/draws/$DRAW/close" "$MT")" = 200 ] || fail "close B's draw: $(cat "$tmp/out.json")"
[ "$(req GET "/api/v1/draws/$DRAW" '')" = 200 ] || fail "GET the draw"
jget '"\n".join(r["entry"] + " " + r["outcome"] for r in d["results"])' >"$tmp/results"
check
[ "$(cut -d' ' -f2 "$tmp/results" | sort | tr '\n' ' ')" = "attestation convocation ticket " ] ||
	fail_soft "the draw's outcomes: $(cat "$tmp/results")"
tok() { # OUTCOME: the enrolment slip's token of the entry with that outcome
	e=$(grep " $1\$" "$tmp/results" | cut -d' ' -f1)
	grep "^$e " "$tmp/entries" | cut -d' ' -f2
}

touch_run winner <<EOF2
wait welcome
scan $(tok ticket)
wait ticket:printed 20000
expect-text Tiré(e) au sort
expect-text B001
tap @done
wait welcome
EOF2
slip winner
# ver NAME PATTERN...: NAME's verified slip has each line
ver() {
	v=$1; shift
	for p in "$@"; do
		grep -q "^  $p\$" "$tmp/$v.ver" || { fail_soft "$v: the slip lacks '$p': $(cat "$tmp/$v.ver")"; return; }
	done
}
ver winner 'kind: *ticket' 'service: *B' 'number: *B001' 'copy: *original' 

touch_run convoc <<EOF2
wait welcome
scan $(tok convocation)
wait convocation:printed 20000
expect-text Vous n'avez pas été tiré(e) au sort.
expect-text Vous êtes convoqué(e) le lundi 7 décembre 2026 entre 09:00 et 10:00.
expect-text Votre code de convocation
tap @done
wait welcome
EOF2
slip convoc
ver convoc 'kind: *attestation de passage (proof of visit)' 'service: *B' 

touch_run loser <<EOF2
wait welcome
scan $(tok attestation)
wait full:printed 20000
expect-text Vous n'avez pas été tiré(e) au sort.
expect-no-text Vous êtes convoqué(e)
tap @done
wait welcome
EOF2
slip loser
ver loser 'kind: *attestation de passage (proof of visit)' 'service: *B' 
check
[ "$(grep 'serial:' "$tmp/convoc.ver")" != "$(grep 'serial:' "$tmp/loser.ver")" ] ||
	fail_soft "the convocation's and the attestation's slips have the same serial"
check
got=$(q "select count(*) from attestations where outcome = 'draw' and print_state = 'confirmed'")
[ "$got" = 1 ] || fail_soft "loser: the attestation's print not recorded ($got)"

# the winner's slip again: the same ticket, a reprint
touch_run again <<EOF2
wait welcome
scan $(tok ticket)
wait ticket:printed 20000
expect-text Le voici à nouveau.
expect-text B001
tap @done
wait welcome
EOF2
slip again
ver again 'kind: *ticket' 'number: *B001' 'copy: *duplicate no. 1 (DUPLICATA)'
check
got=$(q "select count(*) from tickets where service = 'B'")
[ "$got" = 1 ] || fail_soft "again: $got tickets of B, expected 1"
# the convocation's slip again: the same convocation, said so
touch_run again-conv <<EOF2
wait welcome
scan $(tok convocation)
wait convocation:printed 20000
expect-text Vous avez déjà une convocation. La voici à nouveau.
tap @done
wait welcome
EOF2
slip again-conv
check
[ "$(grep 'serial:' "$tmp/again-conv.ver")" = "$(grep 'serial:' "$tmp/convoc.ver")" ] ||
	fail_soft "again-conv: not the same convocation's slip: $(cat "$tmp/again-conv.ver")"

# A's convocation slip on Friday: another day's, which day said
touch_run friday-conv <<EOF2
wait welcome
scan $CONV
wait language
tap @lang:fr
wait appt-refused 20000
expect-text Votre rendez-vous n'est pas aujourd'hui.
expect-text Votre rendez-vous est le lundi 7 décembre 2026.
tap @done
wait welcome
EOF2
check
[ ! -s "$tmp/friday-conv.bin" ] || fail_soft "friday-conv: something was printed"
got=$(q "select status || ' ' || json_extract(body, '\$.code') from requests
    where actor = 'kiosk-1' and length(key) = 22 and body like '%not_today%'")
[ "$got" = "409 not_today" ] || fail_soft "friday-conv: the check-in not refused once as another day's: '$got'"

# an attestation de passage that is no convocation's: kept for the visit
[ "$(req POST /api/v1/tickets "$DK" '{"service":"B"}')" = 201 ] || fail "B full: $(cat "$tmp/out.json")"
if [ "$(jget 'd["kind"]')" = attestation ]; then
	ATT=$(jget 'd["token"]')
	touch_run plain-att <<EOF2
wait welcome
scan $ATT
wait language
tap @lang:fr
wait procedure 20000
expect-text Votre attestation précédente a été prise en compte.
tap @cancel
wait welcome
EOF2
	check
	got=$(q "select status || ' ' || json_extract(body, '\$.code') from requests
	    where actor = 'kiosk-1' and length(key) = 22 and body like '%not_convocation%'")
	[ "$got" = "404 not_convocation" ] || fail_soft "plain-att: not refused once as no convocation's: '$got'"
	# forged (one signature character changed): forgotten, said calmly
	n=${#ATT}; pos=$((n - 50))
	c=$(printf %s "$ATT" | cut -c$pos)
	if [ "$c" = A ]; then r=B; else r=A; fi
	forged=$(printf %s "$ATT" | cut -c1-$((pos - 1)))$r$(printf %s "$ATT" | cut -c$((pos + 1))-)
	touch_run forged <<EOF2
wait welcome
scan $forged
wait language
tap @lang:fr
wait procedure 20000
expect-text Cette attestation n'a pas pu être lue. Vous pouvez continuer sans elle.
tap @cancel
wait welcome
EOF2
	check
	grep -q 'the scanned slip is no valid attestation' "$tmp/forged.log" ||
		fail_soft "forged: the refusal is not in the kiosk's log"
else
	fail_soft "B full: a $(jget 'd["kind"]'), expected an attestation (its pool given at the draw)"
fi
serve_stop "$SERVER_PID" || fail_soft "the Friday server did not stop cleanly"

# ---- 2. Monday -------------------------------------------------------------------------------
at "2026-12-07 08:05:00"
serve_start monday "$DB"
URL=$SERVER_URL
touch_run monday <<EOF2
wait welcome
scan $CONV
wait language
tap @lang:fr
wait ticket:printed 20000
expect-text A00
expect-text 09:00
tap @done
wait welcome
EOF2
slip monday
ver monday 'kind: *ticket' 'service: *A' 'date: *2026-12-07' 'copy: *original' 
check
got=$(q "select count(*) from appointments where code = '$CODE' and ticket_id is not null")
[ "$got" = 1 ] || fail_soft "monday: the convocation not checked in ($got)"
serve_stop "$SERVER_PID" || fail_soft "the Monday server did not stop cleanly"
K=$KREAL
echo "it_touch_draw: $checks checks, $fails failed"
[ -z "${KEEP_DIR:-}" ] || cp "$tmp"/*.ver "$tmp"/*.png "$KEEP_DIR"/
[ "$fails" -eq 0 ]

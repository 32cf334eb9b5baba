#!/bin/sh
# it_touch_appt: an appointment's check-in at the real touchscreen app
# (`kiosk touch`, headless) through the real client, the real printer path
# and a real `kiosk serve` with its own check-in route (issue #12). The
# appointments are imported with `kiosk admin appointments import` from a
# CSV file whose times are made from now, in UTC; the site's zone is the
# fixed-offset one where it is about noon now (noon_zone), so that each of
# those times is on the site's today, whatever the hour the test runs at.
#
# Covers, each on the screen and on the server's side (its database):
#  - "J'ai un rendez-vous", the language, the code typed (keys, no text: a
#    keyboard's key names): one check-in, in that language, with an
#    Idempotency-Key kept in the requests table; the ticket with the
#    appointment's time on the screen and on the printed slip (decoded
#    back, its QR verified, the print recorded);
#  - a confirmation scanned on the welcome screen (a burst of keys and
#    text, then Enter): the language, then the check-in at once, refused
#    as too early, the time to come back said; nothing printed;
#  - a bound appointment (the CSV's holder column): the document number
#    asked, refused first without it, then checked in with it;
#  - a cancelled appointment, an unknown code, another day's code (its
#    date said), each refused in plain words and logged as an anonymous
#    checkin_refused event; a late arrival (late = walkin): a walk-in's
#    ticket, the missed time said.
#
# Binds 127.0.0.1 only; every wait has a deadline; cleans up.
. "$(dirname "$0")/lib.sh"
DEC=$BUILD/tools/escpos2png
need_build "$K" "$DEC"
need_tool zbarimg curl sqlite3 identify
kit_tmp it_touch_appt
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
checks=0
check() { checks=$((checks + 1)); }

ZONE=$(noon_zone)
{ site_open it-touch-appt "$ZONE"; cat <<EOF
[service A]
name = Premier titre de séjour
name.en = First residence permit
capacity = 50
appointments = 10
[service B]
name = Renouvellement de titre de séjour
name.en = Residence permit renewal
capacity = 50
appointments = 10
[service C]
name = Retrait de titre de séjour
capacity = 50
[counter 1]
services = A B C
[appointments]
checkin_before = 30
checkin_after = 15
late = walkin
EOF
} >"$tmp/site.ini"
DB=$tmp/q.db
site_init "$DB" "$tmp/site.ini"
"$K" admin --db "$DB" pubkey >"$tmp/pub.txt" || fail "kiosk admin pubkey"
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" boss manager test-manager-pw

# The day's appointments, from now: at MINUTES prints that time in UTC.
now=$(date +%s)
at() { date -u -d "@$((now + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; }
hhmm() { TZ=$ZONE date -d "@$((now + $1 * 60))" +%H:%M; }   # on the site's clock
cat >"$tmp/day.csv" <<EOF
id,service,start,duration_min,code,holder,lang,status
typed,A,$(at 5),20,K7P3QX,,,booked
early,A,$(at 60),20,EARLY-7,,,booked
bound,B,$(at 10),20,BOUND1,X123456,,booked
cancelled,A,$(at 20),20,CANC11,,,cancelled
tomorrow,A,$(at 1440),20,OTHER1,,,booked
late,A,$(at -30),20,LATE11,,,booked
EOF
"$K" admin --db "$DB" appointments import "$tmp/day.csv" >"$tmp/import.out" 2>&1 ||
	fail "appointments import: $(cat "$tmp/import.out")"
grep -q ': 6 appointments read: 5 stored' "$tmp/import.out" ||
	fail "appointments import: $(cat "$tmp/import.out")"
serve_start appt "$DB"
URL=$SERVER_URL
DAY=$(TZ=$ZONE date -d "@$now" +%Y%m%d)
q() { sqlite3 "$DB" "$1"; }
# req_seen TEXT: each issue or check-in the kiosk sent under an
# Idempotency-Key whose answer holds TEXT, as the server kept it: its status
# and the code of a refusal ("" for a ticket), one a line. (The reports of
# the prints are kept too: their answers, without "duplicate", are left out.)
req_seen() {
	q "select status || ' ' || coalesce(json_extract(body, '\$.code'), '') from requests
	    where actor = 'kiosk-1' and device = 1 and length(key) = 22
	    and key not glob '*[^A-Za-z0-9_-]*' and body like '%$1%'
	    and (status >= 400 or json_type(body, '\$.duplicate') is not null) order by rowid"
}

# touch_run NAME PRINTER: the app on the script on stdin; keeps NAME.log
touch_run() {
	cat >"$tmp/$1.script"
	check
	"$K" touch --server "$URL" --device-key "$DK" --printer "$2" --size 1080x1920 --poll 1 \
		--no-audio --script "$tmp/$1.script" >"$tmp/$1.log" 2>&1 ||
		{ fail_soft "$1: kiosk touch exited $?"; sed 's/^/    /' "$tmp/$1.log" | tail -25; }
}

# ---- 1. typed: the ticket, with its time on screen and on paper -------------
touch_run typed "file:$tmp/typed.bin" <<EOF2
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
expect-text A001
expect-text $(hhmm 5)
tap @done
wait welcome
EOF2
check
n=$(q "select count(*) from events where kind = 'issue'")
[ "$n" = 1 ] || fail_soft "typed: $n tickets issued, expected 1"
got=$(q "select t.number, t.lang, t.appointment_id = a.id, a.checked_in_at > 0
    from appointments a join tickets t on t.id = a.ticket_id where a.ext_id = 'typed'" | tr '\n' ' ')
[ "$got" = "A001|ar|1|1 " ] ||
	fail_soft "typed: the appointment's ticket (number, language, linked, checked in): '$got'"
got=$(req_seen '"id":"typed"')
[ "$got" = "201 " ] || fail_soft "typed: the check-in under a key, kept once with its 201: '$got'"
check
"$DEC" --width 576 "$tmp/typed.bin" "$tmp/typed.png" >"$tmp/typed.dec" 2>&1 ||
	fail_soft "typed: escpos2png could not decode the print: $(cat "$tmp/typed.dec")"
QR=$(zbarimg -q --raw "$tmp/typed.png" 2>/dev/null)
[ -n "$QR" ] || fail_soft "typed: no QR code on the printed slip"
"$K" verify --pubkey "$tmp/pub.txt" --today "$DAY" "$QR" >"$tmp/typed.ver" 2>&1 &&
	grep -q '^VALID$' "$tmp/typed.ver" || fail_soft "typed: the slip does not verify: $(cat "$tmp/typed.ver")"
grep -q 'A001' "$tmp/typed.ver" || fail_soft "typed: the slip is not A001's: $(cat "$tmp/typed.ver")"
check
TID=$(q "select ticket_id from appointments where ext_id = 'typed'")
j=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/tickets/$TID")
echo "$j" | grep -q '"print":"confirmed"' || fail_soft "typed: the print is not recorded: $j"
echo "$j" | grep -q '"kind":"appointment"' || fail_soft "typed: not an appointment's ticket: $j"
# the slip's appointment line: the decoded slip is taller than a plain
# ticket's of the same service and language
"$K" ticket --server "$URL" --device-key "$DK" --service A --lang ar \
	--printer "file:$tmp/plain.bin" >/dev/null 2>&1 || fail_soft "kiosk ticket failed"
"$DEC" --width 576 "$tmp/plain.bin" "$tmp/plain.png" >/dev/null 2>&1
check
h1=$(identify -format '%h' "$tmp/typed.png" 2>/dev/null || echo 0)
h0=$(identify -format '%h' "$tmp/plain.png" 2>/dev/null || echo 0)
[ "$h1" -gt "$((h0 + 40))" ] || fail_soft "the appointment's slip ($h1 px) is not taller than a plain one ($h0 px)"

# ---- 2. scanned on the welcome screen: the language, then at once -------------
touch_run early "file:$tmp/early.bin" <<EOF2
wait welcome
scan EARLY-7
wait language
tap @lang:fr
wait appt-refused 20000
expect-text Vous êtes en avance pour votre rendez-vous.
expect-text Revenez à $(hhmm 30) pour enregistrer votre arrivée.
tap @done
wait welcome
EOF2
check
got=$(req_seen '"code":"too_early"')
[ "$got" = "409 too_early" ] || fail_soft "scanned: not one check-in refused as too early: '$got'"
got=$(q "select coalesce(ticket_id, 'none') from appointments where ext_id = 'early'")
[ "$got" = none ] || fail_soft "scanned: the early appointment has a ticket: $got"
[ ! -s "$tmp/early.bin" ] || fail_soft "scanned: something was printed for a refused check-in"

# ---- 3. a bound appointment: the document number, sent the second time -------
touch_run bound "file:$tmp/bound.bin" <<EOF2
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
expect-text B001
expect-text $(hhmm 10)
EOF2
check
got=$(req_seen '"code":"holder_required"')
[ "$got" = "400 holder_required" ] || fail_soft "bound: not refused once without the number: '$got'"
got=$(req_seen '"id":"bound"')
[ "$got" = "201 " ] || fail_soft "bound: not checked in once with the number: '$got'"
got=$(q "select (select min(rowid) from requests where body like '%holder_required%') <
    (select min(rowid) from requests where body like '%\"id\":\"bound\"%')")
[ "$got" = 1 ] || fail_soft "bound: checked in before it was refused without the number"
got=$(q "select t.number, t.lang, t.holder_hash is not null from appointments a
    join tickets t on t.id = a.ticket_id where a.ext_id = 'bound'")
[ "$got" = "B001|en|1" ] || fail_soft "bound: its ticket (number, language, bound): '$got'"

# ---- 4. refused: cancelled, unknown, another day's; late: a walk-in -----------
# try CODE: from the welcome screen, one code typed, in French (the script
# goes through a file: touch_run in a pipeline would lose its fails)
try() {
	printf 'wait welcome\ntap @appt\nwait language\ntap @lang:fr\nwait appt-code\n'
	printf 'type %s\nkey Return\n' "$1"
}
{ try CANC11; cat <<EOF2; } >"$tmp/next"
wait appt-refused 20000
expect-text Ce rendez-vous a été annulé.
expect-text Allez à l'accueil : un agent va vous aider.
tap @done
wait welcome
EOF2
touch_run cancelled "file:$tmp/cancelled.bin" <"$tmp/next"
{ try UNKN42; cat <<EOF2; } >"$tmp/next"
wait appt-refused 20000
expect-text Ce code de rendez-vous est inconnu.
expect-text Vérifiez le code sur votre confirmation et tapez-le à nouveau.
tap @done
wait welcome
EOF2
touch_run unknown "file:$tmp/unknown.bin" <"$tmp/next"
{ try OTHER1; cat <<EOF2; } >"$tmp/next"
wait appt-refused 20000
expect-text Votre rendez-vous n'est pas aujourd'hui.
expect-text Votre rendez-vous est le $(fr_day $((now + 86400)) "$ZONE").
tap @done
wait welcome
EOF2
touch_run other-day "file:$tmp/other.bin" <"$tmp/next"
{ try LATE11; cat <<EOF2; } >"$tmp/next"
wait ticket:printed 20000
expect-text L'heure de votre rendez-vous est passée. Vous avez un ticket sans rendez-vous.
expect-text A003
tap @done
wait welcome
EOF2
touch_run late "file:$tmp/late.bin" <"$tmp/next"
check
for f in cancelled unknown other; do
	[ ! -s "$tmp/$f.bin" ] || fail_soft "$f: something was printed for a refused check-in"
done
got=$(q "select group_concat(detail, ' ') from (select detail from events
    where kind = 'checkin_refused' order by id)")
[ "$got" = "cancelled unknown_code not_today" ] ||
	fail_soft "the refused check-ins logged: '$got', expected cancelled unknown_code not_today"
got=$(q "select count(*) from events where kind = 'checkin_refused'
    and (detail glob '*CANC*' or detail glob '*UNKN*' or detail glob '*0THER*')")
[ "$got" = 0 ] || fail_soft "a refused code kept in the event log"
got=$(q "select group_concat(status || ' ' || json_extract(body, '\$.code'), ', ') from (select * from requests
    where body like '%\"code\":\"cancelled\"%' or body like '%\"code\":\"unknown_code\"%'
    or body like '%\"code\":\"not_today\"%' order by rowid)")
[ "$got" = "409 cancelled, 404 unknown_code, 409 not_today" ] ||
	fail_soft "the refusals answered: '$got'"
check
got=$(q "select t.number, coalesce(t.appointment_id, 'walkin'), a.checked_in_at > 0
    from appointments a join tickets t on t.id = a.ticket_id where a.ext_id = 'late'")
[ "$got" = "A003|walkin|1" ] || fail_soft "late: not a walk-in's ticket for the missed appointment: '$got'"
got=$(req_seen '"late":true')
[ "$got" = "201 " ] || fail_soft "late: the check-in's answer is not a late walk-in's: '$got'"
"$DEC" --width 576 "$tmp/late.bin" "$tmp/late.png" >/dev/null 2>&1 &&
	zbarimg -q --raw "$tmp/late.png" >/dev/null 2>&1 || fail_soft "late: no readable slip printed"
n=$(q "select count(*) from appointments where ticket_id is not null")
[ "$n" = 3 ] || fail_soft "$n appointments checked in, expected 3 (typed, bound, late)"

echo "it_touch_appt: $checks checks, $fails failed"
[ "$fails" -eq 0 ]

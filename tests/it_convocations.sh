#!/bin/sh
# it_convocations: convocations for a later day (issue #13) through a real
# `kiosk serve`, with curl, its clock set with Debian's faketime:
#   1. Friday 4 December 2026, 09:30 in Paris: today's one walk-in place,
#      then POST /api/v1/tickets gives convocations (201, kind
#      convocation, date, from, to, code, serial, token), filled in order
#      over Monday's windows, then Tuesday; a bound holder's second request
#      the same convocation (200, duplicate); another holder, with no place
#      left in the horizon, an attestation de passage; the convocation's
#      code checked in on Friday: 409 not_today with its date; the staff
#      list (GET /api/v1/convocations?day=; a kiosk 403, nobody 401); a
#      cancel (POST /api/v1/convocations/{id}/cancel: no reason 400, a kiosk
#      403, audited) gives its place to the next applicant; the figures
#      (GET /api/v1/stats, convocations); `kiosk ticket` prints one (exit 4,
#      as for an attestation: the day was full) and reports its print.
#   2. Monday 7 December, 09:05 (the server restarted at that date): the
#      convocation is checked in (201, a ticket of its service for its
#      appointment), the cancelled one refused (409 cancelled); the figures
#      count it honoured.
# Binds 127.0.0.1 only; every wait has a deadline.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3 python3 faketime
kit_tmp it_convocations
KREAL=$K

# libfaketime itself, preloaded: the faketime command forks and waits, so
# a signal to it would not reach the server.
FTLIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT\.so\.1$' | head -n 1)
[ -n "$FTLIB" ] || { echo "libfaketime is needed (make test-deps)" >&2; exit 1; }
# at TIME: run kiosk with its clock started at TIME (UTC), running on.
at() {
	cat >"$tmp/kiosk-at" <<EOF2
#!/bin/sh
export TZ=UTC FAKETIME='@$1' FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD='$FTLIB'
# under ASan (make asan) libfaketime comes before its runtime: allowed
export ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0"
exec "$PWD/$KREAL" "\$@"
EOF2
	chmod +x "$tmp/kiosk-at"
	K=$tmp/kiosk-at
}

cat >"$tmp/site.ini" <<EOF
[site]
id = it-convoc
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
name = Premier titre
capacity = 1
convocations = 2
convocation_days = 7
convocation_window = 60
[service B]
name = Renouvellement
capacity = 0
bind_holder = yes
convocations = 1
convocation_days = 3
convocation_window = 30
[counter 1]
services = A B
[alerts]
burst_per_minute = 0
holder_refusals = 0
EOF
DB=$tmp/q.db
at "2026-12-04 08:30:00"
site_init "$DB" "$tmp/site.ini"
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
serve_start friday "$DB"
URL=$SERVER_URL
JSON='Content-Type: application/json'
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("print(" + sys.argv[2] + ")")' "$tmp/out.json" "$1"; }
req() {     # req METHOD PATH TOKEN [BODY]: the status; the body in $tmp/out.json
	if [ -n "${4:-}" ]; then
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
		    -H "$JSON" --data-binary "$4" "$URL$2"
	else
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
		    "$URL$2"
	fi
}
expect() {  # expect WHAT GOT WANT [GREP]
	if [ "$2" != "$3" ]; then
		fail_soft "$1: $2 $(cat "$tmp/out.json"), expected $3"
	elif [ -n "${4:-}" ] && ! grep -q -- "$4" "$tmp/out.json"; then
		fail_soft "$1: $(cat "$tmp/out.json") lacks $4"
	fi
}
same() {    # same WHAT GOT WANT
	[ "$2" = "$3" ] || fail_soft "$1: got \"$2\", expected \"$3\" ($(cat "$tmp/out.json"))"
}

# ---- 1. Friday ---------------------------------------------------------------------------
expect "the day's walk-in place" "$(req POST /api/v1/tickets "$DK" '{"service":"A"}')" 201 '"kind":"ticket"'
expect "full: a convocation" "$(req POST /api/v1/tickets "$DK" '{"service":"A","lang":"ar"}')" 201 '"kind":"convocation"'
same "its day and window" "$(jget 'd["date"], d["from"], d["to"], d["duplicate"], d["outcome"]')" \
    "2026-12-07 09:00 10:00 False convocation"
same "its code, serial, token" "$(jget 'len(d["code"]), d["serial"][:13], len(d["token"]) > 40')" \
    "8 AT-2026-12-04 True"
C1=$(jget 'd["code"]')
expect "the next: Monday's second window" "$(req POST /api/v1/tickets "$DK" '{"service":"A"}')" 201
same "second window" "$(jget 'd["date"], d["from"], d["to"]')" "2026-12-07 10:00 11:00"
ID2=$(jget 'd["id"]')
C2=$(jget 'd["code"]')
expect "Monday full: Tuesday" "$(req POST /api/v1/tickets "$DK" '{"service":"A"}')" 201
same "Tuesday" "$(jget 'd["date"], d["from"]')" "2026-12-08 09:00"
# A bound holder: the same convocation again.
expect "B, a holder" "$(req POST /api/v1/tickets "$DK" '{"service":"B","holder":"AB123456"}')" 201 '"kind":"convocation"'
same "B's window" "$(jget 'd["date"], d["from"], d["to"]')" "2026-12-07 09:00 09:30"
IDB=$(jget 'd["id"]')
SB=$(jget 'd["serial"]')
TB=$(jget 'd["token"]')
expect "B, the same holder" "$(req POST /api/v1/tickets "$DK" '{"service":"B","holder":"ab 123456"}')" 200 '"duplicate":true'
same "the same one" "$(jget 'd["id"], d["serial"]')" "$IDB $SB"
expect "B, another holder, no place left" "$(req POST /api/v1/tickets "$DK" '{"service":"B","holder":"CD654321"}')" 201 '"kind":"attestation"'
TATT=$(jget 'd["token"]')
# The convocation's QR scanned at the kiosk: its signed token instead of the code.
expect "token, the wrong day" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TB\",\"holder\":\"AB123456\"}")" 409 '"code":"not_today"'
same "which day, by token" "$(jget 'd["date"]')" "2026-12-07"
expect "token of a plain attestation" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TATT\"}")" 404 '"code":"not_convocation"'
TBAD=$(printf '%s' "$TB" | sed 's/\*B\*/*A*/')
expect "token altered" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TBAD\"}")" 400 '"code":"bad_token"'
expect "token and code" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TB\",\"code\":\"ABCDEFGH\"}")" 400 '"code":"bad_request"'
# The code on the wrong day.
expect "check-in on Friday" "$(req POST /api/v1/appointments/checkin "$DK" "{\"code\":\"$C1\"}")" 409 '"code":"not_today"'
same "which day" "$(jget 'd["date"]')" "2026-12-07"
# The console's list.
expect "list, nobody" "$(req GET '/api/v1/convocations?day=2026-12-07' '')" 401
expect "list, a kiosk" "$(req GET '/api/v1/convocations?day=2026-12-07' "$DK")" 403
expect "list, bad day" "$(req GET '/api/v1/convocations?day=monday' "$AT")" 400
expect "list, agent" "$(req GET '/api/v1/convocations?day=2026-12-07' "$AT")" 200
same "Monday's list" "$(jget '" ".join(c["service"] + c["from"] + c["state"] for c in d["convocations"])')" \
    "A09:00booked A10:00booked B09:00booked"
# Cancel.
expect "cancel, no reason" "$(req POST "/api/v1/convocations/$ID2/cancel" "$AT" '{}')" 400
expect "cancel, a kiosk" "$(req POST "/api/v1/convocations/$ID2/cancel" "$DK" '{"reason":"moved"}')" 403
expect "cancel, unknown" "$(req POST "/api/v1/convocations/99999/cancel" "$AT" '{"reason":"moved"}')" 404
expect "cancel" "$(req POST "/api/v1/convocations/$ID2/cancel" "$AT" '{"reason":"asked to move it"}')" 200 '"state":"cancelled"'
expect "cancel again" "$(req POST "/api/v1/convocations/$ID2/cancel" "$AT" '{"reason":"again"}')" 409
n=$(sqlite3 "$DB" "select count(*) from audit where action = 'convocation_cancel' and actor = 'marie'")
same "audited" "$n" 1
expect "the place back" "$(req POST /api/v1/tickets "$DK" '{"service":"A"}')" 201 '"kind":"convocation"'
same "Monday 10:00 again" "$(jget 'd["date"], d["from"]')" "2026-12-07 10:00"
expect "stats" "$(req GET '/api/v1/stats?day=2026-12-04' '')" 200
same "issued on Friday" "$(jget 'd["convocations"]["A"]["issued"], d["convocations"]["B"]["issued"]')" "4 1"
# The slip, through `kiosk ticket`: the day full, the convocation printed as
# the proof of visit it also is (exit 4, as for an attestation), reported.
"$KREAL" ticket --server "$URL" --device-key "$DK" --service A --lang ar \
    --printer "file:$tmp/slip.bin" --png "$tmp/slip.png" >"$tmp/ticket.txt" 2>&1
rc=$?
same "kiosk ticket's exit status" "$rc" 4
grep -q 'convocation for 2026-12-08, 10:00-11:00' "$tmp/ticket.txt" ||
    fail_soft "kiosk ticket does not say the convocation: $(cat "$tmp/ticket.txt")"
[ -s "$tmp/slip.bin" ] && [ -s "$tmp/slip.png" ] || fail_soft "no slip printed"
[ -z "${KEEP_SLIP:-}" ] || cp "$tmp/slip.png" "$KEEP_SLIP"
n=$(sqlite3 "$DB" "select print_state from attestations where outcome = 'convocation' order by id desc limit 1")
same "the slip's print reported" "$n" confirmed
serve_stop "$SERVER_PID" || fail_soft "the Friday server did not stop cleanly"

# ---- 2. Monday -------------------------------------------------------------------------
at "2026-12-07 08:05:00"
serve_start monday "$DB"
URL=$SERVER_URL
expect "check-in on the day" "$(req POST /api/v1/appointments/checkin "$DK" "{\"code\":\"$C1\"}")" 201 '"kind":"appointment"'
same "a ticket of A" "$(jget 'd["service"], d["number"][:1]')" "A A"
expect "the cancelled one" "$(req POST /api/v1/appointments/checkin "$DK" "{\"code\":\"$C2\"}")" 409 '"code":"cancelled"'
expect "token, bound, no number" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TB\"}")" 400 '"code":"holder_required"'
expect "token on the day" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TB\",\"holder\":\"AB 123456\"}")" 201 '"kind":"appointment"'
same "a ticket of B" "$(jget 'd["service"], d["appointment"]["start"][11:16]')" "B 09:00"
expect "token again" "$(req POST /api/v1/appointments/checkin "$DK" "{\"token\":\"$TB\",\"holder\":\"AB123456\"}")" 200 '"duplicate":true'
expect "stats Monday" "$(req GET '/api/v1/stats?day=2026-12-07' '')" 200
same "Monday's figures" "$(jget 'd["convocations"]["A"]["for_day"], d["convocations"]["A"]["cancelled"], d["convocations"]["A"]["honoured"]')" "3 1 1"
expect "list after" "$(req GET '/api/v1/convocations?day=2026-12-07' "$AT")" 200
same "states" "$(jget '" ".join(c["state"] for c in d["convocations"] if c["service"] == "A")')" \
    "honoured cancelled booked"
serve_stop "$SERVER_PID" || fail_soft "the Monday server did not stop cleanly"
K=$KREAL
[ "$fails" -eq 0 ] || exit 1
echo "it_convocations: ok"

#!/bin/sh
# it_appointments: appointments booked online (issue #12) through a real
# `kiosk serve`, with curl and openssl:
#   1. the webhook: no signature, a wrong one, one under another secret, the
#      right one on another body: 401 and nothing written; signed in
#      X-Signature: sha256=<hex>: stored; the same in X-Lapin-Signature:
#      unchanged; an older update: ignored_older (the newer stays); a
#      cancel; RDV Service Public's own payload (created, then destroyed).
#   2. the staff routes and roles: POST /api/v1/appointments (manager and
#      admin; agent 403, kiosk 403, nobody 401), GET ?day= (staff; nobody
#      401), bad input 400 and nothing kept, a full day 409; the webhook
#      secret in no GET answer.
#   3. `kiosk admin appointments import` of a CSV file while the server
#      runs, twice: the second changes nothing.
#   4. every check-in case over HTTP: in the window (201, kind appointment,
#      the appointment's id and start), a replay of its Idempotency-Key, the
#      second check-in (200, the same ticket, duplicate), too early (409,
#      come_back_at), too late with late = walkin (201, kind walkin, late),
#      too late when the walk-ins are full (the attestation), unknown (404),
#      another day's (409, its date), cancelled (409), a bound appointment
#      (holder required, bad, mismatched, right), a staff token (403),
#      nobody (401); a burst of bad codes from one kiosk raises a
#      checkin_guess alert, seen by staff; the day's list shows the states.
#   5. late = attestation (the site file changed, the server restarted): an
#      attestation whose outcome is "late" and which names the appointment.
# The site's zone is a fixed-offset one chosen so that it is about noon
# there now: every time the test makes is on the site's today, whatever the
# hour the test runs at. Binds 127.0.0.1 only; every wait has a deadline.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3 openssl python3
kit_tmp it_appointments
t0=$(date +%s)

ZONE=$(noon_zone)   # about noon on the site's clock
SECRET=it-appointments-0123456789abcdef-secret
write_site() {  # write_site LATE
	{ site_open it-appt "$ZONE"; cat <<EOF
[service A]
name = Premier titre
capacity = 50
appointments = 8
[service B]
name = Renouvellement
capacity = 50
bind_holder = yes
appointments = 4
[service C]
name = Retrait
capacity = 0
appointments = 4
[service D]
name = Naturalisation
capacity = 10
[service E]
name = Échange de permis
capacity = 10
appointments = 2
[counter 1]
services = A B C D E
[alerts]
burst_per_minute = 0
checkin_guesses = 3
[appointments]
checkin_before = 10
checkin_after = 15
late = $1
webhook_secret = $SECRET
EOF
	} >"$tmp/site.ini"
}
write_site walkin
DB=$tmp/q.db
site_init "$DB" "$tmp/site.ini"
device_add "$DB" kiosk-1
DK=$KEY
device_add "$DB" kiosk-2
DK2=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
user_add "$DB" paul manager 'secret-paul-1'
MT=$TOKEN
user_add "$DB" root admin 'secret-root-1'
RT=$TOKEN
serve_start appt "$DB"
URL=$SERVER_URL
JSON='Content-Type: application/json'
now=$(date +%s)
today=$(TZ=$ZONE date -d "@$now" +%F)
at() { date -u -d "@$(($now + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; }   # at MINUTES: a time from now
sig() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("print(" + sys.argv[2] + ")")' "$tmp/out.json" "$1"; }

# req METHOD PATH TOKEN [BODY] [KEY]: prints the status; the body in $tmp/out.json.
req() {
	if [ -n "${4:-}" ]; then
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
		    -H "$JSON" ${5:+-H "Idempotency-Key: $5"} --data-binary "$4" "$URL$2"
	else
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
		    ${5:+-H "Idempotency-Key: $5"} "$URL$2"
	fi
}
# hook BODY [HEADER]: the webhook, with that signature header (none if "").
hook() {
	curl -s -o "$tmp/out.json" -w '%{http_code}' -X POST -H "$JSON" ${2:+-H "$2"} \
	    --data-binary "$1" "$URL/api/v1/appointments/webhook"
}
appt() {    # appt ID SERVICE START CODE [EXTRA]
	printf '{"id":"%s","service":"%s","start":"%s","duration_min":20,"code":"%s"%s}' \
	    "$1" "$2" "$3" "$4" "${5:-}"
}
count() { sqlite3 "$DB" "select count(*) from appointments${1:+ where $1}"; }
expect() {  # expect WHAT GOT WANT [GREP]
	if [ "$2" != "$3" ]; then
		fail_soft "$1: $2 $(cat "$tmp/out.json"), expected $3"
	elif [ -n "${4:-}" ] && ! grep -q -- "$4" "$tmp/out.json"; then
		fail_soft "$1: $(cat "$tmp/out.json") lacks $4"
	fi
}

# ---- 1. the webhook ---------------------------------------------------------------------
B1=$(appt w-1 A "$(at 5)" 'WEB-H00K' ',"updated_at":"2026-01-02T09:00:00Z"')
S1=$(sig "$SECRET" "$B1")
expect "webhook without a signature" "$(hook "$B1")" 401 '"code":"bad_signature"'
expect "webhook, a wrong signature" "$(hook "$B1" "X-Lapin-Signature: $(sig wrong-secret "$B1")")" 401 bad_signature
expect "webhook, garbage" "$(hook "$B1" "X-Signature: sha256=zz")" 401 bad_signature
expect "webhook, the signature of another body" "$(hook "$B1 " "X-Lapin-Signature: $S1")" 401 bad_signature
expect "webhook, X-Signature without sha256=" "$(hook "$B1" "X-Signature: $S1")" 401 bad_signature
[ "$(count)" = 0 ] || fail_soft "appointments written by refused webhooks: $(count)"
n=$(sqlite3 "$DB" "select count(*) from audit where action like 'appointment%'")
[ "$n" = 0 ] || fail_soft "audit entries by refused webhooks: $n"
expect "webhook, X-Signature" "$(hook "$B1" "X-Signature: sha256=$S1")" 200 '"status":"stored"'
expect "webhook again, X-Lapin-Signature" "$(hook "$B1" "X-Lapin-Signature: $S1")" 200 '"status":"unchanged"'
OLD=$(appt w-1 A "$(at 200)" 'WEB-H00K' ',"updated_at":"2026-01-01T09:00:00Z"')
expect "an older update" "$(hook "$OLD" "X-Lapin-Signature: $(sig "$SECRET" "$OLD")")" 200 '"status":"ignored_older"'
s=$(sqlite3 "$DB" "select start from appointments where ext_id = 'w-1'")
[ "$s" -lt $((now + 100 * 60)) ] || fail_soft "the older update changed the start: $s"
# A cancel, for a second appointment.
B2=$(appt w-2 A "$(at 5)" 'CANC-001')
expect "webhook w-2" "$(hook "$B2" "X-Lapin-Signature: $(sig "$SECRET" "$B2")")" 200 stored
B2C=$(appt w-2 A "$(at 5)" 'CANC-001' ',"status":"cancelled","updated_at":"2026-01-03T09:00:00Z"')
expect "webhook cancel" "$(hook "$B2C" "X-Lapin-Signature: $(sig "$SECRET" "$B2C")")" 200 stored
[ "$(count "ext_id = 'w-2' and status = 'cancelled'")" = 1 ] || fail_soft "w-2 not cancelled"
# RDV Service Public's own payload: created, then destroyed.
R=$(cat tests/data/appt/rdvsp_created.json)
expect "RDV-SP created" "$(hook "$R" "X-Lapin-Signature: $(sig "$SECRET" "$R")")" 200 '"status":"stored"'
R=$(cat tests/data/appt/rdvsp_destroyed.json)
expect "RDV-SP destroyed" "$(hook "$R" "X-Lapin-Signature: $(sig "$SECRET" "$R")")" 200 '"status":"stored"'
[ "$(count "ext_id like '5b0e9f3c%' and status = 'cancelled'")" = 1 ] ||
    fail_soft "the RDV-SP appointment is not cancelled: $(sqlite3 "$DB" 'select ext_id, status from appointments')"
n=$(sqlite3 "$DB" "select count(*) from audit where actor = 'webhook' and action like 'appointment%'")
[ "$n" = 5 ] || fail_soft "audit entries of the webhook: $n, expected 5"
# Bad input, signed: 400, nothing kept.
B=$(appt w-bad Z "$(at 5)" 'BADS-001')
expect "webhook, no such service" "$(hook "$B" "X-Lapin-Signature: $(sig "$SECRET" "$B")")" 400 "no service 'Z'"
[ "$(count "ext_id = 'w-bad'")" = 0 ] || fail_soft "w-bad kept"

# ---- 2. staff routes and roles ------------------------------------------------------------
S=$(appt s-1 A "$(at 30)" 'STAF-001' ',"lang":"ar"')
expect "agent POST" "$(req POST /api/v1/appointments "$AT" "$S")" 403
expect "kiosk POST" "$(req POST /api/v1/appointments "$DK" "$S")" 403
expect "anonymous POST" "$(req POST /api/v1/appointments "" "$S")" 401
expect "manager POST" "$(req POST /api/v1/appointments "$MT" "$S" s-1)" 201 '"outcome":"created"'
expect "manager POST, the answer" "$(jget 'd["state"], d["holder"], d["lang"], d["ticket"]')" "not_yet False ar None"
expect "manager POST replayed" "$(req POST /api/v1/appointments "$MT" "$S" s-1)" 201 '"outcome":"created"'
S=$(appt s-1 A "$(at 40)" 'STAF-001' ',"lang":"ar"')
expect "admin POST (an update)" "$(req POST /api/v1/appointments "$RT" "$S")" 200 '"outcome":"updated"'
expect "bad code" "$(req POST /api/v1/appointments "$MT" "$(appt s-2 A "$(at 30)" 'K!')")" 400 bad_request
expect "unknown key" "$(req POST /api/v1/appointments "$MT" '{"id":"s-3","service":"A","start":"2026-12-04T10:30:00Z","duration":20,"code":"ABCD1234"}')" 400 bad_request
expect "a service without appointments" "$(req POST /api/v1/appointments "$MT" "$(appt s-4 D "$(at 30)" 'DDDD-001')")" 400 'takes no appointments'
expect "the code of another appointment today" "$(req POST /api/v1/appointments "$MT" "$(appt s-5 A "$(at 30)" 'STAF001')")" 409 conflict
for i in 1 2; do
	expect "E's place $i" "$(req POST /api/v1/appointments "$MT" "$(appt "e-$i" E "$(at 30)" "EFUL-00$i")")" 201
done
expect "a full day" "$(req POST /api/v1/appointments "$MT" "$(appt e-3 E "$(at 30)" 'EFUL-003')")" 409 appointments_full
[ "$(count "ext_id in ('s-2', 's-3', 's-4', 's-5', 'e-3')")" = 0 ] || fail_soft "refused appointments kept"
expect "agent GET" "$(req GET "/api/v1/appointments?day=$today" "$AT")" 200 "\"day\":\"$today\""
expect "the list" "$(jget '[a["id"] for a in d["appointments"] if a["id"] in ("w-1", "w-2", "s-1")]')" \
    "['w-1', 'w-2', 's-1']"
expect "w-2 cancelled in the list" "$(jget '[a["state"] for a in d["appointments"] if a["id"] == "w-2"]')" "['cancelled']"
expect "GET without day: today" "$(req GET /api/v1/appointments "$AT")" 200 "\"day\":\"$today\""
expect "GET a bad day" "$(req GET "/api/v1/appointments?day=2026-02-30" "$AT")" 400
expect "anonymous GET" "$(req GET /api/v1/appointments "")" 401
expect "kiosk GET" "$(req GET /api/v1/appointments "$DK")" 403
expect "GET on the webhook" "$(req GET /api/v1/appointments/webhook "")" 405
for p in /api/v1/health /api/v1/services /api/v1/board /api/v1/stats /api/v1/appointments \
    /api/v1/alerts /api/v1/counters /api/v1/devices /api/v1/users /api/v1/notices /api/v1/closures; do
	for t in "" "$AT" "$MT" "$RT" "$DK"; do
		req GET "$p" "$t" >/dev/null
		! grep -q "$SECRET" "$tmp/out.json" || fail_soft "GET $p gives the webhook secret away"
	done
done

# ---- 3. import a CSV file while the server runs, twice -------------------------------------
cat >"$tmp/day.csv" <<EOF
id,service,start,duration_min,code,holder,lang,status
csv-1,A,$(at 60),20,CSV-0001,,fr,booked
csv-2,B,$(at 5),15,BOUND-01,X1234567,,booked
csv-3,A,$(at -30),20,LATE-001,,,booked
csv-4,A,$(at 1440),20,TMRW-001,,,booked
csv-5,C,$(at -30),20,LATE-C01,,,
csv-6,A,$(at 5),20,DDAY-001,,,cancelled
EOF
"$K" admin --db "$DB" appointments import "$tmp/day.csv" >"$tmp/import.out" 2>&1 ||
    fail_soft "import: $(cat "$tmp/import.out")"
grep -q ': 6 appointments read: 5 stored (5 new, 0 changed), 0 unchanged, 1 cancelled' "$tmp/import.out" ||
    fail_soft "first import: $(cat "$tmp/import.out")"
"$K" admin --db "$DB" appointments import "$tmp/day.csv" >"$tmp/import.out" 2>&1 ||
    fail_soft "import again: $(cat "$tmp/import.out")"
grep -q ': 6 appointments read: 0 stored (0 new, 0 changed), 6 unchanged, 0 cancelled' "$tmp/import.out" ||
    fail_soft "second import: $(cat "$tmp/import.out")"
printf 'id,service,start,duration_min,code\nbad-1,A,%s,20,OK-0001\nbad-2,A,tomorrow,20,OK-0002\n' "$(at 5)" >"$tmp/bad.csv"
if "$K" admin --db "$DB" appointments import "$tmp/bad.csv" >"$tmp/import.out" 2>&1; then
	fail_soft "a bad CSV file was imported: $(cat "$tmp/import.out")"
fi
grep -q "bad.csv:3:" "$tmp/import.out" || fail_soft "a bad row, without its file and line: $(cat "$tmp/import.out")"
[ "$(count "ext_id like 'bad-%'")" = 0 ] || fail_soft "a bad file's rows were kept"

# ---- 4. check-in at the kiosk ---------------------------------------------------------------
CI=/api/v1/appointments/checkin
expect "staff checks in" "$(req POST $CI "$MT" '{"code":"WEBH00K"}')" 403
expect "nobody checks in" "$(req POST $CI "" '{"code":"WEBH00K"}')" 401
expect "no code" "$(req POST $CI "$DK" '{"lang":"ar"}')" 400
expect "in the window" "$(req POST $CI "$DK" '{"code":"web-hook","lang":"ar"}' ci-1)" 201 '"kind":"appointment"'
expect "its ticket" "$(jget 'd["number"], d["service"], d["lang"], d["duplicate"], d["appointment"]["id"], d["appointment"]["duration_min"], len(d["token"]) > 40')" \
    "A001 A ar False w-1 20 True"
NUM=$(jget 'd["number"]')
ID=$(jget 'd["id"]')
expect "its start" "$(jget 'd["appointment"]["start"][:16]')" "$(TZ=$ZONE date -d "@$((now + 300))" +%Y-%m-%dT%H:%M)"
expect "a replay of its key" "$(req POST $CI "$DK" '{"code":"web-hook","lang":"ar"}' ci-1)" 201 "\"number\":\"$NUM\""
expect "again: the same ticket" "$(req POST $CI "$DK" '{"code":"WEBH00K"}')" 200 '"duplicate":true'
expect "the same number" "$(jget 'd["number"], d["kind"], d["reprints"]')" "$NUM appointment 1"
expect "GET its ticket" "$(req GET "/api/v1/tickets/$ID" "$AT")" 200 '"kind":"appointment"'
expect "too early" "$(req POST $CI "$DK" '{"code":"CSV-0001"}')" 409 '"code":"too_early"'
expect "come back at" "$(jget 'd["come_back_at"][:16]')" "$(TZ=$ZONE date -d "@$((now + 50 * 60))" +%Y-%m-%dT%H:%M)"
expect "too late: a walk-in" "$(req POST $CI "$DK" '{"code":"LATE-001"}')" 201 '"kind":"walkin"'
expect "the walk-in" "$(jget 'd["late"], d["appointment"]["id"], d["service"]')" "True csv-3 A"
expect "too late, walk-ins full" "$(req POST $CI "$DK" '{"code":"LATE-C01"}')" 201 '"kind":"attestation"'
expect "the attestation" "$(jget 'd["outcome"], d["late"], d["appointment"]["id"]')" "full True csv-5"
expect "another day's" "$(req POST $CI "$DK" '{"code":"TMRW-001"}')" 409 '"code":"not_today"'
expect "its date" "$(jget 'd["date"]')" "$(TZ=$ZONE date -d "@$((now + 86400))" +%F)"
expect "cancelled" "$(req POST $CI "$DK" '{"code":"CANC-001"}')" 409 '"code":"cancelled"'
expect "bound, no number" "$(req POST $CI "$DK" '{"code":"BOUND-01"}')" 400 '"code":"holder_required"'
expect "bound, a bad number" "$(req POST $CI "$DK" '{"code":"BOUND-01","holder":"1"}')" 400 '"code":"bad_holder"'
expect "bound, another number" "$(req POST $CI "$DK" '{"code":"BOUND-01","holder":"Y7654321"}')" 409 '"code":"holder_mismatch"'
expect "bound, the right number" "$(req POST $CI "$DK" '{"code":"BOUND-01","holder":"x-1234 567"}')" 201 '"kind":"appointment"'
expect "bound ticket" "$(jget 'd["number"], d["holder"][-3:]')" "B001 567"
expect "unknown code" "$(req POST $CI "$DK2" '{"code":"NOPE-0001"}')" 404 '"code":"unknown_code"'
n=$(sqlite3 "$DB" "select count(*) from alerts where kind = 'checkin_guess' and subject like 'kiosk-2%'")
[ "$n" = 0 ] || fail_soft "a checkin_guess alert too soon: $n"
expect "unknown code 2" "$(req POST $CI "$DK2" '{"code":"NOPE-0002"}')" 404 unknown_code
expect "unknown code 3" "$(req POST $CI "$DK2" '{"code":"NOPE-0003"}')" 404 unknown_code
expect "the alert, for staff" "$(req GET /api/v1/alerts "$AT")" 200 '"kind":"checkin_guess"'
grep -q 'kiosk-2' "$tmp/out.json" || fail_soft "the alert does not name kiosk-2: $(cat "$tmp/out.json")"
n=$(sqlite3 "$DB" "select count(*) from events where kind = 'checkin_refused' and (detail glob '*NOPE*' or detail glob '*CANC*')")
[ "$n" = 0 ] || fail_soft "refused codes kept in the event log"
expect "the day's list" "$(req GET /api/v1/appointments "$AT")" 200
expect "states" "$(jget 'sorted((a["id"], a["state"], a["ticket"]) for a in d["appointments"] if a["id"] in ("w-1", "csv-1", "csv-3", "csv-5", "w-2"))')" \
    "[('csv-1', 'not_yet', None), ('csv-3', 'arrived', 'A002'), ('csv-5', 'no_show', None), ('w-1', 'arrived', '$NUM'), ('w-2', 'cancelled', None)]"
expect "a checked-in appointment cannot change" "$(req POST /api/v1/appointments "$MT" "$(appt w-1 A "$(at 50)" 'WEBH00K')")" 409 conflict

# ---- 5. late = attestation ------------------------------------------------------------------------
serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"
write_site attestation
"$K" admin --db "$DB" init --site "$tmp/site.ini" >/dev/null 2>"$tmp/init.err" || fail "init: $(cat "$tmp/init.err")"
serve_start appt2 "$DB"
URL=$SERVER_URL
B=$(appt w-late A "$(at -40)" 'LATE-A01')
expect "webhook w-late" "$(hook "$B" "X-Lapin-Signature: $(sig "$SECRET" "$B")")" 200 stored
expect "too late: an attestation" "$(req POST $CI "$DK" '{"code":"LATE-A01","lang":"fr"}')" 201 '"kind":"attestation"'
expect "the late attestation" "$(jget 'd["outcome"], d["appointment"]["id"], len(d["token"]) > 40')" "late w-late True"
n=$(sqlite3 "$DB" "select count(*) from attestations a join appointments p on p.id = a.appointment_id where a.outcome = 'late' and p.ext_id = 'w-late'")
[ "$n" = 1 ] || fail_soft "the late attestation is not linked to its appointment: $n"
"$K" admin --db "$DB" audit verify >"$tmp/verify.out" 2>&1 || fail_soft "audit verify: $(cat "$tmp/verify.out")"

echo "it_appointments: $fails failed, $(($(date +%s) - t0)) s"
[ "$fails" -eq 0 ]

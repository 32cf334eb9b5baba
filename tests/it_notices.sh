#!/bin/sh
# it_notices: the manager's notices (issue #16) through a real `kiosk serve`,
# with curl, and the real kiosk app (`kiosk touch`, headless):
#   1. roles: an agent gets 403, nobody 401; bad input a clear 400 (no
#      French, a language the kiosk lacks, to in the past), nothing kept.
#   2. POST /api/v1/notices (board and kiosk): a `notices` event reaches an
#      open /api/v1/events stream at once, without who wrote it; GET
#      /api/v1/board and GET /api/v1/services hold it, GET /api/v1/notices
#      (manager) with who; the audit log holds it and `kiosk admin audit
#      verify` still passes.
#   3. the kiosk's welcome screen shows it (kiosk touch --script:
#      expect-text), and a screenshot (NOTICE_SHOTS=DIR keeps it); the
#      languages it cycles through are test_ui's.
#   4. DELETE: a `notices` event with none; the lists are empty; 404 again.
# Binds 127.0.0.1 only; every wait is a counted poll with a deadline.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3
kit_tmp it_notices
t0=$(date +%s)
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy

DB=$tmp/q.db
site_init "$DB" assets/demo/site.ini
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
user_add "$DB" paul manager 'secret-paul-1'
MT=$TOKEN
serve_start notices "$DB" --always-open
URL=$SERVER_URL
JSON='Content-Type: application/json'
today=$(TZ=Europe/Paris date +%F)
yesterday=$(TZ=Europe/Paris date -d yesterday +%F)
FR="Naturalisation : pas d'accueil cet après-midi"
AR="التجنس: لا استقبال بعد الظهر"

# req METHOD PATH TOKEN [BODY] [KEY]: prints the status; the body in $tmp/out.json.
req() {
	if [ -n "${4:-}" ]; then
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
		    -H "$JSON" ${5:+-H "Idempotency-Key: $5"} --data "$4" "$URL$2"
	else
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} \
		    ${5:+-H "Idempotency-Key: $5"} "$URL$2"
	fi
}
body() {    # body FROM TO TEXT-OBJECT SCREENS
	printf '{"from":"%s","to":"%s","text":%s,"screens":%s}' "$1" "$2" "$3" "$4"
}
GOOD=$(body "$today" "$today" "{\"fr\":\"$FR\",\"ar\":\"$AR\"}" '["board","kiosk"]')

# ---- 1. roles and bad input ----------------------------------------------------------
code=$(req POST /api/v1/notices "$AT" "$GOOD")
[ "$code" = 403 ] || fail_soft "agent POST notice: $code, expected 403"
code=$(req POST /api/v1/notices "" "$GOOD")
[ "$code" = 401 ] || fail_soft "anonymous POST notice: $code, expected 401"
code=$(req GET /api/v1/notices "$AT")
[ "$code" = 403 ] || fail_soft "agent GET notices: $code, expected 403"
for bad in "$(body "$today" "$today" '{"en":"Hello"}' '["board"]')|French" \
    "$(body "$today" "$today" '{"fr":"x","de":"Hallo"}' '["board"]')|kiosk's languages" \
    "$(body "$yesterday" "$yesterday" '{"fr":"x"}' '["board"]')|in the past" \
    "$(body "$today" "$today" '{"fr":"x"}' '["tv"]')|screens"; do
	code=$(req POST /api/v1/notices "$MT" "${bad%|*}")
	[ "$code" = 400 ] && grep -q "${bad#*|}" "$tmp/out.json" ||
	    fail_soft "bad notice ${bad%|*}: $code $(cat "$tmp/out.json"), expected 400 saying ${bad#*|}"
done
n=$(sqlite3 "$DB" "select count(*) from notices")
[ "$n" = 0 ] || fail_soft "notices kept after refusals: $n"

# ---- 2. added: the event at once, the public lists, the audit -------------------------
curl -s -N --max-time 20 -o "$tmp/stream" "$URL/api/v1/events" &
SSE=$!
kit_track $SSE
wait_line "$tmp/stream" ':' $SSE 5 || wait_until 5 test -e "$tmp/stream"
t1=$(now_ms)
code=$(req POST /api/v1/notices "$MT" "$GOOD" n-1)
[ "$code" = 201 ] || fail_soft "manager POST notice: $code $(cat "$tmp/out.json")"
ID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$tmp/out.json")
wait_line "$tmp/stream" '^event: notices' $SSE 5 || fail_soft "no notices event on the stream: $KIT_WHY"
echo "it_notices: the notices event $(($(now_ms) - t1)) ms after the POST"
grep -A2 '^event: notices' "$tmp/stream" | grep -q "pas d'accueil" ||
    fail_soft "the event lacks the text: $(cat "$tmp/stream")"
grep -A2 '^event: notices' "$tmp/stream" | grep -q paul && fail_soft "the public event names who wrote it"
code=$(req GET /api/v1/board "")
grep -q "\"notices\":\[{\"id\":$ID,\"text\":{\"fr\":\"$FR\"" "$tmp/out.json" ||
    fail_soft "GET /api/v1/board lacks the notice: $(cat "$tmp/out.json")"
grep -q paul "$tmp/out.json" && fail_soft "GET /api/v1/board names who wrote it"
code=$(req GET /api/v1/services "$DK")
grep -q "\"notices\":\[{\"id\":$ID," "$tmp/out.json" ||
    fail_soft "GET /api/v1/services lacks the notice: $(cat "$tmp/out.json")"
code=$(req GET /api/v1/notices "$MT")
[ "$code" = 200 ] && grep -q '"by":"paul"' "$tmp/out.json" || fail_soft "GET notices: $code $(cat "$tmp/out.json")"
n=$(sqlite3 "$DB" "select count(*) from audit where action = 'notice_add' and actor = 'paul'")
[ "$n" = 1 ] || fail_soft "audit entries for the notice: $n, expected 1"
"$K" admin --db "$DB" audit verify >"$tmp/verify.out" 2>&1 || fail_soft "audit verify: $(cat "$tmp/verify.out")"

# ---- 3. the kiosk's welcome screen ------------------------------------------------------
cat >"$tmp/kiosk.script" <<EOF
wait welcome
expect-text $FR
screenshot $tmp/welcome-notice.png
quit
EOF
if ! timeout 60 "$K" touch --server "$URL" --device-key "$DK" --printer "file:$tmp/p.bin" \
    --size 1080x1920 --poll 1 --no-audio --script "$tmp/kiosk.script" >"$tmp/kiosk.log" 2>&1; then
	fail_soft "the kiosk's welcome screen: $(tail -5 "$tmp/kiosk.log")"
fi
[ -s "$tmp/welcome-notice.png" ] || fail_soft "no screenshot of the welcome screen"
[ -z "${NOTICE_SHOTS:-}" ] || cp "$tmp/welcome-notice.png" "$NOTICE_SHOTS/"

# ---- 4. deleted ---------------------------------------------------------------------------
code=$(req DELETE "/api/v1/notices/$ID" "$AT" "" d-0)
[ "$code" = 403 ] || fail_soft "agent DELETE: $code, expected 403"
code=$(req DELETE "/api/v1/notices/$ID" "$MT" "" d-1)
[ "$code" = 200 ] || fail_soft "DELETE notice $ID: $code $(cat "$tmp/out.json")"
wait_line "$tmp/stream" '^data: {"notices":\[\]}' $SSE 5 || fail_soft "no empty notices event: $KIT_WHY"
code=$(req GET /api/v1/board "")
grep -q '"notices":\[\]' "$tmp/out.json" || fail_soft "the board still has it: $(cat "$tmp/out.json")"
code=$(req DELETE "/api/v1/notices/$ID" "$MT" "" d-2)
[ "$code" = 404 ] || fail_soft "DELETE again: $code, expected 404"
n=$(sqlite3 "$DB" "select count(*) from audit where action = 'notice_delete' and actor = 'paul'")
[ "$n" = 1 ] || fail_soft "audit entries for the delete: $n, expected 1"
kill $SSE 2>/dev/null
wait $SSE 2>/dev/null
kit_untrack $SSE

echo "it_notices: $fails failed, $(($(date +%s) - t0)) s"
[ "$fails" -eq 0 ]

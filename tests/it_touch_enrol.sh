#!/bin/sh
# it_touch_enrol: the enrolment in a draw at opening (issue #13,
# docs/DRAW.md) at the real touchscreen app (`kiosk touch`, headless),
# through the real client, the real printer path and a real `kiosk serve`.
# The site's zone is the fixed-offset one where it is about noon now
# (noon_zone), so that the site file's window 08:00-13:45 is open now.
#
# Covers, each on the screen and on the server's side (its database):
#  - the menu names the draws: a service bound to its holder whose draw the
#    site file opened (A, closes 13:45), one a manager opened (B, no end);
#  - A in Arabic: the explanation (the time), the priority question (yes),
#    the document number, one enrolment under an Idempotency-Key (201),
#    kept in the draw with its language, priority and holder; the slip
#    printed, decoded back: its QR is the server's signed D1 token for that
#    entry, and its picture is kept (KEEP_SLIP=FILE) to look at;
#  - the same holder again, in French: the same entry (200, duplicate),
#    said so, the same slip printed again; still one entry;
#  - B: no document number, enrolled after the priority question (no);
#  - C: the draw closed by the manager between the explanation and the
#    enrolment (the kiosk polls rarely here, so the 409 is met): the visit
#    becomes a ticket's, said so on the confirmation; a ticket is issued and
#    no entry kept; after the close, A's slip redeems (scanned entry).
#
# Binds 127.0.0.1 only; every wait has a deadline; cleans up.
. "$(dirname "$0")/lib.sh"
DEC=$BUILD/tools/escpos2png
need_build "$K" "$DEC"
need_tool zbarimg curl sqlite3 python3
kit_tmp it_touch_enrol
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
checks=0
check() { checks=$((checks + 1)); }

{ site_open it-touch-draw "$(noon_zone)"; cat <<EOF
[service A]
name = Premier titre de séjour
capacity = 30
priority_reserve = 2
bind_holder = yes
draw = 08:00-13:45
[service B]
name = Renouvellement de titre de séjour
capacity = 30
[service C]
name = Retrait de titre de séjour
capacity = 30
[counter 1]
services = A B C
EOF
} >"$tmp/site.ini"
DB=$tmp/q.db
site_init "$DB" "$tmp/site.ini"
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" boss manager test-manager-pw
MT=$TOKEN
serve_start draw "$DB"
URL=$SERVER_URL
q() { sqlite3 "$DB" "$1"; }
open_draw() { # SERVICE: a manager's draw; prints its id
	curl -s -X POST -H "Authorization: Bearer $MT" -H 'Content-Type: application/json' \
	    --data "{\"service\":\"$1\",\"places\":3}" "$URL/api/v1/draws" |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
IDB=$(open_draw B)
IDC=$(open_draw C)
# the site file's window opens A's draw at the server's next minute
a_open() { [ -n "$(q "select id from draws where service = 'A' and status = 'open'")" ]; }
wait_until 75 a_open || fail "the site file did not open service A's draw"
IDA=$(q "select id from draws where service = 'A'")
check
curl -s "$URL/api/v1/services" >"$tmp/services.json"
got=$(python3 -c 'import json, sys
d = {s["code"]: s["draw"] for s in json.load(open(sys.argv[1]))["services"]}
print(d["A"]["id"], d["A"]["closes"], d["B"]["id"], d["B"]["closes"], d["C"]["id"])' "$tmp/services.json")
[ "$got" = "$IDA 13:45 $IDB None $IDC" ] || fail_soft "the menu's draws: '$got'"

# touch_run NAME PRINTER [POLL]: the app on the script on stdin; keeps NAME.log
touch_run() {
	cat >"$tmp/$1.script"
	check
	"$K" touch --server "$URL" --device-key "$DK" --printer "$2" --size 1080x1920 \
		--poll "${3:-1}" --no-audio --script "$tmp/$1.script" >"$tmp/$1.log" 2>&1 ||
		{ fail_soft "$1: kiosk touch exited $?"; sed 's/^/    /' "$tmp/$1.log" | tail -25; }
}
# enrolments: each enrolment the kiosk sent under an Idempotency-Key, as the
# server kept it: its status and entry (or code), one a line
enrolments() {
	q "select status || ' ' || coalesce(json_extract(body, '\$.entry'), json_extract(body, '\$.code'))
	    from requests where actor = 'kiosk-1' and length(key) = 22
	    and (json_extract(body, '\$.kind') = 'draw_entry' or json_extract(body, '\$.code') = 'conflict')
	    order by rowid"
}

# ---- 1. A, in Arabic: explained, priority, document number, enrolled --------------
touch_run enrol "file:$tmp/enrol.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:ar
wait procedure
expect-text القرعة
tap @service:A
wait draw
expect-text 13:45
expect-text الحضور مبكرًا لا يعطي أي أفضلية
tap @enrol
wait priority
tap @yes
wait holder
type AB123456
key Return
wait enrolled:printed 20000
expect-text لقد تم تسجيلك
expect-text القرعة في الساعة 13:45
tap @done
wait welcome
EOF
check
got=$(q "select count(*), lang, priority, device, holder_hash is not null, holder_mask
    from draw_entries where draw = $IDA" | tr '\n' ' ')
[ "$got" = "1|ar|1|kiosk-1|1|•••456 " ] ||
	fail_soft "A's entry (count, language, priority, kiosk, bound, mask): '$got'"
ENTRY=$(q "select entry from draw_entries where draw = $IDA")
grep -q "enrolled: draw $IDA entry $ENTRY" "$tmp/enrol.log" ||
	fail_soft "the kiosk's log does not name the entry $ENTRY: $(grep enrol "$tmp/enrol.log")"
got=$(enrolments | tr '\n' ' ')
[ "$got" = "201 $ENTRY " ] || fail_soft "the enrolment under a key, kept once with its 201: '$got'"
check
"$DEC" --width 576 "$tmp/enrol.bin" "$tmp/enrol.png" >"$tmp/enrol.dec" 2>&1 ||
	fail_soft "escpos2png could not decode the enrolment slip: $(cat "$tmp/enrol.dec")"
[ -z "${KEEP_SLIP:-}" ] || cp "$tmp/enrol.png" "$KEEP_SLIP"
QR=$(zbarimg -q --raw "$tmp/enrol.png" 2>/dev/null)
TOKEN_A=$(q "select json_extract(body, '\$.token') from requests where json_extract(body, '\$.entry') = '$ENTRY'")
case $QR in
"D1*IT-TOUCH-DRAW*$IDA*$ENTRY*"*) ;;
*) fail_soft "the slip's QR is not A's entry's D1 token: '$QR'" ;;
esac
[ "$QR" = "$TOKEN_A" ] || fail_soft "the slip's QR is not the server's signed token: '$QR' vs '$TOKEN_A'"

# ---- 2. the same holder again, in French: the same entry, the same slip ----------
touch_run again "file:$tmp/again.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:A
wait draw
expect-text Revenez après 13:45 et scannez ce bon à la borne.
tap @enrol
wait priority
tap @no
wait holder
type ab123456
key Return
wait enrolled:printed 20000
expect-text Vous êtes déjà inscrit(e). Voici à nouveau votre bon.
tap @done
wait welcome
EOF
check
n=$(q "select count(*) from draw_entries where draw = $IDA")
[ "$n" = 1 ] || fail_soft "the same holder made $n entries in A's draw"
got=$(enrolments | tr '\n' ' ')
[ "$got" = "201 $ENTRY 200 $ENTRY " ] || fail_soft "the second enrolment is not the first's entry again: '$got'"
"$DEC" --width 576 "$tmp/again.bin" "$tmp/again.png" >/dev/null 2>&1
QR2=$(zbarimg -q --raw "$tmp/again.png" 2>/dev/null)
case $QR2 in
"D1*IT-TOUCH-DRAW*$IDA*$ENTRY*"*) ;;
*) fail_soft "the slip printed again is not the same entry's: '$QR2'" ;;
esac

# ---- 3. B: no document number, enrolled after the priority question -------------
touch_run plain "file:$tmp/plain.bin" <<'EOF'
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:B
wait draw
expect-text Tirage au sort
expect-text à la clôture des inscriptions
tap @enrol
wait priority
tap @no
wait enrolled:printed 20000
expect-text Tirage au sort à la clôture des inscriptions
tap @done
wait welcome
EOF
check
got=$(q "select count(*), lang, priority, holder_hash is null from draw_entries where draw = $IDB" | tr '\n' ' ')
[ "$got" = "1|fr|0|1 " ] || fail_soft "B's entry (count, language, priority, unbound): '$got'"

# ---- 4. C: the draw closes while the visitor enrols: a ticket instead -------------
# The app polls once a minute here, so that its menu still shows the draw
# when the enrolment is sent; "log close 1" is done by this shell, which
# then says so with a file the script waits for.
cat >"$tmp/closing.script" <<EOF
wait welcome
tap @start
wait language
tap @lang:fr
wait procedure
tap @service:C
wait draw
tap @enrol
wait priority
log close 1
wait-file $tmp/closed 20000
tap @no
wait confirm 20000
expect-text Les inscriptions au tirage au sort sont closes. Vous pouvez prendre un ticket.
tap @confirm
wait ticket:printed 20000
expect-text C001
tap @done
wait welcome
EOF
check
"$K" touch --server "$URL" --device-key "$DK" --printer "file:$tmp/closing.bin" --size 1080x1920 \
	--poll 60 --no-audio --script "$tmp/closing.script" >"$tmp/closing.log" 2>&1 &
app=$!
kit_track "$app"
dl=$(( $(now_ms) + 60000 ))
until grep -q '^script: close 1' "$tmp/closing.log" 2>/dev/null || [ "$(now_ms)" -gt "$dl" ]; do
	sleep 0.05
done
st=$(curl -s -o "$tmp/close.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $MT" \
    "$URL/api/v1/draws/$IDC/close")
[ "$st" = 200 ] || fail_soft "closing C's draw: $st $(cat "$tmp/close.json")"
: >"$tmp/closed"
wait $app || { fail_soft "closing: kiosk touch exited $?"; sed 's/^/    /' "$tmp/closing.log" | tail -25; }
kit_untrack "$app"
grep -q 'the draw closed before the enrolment' "$tmp/closing.log" ||
	fail_soft "the kiosk did not meet the closed draw's 409: $(grep -i draw "$tmp/closing.log")"
got=$(enrolments | tail -n 1)
[ "$got" = "409 conflict" ] || fail_soft "the enrolment in the closed draw: '$got'"
n=$(q "select count(*) from draw_entries where draw = $IDC")
[ "$n" = 0 ] || fail_soft "$n entries in C's closed draw"
n=$(q "select count(*) from tickets where number = 'C001'")
[ "$n" = 1 ] || fail_soft "no ticket C001 after the draw closed"

# ---- 5. after A's close, the slip's entry redeems --------------------------------
check
st=$(curl -s -o "$tmp/closeA.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $MT" \
    "$URL/api/v1/draws/$IDA/close")
[ "$st" = 200 ] || fail_soft "closing A's draw: $st $(cat "$tmp/closeA.json")"
E=$(echo "$QR" | cut -d'*' -f4)
st=$(curl -s -o "$tmp/redeem.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $DK" \
    "$URL/api/v1/draws/$IDA/entries/$E/redeem")
[ "$st" = 201 ] && grep -q '"draw_outcome":"ticket"' "$tmp/redeem.json" ||
	fail_soft "the printed entry does not redeem: $st $(cat "$tmp/redeem.json")"

echo "it_touch_enrol: $checks checks, $fails failed"
[ "$fails" -eq 0 ]

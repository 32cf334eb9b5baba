#!/bin/sh
# it_draw: the draw at opening (issue #13, docs/DRAW.md) through a real
# `kiosk serve`, with curl, python3 and `kiosk verify-draw`:
#   1. open: nobody 401, a kiosk 403, an agent 403, bad input 400, a
#      manager 201 with a 64-hex commitment; a second open draw of the same
#      service 409; GET (public, no token) shows the commitment, no secret.
#   2. 200 entries from a kiosk (201, distinct 20-hex ids, signed tokens,
#      5 of them priority entries, the service's reserve 3);
#      staff may not enrol (403); in a draw of a service that binds holders,
#      the same holder again gets the same entry back ("duplicate":true);
#      a redeem before the close 409.
#   3. close: an agent 403, the manager 200; again 409; an enrolment after
#      it 409.
#   4. the published JSON, checked independently here with python3's hashlib
#      and hmac only (commitment, entries_hash, seed, order), and the
#      tickets A001.. in draw order for the winners (the reserve to
#      priority entries first, then the first of the order); the board
#      lists them by entry.
#   5. kiosk verify-draw: the file OK (exit 0), the URL OK, a tampered
#      order, a tampered secret and a tampered outcome each DIFFERS (exit
#      1) with where.
#   6. redeem: a winner's ticket (201, its number), again (200,
#      duplicate), a loser's attestation (201), an unknown entry 404, staff
#      403. The audit: opening, each enrolment, close, result; the chain
#      verifies.
# Binds 127.0.0.1 only; every wait has a deadline.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3 python3
kit_tmp it_draw
t0=$(date +%s)

{ site_open it-draw "$(noon_zone)"; cat <<EOF2
[service A]
name = Premier titre
capacity = 500
priority_reserve = 3
[service B]
name = Renouvellement
capacity = 50
bind_holder = yes
[service C]
name = Naturalisation
capacity = 7
draw = 00:00-23:59
[counter 1]
services = A B C
[alerts]
burst_per_minute = 0
EOF2
} >"$tmp/site.ini"
DB=$tmp/q.db
site_init "$DB" "$tmp/site.ini"
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
user_add "$DB" paul manager 'secret-paul-1'
MT=$TOKEN
serve_start draw "$DB"
URL=$SERVER_URL
JSON='Content-Type: application/json'
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("print(" + sys.argv[2] + ")")' "$tmp/out.json" "$1"; }

# req METHOD PATH TOKEN [BODY]: prints the status; the body in $tmp/out.json.
req() {
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

# ---- 1. open ----------------------------------------------------------------------------------
OPEN='{"service":"A","places":15}'
expect "open, nobody" "$(req POST /api/v1/draws '' "$OPEN")" 401
expect "open, a kiosk" "$(req POST /api/v1/draws "$DK" "$OPEN")" 403
expect "open, an agent" "$(req POST /api/v1/draws "$AT" "$OPEN")" 403
expect "open, no places" "$(req POST /api/v1/draws "$MT" '{"service":"A"}')" 400 places
expect "open, no service" "$(req POST /api/v1/draws "$MT" '{"places":3}')" 400 service
expect "open, an unknown service" "$(req POST /api/v1/draws "$MT" '{"service":"Z","places":3}')" 404
expect "open, places 0" "$(req POST /api/v1/draws "$MT" '{"service":"A","places":0}')" 400
expect "open" "$(req POST /api/v1/draws "$MT" "$OPEN")" 201 '"status":"open"'
ID=$(jget 'd["id"]')
COMMIT=$(jget 'd["commitment"]')
echo "$COMMIT" | grep -Eq '^[0-9a-f]{64}$' || fail_soft "commitment: $COMMIT"
expect "a second open draw of A" "$(req POST /api/v1/draws "$MT" '{"service":"A","places":2}')" 409 conflict
expect "a kiosk's ticket while the draw is open" "$(req POST /api/v1/tickets "$DK" '{"service":"A"}')" 409 '"code":"draw_open"'
expect "it names the draw" "$(jget 'd["draw"]')" "$ID"
expect "GET while open, no token" "$(req GET /api/v1/draws/$ID '')" 200 "\"commitment\":\"$COMMIT\""
grep -q secret "$tmp/out.json" && fail_soft "the secret is shown while open: $(cat "$tmp/out.json")"
expect "the board shows the commitment" "$(req GET /api/v1/board '')" 200 "\"commitment\":\"$COMMIT\""
expect "the day's draws" "$(req GET /api/v1/draws '')" 200 "\"commitment\":\"$COMMIT\""
expect "the day's draws, A's link" "$(jget '[(x["url"], x["status"]) for x in d["draws"] if x["service"] == "A"]')" "[('/api/v1/draws/$ID', 'open')]"
# The site file's window (draw = 00:00-23:59 for C): the server opened C's
# draw by itself, for C's capacity, at its start.
expect "the site file's draw" "$(jget '[(x["status"], x["places"]) for x in d["draws"] if x["service"] == "C"]')" "[('open', 7)]"
n=$(sqlite3 "$DB" "select count(*) from audit where action = 'draw_open' and actor = 'site-file'")
[ "$n" = 1 ] || fail_soft "the site file's draw_open audited $n times"
expect "another day's draws" "$(req GET '/api/v1/draws?day=2001-01-01' '')" 200 '"draws":\[\]'
expect "a bad day" "$(req GET '/api/v1/draws?day=yesterday' '')" 400
expect "GET, no such draw" "$(req GET /api/v1/draws/9999 '')" 404
expect "PUT" "$(req PUT /api/v1/draws/$ID "$MT")" 405
# The kiosk's menu names each open draw: A's a manager's (no set end), C's
# the site file's (its window's end); B has none (null).
expect "services" "$(req GET /api/v1/services '')" 200
cp "$tmp/out.json" "$tmp/services.json"
expect "services: A's draw" "$(jget '[x["draw"] for x in d["services"] if x["code"] == "A"]')" "[{'id': $ID, 'closes': None, 'commitment': '$COMMIT'}]"
expect "services: C's draw closes at 23:59" "$(jget '[(x["draw"]["closes"], len(x["draw"]["commitment"])) for x in d["services"] if x["code"] == "C"]')" "[('23:59', 64)]"
expect "services: B has no draw" "$(jget '[x["draw"] for x in d["services"] if x["code"] == "B"]')" "[None]"
expect "board" "$(req GET /api/v1/board '')" 200
expect "the board's services carry no draw" "$(jget '[x["code"] for x in d["services"] if "draw" in x]')" "[]"

# ---- 2. enrol ------------------------------------------------------------------------------------
expect "enrol, staff" "$(req POST /api/v1/draws/$ID/entries "$MT" '{"lang":"fr"}')" 403
expect "enrol, nobody" "$(req POST /api/v1/draws/$ID/entries '' '{"lang":"fr"}')" 401
expect "enrol, bad lang" "$(req POST /api/v1/draws/$ID/entries "$DK" '{"lang":"f!"}')" 400
: >"$tmp/entries.txt"
i=0
while [ $i -lt 200 ]; do
	if [ $((i % 40)) = 7 ]; then P=true; else P=false; fi   # 5 priority entries
	st=$(req POST /api/v1/draws/$ID/entries "$DK" "{\"lang\":\"ar\",\"priority\":$P}")
	[ "$st" = 201 ] || { fail_soft "enrolment $i: $st $(cat "$tmp/out.json")"; break; }
	jget 'd["entry"], d["token"].startswith("D1*IT-DRAW*"), d["duplicate"]' >>"$tmp/entries.txt"
	i=$((i + 1))
done
n=$(cut -d' ' -f1 "$tmp/entries.txt" | grep -E '^[0-9A-F]{20}$' | sort -u | wc -l)
[ "$n" = 200 ] || fail_soft "200 distinct entry ids expected, got $n"
n=$(grep -c ' True False$' "$tmp/entries.txt")
[ "$n" = 200 ] || fail_soft "200 signed tokens, not duplicates, expected: $n"
E1=$(head -n 1 "$tmp/entries.txt" | cut -d' ' -f1)
expect "redeem before the close" "$(req POST /api/v1/draws/$ID/entries/$E1/redeem "$DK")" 409 conflict

# A second draw, of a service that binds holders: one entry per holder.
expect "open B" "$(req POST /api/v1/draws "$MT" '{"service":"B","places":1}')" 201
IDB=$(jget 'd["id"]')
expect "enrol B, no holder" "$(req POST /api/v1/draws/$IDB/entries "$DK" '{"lang":"fr"}')" 400 holder_required
expect "enrol B" "$(req POST /api/v1/draws/$IDB/entries "$DK" '{"lang":"fr","holder":"AB123456"}')" 201 '"duplicate":false'
# what the kiosk prints besides the entry: the service, its names, the
# draw's end (a manager's: null) and its commitment
expect "enrol B: the slip's fields" "$(jget 'd["service"], d["service_name"]["fr"], d["closes"], len(d["commitment"])')" "B Renouvellement None 64"
EB=$(jget 'd["entry"]')
# the same through an Idempotency-Key (the answer kept in the transaction):
# C's draw, the site file's, closes at its window's end
IDC=$(sqlite3 "$DB" "select id from draws where service = 'C'")
st=$(curl -s -o "$tmp/out.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $DK" \
    -H "$JSON" -H 'Idempotency-Key: it-draw-enrol-c-0001' --data-binary '{"lang":"ar"}' \
    "$URL/api/v1/draws/$IDC/entries")
expect "enrol C with a key" "$st" 201
expect "enrol C: the slip's fields" "$(jget 'd["service"], d["service_name"]["fr"], d["closes"], d["commitment"] == [x for x in json.load(open(sys.argv[1].replace("out.json", "services.json")))["services"] if x["code"] == "C"][0]["draw"]["commitment"]')" "C Naturalisation 23:59 True"
expect "enrol B, the same holder again" "$(req POST /api/v1/draws/$IDB/entries "$DK" '{"lang":"ar","holder":"ab 123456"}')" 200 '"duplicate":true'
[ "$(jget 'd["entry"]')" = "$EB" ] || fail_soft "the same holder got another entry: $(cat "$tmp/out.json")"

# ---- 3. close -------------------------------------------------------------------------------------
expect "close, an agent" "$(req POST /api/v1/draws/$ID/close "$AT")" 403
expect "close, a kiosk" "$(req POST /api/v1/draws/$ID/close "$DK")" 403
expect "close" "$(req POST /api/v1/draws/$ID/close "$MT")" 200 '"status":"closed"'
expect "close again" "$(req POST /api/v1/draws/$ID/close "$MT")" 409
expect "enrol after the close" "$(req POST /api/v1/draws/$ID/entries "$DK" '{"lang":"fr"}')" 409

# ---- 4. the published draw, checked apart ---------------------------------------------------------
expect "GET closed" "$(req GET /api/v1/draws/$ID '')" 200 '"status":"closed"'
cp "$tmp/out.json" "$tmp/draw.json"
python3 - "$tmp/draw.json" "$COMMIT" "$tmp/entries.txt" >"$tmp/py.out" 2>&1 <<'PY' || fail_soft "independent check: $(cat "$tmp/py.out")"
import hashlib, hmac, json, sys
d = json.load(open(sys.argv[1]))
secret = bytes.fromhex(d["secret"])
assert len(secret) == 32, "secret length"
assert hashlib.sha256(secret).hexdigest() == sys.argv[2] == d["commitment"], "commitment"
mine = sorted(l.split()[0] for l in open(sys.argv[3]))
assert sorted(d["entries"]) == mine, "entries are not the ones enrolled"
eh = hashlib.sha256("\n".join(sorted(d["entries"])).encode()).digest()
assert eh.hex() == d["entries_hash"], "entries_hash"
seed = hashlib.sha256(secret + eh).digest()
assert seed.hex() == d["seed"], "seed"
mac = lambda i: hmac.new(seed, i.encode(), hashlib.sha256).digest()
order = sorted(d["entries"], key=mac)
assert order == d["order"], "order"
assert d["places"] == 15 and d["reserve"] == 3, "places, reserve"
res = d["results"]
assert sum(r["priority"] for r in res) == 5, "5 priority entries"
# docs/DRAW.md step 4: priority entries take the reserve first, in order;
# then the first of the order the rest of the places.
won, left = set(), 3
for r in res:
    if r["priority"] and left > 0:
        won.add(r["entry"]); left -= 1
for r in res:
    if r["entry"] not in won and len(won) < 15:
        won.add(r["entry"])
num = 0
for k, r in enumerate(res):
    assert r["entry"] == order[k] and r["rank"] == k + 1, "results order"
    if r["entry"] in won:
        num += 1
        assert r["outcome"] == "ticket" and r["ticket"] == "A%03d" % num, r
    else:
        assert r["outcome"] == "attestation" and r["ticket"] is None, r
assert num == 15
print("ok")
PY
expect "the board shows the results" "$(req GET /api/v1/board '')" 200 '"tickets":\[{"entry":"'
python3 - "$tmp/out.json" "$tmp/draw.json" >"$tmp/board.out" 2>&1 <<'PY' || fail_soft "the board's results: $(cat "$tmp/board.out")"
import json, sys
b = [x for x in json.load(open(sys.argv[1]))["draws"] if x["status"] == "closed"][0]
d = json.load(open(sys.argv[2]))
want = [{"entry": r["entry"], "ticket": r["ticket"]} for r in d["results"] if r["ticket"]]
assert b["tickets"] == want, (b["tickets"][:3], want[:3])
assert b["commitment"] == d["commitment"] and "secret" not in b
PY
cp "$tmp/draw.json" "$tmp/out.json"
WIN=$(jget '[r["entry"] for r in d["results"] if r["ticket"] == "A001"][0]')
LOSE=$(jget '[r["entry"] for r in d["results"] if r["outcome"] == "attestation"][-1]')
LOSERANK=$(jget '[r["rank"] for r in d["results"] if r["outcome"] == "attestation"][-1]')
WINRANK=$(jget '[r["rank"] for r in d["results"] if r["ticket"] == "A001"][0]')

# ---- 5. kiosk verify-draw -------------------------------------------------------------------------
out=$("$K" verify-draw "$tmp/draw.json") || fail_soft "verify-draw of the file: $out"
[ "$out" = OK ] || fail_soft "verify-draw of the file says: $out"
out=$("$K" verify-draw "$URL/api/v1/draws/$ID") || fail_soft "verify-draw of the URL: $out"
[ "$out" = OK ] || fail_soft "verify-draw of the URL says: $out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); o=d["order"]; o[3],o[4]=o[4],o[3]; json.dump(d,open(sys.argv[2],"w"))' \
    "$tmp/draw.json" "$tmp/order.json"
out=$("$K" verify-draw "$tmp/order.json"); rc=$?
[ "$rc" = 1 ] || fail_soft "a tampered order: exit $rc ($out)"
echo "$out" | grep -q 'order differs at position 4' || fail_soft "a tampered order: $out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["secret"]; d["secret"]=("0" if s[0]!="0" else "1")+s[1:]; json.dump(d,open(sys.argv[2],"w"))' \
    "$tmp/draw.json" "$tmp/secret.json"
out=$("$K" verify-draw "$tmp/secret.json"); rc=$?
[ "$rc" = 1 ] || fail_soft "a tampered secret: exit $rc ($out)"
echo "$out" | grep -q 'commitment differs' || fail_soft "a tampered secret: $out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=[x for x in d["results"] if x["outcome"]=="attestation"][0]; r["outcome"]="ticket"; json.dump(d,open(sys.argv[2],"w"))' \
    "$tmp/draw.json" "$tmp/outcome.json"
out=$("$K" verify-draw "$tmp/outcome.json"); rc=$?
[ "$rc" = 1 ] || fail_soft "a tampered outcome: exit $rc ($out)"
echo "$out" | grep -q 'outcome differs' || fail_soft "a tampered outcome: $out"
out=$("$K" verify-draw "$tmp/nope.json" 2>/dev/null); rc=$?
[ "$rc" = 2 ] || fail_soft "a missing file: exit $rc"

# ---- 6. redeem ------------------------------------------------------------------------------------
expect "redeem the winner" "$(req POST /api/v1/draws/$ID/entries/$WIN/redeem "$DK")" 201 '"number":"A001"'
expect "the winner's token" "$(jget 'd["token"].startswith("K1*T*IT-DRAW*"), d["draw_outcome"], d["rank"]')" "True ticket $WINRANK"
expect "redeem the winner again" "$(req POST /api/v1/draws/$ID/entries/$WIN/redeem "$DK")" 200 '"duplicate":true'
expect "redeem a loser" "$(req POST /api/v1/draws/$ID/entries/$LOSE/redeem "$DK")" 201 '"kind":"attestation"'
expect "the loser's attestation" "$(jget 'd["outcome"], d["draw_outcome"], d["rank"], d["token"].startswith("K1*A*IT-DRAW*")')" "draw attestation $LOSERANK True"
python3 -c '
import json, sys
def nodup(pairs):
    keys = [k for k, v in pairs]
    assert len(keys) == len(set(keys)), "a key twice: %s" % keys
    return dict(pairs)
json.load(open(sys.argv[1]), object_pairs_hook=nodup)' "$tmp/out.json" 2>"$tmp/dup.err" ||
    fail_soft "the attestation answer: $(tail -n 1 "$tmp/dup.err")"
expect "redeem an unknown entry" "$(req POST /api/v1/draws/$ID/entries/0123456789ABCDEF0123/redeem "$DK")" 404
expect "redeem, staff" "$(req POST /api/v1/draws/$ID/entries/$WIN/redeem "$MT")" 403

# ---- the audit -------------------------------------------------------------------------------------
a() { sqlite3 "$DB" "select count(*) from audit where action = '$1'"; }
[ "$(a draw_open)" = 3 ] || fail_soft "draw_open audited $(a draw_open) times, expected 3"
[ "$(a draw_enrol)" = 202 ] || fail_soft "draw_enrol audited $(a draw_enrol) times, expected 202 (200 in A, 1 in B, 1 in C)"
[ "$(a draw_close)" = 1 ] || fail_soft "draw_close audited $(a draw_close) times"
[ "$(a draw_result)" = 1 ] || fail_soft "draw_result audited $(a draw_result) times"
n=$(sqlite3 "$DB" "select count(*) from audit where detail like '%123456%'")
[ "$n" = 0 ] || fail_soft "a document number in the audit"
"$K" admin --db "$DB" audit verify >"$tmp/verify.out" 2>&1 || fail_soft "audit verify: $(cat "$tmp/verify.out")"

echo "it_draw: $fails failed, $(($(date +%s) - t0)) s"
[ "$fails" -eq 0 ]

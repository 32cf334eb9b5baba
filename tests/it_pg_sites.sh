#!/bin/sh
# it_pg_sites: two sites in one PostgreSQL database (issue #11), each in a
# schema of its own (the connection string's search_path): each has its own
# tables, numbers, signing key and writers' turn, and a board of one site
# hears its own calls only. A search_path naming no schema is refused with
# a clear reason. Raincy's servers connect as an ordinary role that owns
# its schema (no superuser), as a department's IT would set it up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_tool python3 curl
kit_tmp it_pg_sites
pg_start kiosk
pg_psql -c "CREATE ROLE raincy LOGIN" -c "CREATE SCHEMA bobigny" \
	-c "CREATE SCHEMA raincy AUTHORIZATION raincy" >/dev/null
url() {
	u=postgres
	[ "$1" != raincy ] || u=raincy
	echo "host=$PG_DIR dbname=kiosk user=$u options='-c search_path=$1'"
}

"$K" admin --db "$(url nowhere)" --key "$tmp/x.key" init --site assets/demo/site.ini >"$tmp/none.txt" 2>&1 &&
	fail_soft "a search_path naming no schema was accepted"
grep -q 'create the site.s schema first' "$tmp/none.txt" || fail_soft "no reason given: $(cat "$tmp/none.txt")"

for s in bobigny raincy; do
	sed -e "s/^id = .*/id = $s/" -e "s/^name = Préfecture.*/name = Site $s/" \
		-e 's/^capacity = .*/capacity = 999/' -e '/^bind_holder/d' assets/demo/site.ini >"$tmp/$s.ini"
	kit_admin init --db "$(url $s)" --key "$tmp/$s.key" init --site "$tmp/$s.ini" >/dev/null
	kit_admin keygen --db "$(url $s)" --key "$tmp/$s.key" keygen >/dev/null
	k=$(kit_admin "device add" --db "$(url $s)" --key "$tmp/$s.key" device add kiosk-1)
	eval "DK_$s=\$k"
	echo 'secret-marie-1' | kit_admin "user add" --db "$(url $s)" --key "$tmp/$s.key" user add marie --role agent >/dev/null
	t=$(kit_admin "user token" --db "$(url $s)" --key "$tmp/$s.key" user token marie)
	eval "AT_$s=\$t"
	serve_start "$s" "$(url $s)" --key "$tmp/$s.key" --always-open
	eval "URL_$s=\$SERVER_URL PID_$s=\$SERVER_PID"
done

python3 - "$URL_bobigny" "$URL_raincy" "$DK_bobigny" "$DK_raincy" "$AT_bobigny" "$AT_raincy" \
	>"$tmp/py.txt" 2>&1 <<'PY' || fail_soft "$(tail -n 5 "$tmp/py.txt")"
import json, socket, sys, threading, time, urllib.request, uuid
ua, ub, da, db, ta, tb = sys.argv[1:7]
def post(url, token, body):
    r = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                 "Idempotency-Key": uuid.uuid4().hex})
    with urllib.request.urlopen(r, timeout=10) as f:
        return json.load(f)
heard = []
def listen(u):
    host, port = u.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
    buf, kind = b"", None
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode(errors="replace").strip()
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "call":
                heard.append(json.loads(line[6:])["number"])
threading.Thread(target=listen, args=(ub,), daemon=True).start()
time.sleep(0.3)
a = [post(ua + "/api/v1/tickets", da, {"service": "A"})["number"] for i in range(3)]
b = [post(ub + "/api/v1/tickets", db, {"service": "A"})["number"] for i in range(2)]
assert a == ["A001", "A002", "A003"], a
assert b == ["A001", "A002"], b
post(ua + "/api/v1/counters/1/call-next", ta, {})
post(ua + "/api/v1/counters/1/call-next", ta, {"current": "A001"})
n = post(ub + "/api/v1/counters/1/call-next", tb, {})["ticket"]["number"]
deadline = time.monotonic() + 2
while time.monotonic() < deadline and n not in heard:
    time.sleep(0.01)
time.sleep(0.2)
assert heard == [n], ("raincy's board heard", heard)
print("two sites in one database: their own numbers; raincy's board heard only its call", heard)
PY
cat "$tmp/py.txt"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM bobigny.tickets")" = 3 ] || fail_soft "bobigny's tickets"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM raincy.tickets")" = 2 ] || fail_soft "raincy's tickets"
[ "$(pg_psql -tAc "SELECT site_id FROM raincy.site")" = raincy ] || fail_soft "raincy's site row"
serve_stop "$PID_bobigny" || fail_soft "bobigny's server did not stop cleanly"
serve_stop "$PID_raincy" || fail_soft "raincy's server did not stop cleanly"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "it_pg_sites: ok"

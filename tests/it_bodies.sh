#!/bin/sh
# it_bodies: request bodies the server must not read (issue 14, item 2),
# and HEAD (a minor of the same issue), over real HTTP on 127.0.0.1.
#
#  1. A POST that declares Content-Length: 100000000000 and sends nothing:
#     413 with {"error": ..., "code": "too_large"} within 2 s, before any of
#     the body (the server used to wait for all of it).
#  2. A chunked POST whose chunks never end: cut (413 or closed) within 5 s
#     and 16 MiB, socket buffers included (it used to be read forever).
#  3. A page that takes no body (/board) declaring one: 413 at once.
#  4. After both, the server still answers, and nothing was written.
#  5. HEAD on an API route and on a page: GET's status and headers, no body
#     (it used to be 405 on the API).
# Every wait is bounded (hostile's --timeout, curl's --max-time).
set -eu
. "$(dirname "$0")/lib.sh"
H=$BUILD/tools/hostile
need_build "$K" "$H"
need_tool curl sqlite3 python3
kit_tmp it_bodies

cat >"$tmp/site.ini" <<'EOF'
[site]
id = it-bodies
name = Test site
timezone = Europe/Paris
[service A]
name = Service A
capacity = 50
[counter 1]
services = A
EOF
db=$tmp/q.db
site_init "$db" "$tmp/site.ini"
device_add "$db" kiosk-1
DK=$KEY
serve_start main "$db" --always-open
U=$SERVER_URL port=$SERVER_PORT
rows() { sqlite3 -readonly "$db" "SELECT (SELECT COUNT(*) FROM tickets) || '/' || (SELECT COUNT(*) FROM events)"; }
before=$(rows)

# field NAME LINE: the value of NAME=... in hostile's output line.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# -- 1. a giant declared length ----------------------------------------------------
out=$("$H" --port "$port" --declare 100000000000 --auth "$DK" --timeout 10)
echo "giant declared body: $out"
[ "$(field status "$out")" = 413 ] || fail_soft "giant declared body: not 413 ($out)"
[ "$(field ms "$out")" -le 2000 ] || fail_soft "giant declared body: answered after more than 2 s ($out)"
# The same through curl, to read the JSON reason (it sends nothing either:
# the length is declared, the body never comes).
code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 -X POST \
	-H "Authorization: Bearer $DK" -H 'Content-Type: application/json' \
	-H 'Content-Length: 100000000000' "$U/api/v1/tickets" || true)
[ "$code" = 413 ] || fail_soft "giant declared body (curl): status $code"
grep -Eq '^\{"error":"[^"]{8,}","code":"too_large"\}$' "$tmp/body" ||
	fail_soft "giant declared body: the reason is not {\"error\":...,\"code\":\"too_large\"}: $(head -c 200 "$tmp/body")"

# -- 2. an endless chunked body ----------------------------------------------------
out=$("$H" --port "$port" --chunked --auth "$DK" --timeout 10 --max-bytes 67108864)
echo "endless chunked body: $out"
case $(field end "$out") in
answer) [ "$(field status "$out")" = 413 ] || fail_soft "chunked body: answered $(field status "$out"), expected 413" ;;
closed) ;;
*) fail_soft "chunked body: still read after $(field sent "$out") bytes ($out)" ;;
esac
[ "$(field sent "$out")" -le 16777216 ] || fail_soft "chunked body: took more than 16 MiB ($out)"
[ "$(field ms "$out")" -le 5000 ] || fail_soft "chunked body: took more than 5 s ($out)"

# -- 3. a body on a page that takes none ---------------------------------------------
out=$("$H" --port "$port" --declare 10 --path /board --timeout 10)
[ "$(field status "$out")" = 405 ] || fail_soft "POST on a page: $out, expected 405 before the body"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 -H 'Content-Length: 5000000' "$U/board" || true)
[ "$code" = 413 ] || fail_soft "GET /board declaring a body: status $code, expected 413"

# -- 4. still serving, nothing written -----------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/api/v1/health")
[ "$code" = 200 ] || fail_soft "after the bodies: health gave $code"
[ "$(rows)" = "$before" ] || fail_soft "something was written ($before -> $(rows) tickets/events)"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $DK" -H "Content-Type: application/json" \
	-d '{"service":"A"}' "$U/api/v1/tickets")
[ "$code" = 201 ] || fail_soft "after the bodies: a good ticket got $code ($(head -c 200 "$tmp/body"))"

# -- 5. HEAD ----------------------------------------------------------------------------
for p in /api/v1/health /api/v1/services /board; do
	curl -s -I --max-time 5 -o "$tmp/head" "$U$p" || true
	st=$(sed -n '1s/^HTTP\/1\.1 \([0-9]*\).*/\1/p' "$tmp/head")
	[ "$st" = 200 ] || fail_soft "HEAD $p: $(head -n 1 "$tmp/head"), expected 200"
	get_len=$(curl -s --max-time 5 "$U$p" | wc -c)
	head_len=$(tr -d '\r' <"$tmp/head" | sed -n 's/^[Cc]ontent-[Ll]ength: //p')
	# /api/v1/health's body holds the time: its length may move by a digit.
	[ -n "$head_len" ] && [ $((head_len - get_len)) -le 2 ] && [ $((get_len - head_len)) -le 2 ] ||
		fail_soft "HEAD $p: Content-Length '$head_len', GET sends $get_len bytes"
done
# No body after the headers: a raw HEAD with "Connection: close", read to
# the server's close, has nothing after the blank line.
n=$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"HEAD /api/v1/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
head, sep, rest = data.partition(b"\r\n\r\n")
print(len(rest) if sep and head.startswith(b"HTTP/1.1 200") else "no-answer")
PY
)
[ "$n" = 0 ] || fail_soft "raw HEAD /api/v1/services: $n bytes after the headers, expected 0"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -I -H "Authorization: Bearer $DK" "$U/api/v1/tickets")
[ "$code" = 405 ] || fail_soft "HEAD on a POST-only route: $code, expected 405"

serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "ok: giant and endless bodies refused without reading them, HEAD like GET"

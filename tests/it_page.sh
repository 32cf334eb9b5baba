#!/bin/sh
# it_page: the manager's page (GET /manage, issue #16) as the server serves
# it: the page and its files with their types and the server's
# Content-Security-Policy, HEAD like GET, no other method; nothing fetched
# from another site; no inline script, handler or style that the policy
# would block. The page itself is driven in a browser by
# tests/web/manage.test.mjs.
#
# Binds 127.0.0.1 only, works in a temporary directory.
set -eu
. "$(dirname "$0")/lib.sh"
kit_tmp it_page
D=$tmp

eq() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; }
ok() { echo "ok - $*"; }

need_tool curl
need_build "$K"
site_init "$D/q.db" assets/demo/site.ini
serve_start page "$D/q.db"
URL=$SERVER_URL

eq "GET /manage" "$(curl -s -o "$D/manage.html" -w '%{http_code} %{content_type}' "$URL/manage")" "200 text/html; charset=utf-8"
cmp -s "$D/manage.html" assets/web/manage.html || fail "GET /manage is not assets/web/manage.html"
eq "HEAD /manage" "$(curl -s -I -o /dev/null -w '%{http_code}' "$URL/manage")" 200
curl -s -D "$D/headers" -o /dev/null "$URL/manage"
grep -qi "^content-security-policy: default-src 'self'" "$D/headers" || fail "no Content-Security-Policy on /manage: $(cat "$D/headers")"
eq "POST /manage" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/manage")" 405
eq "GET /manage/x" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/manage/x")" 404
for f in manage.js manage.css; do
	eq "GET /static/$f" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/static/$f")" 200
done
ok "GET /manage and its files"

# Nothing fetched from elsewhere; nothing inline for the policy to block.
if grep -nE "(https?:)?//[a-z0-9.-]+\.[a-z]{2,}" assets/web/manage.html assets/web/manage.js assets/web/manage.css; then
	fail "the manager's page refers to another site"
fi
if grep -nE "<script>|<script [^>]*>[^<]|[[:space:]]on[a-z]+=|javascript:" assets/web/manage.html; then
	fail "inline script in manage.html (the Content-Security-Policy blocks it)"
fi
ok "self-contained, nothing inline"

serve_stop "$SERVER_PID" || fail "the server did not stop cleanly"
echo "it_page: all passed"

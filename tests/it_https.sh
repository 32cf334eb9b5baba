#!/bin/sh
# HTTPS: the server serves the API over TLS from the certificate and key
# named in the site file, and refuses a missing certificate with a message.
set -eu
BUILD=${BUILD:-build}
K=$BUILD/kiosk
D=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout $D/key.pem -out $D/cert.pem 2>/dev/null
sed "s#^\[service A\]#tls_cert = $D/cert.pem\ntls_key = $D/key.pem\n\n[service A]#" \
	assets/demo/site.ini > $D/site.ini
$K admin --db $D/q.db init --site $D/site.ini >/dev/null
$K admin --db $D/q.db keygen >/dev/null

$K serve --db $D/q.db --listen 127.0.0.1:0 > $D/out 2> $D/err &
pid=$!
i=0
until grep -q '^listening' $D/out; do
	i=$((i + 1)); [ $i -lt 100 ] && kill -0 $pid || fail "server did not start: $(cat $D/err)"
	sleep 0.05
done
url=$(sed -n 's/^listening on //p' $D/out)
case $url in https://*) ;; *) fail "expected an https URL, got $url" ;; esac
curl -sf --cacert $D/cert.pem "$url/api/v1/health" | grep -q '"status":"ok"' || fail "no health over TLS"
# Plain HTTP to the TLS port gets no answer.
if curl -sf "http://${url#https://}/api/v1/health" >/dev/null 2>&1; then fail "plain HTTP answered"; fi
kill $pid; wait $pid 2>/dev/null || true; pid=""

# A missing key file is a clear start-up error.
sed -i "s#^tls_key = .*#tls_key = $D/missing.pem#" $D/site.ini
$K admin --db $D/q.db init --site $D/site.ini >/dev/null
if $K serve --db $D/q.db --listen 127.0.0.1:0 > $D/out 2> $D/err; then fail "started without its key"; fi
grep -q "missing.pem" $D/err || fail "the error does not name the file: $(cat $D/err)"
echo "https: ok"

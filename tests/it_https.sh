#!/bin/sh
# HTTPS: the server serves the API over TLS from the certificate and key
# named in the site file, and refuses a missing certificate with a message.
set -eu
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool openssl curl
kit_tmp it_https
D=$tmp

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout $D/key.pem -out $D/cert.pem 2>/dev/null
sed "s#^\[service A\]#tls_cert = $D/cert.pem\ntls_key = $D/key.pem\n\n[service A]#" \
	assets/demo/site.ini > $D/site.ini
site_init $D/q.db $D/site.ini

serve_start tls $D/q.db --always-open
url=$SERVER_URL
case $url in https://*) ;; *) fail "expected an https URL, got $url" ;; esac
curl -sf --cacert $D/cert.pem "$url/api/v1/health" | grep -q '"status":"ok"' || fail "no health over TLS"
# Plain HTTP to the TLS port gets no answer.
if curl -sf "http://${url#https://}/api/v1/health" >/dev/null 2>&1; then fail "plain HTTP answered"; fi
# `kiosk ticket --cafile` trusts the self-signed certificate (INSTALL.md's
# printer check); without it the certificate is refused and nothing prints.
device_add $D/q.db kiosk-tls
set +e
$K ticket --server "$url" --device-key "$KEY" --service A --printer file:$D/untrusted.bin >$D/out 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "without --cafile: exit $rc, expected 2 (unreachable): $(cat $D/out)"
[ ! -s $D/untrusted.bin ] || fail "a slip was printed from an untrusted server"
$K ticket --server "$url" --device-key "$KEY" --service A --holder AB123456 --cafile $D/cert.pem \
	--printer file:$D/slip.bin >$D/out 2>&1 || fail "with --cafile: exit $?: $(cat $D/out)"
[ -s $D/slip.bin ] || fail "with --cafile: nothing printed"
if $K ticket --server "$url" --device-key "$KEY" --service A --cafile $D/missing.pem \
	--printer file:$D/none.bin >$D/out 2>&1; then fail "a missing --cafile was taken"; fi
grep -q "missing.pem" $D/out || fail "the error does not name the CA file: $(cat $D/out)"
serve_stop $SERVER_PID || fail "the server did not stop cleanly"

# A missing key file is a clear start-up error.
sed -i "s#^tls_key = .*#tls_key = $D/missing.pem#" $D/site.ini
$K admin --db $D/q.db init --site $D/site.ini >/dev/null
if $K serve --db $D/q.db --listen 127.0.0.1:0 > $D/out 2> $D/err; then fail "started without its key"; fi
grep -q "missing.pem" $D/err || fail "the error does not name the file: $(cat $D/err)"
echo "https: ok"

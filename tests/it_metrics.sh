#!/bin/sh
# it_metrics: who may read /metrics is the site file's choice (issue 14, a
# minor): [site] metrics = off | public | token, with metrics_token. Through
# `kiosk admin init` (the database keeps the choice, and the token's hash
# only) and `kiosk serve`, over real HTTP on 127.0.0.1:
#   - no `metrics` key: off, 404 (it used to be public);
#   - public: 200, Prometheus text;
#   - token: 401 without a token, with a wrong one, with a session-like
#     Basic header; 200 with the right one; the token is not in the database;
#   - a bad choice, or `token` without metrics_token, or a short token:
#     `kiosk admin init` refuses, naming the file, and changes nothing.
set -eu
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3
kit_tmp it_metrics
SECRET=metrics-secret-0123456789abcdef

# site NAME EXTRA-LINES: a site file $tmp/NAME.ini.
site() {
	{
		printf '[site]\nid = it-metrics\nname = Test site\ntimezone = Europe/Paris\n'
		printf '%b' "$2"
		printf '[service A]\nname = Service A\ncapacity = 50\n[counter 1]\nservices = A\n'
	} >"$tmp/$1.ini"
}
# get PATH [curl args]: sets code.
get() {
	p=$1
	shift
	code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 "$@" "$U$p")
}

# -- off by default ---------------------------------------------------------------
site off ''
site_init "$tmp/q.db" "$tmp/off.ini"
serve_start off "$tmp/q.db" --always-open
U=$SERVER_URL
get /metrics
[ "$code" = 404 ] || fail_soft "metrics off (no key): status $code, expected 404"
grep -q '"code":"not_found"' "$tmp/body" || fail_soft "metrics off: $(head -c 200 "$tmp/body")"
get /metrics -I
[ "$code" = 404 ] || fail_soft "HEAD /metrics, off: status $code, expected 404"
serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"

# -- public --------------------------------------------------------------------------
site public 'metrics = public\n'
kit_admin init --db "$tmp/q.db" init --site "$tmp/public.ini" >/dev/null
serve_start public "$tmp/q.db" --always-open
U=$SERVER_URL
get /metrics
[ "$code" = 200 ] || fail_soft "metrics public: status $code, expected 200"
grep -q '^kiosk_site_open{site="it-metrics"} 1$' "$tmp/body" || fail_soft "metrics public: not the metrics: $(head -c 200 "$tmp/body")"
serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"

# -- token ----------------------------------------------------------------------------
site token "metrics = token\nmetrics_token = $SECRET\n"
kit_admin init --db "$tmp/q.db" init --site "$tmp/token.ini" >/dev/null
[ "$(sqlite3 -readonly "$tmp/q.db" 'SELECT metrics FROM site')" = token ] || fail_soft "the choice is not stored"
sqlite3 -readonly "$tmp/q.db" .dump | grep -q "$SECRET" && fail_soft "the metrics token is in the database in clear"
serve_start token "$tmp/q.db" --always-open
U=$SERVER_URL
get /metrics
[ "$code" = 401 ] || fail_soft "metrics token, none sent: status $code, expected 401"
grep -q '"code":"denied"' "$tmp/body" || fail_soft "metrics token, none sent: $(head -c 200 "$tmp/body")"
get /metrics -H "Authorization: Bearer ${SECRET}x"
[ "$code" = 401 ] || fail_soft "metrics token, wrong one: status $code, expected 401"
get /metrics -H "Authorization: Basic $(printf 'x:%s' "$SECRET" | base64)"
[ "$code" = 401 ] || fail_soft "metrics token, Basic: status $code, expected 401"
get /metrics -H "Authorization: Bearer $SECRET"
[ "$code" = 200 ] || fail_soft "metrics token, right one: status $code, expected 200"
grep -q '^kiosk_site_open{site="it-metrics"} 1$' "$tmp/body" || fail_soft "metrics token: not the metrics: $(head -c 200 "$tmp/body")"
serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"

# -- refused site files: init says why, naming the file, and changes nothing ---------------
bad() {
	name=$1 want=$2
	site "$name" "$3"
	if "$K" admin --db "$tmp/q.db" init --site "$tmp/$name.ini" >/dev/null 2>"$tmp/err"; then
		fail_soft "$name: init accepted it"
	fi
	grep -q "$name.ini" "$tmp/err" && grep -q "$want" "$tmp/err" ||
		fail_soft "$name: the error does not name the file and '$want': $(cat "$tmp/err")"
	[ "$(sqlite3 -readonly "$tmp/q.db" 'SELECT metrics FROM site')" = token ] ||
		fail_soft "$name: the stored choice changed"
}
bad bad-choice 'metrics: expected off, public or token' 'metrics = yes\n'
bad no-token 'metrics = token needs metrics_token' 'metrics = token\n'
bad short-token 'metrics_token: expected 16 to 128' 'metrics = token\nmetrics_token = short\n'
bad stray-token 'metrics_token is set but metrics is not' "metrics = public\nmetrics_token = $SECRET\n"

[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "ok: /metrics off by default, public, or with a token, as the site file says"

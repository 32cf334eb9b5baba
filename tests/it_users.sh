#!/bin/sh
# it_users: staff accounts (issue #16) through a real `kiosk serve`, with curl:
#   1. an agent gets 403 on every manager's route (services/{c}/today,
#      closures, devices, users), whatever the verb;
#   2. a manager creates no admin nor manager and touches no manager or
#      admin (403); an admin does (201, 200); the last active admin cannot
#      be disabled (409);
#   3. a manager adds an agent with a temporary password: in a browser
#      session (cookie and CSRF) the login says must_change, every other
#      route answers 403 password_change_required until POST
#      /api/v1/password, then the desk works;
#   4. disabling an agent: her open session and her token get 401 at once;
#   5. a password reset: the old session 401, the old password refused, the
#      temporary one logs in with must_change, the new one works;
#   6. the audit log holds every change, no password, and its chain holds.
# Binds 127.0.0.1 only; no sleeps.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3
kit_tmp it_users
t0=$(date +%s)

DB=$tmp/q.db
site_init "$DB" assets/demo/site.ini
device_add "$DB" kiosk-1
DK=$KEY
user_add "$DB" marie agent 'secret-marie-1'
AT=$TOKEN
user_add "$DB" paul manager 'secret-paul-1'
MT=$TOKEN
user_add "$DB" lea manager 'secret-lea-1'
user_add "$DB" root admin 'secret-root-1'
RT=$TOKEN
serve_start users "$DB" --always-open
URL=$SERVER_URL
JSON='Content-Type: application/json'

# req METHOD PATH TOKEN [BODY]: prints the status; the body in $tmp/out.json.
req() {
	if [ -n "${4:-}" ]; then
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		    -H "$JSON" --data "$4" "$URL$2"
	else
		curl -s -o "$tmp/out.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		    "$URL$2"
	fi
}

# A browser: sreq JAR METHOD PATH [BODY] with the jar's cookie and its CSRF
# token ($tmp/JAR.csrf); login JAR LOGIN PASSWORD keeps both.
sreq() {
	if [ -n "${4:-}" ]; then
		curl -s -o "$tmp/out.json" -w '%{http_code}' -b "$tmp/$1.jar" -X "$2" -H "$JSON" \
		    -H "X-CSRF-Token: $(cat "$tmp/$1.csrf" 2>/dev/null)" --data "$4" "$URL$3"
	else
		curl -s -o "$tmp/out.json" -w '%{http_code}' -b "$tmp/$1.jar" -X "$2" "$URL$3"
	fi
}
login() {
	code=$(curl -s -o "$tmp/out.json" -w '%{http_code}' -c "$tmp/$1.jar" -H "$JSON" \
	    --data "{\"login\":\"$2\",\"password\":\"$3\"}" "$URL/api/v1/login")
	sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$tmp/out.json" >"$tmp/$1.csrf"
	echo "$code"
}
field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$tmp/out.json"; }

# ---- 1. an agent: 403 on every manager's route --------------------------------
for route in "PATCH /api/v1/services/C/today {\"open\":false,\"reason\":\"x\"}" \
    "GET /api/v1/closures" \
    "POST /api/v1/closures {\"from\":\"2030-01-01\",\"to\":\"2030-01-01\",\"reason\":\"x\"}" \
    "DELETE /api/v1/closures/1" \
    "GET /api/v1/devices" \
    "POST /api/v1/devices {\"name\":\"kiosk-9\"}" \
    "POST /api/v1/devices/kiosk-1/revoke {}" \
    "GET /api/v1/users" \
    "POST /api/v1/users {\"login\":\"jean\",\"role\":\"agent\"}" \
    "PATCH /api/v1/users/marie {\"active\":false}" \
    "PATCH /api/v1/users/paul {\"password_reset\":true}"; do
	set -- $route
	code=$(req "$1" "$2" "$AT" "${3:-}")
	[ "$code" = 403 ] && grep -q '"code":"forbidden"' "$tmp/out.json" ||
	    fail_soft "agent $1 $2: $code $(cat "$tmp/out.json"), expected 403 forbidden"
done
n=$(sqlite3 "$DB" "select count(*) from users")
[ "$n" = 4 ] || fail_soft "users after the agent's tries: $n, expected 4"

# ---- 2. manager and admin -------------------------------------------------------
code=$(req POST /api/v1/users "$MT" '{"login":"boss","role":"admin"}')
[ "$code" = 403 ] || fail_soft "manager creates an admin: $code, expected 403"
code=$(req POST /api/v1/users "$MT" '{"login":"boss","role":"manager"}')
[ "$code" = 403 ] || fail_soft "manager creates a manager: $code, expected 403"
code=$(req PATCH /api/v1/users/lea "$MT" '{"active":false}')
[ "$code" = 403 ] || fail_soft "manager disables a manager: $code, expected 403"
code=$(req PATCH /api/v1/users/root "$MT" '{"password_reset":true}')
[ "$code" = 403 ] || fail_soft "manager resets an admin: $code, expected 403"
code=$(req PATCH /api/v1/users/marie "$MT" '{"role":"manager"}')
[ "$code" = 403 ] || fail_soft "manager promotes an agent: $code, expected 403"
code=$(req POST /api/v1/users "$RT" '{"login":"boss","role":"admin","password":"boss-pass-1"}')
[ "$code" = 201 ] && grep -q '"must_change":true' "$tmp/out.json" ||
    fail_soft "admin creates an admin: $code $(cat "$tmp/out.json")"
code=$(req PATCH /api/v1/users/lea "$RT" '{"role":"agent","reason":"back to the desk"}')
[ "$code" = 200 ] && grep -q '"role":"agent"' "$tmp/out.json" ||
    fail_soft "admin demotes a manager: $code $(cat "$tmp/out.json")"
code=$(req PATCH /api/v1/users/boss "$RT" '{"active":false}')
[ "$code" = 200 ] || fail_soft "admin disables the second admin: $code $(cat "$tmp/out.json")"
code=$(req PATCH /api/v1/users/root "$RT" '{"active":false}')
[ "$code" = 409 ] || fail_soft "the last active admin disabled: $code $(cat "$tmp/out.json"), expected 409"
code=$(req POST /api/v1/users "$MT" '{"login":"marie","role":"agent"}')
[ "$code" = 409 ] || fail_soft "a login that exists: $code, expected 409"
code=$(req PATCH /api/v1/users/nobody "$MT" '{"active":false}')
[ "$code" = 404 ] || fail_soft "an unknown login: $code, expected 404"
code=$(req POST /api/v1/users "$MT" '{"login":"no way","role":"agent"}')
[ "$code" = 400 ] || fail_soft "a bad login: $code, expected 400"

# ---- 3. a new agent, her temporary password ---------------------------------------
code=$(req POST /api/v1/users "$MT" '{"login":"jean","role":"agent","reason":"new"}')
[ "$code" = 201 ] || fail_soft "manager adds an agent: $code $(cat "$tmp/out.json")"
TEMP=$(field temporary_password)
[ ${#TEMP} -eq 14 ] || fail_soft "temporary password: '$TEMP'"
code=$(login jean "jean" "$TEMP")
[ "$code" = 200 ] && grep -q '"must_change":true' "$tmp/out.json" ||
    fail_soft "jean's first login: $code $(cat "$tmp/out.json")"
code=$(sreq jean GET /api/v1/counters)
[ "$code" = 403 ] && grep -q '"code":"password_change_required"' "$tmp/out.json" ||
    fail_soft "a route before the new password: $code $(cat "$tmp/out.json")"
code=$(sreq jean POST /api/v1/counters/1/open '{}')
[ "$code" = 403 ] || fail_soft "a counter before the new password: $code, expected 403"
code=$(sreq jean GET /api/v1/session)
[ "$code" = 200 ] && grep -q '"must_change":true' "$tmp/out.json" || fail_soft "session: $code"
code=$(sreq jean POST /api/v1/password '{"old":"wrong","new":"jean-own-pass"}')
[ "$code" = 403 ] && grep -q '"code":"wrong_password"' "$tmp/out.json" ||
    fail_soft "a wrong old password: $code $(cat "$tmp/out.json")"
code=$(sreq jean POST /api/v1/password "{\"old\":\"$TEMP\",\"new\":\"short\"}")
[ "$code" = 400 ] || fail_soft "a short new password: $code, expected 400"
code=$(sreq jean POST /api/v1/password "{\"old\":\"$TEMP\",\"new\":\"jean-own-pass\"}")
[ "$code" = 200 ] || fail_soft "jean's new password: $code $(cat "$tmp/out.json")"
code=$(sreq jean GET /api/v1/counters)
[ "$code" = 200 ] || fail_soft "the desk after the new password: $code $(cat "$tmp/out.json")"

# ---- 4. disabled: her session and token die at once ---------------------------------
code=$(login marie marie 'secret-marie-1')
[ "$code" = 200 ] && grep -q '"must_change":false' "$tmp/out.json" ||
    fail_soft "marie's login: $code $(cat "$tmp/out.json")"
code=$(sreq marie GET /api/v1/counters)
[ "$code" = 200 ] || fail_soft "marie's session: $code"
code=$(req PATCH /api/v1/users/marie "$MT" '{"active":false,"reason":"left the service"}')
[ "$code" = 200 ] && grep -q '"active":false' "$tmp/out.json" ||
    fail_soft "disable marie: $code $(cat "$tmp/out.json")"
code=$(sreq marie GET /api/v1/counters)
[ "$code" = 401 ] || fail_soft "marie's session after she was disabled: $code, expected 401"
code=$(req GET /api/v1/counters "$AT")
[ "$code" = 401 ] || fail_soft "marie's token after she was disabled: $code, expected 401"
code=$(login marie2 marie 'secret-marie-1')
[ "$code" = 401 ] || fail_soft "marie's login once disabled: $code, expected 401"

# ---- 5. a password reset, end to end -------------------------------------------------
code=$(req PATCH /api/v1/users/jean "$MT" '{"password_reset":true,"reason":"forgotten"}')
[ "$code" = 200 ] && grep -q '"must_change":true' "$tmp/out.json" ||
    fail_soft "reset jean: $code $(cat "$tmp/out.json")"
TEMP2=$(field temporary_password)
code=$(sreq jean GET /api/v1/counters)
[ "$code" = 401 ] || fail_soft "jean's session after the reset: $code, expected 401"
code=$(login jean2 jean 'jean-own-pass')
[ "$code" = 401 ] || fail_soft "jean's old password after the reset: $code, expected 401"
code=$(login jean2 jean "$TEMP2")
[ "$code" = 200 ] && grep -q '"must_change":true' "$tmp/out.json" ||
    fail_soft "jean's login with the temporary password: $code $(cat "$tmp/out.json")"
code=$(sreq jean2 GET /api/v1/alerts)
[ "$code" = 403 ] || fail_soft "a route before the new password (reset): $code, expected 403"
code=$(sreq jean2 POST /api/v1/password "{\"old\":\"$TEMP2\",\"new\":\"jean-new-pass\"}")
[ "$code" = 200 ] || fail_soft "jean's password after the reset: $code $(cat "$tmp/out.json")"
code=$(sreq jean2 GET /api/v1/alerts)
[ "$code" = 200 ] || fail_soft "the desk after the reset: $code $(cat "$tmp/out.json")"
code=$(login jean3 jean 'jean-new-pass')
[ "$code" = 200 ] && grep -q '"must_change":false' "$tmp/out.json" ||
    fail_soft "jean's login with his new password: $code $(cat "$tmp/out.json")"

# ---- 6. the audit ---------------------------------------------------------------------
n=$(sqlite3 "$DB" "select count(*) from audit where action in ('user_add', 'user_change', 'password_change') and actor != 'admin'")
[ "$n" = 8 ] || fail_soft "account changes audited: $n, expected 8"
n=$(sqlite3 "$DB" "select count(*) from audit where action = 'user_change' and actor = 'paul' and detail like 'user marie: before role=agent active=1 %; after role=agent active=0 %; reason: left the service'")
[ "$n" = 1 ] || fail_soft "marie's disabling in the audit: $n, expected 1"
n=$(sqlite3 "$DB" "select count(*) from audit where detail like '%$TEMP%' or detail like '%$TEMP2%' or detail like '%jean-own-pass%' or detail like '%jean-new-pass%' or detail like '%boss-pass-1%' or detail like '%argon2%'")
[ "$n" = 0 ] || fail_soft "passwords or hashes in the audit log: $n entries"
serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"
"$K" admin --db "$DB" audit verify >"$tmp/audit.out" 2>&1 ||
    fail_soft "audit chain: $(cat "$tmp/audit.out")"

echo "it_users: $fails failed, $(($(date +%s) - t0)) s"
[ "$fails" -eq 0 ]

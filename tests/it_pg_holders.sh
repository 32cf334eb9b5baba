#!/bin/sh
# it_pg_holders: "one active ticket per holder, service and day" across the
# sites of one PostgreSQL database (issue #11, bind_holder = all_sites).
# Bobigny and Raincy share a database, each in its own schema; service A
# binds its holders across all sites, service B (bind_holder = yes) at each
# site only. Bobigny's server (the database's owner) makes the shared schema
# kiosk_shared; Raincy's connects as an ordinary role, refused a start
# until the DBA grants it the shared schema, as INSTALL.md says. Last, the
# kiosk (`kiosk touch`, headless) shows the refusal in the applicant's
# language, and the retention purges past days' claims.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_build "$K"
need_tool python3 curl
kit_tmp it_pg_holders
pg_start kiosk
pg_two_sites

for s in bobigny raincy; do
	sed -e "s/^id = .*/id = $s/" -e "s/^name = Préfecture.*/name = Site $s/" \
		-e 's/^capacity = .*/capacity = 999/' \
		-e '/^\[service A\]/,/^\[service B\]/s/^bind_holder = yes/bind_holder = all_sites/' \
		assets/demo/site.ini >"$tmp/$s.ini"
	pg_site_init "$s" "$tmp/$s.ini"
done
echo 'secret-boss-1' | kit_admin "user add" --db "$(pg_site_url bobigny)" --key "$tmp/bobigny.key" user add boss --role manager >/dev/null
MT_bobigny=$(kit_admin "user token" --db "$(pg_site_url bobigny)" --key "$tmp/bobigny.key" user token boss)
grep -q '^bind_holder = all_sites' "$tmp/bobigny.ini" || fail "the site file has no all_sites service"

# Raincy first: no shared schema yet, and its role may not make one.
timeout 30 "$K" serve --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" --always-open \
	--listen 127.0.0.1:0 >"$tmp/early.out" 2>"$tmp/early.err" &&
	fail_soft "raincy's server started without the shared schema"
grep -q 'CREATE SCHEMA kiosk_shared' "$tmp/early.err" ||
	fail_soft "no advice when the shared schema cannot be made: $(cat "$tmp/early.err")"

serve_start bobigny "$(pg_site_url bobigny)" --key "$tmp/bobigny.key" --always-open
URL_bobigny=$SERVER_URL PID_bobigny=$SERVER_PID
[ "$(pg_psql -tAc "SELECT to_regclass('kiosk_shared.holder_claims') IS NOT NULL")" = t ] ||
	fail "bobigny's server did not make kiosk_shared"

# The schema exists now, but Raincy's role has no right on it yet.
timeout 30 "$K" serve --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" --always-open \
	--listen 127.0.0.1:0 >"$tmp/early.out" 2>"$tmp/early.err" &&
	fail_soft "raincy's server started without rights on the shared schema"
grep -q 'GRANT USAGE ON SCHEMA kiosk_shared' "$tmp/early.err" ||
	fail_soft "no advice when the shared schema is not granted: $(cat "$tmp/early.err")"

# What the DBA runs (INSTALL.md).
pg_psql -c "GRANT USAGE ON SCHEMA kiosk_shared TO raincy" \
	-c "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA kiosk_shared TO raincy" >/dev/null
serve_start raincy "$(pg_site_url raincy)" --key "$tmp/raincy.key" --always-open
URL_raincy=$SERVER_URL PID_raincy=$SERVER_PID

python3 - "$URL_bobigny" "$URL_raincy" "$DK_bobigny" "$DK_raincy" "$AT_bobigny" "$MT_bobigny" \
	>"$tmp/py.txt" 2>&1 <<'PY' || fail_soft "$(tail -n 8 "$tmp/py.txt")"
import json, sys, urllib.error, urllib.request, uuid
ub, ur, db, dr, ab, mb = sys.argv[1:7]
def post(url, token, body):
    r = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                 "Idempotency-Key": uuid.uuid4().hex})
    try:
        with urllib.request.urlopen(r, timeout=10) as f:
            return f.status, json.load(f)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def ticket(url, dk, service, holder):
    return post(url + "/api/v1/tickets", dk, {"service": service, "holder": holder})

X, Y = "X1234567", "Y7654321"
s, b = ticket(ub, db, "A", X)
assert s == 201 and b["number"] == "A001", (s, b)
s, r = ticket(ur, dr, "A", "x-1234 567")       # the same number, typed otherwise
assert s == 409 and r["code"] == "holder_elsewhere", (s, r)
assert r["site"] == "bobigny" and r["number"] == "A001" and r["error"], r
print("X at raincy for A:", s, r)
s, o = ticket(ur, dr, "A", Y)
assert s == 201 and o["number"] == "A001", ("another holder at raincy", s, o)
s, o = ticket(ur, dr, "B", X)
assert s == 201 and o["number"] == "B001", ("X for the `yes` service at raincy", s, o)
s, o = ticket(ub, db, "A", X)
assert s == 200 and o["duplicate"] and o["number"] == "A001", ("X again at bobigny", s, o)
# Bobigny's agent calls X's ticket and finishes it: the claim ends.
s, c = post(ub + "/api/v1/counters/1/call-next", ab, {})
assert s == 200 and c["ticket"]["number"] == "A001", (s, c)
s, c = post(ub + "/api/v1/counters/1/done", ab, {"outcome": "complete", "current": "A001"})
assert s == 200, (s, c)
s, o = ticket(ur, dr, "A", X)
assert s == 201 and o["number"] == "A002", ("X at raincy once served at bobigny", s, o)
# And now bobigny refuses X a second ticket for A: raincy holds the claim.
s, r = ticket(ub, db, "A", X)
assert s == 409 and r["code"] == "holder_elsewhere" and r["site"] == "raincy" and \
    r["number"] == "A002", (s, r)
# An appointment's ticket at bobigny, checked in at the kiosk with the
# number: raincy refuses that holder a walk-in ticket for A.
import datetime
start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)) \
    .strftime("%Y-%m-%dT%H:%M:%SZ")
s, o = post(ub + "/api/v1/appointments", mb, {"id": "w-1", "service": "A", "start": start,
    "duration_min": 20, "code": "BOUND001", "holder": "W1234567"})
assert s == 201 and o["holder"] is True, (s, o)
s, o = post(ub + "/api/v1/appointments/checkin", db, {"code": "BOUND001", "holder": "W1234567"})
assert s == 201 and o["kind"] == "appointment", (s, o)
s, r = ticket(ur, dr, "A", "W1234567")
assert s == 409 and r["code"] == "holder_elsewhere" and r["site"] == "bobigny" and \
    r["number"] == o["number"], ("W at raincy after its appointment at bobigny", s, r, o)
# Both sites at once for the same holder: one ticket, one refusal (the
# unique index makes the later claim fail; its transaction runs again).
import threading
for i in range(20):
    h, got = "Z%07d" % i, []
    ts = [threading.Thread(target=lambda u=u, d=d: got.append(ticket(u, d, "A", h)))
          for u, d in ((ub, db), (ur, dr))]
    [t.start() for t in ts]
    [t.join() for t in ts]
    codes = sorted(s for s, o in got)
    assert codes == [201, 409], (h, got)
    assert [o["code"] for s, o in got if s == 409] == ["holder_elsewhere"], got
print("all_sites: one active ticket per holder and service across bobigny and raincy")
PY
cat "$tmp/py.txt"
echo "claims that met another site's at once (run again): $(grep -c 'holder_claims_active' "$PG_LOG")"

# The kiosk at Bobigny (the real app, headless): X's ticket for A is
# Raincy's A002 now. The refusal is said plainly in the applicant's language,
# with that number, not as a generic error. SHOT=FILE keeps the screen.
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
cat >"$tmp/touch.script" <<EOF
wait welcome
tap @start
wait language
tap @lang:en
wait procedure
tap @service:A
wait priority
tap @no
wait holder
type X1234567
tap @key-ok
wait confirm
tap @confirm
wait appt-refused 20000
expect-text You already have a ticket today for this service, at another site.
expect-text Your ticket there: A002
expect-no-text could not be issued
screenshot ${SHOT:-$tmp/elsewhere.png}
tap @done
wait welcome
EOF
"$K" touch --server "$URL_bobigny" --device-key "$DK_bobigny" --printer "file:$tmp/slip.bin" \
	--size 1080x1920 --poll 1 --no-audio --script "$tmp/touch.script" >"$tmp/touch.log" 2>&1 ||
	{ fail_soft "kiosk touch: the refusal's screen"; tail -n 25 "$tmp/touch.log"; }
[ ! -s "$tmp/slip.bin" ] || fail_soft "a slip was printed for a refusal"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM kiosk_shared.holder_claims WHERE active")" = 23 ] ||
	fail_soft "active claims: $(pg_psql -tAc "SELECT site, number, active FROM kiosk_shared.holder_claims")"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM kiosk_shared.holder_claims WHERE NOT active")" = 1 ] ||
	fail_soft "the served ticket's claim did not end"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM raincy.events WHERE kind = 'refused_elsewhere'")" -ge 1 ] &&
	[ "$(pg_psql -tAc "SELECT COUNT(*) FROM bobigny.events WHERE kind = 'refused_elsewhere'")" -ge 2 ] ||
	fail_soft "raincy's refusal was not logged"

# The purge: claims and shared keys of days before today go.
pg_psql -c "INSERT INTO kiosk_shared.day_keys VALUES ('2000-01-01', '\\x00')" \
	-c "INSERT INTO kiosk_shared.holder_claims VALUES ('2000-01-01', 'A', '\\x00', 'raincy', 1, 'A001', true)" >/dev/null
"$K" admin --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" retention >"$tmp/purge.txt" 2>&1 ||
	fail_soft "purge: $(cat "$tmp/purge.txt")"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM kiosk_shared.holder_claims WHERE day < '2001-01-01'")$(pg_psql -tAc "SELECT COUNT(*) FROM kiosk_shared.day_keys WHERE day < '2001-01-01'")" = 00 ] ||
	fail_soft "the purge left yesterday's claims or shared keys"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM kiosk_shared.holder_claims")" = 24 ] ||
	fail_soft "the purge took today's claims"

serve_stop "$PID_bobigny" || fail_soft "bobigny's server did not stop cleanly"
serve_stop "$PID_raincy" || fail_soft "raincy's server did not stop cleanly"

# Raincy binds A with yes only from now on: its next start drops the
# claims' trigger (its tickets no longer need kiosk_shared); Bobigny's stays.
trig() { pg_psql -tAc "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'kiosk_claim_end' AND tgrelid = '$1.tickets'::regclass"; }
[ "$(trig raincy)$(trig bobigny)" = 11 ] || fail_soft "the claims' triggers: raincy $(trig raincy), bobigny $(trig bobigny)"
sed -i 's/^bind_holder = all_sites/bind_holder = yes/' "$tmp/raincy.ini"
kit_admin init --db "$(pg_site_url raincy)" --key "$tmp/raincy.key" init --site "$tmp/raincy.ini" >/dev/null
serve_start raincy "$(pg_site_url raincy)" --key "$tmp/raincy.key" --always-open
[ "$(trig raincy)$(trig bobigny)" = 01 ] || fail_soft "after all_sites went: raincy $(trig raincy), bobigny $(trig bobigny)"
serve_stop "$SERVER_PID" || fail_soft "raincy's server did not stop cleanly (yes only)"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "it_pg_holders: ok"

#!/bin/sh
# it_clock: one clock (issue 15). The machine runs in UTC (TZ=UTC), the site
# in Europe/Paris (UTC+1 or +2: the hours always differ). Everything shows
# the site's time: the server's log lines, /api/v1/stats' "time", a
# ticket's issued_at and the slip's signed time (kiosk verify), the kiosk's
# header clock and its log; `kiosk verify` without --today checks against
# the site's day, even on a machine whose date is another (a zone 12 to 14
# hours away). The board and /stats in a browser: tests/web/clock.test.mjs.
# A time read before and after each action is accepted, so a minute that
# turns meanwhile is not a failure.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl python3
kit_tmp it_clock
export TZ=UTC
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy

paris() { TZ=Europe/Paris date +%H:%M; }
utc() { TZ=UTC date +%H:%M; }
# is_paris HHMM BEFORE AFTER: HHMM is one of the two Paris minutes read
is_paris() { [ "$1" = "$2" ] || [ "$1" = "$3" ]; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); exec("print(" + sys.argv[1] + ")")' "$1"; }

cat >"$tmp/site.ini" <<'EOF2'
[site]
id = it-clock
name = Test site
timezone = Europe/Paris
[service A]
name = Service A
capacity = 50
[counter 1]
services = A
EOF2
db=$tmp/q.db
site_init "$db" "$tmp/site.ini"
device_add "$db" kiosk-1
DK=$KEY
"$K" admin --db "$db" pubkey >"$tmp/pub.txt" 2>/dev/null || fail "admin pubkey"
grep -q '^# timezone Europe/Paris$' "$tmp/pub.txt" || fail_soft "pubkey names no zone: $(cat "$tmp/pub.txt")"

# --- the server's log ---------------------------------------------------------
p0=$(paris)
serve_start main "$db" --always-open
p1=$(paris)
line=$(grep "listening on" "$SERVER_LOG" | tail -n 1)
hm=$(echo "$line" | sed -n 's/^[0-9-]* \([0-9][0-9]:[0-9][0-9]\):.*/\1/p')
is_paris "$hm" "$p0" "$p1" || fail_soft "server log at $hm, not Paris ($p0/$p1; UTC $(utc)): $line"

# --- the API: site.timezone, stats' time, a ticket's issued_at ----------------
tz=$(curl -s --max-time 10 "$SERVER_URL/api/v1/services" | json 'd["site"]["timezone"]')
[ "$tz" = Europe/Paris ] || fail_soft "services: site.timezone '$tz'"
p0=$(paris)
st=$(curl -s --max-time 10 "$SERVER_URL/api/v1/stats" | json 'd["time"]')
p1=$(paris)
is_paris "$(echo "$st" | cut -c12-16)" "$p0" "$p1" || fail_soft "stats time $st, not Paris ($p0/$p1)"
case $st in *+01:00|*+02:00) ;; *) fail_soft "stats time $st has not Paris's offset" ;; esac

p0=$(paris)
curl -s -o "$tmp/t.json" --max-time 10 -H "Authorization: Bearer $DK" -H 'Content-Type: application/json' \
	-d '{"service":"A"}' "$SERVER_URL/api/v1/tickets"
p1=$(paris)
at=$(json 'd["issued_at"]' <"$tmp/t.json") || fail "no ticket: $(cat "$tmp/t.json")"
is_paris "$(echo "$at" | cut -c12-16)" "$p0" "$p1" || fail_soft "issued_at $at, not Paris ($p0/$p1)"
token=$(json 'd["token"]' <"$tmp/t.json")

# --- the slip's signed time, and verify's day ---------------------------------
"$K" verify --pubkey "$tmp/pub.txt" "$token" >"$tmp/v.txt" 2>&1 || fail_soft "verify (UTC): $(cat "$tmp/v.txt")"
slip=$(sed -n 's/^ *time: *//p' "$tmp/v.txt")
is_paris "$slip" "$p0" "$p1" || fail_soft "slip time $slip, not Paris ($p0/$p1)"
# a checking machine whose date is not Paris's: 12 h behind or 14 h ahead of UTC
pday=$(TZ=Europe/Paris date +%Y%m%d)
far=
for z in Etc/GMT+12 Etc/GMT-14; do
	[ "$(TZ=$z date +%Y%m%d)" != "$pday" ] && far=$z
done
[ -n "$far" ] || fail "no zone whose date differs from Paris's now"
TZ=$far "$K" verify --pubkey "$tmp/pub.txt" "$token" >"$tmp/v2.txt" 2>&1 ||
	fail_soft "verify on a machine in $far ($(TZ=$far date +%F), Paris $pday): $(head -n 1 "$tmp/v2.txt")"
# without the zone line the machine's day is used, and says so by refusing
grep -v '^#' "$tmp/pub.txt" >"$tmp/pub-nozone.txt"
if TZ=$far "$K" verify --pubkey "$tmp/pub-nozone.txt" "$token" >"$tmp/v3.txt" 2>&1; then
	fail_soft "without the zone line, $far's date was not used"
fi
grep -q 'another day' "$tmp/v3.txt" || fail_soft "no 'another day': $(head -n 1 "$tmp/v3.txt")"

# --- the kiosk: header clock and log ------------------------------------------
# The script waits for the welcome screen and checks the clock shows Paris's
# HH:MM; a minute turning between the check and now gets one more try.
kiosk_try() {
	want=$(paris)
	printf 'wait welcome\nexpect-text %s\nexpect-no-text %s\nquit\n' "$want" "$(utc)" >"$tmp/k.script"
	"$K" touch --server "$SERVER_URL" --device-key "$DK" --printer "file:$tmp/k.bin" \
		--size 1080x1920 --poll 1 --no-audio --script "$tmp/k.script" >"$tmp/k.log" 2>&1
}
kiosk_try || { [ "$want" != "$(paris)" ] && kiosk_try; } ||
	fail_soft "kiosk header is not Paris's $want (UTC $(utc)): $(tail -n 5 "$tmp/k.log")"
grep -q "touch: the site's clock: Europe/Paris" "$tmp/k.log" || fail_soft "the kiosk never took the site's zone"
line=$(sed -n "/the site's clock/,\$p" "$tmp/k.log" | grep '^[0-9-]* [0-9:]* ' | tail -n 1)
hm=$(echo "$line" | sed -n 's/^[0-9-]* \([0-9][0-9]:[0-9][0-9]\):.*/\1/p')
is_paris "$hm" "$want" "$(paris)" || fail_soft "kiosk log at $hm, not Paris: $line"

serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"
[ "$fails" -eq 0 ] || exit 1
echo "it_clock: ok"

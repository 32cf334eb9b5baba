#!/bin/sh
# screens: screenshots of every kiosk screen, made by the real app
# (`kiosk touch --script`) against real servers, headless.
#
#   sh tests/screens.sh [OUTDIR] [--all]
#
# OUTDIR defaults to docs/screens. Files are named
#   kiosk-SIZE-LANG[-large|-contrast]-SCREEN.png
# The default set is what docs/screens keeps: every screen in French,
# Arabic, Tamil and Mandarin at 1080x1920 (the kiosk's portrait screen);
# large text and high contrast; every screen at 1920x1080 and 800x480 in
# French, the visit in Arabic and Tamil there too; the staff screens; the
# welcome screen with a manager's notice; an appointment's check-in (issue
# #12) in French and Arabic, each answer; the enrolment in a draw at
# opening, the screens after the draw and a convocation (issue #13) in
# French and Arabic.
# --all makes every screen for every language, mode and size (about 500
# pictures; to look at, not to keep in git). SCREENS=appt makes only the
# appointment's check-in, SCREENS=draw only the enrolment in a draw,
# SCREENS=drawafter only the screens after the draw and the convocation.
# Pictures are reduced to 64
# colours (FULL_COLOUR=1 keeps them as drawn).
#
# Faults are caused for real: a printer out of paper (file: printer's
# status=), a server that is not there, a site outside its opening hours,
# a service with a capacity of one. Binds 127.0.0.1 only; every wait in the
# app's scripts has a deadline.
. "$(dirname "$0")/lib.sh"
OUT=docs/screens
ALL=0
for a in "$@"; do
	case $a in
	--all) ALL=1 ;;
	*) OUT=$a ;;
	esac
done
need_build "$K"
mkdir -p "$OUT" || exit 1

kit_tmp screens
: >"$tmp/started" # the pictures newer than this one were made now
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=dummy
hn=10 # document numbers typed: a new one for each visit

# server NAME SITE [ARGS]: a fresh database and server; NAME.url, NAME.key
server() {
	name=$1; site=$2; shift 2
	d=$tmp/$name
	mkdir -p "$d"
	site_init "$d/q.db" "$site"
	device_add "$d/q.db" kiosk-1
	echo "$KEY" >"$d/key"
	serve_start "$name" "$d/q.db" "$@"
	echo "$SERVER_URL" >"$d/url"
}

# A site whose hours today exclude now (Paris time), so it is closed.
h=$(TZ=Europe/Paris date +%H)
if [ "${h#0}" -lt 12 ]; then hours=13:00-17:00; else hours=08:30-11:30; fi
sed -e "s/^\(mon\|tue\|wed\|thu\|fri\|sat\|sun\) = .*/\1 = $hours/" \
	assets/demo/site.ini >"$tmp/closed.ini"
# A site with one ticket a day per service.
sed -e 's/^capacity = .*/capacity = 1/' -e 's/^priority_reserve = .*/priority_reserve = 0/' \
	assets/demo/site.ini >"$tmp/tiny.ini"

server open assets/demo/site.ini --always-open
server closed "$tmp/closed.ini"
server tiny "$tmp/tiny.ini" --always-open
# the only ticket of service C on the tiny site goes to someone else
"$K" ticket --server "$(cat $tmp/tiny/url)" --device-key "$(cat $tmp/tiny/key)" --service C \
	--printer "file:$tmp/tiny-first.bin" >/dev/null 2>&1 || fail "cannot issue on the tiny site"

# run NAME SERVER SIZE PRINTER ARGS...: run the app on $tmp/next.script
# (a file, not a pipe: a pipe would run this in a subshell and lose $fails)
run() {
	name=$1; srv=$2; size=$3; printer=$4; shift 4
	mv "$tmp/next.script" "$tmp/$name.script"
	if [ "$srv" = none ]; then url=http://127.0.0.1:9; key=none; else
		url=$(cat "$tmp/$srv/url"); key=$(cat "$tmp/$srv/key"); fi
	if ! "$K" touch --server "$url" --device-key "$key" --printer "$printer" --size "$size" \
		--no-audio --script "$tmp/$name.script" "$@" >"$tmp/$name.log" 2>&1; then
		fail_soft "$name"; sed 's/^/    /' "$tmp/$name.log" | tail -20
		[ -f "$tmp/$name.script.fail.png" ] && cp "$tmp/$name.script.fail.png" "$OUT/FAILED-$name.png"
	fi
}

# mode_lines MODE: the taps that switch a mode on at the welcome screen
mode_lines() {
	case $1 in
	large) echo "tap @large" ;;
	contrast) echo "tap @contrast" ;;
	esac
}

# main LANG SIZE MODE: the whole visit, every screen on the way
main_flow() {
	lang=$1; size=$2; mode=$3
	p=$OUT/kiosk-$size-$lang${mode:+-$mode}
	{
		echo "wait welcome"
		mode_lines "$mode"
		[ "$lang" = fr ] && echo "screenshot $p-welcome.png"
		echo "tap @start"
		echo "wait language"
		echo "screenshot $p-language.png"
		echo "tap @lang:$lang"
		echo "wait procedure"
		echo "screenshot $p-procedure.png"
		echo "tap @dontknow"
		echo "wait guide"
		echo "screenshot $p-guide.png"
		echo "tap @yes"
		echo "wait guide"
		echo "tap @no"
		echo "wait guide"
		echo "tap @no"
		echo "wait guide"
		echo "expect-target found"
		echo "screenshot $p-guide-result.png"
		echo "tap @found"
		echo "wait priority"
		echo "screenshot $p-priority.png"
		echo "tap @yes"
		echo "wait holder"
		hn=$((hn + 1))
		echo "type X12"
		echo "screenshot $p-holder.png"
		echo "type 3456$hn"
		echo "tap @key-ok"
		echo "wait confirm"
		echo "screenshot $p-confirm.png"
		echo "tap @confirm"
		echo "wait ticket:printed 20000"
		echo "screenshot $p-ticket.png"
		echo "tap @done"
		echo "wait welcome"
	} >"$tmp/next.script"; run "main-$size-$lang-$mode" open "$size" "file:$tmp/p-$size-$lang-$mode.bin"
}

# errors LANG SIZE MODE: each fault screen, after choosing the language
# with the bar's language button (rest screens start in French)
relang() {
	echo "tap @language"
	echo "wait language"
	echo "tap @lang:$1"
}
errors() {
	lang=$1; size=$2; mode=$3
	p=$OUT/kiosk-$size-$lang${mode:+-$mode}
	{
		echo "wait server-down"
		mode_lines "$mode"
		relang "$lang"
		echo "wait server-down"
		echo "screenshot $p-server-down.png"
	} >"$tmp/next.script"; run "down-$size-$lang-$mode" none "$size" "file:$tmp/x.bin"
	{
		echo "wait printer"
		mode_lines "$mode"
		relang "$lang"
		echo "wait printer"
		echo "screenshot $p-printer.png"
	} >"$tmp/next.script"; run "paper-$size-$lang-$mode" open "$size" "file:$tmp/x.bin?status=paper_out"
	{
		echo "wait closed"
		mode_lines "$mode"
		relang "$lang"
		echo "wait closed"
		echo "screenshot $p-closed.png"
	} >"$tmp/next.script"; run "closed-$size-$lang-$mode" closed "$size" "file:$tmp/x.bin"
	{
		echo "wait welcome"
		mode_lines "$mode"
		echo "tap @start"
		echo "wait language"
		echo "tap @lang:$lang"
		echo "wait procedure"
		echo "tap @service:C"
		echo "wait confirm"
		echo "screenshot $p-confirm-full.png"
		echo "tap @confirm"
		echo "wait full:printed 20000"
		echo "screenshot $p-full.png"
	} >"$tmp/next.script"; run "full-$size-$lang-$mode" tiny "$size" "file:$tmp/full-$size-$lang-$mode.bin"
	{
		echo "wait welcome"
		mode_lines "$mode"
		echo "tap @start"
		echo "wait language"
		echo "tap @lang:$lang"
		echo "wait procedure"
		echo "tap @service:E"
		echo "wait priority"
		echo "tap @no"
		echo "wait confirm"
		echo "tap @confirm"
		echo "wait ticket:failed 30000"
		echo "screenshot $p-ticket-failed.png"
		echo "wait idle 30000"
		echo "screenshot $p-idle.png"
	} >"$tmp/next.script"; run "failed-$size-$lang-$mode" open "$size" "file:$tmp/f.bin?status=paper_out_after" \
		--idle 2 --countdown 20
}

staff() {
	size=$1
	p=$OUT/kiosk-$size-fr
	{
		# a visit first: the admin screen offers to reprint its ticket
		echo "wait welcome"; echo "tap @start"; echo "wait language"; echo "tap @lang:fr"
		echo "wait procedure"; echo "tap @service:E"; echo "wait priority"; echo "tap @no"
		echo "wait confirm"; echo "tap @confirm"; echo "wait ticket:printed 20000"
		echo "tap @done"
		echo "wait welcome"
		echo "tap 5 5"; echo "tap 5 5"; echo "tap 5 5"; echo "tap 5 5"; echo "tap 5 5"
		echo "wait pin"
		echo "type 24"
		echo "screenshot $p-pin.png"
		echo "type 68"
		echo "key Return"
		echo "wait admin"
		echo "tap @test-print"
		echo "wait admin:ready 20000"
		echo "screenshot $p-admin.png"
		echo "tap @resume"
		echo "wait welcome"
	} >"$tmp/next.script"; run "staff-$size" open "$size" "file:$tmp/x.bin" --admin-pin 2468
}

# An appointment's check-in (issue #12), each answer, from the server's own
# route, on a site and a database of its own for each language (so that
# each shows a first check-in), made when its pictures are: the demo site in
# the zone where it is about noon now (noon_zone: every time made from now
# is on its today), its service C taking appointments too, so that a late
# arrival gets a walk-in's ticket of a service that asks for no document
# number (late = walkin); the day's appointments imported from a CSV file,
# their times made from now in UTC.
appt_at() { date -u -d "@$((appt_now + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; } # MINUTES from now
appt_server() { # LANG: the server appt-LANG, its appointments imported
	sed -e "s|^timezone = .*|timezone = $(noon_zone)|" \
		-e '/^\[service C\]$/a appointments = 20' assets/demo/site.ini >"$tmp/appt-$1.ini"
	appt_now=$(date +%s)
	cat >"$tmp/appt-$1.csv" <<EOF
id,service,start,duration_min,code,holder,lang,status
typed,A,$(appt_at 5),20,K7P3QX,,,booked
early,A,$(appt_at 60),20,EARLY1,,,booked
tomorrow,A,$(appt_at 1440),20,OTHER1,,,booked
cancelled,A,$(appt_at 20),20,CANC11,,,cancelled
bound,B,$(appt_at 10),20,BOUND1,X3456789,,booked
late,C,$(appt_at -30),20,LATE11,,,booked
EOF
	server "appt-$1" "$tmp/appt-$1.ini" --always-open
	"$K" admin --db "$tmp/appt-$1/q.db" appointments import "$tmp/appt-$1.csv" \
		>"$tmp/appt-$1/import.out" 2>&1 ||
		fail "appointments import: $(cat "$tmp/appt-$1/import.out")"
}
appt_try() { # CODE SCREEN SHOT: from the welcome screen, one code, its screen
	echo "tap @appt"; echo "wait language"; echo "tap @lang:$lang"; echo "wait appt-code"
	echo "type $1"; echo "key Return"; echo "wait $2 20000"
	[ -n "$3" ] && echo "screenshot $p-$3.png"
}
appt() {
	lang=$1; size=$2
	p=$OUT/kiosk-$size-$lang
	appt_server "$lang"
	{
		echo "wait welcome"
		echo "expect-target appt"
		echo "tap @appt"
		echo "wait language"
		echo "tap @lang:$lang"
		echo "wait appt-code"
		echo "screenshot $p-appt-code.png"
		echo "type K7P3QX"
		echo "key Return"
		echo "wait ticket:printed 20000"
		echo "screenshot $p-appt-ticket.png"
		echo "tap @done"; echo "wait welcome"
		appt_try EARLY1 appt-refused appt-early; echo "tap @done"; echo "wait welcome"
		appt_try UNKN42 appt-refused appt-unknown; echo "tap @done"; echo "wait welcome"
		appt_try OTHER1 appt-refused appt-other-day; echo "tap @done"; echo "wait welcome"
		appt_try CANC11 appt-refused appt-cancelled; echo "tap @done"; echo "wait welcome"
		appt_try BOUND1 holder
		echo "type X3456789"
		echo "screenshot $p-appt-holder.png"
		echo "key Return"
		echo "wait ticket:printed 20000"
		echo "tap @done"; echo "wait welcome"
		appt_try LATE11 ticket:printed appt-late; echo "tap @done"; echo "wait welcome"
	} >"$tmp/next.script"; run "appt-$size-$lang" "appt-$lang" "$size" "file:$tmp/appt-$size-$lang.bin"
}

# ---- after the draw, and convocations (issue #13; SCREENS=drawafter) -----------
# On a site and a database of its own for each language (the demo site,
# open now): service C takes one walk-in a day and gives convocations for
# a later day, its only walk-in place taken by someone else, so a visit
# gets the convocation screen; service E's draw (1 place, 6 entries
# enrolled in the language through the API, closed) gives one ticket,
# convocations while E's pool has a place (one a day, the next 3 days)
# and attestations; service D's draw stays open. The kiosk scans each
# enrolment slip: "not drawn yet" (after choosing the language with the
# bar's button: nothing tells the kiosk the slip's language before the
# server answers), the winner's ticket, a convocation, an attestation.
# The server's clock is Friday 4 December 2026, 09:30 in Paris when
# libfaketime is there (a convocation then names Monday's real window),
# else it is open now (--always-open) and its windows start at midnight.
drawafter_server() { # LANG: the server drawafter-LANG, its draws made
	awk '/^\[/ { sec = $0 }
	     sec == "[service C]" && /^capacity =/ { print "capacity = 1"; next }
	     sec == "[service E]" && /^capacity =/ { print "capacity = 1"; next }
	     (sec == "[service C]" || sec == "[service E]") && /^priority_reserve =/ {
	         print "priority_reserve = 0"; next }
	     { print }
	     $0 == "[service C]" { print "convocations = 2" }
	     $0 == "[service E]" { print "convocations = 1"; print "convocation_days = 3" }' \
		assets/demo/site.ini >"$tmp/drawafter-$1.ini"
	ftlib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT\.so\.1$' | head -n 1)
	if [ -n "$ftlib" ]; then
		kreal=$K
		cat >"$tmp/kiosk-friday" <<EOF2
#!/bin/sh
export TZ=UTC FAKETIME='@2026-12-04 08:30:00' FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD='$ftlib'
export ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0"
exec "$PWD/$kreal" "\$@"
EOF2
		chmod +x "$tmp/kiosk-friday"
		K=$tmp/kiosk-friday
		server "drawafter-$1" "$tmp/drawafter-$1.ini"
		K=$kreal
	else
		server "drawafter-$1" "$tmp/drawafter-$1.ini" --always-open
	fi
	d=$tmp/drawafter-$1
	user_add "$d/q.db" boss manager test-manager-pw
	echo "$TOKEN" >"$d/mt"
	"$K" ticket --server "$(cat "$d/url")" --device-key "$(cat "$d/key")" --service C \
		--printer "file:$d/first.bin" >/dev/null 2>&1 || fail "drawafter: C's first ticket"
	python3 - "$(cat "$d/url")" "$(cat "$d/key")" "$TOKEN" "$1" "$d" <<'EOF2' ||
import json, sys, urllib.request
url, dk, mt, lang, d = sys.argv[1:]
def call(path, tok, body=None):
    r = urllib.request.Request(url + path, method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers=dict({"Authorization": "Bearer " + tok} if tok else {},
                     **({"Content-Type": "application/json"} if body is not None else {})))
    return json.load(urllib.request.urlopen(r))
e = call("/api/v1/draws", mt, {"service": "E", "places": 1})["id"]
tokens = {}
for i in range(6):
    a = call("/api/v1/draws/%d/entries" % e, dk, {"lang": lang})
    tokens[a["entry"]] = a["token"]
call("/api/v1/draws/%d/close" % e, mt, {})
for r in call("/api/v1/draws/%d" % e, "")["results"]:
    open("%s/%s" % (d, r["outcome"]), "a").write(tokens[r["entry"]] + "\n")
o = call("/api/v1/draws", mt, {"service": "D", "places": 2})["id"]
a = call("/api/v1/draws/%d/entries" % o, dk, {"lang": lang, "holder": "X3456789"})
open(d + "/open", "w").write(a["token"] + "\n")
EOF2
		fail "drawafter: the draws could not be made"
}
drawafter() { # LANG SIZE
	lang=$1; size=$2
	p=$OUT/kiosk-$size-$lang
	drawafter_server "$lang"
	d=$tmp/drawafter-$lang
	{
		echo "wait welcome"
		[ "$lang" = fr ] || { relang "$lang"; echo "wait procedure"; }
		echo "scan $(cat "$d/open")"
		echo "wait draw-wait 20000"
		echo "screenshot $p-draw-wait.png"
		echo "tap @done"; echo "wait welcome"
		echo "scan $(head -n 1 "$d/ticket")"
		echo "wait ticket:printed 20000"
		echo "screenshot $p-draw-winner.png"
		echo "tap @done"; echo "wait welcome"
		echo "scan $(head -n 1 "$d/convocation")"
		echo "wait convocation:printed 20000"
		echo "screenshot $p-draw-convocation.png"
		echo "tap @done"; echo "wait welcome"
		echo "scan $(head -n 1 "$d/attestation")"
		echo "wait full:printed 20000"
		echo "screenshot $p-draw-attestation.png"
		echo "tap @done"; echo "wait welcome"
		echo "tap @start"; echo "wait language"; echo "tap @lang:$lang"; echo "wait procedure"
		echo "tap @service:C"; echo "wait confirm"; echo "tap @confirm"
		echo "wait convocation:printed 20000"
		echo "screenshot $p-convocation.png"
		echo "tap @done"; echo "wait welcome"
	} >"$tmp/next.script"; run "drawafter-$size-$lang" "drawafter-$lang" "$size" "file:$d/kiosk.bin"
}
# ---- (end of the block after the draw) ------------------------------------------

# The draw at opening (issue #13): the enrolment during the window, on a
# site of its own for each language (so each shows a first enrolment): the
# demo site in the zone where it is about noon now (noon_zone), its service
# A (bound to the holder) drawn by the site file's window 08:00-13:45, its
# service C (no document number) by a manager's draw (no set end).
draw_server() { # LANG: the server draw-LANG, its two draws open
	sed -e "s|^timezone = .*|timezone = $(noon_zone)|" \
		-e 's|^; draw = 08:00-08:45$|draw = 08:00-13:45|' assets/demo/site.ini >"$tmp/draw-$1.ini"
	grep -q '^draw = 08:00-13:45$' "$tmp/draw-$1.ini" || fail "the demo site has no draw line to set"
	server "draw-$1" "$tmp/draw-$1.ini" --always-open
	user_add "$tmp/draw-$1/q.db" boss manager test-manager-pw
	code=$(curl -s -o "$tmp/draw-$1/open.json" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data '{"service":"C","places":20}' "$(cat "$tmp/draw-$1/url")/api/v1/draws")
	[ "$code" = 201 ] || fail "POST /api/v1/draws: $code $(cat "$tmp/draw-$1/open.json")"
	# the site file's window opens A's draw at the server's next minute
	draw_url=$(cat "$tmp/draw-$1/url")
	wait_until 75 draw_open_a || fail "the site file did not open service A's draw"
}
draw_open_a() {
	curl -s "$draw_url/api/v1/services" | python3 -c 'import json, sys
sys.exit(0 if [s for s in json.load(sys.stdin)["services"] if s["code"] == "A" and s["draw"]] else 1)'
}
draw() {
	lang=$1; size=$2
	p=$OUT/kiosk-$size-$lang
	draw_server "$lang"
	{
		echo "wait welcome"
		echo "tap @start"; echo "wait language"; echo "tap @lang:$lang"
		echo "wait procedure"
		echo "screenshot $p-draw-procedure.png"
		echo "tap @service:A"; echo "wait draw 20000"
		echo "screenshot $p-draw.png"
		echo "tap @enrol"; echo "wait priority"; echo "tap @no"; echo "wait holder"
		echo "type X${hn}345678"
		echo "key Return"
		echo "wait enrolled:printed 20000"
		echo "screenshot $p-draw-enrolled.png"
		echo "tap @done"; echo "wait welcome"
		# the same holder again: the same entry, said so
		echo "tap @start"; echo "wait language"; echo "tap @lang:$lang"; echo "wait procedure"
		echo "tap @service:A"; echo "wait draw"; echo "tap @enrol"; echo "wait priority"
		echo "tap @no"; echo "wait holder"; echo "type X${hn}345678"; echo "key Return"
		echo "wait enrolled:printed 20000"
		echo "screenshot $p-draw-again.png"
		echo "tap @done"; echo "wait welcome"
		# a manager's draw, no document number: enrolled after the priority question
		echo "tap @start"; echo "wait language"; echo "tap @lang:$lang"; echo "wait procedure"
		echo "tap @service:C"; echo "wait draw"
		echo "screenshot $p-draw-no-end.png"
		echo "tap @enrol"; echo "wait priority"; echo "tap @yes"
		echo "wait enrolled:printed 20000"
		echo "screenshot $p-draw-enrolled-no-end.png"
		echo "tap @done"; echo "wait welcome"
	} >"$tmp/next.script"; run "draw-$size-$lang" "draw-$lang" "$size" "file:$tmp/draw-$size-$lang.bin"
	hn=$((hn + 1))
}

LANGS="fr ar ta zh"
if [ -n "${SCREENS:-}" ]; then
	:
elif [ $ALL = 1 ]; then
	for size in 1080x1920 1920x1080 800x480; do
		for mode in "" large contrast; do
			for lang in $LANGS; do
				main_flow $lang $size "$mode"
				errors $lang $size "$mode"
			done
		done
		staff $size
	done
else
	# every screen in the four languages on the portrait kiosk screen
	for lang in $LANGS; do
		main_flow $lang 1080x1920 ""
		errors $lang 1080x1920 ""
	done
	# large text, high contrast
	main_flow fr 1080x1920 large
	main_flow ar 1080x1920 large
	main_flow fr 1080x1920 contrast
	# the other two sizes
	for size in 1920x1080 800x480; do
		main_flow fr $size ""
		errors fr $size ""
	done
	main_flow ar 1920x1080 ""
	main_flow ta 800x480 ""
	main_flow ar 800x480 large
	staff 1080x1920
fi
# an appointment's check-in, in French and Arabic
[ "${SCREENS:-}" = drawafter ] || [ "${SCREENS:-}" = draw ] || {
appt fr 1080x1920
appt ar 1080x1920
[ $ALL = 1 ] && for lang in ta zh; do appt $lang 1080x1920; done
}
# after the draw, and a convocation, in French and Arabic (issue #13)
if [ -z "${SCREENS:-}" ] || [ "${SCREENS:-}" = drawafter ]; then
	drawafter fr 1080x1920
	drawafter ar 1080x1920
	[ $ALL = 1 ] && for lang in ta zh; do drawafter $lang 1080x1920; done
fi
# the enrolment in a draw, in French and Arabic
if [ -z "${SCREENS:-}" ] || [ "${SCREENS:-}" = draw ]; then
	draw fr 1080x1920
	draw ar 1080x1920
	[ $ALL = 1 ] && for lang in ta zh; do draw $lang 1080x1920; done
fi
# the manager's notice on the welcome screen, portrait and landscape: a
# site of its own, so the other welcome screens stay without one
[ -n "${SCREENS:-}" ] || {
d=$tmp/notice
mkdir -p "$d"
site_init "$d/q.db" assets/demo/site.ini
device_add "$d/q.db" kiosk-1
echo "$KEY" >"$d/key"
user_add "$d/q.db" boss manager test-manager-pw
serve_start notice "$d/q.db" --always-open
echo "$SERVER_URL" >"$d/url"
today=$(TZ=Europe/Paris date +%F)
code=$(curl -s -o "$d/post.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' --data "{\"from\":\"$today\",\"to\":\"$today\",
	\"screens\":[\"kiosk\"],\"text\":{\"fr\":\"Naturalisation : pas d'accueil cet après-midi\",
	\"en\":\"Naturalisation: no reception this afternoon\"}}" "$SERVER_URL/api/v1/notices")
[ "$code" = 201 ] || fail_soft "POST /api/v1/notices: $code $(cat "$d/post.json")"
for size in 1080x1920 1920x1080; do
	printf 'wait welcome\nscreenshot %s/kiosk-%s-fr-welcome-notice.png\n' "$OUT" "$size" \
		>"$tmp/next.script"
	run "notice-$size" notice "$size" "file:$tmp/notice-$size.bin"
done
}

# 64 colours are plenty for flat screens and keep docs/ light; only the
# pictures made now (SCREENS=... leaves the others as they are, bytes too)
find "$OUT" -maxdepth 1 -name 'kiosk-*.png' -newer "$tmp/started" >"$tmp/made"
if command -v convert >/dev/null 2>&1 && [ -z "${FULL_COLOUR:-}" ]; then
	while read -r f; do
		convert "$f" -dither None -colors 64 "PNG8:$f.tmp" && mv "$f.tmp" "$f"
	done <"$tmp/made"
fi
echo "screens: $(wc -l <"$tmp/made") pictures made in $OUT, $fails failed runs"
[ $fails -eq 0 ]

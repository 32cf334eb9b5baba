# tests/lib.sh: the shell test kit, sourced by tests/it_*.sh, tests/screens.sh
# and the bench/*.sh scripts that start a server:
#
#   . "$(dirname "$0")/lib.sh"            (from tests/)
#   . "$(dirname "$0")/../tests/lib.sh"   (from bench/)
#
# It is the shell's testhelp.h: a temporary directory removed on exit, a
# database with its site and keys made through `kiosk admin`, `kiosk serve`
# started on 127.0.0.1 and a free port and waited for (its "listening on"
# line, with a deadline), stopped, Xvfb on a free display, and two ways to
# fail. Every wait is a counted poll with a deadline and a message that says
# what did not happen; nothing here sleeps in the hope that something is ready.
#
#   kit_tmp NAME [BASE]      tmp=BASE/NAME.XXXXXX (BASE: $TMPDIR or /tmp);
#                            on exit: tracked processes stopped, KIT_AT_EXIT
#                            run, tmp removed (kept with KEEP_TMP=1)
#   kit_track PID            stop PID on exit (kit_untrack PID: no longer)
#   need_build FILE...       each FILE must be built (else exit 1)
#   need_tool CMD...         each command must be installed (else exit 1)
#   fail MSG                 "FAIL: MSG", the servers' last log lines, exit 1
#   fail_soft MSG            "FAIL: MSG", fails+1, go on (the script ends
#                            with [ "$fails" -eq 0 ]); like CHECK beside REQUIRE
#   now_ms                   milliseconds, for deadlines the apps keep
#   noon_zone                prints a fixed-offset zone (Etc/GMT, Etc/GMT-N,
#                            Etc/GMT+N) where it is noon to 1 pm now: a site
#                            in it has every time made within hours of now
#                            on its today, whatever the hour the test runs
#   wait_until SECONDS CMD.. run CMD every 50 ms until it succeeds (0) or
#                            SECONDS have passed (1)
#   wait_line FILE RE PID SECONDS
#                            until FILE has a line matching RE (0); 1 when
#                            PID ended first or SECONDS passed (KIT_WHY says)
#   site_init DB SITE        `kiosk admin init` with the SITE file, `keygen`
#   device_add DB NAME       a kiosk device; sets KEY (its key)
#   user_add DB NAME ROLE PASSWORD
#                            a staff account; sets TOKEN (its API token)
#   serve_start [-p PORT] NAME DB [ARGS...]
#                            `kiosk serve --db DB --listen 127.0.0.1:PORT ARGS`
#                            (PORT 0, any free one, by default); stdout in
#                            $tmp/serve-NAME.out, stderr added to
#                            $tmp/serve-NAME.log; waits up to 20 s for its
#                            "listening on" line, else fails with its log;
#                            sets SERVER_PID, SERVER_URL, SERVER_PORT, SERVER_LOG
#   serve_stop PID           SIGTERM; the server's exit status, or 1 if it
#                            had to be killed after 20 s
#   xvfb_start [WxHxD]       Xvfb on a display it picks free (-displayfd),
#                            no TCP; waits up to 10 s; sets XVFB_DISPLAY
#                            (":N", for DISPLAY) and XVFB_PID
#   xvfb_stop                stops it
#
# Nothing here listens beyond 127.0.0.1: serve_start chooses the address and
# refuses a --listen of the caller's; Xvfb runs with -nolisten tcp.
# Kit variables are named kit_* or KIT_* (and the outputs above), so that a
# script's own variables are left alone. fail in a subshell (inside $(...)
# or a pipeline) leaves only that subshell. Works with set -eu.
# shellcheck disable=SC2034 # SERVER_*, XVFB_*, KEY, TOKEN are for the scripts

BUILD=${BUILD:-build}
K=$BUILD/kiosk
fails=0
tmp=
KIT_PIDS=
KIT_LOGS=
KIT_AT_EXIT=
KIT_WHY=
XVFB_PID=
XVFB_DISPLAY=

need_build() {
	for kit_f in "$@"; do
		[ -x "$kit_f" ] || { echo "build $kit_f first (make tests-build; benchmarks: make bench)" >&2; exit 1; }
	done
}

need_tool() {
	for kit_f in "$@"; do
		command -v "$kit_f" >/dev/null 2>&1 ||
			{ echo "the $kit_f command is needed (make test-deps)" >&2; exit 1; }
	done
}

# The last lines of every server log so far: what a failure needs to be read.
kit_logs() {
	for kit_f in $KIT_LOGS; do
		[ -s "$kit_f" ] || continue
		echo "--- last lines of $kit_f:"
		tail -n "${1:-20}" "$kit_f"
	done
}

fail() {
	echo "FAIL: $*" >&2
	kit_logs 20 >&2
	exit 1
}

fail_soft() {
	fails=$((fails + 1))
	echo "FAIL: $*" >&2
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# UTC+o with o = 12 - the UTC hour (-11 to +12: every one a zone of the
# tz database). POSIX-style names count the other way: Etc/GMT-5 is UTC+5.
noon_zone() {
	kit_h=$(date -u +%H)
	kit_o=$((12 - ${kit_h#0}))
	if [ "$kit_o" -gt 0 ]; then echo "Etc/GMT-$kit_o"
	elif [ "$kit_o" -lt 0 ]; then echo "Etc/GMT+$((-kit_o))"
	else echo Etc/GMT; fi
}

wait_until() {
	kit_tries=$(($1 * 20))
	shift
	until "$@"; do
		kit_tries=$((kit_tries - 1))
		[ "$kit_tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

wait_line() {
	kit_tries=$(($4 * 20))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		if ! kill -0 "$3" 2>/dev/null; then
			grep -q -- "$2" "$1" 2>/dev/null && return 0   # wrote it, then ended
			KIT_WHY="it ended"
			return 1
		fi
		kit_tries=$((kit_tries - 1))
		[ "$kit_tries" -gt 0 ] || { KIT_WHY="not within $4 s"; return 1; }
		sleep 0.05
	done
}

kit_track() { KIT_PIDS="$KIT_PIDS $1"; }

kit_untrack() {
	kit_left=
	for kit_p in $KIT_PIDS; do
		[ "$kit_p" = "$1" ] || kit_left="$kit_left $kit_p"
	done
	KIT_PIDS=$kit_left
}

kit_gone() { ! kill -0 "$1" 2>/dev/null; }

kit_all_gone() {
	for kit_p in $KIT_PIDS; do
		kill -0 "$kit_p" 2>/dev/null && return 1
	done
	return 0
}

# On exit: SIGTERM to what is still tracked, SIGKILL after 5 s, then the
# script's own KIT_AT_EXIT (an unmount, say), then the directory.
kit_cleanup() {
	kit_rc=$?
	set +e
	if [ -n "$KIT_PIDS" ]; then
		for kit_p in $KIT_PIDS; do kill -TERM "$kit_p" 2>/dev/null; done
		if ! wait_until 5 kit_all_gone; then
			for kit_p in $KIT_PIDS; do kill -KILL "$kit_p" 2>/dev/null; done
		fi
		for kit_p in $KIT_PIDS; do wait "$kit_p" 2>/dev/null; done
		KIT_PIDS=
	fi
	[ -z "$KIT_AT_EXIT" ] || eval "$KIT_AT_EXIT"
	if [ -n "$tmp" ] && [ -d "$tmp" ]; then
		if [ -n "${KEEP_TMP:-}" ]; then echo "files kept in $tmp" >&2; else rm -rf "$tmp"; fi
	fi
	exit "$kit_rc"
}

kit_tmp() {
	tmp=$(mktemp -d "${2:-${TMPDIR:-/tmp}}/$1.XXXXXX") || { echo "cannot make a temporary directory" >&2; exit 1; }
	trap kit_cleanup EXIT
	trap 'exit 1' INT TERM
}

# kit_admin WHAT ARGS...: `kiosk admin ARGS`, its stderr kept in $tmp/admin.log.
kit_admin() {
	kit_what=$1
	shift
	"$K" admin "$@" 2>>"$tmp/admin.log" ||
		fail "kiosk admin $kit_what failed: $(tail -n 5 "$tmp/admin.log")"
}

# site_open ID ZONE: a site file's [site] section, open every day all day
# (so that a test never meets closed hours), named "Test site".
site_open() {
	printf '[site]\nid = %s\nname = Test site\ntimezone = %s\n' "$1" "$2"
	for d in mon tue wed thu fri sat sun; do echo "$d = 00:00-24:00"; done
}

site_init() {
	kit_admin init --db "$1" init --site "$2" >/dev/null
	kit_admin keygen --db "$1" keygen >/dev/null
}

device_add() {
	KEY=$(kit_admin "device add" --db "$1" device add "$2") || exit 1
	[ -n "$KEY" ] || fail "kiosk admin device add $2 printed no key"
}

user_add() {
	echo "$4" | kit_admin "user add" --db "$1" user add "$2" --role "$3" >/dev/null || exit 1
	TOKEN=$(kit_admin "user token" --db "$1" user token "$2") || exit 1
	[ -n "$TOKEN" ] || fail "kiosk admin user token $2 printed no token"
}

serve_start() {
	kit_port=0
	if [ "$1" = -p ]; then kit_port=$2; shift 2; fi
	kit_name=$1 kit_db=$2
	shift 2
	[ -n "$tmp" ] || fail "serve_start: call kit_tmp first"
	for kit_f in "$@"; do
		[ "$kit_f" != --listen ] || fail "serve_start $kit_name: the kit chooses the address (127.0.0.1)"
	done
	kit_out=$tmp/serve-$kit_name.out
	SERVER_LOG=$tmp/serve-$kit_name.log
	case " $KIT_LOGS " in *" $SERVER_LOG "*) ;; *) KIT_LOGS="$KIT_LOGS $SERVER_LOG" ;; esac
	: >"$kit_out"
	"$K" serve --db "$kit_db" --listen "127.0.0.1:$kit_port" "$@" >"$kit_out" 2>>"$SERVER_LOG" &
	SERVER_PID=$!
	kit_track "$SERVER_PID"
	if ! wait_line "$kit_out" '^listening on ' "$SERVER_PID" 20; then
		{
			echo "FAIL: server $kit_name (kiosk serve --db $kit_db --listen 127.0.0.1:$kit_port $*)"
			echo "  did not print its \"listening on\" line: $KIT_WHY"
			echo "--- $SERVER_LOG:"
			tail -n 40 "$SERVER_LOG"
			echo "--- $kit_out:"
			cat "$kit_out"
		} >&2
		exit 1
	fi
	SERVER_URL=$(sed -n 's|^listening on \(https\{0,1\}://127\.0\.0\.1:[0-9][0-9]*\)$|\1|p' "$kit_out" | head -n 1)
	[ -n "$SERVER_URL" ] || fail "server $kit_name: not on 127.0.0.1? $(head -n 1 "$kit_out")"
	SERVER_PORT=${SERVER_URL##*:}
}

serve_stop() {
	kill -TERM "$1" 2>/dev/null || true
	if ! wait_until 20 kit_gone "$1"; then
		echo "the server (pid $1) did not stop within 20 s of SIGTERM: killed" >&2
		kill -KILL "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
		kit_untrack "$1"
		return 1
	fi
	kit_untrack "$1"
	if wait "$1"; then return 0; else return $?; fi
}

kit_has_display() { grep -q '^[0-9][0-9]*$' "$tmp/xvfb.dpy" 2>/dev/null; }

xvfb_start() {
	[ -n "$tmp" ] || fail "xvfb_start: call kit_tmp first"
	: >"$tmp/xvfb.dpy"
	# -displayfd: Xvfb picks a free display and writes its number when it
	# accepts clients, which is the moment to wait for.
	Xvfb -displayfd 3 -screen 0 "${1:-1280x1024x24}" -nolisten tcp \
		3>"$tmp/xvfb.dpy" >"$tmp/xvfb.log" 2>&1 &
	XVFB_PID=$!
	kit_track "$XVFB_PID"
	wait_until 10 kit_has_display ||
		fail "Xvfb did not give its display within 10 s: $(tail -n 5 "$tmp/xvfb.log")"
	XVFB_DISPLAY=:$(cat "$tmp/xvfb.dpy")
}

xvfb_stop() {
	[ -n "$XVFB_PID" ] || return 0
	kill -TERM "$XVFB_PID" 2>/dev/null || true
	wait "$XVFB_PID" 2>/dev/null || true
	kit_untrack "$XVFB_PID"
	XVFB_PID=''
	XVFB_DISPLAY=''
}

# fr_day EPOCH [ZONE]: that day as the kiosk writes it out in French
# ("lundi 7 décembre 2026"; core/i18n.h i18n_day), in ZONE (default UTC).
fr_day() {
	set -- "$(TZ=${2:-UTC} date -d "@$1" '+%w %-d %-m %Y')"
	set -- $1
	echo "$(echo "dimanche lundi mardi mercredi jeudi vendredi samedi" | cut -d' ' -f$(($1 + 1)))" \
		"$([ "$2" = 1 ] && echo 1er || echo "$2")" \
		"$(echo "janvier février mars avril mai juin juillet août septembre octobre novembre \
décembre" | tr -s ' \n' '  ' | cut -d' ' -f"$3")" "$4"
}

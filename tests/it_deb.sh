#!/bin/sh
# it_deb: the Debian packages, installed on this machine (issue 15).
#
#   1. `make deb` builds reception-desk-{common,server,kiosk} from the tree;
#      lintian gives no error (warnings are printed; the accepted ones are
#      overridden in debian/*.lintian-overrides, with the reason).
#   2. They install with apt (which brings cage for the kiosk): the users
#      kiosk and kiosk-touch, the folders with their owners and modes, the
#      conffiles, the manual pages; no site is running or made.
#   3. systemd-analyze verify passes on every unit, and
#      systemd-analyze security --offline=yes rates kiosk-serve.service and
#      kiosk-backup.service 2.5 or less (the scores are printed).
#   4. The server, as the unit runs it (user kiosk, umask 077, the installed
#      program and web pages), serves a ticket, and makes no system call
#      outside the unit's SystemCallFilter (strace: this machine has no
#      systemd to run the unit itself).
#   5. The backup job takes a checked copy while the server runs (mode 0600),
#      deletes copies older than KIOSK_BACKUP_DAYS, and refuses a damaged
#      database, leaving no copy.
#   6. dpkg -P removes what the packages made and keeps the data (and its
#      user); KIOSK_PURGE_DATA=yes removes those too.
#
# It needs root (it installs packages, makes users): as another user it
# prints SKIP and passes. CI runs as root, so it runs there.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: it_deb builds and installs Debian packages, which needs root (CI runs as root)"
	exit 0
fi
case ${BUILD:-build} in
*asan*) echo "SKIP: it_deb checks the packages once, in the plain run, not in the sanitizer build"; exit 0 ;;
esac
# One run at a time on a machine: two would share the users and dpkg's lock.
if [ -z "${IT_DEB_LOCKED:-}" ] && command -v flock >/dev/null; then
	IT_DEB_LOCKED=1 flock -E 99 -w 600 /tmp/reception-desk-it_deb.lock sh "$0" "$@"
	rc=$?
	[ "$rc" -ne 99 ] || echo "FAIL: another it_deb run held /tmp/reception-desk-it_deb.lock for 600 s" >&2
	exit "$rc"
fi
need_tool dpkg-buildpackage lintian systemd-analyze scdoc apt-get strace sqlite3 curl
kit_tmp it_deb

PKGS="reception-desk-kiosk reception-desk-server reception-desk-common"
MARK=/var/lib/kiosk/.it_deb   # this test's own site, safe to remove

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
any_installed() {
	for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv 'not-installed' && return 0; done
	return 1
}
purge_all() { KIOSK_PURGE_DATA=yes dpkg -P $PKGS >"$tmp/purge-all.log" 2>&1; }

# A machine where someone installed the server by hand (INSTALL.md's old
# way) is not this test's to change. What an earlier run left is.
if [ -e "$MARK" ] || any_installed; then
	purge_all || fail "cannot purge what an earlier run left: $(tail -5 "$tmp/purge-all.log")"
	[ ! -e "$MARK" ] || rm -rf /var/lib/kiosk
fi
for u in kiosk kiosk-touch; do
	! getent passwd "$u" >/dev/null ||
		fail "this machine already has a user $u that no package made; it_deb will not touch it"
done
for d in /var/lib/kiosk /var/lib/kiosk-touch /etc/kiosk; do
	[ ! -e "$d" ] || fail "this machine already has $d that no package made; it_deb will not touch it"
done
KIT_AT_EXIT='any_installed && purge_all; [ ! -e "$MARK" ] || rm -rf /var/lib/kiosk'

t0=$(date +%s)
step() { echo "$(($(date +%s) - t0))s: $*"; }
# 1. Build and lint.
make deb DEBOUT="$tmp/deb" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; fail "make deb failed"; }
step "built"
for p in $PKGS; do
	ls "$tmp/deb/$p"_*.deb >/dev/null 2>&1 || fail "make deb made no $p package"
done
deb() { ls "$tmp/deb/$1"_*.deb; }
lintian --fail-on error "$tmp/deb/"*.changes >"$tmp/lintian.log" 2>&1 ||
	{ cat "$tmp/lintian.log"; fail "lintian found errors"; }
grep -E '^[EW]:' "$tmp/lintian.log" && echo "(lintian warnings above, not errors)"
step "lintian"
for p in $PKGS; do
	dpkg-deb -f "$(deb "$p")" Depends | grep -q -- '-dev\b\|build-essential' &&
		fail "$p depends on a -dev package or build-essential: $(dpkg-deb -f "$(deb "$p")" Depends)"
done
dpkg-deb -f "$(deb reception-desk-common)" Depends | grep -q 'libsqlite3-0' ||
	fail "reception-desk-common's dependencies do not come from the program's libraries (shlibs)"

# 2. Install: apt resolves cage and the libraries.
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=120 "$@" >"$tmp/apt.log" 2>&1 && return 0
	# the package lists may be missing on a new machine
	apt-get update -qq >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=120 "$@" >"$tmp/apt.log" 2>&1
}
apt_install "$(deb reception-desk-common)" "$(deb reception-desk-server)" "$(deb reception-desk-kiosk)" ||
	fail "installing the packages failed: $(tail -15 "$tmp/apt.log")"
for p in $PKGS; do installed "$p" || fail "$p is not installed after apt-get install"; done
step "installed"

# owner:group mode of a path
mode_of() { stat -c '%U:%G %a' "$1"; }
expect_mode() { # PATH "OWNER:GROUP MODE"
	got=$(mode_of "$1" 2>&1)
	[ "$got" = "$2" ] || fail_soft "$1 is '$got', want '$2'"
}
pw=$(getent passwd kiosk) || fail "no user kiosk after installing reception-desk-server"
uid=$(echo "$pw" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail_soft "kiosk is not a system user (uid $uid)"
[ "$(echo "$pw" | cut -d: -f6)" = /var/lib/kiosk ] || fail_soft "kiosk's home is not /var/lib/kiosk: $pw"
[ "$(echo "$pw" | cut -d: -f7)" = /usr/sbin/nologin ] || fail_soft "kiosk can log in: $pw"
expect_mode /var/lib/kiosk "kiosk:kiosk 750"
expect_mode /var/lib/kiosk/backup "kiosk:kiosk 700"
expect_mode /var/lib/kiosk-touch "kiosk-touch:kiosk-touch 750"
expect_mode /usr/bin/kiosk "root:root 755"
expect_mode /usr/libexec/reception-desk/kiosk-backup "root:root 755"
getent passwd kiosk-touch >/dev/null || fail "no user kiosk-touch after installing reception-desk-kiosk"
for g in lp video audio; do
	id -nG kiosk-touch | tr ' ' '\n' | grep -qx "$g" || fail_soft "kiosk-touch is not in group $g"
done
id -nG kiosk | tr ' ' '\n' | grep -qx lp && fail_soft "the server's user kiosk is in group lp"
conff=$(dpkg-query -W -f='${Conffiles}\n' reception-desk-server)
for f in /etc/kiosk/site.ini /etc/default/kiosk-serve; do
	echo "$conff" | grep -q " $f " || fail_soft "$f is not a conffile of reception-desk-server"
	[ -f "$f" ] || fail_soft "$f is not installed"
done
[ -z "$(grep -v '^[[:space:]]*[;#]' /etc/kiosk/site.ini | tr -d '[:space:]')" ] ||
	fail_soft "/etc/kiosk/site.ini has active lines: it must be an example only"
[ -z "$(grep -v '^[[:space:]]*#' /etc/default/kiosk-serve | tr -d '[:space:]')" ] ||
	fail_soft "/etc/default/kiosk-serve sets something by default"
for m in kiosk kiosk-serve kiosk-admin kiosk-verify kiosk-ticket kiosk-touch; do
	[ -f "/usr/share/man/man1/$m.1.gz" ] || fail_soft "no manual page $m(1)"
done
man -l /usr/share/man/man1/kiosk-admin.1.gz 2>/dev/null | grep -q 'audit verify' ||
	fail_soft "man kiosk-admin does not render"
[ -f /usr/share/kiosk/assets/web/board.html ] || fail_soft "no web pages in /usr/share/kiosk/assets/web"
[ -f /usr/share/kiosk/assets/po/fr.po ] || fail_soft "no translations in /usr/share/kiosk/assets/po"
[ -f /lib/udev/rules.d/60-reception-desk-printer.rules ] || fail_soft "no printer udev rule"
# No site: nothing made, nothing running, the unit waits for one.
[ ! -e /var/lib/kiosk/queue.db ] || fail "installing made a database"
pgrep -u kiosk >/dev/null && fail "a process of user kiosk runs after installing: $(pgrep -a -u kiosk)"
grep -qx 'ConditionPathExists=/var/lib/kiosk/queue.db' /lib/systemd/system/kiosk-serve.service ||
	fail "kiosk-serve.service does not wait for a site (ConditionPathExists)"
[ -L /etc/systemd/system/multi-user.target.wants/kiosk-serve.service ] || fail_soft "kiosk-serve is not enabled"
[ -L /etc/systemd/system/timers.target.wants/kiosk-backup.timer ] || fail_soft "kiosk-backup.timer is not enabled"
[ ! -e /etc/systemd/system/graphical.target.wants/kiosk-touch.service ] ||
	fail_soft "kiosk-touch is enabled by the package: it would take tty1 before it is configured"
out=$(cd /tmp && runuser -u kiosk -- kiosk admin --db /var/lib/kiosk/queue.db init --site /etc/kiosk/site.ini 2>&1) &&
	fail "the example site.ini was accepted as a site: $out"
[ ! -e /var/lib/kiosk/queue.db ] || fail "init with the example site.ini made a database"

# 3. The units.
sdver=$(systemctl --version | awk 'NR == 1 { print $2 }')
units=$(for p in reception-desk-server reception-desk-kiosk; do dpkg -L "$p"; done | grep '^/lib/systemd/system/')
[ "$(echo "$units" | wc -l)" -eq 4 ] || fail "expected 4 units, got: $units"
for u in $units; do
	systemd-analyze verify "$u" >"$tmp/verify.log" 2>&1 || { cat "$tmp/verify.log"; fail "systemd-analyze verify $u"; }
	# RestartSteps= and RestartMaxDelaySec= (the backoff) came in systemd 254
	bad=$(grep kiosk- "$tmp/verify.log" | { if [ "$sdver" -lt 254 ]; then
		grep -v "Unknown key '\(RestartSteps\|RestartMaxDelaySec\)'"; else cat; fi; })
	[ -z "$bad" ] || fail_soft "systemd-analyze verify $(basename "$u"): $bad"
done
scores=
for u in $units; do
	case $u in *.service) ;; *) continue ;; esac
	line=$(systemd-analyze security --offline=yes "$u" 2>/dev/null | grep 'Overall exposure level')
	score=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
	[ -n "$score" ] || fail "systemd-analyze security gave no score for $u"
	scores="$scores $(basename "$u" .service)=$score"
	case $u in
	*/kiosk-serve.service|*/kiosk-backup.service)
		awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' ||
			fail_soft "$(basename "$u"): exposure $score, above the goal 2.5: $line" ;;
	esac
done
echo "exposure (systemd-analyze security --offline=yes):$scores"
step "units checked"

# 4. A site, and the server as the unit starts it.
cat >"$tmp/site.ini" <<'EOF'
[site]
id = it-deb
name = Debian test site
timezone = Europe/Paris
[service A]
name = Service A
capacity = 50
[counter 1]
services = A
EOF
chmod 0644 "$tmp/site.ini"
chmod 0755 "$tmp"
asuser() { (cd /var/lib/kiosk && umask 077 && runuser -u kiosk -- "$@"); }
touch "$MARK"
asuser kiosk admin --db /var/lib/kiosk/queue.db init --site "$tmp/site.ini" >/dev/null 2>>"$tmp/admin.log" ||
	fail "init as kiosk: $(tail -3 "$tmp/admin.log")"
asuser kiosk admin --db /var/lib/kiosk/queue.db keygen >/dev/null 2>>"$tmp/admin.log" ||
	fail "keygen as kiosk: $(tail -3 "$tmp/admin.log")"
DK=$(asuser kiosk admin --db /var/lib/kiosk/queue.db device add hall 2>>"$tmp/admin.log") || fail "device add"
TK=$(echo 'a long password 1' | asuser kiosk admin --db /var/lib/kiosk/queue.db user add marie --role agent 2>>"$tmp/admin.log" >/dev/null &&
	asuser kiosk admin --db /var/lib/kiosk/queue.db user token marie 2>>"$tmp/admin.log") || fail "user add"
expect_mode /var/lib/kiosk/queue.db.key "kiosk:kiosk 600"

# The unit's command line, with this test's address, and open at any hour
# (KIOSK_SERVE_OPTS=--always-open)
exec_line=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/kiosk-serve.service)
case $exec_line in
"/usr/bin/kiosk serve --db /var/lib/kiosk/queue.db --listen \${KIOSK_LISTEN} \$KIOSK_SERVE_OPTS") ;;
*) fail "kiosk-serve.service's ExecStart changed; update this test: $exec_line" ;;
esac
SERVER_LOG=$tmp/serve.log
KIT_LOGS=$SERVER_LOG
touch "$tmp/strace.out" && chown kiosk "$tmp/strace.out"
(cd /var/lib/kiosk && umask 077 && exec runuser -u kiosk -- strace -f -qq -o "$tmp/strace.out" \
	/usr/bin/kiosk serve --db /var/lib/kiosk/queue.db --listen 127.0.0.1:0 --always-open) >"$tmp/serve.out" 2>"$SERVER_LOG" &
spid=$!
kit_track "$spid"
wait_line "$tmp/serve.out" 'listening on' "$spid" 20 || fail "the installed server did not start: $KIT_WHY"
U=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/serve.out" | head -1)
# the server itself (runuser and strace sit between it and us), stopped on exit
kpid=$(pgrep -u kiosk -x kiosk) || fail "the server is not running as user kiosk"
kit_track "$kpid"
for page in /board /console /stats; do
	c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U$page")
	[ "$c" = 200 ] || fail_soft "the installed server answers $c for $page (web pages not found?)"
done
c=$(curl -s -o "$tmp/ticket.json" -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $DK" -d '{"service":"A"}' "$U/api/v1/tickets")
[ "$c" = 201 ] || [ "$c" = 200 ] || fail "issuing a ticket: $c $(cat "$tmp/ticket.json")"
c=$(curl -s -o "$tmp/call.json" -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $TK" -d '{}' "$U/api/v1/counters/1/call-next")
[ "$c" = 200 ] || fail_soft "calling the ticket: $c $(cat "$tmp/call.json")"

# 5. The backup job while the server runs.
old=/var/lib/kiosk/backup/queue-2000-01-01T000000.db
asuser sh -c "echo old > $old && touch -d '20 days ago' $old"
asuser env KIOSK_BACKUP_DAYS=14 /usr/libexec/reception-desk/kiosk-backup >"$tmp/backup.log" 2>&1 ||
	fail "the backup job failed: $(cat "$tmp/backup.log")"
set -- /var/lib/kiosk/backup/queue-2*.db
[ $# -eq 1 ] && [ "$1" != "$old" ] || fail_soft "want exactly one new backup (the old one deleted), got: $*"
b=$1
expect_mode "$b" "kiosk:kiosk 600"
[ "$(sqlite3 -readonly "$b" 'SELECT count(*) FROM tickets;' 2>&1)" = 1 ] ||
	fail_soft "the backup does not hold the day's ticket: $(sqlite3 -readonly "$b" 'SELECT count(*) FROM tickets;' 2>&1)"
grep -q 'integrity ok; audit log intact' "$tmp/backup.log" || fail_soft "the backup job did not check: $(cat "$tmp/backup.log")"
# A damaged database gives no backup, and the job fails.
asuser sh -c "cp /var/lib/kiosk/backup/queue-2*.db /var/lib/kiosk/damaged.db"
size=$(stat -c %s /var/lib/kiosk/damaged.db)
dd if=/dev/urandom of=/var/lib/kiosk/damaged.db bs=4096 seek=3 count=$((size / 4096 - 4)) conv=notrunc 2>/dev/null
mkdir -m 0700 "$tmp/bk" && chown kiosk "$tmp/bk"
asuser env KIOSK_DB=/var/lib/kiosk/damaged.db KIOSK_BACKUP_DIR="$tmp/bk" /usr/libexec/reception-desk/kiosk-backup \
	>"$tmp/backup-bad.log" 2>&1 && fail_soft "the backup job accepted a damaged database: $(cat "$tmp/backup-bad.log")"
[ -z "$(ls -A "$tmp/bk")" ] || fail_soft "a failed backup left files: $(ls -A "$tmp/bk")"
rm -f /var/lib/kiosk/damaged.db

kill -TERM "$kpid"
wait_until 20 kit_gone "$spid" || fail "the server did not stop within 20 s of SIGTERM"
wait "$spid" || fail_soft "the server did not end cleanly on SIGTERM"
kit_untrack "$spid"
kit_untrack "$kpid"
grep -q 'shutting down' "$SERVER_LOG" || fail_soft "the server did not log its shutdown"

step "server and backups checked"
# The system calls the server made, against the unit's filter:
# @system-service less @privileged (SystemCallFilter= in kiosk-serve.service).
grep -q '^SystemCallFilter=@system-service$' /lib/systemd/system/kiosk-serve.service &&
	grep -q '^SystemCallFilter=~@privileged$' /lib/systemd/system/kiosk-serve.service ||
	fail "kiosk-serve.service's SystemCallFilter changed; update this test"
expand() {
	systemd-analyze syscall-filter "$1" 2>/dev/null | sed -n '2,$p' | sed 's/^ *//' |
		grep -v '^#\|^$' | while read -r x; do
		case $x in @*) expand "$x" ;; *) echo "$x" ;; esac
	done
}
expand @system-service | sort -u >"$tmp/allowed"
expand @privileged | sort -u >"$tmp/privileged"
[ -s "$tmp/allowed" ] || fail "systemd-analyze syscall-filter gave nothing"
sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$tmp/strace.out" | grep -v '^execve$' | sort -u >"$tmp/used"
[ "$(wc -l <"$tmp/used")" -gt 20 ] || fail "strace saw almost no system calls"
bad=$( { comm -23 "$tmp/used" "$tmp/allowed"; comm -12 "$tmp/used" "$tmp/privileged"; } | tr '\n' ' ')
[ -z "$bad" ] || fail_soft "the server makes system calls kiosk-serve.service forbids: $bad"

step "system calls checked"
# 6. Purge: the data and its owner stay.
dpkg -P $PKGS >"$tmp/purge.log" 2>&1 || fail "dpkg -P failed: $(tail -5 "$tmp/purge.log")"
grep -q 'kept the data in /var/lib/kiosk' "$tmp/purge.log" || fail_soft "purge did not say the data were kept"
for f in /etc/kiosk /etc/default/kiosk-serve /usr/bin/kiosk /usr/share/kiosk /lib/systemd/system/kiosk-serve.service \
	/lib/udev/rules.d/60-reception-desk-printer.rules /etc/systemd/system/multi-user.target.wants/kiosk-serve.service \
	/etc/systemd/system/timers.target.wants/kiosk-backup.timer /var/lib/kiosk-touch /usr/libexec/reception-desk; do
	[ ! -e "$f" ] || fail_soft "$f is still there after dpkg -P"
done
getent passwd kiosk-touch >/dev/null && fail_soft "user kiosk-touch is still there after dpkg -P"
getent group kiosk-touch >/dev/null && fail_soft "group kiosk-touch is still there after dpkg -P"
[ -f /var/lib/kiosk/queue.db ] && [ -f /var/lib/kiosk/queue.db.key ] || fail_soft "dpkg -P removed the data"
getent passwd kiosk >/dev/null || fail_soft "dpkg -P removed the user kiosk, who owns the data kept"
step "purged"
# Installing again finds the data as they were.
dpkg -i "$(deb reception-desk-common)" "$(deb reception-desk-server)" >"$tmp/reinstall.log" 2>&1 ||
	fail "installing again: $(tail -5 "$tmp/reinstall.log")"
expect_mode /var/lib/kiosk "kiosk:kiosk 750"
expect_mode /var/lib/kiosk/queue.db.key "kiosk:kiosk 600"
step "installed again"
# Asked for: the data and the user go too.
KIOSK_PURGE_DATA=yes dpkg -P reception-desk-server reception-desk-common >"$tmp/purge2.log" 2>&1 ||
	fail "KIOSK_PURGE_DATA=yes dpkg -P failed: $(tail -5 "$tmp/purge2.log")"
[ ! -e /var/lib/kiosk ] || fail_soft "/var/lib/kiosk is still there after KIOSK_PURGE_DATA=yes dpkg -P"
getent passwd kiosk >/dev/null && fail_soft "user kiosk is still there after KIOSK_PURGE_DATA=yes dpkg -P"
getent group kiosk >/dev/null && fail_soft "group kiosk is still there after KIOSK_PURGE_DATA=yes dpkg -P"

step "purged with the data: done"
[ "$fails" -eq 0 ]

#!/bin/sh
# it_modes: file modes (issue 15). With the usual umask 022, every file the
# server and `kiosk admin` create is private to their user (0600): the
# database, its -wal and -shm, the run lock, the signing key and a backup.
# A backup taken during the day holds no day key (docs/PRIVACY.md): its
# holder hashes can no longer be tested; it is one file, not WAL, and it
# passes integrity_check. A database made world-readable by hand loses the
# bit for others when it is opened.
. "$(dirname "$0")/lib.sh"
need_build "$K"
need_tool curl sqlite3 stat
kit_tmp it_modes
umask 022

cat >"$tmp/site.ini" <<'EOF2'
[site]
id = it-modes
name = Test site
timezone = Europe/Paris
[service A]
name = Service A
capacity = 50
bind_holder = yes
[counter 1]
services = A
EOF2
db=$tmp/q.db
site_init "$db" "$tmp/site.ini"
device_add "$db" kiosk-1
DK=$KEY
serve_start main "$db" --always-open
code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $DK" \
	-H 'Content-Type: application/json' -d '{"service":"A","holder":"AB123456"}' "$SERVER_URL/api/v1/tickets")
[ "$code" = 201 ] || fail "no bound ticket: $code $(cat "$tmp/body")"
[ "$(sqlite3 -readonly "$db" 'SELECT count(*) FROM day_keys')" = 1 ] || fail "no day key in the live database"
[ -e "$db-wal" ] && [ -e "$db-shm" ] || fail "the live database has no -wal/-shm: $(ls "$tmp")"

# the online backup, while the server runs
"$K" admin --db "$db" backup "$tmp/backup.db" >/dev/null 2>"$tmp/err" || fail "backup: $(cat "$tmp/err")"

for f in "$db" "$db-wal" "$db-shm" "$db.lock" "$db.key" "$tmp/backup.db"; do
	[ -e "$f" ] || { fail_soft "$f was not created"; continue; }
	m=$(stat -c %a "$f")
	[ "$m" = 600 ] || fail_soft "$(basename "$f") is mode $m, not 600"
done
# nothing else of the database's world-readable (a -journal, a stray file)
others=$(find "$tmp" -type f \( -name 'q.db*' -o -name 'backup.db*' \) -perm /o=rwx)
[ -z "$others" ] || fail_soft "readable by others: $others"

# the backup: consistent, one file, no day key, the ticket's hash still there
[ "$(sqlite3 -readonly "$tmp/backup.db" 'PRAGMA integrity_check')" = ok ] || fail_soft "backup not ok"
[ "$(sqlite3 -readonly "$tmp/backup.db" 'SELECT count(*) FROM day_keys')" = 0 ] ||
	fail_soft "the backup holds a day key"
[ "$(sqlite3 -readonly "$tmp/backup.db" 'SELECT count(*) FROM tickets')" = 1 ] || fail_soft "the backup lost the ticket"
[ "$(sqlite3 -readonly "$tmp/backup.db" 'PRAGMA journal_mode')" != wal ] || fail_soft "the backup is in WAL mode"
[ ! -e "$tmp/backup.db-wal" ] || fail_soft "the backup left a -wal file"
# the live database keeps its day key
[ "$(sqlite3 -readonly "$db" 'SELECT count(*) FROM day_keys')" = 1 ] || fail_soft "the backup took the live day key"
serve_stop "$SERVER_PID" || fail_soft "the server did not stop cleanly"

# a database left world-readable by hand loses the bit for others
chmod 644 "$db"
"$K" admin --db "$db" audit verify >/dev/null 2>"$tmp/err" || fail "report: $(cat "$tmp/err")"
m=$(stat -c %a "$db")
[ "$m" = 640 ] || fail_soft "a 0644 database is $m once opened, not 640"

[ "$fails" -eq 0 ] || exit 1
echo "it_modes: ok"

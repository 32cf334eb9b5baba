#!/bin/sh
# it_pg_standby: a primary and a synchronous streaming standby (issue #11),
# throwaway clusters on Unix sockets (tests/pg.sh). A `kiosk serve` node
# connects with a multi-host string and target_session_attrs=read-write.
# Under load (8 kiosks issuing), the primary is killed (kill -9 of its
# postmaster) and the standby promoted: the server reconnects by itself and
# goes on issuing; every ticket it acknowledged (before, during, after) is
# in the promoted database, and no number was given twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
L=$BUILD/tools/loadgen
need_build "$K" "$L"
kit_tmp it_pg_standby
t0=$(date +%s)
pg_start kiosk
SB=$PG_DIR/sb
sb_stop() {
	[ -f "$SB/data/postmaster.pid" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$SB/data" -s -m immediate stop >/dev/null 2>&1
	return 0
}
KIT_AT_EXIT="sb_stop; $KIT_AT_EXIT"
pg_as mkdir -m 700 "$SB" || fail "cannot make $SB"

# The standby: a base backup streaming from the primary, named standby1,
# with its socket in a folder of its own.
(cd "$PG_DIR" && pg_as "$PG_BIN/pg_basebackup" -D "$SB/data" -R -X stream -c fast \
	-d "host=$PG_DIR user=postgres application_name=standby1") >"$tmp/basebackup.log" 2>&1 ||
	fail "pg_basebackup: $(tail -n 5 "$tmp/basebackup.log")"
echo "unix_socket_directories = '$SB'" | pg_as sh -c 'cat >>"$1"' sh "$SB/data/postgresql.conf"
(cd "$PG_DIR" && pg_as "$PG_BIN/pg_ctl" -D "$SB/data" -l "$SB/server.log" -w -t 60 -s start) ||
	fail "the standby did not start: $(tail -n 10 "$SB/server.log")"
pg_psql -c "ALTER SYSTEM SET synchronous_standby_names = 'standby1'" -c "SELECT pg_reload_conf()" >/dev/null
n=0
until [ "$(pg_psql -tAc "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")" = sync ]; do
	n=$((n + 1))
	[ $n -lt 100 ] || fail "the standby is not synchronous: $(pg_psql -tAc 'SELECT * FROM pg_stat_replication')"
	sleep 0.1
done

url="host=$PG_DIR,$SB port=5432,5432 dbname=kiosk user=postgres target_session_attrs=read-write connect_timeout=2"
key=$tmp/site.key
sed -e 's/^capacity = .*/capacity = 9999/' -e '/^bind_holder/d' assets/demo/site.ini >"$tmp/site.ini"
kit_admin init --db "$url" --key "$key" init --site "$tmp/site.ini" >/dev/null
kit_admin keygen --db "$url" --key "$key" keygen >/dev/null
keys=
for i in 1 2 3 4 5 6 7 8; do
	k=$(kit_admin "device add" --db "$url" --key "$key" device add "kiosk-$i")
	keys="$keys${keys:+,}$k"
done
serve_start node "$url" --key "$key" --always-open
spid=$SERVER_PID port=$SERVER_PORT

rec=$tmp/records
: >"$rec"
$L --port "$port" --issuers 8 --device-key "$keys" --services ABCDE --duration 8 \
	--max-errors 1000 --timeout 60 --out "$rec" >"$tmp/summary" 2>&1 &
lg=$!
kit_track "$lg"
# Kill the primary once tickets flow (bounded wait), then promote.
n=0
while [ "$(awk '$1 == "I" && $3 == 201' "$rec" | wc -l)" -lt 200 ] && [ $n -lt 200 ]; do
	sleep 0.05
	n=$((n + 1))
done
kill -9 "$(head -n 1 "$PG_DATA/postmaster.pid")"
killed_at=$(wc -l <"$rec")
before=$(head -n "$killed_at" "$rec" | awk '$1 == "I" && $3 == 201' | wc -l)
pg_as "$PG_BIN/pg_ctl" -D "$SB/data" -s -w -t 30 promote || fail "the standby was not promoted"
wait "$lg"
cat "$tmp/summary"
acked=$(awk '$1 == "I" && $3 == 201' "$rec" | wc -l)
after=$(tail -n +"$((killed_at + 1))" "$rec" | awk '$1 == "I" && $3 == 201' | wc -l)
[ "$before" -ge 200 ] || fail_soft "only $before tickets before the primary died"
[ "$after" -gt 50 ] || fail_soft "the server did not carry on after the promotion: $after tickets acknowledged since"
PGURL="postgresql:///kiosk?host=$SB&user=postgres"
awk '$1 == "I" && $3 == 201 {print $4, $5}' "$rec" | sort >"$tmp/acked"
pg_psql -tAc "SELECT id || ' ' || number FROM tickets" | sort >"$tmp/indb"
missing=$(comm -23 "$tmp/acked" "$tmp/indb" | head -3)
[ -z "$missing" ] || fail_soft "acknowledged but lost in the failover: $missing"
[ "$(pg_psql -tAc "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY day, service, seq HAVING COUNT(*) > 1) AS x")" -eq 0 ] ||
	fail_soft "a number was given twice"
dup=$(awk '$1 == "I" && $3 == 201 {print $4}' "$rec" | sort | uniq -d | head -3)
[ -z "$dup" ] || fail_soft "ids acknowledged twice: $dup"
other=$(awk '$1 == "I" && $3 != 201 {print $3, $8}' "$rec" | sort | uniq -c | tr -s ' \n' ' ')
# Refused meanwhile, if at all, as "reconnecting" (a kiosk says so and retries).
bad=$(awk '$1 == "I" && $3 != 201 && !($3 == 503 && $8 == "reconnecting") {print $3, $8}' "$rec" | sort | uniq -c | head -3)
[ -z "$bad" ] || fail_soft "answers during the failover other than 503 reconnecting: $bad"
serve_stop "$spid" || fail_soft "the server did not stop cleanly"
[ "$fails" -eq 0 ] || { kit_logs; exit 1; }
echo "it_pg_standby: ok: $acked tickets acknowledged ($before before the primary died, $after after), none lost, none twice; refused meanwhile:${other:- none}; $(($(date +%s) - t0)) s"

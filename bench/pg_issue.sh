#!/bin/sh
# bench/pg_issue: issue and call next with 8 clients, on SQLite and on
# PostgreSQL (issue #11), in the same run, on the same disk:
#   1. the two yardsticks: raw durable SQLite commits (WAL, synchronous=FULL,
#      one INSERT per transaction, build/bench/sqlite_commits) and raw
#      durable PostgreSQL single-row commits (pgbench, 8 clients, one INSERT
#      per transaction, synchronous_commit=on, fsync=on);
#   2. SQLite: one `kiosk serve`, 8 kiosks issue for BENCH_SECONDS, then 8
#      agents call next until the queues are empty;
#   3. PostgreSQL: the same against one node, then against two nodes on one
#      database (the clients spread over both). Each starts from an empty
#      database, as SQLite does: a run after another would find its
#      tickets and dead rows, and measure that instead.
# Goals on PostgreSQL: issue rate >= 50% of its raw commit rate, p99 < 20 ms.
# The throwaway cluster is tests/pg.sh's, in TMPDIR (BENCH_DIR).
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/../tests/pg.sh"
L=$BUILD/tools/loadgen
R=$BUILD/bench/sqlite_commits
SECONDS_=${BENCH_SECONDS:-10}
need_build "$K" "$L" "$R"
[ -z "${BENCH_DIR:-}" ] || TMPDIR=$BENCH_DIR
export TMPDIR
kit_tmp pgbench
dir=$tmp
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "disk: $(df -T "$dir" | awk 'NR == 2 {print $2 " on " $1 ", mounted on " $7}') ($dir)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
pg_start kiosk
echo "PostgreSQL: $("$PG_BIN/postgres" --version)"

# The yardsticks.
raw=$("$R" "$dir" 5) || { echo "sqlite_commits failed"; exit 1; }
echo "SQLite $raw"
pg_psql -c "CREATE TABLE raw_commits (id bigserial PRIMARY KEY, v bigint)" >/dev/null
echo 'INSERT INTO raw_commits (v) VALUES (1);' >"$dir/raw.sql"
chmod 644 "$dir/raw.sql"; chmod 755 "$dir"
pgraw=$(pg_as "$PG_BIN/pgbench" -h "$PG_DIR" -U postgres -n -c 8 -j 2 -T 5 -f "$dir/raw.sql" kiosk 2>&1)
pg_rate=$(echo "$pgraw" | sed -n 's/^tps = \([0-9]*\).*/\1/p')
pg_lat=$(echo "$pgraw" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
[ -n "$pg_rate" ] || { echo "pgbench failed: $pgraw"; exit 1; }
echo "PostgreSQL raw_commits: 8 clients, 5 s = ${pg_rate}/s (latency average $pg_lat ms, synchronous_commit=$(pg_psql -tAc 'SHOW synchronous_commit'))"

{
	printf '[site]\nid = bench\nname = Bench\ntimezone = Europe/Paris\n'
	for d in mon tue wed thu fri sat sun; do echo "$d = 00:00-24:00"; done
	for s in A B C D E F G H I J K; do
		printf '[service %s]\nname = Service %s\ncapacity = 9999\npriority_reserve = 0\n' $s $s
	done
	for c in 1 2 3 4 5 6 7 8; do printf '[counter %d]\nservices = ABCDEFGHIJK\n' $c; done
} >"$dir/site.ini"
# setup DB [KEYFILE]: the site, 8 kiosks, an agent.
setup() {
	kit_admin init --db "$1" ${2:+--key "$2"} init --site "$dir/site.ini" >/dev/null
	kit_admin keygen --db "$1" ${2:+--key "$2"} keygen >/dev/null
	keys=
	for i in 1 2 3 4 5 6 7 8; do
		k=$(kit_admin "device add" --db "$1" ${2:+--key "$2"} device add "kiosk-$i")
		keys="$keys${keys:+,}$k"
	done
	echo bench-password | kit_admin "user add" --db "$1" ${2:+--key "$2"} user add agent --role agent >/dev/null
	TK=$(kit_admin "user token" --db "$1" ${2:+--key "$2"} user token agent)
}
field() { echo "$1" | sed -n "s/.* $2=\([0-9.]*\).*/\1/p"; }
# run WHAT PORTS: issue for SECONDS_, then call until empty; sets rate, p99.
run() {
	out=$("$L" --port "$2" --issuers 8 --device-key "$keys" --services ABCDEFGHIJK --priority 5 \
		--duration "$SECONDS_" --timeout $((SECONDS_ + 30)) --out "$dir/issue.rec")
	echo "$1 $(echo "$out" | grep '^issue:')"
	rate=$(field "$(echo "$out" | grep '^issue:')" ok_rate)
	p99=$(field "$(echo "$out" | grep '^issue:')" p99)
	out=$("$L" --port "$2" --callers 8 --staff-token "$TK" --counters 1-8 --drain --timeout 300 \
		--out "$dir/call.rec")
	echo "$1 $(echo "$out" | grep '^call-next:')"
}

setup "$dir/bench.db"
serve_start sqlite "$dir/bench.db" --always-open
run "SQLite, one server:" "$SERVER_PORT"
sq_rate=$rate
serve_stop "$SERVER_PID" >/dev/null || true

setup "$PGURL" "$dir/site.key"
serve_start pgA "$PGURL" --key "$dir/site.key" --always-open
pidA=$SERVER_PID portA=$SERVER_PORT
run "PostgreSQL, one node:" "$portA"
one_rate=$rate one_p99=$p99
serve_stop "$pidA" >/dev/null || true

two=$(pg_createdb kiosk2) || exit 1
setup "$two" "$dir/site2.key"
serve_start pgA "$two" --key "$dir/site2.key" --always-open
pidA=$SERVER_PID portA=$SERVER_PORT
serve_start pgB "$two" --key "$dir/site2.key" --always-open
pidB=$SERVER_PID portB=$SERVER_PORT
run "PostgreSQL, two nodes:" "$portA,$portB"
two_rate=$rate
serve_stop "$pidA" >/dev/null || true
serve_stop "$pidB" >/dev/null || true

awk -v s="$sq_rate" -v r1="$one_rate" -v r2="$two_rate" -v p="$one_p99" -v raw="$pg_rate" 'BEGIN {
	printf "PostgreSQL ratio: issue %.1f/s over raw commits %d/s = %.0f%% (goal >= 50%%)\n", r1, raw, 100 * r1 / raw
	printf "PostgreSQL issue p99: %s ms (goal < 20 ms)\n", p
	printf "two nodes against one: %.1f/s against %.1f/s (x%.2f); SQLite, one server: %.1f/s\n", r2, r1, r2 / r1, s }'

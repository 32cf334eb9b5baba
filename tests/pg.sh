# tests/pg.sh: a throwaway PostgreSQL cluster for the tests, sourced after
# tests/lib.sh (or alone) by tests/it_*.sh and bench/*.sh:
#
#   . "$(dirname "$0")/pg.sh"
#
#   pg_start NAME        initdb (--locale=C -E UTF8 --auth=trust, superuser
#                        postgres) in a new temporary directory, pg_ctl start
#                        listening only on a Unix socket in that directory
#                        (listen_addresses='', fsync=on, synchronous_commit=on),
#                        database NAME created; exports PGURL (a libpq URI:
#                        postgresql:///NAME?host=DIR&user=postgres) and sets
#                        PG_DIR (the directory and socket), PG_BIN (the
#                        binaries), PG_DATA and PG_LOG. Stopped on exit.
#   pg_createdb NAME     another database in that cluster; prints its URI
#   pg_psql ARGS...      PG_BIN's psql -X on that cluster (PGURL's database
#                        unless ARGS say -d URI), ON_ERROR_STOP set
#   pg_two_sites         two sites' schemas in database kiosk: bobigny (the
#                        superuser's) and raincy (owned by an ordinary role
#                        raincy, as a department's IT sets it up)
#   pg_site_url NAME     that site's connection string (its role, its
#                        search_path)
#   pg_site_init NAME SITEFILE
#                        (with lib.sh) the site's schema made from SITEFILE
#                        and a key $tmp/NAME.key; its kiosk `kiosk-1` (its
#                        key in DK_NAME) and agent `marie` (token in AT_NAME)
#   pg_stop              pg_ctl stop -m fast, the directory removed (also on
#                        exit: through lib.sh's KIT_AT_EXIT when lib.sh is
#                        loaded, else a trap of its own)
#
# The binaries are Debian's, /usr/lib/postgresql/VERSION/bin (the newest
# version there), never whatever PATH has. As root, initdb and the server run
# as the postgres user (runuser), in a directory it owns; as another user,
# as that user. The cluster is never reachable from the network, and trust
# authentication is only ever on the socket of a 0700 directory.
# Functions and variables here are named pg_* and PG_* (and PGURL).
# shellcheck disable=SC2034 # PG_DATA, PG_LOG are for the scripts

PG_DIR=
PG_BIN=
PG_DATA=
PG_LOG=
PG_TRAPPED=

# pg_as CMD...: CMD as the cluster's owner (postgres when we are root).
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_find_bin() {
	PG_BIN=
	for pg_d in /usr/lib/postgresql/*/bin; do
		[ -x "$pg_d/initdb" ] && [ -x "$pg_d/pg_ctl" ] && [ -x "$pg_d/psql" ] || continue
		pg_v=${pg_d#/usr/lib/postgresql/}
		pg_v=${pg_v%/bin}
		if [ -z "$PG_BIN" ] || [ "${pg_v%%.*}" -gt "${pg_best%%.*}" ] 2>/dev/null; then
			PG_BIN=$pg_d
			pg_best=$pg_v
		fi
	done
	[ -n "$PG_BIN" ] || { echo "PostgreSQL is needed: /usr/lib/postgresql/*/bin (make test-deps)" >&2; return 1; }
}

pg_exit() {
	pg_rc=$?
	pg_stop
	exit "$pg_rc"
}

pg_start() {
	pg_name=${1:?pg_start NAME}
	[ -z "$PG_DIR" ] || { echo "pg_start: a cluster already runs in $PG_DIR" >&2; return 1; }
	pg_find_bin || return 1
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || { echo "pg_start: no postgres user (apt-get install postgresql)" >&2; return 1; }
		command -v runuser >/dev/null 2>&1 || { echo "pg_start: runuser is needed" >&2; return 1; }
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pg-$pg_name.XXXXXX") ||
		{ echo "pg_start: cannot make a temporary directory" >&2; PG_DIR=; return 1; }
	# Stop and remove it on exit, whatever happens from here on.
	if command -v kit_cleanup >/dev/null 2>&1; then
		case $KIT_AT_EXIT in *pg_stop*) ;; *) KIT_AT_EXIT="${KIT_AT_EXIT:+$KIT_AT_EXIT; }pg_stop" ;; esac
		trap kit_cleanup EXIT
		trap 'exit 1' INT TERM
	elif [ -z "$PG_TRAPPED" ]; then
		trap pg_exit EXIT
		trap 'exit 1' INT TERM
		PG_TRAPPED=1
	fi
	# The socket's path must fit in sun_path (107 bytes with its name).
	[ "${#PG_DIR}" -le 88 ] || { echo "pg_start: $PG_DIR is too long for a socket path (set TMPDIR)" >&2; return 1; }
	[ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR" || return 1
	pg_as test -w "$PG_DIR" ||
		{ echo "pg_start: the postgres user cannot write to $PG_DIR (its parents must be searchable; set TMPDIR)" >&2; return 1; }
	PG_DATA=$PG_DIR/data
	PG_LOG=$PG_DIR/server.log
	# --no-sync: a throwaway cluster need not survive a crash of its initdb;
	# the server itself runs with fsync=on, as in production.
	if ! (cd "$PG_DIR" && pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --locale=C -E UTF8 \
	    --auth=trust --no-sync --no-instructions >"$PG_DIR/initdb.log" 2>&1); then
		echo "pg_start: initdb failed:" >&2
		tail -n 20 "$PG_DIR/initdb.log" >&2
		return 1
	fi
	pg_as sh -c 'cat >>"$1"' sh "$PG_DATA/postgresql.conf" <<EOF
# tests/pg.sh: a Unix socket only, durable commits
listen_addresses = ''
unix_socket_directories = '$PG_DIR'
fsync = on
synchronous_commit = on
EOF
	if ! (cd "$PG_DIR" && pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s start); then
		echo "pg_start: the server did not start:" >&2
		tail -n 20 "$PG_LOG" >&2
		return 1
	fi
	"$PG_BIN/createdb" -h "$PG_DIR" -U postgres "$pg_name" ||
		{ echo "pg_start: cannot create the database $pg_name" >&2; return 1; }
	PGURL="postgresql:///$pg_name?host=$PG_DIR&user=postgres"
	export PGURL
}

pg_createdb() {
	pg_name=${1:?pg_createdb NAME}
	[ -n "$PG_DIR" ] || { echo "pg_createdb: no cluster (pg_start first)" >&2; return 1; }
	"$PG_BIN/createdb" -h "$PG_DIR" -U postgres "$pg_name" ||
		{ echo "pg_createdb: cannot create the database $pg_name" >&2; return 1; }
	echo "postgresql:///$pg_name?host=$PG_DIR&user=postgres"
}

pg_two_sites() {
	pg_psql -c "CREATE ROLE raincy LOGIN" -c "CREATE SCHEMA bobigny" \
		-c "CREATE SCHEMA raincy AUTHORIZATION raincy" >/dev/null
}

pg_site_url() {
	pg_u=postgres
	[ "$1" != raincy ] || pg_u=raincy
	echo "host=$PG_DIR dbname=kiosk user=$pg_u options='-c search_path=$1'"
}

pg_site_init() {
	pg_url=$(pg_site_url "$1")
	kit_admin init --db "$pg_url" --key "$tmp/$1.key" init --site "$2" >/dev/null
	kit_admin keygen --db "$pg_url" --key "$tmp/$1.key" keygen >/dev/null
	pg_k=$(kit_admin "device add" --db "$pg_url" --key "$tmp/$1.key" device add kiosk-1)
	eval "DK_$1=\$pg_k"
	echo 'secret-marie-1' | kit_admin "user add" --db "$pg_url" --key "$tmp/$1.key" \
		user add marie --role agent >/dev/null
	pg_k=$(kit_admin "user token" --db "$pg_url" --key "$tmp/$1.key" user token marie)
	eval "AT_$1=\$pg_k"
}

pg_psql() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$PGURL" "$@"
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ -f "$PG_DATA/postmaster.pid" ]; then
		(cd "$PG_DIR" && pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop) ||
			echo "pg_stop: pg_ctl stop failed (see $PG_LOG)" >&2
	fi
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "PostgreSQL files kept in $PG_DIR" >&2
	else
		rm -rf "$PG_DIR"
	fi
	PG_DIR=
	PG_DATA=
	PG_LOG=
}

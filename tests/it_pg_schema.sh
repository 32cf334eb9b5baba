#!/bin/sh
# it_pg_schema: the PostgreSQL migrations (db/pg/) are the SQLite ones (db/)
# on the other engine. On a throwaway cluster (tests/pg.sh) and a SQLite
# file, both at the last schema:
#   - the same file names in both folders (version N: the same schema);
#   - each db/pg file applies as the adapter sends it: one string,
#     "BEGIN; FILE; UPDATE schema_version ...; COMMIT";
#   - the same tables and columns, in the same order, with the same types
#     (INTEGER bigint, TEXT text COLLATE "C", BLOB bytea), NOT NULL and
#     defaults; the same named indexes on the same columns, unique or not,
#     partial with the same condition; the same triggers (PostgreSQL has
#     audit_no_truncate besides);
#   - one scenario of statements run on both: tickets issued, called,
#     transferred, served, deleted; events; UPDATE and DELETE on the audit
#     log. Each statement is accepted or refused alike, and the tickets,
#     waiting_counts, event_totals and audit tables end up equal;
#   - the data migrations: rows stored at schema 2, then the later files
#     applied: day_counts, waiting_counts, service_times, event_totals and
#     the site's settings come out equal;
#   - text sorts in byte order (draw entries, as on SQLite).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_tool sqlite3
kit_tmp it_pg_schema
pg_start kiosk_schema || fail "cannot start PostgreSQL"

# -- the same files -----------------------------------------------------------
(cd db && ls ./*.sql) >"$tmp/files.sqlite"
(cd db/pg && ls ./*.sql) >"$tmp/files.pg"
diff "$tmp/files.sqlite" "$tmp/files.pg" >"$tmp/files.diff" ||
	fail "db/ and db/pg/ name different migrations: $(cat "$tmp/files.diff")"
nfiles=$(wc -l <"$tmp/files.pg")
[ "$nfiles" -ge 16 ] || fail "only $nfiles migrations"

# psql on one database: PSQL URL ARGS...
PSQL() {
	kit_u=$1
	shift
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$kit_u" "$@"
}

# migrate_pg URL FIRST LAST: files FIRST..LAST (1-based, in sorted order), one
# string each, as the adapter sends it.
migrate_pg() {
	kit_i=0
	for f in db/pg/*.sql; do
		kit_i=$((kit_i + 1))
		[ "$kit_i" -ge "$2" ] && [ "$kit_i" -le "$3" ] || continue
		kit_sql=$(printf 'BEGIN;\n%s\nUPDATE schema_version SET version = %d;\nCOMMIT;\n' \
		    "$(cat "$f")" "$kit_i")
		PSQL "$1" -c "$kit_sql" >"$tmp/pg-migrate.out" 2>&1 ||
			fail "$f does not apply on PostgreSQL: $(cat "$tmp/pg-migrate.out")"
		[ ! -s "$tmp/pg-migrate.out" ] ||
			fail "$f: PostgreSQL said: $(cat "$tmp/pg-migrate.out")"
	done
}
# migrate_sqlite FILE FIRST LAST: as kiosk/store/sqlite.c does.
migrate_sqlite() {
	kit_i=0
	for f in db/*.sql; do
		kit_i=$((kit_i + 1))
		[ "$kit_i" -ge "$2" ] && [ "$kit_i" -le "$3" ] || continue
		{ echo "BEGIN;"; cat "$f"; echo; echo "PRAGMA user_version = $kit_i;"; echo "COMMIT;"; } |
			sqlite3 -bail "$1" >"$tmp/sq-migrate.out" 2>&1 ||
			fail "$f does not apply on SQLite: $(cat "$tmp/sq-migrate.out")"
	done
}
# The version table is the adapter's; here only what the migrations need.
version_table() {
	PSQL "$1" -c "CREATE TABLE schema_version (version bigint NOT NULL); INSERT INTO schema_version VALUES (0)" ||
		fail "cannot make schema_version"
}

version_table "$PGURL"
migrate_pg "$PGURL" 1 "$nfiles"
sdb=$tmp/kiosk.db
migrate_sqlite "$sdb" 1 "$nfiles"
v=$(PSQL "$PGURL" -Atc "SELECT version FROM schema_version")
[ "$v" = "$nfiles" ] || fail "PostgreSQL at schema $v, not $nfiles"
v=$(sqlite3 "$sdb" "PRAGMA user_version")
[ "$v" = "$nfiles" ] || fail "SQLite at schema $v, not $nfiles"

# same WHAT: the two files $tmp/WHAT.sqlite and $tmp/WHAT.pg are equal.
same() {
	diff -u "$tmp/$1.sqlite" "$tmp/$1.pg" >"$tmp/$1.diff" ||
		fail_soft "$1 differ (-sqlite +pg): $(cat "$tmp/$1.diff")"
}

# -- tables and columns ------------------------------------------------------------
# table|position|column|type|not null|default, defaults as SQLite writes them.
sqlite3 "$sdb" "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\" OR p.pk > 0, p.dflt_value
	FROM sqlite_master m, pragma_table_info(m.name) p
	WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid" |
	sed -e 's/|INTEGER|/|bigint|/' -e 's/|TEXT|/|text|/' -e 's/|BLOB|/|bytea|/' \
	    -e 's/|REAL|/|double precision|/' >"$tmp/columns.sqlite"
PSQL "$PGURL" -At -F '|' -c "SELECT c.table_name, c.ordinal_position - 1, c.column_name,
	c.data_type || CASE WHEN c.data_type = 'text' AND c.collation_name IS DISTINCT FROM 'C'
	    THEN ' (collation ' || COALESCE(c.collation_name, 'default') || ')' ELSE '' END,
	(c.is_nullable = 'NO')::int, c.column_default
	FROM information_schema.columns c
	WHERE c.table_schema = 'public' AND c.table_name <> 'schema_version'
	ORDER BY c.table_name COLLATE \"C\", c.ordinal_position" |
	sed -e "s/::text\$//" -e "s/^\(.*|\)'\(-\{0,1\}[0-9]*\)'::integer\$/\1\2/" >"$tmp/columns.pg"
[ -s "$tmp/columns.pg" ] || fail "no columns on PostgreSQL"
same columns
# Identity columns: the INTEGER PRIMARY KEYs, and nothing else.
sqlite3 "$sdb" "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
	WHERE m.type = 'table' AND p.pk = 1 AND p.type = 'INTEGER'
	AND (SELECT COUNT(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1
	AND m.sql NOT LIKE '%WITHOUT ROWID%' ORDER BY 1" >"$tmp/identity.sqlite"
PSQL "$PGURL" -Atc "SELECT table_name || '.' || column_name FROM information_schema.columns
	WHERE table_schema = 'public' AND is_identity = 'YES'
	ORDER BY table_name || '.' || column_name COLLATE \"C\"" >"$tmp/identity.pg"
same identity
# Primary keys, their columns in order.
sqlite3 "$sdb" "SELECT m.name, (SELECT group_concat(name, ',') FROM
	    (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk))
	FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
	AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0) ORDER BY m.name" >"$tmp/pkeys.sqlite"
PSQL "$PGURL" -At -F '|' -c "SELECT t.relname, string_agg(a.attname, ',' ORDER BY k.n)
	FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
	JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
	CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
	JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
	WHERE i.indisprimary GROUP BY t.relname ORDER BY t.relname COLLATE \"C\"" >"$tmp/pkeys.pg"
same pkeys
# UNIQUE constraints and CHECK constraints, as counts per table (their SQL
# reads differently on each engine; the scenario exercises the ones it can).
sqlite3 "$sdb" "SELECT m.name, COUNT(*) FROM sqlite_master m, pragma_index_list(m.name) l
	WHERE m.type = 'table' AND l.origin = 'u' GROUP BY m.name ORDER BY m.name" >"$tmp/uniques.sqlite"
PSQL "$PGURL" -At -F '|' -c "SELECT t.relname, COUNT(*) FROM pg_constraint c
	JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace
	WHERE c.contype = 'u' AND s.nspname = 'public'
	GROUP BY t.relname ORDER BY t.relname COLLATE \"C\"" >"$tmp/uniques.pg"
same uniques
for t in site counters users credentials appointments draws; do
	printf '%s|' "$t"
	sqlite3 "$sdb" "SELECT sql FROM sqlite_master WHERE name = '$t'" | grep -o 'CHECK' | wc -l
done >"$tmp/checks.sqlite"
for t in site counters users credentials appointments draws; do
	printf '%s|' "$t"
	PSQL "$PGURL" -Atc "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = '$t'::regclass"
done >"$tmp/checks.pg"
same checks

# -- indexes -------------------------------------------------------------------------
# name|table|unique|columns|partial condition (parentheses, casts, spaces and
# case left out). The indexes of the PRIMARY KEY and UNIQUE constraints are
# compared above.
norm_where() {
	sed -e 's/::[a-z]*//g' -e 's/[() ]//g' | tr 'A-Z' 'a-z'
}
sqlite3 "$sdb" "SELECT l.name, m.name, l.\"unique\",
	(SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)),
	CASE WHEN l.partial THEN substr(i.sql, instr(upper(i.sql), ' WHERE ') + 7) ELSE '' END
	FROM sqlite_master m, pragma_index_list(m.name) l
	JOIN sqlite_master i ON i.name = l.name AND i.type = 'index'
	WHERE m.type = 'table' AND l.origin = 'c' ORDER BY l.name" | norm_where >"$tmp/indexes.sqlite"
PSQL "$PGURL" -At -F '|' -c "SELECT c.relname, t.relname, i.indisunique::int,
	(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
	 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum),
	COALESCE(pg_get_expr(i.indpred, i.indrelid), '')
	FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
	JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public'
	WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
	ORDER BY c.relname COLLATE \"C\"" | norm_where >"$tmp/indexes.pg"
[ -s "$tmp/indexes.pg" ] || fail "no indexes on PostgreSQL"
same indexes

# -- triggers ------------------------------------------------------------------------
sqlite3 "$sdb" "SELECT name || '|' || tbl_name FROM sqlite_master WHERE type = 'trigger'
	ORDER BY name" >"$tmp/triggers.sqlite"
PSQL "$PGURL" -Atc "SELECT tgname || '|' || tgrelid::regclass FROM pg_trigger
	WHERE NOT tgisinternal AND tgname <> 'audit_no_truncate' ORDER BY tgname COLLATE \"C\"" >"$tmp/triggers.pg"
same triggers

# -- one scenario on both engines ---------------------------------------------------
# One statement a line; each one's verdict (ok, or the refusal) is compared.
# HEX(00ff) is a BLOB literal (X'00ff' on SQLite, decode('00ff', 'hex') on
# PostgreSQL). Ids are given where the code gives them (tickets, alerts,
# audit) and left to the engine where it does (draws, appointments): an
# identity does not follow ids given explicitly, as SQLite's rowid does.
cat >"$tmp/scenario.sql" <<'EOF'
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, issued_at, device) VALUES (1, '2026-03-02', 'A', 1, 'A001', 'A', 'fr', 0, 100, 'k1')
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, issued_at, device) VALUES (2, '2026-03-02', 'A', 2, 'A002', 'A', 'fr', 1, 101, 'k1')
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, state, issued_at, device) VALUES (3, '2026-03-02', 'B', 1, 'B001', 'B', 'en', 0, 'called', 102, 'k1')
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, issued_at, device) VALUES (4, '2026-03-02', 'A', 3, 'A003', 'A', 'fr', 0, 103, 'k2'), (5, '2026-03-03', 'A', 1, 'A001', 'A', 'ar', 0, 104, 'k2'), (6, '2026-03-02', 'B', 2, 'B002', 'B', 'fr', 1, 105, 'k2')
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, state, issued_at, device) VALUES (7, '2026-03-02', 'A', 4, 'A004', 'A', 'fr', 0, 'waiting', 106, 'k1')
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, issued_at, device) VALUES (8, '2026-03-02', 'A', 4, 'A004', 'A', 'fr', 0, 107, 'k1')
UPDATE tickets SET state = 'called', called_at = 110, counter = 1 WHERE id = 1
UPDATE tickets SET queue = 'B' WHERE id = 2
UPDATE tickets SET state = 'waiting' WHERE id = 3
UPDATE tickets SET state = 'waiting' WHERE id = 4
UPDATE tickets SET state = 'waiting', queue = 'A' WHERE id = 4
UPDATE tickets SET priority = 1 WHERE id = 4
UPDATE tickets SET state = 'called', queue = 'B' WHERE id = 5
UPDATE tickets SET state = 'served', finished_at = 200 WHERE state = 'called'
UPDATE tickets SET state = 'waiting', queue = 'C' WHERE id = 3
UPDATE tickets SET queue = 'A' WHERE id = 5
UPDATE tickets SET state = 'waiting' WHERE id = 5
UPDATE tickets SET recalls = recalls + 1 WHERE queue = 'B'
UPDATE tickets SET state = 'no_show', priority = 0 WHERE id = 6
UPDATE tickets SET state = 'waiting', priority = 1 WHERE id = 6
DELETE FROM tickets WHERE id = 4
DELETE FROM tickets WHERE id = 1
UPDATE tickets SET state = 'called' WHERE day = '2026-03-02' AND state = 'waiting' AND queue = 'A'
DELETE FROM tickets WHERE day = '2026-03-03'
INSERT INTO events (at, day, kind, ticket, service) VALUES (100, '2026-03-02', 'issue', 1, 'A')
INSERT INTO events (at, day, kind, ticket, service) VALUES (101, '2026-03-02', 'issue', 2, 'A'), (102, '2026-03-02', 'call', 2, 'B'), (103, '2026-03-02', 'login', NULL, NULL)
INSERT INTO events (id, at, day, kind, service, agent) VALUES (50, 104, '2026-03-02', 'login', NULL, 'ana')
INSERT INTO events (at, day, kind, ticket, service) VALUES (105, '2026-03-03', 'issue', 5, 'A')
DELETE FROM events WHERE id = 50
UPDATE events SET kind = 'call' WHERE kind = 'issue'
INSERT INTO audit (id, at, actor, action, detail, prev, hash) VALUES (1, 100, 'ana', 'login', '', '', 'h1')
INSERT INTO audit (id, at, actor, action, detail, prev, hash) VALUES (2, 101, 'ana', 'close', 'x', 'h1', 'h2')
UPDATE audit SET detail = 'y' WHERE id = 2
UPDATE audit SET detail = detail WHERE id >= 1
DELETE FROM audit WHERE id = 1
DELETE FROM audit
UPDATE audit SET detail = 'y' WHERE id = 999
DELETE FROM audit WHERE id = 999
INSERT INTO audit (id, at, actor, action, detail, prev, hash) VALUES (3, 102, 'bob', 'open', '', 'h2', 'h3')
INSERT INTO counters (n, name, services) VALUES (1, 'Guichet 1', 'A')
INSERT INTO counters (n, name, services, state) VALUES (2, 'Guichet 2', 'A', 'lunch')
INSERT INTO users (login, role, pwhash, created_at) VALUES ('ana', 'boss', 'x', 1)
INSERT INTO site (one, site_id, name, tz, hours, max_recalls, priority_streak, reprint_limit, default_service_s) VALUES (2, 's', 'S', 'Europe/Paris', 'closed', 2, 3, 1, 300)
INSERT INTO alerts (id, at, day, kind, subject, message) VALUES (1, 1, '2026-03-02', 'burst', 'k1', 'm')
INSERT INTO alerts (id, at, day, kind, subject, message) VALUES (2, 2, '2026-03-02', 'burst', 'k1', 'm') ON CONFLICT (day, kind, subject) DO NOTHING
INSERT INTO alerts (id, at, day, kind, subject, message) VALUES (3, 3, '2026-03-02', 'burst', 'k1', 'm')
INSERT INTO draws (service, day, places, status, secret, commitment, opened_at, opened_by) VALUES ('A', '2026-03-02', 3, 'open', HEX(00ff), 'c', 1, 'ana')
INSERT INTO draws (service, day, places, status, secret, commitment, opened_at, opened_by) VALUES ('A', '2026-03-02', 3, 'open', HEX(01), 'c', 2, 'ana')
INSERT INTO draw_entries (draw, entry, enrolled_at, device, lang, holder_hash) VALUES (1, 'b0', 1, 'k1', 'fr', HEX(aa)), (1, 'B1', 1, 'k1', 'fr', HEX(bb)), (1, 'a2', 1, 'k1', 'fr', NULL), (1, 'A3', 1, 'k1', 'fr', NULL), (1, '_4', 1, 'k1', 'fr', NULL), (1, '9', 1, 'k1', 'fr', NULL)
INSERT INTO draw_entries (draw, entry, enrolled_at, device, lang, holder_hash) VALUES (1, 'z9', 1, 'k1', 'fr', HEX(aa))
INSERT INTO appointments (ext_id, service, day, start, duration_min, code, status, source, stored_at, slot) VALUES ('e1', 'A', '2026-03-02', 1, 15, 'C1', 'booked', 'convocation', 1, 0)
INSERT INTO appointments (ext_id, service, day, start, duration_min, code, status, source, stored_at, slot) VALUES ('e2', 'A', '2026-03-02', 1, 15, 'C2', 'booked', 'convocation', 1, 0)
INSERT INTO appointments (ext_id, service, day, start, duration_min, code, status, source, stored_at, slot) VALUES ('e3', 'A', '2026-03-02', 1, 15, 'C3', 'cancelled', 'convocation', 1, 0)
INSERT INTO appointments (ext_id, service, day, start, duration_min, code, status, source, stored_at, slot) VALUES ('e4', 'A', '2026-03-02', 1, 15, 'C1', 'booked', 'staff', 1, NULL)
EOF
# verdict RC OUTPUT: ok, refused: append-only, or error (with the SQLSTATE
# class we can tell: constraint for UNIQUE, CHECK, NOT NULL).
verdict() {
	if [ "$1" -eq 0 ]; then
		echo ok
	elif grep -q 'the audit log is append-only' "$2"; then
		echo "refused: append-only"
	elif grep -Eqi 'unique|duplicate key|check constraint|constraint failed' "$2"; then
		echo "refused: constraint"
	else
		echo "error: $(head -n 1 "$2")"
	fi
}
n=0
: >"$tmp/verdicts.sqlite"
: >"$tmp/verdicts.pg"
while IFS= read -r stmt; do
	n=$((n + 1))
	sqlite3 "$sdb" "$(echo "$stmt" | sed "s/HEX(\([0-9a-f]*\))/X'\1'/g");" >"$tmp/out" 2>&1
	echo "$n $(verdict $? "$tmp/out")" >>"$tmp/verdicts.sqlite"
	PSQL "$PGURL" -c "$(echo "$stmt" | sed "s/HEX(\([0-9a-f]*\))/decode('\1', 'hex')/g")" >"$tmp/out" 2>&1
	echo "$n $(verdict $? "$tmp/out")" >>"$tmp/verdicts.pg"
done <"$tmp/scenario.sql"
[ "$n" -ge 40 ] || fail "scenario read $n statements"
same verdicts
grep -q 'refused: append-only' "$tmp/verdicts.pg" || fail "PostgreSQL refused no audit change"
[ "$(grep -c 'refused: append-only' "$tmp/verdicts.sqlite")" -eq 4 ] ||
	fail "SQLite refused $(grep -c 'refused: append-only' "$tmp/verdicts.sqlite") audit changes, not 4"
grep -q '^[0-9]* error' "$tmp/verdicts.sqlite" "$tmp/verdicts.pg" &&
	fail "a scenario statement failed for another reason: $(grep '^[0-9]* error' "$tmp/verdicts.sqlite" "$tmp/verdicts.pg")"

# dump NAME QUERY: the query's rows on both engines, then compared.
dump() {
	sqlite3 "$sdb" "$2" >"$tmp/$1.sqlite"
	PSQL "$PGURL" -At -F '|' -c "$2" >"$tmp/$1.pg"
	same "$1"
}
dump tickets "SELECT id, day, queue, priority, state, recalls FROM tickets ORDER BY id"
dump waiting_counts "SELECT day, queue, priority, n FROM waiting_counts ORDER BY day, queue, priority"
dump event_totals "SELECT kind, service, n FROM event_totals ORDER BY kind, service"
dump audit "SELECT id, at, actor, action, detail, prev, hash FROM audit ORDER BY id"
dump alerts "SELECT id, kind, subject FROM alerts ORDER BY id"
dump draws "SELECT id, status FROM draws ORDER BY id"
dump appointments "SELECT ext_id, code, slot, status FROM appointments ORDER BY ext_id"
# Byte order, as SQLite's BINARY: '9' < 'A3' < 'B1' < '_4' < 'a2' < 'b0'.
dump entries "SELECT entry FROM draw_entries ORDER BY entry"
dump entries_range "SELECT entry FROM draw_entries WHERE entry > 'B' AND entry < 'a' ORDER BY entry DESC"
[ "$(tr '\n' ' ' <"$tmp/entries.pg")" = "9 A3 B1 _4 a2 b0 " ] ||
	fail_soft "draw entries not in byte order on PostgreSQL: $(tr '\n' ' ' <"$tmp/entries.pg")"
# The counts the triggers kept are the counts of the rows (drift included:
# a priority changed without a state change is not followed, on either engine).
PSQL "$PGURL" -Atc "SELECT n FROM waiting_counts WHERE day = '2026-03-02' AND queue = 'C' AND priority = 0" >"$tmp/c0"
[ "$(cat "$tmp/c0")" = 1 ] || fail_soft "waiting_counts 2026-03-02 C 0 is '$(cat "$tmp/c0")', not 1"
# TRUNCATE (PostgreSQL only) is refused too.
if PSQL "$PGURL" -c "TRUNCATE audit" >"$tmp/out" 2>&1; then
	fail_soft "TRUNCATE audit went through"
else
	grep -q 'the audit log is append-only' "$tmp/out" || fail_soft "TRUNCATE audit: $(cat "$tmp/out")"
fi
code=$(PSQL "$PGURL" -Atc "DO \$\$ BEGIN DELETE FROM audit; EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLSTATE; END \$\$" 2>&1)
case $code in *23000*) ;; *) fail_soft "the audit refusal's SQLSTATE: $code (23000 expected)" ;; esac

# -- data migrations: rows at schema 2, then the rest --------------------------------
mdb=$tmp/migrate.db
murl=$(pg_createdb kiosk_migrate) || fail "cannot create a second database"
version_table "$murl"
migrate_sqlite "$mdb" 1 2
migrate_pg "$murl" 1 2
cat >"$tmp/seed.sql" <<'EOF'
INSERT INTO site (one, site_id, name, tz, hours, max_recalls, priority_streak, reprint_limit, default_service_s) VALUES (1, 's', 'S', 'Europe/Paris', 'closed', 2, 3, 1, 300);
INSERT INTO tickets (id, day, service, seq, number, queue, lang, priority, state, issued_at, called_at, finished_at, device) VALUES
 (1, '2026-03-02', 'A', 1, 'A001', 'A', 'fr', 0, 'served', 100, 110, 120, 'k'),
 (2, '2026-03-02', 'A', 2, 'A002', 'A', 'fr', 0, 'served', 100, 110, 122, 'k'),
 (3, '2026-03-02', 'A', 3, 'A003', 'A', 'fr', 1, 'served', 100, 110, 126, 'k'),
 (4, '2026-03-02', 'A', 4, 'A004', 'A', 'fr', 1, 'waiting', 100, NULL, NULL, 'k'),
 (5, '2026-03-02', 'A', 5, 'A005', 'B', 'fr', 0, 'waiting', 100, NULL, NULL, 'k'),
 (6, '2026-03-02', 'B', 1, 'B001', 'B', 'fr', 0, 'waiting', 100, NULL, NULL, 'k'),
 (7, '2026-03-02', 'B', 2, 'B002', 'B', 'fr', 0, 'served', 100, 0, 150, 'k'),
 (8, '2026-03-01', 'B', 1, 'B001', 'B', 'fr', 0, 'served', 100, 101, 180, 'k'),
 (9, '2026-03-01', 'B', 2, 'B002', 'B', 'fr', 0, 'served', 100, 101, 201, 'k');
INSERT INTO attestations (id, day, service, issued_at, device, lang, outcome, attempt, first_date, weeks) VALUES
 (1, '2026-03-02', 'A', 1, 'k', 'fr', 'full', 1, '20260302', 4),
 (2, '2026-03-02', 'A', 1, 'k', 'fr', 'full', 2, '20260302', 4),
 (3, '2026-03-02', 'C', 1, 'k', 'fr', 'full', 1, '20260302', 4);
INSERT INTO events (at, day, kind, ticket, service) VALUES
 (1, '2026-03-02', 'print', 1, 'A'), (1, '2026-03-02', 'print_failed', 2, 'A'),
 (1, '2026-03-02', 'print', 6, 'B'), (1, '2026-03-02', 'print', NULL, NULL),
 (1, '2026-03-02', 'issue', 1, 'A'), (1, '2026-03-02', 'login', NULL, NULL),
 (1, '2026-03-01', 'print', 8, 'D');
INSERT INTO daily_totals (day, service, kind, n) VALUES
 ('2025-01-01', 'A', 'issue', 40), ('2025-01-01', '', 'login', 3), ('2025-01-02', 'E', 'call', 7);
EOF
sqlite3 -bail "$mdb" <"$tmp/seed.sql" || fail "cannot seed the SQLite file"
PSQL "$murl" -f "$tmp/seed.sql" || fail "cannot seed PostgreSQL"
migrate_sqlite "$mdb" 3 "$nfiles"
migrate_pg "$murl" 3 "$nfiles"
sdb=$mdb PGURL=$murl
dump m_day_counts "SELECT day, service, ordinary, priority, attestations, prints, appointments FROM day_counts ORDER BY day, service"
dump m_waiting_counts "SELECT day, queue, priority, n FROM waiting_counts ORDER BY day, queue, priority"
dump m_service_times "SELECT day, queue, mean_s, n FROM service_times ORDER BY day, queue"
dump m_event_totals "SELECT kind, service, n FROM event_totals ORDER BY kind, service"
dump m_site "SELECT alerts, privacy, appointments, metrics, rdv_services FROM site"
# 12.67 s and 89.5 s truncated, as SQLite's CAST: 12 and 89, not 13 and 90.
grep -qx '2026-03-02|A|12|3' "$tmp/m_service_times.pg" && grep -qx '2026-03-01|B|89|2' "$tmp/m_service_times.pg" ||
	fail_soft "service_times on PostgreSQL: $(tr '\n' ' ' <"$tmp/m_service_times.pg")"

[ "$fails" -eq 0 ] || exit 1
echo "it_pg_schema: $nfiles migrations, the same schema and triggers on SQLite and PostgreSQL"

#!/bin/sh
# it_pg_store: the store, desk, API and fair-access C tests again, on
# PostgreSQL (issue #11): a throwaway cluster (tests/pg.sh), and each test
# binary run with KIOSK_TEST_PG set, so that tests/fixture.h gives every
# database path of the test a fresh PostgreSQL database of its own. The
# same checks as on SQLite, on the second engine; under `make asan` the
# sanitized binaries run here too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
kit_tmp it_pg_store
t0=$(date +%s)
pg_start kiosk
KIOSK_TEST_PG="host=$PG_DIR user=postgres"
export KIOSK_TEST_PG
fails=0
for t in test_desk test_draws test_appointments test_appt_calls test_convocations test_figures \
    test_manage test_notices test_users test_fair test_idem test_api test_store; do
	b=$BUILD/tests/$t
	[ -x "$b" ] || fail "$b is not built (make tests-build)"
	if "$b" >"$tmp/$t.out" 2>&1; then
		tail -n 1 "$tmp/$t.out" | sed "s/^/$t on PostgreSQL: /"
	else
		fails=$((fails + 1))
		echo "FAIL $t on PostgreSQL:"
		grep -v 'kiosk\[info\]' "$tmp/$t.out" | tail -n 30
	fi
done
[ "$fails" -eq 0 ] || exit 1
echo "it_pg_store: ok, $(($(date +%s) - t0)) s"

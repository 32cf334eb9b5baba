#!/bin/sh
# bench/run.sh: every benchmark, one after the other; each prints its own
# figures. `make bench` builds them and sets BUILD. To add a benchmark,
# add one line below.
BUILD=${BUILD:-build}
export BUILD
status=0
bench() {
	echo "== $*"
	"$@" || { echo "(failed: exit status $?)"; status=1; }
	echo
}

bench sh bench/http_issue.sh
bench sh bench/pg_issue.sh
bench "$BUILD/bench/ticket_render"
bench "$BUILD/bench/appt_import"
bench sh bench/appt_checkin.sh
bench sh bench/board_fanout.sh
bench sh bench/touch.sh

exit $status

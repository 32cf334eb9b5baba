#!/bin/sh
# Run every test: the C unit tests (build/tests/test_*), then the
# integration scripts (tests/it_*.sh), then the browser tests (tests/web).
# With --c-only (the sanitizer build) only the C tests and the C-driven
# integration scripts run. Ends with one line "N passed, N failed".
BUILD=${BUILD:-build}
export BUILD
mode=${1:-all}
pass=0; fail=0; failed=""
run() { # name command...
	name=$1; shift
	out=$(mktemp)
	if "$@" >"$out" 2>&1; then
		pass=$((pass + 1)); echo "ok   $name"
	else
		fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name"; sed 's/^/    /' "$out" | tail -40
	fi
	rm -f "$out"
}
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && run "$(basename "$t")" "$t"
done
for t in tests/it_*.sh; do
	[ -f "$t" ] && run "$(basename "$t")" sh "$t"
done
if [ "$mode" = all ] && [ -f tests/web/package.json ]; then
	for t in tests/web/*.test.mjs; do
		[ -f "$t" ] && run "web/$(basename "$t")" node "$t"
	done
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

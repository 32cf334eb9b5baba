#!/bin/sh
# Run one libFuzzer harness: sh tests/fuzz/run.sh NAME (from the top of the
# tree, after `make fuzz-build`). Runs FUZZ_SECONDS (default 60) under ASan
# and UBSan from the seeds in tests/fuzz/corpus/NAME; new inputs go to
# build-fuzz/corpus/NAME, a crash to build-fuzz/crashes/NAME-*. Exits
# non-zero on any crash, leak, sanitizer report or time-out, and prints
# libFuzzer's final figures (stat::number_of_executed_units ...).
# FUZZ_ARGS adds options, e.g. FUZZ_ARGS=-jobs=2.
set -u
name=$1
secs=${FUZZ_SECONDS:-60}
bin=build-fuzz/fuzz/fuzz_$name
seeds=tests/fuzz/corpus/$name
work=build-fuzz/corpus/$name
mkdir -p "$work" build-fuzz/crashes build-fuzz/logs
[ -x "$bin" ] || { echo "$bin is missing: make fuzz-build"; exit 1; }
log=build-fuzz/logs/$name.log
echo "fuzz $name: ${secs}s"
# -timeout: one input taking longer than 10 s is a hang, a failure.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
"$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$name-" ${FUZZ_ARGS:-} "$work" "$seeds" >"$log" 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$log" | sed "s/^/    $name: /"
if [ $rc -ne 0 ]; then
	echo "FAIL fuzz $name (exit $rc); the log is $log:"
	grep -v '^#[0-9]' "$log" | tail -60
	exit 1
fi
echo "ok   fuzz $name"

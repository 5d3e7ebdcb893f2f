#!/usr/bin/env bash
# make fuzz: each libFuzzer target of BUILD_DIR (default build-fuzz) for FUZZ_SECONDS (default 600),
# one after another, growing tests/fuzz/corpus/<target>/ and writing any crash (or leak, timeout,
# sanitizer report) under tests/fuzz/regressions/<target>/, where the replay test of `make test`
# runs it from then on. Prints executions per target; the whole log of each run is in
# BUILD_DIR/fuzz-logs/<target>.log. FUZZ_TARGETS picks targets (default: all).
# Usage: tests/fuzz/run.sh [BUILD_DIR]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-600}
targets=${FUZZ_TARGETS:-rule_parser money_date csv_import json_body search_query http_request}
mkdir -p "$build/fuzz-logs"
failed=0
printf '%-14s %8s %12s %10s %8s %s\n' target seconds executions exec/s corpus result
for t in $targets; do
  corpus=$root/tests/fuzz/corpus/$t crashes=$root/tests/fuzz/regressions/$t log=$build/fuzz-logs/$t.log
  mkdir -p "$corpus" "$crashes"
  start=$(date +%s)
  # -rss_limit_mb: ASan's shadow memory counts; 2 GB is libFuzzer's default made explicit.
  "$build/tests/fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  result=ok
  if ((rc != 0)); then
    result="CRASH (exit $rc, see $log; input in $crashes/)"
    failed=1
  fi
  printf '%-14s %8s %12s %10s %8s %s\n' "$t" "$elapsed" "${execs:-?}" "${rate:-?}" "$files" "$result"
done
exit $failed

#!/usr/bin/env bash
# Benchmark of `lessons report` and `lessons actions` on a large generated
# knowledge base (index up to date, whole process, page cache warm).
#
# Usage: bench/report.sh [N] [WORKDIR]   (as check.sh; default N=100000)
#
# Measures, with hyperfine (BENCH_RUNS, default 10):
#   report (table), report --format json, report --scorecard --format json,
#   report --for leadership --format json, actions --overdue --as-of,
#   and, as the floor, `lessons index` with nothing to do (the freshness
#   check every command pays);
# and the peak RSS of `report --format json`.
# Targets (issues #11, #12): report and report --scorecard at most 250 ms at
# 100,000; peak memory <= 500 MB.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_init "$@"
L() { printf "'%s' --repo '%s'" "$LESSONS_BIN" "$BENCH_KB"; }
# Bring the index up to date first (a full build on the first run).
eval "$(L) index" >&2
BENCH_TAG=report bench_compare \
    report "$(L) report > /dev/null" \
    report-json "$(L) report --format json > /dev/null" \
    scorecard "$(L) report --scorecard --format json > /dev/null" \
    leadership "$(L) report --for leadership --format json > /dev/null" \
    actions "$(L) actions --overdue --as-of 2026-11-27 > /dev/null" \
    fresh "$(L) index > /dev/null"
bench_peak_rss report-json "$(L) report --format json > '$BENCH_RESULTS/report.json'"
{
    echo
    echo "== lessons report benchmark: N=$BENCH_N"
    for name in report report-json scorecard leadership actions fresh; do
        printf '%-40s %8.1f ms ± %6.1f  (min %.1f)\n' "$name" \
            "$(awk "BEGIN{print ${BENCH_MEAN[$name]}*1000}")" \
            "$(awk "BEGIN{print ${BENCH_STDDEV[$name]}*1000}")" \
            "$(awk "BEGIN{print ${BENCH_MIN[$name]}*1000}")"
    done
    echo "peak RSS report --format json: ${BENCH_RSS_MB[report-json]} MB"
    echo "groups: $(jq '.groups | length' "$BENCH_RESULTS/report.json"), ineffective actions: $(jq '.ineffective_actions | length' "$BENCH_RESULTS/report.json"), lessons: $(jq '.lessons' "$BENCH_RESULTS/report.json")"
} | tee "$BENCH_RESULTS/report-summary.txt"

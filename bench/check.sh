#!/usr/bin/env bash
# Benchmark of `lessons check` on a large generated knowledge base.
#
# Usage: bench/check.sh [N] [WORKDIR]
#   N        number of lessons to generate (default 100000, ~430 MB of text)
#   WORKDIR  where the corpus and results live (default /tmp/lessons-bench-N);
#            the corpus is generated once and reused while N, the seed, the
#            invalid share and examples/gen_corpus.rs are unchanged.
#
# What it does:
#   1. cargo build --release (the lessons binary) and the gen_corpus example;
#   2. generates WORKDIR/kb with examples/gen_corpus.rs (BENCH_INVALID_PERCENT,
#      default 1, of the files carry one contract violation each), makes it a
#      git repository with one commit, and warms the page cache;
#   3. times, with hyperfine if installed (apt-get install -y hyperfine), else
#      a plain loop:
#        cat       find lessons -name '*.md' -print0 | xargs -0 cat > /dev/null
#        lessons   lessons --repo KB check --format json > /dev/null
#        rg        rg -l -i WORD lessons   (reference, only if rg is installed)
#      `lessons check` exits 1 when it finds errors; exit codes are ignored;
#   4. measures the peak RSS of `lessons check` with /usr/bin/time -v;
#   5. sanity-checks the JSON (files_checked, errors, warnings) against the
#      generator manifest, and prints the lessons/cat ratio and peak memory.
#
# See bench/lib.sh for the environment knobs (BENCH_RUNS, BENCH_WARMUP,
# BENCH_SEED, BENCH_INVALID_PERCENT, BENCH_NO_BUILD, LESSONS_BIN, ...).
# BENCH_RG_WORD (default "failover") is the word for the rg reference.
# Results (CSV/JSON, time logs, check output) go to WORKDIR/results.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_check() {
    local word=${BENCH_RG_WORD:-failover}
    local -a cmds=(cat "find lessons -name '*.md' -print0 | xargs -0 cat > /dev/null")
    if [[ -n $BENCH_HAVE_LESSONS ]]; then
        cmds+=(lessons "'$LESSONS_BIN' --repo '$BENCH_KB' check --format json > /dev/null")
    fi
    if [[ -n $BENCH_RG ]]; then
        cmds+=(rg "rg -l -i '$word' lessons > /dev/null")
    fi
    BENCH_TAG=check bench_compare "${cmds[@]}"

    local json=$BENCH_RESULTS/check-output.json
    if [[ -n $BENCH_HAVE_LESSONS ]]; then
        bench_peak_rss lessons "'$LESSONS_BIN' --repo '$BENCH_KB' check --format json > '$json'"
        bench_check_sanity "$json"
    fi

    local fmt='%-30s %9s s  ± %6s s  (min %s s)\n'
    echo
    echo "== lessons check benchmark: N=$BENCH_N, $BENCH_FILES files, $((BENCH_BYTES / 1000000)) MB, $(nproc 2>/dev/null || echo '?') CPUs"
    local name
    for name in cat lessons rg; do
        [[ -n ${BENCH_MEAN[$name]:-} ]] || continue
        local label=$name
        case $name in
            cat) label="cat (baseline)";;
            lessons) label="lessons check --format json";;
            rg) label="rg -l -i $word";;
        esac
        # shellcheck disable=SC2059
        printf "$fmt" "$label" "$(printf '%.3f' "${BENCH_MEAN[$name]}")" \
            "$(printf '%.3f' "${BENCH_STDDEV[$name]}")" "$(printf '%.3f' "${BENCH_MIN[$name]}")"
    done
    if [[ -n $BENCH_HAVE_LESSONS ]]; then
        echo "ratio lessons/cat (mean):  $(bench_ratio "${BENCH_MEAN[lessons]:-}" "${BENCH_MEAN[cat]:-}")x"
        [[ -n ${BENCH_MEAN[rg]:-} ]] && echo "ratio lessons/rg (mean):   $(bench_ratio "${BENCH_MEAN[lessons]}" "${BENCH_MEAN[rg]}")x"
        echo "peak RSS lessons check:    ${BENCH_RSS_MB[lessons]} MB"
        [[ -n ${BENCH_SANITY:-} ]] && echo "output: $BENCH_SANITY"
    else
        echo "lessons: not measured (no binary at $LESSONS_BIN)"
    fi
}

# Compares the check JSON with what the generator says it wrote.
bench_check_sanity() {
    local json=$1 invalid long
    invalid=$(bench_manifest_count invalid)
    long=$(bench_manifest_count long)
    BENCH_SANITY="(could not parse $json)"
    if have python3 && [[ -s $json ]]; then
        BENCH_SANITY=$(python3 - "$json" "$BENCH_LESSON_FILES" "$invalid" "$long" <<'PY' 2>/dev/null || echo "invalid JSON in $1"
import json, sys, collections
doc = json.load(open(sys.argv[1]))
files, invalid, long = map(int, sys.argv[2:5])
diags = doc.get("diagnostics", [])
err_files = {d.get("path") for d in diags if d.get("level") == "error"}
rules = collections.Counter(d.get("rule") for d in diags)
top = ", ".join(f"{r}={n}" for r, n in rules.most_common(6))
ok = doc.get("files_checked") == files and len(err_files) == invalid
print(f"files_checked={doc.get('files_checked')} (expected {files}), errors={doc.get('errors')} "
      f"in {len(err_files)} files (expected {invalid}), warnings={doc.get('warnings')} "
      f"(expected >= {long} too-long) [{top}] {'OK' if ok else 'MISMATCH'}")
PY
        )
    fi
}

bench_init "$@"
bench_check

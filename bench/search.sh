#!/usr/bin/env bash
# Benchmark of the search index: full build, rare-phrase search, update after
# one edit, on a large generated knowledge base.
#
# Usage: bench/search.sh [N] [WORKDIR]
#   N        number of lessons (default 100000); WORKDIR as in check.sh
#            (default /tmp/lessons-bench-N, corpus generated once and reused).
#
# What it measures (commands run from WORKDIR/kb with hyperfine, whole
# processes, page cache warm):
#   a) full build: `lessons --repo KB index --rebuild` against the
#      plain_tantivy example (examples/plain_tantivy.rs: the same text in a
#      plain Tantivy index, same writer settings, no parsing, git or
#      hashing) -> ratio (target <= 1.5x), and the peak RSS of both
#      (target for lessons <= 500 MB). Measuring the RSS first also warms
#      both up, so the timed runs have no warm-up (BENCH_BUILD_RUNS, def. 3);
#   b) with the index up to date: `lessons search '"Codename Phrase"'
#      --format json` (a phrase from the corpus manifest that is in one
#      lesson) against `rg -l -i 'codename phrase' lessons` -> ratio (target:
#      lessons >= 3x faster than rg at 100,000) and ms (target <= 200 ms at
#      100,000, <= 30 ms at 10,000); the hit count and whether the expected
#      lesson is among the hits; peak RSS of a search. In the same hyperfine
#      run, two references: `lessons index` with nothing to do (the freshness
#      check as a whole process), and the floor of that check,
#      `find lessons -name '*.md' -printf '%s %T@\n'` (directory reads and
#      one stat per file) (BENCH_SEARCH_RUNS, default 20);
#   b') in the same hyperfine run, a plain query of four common words
#      (BENCH_COMMON_QUERY, default "database failover customer alert": each
#      word is in a large share of the corpus, so the union has most
#      lessons): `lessons search 'WORDS' --format json` (target <= 250 ms at
#      100,000: top-k pruning, no collecting of every hit), with its hit
#      count;
#   c) update after one edit: hyperfine --prepare appends a unique word to
#      one lesson (touching it), then `lessons --repo KB index` -> ms (target
#      <= 300 ms at 100,000) (BENCH_UPDATE_RUNS, default 10). Afterwards a
#      search for the last word appended must find that lesson; the file is
#      then restored (git checkout) and the index brought up to date again
#      (also on exit if interrupted).
#
# Knobs (besides those of lib.sh): BENCH_BUILD_RUNS, BENCH_SEARCH_RUNS,
# BENCH_UPDATE_RUNS, BENCH_PHRASE (the phrase to search), BENCH_EDIT_FILE
# (lesson to edit, relative to KB; default: the second codename lesson),
# PLAIN_BIN (a prebuilt plain_tantivy; default: built with cargo).
# Results (CSV/JSON, time logs, outputs) go to WORKDIR/results.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_BUILD_RUNS=${BENCH_BUILD_RUNS:-3}
BENCH_SEARCH_RUNS=${BENCH_SEARCH_RUNS:-20}
BENCH_UPDATE_RUNS=${BENCH_UPDATE_RUNS:-10}

# A run interrupted during (c) leaves the edited lesson modified, and
# bench_git would then rebuild the whole git repository: restore it first.
search_restore_early() {
    local kb=${2:-/tmp/lessons-bench-${1:-100000}}/kb
    if [[ -d $kb/.git ]] && ! git -C "$kb" diff --quiet -- lessons 2>/dev/null; then
        log "restoring lesson files left modified by an interrupted run"
        git -C "$kb" checkout -q -- lessons
    fi
}

search_build_plain() {
    if [[ -n ${PLAIN_BIN:-} ]]; then
        [[ -x $PLAIN_BIN ]] || die "PLAIN_BIN=$PLAIN_BIN is not executable"
        return
    fi
    PLAIN_BIN=$REPO_ROOT/target/release/examples/plain_tantivy
    if [[ -z ${BENCH_NO_BUILD:-} ]]; then
        log "cargo build --release --example plain_tantivy"
        (cd "$REPO_ROOT" && cargo build --release --quiet --example plain_tantivy) \
            || warn "cannot build the plain_tantivy example"
    fi
    [[ -x $PLAIN_BIN ]] || { warn "no $PLAIN_BIN: the build baseline is skipped"; PLAIN_BIN=; }
}

# Index command lines, run from kb/.
L() { printf "'%s' --repo '%s'" "$LESSONS_BIN" "$BENCH_KB"; }

ms() { awk -v s="${1:-}" 'BEGIN{ if (s == "") print "n/a"; else printf "%.1f", s*1000 }'; }
s3() { awk -v s="${1:-}" 'BEGIN{ if (s == "") print "n/a"; else printf "%.3f", s }'; }
# verdict VALUE OP LIMIT -> "ok" / "MISSED" (or nothing without a limit)
verdict() {
    [[ -n ${3:-} && -n ${1:-} && $1 != n/a ]] || return 0
    awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN{ ok = (op == "<=") ? (v <= l) : (v >= l); printf "  [target %s %s: %s]", op, l, ok ? "ok" : "MISSED" }'
}

# (a) full build.
search_build() {
    bench_peak_rss rebuild "$(L) index --rebuild > '$BENCH_RESULTS/rebuild-output.txt'"
    local -a cmds=(rebuild "$(L) index --rebuild > /dev/null")
    if [[ -n $PLAIN_BIN ]]; then
        bench_peak_rss plain "'$PLAIN_BIN' '$BENCH_KB' > '$BENCH_RESULTS/plain-output.txt'"
        cmds+=(plain "'$PLAIN_BIN' '$BENCH_KB' > /dev/null")
    fi
    BENCH_RUNS=$BENCH_BUILD_RUNS BENCH_WARMUP=0 BENCH_TAG=search-build bench_compare "${cmds[@]}"
}

# (b) rare-phrase search with the index up to date, and the references.
search_query() {
    PHRASE=${BENCH_PHRASE:-$(bench_rare_phrase)}
    [[ -n $PHRASE ]] || die "no codename phrase in the corpus manifest"
    EXPECTED=$(awk -F'\t' -v p="$PHRASE" '$1 == "codename" && $4 == p {print $3; exit}' \
        "$BENCH_KB/corpus-manifest.tsv")
    local lower=${PHRASE,,}
    # Up to date: a first call settles anything pending, the second must be idle.
    (cd "$BENCH_KB" && eval "$(L) index" > /dev/null)
    FRESH=$(cd "$BENCH_KB" && eval "$(L) index")
    local json=$BENCH_RESULTS/search-output.json
    COMMON_QUERY=${BENCH_COMMON_QUERY:-database failover customer alert}
    local -a cmds=(
        search "$(L) search '\"$PHRASE\"' --format json > /dev/null"
        common "$(L) search '$COMMON_QUERY' --format json > /dev/null"
        index-noop "$(L) index > /dev/null"
        find "find lessons -name '*.md' -printf '%s %T@\n' > /dev/null"
    )
    [[ -n $BENCH_RG ]] && cmds+=(rg "rg -l -i '$lower' lessons > /dev/null")
    BENCH_RUNS=$BENCH_SEARCH_RUNS BENCH_WARMUP=3 BENCH_TAG=search-query bench_compare "${cmds[@]}"
    bench_peak_rss search "$(L) search '\"$PHRASE\"' --format json > '$json'"
    SEARCH_HITS=$(search_hits "$json" "$EXPECTED")
    (cd "$BENCH_KB" && eval "$(L) search '$COMMON_QUERY' --format json" > "$BENCH_RESULTS/common-output.json")
    COMMON_HITS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_hits"])' \
        "$BENCH_RESULTS/common-output.json" 2>/dev/null || echo n/a)
    RG_FILES=n/a
    [[ -n $BENCH_RG ]] && RG_FILES=$(cd "$BENCH_KB" && rg -l -i "$lower" lessons | wc -l)
}

# search_hits JSON EXPECTED_PATH -> "total_hits=N, expected lesson found"
search_hits() {
    have python3 || { echo "(python3 missing: hits not checked)"; return; }
    python3 - "$1" "$2" <<'PY' 2>/dev/null || echo "(could not parse $1)"
import json, sys
doc = json.load(open(sys.argv[1]))
paths = [h.get("path") for h in doc.get("hits", [])]
found = sys.argv[2] in paths
print(f"total_hits={doc.get('total_hits')}, expected lesson {'found' if found else 'MISSING'}"
      f"{' (rank %d)' % (paths.index(sys.argv[2]) + 1) if found else ''}")
PY
}

# (c) update after one edit.
search_update() {
    EDIT_FILE=${BENCH_EDIT_FILE:-$(awk -F'\t' '$1 == "codename" {n++; if (n == 2) {print $3; exit}}' \
        "$BENCH_KB/corpus-manifest.tsv")}
    [[ -f $BENCH_KB/$EDIT_FILE ]] || die "no lesson to edit ($EDIT_FILE)"
    trap search_restore EXIT
    BENCH_PREPARE="echo \"edit benchedit\$(date +%s%N)\" >> '$BENCH_KB/$EDIT_FILE'" \
        BENCH_RUNS=$BENCH_UPDATE_RUNS BENCH_WARMUP=2 BENCH_TAG=search-update \
        bench_compare update "$(L) index > /dev/null"
    # What the last run indexed must be searchable.
    local word
    word=$(tail -1 "$BENCH_KB/$EDIT_FILE" | awk '{print $2}')
    UPDATE_CHECK=$(cd "$BENCH_KB" && eval "$(L) search '$word' --format json" \
        > "$BENCH_RESULTS/update-search-output.json" && search_hits "$BENCH_RESULTS/update-search-output.json" "$EDIT_FILE")
    search_restore
    trap - EXIT
}

search_restore() {
    [[ -n ${EDIT_FILE:-} ]] || return 0
    git -C "$BENCH_KB" checkout -q -- "$EDIT_FILE"
    # A modification time under 2 s old is recorded as unsettled (the file
    # would be read again on every run): let it age, then re-index.
    sleep 2.1
    RESTORE_OUT=$(cd "$BENCH_KB" && eval "$(L) index")
    RESTORE_OUT2=$(cd "$BENCH_KB" && eval "$(L) index")
    EDIT_FILE_RESTORED=$EDIT_FILE
    EDIT_FILE=
}

search_report() {
    local n=$BENCH_N search_target='' update_target=''
    case $n in
        100000) search_target=200; update_target=300;;
        10000) search_target=30;;
    esac
    local fmt='%-52s %9s %s ± %7s  (min %s)%s\n'
    echo
    echo "== lessons search benchmark: N=$n, $BENCH_FILES files, $((BENCH_BYTES / 1000000)) MB, $(nproc 2>/dev/null || echo '?') CPUs"
    echo "-- (a) full index build (${BENCH_BUILD_RUNS} runs)"
    # shellcheck disable=SC2059
    printf "$fmt" "lessons index --rebuild" "$(s3 "${BENCH_MEAN[rebuild]:-}")" s "$(s3 "${BENCH_STDDEV[rebuild]:-}")" "$(s3 "${BENCH_MIN[rebuild]:-}")" ""
    if [[ -n ${BENCH_MEAN[plain]:-} ]]; then
        # shellcheck disable=SC2059
        printf "$fmt" "plain_tantivy (baseline)" "$(s3 "${BENCH_MEAN[plain]}")" s "$(s3 "${BENCH_STDDEV[plain]}")" "$(s3 "${BENCH_MIN[plain]}")" ""
        local r; r=$(bench_ratio "${BENCH_MEAN[rebuild]:-}" "${BENCH_MEAN[plain]}")
        echo "ratio rebuild/plain (mean):   ${r}x$(verdict "$r" '<=' 1.5)"
    fi
    echo "peak RSS rebuild:             ${BENCH_RSS_MB[rebuild]} MB$(verdict "${BENCH_RSS_MB[rebuild]}" '<=' 500)   (plain_tantivy: ${BENCH_RSS_MB[plain]:-n/a} MB)"
    echo "rebuild says:                 $(cat "$BENCH_RESULTS/rebuild-output.txt" 2>/dev/null)"
    [[ -n ${BENCH_MEAN[plain]:-} ]] && echo "plain_tantivy says:           $(cat "$BENCH_RESULTS/plain-output.txt" 2>/dev/null)"

    echo "-- (b) rare phrase \"$PHRASE\", index up to date (${BENCH_SEARCH_RUNS} runs)"
    local name label
    local common_target=''; [[ $n == 100000 ]] && common_target=250
    for name in search common rg index-noop find; do
        [[ -n ${BENCH_MEAN[$name]:-} ]] || continue
        local extra=''
        case $name in
            search) label="lessons search '\"$PHRASE\"' --format json"
                    extra=$(verdict "$(ms "${BENCH_MEAN[search]}")" '<=' "$search_target");;
            common) label="lessons search '$COMMON_QUERY' --format json"
                    extra=$(verdict "$(ms "${BENCH_MEAN[common]}")" '<=' "$common_target");;
            rg) label="rg -l -i '${PHRASE,,}' lessons";;
            index-noop) label="lessons index (nothing to do)";;
            find) label="find -printf '%s %T@' (freshness floor)";;
        esac
        # shellcheck disable=SC2059
        printf "$fmt" "$label" "$(ms "${BENCH_MEAN[$name]}")" ms "$(ms "${BENCH_STDDEV[$name]}")" "$(ms "${BENCH_MIN[$name]}")" "$extra"
    done
    if [[ -n ${BENCH_MEAN[rg]:-} ]]; then
        local r; r=$(bench_ratio "${BENCH_MEAN[rg]}" "${BENCH_MEAN[search]:-}")
        local t=''; [[ $n == 100000 ]] && t=3
        echo "speed-up rg/search (mean):    ${r}x$(verdict "$r" '>=' "$t")"
    fi
    echo "hits:                         $SEARCH_HITS; rg files: $RG_FILES"
    echo "common-word query hits:       total_hits=$COMMON_HITS of $BENCH_FILES"
    echo "peak RSS search:              ${BENCH_RSS_MB[search]} MB"
    echo "index before searching said:  $FRESH"

    echo "-- (c) update after one edit of $EDIT_FILE_RESTORED (${BENCH_UPDATE_RUNS} runs)"
    # shellcheck disable=SC2059
    printf "$fmt" "lessons index (one lesson appended to)" "$(ms "${BENCH_MEAN[update]:-}")" ms "$(ms "${BENCH_STDDEV[update]:-}")" "$(ms "${BENCH_MIN[update]:-}")" \
        "$(verdict "$(ms "${BENCH_MEAN[update]:-}")" '<=' "$update_target")"
    echo "search for the last word added: $UPDATE_CHECK"
    echo "after restoring the file:     $RESTORE_OUT | then: $RESTORE_OUT2"
}

search_restore_early "$@"
bench_init "$@"
[[ -n $BENCH_HAVE_LESSONS ]] || die "no lessons binary at $LESSONS_BIN"
search_build_plain
search_build
search_query
search_update
search_report | tee "$BENCH_RESULTS/search-summary.txt"

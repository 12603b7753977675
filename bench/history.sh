#!/usr/bin/env bash
# Benchmark of `lessons check --history` on a large generated knowledge base
# with a long history.
#
# Usage: bench/history.sh [N] [WORKDIR]
#   N        number of lessons (default 100000); the corpus is the one
#            bench/check.sh generates (WORKDIR/kb), reused when unchanged.
#
# What it does:
#   1. builds, generates or reuses the corpus and its one-commit repository
#      (bench/lib.sh);
#   2. clones it (sharing objects) to WORKDIR/history-kb and adds
#      BENCH_COMMITS (default 3000) commits with git fast-import, each
#      editing one lesson; every 500th commit pastes a fresh AWS-style key
#      into its lesson, and the next edit of that lesson drops it again (so
#      the secrets are only in history);
#   3. times, from history-kb:
#        objects   git cat-file --batch-all-objects --batch > /dev/null
#                  (reads every object of the repository once: the floor
#                  for reading every version)
#        history   lessons check --history --format json > /dev/null
#   4. checks that the JSON reports every planted key and prints the ratio.
#
# See bench/lib.sh for BENCH_RUNS, BENCH_WARMUP, BENCH_NO_BUILD, LESSONS_BIN.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_COMMITS=${BENCH_COMMITS:-3000}

# A 16-character key body from the commit number (stable, varied).
key_for() {
    local alphabet=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 out="" x=$(( $1 * 2654435761 + 97 )) i
    for ((i = 0; i < 16; i++)); do
        out+=${alphabet:$(( x % 32 )):1}
        x=$(( (x / 32) ^ (x * 1103515245 + 12345) & 0x7fffffffffff ))
    done
    printf 'AKIA%s' "$out"
}

bench_history_repo() {
    local dir=$BENCH_WORK/history-kb stamp="commits=$BENCH_COMMITS base=$(git -C "$BENCH_KB" rev-parse HEAD)"
    BENCH_HISTORY_KB=$dir
    if [[ -f $dir/.git/bench-history-stamp && $(cat "$dir/.git/bench-history-stamp") == "$stamp" ]]; then
        log "reusing history repository in $dir ($stamp)"
        return
    fi
    log "building $BENCH_COMMITS commits of history in $dir"
    rm -rf "$dir"
    git clone -q --shared "$BENCH_KB" "$dir"
    local -a files
    mapfile -t files < <(cd "$dir" && git ls-files lessons | grep '\.md$' | grep -v README.md)
    local n=${#files[@]} i f content time=1700000000 planted=0
    export LC_ALL=C
    {
        for ((i = 1; i <= BENCH_COMMITS; i++)); do
            # Secrets go in at commit 500k and out again at 500k+1, same file.
            if (( i % 500 == 1 && i > 1 )); then
                f=${files[$(( ((i - 1) * 7919) % n ))]}
            else
                f=${files[$(( (i * 7919) % n ))]}
            fi
            content=$(cat "$dir/$f")
            content+=$'\n'"- follow-up edit $i"$'\n'
            if (( i % 500 == 0 )); then
                content+="The key $(key_for "$i") was pasted by mistake."$'\n'
                planted=$((planted + 1))
            fi
            printf 'commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata <<EOM\nedit %d\nEOM\n' \
                $((time + i * 60)) "$i"
            (( i == 1 )) && printf 'from refs/heads/main^0\n'
            printf 'M 100644 inline %s\ndata %d\n%s\n' "$f" "${#content}" "$content"
        done
    } | git -C "$dir" fast-import --quiet --force
    git -C "$dir" reset -q --hard main
    printf '%s\n' "$stamp" > "$dir/.git/bench-history-stamp"
    BENCH_PLANTED=$planted
}

bench_history() {
    BENCH_PLANTED=$(( BENCH_COMMITS / 500 ))
    bench_history_repo
    local kb_saved=$BENCH_KB
    BENCH_KB=$BENCH_HISTORY_KB
    git -C "$BENCH_KB" cat-file --batch-all-objects --batch > /dev/null  # warm
    BENCH_TAG=history bench_compare \
        objects "git cat-file --batch-all-objects --batch > /dev/null" \
        history "'$LESSONS_BIN' check --history --format json > /dev/null"
    local json=$BENCH_RESULTS/history-output.json
    bench_peak_rss history "'$LESSONS_BIN' check --history --format json > '$json'"
    BENCH_KB=$kb_saved
    local found commits versions
    read -r found commits versions < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for x in d["diagnostics"] if x["rule"] == "secret"), d["history"]["commits"], d["history"]["versions"])' "$json")
    echo
    echo "== lessons check --history: N=$BENCH_N, $commits commits, $versions lesson versions, $(nproc) CPUs"
    printf '%-48s %8.3f s  (min %.3f s)\n' "git cat-file --batch-all-objects (baseline)" "${BENCH_MEAN[objects]}" "${BENCH_MIN[objects]}"
    printf '%-48s %8.3f s  (min %.3f s)\n' "lessons check --history --format json" "${BENCH_MEAN[history]}" "${BENCH_MIN[history]}"
    echo "ratio history/objects (mean): $(bench_ratio "${BENCH_MEAN[history]}" "${BENCH_MEAN[objects]}")x"
    echo "peak RSS: ${BENCH_RSS_MB[history]} MB"
    echo "planted keys: $BENCH_PLANTED, secret findings: $found"
    [[ $found -ge $BENCH_PLANTED ]] || die "missed planted keys"
}

bench_init "$@"
bench_history

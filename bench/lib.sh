# shellcheck shell=bash
# shellcheck disable=SC2034  # globals set here are read by the bench scripts
# Shared helpers for the `lessons` benchmarks. Source it from a bench script:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_init "$@"          # N, work dir, tools, corpus, git repo, warm cache
#   bench_compare name1 'cmd1' name2 'cmd2' ...   # fills BENCH_MEAN[name] ...
#                            (BENCH_PREPARE='cmd' runs cmd, untimed, before each run)
#   bench_peak_rss name 'cmd'                      # fills BENCH_RSS_MB[name]
#
# Layout of the work dir (default /tmp/lessons-bench-N):
#   kb/          the generated knowledge base, a git repository
#   kb/.bench-stamp   what generated it (N, seed, invalid %, generator hash)
#   results/     hyperfine CSV/JSON exports and /usr/bin/time logs
#   gen_corpus   generator binary when built without cargo (fallback)
#
# Environment knobs (all optional):
#   BENCH_RUNS=5              timed runs per command
#   BENCH_WARMUP=1            untimed warm-up runs per command
#   BENCH_SEED=42             corpus seed
#   BENCH_INVALID_PERCENT=1   share of lesson files with one contract violation
#   BENCH_NO_BUILD=1          do not run cargo build (use existing binaries)
#   LESSONS_BIN=path          lessons binary (default: target/release/lessons)
#   BENCH_NO_HYPERFINE=1      force the plain timing loop even if hyperfine exists

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)

BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_SEED=${BENCH_SEED:-42}
BENCH_INVALID_PERCENT=${BENCH_INVALID_PERCENT:-1}

declare -gA BENCH_MEAN=() BENCH_STDDEV=() BENCH_MIN=() BENCH_RSS_MB=()

log()  { printf '[bench] %s\n' "$*" >&2; }
warn() { printf '[bench] WARNING: %s\n' "$*" >&2; }
die()  { printf '[bench] ERROR: %s\n' "$*" >&2; exit 2; }

have() { command -v "$1" >/dev/null 2>&1; }

# Seconds since the epoch with nanoseconds, as a decimal string.
now_s() { date +%s.%N; }

# bench_init [N] [WORKDIR]: parse the common arguments, check tools, build,
# generate (or reuse) the corpus, make it a git repository, warm the cache.
bench_init() {
    BENCH_N=${1:-100000}
    [[ $BENCH_N =~ ^[0-9]+$ ]] || die "N must be a number, got '$BENCH_N'"
    BENCH_WORK=${2:-/tmp/lessons-bench-$BENCH_N}
    BENCH_KB=$BENCH_WORK/kb
    BENCH_RESULTS=$BENCH_WORK/results
    mkdir -p "$BENCH_WORK" "$BENCH_RESULTS"
    LESSONS_BIN=${LESSONS_BIN:-$REPO_ROOT/target/release/lessons}

    bench_tools
    bench_build
    bench_corpus
    bench_git
    bench_warm
}

bench_tools() {
    have git || die "git is required"
    if [[ -z ${BENCH_NO_HYPERFINE:-} ]] && have hyperfine; then
        BENCH_HYPERFINE=1
    else
        BENCH_HYPERFINE=
        have hyperfine || warn "hyperfine not found (apt-get install -y hyperfine); using a plain timing loop"
    fi
    if [[ -x /usr/bin/time ]]; then
        BENCH_TIME=/usr/bin/time
    else
        BENCH_TIME=
        warn "/usr/bin/time not found (apt-get install -y time); peak memory will not be measured"
    fi
    if have rg; then BENCH_RG=$(command -v rg); else BENCH_RG=; fi
    log "cpus: $(nproc 2>/dev/null || echo '?'), hyperfine: $([[ -n $BENCH_HYPERFINE ]] && echo yes || echo no), rg: ${BENCH_RG:-no}"
}

# Builds the lessons binary (failure is tolerated: the bench then skips it)
# and the corpus generator (cargo example, else plain rustc: it is std-only).
bench_build() {
    if [[ -n ${BENCH_NO_BUILD:-} ]]; then
        log "BENCH_NO_BUILD set: not building"
    else
        log "cargo build --release"
        if ! (cd "$REPO_ROOT" && cargo build --release --quiet); then
            warn "cargo build --release failed; lessons will be skipped if $LESSONS_BIN is missing"
        fi
    fi
    GEN_BIN=$REPO_ROOT/target/release/examples/gen_corpus
    if [[ -z ${BENCH_NO_BUILD:-} ]]; then
        if ! (cd "$REPO_ROOT" && cargo build --release --quiet --example gen_corpus); then
            warn "cargo could not build the gen_corpus example; compiling it with rustc"
            GEN_BIN=$BENCH_WORK/gen_corpus
            rustc --edition 2024 -O "$REPO_ROOT/examples/gen_corpus.rs" -o "$GEN_BIN" \
                || die "cannot build examples/gen_corpus.rs"
        fi
    fi
    if [[ ! -x $GEN_BIN ]]; then
        GEN_BIN=$BENCH_WORK/gen_corpus
        [[ -x $GEN_BIN ]] || rustc --edition 2024 -O "$REPO_ROOT/examples/gen_corpus.rs" -o "$GEN_BIN" \
            || die "cannot build examples/gen_corpus.rs"
    fi
    if [[ -x $LESSONS_BIN ]]; then
        BENCH_HAVE_LESSONS=1
    else
        BENCH_HAVE_LESSONS=
        warn "no lessons binary at $LESSONS_BIN: only the baselines will run"
    fi
}

# Generates the corpus unless kb/ already holds one made with the same
# parameters by the same generator source.
bench_corpus() {
    local gen_hash stamp
    gen_hash=$(sha256sum "$REPO_ROOT/examples/gen_corpus.rs" | cut -c1-16)
    stamp="n=$BENCH_N seed=$BENCH_SEED invalid=$BENCH_INVALID_PERCENT gen=$gen_hash"
    if [[ -f $BENCH_KB/.bench-stamp && $(cat "$BENCH_KB/.bench-stamp") == "$stamp" ]]; then
        log "reusing corpus in $BENCH_KB ($stamp)"
        return
    fi
    log "generating corpus: $stamp"
    rm -rf "$BENCH_KB"
    "$GEN_BIN" --out "$BENCH_KB" --count "$BENCH_N" --seed "$BENCH_SEED" \
        --invalid-percent "$BENCH_INVALID_PERCENT"
    printf '%s\n' "$stamp" > "$BENCH_KB/.bench-stamp"
}

# Makes kb/ a git repository with one commit holding the whole corpus.
bench_git() {
    if git -C "$BENCH_KB" rev-parse --verify -q HEAD >/dev/null 2>&1 \
        && [[ -z $(git -C "$BENCH_KB" status --porcelain --untracked-files=normal | head -1) ]]; then
        log "git repository already committed"
        return
    fi
    log "git init/add/commit (this takes a while for large corpora)"
    local t0; t0=$(now_s)
    rm -rf "$BENCH_KB/.git"
    git -C "$BENCH_KB" init -q -b main
    printf '.bench-stamp\n' > "$BENCH_KB/.git/info/exclude"
    git -C "$BENCH_KB" add -A
    git -C "$BENCH_KB" -c user.name=bench -c user.email=bench@example.com \
        -c commit.gpgsign=false commit -q -m "Generated corpus ($BENCH_N lessons)"
    log "git done in $(awk -v a="$t0" -v b="$(now_s)" 'BEGIN{printf "%.1f", b-a}') s"
}

bench_warm() {
    log "warming the page cache"
    (cd "$BENCH_KB" && find lessons -name '*.md' -print0 | xargs -0 cat > /dev/null)
    git -C "$BENCH_KB" status --porcelain > /dev/null
    BENCH_FILES=$(find "$BENCH_KB/lessons" -name '*.md' | wc -l)
    # Lesson files proper: README.md and _*.md are not lessons (contract).
    BENCH_LESSON_FILES=$(find "$BENCH_KB/lessons" -name '*.md' ! -name README.md ! -name '_*' | wc -l)
    BENCH_BYTES=$(find "$BENCH_KB/lessons" -name '*.md' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
    BENCH_DISK=$(du -sh "$BENCH_KB" | cut -f1)
    log "corpus: $BENCH_FILES .md files, $((BENCH_BYTES / 1000000)) MB of lesson text, $BENCH_DISK on disk with .git"
}

# bench_compare NAME CMD [NAME CMD ...]: times each shell command (run from
# kb/, exit status ignored) and records mean/stddev/min seconds by name.
# BENCH_TAG names the result files; BENCH_PREPARE, if set, is a shell command
# run (untimed, from kb/) before every run, warm-ups included.
bench_compare() {
    local tag=${BENCH_TAG:-compare}
    local -a names=() cmds=()
    while (($# >= 2)); do names+=("$1"); cmds+=("$2"); shift 2; done
    if [[ -n $BENCH_HYPERFINE ]]; then
        local -a args=()
        local i
        [[ -n ${BENCH_PREPARE:-} ]] && args+=(--prepare "$BENCH_PREPARE")
        for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
        local csv=$BENCH_RESULTS/$tag.csv
        (cd "$BENCH_KB" && hyperfine -i --style basic --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS" \
            --export-csv "$csv" --export-json "$BENCH_RESULTS/$tag.json" "${args[@]}") >&2
        # command,mean,stddev,median,user,system,min,max
        local name mean stddev min
        while IFS=, read -r name mean stddev _ _ _ min _; do
            [[ $name == command ]] && continue
            BENCH_MEAN[$name]=$mean; BENCH_STDDEV[$name]=$stddev; BENCH_MIN[$name]=$min
        done < "$csv"
    else
        local i r
        for i in "${!names[@]}"; do
            for ((r = 0; r < BENCH_WARMUP; r++)); do
                bench_prepare
                (cd "$BENCH_KB" && bash -c "${cmds[$i]}") > /dev/null 2>&1 || true
            done
            local -a times=()
            for ((r = 0; r < BENCH_RUNS; r++)); do
                local t0 t1
                bench_prepare
                t0=$(now_s)
                (cd "$BENCH_KB" && bash -c "${cmds[$i]}") > /dev/null 2>&1 || true
                t1=$(now_s)
                times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')")
            done
            read -r "BENCH_MEAN[${names[$i]}]" "BENCH_STDDEV[${names[$i]}]" "BENCH_MIN[${names[$i]}]" < <(
                printf '%s\n' "${times[@]}" | awk '{s+=$1; q+=$1*$1; if (NR==1||$1<m) m=$1}
                    END{mu=s/NR; v=q/NR-mu*mu; if (v<0) v=0; printf "%.6f %.6f %.6f\n", mu, sqrt(v), m}')
            log "$(printf '%-22s mean %8.3f s  min %8.3f s  (%d runs)' "${names[$i]}" \
                "${BENCH_MEAN[${names[$i]}]}" "${BENCH_MIN[${names[$i]}]}" "$BENCH_RUNS")"
        done
    fi
}

bench_prepare() {
    [[ -z ${BENCH_PREPARE:-} ]] || (cd "$BENCH_KB" && bash -c "$BENCH_PREPARE") > /dev/null 2>&1 || true
}

# bench_peak_rss NAME CMD: peak resident memory (MB) of CMD run from kb/.
bench_peak_rss() {
    local name=$1 cmd=$2 out=$BENCH_RESULTS/time-$1.txt
    if [[ -z $BENCH_TIME ]]; then BENCH_RSS_MB[$name]=n/a; return; fi
    (cd "$BENCH_KB" && "$BENCH_TIME" -v -o "$out" bash -c "$cmd") > /dev/null 2>&1 || true
    local kb
    kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out")
    BENCH_RSS_MB[$name]=$(awk -v k="${kb:-0}" 'BEGIN{printf "%.1f", k/1024}')
}

# Formats a ratio a/b with two decimals ("n/a" if either is missing).
bench_ratio() {
    awk -v a="${1:-}" -v b="${2:-}" 'BEGIN{ if (a == "" || b == "" || b+0 == 0) print "n/a"; else printf "%.2f", a/b }'
}

# The codename phrase of the first lesson that has one (for rare-phrase searches).
bench_rare_phrase() {
    awk -F'\t' '$1 == "codename" {print $4; exit}' "$BENCH_KB/corpus-manifest.tsv"
}

bench_manifest_count() { # kind -> number of manifest lines of that kind
    awk -F'\t' -v k="$1" '$1 == k {n++} END{print n+0}' "$BENCH_KB/corpus-manifest.tsv"
}

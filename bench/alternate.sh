#!/usr/bin/env bash
# Alternated rounds: runs each command once per round, in turn, so that the
# load of a shared machine falls on all of them alike, and prints each
# command's mean, median and minimum and how far above the first command it
# was, round by round. With `lessons index` (nothing to do: the freshness
# check every command pays) first, "above" is a command's own cost.
#
# Usage: bench/alternate.sh ROUNDS DIR 'name=command' ['name=command' ...]
#   ROUNDS   timed rounds (after one untimed round)
#   DIR      where the commands run (a knowledge base)
#   command  a shell command; its output is discarded
#
# Example (the report benchmark's corpus, two binaries):
#   bench/alternate.sh 40 /tmp/lessons-bench-100000/kb \
#       "index=target/release/lessons index" \
#       "report=target/release/lessons report" \
#       "before=/tmp/lessons-before report"
set -euo pipefail

(($# >= 3)) || { sed -n '2,17p' "$0" >&2; exit 2; }
rounds=$1 dir=$2
shift 2
names=() cmds=()
for spec in "$@"; do
    [[ $spec == *=* ]] || { echo "not name=command: $spec" >&2; exit 2; }
    names+=("${spec%%=*}") cmds+=("${spec#*=}")
done
cd "$dir"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((round = 0; round <= rounds; round++)); do
    for i in "${!cmds[@]}"; do
        start=$(date +%s%N)
        bash -c "${cmds[$i]}" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        # Round 0 warms the caches and is not counted.
        ((round == 0)) || echo "$round $i $(((end - start) / 1000))" >>"$results"
    done
done
# mean, median and minimum of numbers on standard input, one a line
stats() { sort -n | awk '{ v[NR] = $1; sum += $1 }
    END { med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.1f %.1f %.1f\n", sum / NR, med, v[1] }'; }
for i in "${!names[@]}"; do
    read -r mean median min < <(awk -v me="$i" '$2 == me { print $3 / 1000 }' "$results" | stats)
    printf '%-14s mean %7.1f ms  median %7.1f  min %7.1f' "${names[$i]}" "$mean" "$median" "$min"
    if ((i > 0)); then
        # Per round: this command's time less the first command's.
        read -r mean median min < <(awk -v me="$i" '
            $2 == 0 { base[$1] = $3 } $2 == me { t[$1] = $3 }
            END { for (r in t) print (t[r] - base[r]) / 1000 }' "$results" | stats)
        printf '  | above %s: mean %6.1f  median %6.1f' "${names[0]}" "$mean" "$median"
    fi
    printf '\n'
done

#!/usr/bin/env bash
# A short fuzz run of every target, for CI: FUZZ_SECONDS each (default 60),
# one process, starting from the committed seeds and regressions; what the
# run adds to the corpus goes to a temporary folder, a crash input to
# fuzz/artifacts/<target>/ (see README.md for keeping it).
# Needs the nightly toolchain; without it the run is skipped, saying so
# (`cargo test` has replayed the committed inputs on stable already).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "note: no nightly toolchain; the fuzz run is skipped (cargo test replayed the committed inputs)" >&2
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build
status=0
for target in $(cargo +nightly fuzz list); do
  mkdir -p "$work/$target"
  log="$work/$target.log"
  if cargo +nightly fuzz run "$target" "$work/$target" "corpus/$target" "regressions/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz: $target ran ${seconds}s: $(grep -m1 -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" || tail -n 1 "$log")"
  else
    # The whole log: the panic, the input's path and how to reproduce it.
    cat "$log"
    echo "fuzz: $target FAILED; keep the input in fuzz/regressions/$target/ (fuzz/README.md)" >&2
    status=1
  fi
done
exit "$status"

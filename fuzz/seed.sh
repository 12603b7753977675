#!/usr/bin/env bash
# Refreshes the seed corpora from the fixtures (see README.md):
#   corpus/lesson/  every lesson file of tests/fixtures and docs/example
#   corpus/facts/   the facts files the real `lessons index` writes for
#                   tests/fixtures/valid and docs/example
# corpus/query/ is written by hand (queries from docs/search.md and the
# tests) and left as it is. Run from anywhere; needs cargo (stable) and git.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz")"

mkdir -p "$fuzz/corpus/lesson" "$fuzz/corpus/facts"
# Lesson seeds keep their fixture path in their name, `/` as `--`.
(cd "$root" && find tests/fixtures docs/example -type f -name '*.md' | sort) |
  while read -r rel; do
    cp "$root/$rel" "$fuzz/corpus/lesson/${rel//\//--}"
  done

# Knowledge bases of valid lessons, indexed by the real binary: their
# facts files are seeds the reader must accept (a small one mutates fast).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
facts_of() { # NAME, then the files of the knowledge base's lesson root
  local name="$1" kb="$work/$1"
  shift
  mkdir -p "$kb/lessons"
  cp "$@" "$kb/lessons/"
  [ -f "$root/docs/example/lessons.toml" ] && cp "$root/docs/example/lessons.toml" "$kb/"
  git -C "$kb" init -q
  git -C "$kb" add -A
  git -C "$kb" -c user.name=seed -c user.email=seed@example.invalid commit -qm seed
  (cd "$root" && cargo run --quiet -- --repo "$kb" index >/dev/null)
  local facts
  facts="$(find "$kb/.git" -name 'facts-*.bin' | head -n 1)"
  [ -n "$facts" ] || { echo "no facts file was written under $kb/.git" >&2; exit 1; }
  cp "$facts" "$fuzz/corpus/facts/$name.bin"
}
facts_of one-lesson "$root/tests/fixtures/valid/payments-failover.md"
facts_of valid "$root"/tests/fixtures/valid/*.md
# shellcheck disable=SC2046
facts_of example-and-valid $(find "$root/docs/example/lessons" -name '*.md' ! -name README.md) "$root"/tests/fixtures/valid/*.md
echo "seeds: $(ls "$fuzz/corpus/lesson" | wc -l) lessons, $(ls "$fuzz/corpus/facts" | wc -l) facts files, $(ls "$fuzz/corpus/query" 2>/dev/null | wc -l) queries"

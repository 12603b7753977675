#!/usr/bin/env bash
# Search relevance benchmark: judged queries over a hand-written knowledge base,
# `lessons search` against a plain BM25 baseline. See bench/relevance/README.md.
#
# Usage: bench/relevance.sh [--json FILE] [--verbose] [--bin PATH] [--class C]... [--keep]
#   LESSONS_BIN   the binary to test (default: target/release/lessons of this repo);
#                 it is not built here.
# Exit status: 0 report printed (targets met or not), 1 setup error, 2 some searches failed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LESSONS_BIN=${LESSONS_BIN:-$(cd "$here/.." && pwd)/target/release/lessons}
command -v python3 >/dev/null || { echo "error: python3 (3.11+) is required" >&2; exit 1; }
exec python3 "$here/relevance/eval.py" "$@"

#!/usr/bin/env python3
"""Search relevance benchmark: `lessons search` against a plain BM25 baseline.

Copies the knowledge base (kb/) to a temporary folder, makes it a git
repository with one commit, then runs every judged query of queries.toml
through `lessons --repo TMP search QUERY --format json --limit 100` and
through a BM25 baseline implemented below, and prints per-class and overall
means of precision@10, recall@100 and reciprocal rank (plus, for title
queries, how often the lesson whose title was pasted ranks first), with
verdicts for the targets. See README.md for the definitions.

Standard library only (Python 3.11+). Exit status: 0 when the report was
produced (whether or not the targets are met), 1 on a setup error (binary
missing, bad queries file, git failing), 2 when some searches failed (exit
status non-zero or output not JSON): those queries are listed, counted as
returning nothing, and the report is still printed.

    bench/relevance.sh [--json FILE] [--verbose] [--bin PATH] [--class C]...
"""
import argparse
import collections
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_BIN = os.path.join(REPO_ROOT, "target", "release", "lessons")
CLASSES = ["plain", "multi-word", "question", "synonym", "typo", "title"]
METRICS = ["p10", "r100", "rr"]
LABELS = {"p10": "P@10", "r100": "R@100", "rr": "MRR", "first1": "first@1"}
TARGET_P10 = 0.9
TARGET_R100 = 0.95
LIMIT = 100


def die(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


# --- the knowledge base -----------------------------------------------------

def copy_kb(kb, tmp):
    dest = os.path.join(tmp, "kb")
    shutil.copytree(kb, dest, ignore=shutil.ignore_patterns(".git", ".lessons"))
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                ["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "relevance kb"]):
        r = subprocess.run(cmd, cwd=dest, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            die(f"{' '.join(cmd)} failed in {dest}: {r.stderr.strip()}")
    return dest


ID_LINE = re.compile(r'^id\s*=\s*"([^"]+)"', re.M)


def load_docs(kb):
    """(path relative to kb, lesson id, text) of every lesson file."""
    docs = []
    root = os.path.join(kb, "lessons")
    for dirpath, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".md") or name == "README.md" or name.startswith("_"):
                continue
            full = os.path.join(dirpath, name)
            with open(full, encoding="utf-8") as f:
                text = f.read()
            m = ID_LINE.search(text.split("+++", 2)[1] if text.startswith("+++") else text)
            if not m:
                die(f"no id in {full}")
            docs.append((os.path.relpath(full, kb).replace(os.sep, "/"), m.group(1), text))
    docs.sort()
    return docs


# --- the BM25 baseline --------------------------------------------------------

TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits (Unicode)


def tokens(text):
    return TOKEN.findall(text.lower())


class BM25:
    """Okapi BM25 over whole files: k1=1.2, b=0.75, no stemming, no stop
    words, a document matches when it has any query word; ties by path."""

    def __init__(self, docs, k1=1.2, b=0.75):
        self.k1, self.b = k1, b
        self.docs = [(path, lid, collections.Counter(tokens(text))) for path, lid, text in docs]
        self.lens = [sum(tf.values()) for _, _, tf in self.docs]
        self.avg = sum(self.lens) / len(self.lens)
        self.df = collections.Counter()
        for _, _, tf in self.docs:
            self.df.update(tf.keys())

    def search(self, query, limit=LIMIT):
        n = len(self.docs)
        terms = set(tokens(query))
        scored = []
        for (path, lid, tf), dl in zip(self.docs, self.lens):
            s = 0.0
            for t in terms:
                f = tf.get(t)
                if f:
                    idf = math.log(1 + (n - self.df[t] + 0.5) / (self.df[t] + 0.5))
                    s += idf * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * dl / self.avg))
            if s > 0:
                scored.append((-s, path, lid))
        scored.sort()
        return [lid for _, _, lid in scored[:limit]]


# --- lessons search -----------------------------------------------------------

def lessons_search(binary, kb, query):
    """Ranked ids, or raise RuntimeError with the reason."""
    cmd = [binary, "--repo", kb, "search", query, "--format", "json", "--limit", str(LIMIT)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"exit status {r.returncode}: {r.stderr.strip()[:500]}")
    try:
        data = json.loads(r.stdout)
        return [h["id"] for h in data["hits"]]
    except (ValueError, KeyError, TypeError) as e:
        raise RuntimeError(f"unreadable output ({e}): {r.stdout[:200]!r}")


# --- metrics ------------------------------------------------------------------

def measure(ranked, relevant, first=None):
    rel = set(relevant)
    top10 = ranked[:10]
    hits10 = sum(1 for i in top10 if i in rel)
    hits100 = sum(1 for i in ranked[:LIMIT] if i in rel)
    rr = 0.0
    for pos, i in enumerate(ranked, 1):
        if i in rel:
            rr = 1.0 / pos
            break
    m = {
        "p10": hits10 / min(10, len(rel)),
        "r100": hits100 / len(rel),
        "rr": rr,
        "missed": [i for i in relevant if i not in ranked[:LIMIT]],
        "noise10": [i for i in top10 if i not in rel],
        "top10": top10,
    }
    if first is not None:
        m["first1"] = 1.0 if ranked[:1] == [first] else 0.0
        m["first_rank"] = ranked.index(first) + 1 if first in ranked else None
    return m


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def summarise(results, engines):
    """{engine: {class or 'overall': {metric: mean}}}"""
    out = {}
    for e in engines:
        per = {}
        groups = [(c, [r for r in results if r["class"] == c]) for c in CLASSES]
        groups.append(("overall", results))
        for c, rs in groups:
            if not rs:
                continue
            s = {k: mean(r[e][k] for r in rs) for k in METRICS}
            firsts = [r[e]["first1"] for r in rs if "first1" in r[e]]
            if firsts:
                s["first1"] = mean(firsts)
            s["queries"] = len(rs)
            per[c] = s
        out[e] = per
    return out


def fmt(x):
    return "  -  " if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def print_table(summary):
    engines = list(summary)
    cols = METRICS + ["first1"]
    head = f"{'class':<11} {'n':>3}  " + "  ".join(
        f"{LABELS[m] + ' ' + e:>{max(12, len(LABELS[m]) + len(e) + 1)}}" for m in cols for e in engines)
    print(head)
    print("-" * len(head))
    rows = [c for c in CLASSES if c in summary[engines[0]]] + ["overall"]
    for c in rows:
        n = summary[engines[0]][c]["queries"]
        cells = []
        for m in cols:
            for e in engines:
                v = summary[e][c].get(m)
                cells.append(f"{fmt(v):>{max(12, len(LABELS[m]) + len(e) + 1)}}")
        print(f"{c:<11} {n:>3}  " + "  ".join(cells))


def verdicts(summary):
    out = []
    lz, bm = summary["lessons"], summary["bm25"]
    for m in METRICS + ["first1"]:
        if not any(m in lz[c] for c in CLASSES if c in lz):
            continue
        worse = [c for c in CLASSES if c in lz and m in lz[c] and lz[c][m] + 1e-9 < bm[c][m]]
        out.append({
            "target": f"lessons >= bm25 on {LABELS[m]} in every class",
            "ok": not worse,
            "detail": "all classes" if not worse else "below bm25 in: " + ", ".join(
                f"{c} ({lz[c][m]:.3f} < {bm[c][m]:.3f})" for c in worse),
        })
    p, r = lz["overall"]["p10"], lz["overall"]["r100"]
    out.append({"target": f"overall P@10 >= {TARGET_P10}", "ok": p >= TARGET_P10, "detail": f"{p:.3f}"})
    out.append({"target": f"overall R@100 >= {TARGET_R100}", "ok": r >= TARGET_R100, "detail": f"{r:.3f}"})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("LESSONS_BIN", DEFAULT_BIN),
                    help="the lessons binary (default: $LESSONS_BIN or %(default)s)")
    ap.add_argument("--kb", default=os.path.join(HERE, "kb"), help="knowledge base to copy")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.toml"))
    ap.add_argument("--class", dest="classes", action="append", choices=CLASSES,
                    help="only queries of this class (repeatable)")
    ap.add_argument("--json", metavar="FILE", help="write every figure (per query and means) to FILE")
    ap.add_argument("--verbose", action="store_true",
                    help="per-query figures, relevant lessons not retrieved, non-relevant ones in the top 10")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy of the knowledge base")
    args = ap.parse_args()

    if not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        die(f"lessons binary not found or not executable: {args.bin} (set LESSONS_BIN or --bin)")
    try:
        with open(args.queries, "rb") as f:
            queries = tomllib.load(f)["queries"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        die(f"cannot read {args.queries}: {e}")
    if args.classes:
        queries = [q for q in queries if q["class"] in args.classes]

    tmp = tempfile.mkdtemp(prefix="lessons-relevance-")
    try:
        kb = copy_kb(args.kb, tmp)
        docs = load_docs(kb)
        ids = {lid for _, lid, _ in docs}
        titles = {}
        for _, lid, text in docs:
            m = re.search(r'^title\s*=\s*"(.*)"\s*$', text, re.M)
            titles[lid] = json.loads(f'"{m.group(1)}"') if m else ""
        for q in queries:
            bad = [i for i in q["relevant"] + ([q["first"]] if "first" in q else []) if i not in ids]
            if bad or not q["relevant"]:
                die(f"query {q['id']}: unknown or no relevant ids {bad}")
        bm25 = BM25(docs)
        results, failures = [], []
        for q in queries:
            try:
                ranked = lessons_search(args.bin, kb, q["query"])
            except (RuntimeError, OSError) as e:
                failures.append((q["id"], q["query"], str(e)))
                ranked = []
            first = q.get("first")
            results.append({
                "id": q["id"], "class": q["class"], "query": q["query"],
                "relevant": q["relevant"], **({"first": first} if first else {}),
                "lessons": measure(ranked, q["relevant"], first),
                "bm25": measure(bm25.search(q["query"]), q["relevant"], first),
            })
    finally:
        if args.keep:
            print(f"knowledge base copy kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    summary = summarise(results, ["lessons", "bm25"])
    n_rel = sum(len(q["relevant"]) for q in queries)
    print(f"Search relevance: {len(queries)} queries ({n_rel} judgments), "
          f"{len(docs)} lessons, binary {args.bin}")
    print(f"P@10 = relevant in top 10 / min(10, |relevant|); R@100 = relevant in top 100 / |relevant|;")
    print(f"MRR = mean 1/rank of the first relevant hit; first@1 (title queries) = pasted lesson ranked 1st\n")

    if args.verbose:
        for r in results:
            print(f"{r['id']} [{r['class']}] {r['query']!r}  |relevant|={len(r['relevant'])}")
            for e in ("lessons", "bm25"):
                m = r[e]
                extra = ""
                if "first1" in m:
                    extra = f" first@{m['first_rank'] or '-'}"
                print(f"  {e:<7} P@10 {m['p10']:.2f}  R@100 {m['r100']:.2f}  RR {m['rr']:.2f}{extra}")
                if m["missed"]:
                    print(f"          missed: " + "; ".join(f"{i} {titles[i][:60]}" for i in m["missed"]))
                if m["noise10"]:
                    print(f"          not relevant in top 10: " + "; ".join(
                        f"{i} {titles[i][:50]}" for i in m["noise10"]))
        print()

    print_table(summary)
    print()
    vs = verdicts(summary)
    for v in vs:
        print(f"[{'ok' if v['ok'] else 'MISSED'}] {v['target']}: {v['detail']}")
    if failures:
        print(f"\n{len(failures)} search(es) failed and were counted as returning nothing:", file=sys.stderr)
        for qid, text, why in failures:
            print(f"  {qid} {text!r}: {why}", file=sys.stderr)

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"binary": args.bin, "lessons": len(docs), "queries": results,
                       "summary": summary, "verdicts": vs,
                       "failures": [{"id": a, "query": b, "error": c} for a, b, c in failures]},
                      f, indent=2, ensure_ascii=False)
            f.write("\n")
    return 2 if failures else 0


if __name__ == "__main__":
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    sys.exit(main())

#!/usr/bin/env python3
"""Builds the relevance knowledge base and queries.toml from material/.

Deterministic: the same material always gives the same files.

    python3 bench/relevance/generate.py          # (re)writes kb/, queries.toml, families.tsv

The lessons themselves are hand-written in material/NN-*.txt in a small
line format (one lesson per `=== YEAR/slug` block); this script only does
the bookkeeping: ids (LL-YEAR-NNN, numbered per year in order of
occurrence), TOML front matter, detected/contained/recovered taken from the
marked timeline items, a reviewed date when none is given, cross-references
`[[slug]]` -> id, and the checks of the lesson format that can be made here.

Material format:

    @family cert-expiry              # family of the lessons that follow ("-" = loner)
    === 2022/api-gateway-cert-expired
    title: ...
    kind: outage
    severity: high
    status: final                    # optional, default final
    reviewed: 2022-03-20             # optional, default last timeline day + 4..15
    systems: a, b
    teams: a, b
    functions: it, operations        # optional
    tags: a, b                       # optional
    participants: a; b               # optional, ';'-separated
    related: 2021/other-slug         # optional, slugs
    cause: category | key | summary  # key may be empty
    action: type | owner | date | status | summary | key, key   (date = completed when done, else due)
    --- Summary
    text ...
    --- Timeline
    - 2022-03-14 09:12Z text {d}    # {o} occurred (default: first item), {d} detected,
                                     # {c} contained, {r} recovered
    --- Analysis
    ...

Queries are in material/queries.txt:

    Q-001 | plain | expired certificate | fam:cert-expiry fam:sso-cert -2021/x +2022/y | first=slug
"""
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MATERIAL = os.path.join(HERE, "material")
KB = os.path.join(HERE, "kb")

KINDS = {"outage", "data-breach", "policy-violation", "near-miss", "degradation", "security-event"}
SEVERITIES = {"critical", "high", "medium", "low"}
FUNCTIONS = {"it", "security", "hr", "legal", "leadership", "operations"}
CATEGORIES = {"process-gap", "training-need", "governance-weakness", "technical-debt",
              "configuration-error", "software-defect", "capacity", "third-party",
              "human-error", "malicious-actor"}
ACTION_TYPES = {"procedure-update", "awareness", "control-adjustment", "tooling",
                "architecture", "monitoring"}
ACTION_STATUS = {"open", "in-progress", "done", "dropped"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TL_ITEM = re.compile(r"^- (\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2})Z)?\s+(.*)$")
MARK = re.compile(r"\s*\{([odcr])\}")

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def q(s):
    return json.dumps(s, ensure_ascii=False)


def arr(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def split_list(v, sep=","):
    return [x.strip() for x in v.split(sep) if x.strip()]


def parse_material():
    lessons = []
    family = None
    files = sorted(f for f in os.listdir(MATERIAL) if f.endswith(".txt") and f != "queries.txt")
    for name in files:
        cur = None
        section = None
        for n, raw in enumerate(open(os.path.join(MATERIAL, name), encoding="utf-8"), 1):
            line = raw.rstrip("\n")
            where = f"{name}:{n}"
            if line.startswith("@family "):
                family = line.split(None, 1)[1].strip()
                continue
            if line.startswith("=== "):
                cur = {"slug": line[4:].strip(), "family": family, "where": where,
                       "causes": [], "actions": [], "sections": [], "h": {}}
                section = None
                lessons.append(cur)
                continue
            if cur is None:
                if line.strip() and not line.startswith("#"):
                    err(where, "text outside a lesson")
                continue
            if line.startswith("--- "):
                section = [line[4:].strip(), []]
                cur["sections"].append(section)
                continue
            if section is None:
                if not line.strip() or line.startswith("#"):
                    continue
                if ":" not in line:
                    err(where, f"bad header line {line!r}")
                    continue
                k, v = line.split(":", 1)
                k, v = k.strip(), v.strip()
                if k == "cause":
                    parts = [p.strip() for p in v.split("|")]
                    if len(parts) != 3:
                        err(where, "cause needs 3 fields")
                        continue
                    cur["causes"].append(parts)
                elif k == "action":
                    parts = [p.strip() for p in v.split("|")]
                    if len(parts) not in (5, 6):
                        err(where, "action needs 5 or 6 fields")
                        continue
                    cur["actions"].append(parts)
                else:
                    if k in cur["h"]:
                        err(where, f"duplicate header {k}")
                    cur["h"][k] = v
            else:
                section[1].append(line)
    return lessons


def parse_when(d, t):
    if t:
        return dt.datetime.fromisoformat(f"{d}T{t}:00+00:00")
    return dt.date.fromisoformat(d)


def as_dt(v):
    if isinstance(v, dt.datetime):
        return v
    return dt.datetime(v.year, v.month, v.day, tzinfo=dt.timezone.utc)


def toml_when(v):
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:00Z")
    return v.isoformat()


def build(lessons):
    slugs = {}
    for l in lessons:
        if l["slug"] in slugs:
            err(l["where"], f"duplicate slug {l['slug']}")
        slugs[l["slug"]] = l
        m = re.match(r"^(\d{4})/([a-z0-9-]+)$", l["slug"])
        if not m:
            err(l["where"], f"bad slug {l['slug']}")
            continue
        l["year"] = int(m.group(1))
        # timeline
        marks = {}
        items = []
        for sec, body in l["sections"]:
            if sec.lower() != "timeline":
                continue
            for line in body:
                mm = TL_ITEM.match(line)
                if not mm:
                    if line.strip():
                        err(l["where"], f"timeline line without date: {line!r}")
                    continue
                when = parse_when(mm.group(1), mm.group(2))
                for mk in MARK.findall(line):
                    marks[mk] = when
                items.append(when)
        if not items:
            err(l["where"], "no timeline items")
            continue
        for a, b in zip(items, items[1:]):
            if as_dt(b) < as_dt(a):
                err(l["where"], f"timeline out of order at {b}")
        marks.setdefault("o", items[0])
        l["when"] = marks
        l["occurred"] = marks["o"]
        if as_dt(marks["o"]).year != l["year"]:
            err(l["where"], f"occurred {marks['o']} not in folder year {l['year']}")
        prev = marks["o"]
        for k in "dcr":
            if k in marks:
                if as_dt(marks[k]) < as_dt(prev):
                    err(l["where"], f"date order broken at {{{k}}}")
                prev = marks[k]
        h = l["h"]
        status = h.get("status", "final")
        l["status"] = status
        if "reviewed" in h:
            l["reviewed"] = dt.date.fromisoformat(h["reviewed"])
        elif status == "final":
            last = as_dt(items[-1]).date()
            extra = 4 + int(hashlib.sha1(l["slug"].encode()).hexdigest(), 16) % 12
            l["reviewed"] = last + dt.timedelta(days=extra)
        for req in ("title", "kind", "severity", "systems"):
            if req not in h:
                err(l["where"], f"missing {req}")
        if h.get("kind") not in KINDS:
            err(l["where"], f"bad kind {h.get('kind')}")
        if h.get("severity") not in SEVERITIES:
            err(l["where"], f"bad severity {h.get('severity')}")
        if status not in ("draft", "review", "final"):
            err(l["where"], f"bad status {status}")
        for f in split_list(h.get("functions", "")):
            if f not in FUNCTIONS:
                err(l["where"], f"bad function {f}")
        keys = set()
        for cat, key, summ in l["causes"]:
            if cat not in CATEGORIES:
                err(l["where"], f"bad cause category {cat}")
            if key:
                if not SLUG.match(key):
                    err(l["where"], f"bad cause key {key}")
                keys.add(key)
        for a in l["actions"]:
            typ, owner, date, st, summ = a[:5]
            if typ not in ACTION_TYPES:
                err(l["where"], f"bad action type {typ}")
            if st not in ACTION_STATUS:
                err(l["where"], f"bad action status {st}")
            dt.date.fromisoformat(date)
            for k in split_list(a[5] if len(a) > 5 else ""):
                if k not in keys:
                    err(l["where"], f"action addresses unknown key {k}")
        if status == "final" and (not l["causes"] or not l["actions"]):
            err(l["where"], "final lesson without causes or actions")
        names = [s.lower() for s, _ in l["sections"]]
        for req in ("summary", "timeline", "analysis"):
            if names.count(req) != 1:
                err(l["where"], f"section {req} appears {names.count(req)} times")
    # ids: per year, in order of occurrence then slug
    by_year = {}
    for l in lessons:
        if "occurred" in l:
            by_year.setdefault(l["year"], []).append(l)
    for year, ls in by_year.items():
        ls.sort(key=lambda l: (as_dt(l["occurred"]), l["slug"]))
        for i, l in enumerate(ls, 1):
            l["id"] = f"LL-{year}-{i:03d}"
    return slugs


REF = re.compile(r"\[\[([0-9]{4}/[a-z0-9-]+)\]\]")


def subst(text, slugs, where):
    def rep(m):
        s = m.group(1)
        if s not in slugs or "id" not in slugs[s]:
            err(where, f"unknown reference {s}")
            return s
        return slugs[s]["id"]
    return REF.sub(rep, text)


def render(l, slugs):
    h = l["h"]
    out = ["+++"]
    out.append(f"id = {q(l['id'])}")
    out.append(f"title = {q(subst(h['title'], slugs, l['where']))}")
    out.append(f"status = {q(l['status'])}")
    out.append(f"kind = {q(h['kind'])}")
    out.append(f"severity = {q(h['severity'])}")
    out.append(f"occurred = {toml_when(l['occurred'])}")
    for k, name in (("d", "detected"), ("c", "contained"), ("r", "recovered")):
        if k in l["when"]:
            out.append(f"{name} = {toml_when(l['when'][k])}")
    if "reviewed" in l:
        out.append(f"reviewed = {l['reviewed'].isoformat()}")
    out.append(f"systems = {arr(split_list(h['systems']))}")
    for k in ("teams", "functions", "tags"):
        if k in h:
            out.append(f"{k} = {arr(split_list(h[k]))}")
    if "participants" in h:
        out.append(f"participants = {arr(split_list(h['participants'], ';'))}")
    if "tlp" in h:
        out.append(f"tlp = {q(h['tlp'])}")
    if "related" in h:
        rel = []
        for s in split_list(h["related"]):
            if s not in slugs:
                err(l["where"], f"unknown related {s}")
            else:
                rel.append(slugs[s]["id"])
        out.append(f"related = {arr(rel)}")
    for cat, key, summ in l["causes"]:
        out.append("")
        out.append("[[causes]]")
        out.append(f"category = {q(cat)}")
        if key:
            out.append(f"key = {q(key)}")
        out.append(f"summary = {q(summ)}")
    for a in l["actions"]:
        typ, owner, date, st, summ = a[:5]
        keys = split_list(a[5] if len(a) > 5 else "")
        out.append("")
        out.append("[[actions]]")
        out.append(f"summary = {q(summ)}")
        out.append(f"type = {q(typ)}")
        out.append(f"owner = {q(owner)}")
        if st == "done":
            out.append(f"status = {q(st)}")
            out.append(f"completed = {date}")
        else:
            out.append(f"due = {date}")
            out.append(f"status = {q(st)}")
        if keys:
            out.append(f"addresses = {arr(keys)}")
        if "link" in h and a is l["actions"][0]:
            out.append(f"link = {q(h['link'])}")
    out.append("+++")
    body = []
    for sec, lines in l["sections"]:
        text = "\n".join(lines).strip("\n")
        if sec.lower() == "timeline":
            text = MARK.sub("", text)
        text = subst(text, slugs, l["where"])
        body.append(f"## {sec}\n\n{text}\n")
    words = len(re.findall(r"\S+", "\n".join(body)))
    if words < 150 or words > 600:
        err(l["where"], f"body has {words} words (want 150-600)")
    return "\n".join(out) + "\n\n" + "\n".join(body)


def parse_queries(slugs, families):
    path = os.path.join(MATERIAL, "queries.txt")
    queries = []
    seen = set()
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"queries.txt:{n}"
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) not in (4, 5):
            err(where, "want 4 or 5 fields")
            continue
        qid, cls, text, rel = parts[:4]
        first = None
        if len(parts) == 5:
            if not parts[4].startswith("first="):
                err(where, "5th field must be first=slug")
            first = parts[4][6:]
        if qid in seen:
            err(where, f"duplicate query id {qid}")
        seen.add(qid)
        if cls not in ("plain", "multi-word", "question", "synonym", "typo", "title"):
            err(where, f"bad class {cls}")
        chosen = []
        for tok in rel.split():
            if tok.startswith("fam:"):
                fam = tok[4:]
                if fam not in families:
                    err(where, f"unknown family {fam}")
                for s in families.get(fam, []):
                    if s not in chosen:
                        chosen.append(s)
            elif tok.startswith("-"):
                s = tok[1:]
                if s not in chosen:
                    err(where, f"removing {s}, which is not chosen")
                else:
                    chosen.remove(s)
            else:
                s = tok.lstrip("+")
                if s not in slugs:
                    err(where, f"unknown slug {s}")
                elif s not in chosen:
                    chosen.append(s)
        if cls == "title":
            if not first or first not in slugs:
                err(where, "title query needs first=slug")
            else:
                if slugs[first]["h"]["title"] != text:
                    err(where, "title query text differs from the lesson title")
                if first not in chosen:
                    err(where, "first not among relevant")
        queries.append((qid, cls, text, chosen, first))
    return queries


def main():
    lessons = parse_material()
    slugs = build(lessons)
    families = {}
    for l in lessons:
        families.setdefault(l["family"], []).append(l["slug"])
    rendered = {l["slug"]: render(l, slugs) for l in lessons if "id" in l}
    queries = parse_queries(slugs, families)
    ids = [l.get("id") for l in lessons]
    if len(set(ids)) != len(ids):
        err("kb", "duplicate ids")
    if errors:
        for e in errors:
            print("error:", e, file=sys.stderr)
        sys.exit(1)
    if os.path.isdir(KB):
        shutil.rmtree(KB)
    os.makedirs(os.path.join(KB, "lessons"))
    with open(os.path.join(KB, "lessons.toml"), "w", encoding="utf-8") as f:
        f.write('# Knowledge base of the search relevance benchmark (see ../README.md).\n'
                '# Generated by ../generate.py from ../material/; do not edit by hand.\n'
                'roots = ["lessons"]\nid_pattern = "^LL-[0-9]{4}-[0-9]{3}$"\n')
    for slug, text in rendered.items():
        p = os.path.join(KB, "lessons", slug + ".md")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(HERE, "families.tsv"), "w", encoding="utf-8") as f:
        f.write("id\tfamily\tpath\ttitle\n")
        for l in sorted(lessons, key=lambda l: l["id"]):
            f.write(f"{l['id']}\t{l['family']}\tlessons/{l['slug']}.md\t{l['h']['title']}\n")
    with open(os.path.join(HERE, "queries.toml"), "w", encoding="utf-8") as f:
        f.write("# Judged queries of the search relevance benchmark (see README.md).\n"
                "# Generated by generate.py from material/queries.txt, where the judgments\n"
                "# are written as topic families (families.tsv) plus or minus single lessons.\n")
        for qid, cls, text, chosen, first in queries:
            f.write("\n[[queries]]\n")
            f.write(f"id = {q(qid)}\nclass = {q(cls)}\nquery = {q(text)}\n")
            if first:
                f.write(f"first = {q(slugs[first]['id'])}\n")
            rel = sorted(slugs[s]["id"] for s in chosen)
            f.write("relevant = [\n" + "".join(f"  {q(r)},\n" for r in rel) + "]\n")
    fams = {k for k in families if k != "-"}
    print(f"{len(rendered)} lessons, {len(fams)} families, "
          f"{len(families.get('-', []))} loners, {len(queries)} queries", file=sys.stderr)


if __name__ == "__main__":
    main()

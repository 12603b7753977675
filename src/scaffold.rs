//! What `init` and `new` write: a commented `lessons.toml` with every
//! default spelled out, a README for the lesson folder, the pull-request
//! workflow, and new lessons (the next free id, a file name from the title,
//! the required sections with one-line prompts from the practice).
//!
//! Everything here returns text; the commands decide where it goes and
//! never overwrite a file.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::config::{Config, DEFAULT_ID_PATTERN};
use crate::repo::{KnowledgeBase, list_lessons};

/// Creates `path` with `text`, unless something is already there (then
/// `Ok(false)`): the commands that write never overwrite.
pub fn create_new(path: &Path, text: &str) -> Result<bool, crate::Error> {
    use std::io::Write as _;
    let io = |source| crate::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => file.write_all(text.as_bytes()).map(|()| true).map_err(io),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io(e)),
    }
}

/// A TOML string literal (basic string, escaped).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A list written one item per line when it would not fit on one.
fn long_list(items: &[String]) -> String {
    let one_line = list(items);
    if one_line.len() <= 60 {
        return one_line;
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "    {},", quote(item));
    }
    out.push(']');
    out
}

/// `lessons.toml` with the defaults written out and explained, so a team
/// sees what it may change. It parses to exactly [`Config::default`].
pub fn lessons_toml() -> String {
    let d = Config::default();
    let v = &d.vocabulary;
    format!(
        r#"# lessons.toml: where this knowledge base keeps its lessons learned and
# which values they may use. Every key is optional: delete one to keep its
# default (the values below are the defaults). `lessons check` validates
# this file too; the format is described in the lessons folder's README.md.

# Folders holding lessons (*.md files other than README.md and _*.md),
# relative to this file, searched recursively.
roots = {roots}

# What every lesson id must look like: a regular expression. `lessons new`
# allocates the next free id of the current year, e.g. LL-2026-001.
id_pattern = {id_pattern}

# Level-2 headings (## ...) every lesson must have, once each, in any case.
required_sections = {sections}

# A body longer than this many words gets a warning: long reports are not read.
max_words = {max_words}

# Files larger than this many bytes are reported, not parsed.
max_file_size = {max_file_size}

[vocabulary]
# `kind` of incident.
kinds = {kinds}
# `severity`, most to least severe.
severities = {severities}
# `functions`: the business functions a lesson informs.
functions = {functions}
# `category` of a root cause: look past the surface error.
cause_categories = {categories}
# `type` of an improvement action.
action_types = {types}
"#,
        roots = list(&d.roots),
        id_pattern = quote(DEFAULT_ID_PATTERN),
        sections = list(&d.required_sections),
        max_words = d.max_words,
        max_file_size = d.max_file_size,
        kinds = long_list(&v.kinds),
        severities = list(&v.severities),
        functions = long_list(&v.functions),
        categories = long_list(&v.cause_categories),
        types = long_list(&v.action_types),
    )
}

/// The README of the lesson folder: the format in a page, for authors who
/// open the folder before the docs.
pub fn lessons_readme(config: &Config) -> String {
    let v = &config.vocabulary;
    let sections: Vec<String> = config
        .required_sections
        .iter()
        .map(|s| format!("`## {s}`"))
        .collect();
    format!(
        r#"# Lessons learned

One Markdown file per incident review (an outage, a data breach, a policy
violation, a near miss), written blameless: conditions and decisions, not
culprits. Start one with

    lessons new "What happened, in one line"

which picks the next free id, writes `YYYY/<slug>.md` here with every
section and prompt, and prints its path. `lessons check` says what is
missing; CI runs it on every pull request.

## The file

A TOML front matter between two `+++` lines, then the body:

```
+++
id = "LL-2026-001"
title = "Payment database failover stalled for 47 minutes"
status = "draft"                 # draft, review or final
kind = "outage"                  # {kinds}
severity = "high"                # {severities}
occurred = 2026-03-12T09:58:00Z  # detected, contained, recovered: when known
systems = ["payments-db"]

[[causes]]                       # at least one when final
category = "process-gap"         # {categories}
key = "no-failover-runbook"      # the same key in every lesson with this cause
summary = "No runbook for manual failover when the automation stalls"

[[actions]]                      # at least one when final
summary = "Write and drill a manual failover runbook"
type = "procedure-update"        # {types}
owner = "team-sre"
due = 2026-04-30
status = "open"                  # open, in-progress, done or dropped
addresses = ["no-failover-runbook"]
+++
```

The body needs {sections}. Timeline items that start with a date or
time must be in order. A `final` lesson needs `reviewed`, a cause and an
action.

Shared cause keys are how recurring root causes show up in
`lessons report`, and how a new lesson learns which earlier actions did not
prevent it (`lessons similar`).
"#,
        kinds = v.kinds.join(", "),
        severities = v.severities.join(", "),
        categories = v.cause_categories.join(", "),
        types = v.action_types.join(", "),
        sections = sections.join(", "),
    )
}

/// Where CI builds `lessons` from: a git repository and a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallSource {
    pub git: String,
    /// A tag, branch or commit; `None` for the default branch.
    pub rev: Option<String>,
}

/// Where this `lessons` was installed from, if `cargo install --git` put
/// it there (cargo records it in `$CARGO_HOME/.crates2.json`).
pub fn installed_from() -> Option<InstallSource> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let text = std::fs::read_to_string(home.join(".crates2.json")).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    doc.get("installs")?
        .as_object()?
        .keys()
        .filter(|k| k.starts_with("lessons "))
        .find_map(|k| parse_install_key(k))
}

/// `lessons 0.1.0 (git+https://host/org/lessons?tag=v1#abc123)` gives the
/// URL and the commit.
fn parse_install_key(key: &str) -> Option<InstallSource> {
    let source = key.split_once("(git+")?.1.strip_suffix(')')?;
    let (url, commit) = match source.split_once('#') {
        Some((url, commit)) => (url, Some(commit.to_string())),
        None => (source, None),
    };
    let url = url.split_once('?').map_or(url, |(u, _)| u);
    (!url.is_empty()).then(|| InstallSource {
        git: url.to_string(),
        rev: commit.filter(|c| !c.is_empty()),
    })
}

/// The GitHub Actions workflow: on pull requests, check the changed
/// lessons with annotations and a job summary, then post what the
/// knowledge base already knows about them. `kb_dir` is the knowledge base
/// folder relative to the repository top (`""` at the top); `source` is
/// where CI builds `lessons` from (when unknown, the install step fails
/// with a message saying what to set).
pub fn workflow(kb_dir: &str, source: Option<&InstallSource>) -> String {
    let defaults = if kb_dir.is_empty() {
        String::new()
    } else {
        format!(
            "    defaults:\n      run:\n        # The knowledge base is a folder of this repository.\n        working-directory: {}\n",
            yaml_quote(kb_dir)
        )
    };
    let git = yaml_quote(source.map_or("", |s| s.git.as_str()));
    let rev = yaml_quote(source.and_then(|s| s.rev.as_deref()).unwrap_or(""));
    format!(
        r#"# Lessons learned on pull requests, written by `lessons init` (edit freely).
# Checks the lessons a pull request adds or changes (annotations on the
# diff and a job summary), then comments with the most similar past lessons
# and the recurring root causes each one repeats.
name: lessons

on:
  pull_request:

permissions:
  contents: read
  pull-requests: write

jobs:
  lessons:
    runs-on: ubuntu-latest
{defaults}    env:
      BASE: origin/${{{{ github.base_ref }}}}
      # Where CI builds lessons from: the git URL of its source, and a tag or
      # commit (empty: the default branch). `lessons init --install-from URL`
      # fills them in.
      LESSONS_GIT: {git}
      LESSONS_REV: {rev}
    steps:
      - uses: actions/checkout@v4
        with:
          # Full history: --changed needs the merge base with the target
          # branch, and who added a lesson and when come from git.
          fetch-depth: 0

      - name: Cache the lessons binary
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/lessons
          key: lessons-${{{{ runner.os }}}}-${{{{ env.LESSONS_GIT }}}}-${{{{ env.LESSONS_REV }}}}

      - name: Install lessons
        id: install
        run: |
          if command -v lessons > /dev/null; then exit 0; fi
          if [ -z "$LESSONS_GIT" ]; then
            echo "::error title=lessons::Set LESSONS_GIT in .github/workflows/lessons.yml to the git URL of the lessons source."
            exit 1
          fi
          cargo install --locked --git "$LESSONS_GIT" ${{LESSONS_REV:+--rev "$LESSONS_REV"}} lessons

      - name: Check the changed lessons
        run: lessons check --changed "$BASE" --format github

      - name: Find similar past lessons and recurring causes
        id: feedback
        if: ${{{{ !cancelled() && steps.install.outcome == 'success' }}}}
        run: |
          lessons similar --changed "$BASE" --format markdown > "$RUNNER_TEMP/lessons-feedback.md"
          cat "$RUNNER_TEMP/lessons-feedback.md" >> "$GITHUB_STEP_SUMMARY"

      - name: Comment on the pull request
        # Only when lessons changed. Pull requests from forks get a
        # read-only token: the job summary above still has the feedback.
        if: ${{{{ !cancelled() && steps.feedback.outcome == 'success' && steps.feedback.outputs.lessons != '0' && github.event.pull_request.head.repo.full_name == github.repository }}}}
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          PR: ${{{{ github.event.pull_request.number }}}}
        run: |
          body="$RUNNER_TEMP/lessons-feedback.md"
          # Edit this workflow's earlier comment, found by its first line,
          # rather than add one per push (or edit another bot's comment).
          id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate \
            --jq '.[] | select(.body | startswith("{marker}")) | .id' | tail -n 1)
          if [ -n "$id" ]; then
            gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" > /dev/null
          else
            gh pr comment "$PR" --body-file "$body"
          fi
"#,
        marker = crate::feedback::MARKER,
    )
}

/// A YAML double-quoted scalar.
fn yaml_quote(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// A file name from a title: a slug (see [`crate::text::slug`]) of at
/// most 60 characters, cut at a word.
pub fn slug(title: &str) -> String {
    crate::text::slug_within(title, 60)
}

/// Ids in use: every lesson file in the working tree (committed or not),
/// and lessons committed at HEAD or staged whose file is gone from the
/// working tree (the deletion is not committed yet). Read from the top of each file, so
/// a lesson whose front matter does not parse still holds its id.
pub fn used_ids(kb: &KnowledgeBase) -> BTreeSet<String> {
    use rayon::prelude::*;
    let files = list_lessons(kb);
    let present: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let mut ids: BTreeSet<String> = files
        .par_iter()
        .filter(|f| f.problem.is_none())
        .filter_map(|f| id_in(&head_of(&f.abs(kb))))
        .collect();
    ids.extend(committed_ids(kb, &present));
    ids
}

/// The first 8 KiB of a file: the id is near the top of the front matter.
fn head_of(path: &Path) -> String {
    use std::io::Read;
    let mut buf = Vec::with_capacity(8192);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(8192).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The `id = "..."` of a front matter, before its first table.
fn id_in(text: &str) -> Option<String> {
    for line in text.lines().skip(1) {
        let line = line.trim();
        if line == "+++" || line.starts_with('[') {
            return None;
        }
        let Some(rest) = ["id", "\"id\"", "'id'"]
            .iter()
            .find_map(|key| line.strip_prefix(key))
        else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let inner = &value[1..];
        return inner.find(quote).map(|end| inner[..end].to_string());
    }
    None
}

/// Ids of lessons at HEAD or in the staging area whose file is not in the
/// working tree.
fn committed_ids(kb: &KnowledgeBase, present: &BTreeSet<String>) -> Vec<String> {
    let Some(git) = &kb.git else {
        return Vec::new();
    };
    git.committed_lesson_heads(kb, present, 8192)
        .into_iter()
        .filter_map(|(_, head)| id_in(&String::from_utf8_lossy(&head)))
        .collect()
}

/// Why no id could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoId(pub String);

/// The next free id of `year`: the prefix and number width most used by
/// the existing ids (else `LL` and three digits), one more than the highest
/// number of that year, and matching `id_pattern`.
pub fn next_id(config: &Config, used: &BTreeSet<String>, year: i16) -> Result<String, NoId> {
    // PREFIX-YYYY-NNN ids already in use.
    let parsed: Vec<(&str, i16, u64, usize)> = used
        .iter()
        .filter_map(|id| {
            let mut parts = id.rsplitn(3, '-');
            let number = parts.next()?;
            let y = parts.next()?;
            let prefix = parts.next()?;
            // (An absurdly long number, a typo most likely, is not followed.)
            if prefix.is_empty()
                || y.len() != 4
                || number.is_empty()
                || number.len() > 12
                || !number.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            Some((prefix, y.parse().ok()?, number.parse().ok()?, number.len()))
        })
        .collect();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (prefix, ..) in &parsed {
        *counts.entry(prefix).or_default() += 1;
    }
    let mut prefixes: Vec<String> = Vec::new();
    if let Some((prefix, _)) = counts
        .iter()
        .max_by_key(|(p, n)| (**n, std::cmp::Reverse(**p)))
    {
        prefixes.push(prefix.to_string());
    }
    // The literal start of the pattern (`^INC-...` gives `INC`), for a
    // knowledge base with no lesson yet.
    if let Some(prefix) = pattern_prefix(config.id_pattern.as_str()) {
        prefixes.push(prefix);
    }
    prefixes.push("LL".to_string());
    for prefix in &prefixes {
        let of_prefix: Vec<_> = parsed.iter().filter(|(p, ..)| p == prefix).collect();
        // The width most used (this year's ids first), widest on a tie.
        let mut widths: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
        for (_, y, _, w) in &of_prefix {
            let e = widths.entry(*w).or_default();
            e.0 += usize::from(*y == year);
            e.1 += 1;
        }
        let width = widths
            .iter()
            .max_by_key(|(w, counts)| (**counts, **w))
            .map_or(3, |(w, _)| *w);
        let highest = of_prefix
            .iter()
            .filter(|(_, y, ..)| *y == year)
            .map(|(_, _, n, _)| *n)
            .max();
        let Some(first) = highest.map_or(Some(1), |n| n.checked_add(1)) else {
            continue;
        };
        for width in std::iter::once(width).chain(3..=6) {
            // Never reuse an id, whatever its case.
            let mut n = first;
            loop {
                let id = format!("{prefix}-{year:04}-{n:0width$}");
                if !config.id_pattern.is_match(&id) {
                    break;
                }
                if !used.iter().any(|u| u.eq_ignore_ascii_case(&id)) {
                    return Ok(id);
                }
                let Some(next) = n.checked_add(1) else { break };
                n = next;
            }
        }
    }
    Err(NoId(format!(
        "no id of the form PREFIX-{year}-NNN matches id_pattern `{}`; pass one with --id",
        config.id_pattern.as_str()
    )))
}

/// The literal prefix an id pattern starts with: `^INC-[0-9]{4}...` gives
/// `INC`.
fn pattern_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let end = rest.find('-')?;
    let prefix = &rest[..end];
    (!prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| prefix.to_string())
}

/// What a new lesson starts with.
#[derive(Debug, Clone)]
pub struct NewLesson {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub severity: String,
    pub occurred: jiff::civil::Date,
    /// Empty: a placeholder the author replaces (`systems` is required).
    pub systems: Vec<String>,
    pub teams: Vec<String>,
}

/// The placeholder written when no `--system` is given.
pub const SYSTEM_PLACEHOLDER: &str = "unknown";

/// One-line prompts for the sections, from the practice of blameless
/// reviews; other required sections get a generic one.
fn prompt(section: &str) -> &'static str {
    match section.to_ascii_lowercase().as_str() {
        "summary" => {
            "What happened, in two or three sentences, and its scope: which systems, data, customers and teams were affected, and for how long."
        }
        "timeline" => {
            "Facts only, in order, one per line, times in UTC (YYYY-MM-DD HH:MMZ): first sign, detection, escalation, containment, recovery. No judgement here."
        }
        "analysis" => {
            "Root causes beyond the surface error: the process gaps, training needs and governance weaknesses that let it happen, each as a [[causes]] entry. Blameless: describe conditions and decisions, not culprits. Then the improvement actions, each with an owner and a due date, as [[actions]] entries."
        }
        "impact" => "Who and what was affected, how much, and for how long.",
        "actions" | "improvement actions" => {
            "What will change, who owns it and by when; record each as an [[actions]] entry."
        }
        _ => "Write this section (lessons.toml requires it).",
    }
}

/// The text of a new lesson. It passes `lessons check` as written: a
/// `draft` needs no review date, cause or action, and the commented tables
/// show how to add them.
pub fn lesson_text(config: &Config, new: &NewLesson) -> String {
    let v = &config.vocabulary;
    let systems = if new.systems.is_empty() {
        vec![SYSTEM_PLACEHOLDER.to_string()]
    } else {
        new.systems.clone()
    };
    let mut s = String::new();
    s.push_str("+++\n");
    let _ = writeln!(s, "id = {}", quote(&new.id));
    let _ = writeln!(s, "title = {}", quote(&new.title));
    let _ = writeln!(
        s,
        "status = \"draft\"  # draft, review, then final once reviewed"
    );
    let _ = writeln!(s, "kind = {}  # {}", quote(&new.kind), v.kinds.join(", "));
    let _ = writeln!(
        s,
        "severity = {}  # {}",
        quote(&new.severity),
        v.severities.join(", ")
    );
    let _ = writeln!(
        s,
        "occurred = {}  # when it began; a time is better: {}T09:58:00Z",
        new.occurred, new.occurred
    );
    s.push_str("# detected = ...   # when it was noticed\n");
    s.push_str("# contained = ...  # when the damage stopped growing\n");
    s.push_str("# recovered = ...  # when service or data was back\n");
    s.push_str("# reviewed = ...   # the date of the review meeting (required when final)\n");
    let _ = writeln!(s, "systems = {}  # in scope", list(&systems));
    if !new.teams.is_empty() {
        let _ = writeln!(s, "teams = {}", list(&new.teams));
    }
    let _ = writeln!(s, "# teams = [\"...\"]");
    let _ = writeln!(
        s,
        "# functions = [\"...\"]  # business functions it informs: {}",
        v.functions.join(", ")
    );
    s.push_str("# tags = [\"...\"]\n");
    s.push_str("# participants = [\"...\"]  # who took part in the review\n");
    s.push_str("# related = [\"...\"]  # ids of earlier lessons it builds on\n");
    s.push('\n');
    s.push_str(
        "# Root causes, beyond the surface error. One [[causes]] table each; give\n\
         # the same key to every lesson with the same cause, so that recurrences\n\
         # show in `lessons report`.\n",
    );
    s.push_str("# [[causes]]\n");
    let _ = writeln!(
        s,
        "# category = \"{}\"  # {}",
        v.cause_categories
            .first()
            .map_or("process-gap", String::as_str),
        v.cause_categories.join(", ")
    );
    s.push_str("# key = \"a-short-stable-slug\"\n");
    s.push_str("# summary = \"One sentence: the condition that allowed it\"\n");
    s.push('\n');
    s.push_str("# Improvement actions: concrete, owned and dated, each addressing a cause.\n");
    s.push_str("# [[actions]]\n");
    s.push_str("# summary = \"What will change\"\n");
    let _ = writeln!(
        s,
        "# type = \"{}\"  # {}",
        v.action_types
            .first()
            .map_or("procedure-update", String::as_str),
        v.action_types.join(", ")
    );
    s.push_str("# owner = \"a person, team or role\"\n");
    s.push_str("# due = YYYY-MM-DD\n");
    s.push_str("# status = \"open\"  # open, in-progress, done, dropped\n");
    s.push_str("# addresses = [\"a-short-stable-slug\"]\n");
    s.push_str("# link = \"https://tracker.example.com/...\"\n");
    s.push_str("+++\n");
    for section in &config.required_sections {
        let _ = writeln!(s, "\n## {section}\n\n<!-- {} -->", prompt(section));
        if section.eq_ignore_ascii_case("timeline") {
            let _ = writeln!(s, "\n- {} What happened first", new.occurred);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_config_is_the_default() {
        let parsed = Config::parse(&lessons_toml()).expect("lessons.toml parses");
        let d = Config::default();
        assert_eq!(parsed.roots, d.roots);
        assert_eq!(parsed.id_pattern.as_str(), d.id_pattern.as_str());
        assert_eq!(parsed.required_sections, d.required_sections);
        assert_eq!(parsed.max_words, d.max_words);
        assert_eq!(parsed.max_file_size, d.max_file_size);
        assert_eq!(parsed.vocabulary, d.vocabulary);
    }

    #[test]
    fn install_sources() {
        assert_eq!(
            parse_install_key("lessons 0.1.0 (git+https://host/org/lessons?tag=v1#abc123)"),
            Some(InstallSource {
                git: "https://host/org/lessons".into(),
                rev: Some("abc123".into())
            })
        );
        assert_eq!(
            parse_install_key("lessons 0.1.0 (path+file:///src/lessons)"),
            None
        );
        assert_eq!(
            parse_install_key(
                "lessons 0.1.0 (registry+https://github.com/rust-lang/crates.io-index)"
            ),
            None
        );
    }

    #[test]
    fn ids_are_read_from_the_top_of_the_front_matter() {
        assert_eq!(
            id_in("+++\ntitle = \"x\"\nid = \"LL-2024-007\"\n"),
            Some("LL-2024-007".into())
        );
        assert_eq!(id_in("+++\nid='A-1'\n"), Some("A-1".into()));
        assert_eq!(id_in("+++\n[[causes]]\nid = \"X\"\n"), None);
        assert_eq!(id_in("+++\nidea = 1\nid = \"Y\"\n"), Some("Y".into()));
        assert_eq!(id_in("+++\n\"id\" = \"Q\"\n"), Some("Q".into()));
        assert_eq!(id_in("+++\n'id'=\"R\" # c\n"), Some("R".into()));
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn next_ids() {
        let c = Config::default();
        assert_eq!(next_id(&c, &set(&[]), 2026).unwrap(), "LL-2026-001");
        assert_eq!(
            next_id(
                &c,
                &set(&["LL-2026-001", "LL-2026-007", "LL-2025-042"]),
                2026
            )
            .unwrap(),
            "LL-2026-008"
        );
        // A new year starts again at 1.
        assert_eq!(
            next_id(&c, &set(&["LL-2026-120"]), 2027).unwrap(),
            "LL-2027-001"
        );
        // The team's own prefix and width.
        assert_eq!(
            next_id(
                &c,
                &set(&["SEC-2026-0041", "SEC-2026-0002", "LL-2020-001"]),
                2026
            )
            .unwrap(),
            "SEC-2026-0042"
        );
        // A pattern with a fixed width.
        let mut strict = Config {
            id_pattern: regex::Regex::new("^INC-[0-9]{4}-[0-9]{5}$").unwrap(),
            ..Config::default()
        };
        assert_eq!(
            next_id(&strict, &set(&["INC-2026-00009"]), 2026).unwrap(),
            "INC-2026-00010"
        );
        // The first lesson of a knowledge base with its own prefix.
        assert_eq!(next_id(&strict, &set(&[]), 2026).unwrap(), "INC-2026-00001");
        strict.id_pattern = regex::Regex::new("^[0-9]+$").unwrap();
        assert!(next_id(&strict, &set(&[]), 2026).is_err());
        // The most used width, not the widest.
        assert_eq!(
            next_id(
                &c,
                &set(&["LL-2026-001", "LL-2026-002", "LL-2026-003", "LL-2019-0007"]),
                2026
            )
            .unwrap(),
            "LL-2026-004"
        );
        // Numbers at the end of the range do not overflow.
        let huge = set(&[
            "LL-2026-18446744073709551615",
            "LL-2026-99999999999999999999999",
        ]);
        assert_eq!(next_id(&c, &huge, 2026).unwrap(), "LL-2026-001");
    }

    #[test]
    fn a_new_lesson_parses() {
        let c = Config::default();
        let text = lesson_text(
            &c,
            &NewLesson {
                id: "LL-2026-001".into(),
                title: "A \"quoted\" title".into(),
                kind: "outage".into(),
                severity: "medium".into(),
                occurred: jiff::civil::date(2026, 11, 27),
                systems: vec![],
                teams: vec!["sre".into()],
            },
        );
        let parsed = crate::parse::parse_text("lessons/2026/x.md", &text);
        let lesson = parsed.lesson.expect("parses");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert_eq!(
            lesson.title.as_ref().map(|t| t.value.as_str()),
            Some("A \"quoted\" title")
        );
    }
}

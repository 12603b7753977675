//! What `init` writes: a commented `lessons.toml` with every default
//! spelled out, a README for the lesson folder, and the pull-request
//! workflow (installing this version of `lessons` with its GitHub Action).

use std::path::Path;

use super::{list, long_list, quote};
use crate::config::{Config, DEFAULT_ID_PATTERN};

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

[sharing]
# TLP 2.0 sharing levels, from most to least shareable: CLEAR, GREEN,
# AMBER, AMBER+STRICT, RED (docs/security.md says where each may travel).
# The level of a lesson that sets no `tlp`:
default_tlp = {default_tlp}
# The pull-request comment is read by everyone who can see the pull
# request: it quotes only lessons at or below this level, and names the
# others by id.
comment_max_tlp = {comment_max_tlp}

[personal_data]
# E-mail domains whose addresses are not personal data (role addresses
# such as security@your-company.com; subdomains included).
allowed_domains = []
# Kinds the personal-data warning does not look for, among
# email, phone, card, ssn, iban, ip.
ignore_kinds = []

[practice]
# The blameless-review warnings (docs/practice.md). Phrases added to the
# built-in hindsight and blame list ("should have", "careless", ...):
blame_phrases = []
# Cause categories that name what happened, not why: a final lesson whose
# causes are all here has not looked for the gap behind them.
surface_categories = {surface}
# Days after recovery a lesson may stay draft or review.
review_within_days = {review_within_days}
# Days after an action is done by which its effect should be checked.
verify_after_days = {verify_after_days}
# Practice rules switched off: blame-language, surface-cause, review-overdue.
rules_off = []
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
        default_tlp = quote(d.sharing.default_tlp.name()),
        comment_max_tlp = quote(d.sharing.comment_max_tlp.name()),
        surface = list(&d.practice.surface_categories),
        review_within_days = d.practice.review_within_days,
        verify_after_days = d.practice.verify_after_days,
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
tlp = "AMBER"                    # sharing level: CLEAR, GREEN, AMBER, AMBER+STRICT, RED
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

/// Where a `lessons` was built from: a git repository and a revision.
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
pub(super) fn parse_install_key(key: &str) -> Option<InstallSource> {
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

/// The GitHub Action the workflow installs `lessons` with: `uses: REPO@TAG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRef {
    /// `OWNER/REPO` on GitHub (or the GitHub Enterprise server running the
    /// workflow).
    pub repo: String,
    /// A tag, branch or commit of it.
    pub tag: String,
}

impl ActionRef {
    /// The tag of this `lessons`'s release: the workflow installs the
    /// version that wrote it.
    pub fn this_version() -> String {
        format!("v{}", env!("CARGO_PKG_VERSION"))
    }

    /// The published action (Cargo.toml's `repository`), at this version.
    pub fn published() -> ActionRef {
        ActionRef {
            repo: repo_of_url(env!("CARGO_PKG_REPOSITORY"))
                .expect("Cargo.toml's repository is https://HOST/OWNER/REPO"),
            tag: Self::this_version(),
        }
    }

    /// `OWNER/REPO` or `OWNER/REPO@REF`, as `--action` takes it.
    pub fn parse(s: &str) -> Result<ActionRef, String> {
        let (repo, tag) = match s.split_once('@') {
            Some((repo, tag)) => (repo, Some(tag)),
            None => (s, None),
        };
        let name_ok = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let valid_repo =
            matches!(repo.split_once('/'), Some((owner, name)) if name_ok(owner) && name_ok(name));
        // A ref goes into YAML unquoted: no spaces, quotes or YAML syntax.
        let valid_tag = tag.is_none_or(|t| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        });
        if !valid_repo || !valid_tag {
            return Err(format!(
                "--action {s}: expected OWNER/REPO or OWNER/REPO@REF (a GitHub repository holding the lessons action, e.g. my-org/lessons@{})",
                Self::this_version()
            ));
        }
        Ok(ActionRef {
            repo: repo.to_string(),
            tag: tag.map_or_else(Self::this_version, str::to_string),
        })
    }
}

/// `OWNER/REPO` of a repository URL (`https://github.com/OWNER/REPO.git`,
/// `ssh://git@host/OWNER/REPO`), when it has both.
pub fn repo_of_url(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let mut parts = path
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit('/');
    let repo = parts.next().filter(|s| !s.is_empty())?;
    let owner = parts.next().filter(|s| !s.is_empty())?;
    // The host alone before the owner: `host/OWNER/REPO`.
    parts.next()?;
    let action = format!("{owner}/{repo}");
    ActionRef::parse(&action).ok().map(|a| a.repo)
}

/// The GitHub Actions workflow: on pull requests, install `lessons` with
/// its GitHub Action (a checksummed release binary of the version given),
/// check the changed lessons with annotations and a job summary, then post
/// what the knowledge base already knows about them. `kb_dir` is the
/// knowledge base folder relative to the repository top (`""` at the top).
pub fn workflow(kb_dir: &str, action: &ActionRef) -> String {
    let defaults = if kb_dir.is_empty() {
        String::new()
    } else {
        format!(
            "    defaults:\n      run:\n        # The knowledge base is a folder of this repository.\n        working-directory: {}\n",
            yaml_quote(kb_dir)
        )
    };
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
    steps:
      - uses: actions/checkout@v6
        with:
          # Full history: --changed needs the merge base with the target
          # branch, and who added a lesson and when come from git.
          fetch-depth: 0

      - name: Install lessons
        id: install
        # A checksummed release binary of lessons, the version of the action
        # (built with cargo only where the release has none). Upgrading is
        # changing the tag.
        uses: {repo}@{tag}
        with:
          command: install

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
          # Edit this workflow's earlier comment rather than add one per
          # push: the last one that github-actions[bot] (this job's token)
          # wrote starting with the marker. Anyone can post a comment that
          # starts with the marker; only the bot's own is ever edited. (With
          # another token, put the login that token posts as here.)
          id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate \
            --jq '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith("{marker}"))) | .id' | tail -n 1)
          if [ -n "$id" ]; then
            gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" > /dev/null
          else
            gh pr comment "$PR" --body-file "$body"
          fi
"#,
        repo = action.repo,
        tag = action.tag,
        marker = crate::feedback::MARKER,
    )
}

/// A YAML double-quoted scalar.
pub(super) fn yaml_quote(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

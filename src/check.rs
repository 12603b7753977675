//! `lessons check` as a library call: read every lesson in parallel, run the
//! per-file rules, then the knowledge-base-wide rules, and gather the
//! findings of the selected files. A bad file never stops the run.

use std::collections::{BTreeSet, HashSet};

use rayon::prelude::*;

use crate::allowlist::{self, Allowlist};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level, LineIndex, Position, Rule, position_in};
use crate::parse;
use crate::repo::versions::{BlobReader, LessonVersion};
use crate::repo::{FileProblem, Folder, KnowledgeBase, LessonFile, read_file, walk_lessons};
use crate::rules::{self, IdSite};

/// Which lessons to report on. Knowledge-base-wide rules always read all.
#[derive(Debug, Clone)]
pub enum Selection {
    All,
    /// Root-relative paths.
    Only(BTreeSet<String>),
}

impl Selection {
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(paths) => paths.contains(path),
        }
    }
}

/// The findings of one file, sorted by position, with the text they point
/// into: no emitter reads a lesson file again.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text as checked (lossy UTF-8), when it was read as a
    /// regular file within the size limit; `None` for links out of the
    /// knowledge base, pipes, devices and oversized files.
    pub source: Option<String>,
    /// For `check --history`: the version's commit (full hash).
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub files_checked: usize,
    /// Files with findings, in path order.
    pub files: Vec<FileReport>,
    pub errors: usize,
    pub warnings: usize,
    /// Findings accepted after review (an inline `lessons:allow` comment
    /// or `.lessons-allow`), so not reported.
    pub allowed: usize,
    /// What `check --history` walked; `None` for a check of the files.
    pub history: Option<HistoryStats>,
}

/// What `check --history` walked.
#[derive(Debug, Clone, Default)]
pub struct HistoryStats {
    /// The commit the walk started from (full hash).
    pub tip: String,
    pub commits: usize,
    /// Distinct versions (blobs) of lesson files read.
    pub versions: usize,
    /// The clone is shallow: older history was not searched.
    pub shallow: bool,
}

impl CheckReport {
    /// Counts one checked file and the findings accepted inline in it.
    fn count_file(&mut self, allowed: usize) {
        self.files_checked += 1;
        self.allowed += allowed;
    }

    /// Adds the report of a file with findings (counted before).
    fn push_file(&mut self, file: FileReport) {
        for d in &file.diagnostics {
            match d.level {
                Level::Error => self.errors += 1,
                Level::Warning => self.warnings += 1,
            }
        }
        self.files.push(file);
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| &f.diagnostics)
    }

    pub fn files_with_errors(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.diagnostics.iter().any(|d| d.level == Level::Error))
            .count()
    }

    /// Leaves out the findings `allowlist` accepts, and reports as
    /// `stale-allow` its entries for selected files that accept nothing
    /// any more (an entry for a file outside the selection is not judged:
    /// `--changed` must not call the rest of the file stale).
    pub fn apply_allowlist(&mut self, allowlist: &Allowlist, selection: &Selection, strict: bool) {
        if allowlist.entries.is_empty() {
            return;
        }
        let mut used = vec![false; allowlist.entries.len()];
        for file in &mut self.files {
            file.diagnostics.retain(|d| {
                let accepted = d
                    .fingerprint
                    .as_deref()
                    .and_then(|f| allowlist.find(d.rule, &file.path, f));
                if let Some(i) = accepted {
                    used[i] = true;
                    self.allowed += 1;
                }
                accepted.is_none()
            });
        }
        self.files.retain(|f| !f.diagnostics.is_empty());
        let lines = LineIndex::new(&allowlist.source);
        let stale: Vec<Diagnostic> = allowlist
            .entries
            .iter()
            .zip(&used)
            .filter(|(e, used)| !**used && selection.contains(&e.path))
            .map(|(e, _)| {
                let mut d = rules::stale_allow::finding(e, &lines);
                if strict {
                    d.level = Level::Error;
                }
                d
            })
            .collect();
        if !stale.is_empty() {
            let at = self
                .files
                .partition_point(|f| f.path.as_str() < allowlist::FILE_NAME);
            self.files.insert(
                at,
                FileReport {
                    path: allowlist::FILE_NAME.to_string(),
                    diagnostics: stale,
                    source: Some(allowlist.source.clone()),
                    commit: None,
                },
            );
        }
        (self.errors, self.warnings) = (0, 0);
        for d in self.files.iter().flat_map(|f| &f.diagnostics) {
            match d.level {
                Level::Error => self.errors += 1,
                Level::Warning => self.warnings += 1,
            }
        }
    }
}

struct Outcome {
    file: LessonFile,
    diagnostics: Vec<Diagnostic>,
    site: Option<IdSite>,
    source: Option<String>,
    secrets: Vec<std::ops::Range<usize>>,
    allowed: usize,
    /// Findings of the rules across files, placed here before settling.
    late: Vec<Diagnostic>,
}

/// What checking one file found.
#[derive(Default)]
struct FileCheck {
    diagnostics: Vec<Diagnostic>,
    site: Option<IdSite>,
    /// The file was read as a regular file within the size limit, so its
    /// text may be shown.
    readable: bool,
    /// The text, kept only for a selected file with findings.
    source: Option<String>,
    /// Where the file holds secrets: masked wherever its text is shown.
    secrets: Vec<std::ops::Range<usize>>,
    /// Findings accepted by an inline `lessons:allow` comment.
    allowed: usize,
}

impl FileCheck {
    fn unread(diagnostics: Vec<Diagnostic>) -> Self {
        FileCheck {
            diagnostics,
            ..FileCheck::default()
        }
    }

    /// Findings of a file that was read, with no lesson to record.
    fn read(diagnostics: Vec<Diagnostic>) -> Self {
        FileCheck {
            diagnostics,
            readable: true,
            ..FileCheck::default()
        }
    }
}

/// How to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Turn warnings into errors.
    pub strict: bool,
    /// Keep the text of files with findings in the report, for outputs
    /// that show source lines (the human one); the others do without, so
    /// a rule that fires on every lesson does not hold every lesson.
    pub keep_source: bool,
}

/// Checks the knowledge base.
pub fn check(kb: &KnowledgeBase, selection: &Selection, options: Options) -> CheckReport {
    let keep_source = options.keep_source;
    let mut timings = crate::timing::Timings::new();
    // Each file is read and checked as the walk finds it (no size or
    // change time needed).
    let mut outcomes: Vec<Outcome> = walk_lessons(kb, false, |file, folder| {
        let selected = selection.contains(&file.path);
        let mut found = check_file(kb, file, folder, selected, selected && keep_source);
        // Findings of unselected files are never shown: drop them early.
        if !selected {
            found.diagnostics = Vec::new();
        }
        found
    })
    .into_iter()
    .map(|(file, found)| Outcome {
        file,
        diagnostics: found.diagnostics,
        site: found.site,
        source: found.source,
        secrets: found.secrets,
        allowed: found.allowed,
        late: Vec::new(),
    })
    .collect();
    timings.step("check: walk, read and check each file");

    let sites: Vec<&IdSite> = outcomes.iter().filter_map(|o| o.site.as_ref()).collect();
    let mut cross = rules::check_knowledge_base(&sites, |path| selection.contains(path));
    drop(sites);
    cross.sort_by(|a, b| a.path.cmp(&b.path));
    timings.step("check: rules across files");

    // Each selected outcome with its cross-file findings (both in path
    // order), then settled on every core: most outcomes hold nothing to
    // report and are freed there.
    let mut report = CheckReport::default();
    let mut cross = cross.into_iter().peekable();
    for outcome in &mut outcomes {
        while cross.peek().is_some_and(|d| d.path == outcome.file.path) {
            outcome.late.extend(cross.next());
        }
        if selection.contains(&outcome.file.path) {
            report.count_file(outcome.allowed);
        }
    }
    let files: Vec<FileReport> = outcomes
        .into_par_iter()
        .filter(|outcome| selection.contains(&outcome.file.path))
        .filter_map(|outcome| {
            settle(outcome, options, |path| {
                parse::source_text(&read_file(&kb.root.join(path), kb.config.max_file_size))
                    .into_owned()
            })
        })
        .collect();
    for file in files {
        report.push_file(file);
    }
    timings.step("check: the report");
    report
}

/// One selected file's outcome as the report shows it, if it has
/// findings: its cross-file findings (`late`) placed and masked,
/// `--strict` applied. `reread` gives the text of the file at a path when
/// it was not kept.
fn settle(
    mut outcome: Outcome,
    options: Options,
    reread: impl FnOnce(&str) -> String,
) -> Option<FileReport> {
    let mut late = std::mem::take(&mut outcome.late);
    if !late.is_empty() {
        // Rare: read the file again to place the cross-file findings
        // (only parsed files have any) and to show them.
        let text = match outcome.source.take() {
            Some(text) => text,
            None => reread(&outcome.file.path),
        };
        let lines = LineIndex::new(&text);
        for d in &mut late {
            d.resolve(&lines);
        }
        rules::secret::mask_quotes(&mut late, &text, &outcome.secrets);
        let text = if outcome.secrets.is_empty() {
            text
        } else {
            crate::sensitive::mask_spans(&text, &outcome.secrets)
        };
        outcome.diagnostics.extend(late);
        outcome.source = options.keep_source.then_some(text);
    }
    if outcome.diagnostics.is_empty() {
        return None;
    }
    if options.strict {
        for d in &mut outcome.diagnostics {
            d.level = Level::Error;
        }
    }
    outcome.diagnostics.sort_by_key(|a| (a.start, a.rule));
    Some(FileReport {
        path: outcome.file.path,
        diagnostics: outcome.diagnostics,
        source: outcome.source,
        commit: None,
    })
}

/// The report `check` gives for a knowledge base whose only lesson is
/// `bytes` at `path`, with `config`: the same per-file checks, the
/// knowledge-base-wide rules over it, the same assembly. It exists for the
/// fuzz targets (`crate::fuzzing`), which have no files on disk.
pub(crate) fn check_alone(
    config: &Config,
    path: &str,
    bytes: &[u8],
    options: Options,
) -> CheckReport {
    let mut found = check_source(config, path, bytes, true);
    if found.readable && options.keep_source && !found.diagnostics.is_empty() {
        let text = parse::source_text(bytes);
        found.source = Some(crate::sensitive::mask_spans(&text, &found.secrets));
    }
    let site = found.site.take();
    let late = rules::check_knowledge_base(&site.iter().collect::<Vec<_>>(), |_| true);
    let outcome = Outcome {
        file: LessonFile {
            path: path.to_string(),
            size: bytes.len() as u64,
            mtime_ns: 0,
            problem: None,
        },
        diagnostics: found.diagnostics,
        site: None,
        source: found.source,
        secrets: found.secrets,
        allowed: found.allowed,
        late,
    };
    let mut report = CheckReport::default();
    report.count_file(outcome.allowed);
    if let Some(file) = settle(outcome, options, |_| parse::source_text(bytes).into_owned()) {
        report.push_file(file);
    }
    report
}

/// `check --history REV`: the `secret` rule over every version of every
/// selected lesson path in the commits reachable from `rev`, each distinct
/// blob read once (in parallel). A secret is reported once per path, at
/// the oldest commit that holds it: later versions carry the same
/// credential and the same remedy.
pub fn check_history(
    kb: &KnowledgeBase,
    rev: &str,
    selection: &Selection,
    options: Options,
) -> Result<CheckReport, crate::Error> {
    let mut timings = crate::timing::Timings::new();
    let found = crate::repo::versions::lesson_versions(kb, rev)?;
    timings.step("walk history");
    let limit = kb.config.max_file_size;
    let versions: Vec<&LessonVersion> = found
        .versions
        .iter()
        .filter(|v| selection.contains(&v.path))
        .collect();
    let scanned: Vec<(Option<FileReport>, usize)> = versions
        .par_iter()
        .map_init(
            || (BlobReader::open(kb), Vec::new()),
            |(reader, buf), version| {
                let Some(reader) = reader else {
                    return (None, 0);
                };
                match reader.read(version.blob, limit, buf) {
                    // Oversized or unreadable versions are not lessons to
                    // search; the file check reports the current ones.
                    Ok(Some(_)) | Err(_) => (None, 0),
                    Ok(None) => scan_version(version, buf, options.keep_source),
                }
            },
        )
        .collect();
    timings.step("read and search versions");
    let mut report = CheckReport {
        files_checked: versions.len(),
        history: Some(HistoryStats {
            tip: found.tip.clone(),
            commits: found.commits,
            versions: versions.len(),
            shallow: found.shallow,
        }),
        ..CheckReport::default()
    };
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for (file, allowed) in scanned {
        report.allowed += allowed;
        let Some(mut file) = file else { continue };
        file.diagnostics.retain(|d| {
            let key = (file.path.clone(), d.fingerprint.clone().unwrap_or_default());
            reported.insert(key)
        });
        if file.diagnostics.is_empty() {
            continue;
        }
        for d in &mut file.diagnostics {
            if options.strict {
                d.level = Level::Error;
            }
            match d.level {
                Level::Error => report.errors += 1,
                Level::Warning => report.warnings += 1,
            }
        }
        report.files.push(file);
    }
    Ok(report)
}

/// The secrets in one version of a lesson file, and how many inline
/// comments accepted.
fn scan_version(
    version: &LessonVersion,
    bytes: &[u8],
    keep_source: bool,
) -> (Option<FileReport>, usize) {
    let text = parse::source_text(bytes);
    let (mut diagnostics, spans, allowed) = rules::secret::check(&text);
    if diagnostics.is_empty() {
        return (None, allowed);
    }
    let commit = &version.commit;
    let short = &commit.id[..commit.id.len().min(12)];
    for d in &mut diagnostics {
        d.path.clone_from(&version.path);
        d.message = format!(
            "{} in commit {short} ({}, {})",
            d.message,
            crate::time::day_text(commit.time),
            commit.author
        );
        d.label = Some("in history: rotate it first".into());
        d.help = Some(HISTORY_HELP.into());
    }
    let source = keep_source.then(|| crate::sensitive::mask_spans(&text, &spans));
    let file = FileReport {
        path: version.path.clone(),
        diagnostics,
        source,
        commit: Some(commit.id.clone()),
    };
    (Some(file), allowed)
}

/// What to do about a secret in history.
const HISTORY_HELP: &str = "rotate the credential first: everyone who cloned the repository has it. \
Then remove it from the lesson and purge it from history (`git filter-repo --replace-text`), \
and ask everyone to clone again (docs/security.md#secrets-in-history)";

/// Reads, parses and checks one file; keeps its text when `keep` and
/// something was found.
fn check_file(
    kb: &KnowledgeBase,
    file: &LessonFile,
    folder: &Folder,
    selected: bool,
    keep: bool,
) -> FileCheck {
    let whole = |rule: Rule, message: String, help: Option<&str>| {
        let mut d = Diagnostic::whole_file(rule, &file.path, message);
        d.help = help.map(str::to_string);
        FileCheck::unread(vec![d])
    };
    match file.problem.as_deref() {
        Some(FileProblem::SymlinkOutside(target)) => {
            return whole(
                Rule::SymlinkOutside,
                format!(
                    "symbolic link to {}, outside the knowledge base: not followed",
                    target.display()
                ),
                Some(Rule::SymlinkOutside.help()),
            );
        }
        Some(FileProblem::BrokenSymlink) => {
            return whole(
                Rule::UnreadableFile,
                "broken symbolic link: its target does not exist".into(),
                Some("remove the link or restore its target"),
            );
        }
        Some(FileProblem::SymlinkLoop) => {
            return whole(
                Rule::UnreadableFile,
                "symbolic link loop: the link leads back to itself through other links, so it has no target".into(),
                Some("point the link at the lesson file itself, or remove it"),
            );
        }
        Some(FileProblem::NotRegular) => {
            return whole(
                Rule::UnreadableFile,
                "not a regular file (a pipe, socket, device or folder): not read".into(),
                Some("lessons are regular Markdown files; move this out of the lesson roots"),
            );
        }
        Some(FileProblem::InvalidName) => {
            return whole(
                Rule::UnreadableFile,
                "the path is not valid UTF-8 (shown with \\xNN escapes): the lesson is not read"
                    .into(),
                Some(&format!(
                    "rename the file (or the folder) with a UTF-8 name; from the knowledge base root, in bash: git mv $'{}' NEW-NAME.md (mv if it is not committed)",
                    file.path.replace('\'', "\\'")
                )),
            );
        }
        Some(FileProblem::UnreadableFolder(reason)) => {
            return whole(
                Rule::UnreadableFile,
                format!("cannot read: {reason}"),
                Some(Rule::UnreadableFile.help()),
            );
        }
        None => {}
    }
    READ_BUFFER.with_borrow_mut(|bytes| {
        let mut found = check_bytes(kb, file, folder, bytes, selected);
        if found.readable && keep && !found.diagnostics.is_empty() {
            // Secrets are masked in the text shown, as in the findings.
            let text = parse::source_text(bytes);
            found.source = Some(crate::sensitive::mask_spans(&text, &found.secrets));
        }
        found
    })
}

thread_local! {
    /// One read buffer per worker thread, reused for every file.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn check_bytes(
    kb: &KnowledgeBase,
    file: &LessonFile,
    folder: &Folder,
    bytes: &mut Vec<u8>,
    selected: bool,
) -> FileCheck {
    let whole = |rule: Rule, message: String, help: Option<&str>| {
        let mut d = Diagnostic::whole_file(rule, &file.path, message);
        d.help = help.map(str::to_string);
        FileCheck::unread(vec![d])
    };
    match folder.read_limited(file.name(), kb.config.max_file_size, bytes) {
        Ok(None) => {}
        Ok(Some(size)) => {
            return whole(
                Rule::FileTooLarge,
                format!(
                    "the file is {} bytes, over the limit of {} bytes (max_file_size): not checked",
                    crate::text::thousands(size as usize),
                    crate::text::thousands(kb.config.max_file_size as usize)
                ),
                Some(
                    "keep lessons short and link large logs; or raise `max_file_size` in lessons.toml",
                ),
            );
        }
        Err(e) => {
            return whole(
                Rule::UnreadableFile,
                format!("cannot read: {e}"),
                Some(Rule::UnreadableFile.help()),
            );
        }
    }
    check_source(&kb.config, &file.path, bytes, selected)
}

/// Checks the bytes of a file that was read: encoding, parse, every
/// per-file rule, and for a selected file the secrets and personal data.
fn check_source(config: &Config, path: &str, bytes: &[u8], selected: bool) -> FileCheck {
    let text = match parse::decode(bytes) {
        Ok(text) => text,
        Err(mut d) => {
            d.path = path.to_string();
            return FileCheck::read(vec![*d]);
        }
    };
    let mut found = check_text(config, path, text);
    // Findings of unselected files are dropped (they are read for the
    // knowledge-base-wide rules only): no need to look for secrets there.
    if !selected {
        return found;
    }
    // Secrets are looked for in the whole text, whether or not it parses.
    let (mut secrets, spans, allowed) = rules::secret::check(text);
    let (mut personal, personal_allowed) = rules::personal_data::check(text, &config.personal_data);
    found.allowed = allowed + personal_allowed;
    if !personal.is_empty() {
        // Personal data found inside a secret is that secret's finding.
        personal.retain(|p| {
            !spans
                .iter()
                .any(|s| s.start < p.span.end && p.span.start < s.end)
        });
        for d in &mut personal {
            d.path = path.to_string();
        }
        found.diagnostics.append(&mut personal);
    }
    if !spans.is_empty() {
        rules::secret::mask_quotes(&mut found.diagnostics, text, &spans);
        for d in &mut secrets {
            d.path = path.to_string();
        }
        found.diagnostics.append(&mut secrets);
        found.secrets = spans;
    }
    found
}

/// Parses and checks the text of one file.
fn check_text(config: &Config, path: &str, text: &str) -> FileCheck {
    let parsed = parse::parse_text(path, text);
    let mut diagnostics = parsed.diagnostics;
    let Some(lesson) = parsed.lesson else {
        return FileCheck::read(diagnostics);
    };
    let lines = LineIndex::new(text);
    let before = diagnostics.len();
    rules::check_lesson(&lesson, config, &lines, &mut diagnostics);
    for d in &mut diagnostics[before..] {
        d.path = path.to_string();
    }
    let site = IdSite {
        path: path.to_string(),
        id_position: lesson
            .id
            .as_ref()
            .map_or(Position::default(), |id| position_in(text, id.span.start)),
        id: lesson.id,
        related: lesson.related.map(|r| r.value).unwrap_or_default(),
    };
    FileCheck {
        site: Some(site),
        ..FileCheck::read(diagnostics)
    }
}

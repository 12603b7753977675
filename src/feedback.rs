//! Pull-request feedback: for each lesson a change adds or edits, whether
//! it passes `check`, every recurring cause key it repeats (with the done
//! actions that did not prevent it) and the most similar past lessons. The
//! reviewer then sees what the knowledge base already knows.

use serde::Serialize;

use crate::causes::KeyCheck;
use crate::check::{CheckReport, Selection, check};
use crate::diagnostic::Level;
use crate::index::SearchIndex;
use crate::index::facts::Facts;
use crate::repo::KnowledgeBase;
use crate::search::{self, Filters, Hit, Target};

/// How many earlier (and later) lessons a recurring cause lists by id.
pub const MAX_EARLIER_LISTED: usize = 10;

/// The first line of the Markdown feedback: CI finds its earlier comment by
/// it and edits that one instead of adding another (or another bot's).
pub const MARKER: &str = "<!-- lessons-feedback -->";

#[derive(Debug, Clone, Serialize)]
pub struct Feedback {
    /// What the change was compared with (`--changed BASE`), if anything.
    pub base: Option<String>,
    pub lessons: Vec<LessonFeedback>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonFeedback {
    pub path: String,
    pub id: Option<String>,
    pub title: Option<String>,
    pub occurred: Option<String>,
    /// Whether the file could be read as a lesson at all.
    pub readable: bool,
    pub errors: usize,
    pub warnings: usize,
    /// The first findings, for the comment (`lessons check` has them all).
    pub findings: Vec<Finding>,
    pub recurring: Vec<Recurring>,
    pub similar: Vec<SimilarLesson>,
    /// Cause keys no other lesson uses, with the existing keys they may
    /// mean.
    pub new_cause_keys: Vec<KeyCheck>,
}

/// Checks a lesson's cause keys against the rest of the knowledge base:
/// for a key no other lesson uses, the existing keys it may mean, by name
/// and by the keys of the lessons most like it in text.
pub fn check_cause_keys(
    index: &SearchIndex,
    settings: &search::Settings,
    target: &Target,
    facts: &[Facts],
) -> Result<Vec<KeyCheck>, crate::Error> {
    let known = crate::causes::keys(facts, Some(&target.path));
    let mut neighbours = Vec::new();
    if target.cause_keys.iter().any(|k| !known.contains_key(k)) {
        let hits = search::similar(index, settings, target, &Filters::default(), 3)?.hits;
        let best = hits.first().map_or(0.0, |h| h.score);
        // Only lessons nearly as close as the closest: a weak neighbour's
        // keys are noise.
        for hit in hits.into_iter().filter(|h| h.score >= best * 0.6) {
            let name = if hit.id.is_empty() {
                hit.path.clone()
            } else {
                hit.id.clone()
            };
            for key in hit.causes {
                neighbours.push((key, name.clone()));
            }
        }
    }
    Ok(crate::causes::check_keys(
        &target.cause_keys,
        &target.cause_categories,
        &known,
        &neighbours,
        &settings.synonyms,
        &settings.catch_all_keys,
    ))
}

/// A past lesson like this one (the search hit), and what they have in
/// common.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarLesson {
    #[serde(flatten)]
    pub hit: Hit,
    pub shared_causes: Vec<String>,
    pub shared_systems: Vec<String>,
}

impl SimilarLesson {
    fn new(hit: Hit, keys: &[String], systems: &[String]) -> SimilarLesson {
        let shared = |mine: &[String], theirs: &[String]| -> Vec<String> {
            mine.iter()
                .filter(|m| theirs.iter().any(|t| t.eq_ignore_ascii_case(m)))
                .cloned()
                .collect()
        };
        SimilarLesson {
            shared_causes: shared(keys, &hit.causes),
            shared_systems: shared(systems, &hit.systems),
            hit,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    pub rule: &'static str,
    pub level: &'static str,
    pub message: String,
}

/// A cause key of the lesson that other lessons share.
#[derive(Debug, Clone, Serialize)]
pub struct Recurring {
    pub cause: String,
    pub category: Option<String>,
    /// This lesson's place among the lessons with the key, in order of
    /// `occurred` (then id): 1 for the first.
    pub ordinal: usize,
    /// The lessons with the key, this one included.
    pub total: usize,
    /// The other lessons with the key that came before it, earliest first
    /// (at most [`MAX_EARLIER_LISTED`]).
    pub earlier: Vec<String>,
    /// And after it (at most [`MAX_EARLIER_LISTED`]).
    pub later: Vec<String>,
    /// Done actions of other lessons that addressed the key, completed on
    /// a day before this lesson occurred: they did not prevent it.
    pub ineffective_actions: Vec<FailedAction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedAction {
    pub lesson: String,
    pub action: String,
    pub completed: String,
}

/// How similar lessons are looked up for the feedback.
#[derive(Clone, Copy)]
pub struct SimilarQuery<'a> {
    pub settings: &'a search::Settings,
    pub filters: &'a Filters,
    /// How many similar lessons per changed lesson.
    pub limit: usize,
}

/// What the knowledge base says about each of `paths` (root-relative
/// lesson files, committed or not), most similar lessons first.
pub fn build(
    kb: &KnowledgeBase,
    index: &SearchIndex,
    paths: &[String],
    facts: &[Facts],
    base: Option<&str>,
    similar: &SimilarQuery,
) -> Result<Feedback, crate::Error> {
    let SimilarQuery {
        settings,
        filters,
        limit,
    } = *similar;
    let selection = Selection::Only(paths.iter().cloned().collect());
    let mut checked: CheckReport = check(kb, &selection, crate::check::Options::default());
    // The verdict is the one `lessons check` gives: reviewed findings are accepted.
    let allowlist = crate::allowlist::Allowlist::load(&kb.root)?;
    checked.apply_allowlist(&allowlist, &selection, false);
    let mut lessons = Vec::with_capacity(paths.len());
    for path in paths {
        let abs = kb.root.join(path);
        let bytes = crate::repo::read_file(&abs, kb.config.max_file_size);
        // Masked: the feedback quotes titles and is posted where many read.
        let text = crate::sensitive::mask_secrets(&crate::parse::source_text(&bytes)).into_owned();
        let parsed = crate::parse::parse_text(path, &text);
        let report = checked.files.iter().find(|f| &f.path == path);
        let diagnostics = report.map(|r| r.diagnostics.as_slice()).unwrap_or(&[]);
        let mut feedback = LessonFeedback {
            path: path.clone(),
            id: None,
            title: None,
            occurred: None,
            readable: parsed.lesson.is_some(),
            errors: diagnostics
                .iter()
                .filter(|d| d.level == Level::Error)
                .count(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.level == Level::Warning)
                .count(),
            findings: diagnostics
                .iter()
                .take(5)
                .map(|d| Finding {
                    line: d.start.line,
                    column: d.start.column,
                    rule: d.rule.name(),
                    level: d.level.as_str(),
                    message: d.message.clone(),
                })
                .collect(),
            recurring: Vec::new(),
            similar: Vec::new(),
            new_cause_keys: Vec::new(),
        };
        if let Some(lesson) = &parsed.lesson {
            feedback.id = crate::lesson::opt_text(&lesson.id);
            feedback.title = crate::lesson::opt_text(&lesson.title);
            let occurred = lesson.occurred.as_ref().map(|m| m.value.utc.as_second());
            feedback.occurred = occurred.map(crate::time::day_text);
            feedback.recurring = recurring(lesson, path, occurred, facts);
            let mut target = Target::from_lesson(lesson, &text);
            // The other lessons of the same change are not "past" lessons.
            target.exclude = paths.iter().filter(|p| *p != path).cloned().collect();
            feedback.new_cause_keys = check_cause_keys(index, settings, &target, facts)?
                .into_iter()
                .filter(|k| !k.known)
                .collect();
            feedback.similar = search::similar(index, settings, &target, filters, limit)?
                .hits
                .into_iter()
                .map(|hit| SimilarLesson::new(hit, &target.cause_keys, &target.systems))
                .collect();
        }
        lessons.push(feedback);
    }
    Ok(Feedback {
        base: base.map(str::to_string),
        lessons,
    })
}

/// The lesson's cause keys that other lessons share.
fn recurring(
    lesson: &crate::lesson::Lesson,
    path: &str,
    occurred: Option<i64>,
    facts: &[Facts],
) -> Vec<Recurring> {
    let this_day = occurred.map(crate::time::day_number);
    let mut out: Vec<Recurring> = Vec::new();
    for cause in lesson.causes() {
        let Some(key) = crate::lesson::text(&cause.key) else {
            continue;
        };
        if out.iter().any(|r| r.cause == key) {
            continue;
        }
        let mut others: Vec<&Facts> = facts
            .iter()
            .filter(|f| f.path != path && f.causes.iter().any(|c| c.key == Some(key)))
            .collect();
        if others.is_empty() {
            continue;
        }
        others.sort_by_key(|f| (f.occurred, f.id, f.path));
        let me = (occurred, crate::lesson::text(&lesson.id), path);
        let split = others.partition_point(|f| (f.occurred, f.id, f.path) < me);
        let name = |f: &&Facts| f.id.unwrap_or(f.path).to_string();
        let mut failed = Vec::new();
        for f in &others {
            for action in f.actions.iter() {
                let (Some(done), Some(completed)) = (
                    crate::report::recurrence::done_day(&action),
                    action.completed,
                ) else {
                    continue;
                };
                if action.addresses.contains(key)
                    && this_day.is_some_and(|d| crate::report::recurrence::recurs_after(done, d))
                {
                    failed.push(FailedAction {
                        lesson: name(f),
                        action: action.details().summary.unwrap_or("").to_string(),
                        completed: crate::time::day_text(completed),
                    });
                }
            }
        }
        failed.sort_by(|a, b| (&a.completed, &a.lesson).cmp(&(&b.completed, &b.lesson)));
        out.push(Recurring {
            cause: key.to_string(),
            category: crate::lesson::opt_text(&cause.category),
            ordinal: split + 1,
            total: others.len() + 1,
            earlier: others[..split]
                .iter()
                .take(MAX_EARLIER_LISTED)
                .map(name)
                .collect(),
            later: others[split..]
                .iter()
                .take(MAX_EARLIER_LISTED)
                .map(name)
                .collect(),
            ineffective_actions: failed,
        });
    }
    // The most recurrent first.
    out.sort_by(|a, b| {
        b.ordinal
            .cmp(&a.ordinal)
            .then_with(|| a.cause.cmp(&b.cause))
    });
    out
}

/// `1st`, `2nd`, `3rd`, `4th`, ... `11th`, `21st`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .into_iter()
            .map(super::ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }
}

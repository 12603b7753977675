//! Pull-request feedback: for each lesson a change adds or edits, whether
//! it passes `check`, every recurring cause key it repeats (with the done
//! actions that did not prevent it) and the most similar past lessons. The
//! reviewer then sees what the knowledge base already knows.
//!
//! Everyone who can see the pull request reads the feedback, so it quotes
//! text (titles, action summaries) only of past lessons at or below
//! `[sharing] comment_max_tlp`, and names the others by id. The changed
//! lessons themselves are quoted: the same readers see them in the diff.

use serde::Serialize;

use crate::causes::KeyCheck;
use crate::check::{CheckReport, Selection, check};
use crate::diagnostic::Level;
use crate::index::SearchIndex;
use crate::index::facts::Facts;
use crate::repo::KnowledgeBase;
use crate::search::{self, Filters, Hit, Target};
use crate::tlp::Tlp;

/// How many earlier (and later) lessons a recurring cause lists by id.
pub const MAX_EARLIER_LISTED: usize = 10;

/// The first line of the Markdown feedback: CI finds its earlier comment by
/// it and edits that one instead of adding another (or another bot's).
pub const MARKER: &str = "<!-- lessons-feedback -->";

#[derive(Debug, Clone, Serialize)]
pub struct Feedback {
    /// What the change was compared with (`--changed BASE`), if anything.
    pub base: Option<String>,
    /// The highest level whose text the feedback quotes.
    pub comment_max_tlp: Tlp,
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
    /// Similar lessons at or below `comment_max_tlp`.
    pub similar: Vec<SimilarLesson>,
    /// Similar lessons above it, by id only, grouped by level (lowest
    /// first).
    pub similar_withheld: Vec<Withheld>,
    /// Cause keys no other lesson uses, with the existing keys they may
    /// mean.
    pub new_cause_keys: Vec<KeyCheck>,
}

/// Checks a lesson's cause keys against the rest of the knowledge base:
/// for a key no other lesson uses, the existing keys it may mean, by name
/// and by the keys of the lessons most like it in text.
/// `facts` and `max_tlp` say which lessons may be drawn on (`--max-tlp`).
pub fn check_cause_keys(
    index: &SearchIndex,
    settings: &search::Settings,
    target: &Target,
    facts: &[Facts],
    max_tlp: Option<crate::tlp::Tlp>,
) -> Result<Vec<KeyCheck>, crate::Error> {
    let known = crate::causes::keys(facts, Some(&target.path));
    let mut neighbours = Vec::new();
    if target.cause_keys.iter().any(|k| !known.contains_key(k)) {
        let filters = Filters {
            max_tlp,
            ..Filters::default()
        };
        let hits = search::similar(index, settings, target, &filters, 3)?.hits;
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

/// Lessons of one sharing level above `comment_max_tlp`, named by id.
#[derive(Debug, Clone, Serialize)]
pub struct Withheld {
    pub tlp: Tlp,
    pub lessons: Vec<String>,
}

/// Splits hits into those whose text may be quoted at `max` and the rest,
/// by id, grouped by level.
fn split_by_tlp(hits: Vec<Hit>, max: Tlp) -> (Vec<Hit>, Vec<Withheld>) {
    let (quoted, above): (Vec<Hit>, Vec<Hit>) = hits.into_iter().partition(|h| h.tlp <= max);
    let mut withheld: Vec<Withheld> = Vec::new();
    for level in Tlp::ALL {
        let lessons: Vec<String> = above
            .iter()
            .filter(|h| h.tlp == level)
            .map(|h| {
                if h.id.is_empty() {
                    h.path.clone()
                } else {
                    h.id.clone()
                }
            })
            .collect();
        if !lessons.is_empty() {
            withheld.push(Withheld {
                tlp: level,
                lessons,
            });
        }
    }
    (quoted, withheld)
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
    /// Its summary; `None` when its lesson is above `comment_max_tlp`.
    pub action: Option<String>,
    pub completed: String,
    /// The sharing level of its lesson.
    pub tlp: Tlp,
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
    let comment_max = kb.config.sharing.comment_max_tlp;
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
            similar_withheld: Vec::new(),
            new_cause_keys: Vec::new(),
        };
        if let Some(lesson) = &parsed.lesson {
            feedback.id = crate::lesson::opt_text(&lesson.id);
            feedback.title = crate::lesson::opt_text(&lesson.title);
            let occurred = lesson.occurred.as_ref().map(|m| m.value.utc.as_second());
            feedback.occurred = occurred.map(crate::time::day_text);
            feedback.recurring = recurring(lesson, path, occurred, facts, comment_max);
            let mut target = Target::from_lesson(lesson, &text);
            // The other lessons of the same change are not "past" lessons.
            target.exclude = paths.iter().filter(|p| *p != path).cloned().collect();
            feedback.new_cause_keys =
                check_cause_keys(index, settings, &target, facts, filters.max_tlp)?
                    .into_iter()
                    .filter(|k| !k.known)
                    .collect();
            let hits = search::similar(index, settings, &target, filters, limit)?.hits;
            let (quoted, withheld) = split_by_tlp(hits, comment_max);
            feedback.similar = quoted
                .into_iter()
                .map(|hit| SimilarLesson::new(hit, &target.cause_keys, &target.systems))
                .collect();
            feedback.similar_withheld = withheld;
        }
        lessons.push(feedback);
    }
    Ok(Feedback {
        base: base.map(str::to_string),
        comment_max_tlp: comment_max,
        lessons,
    })
}

/// The lesson's cause keys that other lessons share.
fn recurring(
    lesson: &crate::lesson::Lesson,
    path: &str,
    occurred: Option<i64>,
    facts: &[Facts],
    comment_max: Tlp,
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
                    let quoted = f.tlp <= comment_max;
                    failed.push(FailedAction {
                        lesson: name(f),
                        action: quoted.then(|| action.details().summary.unwrap_or("").to_string()),
                        completed: crate::time::day_text(completed),
                        tlp: f.tlp,
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

//! `lessons report --for leadership|hr|it`: one page per business function,
//! as the practice uses lessons (IT: configuration, management and
//! monitoring; HR: training and role clarity; leadership: risk appetite and
//! investment). Computed from the same facts and the same counted lessons
//! as the report (window, `--max-tlp`, `--status`, `--function`).

use serde::Serialize;

use super::{Options, Period, counted, median, name};
use crate::index::facts::Facts;
use crate::time::{civil, day, day_number, day_number_text as day_string};
use crate::tlp::Tlp;

/// Who a view is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Leadership,
    Hr,
    It,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Leadership, Audience::Hr, Audience::It];

    /// The name on the command line and in JSON, and the business function
    /// (vocabulary `functions`) whose lessons the view takes in whole.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Leadership => "leadership",
            Audience::Hr => "hr",
            Audience::It => "it",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Audience::Leadership => "Leadership: risk and investment",
            Audience::Hr => "HR: training needs and awareness",
            Audience::It => "IT: configuration, monitoring and technical debt",
        }
    }

    /// The cause categories the view is about (HR and IT).
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            Audience::Leadership => &[],
            Audience::Hr => &["training-need"],
            Audience::It => &["configuration-error", "technical-debt"],
        }
    }

    /// The action types the view is about (HR and IT).
    pub fn action_types(self) -> &'static [&'static str] {
        match self {
            Audience::Leadership => &[],
            Audience::Hr => &["awareness"],
            Audience::It => &["monitoring"],
        }
    }
}

/// How much a lesson's severity weighs in the leadership view's ranking of
/// causes: a critical incident counts four times a low one. A severity
/// outside these (a custom vocabulary) or none weighs as low.
pub fn severity_weight(severity: Option<&str>) -> u64 {
    match severity {
        Some("critical") => 4,
        Some("high") => 3,
        Some("medium") => 2,
        _ => 1,
    }
}

/// How many causes the leadership view ranks.
pub const LEADERSHIP_CAUSES: usize = 10;

/// A cause key in a view.
#[derive(Debug, Clone, Serialize)]
pub struct ViewCause<'a> {
    pub key: &'a str,
    /// Its category (the first one written, when lessons disagree).
    pub category: Option<&'a str>,
    /// Lessons with the key (a lesson counts once).
    pub count: usize,
    /// The sum of those lessons' severity weights ([`severity_weight`]).
    pub weight: u64,
    pub lessons: Vec<&'a str>,
    pub last_occurred: String,
}

/// An action in a view.
#[derive(Debug, Clone, Serialize)]
pub struct ViewAction<'a> {
    pub lesson: &'a str,
    pub path: &'a str,
    pub summary: &'a str,
    #[serde(rename = "type")]
    pub kind: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub due: Option<String>,
    pub status: Option<&'a str>,
    /// The severity of its lesson.
    pub severity: Option<&'a str>,
    /// Open or in progress, with its due date passed.
    pub overdue: bool,
}

/// One period of a view's trend.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PeriodRow {
    pub period: String,
    /// Lessons that occurred in the period.
    pub lessons: usize,
    /// Those with a cause key seen in an earlier lesson (an earlier UTC
    /// day) within the view's window.
    pub repeat_lessons: usize,
    /// Median minutes from `occurred` to `detected` and to `recovered`,
    /// over the lessons that record them.
    pub median_detect_minutes: Option<i64>,
    pub median_recover_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct View<'a> {
    #[serde(rename = "for")]
    pub audience: Audience,
    /// The view's sharing level: the highest among the lessons it includes.
    pub tlp: Tlp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tlp: Option<Tlp>,
    /// `--function` values the lessons were limited to.
    pub functions: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// Lessons the view includes.
    pub lessons: usize,
    /// The cause categories and action types it is about (empty for
    /// leadership, which takes in every lesson).
    pub categories: Vec<&'static str>,
    pub action_types: Vec<&'static str>,
    pub period: Period,
    /// Leadership: the recurring causes (in `min_count` lessons or more)
    /// by severity weight, at most [`LEADERSHIP_CAUSES`]. HR and IT: every
    /// cause of the view, by count.
    pub causes: Vec<ViewCause<'a>>,
    /// Leadership: the open actions of high and critical lessons. HR and
    /// IT: every action of the view, open ones first. Then by due date.
    pub actions: Vec<ViewAction<'a>>,
    pub trend: Vec<PeriodRow>,
}

/// Whether the view takes a lesson in whole: leadership every lesson, HR
/// and IT the lessons that name their function.
fn whole(f: &Facts, audience: Audience) -> bool {
    audience == Audience::Leadership
        || f.functions
            .iter()
            .any(|x| x.eq_ignore_ascii_case(audience.name()))
}

/// What a view takes of one lesson: the indexes of its causes and actions
/// in the view.
fn scope(f: &Facts, audience: Audience) -> (Vec<usize>, Vec<usize>) {
    let whole = whole(f, audience);
    let causes: Vec<usize> = f
        .causes
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            whole
                || c.category
                    .is_some_and(|cat| audience.categories().contains(&cat))
        })
        .map(|(i, _)| i)
        .collect();
    let keys: Vec<&str> = f
        .causes
        .iter()
        .enumerate()
        .filter(|(i, _)| causes.contains(i))
        .filter_map(|(_, c)| c.key)
        .collect();
    let actions = f
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            whole
                || a.details()
                    .kind
                    .is_some_and(|k| audience.action_types().contains(&k))
                || a.addresses.iter().any(|k| keys.contains(&k))
        })
        .map(|(i, _)| i)
        .collect();
    (causes, actions)
}

/// Builds the view for `audience` from every lesson's facts.
pub fn build<'a>(
    all: &'a [Facts<'a>],
    options: &Options,
    audience: Audience,
    today: jiff::civil::Date,
) -> View<'a> {
    let order = counted(all, options);
    let mut included: Vec<&'a Facts<'a>> = Vec::new();
    let mut causes: Vec<ViewCause<'a>> = Vec::new();
    // Where each key is in `causes`: a large knowledge base has thousands.
    let mut at: rustc_hash::FxHashMap<&'a str, usize> = Default::default();
    // Each cause's last day, beside `causes`: written out once per key at
    // the end rather than once per lesson.
    let mut last: Vec<i64> = Vec::new();
    let mut actions: Vec<ViewAction<'a>> = Vec::new();
    for &f in &order {
        // A lesson the view takes in whole has all its causes and actions
        // in it: no lists to build (every lesson, for leadership).
        let scoped = (!whole(f, audience)).then(|| scope(f, audience));
        let (cause_at, action_at) = match &scoped {
            Some((causes, actions)) if causes.is_empty() && actions.is_empty() => continue,
            Some((causes, actions)) => (Some(causes.as_slice()), Some(actions.as_slice())),
            None => (None, None),
        };
        included.push(f);
        add_causes(&mut causes, &mut last, &mut at, f, cause_at);
        for (i, a) in f.actions.iter().enumerate() {
            let open = crate::lesson::is_open_action(a.status);
            let wanted = match audience {
                Audience::Leadership => open && matches!(f.severity, Some("high" | "critical")),
                _ => action_at.is_none_or(|at| at.contains(&i)),
            };
            if !wanted {
                continue;
            }
            let d = a.details();
            let due = d.due.map(day);
            actions.push(ViewAction {
                lesson: name(f),
                path: f.path,
                summary: d.summary.unwrap_or_default(),
                kind: d.kind,
                owner: d.owner,
                due: due.map(|x| x.to_string()),
                status: a.status,
                severity: f.severity,
                overdue: open && due.is_some_and(|x| x < today),
            });
        }
    }
    for (cause, &day) in causes.iter_mut().zip(&last) {
        cause.last_occurred = day_string(day);
    }
    rank(&mut causes, audience, options.min_count);
    actions.sort_by(|a, b| {
        let open = |x: &ViewAction| !crate::lesson::is_open_action(x.status);
        (open(a), a.due.is_none(), &a.due, a.lesson, a.summary).cmp(&(
            open(b),
            b.due.is_none(),
            &b.due,
            b.lesson,
            b.summary,
        ))
    });
    View {
        audience,
        tlp: super::highest_tlp(included.iter().copied()),
        max_tlp: options.max_tlp,
        functions: options.functions.clone(),
        since: options.since.map(|d| d.to_string()),
        until: options.until.map(|d| d.to_string()),
        lessons: included.len(),
        categories: audience.categories().to_vec(),
        action_types: audience.action_types().to_vec(),
        period: options.period,
        causes,
        actions,
        trend: trend(&included, options.period),
    }
}

/// Counts a lesson's causes of the view (the indexes `at`, every one when
/// `None`) under their keys, once per key; lessons come in time order, and
/// `last` keeps each cause's last day.
fn add_causes<'a>(
    causes: &mut Vec<ViewCause<'a>>,
    last: &mut Vec<i64>,
    index: &mut rustc_hash::FxHashMap<&'a str, usize>,
    f: &'a Facts<'a>,
    at: Option<&[usize]>,
) {
    let occurred = day_number(f.occurred.unwrap_or_default());
    let mut seen = super::smallset::Seen::default();
    for (i, c) in f.causes.iter().enumerate() {
        let Some(key) = c.key else { continue };
        if !at.is_none_or(|at| at.contains(&i)) || !seen.insert(key) {
            continue;
        }
        match index.get(key).copied() {
            Some(n) => {
                let v = &mut causes[n];
                v.count += 1;
                v.weight += severity_weight(f.severity);
                v.lessons.push(name(f));
                last[n] = occurred;
            }
            None => {
                index.insert(key, causes.len());
                causes.push(ViewCause {
                    key,
                    category: c.category,
                    count: 1,
                    weight: severity_weight(f.severity),
                    lessons: vec![name(f)],
                    // Written out by the caller, from `last`.
                    last_occurred: String::new(),
                });
                last.push(occurred);
            }
        }
    }
}

/// Leadership: recurring causes by weight, the top ten. HR and IT: every
/// cause by count. Ties go to the most recent, then the key.
fn rank(causes: &mut Vec<ViewCause>, audience: Audience, min_count: usize) {
    if audience == Audience::Leadership {
        causes.retain(|c| c.count >= min_count);
        causes.sort_by(|a, b| {
            (b.weight, b.count, &b.last_occurred, a.key).cmp(&(
                a.weight,
                a.count,
                &a.last_occurred,
                b.key,
            ))
        });
        causes.truncate(LEADERSHIP_CAUSES);
    } else {
        causes.sort_by(|a, b| {
            (b.count, b.weight, &b.last_occurred, a.key).cmp(&(
                a.count,
                a.weight,
                &a.last_occurred,
                b.key,
            ))
        });
    }
}

/// Lessons, repeats and response times per period, over the lessons in
/// time order; every period from the first lesson's to the last's.
fn trend(lessons: &[&Facts], period: Period) -> Vec<PeriodRow> {
    let (Some(first), Some(last)) = (lessons.first(), lessons.last()) else {
        return Vec::new();
    };
    let day_of = |f: &Facts| day_number(f.occurred.unwrap_or_default());
    let date = |n: i64| {
        let (y, m, d) = civil(n);
        jiff::civil::Date::new(y as i16, m as i8, d as i8).unwrap_or_default()
    };
    let mut rows: Vec<PeriodRow> = period
        .range(date(day_of(first)), date(day_of(last)))
        .into_iter()
        .map(|p| PeriodRow {
            period: p,
            lessons: 0,
            repeat_lessons: 0,
            median_detect_minutes: None,
            median_recover_minutes: None,
        })
        .collect();
    let mut detect: Vec<Vec<i64>> = vec![Vec::new(); rows.len()];
    let mut recover: Vec<Vec<i64>> = vec![Vec::new(); rows.len()];
    // The rows are every period from the first lesson's, in order: a
    // lesson's row is its period's number less the first's (formatting
    // and finding its name cost a string per lesson).
    let base = period.number(day_of(first));
    // Each key's first day: a lesson repeats a key first seen on an
    // earlier day.
    let mut first_day: rustc_hash::FxHashMap<&str, i64> = Default::default();
    for f in lessons {
        let occurred = f.occurred.unwrap_or_default();
        let today = day_number(occurred);
        let Some(at) = usize::try_from(period.number(today) - base)
            .ok()
            .filter(|&at| at < rows.len())
        else {
            continue;
        };
        rows[at].lessons += 1;
        let mut repeat = false;
        for key in f.causes.iter().filter_map(|c| c.key) {
            let seen = *first_day.entry(key).or_insert(today);
            repeat |= seen < today;
        }
        if repeat {
            rows[at].repeat_lessons += 1;
        }
        if let Some(d) = f.detected.filter(|d| *d >= occurred) {
            detect[at].push((d - occurred) / 60);
        }
        if let Some(r) = f.recovered.filter(|r| *r >= occurred) {
            recover[at].push((r - occurred) / 60);
        }
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.median_detect_minutes = median(&mut detect[i]);
        row.median_recover_minutes = median(&mut recover[i]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::facts::{ActionRecord, Cause, FactsRecord};

    #[test]
    fn weights_and_scopes() {
        assert_eq!(severity_weight(Some("critical")), 4);
        assert_eq!(severity_weight(Some("urgent")), 1);
        assert_eq!(severity_weight(None), 1);
        let record = FactsRecord {
            path: "a.md",
            id: Some("A"),
            occurred: Some(0),
            causes: vec![
                Cause {
                    category: Some("training-need"),
                    key: Some("no-training"),
                },
                Cause {
                    category: Some("technical-debt"),
                    key: Some("old-code"),
                },
            ],
            actions: vec![
                ActionRecord {
                    summary: Some("train"),
                    addresses: vec!["no-training"],
                    ..Default::default()
                },
                ActionRecord {
                    summary: Some("poster"),
                    kind: Some("awareness"),
                    ..Default::default()
                },
                ActionRecord {
                    summary: Some("refactor"),
                    kind: Some("architecture"),
                    addresses: vec!["old-code"],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let bytes = crate::index::facts::concat(std::iter::once(
            crate::index::facts::record(&record).unwrap().as_slice(),
        ));
        let all = crate::index::facts::decode(&bytes).unwrap();
        assert_eq!(scope(&all[0], Audience::Hr), (vec![0], vec![0, 1]));
        assert_eq!(scope(&all[0], Audience::It), (vec![1], vec![2]));
        assert_eq!(
            scope(&all[0], Audience::Leadership),
            (vec![0, 1], vec![0, 1, 2])
        );
    }
}

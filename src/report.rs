//! Recurring root causes, the actions that did not prevent a recurrence,
//! trends and response times, computed from the facts the index keeps.
//!
//! The rules are the contract's (lesson-format.md, "Recurrence"): a lesson
//! counts once per group however many of its causes share it; an action did
//! not prevent recurrence when it is `done`, has a `completed` date, and one
//! of the keys it `addresses` appears in another lesson that occurred on a
//! later UTC day.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::index::facts::Facts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Key,
    Category,
    System,
    Team,
}

impl GroupBy {
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Key => "cause key",
            GroupBy::Category => "cause category",
            GroupBy::System => "system",
            GroupBy::Team => "team",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    /// The period a day falls in: `2024-03`, `2024-Q1`, `2024`.
    pub fn of(self, day: jiff::civil::Date) -> String {
        match self {
            Period::Month => format!("{:04}-{:02}", day.year(), day.month()),
            Period::Quarter => format!("{:04}-Q{}", day.year(), (day.month() - 1) / 3 + 1),
            Period::Year => format!("{:04}", day.year()),
        }
    }

    /// The number of the period a day falls in, counted from year 0.
    fn number(self, day: jiff::civil::Date) -> i64 {
        let (y, m) = (i64::from(day.year()), i64::from(day.month()) - 1);
        match self {
            Period::Month => y * 12 + m,
            Period::Quarter => y * 4 + m / 3,
            Period::Year => y,
        }
    }

    /// Every period from `first` to `last`, in order.
    pub fn range(self, first: jiff::civil::Date, last: jiff::civil::Date) -> Vec<String> {
        let mut out = Vec::new();
        let mut day = first.first_of_month();
        while day <= last {
            let p = self.of(day);
            if out.last() != Some(&p) {
                out.push(p);
            }
            day = match day.checked_add(jiff::Span::new().months(1)) {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub by: GroupBy,
    pub min_count: usize,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
    pub period: Period,
    /// Only lessons with these statuses (all when empty).
    pub statuses: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group<'a> {
    pub name: String,
    pub count: usize,
    pub lessons: Vec<&'a str>,
    pub first_occurred: String,
    pub last_occurred: String,
    pub systems: Vec<String>,
    pub open_actions: usize,
    /// Lessons per period, over the whole report's range of periods.
    pub trend: Vec<usize>,
    /// Median seconds from `occurred`, where the lessons record the times.
    pub median_time_to_detect: Option<i64>,
    pub median_time_to_contain: Option<i64>,
    pub median_time_to_recover: Option<i64>,
}

/// How many later lessons `recurred_in` lists; `recurrences` counts all.
/// A cause key that recurs in thousands of lessons would otherwise make the
/// report as large as the knowledge base for every action that addressed it.
pub const MAX_RECURRENCES_LISTED: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct IneffectiveAction<'a> {
    pub lesson: &'a str,
    pub action: &'a str,
    pub cause: &'a str,
    pub completed: String,
    /// The later lessons with the cause, earliest first (at most
    /// [`MAX_RECURRENCES_LISTED`]).
    pub recurred_in: Vec<&'a str>,
    /// How many later lessons have the cause.
    pub recurrences: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnaddressedCause<'a> {
    pub lesson: &'a str,
    pub cause: &'a str,
    pub category: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    pub lessons: usize,
    pub by: GroupBy,
    pub min_count: usize,
    pub since: Option<String>,
    pub until: Option<String>,
    /// First and last `occurred` day of the lessons counted.
    pub first_occurred: Option<String>,
    pub last_occurred: Option<String>,
    pub period: Period,
    /// The periods the groups' `trend` counts refer to.
    pub periods: Vec<String>,
    pub groups: Vec<Group<'a>>,
    pub ineffective_actions: Vec<IneffectiveAction<'a>>,
    pub unaddressed_causes: Vec<UnaddressedCause<'a>>,
}

pub fn day(secs: i64) -> jiff::civil::Date {
    let ts = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::tz::Offset::UTC.to_datetime(ts).date()
}

/// The name a lesson goes by in reports: its id, else its path.
fn name(f: &Facts) -> &str {
    f.id.as_deref().unwrap_or(&f.path)
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

/// The groups a lesson belongs to, each once (a lesson counts once per
/// group however many of its causes share it).
fn keys_of(f: &Facts, by: GroupBy) -> Vec<&str> {
    let mut keys: Vec<&str> = match by {
        GroupBy::Key => f.causes.iter().filter_map(|c| c.key.as_deref()).collect(),
        GroupBy::Category => f
            .causes
            .iter()
            .filter_map(|c| c.category.as_deref())
            .collect(),
        GroupBy::System => f.systems.iter().map(String::as_str).collect(),
        GroupBy::Team => f.teams.iter().map(String::as_str).collect(),
    };
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Open actions of a lesson that concern a group: for a cause key, the
/// actions that address it; for a category, those that address a cause of
/// it; for a system or team, all of the lesson's open actions.
fn open_actions_for(f: &Facts, by: GroupBy, group: &str) -> usize {
    let open = f
        .actions
        .iter()
        .filter(|a| crate::lesson::is_open_action(a.status.as_deref()));
    match by {
        GroupBy::Key => open
            .filter(|a| a.addresses.iter().any(|k| k == group))
            .count(),
        GroupBy::Category => {
            let keys: BTreeSet<&str> = f
                .causes
                .iter()
                .filter(|c| c.category.as_deref() == Some(group))
                .filter_map(|c| c.key.as_deref())
                .collect();
            open.filter(|a| a.addresses.iter().any(|k| keys.contains(k.as_str())))
                .count()
        }
        GroupBy::System | GroupBy::Team => open.count(),
    }
}

/// Builds the report from every lesson's facts.
pub fn build<'a>(all: &'a [Facts], options: &Options) -> Report<'a> {
    let lessons: Vec<&'a Facts> = all
        .iter()
        .filter(|f| {
            let Some(occurred) = f.occurred else {
                return false;
            };
            let d = day(occurred);
            options.since.is_none_or(|s| d >= s)
                && options.until.is_none_or(|u| d <= u)
                && (options.statuses.is_empty()
                    || f.status
                        .as_ref()
                        .is_some_and(|s| options.statuses.contains(s)))
        })
        .collect();
    let first = lessons.iter().filter_map(|f| f.occurred).min().map(day);
    let last = lessons.iter().filter_map(|f| f.occurred).max().map(day);
    let periods = match (first, last) {
        (Some(a), Some(b)) => options.period.range(a, b),
        _ => Vec::new(),
    };

    let mut members: BTreeMap<&str, Vec<&'a Facts>> = BTreeMap::new();
    for f in &lessons {
        for key in keys_of(f, options.by) {
            members.entry(key).or_default().push(f);
        }
    }
    let mut groups: Vec<Group> = members
        .into_iter()
        .filter(|(_, fs)| fs.len() >= options.min_count.max(1))
        .map(|(group, mut fs)| {
            fs.sort_by(|a, b| (a.occurred, &a.id, &a.path).cmp(&(b.occurred, &b.id, &b.path)));
            let systems: rustc_hash::FxHashSet<&str> = fs
                .iter()
                .flat_map(|f| f.systems.iter().map(String::as_str))
                .collect();
            let mut systems: Vec<&str> = systems.into_iter().collect();
            systems.sort_unstable();
            let mut trend = vec![0; periods.len()];
            if let Some(first) = first {
                let base = options.period.number(first);
                for f in &fs {
                    let Some(o) = f.occurred else { continue };
                    let i = options.period.number(day(o)) - base;
                    if let Some(slot) = usize::try_from(i).ok().and_then(|i| trend.get_mut(i)) {
                        *slot += 1;
                    }
                }
            }
            let delta = |pick: fn(&Facts) -> Option<i64>| {
                median(
                    fs.iter()
                        .filter_map(|f| Some(pick(f)? - f.occurred?))
                        .filter(|d| *d >= 0)
                        .collect(),
                )
            };
            Group {
                name: group.to_string(),
                count: fs.len(),
                lessons: fs.iter().map(|f| name(f)).collect(),
                first_occurred: fs
                    .first()
                    .and_then(|f| f.occurred)
                    .map(|o| day(o).to_string())
                    .unwrap_or_default(),
                last_occurred: fs
                    .last()
                    .and_then(|f| f.occurred)
                    .map(|o| day(o).to_string())
                    .unwrap_or_default(),
                systems: systems.into_iter().map(str::to_string).collect(),
                open_actions: fs
                    .iter()
                    .map(|f| open_actions_for(f, options.by, group))
                    .sum(),
                trend,
                median_time_to_detect: delta(|f| f.detected),
                median_time_to_contain: delta(|f| f.contained),
                median_time_to_recover: delta(|f| f.recovered),
            }
        })
        .collect();
    // Most lessons first; among equals, the most recent occurrence.
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last_occurred.cmp(&a.last_occurred))
            .then_with(|| a.name.cmp(&b.name))
    });

    Report {
        lessons: lessons.len(),
        by: options.by,
        min_count: options.min_count,
        since: options.since.map(|d| d.to_string()),
        until: options.until.map(|d| d.to_string()),
        first_occurred: first.map(|d| d.to_string()),
        last_occurred: last.map(|d| d.to_string()),
        period: options.period,
        periods,
        groups,
        ineffective_actions: ineffective_actions(&lessons),
        unaddressed_causes: unaddressed_causes(&lessons),
    }
}

/// Done actions whose addressed cause came back in a later lesson.
fn ineffective_actions<'a>(lessons: &[&'a Facts]) -> Vec<IneffectiveAction<'a>> {
    // Each key's lessons, by the day they occurred.
    let mut by_key: BTreeMap<&'a str, Vec<(jiff::civil::Date, &'a Facts)>> = BTreeMap::new();
    for f in lessons {
        let Some(occurred) = f.occurred else { continue };
        let keys = keys_of(f, GroupBy::Key);
        for key in keys {
            by_key.entry(key).or_default().push((day(occurred), f));
        }
    }
    for list in by_key.values_mut() {
        list.sort_by(|(d1, f1), (d2, f2)| (d1, &f1.id, &f1.path).cmp(&(d2, &f2.id, &f2.path)));
    }
    let mut out = Vec::new();
    for f in lessons {
        for action in &f.actions {
            if action.status.as_deref() != Some("done") {
                continue;
            }
            let Some(completed) = action.completed.map(day) else {
                continue;
            };
            let keys: BTreeSet<&str> = action.addresses.iter().map(String::as_str).collect();
            for key in keys {
                let Some(list) = by_key.get(key) else {
                    continue;
                };
                // Strictly later days: the completed day itself does not count.
                let start = list.partition_point(|(d, _)| *d <= completed);
                let later = list[start..]
                    .iter()
                    .filter(|(_, other)| other.path != f.path);
                // The lesson itself is in the list only if it occurred
                // after its own action was completed.
                let own = f.occurred.is_some_and(|o| day(o) > completed)
                    && f.causes.iter().any(|c| c.key.as_deref() == Some(key));
                let recurrences = list.len() - start - usize::from(own);
                if recurrences == 0 {
                    continue;
                }
                out.push(IneffectiveAction {
                    lesson: name(f),
                    action: action.summary.as_deref().unwrap_or(""),
                    cause: key,
                    completed: completed.to_string(),
                    recurred_in: {
                        let mut names = Vec::with_capacity(recurrences.min(MAX_RECURRENCES_LISTED));
                        names.extend(later.take(MAX_RECURRENCES_LISTED).map(|(_, o)| name(o)));
                        names
                    },
                    recurrences,
                });
            }
        }
    }
    // The actions that failed most often first.
    out.sort_by(|a, b| {
        b.recurrences.cmp(&a.recurrences).then_with(|| {
            (&a.cause, &a.completed, &a.lesson, &a.action).cmp(&(
                &b.cause,
                &b.completed,
                &b.lesson,
                &b.action,
            ))
        })
    });
    out
}

/// Cause keys that no action of their lesson addresses.
fn unaddressed_causes<'a>(lessons: &[&'a Facts]) -> Vec<UnaddressedCause<'a>> {
    let mut out = Vec::new();
    for f in lessons {
        let addressed: BTreeSet<&str> = f
            .actions
            .iter()
            .flat_map(|a| a.addresses.iter().map(String::as_str))
            .collect();
        let mut seen = BTreeSet::new();
        for cause in &f.causes {
            let Some(key) = cause.key.as_deref() else {
                continue;
            };
            if !addressed.contains(key) && seen.insert(key) {
                out.push(UnaddressedCause {
                    lesson: name(f),
                    cause: key,
                    category: cause.category.as_deref(),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.lesson, &a.cause).cmp(&(&b.lesson, &b.cause)));
    out
}

/// One action, for `lessons actions`.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub lesson: String,
    pub path: String,
    pub summary: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
    pub completed: Option<String>,
    pub addresses: Vec<String>,
    pub link: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub overdue: bool,
    /// Owners, compared without regard to case (any of them).
    pub owners: Vec<String>,
    pub statuses: Vec<String>,
    pub as_of: Option<jiff::civil::Date>,
}

/// Every action across lessons, filtered, by due date (undated last).
pub fn actions(all: &[Facts], filter: &ActionFilter, today: jiff::civil::Date) -> Vec<ActionRow> {
    let as_of = filter.as_of.unwrap_or(today);
    let mut rows: Vec<ActionRow> = all
        .iter()
        .flat_map(|f| {
            f.actions.iter().map(move |a| {
                let due = a.due.map(day);
                ActionRow {
                    lesson: name(f).to_string(),
                    path: f.path.clone(),
                    summary: a.summary.clone().unwrap_or_default(),
                    kind: a.kind.clone(),
                    owner: a.owner.clone(),
                    due: due.map(|d| d.to_string()),
                    overdue: crate::lesson::is_open_action(a.status.as_deref())
                        && due.is_some_and(|d| d < as_of),
                    status: a.status.clone(),
                    completed: a.completed.map(|c| day(c).to_string()),
                    addresses: a.addresses.clone(),
                    link: a.link.clone(),
                }
            })
        })
        .filter(|r| !filter.overdue || r.overdue)
        .filter(|r| {
            filter.owners.is_empty()
                || r.owner
                    .as_ref()
                    .is_some_and(|o| filter.owners.iter().any(|w| w.eq_ignore_ascii_case(o)))
        })
        .filter(|r| {
            filter.statuses.is_empty()
                || r.status
                    .as_ref()
                    .is_some_and(|s| filter.statuses.contains(s))
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.due.is_none(), &a.due, &a.lesson, &a.summary).cmp(&(
            b.due.is_none(),
            &b.due,
            &b.lesson,
            &b.summary,
        ))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(Period::Quarter.of(d("2024-03-31")), "2024-Q1");
        assert_eq!(Period::Quarter.of(d("2024-04-01")), "2024-Q2");
        assert_eq!(
            Period::Quarter.range(d("2023-11-15"), d("2024-04-02")),
            ["2023-Q4", "2024-Q1", "2024-Q2"]
        );
        assert_eq!(
            Period::Year.range(d("2023-11-15"), d("2024-04-02")),
            ["2023", "2024"]
        );
        assert_eq!(
            Period::Month.range(d("2024-01-31"), d("2024-03-01")),
            ["2024-01", "2024-02", "2024-03"]
        );
    }

    fn lesson(id: &str, day: i64, key: &str) -> Facts {
        Facts {
            path: format!("lessons/{id}.md"),
            id: Some(id.into()),
            occurred: Some(day * 86_400),
            causes: vec![crate::index::facts::CauseFacts {
                category: Some("process-gap".into()),
                key: Some(key.into()),
            }],
            ..Facts::default()
        }
    }

    #[test]
    fn recurrence_lists_are_capped_but_counted() {
        let mut first = lesson("A", 100, "k");
        first.actions.push(crate::index::facts::ActionFacts {
            summary: Some("fix".into()),
            status: Some("done".into()),
            completed: Some(101 * 86_400 + 3_600),
            addresses: vec!["k".into()],
            ..Default::default()
        });
        let mut all = vec![first, lesson("same-day", 101, "k")];
        for i in 0..30 {
            all.push(lesson(&format!("L{i:02}"), 102 + i, "k"));
        }
        let options = Options {
            by: GroupBy::Key,
            min_count: 2,
            since: None,
            until: None,
            period: Period::Year,
            statuses: vec![],
        };
        let report = build(&all, &options);
        let a = &report.ineffective_actions[0];
        assert_eq!(a.recurrences, 30, "the completed day itself does not count");
        assert_eq!(a.recurred_in.len(), MAX_RECURRENCES_LISTED);
        assert_eq!(a.recurred_in[0], "L00");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }
}

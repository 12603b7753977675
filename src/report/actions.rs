//! `lessons actions`: every action across lessons, filtered, by due date.

use serde::Serialize;

use super::{name, recurrence};
use crate::index::facts::Facts;
use crate::time::{day, days_from_civil};

/// One action, for `lessons actions`.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow<'a> {
    pub lesson: &'a str,
    pub path: &'a str,
    pub summary: &'a str,
    #[serde(rename = "type")]
    pub kind: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub due: Option<String>,
    pub status: Option<&'a str>,
    pub completed: Option<String>,
    pub addresses: crate::index::facts::Strs<'a>,
    pub link: Option<&'a str>,
    pub verified: Option<String>,
    pub effective: Option<bool>,
    pub overdue: bool,
    /// Done, completed more than `verify_after_days` before the day the
    /// list is judged on, and not verified.
    pub unverified: bool,
    /// The sharing level of its lesson.
    pub tlp: crate::tlp::Tlp,
}

#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub overdue: bool,
    /// Only actions that are [`ActionRow::unverified`].
    pub unverified: bool,
    /// `[practice] verify_after_days`.
    pub verify_after_days: u32,
    /// Owners, compared without regard to case (any of them).
    pub owners: Vec<String>,
    pub statuses: Vec<String>,
    pub as_of: Option<jiff::civil::Date>,
    /// Only actions of lessons at or below this sharing level.
    pub max_tlp: Option<crate::tlp::Tlp>,
    /// Only actions of lessons that inform one of these business functions.
    pub functions: Vec<String>,
}

/// Every action across lessons, filtered, by due date (undated last).
pub fn actions<'a>(
    all: &'a [Facts<'a>],
    filter: &ActionFilter,
    today: jiff::civil::Date,
) -> Vec<ActionRow<'a>> {
    let as_of = filter.as_of.unwrap_or(today);
    // Each action is judged on what it holds before its row is made: a row
    // writes out its dates, and most actions are filtered away.
    let mut rows: Vec<ActionRow> = all
        .iter()
        .filter(|f| filter.max_tlp.is_none_or(|max| f.tlp <= max))
        .filter(|f| super::informs(f, &filter.functions))
        .flat_map(|f| {
            let checks = f
                .verifications
                .iter()
                .chain(std::iter::repeat(Default::default()));
            f.actions.iter().zip(checks).filter_map(move |(a, check)| {
                let details = a.details();
                let due = details.due.map(day);
                let overdue =
                    crate::lesson::is_open_action(a.status) && due.is_some_and(|d| d < as_of);
                let unverified = check.verified.is_none()
                    && recurrence::done_day(&a).is_some_and(|done| {
                        days_from_civil(as_of) - done > i64::from(filter.verify_after_days)
                    });
                let wanted = (!filter.overdue || overdue)
                    && (!filter.unverified || unverified)
                    && (filter.owners.is_empty()
                        || details.owner.is_some_and(|o| {
                            filter.owners.iter().any(|w| w.eq_ignore_ascii_case(o))
                        }))
                    && (filter.statuses.is_empty()
                        || a.status
                            .is_some_and(|s| filter.statuses.iter().any(|w| w == s)));
                wanted.then(|| ActionRow {
                    lesson: name(f),
                    path: f.path,
                    summary: details.summary.unwrap_or_default(),
                    kind: details.kind,
                    owner: details.owner,
                    due: due.map(|d| d.to_string()),
                    overdue,
                    status: a.status,
                    completed: a.completed.map(|c| day(c).to_string()),
                    addresses: a.addresses,
                    link: details.link,
                    verified: check.verified.map(|v| day(v).to_string()),
                    effective: check.effective,
                    unverified,
                    tlp: f.tlp,
                })
            })
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

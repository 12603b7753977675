//! The practice, measured per period (`report`'s review timeliness and
//! action counts, and `report --scorecard`): from the facts only, in one
//! walk over the lessons the report counts.
//!
//! Everything is attributed to the period in which the lesson occurred,
//! its actions included: "the lessons of 2024-Q1 had 5 actions due, 4 done
//! on time", so a period's figures settle as its actions are closed.

use serde::Serialize;

use super::{Members, median};
use crate::index::facts::Facts;
use crate::time::day_number;

/// What the figures are measured against (`[practice]`, the vocabulary).
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// `[practice] review_within_days`; 0 counts no review as timely.
    pub review_within_days: u32,
    /// The least severe level of the vocabulary (the last one): a healthy
    /// culture records small incidents too.
    pub least_severe: Option<String>,
}

/// One period's figures. The first ten fields are the contract's
/// (`report --scorecard --format json`); the rest are extensions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PeriodFigures {
    pub period: String,
    /// Lessons that occurred in the period.
    pub lessons: usize,
    /// Of which of kind `near-miss`.
    pub near_misses: usize,
    /// Share of the lessons with a cause key already seen in a lesson of
    /// an earlier day (among the lessons the report counts); `null` for a
    /// period without lessons.
    pub repeat_share: Option<f64>,
    /// Median minutes from `occurred`, where the lessons record the time.
    pub median_detect_minutes: Option<i64>,
    pub median_recover_minutes: Option<i64>,
    /// Median days from `recovered` (else `occurred`) to `reviewed`.
    pub median_review_days: Option<f64>,
    /// Actions with a due date, not dropped.
    pub actions_due: usize,
    /// Of those, done with `completed` on or before `due` (UTC days).
    pub actions_on_time: usize,
    /// Done actions with a `verified` date.
    pub actions_verified: usize,
    /// Lessons of the least severe level.
    pub low_severity: usize,
    pub median_contain_minutes: Option<i64>,
    /// Lessons with a `reviewed` date.
    pub reviewed: usize,
    /// Of which reviewed within `review_within_days`.
    pub reviewed_on_time: usize,
    /// `reviewed_on_time / reviewed`; `null` when none was reviewed.
    pub review_on_time_share: Option<f64>,
    /// Actions with status `done`.
    pub actions_done: usize,
    /// Verified with `effective = false`.
    pub actions_ineffective_by_review: usize,
    /// Done actions whose addressed cause came back in a later lesson (the
    /// report's `ineffective_actions`, each action counted once).
    pub actions_ineffective_by_recurrence: usize,
}

/// A share rounded to four decimals: a ratio of counts need not print
/// seventeen digits.
fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// The median of whole days, halves kept (3 and 4 days make 3.5).
fn median_days(values: &mut [i64]) -> Option<f64> {
    let (below, above) = super::middle(values)?;
    Some(match below {
        None => above as f64,
        Some(below) => (below as f64 + above as f64) / 2.0,
    })
}

/// Seconds to whole minutes, to the nearest.
fn minutes(seconds: Option<i64>) -> Option<i64> {
    seconds.map(|s| (s + 30).div_euclid(60))
}

/// Counts the actions that did not prevent a recurrence (each its
/// lesson's position in the report's order and its own in the lesson) in
/// the period of their lesson (`slot` of that position): each action once,
/// however many of its keys came back.
pub(super) fn add_recurrences(
    figures: &mut [PeriodFigures],
    ineffective: impl Iterator<Item = (u32, u32)>,
    slot: impl Fn(u32) -> Option<usize>,
) {
    let mut seen = rustc_hash::FxHashSet::default();
    for (me, index) in ineffective {
        if seen.insert((me, index))
            && let Some(fig) = slot(me).and_then(|p| figures.get_mut(p))
        {
            fig.actions_ineffective_by_recurrence += 1;
        }
    }
}

/// The figures of each of `periods` (`slot` maps a lesson's day to its
/// index there), but for the actions that did not prevent a recurrence
/// ([`add_recurrences`], once the pass over actions has found them).
pub(super) fn figures(
    order: &[&Facts<'_>],
    days: &[i64],
    by_key: &Members<'_>,
    periods: &[String],
    slot: impl Fn(i64) -> Option<usize>,
    targets: &Targets,
) -> Vec<PeriodFigures> {
    let mut out: Vec<PeriodFigures> = periods
        .iter()
        .map(|p| PeriodFigures {
            period: p.clone(),
            ..PeriodFigures::default()
        })
        .collect();
    // Per period: detect, contain, recover seconds; review days.
    let mut deltas: Vec<[Vec<i64>; 3]> = vec![Default::default(); periods.len()];
    let mut reviews: Vec<Vec<i64>> = vec![Vec::new(); periods.len()];
    let mut repeats = vec![0usize; periods.len()];
    let least = targets.least_severe.as_deref();
    for (i, f) in order.iter().enumerate() {
        let day = days[i];
        let Some(p) = slot(day) else { continue };
        let fig = &mut out[p];
        fig.lessons += 1;
        fig.near_misses += usize::from(f.kind == Some("near-miss"));
        fig.low_severity += usize::from(least.is_some() && f.severity == least);
        // A known cause: its key's first lesson is of an earlier day.
        let repeat = f.causes.iter().filter_map(|c| c.key).any(|key| {
            by_key
                .get(key)
                .and_then(|list| list.first())
                .is_some_and(|&first| days[first as usize] < day)
        });
        repeats[p] += usize::from(repeat);
        if let Some(occurred) = f.occurred {
            for (list, time) in deltas[p]
                .iter_mut()
                .zip([f.detected, f.contained, f.recovered])
            {
                if let Some(t) = time
                    && t >= occurred
                {
                    list.push(t - occurred);
                }
            }
            if let Some(reviewed) = f.reviewed {
                let from = f.recovered.filter(|&r| r >= occurred).unwrap_or(occurred);
                let wait = (day_number(reviewed) - day_number(from)).max(0);
                reviews[p].push(wait);
                fig.reviewed += 1;
                fig.reviewed_on_time += usize::from(wait <= i64::from(targets.review_within_days));
            }
        }
        let checks = f
            .verifications
            .iter()
            .chain(std::iter::repeat(Default::default()));
        for (a, check) in f.actions.iter().zip(checks) {
            let done = a.status == Some("done");
            fig.actions_done += usize::from(done);
            if done && check.verified.is_some() {
                fig.actions_verified += 1;
            }
            fig.actions_ineffective_by_review += usize::from(check.effective == Some(false));
            if a.status == Some("dropped") {
                continue;
            }
            if let Some(due) = a.details().due {
                fig.actions_due += 1;
                let on_time = done
                    && a.completed
                        .is_some_and(|c| day_number(c) <= day_number(due));
                fig.actions_on_time += usize::from(on_time);
            }
        }
    }
    for (p, fig) in out.iter_mut().enumerate() {
        fig.repeat_share = share(repeats[p], fig.lessons);
        fig.review_on_time_share = share(fig.reviewed_on_time, fig.reviewed);
        let [detect, contain, recover] = &mut deltas[p];
        fig.median_detect_minutes = minutes(median(detect));
        fig.median_contain_minutes = minutes(median(contain));
        fig.median_recover_minutes = minutes(median(recover));
        fig.median_review_days = median_days(&mut reviews[p]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_medians() {
        assert_eq!(share(1, 3), Some(0.3333));
        assert_eq!(share(0, 0), None);
        assert_eq!(median_days(&mut [4, 3]), Some(3.5));
        assert_eq!(median_days(&mut []), None);
        assert_eq!(minutes(Some(89)), Some(1));
        assert_eq!(minutes(Some(90)), Some(2));
    }
}

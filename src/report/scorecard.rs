//! The practice, measured per period (`report`'s review timeliness and
//! action counts, and `report --scorecard`): from the facts only, in one
//! walk over the lessons the report counts.
//!
//! Everything is attributed to the period in which the lesson occurred,
//! its actions included: "the lessons of 2024-Q1 had 5 actions due, 4 done
//! on time", so a period's figures settle as its actions are closed.

use serde::Serialize;

use super::median;
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

/// The figures of each period, lesson by lesson: one per chunk of the
/// pass over actions, which walks every lesson once (a walk of its own
/// over 100,000 lessons cost as much again in cache misses), then added
/// together ([`Tally::add`]) and finished ([`Tally::finish`]). The actions
/// that did not prevent a recurrence are counted once the pass has found
/// them ([`add_recurrences`]).
#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    /// Per period: the counts (no period names yet).
    counts: Vec<PeriodFigures>,
    /// Per period: detect, contain, recover seconds.
    deltas: Vec<[Vec<i64>; 3]>,
    /// Per period: days to review.
    reviews: Vec<Vec<i64>>,
    /// Per period: lessons with a known cause.
    repeats: Vec<usize>,
}

impl Tally {
    pub(super) fn new(periods: usize) -> Tally {
        Tally {
            counts: vec![PeriodFigures::default(); periods],
            deltas: vec![Default::default(); periods],
            reviews: vec![Vec::new(); periods],
            repeats: vec![0; periods],
        }
    }

    /// One lesson of period `p`; `repeat` when one of its cause keys was
    /// first seen in a lesson of an earlier day.
    pub(super) fn lesson(&mut self, f: &Facts<'_>, p: usize, repeat: bool, targets: &Targets) {
        let Some(fig) = self.counts.get_mut(p) else {
            return;
        };
        let least = targets.least_severe.as_deref();
        fig.lessons += 1;
        fig.near_misses += usize::from(f.kind == Some("near-miss"));
        fig.low_severity += usize::from(least.is_some() && f.severity == least);
        self.repeats[p] += usize::from(repeat);
        if let Some(occurred) = f.occurred {
            for (list, time) in
                self.deltas[p]
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
                self.reviews[p].push(wait);
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

    /// The tally of the lessons that follow in time (a later chunk).
    pub(super) fn add(&mut self, later: Tally) {
        for (mine, theirs) in self.counts.iter_mut().zip(later.counts) {
            // Every count `lesson` makes (the rest are set by `finish` and
            // `add_recurrences`).
            mine.lessons += theirs.lessons;
            mine.near_misses += theirs.near_misses;
            mine.low_severity += theirs.low_severity;
            mine.reviewed += theirs.reviewed;
            mine.reviewed_on_time += theirs.reviewed_on_time;
            mine.actions_done += theirs.actions_done;
            mine.actions_verified += theirs.actions_verified;
            mine.actions_ineffective_by_review += theirs.actions_ineffective_by_review;
            mine.actions_due += theirs.actions_due;
            mine.actions_on_time += theirs.actions_on_time;
        }
        for (mine, theirs) in self.deltas.iter_mut().zip(later.deltas) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.extend(t);
            }
        }
        for (mine, theirs) in self.reviews.iter_mut().zip(later.reviews) {
            mine.extend(theirs);
        }
        for (mine, theirs) in self.repeats.iter_mut().zip(later.repeats) {
            *mine += theirs;
        }
    }

    /// The figures of each of `periods` (this tally's, in order).
    pub(super) fn finish(mut self, periods: &[String]) -> Vec<PeriodFigures> {
        for (p, fig) in self.counts.iter_mut().enumerate() {
            fig.period.clone_from(&periods[p]);
            fig.repeat_share = share(self.repeats[p], fig.lessons);
            fig.review_on_time_share = share(fig.reviewed_on_time, fig.reviewed);
            let [detect, contain, recover] = &mut self.deltas[p];
            fig.median_detect_minutes = minutes(median(detect));
            fig.median_contain_minutes = minutes(median(contain));
            fig.median_recover_minutes = minutes(median(recover));
            fig.median_review_days = median_days(&mut self.reviews[p]);
        }
        self.counts
    }
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

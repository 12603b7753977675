//! The practice, measured per period (`report`'s review timeliness and
//! action counts, and `report --scorecard`): from the facts only, in one
//! walk over the lessons the report counts.
//!
//! Everything is attributed to the period in which the lesson occurred,
//! its actions included: "the lessons of 2024-Q1 had 5 actions due, 4 done
//! on time", so a period's figures settle as its actions are closed.

use serde::Serialize;

use super::median;
use crate::index::facts::{Action, Facts, Verification};
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
///
/// A chunk's lessons are consecutive in time, so a tally holds only the
/// periods from its first lesson's to its last's: lessons from the year 1
/// to 9999 by month are 120,000 periods, which each chunk would otherwise
/// hold in full.
#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    /// How many periods there are.
    periods: usize,
    /// The period of `slots[0]`.
    first: usize,
    slots: Vec<Slot>,
}

/// The counts a tally makes of a period (those of [`PeriodFigures`]).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    lessons: usize,
    near_misses: usize,
    low_severity: usize,
    reviewed: usize,
    reviewed_on_time: usize,
    actions_done: usize,
    actions_verified: usize,
    actions_ineffective_by_review: usize,
    actions_due: usize,
    actions_on_time: usize,
}

/// One period's share of a tally.
#[derive(Debug, Clone, Default)]
struct Slot {
    counts: Counts,
    /// Detect, contain, recover seconds.
    deltas: [Vec<i64>; 3],
    /// Days to review.
    reviews: Vec<i64>,
    /// Lessons with a known cause.
    repeats: usize,
}

impl Slot {
    /// The slot of the lessons that follow in time (another chunk's).
    fn add(&mut self, later: Slot) {
        let (mine, theirs) = (&mut self.counts, later.counts);
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
        for (m, t) in self.deltas.iter_mut().zip(later.deltas) {
            m.extend(t);
        }
        self.reviews.extend(later.reviews);
        self.repeats += later.repeats;
    }
}

impl Tally {
    pub(super) fn new(periods: usize) -> Tally {
        Tally {
            periods,
            ..Tally::default()
        }
    }

    /// The slot of period `p` (below `periods`), made as needed.
    fn slot(&mut self, p: usize) -> &mut Slot {
        if self.slots.is_empty() {
            self.first = p;
        }
        if p < self.first {
            let before = self.first - p;
            self.slots
                .splice(0..0, std::iter::repeat_with(Slot::default).take(before));
            self.first = p;
        }
        let i = p - self.first;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, Slot::default);
        }
        &mut self.slots[i]
    }

    /// One lesson of period `p`; `repeat` when one of its cause keys was
    /// first seen in a lesson of an earlier day. Its actions follow, each
    /// through [`Tally::action`].
    pub(super) fn lesson(&mut self, f: &Facts<'_>, p: usize, repeat: bool, targets: &Targets) {
        if p >= self.periods {
            return;
        }
        let slot = self.slot(p);
        let fig = &mut slot.counts;
        let least = targets.least_severe.as_deref();
        fig.lessons += 1;
        fig.near_misses += usize::from(f.kind == Some("near-miss"));
        fig.low_severity += usize::from(least.is_some() && f.severity == least);
        slot.repeats += usize::from(repeat);
        super::push_response_times(&mut slot.deltas, f);
        if let (Some(occurred), Some(reviewed)) = (f.occurred, f.reviewed) {
            let from = f.recovered.filter(|&r| r >= occurred).unwrap_or(occurred);
            let wait = (day_number(reviewed) - day_number(from)).max(0);
            slot.reviews.push(wait);
            fig.reviewed += 1;
            fig.reviewed_on_time += usize::from(wait <= i64::from(targets.review_within_days));
        }
    }

    /// One action of a lesson of period `p` (after [`Tally::lesson`]), with
    /// its verification: the report's pass over actions reads each action
    /// once for both.
    pub(super) fn action(&mut self, p: usize, a: &Action<'_>, check: Verification) {
        if p >= self.periods {
            return;
        }
        let fig = &mut self.slot(p).counts;
        let done = a.status == Some("done");
        fig.actions_done += usize::from(done);
        if done && check.verified.is_some() {
            fig.actions_verified += 1;
        }
        fig.actions_ineffective_by_review += usize::from(check.effective == Some(false));
        if a.status == Some("dropped") {
            return;
        }
        if let Some(due) = a.details().due {
            fig.actions_due += 1;
            let on_time = done
                && a.completed
                    .is_some_and(|c| day_number(c) <= day_number(due));
            fig.actions_on_time += usize::from(on_time);
        }
    }

    /// The tally of the lessons that follow in time (a later chunk).
    pub(super) fn add(&mut self, later: Tally) {
        for (i, slot) in later.slots.into_iter().enumerate() {
            self.slot(later.first + i).add(slot);
        }
    }

    /// The figures of each of `periods`.
    pub(super) fn finish(self, periods: &[String]) -> Vec<PeriodFigures> {
        let mut out: Vec<PeriodFigures> = periods
            .iter()
            .map(|p| PeriodFigures {
                period: p.clone(),
                ..PeriodFigures::default()
            })
            .collect();
        for (i, mut slot) in self.slots.into_iter().enumerate() {
            let Some(fig) = out.get_mut(self.first + i) else {
                continue;
            };
            let c = slot.counts;
            fig.lessons = c.lessons;
            fig.near_misses = c.near_misses;
            fig.low_severity = c.low_severity;
            fig.reviewed = c.reviewed;
            fig.reviewed_on_time = c.reviewed_on_time;
            fig.actions_done = c.actions_done;
            fig.actions_verified = c.actions_verified;
            fig.actions_ineffective_by_review = c.actions_ineffective_by_review;
            fig.actions_due = c.actions_due;
            fig.actions_on_time = c.actions_on_time;
            fig.repeat_share = share(slot.repeats, fig.lessons);
            fig.review_on_time_share = share(fig.reviewed_on_time, fig.reviewed);
            let [detect, contain, recover] = &mut slot.deltas;
            fig.median_detect_minutes = minutes(median(detect));
            fig.median_contain_minutes = minutes(median(contain));
            fig.median_recover_minutes = minutes(median(recover));
            fig.median_review_days = median_days(&mut slot.reviews);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tallies of chunks, added in any order, make the tally of all: each
    /// holds only its own periods.
    #[test]
    fn tallies_add_up() {
        use crate::index::facts::{ActionRecord, FactsRecord, concat, decode, record};
        let records: Vec<FactsRecord> = (0..6)
            .map(|i| FactsRecord {
                path: ["a", "b", "c", "d", "e", "f"][i],
                occurred: Some(i as i64 * 86_400 * 40),
                detected: Some(i as i64 * 86_400 * 40 + 60 * i as i64),
                reviewed: Some(i as i64 * 86_400 * 41),
                kind: (i % 2 == 0).then_some("near-miss"),
                actions: vec![ActionRecord {
                    status: Some("done"),
                    due: Some(i as i64 * 86_400 * 40),
                    completed: Some(i as i64 * 86_400 * 40),
                    ..ActionRecord::default()
                }],
                ..FactsRecord::default()
            })
            .collect();
        let encoded: Vec<Vec<u8>> = records.iter().map(|r| record(r).unwrap()).collect();
        let bytes = concat(encoded.iter().map(Vec::as_slice));
        let all = decode(&bytes).unwrap();
        let periods: Vec<String> = (0..8).map(|p| format!("p{p}")).collect();
        let targets = Targets {
            review_within_days: 3,
            least_severe: None,
        };
        // A lesson, then its actions, as the report's pass gives them.
        let feed = |tally: &mut Tally, f: &Facts, p: usize, repeat: bool| {
            tally.lesson(f, p, repeat, &targets);
            let mut checks = f.verifications.iter();
            for a in f.actions.iter() {
                tally.action(p, &a, checks.next().unwrap_or_default());
            }
        };
        let mut whole = Tally::new(periods.len());
        let (mut early, mut late) = (Tally::new(periods.len()), Tally::new(periods.len()));
        for (i, f) in all.iter().enumerate() {
            feed(&mut whole, f, i + 1, i % 3 == 0);
            let part = if i < 3 { &mut early } else { &mut late };
            feed(part, f, i + 1, i % 3 == 0);
        }
        // Beyond the last period: not counted.
        feed(&mut whole, &all[0], 8, false);
        late.add(early);
        let (whole, added) = (whole.finish(&periods), late.finish(&periods));
        assert_eq!(whole, added);
        assert_eq!(
            whole[0],
            PeriodFigures {
                period: "p0".into(),
                ..PeriodFigures::default()
            }
        );
        assert_eq!(
            (
                whole[1].lessons,
                whole[1].near_misses,
                whole[1].actions_on_time
            ),
            (1, 1, 1)
        );
        assert_eq!(whole[2].median_detect_minutes, Some(1));
        assert_eq!(whole.iter().map(|p| p.lessons).sum::<usize>(), 6);
    }

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

//! The recurrence rule of the contract (lesson-format.md, "Recurrence"),
//! written once for `report` and the pull-request feedback: an action did
//! not prevent a recurrence when it is `done`, has a `completed` date, and
//! one of the keys it `addresses` appears in another lesson that occurred
//! on a later UTC day.

use crate::index::facts::Action;
use crate::time::day_number;

/// The UTC day number an action was done on, if it counts under the rule:
/// status `done` with a `completed` date.
pub fn done_day(action: &Action<'_>) -> Option<i64> {
    match (action.status, action.completed) {
        (Some("done"), Some(completed)) => Some(day_number(completed)),
        _ => None,
    }
}

/// Whether a lesson that occurred on day `occurred_day` is a recurrence
/// after an action done on day `done_day`: strictly later days (the day the
/// action was completed does not count).
pub fn recurs_after(done_day: i64, occurred_day: i64) -> bool {
    occurred_day > done_day
}

/// Where the recurrences after a day start among lessons in time order:
/// the place of the first lesson that [`recurs_after`] it. Looked up once
/// per done action; a table by day when the days span no more than a few
/// times the lessons (always, but for hostile dates), else a binary search.
pub struct Later<'d> {
    /// Each lesson's UTC day number, in time order.
    days: &'d [i64],
    /// The first lesson's day and, for each day from it to the last
    /// lesson's, the answer.
    table: Option<(i64, Vec<u32>)>,
}

impl<'d> Later<'d> {
    pub fn new(days: &'d [i64]) -> Later<'d> {
        let table = match (days.first(), days.last()) {
            (Some(&first), Some(&last))
                if u32::try_from(days.len()).is_ok()
                    && last.saturating_sub(first) < (4 * days.len() as i64).max(4096) =>
            {
                let mut at = 0;
                let table = (first..=last)
                    .map(|day| {
                        while at < days.len() && !recurs_after(day, days[at]) {
                            at += 1;
                        }
                        at as u32
                    })
                    .collect();
                Some((first, table))
            }
            _ => None,
        };
        Later { days, table }
    }

    /// The place of the first lesson that recurs after an action done on
    /// `done_day` (the number of lessons when none does).
    pub fn start(&self, done_day: i64) -> usize {
        if let Some((first, table)) = &self.table
            && let Some(&at) = usize::try_from(done_day - first)
                .ok()
                .and_then(|i| table.get(i))
        {
            return at as usize;
        }
        self.days
            .partition_point(|&day| !recurs_after(done_day, day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_is_the_first_recurrence_by_table_or_by_search() {
        let near = [3, 3, 5, 8, 8, 8, 9];
        // Days far apart: no table.
        let far = [-4_000_000, 0, 0, 7, 4_000_000];
        for days in [&near[..], &far[..], &[][..], &[5][..]] {
            let later = Later::new(days);
            assert_eq!(later.table.is_some(), !days.is_empty() && days != far);
            for done in (-4_000_002..-3_999_995)
                .chain(-3..15)
                .chain(3_999_995..4_000_002)
            {
                let expected = days.iter().take_while(|&&d| !recurs_after(done, d)).count();
                assert_eq!(later.start(done), expected, "{days:?} done on {done}");
            }
        }
    }

    #[test]
    fn only_later_days_count() {
        assert!(recurs_after(10, 11));
        assert!(!recurs_after(10, 10));
        assert!(!recurs_after(10, 9));
    }
}

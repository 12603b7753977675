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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_later_days_count() {
        assert!(recurs_after(10, 11));
        assert!(!recurs_after(10, 10));
        assert!(!recurs_after(10, 9));
    }
}

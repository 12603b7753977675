//! `review-overdue` (warning): a lesson still `draft` or `review` more
//! than `[practice] review_within_days` (default 14) after it recovered
//! (else after it occurred), as of today (`LESSONS_TODAY` honoured).
//!
//! Why: memories fade and chat logs expire; a review held weeks later
//! reconstructs the incident from what people now believe, and its
//! lessons reach the rest of the organisation after the next incident
//! (docs/practice.md).
//!
//! Fix: hold the review and finish the lesson (status `final`); or tune
//! `review_within_days`, switch the rule off (`[practice] rules_off`), or
//! accept it per file.
//!
//! Documented with real output in docs/format.md#review-overdue; fixtures
//! in tests/fixtures/rules/review-overdue/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let rule = Rule::ReviewOverdue;
    let practice = &ctx.config.practice;
    let Some(status) = &lesson.status else { return };
    if !practice.is_on(rule) || !matches!(status.value.as_str(), "draft" | "review") {
        return;
    }
    let (from, what) = match (&lesson.recovered, &lesson.occurred) {
        (Some(r), _) => (r, "recovered"),
        (None, Some(o)) => (o, "occurred"),
        (None, None) => return,
    };
    // Read only for unfinished lessons; `lessons check` has already
    // refused a malformed LESSONS_TODAY.
    let Ok(today) = crate::time::today() else {
        return;
    };
    let since = crate::time::day(from.value.utc.as_second());
    let days = crate::time::days_from_civil(today) - crate::time::days_from_civil(since);
    let limit = practice.review_within_days;
    if days <= limit {
        return;
    }
    let text = ctx.lines.text();
    if file_allows(text, lesson, rule) || allows(text, status.span.start, rule) {
        return;
    }
    let d = ctx.report(
        rule,
        status.span.clone(),
        format!(
            "the lesson is still {} {days} days after it {what} ({since}), over the {limit} days of `review_within_days`",
            status.value
        ),
    );
    d.label = Some(format!("unfinished since {since}"));
    d.help = Some(
        "hold the review while details are fresh and finish the lesson (status \"final\"); the deadline is `[practice] review_within_days` in lessons.toml".into(),
    );
    d.add_context(from.span.clone(), format!("{what} here"));
}

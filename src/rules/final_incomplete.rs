//! `final-incomplete` (error): A `final` lesson without `reviewed`, a cause or an action (one finding
//! per gap, at the `status` value).
//!
//! Why: A review is not done until its root causes and improvement actions are
//! written down.
//!
//! Fix: complete the review, or keep the status `review`.
//!
//! Documented with real output in docs/format.md#final-incomplete; fixtures in
//! tests/fixtures/rules/final-incomplete/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let Some(status) = &lesson.status else { return };
    if status.value != "final" {
        return;
    }
    let reported = |key: &str| lesson.ill_typed.iter().any(|k| k == key);
    let gaps = [
        (
            lesson.reviewed.is_none() && !reported("reviewed"),
            "`reviewed` date",
            "add `reviewed = 2024-03-19`",
        ),
        (
            lesson.causes().is_empty() && !reported("causes"),
            "root cause",
            "add a `[[causes]]` table with `category` and `summary`",
        ),
        (
            lesson.actions().is_empty() && !reported("actions"),
            "improvement action",
            "add an `[[actions]]` table with `summary`, `type`, `owner`, `due` and `status`",
        ),
    ];
    for (missing, what, help) in gaps {
        if missing {
            let d = ctx.report(
                Rule::FinalIncomplete,
                status.span.clone(),
                format!("the lesson is final but has no {what}"),
            );
            d.label = Some("status is final".into());
            d.help = Some(format!(
                "{help}, or keep the status \"review\" until it is complete"
            ));
        }
    }
}

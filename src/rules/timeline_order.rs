//! `timeline-order` (error): A dated item of the `Timeline` section is earlier than a dated item
//! above it (compared in UTC).
//!
//! Why: A timeline out of order misleads the review of what happened when.
//!
//! Fix: reorder the items, or correct the stamp or its zone.
//!
//! Documented with real output in docs/format.md#timeline-order; fixtures in
//! tests/fixtures/rules/timeline-order/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let mut latest: Option<&crate::lesson::TimelineItem> = None;
    for item in &lesson.body.timeline {
        match latest {
            Some(prev) if item.at.utc < prev.at.utc => {
                let d = ctx.report(
                    Rule::TimelineOrder,
                    item.span.clone(),
                    format!(
                        "timeline item `{}` comes after `{}`",
                        ctx.source(&item.span),
                        ctx.source(&prev.span)
                    ),
                );
                d.label = Some("earlier than the item before it".into());
                d.help = Some("keep timeline items in chronological order; a date without a time is read as 00:00 UTC".into());
                d.add_context(prev.span.clone(), "later item");
            }
            _ => latest = Some(item),
        }
    }
}

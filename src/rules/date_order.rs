//! `date-order` (error): `occurred` <= `detected` <= `contained` <= `recovered` is broken, or
//! `reviewed` is before `occurred`, or an action's `verified` is before its
//! `completed` (compared in UTC).
//!
//! Why: Response times are computed from these dates.
//!
//! Fix: check the timestamps and their offsets.
//!
//! Documented with real output in docs/format.md#date-order; fixtures in
//! tests/fixtures/rules/date-order/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let chain: [(&str, &Option<Sp<Moment>>); 4] = [
        ("occurred", &lesson.occurred),
        ("detected", &lesson.detected),
        ("contained", &lesson.contained),
        ("recovered", &lesson.recovered),
    ];
    for (i, (name, value)) in chain.iter().enumerate() {
        let Some(value) = value else { continue };
        // Compare with the nearest earlier step that is later than this one.
        let earlier = chain[..i]
            .iter()
            .rev()
            .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
            .find(|(_, v)| value.value.utc < v.value.utc);
        if let Some((before_name, before)) = earlier {
            let d = ctx.report(
                Rule::DateOrder,
                value.span.clone(),
                format!(
                    "`{name}` ({}) is earlier than `{before_name}` ({})",
                    ctx.source(&value.span),
                    ctx.source(&before.span)
                ),
            );
            d.label = Some(format!("{name} before it was {before_name}"));
            d.help = Some("the order is occurred <= detected <= contained <= recovered; check the time zones (times without an offset are UTC)".to_string());
            d.add_context(before.span.clone(), format!("{before_name} here"));
        }
    }
    if let (Some(reviewed), Some(occurred)) = (&lesson.reviewed, &lesson.occurred)
        && reviewed.value.utc < occurred.value.utc
    {
        let d = ctx.report(
            Rule::DateOrder,
            reviewed.span.clone(),
            format!(
                "`reviewed` ({}) is earlier than `occurred` ({})",
                ctx.source(&reviewed.span),
                ctx.source(&occurred.span)
            ),
        );
        d.label = Some("reviewed before the incident occurred".into());
        d.add_context(occurred.span.clone(), "occurred here");
    }
    // An action cannot be found to work before it was done: the date is
    // a typo, and `actions --unverified` and the report count on it.
    for action in lesson.actions() {
        if let (Some(verified), Some(completed)) = (&action.verified, &action.completed)
            && verified.value.utc < completed.value.utc
        {
            let d = ctx.report(
                Rule::DateOrder,
                verified.span.clone(),
                format!(
                    "action `verified` ({}) is earlier than its `completed` ({})",
                    ctx.source(&verified.span),
                    ctx.source(&completed.span)
                ),
            );
            d.label = Some("verified before the action was completed".into());
            d.help = Some("an action is verified after it is done: check both dates".into());
            d.add_context(completed.span.clone(), "completed here");
        }
    }
}

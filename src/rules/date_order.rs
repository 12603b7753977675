//! `date-order` (error): `occurred` <= `detected` <= `contained` <= `recovered` is broken, or
//! `reviewed` is before `occurred` (compared in UTC).
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
}

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
            .filter_map(|(n, v)| v.as_ref().map(|v| (*n, v)))
            .find(|(_, v)| value.value.utc < v.value.utc);
        if let Some(before) = earlier {
            out_of_order(
                ctx,
                (name, value),
                before,
                Wording {
                    subject: "",
                    label: format!("{name} before it was {}", before.0),
                    help: Some(
                        "the order is occurred <= detected <= contained <= recovered; check the time zones (times without an offset are UTC)",
                    ),
                },
            );
        }
    }
    if let (Some(reviewed), Some(occurred)) = (&lesson.reviewed, &lesson.occurred)
        && reviewed.value.utc < occurred.value.utc
    {
        out_of_order(
            ctx,
            ("reviewed", reviewed),
            ("occurred", occurred),
            Wording {
                subject: "",
                label: "reviewed before the incident occurred".into(),
                help: None,
            },
        );
    }
    // An action cannot be found to work before it was done: the date is
    // a typo, and `actions --unverified` and the report count on it.
    for action in lesson.actions() {
        if let (Some(verified), Some(completed)) = (&action.verified, &action.completed)
            && verified.value.utc < completed.value.utc
        {
            out_of_order(
                ctx,
                ("verified", verified),
                ("completed", completed),
                Wording {
                    subject: "action ",
                    label: "verified before the action was completed".into(),
                    help: Some("an action is verified after it is done: check both dates"),
                },
            );
        }
    }
}

/// How a finding of [`out_of_order`] reads beyond the two dates: what the
/// dates belong to (`"action "` reads "action `verified` ... earlier than
/// its `completed`"), the caret's label, the hint.
struct Wording {
    subject: &'static str,
    label: String,
    help: Option<&'static str>,
}

/// A finding on `later`, dated before `earlier` (each with its key): both
/// quoted as written, `earlier` shown as context.
fn out_of_order(
    ctx: &mut Ctx,
    (later_name, later): (&str, &Sp<Moment>),
    (earlier_name, earlier): (&str, &Sp<Moment>),
    wording: Wording,
) {
    let its = if wording.subject.is_empty() {
        ""
    } else {
        "its "
    };
    let d = ctx.report(
        Rule::DateOrder,
        later.span.clone(),
        format!(
            "{}`{later_name}` ({}) is earlier than {its}`{earlier_name}` ({})",
            wording.subject,
            ctx.source(&later.span),
            ctx.source(&earlier.span)
        ),
    );
    d.label = Some(wording.label);
    d.help = wording.help.map(str::to_string);
    d.add_context(earlier.span.clone(), format!("{earlier_name} here"));
}

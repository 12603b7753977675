//! `unknown-cause-key` (error): An action `addresses` a key that no cause of the same lesson has.
//!
//! Why: The recurrence report follows actions to the causes they address.
//!
//! Fix: name the key of one of this lesson's causes (a close one is suggested).
//!
//! Documented with real output in docs/format.md#unknown-cause-key; fixtures in
//! tests/fixtures/rules/unknown-cause-key/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let keys: Vec<&str> = lesson
        .causes()
        .iter()
        .filter_map(|c| c.key.as_ref().map(|k| k.value.as_str()))
        .collect();
    for action in lesson.actions() {
        for addressed in action.addresses.iter().flat_map(|a| &a.value) {
            if keys.contains(&addressed.value.as_str()) {
                continue;
            }
            let help = match suggest(&addressed.value, keys.iter().copied().filter(|k| is_slug(k))) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None if keys.is_empty() => "no cause of this lesson has a `key`; add one to the cause this action addresses".into(),
                None => format!("the cause keys of this lesson are: {}", keys.join(", ")),
            };
            let d = ctx.report(
                Rule::UnknownCauseKey,
                addressed.span.clone(),
                format!(
                    "action addresses \"{}\", which is not the key of a cause of this lesson",
                    addressed.value
                ),
            );
            d.label = Some("no cause has this key".into());
            d.help = Some(help);
        }
    }
}

//! `duplicate-section` (error): A required section appears more than once.
//!
//! Why: Readers and tools take the first; the second is easily missed.
//!
//! Fix: merge the two sections into one.
//!
//! Documented with real output in docs/format.md#duplicate-section; fixtures in
//! tests/fixtures/rules/duplicate-section/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    for required in &ctx.config.required_sections {
        let mut found = lesson
            .body
            .sections
            .iter()
            .filter(|s| s.title.eq_ignore_ascii_case(required));
        if let (Some(first), Some(second)) = (found.next(), found.next()) {
            let d = ctx.report(
                Rule::DuplicateSection,
                second.heading.clone(),
                format!("the section `{required}` appears more than once"),
            );
            d.label = Some("second heading".into());
            d.help = Some("merge the two sections into one".into());
            d.add_context(first.heading.clone(), "first heading");
        }
    }
}

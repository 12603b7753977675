//! `missing-section` (error): A required section (`required_sections`) has no level-2 heading; the
//! finding points at the first line of the body.
//!
//! Why: Every review answers the same questions in the same place.
//!
//! Fix: add the `## Heading` and its text.
//!
//! Documented with real output in docs/format.md#missing-section; fixtures in
//! tests/fixtures/rules/missing-section/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let body = &lesson.body;
    for required in &ctx.config.required_sections {
        if body
            .sections
            .iter()
            .any(|s| s.title.eq_ignore_ascii_case(required))
        {
            continue;
        }
        let d = ctx.report(
            Rule::MissingSection,
            first_body_line(ctx.lines.text(), &body.span),
            format!("the required section `{required}` is missing"),
        );
        d.label = Some(format!("no `## {required}` heading in the body"));
        d.help = Some(format!(
            "add a level-2 heading `## {required}` and its text"
        ));
    }
}

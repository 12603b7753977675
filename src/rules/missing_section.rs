//! `missing-section` (error): A required section (`required_sections`) has no level-2 heading; the
//! finding points at the first line of the body, or at a heading that looks
//! like a misspelling of it (`## Analyses`).
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
    let required = &ctx.config.required_sections;
    // Headings that are no required section: a misspelt one (`## Analyses`)
    // is where the finding belongs.
    let mut unclaimed: Vec<&crate::lesson::Section> = body
        .sections
        .iter()
        .filter(|s| !required.iter().any(|r| s.title.eq_ignore_ascii_case(r)))
        .collect();
    for required in required {
        if body
            .sections
            .iter()
            .any(|s| s.title.eq_ignore_ascii_case(required))
        {
            continue;
        }
        let near = suggest(required, unclaimed.iter().map(|s| s.title.as_str()))
            .and_then(|title| unclaimed.iter().position(|s| s.title == title))
            .map(|i| unclaimed.remove(i));
        if let Some(section) = near {
            let d = ctx.report(
                Rule::MissingSection,
                section.heading.clone(),
                format!(
                    "the required section `{required}` is missing: found `## {}`; did you mean `## {required}`?",
                    section.title
                ),
            );
            d.label = Some(format!("did you mean `## {required}`?"));
            d.help = Some(format!("rename the heading to `## {required}`"));
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

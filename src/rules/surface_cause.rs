//! `surface-cause` (warning): a `final` lesson whose causes are all in
//! surface categories (`[practice] surface_categories`, default
//! `human-error`, `configuration-error`, `software-defect`).
//!
//! Why: a mistyped setting or a bug is what happened, not why the
//! organisation let it happen. A review that stops there fixes one
//! instance; the process gap, training need or governance weakness behind
//! it is what recurs (docs/practice.md).
//!
//! Fix: ask why the surface cause was possible and not caught, and add
//! that cause in a systemic category (`process-gap`, `training-need`,
//! `governance-weakness`...); or tune `surface_categories`, switch the
//! rule off (`[practice] rules_off`), or accept it per file.
//!
//! Documented with real output in docs/format.md#surface-cause; fixtures
//! in tests/fixtures/rules/surface-cause/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let rule = Rule::SurfaceCause;
    let practice = &ctx.config.practice;
    if !practice.is_on(rule) || lesson.status.as_ref().is_none_or(|s| s.value != "final") {
        return;
    }
    let surface = &practice.surface_categories;
    let categories: Vec<&Sp<String>> = lesson
        .causes()
        .iter()
        .filter_map(|c| c.category.as_ref())
        .collect();
    // A cause without a category is already a finding; judge only lessons
    // whose every cause has one.
    if categories.is_empty()
        || categories.len() != lesson.causes().len()
        || !categories.iter().all(|c| surface.contains(&c.value))
    {
        return;
    }
    let text = ctx.lines.text();
    let first = categories[0].span.clone();
    if file_allows(text, lesson, rule) || allows(text, first.start, rule) {
        return;
    }
    let systemic: Vec<&str> = ctx
        .config
        .vocabulary
        .cause_categories
        .iter()
        .filter(|c| !surface.contains(c))
        .map(String::as_str)
        .collect();
    let mut found: Vec<&str> = categories.iter().map(|c| c.value.as_str()).collect();
    found.dedup();
    let d = ctx.report(
        rule,
        first,
        format!(
            "every cause of this final lesson is a surface cause ({}): the review has not looked for the process gap, training need or governance weakness behind them",
            found.join(", ")
        ),
    );
    d.label = Some("what happened, not why it could".into());
    d.help = Some(format!(
        "ask why this was possible and not caught, and add that cause in a systemic category: {}",
        systemic.join(", ")
    ));
    for c in &categories[1..] {
        d.add_context(c.span.clone(), "also a surface cause");
    }
}

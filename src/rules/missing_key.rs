//! `missing-key` (error): A required key is absent: a lesson's `id`, `title`, `status`, `kind`,
//! `severity`, `occurred`, `systems`; a cause's `category` or `summary`; an
//! action's `summary`, `type`, `owner`, `status`, and `due` while it is open.
//!
//! Why: Without them a lesson cannot be found, filtered or counted in reports.
//!
//! Fix: add the key (the help shows an example value).
//!
//! Documented with real output in docs/format.md#missing-key; fixtures in
//! tests/fixtures/rules/missing-key/.

use super::*;

fn missing(ctx: &mut Ctx, span: std::ops::Range<usize>, place: &str, key: &str, example: &str) {
    let d = ctx.report(Rule::MissingKey, span, format!("{place} has no `{key}`"));
    d.label = Some(format!("`{key}` is required"));
    d.help = Some(format!("add `{key} = {example}`"));
}

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let at = lesson.opening.clone();
    let required: [(&str, bool, &str); 7] = [
        ("id", lesson.id.is_some(), "\"LL-2024-001\""),
        (
            "title",
            lesson.title.is_some(),
            "\"What happened, in one line\"",
        ),
        ("status", lesson.status.is_some(), "\"draft\""),
        ("kind", lesson.kind.is_some(), "\"outage\""),
        ("severity", lesson.severity.is_some(), "\"medium\""),
        (
            "occurred",
            lesson.occurred.is_some(),
            "2024-03-12T09:58:00Z",
        ),
        ("systems", lesson.systems.is_some(), "[\"payments-db\"]"),
    ];
    let reported = |list: &[String], key: &str| list.iter().any(|k| k == key);
    for (key, present, example) in required {
        if !present && !reported(&lesson.ill_typed, key) {
            missing(ctx, at.clone(), "the front matter", key, example);
        }
    }
    for cause in lesson.causes() {
        if cause.category.is_none() && !reported(&cause.ill_typed, "category") {
            missing(
                ctx,
                cause.span.clone(),
                "this cause",
                "category",
                "\"process-gap\"",
            );
        }
        if cause.summary.is_none() && !reported(&cause.ill_typed, "summary") {
            missing(
                ctx,
                cause.span.clone(),
                "this cause",
                "summary",
                "\"One sentence on the root cause\"",
            );
        }
    }
    for action in lesson.actions() {
        let checks: [(&str, bool, &str); 4] = [
            ("summary", action.summary.is_some(), "\"What will change\""),
            ("type", action.kind.is_some(), "\"procedure-update\""),
            ("owner", action.owner.is_some(), "\"team-sre\""),
            ("status", action.status.is_some(), "\"open\""),
        ];
        for (key, present, example) in checks {
            if !present && !reported(&action.ill_typed, key) {
                missing(ctx, action.span.clone(), "this action", key, example);
            }
        }
        if action.due.is_none() && needs_due(action) && !reported(&action.ill_typed, "due") {
            let status = action.status.as_ref().map_or("", |s| s.value.as_str());
            let d = ctx.report(
                Rule::MissingKey,
                action.span.clone(),
                format!("this action is `{status}` but has no `due` date"),
            );
            d.label = Some("`due` is required unless the action is done or dropped".into());
            d.help = Some("add `due = 2024-04-30`".into());
        }
    }
}

/// `due` is required on an action that is still to be done. An action
/// without a status is already reported; do not pile a second finding on it.
fn needs_due(action: &Action) -> bool {
    action
        .status
        .as_ref()
        .is_some_and(|s| !matches!(s.value.as_str(), "done" | "dropped"))
}

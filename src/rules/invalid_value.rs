//! `invalid-value` (error): A value of the right type outside its vocabulary, pattern or length (a
//! `kind`, `severity`, `tlp`, cause `category`, action `type` or `status`, an `id`
//! off `id_pattern`, a title that is empty, too long or multi-line, a blank
//! list item, a cause key that is not a slug, an impossible timeline stamp).
//!
//! Why: Reports group by these values: a typo would split one group in two.
//!
//! Fix: use an allowed value (a close one is suggested), or add it to the
//! vocabulary in `lessons.toml`.
//!
//! Documented with real output in docs/format.md#invalid-value; fixtures in
//! tests/fixtures/rules/invalid-value/.

use super::*;
use crate::tlp::Tlp;

#[expect(
    clippy::too_many_lines,
    reason = "one check per vocabulary or pattern, in the order of the key table"
)]
pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let config = ctx.config;
    let voc = &config.vocabulary;
    if let Some(id) = &lesson.id
        && !config.id_pattern.is_match(&id.value)
    {
        let d = ctx.report(
            Rule::InvalidValue,
            id.span.clone(),
            format!(
                "id \"{}\" does not match the id pattern {}",
                id.value,
                config.id_pattern.as_str()
            ),
        );
        d.label = Some("does not match `id_pattern`".into());
        d.help = Some(
            "ids look like LL-2024-007 by default; `lessons new` allocates the next free one"
                .into(),
        );
    }
    if let Some(title) = &lesson.title {
        let chars = title.value.chars().count();
        if title.value.trim().is_empty() {
            ctx.report(Rule::InvalidValue, title.span.clone(), "the title is empty")
                .label = Some("expected 1 to 200 characters".into());
        } else if chars > 200 {
            let d = ctx.report(
                Rule::InvalidValue,
                title.span.clone(),
                format!("the title has {chars} characters; at most 200 are allowed"),
            );
            d.help = Some("keep the title to one line; details belong in the Summary".into());
        } else if title.value.contains(['\n', '\r']) {
            ctx.report(
                Rule::InvalidValue,
                title.span.clone(),
                "the title must be one line",
            )
            .label = Some("contains a line break".into());
        }
    }
    if let Some(status) = &lesson.status {
        ctx.vocabulary("status", status, LESSON_STATUSES, None);
    }
    if let Some(kind) = &lesson.kind {
        ctx.vocabulary("kind", kind, &voc.kinds, Some("kinds"));
    }
    if let Some(severity) = &lesson.severity {
        ctx.vocabulary("severity", severity, &voc.severities, Some("severities"));
    }
    if let Some(tlp) = &lesson.tlp
        && Tlp::parse(&tlp.value).is_none()
    {
        let help = match Tlp::suggest(&tlp.value) {
            Some(t) => format!("did you mean \"{t}\"?"),
            None => format!("use one of: {}", Tlp::names()),
        };
        let d = ctx.report(
            Rule::InvalidValue,
            tlp.span.clone(),
            format!("tlp \"{}\" is not one of {}", tlp.value, Tlp::names()),
        );
        d.label = Some("not a TLP 2.0 level".into());
        d.help = Some(help);
    }
    if let Some(systems) = &lesson.systems
        && systems.value.is_empty()
    {
        let d = ctx.report(
            Rule::InvalidValue,
            systems.span.clone(),
            "`systems` is empty",
        );
        d.label = Some("name at least one system".into());
        d.help = Some("list the systems in scope of the review, e.g. [\"payments-db\"]".into());
    }
    for (key, list) in [
        ("systems", &lesson.systems),
        ("teams", &lesson.teams),
        ("tags", &lesson.tags),
        ("participants", &lesson.participants),
        ("related", &lesson.related),
    ] {
        for item in list.iter().flat_map(|l| &l.value) {
            ctx.not_blank(|| format!("an item of `{key}`"), item);
        }
    }
    for function in lesson.functions.iter().flat_map(|l| &l.value) {
        ctx.vocabulary("function", function, &voc.functions, Some("functions"));
    }
    for cause in lesson.causes() {
        if let Some(category) = &cause.category {
            ctx.vocabulary(
                "cause category",
                category,
                &voc.cause_categories,
                Some("cause_categories"),
            );
        }
        if let Some(key) = &cause.key
            && !is_slug(&key.value)
        {
            let d = ctx.report(
                Rule::InvalidValue,
                key.span.clone(),
                format!("cause key \"{}\" is not a lowercase slug", key.value),
            );
            d.label = Some("expected lowercase letters, digits and single hyphens".into());
            d.help = Some(format!("write it as \"{}\"", crate::text::slug(&key.value)));
        }
        if let Some(summary) = &cause.summary {
            ctx.not_blank(|| "the cause summary".into(), summary);
        }
    }
    for action in lesson.actions() {
        if let Some(kind) = &action.kind {
            ctx.vocabulary("action type", kind, &voc.action_types, Some("action_types"));
        }
        if let Some(status) = &action.status {
            ctx.vocabulary("action status", status, ACTION_STATUSES, None);
        }
        if let Some(summary) = &action.summary {
            ctx.not_blank(|| "the action summary".into(), summary);
        }
        if let Some(owner) = &action.owner {
            ctx.not_blank(|| "the action owner".into(), owner);
        }
    }
}

//! The contract's rules on the lesson model. Each rule is one function named
//! after it; `check_lesson` runs the per-file rules, `check_knowledge_base`
//! the rules that need every lesson (`duplicate-id`, `unknown-related`).
//!
//! Syntax, unknown keys and value types are found while parsing
//! (`parse::front_matter`); bad encodings and file-level problems in
//! `parse`.

use std::collections::HashMap;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, LineIndex, Position, Related, Rule, suggest};
use crate::lesson::{ACTION_STATUSES, Action, LESSON_STATUSES, Lesson, Moment, Sp};

/// Runs every per-lesson rule.
pub fn check_lesson(
    lesson: &Lesson,
    config: &Config,
    lines: &LineIndex,
    out: &mut Vec<Diagnostic>,
) {
    let mut ctx = Ctx { config, lines, out };
    if lesson.front_matter_parsed {
        missing_key(&mut ctx, lesson);
        invalid_value(&mut ctx, lesson);
        date_order(&mut ctx, lesson);
        final_incomplete(&mut ctx, lesson);
        unknown_cause_key(&mut ctx, lesson);
    }
    sections(&mut ctx, lesson);
    timeline_order(&mut ctx, lesson);
    too_long(&mut ctx, lesson);
}

struct Ctx<'c, 'l, 'a> {
    config: &'c Config,
    lines: &'l LineIndex<'a>,
    out: &'c mut Vec<Diagnostic>,
}

impl<'a> Ctx<'_, '_, 'a> {
    /// The text of the file at `span`, as written (for messages).
    fn source(&self, span: &std::ops::Range<usize>) -> &'a str {
        self.lines.text().get(span.clone()).unwrap_or("")
    }

    fn report(
        &mut self,
        rule: Rule,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out
            .push(Diagnostic::new(rule, self.lines, span, message));
        self.out.last_mut().expect("just pushed")
    }

    /// `invalid-value` when `value` is not in `allowed`, with a suggestion.
    fn vocabulary(
        &mut self,
        what: &str,
        value: &Sp<String>,
        allowed: &[String],
        config_key: Option<&str>,
    ) {
        if allowed.iter().any(|a| a == &value.value) {
            return;
        }
        let list = allowed.join(", ");
        let help = match suggest(&value.value, allowed.iter().map(String::as_str)) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("use one of: {list}"),
        };
        let label = match config_key {
            Some(key) => format!("not in the `{key}` vocabulary"),
            None => format!("expected one of {list}"),
        };
        let d = self.report(
            Rule::InvalidValue,
            value.span.clone(),
            format!("{what} \"{}\" is not one of {list}", value.value),
        );
        d.label = Some(label);
        d.help = Some(help);
    }

    fn not_blank(&mut self, what: &str, value: &Sp<String>) {
        if value.value.trim().is_empty() {
            self.report(
                Rule::InvalidValue,
                value.span.clone(),
                format!("{what} is empty"),
            )
            .label = Some("expected text".into());
        }
    }
}

fn missing(ctx: &mut Ctx, span: std::ops::Range<usize>, place: &str, key: &str, example: &str) {
    let d = ctx.report(Rule::MissingKey, span, format!("{place} has no `{key}`"));
    d.label = Some(format!("`{key}` is required"));
    d.help = Some(format!("add `{key} = {example}`"));
}

fn missing_key(ctx: &mut Ctx, lesson: &Lesson) {
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

fn invalid_value(ctx: &mut Ctx, lesson: &Lesson) {
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
        ctx.vocabulary("status", status, &statuses(LESSON_STATUSES), None);
    }
    if let Some(kind) = &lesson.kind {
        ctx.vocabulary("kind", kind, &voc.kinds, Some("kinds"));
    }
    if let Some(severity) = &lesson.severity {
        ctx.vocabulary("severity", severity, &voc.severities, Some("severities"));
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
            ctx.not_blank(&format!("an item of `{key}`"), item);
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
            ctx.not_blank("the cause summary", summary);
        }
    }
    for action in lesson.actions() {
        if let Some(kind) = &action.kind {
            ctx.vocabulary("action type", kind, &voc.action_types, Some("action_types"));
        }
        if let Some(status) = &action.status {
            ctx.vocabulary("action status", status, &statuses(ACTION_STATUSES), None);
        }
        if let Some(summary) = &action.summary {
            ctx.not_blank("the action summary", summary);
        }
        if let Some(owner) = &action.owner {
            ctx.not_blank("the action owner", owner);
        }
    }
}

fn statuses(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, without a regex per call.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn date_order(ctx: &mut Ctx, lesson: &Lesson) {
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

fn final_incomplete(ctx: &mut Ctx, lesson: &Lesson) {
    let Some(status) = &lesson.status else { return };
    if status.value != "final" {
        return;
    }
    let reported = |key: &str| lesson.ill_typed.iter().any(|k| k == key);
    let gaps = [
        (
            lesson.reviewed.is_none() && !reported("reviewed"),
            "`reviewed` date",
            "add `reviewed = 2024-03-19`",
        ),
        (
            lesson.causes().is_empty() && !reported("causes"),
            "root cause",
            "add a `[[causes]]` table with `category` and `summary`",
        ),
        (
            lesson.actions().is_empty() && !reported("actions"),
            "improvement action",
            "add an `[[actions]]` table with `summary`, `type`, `owner`, `due` and `status`",
        ),
    ];
    for (missing, what, help) in gaps {
        if missing {
            let d = ctx.report(
                Rule::FinalIncomplete,
                status.span.clone(),
                format!("the lesson is final but has no {what}"),
            );
            d.label = Some("status is final".into());
            d.help = Some(format!(
                "{help}, or keep the status \"review\" until it is complete"
            ));
        }
    }
}

fn unknown_cause_key(ctx: &mut Ctx, lesson: &Lesson) {
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

fn sections(ctx: &mut Ctx, lesson: &Lesson) {
    let body = &lesson.body;
    for required in &ctx.config.required_sections {
        let mut found = body
            .sections
            .iter()
            .filter(|s| s.title.eq_ignore_ascii_case(required));
        match (found.next(), found.next()) {
            (None, _) => {
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
            (Some(first), Some(second)) => {
                let d = ctx.report(
                    Rule::DuplicateSection,
                    second.heading.clone(),
                    format!("the section `{required}` appears more than once"),
                );
                d.label = Some("second heading".into());
                d.help = Some("merge the two sections into one".into());
                d.add_context(first.heading.clone(), "first heading");
            }
            _ => {}
        }
    }
}

fn timeline_order(ctx: &mut Ctx, lesson: &Lesson) {
    let mut latest: Option<&crate::lesson::TimelineItem> = None;
    for item in &lesson.body.timeline {
        match latest {
            Some(prev) if item.at.utc < prev.at.utc => {
                let d = ctx.report(
                    Rule::TimelineOrder,
                    item.span.clone(),
                    format!(
                        "timeline item `{}` comes after `{}`",
                        ctx.source(&item.span),
                        ctx.source(&prev.span)
                    ),
                );
                d.label = Some("earlier than the item before it".into());
                d.help = Some("keep timeline items in chronological order; a date without a time is read as 00:00 UTC".into());
                d.add_context(prev.span.clone(), "later item");
            }
            _ => latest = Some(item),
        }
    }
}

fn too_long(ctx: &mut Ctx, lesson: &Lesson) {
    let words = lesson.body.words;
    let max = ctx.config.max_words;
    if words <= max {
        return;
    }
    let d = ctx.report(
        Rule::TooLong,
        first_body_line(ctx.lines.text(), &lesson.body.span),
        format!(
            "the body has {} words (max_words is {})",
            crate::text::thousands(words),
            crate::text::thousands(max)
        ),
    );
    d.help =
        Some("long reports are not read; move raw logs and transcripts to a linked ticket".into());
}

/// The first non-blank line of the body (where body-wide findings point),
/// or the end of the file when the body is blank.
fn first_body_line(text: &str, body: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let body_text = text.get(body.clone()).unwrap_or("");
    let skipped = body_text.len() - body_text.trim_start().len();
    let start = (body.start + skipped).min(text.len());
    let start = if start == text.len() {
        // Blank body: point at the start of the last line.
        text.trim_end().rfind('\n').map_or(0, |i| i + 1)
    } else {
        // Back up to the start of that line.
        text[..start]
            .rfind('\n')
            .map_or(0, |i| i + 1)
            .max(body.start.min(start))
    };
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |n| start + n);
    start..end
}

/// 2140 -> "2,140".
/// What the knowledge-base-wide rules need of a lesson: a slim record, so
/// checking 100,000 lessons does not hold 100,000 lesson models at once.
#[derive(Debug, Clone)]
pub struct IdSite {
    pub path: String,
    pub id: Option<Sp<String>>,
    /// Where the lesson's `id` value is, as a line and column.
    pub id_position: Position,
    pub related: Vec<Sp<String>>,
}

/// `duplicate-id` (on the later file in path order, pointing at the first)
/// and `unknown-related`, over every lesson; `sites` are in path order.
/// `report_on` says which files findings may be reported on. The findings'
/// lines and columns are left for the caller to resolve.
pub fn check_knowledge_base(sites: &[IdSite], report_on: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first: HashMap<&str, &IdSite> = HashMap::with_capacity(sites.len());
    for site in sites {
        let Some(id) = &site.id else { continue };
        match first.get(id.value.as_str()) {
            None => {
                first.insert(&id.value, site);
            }
            Some(original) => {
                // Reported on the later file; but when only the earlier one
                // is selected (a pull request adding a lesson that sorts
                // first), on that one, or the duplicate would slip through.
                let (on, other, verb) = if report_on(&site.path) {
                    (site, *original, "already")
                } else if report_on(&original.path) {
                    (*original, site, "also")
                } else {
                    continue;
                };
                let Some(on_id) = &on.id else { continue };
                let pos = other.id_position;
                let mut d = Diagnostic::unresolved(
                    Rule::DuplicateId,
                    on_id.span.clone(),
                    format!(
                        "id \"{}\" is {verb} used by {}:{}:{}",
                        id.value, other.path, pos.line, pos.column
                    ),
                );
                d.path = on.path.clone();
                d.label = Some("duplicate id".into());
                d.help = Some("give one of the two lessons the next free id".into());
                d.related = Some(Related {
                    path: other.path.clone(),
                    position: pos,
                    message: "also used here".into(),
                });
                out.push(d);
            }
        }
    }
    for site in sites {
        if site.related.is_empty() || !report_on(&site.path) {
            continue;
        }
        let own = site.id.as_ref().map(|i| i.value.as_str());
        for r in &site.related {
            let known = first.contains_key(r.value.as_str());
            let is_self = own == Some(r.value.as_str());
            if known && !is_self {
                continue;
            }
            let message = if is_self {
                format!("`related` names this lesson's own id \"{}\"", r.value)
            } else {
                format!("`related` names \"{}\", but no lesson has that id", r.value)
            };
            let mut d = Diagnostic::unresolved(Rule::UnknownRelated, r.span.clone(), message);
            d.path = site.path.clone();
            d.label = Some(if is_self { "this lesson" } else { "unknown id" }.into());
            // Ids look alike by design: only suggest a one-character slip.
            let close = one_slip_away(&r.value, |id| Some(id) != own && first.contains_key(id));
            d.help = Some(match close.filter(|_| !is_self) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "fix the id, or remove it from `related`".into(),
            });
            out.push(d);
        }
    }
    out
}

/// The smallest id that `known` accepts among those one typing slip from
/// `id` (a character changed, dropped, added, or two swapped). Looks up a
/// few hundred variants instead of comparing with every id: with 100,000
/// lessons, comparing was most of the run time.
fn one_slip_away(id: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.";
    let chars: Vec<char> = id.chars().collect();
    let mut found: Option<String> = None;
    let mut consider = |candidate: Vec<char>| {
        let candidate: String = candidate.into_iter().collect();
        if candidate != id && known(&candidate) && found.as_ref().is_none_or(|f| candidate < *f) {
            found = Some(candidate);
        }
    };
    for i in 0..chars.len() {
        let mut v = chars.clone();
        v.remove(i);
        consider(v);
        if i + 1 < chars.len() {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            consider(v);
        }
        for c in ALPHABET.chars() {
            let mut v = chars.clone();
            v[i] = c;
            consider(v);
        }
    }
    for i in 0..=chars.len() {
        for c in ALPHABET.chars() {
            let mut v = chars.clone();
            v.insert(i, c);
            consider(v);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_slip_suggestions() {
        let ids = ["LL-2023-031", "LL-2023-013", "LL-2024-001"];
        let known = |id: &str| ids.contains(&id);
        assert_eq!(
            super::one_slip_away("LL-2023-301", known).as_deref(),
            Some("LL-2023-031")
        );
        assert_eq!(
            super::one_slip_away("LL-2023-31", known).as_deref(),
            Some("LL-2023-031")
        );
        assert_eq!(
            super::one_slip_away("LL-2024-0001", known).as_deref(),
            Some("LL-2024-001")
        );
        assert_eq!(super::one_slip_away("LL-2099-999", known), None);
    }

    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("expired-certificate"));
        assert!(is_slug("a1"));
        assert!(!is_slug("Expired"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
    }
}

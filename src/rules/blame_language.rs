//! `blame-language` (warning): hindsight and blame phrasing in the body or
//! in a cause summary: counterfactuals ("should have", "failed to", "if
//! only"), judgements of people ("careless", "negligent"), "human error"
//! or "operator error" given as a cause, and a cause summary whose subject
//! is one of the lesson's `participants` ("Alice deployed...").
//!
//! Why: hindsight bias makes a decision look obvious once the outcome is
//! known; a review that judges people stops people from telling it what
//! really happened, and stops looking at the conditions that made the
//! action reasonable at the time (docs/practice.md).
//!
//! Fix: describe what people knew, saw and were asked to do, and what
//! made the action reasonable at the time. Quoted text (a `>` block,
//! inline code, a code block, a "direct quote") never fires; a reviewed
//! line takes `<!-- lessons:allow blame-language -->`, a whole file a
//! `# lessons:allow blame-language` line right after its opening `+++`;
//! `[practice] rules_off` switches the rule off and `blame_phrases` adds
//! phrases.
//!
//! Every phrase is found in one pass of one automaton
//! (`crate::practice::BlamePhrases`). Documented with real output in
//! docs/format.md#blame-language; fixtures in
//! tests/fixtures/rules/blame-language/.

use std::ops::Range;

use super::*;
use crate::practice::PhraseKind;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
    let rule = Rule::BlameLanguage;
    if !ctx.config.practice.is_on(rule) || file_allows(ctx.lines.text(), lesson, rule) {
        return;
    }
    let text = ctx.lines.text();
    let phrases = &ctx.config.practice.blame;
    for cause in lesson.causes() {
        let Some(summary) = &cause.summary else {
            continue;
        };
        let raw = ctx.source(&summary.span);
        for found in phrases.find(raw) {
            let span = summary.span.start + found.span.start..summary.span.start + found.span.end;
            if !allows(text, span.start, rule) {
                phrase_finding(ctx, span, found.kind, true);
            }
        }
        if let Some(span) = participant_subject(lesson, summary, raw)
            && !allows(text, span.start, rule)
        {
            let name = ctx.source(&span).to_string();
            let d = ctx.report(
                rule,
                span,
                format!(
                    "the cause summary makes \"{name}\", a participant, its subject: a cause names a condition, not a person"
                ),
            );
            d.label = Some("a person as the cause".into());
            d.help = Some("rewrite it around the system or process: what made this action reasonable at the time, and what let it cause harm?".into());
        }
    }
    let body = lesson.body.span.clone();
    let Some(body_text) = text.get(body.clone()) else {
        return;
    };
    let found = phrases.find_in_body(body_text);
    if found.is_empty() {
        return;
    }
    // Only a body with a phrase is read for its quotes.
    let quoted = quoted_ranges(body_text, |line| {
        found.iter().any(|f| line.contains(&f.span.start))
    });
    for f in found {
        if quoted.iter().any(|q| q.contains(&f.span.start)) {
            continue;
        }
        let span = body.start + f.span.start..body.start + f.span.end;
        if !allows(text, span.start, rule) {
            phrase_finding(ctx, span, f.kind, false);
        }
    }
}

fn phrase_finding(ctx: &mut Ctx, span: Range<usize>, kind: PhraseKind, in_cause: bool) {
    let phrase = ctx.source(&span).to_string();
    let place = if in_cause {
        "a cause summary"
    } else {
        "the lesson"
    };
    let (message, label, help) = match kind {
        PhraseKind::Counterfactual => (
            format!(
                "hindsight phrasing \"{phrase}\" in {place}: it judges a decision by an outcome nobody knew at the time"
            ),
            "counterfactual",
            "hindsight makes decisions look obvious after the event; describe what people knew and saw, and ask what made this action reasonable at the time",
        ),
        PhraseKind::Judgement => (
            format!(
                "blame word \"{phrase}\" in {place}: it judges a person instead of explaining the conditions"
            ),
            "judgement of a person",
            "describe the action neutrally and the conditions around it: what made this action reasonable at the time?",
        ),
        PhraseKind::CauseLabel => (
            format!(
                "\"{phrase}\" given as a cause: it is where the analysis starts, not its result"
            ),
            "a label, not a cause",
            "ask what made the error likely and easy to make: the process gap, training need or design behind it, and name that",
        ),
    };
    let d = ctx.report(Rule::BlameLanguage, span, message);
    d.label = Some(label.into());
    d.help = Some(format!(
        "{help}; quote speech in a `>` block, or add `<!-- lessons:allow blame-language -->` on the line"
    ));
}

/// The span of a participant's name when a cause summary starts with it
/// (the participant as the subject). A participant is taken as a person's
/// name when it starts with a capitalised word ("Alice Martin", matched
/// whole or by "Alice"); roles and teams ("sre", "the on-call") are not.
fn participant_subject(lesson: &Lesson, summary: &Sp<String>, raw: &str) -> Option<Range<usize>> {
    let participants = lesson.participants.as_ref()?;
    let value = summary.value.trim_start();
    for p in &participants.value {
        let name = p.value.trim();
        let first = name.split_whitespace().next().unwrap_or("");
        let mut chars = first.chars();
        let capitalised = chars.next().is_some_and(char::is_uppercase)
            && chars.next().is_some_and(char::is_lowercase);
        if !capitalised {
            continue;
        }
        for candidate in [name, first] {
            let Some(rest) = value.strip_prefix(candidate) else {
                continue;
            };
            // The name as a word of its own ("Dana promoted", "Dana's
            // change"), not the start of another ("Payments-db").
            let subject = rest.is_empty()
                || rest.starts_with(char::is_whitespace)
                || rest.starts_with(',')
                || rest.starts_with("'s")
                || rest.starts_with("\u{2019}s");
            if !subject {
                continue;
            }
            let at = summary.span.start + raw.find(candidate)?;
            return Some(at..at + candidate.len());
        }
    }
    None
}

/// Byte ranges of `body` that quote rather than say: fenced code blocks,
/// `>` blocks, HTML comments, inline code and "direct quotes" (straight or
/// typographic double quotes within a line).
/// `inline`: whether a line's inline quotes are wanted (those of a line
/// with a finding; reading every line's quotes cost a third of the rule).
fn quoted_ranges(body: &str, inline: impl Fn(Range<usize>) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut in_comment = false;
    let mut offset = 0;
    for raw in body.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_start();
        let whole = start..offset;
        if let Some(marker) = fence {
            if line.starts_with(marker) {
                fence = None;
            }
            out.push(whole);
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = Some(&line[..3]);
            out.push(whole);
            continue;
        }
        if in_comment || line.starts_with('>') {
            in_comment = in_comment && !raw.contains("-->");
            out.push(whole);
            continue;
        }
        if inline(whole.clone()) {
            inline_quotes(raw, start, &mut out);
        }
        if let Some(open) = raw.find("<!--")
            && !raw[open..].contains("-->")
        {
            in_comment = true;
            out.push(start + open..offset);
        }
    }
    out
}

/// Inline code, HTML comments and double-quoted text within one line.
fn inline_quotes(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let mut rest = 0;
    while rest < line.len() {
        let tail = &line[rest..];
        let next = tail
            .char_indices()
            .find(|(_, c)| matches!(c, '`' | '"' | '\u{201C}' | '<'));
        let Some((at, c)) = next else { break };
        let open = rest + at;
        let (close, skip) = match c {
            '`' => (line[open + 1..].find('`'), 1),
            '"' => (line[open + 1..].find('"'), 1),
            '\u{201C}' => (line[open + 3..].find('\u{201D}'), 3),
            _ if line[open..].starts_with("<!--") => (line[open + 4..].find("-->"), 4),
            _ => {
                rest = open + 1;
                continue;
            }
        };
        let Some(close) = close else {
            rest = open + c.len_utf8();
            continue;
        };
        let end = open + skip + close + 1;
        out.push(base + open..base + end.min(line.len()));
        rest = end.min(line.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_code_and_comments_are_quoted() {
        let body =
            "says \"should have\" here\n> should have\n```\nshould have\n```\nplain `x` end\n";
        let q = quoted_ranges(body, |_| true);
        let at = |needle: &str, nth: usize| body.match_indices(needle).nth(nth).unwrap().0;
        assert!(q.iter().any(|r| r.contains(&at("should", 0))));
        assert!(q.iter().any(|r| r.contains(&at("should", 1))));
        assert!(q.iter().any(|r| r.contains(&at("should", 2))));
        assert!(q.iter().any(|r| r.contains(&at("x`", 0))));
        assert!(!q.iter().any(|r| r.contains(&at("plain", 0))));
        assert!(!q.iter().any(|r| r.contains(&at("here", 0))));
    }
}

//! `too-long` (warning): The body has more than `max_words` words.
//!
//! Why: Long reports are not read.
//!
//! Fix: keep the review concise; link logs and transcripts from a ticket.
//!
//! Documented with real output in docs/format.md#too-long; fixtures in
//! tests/fixtures/rules/too-long/.

use super::*;

pub(super) fn check(ctx: &mut Ctx, lesson: &Lesson) {
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

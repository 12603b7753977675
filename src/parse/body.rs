//! The Markdown body: level-2 sections, dated `Timeline` items, word count.
//!
//! pulldown-cmark's offset iterator gives CommonMark structure (a `## ` in a
//! code block is not a heading) with byte ranges we shift to file offsets.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::lesson::{Body, Moment, Section, TimelineItem};

/// The section whose dated list items must be chronological.
const TIMELINE: &str = "timeline";

pub fn read(
    text: &str,
    span: Range<usize>,
    lines: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Body {
    let base = span.start;
    let body = &text[span.clone()];
    // Most bodies are plain (paragraphs, `##` headings, `- ` items, fenced
    // code): read by lines; CommonMark reads the others.
    let marks = super::plain_body::marks(body).unwrap_or_else(|| marks(body));
    let mut sections: Vec<Section> = Vec::with_capacity(marks.headings.len());
    for (range, title) in marks.headings {
        if let Some(last) = sections.last_mut() {
            last.content.end = base + range.start;
        }
        sections.push(Section {
            title: title.into_owned(),
            content: base + range.end..base + body.len(),
            heading: base + range.start..base + range.end,
        });
    }
    let mut timeline = Vec::with_capacity(marks.items.len());
    for (start, text) in marks.items {
        timeline_item(base + start, &text, &mut timeline, lines, diagnostics);
    }
    Body {
        span,
        sections,
        timeline,
        words: count_words(&without_comments(body)),
    }
}

/// What the rules need of a body's structure: its top-level level-2
/// headings and the first text of each `Timeline` list item. Offsets are
/// relative to the body.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Marks<'b> {
    /// Each heading's line (trailing white space left out) and its title,
    /// trimmed.
    pub headings: Vec<(Range<usize>, Cow<'b, str>)>,
    /// Each `Timeline` item's first text (at least its first line, or
    /// 40 bytes) and where it starts.
    pub items: Vec<(usize, Cow<'b, str>)>,
}

/// The section whose list items are timeline entries (`## Timeline`).
pub(super) fn is_timeline(title: &str) -> bool {
    title.eq_ignore_ascii_case(TIMELINE)
}

/// The marks of any body, by pulldown-cmark's offset iterator.
pub(super) fn marks(body: &str) -> Marks<'_> {
    let mut marks = Marks::default();
    let mut heading: Option<(Range<usize>, String)> = None;
    let mut in_timeline = false;
    let mut item = PendingItem::default();
    // Block quotes and lists nest: only top-level headings split sections.
    let mut nesting = 0usize;

    // Plain CommonMark: extensions add no headings or list items, only cost.
    let parser = Parser::new_ext(body, Options::empty());
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => {
                nesting += 1
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition) => {
                nesting = nesting.saturating_sub(1)
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) if nesting == 0 => {
                item.finish(&mut marks);
                heading = Some((range, String::new()));
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) if heading.is_some() => {
                if let Some((range, title)) = heading.take() {
                    let title = title.trim().to_string();
                    in_timeline = is_timeline(&title);
                    marks
                        .headings
                        .push((trim_end(body, range), Cow::Owned(title)));
                }
            }
            Event::Start(Tag::Item) if in_timeline => {
                item.finish(&mut marks);
                item.begin();
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title)) = &mut heading {
                    title.push_str(&t);
                } else if item.pending {
                    if item.start == usize::MAX {
                        // Inline code's range includes its backtick.
                        let tick = usize::from(body[range.clone()].starts_with('`'));
                        item.start = range.start + tick;
                    }
                    item.text.push_str(&t);
                    // A stamp is at most ~30 characters: stop reading early.
                    if item.text.len() >= 40 {
                        item.finish(&mut marks);
                    }
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item)
                if item.pending =>
            {
                item.finish(&mut marks);
            }
            _ => {}
        }
    }
    item.finish(&mut marks);
    marks
}

/// The text with HTML comments (`<!-- ... -->`) blanked out, line breaks
/// kept: the prompts `lessons new` writes are not words of the lesson, nor
/// something to search for.
pub fn without_comments(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(mut start) = memchr::memmem::find(text.as_bytes(), b"<!--") else {
        return std::borrow::Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    loop {
        out.push_str(&text[at..start]);
        let end = memchr::memmem::find(&text.as_bytes()[start + 4..], b"-->")
            .map_or(text.len(), |e| start + 4 + e + 3);
        out.extend(text[start..end].chars().filter(|&c| c == '\n'));
        at = end;
        match memchr::memmem::find(&text.as_bytes()[at..], b"<!--") {
            Some(next) => start = at + next,
            None => break,
        }
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

fn trim_end(body: &str, range: Range<usize>) -> Range<usize> {
    let s = &body[range.clone()];
    range.start..range.start + s.trim_end().len()
}

/// A `Timeline` list item whose first text is being read.
struct PendingItem {
    /// Set at the start of an item, until its first text is read.
    pending: bool,
    text: String,
    /// File offset of the first text, `usize::MAX` until there is one.
    start: usize,
}

impl Default for PendingItem {
    fn default() -> Self {
        PendingItem {
            pending: false,
            text: String::new(),
            start: usize::MAX,
        }
    }
}

impl PendingItem {
    fn begin(&mut self) {
        self.pending = true;
        self.text.clear();
        self.start = usize::MAX;
    }

    /// Records the item just read, if it had text.
    fn finish(&mut self, marks: &mut Marks) {
        if !std::mem::take(&mut self.pending) || self.start == usize::MAX {
            return;
        }
        marks
            .items
            .push((self.start, Cow::Owned(std::mem::take(&mut self.text))));
    }
}

/// A timeline item whose first text `text` starts at file offset `start`:
/// recorded if it starts with a date, reported if the date is impossible.
fn timeline_item(
    start: usize,
    text: &str,
    timeline: &mut Vec<TimelineItem>,
    lines: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match parse_timeline_stamp(text) {
        Some(Ok((at, len))) => timeline.push(TimelineItem {
            at,
            span: start..start + len,
        }),
        Some(Err(len)) => diagnostics.push(
            Diagnostic::new(
                Rule::InvalidValue,
                lines,
                start..start + len,
                format!("timeline date `{}` is not a valid date or time", &text[..len]),
            )
            .with_label("not a valid date")
            .with_help(
                "write timeline dates as YYYY-MM-DD, optionally followed by HH:MM and Z or an offset",
            ),
        ),
        None => {}
    }
}

/// Reads a timeline stamp at the start of `s`: `YYYY-MM-DD`, optionally
/// followed (after a space or `T`) by `HH:MM` or `HH:MM:SS`, optionally `Z`,
/// ` UTC` or an offset (`+02:00`, `+0200`). Returns the moment and the
/// stamp's length, `Err(len)` for a stamp-shaped but impossible date, and
/// `None` when the item does not start with a date.
pub fn parse_timeline_stamp(s: &str) -> Option<Result<(Moment, usize), usize>> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i32> {
        let part = b.get(from..from + n)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(part.iter().fold(0, |acc, d| acc * 10 + i32::from(d - b'0')))
        } else {
            None
        }
    };
    let year = digits(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(5, 2)?;
    let day = digits(8, 2)?;
    let mut len = 10;
    let mut time = None;
    let mut offset_minutes = 0;
    if matches!(b.get(10), Some(b' ' | b'T'))
        && let (Some(h), Some(b':'), Some(m)) = (digits(11, 2), b.get(13), digits(14, 2))
    {
        let mut sec = 0;
        len = 16;
        if b.get(16) == Some(&b':')
            && let Some(s) = digits(17, 2)
        {
            sec = s;
            len = 19;
        }
        time = Some((h, m, sec));
        match b.get(len) {
            Some(b'Z') => len += 1,
            Some(sign @ (b'+' | b'-')) => {
                let sign = if *sign == b'+' { 1 } else { -1 };
                if let Some(oh) = digits(len + 1, 2) {
                    if b.get(len + 3) == Some(&b':') {
                        if let Some(om) = digits(len + 4, 2) {
                            offset_minutes = sign * (oh * 60 + om);
                            len += 6;
                        }
                    } else if let Some(om) = digits(len + 3, 2) {
                        offset_minutes = sign * (oh * 60 + om);
                        len += 5;
                    } else {
                        offset_minutes = sign * oh * 60;
                        len += 3;
                    }
                }
            }
            Some(b' ') if s[len..].starts_with(" UTC") => len += 4,
            _ => {}
        }
    }
    // "2024-03-12abc" is not a date followed by text.
    if b.get(len).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let moment = (|| {
        let date = jiff::civil::Date::new(year as i16, month as i8, day as i8).ok()?;
        let (h, m, sec) = time.unwrap_or((0, 0, 0));
        let t = jiff::civil::Time::new(h as i8, m as i8, sec as i8, 0).ok()?;
        let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).ok()?;
        let utc = offset.to_timestamp(date.to_datetime(t)).ok()?;
        Some(Moment {
            utc,
            has_time: time.is_some(),
        })
    })();
    Some(moment.map(|m| (m, len)).ok_or(len))
}

/// Words are runs of non-whitespace, the way `wc -w` counts them. Counted
/// as word starts with no branches, which the compiler vectorises: this
/// runs over every byte of every body.
fn count_words(text: &str) -> usize {
    #[inline(always)]
    fn space(c: u8) -> bool {
        (c == b' ') | (c == b'\t') | (c == b'\n') | (c == b'\r') | (c == 0x0C)
    }
    let b = text.as_bytes();
    let Some(&first) = b.first() else { return 0 };
    let mut words = usize::from(!space(first));
    // Byte-wide counters over chunks of at most 255 pairs stay in SIMD lanes.
    let mut start = 1;
    while start < b.len() {
        let end = (start + 255).min(b.len());
        let n = b[start - 1..end - 1]
            .iter()
            .zip(&b[start..end])
            .fold(0u8, |n, (&prev, &c)| n + u8::from(space(prev) & !space(c)));
        words += usize::from(n);
        start = end;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Option<(String, usize)> {
        parse_timeline_stamp(s)
            .and_then(|r| r.ok())
            .map(|(m, len)| (m.utc.to_string(), len))
    }

    #[test]
    fn timeline_stamps() {
        assert_eq!(
            stamp("2024-03-12 09:58Z Primary"),
            Some(("2024-03-12T09:58:00Z".into(), 17))
        );
        assert_eq!(
            stamp("2024-03-12T09:58:30+02:00 x"),
            Some(("2024-03-12T07:58:30Z".into(), 25))
        );
        assert_eq!(
            stamp("2024-03-12 09:58 UTC: x"),
            Some(("2024-03-12T09:58:00Z".into(), 20))
        );
        assert_eq!(
            stamp("2024-03-12: x"),
            Some(("2024-03-12T00:00:00Z".into(), 10))
        );
        assert_eq!(stamp("Primary stops"), None);
        assert_eq!(stamp("20240312"), None);
        assert!(matches!(
            parse_timeline_stamp("2024-13-45 x"),
            Some(Err(10))
        ));
    }

    fn section_titles(body: &str) -> Vec<String> {
        let text = format!("+++\n+++\n{body}");
        let lines = LineIndex::new(&text);
        let mut diagnostics = Vec::new();
        read(&text, 8..text.len(), &lines, &mut diagnostics)
            .sections
            .into_iter()
            .map(|s| s.title)
            .collect()
    }

    #[test]
    fn only_top_level_headings_split_sections() {
        let body = "## Summary\n> ## Quoted\n\n- ## In a list\n\n```\n## In code\n```\n\nTimeline\n--------\n\n## *Analysis*\n";
        assert_eq!(section_titles(body), ["Summary", "Timeline", "Analysis"]);
    }

    #[test]
    fn comments_are_not_words() {
        assert_eq!(without_comments("a <!-- b\nc --> d <!-- e"), "a \n d ");
        assert_eq!(without_comments("plain"), "plain");
        assert_eq!(
            count_words(&without_comments("one <!-- two three --> four")),
            2
        );
    }

    #[test]
    fn words() {
        assert_eq!(count_words("  one two\nthree  "), 3);
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("a"), 1);
        assert_eq!(count_words("a\tb\r\nc\x0Cd"), 4);
    }
}

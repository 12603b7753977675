//! Escaping for every output format, in one place: lesson text is
//! untrusted (a title must not add markup, links or `@mentions` to a pull
//! request comment, nor break a GitHub workflow command or an HTML page,
//! nor send escape sequences to a terminal).

use std::borrow::Cow;

/// The visible stand-in for a character a terminal would act on: C0
/// controls and DEL as their Unicode Control Pictures (ESC is `␛`, as
/// `check`'s source lines show it), C1 controls (U+0080 to U+009F: U+009B
/// is a one-character CSI on some terminals) and the bidirectional
/// overrides and isolates (which reorder the text around them) as `�`.
/// Line feed, carriage return and tab are for the caller to decide.
fn stand_in(c: char) -> Option<char> {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

fn needs_escape(c: char) -> bool {
    stand_in(c).is_some()
}

/// Whether `s` holds a character [`stand_in`] replaces, other than the
/// ASCII controls in `kept`: read as UTF-8 bytes, since most text has none
/// and `check` asks this of every lesson with a finding (decoding each
/// character cost 4% of a large run). The bytes of [`stand_in`]'s ranges:
/// C0 and DEL are one byte, C1 (U+0080-U+009F) is `C2 80..9F`, the
/// embedding and override marks (U+202A-U+202E) are `E2 80 AA..AE`, the
/// isolates (U+2066-U+2069) `E2 81 A6..A9`.
fn has_stand_in(s: &str, kept: &[u8]) -> bool {
    let b = s.as_bytes();
    let at = |i: usize| match b[i] {
        0x00..=0x1f => !kept.contains(&b[i]),
        0x7f => true,
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        0xe2 => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    };
    // Eight bytes at a time: only a word with a byte below 0x20 or from
    // 0x7F up (a line break, a multi-byte character) is looked at byte by
    // byte. (A byte below `n` sets its high bit in `x - n` where `x` had
    // none; one from 0x7F up has it set in `x` or `x + 1`.)
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(word) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let below = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        let above = (x | x.wrapping_add(ONES)) & HIGH;
        if below | above != 0 && (i..i + 8).any(at) {
            return true;
        }
        i += 8;
    }
    (i..b.len()).any(at)
}

/// One line of lesson text (a title, an owner, a file name) for a
/// terminal: every control character shown as a visible stand-in, so that
/// a lesson cannot move the cursor, clear the screen, plant a hyperlink
/// (OSC 8) or start a new line; a tab is a space. One character for one,
/// so columns still line up.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !has_stand_in(s, b"") {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => ' ',
                c => stand_in(c).unwrap_or(c),
            })
            .collect(),
    )
}

/// Several lines of lesson text (a section of `show`) for a terminal: line
/// feeds and tabs kept, a CRLF read as a line feed, every other control
/// character (a lone carriage return too, which would overwrite the line)
/// shown as in [`terminal`].
pub fn terminal_block(s: &str) -> Cow<'_, str> {
    if !has_stand_in(s, b"\n\t") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\t' => out.push(c),
            c => out.push(stand_in(c).unwrap_or(c)),
        }
    }
    Cow::Owned(out)
}

/// A lesson's whole text for `check`'s source excerpts: line breaks and
/// tabs kept (the excerpt renderer lays them out), every other control
/// character as in [`terminal`]. Stand-ins may take more bytes than what
/// they replace, so it comes with the map from byte offsets in `s` to
/// offsets in the result, for the findings' spans.
pub fn terminal_source(s: &str) -> (Cow<'_, str>, SpanMap) {
    let keep = |c: char| matches!(c, '\n' | '\r' | '\t') || !needs_escape(c);
    if !has_stand_in(s, b"\n\r\t") {
        return (Cow::Borrowed(s), SpanMap::default());
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut shifts = Vec::new();
    for (at, c) in s.char_indices() {
        match stand_in(c) {
            Some(pic) if !keep(c) => {
                out.push(pic);
                // From the next character on, offsets move by this much.
                shifts.push((
                    at + c.len_utf8(),
                    out.len() as isize - (at + c.len_utf8()) as isize,
                ));
            }
            _ => out.push(c),
        }
    }
    (Cow::Owned(out), SpanMap { shifts })
}

/// Byte offsets in a text to offsets in its [`terminal_source`] form.
#[derive(Debug, Default)]
pub struct SpanMap {
    /// `(offset, shift)`: offsets at or after `offset` move by `shift`,
    /// ascending.
    shifts: Vec<(usize, isize)>,
}

impl SpanMap {
    pub fn offset(&self, at: usize) -> usize {
        let i = self.shifts.partition_point(|(from, _)| *from <= at);
        match i.checked_sub(1) {
            Some(i) => at.saturating_add_signed(self.shifts[i].1),
            None => at,
        }
    }

    pub fn span(&self, span: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.offset(span.start)..self.offset(span.end)
    }
}

/// Control characters as visible stand-ins in text for a format that
/// escapes line breaks itself (Markdown, HTML, workflow commands).
fn visible(s: &str) -> Cow<'_, str> {
    if !has_stand_in(s, b"\r\n") {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\r' | '\n' => c,
                '\t' => ' ',
                c => stand_in(c).unwrap_or(c),
            })
            .collect(),
    )
}

/// Text for a Markdown table cell: no line breaks, no table pipes, no raw
/// HTML (lesson text must not inject markup into a PR comment or summary).
pub fn markdown_cell(s: &str) -> String {
    visible(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// Untrusted text (a lesson title, an action summary) as inert Markdown
/// inline text: CommonMark punctuation escaped, HTML entities, no line
/// breaks, table pipes escaped, and no `@mention` or `#123` reference for
/// GitHub to act on (a word joiner follows `@` and `#`).
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in visible(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            '@' | '#' => {
                out.push('\\');
                out.push(c);
                out.push('\u{2060}');
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '~' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span holding `s` whatever backticks it contains; in a
/// table cell (`in_table`), pipes are escaped as GitHub requires there.
pub fn markdown_code(s: &str, in_table: bool) -> String {
    let s = visible(s).replace(['\r', '\n'], " ");
    let s = if in_table { s.replace('|', "\\|") } else { s };
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped.
pub fn html(s: &str) -> String {
    visible(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A CSV cell. A cell that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is a formula to Excel and Sheets (a system named
/// `=HYPERLINK(...)` would become a live link): it gets a leading `'` and
/// quotes, as OWASP recommends for CSV injection. A number is left as it is.
pub fn csv_cell(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<i64>().is_err();
    if formula {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Escapes a workflow command's message (the text after `::`).
pub fn github_data(s: &str) -> String {
    // GitHub's log viewer renders ANSI sequences in annotations' text.
    visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value (`file=`, `title=`...).
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_inert() {
        let t = markdown_text("Cert | `x` <img src=y> **b** [l](http://e) @org/team #12 a\\b");
        for bad in ["<img", "**", "[l](", " @org", " #12", "`x`"] {
            assert!(!t.contains(bad), "{bad} in {t}");
        }
        assert!(t.contains("\\|"));
        assert_eq!(markdown_code("a`b", false), "``a`b``");
        assert_eq!(markdown_code("`a", false), "`` `a ``");
        assert_eq!(markdown_code("a|b", true), "`a\\|b`");
    }

    #[test]
    fn terminal_text_is_shown_not_obeyed() {
        assert_eq!(
            terminal("a\x1b[2Jb\x07\u{9b}c\u{202e}\td\ne"),
            "a␛[2Jb␇�c� d␊e"
        );
        assert_eq!(terminal_block("a\r\nb\rc\td\x1b"), "a\nb␍c\td␛");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(github_data("a\x1b[31m\n"), "a␛[31m%0A");
        assert_eq!(html("\x1b]8;;x\x07"), "␛]8;;x␇");
    }

    #[test]
    fn the_byte_test_agrees_with_the_characters() {
        let kept_sets: [&[u8]; 4] = [b"", b"\n\t", b"\n\r\t", b"\r\n"];
        let by_chars = |s: &str, kept: &[u8]| {
            s.chars()
                .any(|c| needs_escape(c) && !(c.is_ascii() && kept.contains(&(c as u8))))
        };
        // Every character of the first planes' interesting part, alone and
        // between neighbours whose UTF-8 shares lead bytes with the ranges.
        let chars = (0..0x3000_u32)
            .chain(0xfff0..0x10000)
            .chain([0x1f600, 0x10ffff])
            .filter_map(char::from_u32);
        for c in chars {
            for text in [
                c.to_string(),
                format!("\u{a0}{c}\u{2014}"),
                format!("\u{2019}{c}\u{80}"),
                format!("{c}\u{e2}\u{2065}"),
                // Across the eight-byte words, before and after a line break.
                format!("{}{c}\ntail text", "x".repeat(5)),
                format!("{}{c}{}", "x".repeat(7), "y".repeat(9)),
                format!("{}\n{c}", "x".repeat(13)),
                format!("{}{c}", "x".repeat(16)),
            ] {
                for kept in kept_sets {
                    assert_eq!(
                        has_stand_in(&text, kept),
                        by_chars(&text, kept),
                        "{text:?} keeping {kept:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn spans_follow_the_neutralised_source() {
        // U+009B is two bytes, its stand-in three; ESC one byte, `␛` three.
        let source = "a\u{9b}b\x1bc\nd";
        let (shown, map) = terminal_source(source);
        assert_eq!(shown, "a�b␛c\nd");
        let c = source.find('c').unwrap();
        assert_eq!(&shown[map.span(&(c..c + 1))], "c");
        let esc = source.find('\x1b').unwrap();
        assert_eq!(&shown[map.span(&(esc..esc + 1))], "␛");
        assert_eq!(map.offset(0), 0);
        assert_eq!(map.offset(source.len()), shown.len());
    }
}

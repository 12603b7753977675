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

/// One line of lesson text (a title, an owner, a file name) for a
/// terminal: every control character shown as a visible stand-in, so that
/// a lesson cannot move the cursor, clear the screen, plant a hyperlink
/// (OSC 8) or start a new line; a tab is a space. One character for one,
/// so columns still line up.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
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
    if !s.chars().any(|c| c != '\n' && c != '\t' && needs_escape(c)) {
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
    if s.chars().all(keep) {
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
    if !s
        .chars()
        .any(|c| !matches!(c, '\r' | '\n') && needs_escape(c))
    {
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

//! The body as nearly every lesson writes it, read by lines without the
//! Markdown parser: paragraphs, ATX headings, `- ` list items, fenced
//! code blocks, blank lines.
//!
//! Why: pulldown-cmark was about a seventh of the instructions of
//! `lessons check` (docs/benchmarks.md), for a structure the rules read
//! only two things of: the top-level `##` headings and the first text of
//! each `Timeline` item. On any line where CommonMark could build
//! something else (indentation, block quotes, HTML, other list markers,
//! setext underlines, thematic breaks, link definitions, inline markup in
//! a heading or a timeline item, a lone carriage return) this reader gives
//! up and pulldown-cmark reads the body. A property test checks that
//! whatever this reader accepts, pulldown-cmark reads to the same marks.

use std::borrow::Cow;

use super::body::{Marks, is_timeline};

/// The marks of `body`, or `None` when it is not plain.
pub(super) fn marks(body: &str) -> Option<Marks<'_>> {
    // CommonMark ends a line at a carriage return alone too.
    let b = body.as_bytes();
    if memchr::memchr_iter(b'\r', b).any(|at| b.get(at + 1) != Some(&b'\n')) {
        return None;
    }
    // pulldown-cmark takes a vertical tab or a form feed for white space
    // in places (after `##`, at the end of a line, as an item's content).
    if memchr::memchr2(0x0B, 0x0C, b).is_some() {
        return None;
    }
    let mut marks = Marks::default();
    let mut in_timeline = false;
    // The open fence: its character and length.
    let mut fence: Option<(u8, usize)> = None;
    let mut next = 0;
    while next < body.len() {
        let start = next;
        // The memchr crate's search: the standard library's was 2% of a
        // check's instructions here.
        let end = memchr::memchr(b'\n', &b[start..]).map_or(body.len(), |i| start + i);
        next = end + 1;
        let line = &body[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some((c, n)) = fence {
            if closes(line.as_bytes(), c, n) {
                fence = None;
            }
            continue;
        }
        let l = line.as_bytes();
        if l.iter().all(|&c| c == b' ' || c == b'\t') {
            continue;
        }
        match l[0] {
            b'#' => {
                let level = l.iter().take_while(|&&c| c == b'#').count();
                match l.get(level) {
                    // `#5 was the worst`: a paragraph.
                    Some(&c) if c != b' ' && c != b'\t' => continue,
                    Some(b' ') if level <= 6 => {}
                    _ => return None,
                }
                if level != 2 {
                    continue;
                }
                // Trimmed as `body::marks` trims what pulldown-cmark gives
                // (Unicode white space: a no-break space after a title).
                let title = line[level..].trim();
                if title.is_empty() || title.ends_with('#') || has_markup(title) {
                    return None;
                }
                in_timeline = is_timeline(title);
                let end = start + line.trim_end().len();
                marks.headings.push((start..end, Cow::Borrowed(title)));
            }
            b'-' => {
                let content = line.strip_prefix("- ")?;
                let first = *content.as_bytes().first()?;
                if matches!(
                    first,
                    b' ' | b'\t'
                        | b'-'
                        | b'*'
                        | b'+'
                        | b'#'
                        | b'>'
                        | b'<'
                        | b'`'
                        | b'~'
                        | b'['
                        | b'='
                        | b'_'
                        | b'|'
                        | b'\\'
                ) || ordered_marker(content.as_bytes())
                {
                    return None;
                }
                if in_timeline {
                    let text = content.trim_end_matches([' ', '\t']);
                    if has_markup(text) {
                        return None;
                    }
                    marks.items.push((start + 2, Cow::Borrowed(text)));
                }
            }
            c @ (b'`' | b'~') => {
                let n = l.iter().take_while(|&&x| x == c).count();
                // Two backticks open a code span, not a block; a backtick
                // in a backtick fence's info string makes it a paragraph.
                if n < 3 || (c == b'`' && l[n..].contains(&b'`')) {
                    return None;
                }
                fence = Some((c, n));
            }
            b' ' | b'\t' | b'>' | b'<' | b'*' | b'+' | b'_' | b'=' | b'[' | b'|' | b'\\' => {
                return None;
            }
            b'0'..=b'9' if ordered_marker(l) => return None,
            _ => {}
        }
    }
    Some(marks)
}

/// Whether `line` closes a fence of `n` characters `c`: up to three
/// spaces, at least `n` of `c`, then only white space.
fn closes(line: &[u8], c: u8, n: usize) -> bool {
    let indent = line.iter().take_while(|&&x| x == b' ').count();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let run = rest.iter().take_while(|&&x| x == c).count();
    run >= n && rest[run..].iter().all(|&x| x == b' ' || x == b'\t')
}

/// `1.` or `1)`: an ordered list item (up to nine digits).
fn ordered_marker(l: &[u8]) -> bool {
    let digits = l.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=9).contains(&digits) && matches!(l.get(digits), Some(b'.' | b')'))
}

/// Characters that may start inline markup, an entity or an escape: the
/// text CommonMark reports would differ from the line.
fn has_markup(text: &str) -> bool {
    text.bytes().any(|c| {
        matches!(
            c,
            b'`' | b'*' | b'_' | b'[' | b']' | b'!' | b'<' | b'&' | b'\\'
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::body;

    /// `Some(true)` when the plain reader took `text` and agrees with
    /// pulldown-cmark, `None` when it left it.
    fn agrees(text: &str) -> Option<bool> {
        let plain = marks(text)?;
        let cmark = body::marks(text);
        Some(plain == cmark)
    }

    const BODY: &str = "\n## Summary\n\nOn 2019-03-09, a change *broke* `storage`.\n\
        Second line of the paragraph.\n\n## Timeline\n\n\
        - 2019-03-09 20:02Z Firewall change HR-3889 applied\n\
        - 2019-03-09 20:06Z Early warning signs visible in Grafana, not acted on at all\n\
        - 2019-13-40 impossible date\n- no date here\nlazy continuation\n\n\
        ```\n2019-03-12T02:23:25Z WARN pool exhausted\n## not a heading\n```\n\n\
        ~~~~ text\n- not an item\n~~~\n~~~~\n\n### Detail\n\n#5 was the worst\n\n\
        ## Analysis   \n\nText.   \n  \n# Title\n## Lessons\n\n- One.\n- Two.\n";

    #[test]
    fn a_usual_body_is_read_as_pulldown_cmark_reads_it() {
        assert_eq!(agrees(BODY), Some(true));
        assert_eq!(agrees(&BODY.replace('\n', "\r\n")), Some(true));
        assert_eq!(agrees(""), Some(true));
        // Found by review: titles trimmed of Unicode white space.
        for text in [
            "## Timeline\u{a0}\n- 2019-01-01 x\n",
            "## \u{3000}Summary\n",
            "## Title\u{2028}\n",
        ] {
            assert_eq!(agrees(text), Some(true), "{text:?}");
        }
        let m = marks(BODY).expect("plain");
        assert_eq!(m.headings.len(), 4);
        assert_eq!(m.items.len(), 4);
    }

    #[test]
    fn anything_else_is_left_to_pulldown_cmark() {
        for text in [
            "    indented code",
            "  ## indented heading",
            "> quote",
            "<!-- comment -->",
            "* star item",
            "+ plus item",
            "1. ordered",
            "2) ordered",
            "Title\n===",
            "Title\n---",
            "- - -",
            "___",
            "[ref]: /url",
            "## Title ##",
            "## *Title*",
            "##",
            "##\tTitle",
            "####### seven",
            "-no space",
            "- ",
            "-  two spaces",
            "- # heading in item",
            "- > quote in item",
            "- 1. nested",
            "## Timeline\n- 2019-01-01 `code`",
            "## Timeline\n- 2019-01-01 &amp;",
            "``two",
            "``` a`b",
            "a\rb",
            "##\u{b}Timeline\n- 2019-01-01 x",
            "## Timeline\n- 2019-01-01 a\u{c}",
            "## Timeline\nPara\n- \u{c}",
        ] {
            assert_eq!(marks(text).map(|_| ()), None, "{text:?}");
        }
    }

    /// Lines, valid and not, joined at random: whatever the plain reader
    /// accepts, pulldown-cmark must read to the same marks.
    const PIECES: &[&str] = &[
        "## Timeline",
        "## timeline ",
        "## Summary",
        "##  Two  spaces",
        "# Title",
        "### Three",
        "#hashtag",
        "- 2019-03-09 20:02Z Firewall change applied",
        "- 2019-03-09T20:02:00+02:00 long enough to pass the forty byte mark",
        "- 2019-02-30 impossible",
        "- 2019-03-09",
        "- 2019-03-09   ",
        "- 2019-03-09 10:00 done.",
        "- 2019-03-09 Zürich — ok",
        "- plain item",
        "- item with *emphasis*",
        "- `code` first",
        "Paragraph text.",
        "Paragraph with `code` and <b>html</b> and [link](x).",
        "2019-03-09 a paragraph line",
        "",
        "   ",
        "\t",
        "```",
        "```rust",
        "````",
        "~~~",
        "  ```",
        "    indented",
        "> quote",
        "---",
        "***",
        "===",
        "1. one",
        "10) ten",
        "* star",
        "<div>",
        "[x]: /y",
        "\u{c}form feed",
        "\u{a0}## no-break space",
        "- ## heading in item",
        "## Timeline\u{a0}",
        "## \u{3000}Summary",
        "##\u{b}Timeline",
        "- 2019-01-01 a\u{c}",
        "- \u{c}",
        "- 2019-01-01 b\u{a0}",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn whatever_the_plain_reader_accepts_pulldown_cmark_reads_the_same(
            picks in proptest::collection::vec((0..PIECES.len(), proptest::bool::ANY), 0..16)
        ) {
            let text = crate::parse::examples::joined(PIECES, &picks);
            proptest::prop_assert_ne!(agrees(&text), Some(false), "{:?}", text);
        }
    }

    #[test]
    fn the_example_bodies_are_read_without_pulldown_cmark() {
        let (mut plain, mut all) = (0, 0);
        for (path, _, body) in crate::parse::examples::lessons() {
            all += 1;
            if let Some(same) = agrees(&body) {
                assert!(same, "{path}");
                plain += 1;
            }
        }
        assert!(all >= 5 && plain * 2 >= all, "{plain} of {all} plain");
    }
}

//! The front matter as nearly every lesson writes it, read without the
//! general TOML parser: bare keys, `"strings"` without escapes, `'literal
//! strings'`, arrays of those, `true`/`false`, dates and datetimes in the
//! usual forms, `[table]` and `[[array-of-tables]]` headers with a bare
//! name, comments, LF or CRLF line ends.
//!
//! Why: the TOML parser was about 60% of the time spent parsing a lesson,
//! and parsing about half of `lessons check` (docs/benchmarks.md). This
//! reader builds the same tree (`DeTable`, with the same spans), so one
//! reader of the tree serves both; on anything outside that subset
//! (escapes, numbers, inline tables, dotted or quoted keys, multi-line
//! strings, a key or table defined twice, a syntax error) it gives up and
//! the TOML parser reads the text, with its own error messages. A property
//! test checks that whatever this reader accepts, the TOML parser reads
//! to the same tree.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue};

/// The bytes of a bare key, `[A-Za-z0-9_-]`, as a table.
static BARE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        i += 1;
    }
    t
};

/// The document's tree, or `None` when the text is not in the subset (or
/// not TOML): then `DeTable::parse_recoverable` must read it.
pub(crate) fn parse(text: &str) -> Option<DeTable<'_>> {
    Reader {
        b: text.as_bytes(),
        text,
        at: 0,
    }
    .document()
}

/// How a top-level entry was made: later headers may only extend an array
/// of tables made by `[[name]]`.
#[derive(PartialEq)]
enum Made {
    Value,
    Table,
    Tables,
}

struct Reader<'i> {
    b: &'i [u8],
    text: &'i str,
    at: usize,
}

type Key<'i> = Spanned<DeString<'i>>;
type Value<'i> = Spanned<DeValue<'i>>;

impl<'i> Reader<'i> {
    fn document(mut self) -> Option<DeTable<'i>> {
        // A front matter has a few dozen top-level keys: a list is faster
        // than a map, and keeps how each entry was made.
        let mut root: Vec<(Key<'i>, Value<'i>, Made)> = Vec::new();
        // The entry the last header made or extended; `None` before any.
        let mut current: Option<usize> = None;
        loop {
            self.spaces();
            match self.peek() {
                None => break,
                Some(b'\n' | b'\r') => self.line_end()?,
                Some(b'#') => self.line_end()?,
                Some(b'[') => {
                    let start = self.at;
                    let many = self.b.get(start + 1) == Some(&b'[');
                    self.at += 1 + usize::from(many);
                    let key = self.bare_key()?;
                    self.expect(b']')?;
                    if many {
                        self.expect(b']')?;
                    }
                    let header = start..self.at;
                    self.line_end()?;
                    let table = Spanned::new(header.clone(), DeValue::Table(DeTable::new()));
                    let found = root
                        .iter()
                        .position(|(k, _, _)| k.get_ref() == key.get_ref());
                    current = Some(match found {
                        None if many => {
                            let mut tables = DeArray::new();
                            tables.push(table);
                            let tables = Spanned::new(header, DeValue::Array(tables));
                            root.push((key, tables, Made::Tables));
                            root.len() - 1
                        }
                        None => {
                            root.push((key, table, Made::Table));
                            root.len() - 1
                        }
                        Some(i) if many && root[i].2 == Made::Tables => {
                            let DeValue::Array(tables) = root[i].1.get_mut() else {
                                return None;
                            };
                            tables.push(table);
                            i
                        }
                        Some(_) => return None,
                    });
                }
                Some(_) => {
                    let key = self.bare_key()?;
                    self.spaces();
                    self.expect(b'=')?;
                    self.spaces();
                    let value = self.value()?;
                    self.line_end()?;
                    match current {
                        None => {
                            if root.iter().any(|(k, _, _)| k.get_ref() == key.get_ref()) {
                                return None;
                            }
                            root.push((key, value, Made::Value));
                        }
                        Some(i) => {
                            let table = match root[i].1.get_mut() {
                                DeValue::Table(t) => t,
                                DeValue::Array(tables) => match tables.last_mut()?.get_mut() {
                                    DeValue::Table(t) => t,
                                    _ => return None,
                                },
                                _ => return None,
                            };
                            if table.insert(key, value).is_some() {
                                return None;
                            }
                        }
                    }
                }
            }
        }
        let mut table = DeTable::new();
        for (key, value, _) in root {
            table.insert(key, value);
        }
        Some(table)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// Spaces and tabs (TOML's white space).
    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// The end of a line: white space, a comment, then LF, CRLF or the
    /// end of the text.
    fn line_end(&mut self) -> Option<()> {
        self.spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(b'\r') if self.b.get(self.at + 1) == Some(&b'\n') => {
                self.at += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// A comment up to (not including) its line end; a control character
    /// in it is left to the TOML parser to judge.
    fn comment(&mut self) -> Option<()> {
        while let Some(&c) = self.b.get(self.at) {
            match c {
                b'\n' | b'\r' => return Some(()),
                b'\t' => {}
                0..=0x1F | 0x7F => return None,
                _ => {}
            }
            self.at += 1;
        }
        Some(())
    }

    /// White space, line ends and comments inside an array.
    fn array_gap(&mut self) -> Option<()> {
        loop {
            self.spaces();
            match self.peek() {
                Some(b'\n' | b'\r' | b'#') => self.line_end()?,
                _ => return Some(()),
            }
        }
    }

    fn bare_key(&mut self) -> Option<Key<'i>> {
        let start = self.at;
        self.at += self.b[start..]
            .iter()
            .position(|&c| !BARE[usize::from(c)])
            .unwrap_or(self.b.len() - start);
        (self.at > start)
            .then(|| Spanned::new(start..self.at, Cow::Borrowed(&self.text[start..self.at])))
    }

    /// Where a date, time or number that starts at `from` ends.
    fn token_end(&self, from: usize) -> usize {
        from + self.b[from..]
            .iter()
            .take_while(|&&c| {
                c.is_ascii_alphanumeric() || matches!(c, b':' | b'.' | b'+' | b'-' | b'_')
            })
            .count()
    }

    fn value(&mut self) -> Option<Value<'i>> {
        let start = self.at;
        let value = match self.peek()? {
            quote @ (b'"' | b'\'') => {
                // `"""` or `'''` opens a multi-line string.
                if self.b.get(start + 1) == Some(&quote) && self.b.get(start + 2) == Some(&quote) {
                    return None;
                }
                self.at += 1;
                // The closing quote, or a backslash that opens an escape;
                // then no control character before it (they are rare: one
                // vectorised pass over the string rather than a test per
                // byte).
                let rest = &self.b[self.at..];
                let len = if quote == b'"' {
                    memchr::memchr2(quote, b'\\', rest)?
                } else {
                    memchr::memchr(quote, rest)?
                };
                let control = rest[..len].iter().fold(false, |any, &c| {
                    any | ((c < 0x20 && c != b'\t') | (c == 0x7F))
                });
                self.at += len;
                if control || self.b[self.at] != quote {
                    return None;
                }
                self.at += 1;
                DeValue::String(Cow::Borrowed(&self.text[start + 1..self.at - 1]))
            }
            b'[' => {
                self.at += 1;
                let mut items = DeArray::new();
                loop {
                    self.array_gap()?;
                    if self.peek()? == b']' {
                        break;
                    }
                    if matches!(self.peek()?, b'[' | b'{') {
                        return None;
                    }
                    items.push(self.value()?);
                    self.array_gap()?;
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => break,
                        _ => return None,
                    }
                }
                self.at += 1;
                DeValue::Array(items)
            }
            b't' if self.b[start..].starts_with(b"true") => {
                self.at += 4;
                DeValue::Boolean(true)
            }
            b'f' if self.b[start..].starts_with(b"false") => {
                self.at += 5;
                DeValue::Boolean(false)
            }
            b'0'..=b'9' => {
                self.at = self.token_end(start);
                // `2024-05-01 10:00:00Z`: a space may separate date and time.
                if self.at - start == 10
                    && self.peek() == Some(b' ')
                    && self.b.get(self.at + 1).is_some_and(u8::is_ascii_digit)
                {
                    self.at = self.token_end(self.at + 1);
                }
                let token = &self.text[start..self.at];
                if is_usual_datetime(token.as_bytes()) {
                    DeValue::Datetime(match plain_datetime(token.as_bytes()) {
                        Some(datetime) => datetime,
                        None => token.parse().ok()?,
                    })
                } else if is_plain_integer(token.as_bytes()) {
                    // An integer's fields are the parser's own: it reads
                    // the digits (a few, as in `cost_eur = 128294`).
                    DeValue::parse(token).ok()?.into_inner()
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        // A scalar runs into the next token (`truex`): not in the subset.
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            return None;
        }
        Some(Spanned::new(start..self.at, value))
    }
}

/// A datetime of the usual forms (`is_usual_datetime`) without a
/// fraction, built directly when every field is plainly in range (a day
/// up to 28); `None` leaves the rest to `toml_datetime`'s parser, which
/// knows month lengths and leap years.
fn plain_datetime(t: &[u8]) -> Option<toml::value::Datetime> {
    use toml::value::{Date, Datetime, Offset, Time};
    let n = |at: usize| u16::from(t[at] - b'0') * 10 + u16::from(t[at + 1] - b'0');
    let (month, day) = (n(5) as u8, n(8) as u8);
    if !(1..=12).contains(&month) || !(1..=28).contains(&day) {
        return None;
    }
    let date = Some(Date {
        year: n(0) * 100 + n(2),
        month,
        day,
    });
    if t.len() == 10 {
        return Some(Datetime {
            date,
            time: None,
            offset: None,
        });
    }
    let (hour, minute, second) = (n(11) as u8, n(14) as u8, n(17) as u8);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = match &t[19..] {
        [] => None,
        [b'Z'] => Some(Offset::Z),
        [sign @ (b'+' | b'-'), ..] if t.len() == 25 => {
            let (h, m) = (n(20), n(23));
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = (h * 60 + m) as i16;
            Some(Offset::Custom {
                minutes: if *sign == b'-' { -minutes } else { minutes },
            })
        }
        _ => return None,
    };
    Some(Datetime {
        date,
        time: Some(Time {
            hour,
            minute,
            second: Some(second),
            nanosecond: None,
        }),
        offset,
    })
}

/// Decimal digits, no sign, no `_`, no leading zero: the integers lessons
/// write.
fn is_plain_integer(t: &[u8]) -> bool {
    !t.is_empty()
        && t.len() <= 18
        && t.iter().all(u8::is_ascii_digit)
        && (t[0] != b'0' || t.len() == 1)
}

/// `YYYY-MM-DD`, optionally followed by `THH:MM:SS` (or a space for `T`), a fraction, and `Z`
/// or `±HH:MM`: the forms lessons use. Others (a time alone, a lowercase
/// `t`, no seconds) are left to the TOML parser.
fn is_usual_datetime(t: &[u8]) -> bool {
    let digits = |r: Range<usize>| t.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let date = t.len() >= 10
        && digits(0..4)
        && t[4] == b'-'
        && digits(5..7)
        && t[7] == b'-'
        && digits(8..10);
    if !date {
        return false;
    }
    if t.len() == 10 {
        return true;
    }
    let time = t.len() >= 19
        && matches!(t[10], b'T' | b' ')
        && digits(11..13)
        && t[13] == b':'
        && digits(14..16)
        && t[16] == b':'
        && digits(17..19);
    if !time {
        return false;
    }
    let mut rest = &t[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether two trees are equal, spans and string forms included.
    fn same(a: &Value, b: &Value) -> bool {
        if a.span() != b.span() {
            return false;
        }
        match (a.get_ref(), b.get_ref()) {
            (DeValue::String(x), DeValue::String(y)) => x == y,
            (DeValue::Boolean(x), DeValue::Boolean(y)) => x == y,
            (DeValue::Integer(x), DeValue::Integer(y)) => {
                x.as_str() == y.as_str() && x.radix() == y.radix()
            }
            (DeValue::Datetime(x), DeValue::Datetime(y)) => x == y,
            (DeValue::Array(x), DeValue::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| same(x, y))
            }
            (DeValue::Table(x), DeValue::Table(y)) => same_table(x, y),
            _ => false,
        }
    }

    fn same_table(x: &DeTable, y: &DeTable) -> bool {
        x.len() == y.len()
            && x.iter().zip(y.iter()).all(|((kx, vx), (ky, vy))| {
                kx.span() == ky.span() && kx.get_ref() == ky.get_ref() && same(vx, vy)
            })
    }

    /// Reads `text` both ways: `Some(true)` when the plain reader took it
    /// and agrees with the TOML parser, `None` when it left it.
    fn agrees(text: &str) -> Option<bool> {
        let plain = parse(text)?;
        let (toml, errors) = DeTable::parse_recoverable(text);
        Some(errors.is_empty() && same_table(&plain, toml.get_ref()))
    }

    const LESSON: &str = r#"id = "LL-2019-001462"
title = "Switch firmware upgrade dropped the storage network"
status = "final"
occurred = 2019-03-09T20:02:00Z
detected = 2019-03-09T20:45:00.250+02:00
contained = 2019-03-09T21:52:00
reviewed = 2019-03-31
systems = ["storage-network"]
teams = [ ]
tags = [
  "network", # the switch
  'literal\path',
]
  indented	= "tab before the equals sign"   # and a comment
empty = ""
flag = true
other = false
count = 128294
zero = 0
spaced = 2019-11-11 02:46:00Z
unicode = "Zürich — 東京"

[extra]
note = "free-form"

[[causes]]
category = "governance-weakness"
key = "manual-change-without-review"

[[causes]]

[[actions]]
summary = "Review similar systems"
due = 2019-04-13
"#;

    #[test]
    fn a_usual_front_matter_is_read_as_the_toml_parser_reads_it() {
        assert_eq!(agrees(LESSON), Some(true));
        assert_eq!(agrees(&LESSON.replace('\n', "\r\n")), Some(true));
        assert_eq!(agrees(""), Some(true));
        assert_eq!(agrees("# only a comment"), Some(true));
    }

    #[test]
    fn anything_else_is_left_to_the_toml_parser() {
        for text in [
            "a = \"with \\\" escape\"",
            "a = \"\"\"multi\nline\"\"\"",
            "a = '''multi'''",
            "a = 1.5",
            "a = 01",
            "a = 1_000",
            "a = -1",
            "a = { b = 1 }",
            "a = [[1], [2]]",
            "a.b = \"dotted\"",
            "\"quoted\" = 1",
            "a = \"x\"\na = \"y\"",
            "[t]\n[t]",
            "[t]\n[[t]]",
            "[[t]]\n[t]",
            "t = []\n[[t]]",
            "[t.u]",
            "[ t ]",
            "a = 2024-05-01  10:00:00Z",
            "a = 2024-05-01t10:00:00Z",
            "a = 2024-05-01T10:00Z",
            "a = 10:00:00",
            "a = 2024-13-01",
            "a = truex",
            "a = \"x\" b = \"y\"",
            "a = \"tab\u{1}control\"",
            "a = \"x\" # bell \u{7}",
            "a = \"bare\rcr\"",
            "a = \"x\"\rb = \"y\"",
            "a = \"unterminated",
            "a =",
            "= \"no key\"",
            "a: yaml",
        ] {
            assert_eq!(parse(text).map(|_| ()), None, "{text:?}");
        }
    }

    /// Every date and datetime built directly equals `toml_datetime`'s.
    #[test]
    fn plain_datetimes_are_the_parsers() {
        let mut built = 0;
        for (year, month, day) in [
            (2024, 0, 1),
            (2024, 1, 0),
            (2024, 2, 28),
            (2023, 2, 28),
            (1, 12, 28),
            (9999, 13, 28),
            (2024, 6, 15),
        ] {
            for time in [
                "",
                "T00:00:00",
                " 23:59:59",
                "T24:00:00",
                "T12:60:00",
                "T12:00:60",
                "T05:06:07",
            ] {
                for offset in [
                    "", "Z", "+00:00", "-00:00", "+23:59", "-05:30", "+24:00", "+05:60",
                ] {
                    if time.is_empty() && !offset.is_empty() {
                        continue;
                    }
                    let text = format!("{year:04}-{month:02}-{day:02}{time}{offset}");
                    assert!(is_usual_datetime(text.as_bytes()), "{text}");
                    if let Some(plain) = plain_datetime(text.as_bytes()) {
                        assert_eq!(Some(plain), text.parse().ok(), "{text}");
                        built += 1;
                    }
                }
            }
        }
        assert!(built >= 70, "{built}");
    }

    /// Pieces of front matter, valid and not, joined at random: whatever
    /// the plain reader accepts, the TOML parser must read to the same tree.
    const PIECES: &[&str] = &[
        "id = \"LL-1\"",
        "title = 'T'",
        "title = \"T\"",
        "t = \"\"",
        "t = \"a\\tb\"",
        "tags = [\"a\", 'b',]",
        "tags = [\n\"a\" , # c\n\n'b'\n]",
        "tags = []",
        "tags = [,]",
        "tags = [\"a\" \"b\"]",
        "d = 2024-02-30",
        "d = 2024-02-29T23:59:60Z",
        "d = 2024-02-29T24:00:00Z",
        "d = 2024-01-01T00:00:00.5-00:00",
        "d = 2024-01-01T00:00:00+25:00",
        "d = 0000-00-00",
        "d = 2024-01-01T",
        "b = true",
        "b = false ",
        "b = True",
        "n = 3",
        "n = 0",
        "n = 007",
        "n = 99999999999999999999",
        "n = 123abc",
        "d = 2024-01-01 00:00:00Z",
        "d = 2024-12-28T23:59:59-23:59",
        "d = 2024-01-28T00:00:00+00:00",
        "d = 2024-01-28T00:00:00-00:00",
        "d = 2023-02-29",
        "d = 2024-02-29",
        "d = 2024-04-31",
        "d = 2024-01-01T00:00:00+24:00",
        "d = 2024-01-01T00:60:00Z",
        "d = 2024-01-01T23:59:60",
        "d = 9999-12-31T23:59:59.999999999Z",
        "d = 0001-01-01 00:00:00+01:30",
        "d = 2024-01-01 ",
        "d = 2024-01-01 00:00",
        "d = 2024-01-01 x",
        "x.y = 1",
        "[extra]",
        "[extra] # c",
        "[[causes]]",
        "[[actions]]",
        "[[causes]] x",
        "[causes]",
        "key = \"k\"",
        "summary = \"s\"",
        "# comment",
        "   ",
        "\t# tab",
        "a = \"x\"#c",
        "ü = \"non-ASCII key\"",
        "a = \"x\" \r",
        "a-b_C9 = \"k\"",
        "a = [\"x\",\n# c\n]",
        "a = [\"x\"\n,\"y\"]",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn whatever_the_plain_reader_accepts_the_toml_parser_reads_the_same(
            picks in proptest::collection::vec((0..PIECES.len(), proptest::bool::ANY), 0..12)
        ) {
            let text = crate::parse::examples::joined(PIECES, &picks);
            proptest::prop_assert_ne!(agrees(&text), Some(false), "{:?}", text);
        }
    }

    #[test]
    fn the_examples_are_read_without_the_toml_parser() {
        let mut read = 0;
        for (path, toml, _) in crate::parse::examples::lessons() {
            assert_eq!(agrees(&toml), Some(true), "{path}: {toml}");
            read += 1;
        }
        assert!(read >= 5, "{read} examples");
    }
}

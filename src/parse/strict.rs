//! What the TOML parser lets through: it keeps numbers as text and
//! converts them only when a value is read, so `x = 0x` or an integer too
//! large for 64 bits under a key nothing reads would pass. Walks every
//! value of a parsed document and reports such numbers, and any carriage
//! return not followed by a line feed (TOML allows CR only in CRLF).

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Appends (TOML-relative span, message) for each value of `table` that
/// TOML 1.0 does not allow, and for each bare carriage return of `text`.
pub fn check(text: &str, table: &DeTable, out: &mut Vec<(Range<usize>, String)>) {
    for at in memchr::memchr_iter(b'\r', text.as_bytes()) {
        if text.as_bytes().get(at + 1) != Some(&b'\n') {
            out.push((
                at..at + 1,
                "a carriage return must be followed by a line feed (bare CR)".into(),
            ));
        }
    }
    for (_, value) in table.iter() {
        value_problems(value, out);
    }
}

fn value_problems(value: &Spanned<DeValue>, out: &mut Vec<(Range<usize>, String)>) {
    match value.get_ref() {
        DeValue::Integer(i) => {
            if i64::from_str_radix(i.as_str(), i.radix()).is_err() {
                let digits = i.as_str().trim_start_matches(['+', '-']);
                let message = if digits.is_empty() {
                    format!(
                        "incomplete integer: `{}` has no digits",
                        radix_prefix(i.radix())
                    )
                } else if !digits.chars().all(|c| c.is_digit(i.radix())) {
                    "invalid integer: digits are ASCII `0`-`9` (and `a`-`f` in hexadecimal)".into()
                } else {
                    "integer out of range: TOML integers are 64-bit signed".into()
                };
                out.push((value.span(), message));
            }
        }
        DeValue::Float(f) => {
            let s = f.as_str();
            let ascii = s
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E' | '_'));
            let special = matches!(s.trim_start_matches(['+', '-']), "inf" | "nan");
            if !special && (!ascii || s.parse::<f64>().is_err()) {
                out.push((value.span(), "invalid float".into()));
            }
        }
        DeValue::Array(items) => {
            for item in items.iter() {
                value_problems(item, out);
            }
        }
        DeValue::Table(table) => {
            for (_, value) in table.iter() {
                value_problems(value, out);
            }
        }
        DeValue::String(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {}
    }
}

fn radix_prefix(radix: u32) -> &'static str {
    match radix {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => "the number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(doc: &str) -> Vec<String> {
        let (table, errors) = DeTable::parse_recoverable(doc);
        if !errors.is_empty() {
            return vec!["parser".into()];
        }
        let mut out = Vec::new();
        check(doc, table.get_ref(), &mut out);
        out.into_iter().map(|(_, m)| m).collect()
    }

    #[test]
    fn lazily_read_numbers_are_checked() {
        for doc in ["a = 0b", "a = 0o", "a = 0x", "[t]\nb = [1, 0x]"] {
            assert_eq!(problems(doc).len(), 1, "{doc}");
        }
        assert_eq!(problems("a = 9223372036854775808").len(), 1);
        for doc in [
            "a = 0b101",
            "a = 0o17",
            "a = 0xdead_BEEF",
            "a = -9223372036854775808",
            "a = +1_000",
            "a = 1.5e-3",
            "a = -inf",
            "a = nan",
            "a = 1\r\nb = 2\r\n",
        ] {
            assert_eq!(problems(doc), Vec::<String>::new(), "{doc}");
        }
    }
}

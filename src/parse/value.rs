//! Typed reads from a spanned TOML tree, shared by the front matter and
//! `lessons.toml`. Each read that fails records a `wrong-type` finding and
//! returns `None`, so one bad value never hides the next.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::diagnostic::{Diagnostic, LineIndex, Rule, suggest};
use crate::lesson::{Moment, Sp, Strings};

/// Where a TOML document sits in its file, and the findings so far.
pub struct Reader<'l, 'a> {
    /// Byte offset of the TOML text in the file.
    pub base: usize,
    pub lines: &'l LineIndex<'a>,
    pub diagnostics: Vec<Diagnostic>,
    /// The rule used for unknown keys and wrong types (lessons.toml reports
    /// them all as `config-invalid`).
    pub unknown_rule: Rule,
    pub type_rule: Rule,
    /// Names the table being read in messages ("cause ", "action ").
    pub prefix: &'static str,
}

pub type Entry<'i> = (&'i Spanned<DeString<'i>>, &'i Spanned<DeValue<'i>>);

impl<'l, 'a> Reader<'l, 'a> {
    pub fn new(base: usize, lines: &'l LineIndex<'a>) -> Self {
        Reader {
            base,
            lines,
            diagnostics: Vec::new(),
            unknown_rule: Rule::UnknownKey,
            type_rule: Rule::WrongType,
            prefix: "",
        }
    }

    /// How a key is named in messages. Built only when a message is, so the
    /// common path (a valid value) allocates nothing for it.
    fn describe(&self, key: &str) -> String {
        format!("{}`{key}`", self.prefix)
    }

    /// A TOML-relative span as a file span.
    pub fn span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.base..span.end + self.base
    }

    pub fn report(
        &mut self,
        rule: Rule,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::new(rule, self.lines, self.span(span), message);
        self.diagnostics.push(d);
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// A value outside its list: `lead` (what the value is not), the list,
    /// and the nearest name as a suggestion.
    pub fn not_one_of<'k>(
        &mut self,
        rule: Rule,
        span: Range<usize>,
        lead: String,
        value: &str,
        known: impl Iterator<Item = &'k str> + Clone,
    ) {
        let list: Vec<&str> = known.clone().collect();
        let d = self.report(rule, span, format!("{lead}: one of {}", list.join(", ")));
        d.help = suggest(value, known).map(|n| format!("did you mean \"{n}\"?"));
    }

    fn wrong_type(&mut self, what: &str, expected: &str, value: &Spanned<DeValue>) {
        let found = type_name(value.get_ref());
        let rule = self.type_rule;
        let d = self.report(
            rule,
            value.span(),
            format!("{what} must be {expected}, found {found}"),
        );
        d.label = Some(format!("expected {expected}"));
        d.help = Some(rule.help().into());
    }

    /// An `unknown-key` finding, with a suggestion among `known`.
    pub fn unknown_key(&mut self, key: &Spanned<DeString>, known: &[&str], place: &str) {
        let name = key.get_ref().as_ref();
        let rule = self.unknown_rule;
        let help = match suggest(name, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if place == "the front matter" => {
                "free-form data belongs under an `[extra]` table".to_string()
            }
            None => format!("known keys: {}", known.join(", ")),
        };
        let d = self.report(rule, key.span(), format!("unknown key `{name}` in {place}"));
        d.label = Some("not a key of the format".into());
        d.help = Some(help);
    }

    pub fn string(&mut self, key: &str, value: &Spanned<DeValue>) -> Option<Sp<String>> {
        match value.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), self.span(value.span()))),
            _ => {
                let what = self.describe(key);
                self.wrong_type(&what, "a string", value);
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str, value: &Spanned<DeValue>) -> Option<Sp<bool>> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, self.span(value.span()))),
            _ => {
                let what = self.describe(key);
                self.wrong_type(&what, "a boolean (true or false)", value);
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str, value: &Spanned<DeValue>) -> Option<Sp<i64>> {
        let what = self.describe(key);
        match value.get_ref() {
            DeValue::Integer(i) => {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some(Sp::new(n, self.span(value.span()))),
                    Err(_) => {
                        let rule = self.type_rule;
                        self.report(rule, value.span(), format!("{what} is out of range"));
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(&what, "an integer", value);
                None
            }
        }
    }

    /// An array of strings; elements of another type are reported and left out.
    pub fn strings(&mut self, key: &str, value: &Spanned<DeValue>) -> Option<Strings> {
        let DeValue::Array(items) = value.get_ref() else {
            let what = self.describe(key);
            self.wrong_type(&what, "an array of strings", value);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Sp::new(s.to_string(), self.span(item.span()))),
                _ => {
                    let what = format!("each item of {}", self.describe(key));
                    self.wrong_type(&what, "a string", item);
                }
            }
        }
        Some(Sp::new(out, self.span(value.span())))
    }

    /// A TOML date or datetime (offset, local or bare date).
    pub fn moment(&mut self, key: &str, value: &Spanned<DeValue>) -> Option<Sp<Moment>> {
        let span = self.span(value.span());
        let DeValue::Datetime(dt) = value.get_ref() else {
            if let DeValue::String(s) = value.get_ref() {
                // A quoted date is the commonest mistake: say how to write it.
                let rule = self.type_rule;
                let what = self.describe(key);
                let d = self.report(
                    rule,
                    value.span(),
                    format!("{what} must be a TOML date or datetime, found a string"),
                );
                d.label = Some("expected a date, not a string".into());
                d.help = Some(format!("remove the quotes: {key} = {s}"));
                return None;
            }
            let what = self.describe(key);
            self.wrong_type(&what, "a date or datetime", value);
            return None;
        };
        match moment_from_toml(dt) {
            Ok(m) => Some(Sp::new(m, span)),
            Err(problem) => {
                let rule = if dt.date.is_none() {
                    self.type_rule
                } else {
                    Rule::InvalidValue
                };
                let what = self.describe(key);
                self.report(rule, value.span(), format!("{what} {problem}"));
                None
            }
        }
    }

    /// The entries of a table, checking each key against `known`.
    pub fn known_entries<'i>(
        &mut self,
        table: &'i DeTable<'i>,
        known: &[&str],
        place: &str,
    ) -> Vec<(&'i str, &'i Spanned<DeValue<'i>>)> {
        let mut out = Vec::with_capacity(table.len());
        for (key, value) in table.iter() {
            let name: &str = key.get_ref().as_ref();
            if known.contains(&name) {
                out.push((name, value));
            } else {
                self.unknown_key(key, known, place);
            }
        }
        out
    }
}

/// Converts a TOML datetime to a UTC instant, per the contract: a date is
/// 00:00 UTC, a local datetime is UTC, an offset datetime is converted.
pub fn moment_from_toml(dt: &toml::value::Datetime) -> Result<Moment, String> {
    let Some(date) = dt.date else {
        return Err("must be a date or datetime, found a time of day without a date".into());
    };
    let civil = jiff::civil::Date::new(date.year as i16, date.month as i8, date.day as i8)
        .map_err(|_| format!("is not a valid calendar date ({dt})"))?;
    let (time, has_time) = match dt.time {
        Some(t) => (
            jiff::civil::Time::new(
                t.hour as i8,
                t.minute as i8,
                t.second.unwrap_or(0) as i8,
                t.nanosecond.unwrap_or(0) as i32,
            )
            .map_err(|_| format!("has an invalid time of day ({dt})"))?,
            true,
        ),
        None => (jiff::civil::Time::midnight(), false),
    };
    let offset = match dt.offset {
        Some(toml::value::Offset::Custom { minutes }) => {
            jiff::tz::Offset::from_seconds(i32::from(minutes) * 60)
                .map_err(|_| format!("has an invalid UTC offset ({dt})"))?
        }
        _ => jiff::tz::Offset::UTC,
    };
    let utc = offset
        .to_timestamp(civil.to_datetime(time))
        .map_err(|_| format!("is out of range ({dt})"))?;
    Ok(Moment { utc, has_time })
}

/// How a TOML type is named in messages.
pub fn type_name(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(dt) if dt.date.is_none() => "a time of day",
        DeValue::Datetime(dt) if dt.time.is_none() => "a date",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

//! `personal-data` (warning): personal data in the lesson text: an e-mail
//! address, a phone number, a payment card number (Luhn-checked), a US
//! social security number, an IBAN (mod-97-checked), a public IP address
//! (the detector of `sensitive::personal`, its table in docs/security.md).
//!
//! Why: a lesson is read far more widely than the incident ticket; the
//! victim's address, the customer's card number or the attacker's IP do
//! not help the next reader and make the lesson itself a data-protection
//! problem.
//!
//! Fix: describe people and systems by role; where a value must stay (a
//! company's role address), allow its domain in `lessons.toml`
//! (`[personal_data] allowed_domains`), switch a kind off
//! (`ignore_kinds`), or accept the finding after review (an inline
//! `lessons:allow personal-data` comment, or `.lessons-allow`).
//!
//! Documentation ranges (RFC 5737, RFC 3849), private addresses,
//! `example.com`-style domains, test card numbers and other documented
//! examples never fire. Checked on the whole file, front matter and body
//! alike, before the file is parsed; the finding shows the value masked.
//! Documented with real output in docs/format.md#personal-data; fixtures
//! in tests/fixtures/rules/personal-data/.

use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::sensitive::{fingerprint, mask, personal};

/// The personal data of `text` as findings (masked), and how many inline
/// comments accepted.
pub(crate) fn check(text: &str, options: &personal::Options) -> (Vec<Diagnostic>, usize) {
    let found = personal::find(text, options);
    if found.is_empty() {
        return (Vec::new(), 0);
    }
    let lines = &LineIndex::new(text);
    let mut out = Vec::with_capacity(found.len());
    let mut allowed = 0;
    for f in found {
        if crate::allowlist::allowed_inline(text, f.span.start, Rule::PersonalData.name()) {
            allowed += 1;
            continue;
        }
        let value = &text[f.span.clone()];
        let mut d = Diagnostic::new(
            Rule::PersonalData,
            lines,
            f.span.clone(),
            format!(
                "{} in the lesson: `{}` ({})",
                capitalised(f.kind.description()),
                mask(value),
                f.kind.name()
            ),
        );
        d.label = Some(format!("{}: describe it by role", f.kind.name()));
        d.help = Some(Rule::PersonalData.help().into());
        d.fingerprint = Some(fingerprint(Rule::PersonalData.name(), value));
        out.push(d);
    }
    (out, allowed)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

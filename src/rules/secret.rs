//! `secret` (error): a credential in the lesson text: an API key, a
//! token, a private key, a password in a URL or an assignment (the
//! credential table of `sensitive::secrets`, in docs/security.md).
//!
//! Why: lessons are pushed, shared and copied into pull-request comments
//! and reports; git keeps every version. A credential pasted into a
//! timeline is a second incident.
//!
//! Fix: remove it (describe it instead: "the AWS key of the CI user"),
//! rotate the credential, and purge it from history if it was pushed.
//!
//! Checked on the whole file, front matter and body alike (in code blocks
//! and URLs too), before the file is parsed. Every finding shows the
//! secret masked (`AKIA****`), and the file's other findings and source
//! lines are masked too. Documented with real output in
//! docs/format.md#secret; fixtures in tests/fixtures/rules/secret/.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::sensitive::{fingerprint, mask, secrets};

/// The secrets of `text` as findings (masked), each with the fingerprint
/// `.lessons-allow` knows it by, and the byte ranges of every secret
/// (those accepted by an inline `lessons:allow secret` comment too, since
/// they are masked all the same); the second count is how many findings
/// inline comments accepted.
pub(crate) fn check(text: &str) -> (Vec<Diagnostic>, Vec<Range<usize>>, usize) {
    let found = secrets::detector().find(text);
    if found.is_empty() {
        return (Vec::new(), Vec::new(), 0);
    }
    // Lines are indexed only for a file with secrets (rare).
    let lines = &LineIndex::new(text);
    let mut out = Vec::with_capacity(found.len());
    let mut spans = Vec::with_capacity(found.len());
    let mut allowed = 0;
    for f in found {
        spans.push(f.span.clone());
        if crate::allowlist::allowed_inline(text, f.span.start, Rule::Secret.name()) {
            allowed += 1;
            continue;
        }
        let secret = &text[f.span.clone()];
        let mut d = Diagnostic::new(
            Rule::Secret,
            lines,
            f.span.clone(),
            format!(
                "{} in the lesson: `{}` ({})",
                f.description,
                mask(secret),
                f.rule
            ),
        );
        d.label = Some("rotate it first, then remove it from history".into());
        d.help = Some(Rule::Secret.help().into());
        d.fingerprint = Some(fingerprint(Rule::Secret.name(), secret));
        out.push(d);
    }
    (out, spans, allowed)
}

/// Masks the secrets at `spans` of `text` wherever the other findings
/// quote them (a value in a message, a label).
pub(crate) fn mask_quotes(diagnostics: &mut [Diagnostic], text: &str, spans: &[Range<usize>]) {
    for span in spans {
        let Some(secret) = text.get(span.clone()) else {
            continue;
        };
        let masked = mask(secret);
        let hide = |s: &mut String| {
            if s.contains(secret) {
                *s = s.replace(secret, &masked);
            }
        };
        for d in diagnostics.iter_mut() {
            hide(&mut d.message);
            if let Some(label) = &mut d.label {
                hide(label);
            }
            if let Some(help) = &mut d.help {
                hide(help);
            }
            for c in &mut d.context {
                hide(&mut c.message);
            }
        }
    }
}

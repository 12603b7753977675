//! `unknown-related` (error): `related` names an id no lesson has, or the lesson's own id.
//!
//! Why: A broken link between lessons hides the history a reader was pointed
//! to.
//!
//! Fix: fix the id (a one-character slip is suggested), or remove it.
//!
//! Documented with real output in docs/format.md#unknown-related; fixtures in
//! tests/fixtures/rules/unknown-related/.

use super::*;

pub(super) fn check(
    sites: &[&IdSite],
    report_on: &impl Fn(&str) -> bool,
    first: &Ids,
    out: &mut Vec<Diagnostic>,
) {
    for &site in sites {
        if site.related.is_empty() || !report_on(&site.path) {
            continue;
        }
        let own = site.id.as_ref().map(|i| i.value.as_str());
        for r in &site.related {
            let known = first.contains_key(r.value.as_str());
            let is_self = own == Some(r.value.as_str());
            if known && !is_self {
                continue;
            }
            let message = if is_self {
                format!("`related` names this lesson's own id \"{}\"", r.value)
            } else {
                format!("`related` names \"{}\", but no lesson has that id", r.value)
            };
            let mut d = Diagnostic::unresolved(Rule::UnknownRelated, r.span.clone(), message);
            d.path = site.path.clone();
            d.label = Some(if is_self { "this lesson" } else { "unknown id" }.into());
            // Ids look alike by design: only suggest a one-character slip.
            let close = one_slip_away(&r.value, |id| Some(id) != own && first.contains_key(id));
            d.help = Some(match close.filter(|_| !is_self) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "fix the id, or remove it from `related`".into(),
            });
            out.push(d);
        }
    }
}

/// The smallest id that `known` accepts among those one typing slip from
/// `id` (a character changed, dropped, added, or two swapped). Looks up a
/// few hundred variants instead of comparing with every id: with 100,000
/// lessons, comparing was most of the run time.
fn one_slip_away(id: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.";
    let chars: Vec<char> = id.chars().collect();
    let mut found: Option<String> = None;
    let mut consider = |candidate: Vec<char>| {
        let candidate: String = candidate.into_iter().collect();
        if candidate != id && known(&candidate) && found.as_ref().is_none_or(|f| candidate < *f) {
            found = Some(candidate);
        }
    };
    for i in 0..chars.len() {
        let mut v = chars.clone();
        v.remove(i);
        consider(v);
        if i + 1 < chars.len() {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            consider(v);
        }
        for c in ALPHABET.chars() {
            let mut v = chars.clone();
            v[i] = c;
            consider(v);
        }
    }
    for i in 0..=chars.len() {
        for c in ALPHABET.chars() {
            let mut v = chars.clone();
            v.insert(i, c);
            consider(v);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_slip_suggestions() {
        let ids = ["LL-2023-031", "LL-2023-013", "LL-2024-001"];
        let known = |id: &str| ids.contains(&id);
        assert_eq!(
            super::one_slip_away("LL-2023-301", known).as_deref(),
            Some("LL-2023-031")
        );
        assert_eq!(
            super::one_slip_away("LL-2023-31", known).as_deref(),
            Some("LL-2023-031")
        );
        assert_eq!(
            super::one_slip_away("LL-2024-0001", known).as_deref(),
            Some("LL-2024-001")
        );
        assert_eq!(super::one_slip_away("LL-2099-999", known), None);
    }
}

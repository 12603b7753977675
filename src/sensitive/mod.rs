//! Sensitive content in lesson text: credentials ([`secrets`]), personal
//! data ([`personal`]), and how to
//! show a finding without repeating it ([`mask`]).
//!
//! Incident write-ups are where credentials leak: a responder pastes the
//! leaked key into the timeline. Everything that prints lesson text masks
//! what this module finds.

pub mod personal;
pub mod secrets;

/// `secret` masked for output: at most its first 4 characters kept (fewer
/// for a short one), every other character replaced by as many `*` as it
/// has UTF-8 bytes, so byte offsets into a masked text stay valid.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = if n >= 16 { 4 } else { n / 4 };
    let mut out = String::with_capacity(secret.len());
    for (i, c) in secret.chars().enumerate() {
        if i < keep {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        }
    }
    out
}

/// A fingerprint of the text a sensitive-content rule matched: 16 hex
/// digits of SHA-256 over the rule and the match. `.lessons-allow` stores
/// it instead of the match, so the file that accepts a finding does not
/// repeat it; a cryptographic hash, because the input is a secret.
pub fn fingerprint(rule: &str, matched: &str) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"lessons-allow\0");
    hasher.update(rule.as_bytes());
    hasher.update(b"\0");
    hasher.update(matched.as_bytes());
    let digest = hasher.finalize();
    let mut out = String::with_capacity(16);
    for byte in &digest[..8] {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// `text` with every secret the detector finds masked (borrowed when it
/// has none): what is indexed, shown and reported, so that search
/// snippets, `show`, `similar` and reports never hold a secret.
pub fn mask_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    let found = secrets::detector().find(text);
    if found.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let spans: Vec<_> = found.into_iter().map(|f| f.span).collect();
    std::borrow::Cow::Owned(mask_spans(text, &spans))
}

/// `text` with every byte range in `spans` masked (see [`mask`]); the
/// result has the same length, so spans into `text` still fit it.
pub fn mask_spans(text: &str, spans: &[std::ops::Range<usize>]) -> String {
    let mut out = text.to_string();
    for span in spans {
        if let Some(secret) = text.get(span.clone()) {
            out.replace_range(span.clone(), &mask(secret));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_do_not_hold_the_match() {
        let f = fingerprint("secret", "AKIAQZ3TLR7XWM2KD4NB");
        assert_eq!(f.len(), 16);
        assert!(f.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(f, fingerprint("secret", "AKIAQZ3TLR7XWM2KD4NB"));
        assert_ne!(f, fingerprint("personal-data", "AKIAQZ3TLR7XWM2KD4NB"));
        assert_ne!(f, fingerprint("secret", "AKIAQZ3TLR7XWM2KD4NC"));
    }

    #[test]
    fn masks_keep_at_most_four_characters_and_the_length() {
        assert_eq!(mask("AKIAQZ3TLR7XWM2KD4NB"), "AKIA****************");
        assert_eq!(mask("hunter22"), "hu******");
        assert_eq!(mask("abc"), "***");
        let text = "key AKIAQZ3TLR7XWM2KD4NB here, pässwörd9 end";
        let start = text.find("pässwörd9").unwrap();
        let masked = mask_spans(text, &[4..24, start..start + "pässwörd9".len()]);
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("key AKIA****************"));
        assert!(!masked.contains("QZ3T") && !masked.contains("wörd"));
    }
}

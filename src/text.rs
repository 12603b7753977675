//! Small text helpers every layer shares: counts with their noun, digit
//! grouping, slugs.

/// `n` with thousands separators: `2,140`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun: `1 warning`, `2,140 lessons`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A slug: transliterated to ASCII (`Größe` → `grosse`), lowercase letters
/// and digits joined by single hyphens.
pub fn slug(s: &str) -> String {
    slug_within(s, usize::MAX)
}

/// A slug of at most `max` bytes, cut at a word (a single word longer
/// than `max` is cut): file names from titles.
pub fn slug_within(s: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::new();
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        if !out.is_empty() && out.len().saturating_add(1 + word.len()) > max {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word[..word.len().min(max)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(2140), "2,140");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(plural(1, "lesson", "lessons"), "1 lesson");
        assert_eq!(plural(2140, "lesson", "lessons"), "2,140 lessons");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("No Failover  Runbook!"), "no-failover-runbook");
        assert_eq!(
            slug_within("Payment DB failover: stalled for 47 min!", 60),
            "payment-db-failover-stalled-for-47-min"
        );
        assert_eq!(slug("  Ünïcode -- only? "), "unicode-only");
        assert_eq!(
            slug("Größe überschritten: Ärger"),
            "grosse-uberschritten-arger"
        );
        assert!(!slug("障害報告").is_empty());
        assert_eq!(slug("***"), "");
        assert!(slug_within(&"word ".repeat(40), 60).len() <= 60);
    }
}

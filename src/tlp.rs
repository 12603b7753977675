//! Sharing levels: the Traffic Light Protocol 2.0 (FIRST), which says how
//! far a lesson may travel. Ordered from the most shareable to the least,
//! so `level <= max` is "may be shown where `max` may".
//!
//! Where the level of a lesson is not known for sure (a value that is not
//! a level, a front matter that does not parse), it is read as `RED`: a
//! sharing limit must fail closed.

use serde::Serialize;

/// The default is `RED`: a level nobody set is the most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    #[default]
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The value as the front matter and the flags write it.
    pub fn name(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// Where a lesson of this level may travel (TLP 2.0, in short).
    pub fn audience(self) -> &'static str {
        match self {
            Tlp::Clear => "no limit: may be made public",
            Tlp::Green => "the community, not public channels",
            Tlp::Amber => "the recipient's organisation and its clients, on a need-to-know basis",
            Tlp::AmberStrict => "the recipient's organisation only",
            Tlp::Red => "the named recipients only, in the meeting where it is shared",
        }
    }

    /// The five names, in order, for messages.
    pub fn names() -> String {
        Self::ALL.map(Tlp::name).join(", ")
    }

    /// The level written exactly as the contract lists it (case matters in
    /// a lesson: `amber` is a typo the check points at).
    pub fn parse(value: &str) -> Option<Tlp> {
        Self::ALL.into_iter().find(|t| t.name() == value)
    }

    /// A level on the command line: any case.
    pub fn parse_flag(value: &str) -> Result<Tlp, String> {
        if let Some(t) = Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(value.trim()))
        {
            return Ok(t);
        }
        Err(match Self::suggest(value) {
            Some(t) => format!(
                "`{value}` is not a TLP level; did you mean `{}`? (one of {})",
                t.name(),
                Self::names()
            ),
            None => format!("`{value}` is not a TLP level: use one of {}", Self::names()),
        })
    }

    /// The level a wrong value most likely means: another case, a `TLP:`
    /// prefix, TLP 1.0's `WHITE`, `AMBER-STRICT`, or a small typo.
    pub fn suggest(value: &str) -> Option<Tlp> {
        let upper = value.trim().to_uppercase();
        let bare = upper
            .strip_prefix("TLP")
            .map(|r| r.trim_start_matches([':', ' ', '-', '_']))
            .unwrap_or(&upper);
        let joined: String = bare
            .split(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | '+' | '/'))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("+");
        if joined == "WHITE" {
            return Some(Tlp::Clear);
        }
        if let Some(t) = Self::parse(&joined) {
            return Some(t);
        }
        Self::ALL
            .into_iter()
            .map(|t| (strsim::damerau_levenshtein(&joined, t.name()), t))
            .filter(|(edits, t)| *edits <= 1.max(t.name().len() / 4))
            .min()
            .map(|(_, t)| t)
    }

    /// A lesson's level: the value it writes, else the knowledge base's
    /// default; `RED` when the value is not a level.
    pub fn effective(written: Option<&str>, default: Tlp) -> Tlp {
        match written {
            None => default,
            Some(v) => Self::parse(v).unwrap_or(Tlp::Red),
        }
    }

    /// One byte, for the index's facts file.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Tlp> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

impl std::fmt::Display for Tlp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Tlp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Tlp;

    #[test]
    fn order_is_most_to_least_shareable() {
        assert!(Tlp::Clear < Tlp::Green);
        assert!(Tlp::Green < Tlp::Amber);
        assert!(Tlp::Amber < Tlp::AmberStrict);
        assert!(Tlp::AmberStrict < Tlp::Red);
        for t in Tlp::ALL {
            assert_eq!(Tlp::from_code(t.code()), Some(t));
            assert_eq!(Tlp::parse(t.name()), Some(t));
        }
        assert_eq!(Tlp::from_code(5), None);
    }

    #[test]
    fn suggestions() {
        let s = |v| Tlp::suggest(v).map(Tlp::name);
        assert_eq!(s("amber"), Some("AMBER"));
        assert_eq!(s("WHITE"), Some("CLEAR"));
        assert_eq!(s("white"), Some("CLEAR"));
        assert_eq!(s("TLP:RED"), Some("RED"));
        assert_eq!(s("TLP: amber+strict"), Some("AMBER+STRICT"));
        assert_eq!(s("AMBER-STRICT"), Some("AMBER+STRICT"));
        assert_eq!(s("AMBER STRICT"), Some("AMBER+STRICT"));
        assert_eq!(s("GREN"), Some("GREEN"));
        assert_eq!(s("secret"), None);
        assert_eq!(s(""), None);
    }

    #[test]
    fn flags_ignore_case_and_suggest() {
        assert_eq!(Tlp::parse_flag("amber+strict"), Ok(Tlp::AmberStrict));
        assert_eq!(Tlp::parse_flag("Green"), Ok(Tlp::Green));
        let e = Tlp::parse_flag("WHITE").unwrap_err();
        assert!(e.contains("did you mean `CLEAR`?"), "{e}");
        assert!(
            Tlp::parse_flag("purple")
                .unwrap_err()
                .contains("use one of")
        );
    }

    #[test]
    fn effective_level_fails_closed() {
        assert_eq!(Tlp::effective(None, Tlp::Amber), Tlp::Amber);
        assert_eq!(Tlp::effective(Some("GREEN"), Tlp::Amber), Tlp::Green);
        assert_eq!(Tlp::effective(Some("green"), Tlp::Clear), Tlp::Red);
    }
}

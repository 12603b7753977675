//! The blameless-review phrase list: hindsight and blame phrasing that the
//! `blame-language` rule looks for, compiled once per configuration into
//! one multi-pattern searcher (every phrase found in a single pass over a
//! text, however many phrases `[practice] blame_phrases` adds).
//!
//! The built-in phrases and their sources are documented in
//! docs/practice.md: the counterfactuals are those S. Dekker names as the
//! marks of hindsight bias ("The Field Guide to Understanding 'Human
//! Error'", ch. 2: "they should have", "they could have", "they failed
//! to", "if only"), the judgemental words his "language of the local
//! rationality principle" warns against, and "human error" as a cause,
//! which the same book treats as the start of an investigation.

use std::ops::Range;

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind, packed};

/// What a phrase says, which decides where it fires and how the finding
/// explains itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhraseKind {
    /// Hindsight: what people "should" have done, judged from the outcome.
    Counterfactual,
    /// A judgement of a person (careless, negligent...).
    Judgement,
    /// A label that ends the search for causes ("human error"); fires only
    /// as a cause summary, since the body may discuss the label itself.
    CauseLabel,
}

/// Counterfactuals: the marks of hindsight (Dekker).
pub const COUNTERFACTUALS: &[&str] = &[
    "should have",
    "should've",
    "shouldn't have",
    "should not have",
    "could have",
    "could've",
    "ought to have",
    "failed to",
    "if only",
    "didn't bother",
    "did not bother",
    "neglected to",
];

/// Judgements of people.
pub const JUDGEMENTS: &[&str] = &[
    "careless",
    "carelessly",
    "carelessness",
    "negligent",
    "negligence",
    "sloppy",
    "incompetent",
    "incompetence",
    "stupid mistake",
    "fault of",
];

/// Labels that stop an analysis when given as a cause.
pub const CAUSE_LABELS: &[&str] = &["human error", "operator error", "user error"];

/// The blame phrases, compiled once: every kind for cause summaries, and
/// without the cause labels for the body, where they never fire (a body
/// may discuss "human error"; and "user", "oper" and "huma" open many
/// words of prose, where the vectorised search stops to check).
#[derive(Debug, Clone)]
pub struct BlamePhrases {
    all: Phrases,
    body: Phrases,
}

/// Phrases and their kinds, searched for together.
#[derive(Debug, Clone)]
struct Phrases {
    searcher: Searcher,
    kinds: Vec<PhraseKind>,
}

/// How the phrases are searched for.
#[derive(Debug, Clone)]
enum Searcher {
    /// The phrases lowercased, searched for in the lowercased text with a
    /// vectorised (Teddy) search: measured over 100,000 generated lessons,
    /// about twice as fast as the case-insensitive automaton, which finds
    /// no prefilter for phrases starting with common letters.
    Packed(packed::Searcher),
    /// Where the CPU has no such search or the list is too long for it.
    Automaton(AhoCorasick),
}

/// The phrases to search for (built-in, typographic-apostrophe variants,
/// then `extra`), each with its kind.
fn patterns(extra: &[String]) -> (Vec<String>, Vec<PhraseKind>) {
    let mut patterns: Vec<String> = Vec::new();
    let mut kinds = Vec::new();
    for (list, kind) in [
        (COUNTERFACTUALS, PhraseKind::Counterfactual),
        (JUDGEMENTS, PhraseKind::Judgement),
        (CAUSE_LABELS, PhraseKind::CauseLabel),
    ] {
        for p in list {
            // Typographic apostrophes as well as straight ones.
            if p.contains('\'') {
                patterns.push(p.replace('\'', "\u{2019}"));
                kinds.push(kind);
            }
            patterns.push((*p).to_string());
            kinds.push(kind);
        }
    }
    for p in extra {
        patterns.push(p.clone());
        kinds.push(PhraseKind::Judgement);
    }
    (patterns, kinds)
}

/// The case-insensitive automaton of `patterns`.
fn automaton(patterns: &[String]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .expect("phrases of at most a few hundred bytes always compile")
}

/// One phrase found in a text, between word boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: Range<usize>,
    pub kind: PhraseKind,
}

impl BlamePhrases {
    /// The built-in phrases plus `extra` (from `lessons.toml`; counted as
    /// judgements, the kind that fires everywhere).
    pub fn new(extra: &[String]) -> Self {
        let (patterns, kinds) = patterns(extra);
        let (body, body_kinds): (Vec<String>, Vec<PhraseKind>) = patterns
            .iter()
            .zip(&kinds)
            .filter(|(_, kind)| **kind != PhraseKind::CauseLabel)
            .map(|(p, k)| (p.clone(), *k))
            .unzip();
        BlamePhrases {
            all: Phrases::new(&patterns, kinds),
            body: Phrases::new(&body, body_kinds),
        }
    }

    /// Every phrase in `text`, a cause summary, that stands as whole words.
    pub fn find(&self, text: &str) -> Vec<Found> {
        self.all.find(text)
    }

    /// Every phrase in `text`, a lesson's body, that stands as whole
    /// words, except the cause labels.
    pub fn find_in_body(&self, text: &str) -> Vec<Found> {
        self.body.find(text)
    }
}

impl Phrases {
    fn new(patterns: &[String], kinds: Vec<PhraseKind>) -> Self {
        let searcher = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(patterns.iter().map(|p| p.to_ascii_lowercase()))
            .build()
            .map_or_else(
                || Searcher::Automaton(automaton(patterns)),
                Searcher::Packed,
            );
        Phrases { searcher, kinds }
    }

    /// Every phrase in `text` (any ASCII case), leftmost-longest, as
    /// (pattern, byte range).
    fn matches(&self, text: &str) -> Vec<(usize, Range<usize>)> {
        let packed = match &self.searcher {
            Searcher::Packed(packed) => packed,
            Searcher::Automaton(automaton) => {
                return automaton
                    .find_iter(text)
                    .map(|m| (m.pattern().as_usize(), m.range()))
                    .collect();
            }
        };
        thread_local! {
            static LOWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        LOWER.with_borrow_mut(|lower| {
            // ASCII lowercasing keeps every byte offset.
            lower.clear();
            lower.extend_from_slice(text.as_bytes());
            lower.make_ascii_lowercase();
            packed
                .find_iter(lower.as_slice())
                .map(|m| (m.pattern().as_usize(), m.range()))
                .collect()
        })
    }

    /// Every phrase in `text` that stands as whole words.
    fn find(&self, text: &str) -> Vec<Found> {
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        self.matches(text)
            .into_iter()
            .filter(|(pattern, m)| {
                let before = m.start == 0 || !word(bytes[m.start - 1]);
                // Not inside a longer word ("failed to" in "failed tokens").
                let after = m.end == bytes.len() || !word(bytes[m.end]);
                before
                    && after
                    && !(self.kinds[*pattern] == PhraseKind::Counterfactual
                        // "if only" names its subject after it.
                        && !text[m.clone()].eq_ignore_ascii_case("if only")
                        && system_subject(&text[..m.start]))
            })
            .map(|(pattern, span)| Found {
                span,
                kind: self.kinds[pattern],
            })
            .collect()
    }
}

/// Whether the sentence before a counterfactual is about a system, not a
/// person: "the alert that should have caught this", "the job failed to
/// renew the certificate" describe a control that did not work, which is
/// what a review should say; hindsight judges people. A sentence naming
/// both (the engineer, the alert) is about the person.
fn system_subject(before: &str) -> bool {
    let start = before
        .rfind(['.', '!', '?', '\n', ';'])
        .map_or(0, |i| i + 1);
    let mut from = start.max(before.len().saturating_sub(120));
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let mut system = false;
    for w in before[from..]
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
    {
        let w = w.to_ascii_lowercase();
        if PEOPLE.contains(&w.as_str()) {
            return false;
        }
        system |= SYSTEMS.contains(&w.as_str());
    }
    system
}

/// Subjects that are people or stand for them.
const PEOPLE: &[&str] = &[
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "someone",
    "somebody",
    "nobody",
    "anyone",
    "everyone",
    "engineer",
    "engineers",
    "operator",
    "operators",
    "admin",
    "admins",
    "administrator",
    "administrators",
    "developer",
    "developers",
    "team",
    "teams",
    "on-call",
    "oncall",
    "responder",
    "responders",
    "user",
    "users",
    "employee",
    "employees",
    "staff",
    "manager",
    "managers",
    "reviewer",
    "reviewers",
    "analyst",
    "analysts",
    "clerk",
    "person",
    "people",
    "colleague",
    "colleagues",
    "owner",
    "owners",
    "author",
    "approver",
    "lead",
];

/// Subjects that are systems and controls.
const SYSTEMS: &[&str] = &[
    "alert",
    "alerts",
    "alarm",
    "alarms",
    "check",
    "checks",
    "monitor",
    "monitors",
    "monitoring",
    "test",
    "tests",
    "job",
    "jobs",
    "script",
    "scripts",
    "pipeline",
    "pipelines",
    "deploy",
    "deployment",
    "system",
    "systems",
    "service",
    "services",
    "server",
    "servers",
    "backup",
    "backups",
    "control",
    "controls",
    "tool",
    "tooling",
    "config",
    "configuration",
    "rule",
    "rules",
    "filter",
    "firewall",
    "scanner",
    "automation",
    "cron",
    "probe",
    "probes",
    "dashboard",
    "runbook",
    "policy",
    "certificate",
    "renewal",
    "failover",
    "replica",
    "database",
    "cluster",
    "node",
    "nodes",
    "balancer",
    "cache",
    "queue",
    "update",
    "patch",
    "release",
    "build",
    "canary",
    "rollback",
    "health",
    "limit",
    "quota",
    "validation",
    "api",
    "gateway",
    "proxy",
    "dns",
    "network",
    "disk",
    "app",
    "application",
    "platform",
    "vendor",
    "provider",
    "process",
    "procedure",
    "change",
    "migration",
    "integration",
    "sensor",
    "detection",
    "safeguard",
    "guardrail",
    "lock",
    "retry",
    "timeout",
    "agent",
    "daemon",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectorised search of the lowercased text finds exactly what the
    /// case-insensitive automaton finds.
    #[test]
    fn packed_search_matches_the_automaton() {
        let extra = ["Cowboy Deploy".to_string()];
        let p = BlamePhrases::new(&extra).all;
        assert!(
            matches!(p.searcher, Searcher::Packed(_)) || !cfg!(target_arch = "x86_64"),
            "x86-64 has the vectorised search"
        );
        let text = "They SHOULD HAVE paged; he shouldn\u{2019}t have. If Only the \
            Human Error... a cowboy deploy, COWBOY DEPLOY, should haveN, \
            failed to failed tokens Could Have could have been; négligent careless";
        let fallback = Phrases {
            searcher: Searcher::Automaton(automaton(&patterns(&extra).0)),
            kinds: p.kinds.clone(),
        };
        let by_automaton = fallback.matches(text);
        assert!(by_automaton.len() >= 8, "{by_automaton:?}");
        assert_eq!(p.matches(text), by_automaton);
    }

    /// The body's search is the whole search without the cause labels.
    #[test]
    fn the_body_search_leaves_out_only_the_cause_labels() {
        let p = BlamePhrases::new(&["dropped the ball".to_string()]);
        let text = "Human error was named; the operator error report, a user error, \
            they should have paged, careless users, a user errors list, it failed to \
            renew; someone dropped the ball. OPERATOR ERROR.";
        let all = p.find(text);
        assert!(
            all.iter().any(|f| f.kind == PhraseKind::CauseLabel),
            "{all:?}"
        );
        let expected: Vec<Found> = all
            .into_iter()
            .filter(|f| f.kind != PhraseKind::CauseLabel)
            .collect();
        assert!(expected.len() >= 3, "{expected:?}");
        assert_eq!(p.find_in_body(text), expected);
    }

    #[test]
    fn whole_words_any_case() {
        let p = BlamePhrases::new(&[]);
        let kinds =
            |t: &str| -> Vec<PhraseKind> { p.find(t).into_iter().map(|f| f.kind).collect() };
        assert_eq!(
            kinds("They Should Have paged"),
            [PhraseKind::Counterfactual]
        );
        assert_eq!(kinds("a careless change"), [PhraseKind::Judgement]);
        assert_eq!(kinds("Carelessness"), [PhraseKind::Judgement]);
        assert!(kinds("failed tokens, recareless").is_empty());
        assert_eq!(kinds("Human error"), [PhraseKind::CauseLabel]);
        assert_eq!(
            kinds("we shouldn\u{2019}t have"),
            [PhraseKind::Counterfactual]
        );
    }

    #[test]
    fn counterfactuals_about_systems_do_not_fire() {
        let p = BlamePhrases::new(&[]);
        for text in [
            "The alert that should have caught this had been silenced.",
            "The renewal job failed to renew the certificate.",
            "Earlier. The backup could have been restored sooner if it had been tested.",
        ] {
            assert!(p.find(text).is_empty(), "{text}");
        }
        for text in [
            "The engineer should have checked the alert.",
            "We failed to notice the alert.",
            "Alerts fired. She should have escalated.",
            "If only the team had read the runbook.",
            "A careless change, if only someone had looked.",
        ] {
            assert!(!p.find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn extra_phrases_are_added() {
        let p = BlamePhrases::new(&["dropped the ball".to_string()]);
        assert_eq!(p.find("ops dropped the ball; sloppy").len(), 2);
    }
}

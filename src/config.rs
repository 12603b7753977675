//! `lessons.toml`: where lessons live and what values they may use.
//!
//! Every key is optional and falls back to the embedded default; an unknown
//! key or a bad value is a `config-invalid` finding at its line, because a
//! typo in the configuration would silently change what CI accepts.

use std::path::Path;

use regex::Regex;

use crate::diagnostic::{Diagnostic, LineIndex, Rule};
use crate::parse::value::Reader;
use crate::sensitive::personal;
use crate::tlp::Tlp;

pub const FILE_NAME: &str = "lessons.toml";

pub const DEFAULT_ID_PATTERN: &str = "^[A-Z][A-Z0-9]*-[0-9]{4}-[0-9]{3,}$";
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    pub kinds: Vec<String>,
    /// Most to least severe.
    pub severities: Vec<String>,
    pub functions: Vec<String>,
    pub cause_categories: Vec<String>,
    pub action_types: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Folders holding lessons, relative to the knowledge base root.
    pub roots: Vec<String>,
    pub id_pattern: Regex,
    pub required_sections: Vec<String>,
    pub max_words: usize,
    /// Files above this many bytes are reported, not parsed (an extension of
    /// the contract: keeps a stray log dump from slowing every run).
    pub max_file_size: u64,
    pub vocabulary: Vocabulary,
    pub search: SearchConfig,
    pub sharing: SharingConfig,
    /// `[personal_data]`: e-mail domains that are not personal
    /// (`allowed_domains`: the company's role addresses, with their
    /// subdomains) and kinds not looked for (`ignore_kinds`), as the
    /// detector takes them.
    pub personal_data: personal::Options,
    /// `[practice]`: the blameless-review rules' phrases, surface
    /// categories and deadlines (docs/practice.md).
    pub practice: PracticeConfig,
}

/// `[practice]`: what the practice rules (`blame-language`,
/// `surface-cause`, `review-overdue`) look for, and which are off.
#[derive(Debug, Clone)]
pub struct PracticeConfig {
    /// The built-in phrases plus `blame_phrases`, compiled once.
    pub blame: crate::practice::BlamePhrases,
    /// Cause categories that name what happened, not why the system let
    /// it happen; a `final` lesson with only these gets `surface-cause`.
    pub surface_categories: Vec<String>,
    /// Days after recovery (else occurrence) a lesson may stay `draft` or
    /// `review` before `review-overdue`.
    pub review_within_days: i64,
    /// Days after an action is done by which its effect should be checked
    /// (`verified`); read by the action-verification views.
    pub verify_after_days: i64,
    /// Practice rules switched off (`rules_off`).
    pub rules_off: Vec<Rule>,
}

/// The rules `[practice] rules_off` may switch off.
pub const PRACTICE_RULES: &[Rule] = &[Rule::BlameLanguage, Rule::SurfaceCause, Rule::ReviewOverdue];

impl PracticeConfig {
    pub fn is_on(&self, rule: Rule) -> bool {
        !self.rules_off.contains(&rule)
    }
}

impl Default for PracticeConfig {
    fn default() -> Self {
        PracticeConfig {
            blame: crate::practice::BlamePhrases::new(&[]),
            surface_categories: strings(&["human-error", "configuration-error", "software-defect"]),
            review_within_days: 14,
            verify_after_days: 30,
            rules_off: Vec::new(),
        }
    }
}

/// `[sharing]`: TLP 2.0 levels (see `crate::tlp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharingConfig {
    /// The level of a lesson that writes no `tlp`.
    pub default_tlp: Tlp,
    /// The highest level whose text the pull-request comment may quote;
    /// lessons above it are named by id only.
    pub comment_max_tlp: Tlp,
}

impl Default for SharingConfig {
    fn default() -> Self {
        SharingConfig {
            default_tlp: Tlp::Amber,
            comment_max_tlp: Tlp::Green,
        }
    }
}

/// `[search]`: how search reads queries and weighs shared causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchConfig {
    /// Extra groups of equivalent words (`[["pgb", "pgbouncer"]]`), added
    /// to the built-in table.
    pub synonyms: Vec<Vec<String>>,
    /// Cause keys that name no particular cause (default `uncategorized`):
    /// `similar` and the key suggestions give them no weight.
    pub catch_all_keys: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            synonyms: Vec::new(),
            catch_all_keys: vec!["uncategorized".to_string()],
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            roots: strings(&["lessons"]),
            id_pattern: Regex::new(DEFAULT_ID_PATTERN).expect("the default pattern is valid"),
            required_sections: strings(&["Summary", "Timeline", "Analysis"]),
            max_words: 1500,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            vocabulary: Vocabulary {
                kinds: strings(&[
                    "outage",
                    "data-breach",
                    "policy-violation",
                    "near-miss",
                    "degradation",
                    "security-event",
                ]),
                severities: strings(&["critical", "high", "medium", "low"]),
                functions: strings(&["it", "security", "hr", "legal", "leadership", "operations"]),
                cause_categories: strings(&[
                    "process-gap",
                    "training-need",
                    "governance-weakness",
                    "technical-debt",
                    "configuration-error",
                    "software-defect",
                    "capacity",
                    "third-party",
                    "human-error",
                    "malicious-actor",
                ]),
                action_types: strings(&[
                    "procedure-update",
                    "awareness",
                    "control-adjustment",
                    "tooling",
                    "architecture",
                    "monitoring",
                ]),
            },
            search: SearchConfig::default(),
            sharing: SharingConfig::default(),
            practice: PracticeConfig::default(),
            personal_data: personal::Options::default(),
        }
    }
}

/// A `lessons.toml` (or `.lessons-allow`) that could not be used: its
/// text and every finding.
#[derive(Debug)]
pub struct ConfigError {
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl ConfigError {
    /// The file's name, as its findings give it.
    pub fn file(&self) -> &str {
        self.diagnostics
            .first()
            .map_or(FILE_NAME, |d| d.path.as_str())
    }
}

pub const CONFIG_KEYS: &[&str] = &[
    "roots",
    "id_pattern",
    "required_sections",
    "max_words",
    "max_file_size",
    "vocabulary",
    "search",
    "sharing",
    "personal_data",
    "practice",
];
pub const PRACTICE_KEYS: &[&str] = &[
    "blame_phrases",
    "surface_categories",
    "review_within_days",
    "verify_after_days",
    "rules_off",
];
pub const SHARING_KEYS: &[&str] = &["default_tlp", "comment_max_tlp"];
pub const PERSONAL_DATA_KEYS: &[&str] = &["allowed_domains", "ignore_kinds"];
pub const SEARCH_KEYS: &[&str] = &["synonyms", "catch_all_keys"];
pub const VOCABULARY_KEYS: &[&str] = &[
    "kinds",
    "severities",
    "functions",
    "cause_categories",
    "action_types",
];

impl Config {
    /// Reads `lessons.toml` from `root`, or the defaults when it is absent.
    pub fn load(root: &Path) -> Result<Config, crate::Error> {
        let path = root.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    let source = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let at = e.utf8_error().valid_up_to();
                    let lines = LineIndex::new(&source);
                    let d = Diagnostic::new(
                        Rule::ConfigInvalid,
                        &lines,
                        at..at,
                        "lessons.toml is not valid UTF-8",
                    );
                    crate::Error::Config(ConfigError {
                        diagnostics: vec![with_path(d)],
                        source,
                    })
                })?;
                Config::parse(&text).map_err(crate::Error::Config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(crate::Error::Io {
                path: path.clone(),
                source: e,
            }),
        }
    }

    /// Parses the text of a `lessons.toml`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let lines = LineIndex::new(text);
        let mut reader = Reader::new(0, &lines);
        reader.unknown_rule = Rule::ConfigInvalid;
        reader.type_rule = Rule::ConfigInvalid;
        let mut config = Config::default();
        let (table, errors) = toml::de::DeTable::parse_recoverable(text);
        for e in &errors {
            let message = e.message().trim_end().to_string();
            reader
                .report(
                    Rule::ConfigInvalid,
                    e.span().unwrap_or(0..0),
                    format!("lessons.toml is not valid TOML: {message}"),
                )
                .label = Some(message.clone());
        }
        if errors.is_empty() {
            // What the parser reads lazily (`0x`, out-of-range integers).
            let mut strict = Vec::new();
            crate::parse::strict::check(text, table.get_ref(), &mut strict);
            for (span, message) in strict {
                reader
                    .report(
                        Rule::ConfigInvalid,
                        span,
                        format!("lessons.toml is not valid TOML: {message}"),
                    )
                    .label = Some(message.clone());
            }
        }
        if reader.diagnostics.is_empty() {
            read_into(&mut reader, table.get_ref(), &mut config);
        }
        reader.diagnostics.sort_by_key(|d| d.start);
        if reader.diagnostics.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError {
                source: text.to_string(),
                diagnostics: reader.diagnostics.into_iter().map(with_path).collect(),
            })
        }
    }
}

fn with_path(mut d: Diagnostic) -> Diagnostic {
    d.path = FILE_NAME.to_string();
    d
}

#[expect(
    clippy::too_many_lines,
    reason = "one arm per key of lessons.toml, in the order of the key table"
)]
fn read_into(reader: &mut Reader, table: &toml::de::DeTable, config: &mut Config) {
    let mut surface = Vec::new();
    for (key, value) in reader.known_entries(table, CONFIG_KEYS, "lessons.toml") {
        let what = key;
        match key {
            "roots" => {
                if let Some(v) = non_empty(reader, what, value) {
                    for root in &v.value {
                        let p = Path::new(&root.value);
                        if p.is_absolute()
                            || p.components().any(|c| c == std::path::Component::ParentDir)
                        {
                            reader
                                .report(
                                    Rule::ConfigInvalid,
                                    root.span.clone(),
                                    format!("root \"{}\" must be a relative path inside the knowledge base", root.value),
                                )
                                .help = Some("lesson roots are folders below the folder holding lessons.toml".into());
                        }
                    }
                    config.roots = v.value.into_iter().map(|s| s.value).collect();
                }
            }
            "id_pattern" => {
                if let Some(s) = reader.string(what, value) {
                    match Regex::new(&s.value) {
                        Ok(re) => config.id_pattern = re,
                        Err(e) => {
                            let first_line = e
                                .to_string()
                                .lines()
                                .last()
                                .unwrap_or("")
                                .trim()
                                .to_string();
                            reader.report(
                                Rule::ConfigInvalid,
                                value.span(),
                                format!(
                                    "`id_pattern` is not a valid regular expression: {first_line}"
                                ),
                            );
                        }
                    }
                }
            }
            "required_sections" => {
                if let Some(v) = reader.strings(what, value) {
                    config.required_sections = v.value.into_iter().map(|s| s.value).collect();
                }
            }
            "max_words" => {
                if let Some(n) = reader.integer(what, value) {
                    match usize::try_from(n.value) {
                        Ok(n) if n > 0 => config.max_words = n,
                        _ => {
                            reader.report(
                                Rule::ConfigInvalid,
                                value.span(),
                                "`max_words` must be a positive integer",
                            );
                        }
                    }
                }
            }
            "max_file_size" => {
                if let Some(n) = reader.integer(what, value) {
                    match u64::try_from(n.value) {
                        Ok(n) if n > 0 => config.max_file_size = n,
                        _ => {
                            reader.report(
                                Rule::ConfigInvalid,
                                value.span(),
                                "`max_file_size` must be a positive number of bytes",
                            );
                        }
                    }
                }
            }
            "vocabulary" => {
                let toml::de::DeValue::Table(vocab) = value.get_ref() else {
                    reader.report(
                        Rule::ConfigInvalid,
                        value.span(),
                        "`vocabulary` must be a table",
                    );
                    continue;
                };
                reader.prefix = "vocabulary ";
                for (key, value) in reader.known_entries(vocab, VOCABULARY_KEYS, "[vocabulary]") {
                    let Some(v) = non_empty(reader, key, value) else {
                        continue;
                    };
                    let list: Vec<String> = v.value.into_iter().map(|s| s.value).collect();
                    let voc = &mut config.vocabulary;
                    match key {
                        "kinds" => voc.kinds = list,
                        "severities" => voc.severities = list,
                        "functions" => voc.functions = list,
                        "cause_categories" => voc.cause_categories = list,
                        "action_types" => voc.action_types = list,
                        _ => unreachable!("known_entries only returns VOCABULARY_KEYS"),
                    }
                }
                reader.prefix = "";
            }
            "search" => {
                let toml::de::DeValue::Table(search) = value.get_ref() else {
                    reader.report(
                        Rule::ConfigInvalid,
                        value.span(),
                        "`search` must be a table",
                    );
                    continue;
                };
                reader.prefix = "search ";
                for (key, value) in reader.known_entries(search, SEARCH_KEYS, "[search]") {
                    match key {
                        "synonyms" => {
                            let toml::de::DeValue::Array(groups) = value.get_ref() else {
                                reader.report(
                                    Rule::ConfigInvalid,
                                    value.span(),
                                    "`synonyms` must be a list of groups of equivalent words, e.g. [[\"pgb\", \"pgbouncer\"]]",
                                );
                                continue;
                            };
                            for group in groups {
                                if let Some(v) = reader.strings(key, group) {
                                    if v.value.len() < 2 {
                                        reader.report(
                                            Rule::ConfigInvalid,
                                            group.span(),
                                            "a synonym group needs at least two words",
                                        );
                                        continue;
                                    }
                                    config
                                        .search
                                        .synonyms
                                        .push(v.value.into_iter().map(|s| s.value).collect());
                                }
                            }
                        }
                        "catch_all_keys" => {
                            if let Some(v) = reader.strings(key, value) {
                                config.search.catch_all_keys =
                                    v.value.into_iter().map(|s| s.value).collect();
                            }
                        }
                        _ => unreachable!("known_entries only returns SEARCH_KEYS"),
                    }
                }
                reader.prefix = "";
            }
            "sharing" => read_sharing(reader, value, &mut config.sharing),
            "personal_data" => read_personal_data(reader, value, &mut config.personal_data),
            "practice" => surface = read_practice(reader, value, &mut config.practice),
            _ => unreachable!("known_entries only returns CONFIG_KEYS"),
        }
    }
    check_surface_categories(reader, &surface, config);
}

/// `[practice]`: phrases added to the built-in list, surface categories,
/// two positive day counts, and rules switched off by name.
fn read_practice(
    reader: &mut Reader,
    value: &toml::Spanned<toml::de::DeValue>,
    practice: &mut PracticeConfig,
) -> Vec<crate::lesson::Sp<String>> {
    let mut surface = Vec::new();
    let toml::de::DeValue::Table(table) = value.get_ref() else {
        reader.report(
            Rule::ConfigInvalid,
            value.span(),
            "`practice` must be a table",
        );
        return surface;
    };
    reader.prefix = "practice ";
    for (key, value) in reader.known_entries(table, PRACTICE_KEYS, "[practice]") {
        match key {
            "blame_phrases" => {
                let Some(list) = reader.strings(key, value) else {
                    continue;
                };
                let mut phrases = Vec::with_capacity(list.value.len());
                for phrase in list.value {
                    // A phrase is matched between word boundaries; blank
                    // or one-letter phrases would fire on every lesson.
                    if phrase.value.trim().chars().count() < 2 {
                        reader
                            .report(
                                Rule::ConfigInvalid,
                                phrase.span.clone(),
                                format!(
                                    "`blame_phrases` item \"{}\" is too short to be a phrase",
                                    phrase.value
                                ),
                            )
                            .help =
                            Some("write a word or phrase such as \"should have known\"".into());
                        continue;
                    }
                    phrases.push(phrase.value.trim().to_string());
                }
                practice.blame = crate::practice::BlamePhrases::new(&phrases);
            }
            "surface_categories" => {
                if let Some(list) = reader.strings(key, value) {
                    practice.surface_categories =
                        list.value.iter().map(|s| s.value.clone()).collect();
                    surface = list.value;
                }
            }
            "review_within_days" | "verify_after_days" => {
                let Some(n) = reader.integer(key, value) else {
                    continue;
                };
                if !(1..=3650).contains(&n.value) {
                    reader
                        .report(
                            Rule::ConfigInvalid,
                            value.span(),
                            format!("`{key}` must be a number of days from 1 to 3650"),
                        )
                        .label = Some("not a positive number of days".into());
                    continue;
                }
                if key == "review_within_days" {
                    practice.review_within_days = n.value;
                } else {
                    practice.verify_after_days = n.value;
                }
            }
            "rules_off" => {
                let Some(list) = reader.strings(key, value) else {
                    continue;
                };
                let names: Vec<&str> = PRACTICE_RULES.iter().map(|r| r.name()).collect();
                practice.rules_off.clear();
                for name in list.value {
                    match PRACTICE_RULES.iter().find(|r| r.name() == name.value) {
                        Some(rule) => practice.rules_off.push(*rule),
                        None => reader.not_one_of(
                            Rule::ConfigInvalid,
                            name.span.clone(),
                            format!(
                                "\"{}\" is not a practice rule that can be switched off",
                                name.value
                            ),
                            &name.value,
                            names.iter().copied(),
                        ),
                    }
                }
            }
            _ => unreachable!("known_entries only returns PRACTICE_KEYS"),
        }
    }
    reader.prefix = "";
    surface
}

/// Each `[practice] surface_categories` item must be a cause category,
/// checked once the whole file is read (`[vocabulary]` may come after).
fn check_surface_categories(
    reader: &mut Reader,
    surface: &[crate::lesson::Sp<String>],
    config: &Config,
) {
    let known = &config.vocabulary.cause_categories;
    for item in surface {
        if known.contains(&item.value) {
            continue;
        }
        reader.not_one_of(
            Rule::ConfigInvalid,
            item.span.clone(),
            format!(
                "`surface_categories` item \"{}\" is not a cause category",
                item.value
            ),
            &item.value,
            known.iter().map(String::as_str),
        );
    }
}

/// `[sharing]`: each key a TLP level, written as lessons write it.
fn read_sharing(
    reader: &mut Reader,
    value: &toml::Spanned<toml::de::DeValue>,
    sharing: &mut SharingConfig,
) {
    let toml::de::DeValue::Table(table) = value.get_ref() else {
        reader.report(
            Rule::ConfigInvalid,
            value.span(),
            "`sharing` must be a table",
        );
        return;
    };
    reader.prefix = "sharing ";
    for (key, value) in reader.known_entries(table, SHARING_KEYS, "[sharing]") {
        let Some(s) = reader.string(key, value) else {
            continue;
        };
        let Some(level) = Tlp::parse(&s.value) else {
            let help = match Tlp::suggest(&s.value) {
                Some(t) => format!("did you mean \"{t}\"?"),
                None => format!("use one of: {}", Tlp::names()),
            };
            let d = reader.report(
                Rule::ConfigInvalid,
                value.span(),
                format!(
                    "`{key}` \"{}\" is not a TLP level: one of {}",
                    s.value,
                    Tlp::names()
                ),
            );
            d.label = Some("not a TLP 2.0 level".into());
            d.help = Some(help);
            continue;
        };
        match key {
            "default_tlp" => sharing.default_tlp = level,
            "comment_max_tlp" => sharing.comment_max_tlp = level,
            _ => unreachable!("known_entries only returns SHARING_KEYS"),
        }
    }
    reader.prefix = "";
}

/// `[personal_data]`: allowed domains, and kinds switched off by name.
fn read_personal_data(
    reader: &mut Reader,
    value: &toml::Spanned<toml::de::DeValue>,
    config: &mut personal::Options,
) {
    let toml::de::DeValue::Table(table) = value.get_ref() else {
        reader.report(
            Rule::ConfigInvalid,
            value.span(),
            "`personal_data` must be a table",
        );
        return;
    };
    reader.prefix = "personal_data ";
    for (key, value) in reader.known_entries(table, PERSONAL_DATA_KEYS, "[personal_data]") {
        let Some(list) = reader.strings(key, value) else {
            continue;
        };
        match key {
            "allowed_domains" => {
                for domain in &list.value {
                    let d = domain
                        .value
                        .trim_start_matches("*.")
                        .trim_start_matches('@');
                    if d.is_empty() || d.contains(char::is_whitespace) || !d.contains('.') {
                        reader
                            .report(
                                Rule::ConfigInvalid,
                                domain.span.clone(),
                                format!("\"{}\" is not a domain (e.g. \"example.org\")", domain.value),
                            )
                            .help = Some("write the domain after the @: \"corp.example\" allows it and its subdomains".into());
                    }
                }
                config.allowed_domains = list.value.into_iter().map(|s| s.value).collect();
            }
            "ignore_kinds" => {
                let names: Vec<&str> = personal::Kind::ALL.iter().map(|k| k.name()).collect();
                config.disabled.clear();
                for kind in list.value {
                    match personal::Kind::from_name(&kind.value) {
                        Some(k) => config.disabled.push(k),
                        None => reader.not_one_of(
                            Rule::ConfigInvalid,
                            kind.span.clone(),
                            format!("\"{}\" is not a kind of personal data", kind.value),
                            &kind.value,
                            names.iter().copied(),
                        ),
                    }
                }
            }
            _ => unreachable!("known_entries only returns PERSONAL_DATA_KEYS"),
        }
    }
    reader.prefix = "";
}

fn non_empty(
    reader: &mut Reader,
    key: &str,
    value: &toml::Spanned<toml::de::DeValue>,
) -> Option<crate::lesson::Strings> {
    let v = reader.strings(key, value)?;
    if v.value.is_empty() {
        let what = format!("{}`{key}`", reader.prefix);
        reader.report(
            Rule::ConfigInvalid,
            value.span(),
            format!("{what} must not be empty"),
        );
        return None;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practice_targets() {
        let c = Config::parse("[practice]\nreview_within_days = 7\n").unwrap();
        assert_eq!(c.practice.review_within_days, 7);
        assert_eq!(c.practice.verify_after_days, 30);
        assert!(Config::parse("[practice]\nverify_after_days = 0\n").is_err());
        assert!(Config::parse("[practice]\nverify_after_days = \"30\"\n").is_err());
    }

    #[test]
    fn empty_file_is_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.roots, ["lessons"]);
        assert_eq!(c.max_words, 1500);
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let err = Config::parse("roots = [\"x\"]\nmax_word = 3\n").unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.rule, Rule::ConfigInvalid);
        assert_eq!((d.start.line, d.start.column), (2, 1));
        assert_eq!(d.help.as_deref(), Some("did you mean `max_words`?"));
    }

    #[test]
    fn search_table() {
        let c = Config::parse(
            "[search]\nsynonyms = [[\"pgb\", \"pgbouncer\"]]\ncatch_all_keys = [\"other\"]\n",
        )
        .unwrap();
        assert_eq!(c.search.synonyms, [["pgb", "pgbouncer"]]);
        assert_eq!(c.search.catch_all_keys, ["other"]);
        assert!(Config::parse("[search]\nsynonyms = [[\"one\"]]\n").is_err());
        assert!(Config::parse("[search]\nsynonym = []\n").is_err());
    }

    #[test]
    fn sharing_table() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.sharing.default_tlp, Tlp::Amber);
        assert_eq!(c.sharing.comment_max_tlp, Tlp::Green);
        let c = Config::parse(
            "[sharing]\ndefault_tlp = \"AMBER+STRICT\"\ncomment_max_tlp = \"CLEAR\"\n",
        )
        .unwrap();
        assert_eq!(c.sharing.default_tlp, Tlp::AmberStrict);
        assert_eq!(c.sharing.comment_max_tlp, Tlp::Clear);
        let err = Config::parse("[sharing]\ndefault_tlp = \"WHITE\"\n").unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!((d.rule, d.start.line), (Rule::ConfigInvalid, 2));
        assert_eq!(d.help.as_deref(), Some("did you mean \"CLEAR\"?"));
        let err = Config::parse("[sharing]\ndefault_level = \"RED\"\n").unwrap_err();
        assert_eq!(
            err.diagnostics[0].help.as_deref(),
            Some("did you mean `default_tlp`?")
        );
        assert!(Config::parse("[sharing]\ndefault_tlp = 3\n").is_err());
        assert!(Config::parse("sharing = 3\n").is_err());
    }

    #[test]
    fn bad_values_are_reported() {
        let err = Config::parse("id_pattern = \"([\"\nmax_words = -1\n[vocabulary]\nkinds = []\n")
            .unwrap_err();
        let lines: Vec<_> = err.diagnostics.iter().map(|d| d.start.line).collect();
        assert_eq!(lines, [1, 2, 4]);
    }
}

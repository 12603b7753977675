//! The JSON Schemas in schema/ agree with the validator: valid lessons pass
//! both, value-level breakage fails both, and the schemas' keys, defaults
//! and vocabularies are the ones the code uses. Cross-field rules a schema
//! cannot express are listed here and in docs/format.md.

use std::path::Path;

use crate::common::fixture;
use lessons::config::{
    CONFIG_KEYS, Config, PERSONAL_DATA_KEYS, PRACTICE_KEYS, PRACTICE_RULES, SEARCH_KEYS,
    SHARING_KEYS, VOCABULARY_KEYS,
};
use lessons::parse::front_matter::{ACTION_KEYS, CAUSE_KEYS, LESSON_KEYS};
use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(name)).expect("the schema compiles")
}

/// TOML as JSON, the way editors map it for schema validation: dates and
/// datetimes become their TOML text.
fn to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

fn front_matter(lesson: &str) -> Value {
    let lesson = lesson.trim_start_matches('\u{FEFF}');
    let rest = lesson.strip_prefix("+++\n").expect("starts with +++");
    let end = rest.find("\n+++\n").expect("closing +++");
    to_json(toml::from_str(&rest[..end + 1]).expect("valid TOML"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn example_lessons() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example/lessons");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && name != "README.md" {
            out.push((
                entry.path().display().to_string(),
                std::fs::read_to_string(entry.path()).unwrap(),
            ));
        }
    }
    assert!(
        out.len() >= 25,
        "the example knowledge base has at least 25 lessons"
    );
    out
}

#[test]
fn valid_lessons_pass_the_schema() {
    let v = validator("lesson.schema.json");
    let mut lessons = example_lessons();
    lessons.push((
        "valid/payments-failover".into(),
        fixture("valid/payments-failover.md"),
    ));
    lessons.push(("valid/replica-lag".into(), fixture("valid/replica-lag.md")));
    for (name, text) in lessons {
        let errs = errors(&v, &front_matter(&text));
        assert!(errs.is_empty(), "{name}: {errs:#?}");
    }
}

#[test]
fn value_level_breakage_fails_the_schema() {
    let v = validator("lesson.schema.json");
    for name in [
        "missing-key",
        "missing-key-due",
        "unknown-key",
        "wrong-type",
        "invalid-value",
        "final-incomplete",
    ] {
        let doc = front_matter(&fixture(&format!("rules/{name}.md")));
        assert!(!errors(&v, &doc).is_empty(), "{name} must fail the schema");
    }
    let base = fixture("valid/payments-failover.md");
    for (what, from, to) in [
        (
            "bad cause key",
            "key = \"no-failover-runbook\"",
            "key = \"No Runbook\"",
        ),
        (
            "bad category",
            "category = \"process-gap\"",
            "category = \"gap\"",
        ),
        (
            "empty systems",
            "systems = [\"payments-db\", \"pgbouncer\"]",
            "systems = []",
        ),
        (
            "bad function",
            "functions = [\"it\", \"leadership\"]",
            "functions = [\"marketing\"]",
        ),
        ("bad id", "id = \"LL-2024-001\"", "id = \"ll-1\""),
        (
            "lower-case tlp",
            "severity = \"high\"",
            "severity = \"high\"\ntlp = \"amber\"",
        ),
        (
            "TLP 1.0 level",
            "severity = \"high\"",
            "severity = \"high\"\ntlp = \"WHITE\"",
        ),
        (
            "quoted date",
            "occurred = 2024-03-12T09:58:00Z",
            "occurred = \"yesterday\"",
        ),
        (
            "multi-line title",
            "title = \"Payment",
            "title = \"\"\"Two\nlines \"\"\" # ",
        ),
    ] {
        let doc = front_matter(&base.replacen(from, to, 1));
        assert!(!errors(&v, &doc).is_empty(), "{what} must fail the schema");
    }
}

/// Rules that need more than one value, another file or the body: the
/// schema accepts these files, `lessons check` does not.
#[test]
fn cross_field_rules_are_beyond_the_schema() {
    let v = validator("lesson.schema.json");
    for name in [
        "date-order",
        "unknown-cause-key",
        "unknown-related",
        "missing-section",
        "duplicate-section",
        "timeline-order",
        "too-long",
    ] {
        let doc = front_matter(&fixture(&format!("rules/{name}.md")));
        assert_eq!(
            errors(&v, &doc),
            Vec::<String>::new(),
            "{name} is not a schema rule"
        );
    }
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

#[test]
fn schema_keys_and_vocabularies_match_the_code() {
    let s = schema("lesson.schema.json");
    assert_eq!(keys(&s["properties"]), sorted(LESSON_KEYS));
    assert_eq!(keys(&s["$defs"]["cause"]["properties"]), sorted(CAUSE_KEYS));
    assert_eq!(
        keys(&s["$defs"]["action"]["properties"]),
        sorted(ACTION_KEYS)
    );
    let d = Config::default();
    let enum_of = |v: &Value| -> Vec<String> {
        v["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(enum_of(&s["properties"]["kind"]), d.vocabulary.kinds);
    assert_eq!(
        enum_of(&s["properties"]["severity"]),
        d.vocabulary.severities
    );
    assert_eq!(
        enum_of(&s["properties"]["functions"]["items"]),
        d.vocabulary.functions
    );
    assert_eq!(
        enum_of(&s["$defs"]["cause"]["properties"]["category"]),
        d.vocabulary.cause_categories
    );
    assert_eq!(
        enum_of(&s["$defs"]["action"]["properties"]["type"]),
        d.vocabulary.action_types
    );
    let levels: Vec<String> = lessons::tlp::Tlp::ALL
        .iter()
        .map(|t| t.name().to_string())
        .collect();
    assert_eq!(enum_of(&s["properties"]["tlp"]), levels);
    assert_eq!(s["properties"]["id"]["pattern"], d.id_pattern.as_str());
    assert_eq!(
        enum_of(&s["properties"]["status"]),
        lessons::lesson::LESSON_STATUSES
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        enum_of(&s["$defs"]["action"]["properties"]["status"]),
        lessons::lesson::ACTION_STATUSES
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_personal_data_table_matches_the_code() {
    let s = schema("lessons-toml.schema.json");
    let personal = &s["properties"]["personal_data"]["properties"];
    assert_eq!(keys(personal), sorted(PERSONAL_DATA_KEYS));
    let kinds: Vec<&str> = lessons::sensitive::personal::Kind::ALL
        .iter()
        .map(|k| k.name())
        .collect();
    assert_eq!(
        personal["ignore_kinds"]["items"]["enum"],
        serde_json::json!(kinds)
    );
}

#[test]
fn the_practice_table_matches_the_code() {
    let s = schema("lessons-toml.schema.json");
    let practice = &s["properties"]["practice"]["properties"];
    assert_eq!(keys(practice), sorted(PRACTICE_KEYS));
    let d = Config::default().practice;
    assert_eq!(
        practice["surface_categories"]["default"],
        serde_json::json!(d.surface_categories)
    );
    assert_eq!(
        practice["review_within_days"]["default"],
        d.review_within_days
    );
    assert_eq!(
        practice["verify_after_days"]["default"],
        d.verify_after_days
    );
    let rules: Vec<&str> = PRACTICE_RULES.iter().map(|r| r.name()).collect();
    assert_eq!(
        practice["rules_off"]["items"]["enum"],
        serde_json::json!(rules)
    );
}

#[test]
fn config_schema_matches_the_code() {
    let s = schema("lessons-toml.schema.json");
    assert_eq!(keys(&s["properties"]), sorted(CONFIG_KEYS));
    assert_eq!(
        keys(&s["properties"]["vocabulary"]["properties"]),
        sorted(VOCABULARY_KEYS)
    );
    assert_eq!(
        keys(&s["properties"]["search"]["properties"]),
        sorted(SEARCH_KEYS)
    );
    let sharing = &s["properties"]["sharing"]["properties"];
    assert_eq!(keys(sharing), sorted(SHARING_KEYS));
    let d = Config::default();
    assert_eq!(
        sharing["default_tlp"]["default"],
        d.sharing.default_tlp.name()
    );
    assert_eq!(
        sharing["comment_max_tlp"]["default"],
        d.sharing.comment_max_tlp.name()
    );
    let levels: Vec<&str> = lessons::tlp::Tlp::ALL.iter().map(|t| t.name()).collect();
    for key in SHARING_KEYS {
        assert_eq!(sharing[key]["enum"], serde_json::json!(levels));
    }
    assert_eq!(
        s["properties"]["search"]["properties"]["catch_all_keys"]["default"],
        serde_json::json!(d.search.catch_all_keys)
    );
    let p = &s["properties"];
    assert_eq!(p["roots"]["default"], serde_json::json!(d.roots));
    assert_eq!(p["id_pattern"]["default"], d.id_pattern.as_str());
    assert_eq!(
        p["required_sections"]["default"],
        serde_json::json!(d.required_sections)
    );
    assert_eq!(p["max_words"]["default"], d.max_words);
    assert_eq!(p["max_file_size"]["default"], d.max_file_size);
    let voc = &p["vocabulary"]["properties"];
    assert_eq!(
        voc["kinds"]["default"],
        serde_json::json!(d.vocabulary.kinds)
    );
    assert_eq!(
        voc["severities"]["default"],
        serde_json::json!(d.vocabulary.severities)
    );
    assert_eq!(
        voc["functions"]["default"],
        serde_json::json!(d.vocabulary.functions)
    );
    assert_eq!(
        voc["cause_categories"]["default"],
        serde_json::json!(d.vocabulary.cause_categories)
    );
    assert_eq!(
        voc["action_types"]["default"],
        serde_json::json!(d.vocabulary.action_types)
    );

    let v = validator("lessons-toml.schema.json");
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example/lessons.toml"),
    )
    .unwrap();
    for text in [
        example.as_str(),
        "",
        "max_words = 900\n[vocabulary]\nseverities = [\"sev1\", \"sev2\"]\n",
        "[sharing]\ndefault_tlp = \"AMBER+STRICT\"\ncomment_max_tlp = \"CLEAR\"\n",
        "[personal_data]\nallowed_domains = [\"corp.example\", \"*.corp.test\"]\nignore_kinds = [\"ip\"]\n",
    ] {
        assert!(Config::parse(text).is_ok());
        let doc = to_json(toml::from_str(text).unwrap());
        assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{text}");
    }
    for text in [
        "max_word = 3\n",
        "max_words = 0\n",
        "roots = []\n",
        "[vocabulary]\nkinds = \"outage\"\n",
        "[vocabulary]\nseverity = [\"a\"]\n",
        "[sharing]\ndefault_tlp = \"WHITE\"\n",
        "[sharing]\ncomment_max = \"GREEN\"\n",
        "[personal_data]\nignore_kinds = [\"ips\"]\n",
        "[personal_data]\nallowed_domains = [\"corp\"]\n",
        "[personal_data]\nallow_domains = []\n",
    ] {
        assert!(Config::parse(text).is_err(), "the validator rejects {text}");
        let doc = to_json(toml::from_str(text).unwrap());
        assert!(!errors(&v, &doc).is_empty(), "the schema rejects {text}");
    }
}

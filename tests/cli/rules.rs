//! A fixture per rule: each breaks one rule of the format, and the rule
//! must be reported at the right line and column, and nothing else.

use crate::common::{Kb, findings, fixture};

/// A knowledge base holding the valid lessons plus `lesson` at `path`.
fn kb_with(path: &str, lesson: &str) -> Kb {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write(path, lesson);
    kb
}

#[track_caller]
fn assert_only(fixture_name: &str, rule: &str, level: &str, line: u64, column: u64) {
    let path = "lessons/2024/case.md";
    let kb = kb_with(path, &fixture(&format!("rules/{fixture_name}.md")));
    let (code, doc) = kb.check_json(&[]);
    let found = findings(&doc);
    assert_eq!(
        found,
        vec![(path.to_string(), rule.to_string(), line, column)],
        "fixture {fixture_name}: {doc:#}"
    );
    assert_eq!(doc["diagnostics"][0]["level"], level);
    assert_eq!(doc["files_checked"], 2);
    assert_eq!(
        code,
        if level == "error" { 1 } else { 0 },
        "exit code for {fixture_name}"
    );
}

#[test]
fn valid_lessons_pass() {
    let kb = kb_with(
        "lessons/2024/payments-failover.md",
        &fixture("valid/payments-failover.md"),
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 0);
    assert_eq!(doc["files_checked"], 2);
}

#[test]
fn front_matter_missing() {
    assert_only(
        "front-matter-missing",
        "front-matter-missing",
        "error",
        1,
        1,
    );
}

#[test]
fn front_matter_missing_yaml() {
    assert_only(
        "front-matter-missing-yaml",
        "front-matter-missing",
        "error",
        1,
        1,
    );
}

#[test]
fn front_matter_unclosed() {
    assert_only(
        "front-matter-unclosed",
        "front-matter-unclosed",
        "error",
        1,
        1,
    );
}

#[test]
fn toml_syntax() {
    assert_only("toml-syntax", "toml-syntax", "error", 6, 12);
}

#[test]
fn missing_key() {
    assert_only("missing-key", "missing-key", "error", 1, 1);
}

#[test]
fn missing_key_due_on_open_action() {
    assert_only("missing-key-due", "missing-key", "error", 23, 1);
}

#[test]
fn unknown_key() {
    assert_only("unknown-key", "unknown-key", "error", 15, 1);
}

#[test]
fn wrong_type() {
    assert_only("wrong-type", "wrong-type", "error", 12, 11);
}

#[test]
fn invalid_value() {
    assert_only("invalid-value", "invalid-value", "error", 6, 12);
}

#[test]
fn date_order() {
    assert_only("date-order", "date-order", "error", 10, 13);
}

#[test]
fn final_incomplete() {
    assert_only("final-incomplete", "final-incomplete", "error", 4, 10);
    // Each gap is named; a key that is there with the wrong type is not
    // reported again as missing.
    let lesson = fixture("valid/payments-failover.md");
    let start = lesson.find("[[actions]]").unwrap();
    let end = lesson.find("+++\n\n## Summary").unwrap();
    let lesson = format!("{}{}", &lesson[..start], &lesson[end..])
        .replace("\n[[causes]]", "actions = \"none\"\n\n[[causes]]");
    let kb = kb_with("lessons/2024/case.md", &lesson);
    let (_, doc) = kb.check_json(&[]);
    let rules: Vec<_> = findings(&doc).into_iter().map(|f| f.1).collect();
    assert_eq!(rules, ["wrong-type"], "{doc:#}");
    let lesson = fixture("rules/final-incomplete.md");
    let start = lesson.find("[[causes]]").unwrap();
    let end = lesson.find("+++\n\n## Summary").unwrap();
    let kb = kb_with(
        "lessons/2024/case.md",
        &format!("{}{}", &lesson[..start], &lesson[end..]),
    );
    let (_, doc) = kb.check_json(&[]);
    let messages: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "the lesson is final but has no `reviewed` date",
            "the lesson is final but has no root cause",
            "the lesson is final but has no improvement action",
        ]
    );
}

#[test]
fn unknown_cause_key() {
    assert_only("unknown-cause-key", "unknown-cause-key", "error", 29, 14);
}

#[test]
fn missing_section() {
    assert_only("missing-section", "missing-section", "error", 33, 1);
}

#[test]
fn duplicate_section() {
    assert_only("duplicate-section", "duplicate-section", "error", 45, 1);
}

#[test]
fn timeline_order() {
    assert_only("timeline-order", "timeline-order", "error", 43, 3);
}

#[test]
fn unknown_related() {
    assert_only("unknown-related", "unknown-related", "error", 16, 12);
}

#[test]
fn too_long_is_a_warning() {
    assert_only("too-long", "too-long", "warning", 33, 1);
}

#[test]
fn strict_turns_warnings_into_errors() {
    let kb = kb_with("lessons/2024/case.md", &fixture("rules/too-long.md"));
    let (code, doc) = kb.check_json(&["--strict"]);
    assert_eq!(code, 1);
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["warnings"], 0);
    assert_eq!(doc["diagnostics"][0]["level"], "error");
}

#[test]
fn duplicate_id_is_reported_on_the_later_file_naming_the_first() {
    let kb = kb_with(
        "lessons/2024/a-first.md",
        &fixture("valid/payments-failover.md"),
    );
    kb.write(
        "lessons/2024/b-second.md",
        fixture("valid/payments-failover.md"),
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&doc),
        vec![(
            "lessons/2024/b-second.md".to_string(),
            "duplicate-id".to_string(),
            2,
            6
        )]
    );
    let message = doc["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("lessons/2024/a-first.md:2:6"), "{message}");
}

#[test]
fn cross_file_rules_consider_every_lesson_but_report_on_the_selected() {
    let kb = kb_with(
        "lessons/2024/a-first.md",
        &fixture("valid/payments-failover.md"),
    );
    kb.write(
        "lessons/2024/b-second.md",
        fixture("valid/payments-failover.md"),
    );
    // Only the first file: its `related` id exists in a file that was not
    // selected, and the duplicate is reported on it, since the later file
    // is not checked (a pull request adding the earlier one must fail).
    let (code, doc) = kb.check_json(&["lessons/2024/a-first.md"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["files_checked"], 1);
    assert_eq!(
        findings(&doc),
        vec![(
            "lessons/2024/a-first.md".to_string(),
            "duplicate-id".to_string(),
            2,
            6
        )]
    );
    let (code, doc) = kb.check_json(&["lessons/2024/b-second.md"]);
    assert_eq!(code, 1);
    assert_eq!(doc["files_checked"], 1);
    assert_eq!(doc["diagnostics"][0]["rule"], "duplicate-id");
}

#[test]
fn every_problem_of_a_file_is_reported() {
    let lesson = fixture("valid/payments-failover.md")
        .replace("severity = \"high\"", "severity = \"urgent\"")
        .replace("tags = ", "tagz = ")
        .replace("## Analysis", "## Discussion")
        .replace(
            "addresses = [\"no-failover-runbook\"]",
            "addresses = [\"nope\"]",
        );
    let kb = kb_with("lessons/2024/case.md", &lesson);
    let (_, doc) = kb.check_json(&[]);
    let rules: Vec<_> = findings(&doc).into_iter().map(|f| f.1).collect();
    assert_eq!(
        rules,
        [
            "invalid-value",
            "unknown-key",
            "unknown-cause-key",
            "missing-section"
        ]
    );
}

#[test]
fn config_vocabularies_and_patterns_apply() {
    let kb = kb_with(
        "lessons/2024/case.md",
        &fixture("valid/payments-failover.md"),
    );
    kb.write(
        "lessons.toml",
        "id_pattern = \"^INC-[0-9]+$\"\nrequired_sections = [\"Summary\", \"Impact\"]\n[vocabulary]\nseverities = [\"sev1\", \"sev2\"]\n",
    );
    let (_, doc) = kb.check_json(&["lessons/2024/case.md"]);
    let rules: Vec<_> = findings(&doc).into_iter().map(|f| (f.1, f.2)).collect();
    assert_eq!(
        rules,
        [
            ("invalid-value".to_string(), 2),
            ("invalid-value".to_string(), 6),
            ("missing-section".to_string(), 33)
        ]
    );
}

#[test]
fn dates_compare_in_utc() {
    // 11:00+02:00 is 09:00Z: before `occurred` at 09:58Z.
    let lesson = fixture("valid/payments-failover.md").replace(
        "detected = 2024-03-12T10:04:00Z",
        "detected = 2024-03-12T11:00:00+02:00",
    );
    let kb = kb_with("lessons/2024/case.md", &lesson);
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(findings(&doc)[0].1, "date-order");
    // A bare date is 00:00 UTC: reviewed on the day it occurred is fine.
    let lesson = fixture("valid/payments-failover.md")
        .replace("reviewed = 2024-03-19", "reviewed = 2024-03-12");
    let kb = kb_with("lessons/2024/case.md", &lesson);
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(
        findings(&doc)[0].1,
        "date-order",
        "00:00 on the day is before 09:58"
    );
    let d = &doc["diagnostics"][0];
    assert_eq!(
        d["message"],
        "`reviewed` (2024-03-12) is earlier than `occurred` (2024-03-12T09:58:00Z)"
    );
    assert!(d.get("help").is_none_or(|h| h.is_null()), "{d}");
}

#[test]
fn cause_and_action_problems_point_inside_their_tables() {
    let lesson = fixture("valid/payments-failover.md")
        .replace("category = \"process-gap\"", "category = \"proces-gap\"")
        .replace("key = \"no-failover-runbook\"", "key = \"No Failover\"")
        .replace("type = \"procedure-update\"", "typ = \"procedure-update\"")
        .replace("addresses = [\"no-failover-runbook\"]", "addresses = []");
    let kb = kb_with("lessons/2024/case.md", &lesson);
    let (_, doc) = kb.check_json(&[]);
    let rules: Vec<_> = findings(&doc)
        .into_iter()
        .map(|f| (f.1, f.2, f.3))
        .collect();
    assert_eq!(
        rules,
        [
            ("invalid-value".to_string(), 19, 12),
            ("invalid-value".to_string(), 20, 7),
            ("missing-key".to_string(), 23, 1),
            ("unknown-key".to_string(), 25, 1),
        ]
    );
    let help: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["help"].clone())
        .collect();
    assert_eq!(help[0], "did you mean \"process-gap\"?");
    assert_eq!(help[1], "write it as \"no-failover\"");
    assert_eq!(help[3], "did you mean `type`?");
}

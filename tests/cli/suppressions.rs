//! Accepting reviewed `secret` findings: an inline `lessons:allow`
//! comment (Markdown, front matter, the line above a key block), and the
//! fingerprint file `.lessons-allow` written by `check --write-allowlist`,
//! with its stale entries reported.

use lessons::sensitive::secrets::RULES;

use crate::common::{Kb, findings, fixture};

fn key() -> &'static str {
    RULES[0].examples[0].rsplit(' ').next().unwrap()
}

fn private_key() -> &'static str {
    RULES
        .iter()
        .flat_map(|r| r.examples.iter().copied())
        .find(|e| e.contains("BEGIN") && e.contains('\n'))
        .unwrap()
}

/// A valid lesson (`LL-2024-900`) with `front` added to its front matter
/// (under `[extra]`) and `body` appended.
fn lesson_with(front: &str, body: &str) -> String {
    let valid = fixture("valid/replica-lag.md")
        .replace("LL-2023-031", "LL-2024-900")
        .replace("occurred = 2023-11-02", "occurred = 2024-01-02");
    let (head, rest) = valid.split_at(valid.rfind("\n+++\n").unwrap());
    format!("{head}\n\n[extra]\n{front}{rest}\n## Notes\n{body}\n")
}

fn rules_of(doc: &serde_json::Value) -> Vec<String> {
    findings(doc).into_iter().map(|f| f.1).collect()
}

#[test]
fn inline_comments_accept_a_finding_on_their_line() {
    let key = key();
    let kb = Kb::new();
    let body = format!(
        "The documented example key {key} <!-- lessons:allow secret -->\n\n\
         <!-- lessons:allow secret -->\n```\n{}\n```\n",
        private_key()
    );
    let front = format!("# lessons:allow secret\nsample = \"{key}\"\n");
    kb.write("lessons/2024/allowed.md", lesson_with(&front, &body));
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["allowed"], 3, "{doc:#}");
    let human = kb.run(&["check", "--color", "never"]);
    assert!(
        human
            .stdout
            .contains("(3 findings accepted by lessons:allow or .lessons-allow)"),
        "{}",
        human.stdout
    );

    // A comment naming another rule, or prose, accepts nothing.
    let body =
        format!("Key {key} <!-- lessons:allow personal-data -->\n\nlessons:allow secret {key}\n");
    kb.write("lessons/2024/allowed.md", lesson_with("", &body));
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&doc), ["secret", "secret"], "{doc:#}");
}

#[test]
fn write_allowlist_records_fingerprints_and_reports_stale_entries() {
    let key = key();
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write(
        "lessons/2024/leak.md",
        lesson_with("", &format!("The key {key} was in a gist.\n")),
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let fingerprint = doc["diagnostics"][0]["fingerprint"]
        .as_str()
        .expect("a secret finding carries its fingerprint")
        .to_string();

    let run = kb.run(&["check", "--write-allowlist", "--color", "never"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("wrote .lessons-allow: 1 accepted finding (1 new, 0 removed"),
        "{}",
        run.stderr
    );
    let written = std::fs::read_to_string(kb.path().join(".lessons-allow")).unwrap();
    assert!(
        !written.contains(key),
        "the file holds the secret:\n{written}"
    );
    assert!(written.contains(&format!("secret {fingerprint} lessons/2024/leak.md")));
    assert!(
        written.contains("AKIA****"),
        "a masked note for the reviewer:\n{written}"
    );

    // The file accepts the finding in every format; SARIF carries the fingerprint.
    let (code, doc) = kb.check_json(&[]);
    assert_eq!((code, doc["errors"].as_u64()), (0, Some(0)), "{doc:#}");
    assert_eq!(doc["allowed"], 1);
    let run = kb.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // Writing again changes nothing.
    kb.run(&["check", "--write-allowlist"]);
    assert_eq!(
        std::fs::read_to_string(kb.path().join(".lessons-allow")).unwrap(),
        written
    );

    // The key is removed: the entry is stale, a warning at its line.
    kb.write(
        "lessons/2024/leak.md",
        lesson_with("", "The key was in a gist.\n"),
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    let line = written
        .lines()
        .position(|l| l.starts_with("secret "))
        .unwrap()
        + 1;
    assert_eq!(
        findings(&doc),
        [(
            ".lessons-allow".to_string(),
            "stale-allow".to_string(),
            line as u64,
            1
        )],
        "{doc:#}"
    );
    let (code, _) = kb.check_json(&["--strict"]);
    assert_eq!(code, 1);
    let human = kb.run(&["check", "--color", "never"]);
    assert!(
        human
            .stdout
            .contains("warning[stale-allow]: .lessons-allow accepts a `secret` finding in lessons/2024/leak.md that is no longer there"),
        "{}",
        human.stdout
    );
    // Checking only another lesson does not judge the entry.
    let (code, doc) = kb.check_json(&["lessons/2023/replica-lag.md"]);
    assert_eq!((code, doc["warnings"].as_u64()), (0, Some(0)), "{doc:#}");
    // Rewriting drops it.
    let run = kb.run(&["check", "--write-allowlist"]);
    assert!(
        run.stderr.contains("0 accepted findings (0 new, 1 removed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_damaged_allowlist_is_reported_at_its_line() {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write(
        ".lessons-allow",
        format!("# reviewed\nsecret {} lessons/2023/replica-lag.md\n", key()),
    );
    let run = kb.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(".lessons-allow:2:8"),
        "file, line and column:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("is not a fingerprint"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error: .lessons-allow has 1 problem"),
        "{}",
        run.stderr
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 2);
    assert_eq!(rules_of(&doc), ["config-invalid"]);
    // The damaged line holds a key: nothing prints it whole.
    assert!(!run.stderr.contains(key()), "{}", run.stderr);
    assert!(run.stderr.contains("AKIA****"), "{}", run.stderr);
    let json = kb.run(&["check", "--format", "json"]);
    assert!(!json.stdout.contains(key()), "{}", json.stdout);
}

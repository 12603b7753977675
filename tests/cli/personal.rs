//! The `personal-data` rule on a real knowledge base: every kind's
//! examples planted in a lesson (front matter, body, a code block) are
//! found as warnings, no near-miss fires, `lessons.toml` allows domains and
//! switches kinds off, and findings are accepted like secrets.

use lessons::sensitive::personal::KINDS;

use crate::common::{Kb, fixture};

/// A valid lesson (`LL-2024-900`) with `note` as a front-matter value and
/// `body` appended.
fn lesson_with(note: &str, body: &str) -> String {
    let valid = fixture("valid/replica-lag.md")
        .replace("LL-2023-031", "LL-2024-900")
        .replace("occurred = 2023-11-02", "occurred = 2024-01-02");
    let (front, rest) = valid.split_at(valid.rfind("\n+++\n").unwrap());
    format!(
        "{front}\n\n[extra]\nnote = \"{}\"{rest}\n## Notes\n{body}\n",
        note.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn personal(doc: &serde_json::Value) -> Vec<(u64, String)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "personal-data")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_example_is_a_warning_and_no_near_miss_fires() {
    let mut body = String::new();
    let mut planted = 0;
    for (i, kind) in KINDS.iter().enumerate() {
        for e in kind.examples {
            // In prose, in a code block and in a list, in turn.
            match (i + planted) % 3 {
                0 => body.push_str(&format!("\nSeen in the ticket: {e}\n")),
                1 => body.push_str(&format!("\n```\n{e}\n```\n")),
                _ => body.push_str(&format!("\n- {e}\n")),
            }
            planted += 1;
        }
    }
    let first = KINDS[0].examples[0];
    let kb = Kb::new();
    kb.write("lessons/2024/data.md", lesson_with(first, &body));
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "warnings only: {doc:#}");
    let found = personal(&doc);
    assert_eq!(found.len(), planted + 1, "{doc:#}");
    for kind in KINDS {
        assert!(
            found
                .iter()
                .any(|(_, m)| m.ends_with(&format!("({})", kind.kind.name()))),
            "{} found",
            kind.kind.name()
        );
    }
    assert_eq!(
        found[0].0, 11,
        "the front-matter value is found at its line"
    );
    let (code, _) = kb.check_json(&["--strict"]);
    assert_eq!(code, 1, "an error with --strict");

    let mut body = String::new();
    for kind in KINDS {
        for near in kind.near_misses {
            body.push_str(&format!("\n{near}\n"));
        }
    }
    kb.write("lessons/2024/data.md", lesson_with("none", &body));
    let (code, doc) = kb.check_json(&[]);
    assert_eq!((code, personal(&doc)), (0, vec![]), "{doc:#}");
}

#[test]
fn lessons_toml_allows_domains_and_switches_kinds_off() {
    let kb = Kb::new();
    let body = "Escalated to secops@acme-corp.com and to dana.reyes@fastmail.com.\n\n\
                The attacker connected from 81.2.69.160.\n";
    kb.write("lessons/2024/data.md", lesson_with("none", body));
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(personal(&doc).len(), 3, "{doc:#}");
    kb.write(
        "lessons.toml",
        "[personal_data]\nallowed_domains = [\"acme-corp.com\"]\nignore_kinds = [\"ip\"]\n",
    );
    let (_, doc) = kb.check_json(&[]);
    let found = personal(&doc);
    assert_eq!(found.len(), 1, "{doc:#}");
    assert!(found[0].1.contains("`dana"), "{found:?}");
    assert!(
        !found[0].1.contains("fastmail"),
        "the value is masked: {found:?}"
    );

    kb.write(
        "lessons.toml",
        "[personal_data]\nignore_kinds = [\"ips\"]\n",
    );
    let run = kb.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("lessons.toml:2:17"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean \"ip\"?"),
        "{}",
        run.stderr
    );
}

#[test]
fn personal_data_is_accepted_inline_and_by_fingerprint() {
    let kb = Kb::new();
    let body = "Reported by dana.reyes@fastmail.com <!-- lessons:allow personal-data -->\n\n\
                Refund to card 4556 7375 8689 9855.\n";
    kb.write("lessons/2024/data.md", lesson_with("none", body));
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(personal(&doc).len(), 1, "{doc:#}");
    assert_eq!(doc["allowed"], 1);
    let run = kb.run(&["check", "--write-allowlist"]);
    assert!(run.stderr.contains("1 accepted finding"), "{}", run.stderr);
    let written = std::fs::read_to_string(kb.path().join(".lessons-allow")).unwrap();
    assert!(written.contains("\npersonal-data "), "{written}");
    assert!(!written.contains("8689 9855"), "{written}");
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(
        (personal(&doc).len(), doc["allowed"].as_u64()),
        (0, Some(2))
    );
}

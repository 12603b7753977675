//! What `check` must not let through, and how it names the mistake: a
//! lesson whose file name is not UTF-8, values the TOML parser reads only
//! lazily, a misspelt required heading, YAML left in the front matter.

use crate::common::{Kb, findings, fixture};

/// A knowledge base with the valid lesson and `text` at `path`.
fn kb_with(path: &str, text: impl AsRef<[u8]>) -> Kb {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write(path, text);
    kb
}

/// The valid lesson with `line` added to its front matter, after `id`.
fn with_front_matter_line(line: &str) -> String {
    fixture("valid/payments-failover.md").replacen("title = ", &format!("{line}\ntitle = "), 1)
}

/// toml-test's invalid documents that the TOML library parses without a
/// word (it reads numbers when a key is used): under an unknown key they
/// were only `unknown-key`, under `[extra]` nothing at all.
#[test]
fn invalid_toml_anywhere_is_toml_syntax() {
    for doc in [
        "x = 0b",
        "x = 0o",
        "x = 0x",
        "x = 9223372036854775808",
        "x = 1 # a bare\rcarriage return",
    ] {
        for text in [
            with_front_matter_line(doc),
            // Free-form data is free in its keys, not in its syntax.
            fixture("valid/payments-failover.md").replacen(
                "\n+++\n",
                &format!("\n[extra]\n{doc}\n+++\n"),
                1,
            ),
        ] {
            let kb = kb_with("lessons/2024/case.md", &text);
            let (code, doc_json) = kb.check_json(&[]);
            let found = findings(&doc_json);
            assert_eq!(code, 1, "{doc:?}: {doc_json:#}");
            assert!(
                !found.is_empty() && found.iter().all(|f| f.1 == "toml-syntax"),
                "{doc:?}: {doc_json:#}"
            );
            let line = text.lines().position(|l| l.starts_with("x = ")).unwrap() as u64 + 1;
            assert_eq!(found[0].2, line, "{doc:?}: at the value's line");
        }
    }
}

#[test]
fn a_non_ascii_digit_is_toml_syntax() {
    for doc in ["x = 1\u{0663}", "x = \u{FF11}", "x = 0x1\u{0661}"] {
        let kb = kb_with("lessons/2024/case.md", with_front_matter_line(doc));
        let (code, doc_json) = kb.check_json(&[]);
        let rules: Vec<String> = findings(&doc_json).into_iter().map(|f| f.1).collect();
        assert_eq!(code, 1);
        assert_eq!(rules, ["toml-syntax"], "{doc:?}: {doc_json:#}");
    }
}

#[test]
fn a_misspelt_heading_is_named_at_the_heading() {
    let text = fixture("valid/payments-failover.md").replace("## Analysis\n", "## Analyses\n");
    let kb = kb_with("lessons/2024/case.md", &text);
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let line = text.lines().position(|l| l == "## Analyses").unwrap() as u64 + 1;
    assert_eq!(
        findings(&doc),
        [(
            "lessons/2024/case.md".to_string(),
            "missing-section".to_string(),
            line,
            1
        )]
    );
    let message = doc["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("found `## Analyses`; did you mean `## Analysis`?"),
        "{message}"
    );
}

#[test]
fn yaml_in_the_front_matter_is_one_finding_that_says_so() {
    let text = fixture("valid/payments-failover.md")
        .replace("kind = \"outage\"", "kind: outage")
        .replace("severity = \"high\"", "severity: high")
        .replace("status = \"final\"", "status: final");
    let kb = kb_with("lessons/2024/case.md", &text);
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let found = findings(&doc);
    assert_eq!(found.len(), 1, "{doc:#}");
    assert_eq!(found[0].1, "toml-syntax");
    assert_eq!(found[0].2, 4, "at the first YAML line");
    let d = &doc["diagnostics"][0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("looks like YAML: write `status = \"final\"`"),
        "{d:#}"
    );
    assert!(d["help"].as_str().unwrap().contains("3 lines"), "{d:#}");
}

/// A lesson whose name is not UTF-8 was skipped by the walk and by
/// `--changed`, and `check` passed. It is reported, with its path escaped.
#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_utf8_fails_check() {
    use std::os::unix::ffi::OsStrExt;
    let kb = kb_with(
        "lessons/2023/placeholder.md",
        fixture("valid/payments-failover.md"),
    );
    kb.git_init();
    kb.commit_all("base");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    let lesson = fixture("valid/payments-failover.md").replace("LL-2024-001", "LL-2024-002");
    let dir = kb.path().join("lessons/2024");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"caf\xE9.md")), lesson).unwrap();
    let folder = kb
        .path()
        .join(std::ffi::OsStr::from_bytes(b"lessons/x\xFF"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("inside.md"), "not read").unwrap();
    let expected = [
        "lessons/2024/caf\\xE9.md".to_string(),
        "lessons/x\\xFF/inside.md".to_string(),
    ];
    for args in [&[][..], &["--changed", "main"][..]] {
        let (code, doc) = kb.check_json(args);
        assert_eq!(code, 1, "{args:?}: {doc:#}");
        let found: Vec<(String, String)> = findings(&doc)
            .into_iter()
            .map(|(path, rule, ..)| (path, rule))
            .collect();
        assert_eq!(
            found,
            expected
                .iter()
                .map(|p| (p.clone(), "unreadable-file".to_string()))
                .collect::<Vec<_>>(),
            "{args:?}: {doc:#}"
        );
        assert!(
            doc["diagnostics"][0]["help"]
                .as_str()
                .unwrap()
                .contains("$'lessons/2024/caf\\xE9.md'")
        );
    }
    let run = kb.run(&["check", "--color", "never"]);
    assert!(
        run.stdout.contains("--> lessons/2024/caf\\xE9.md"),
        "{}",
        run.stdout
    );
}

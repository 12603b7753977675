//! Bad input: every case gets a named rule and a position, never a panic,
//! a hang or a stopped run.

use crate::common::{Kb, findings, fixture};

fn valid() -> String {
    fixture("valid/payments-failover.md")
}

/// A knowledge base with one good lesson (so the run must go on past the
/// bad file) plus `content` at lessons/bad.md.
fn check_bad(content: &[u8]) -> (i32, serde_json::Value) {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write("lessons/bad.md", content);
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(
        doc["files_checked"], 2,
        "the run goes on past the bad file: {doc:#}"
    );
    (code, doc)
}

fn only(doc: &serde_json::Value) -> (String, u64, u64, String) {
    let d = &doc["diagnostics"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{doc:#}");
    (
        d[0]["rule"].as_str().unwrap().to_string(),
        d[0]["line"].as_u64().unwrap(),
        d[0]["column"].as_u64().unwrap(),
        d[0]["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn invalid_utf8_says_where() {
    let mut bytes = valid().into_bytes();
    let at = bytes.windows(5).position(|w| w == b"Payme").unwrap();
    bytes[at + 1] = 0xE9; // Latin-1 e-acute
    let (code, doc) = check_bad(&bytes);
    assert_eq!(code, 1);
    let (rule, line, column, message) = only(&doc);
    assert_eq!((rule.as_str(), line, column), ("invalid-encoding", 3, 11));
    assert!(message.contains("0xE9"), "{message}");
}

#[test]
fn utf16_says_save_as_utf8() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in valid().encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let (_, doc) = check_bad(&bytes);
    let (rule, line, column, message) = only(&doc);
    assert_eq!((rule.as_str(), line, column), ("invalid-encoding", 1, 1));
    assert!(message.contains("UTF-16"), "{message}");
    assert!(
        doc["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
}

#[test]
fn nul_bytes() {
    let text = valid().replacen("Payment", "Pay\0ment", 1);
    let (_, doc) = check_bad(text.as_bytes());
    let (rule, line, column, _) = only(&doc);
    assert_eq!((rule.as_str(), line, column), ("nul-byte", 3, 13));
}

#[test]
fn file_over_the_size_limit() {
    let kb = Kb::new();
    kb.write("lessons.toml", "max_file_size = 2000\n");
    kb.write("lessons/big.md", valid() + &"padding line\n".repeat(200));
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let (rule, line, column, message) = only(&doc);
    assert_eq!((rule.as_str(), line, column), ("file-too-large", 1, 1));
    assert!(message.contains("2,000"), "{message}");
}

#[test]
fn default_size_limit_is_one_mebibyte() {
    let big = valid() + &"x".repeat(1024 * 1024);
    let (_, doc) = check_bad(big.as_bytes());
    assert_eq!(only(&doc).0, "file-too-large");
}

#[test]
fn yaml_front_matter_says_toml_is_expected() {
    let (_, doc) = check_bad(fixture("rules/front-matter-missing-yaml.md").as_bytes());
    let (rule, _, _, message) = only(&doc);
    assert_eq!(rule, "front-matter-missing");
    assert!(
        message.contains("YAML") && message.contains("+++"),
        "{message}"
    );
}

#[test]
fn unclosed_front_matter_hints_at_the_heading() {
    let (_, doc) = check_bad(fixture("rules/front-matter-unclosed.md").as_bytes());
    let (rule, line, _, _) = only(&doc);
    assert_eq!((rule.as_str(), line), ("front-matter-unclosed", 1));
    let help = doc["diagnostics"][0]["help"].as_str().unwrap();
    assert!(help.contains("before the first heading"), "{help}");
}

#[test]
fn merge_conflict_markers() {
    let text = valid().replace(
        "severity = \"high\"\n",
        "<<<<<<< HEAD\nseverity = \"high\"\n=======\nseverity = \"medium\"\n>>>>>>> fix\n",
    );
    let (_, doc) = check_bad(text.as_bytes());
    let (rule, line, column, _) = only(&doc);
    assert_eq!((rule.as_str(), line, column), ("merge-conflict", 6, 1));
}

#[test]
fn empty_file() {
    let (_, doc) = check_bad(b"");
    let (rule, _, _, message) = only(&doc);
    assert_eq!(rule, "front-matter-missing");
    assert!(message.contains("empty"));
}

#[test]
fn bom_and_crlf_lessons_pass() {
    let text = format!("\u{FEFF}{}", valid().replace('\n', "\r\n"));
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write("lessons/crlf.md", text);
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    // Positions stay right with CRLF and a BOM.
    let text = format!(
        "\u{FEFF}{}",
        valid().replace('\n', "\r\n").replace("\"high\"", "\"hgh\"")
    );
    kb.write("lessons/crlf.md", text);
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(findings(&doc)[0].2, 6);
    assert_eq!(findings(&doc)[0].3, 12);
    assert_eq!(doc["diagnostics"][0]["help"], "did you mean \"high\"?");
}

#[cfg(unix)]
#[test]
fn symlinks_are_never_followed_out_of_the_knowledge_base() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("secret.md");
    std::fs::write(&target, valid()).unwrap();
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    std::os::unix::fs::symlink(&target, kb.path().join("lessons/link.md")).unwrap();
    // A link inside the knowledge base is fine.
    kb.write("shared/inside.md", valid());
    std::os::unix::fs::symlink(
        kb.path().join("shared/inside.md"),
        kb.path().join("lessons/inside.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.md", kb.path().join("lessons/broken.md")).unwrap();
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let rules: Vec<_> = findings(&doc).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        rules,
        [
            (
                "lessons/broken.md".to_string(),
                "unreadable-file".to_string()
            ),
            ("lessons/link.md".to_string(), "symlink-outside".to_string()),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_lesson_does_not_hang() {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    let status = std::process::Command::new("mkfifo")
        .arg(kb.path().join("lessons/pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(findings(&doc)[0].1, "unreadable-file");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    let path = kb.write("lessons/locked.md", valid());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reads; nothing to test.
        return;
    }
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(findings(&doc)[0].1, "unreadable-file");
}

#[test]
fn a_plain_folder_without_git_works() {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write("lessons/2024/failover.md", valid());
    let (code, doc) = kb.check_json(&[]);
    assert_eq!((code, doc["files_checked"].as_u64()), (0, Some(2)));
}

#[test]
fn readme_and_underscore_files_are_not_lessons() {
    let kb = Kb::new();
    kb.write("lessons/README.md", "# Our lessons\n");
    kb.write("lessons/_template.md", "+++\n+++\n");
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write("notes/outside-roots.md", "not a lesson");
    let (code, doc) = kb.check_json(&[]);
    assert_eq!((code, doc["files_checked"].as_u64()), (0, Some(1)));
}

#[test]
fn bad_lessons_toml_is_an_error_at_its_line() {
    let kb = Kb::new();
    kb.write("lessons.toml", "roots = [\"lessons\"]\nmax_word = 10\n");
    let run = kb.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("lessons.toml:2:1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `max_words`?"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let kb = Kb::new();
    assert_eq!(kb.run(&["check", "--format", "xml"]).code, 2);
    assert_eq!(kb.run(&["check", "no/such/file.md"]).code, 2);
    assert_eq!(kb.run(&["--repo", "no/such/dir", "check"]).code, 2);
    let run = kb.run(&["check", "--changed", "main"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("git repository"), "{}", run.stderr);
}

#[test]
fn json_output_is_one_document_and_nothing_else() {
    let kb = Kb::new();
    kb.write("lessons/bad.md", b"\xFF\xFE");
    let run = kb.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["errors"], 1);
}

/// Runs `lessons ARGS` and fails the test if it does not finish in time.
#[cfg(unix)]
fn run_with_timeout(kb: &Kb, args: &[&str]) -> crate::common::Run {
    use std::process::Stdio;
    let mut child = kb
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap().into();
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("lessons {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn human_output_never_opens_what_check_refused_to_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "TOP-SECRET-CONTENT\n").unwrap();
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    std::os::unix::fs::symlink(&secret, kb.path().join("lessons/leak.md")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", kb.path().join("lessons/zero.md")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.md", kb.path().join("lessons/broken.md")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(kb.path().join("lessons/pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    kb.write("lessons.toml", "max_file_size = 3000\n");
    kb.write("lessons/huge.md", "TOO-BIG-CONTENT\n".repeat(1000));
    let run = run_with_timeout(&kb, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("TOP-SECRET"), "{}", run.stdout);
    assert!(!run.stdout.contains("TOO-BIG"), "{}", run.stdout);
    for path in ["leak.md", "zero.md", "broken.md", "pipe.md", "huge.md"] {
        assert!(
            run.stdout.contains(&format!("lessons/{path}:1:1")),
            "{path} at 1:1 in:\n{}",
            run.stdout
        );
    }
}

#[test]
fn missing_lesson_roots_are_warned_about() {
    let kb = Kb::new();
    kb.write("lessons.toml", "roots = [\"incidents\"]\n");
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    let run = kb.run(&["check"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("`incidents` does not exist"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "checked 0 lessons: no problems found\n");
}

#[test]
fn bad_lessons_toml_in_machine_formats() {
    let kb = Kb::new();
    kb.write("lessons.toml", "[vocabulary]\nkinds = []\n");
    let run = kb.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    let doc = run.json();
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64(), d["rule"].as_str()),
        (Some("lessons.toml"), Some(2), Some("config-invalid"))
    );
    assert_eq!(d["message"], "vocabulary `kinds` must not be empty");
    let run = kb.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.starts_with("::error file=lessons.toml,line=2,"),
        "{}",
        run.stdout
    );
    let run = kb.run(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.json()["runs"][0]["results"][0]["ruleId"],
        "config-invalid"
    );
}

//! The `secret` rule on a real knowledge base: every rule's examples
//! planted in a lesson (front matter, body, a code block, a URL) are found,
//! no near-miss fires, and no output format prints a secret whole.

use lessons::sensitive::secrets::{RULES, detector};

use crate::common::{Kb, fixture};

/// A valid lesson (`LL-2024-900`) with `body` appended and `extra` as a
/// front-matter value.
fn lesson_with(extra: &str, body: &str) -> String {
    let valid = fixture("valid/replica-lag.md")
        .replace("LL-2023-031", "LL-2024-900")
        .replace("occurred = 2023-11-02", "occurred = 2024-01-02");
    let (front, rest) = valid.split_at(valid.rfind("\n+++\n").unwrap());
    format!("{front}\n\n[extra]\nnote = \"{extra}\"{rest}\n## Notes\n{body}\n")
}

/// The GitHub token of the `github-pat` rule's first example.
fn github_token() -> &'static str {
    let example = RULES
        .iter()
        .find(|r| r.id == "github-pat")
        .unwrap()
        .examples[0];
    example.split(' ').nth(1).unwrap()
}

fn secrets_in(text: &str) -> Vec<String> {
    detector()
        .find(text)
        .into_iter()
        .map(|f| text[f.span].to_string())
        .collect()
}

#[test]
fn every_example_is_found_and_no_format_prints_a_secret() {
    let single_line: Vec<&str> = RULES
        .iter()
        .flat_map(|r| r.examples.iter().copied())
        .filter(|e| !e.contains('\n'))
        .collect();
    let multi_line: Vec<&str> = RULES
        .iter()
        .flat_map(|r| r.examples.iter().copied())
        .filter(|e| e.contains('\n'))
        .collect();
    let mut body = String::new();
    for (i, e) in single_line.iter().enumerate() {
        // In prose, in a code block, and in a list, in turn.
        match i % 3 {
            0 => body.push_str(&format!("\nSeen in the logs: {e}\n")),
            1 => body.push_str(&format!("\n```\n{e}\n```\n")),
            _ => body.push_str(&format!("\n- {e}\n")),
        }
    }
    for e in &multi_line {
        body.push_str(&format!("\n```\n{e}\n```\n"));
    }
    let aws = RULES[0].examples[0].rsplit(' ').next().unwrap();
    let text = lesson_with(aws, &body);
    let planted = secrets_in(&text);
    assert!(
        planted.len() > single_line.len(),
        "{} secrets planted",
        planted.len()
    );
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write("lessons/2024/leaks.md", &text);

    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let found = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "secret")
        .count();
    assert_eq!(found, planted.len(), "every planted secret is one finding");

    for format in ["human", "json", "github", "sarif"] {
        let run = kb.run(&["check", "--format", format, "--color", "never"]);
        let out = format!("{}{}", run.stdout, run.stderr);
        for secret in &planted {
            assert!(
                !out.contains(secret.as_str()),
                "--format {format} prints {secret:?} whole"
            );
        }
        assert!(
            out.contains("AKIA****"),
            "--format {format} shows the masked key"
        );
    }
    // The job summary too.
    let summary = kb.path().join("summary.md");
    let run = kb
        .command(&["check", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let written = std::fs::read_to_string(&summary).unwrap();
    for secret in &planted {
        assert!(
            !written.contains(secret.as_str()),
            "job summary prints {secret:?}"
        );
    }
}

#[test]
fn near_misses_and_placeholders_do_not_fire() {
    let mut body = String::new();
    for r in RULES {
        for near in r.near_misses {
            body.push_str(&format!("\n{near}\n"));
        }
    }
    let kb = Kb::new();
    kb.write("lessons/2024/clean.md", lesson_with("${AWS_SECRET}", &body));
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["errors"], 0, "{doc:#}");
}

/// Another finding that quotes a secret (a bad `kind` value holding a
/// token) shows it masked too.
#[test]
fn other_findings_quote_secrets_masked() {
    let token = github_token();
    let text = fixture("valid/replica-lag.md")
        .replace("kind = \"degradation\"", &format!("kind = \"{token}\""));
    let kb = Kb::new();
    kb.write("lessons/2023/replica-lag.md", &text);
    let run = kb.run(&["check", "--color", "never"]);
    assert!(
        run.stdout.contains("error[invalid-value]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("error[secret]"), "{}", run.stdout);
    assert!(!run.stdout.contains(token), "{}", run.stdout);
    let json = kb.run(&["check", "--format", "json"]);
    assert!(!json.stdout.contains(token));
}

/// With `--changed`, a secret in a lesson the change adds is an error; one
/// in a lesson the change does not touch is not this change's finding.
#[test]
fn changed_lessons_are_searched_for_secrets() {
    let key = RULES[0].examples[0].rsplit(' ').next().unwrap();
    let kb = Kb::new();
    kb.git_init();
    kb.write(
        "lessons/2023/old.md",
        lesson_with(key, "").replace("LL-2024-900", "LL-2023-900"),
    );
    kb.commit_all("an old lesson with a key");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    kb.write(
        "lessons/2024/new.md",
        lesson_with("none", &format!("key {key}")),
    );
    let (code, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!(code, 1, "{doc:#}");
    let secrets: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "secret")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, ["lessons/2024/new.md"], "{doc:#}");
    assert!(!doc.to_string().contains(key));
}

/// Search, show, similar, report and actions print lesson text: none of
/// them prints a secret that is in a title, the body or an action.
#[test]
fn no_command_prints_a_secret() {
    let token = github_token();
    let kb = Kb::new();
    kb.git_init();
    let text = lesson_with(
        "none",
        &format!("The deploy used {token} for the registry."),
    )
    .replace(
        "title = \"Replica lag during the quarterly load test\"",
        &format!("title = \"Registry token {token} leaked in a build log\""),
    );
    kb.write("lessons/2024/leak.md", &text);
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.commit_all("lessons");
    let prefix = &token[..4];
    for args in [
        vec!["search", "registry token", "--format", "json"],
        vec!["search", "registry token"],
        vec!["search", "deploy registry", "--format", "json"],
        vec!["show", "LL-2024-900", "--format", "json"],
        vec!["show", "LL-2024-900"],
        vec!["similar", "LL-2023-031", "--format", "json"],
        vec!["similar", "lessons/2024/leak.md", "--format", "markdown"],
        vec!["report", "--format", "json", "--min-count", "1"],
        vec!["causes", "--format", "json"],
    ] {
        let run = kb.run(&args);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !out.contains(token),
            "`{}` prints the token:\n{out}",
            args.join(" ")
        );
        if args[0] == "show" || (args[0] == "search" && args[1] == "registry token") {
            assert!(
                out.contains(&format!("{prefix}****")),
                "`{}` shows it masked:\n{out}",
                args.join(" ")
            );
        }
    }
}

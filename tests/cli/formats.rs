//! Each output format on the same findings, as snapshots, plus the
//! properties CI relies on (escaping, colour, the job summary, SARIF shape).

use crate::common::{Kb, fixture};

/// Two lessons with findings (one of them with text that needs escaping)
/// and one clean lesson.
fn kb() -> Kb {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write(
        "lessons/2024/payments-failover.md",
        fixture("rules/date-order.md"),
    );
    let tricky = fixture("valid/payments-failover.md")
        .replace("LL-2024-001", "LL-2024-002")
        .replace("severity = \"high\"", "severity = \"50%, high: yes\"")
        .replace("## Analysis", "## Analysis, part 1")
        + &"filler ".repeat(1600);
    kb.write("lessons/2024/tricky.md", tricky);
    kb
}

#[test]
fn human() {
    let kb = kb();
    let run = kb.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    insta::assert_snapshot!(run.stdout);
}

/// Files are rendered in parallel batches: the human output still lists
/// them in path order, as JSON does, however many there are.
#[test]
fn human_output_keeps_path_order_across_batches() {
    let kb = Kb::new();
    for i in 0..150 {
        kb.write(
            &format!("lessons/2024/l{i:03}.md"),
            fixture("rules/date-order.md").replace("LL-2024-001", &format!("LL-2024-{i:03}")),
        );
    }
    let (_, doc) = kb.check_json(&[]);
    let mut from_json: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    from_json.dedup();
    assert_eq!(from_json.len(), 150, "{doc}");
    let run = kb.run(&["check"]);
    let mut from_human: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    from_human.dedup();
    assert_eq!(from_human, from_json);
}

#[test]
fn human_colour_can_be_forced_and_no_color_is_respected() {
    let kb = kb();
    assert!(
        kb.run(&["--color", "always", "check"])
            .stdout
            .contains('\x1b')
    );
    let mut cmd = kb.command(&["check"]);
    cmd.env("NO_COLOR", "1");
    let out = cmd.output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn json() {
    let kb = kb();
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    insta::assert_json_snapshot!(doc);
}

#[test]
fn github() {
    let kb = kb();
    let summary = kb.path().join("summary.md");
    std::fs::write(&summary, "# Earlier step\n\n").unwrap();
    let mut cmd = kb.command(&["check", "--format", "github"]);
    cmd.env("GITHUB_STEP_SUMMARY", &summary);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("checked "),
            "only workflow commands and the summary line: {line}"
        );
    }
    // Lesson text is escaped: no raw `,` or `:` in properties, `%` in data.
    assert!(stdout.contains("\"50%25, high: yes\""), "{stdout}");
    insta::assert_snapshot!("github_commands", stdout);
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("# Earlier step\n\n"),
        "appends, never overwrites"
    );
    insta::assert_snapshot!("github_step_summary", summary);
}

#[test]
fn an_unwritable_job_summary_is_a_warning_not_a_failure() {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    let mut cmd = kb.command(&["check", "--format", "github"]);
    cmd.env(
        "GITHUB_STEP_SUMMARY",
        kb.path().join("no/such/dir/summary.md"),
    );
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the job summary"));
}

#[test]
fn github_annotations_for_all_findings_beyond_ten() {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    for i in 0..12 {
        kb.write(
            &format!("lessons/l{i:02}.md"),
            fixture("rules/invalid-value.md").replace("LL-2024-001", &format!("LL-2024-{i:03}")),
        );
    }
    let run = kb.run(&["check", "--format", "github"]);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("::error "))
            .count(),
        12
    );
}

#[test]
fn sarif() {
    let kb = kb();
    let run = kb.run(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let doc = run.json();
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in [
        "front-matter-missing",
        "front-matter-unclosed",
        "toml-syntax",
        "missing-key",
        "unknown-key",
        "wrong-type",
        "invalid-value",
        "duplicate-id",
        "unknown-related",
        "date-order",
        "final-incomplete",
        "unknown-cause-key",
        "missing-section",
        "duplicate-section",
        "timeline-order",
        "too-long",
    ] {
        let r = rules
            .iter()
            .find(|r| r["id"] == rule)
            .unwrap_or_else(|| panic!("{rule} described"));
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !r[field]["text"].as_str().unwrap().is_empty(),
                "{rule}.{field}"
            );
        }
    }
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let loc = &result["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("lessons/"), "relative URI: {uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    insta::assert_json_snapshot!(run0["results"]);
}

#[test]
fn clean_knowledge_base_summary() {
    let kb = Kb::new();
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    let run = kb.run(&["check"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "checked 1 lesson: no problems found\n");
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::Stdio;
    let kb = Kb::new();
    for i in 0..200 {
        kb.write(
            &format!("lessons/l{i:03}.md"),
            fixture("rules/invalid-value.md").replace("LL-2024-001", &format!("LL-2024-{i:03}")),
        );
    }
    let mut child = kb
        .command(&["check"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped (closed) here.
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_ne!(status.code(), Some(101), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

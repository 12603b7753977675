//! The practice, measured: verified actions (`verified`, `effective`,
//! `actions --unverified`), review timeliness and the scorecard of
//! `report`, against hand-computed figures.

use crate::common::{Kb, findings};

/// A final lesson: `head` holds extra front-matter lines (times,
/// `reviewed`), `tail` its causes and actions.
fn lesson(id: &str, occurred: &str, head: &str, tail: &str) -> String {
    lesson_of(id, "outage", "high", occurred, head, tail)
}

fn lesson_of(
    id: &str,
    kind: &str,
    severity: &str,
    occurred: &str,
    head: &str,
    tail: &str,
) -> String {
    let day = &occurred[..10];
    format!(
        "+++\nid = \"{id}\"\ntitle = \"Lesson {id}\"\nstatus = \"final\"\nkind = \"{kind}\"\nseverity = \"{severity}\"\noccurred = {occurred}\n{head}systems = [\"api\"]\n{tail}+++\n\n## Summary\n\nS.\n\n## Timeline\n\n- {day} It began.\n\n## Analysis\n\nA.\n"
    )
}

fn action(summary: &str, extra: &str) -> String {
    format!("\n[[actions]]\nsummary = \"{summary}\"\ntype = \"tooling\"\nowner = \"sre\"\n{extra}")
}

const CAUSE: &str = "\n[[causes]]\ncategory = \"process-gap\"\nkey = \"k\"\nsummary = \"Cause\"\n";

fn kb_with(files: &[(&str, String)], toml: Option<&str>) -> Kb {
    let kb = Kb::new();
    if let Some(t) = toml {
        kb.write("lessons.toml", t);
    }
    for (path, text) in files {
        kb.write(path, text);
    }
    kb.git_init();
    kb.commit_all("lessons");
    kb
}

fn json_at(kb: &Kb, today: &str, args: &[&str]) -> serde_json::Value {
    let out = kb
        .command(args)
        .env("LESSONS_TODAY", today)
        .output()
        .expect("lessons runs");
    let run: crate::common::Run = out.into();
    assert_eq!(run.code, 0, "{args:?}: {}\n{}", run.stdout, run.stderr);
    run.json()
}

/// `verified` and `effective` are read, checked and listed; a done action
/// is unverified from the day after `verify_after_days` have passed.
#[test]
fn verified_actions_and_unverified_boundary() {
    let tail = format!(
        "{CAUSE}{}{}{}",
        action(
            "done, unchecked",
            "status = \"done\"\ncompleted = 2024-01-01\naddresses = [\"k\"]\n"
        ),
        action(
            "done, checked",
            "status = \"done\"\ncompleted = 2024-01-01\nverified = 2024-02-01\neffective = false\n"
        ),
        action("open", "status = \"open\"\ndue = 2024-06-01\n"),
    );
    let kb = kb_with(
        &[(
            "lessons/a.md",
            lesson(
                "LL-2024-001",
                "2023-12-01",
                "reviewed = 2023-12-05\n",
                &tail,
            ),
        )],
        None,
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc}");
    let unverified = |today: &str| -> Vec<String> {
        let doc = json_at(&kb, today, &["actions", "--unverified", "--format", "json"]);
        doc["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["summary"].as_str().unwrap().to_string())
            .collect()
    };
    // Completed 2024-01-01; 30 days later is 2024-01-31: not yet.
    assert!(unverified("2024-01-31").is_empty());
    assert_eq!(unverified("2024-02-01"), ["done, unchecked"]);
    // The verification shows in the plain list.
    let all = json_at(&kb, "2024-02-01", &["actions", "--format", "json"]);
    let checked = all["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["summary"] == "done, checked")
        .unwrap()
        .clone();
    assert_eq!(checked["verified"], "2024-02-01");
    assert_eq!(checked["effective"], false);
    assert_eq!(checked["unverified"], false);
    assert_eq!(all["unverified"], 1);
    // `show` says what the check found, in both forms.
    let shown = json_at(
        &kb,
        "2024-02-01",
        &["show", "LL-2024-001", "--format", "json"],
    );
    let action = &shown["actions"][1];
    assert_eq!(
        (&action["verified"], &action["effective"]),
        (&"2024-02-01".into(), &false.into())
    );
    let human = kb.run(&["show", "LL-2024-001", "--color", "never"]);
    assert!(
        human
            .stdout
            .contains("completed 2024-01-01, verified 2024-02-01: NOT effective"),
        "{}",
        human.stdout
    );
    // The table says none rather than nothing matching.
    let none = kb
        .command(&["actions", "--unverified"])
        .env("LESSONS_TODAY", "2024-01-31")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&none.stdout).contains("no unverified actions as of 2024-01-31")
    );

    // `[practice] verify_after_days` moves the boundary.
    kb.write("lessons.toml", "[practice]\nverify_after_days = 10\n");
    assert!(unverified("2024-01-11").is_empty());
    assert_eq!(unverified("2024-01-12"), ["done, unchecked"]);
}

/// Bad values are `wrong-type` (a date that is no calendar day, such as
/// 2024-02-30, is already `toml-syntax`, as for `completed`); `verified` before
/// `completed` is `date-order`, pointing at `verified`.
#[test]
fn bad_verification_values() {
    let tail = format!(
        "{CAUSE}{}{}{}",
        action(
            "a",
            "status = \"done\"\ncompleted = 2024-01-10\nverified = \"2024-02-01\"\neffective = \"yes\"\n"
        ),
        action(
            "b",
            "status = \"done\"\ncompleted = 2024-01-10\nverified = 10:30:00\n"
        ),
        action(
            "c",
            "status = \"done\"\ncompleted = 2024-01-10\nverified = 2024-01-09\n"
        ),
    );
    let text = lesson(
        "LL-2024-001",
        "2023-12-01",
        "reviewed = 2023-12-05\n",
        &tail,
    );
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    let kb = kb_with(&[("lessons/a.md", text.clone())], None);
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64)> = findings(&doc)
        .into_iter()
        .map(|(_, rule, line, _)| (rule, line))
        .collect();
    for want in [
        (
            "wrong-type".to_string(),
            line_of("verified = \"2024-02-01\""),
        ),
        ("wrong-type".to_string(), line_of("effective = \"yes\"")),
        ("wrong-type".to_string(), line_of("verified = 10:30:00")),
        ("date-order".to_string(), line_of("verified = 2024-01-09")),
    ] {
        assert!(got.contains(&want), "{want:?} not in {got:?}");
    }
    let order = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "date-order")
        .unwrap();
    assert_eq!(
        order["message"],
        "action `verified` (2024-01-09) is earlier than its `completed` (2024-01-10)"
    );
    assert_eq!(
        order["help"],
        "an action is verified after it is done: check both dates"
    );
}

/// Three lessons over three quarters, the middle one empty; every figure
/// below is computed by hand from the lessons.
fn scorecard_kb() -> Kb {
    let a = lesson(
        "LL-2024-001",
        "2024-01-10T10:00:00Z",
        "detected = 2024-01-10T10:30:00Z\ncontained = 2024-01-10T11:00:00Z\nrecovered = 2024-01-10T12:00:00Z\nreviewed = 2024-01-20\n",
        &format!(
            "{CAUSE}{}{}{}",
            // On time, verified effective, but `k` came back in C.
            action(
                "on time",
                "status = \"done\"\ndue = 2024-02-01\ncompleted = 2024-01-25\nverified = 2024-03-01\neffective = true\naddresses = [\"k\"]\n"
            ),
            // Late, and found ineffective by its review.
            action(
                "late",
                "status = \"done\"\ndue = 2024-02-01\ncompleted = 2024-02-05\nverified = 2024-03-01\neffective = false\n"
            ),
            action("dropped", "status = \"dropped\"\ndue = 2024-02-01\n"),
        ),
    );
    let b = lesson_of(
        "LL-2024-002",
        "near-miss",
        "low",
        "2024-02-01",
        "detected = 2024-02-01T01:00:00Z\nrecovered = 2024-02-02T00:00:00Z\nreviewed = 2024-03-01\n",
        &format!(
            "\n[[causes]]\ncategory = \"process-gap\"\nkey = \"other\"\nsummary = \"Other\"\n{}",
            action(
                "open",
                "status = \"open\"\ndue = 2024-04-01\naddresses = [\"other\"]\n"
            )
        ),
    );
    let c = lesson_of(
        "LL-2024-003",
        "outage",
        "medium",
        "2024-07-15",
        "detected = 2024-07-15T00:10:00Z\nreviewed = 2024-07-18\n",
        &format!(
            "{CAUSE}{}",
            action(
                "later",
                "status = \"open\"\ndue = 2024-08-01\naddresses = [\"k\"]\n"
            )
        ),
    );
    let kb = kb_with(
        &[
            ("lessons/a.md", a),
            ("lessons/b.md", b),
            ("lessons/c.md", c),
        ],
        None,
    );
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "{doc}");
    kb
}

#[test]
fn scorecard_figures_by_hand() {
    let kb = scorecard_kb();
    let doc = kb.json_ok(&["report", "--scorecard"]);
    let want = serde_json::json!([
        {
            "period": "2024-Q1", "lessons": 2, "near_misses": 1, "repeat_share": 0.0,
            // 30 and 60 minutes; 120 and 1,440 minutes (B recovered a day on).
            "median_detect_minutes": 45, "median_recover_minutes": 780,
            // 10 days from A's recovery, 28 from B's (2024-02-02 to 03-01, a leap year).
            "median_review_days": 19.0,
            // A's two dated actions and B's open one; the dropped one is not due.
            "actions_due": 3, "actions_on_time": 1, "actions_verified": 2,
            "low_severity": 1, "median_contain_minutes": 60,
            "reviewed": 2, "reviewed_on_time": 1, "review_on_time_share": 0.5,
            "actions_done": 2, "actions_ineffective_by_review": 1,
            "actions_ineffective_by_recurrence": 1
        },
        {
            "period": "2024-Q2", "lessons": 0, "near_misses": 0, "repeat_share": null,
            "median_detect_minutes": null, "median_recover_minutes": null,
            "median_review_days": null, "actions_due": 0, "actions_on_time": 0,
            "actions_verified": 0, "low_severity": 0, "median_contain_minutes": null,
            "reviewed": 0, "reviewed_on_time": 0, "review_on_time_share": null,
            "actions_done": 0, "actions_ineffective_by_review": 0,
            "actions_ineffective_by_recurrence": 0
        },
        {
            // `k` was known from A: a repeat.
            "period": "2024-Q3", "lessons": 1, "near_misses": 0, "repeat_share": 1.0,
            "median_detect_minutes": 10, "median_recover_minutes": null,
            // No recovery: counted from occurrence.
            "median_review_days": 3.0,
            "actions_due": 1, "actions_on_time": 0, "actions_verified": 0,
            "low_severity": 0, "median_contain_minutes": null,
            "reviewed": 1, "reviewed_on_time": 1, "review_on_time_share": 1.0,
            "actions_done": 0, "actions_ineffective_by_review": 0,
            "actions_ineffective_by_recurrence": 0
        }
    ]);
    assert_eq!(doc["periods"], want, "{doc:#}");
    assert_eq!(doc["review_within_days"], 14);

    // The table shows the latest period, its change and arrow.
    let table = kb.run(&["report", "--scorecard"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let line = |label: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} in\n{}", table.stdout))
            .to_string()
    };
    assert!(line("lessons ").contains("▲ +1"), "{}", table.stdout);
    assert!(
        line("median days to review").contains("3d"),
        "{}",
        table.stdout
    );
    // Markdown, CSV and HTML render the same figures.
    for (format, needle) in [
        ("markdown", "| median days to review | 19d |"),
        ("csv", "2024-Q2,0,0,0,,,,,0,,,0,0,0,0,0,0"),
        ("html", "<svg class=\"spark\""),
    ] {
        let run = kb.run(&["report", "--scorecard", "--format", format]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains(needle), "{format}: {}", run.stdout);
    }
}

/// The report itself carries review timeliness per period against
/// `[practice] review_within_days`.
#[test]
fn report_review_timeliness() {
    let kb = scorecard_kb();
    let doc = kb.json_ok(&["report", "--period", "year"]);
    let year = &doc["practice"][0];
    assert_eq!(year["period"], "2024");
    // 10, 28 and 3 days: median 10; within 14 days: 2 of 3.
    assert_eq!(year["median_review_days"], 10.0);
    assert_eq!(year["reviewed_on_time"], 2);
    assert_eq!(year["review_on_time_share"], 0.6667);
    // A stricter target: only C (3 days) is on time.
    kb.write("lessons.toml", "[practice]\nreview_within_days = 5\n");
    let doc = kb.json_ok(&["report", "--period", "year"]);
    assert_eq!(doc["review_within_days"], 5);
    assert_eq!(doc["practice"][0]["reviewed_on_time"], 1);
    let table = kb.run(&["report", "--period", "year"]);
    assert!(
        table
            .stdout
            .contains("Reviews and actions per year (review target: 5 days)"),
        "{}",
        table.stdout
    );
}

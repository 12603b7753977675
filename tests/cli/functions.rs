//! Views per business function: `report --by function`, `report --for
//! leadership|hr|it` and `--function` on `report`, `actions` and `search`,
//! on a knowledge base whose answers are worked out by hand below.

use serde_json::{Value, json};

use crate::common::Kb;

const TODAY: &str = "2026-06-01";

/// (summary, type, owner, status, due, addresses)
type Act<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a [&'a str],
);

fn lesson(
    id: &str,
    severity: &str,
    tlp: &str,
    times: &str,
    functions: &[&str],
    causes: &[(&str, &str)],
    actions: &[Act],
) -> String {
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = format!(
        "+++\nid = \"{id}\"\ntitle = \"Lesson {id}\"\nstatus = \"final\"\nkind = \"outage\"\n\
         severity = \"{severity}\"\ntlp = \"{tlp}\"\n{times}reviewed = 2026-01-01\n\
         systems = [\"api\"]\nfunctions = [{}]\n",
        list(functions)
    );
    for (key, category) in causes {
        s.push_str(&format!(
            "\n[[causes]]\ncategory = \"{category}\"\nkey = \"{key}\"\nsummary = \"Cause {key}.\"\n"
        ));
    }
    for (summary, kind, owner, status, due, addresses) in actions {
        s.push_str(&format!(
            "\n[[actions]]\nsummary = {summary:?}\ntype = \"{kind}\"\nowner = \"{owner}\"\n\
             status = \"{status}\"\naddresses = [{}]\n",
            list(addresses)
        ));
        if let Some(d) = due {
            s.push_str(&format!("due = {d}\n"));
        }
        if *status == "done" {
            s.push_str("completed = 2025-06-01\n");
        }
    }
    s.push_str("+++\n\n## Summary\nS.\n\n## Timeline\n- 2025-01-01 x\n\n## Analysis\nA.\n");
    s
}

/// L1 critical, it+leadership, Q1, detect 30 min, recover 120;
/// L2 low, hr, Q1; L3 high, it, AMBER, Q2, detect 60, recover 120 (repeats
/// cert-expiry); L4 medium, security, Q3 (repeats both its keys).
fn kb() -> Kb {
    let kb = Kb::new();
    kb.write("lessons.toml", "");
    kb.write(
        "lessons/2025/l1.md",
        lesson(
            "LL-2025-001",
            "critical",
            "GREEN",
            "occurred = 2025-01-10T10:00:00Z\ndetected = 2025-01-10T10:30:00Z\nrecovered = 2025-01-10T12:00:00Z\n",
            &["it", "leadership"],
            &[("cert-expiry", "configuration-error")],
            &[(
                "Automate renewal",
                "tooling",
                "team-a",
                "open",
                Some("2026-01-01"),
                &["cert-expiry"],
            )],
        ),
    );
    kb.write(
        "lessons/2025/l2.md",
        lesson(
            "LL-2025-002",
            "low",
            "GREEN",
            "occurred = 2025-02-20\n",
            &["hr"],
            &[("no-training", "training-need")],
            &[(
                "Phishing drill",
                "awareness",
                "hr-team",
                "open",
                Some("2026-12-01"),
                &["no-training"],
            )],
        ),
    );
    kb.write(
        "lessons/2025/l3.md",
        lesson(
            "LL-2025-003",
            "high",
            "AMBER",
            "occurred = 2025-05-05T08:00:00Z\ndetected = 2025-05-05T09:00:00Z\nrecovered = 2025-05-05T10:00:00Z\n",
            &["it"],
            &[
                ("cert-expiry", "configuration-error"),
                ("old-libs", "technical-debt"),
            ],
            &[
                (
                    "Upgrade libs",
                    "architecture",
                    "team-b",
                    "in-progress",
                    Some("2026-09-01"),
                    &["old-libs"],
                ),
                (
                    "Add expiry alert",
                    "monitoring",
                    "team-c",
                    "done",
                    None,
                    &["cert-expiry"],
                ),
            ],
        ),
    );
    kb.write(
        "lessons/2025/l4.md",
        lesson(
            "LL-2025-004",
            "medium",
            "GREEN",
            "occurred = 2025-07-01\n",
            &["security"],
            &[
                ("no-training", "training-need"),
                ("cert-expiry", "configuration-error"),
            ],
            &[(
                "Train on-call <b>now</b> | @team",
                "awareness",
                "hr-team",
                "open",
                None,
                &[],
            )],
        ),
    );
    kb.git_init();
    kb.commit_all("lessons");
    kb
}

fn run_json(kb: &Kb, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let run = kb
        .command(&all)
        .env("LESSONS_TODAY", TODAY)
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{all:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("JSON")
}

/// (key, count, weight, lessons) of a view's causes.
fn causes(v: &Value) -> Vec<(String, u64, u64, Vec<String>)> {
    v["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
                c["weight"].as_u64().unwrap(),
                c["lessons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// (summary, lesson, owner, due, overdue) of a view's or list's actions.
fn actions(v: &Value) -> Vec<Value> {
    v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            json!([
                a["summary"],
                a["lesson"],
                a["owner"],
                a["due"],
                a["overdue"]
            ])
        })
        .collect()
}

fn trend(v: &Value) -> Vec<Value> {
    v["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            json!([
                p["period"],
                p["lessons"],
                p["repeat_lessons"],
                p["median_detect_minutes"],
                p["median_recover_minutes"]
            ])
        })
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn leadership_view() {
    let kb = kb();
    let v = run_json(&kb, &["report", "--for", "leadership"]);
    assert_eq!(v["for"], "leadership");
    assert_eq!(
        (v["lessons"].as_u64(), v["tlp"].as_str()),
        (Some(4), Some("AMBER"))
    );
    // cert-expiry: critical 4 + high 3 + medium 2; no-training: low 1 +
    // medium 2; old-libs is in one lesson only, so not recurring.
    assert_eq!(
        causes(&v),
        [
            (
                "cert-expiry".into(),
                3,
                9,
                s(&["LL-2025-001", "LL-2025-003", "LL-2025-004"])
            ),
            (
                "no-training".into(),
                2,
                3,
                s(&["LL-2025-002", "LL-2025-004"])
            ),
        ]
    );
    // Open actions of high and critical lessons only, by due date.
    assert_eq!(
        actions(&v),
        [
            json!([
                "Automate renewal",
                "LL-2025-001",
                "team-a",
                "2026-01-01",
                true
            ]),
            json!(["Upgrade libs", "LL-2025-003", "team-b", "2026-09-01", false]),
        ]
    );
    assert_eq!(
        trend(&v),
        [
            json!(["2025-Q1", 2, 0, 30, 120]),
            json!(["2025-Q2", 1, 1, 60, 120]),
            json!(["2025-Q3", 1, 1, null, null]),
        ]
    );
    // --max-tlp leaves the AMBER lesson out before anything is computed.
    let green = run_json(
        &kb,
        &["report", "--for", "leadership", "--max-tlp", "GREEN"],
    );
    assert_eq!(
        (green["lessons"].as_u64(), green["tlp"].as_str()),
        (Some(3), Some("GREEN"))
    );
    assert_eq!(green["max_tlp"], "GREEN");
    assert_eq!(causes(&green)[0].1, 2);
    assert_eq!(causes(&green)[0].2, 6);
    // --function narrows the lessons first.
    let it = run_json(&kb, &["report", "--for", "leadership", "--function", "it"]);
    assert_eq!(it["lessons"], 2);
    assert_eq!(
        causes(&it),
        [(
            "cert-expiry".into(),
            2,
            7,
            s(&["LL-2025-001", "LL-2025-003"])
        )]
    );
}

#[test]
fn hr_view() {
    let kb = kb();
    let v = run_json(&kb, &["report", "--for", "hr"]);
    // L2 (function hr) whole; L4 through its training-need cause and
    // awareness action, but not its configuration cause.
    assert_eq!(v["lessons"], 2);
    assert_eq!(
        causes(&v),
        [(
            "no-training".into(),
            2,
            3,
            s(&["LL-2025-002", "LL-2025-004"])
        )]
    );
    assert_eq!(
        actions(&v),
        [
            json!([
                "Phishing drill",
                "LL-2025-002",
                "hr-team",
                "2026-12-01",
                false
            ]),
            json!([
                "Train on-call <b>now</b> | @team",
                "LL-2025-004",
                "hr-team",
                null,
                false
            ]),
        ]
    );
    assert_eq!(
        trend(&v),
        [
            json!(["2025-Q1", 1, 0, null, null]),
            json!(["2025-Q2", 0, 0, null, null]),
            json!(["2025-Q3", 1, 1, null, null]),
        ]
    );
}

#[test]
fn it_view() {
    let kb = kb();
    let v = run_json(&kb, &["report", "--for", "it"]);
    // L1 and L3 (function it) whole; L4 through its configuration cause.
    assert_eq!(v["lessons"], 3);
    assert_eq!(
        causes(&v),
        [
            (
                "cert-expiry".into(),
                3,
                9,
                s(&["LL-2025-001", "LL-2025-003", "LL-2025-004"])
            ),
            ("old-libs".into(), 1, 3, s(&["LL-2025-003"])),
        ]
    );
    // Open ones first, by due date; the done one last.
    assert_eq!(
        actions(&v),
        [
            json!([
                "Automate renewal",
                "LL-2025-001",
                "team-a",
                "2026-01-01",
                true
            ]),
            json!(["Upgrade libs", "LL-2025-003", "team-b", "2026-09-01", false]),
            json!(["Add expiry alert", "LL-2025-003", "team-c", null, false]),
        ]
    );
    assert_eq!(
        trend(&v),
        [
            json!(["2025-Q1", 1, 0, 30, 120]),
            json!(["2025-Q2", 1, 1, 60, 120]),
            json!(["2025-Q3", 1, 1, null, null]),
        ]
    );
}

/// Every format of every view, with lesson text escaped for each.
#[test]
fn views_in_every_format() {
    let kb = kb();
    for view in ["leadership", "hr", "it"] {
        for format in ["table", "markdown", "json", "csv", "html"] {
            let run = kb
                .command(&["report", "--for", view, "--format", format])
                .env("LESSONS_TODAY", TODAY)
                .output()
                .unwrap();
            let out = String::from_utf8_lossy(&run.stdout);
            assert_eq!(run.status.code(), Some(0), "{view} {format}: {out}");
            if format != "json" {
                assert!(
                    out.contains("AMBER") || out.contains("GREEN"),
                    "{view} {format}: level"
                );
            }
            let hostile = "<b>now</b>";
            if view == "hr" {
                match format {
                    "html" => {
                        assert!(out.contains("&lt;b&gt;now&lt;/b&gt;") && !out.contains(hostile))
                    }
                    "markdown" => {
                        assert!(
                            out.contains("&lt;b&gt;now&lt;/b&gt; \\| \\@\u{2060}team"),
                            "{out}"
                        )
                    }
                    "csv" => assert!(out.contains("Train on-call <b>now</b> | @team")),
                    _ => assert!(out.contains("Train on-call")),
                }
            }
        }
    }
    let csv = kb
        .command(&["report", "--for", "it", "--format", "csv"])
        .env("LESSONS_TODAY", TODAY)
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&csv.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("section,name,category,lessons,weight"));
    assert!(lines[1].starts_with("tlp,AMBER,,3"), "{}", lines[1]);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("cause,cert-expiry,configuration-error,3,9,"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("period,2025-Q2,,1,") && l.ends_with(",1,60,120"))
    );
}

#[test]
fn report_by_function() {
    let kb = kb();
    let v = run_json(&kb, &["report", "--by", "function", "--min-count", "1"]);
    assert_eq!(v["by"], "function");
    let groups: Vec<(String, u64)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_string(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    // By count, then the most recent occurrence first.
    assert_eq!(
        groups,
        [
            ("it".into(), 2),
            ("security".into(), 1),
            ("hr".into(), 1),
            ("leadership".into(), 1)
        ]
    );
    let v = run_json(&kb, &["report", "--by", "function"]);
    assert_eq!(
        v["groups"][0]["lessons"],
        json!(["LL-2025-001", "LL-2025-003"])
    );
    assert_eq!(v["groups"].as_array().unwrap().len(), 1);
    for format in ["table", "markdown", "csv", "html"] {
        let run = kb.run(&["report", "--by", "function", "--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(run.stdout.contains("it"), "{format}");
    }
}

#[test]
fn function_filter_on_report_actions_search() {
    let kb = kb();
    let v = run_json(&kb, &["report", "--function", "it"]);
    assert_eq!(v["lessons"], 2);
    assert_eq!(v["groups"][0]["name"], "cert-expiry");
    assert_eq!(
        v["groups"][0]["lessons"],
        json!(["LL-2025-001", "LL-2025-003"])
    );
    let v = run_json(
        &kb,
        &["report", "--function", "HR", "--function", "security"],
    );
    assert_eq!(v["lessons"], 2);

    let v = run_json(&kb, &["actions", "--function", "hr"]);
    assert_eq!(
        actions(&v),
        [json!([
            "Phishing drill",
            "LL-2025-002",
            "hr-team",
            "2026-12-01",
            false
        ])]
    );
    let v = run_json(&kb, &["actions", "--function", "it", "--status", "done"]);
    assert_eq!(v["actions"][0]["summary"], "Add expiry alert");
    assert_eq!(v["total"], 1);

    let mut ids = kb.search_ids("lesson", &["--function", "it"]);
    ids.sort();
    assert_eq!(ids, ["LL-2025-001", "LL-2025-003"]);
    assert_eq!(
        kb.search_ids("lesson", &["--function", "leadership"]),
        ["LL-2025-001"]
    );
}

#[test]
fn unknown_function_exits_2_with_a_suggestion() {
    let kb = kb();
    for args in [
        &["report", "--function", "leadershp"][..],
        &["report", "--for", "hr", "--function", "leadershp"],
        &["actions", "--function", "leadershp"],
        &["search", "x", "--function", "leadershp"],
    ] {
        let run = kb.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("did you mean `leadership`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // `--for` takes only its three names.
    let run = kb.run(&["report", "--for", "finance"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("leadership"), "{}", run.stderr);
}

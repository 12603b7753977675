//! `report` and `actions` on a knowledge base with known recurrence.

use crate::common::{Kb, Run};

/// (summary, status, due, completed, addresses, owner)
type ActionSpec<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a [&'a str],
    &'a str,
);

struct L<'a> {
    id: &'a str,
    status: &'a str,
    occurred: &'a str,
    detected: Option<&'a str>,
    systems: &'a [&'a str],
    teams: &'a [&'a str],
    causes: &'a [(&'a str, &'a str)],
    /// (summary, status, due, completed, addresses, owner)
    actions: &'a [ActionSpec<'a>],
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lesson(l: &L) -> String {
    let mut s = format!(
        "+++\nid = \"{}\"\ntitle = \"Lesson {}\"\nstatus = \"{}\"\nkind = \"outage\"\nseverity = \"high\"\noccurred = {}\n",
        l.id, l.id, l.status, l.occurred
    );
    if let Some(d) = l.detected {
        s.push_str(&format!("detected = {d}\n"));
    }
    if l.status == "final" {
        s.push_str("reviewed = 2030-01-01\n");
    }
    s.push_str(&format!(
        "systems = [{}]\nteams = [{}]\n",
        list(l.systems),
        list(l.teams)
    ));
    for (key, category) in l.causes {
        s.push_str(&format!(
            "\n[[causes]]\ncategory = \"{category}\"\nkey = \"{key}\"\nsummary = \"Cause {key}\"\n"
        ));
    }
    for (summary, status, due, completed, addresses, owner) in l.actions {
        s.push_str(&format!(
            "\n[[actions]]\nsummary = \"{summary}\"\ntype = \"tooling\"\nowner = \"{owner}\"\nstatus = \"{status}\"\naddresses = [{}]\n",
            list(addresses)
        ));
        if let Some(d) = due {
            s.push_str(&format!("due = {d}\n"));
        }
        if let Some(c) = completed {
            s.push_str(&format!("completed = {c}\n"));
        }
    }
    s.push_str("+++\n\n## Summary\nS.\n\n## Timeline\n- 2020-01-01 x\n\n## Analysis\nA.\n");
    s
}

/// A: two causes sharing key k1 (counted once), a done action on k1
/// completed 2020-02-01 and an open one; B occurred on that very day (does
/// not count as a recurrence); C the day after (does); D is a draft whose
/// local time is the next day in UTC; E has a cause no action addresses.
fn kb() -> Kb {
    let kb = Kb::new();
    let lessons = [
        L {
            id: "LL-2020-001",
            status: "final",
            occurred: "2020-01-10T10:00:00Z",
            detected: Some("2020-01-10T10:30:00Z"),
            systems: &["api", "db"],
            teams: &["sre"],
            causes: &[("k1", "process-gap"), ("k1", "training-need")],
            actions: &[
                (
                    "Automate renewal",
                    "done",
                    None,
                    Some("2020-02-01"),
                    &["k1"],
                    "team-a",
                ),
                (
                    "Write runbook",
                    "open",
                    Some("2020-03-01"),
                    None,
                    &["k1"],
                    "team-b",
                ),
            ],
        },
        L {
            id: "LL-2020-002",
            status: "final",
            occurred: "2020-02-01T23:59:00Z",
            detected: Some("2020-02-02T01:59:00Z"),
            systems: &["api"],
            teams: &["payments"],
            causes: &[("k1", "process-gap")],
            actions: &[(
                "Add alert",
                "in-progress",
                Some("2031-01-01"),
                None,
                &["k1"],
                "Team-A",
            )],
        },
        L {
            id: "LL-2020-003",
            status: "final",
            occurred: "2020-02-02",
            detected: None,
            systems: &["cdn"],
            teams: &["sre"],
            causes: &[("k1", "process-gap"), ("k2", "capacity")],
            actions: &[(
                "Scale out",
                "done",
                None,
                Some("2020-03-01"),
                &["k2", "k1"],
                "team-c",
            )],
        },
        L {
            id: "LL-2021-001",
            status: "draft",
            occurred: "2021-06-01T23:30:00-02:00",
            detected: None,
            systems: &["cdn"],
            teams: &[],
            causes: &[("k2", "capacity")],
            actions: &[],
        },
        L {
            id: "LL-2021-002",
            status: "final",
            occurred: "2021-06-01",
            detected: None,
            systems: &["db"],
            teams: &["sre"],
            causes: &[("k3", "third-party")],
            actions: &[("Talk to vendor", "dropped", None, None, &[], "team-a")],
        },
    ];
    for l in &lessons {
        kb.write(&format!("lessons/{}.md", l.id), lesson(l));
    }
    kb.git_init();
    kb.commit_all("lessons");
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 0, "the fixture is valid: {doc:#}");
    kb
}

fn groups(doc: &serde_json::Value) -> Vec<(String, u64, Vec<String>)> {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_string(),
                g["count"].as_u64().unwrap(),
                g["lessons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn recurring_keys_count_each_lesson_once() {
    let kb = kb();
    let doc = kb.json_ok(&["report"]);
    assert_eq!(doc["lessons"], 5);
    assert_eq!(doc["by"], "key");
    assert_eq!(
        groups(&doc),
        [
            (
                "k1".into(),
                3,
                v(&["LL-2020-001", "LL-2020-002", "LL-2020-003"])
            ),
            ("k2".into(), 2, v(&["LL-2020-003", "LL-2021-001"])),
        ]
    );
    let k1 = &doc["groups"][0];
    assert_eq!(k1["first_occurred"], "2020-01-10");
    assert_eq!(k1["last_occurred"], "2020-02-02");
    assert_eq!(k1["systems"], serde_json::json!(["api", "cdn", "db"]));
    assert_eq!(
        k1["open_actions"], 2,
        "open and in-progress actions addressing k1"
    );
    // D's local time is 2021-06-02 in UTC.
    assert_eq!(doc["groups"][1]["last_occurred"], "2021-06-02");
    assert_eq!(
        k1["median_time_to_detect"],
        (30 * 60 + 2 * 60 * 60) / 2,
        "median of 30 min and 2 h"
    );
    // Trend per quarter over the whole range.
    assert_eq!(doc["periods"][0], "2020-Q1");
    assert_eq!(doc["periods"].as_array().unwrap().len(), 6);
    assert_eq!(k1["trend"], serde_json::json!([3, 0, 0, 0, 0, 0]));
    // --min-count 1 keeps the single-lesson group too.
    let all = kb.json_ok(&["report", "--min-count", "1"]);
    assert_eq!(groups(&all).len(), 3);
}

#[test]
fn ineffective_actions_respect_the_completed_day() {
    let kb = kb();
    let doc = kb.json_ok(&["report"]);
    let ineffective = doc["ineffective_actions"].as_array().unwrap();
    let rows: Vec<(String, String, String, Vec<String>)> = ineffective
        .iter()
        .map(|a| {
            (
                a["lesson"].as_str().unwrap().to_string(),
                a["cause"].as_str().unwrap().to_string(),
                a["completed"].as_str().unwrap().to_string(),
                a["recurred_in"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // Completed 2020-02-01: B (that same day) does not count, C does.
            (
                "LL-2020-001".into(),
                "k1".into(),
                "2020-02-01".into(),
                v(&["LL-2020-003"])
            ),
            // C's action on k2 completed 2020-03-01; D came later.
            (
                "LL-2020-003".into(),
                "k2".into(),
                "2020-03-01".into(),
                v(&["LL-2021-001"])
            ),
        ]
    );
    assert_eq!(ineffective[0]["action"], "Automate renewal");
}

#[test]
fn unaddressed_causes() {
    let kb = kb();
    let doc = kb.json_ok(&["report"]);
    assert_eq!(
        doc["unaddressed_causes"],
        // In the order the lessons occurred.
        serde_json::json!([
            {"lesson": "LL-2021-002", "cause": "k3", "category": "third-party"},
            {"lesson": "LL-2021-001", "cause": "k2", "category": "capacity"}
        ])
    );
}

#[test]
fn date_windows_and_status() {
    let kb = kb();
    let doc = kb.json_ok(&["report", "--since", "2020-02-01"]);
    // Two groups of two: the most recent occurrence first.
    assert_eq!(
        groups(&doc),
        [
            ("k2".into(), 2, v(&["LL-2020-003", "LL-2021-001"])),
            ("k1".into(), 2, v(&["LL-2020-002", "LL-2020-003"])),
        ]
    );
    let doc = kb.json_ok(&["report", "--until", "2020-02-01"]);
    assert_eq!(
        groups(&doc),
        [("k1".into(), 2, v(&["LL-2020-001", "LL-2020-002"]))]
    );
    // Drafts count unless filtered out.
    let doc = kb.json_ok(&["report", "--status", "final"]);
    assert_eq!(doc["lessons"], 4);
    assert_eq!(groups(&doc).len(), 1);
    assert!(
        doc["ineffective_actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["cause"] == "k1")
    );
}

#[test]
fn every_group_by() {
    let kb = kb();
    let by = |what: &str| groups(&kb.json_ok(&["report", "--by", what]));
    assert_eq!(
        by("category"),
        [
            (
                "process-gap".into(),
                3,
                v(&["LL-2020-001", "LL-2020-002", "LL-2020-003"])
            ),
            ("capacity".into(), 2, v(&["LL-2020-003", "LL-2021-001"])),
        ]
    );
    // Equal counts: the most recent occurrence first.
    assert_eq!(
        by("system"),
        [
            ("cdn".into(), 2, v(&["LL-2020-003", "LL-2021-001"])),
            ("db".into(), 2, v(&["LL-2020-001", "LL-2021-002"])),
            ("api".into(), 2, v(&["LL-2020-001", "LL-2020-002"])),
        ]
    );
    assert_eq!(
        by("team"),
        [(
            "sre".into(),
            3,
            v(&["LL-2020-001", "LL-2020-003", "LL-2021-002"])
        )]
    );
}

#[test]
fn every_format() {
    let kb = kb();
    for format in ["table", "markdown", "csv", "html"] {
        let run = kb.run(&["report", "--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        insta::assert_snapshot!(format!("report_{format}"), run.stdout);
    }
    let table = kb.run(&["report"]).stdout;
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "80 columns: {line}");
    }
    let json = kb.json_ok(&["report", "--period", "year"]);
    assert_eq!(json["periods"], serde_json::json!(["2020", "2021"]));
    insta::assert_json_snapshot!("report_json", json);
}

/// Tags balance (void elements aside), and nothing is fetched from outside.
fn assert_well_formed(html: &str) {
    let tag = regex::Regex::new(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>").unwrap();
    let mut stack: Vec<String> = Vec::new();
    let body = html.trim_start_matches("<!DOCTYPE html>");
    for cap in tag.captures_iter(body) {
        let (closing, name, self_closing) = (&cap[1] == "/", cap[2].to_lowercase(), &cap[3] == "/");
        if self_closing || matches!(name.as_str(), "meta" | "br" | "link" | "img") {
            continue;
        }
        if closing {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "unbalanced </{name}>"
            );
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    for needle in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(needle), "external request: {needle}");
    }
}

#[test]
fn html_is_self_contained_and_renders() {
    let kb = kb();
    let html = kb.run(&["report", "--format", "html"]).stdout;
    assert_well_formed(&html);
    assert!(
        html.contains("<svg") && html.contains("<polyline"),
        "a chart"
    );
    assert!(html.contains("<td><code><bdi class=\"t\">k1</bdi></code>"));
    // A real browser, where one is installed.
    let chromium = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    let Some(chromium) = chromium else {
        eprintln!("no chromium installed: the browser check is skipped");
        return;
    };
    let file = kb.path().join("report.html");
    std::fs::write(&file, &html).unwrap();
    let profile = kb.path().join("chromium-profile");
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", file.display()),
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("<svg"),
        "the browser built the SVG: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dom.contains("Actions that did not prevent recurrence"));
    assert!(dom.contains("Automate renewal"));
}

#[test]
fn actions_list_and_filters() {
    let kb = kb();
    let doc = kb.json_ok(&["actions", "--as-of", "2030-06-01"]);
    assert_eq!(doc["total"], 5);
    let ids = |d: &serde_json::Value| -> Vec<String> {
        d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["summary"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&kb.json_ok(&["actions", "--overdue", "--as-of", "2030-06-01"])),
        ["Write runbook"]
    );
    assert_eq!(
        ids(&kb.json_ok(&["actions", "--overdue", "--as-of", "2031-06-01"])),
        ["Write runbook", "Add alert"]
    );
    assert_eq!(
        ids(&kb.json_ok(&["actions", "--owner", "team-a"])).len(),
        3,
        "owners match without regard to case"
    );
    assert_eq!(
        ids(&kb.json_ok(&["actions", "--status", "done"])),
        ["Automate renewal", "Scale out"].map(String::from)
    );
    let table = kb.run(&["actions", "--overdue", "--as-of", "2030-06-01"]);
    assert!(
        table.stdout.contains("! 2020-03-01  open"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("1 action, 1 overdue as of 2030-06-01"),
        "{}",
        table.stdout
    );
    let bad = kb.run(&["actions", "--as-of", "June"]);
    assert_eq!(bad.code, 2);
}

/// A report is read and computed while the index's freshness is checked,
/// on the facts as they stand: after an edit, what it prints is of the
/// edited lessons, never of the index before.
#[test]
fn a_report_after_an_edit_is_of_the_edited_lessons() {
    let kb = kb();
    let before = kb.json_ok(&["report", "--min-count", "1"]);
    let card = kb.json_ok(&["report", "--scorecard"]);
    assert_eq!(groups(&before).len(), 3);
    // LL-2021-002's cause key becomes k2: two groups left, k2 of three.
    let path = kb.path().join("lessons/LL-2021-002.md");
    let text = std::fs::read_to_string(&path).unwrap();
    kb.write(
        "lessons/LL-2021-002.md",
        text.replace("key = \"k3\"", "key = \"k2\""),
    );
    let after = kb.json_ok(&["report", "--min-count", "1"]);
    let mut counts: Vec<(String, u64)> = groups(&after)
        .into_iter()
        .map(|(key, n, _)| (key, n))
        .collect();
    counts.sort();
    assert_eq!(counts, [("k1".to_string(), 3), ("k2".to_string(), 3)]);
    // A new lesson counts in the scorecard at once.
    kb.write(
        "lessons/LL-2021-003.md",
        lesson(&L {
            id: "LL-2021-003",
            status: "final",
            occurred: "2021-06-03",
            detected: None,
            systems: &["db"],
            teams: &["sre"],
            causes: &[("k3", "third-party")],
            actions: &[],
        }),
    );
    let total = |doc: &serde_json::Value| -> u64 {
        doc["periods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["lessons"].as_u64().unwrap())
            .sum()
    };
    let card_after = kb.json_ok(&["report", "--scorecard"]);
    assert_eq!(total(&card_after), total(&card) + 1);
    // And once more unchanged: the same as the update gave.
    assert_eq!(kb.json_ok(&["report", "--scorecard"]), card_after);
}

/// The facts file of the current index generation.
fn facts_file(kb: &Kb) -> std::path::PathBuf {
    let cache = kb.path().join(".git/lessons/index");
    let current = std::fs::read_to_string(cache.join("current")).unwrap();
    std::fs::read_dir(cache.join(current.trim()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("facts-")
        })
        .expect("a facts file")
}

/// Flips one byte inside the last action's details: every record still
/// reads, only the hash tells.
fn flip_a_detail_byte(file: &std::path::Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x20;
    std::fs::write(file, &bytes).unwrap();
}

/// A run that met damaged facts: it says so, rebuilds, and answers `good`.
fn assert_rebuilt_from_damaged_facts(run: &Run, good: &serde_json::Value) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("report facts are damaged"),
        "{}",
        run.stderr
    );
    assert_eq!(&run.json(), good, "nothing lost");
}

#[test]
fn damaged_or_missing_facts_are_rebuilt_not_trusted() {
    let kb = Kb::example();
    let good = kb.json_ok(&["report"]);
    let overdue = kb.json_ok(&["actions", "--overdue", "--as-of", "2030-01-01"]);
    flip_a_detail_byte(&facts_file(&kb));
    let run = kb.run(&[
        "actions",
        "--overdue",
        "--as-of",
        "2030-01-01",
        "--format",
        "json",
    ]);
    assert_rebuilt_from_damaged_facts(&run, &overdue);
    // Then removed: the next command rebuilds.
    std::fs::remove_file(facts_file(&kb)).unwrap();
    assert_eq!(kb.json_ok(&["report"]), good);
    // Replaced by a FIFO: no hang, a rebuild.
    let file = facts_file(&kb);
    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .unwrap();
    assert!(made.success());
    assert_eq!(kb.json_ok(&["report"]), good);
}

/// Reports do not hash the facts file themselves: opening the index checks
/// it, once, then again whenever its size, times or inode change. Damage
/// written after it was found whole is still caught, and rebuilt from.
#[test]
fn facts_damaged_after_they_were_found_whole_are_rebuilt() {
    let kb = Kb::example();
    // Index files are recorded as whole only once they are two seconds old,
    // and lessons changed just before an index is built are looked at again
    // (which writes new facts): both wait.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    settle();
    kb.json_ok(&["index"]);
    settle();
    let good = kb.json_ok(&["report"]);
    let file = facts_file(&kb);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let record = std::fs::read_to_string(file.with_file_name("verified")).unwrap();
    assert!(record.contains(&format!("{name}\t")), "{record}");
    flip_a_detail_byte(&file);
    assert_rebuilt_from_damaged_facts(&kb.run(&["report", "--format", "json"]), &good);
}

/// An update copies the unchanged records of the old facts file as bytes:
/// damage is caught (when the files are opened, or as they are copied: see
/// `facts::splice_to_file`) and the index rebuilt, never carried on.
#[test]
fn an_update_over_damaged_facts_rebuilds() {
    let kb = Kb::example();
    kb.json_ok(&["index"]);
    for how in ["flip", "truncate"] {
        let file = facts_file(&kb);
        if how == "flip" {
            flip_a_detail_byte(&file);
        } else {
            let bytes = std::fs::read(&file).unwrap();
            std::fs::write(&file, &bytes[..bytes.len() - 7]).unwrap();
        }
        // One lesson edited: `index` splices the old facts.
        let lesson = std::fs::read_dir(kb.path().join("lessons"))
            .unwrap()
            .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "md"))
            .unwrap();
        let mut text = std::fs::read_to_string(&lesson).unwrap();
        text.push_str(&format!("\nEdited after the damage ({how}).\n"));
        std::fs::write(&lesson, text).unwrap();
        let run = kb.run(&["index", "--format", "json"]);
        assert_eq!(run.code, 0, "{how}: {}", run.stderr);
        assert!(
            run.stderr.contains("report facts are damaged"),
            "{how}: {}",
            run.stderr
        );
        assert_eq!(run.json()["lessons"], 38, "{how}");
        // Sound again: the next command has nothing to say.
        let run = kb.run(&["report", "--format", "json"]);
        assert_eq!(run.code, 0, "{how}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{how}: {}", run.stderr);
    }
}

#[test]
fn a_lesson_with_thousands_of_systems_counts_each_once() {
    let kb = Kb::new();
    let systems: Vec<String> = (0..3000).map(|i| format!("s{i:04}")).collect();
    let mut all: Vec<&str> = systems.iter().map(String::as_str).collect();
    all.extend(["s0001", "s0002"]); // repeated
    for (id, day) in [("LL-2024-001", "2024-01-01"), ("LL-2024-002", "2024-02-01")] {
        let mut actions = String::new();
        for n in 0..5 {
            actions.push_str(&format!(
                "\n[[actions]]\nsummary = \"a{n}\"\ntype = \"tooling\"\nowner = \"o\"\ndue = 2024-06-01\nstatus = \"open\"\n"
            ));
        }
        kb.write(
            &format!("lessons/{id}.md"),
            format!(
                "+++\nid = \"{id}\"\ntitle = \"t\"\nstatus = \"draft\"\nkind = \"outage\"\nseverity = \"low\"\noccurred = {day}\nsystems = [{}]\n{actions}+++\n\n## Summary\n\nx\n\n## Timeline\n\n- {day} x\n\n## Analysis\n\nx\n",
                list(&all)
            ),
        );
    }
    assert_eq!(kb.check_json(&[]).0, 0);
    let doc = kb.json_ok(&["report", "--by", "system"]);
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3000, "each system once");
    for g in groups {
        assert_eq!(
            (&g["count"], &g["open_actions"]),
            (&2.into(), &10.into()),
            "{g}"
        );
        // The alphabetically first 100 of the 3,000, not all of them.
        let listed = g["systems"].as_array().unwrap();
        assert_eq!(
            (listed.len(), &listed[0], &listed[99]),
            (100, &"s0000".into(), &"s0099".into())
        );
    }
}

/// "Today" is one thing in every command: `LESSONS_TODAY` moves it for
/// `actions` (overdue, the default `--as-of`) and `show` (overdue actions)
/// as it does for `new`.
#[test]
fn lessons_today_is_honoured_by_actions_and_show() {
    let kb = kb();
    let at = |today: &str, args: &[&str]| {
        let out = kb
            .command(args)
            .env("LESSONS_TODAY", today)
            .output()
            .expect("lessons runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let overdue = |doc: &serde_json::Value| doc["overdue"].as_u64().unwrap();
    // "Write runbook" is due 2020-03-01, "Add alert" 2031-01-01.
    let before = at("2020-02-15", &["actions", "--format", "json"]);
    assert_eq!(before["as_of"], "2020-02-15");
    assert_eq!(overdue(&before), 0);
    assert_eq!(
        overdue(&at("2030-06-01", &["actions", "--format", "json"])),
        1
    );
    assert_eq!(
        overdue(&at("2031-06-01", &["actions", "--format", "json"])),
        2
    );
    let show = |today: &str| {
        at(today, &["show", "LL-2020-001", "--format", "json"])["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["overdue"] == true)
            .count()
    };
    assert_eq!(show("2020-02-15"), 0);
    assert_eq!(show("2020-03-02"), 1);
    let bad = kb
        .command(&["actions"])
        .env("LESSONS_TODAY", "soon")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("LESSONS_TODAY=`soon`"));
}

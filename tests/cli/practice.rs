//! The practice, measured: verified actions (`verified`, `effective`,
//! `actions --unverified`), review timeliness and the scorecard of
//! `report`, against hand-computed figures.

use crate::common::{Kb, findings};

/// A final lesson: `head` holds extra front-matter lines (times,
/// `reviewed`), `tail` its causes and actions.
fn lesson(id: &str, occurred: &str, head: &str, tail: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"Lesson {id}\"\nstatus = \"final\"\nkind = \"outage\"\nseverity = \"high\"\noccurred = {occurred}\n{head}systems = [\"api\"]\n{tail}+++\n\n## Summary\n\nS.\n\n## Timeline\n\n- {occurred} It began.\n\n## Analysis\n\nA.\n"
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
}

//! The practice rules (docs/practice.md): `blame-language`,
//! `surface-cause` and `review-overdue`, their near misses, suppression,
//! `[practice]` in lessons.toml and its bad values.

use crate::common::{Kb, findings};

/// A final lesson with these extra front matter lines, causes and body.
fn lesson(extra: &str, causes: &str, analysis: &str) -> String {
    format!(
        r#"+++
id = "LL-2024-050"
title = "Replica promoted while still behind"
status = "final"
kind = "outage"
severity = "medium"
occurred = 2024-05-06T08:10:00Z
recovered = 2024-05-06T09:02:00Z
reviewed = 2024-05-13
systems = ["payments-db"]
{extra}
{causes}
[[actions]]
summary = "Make the promotion script refuse a lagging replica"
type = "tooling"
owner = "team-sre"
due = 2024-06-30
status = "open"
+++

## Summary
A lagging replica was promoted.

## Timeline
- 2024-05-06 08:10Z Primary disk fills

## Analysis
{analysis}
"#
    )
}

const SYSTEMIC: &str = r#"[[causes]]
category = "process-gap"
summary = "The runbook did not mention replica lag"
"#;

/// `(rule, line, column)` of the practice findings of `check`, and the
/// exit code.
fn practice_findings(kb: &Kb, today: &str) -> (i32, Vec<(String, u64, u64)>) {
    let run: crate::common::Run = kb
        .command(&["check", "--format", "json"])
        .env("LESSONS_TODAY", today)
        .output()
        .unwrap()
        .into();
    assert_ne!(run.code, 101, "panicked: {}", run.stderr);
    let doc = run.json();
    let found = findings(&doc)
        .into_iter()
        .filter(|(_, rule, _, _)| {
            matches!(
                rule.as_str(),
                "blame-language" | "surface-cause" | "review-overdue"
            )
        })
        .map(|(_, rule, line, column)| (rule, line, column))
        .collect();
    (run.code, found)
}

fn one(text: &str) -> Kb {
    let kb = Kb::new();
    kb.write("lessons/2024/a.md", text);
    kb
}

fn rules_of(found: &[(String, u64, u64)]) -> Vec<&str> {
    found.iter().map(|(r, _, _)| r.as_str()).collect()
}

#[test]
fn blame_phrases_in_the_body_fire_where_they_are() {
    let body =
        "The engineer should have checked the lag.\nA careless change, if only someone had looked.";
    let kb = one(&lesson("", SYSTEMIC, body));
    let (code, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(code, 0, "warnings do not fail check");
    assert_eq!(
        found,
        [
            ("blame-language".to_string(), 31, 14),
            ("blame-language".to_string(), 32, 3),
            ("blame-language".to_string(), 32, 20),
        ]
    );
    let run = kb.command(&["check", "--color", "never"]).output().unwrap();
    let human = String::from_utf8_lossy(&run.stdout);
    assert!(human.contains("hindsight"), "{human}");
    assert!(
        human.contains("what made this action reasonable at the time"),
        "{human}"
    );
}

#[test]
fn quoted_text_and_code_do_not_fire() {
    let body = r#"> The on-call said: we should have paged earlier.

The on-call said "it should have been paged" at 08:20.
The flag `failed_to_promote` and `should have` are names.
<!-- the runbook says the operator failed to check -->

```
promote: failed to acquire lock
```

The safeguard meant to catch it was not there."#;
    let kb = one(&lesson("", SYSTEMIC, body));
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(found, []);
}

#[test]
fn human_error_as_a_cause_and_a_participant_as_its_subject_fire() {
    let causes = r#"[[causes]]
category = "process-gap"
summary = "Human error during the manual promotion"

[[causes]]
category = "process-gap"
summary = "Dana promoted the replica without checking its lag"

[[causes]]
category = "process-gap"
summary = "Payments-db accepted a promotion while 4 minutes behind"
"#;
    let extra = r#"participants = ["Dana Kowalski", "sre on-call", "Payments team"]"#;
    // "human error" in the body is discussion, not a cause.
    let body = "We stopped writing human error as a cause last year.";
    let kb = one(&lesson(extra, causes, body));
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(
        found,
        [
            ("blame-language".to_string(), 14, 12),
            ("blame-language".to_string(), 18, 12),
        ],
        "the cause label and the participant, not the system nor the body"
    );
}

#[test]
fn a_line_or_a_file_can_accept_blame_language() {
    let body = "The operator failed to promote. <!-- lessons:allow blame-language -->\n<!-- lessons:allow blame-language -->\nThe engineer failed to run it.\nThe admin failed to page.";
    let kb = one(&lesson("", SYSTEMIC, body));
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(found, [("blame-language".to_string(), 34, 11)]);
    // A control that did not work is described, not judged: no finding.
    kb.write(
        "lessons/2024/a.md",
        lesson(
            "",
            SYSTEMIC,
            "The alert failed to fire.\nThe check that should have caught it was off.",
        ),
    );
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(found, []);
    kb.write("lessons/2024/a.md", lesson("", SYSTEMIC, body));
    let whole =
        lesson("", SYSTEMIC, body).replacen("+++\n", "+++\n# lessons:allow blame-language\n", 1);
    kb.write("lessons/2024/a.md", whole);
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(found, []);
}

#[test]
fn surface_causes_alone_fire_and_one_systemic_cause_is_enough() {
    let surface = r#"[[causes]]
category = "configuration-error"
summary = "The pushed configuration named a missing pool"

[[causes]]
category = "software-defect"
summary = "The proxy treats a missing pool as empty"
"#;
    let kb = one(&lesson("", surface, "The validator's schema was old."));
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(found, [("surface-cause".to_string(), 13, 12)]);
    let run = kb.command(&["check", "--color", "never"]).output().unwrap();
    let human = String::from_utf8_lossy(&run.stdout);
    assert!(
        human.contains("process-gap, training-need, governance-weakness"),
        "{human}"
    );

    let mixed = format!("{surface}\n{SYSTEMIC}");
    kb.write("lessons/2024/a.md", lesson("", &mixed, "ok"));
    assert_eq!(practice_findings(&kb, "2024-05-20").1, []);

    // Only final lessons are judged.
    kb.write(
        "lessons/2024/a.md",
        lesson("", surface, "ok").replace("status = \"final\"", "status = \"review\""),
    );
    let (_, found) = practice_findings(&kb, "2024-05-20");
    assert_eq!(rules_of(&found), Vec::<&str>::new());
}

#[test]
fn review_overdue_counts_days_from_recovery_up_to_today() {
    let draft = lesson("", SYSTEMIC, "Notes.").replace("status = \"final\"", "status = \"draft\"");
    let kb = one(&draft);
    // Recovered 2024-05-06: 14 days later is on time, 15 is overdue.
    assert_eq!(practice_findings(&kb, "2024-05-20").1, []);
    assert_eq!(
        practice_findings(&kb, "2024-05-21").1,
        [("review-overdue".to_string(), 4, 10)]
    );
    // Without `recovered`, from `occurred`.
    kb.write(
        "lessons/2024/a.md",
        draft
            .replace("recovered = 2024-05-06T09:02:00Z\n", "")
            .replace(
                "occurred = 2024-05-06T08:10:00Z",
                "occurred = 2024-05-01T08:10:00Z",
            ),
    );
    assert_eq!(practice_findings(&kb, "2024-05-15").1, []);
    assert_eq!(
        rules_of(&practice_findings(&kb, "2024-05-16").1),
        ["review-overdue"]
    );
    // A final lesson is never overdue.
    kb.write("lessons/2024/a.md", lesson("", SYSTEMIC, "Notes."));
    assert_eq!(practice_findings(&kb, "2025-01-01").1, []);
}

#[test]
fn a_malformed_lessons_today_stops_check() {
    let kb = one(&lesson("", SYSTEMIC, "ok"));
    let run = kb
        .command(&["check"])
        .env("LESSONS_TODAY", "tomorrow")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("LESSONS_TODAY"));
}

#[test]
fn practice_config_tunes_and_switches_rules_off() {
    let surface = r#"[[causes]]
category = "human-error"
summary = "A typo in the pool name"
"#;
    let draft = lesson(
        "",
        surface,
        "Someone said it was sloppy; it dropped the ball.",
    )
    .replace("status = \"final\"", "status = \"review\"");
    let kb = one(&draft);
    assert_eq!(
        rules_of(&practice_findings(&kb, "2024-06-01").1),
        ["review-overdue", "blame-language"]
    );
    kb.write(
        "lessons.toml",
        "[practice]\nblame_phrases = [\"dropped the ball\"]\nreview_within_days = 30\n",
    );
    assert_eq!(
        rules_of(&practice_findings(&kb, "2024-06-01").1),
        ["blame-language", "blame-language"]
    );
    kb.write(
        "lessons.toml",
        "[practice]\nrules_off = [\"blame-language\", \"review-overdue\", \"surface-cause\"]\n",
    );
    assert_eq!(practice_findings(&kb, "2024-06-01").1, []);
    // surface_categories replaces the default list.
    kb.write(
        "lessons.toml",
        "[practice]\nsurface_categories = [\"capacity\"]\nrules_off = [\"blame-language\"]\n",
    );
    let final_lesson = lesson("", surface, "ok");
    kb.write("lessons/2024/a.md", &final_lesson);
    assert_eq!(practice_findings(&kb, "2024-06-01").1, []);
}

#[test]
fn bad_practice_values_are_config_errors_at_their_line() {
    let kb = one(&lesson("", SYSTEMIC, "ok"));
    for (toml, line, needle) in [
        (
            "[practice]\nreview_within_days = 0\n",
            2,
            "review_within_days",
        ),
        (
            "[practice]\nverify_after_days = -3\n",
            2,
            "verify_after_days",
        ),
        (
            "[practice]\nreview_within_days = \"14\"\n",
            2,
            "review_within_days",
        ),
        (
            "[practice]\nrules_off = [\"blame-languge\"]\n",
            2,
            "did you mean \"blame-language\"",
        ),
        (
            "[practice]\nrules_off = [\"too-long\"]\n",
            2,
            "not a practice rule",
        ),
        (
            "[practice]\nsurface_categories = [\"human-eror\"]\n",
            2,
            "did you mean \"human-error\"",
        ),
        ("[practice]\nblame_phrases = [\"x\"]\n", 2, "too short"),
        ("[practice]\nblame_phrase = []\n", 2, "blame_phrases"),
        ("practice = 3\n", 1, "must be a table"),
    ] {
        kb.write("lessons.toml", toml);
        let run = kb.run(&["check", "--color", "never"]);
        assert_eq!(run.code, 2, "{toml}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("lessons.toml:{line}:")),
            "{toml}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(needle), "{toml}: {}", run.stderr);
    }
    // A surface category from a custom vocabulary given later in the file.
    kb.write(
        "lessons.toml",
        "[practice]\nsurface_categories = [\"slip\"]\n\n[vocabulary]\ncause_categories = [\"slip\", \"process-gap\"]\n",
    );
    let run = kb.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

//! Search that finds what people mean (issue: ranked partial matches,
//! forgiving input, synonyms, typos, checked filters, the wrong root,
//! `--explain`, `similar` by rare causes, cause-key reconciliation,
//! `lessons causes`), on small purpose-built knowledge bases.

use crate::common::{Kb, ids};

/// A valid final lesson: `causes` are (category, key) pairs.
fn lesson(id: &str, title: &str, causes: &[(&str, &str)], systems: &[&str], body: &str) -> String {
    let mut s = format!(
        "+++\nid = \"{id}\"\ntitle = \"{title}\"\nstatus = \"final\"\nkind = \"outage\"\nseverity = \"high\"\noccurred = 2024-03-{day:02}T09:00:00Z\nreviewed = 2024-04-01\nsystems = [{systems}]\n",
        day = id[id.len() - 2..].parse::<u32>().unwrap_or(1).clamp(1, 28),
        systems = systems
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (category, key) in causes {
        s.push_str(&format!(
            "\n[[causes]]\ncategory = \"{category}\"\nkey = \"{key}\"\nsummary = \"A cause\"\n"
        ));
    }
    s.push_str(
        "\n[[actions]]\nsummary = \"Follow up\"\ntype = \"procedure-update\"\nowner = \"sre\"\ndue = 2024-05-01\nstatus = \"open\"\n",
    );
    s.push_str(&format!(
        "+++\n\n## Summary\n\n{body}\n\n## Timeline\n\n- 2024-03-01 09:00Z Start\n\n## Analysis\n\nWe looked into it.\n"
    ));
    s
}

fn kb_with(lessons: &[(&str, String)]) -> Kb {
    let kb = Kb::new();
    for (name, text) in lessons {
        kb.write(&format!("lessons/2024/{name}.md"), text);
    }
    kb.git_init();
    kb.commit_all("lessons");
    kb
}

/// Filler lessons so that word statistics look like a real knowledge base.
fn filler(n: usize) -> Vec<(String, String)> {
    let topics = [
        "The nightly billing export ran late because the queue was paused.",
        "A laptop was left in a taxi; the disk was encrypted.",
        "The status page was not updated for twenty minutes.",
        "A vendor webhook changed its payload without notice.",
        "Marketing sent a newsletter to the wrong segment.",
    ];
    (0..n)
        .map(|i| {
            let id = format!("LL-2023-{:03}", 100 + i);
            (
                format!("filler-{i}"),
                lesson(
                    &id,
                    &format!("Routine matter number {i}"),
                    &[("process-gap", &format!("filler-cause-{i}"))],
                    &["intranet"],
                    topics[i % topics.len()],
                ),
            )
        })
        .collect()
}

fn kb_plus_filler(lessons: Vec<(&str, String)>) -> Kb {
    let filler = filler(12);
    let mut all: Vec<(&str, String)> = lessons;
    all.extend(filler.iter().map(|(n, t)| (n.as_str(), t.clone())));
    kb_with(&all)
}

#[test]
fn plain_words_rank_by_coverage_and_do_not_filter() {
    let kb = kb_plus_filler(vec![
        (
            "both",
            lesson(
                "LL-2024-001",
                "Regex backtracking pinned every CPU",
                &[("software-defect", "regex-backtracking")],
                &["waf"],
                "A regular expression in the WAF rules backtracked and the cpu hit 100%.",
            ),
        ),
        (
            "regex-only",
            lesson(
                "LL-2024-002",
                "Regex typo in a log parser",
                &[("software-defect", "parser-bug")],
                &["logs"],
                "A regex typo dropped log lines.",
            ),
        ),
        (
            "cpu-only",
            lesson(
                "LL-2024-003",
                "CPU throttling on the build fleet",
                &[("capacity", "cpu-quota")],
                &["ci"],
                "Builds were slow because the cpu quota was low.",
            ),
        ),
    ]);
    let found = kb.search_ids("regex cpu", &[]);
    assert_eq!(found[0], "LL-2024-001", "{found:?}");
    assert!(found.contains(&"LL-2024-002".to_string()), "{found:?}");
    assert!(found.contains(&"LL-2024-003".to_string()), "{found:?}");
    // Another word that no lesson has does not take results away.
    let more = kb.search_ids("regex cpu spike outage zebra", &[]);
    assert_eq!(more[0], "LL-2024-001", "{more:?}");
    assert!(more.len() >= 3);
    // A question: its question words and stop words do not count.
    let doc = kb.json_ok(&["search", "how did a regex take the cpu down?", "--explain"]);
    assert_eq!(ids(&doc)[0], "LL-2024-001");
    let ignored = doc["interpretation"]["ignored"].as_array().unwrap();
    assert!(ignored.iter().any(|w| w == "how"), "{doc:#}");
    // Operators keep their meaning.
    assert_eq!(kb.search_ids("+regex +cpu", &[]), ["LL-2024-001"]);
    assert_eq!(kb.search_ids("regex AND cpu", &[]), ["LL-2024-001"]);
    let without = kb.search_ids("regex -waf", &[]);
    assert!(!without.contains(&"LL-2024-001".to_string()), "{without:?}");
    assert_eq!(kb.search_ids("\"log parser\"", &[]), ["LL-2024-002"]);
    assert_eq!(kb.search_ids("regex system:logs", &[]), ["LL-2024-002"]);
    // Keys and systems are found by their words.
    assert_eq!(kb.search_ids("regex backtracking", &[])[0], "LL-2024-001");
    assert_eq!(kb.search_ids("cpu quota", &[])[0], "LL-2024-003");
}

#[test]
fn pasted_text_runs_as_a_search_and_an_exact_title_comes_first() {
    let title = "Caught before impact: global database in metrics-frontend";
    let kb = kb_plus_filler(vec![
        (
            "caught",
            lesson(
                "LL-2024-004",
                title,
                &[("configuration-error", "global-db-exposure")],
                &["metrics-frontend"],
                "A global database in metrics-frontend was reachable; caught before impact.",
            ),
        ),
        (
            "db",
            lesson(
                "LL-2024-005",
                "Global database failover in metrics-frontend before the impact window",
                &[("capacity", "db-failover")],
                &["metrics-frontend"],
                "The global database failed over before impact; metrics-frontend was caught in the middle of a deploy.",
            ),
        ),
    ]);
    assert_eq!(kb.search_ids(title, &[])[0], "LL-2024-004");
    for text in [
        title,
        "how did the database get exposed?",
        "ERROR 2024-03-12T10:39:00Z connection refused (pool exhausted",
        "https://status.example.com/incidents/123?x=1&y=2",
        "C++ node.js 50% 10:39 /var/log/syslog",
        "\"unbalanced quote",
        "(unbalanced paren",
        "closing) paren",
        "impact: database",
        "-",
        "+",
        "AND OR NOT",
        "!!! ??? *** :::",
        "émoji 🚨 incident 数据库",
    ] {
        let run = kb.run(&["search", text, "--format", "json"]);
        assert_eq!(run.code, 0, "{text}: {}", run.stderr);
        run.json();
    }
    // A log line finds the lesson with its words.
    let found = kb.search_ids("metrics-frontend: global database caught", &[]);
    assert!(found.contains(&"LL-2024-004".to_string()), "{found:?}");
}

#[test]
fn typos_are_corrected_against_the_words_written_and_it_says_so() {
    let kb = kb_plus_filler(vec![(
        "cert",
        lesson(
            "LL-2024-006",
            "Expired certificate on the API gateway",
            &[("process-gap", "expired-certificate")],
            &["api-gateway"],
            "The certificate expired at midnight.",
        ),
    )]);
    for typo in [
        "certficate expired",
        "certificte expired",
        "certifcate expired",
    ] {
        let doc = kb.json_ok(&["search", typo]);
        assert_eq!(ids(&doc)[0], "LL-2024-006", "{typo}");
        assert_eq!(doc["fuzzy"], true, "{typo}");
        assert_eq!(doc["searched"], "certificate expired", "{typo}");
        let run = kb.run(&["search", typo]);
        assert!(
            run.stdout
                .contains("showing results for certificate expired"),
            "{typo}: {}",
            run.stdout
        );
    }
    let doc = kb.json_ok(&["search", "certificate expired"]);
    assert_eq!(doc["fuzzy"], false);
    assert!(doc.get("searched").is_none());
    // A word that arrives with an edit (an update, not a rebuild) is
    // known to typo correction at once.
    kb.write(
        "lessons/2024/new.md",
        lesson(
            "LL-2024-099",
            "Quasimodo scheduler skipped a run",
            &[("software-defect", "cron-skip")],
            &["batch"],
            "The quasimodo scheduler skipped.",
        ),
    );
    let doc = kb.json_ok(&["search", "quasimodp"]);
    assert_eq!(doc["searched"], "quasimodo", "{doc:#}");
    assert_eq!(ids(&doc)[0], "LL-2024-099");
    // A word whose lessons are gone is not offered, though the list keeps
    // it until the next rebuild.
    kb.remove("lessons/2024/new.md");
    let doc = kb.json_ok(&["search", "quasimodp"]);
    assert!(doc.get("searched").is_none(), "{doc:#}");
    assert!(ids(&doc).is_empty());
    // A damaged word list only turns correction off; an edit then starts a
    // new one from the changed files.
    let cache = kb.path().join(".git/lessons/index");
    let current = std::fs::read_to_string(cache.join("current")).unwrap();
    for entry in std::fs::read_dir(cache.join(current.trim())).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("words-")
        {
            std::fs::write(&path, b"not an fst").unwrap();
        }
    }
    let run = kb.run(&["search", "certficate", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json();
    kb.write(
        "lessons/2024/later.md",
        lesson(
            "LL-2024-098",
            "Zeppelin queue stalled",
            &[("capacity", "queue-stall")],
            &["batch"],
            "The zeppelin queue stalled.",
        ),
    );
    let doc = kb.json_ok(&["search", "zeppelim"]);
    assert_eq!(doc["searched"], "zeppelin", "{doc:#}");
    // A pasted paragraph of one very long "word" is searched, not corrected.
    let long = "a".repeat(5000);
    assert_eq!(kb.run(&["search", &long]).code, 0);
}

#[test]
fn synonyms_built_in_and_from_lessons_toml() {
    let kb = kb_plus_filler(vec![
        (
            "db",
            lesson(
                "LL-2024-007",
                "Database failover stalled",
                &[("process-gap", "no-failover-runbook")],
                &["orders-primary"],
                "The database failover stalled for 41 minutes.",
            ),
        ),
        (
            "k8s",
            lesson(
                "LL-2024-008",
                "Kubernetes nodes ran out of memory",
                &[("capacity", "node-memory")],
                &["cluster"],
                "Pods were killed when the nodes ran out of memory.",
            ),
        ),
        (
            "lb",
            lesson(
                "LL-2024-009",
                "LB health check marked every backend down",
                &[("configuration-error", "health-check-path")],
                &["edge"],
                "The LB probe used the wrong path.",
            ),
        ),
        (
            "gpu",
            lesson(
                "LL-2024-011",
                "GPU instances left running for seven weeks",
                &[("process-gap", "idle-resources")],
                &["ml-experiments"],
                "The cloud spend tripled before the monthly cost review saw it.",
            ),
        ),
        (
            "marsupial",
            lesson(
                "LL-2024-010",
                "Marsupial service outage",
                &[("software-defect", "marsupial-bug")],
                &["zoo"],
                "The marsupial service crashed.",
            ),
        ),
    ]);
    assert_eq!(kb.search_ids("db failover", &[])[0], "LL-2024-007");
    assert_eq!(kb.search_ids("k8s oom", &[])[0], "LL-2024-008");
    // "bill" also searches "cost" and "spend".
    let doc = kb.json_ok(&["search", "cloud bill", "--explain"]);
    assert_eq!(doc["hits"][0]["id"], "LL-2024-011", "{doc:#}");
    let matched = doc["hits"][0]["explain"]["matched"].as_array().unwrap();
    assert!(
        matched
            .iter()
            .any(|m| m["via"] == "spend" || m["via"] == "cost"),
        "{matched:?}"
    );
    assert_eq!(
        kb.search_ids("load balancer health check", &[])[0],
        "LL-2024-009"
    );
    let doc = kb.json_ok(&["search", "db failover", "--explain"]);
    let matched = &doc["hits"][0]["explain"]["matched"];
    assert!(
        matched
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["via"] == "database"),
        "{matched:#}"
    );
    // The knowledge base's own synonyms.
    assert!(kb.search_ids("quokka", &[]).is_empty());
    kb.write(
        "lessons.toml",
        "[search]\nsynonyms = [[\"quokka\", \"marsupial\"]]\n",
    );
    assert_eq!(kb.search_ids("quokka", &[])[0], "LL-2024-010");
}

#[test]
fn filter_values_outside_their_vocabulary_are_usage_errors() {
    let kb = kb_plus_filler(vec![]);
    for (args, needle) in [
        (
            vec!["search", "x", "--kind", "outag"],
            "did you mean `outage`?",
        ),
        (
            vec!["search", "x", "--severity", "hihg"],
            "did you mean `high`?",
        ),
        (
            vec!["search", "x", "--status", "fianl"],
            "did you mean `final`?",
        ),
        (vec!["search", "kind:outag"], "did you mean `kind:outage`?"),
        (
            vec!["search", "severity:hihg db"],
            "did you mean `severity:high`?",
        ),
        (
            vec!["similar", "LL-2023-100", "--kind", "outag"],
            "did you mean `outage`?",
        ),
        (vec!["report", "--status", "fina"], "did you mean `final`?"),
        (vec!["actions", "--status", "opne"], "did you mean `open`?"),
    ] {
        let run = kb.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    // Open vocabularies: a value no lesson has is a warning.
    let run = kb.run(&["search", "", "--system", "intranett"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("no lesson has --system `intranett`; did you mean `intranet`?"),
        "{}",
        run.stderr
    );
    // Valid values, any case, are fine.
    assert_eq!(kb.run(&["search", "x", "--kind", "Outage"]).code, 0);
}

#[test]
fn every_command_that_reads_lessons_warns_about_a_wrong_root() {
    let kb = kb_plus_filler(vec![]);
    let lessons = kb.path().join("lessons");
    let plain = tempfile::tempdir().unwrap();
    for root in [lessons.as_path(), plain.path()] {
        for args in [
            vec!["search", "billing"],
            vec!["similar", "x.md"],
            vec!["report"],
            vec!["actions"],
            vec!["index"],
            vec!["causes"],
            vec!["show", "LL-2023-100"],
            vec!["check"],
        ] {
            let mut all = vec!["--repo", root.to_str().unwrap()];
            all.extend_from_slice(&args);
            let run = kb.run(&all);
            assert!(
                run.stderr
                    .contains("warning: the lesson root `lessons` does not exist in"),
                "{args:?} at {}: {}",
                root.display(),
                run.stderr
            );
            assert!(
                run.stderr
                    .contains(root.file_name().unwrap().to_str().unwrap())
            );
        }
    }
    let run = kb.run(&["--repo", lessons.to_str().unwrap(), "search", "billing"]);
    assert!(run.stderr.contains("did you mean --repo"), "{}", run.stderr);
}

#[test]
fn explain_says_which_words_matched_where_and_the_score_parts() {
    let kb = kb_plus_filler(vec![(
        "cert",
        lesson(
            "LL-2024-006",
            "Expired certificate on the API gateway",
            &[("process-gap", "expired-certificate")],
            &["api-gateway"],
            "The certificate expired at midnight.",
        ),
    )]);
    let doc = kb.json_ok(&["search", "expired certificate zebra", "--explain"]);
    let e = &doc["hits"][0]["explain"];
    assert!(e["bm25"].as_f64().unwrap() > 0.0);
    assert!(
        e["coverage"].as_f64().unwrap() > 0.9,
        "zebra is in no lesson: {e:#}"
    );
    assert_eq!(e["phrase"], true);
    let fields = e["matched"][0]["fields"].as_array().unwrap();
    assert!(fields.iter().any(|f| f == "title"), "{e:#}");
    let parts = e["factors"]["coverage"].as_f64().unwrap()
        * e["factors"]["proximity"].as_f64().unwrap()
        * e["factors"]["title"].as_f64().unwrap()
        * e["base"].as_f64().unwrap();
    assert!((parts - e["score"].as_f64().unwrap()).abs() < 0.01, "{e:#}");
    let run = kb.run(&["search", "expired certificate", "--explain"]);
    assert!(run.stdout.contains("matched: "), "{}", run.stdout);
    assert!(run.stdout.contains("score "), "{}", run.stdout);
    assert!(run.stdout.contains("searched for: "), "{}", run.stdout);
    // Without --explain, no explanation.
    assert!(
        kb.json_ok(&["search", "expired"])["hits"][0]
            .get("explain")
            .is_none()
    );
}

#[test]
fn a_long_query_also_ranks_by_whole_lesson_bm25() {
    let mut lessons = vec![
        (
            "many",
            lesson(
                "LL-2024-001",
                "Partner traffic blocked for an hour",
                &[("configuration-error", "bad-setting")],
                &["api"],
                "A new rule was pushed to every region at once, and partner traffic stopped.",
            ),
        ),
        (
            "one",
            lesson(
                "LL-2024-002",
                "Firewall firmware crash",
                &[("software-defect", "firewall-firmware")],
                &["firewall"],
                "The firewall crashed after a firmware update. The firewall vendor sent a fix; the firewall was replaced in one region.",
            ),
        ),
    ];
    for (i, text) in [
        "Every deploy was pushed once a day; nothing unusual.",
        "The rule was pushed once to every server.",
        "Every alert fired once.",
        "Logs were pushed every hour, once per region.",
        "A rule change went to every team once.",
    ]
    .iter()
    .enumerate()
    {
        lessons.push((
            ["common-0", "common-1", "common-2", "common-3", "common-4"][i],
            lesson(
                &format!("LL-2022-{:03}", 10 + i),
                &format!("Weekly review {i}"),
                &[("process-gap", &format!("review-{i}"))],
                &["intranet"],
                text,
            ),
        ));
    }
    let kb = kb_plus_filler(lessons);
    // Six concepts: the lesson with five of the words, once each, outranks
    // the one that repeats one of them in its title, key, system and body,
    // although that one is ahead on both field-weighted estimates.
    let long = "firewall rule pushed to every region at once";
    let doc = kb.json_ok(&["search", long, "--explain"]);
    let found = ids(&doc);
    let at = |id: &str| found.iter().position(|f| f == id).unwrap();
    assert!(at("LL-2024-001") < at("LL-2024-002"), "{found:?}");
    let explain = |id: &str| &doc["hits"][at(id)]["explain"];
    let (many, one) = (explain("LL-2024-001"), explain("LL-2024-002"));
    for estimate in ["bm25", "bm25f"] {
        assert!(
            many[estimate].as_f64() < one[estimate].as_f64(),
            "{estimate}: {many:#} {one:#}"
        );
    }
    assert!(
        many["bm25_whole"].as_f64() > one["bm25_whole"].as_f64(),
        "{many:#} {one:#}"
    );
    let run = kb.run(&["search", long, "--explain"]);
    assert!(run.stdout.contains("whole lesson "), "{}", run.stdout);
    // Five concepts: no whole-lesson estimate.
    let doc = kb.json_ok(&["search", "firewall rule pushed every region", "--explain"]);
    assert!(
        doc["hits"][0]["explain"].get("bm25_whole").is_none(),
        "{doc:#}"
    );
}

#[test]
fn a_word_of_a_cause_key_counts_as_the_word_typed() {
    let kb = kb_plus_filler(vec![
        (
            "key",
            lesson(
                "LL-2024-001",
                "Payslips sent to the wrong people",
                &[("human-error", "misdirected-email")],
                &["payroll"],
                "An email with payslips went to the wrong list.",
            ),
        ),
        (
            "variant",
            lesson(
                "LL-2024-002",
                "Invoices sent to the wrong customers",
                &[("human-error", "wrong-recipient")],
                &["invoicing"],
                "The email was misdirecting invoices for a week.",
            ),
        ),
    ]);
    let doc = kb.json_ok(&["search", "misdirected email", "--explain"]);
    let found = ids(&doc);
    let coverage = |id: &str| {
        let at = found.iter().position(|f| f == id).unwrap();
        doc["hits"][at]["explain"]["coverage"].as_f64().unwrap()
    };
    // In the key as typed: all of the query.
    assert!(coverage("LL-2024-001") > 0.99, "{doc:#}");
    // Only a variant with the same stem: less.
    assert!(coverage("LL-2024-002") < 0.99, "{doc:#}");
    assert_eq!(found[0], "LL-2024-001", "{found:?}");
}

#[test]
fn similar_prefers_a_rare_shared_cause_to_a_common_one() {
    let phishing_text = "A phishing email imitated the payroll portal; an employee entered credentials and the attacker changed bank details.";
    let mut lessons = vec![
        (
            "target".to_string(),
            lesson(
                "LL-2024-020",
                "Payroll phishing changed bank details",
                &[
                    ("malicious-actor", "social-phishing"),
                    ("malicious-actor", "hacking-unknown"),
                    ("process-gap", "uncategorized"),
                ],
                &["payroll"],
                phishing_text,
            ),
        ),
        (
            "sibling".to_string(),
            lesson(
                "LL-2024-021",
                "Invoice fraud after a spoofed supplier message",
                &[("malicious-actor", "social-phishing")],
                &["finance"],
                "A spoofed supplier message asked finance to pay a new account.",
            ),
        ),
    ];
    for i in 0..7 {
        lessons.push((
            format!("common-{i}"),
            lesson(
                &format!("LL-2024-{:03}", 30 + i),
                &format!("Unexplained intrusion number {i} into the payroll portal"),
                &[("malicious-actor", "hacking-unknown"), ("process-gap", "uncategorized")],
                &["payroll"],
                "An attacker got into the payroll portal; bank details and credentials were involved; no phishing email was found.",
            ),
        ));
    }
    let all: Vec<(&str, String)> = lessons
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let kb = kb_with(&all);
    let found = ids(&kb.json_ok(&["similar", "LL-2024-020", "--limit", "8"]));
    assert_eq!(found[0], "LL-2024-021", "{found:?}");
    // The human count says how many are shown, not a meaningless total.
    let run = kb.run(&["similar", "LL-2024-020", "--limit", "3"]);
    assert!(run.stdout.contains("3 similar lessons ·"), "{}", run.stdout);
    assert!(!run.stdout.contains(" of "), "{}", run.stdout);
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one knowledge base, then one case per kind of suggestion"
)]
fn new_cause_keys_get_suggestions_of_existing_ones() {
    let mut base = vec![];
    for (i, (key, category)) in [
        ("no-failover-runbook", "process-gap"),
        ("no-failover-runbook", "process-gap"),
        ("no-failover-runbook", "process-gap"),
        ("no-failover-runbook", "process-gap"),
        ("expired-certificate", "process-gap"),
        ("expired-certificate", "process-gap"),
        ("phishing-no-mfa", "governance-weakness"),
        ("phishing-no-mfa", "governance-weakness"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = if key == "phishing-no-mfa" {
            "An attacker phished a password and logged in without a second factor; mailbox rules forwarded invoices."
        } else {
            "Something else entirely happened to a server."
        };
        base.push((
            format!("base-{i}"),
            lesson(
                &format!("LL-2023-{:03}", 10 + i),
                &format!("Earlier lesson {i}"),
                &[(category, key)],
                &["core"],
                body,
            ),
        ));
    }
    let all: Vec<(&str, String)> = base.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let kb = kb_with(&all);
    let check = |key: &str, category: &str, body: &str| -> serde_json::Value {
        kb.write(
            "lessons/2026/new.md",
            lesson(
                "LL-2026-001",
                "A new lesson",
                &[(category, key)],
                &["other"],
                body,
            ),
        );
        let doc = kb.json_ok(&["similar", "lessons/2026/new.md"]);
        doc["cause_keys"][0].clone()
    };
    let plain = "Nothing in common with the others at all.";
    for (key, expected, why) in [
        (
            "missing-failover-runbook",
            "no-failover-runbook",
            "no-/missing-",
        ),
        (
            "lack-of-failover-runbooks",
            "no-failover-runbook",
            "no-/missing-",
        ),
        (
            "runbook-failover-missing",
            "no-failover-runbook",
            "reordered",
        ),
        ("certificate-expired", "expired-certificate", "reordered"),
        ("expired-cert", "expired-certificate", "synonyms"),
        ("expired-certifcate", "expired-certificate", "spelling"),
    ] {
        let k = check(key, "process-gap", plain);
        assert_eq!(k["key"], key);
        assert_eq!(k["known"], false);
        assert_eq!(k["lessons"], 0);
        assert_eq!(k["suggest"][0]["key"], expected, "{key}: {k:#}");
        assert!(k["suggest"][0]["lessons"].as_u64().unwrap() >= 2);
        assert!(
            k["suggest"][0]["why"].as_str().unwrap().contains(why),
            "{key}: {k:#}"
        );
    }
    // A wholly new name, found through the text of similar lessons.
    let k = check(
        "credential-harvest",
        "governance-weakness",
        "An attacker phished a password and logged in without a second factor; mailbox rules forwarded invoices.",
    );
    assert_eq!(k["suggest"][0]["key"], "phishing-no-mfa", "{k:#}");
    assert!(
        k["suggest"][0]["why"]
            .as_str()
            .unwrap()
            .contains("similar lesson")
    );
    // A known key has no suggestions.
    let k = check("expired-certificate", "process-gap", plain);
    assert_eq!(k["known"], true);
    assert_eq!(k["lessons"], 2);
    assert!(k["suggest"].as_array().unwrap().is_empty());
    // The pull-request feedback says it too.
    kb.write(
        "lessons/2026/new.md",
        lesson(
            "LL-2026-001",
            "A new lesson",
            &[("process-gap", "missing-failover-runbook")],
            &["other"],
            plain,
        ),
    );
    let run = kb.run(&["similar", "lessons/2026/new.md", "--format", "markdown"]);
    assert!(
        run.stdout.contains("**New cause key `missing-failover-runbook`**: did you mean `no-failover-runbook` (4 lessons"),
        "{}",
        run.stdout
    );
    let run = kb.run(&["similar", "--changed", "HEAD"]);
    assert!(
        run.stdout.contains("new cause key `missing-failover-runbook`: did you mean `no-failover-runbook` (4 lessons"),
        "{}",
        run.stdout
    );
}

#[test]
fn causes_lists_the_taxonomy_and_groups_near_duplicates() {
    let mut all = vec![];
    for (i, key) in [
        "no-failover-runbook",
        "no-failover-runbook",
        "missing-failover-runbook",
        "expired-certificate",
        "certificate-expired",
        "disk-full",
        "uncategorized",
        "uncategorised",
    ]
    .iter()
    .enumerate()
    {
        all.push((
            format!("l-{i}"),
            lesson(
                &format!("LL-2024-{:03}", 40 + i),
                "A lesson",
                &[("process-gap", key)],
                &["core"],
                "Text.",
            ),
        ));
    }
    let refs: Vec<(&str, String)> = all.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let kb = kb_with(&refs);
    let doc = kb.json_ok(&["causes"]);
    assert_eq!(doc["lessons"], 8);
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys[0]["key"], "no-failover-runbook");
    assert_eq!(keys[0]["lessons"], 2);
    assert_eq!(keys[0]["categories"][0], "process-gap");
    assert!(keys[0]["first_seen"].is_string() && keys[0]["last_seen"].is_string());
    let groups: Vec<Vec<&str>> = doc["merge"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["key"].as_str().unwrap())
                .collect()
        })
        .collect();
    assert!(
        groups.contains(&vec!["no-failover-runbook", "missing-failover-runbook"]),
        "{groups:?}"
    );
    assert!(
        groups
            .iter()
            .any(|g| g.contains(&"expired-certificate") && g.contains(&"certificate-expired")),
        "{groups:?}"
    );
    assert!(
        !groups.iter().flatten().any(|k| *k == "disk-full"),
        "{groups:?}"
    );
    // The catch-all key is left out of groups.
    assert!(
        !groups.iter().flatten().any(|k| *k == "uncategorized"),
        "{groups:?}"
    );
    let table = kb.run(&["causes"]).stdout;
    assert!(table.contains("Probably the same cause"), "{table}");
    let md = kb.run(&["causes", "--format", "markdown"]).stdout;
    assert!(md.starts_with("## Cause keys"), "{md}");
    assert!(md.contains("| `no-failover-runbook` | 2 |"), "{md}");
}

#[test]
fn smaller_defects() {
    let kb = kb_plus_filler(vec![(
        "cert",
        lesson(
            "LL-2024-006",
            "Expired certificate on the API gateway",
            &[("process-gap", "expired-certificate")],
            &["api-gateway"],
            "The certificate expired at midnight.",
        ),
    )]);
    // --limit 0 returns no hits, and says how many matched.
    let doc = kb.json_ok(&["search", "certificate", "--limit", "0"]);
    assert_eq!(doc["hits"].as_array().unwrap().len(), 0);
    assert_eq!(doc["total_hits"], 1);
    assert_eq!(
        kb.json_ok(&["similar", "LL-2024-006", "--limit", "0"])["hits"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Snippets leave out section headings.
    let doc = kb.json_ok(&["search", "midnight"]);
    let snippet = doc["hits"][0]["snippet"].as_str().unwrap();
    assert!(!snippet.contains("Summary"), "{snippet}");
    // prefix* is highlighted.
    let doc = kb.json_ok(&["search", "certif*"]);
    assert!(
        !doc["hits"][0]["highlights"].as_array().unwrap().is_empty(),
        "{doc:#}"
    );
    // show of an unknown id offers the closest.
    let run = kb.run(&["show", "LL-2024-06"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `LL-2024-006`?"),
        "{}",
        run.stderr
    );
}

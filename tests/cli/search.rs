//! Search over the example knowledge base: relevance, filters, the query
//! language, freshness after every kind of change, recovery, concurrency,
//! `show` and `similar`.

use crate::common::{Kb, fixture, ids};

#[test]
fn realistic_queries_find_the_expected_lesson_first() {
    let kb = Kb::example();
    for (query, expected) in [
        ("ransomware", "LL-2023-003"),
        ("stolen laptop", "LL-2021-005"),
        ("log4j", "LL-2021-006"),
        ("DNSSEC", "LL-2026-001"),
        ("SAML certificate", "LL-2025-001"),
        ("payroll email wrong recipient", "LL-2022-001"),
        ("failover stalled", "LL-2024-003"),
        ("connection pool", "LL-2024-005"),
        ("DDoS login", "LL-2024-007"),
    ] {
        let found = kb.search_ids(query, &[]);
        assert_eq!(
            found.first().map(String::as_str),
            Some(expected),
            "{query}: {found:?}"
        );
    }
}

#[test]
fn title_and_cause_matches_outrank_body_mentions() {
    let kb = Kb::example();
    // LL-2025-004 mentions ransomware in passing; LL-2023-003 is about it.
    let found = kb.search_ids("ransomware", &[]);
    assert_eq!(found[0], "LL-2023-003");
    assert!(found.contains(&"LL-2025-004".to_string()));
    // Every lesson with the cause key comes before lessons that only say
    // "certificate".
    let found = kb.search_ids("expired-certificate", &[]);
    let with_key = ["LL-2022-003", "LL-2024-001", "LL-2025-001"];
    let top: Vec<&str> = found.iter().take(3).map(String::as_str).collect();
    for id in with_key {
        assert!(top.contains(&id), "{id} in {found:?}");
    }
}

#[test]
fn recency_breaks_ties() {
    let kb = Kb::example();
    // Every near miss has the one-word kind: equal scores, newest first.
    let doc = kb.json_ok(&["search", "kind:near-miss"]);
    let dates: Vec<&str> = doc["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["occurred"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 3);
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn json_shape_follows_the_contract() {
    let kb = Kb::example();
    let doc = kb.json_ok(&["search", "failover runbook"]);
    assert_eq!(doc["query"], "failover runbook");
    assert!(doc["total_hits"].as_u64().unwrap() >= 1);
    let hit = &doc["hits"][0];
    for key in [
        "id", "title", "path", "occurred", "kind", "severity", "snippet",
    ] {
        assert!(hit[key].is_string(), "{key} in {hit}");
    }
    assert!(hit["score"].is_number());
    assert!(hit["path"].as_str().unwrap().starts_with("lessons/"));
}

#[test]
fn every_filter() {
    let kb = Kb::example();
    let all = |args: &[&str]| kb.search_ids("", args);
    let kinds = all(&["--kind", "near-miss"]);
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert_eq!(
        all(&["--kind", "near-miss", "--kind", "policy-violation"]).len(),
        5
    );
    assert_eq!(all(&["--severity", "critical"]).len(), 3);
    assert_eq!(all(&["--status", "draft"]), ["LL-2026-004", "LL-2026-003"]);
    assert_eq!(all(&["--system", "pgbouncer"]).len(), 2);
    assert_eq!(
        all(&["--system", "PgBouncer"]).len(),
        2,
        "filters ignore case"
    );
    assert!(!all(&["--team", "sre"]).is_empty());
    assert!(!all(&["--tag", "certificate"]).is_empty());
    assert_eq!(all(&["--cause", "expired-certificate"]).len(), 3);
    let by_category = all(&["--cause", "malicious-actor"]);
    assert!(
        by_category.contains(&"LL-2023-003".to_string()),
        "{by_category:?}"
    );
    assert_eq!(all(&["--since", "2026-01-01"]).len(), 4);
    assert_eq!(all(&["--until", "2021-12-31"]).len(), 6);
    assert_eq!(
        all(&["--since", "2022-06-07", "--until", "2022-06-07"]),
        ["LL-2022-003"]
    );
    // Filters combine with AND, and with the query.
    assert_eq!(
        all(&["--kind", "outage", "--severity", "critical"]),
        ["LL-2025-001"]
    );
    assert_eq!(
        kb.search_ids(
            "certificate",
            &["--kind", "outage", "--since", "2025-01-01"]
        ),
        ["LL-2025-001"]
    );
    let run = kb.run(&["search", "x", "--since", "2024-13-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
}

#[test]
fn field_prefixes_phrases_and_operators() {
    let kb = Kb::example();
    assert_eq!(kb.search_ids("title:ransomware", &[]), ["LL-2023-003"]);
    assert_eq!(kb.search_ids("system:pgbouncer", &[]).len(), 2);
    assert_eq!(kb.search_ids("cause:expired-certificate", &[]).len(), 3);
    assert!(
        kb.search_ids("cause:third-party", &[])
            .contains(&"LL-2026-002".to_string())
    );
    assert_eq!(kb.search_ids("kind:near-miss", &[]).len(), 3);
    assert_eq!(
        kb.search_ids("severity:critical kind:outage", &[]),
        ["LL-2025-001"]
    );
    assert_eq!(kb.search_ids("id:ll-2023-003", &[]), ["LL-2023-003"]);
    assert!(kb.search_ids("team:sre", &[]).len() >= 2);
    assert!(!kb.search_ids("tag:certificate", &[]).is_empty());
    // A phrase matches the words in order only.
    let phrase = kb.search_ids("\"file server\"", &[]);
    assert!(phrase.contains(&"LL-2023-003".to_string()));
    assert!(phrase.len() < kb.search_ids("file server", &[]).len() + 1);
    // Words are ANDed; OR and NOT / -word work.
    let both = kb.search_ids("certificate expired", &[]);
    let either = kb.search_ids("ransomware OR dnssec", &[]);
    assert!(
        either.contains(&"LL-2023-003".to_string()) && either.contains(&"LL-2026-001".to_string())
    );
    let without = kb.search_ids("certificate -saml", &[]);
    assert!(!without.contains(&"LL-2025-001".to_string()));
    assert!(both.contains(&"LL-2025-001".to_string()));
    let not = kb.search_ids("certificate NOT saml", &[]);
    assert_eq!(not, without);
    // Prefixes and stemming.
    assert!(
        kb.search_ids("ransom*", &[])
            .contains(&"LL-2023-003".to_string())
    );
    assert!(
        kb.search_ids("phished", &[]).len() >= 2,
        "stemming: phished ~ phishing"
    );
}

#[test]
fn typos_are_tolerated_when_nothing_matches_and_it_says_so() {
    let kb = Kb::example();
    let doc = kb.json_ok(&["search", "ransomwear"]);
    assert_eq!(doc["fuzzy"], true);
    assert_eq!(ids(&doc)[0], "LL-2023-003");
    assert_eq!(doc["searched"], "ransomware");
    assert_eq!(doc["corrections"][0]["from"], "ransomwear");
    let run = kb.run(&["search", "ransomwear"]);
    assert!(
        run.stdout
            .starts_with("no lesson contains \"ransomwear\"; showing results for ransomware"),
        "{}",
        run.stdout
    );
    let doc = kb.json_ok(&["search", "ransomware"]);
    assert_eq!(doc["fuzzy"], false);
}

#[test]
fn malformed_queries_say_where() {
    let kb = Kb::example();
    for (query, needle) in [
        ("sytem:pgbouncer", "did you mean `system:`?"),
        ("title:[a TO c]", "--since"),
        ("kind:outag", "did you mean `kind:outage`?"),
        ("severity:hihg", "did you mean `severity:high`?"),
    ] {
        let run = kb.run(&["search", query]);
        assert_eq!(run.code, 2, "{query}: {}", run.stdout);
        assert!(run.stderr.contains(needle), "{query}: {}", run.stderr);
        assert!(
            run.stderr.contains('^'),
            "a caret under the position: {}",
            run.stderr
        );
        assert_ne!(run.code, 101);
    }
    // Times are text, not fields.
    assert!(kb.run(&["search", "09:58"]).code == 0);
}

#[test]
fn human_output_marks_matches_without_colour() {
    let kb = Kb::example();
    let run = kb.run(&["search", "ransomware", "--limit", "1"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("LL-2023-003  Ransomware encrypted"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[ransomware]"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("lessons/2023/ransomware-file-server.md")
    );
    assert!(run.stdout.contains("1 of 2 lessons"), "{}", run.stdout);
    assert!(!run.stdout.contains('\x1b'));
    let none = kb.run(&["search", "zzzzqqqq"]);
    assert_eq!(none.code, 0);
    assert!(none.stdout.contains("no lessons match"), "{}", none.stdout);
}

const NEW_LESSON_ID: &str = "LL-2026-099";

fn new_lesson(word: &str) -> String {
    fixture("valid/payments-failover.md")
        .replace("LL-2024-001", NEW_LESSON_ID)
        .replace("related = [\"LL-2023-031\"]\n", "")
        .replace(
            "Payment database failover stalled",
            &format!("Quokka {word} stalled"),
        )
}

#[test]
fn index_follows_uncommitted_and_committed_changes() {
    let kb = Kb::example();
    let index = |kb: &Kb| kb.json_ok(&["index"]);
    assert_eq!(index(&kb)["rebuilt"], "no index yet");
    let doc = index(&kb);
    assert_eq!(
        (
            doc["added"].as_u64(),
            doc["updated"].as_u64(),
            doc["removed"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );

    // Added, uncommitted: searchable at once.
    kb.write("lessons/2026/quokka.md", new_lesson("alpha"));
    assert_eq!(kb.search_ids("quokka", &[]), [NEW_LESSON_ID]);
    // Edited, uncommitted.
    kb.write("lessons/2026/quokka.md", new_lesson("bravo"));
    assert_eq!(kb.search_ids("bravo", &[]), [NEW_LESSON_ID]);
    assert!(kb.search_ids("+alpha quokka", &[]).is_empty());
    // Committed: the content is unchanged, the history is new.
    kb.commit_all("add quokka");
    let doc = index(&kb);
    assert_eq!(doc["added"], 0);
    let shown = kb.json_ok(&["show", NEW_LESSON_ID]);
    assert_eq!(shown["git"]["added_by"], "Ada Author");
    // Renamed (committed).
    kb.git(&[
        "mv",
        "lessons/2026/quokka.md",
        "lessons/2026/quokka-renamed.md",
    ]);
    kb.commit_all("rename");
    let doc = kb.json_ok(&["search", "quokka"]);
    assert_eq!(doc["hits"][0]["path"], "lessons/2026/quokka-renamed.md");
    assert_eq!(doc["total_hits"], 1);
    // Renamed, uncommitted.
    std::fs::rename(
        kb.path().join("lessons/2026/quokka-renamed.md"),
        kb.path().join("lessons/2026/quokka-again.md"),
    )
    .unwrap();
    let doc = index(&kb);
    assert_eq!(
        (
            doc["added"].as_u64(),
            doc["removed"].as_u64(),
            doc["renamed"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(
        kb.json_ok(&["search", "quokka"])["hits"][0]["path"],
        "lessons/2026/quokka-again.md"
    );
    // Deleted.
    kb.remove("lessons/2026/quokka-again.md");
    assert!(kb.search_ids("quokka", &[]).is_empty());
    // Committed edit of an existing lesson.
    let path = kb.path().join("lessons/2023/ransomware-file-server.md");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "## Analysis",
        "## Analysis\n\nThe wombat protocol failed.\n",
    );
    std::fs::write(&path, text).unwrap();
    kb.commit_all("edit");
    assert_eq!(kb.search_ids("wombat", &[]), ["LL-2023-003"]);
    assert_eq!(index(&kb)["lessons"], 38);
}

#[test]
fn lessons_that_fail_check_are_still_searchable() {
    let kb = Kb::example();
    let broken = new_lesson("zebra")
        .replace("severity = \"high\"", "severity = \"urgent\"")
        .replace("## Analysis", "## Thoughts");
    kb.write("lessons/2026/broken.md", broken);
    assert_eq!(kb.search_ids("zebra", &[]), [NEW_LESSON_ID]);
    kb.write(
        "lessons/2026/unparsable.md",
        "+++\nid = \"LL-2026-098\"\ntitle = unquoted capybara\n+++\n\n## Summary\ncapybara\n",
    );
    let doc = kb.json_ok(&["search", "capybara"]);
    assert_eq!(doc["hits"][0]["path"], "lessons/2026/unparsable.md");
}

#[test]
fn corrupt_or_deleted_index_is_rebuilt_with_a_notice() {
    let kb = Kb::example();
    kb.json_ok(&["index"]);
    let cache = kb.path().join(".git/lessons/index");
    let current = std::fs::read_to_string(cache.join("current")).unwrap();
    // Corrupt: garbage in the Tantivy metadata.
    std::fs::write(
        cache.join(current.trim()).join("tantivy/meta.json"),
        "{not json",
    )
    .unwrap();
    let run = kb.run(&["search", "ransomware", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("rebuilding the search index"),
        "{}",
        run.stderr
    );
    assert_eq!(ids(&run.json())[0], "LL-2023-003");
    // Deleted.
    std::fs::remove_dir_all(&cache).unwrap();
    assert_eq!(kb.search_ids("ransomware", &[])[0], "LL-2023-003");
    // A lost manifest.
    let current = std::fs::read_to_string(cache.join("current")).unwrap();
    for entry in std::fs::read_dir(cache.join(current.trim())).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with("manifest-") {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    let run = kb.run(&["search", "ransomware", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("rebuilding"), "{}", run.stderr);
    // --rebuild on demand.
    assert_eq!(
        kb.json_ok(&["index", "--rebuild"])["rebuilt"],
        "rebuild requested"
    );
}

#[test]
fn the_index_is_never_in_the_work_tree() {
    let kb = Kb::example();
    kb.json_ok(&["index"]);
    assert_eq!(kb.git(&["status", "--porcelain"]), "");
    // A plain folder uses the cache folder.
    let plain = Kb::new();
    plain.write("lessons/a.md", new_lesson("plain"));
    assert_eq!(plain.search_ids("plain", &[]), [NEW_LESSON_ID]);
    assert!(plain.path().join(".cache/lessons").is_dir());
}

#[test]
fn two_processes_at_once() {
    let kb = Kb::example();
    for i in 0..40 {
        kb.write(
            &format!("lessons/2026/bulk-{i:02}.md"),
            new_lesson(&format!("bulk{i}")).replace(NEW_LESSON_ID, &format!("LL-2026-1{i:02}")),
        );
    }
    let children: Vec<_> = (0..3)
        .map(|_| {
            kb.command(&["search", "quokka", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["total_hits"], 40);
    }
    assert_eq!(kb.json_ok(&["index"])["added"], 0);
}

#[test]
fn show_prints_timing_causes_and_actions() {
    let kb = Kb::example();
    let run = kb.run(&["show", "LL-2022-003"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for needle in [
        "LL-2022-003  Expired TLS certificate on the public API gateway",
        "detected   2022-06-07 00:41 UTC  (+41m)",
        "recovered  2022-06-07 02:20 UTC  (+2h 20m)",
        "expired-certificate (process-gap)",
        "[done] Automate certificate renewal",
        "added by     Ada Author on",
        "Timeline",
    ] {
        assert!(run.stdout.contains(needle), "{needle} in:\n{}", run.stdout);
    }
    let doc = kb.json_ok(&["show", "ll-2022-003"]);
    assert_eq!(doc["time_to_detect"], 41 * 60);
    assert_eq!(doc["causes"][0]["key"], "expired-certificate");
    // Overdue: open or in progress, due before today (the tests' default
    // today is 2023; this lesson's actions are due in 2024).
    let run: crate::common::Run = kb
        .command(&["show", "LL-2024-001", "--format", "json"])
        .env("LESSONS_TODAY", "2025-01-01")
        .output()
        .unwrap()
        .into();
    let doc = run.json();
    let overdue: Vec<bool> = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["overdue"].as_bool().unwrap())
        .collect();
    assert!(overdue.contains(&true), "{doc:#}");
    let human = kb
        .command(&["show", "LL-2024-001"])
        .env("LESSONS_TODAY", "2025-01-01")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("OVERDUE"));
    let missing = kb.run(&["show", "LL-1999-001"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no lesson has the id"),
        "{}",
        missing.stderr
    );
}

#[test]
fn similar_returns_lessons_that_share_the_cause() {
    let kb = Kb::example();
    let doc = kb.json_ok(&["similar", "LL-2022-003"]);
    let found = ids(&doc);
    assert!(
        !found.contains(&"LL-2022-003".to_string()),
        "the lesson itself is excluded"
    );
    assert_eq!(
        found[..2].iter().collect::<std::collections::BTreeSet<_>>(),
        ["LL-2024-001".to_string(), "LL-2025-001".to_string()]
            .iter()
            .collect()
    );
    assert!(
        doc["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("cause expired-certificate")
    );
    // A file not committed yet (the pull request case), by path.
    let lesson = new_lesson("gateway")
        .replace(
            "key = \"no-failover-runbook\"",
            "key = \"expired-certificate\"",
        )
        .replace(
            "addresses = [\"no-failover-runbook\"]",
            "addresses = [\"expired-certificate\"]",
        );
    kb.write("lessons/2026/new-cert.md", lesson);
    let doc = kb.json_ok(&["similar", "lessons/2026/new-cert.md", "--limit", "3"]);
    let found = ids(&doc);
    assert!(!found.contains(&NEW_LESSON_ID.to_string()));
    for id in ["LL-2022-003", "LL-2024-001", "LL-2025-001"] {
        assert!(found.contains(&id.to_string()), "{id} in {found:?}");
    }
}

#[test]
fn a_changed_lessons_toml_rebuilds_the_index() {
    let kb = Kb::example();
    kb.json_ok(&["index"]);
    // Lessons over the new size limit are no longer indexed.
    kb.write("lessons.toml", "max_file_size = 100\n");
    let doc = kb.json_ok(&["index"]);
    assert_eq!(doc["rebuilt"], "lessons.toml changed");
    assert_eq!(doc["lessons"], 0);
    kb.remove("lessons.toml");
    assert_eq!(kb.json_ok(&["index"])["lessons"], 38);
}

#[test]
fn odd_queries_and_arguments_are_handled() {
    let kb = Kb::example();
    // A limit beyond the knowledge base returns every match.
    let doc = kb.json_ok(&["search", "", "--limit", "18446744073709551615"]);
    assert_eq!(doc["hits"].as_array().unwrap().len(), 38);
    let doc = kb.json_ok(&["similar", "LL-2023-003", "--limit", "18446744073709551615"]);
    assert!(doc["hits"].as_array().unwrap().len() <= 37);
    // Absurd nesting is refused, not a stack overflow.
    let deep = format!("{}a{}", "(".repeat(3000), ")".repeat(3000));
    let run = kb.run(&["search", &deep]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nests parentheses"), "{}", run.stderr);
    // A leading minus is part of the query, not an option.
    let without = kb.search_ids("-ransomware", &[]);
    assert!(!without.contains(&"LL-2023-003".to_string()) && without.len() > 30);
    // A minus after a field prefix is an error that says where it goes.
    let run = kb.run(&["search", "title:-ransomware"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("-title:ransomware"), "{}", run.stderr);
    // Paths as search prints them work from any folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut cmd = kb.command(&[
        "--repo",
        kb.path().to_str().unwrap(),
        "show",
        "lessons/2023/ransomware-file-server.md",
        "--format",
        "json",
    ]);
    cmd.current_dir(elsewhere.path());
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn moving_head_back_recomputes_history() {
    let kb = Kb::example();
    kb.git(&["checkout", "-q", "-b", "feature"]);
    let path = kb.path().join("lessons/2023/ransomware-file-server.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("## Analysis", "## Analysis\n\nMore.\n")).unwrap();
    let mut commit = std::process::Command::new("git");
    commit
        .args(["commit", "-qam", "edit"])
        .current_dir(kb.path())
        .env("GIT_AUTHOR_NAME", "Bo")
        .env("GIT_AUTHOR_EMAIL", "bo@example.com")
        .env("GIT_COMMITTER_NAME", "Bo")
        .env("GIT_COMMITTER_EMAIL", "bo@example.com")
        .env("GIT_COMMITTER_DATE", "2030-01-01T00:00:00Z")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    assert!(commit.status().unwrap().success());
    assert_eq!(
        kb.json_ok(&["show", "LL-2023-003"])["git"]["changed"],
        "2030-01-01"
    );
    kb.git(&["checkout", "-q", "main"]);
    let run = kb.run(&["show", "LL-2023-003", "--format", "json"]);
    assert!(run.stderr.contains("does not descend"), "{}", run.stderr);
    assert_ne!(run.json()["git"]["changed"], "2030-01-01");
}

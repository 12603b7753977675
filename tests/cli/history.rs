//! `check --history`: secrets in every version of every lesson file
//! reachable from a commit, found although a later commit removed them,
//! reported once at the commit that added them, masked.

use lessons::sensitive::secrets::RULES;

use crate::common::{Kb, fixture};

fn key() -> &'static str {
    RULES[0].examples[0].rsplit(' ').next().unwrap()
}

fn lesson(body: &str) -> String {
    format!("{}\n## Notes\n{body}\n", fixture("valid/replica-lag.md"))
}

/// A repository whose second commit adds a key to the lesson, the third
/// edits around it and the fourth removes it; returns the commits.
fn leaked_and_removed(kb: &Kb) -> Vec<String> {
    kb.git_init();
    kb.write("lessons/2023/replica-lag.md", lesson("Clean."));
    kb.commit_all("first");
    kb.write(
        "lessons/2023/replica-lag.md",
        lesson(&format!("The key {} leaked.", key())),
    );
    kb.commit_all("paste the key");
    kb.write(
        "lessons/2023/replica-lag.md",
        lesson(&format!("The key {} leaked from CI.", key())),
    );
    kb.commit_all("edit around it");
    kb.write(
        "lessons/2023/replica-lag.md",
        lesson("A key leaked from CI."),
    );
    kb.commit_all("remove the key");
    kb.git(&["rev-list", "--reverse", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn finds_a_secret_a_later_commit_removed() {
    let kb = Kb::new();
    let commits = leaked_and_removed(&kb);
    // The files are clean today.
    let (code, _) = kb.check_json(&[]);
    assert_eq!(code, 0);

    let (code, doc) = kb.check_json(&["--history"]);
    assert_eq!(code, 1, "{doc:#}");
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(
        diagnostics.len(),
        1,
        "one finding for the key, not one per version: {doc:#}"
    );
    let d = &diagnostics[0];
    assert_eq!(d["rule"], "secret");
    assert_eq!(d["path"], "lessons/2023/replica-lag.md");
    assert_eq!(d["commit"], commits[1].as_str(), "the commit that added it");
    assert!(d["line"].as_u64().unwrap() > 20);
    assert!(d["help"].as_str().unwrap().contains("git filter-repo"));
    assert_eq!(doc["history"]["commits"], 4);
    assert_eq!(doc["history"]["versions"], 4);
    assert_eq!(doc["history"]["tip"], commits[3].as_str());

    for format in ["human", "json", "github", "sarif"] {
        let run = kb.run(&["check", "--history", "--format", format, "--color", "never"]);
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !out.contains(key()),
            "--format {format} prints the key:\n{out}"
        );
        assert!(out.contains("AKIA****"), "{format}:\n{out}");
        assert!(
            out.contains(&commits[1][..12]),
            "{format} names the commit:\n{out}"
        );
    }
    let human = kb.run(&["check", "--history", "--color", "never"]);
    assert!(
        human
            .stdout
            .contains("checked 4 versions of lesson files in 4 commits from"),
        "{}",
        human.stdout
    );

    // From the first commit, history holds no secret.
    let (code, doc) = kb.check_json(&[&format!("--history={}", commits[0])]);
    assert_eq!(
        (code, doc["history"]["commits"].as_u64()),
        (0, Some(1)),
        "{doc:#}"
    );
}

#[test]
fn history_honours_reviewed_acceptance_and_paths() {
    let kb = Kb::new();
    leaked_and_removed(&kb);
    kb.write(
        "lessons/2024/other.md",
        lesson("Nothing here.").replace("LL-2023-031", "LL-2024-031"),
    );
    kb.commit_all("another lesson");
    // A PATH limits the search to that file's versions.
    let (code, doc) = kb.check_json(&["--history", "lessons/2024/other.md"]);
    assert_eq!(
        (code, doc["history"]["versions"].as_u64()),
        (0, Some(1)),
        "{doc:#}"
    );

    // An entry of .lessons-allow accepts the finding in history too.
    let (_, doc) = kb.check_json(&["--history"]);
    let fingerprint = doc["diagnostics"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    kb.write(
        ".lessons-allow",
        format!("secret {fingerprint} lessons/2023/replica-lag.md\n"),
    );
    let (code, doc) = kb.check_json(&["--history"]);
    assert_eq!((code, doc["allowed"].as_u64()), (0, Some(1)), "{doc:#}");
}

#[test]
fn history_needs_git_and_a_known_revision() {
    let kb = Kb::new();
    kb.write("lessons/2023/replica-lag.md", lesson("Clean."));
    let run = kb.run(&["check", "--history"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--history needs a git repository"),
        "{}",
        run.stderr
    );
    kb.git_init();
    kb.commit_all("first");
    let run = kb.run(&["check", "--history=no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--history no-such-branch: no such commit"),
        "{}",
        run.stderr
    );
    let run = kb.run(&["check", "--history", "--changed", "main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

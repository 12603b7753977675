//! `--changed BASE` against real git repositories: commits on a branch,
//! staged, unstaged and untracked edits, a knowledge base in a subfolder,
//! and a shallow clone without the merge base.

use crate::common::{Kb, fixture};

fn lesson(id: &str) -> String {
    fixture("valid/replica-lag.md").replace("LL-2023-031", id)
}

fn checked_paths(kb: &Kb, args: &[&str]) -> Vec<String> {
    // Make every selected file fail, so each one shows up in the findings.
    let (_, doc) = kb.check_json(args);
    let mut paths: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    paths.dedup();
    assert_eq!(
        doc["files_checked"].as_u64().unwrap() as usize,
        paths.len(),
        "{doc:#}"
    );
    paths
}

/// A lesson that fails `check` (severity out of vocabulary).
fn bad(id: &str) -> String {
    lesson(id).replace("severity = \"low\"", "severity = \"lowest\"")
}

#[test]
fn changed_selects_branch_commits_and_working_tree_changes() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/old-untouched.md", bad("LL-2020-001"));
    kb.write("lessons/old-modified.md", bad("LL-2020-002"));
    kb.write("lessons/old-deleted.md", bad("LL-2020-003"));
    kb.write("lessons/old-renamed.md", bad("LL-2020-004"));
    kb.commit_all("base");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    kb.write("lessons/branch-added.md", bad("LL-2021-001"));
    kb.commit_all("add a lesson");
    kb.write(
        "lessons/old-modified.md",
        bad("LL-2020-002") + "\nMore analysis.\n",
    );
    kb.git(&["rm", "-q", "lessons/old-deleted.md"]);
    kb.git(&["mv", "lessons/old-renamed.md", "lessons/new-name.md"]);
    kb.commit_all("edit, delete, rename");
    // Meanwhile main moves on: its changes are not ours.
    kb.git(&["checkout", "-q", "main"]);
    kb.write("lessons/main-only.md", bad("LL-2022-001"));
    kb.commit_all("on main");
    kb.git(&["checkout", "-q", "feature"]);
    // Uncommitted: staged, unstaged and untracked.
    kb.write("lessons/staged.md", bad("LL-2023-001"));
    kb.git(&["add", "lessons/staged.md"]);
    kb.write("lessons/untracked.md", bad("LL-2023-002"));
    kb.write("lessons/README.md", "not a lesson\n");

    assert_eq!(
        checked_paths(&kb, &["--changed", "main"]),
        [
            "lessons/branch-added.md",
            "lessons/new-name.md",
            "lessons/old-modified.md",
            "lessons/staged.md",
            "lessons/untracked.md",
        ]
    );
    // Unstaged edit of a committed, untouched lesson.
    kb.write(
        "lessons/old-untouched.md",
        bad("LL-2020-001") + "\nEdited.\n",
    );
    assert!(
        checked_paths(&kb, &["--changed", "main"])
            .contains(&"lessons/old-untouched.md".to_string())
    );
    // With PATHs too: the changed lessons among them.
    assert_eq!(
        checked_paths(
            &kb,
            &[
                "--changed",
                "main",
                "lessons/staged.md",
                "lessons/README.md"
            ]
        ),
        ["lessons/staged.md"]
    );
}

#[test]
fn nothing_changed_checks_nothing_and_passes() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/a.md", bad("LL-2020-001"));
    kb.commit_all("base");
    let (code, doc) = kb.check_json(&["--changed", "HEAD"]);
    assert_eq!((code, doc["files_checked"].as_u64()), (0, Some(0)));
}

#[test]
fn cross_file_rules_still_read_unchanged_lessons() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/a.md", lesson("LL-2020-001"));
    kb.commit_all("base");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    // Reuses the id of an unchanged lesson, and relates to it.
    kb.write("lessons/b.md", lesson("LL-2020-001"));
    kb.write(
        "lessons/c.md",
        lesson("LL-2020-002").replace(
            "systems = [",
            "related = [\"LL-2020-001\", \"LL-2099-999\"]\nsystems = [",
        ),
    );
    let (code, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!(code, 1);
    let rules: Vec<_> = crate::common::findings(&doc)
        .into_iter()
        .map(|f| (f.0, f.1))
        .collect();
    assert_eq!(
        rules,
        [
            ("lessons/b.md".to_string(), "duplicate-id".to_string()),
            ("lessons/c.md".to_string(), "unknown-related".to_string()),
        ]
    );
}

#[test]
fn knowledge_base_in_a_subfolder_of_the_repository() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("src/main.c", "int main(void) { return 0; }\n");
    kb.write("docs/incidents/lessons.toml", "");
    kb.write("docs/incidents/lessons/a.md", lesson("LL-2020-001"));
    kb.commit_all("base");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    kb.write("docs/incidents/lessons/b.md", bad("LL-2020-002"));
    kb.write("src/other.md", "changed but not a lesson\n");
    let (code, doc) = kb.check_json(&["--repo", "docs/incidents", "--changed", "main"]);
    assert_eq!(code, 1);
    assert_eq!(doc["files_checked"], 1);
    assert_eq!(doc["diagnostics"][0]["path"], "lessons/b.md");
    // GitHub annotations need repository-relative paths.
    let run = kb.run(&[
        "--repo",
        "docs/incidents",
        "check",
        "--changed",
        "main",
        "--format",
        "github",
    ]);
    assert!(
        run.stdout.contains("file=docs/incidents/lessons/b.md,"),
        "{}",
        run.stdout
    );
    // Found from inside the subfolder without --repo, via lessons.toml.
    let mut cmd = kb.command(&["check", "--format", "json"]);
    cmd.current_dir(kb.path().join("docs/incidents/lessons"));
    let out = cmd.output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files_checked"], 2);
}

#[test]
fn unknown_base_is_a_clear_error() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/a.md", lesson("LL-2020-001"));
    kb.commit_all("base");
    let run = kb.run(&["check", "--changed", "origin/nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("origin/nope"), "{}", run.stderr);
}

#[test]
fn shallow_clone_without_merge_base_names_the_fix() {
    let upstream = Kb::new();
    upstream.git_init();
    upstream.write("lessons/a.md", lesson("LL-2020-001"));
    upstream.commit_all("one");
    upstream.write("lessons/b.md", lesson("LL-2020-002"));
    upstream.commit_all("two");
    upstream.git(&["checkout", "-q", "-b", "feature"]);
    upstream.write("lessons/c.md", lesson("LL-2020-003"));
    upstream.commit_all("three");
    upstream.git(&["checkout", "-q", "main"]);
    upstream.write("lessons/d.md", lesson("LL-2020-004"));
    upstream.commit_all("four");

    let clone = Kb::new();
    let url = format!("file://{}", upstream.path().display());
    clone.git(&[
        "clone", "-q", "--depth", "1", "--branch", "feature", &url, ".",
    ]);
    clone.git(&[
        "fetch",
        "-q",
        "--depth",
        "1",
        "origin",
        "main:refs/remotes/origin/main",
    ]);
    let run = clone.run(&["check", "--changed", "origin/main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

#[test]
fn a_new_lesson_reusing_an_id_is_caught_even_when_it_sorts_first() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/m-existing.md", lesson("LL-2020-001"));
    kb.commit_all("base");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    kb.write("lessons/a-new.md", lesson("LL-2020-001"));
    let (code, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        crate::common::findings(&doc),
        [(
            "lessons/a-new.md".to_string(),
            "duplicate-id".to_string(),
            2,
            6
        )]
    );
    let message = doc["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("also used by lessons/m-existing.md:2:6"),
        "{message}"
    );
    // A full check reports it on the later file, as the contract says.
    let (_, doc) = kb.check_json(&[]);
    assert_eq!(doc["diagnostics"][0]["path"], "lessons/m-existing.md");
}

#[test]
fn fetch_hint_names_remote_and_branch() {
    let upstream = Kb::new();
    upstream.git_init();
    upstream.write("lessons/a.md", lesson("LL-2020-001"));
    upstream.commit_all("one");
    let clone = Kb::new();
    let url = format!("file://{}", upstream.path().display());
    clone.git(&["clone", "-q", &url, "."]);
    let run = clone.run(&["check", "--changed", "origin/nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("git fetch origin nope"),
        "{}",
        run.stderr
    );
}

//! The repository around the knowledge base: `--changed` with folders git
//! cannot walk, a base that is not fetched, a checkout owned by another
//! user.

use crate::common::{Kb, fixture};

fn lesson(id: &str) -> String {
    fixture("valid/replica-lag.md").replace("LL-2023-031", id)
}

/// `depth` nested folders under `top`, with a file at the bottom.
fn nest(kb: &Kb, top: &str, depth: usize, file: &str, text: &str) {
    let mut rel = top.to_string();
    for _ in 0..depth {
        rel.push_str("/d");
    }
    kb.write(&format!("{rel}/{file}"), text);
}

/// libgit2 refuses folders more than 100 levels deep: one anywhere in the
/// work tree made `check --changed` and `similar --changed` exit 2.
#[test]
fn a_deep_folder_does_not_break_changed() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/a.md", lesson("LL-2020-001"));
    kb.write("lessons/b.md", lesson("LL-2020-002"));
    kb.commit_all("base");
    kb.git(&["checkout", "-q", "-b", "feature"]);
    // Outside the lesson roots: a build tree, say.
    nest(&kb, "target", 105, "out.txt", "x");
    kb.write("lessons/b.md", lesson("LL-2020-001"));
    let (code, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["files_checked"], 1);
    assert_eq!(doc["diagnostics"][0]["path"], "lessons/b.md");
    let run = kb.run(&["similar", "--changed", "main", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Inside a lesson root: the root is compared without libgit2's walk.
    nest(&kb, "lessons/deep", 105, "deep.md", &lesson("LL-2020-003"));
    let (_, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!(doc["files_checked"], 2, "{doc:#}");
    // Staged, committed and unchanged lessons are told apart there too.
    kb.git(&["add", "lessons/b.md"]);
    let (_, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!(doc["files_checked"], 2, "{doc:#}");
    kb.git(&["commit", "-q", "-m", "b"]);
    let (code, doc) = kb.check_json(&["--changed", "main"]);
    assert_eq!((code, &doc["files_checked"]), (1, &2.into()), "{doc:#}");
    let (code, doc) = kb.check_json(&["--changed", "feature"]);
    assert_eq!((code, &doc["files_checked"]), (0, &1.into()), "{doc:#}");
}

/// `origin/main` is branch `main` of `origin`: `git fetch origin
/// origin/main` fails.
#[test]
fn an_unfetched_base_names_the_fetch_that_works() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/a.md", lesson("LL-2020-001"));
    kb.commit_all("base");
    let run = kb.run(&["check", "--changed", "origin/main"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("origin origin/main"), "{}", run.stderr);
    assert!(
        run.stderr.contains("git remote add origin URL")
            && run.stderr.contains("git fetch origin main"),
        "{}",
        run.stderr
    );

    // A shallow clone of the feature branch alone, as CI checks out a pull
    // request: fetch the base, and the history.
    kb.git(&["checkout", "-q", "-b", "feature"]);
    kb.write("lessons/b.md", lesson("LL-2020-002"));
    kb.commit_all("feature");
    let clone = Kb::new();
    let url = format!("file://{}", kb.path().display());
    clone.git(&[
        "clone", "-q", "--depth", "1", "--branch", "feature", &url, ".",
    ]);
    let run = clone.run(&["check", "--changed", "origin/main"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`git fetch origin main`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

/// In a checkout another user owns (CI containers), git refuses to open
/// the repository; `--changed` said "not inside a git repository" and
/// `show` "not in a git repository". Needs root, to give the repository
/// away; elsewhere it is skipped (the mapping is `repo::git::Git::look`).
#[cfg(target_os = "linux")]
#[test]
fn a_repository_owned_by_another_user_names_safe_directory() {
    use std::os::unix::fs::MetadataExt;
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/a.md", lesson("LL-2020-001"));
    kb.commit_all("base");
    if std::fs::metadata(kb.path().join("lessons/a.md"))
        .unwrap()
        .uid()
        != 0
    {
        eprintln!("skipped: only root can give the repository to another user");
        return;
    }
    for entry in walkdir::WalkDir::new(kb.path()) {
        std::os::unix::fs::lchown(entry.unwrap().path(), Some(54321), Some(54321)).unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| -> crate::common::Run {
        kb.command(args)
            // No safe.directory from this machine's configuration.
            .env("HOME", home.path())
            .output()
            .unwrap()
            .into()
    };
    let fix = "git config --global --add safe.directory";
    let changed = run(&["check", "--changed", "main"]);
    assert_eq!(changed.code, 2, "{}", changed.stderr);
    assert!(!changed.stderr.contains("not inside"), "{}", changed.stderr);
    assert!(
        changed.stderr.contains("owned by another user") && changed.stderr.contains(fix),
        "{}",
        changed.stderr
    );
    let show = run(&["show", "LL-2020-001"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        !show.stdout.contains("not in a git repository"),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains(fix), "{}", show.stdout);
    assert!(show.stderr.contains(fix), "{}", show.stderr);
    // From a subfolder, the root is still the top of the work tree.
    let check = kb
        .command(&["check", "--format", "json"])
        .current_dir(kb.path().join("lessons"))
        .env("HOME", home.path())
        .output()
        .unwrap();
    let check: crate::common::Run = check.into();
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(check.json()["files_checked"], 1);
}

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

//! Which knowledge base `new` and `init` write to when run from another
//! folder of the repository: named, and never a second one by accident.

use crate::common::{Kb, Run};

/// A repository whose knowledge base is `docs/incidents`, committed.
fn subfolder_knowledge_base() -> Kb {
    let kb = Kb::new();
    kb.git_init();
    std::fs::create_dir_all(kb.path().join("docs/incidents")).unwrap();
    let run = kb.run(&["--repo", "docs/incidents", "init", "--no-workflow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::create_dir_all(kb.path().join("src")).unwrap();
    kb.write("src/main.rs", "fn main() {}\n");
    kb.commit_all("knowledge base in docs/incidents");
    kb
}

fn run_in(kb: &Kb, dir: &str, args: &[&str]) -> Run {
    kb.command(args)
        .current_dir(kb.path().join(dir))
        .env("LESSONS_TODAY", "2026-05-05")
        .output()
        .unwrap()
        .into()
}

#[test]
fn new_outside_a_subfolder_knowledge_base_refuses_and_names_it() {
    let kb = subfolder_knowledge_base();
    let run = run_in(&kb, "src", &["new", "Cache stampede"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("--repo ../docs/incidents"),
        "{}",
        run.stderr
    );
    assert!(
        !kb.path().join("lessons").exists(),
        "no second knowledge base"
    );

    // --repo says where: written there, and the root is named.
    let run = run_in(
        &kb,
        "src",
        &["--repo", "../docs/incidents", "new", "Cache stampede"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("in the knowledge base at") && run.stderr.contains("docs/incidents"),
        "{}",
        run.stderr
    );
    assert!(
        kb.path()
            .join("docs/incidents/lessons/2026/cache-stampede.md")
            .is_file()
    );
    // From inside the knowledge base, as before.
    let run = run_in(&kb, "docs/incidents/lessons", &["new", "Second"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (code, doc) = {
        let run = run_in(&kb, "docs/incidents", &["check", "--format", "json"]);
        (run.code, run.json())
    };
    assert_eq!((code, &doc["files_checked"]), (0, &2.into()), "{doc:#}");
}

#[test]
fn a_fresh_repository_still_gets_its_first_lesson() {
    let kb = Kb::new();
    kb.git_init();
    std::fs::create_dir_all(kb.path().join("src")).unwrap();
    let run = run_in(&kb, "src", &["new", "First one"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("in the knowledge base at"),
        "the root chosen is named: {}",
        run.stderr
    );
    assert!(kb.path().join("lessons/2026/first-one.md").is_file());
}

#[test]
fn init_in_a_subfolder_says_where_it_sets_up() {
    let kb = subfolder_knowledge_base();
    let run = run_in(&kb, "src", &["init", "--no-workflow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("setting up the knowledge base at")
            && first.contains("the top of the git repository")
            && first.contains("lessons --repo . init"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("already has a knowledge base at")
            && run.stdout.contains("docs/incidents"),
        "{}",
        run.stdout
    );
}

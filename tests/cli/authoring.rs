//! Authoring and CI adoption: `init`, `new`, pull-request feedback
//! (`similar --changed`), completions, the man page, the pre-commit hook,
//! and git metadata in a shallow clone. Real binary, real git repositories.

use crate::common::{Kb, Run};
use yaml_rust2::{Yaml, YamlLoader};

/// `lessons ARGS` with "today" fixed.
fn run_on(kb: &Kb, today: &str, args: &[&str]) -> Run {
    kb.command(args)
        .env("LESSONS_TODAY", today)
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .output()
        .expect("lessons runs")
        .into()
}

/// `lessons new ARGS` on `today`: the path it printed.
fn new(kb: &Kb, today: &str, args: &[&str]) -> String {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let run = run_on(kb, today, &all);
    assert_eq!(run.code, 0, "new failed: {}{}", run.stdout, run.stderr);
    run.stdout.trim().to_string()
}

fn id_of(kb: &Kb, rel: &str) -> String {
    let text = std::fs::read_to_string(kb.path().join(rel)).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("id = \""))
        .map(|rest| rest.trim_end_matches('"').to_string())
        .expect("an id line")
}

fn lesson(id: &str, extra: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"T {id}\"\nstatus = \"draft\"\nkind = \"outage\"\nseverity = \"low\"\noccurred = 2026-01-02\nsystems = [\"s\"]\n{extra}+++\n\n## Summary\n\nx\n\n## Timeline\n\n- 2026-01-02 x\n\n## Analysis\n\nx\n"
    )
}

#[test]
fn init_then_new_then_check_passes_in_a_fresh_repository() {
    let kb = Kb::new();
    kb.git_init();
    let init = kb.run(&["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    for file in [
        "lessons.toml",
        "lessons/README.md",
        ".github/workflows/lessons.yml",
    ] {
        assert!(
            init.stdout.contains(&format!("created {file}")),
            "{}",
            init.stdout
        );
        assert!(kb.path().join(file).is_file(), "{file} written");
    }
    let path = new(
        &kb,
        "2026-03-04",
        &[
            "Payment DB failover stalled for 47 minutes",
            "--system",
            "payments-db",
        ],
    );
    assert_eq!(
        path,
        "lessons/2026/payment-db-failover-stalled-for-47-minutes.md"
    );
    assert_eq!(id_of(&kb, &path), "LL-2026-001");
    // Without --system and with every flag's default, it still passes.
    let second = new(&kb, "2026-03-04", &["Phishing: a contractor's mailbox"]);
    assert_eq!(second, "lessons/2026/phishing-a-contractor-s-mailbox.md");
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(
        (code, &doc["errors"], &doc["warnings"]),
        (0, &0.into(), &0.into()),
        "{doc:#}"
    );
    assert_eq!(doc["files_checked"], 2);
    let text = std::fs::read_to_string(kb.path().join(&path)).unwrap();
    for needle in [
        "status = \"draft\"",
        "occurred = 2026-03-04",
        "systems = [\"payments-db\"]",
        "## Summary",
        "## Timeline",
        "## Analysis",
        "# [[causes]]",
        "# [[actions]]",
        "Root causes beyond the surface error",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
}

#[test]
fn init_twice_changes_nothing() {
    let kb = Kb::new();
    kb.git_init();
    assert_eq!(kb.run(&["init"]).code, 0);
    // The team edits its configuration; a second init must keep it.
    let config = kb.path().join("lessons.toml");
    let edited = format!(
        "{}\n# our own note\n",
        std::fs::read_to_string(&config).unwrap()
    );
    std::fs::write(&config, &edited).unwrap();
    let before = snapshot_files(&kb);
    let again = kb.run(&["init"]);
    assert_eq!(again.code, 0);
    assert_eq!(again.stdout.matches("kept").count(), 3, "{}", again.stdout);
    assert!(!again.stdout.contains("created"), "{}", again.stdout);
    assert_eq!(snapshot_files(&kb), before);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), edited);
}

fn snapshot_files(kb: &Kb) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(kb.path())
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(kb.path())
                    .unwrap()
                    .display()
                    .to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_generated_lessons_toml_is_the_default_configuration() {
    let kb = Kb::new();
    kb.git_init();
    kb.run(&["init"]);
    let text = std::fs::read_to_string(kb.path().join("lessons.toml")).unwrap();
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() > 10,
        "commented"
    );
    // A lesson outside the defaults fails under it exactly as without it.
    kb.write(
        "lessons/2026/x.md",
        lesson("LL-2026-001", "").replace("outage", "outrage"),
    );
    let (_, with) = kb.check_json(&[]);
    std::fs::remove_file(kb.path().join("lessons.toml")).unwrap();
    let (_, without) = kb.check_json(&[]);
    assert_eq!(
        crate::common::findings(&with),
        crate::common::findings(&without)
    );
    assert_eq!(with["errors"], 1);
}

#[test]
fn ids_skip_committed_uncommitted_and_unparsable_lessons() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/2026/a.md", lesson("LL-2026-001", ""));
    kb.write("lessons/2026/gone.md", lesson("LL-2026-004", ""));
    kb.commit_all("two lessons");
    // Deleted from the work tree but still committed: its id is taken.
    kb.remove("lessons/2026/gone.md");
    // Untracked, and staged.
    kb.write("lessons/2026/b.md", lesson("LL-2026-002", ""));
    kb.write("lessons/2026/c.md", lesson("LL-2026-003", ""));
    kb.git(&["add", "lessons/2026/c.md"]);
    // A front matter that does not parse still holds its id.
    kb.write(
        "lessons/2026/broken.md",
        "+++\nid = \"LL-2026-005\"\ntitle = \"unclosed\n+++\n",
    );
    let path = new(&kb, "2026-06-01", &["Next one"]);
    assert_eq!(id_of(&kb, &path), "LL-2026-006");
    // And the one after that sees it.
    let path = new(&kb, "2026-06-01", &["Next one"]);
    assert_eq!(path, "lessons/2026/next-one-2.md", "never overwrites");
    assert_eq!(id_of(&kb, &path), "LL-2026-007");
}

#[test]
fn ids_start_again_across_a_year_boundary() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/2026/late.md", lesson("LL-2026-120", ""));
    kb.commit_all("a lesson");
    let dec = new(&kb, "2026-12-31", &["Last of the year"]);
    assert_eq!(
        (dec.as_str(), id_of(&kb, &dec)),
        ("lessons/2026/last-of-the-year.md", "LL-2026-121".into())
    );
    let jan = new(&kb, "2027-01-01", &["First of the year"]);
    assert_eq!(
        (jan.as_str(), id_of(&kb, &jan)),
        ("lessons/2027/first-of-the-year.md", "LL-2027-001".into())
    );
    let text = std::fs::read_to_string(kb.path().join(&jan)).unwrap();
    assert!(text.contains("occurred = 2027-01-01"), "{text}");
    // --occurred sets the incident's date, not the id's year.
    let back = new(
        &kb,
        "2027-01-02",
        &["Found late", "--occurred", "2026-12-30"],
    );
    assert_eq!(id_of(&kb, &back), "LL-2027-002");
    assert!(
        std::fs::read_to_string(kb.path().join(&back))
            .unwrap()
            .contains("occurred = 2026-12-30")
    );
    assert_eq!(kb.check_json(&[]).0, 0);
}

#[test]
fn ids_follow_the_team_prefix_and_the_pattern() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons.toml", "id_pattern = \"^SEC-[0-9]{4}-[0-9]{4}$\"\n");
    kb.write("lessons/2026/a.md", lesson("SEC-2026-0041", ""));
    let path = new(&kb, "2026-02-02", &["Badge cloning at the side door"]);
    assert_eq!(id_of(&kb, &path), "SEC-2026-0042");
    assert_eq!(kb.check_json(&[]).0, 0);
}

#[test]
fn new_refuses_bad_values_and_writes_nothing() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/2026/a.md", lesson("LL-2026-001", ""));
    let cases: [(&[&str], &str); 5] = [
        (&["new", "T", "--kind", "outge"], "did you mean `outage`"),
        (
            &["new", "T", "--severity", "urgent"],
            "allowed: critical, high, medium, low",
        ),
        (&["new", "T", "--id", "nope"], "does not match id_pattern"),
        (&["new", "T", "--id", "LL-2026-001"], "already used"),
        (&["new", "  "], "one line of 1 to 200 characters"),
    ];
    for (args, message) in cases {
        let run = run_on(&kb, "2026-05-05", args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    assert_eq!(snapshot_files(&kb).len(), 1, "nothing written");
    let run = run_on(&kb, "2026-05-05", &["new", "T", "--edit"]);
    assert_eq!(run.code, 2, "no editor: {}", run.stderr);
    assert!(run.stderr.contains("$VISUAL or $EDITOR"), "{}", run.stderr);
    let run = run_on(&kb, "2026-05-05", &["new", "T", "--system", " "]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(snapshot_files(&kb).len(), 1, "still nothing written");
}

#[test]
fn new_names_files_in_ascii_and_sees_every_id() {
    let kb = Kb::new();
    kb.git_init();
    // A quoted key is still the id.
    kb.write(
        "lessons/2026/q.md",
        lesson("LL-2026-001", "").replacen("id =", "\"id\" =", 1),
    );
    // Staged, then deleted from the work tree: still taken.
    kb.write("lessons/2026/s.md", lesson("LL-2026-002", ""));
    kb.git(&["add", "lessons/2026/s.md"]);
    kb.remove("lessons/2026/s.md");
    let path = new(&kb, "2026-07-07", &["Größe überschritten: Ärger"]);
    assert_eq!(path, "lessons/2026/grosse-uberschritten-arger.md");
    assert_eq!(id_of(&kb, &path), "LL-2026-003");
    assert_eq!(kb.check_json(&[]).0, 0);
}

#[test]
fn the_prompts_are_neither_words_nor_search_text() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons.toml", "max_words = 12\n");
    let path = new(&kb, "2026-07-07", &["Short one", "--system", "api"]);
    let (code, doc) = kb.check_json(&[]);
    assert_eq!((code, &doc["warnings"]), (0, &0.into()), "{doc:#}");
    assert!(
        kb.search_ids("culprits", &[]).is_empty(),
        "prompts are not indexed"
    );
    assert!(kb.search_ids("short", &[]).contains(&id_of(&kb, &path)));
}

#[test]
fn new_edit_opens_the_editor_then_checks() {
    let kb = Kb::new();
    kb.git_init();
    // An "editor" that breaks the severity.
    let run: Run = kb
        .command(&["new", "Edited", "--edit"])
        .env("LESSONS_TODAY", "2026-05-05")
        .env("EDITOR", "sed -i 's/^severity = .*/severity = \"urgent\"/'")
        .env_remove("VISUAL")
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("invalid-value"), "{}", run.stderr);
}

fn yaml(text: &str) -> Yaml {
    YamlLoader::load_from_str(text)
        .unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"))
        .remove(0)
}

fn steps(doc: &Yaml) -> Vec<Yaml> {
    doc["jobs"]["lessons"]["steps"]
        .as_vec()
        .expect("steps")
        .clone()
}

fn run_of(step: &Yaml) -> String {
    step["run"].as_str().unwrap_or("").to_string()
}

#[test]
fn the_workflow_is_valid_yaml_with_the_expected_steps() {
    let kb = Kb::new();
    kb.git_init();
    let init = kb.run(&["init"]);
    let doc =
        yaml(&std::fs::read_to_string(kb.path().join(".github/workflows/lessons.yml")).unwrap());
    assert!(
        !doc["on"]["pull_request"].is_badvalue(),
        "runs on pull requests"
    );
    assert_eq!(doc["permissions"]["pull-requests"].as_str(), Some("write"));
    let steps = steps(&doc);
    let checkout = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        })
        .expect("a checkout step");
    assert_eq!(
        checkout["with"]["fetch-depth"].as_i64(),
        Some(0),
        "full history"
    );
    let runs: Vec<String> = steps.iter().map(run_of).collect();
    let position = |needle: &str| {
        runs.iter()
            .position(|r| r.contains(needle))
            .unwrap_or_else(|| panic!("a step runs {needle}: {runs:#?}"))
    };
    // Installed by the lessons action, at this version: nothing compiles.
    let install = steps
        .iter()
        .position(|s| s["uses"].as_str().is_some_and(|u| u.contains("/lessons@v")))
        .unwrap_or_else(|| panic!("a step uses the lessons action: {steps:#?}"));
    assert_eq!(steps[install]["with"]["command"].as_str(), Some("install"));
    assert!(
        runs.iter().all(|r| !r.contains("cargo install")),
        "{runs:#?}"
    );
    let check = position("lessons check --changed \"$BASE\" --format github");
    let feedback = position("lessons similar --changed \"$BASE\" --format markdown");
    let comment = position("gh pr comment");
    assert!(install < check && check < feedback && feedback < comment);
    assert!(runs[feedback].contains("GITHUB_STEP_SUMMARY"));
    assert!(
        runs[comment].contains("<!-- lessons-feedback -->") && runs[comment].contains("PATCH"),
        "edits its own comment: {}",
        runs[comment]
    );
    let when = steps[comment]["if"].as_str().unwrap();
    assert!(
        when.contains("steps.feedback.outputs.lessons != '0'"),
        "{when}"
    );
    let env = &doc["jobs"]["lessons"]["env"];
    assert_eq!(env["BASE"].as_str(), Some("origin/${{ github.base_ref }}"));
    assert!(
        init.stdout
            .contains("installs lessons with the GitHub Action")
            || init.stdout.contains("does not know where it is published"),
        "{}",
        init.stdout
    );
    // At the top of the repository there is no working-directory.
    assert!(doc["jobs"]["lessons"]["defaults"].is_badvalue());
}

#[test]
fn init_inside_a_knowledge_base_uses_it_and_survives_a_broken_config() {
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons.toml", "roots = [\n");
    std::fs::create_dir_all(kb.path().join("lessons/2026")).unwrap();
    let run: Run = kb
        .command(&["init"])
        .current_dir(kb.path().join("lessons/2026"))
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("kept") && run.stdout.contains("lessons.toml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warning: the existing lessons.toml has 1 problem"),
        "{}",
        run.stdout
    );
    assert!(kb.path().join("lessons/README.md").is_file());
    assert!(
        !kb.path().join("lessons/2026/lessons.toml").exists(),
        "no nested knowledge base"
    );
    assert!(kb.path().join(".github/workflows/lessons.yml").is_file());
}

#[test]
fn a_subfolder_knowledge_base_gets_the_workflow_at_the_repository_top() {
    let kb = Kb::new();
    kb.git_init();
    std::fs::create_dir_all(kb.path().join("docs/incidents")).unwrap();
    let run = kb.run(&["--repo", "docs/incidents", "init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(kb.path().join("docs/incidents/lessons.toml").is_file());
    assert!(kb.path().join("docs/incidents/lessons/README.md").is_file());
    let doc =
        yaml(&std::fs::read_to_string(kb.path().join(".github/workflows/lessons.yml")).unwrap());
    assert_eq!(
        doc["jobs"]["lessons"]["defaults"]["run"]["working-directory"].as_str(),
        Some("docs/incidents")
    );
}

#[test]
fn init_outside_git_says_how_to_fix_it() {
    let kb = Kb::new();
    let run = kb.run(&["init", "--no-workflow"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("git init"), "{}", run.stdout);
    assert!(!kb.path().join(".github").exists());
}

/// The example knowledge base on `main`, and a branch adding a lesson whose
/// cause recurs: the feedback a reviewer gets.
fn pull_request_with_a_recurring_cause() -> Kb {
    let kb = Kb::example();
    kb.git(&["checkout", "-q", "-b", "cert-again"]);
    let path = new(
        &kb,
        "2026-11-27",
        &[
            "Expired certificate broke the partner API",
            "--system",
            "api-gateway",
            "--severity",
            "high",
        ],
    );
    let file = kb.path().join(&path);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replacen(
            "# [[causes]]\n# category = \"process-gap\"",
            "[[causes]]\ncategory = \"process-gap\"",
            1,
        )
        .replacen(
            "# key = \"a-short-stable-slug\"\n# summary = \"One sentence: the condition that allowed it\"",
            "key = \"expired-certificate\"\nsummary = \"The partner certificate had no renewal owner\"",
            1,
        );
    std::fs::write(&file, text).unwrap();
    kb.commit_all("a lesson about an expired certificate");
    kb
}

#[test]
fn pull_request_feedback_names_the_recurring_cause_and_the_failed_actions() {
    let kb = pull_request_with_a_recurring_cause();
    let markdown = kb.run(&["similar", "--changed", "main", "--format", "markdown"]);
    assert_eq!(markdown.code, 0, "{}", markdown.stderr);
    insta::assert_snapshot!("pull_request_feedback", markdown.stdout);

    let doc = kb.json_ok(&["similar", "--changed", "main"]);
    let lesson = &doc["lessons"][0];
    assert_eq!(lesson["id"], "LL-2026-005");
    assert_eq!(lesson["errors"], 0);
    let recurring = &lesson["recurring"][0];
    assert_eq!(recurring["cause"], "expired-certificate");
    assert_eq!(
        (&recurring["ordinal"], &recurring["total"]),
        (&4.into(), &4.into())
    );
    let failed: Vec<&str> = recurring["ineffective_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["lesson"].as_str().unwrap())
        .collect();
    assert!(failed.contains(&"LL-2022-003"), "{failed:?}");
    assert_eq!(
        lesson["similar"][0]["shared_causes"][0],
        "expired-certificate"
    );

    // A step output tells the workflow whether to comment.
    let output = kb.path().join("github-output");
    let run: Run = kb
        .command(&["similar", "--changed", "main", "--format", "markdown"])
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "lessons=1\n");

    // The same, for a lesson named directly.
    let one = kb.run(&["similar", "LL-2026-005", "--format", "markdown"]);
    assert!(
        one.stdout
            .contains("4th lesson with cause `expired-certificate`"),
        "{}",
        one.stdout
    );
}

#[test]
fn pull_request_feedback_reports_a_broken_lesson_and_an_empty_change() {
    let kb = Kb::example();
    let nothing = kb.run(&["similar", "--changed", "main", "--format", "markdown"]);
    assert_eq!(nothing.code, 0);
    assert!(
        nothing
            .stdout
            .contains("No lesson files are added or changed since `main`."),
        "{}",
        nothing.stdout
    );
    kb.write(
        "lessons/2026/bad.md",
        lesson("LL-2026-099", "").replace("low", "urgent"),
    );
    let run = kb.run(&["similar", "--changed", "main", "--format", "markdown"]);
    assert_eq!(run.code, 0, "feedback informs; check is the gate");
    assert!(
        run.stdout.contains("❌ `lessons/2026/bad.md`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("has 1 error"), "{}", run.stdout);
    assert!(run.stdout.contains("`invalid-value`"), "{}", run.stdout);
}

#[test]
fn feedback_ranks_a_lesson_by_time_and_escapes_lesson_text() {
    let kb = Kb::example();
    kb.git(&["checkout", "-q", "-b", "edit-oldest"]);
    // The first lesson with the key, edited: the others came later.
    let oldest = walkdir::WalkDir::new(kb.path().join("lessons"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("id = \"LL-2022-003\"")))
        .expect("LL-2022-003 in the example");
    let text = std::fs::read_to_string(&oldest).unwrap().replacen(
        "title = \"",
        "title = \"@org/team [click](http://evil.example) <b>x</b> | ",
        1,
    );
    std::fs::write(&oldest, text).unwrap();
    let doc = kb.json_ok(&["similar", "--changed", "main"]);
    let recurring = &doc["lessons"][0]["recurring"][0];
    assert_eq!(recurring["cause"], "expired-certificate");
    assert_eq!(
        (&recurring["ordinal"], &recurring["total"]),
        (&1.into(), &3.into())
    );
    assert_eq!(recurring["earlier"].as_array().unwrap().len(), 0);
    let markdown = kb
        .run(&["similar", "--changed", "main", "--format", "markdown"])
        .stdout;
    assert!(
        markdown.contains(
            "**Cause `expired-certificate` comes back in 2 later lessons after this one.**"
        ),
        "{markdown}"
    );
    for raw in [" @org", "[click](", "<b>", " | [click"] {
        assert!(!markdown.contains(raw), "{raw} in {markdown}");
    }
}

#[test]
fn completions_and_man_pages_come_from_the_commands() {
    let kb = Kb::new();
    for (shell, needle) in [
        ("bash", "_lessons()"),
        ("zsh", "#compdef lessons"),
        ("fish", "complete -c lessons"),
    ] {
        let run = kb.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains(needle), "{shell}");
        assert!(
            run.stdout.contains("similar") && run.stdout.contains("--changed"),
            "{shell}"
        );
    }
    assert_eq!(kb.run(&["completions", "tcsh"]).code, 2);
    // A failing write is an error, not a panic.
    let full: Run = kb
        .command(&["completions", "bash"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap()
        .into();
    assert_eq!(full.code, 2, "{}", full.stderr);
    let man = kb.run(&["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH lessons"),
        "{}",
        &man.stdout[..200]
    );
    assert!(man.stdout.contains("report"));
    let out = kb.path().join("man");
    let run = kb.run(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "lessons.1",
        "lessons-check.1",
        "lessons-new.1",
        "lessons-similar.1",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
}

#[test]
fn the_pre_commit_hook_runs_check_on_the_staged_files() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let hooks = yaml(&text);
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("lessons-check"));
    assert_eq!(hook["entry"].as_str(), Some("lessons check"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert!(hook["pass_filenames"].is_badvalue() || hook["pass_filenames"].as_bool() == Some(true));
    // What pre-commit runs: the entry with the staged files, lessons or not.
    let kb = Kb::new();
    kb.git_init();
    kb.write("lessons/2026/good.md", lesson("LL-2026-001", ""));
    kb.write(
        "lessons/2026/bad.md",
        lesson("LL-2026-002", "").replace("low", "urgent"),
    );
    kb.write("CHANGELOG.md", "# not a lesson\n");
    let ok = kb.run(&["check", "lessons/2026/good.md", "CHANGELOG.md"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stderr.contains("skipping CHANGELOG.md"), "{}", ok.stderr);
    let bad = kb.run(&["check", "lessons/2026/good.md", "lessons/2026/bad.md"]);
    assert_eq!(bad.code, 1, "{}", bad.stdout);
}

#[test]
fn show_names_the_fix_when_a_shallow_clone_hides_who_added_a_lesson() {
    let origin = Kb::new();
    origin.git_init();
    origin.write("lessons/2026/a.md", lesson("LL-2026-001", ""));
    origin.commit_all("first");
    origin.write("lessons/2026/b.md", lesson("LL-2026-002", ""));
    origin.commit_all("second");
    let full = origin.json_ok(&["show", "LL-2026-001"]);
    assert_eq!(full["git"]["added_by"], "Ada Author");
    assert_eq!(full["git"]["shallow"], false);

    let clone = Kb::new();
    let url = format!("file://{}", origin.path().display());
    clone.git(&["clone", "-q", "--depth", "1", &url, "."]);
    let shallow = clone.json_ok(&["show", "LL-2026-001"]);
    assert_eq!(shallow["git"]["shallow"], true);
    assert!(shallow["git"]["added_by"].is_null(), "{:#}", shallow["git"]);
    let note = shallow["git"]["note"].as_str().unwrap();
    assert!(
        note.contains("git fetch --unshallow") && note.contains("fetch-depth: 0"),
        "{note}"
    );
    let human = clone.run(&["show", "LL-2026-001", "--color", "never"]);
    assert!(
        human.stdout.contains("git fetch --unshallow"),
        "{}",
        human.stdout
    );

    // A linked worktree of the shallow clone shares its boundary.
    clone.git(&["worktree", "add", "-q", "wt", "HEAD"]);
    let wt: Run = clone
        .command(&["show", "LL-2026-001", "--format", "json"])
        .current_dir(clone.path().join("wt"))
        .output()
        .unwrap()
        .into();
    assert_eq!(wt.code, 0, "{}", wt.stderr);
    assert!(
        wt.json()["git"]["note"]
            .as_str()
            .unwrap()
            .contains("--unshallow"),
        "{}",
        wt.stdout
    );

    // The fix it names works: the next command rebuilds with the history.
    clone.git(&["fetch", "-q", "--unshallow"]);
    let deepened = clone.json_ok(&["show", "LL-2026-001"]);
    assert_eq!(
        deepened["git"]["added_by"], "Ada Author",
        "{:#}",
        deepened["git"]
    );
    assert_eq!(deepened["git"]["shallow"], false);

    // Not committed yet.
    clone.write("lessons/2026/c.md", lesson("LL-2026-003", ""));
    let fresh = clone.json_ok(&["show", "LL-2026-003"]);
    assert_eq!(fresh["git"]["note"], "not committed yet");
}

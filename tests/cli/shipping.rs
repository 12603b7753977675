//! Shipping and the CI integration: the GitHub Action (`action.yml`), the
//! release workflow cargo-dist generated, the repository's CI, and the
//! workflow `lessons init` writes, checked against the GitHub schemas
//! (vendored in tests/fixtures/schemas/); the action's install script run
//! for real with a stand-in `curl` and `cargo`; and the query that picks
//! which pull-request comment the workflow edits.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Kb, Run};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(text: &str) -> Yaml {
    YamlLoader::load_from_str(text)
        .unwrap_or_else(|e| panic!("not YAML ({e}):\n{text}"))
        .remove(0)
}

/// YAML as the JSON the schemas describe (yaml-rust2 reads YAML 1.2, so
/// `on:` stays a key, as GitHub reads it).
fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(s) => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(s.clone()), Value::Number),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        other => panic!("a non-string key: {other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Yaml::Null => Value::Null,
        other => panic!("unexpected YAML: {other:?}"),
    }
}

/// The schema violations of `text` (a YAML file) under a vendored schema.
fn violations(schema: &str, text: &str) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(&repo_file(&format!("tests/fixtures/schemas/{schema}"))).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let doc = to_json(&yaml(text));
    validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn generated_workflow(kb: &Kb) -> String {
    std::fs::read_to_string(kb.path().join(".github/workflows/lessons.yml")).unwrap()
}

#[test]
fn the_action_and_the_workflows_pass_the_github_schemas() {
    let action = violations("github-action.json", &repo_file("action.yml"));
    assert!(action.is_empty(), "action.yml: {action:#?}");
    for workflow in [".github/workflows/release.yml", ".github/workflows/ci.yml"] {
        let found = violations("github-workflow.json", &repo_file(workflow));
        assert!(found.is_empty(), "{workflow}: {found:#?}");
    }
    // The schemas do catch mistakes: an action without `runs`, a step
    // with both `uses` and `run`.
    assert!(!violations("github-action.json", "name: x\ndescription: y\n").is_empty());
    assert!(
        !violations(
            "github-workflow.json",
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n        run: echo\n"
        )
        .is_empty()
    );
}

#[test]
fn the_generated_workflow_passes_the_workflow_schema() {
    let top = Kb::new();
    top.git_init();
    assert_eq!(top.run(&["init"]).code, 0);
    let found = violations("github-workflow.json", &generated_workflow(&top));
    assert!(found.is_empty(), "{found:#?}");

    let sub = Kb::new();
    sub.git_init();
    std::fs::create_dir_all(sub.path().join("docs/incidents")).unwrap();
    let run = sub.run(&[
        "--repo",
        "docs/incidents",
        "init",
        "--action",
        "acme/lessons@main",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = violations("github-workflow.json", &generated_workflow(&sub));
    assert!(found.is_empty(), "{found:#?}");
}

/// The `uses:` of the step that installs lessons.
fn install_uses(workflow: &str) -> String {
    let doc = yaml(workflow);
    let steps = doc["jobs"]["lessons"]["steps"].as_vec().unwrap();
    let uses: Vec<&str> = steps
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .filter(|u| !u.starts_with("actions/"))
        .collect();
    assert_eq!(uses.len(), 1, "one lessons action step: {uses:?}");
    uses[0].to_string()
}

#[test]
fn the_generated_workflow_uses_the_action_pinned_to_this_version() {
    let version = env!("CARGO_PKG_VERSION");
    let published = env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .expect("Cargo.toml's repository is on GitHub");
    let kb = Kb::new();
    kb.git_init();
    let run = kb.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let workflow = generated_workflow(&kb);
    assert_eq!(install_uses(&workflow), format!("{published}@v{version}"));
    assert!(!workflow.contains("cargo install"), "{workflow}");
    // The placeholder repository of an unpublished build is a warning.
    assert!(
        run.stdout
            .contains(&format!("GitHub Action {published}@v{version}"))
            || (published.starts_with("YOUR-ORG/")
                && run.stdout.contains(&format!(
                    "does not know where it is published: edit `uses: {published}@v{version}`"
                ))),
        "{}",
        run.stdout
    );

    // Installed with `cargo install --git`: that repository's action.
    let from_git = Kb::new();
    from_git.git_init();
    let cargo_home = from_git.path().join("cargo-home");
    std::fs::create_dir_all(&cargo_home).unwrap();
    std::fs::write(
        cargo_home.join(".crates2.json"),
        format!(
            r#"{{"installs":{{"lessons {version} (git+https://github.com/acme/lessons.git?tag=v{version}#0123abc)":{{}}}}}}"#
        ),
    )
    .unwrap();
    let run: Run = from_git
        .command(&["init"])
        .env("CARGO_HOME", &cargo_home)
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        install_uses(&generated_workflow(&from_git)),
        format!("acme/lessons@v{version}")
    );

    // Named: another copy of the action, at a ref.
    let named = Kb::new();
    named.git_init();
    let run = named.run(&["init", "--action", "my-org/lessons-fork@main"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        install_uses(&generated_workflow(&named)),
        "my-org/lessons-fork@main"
    );
    // The earlier flags still work: the repository of the URL.
    let old = Kb::new();
    old.git_init();
    let run = old.run(&[
        "init",
        "--install-from",
        "https://git.example.com/tools/lessons",
        "--install-rev",
        "v1.2.0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        install_uses(&generated_workflow(&old)),
        "tools/lessons@v1.2.0"
    );

    // Nothing that could break the YAML or name no repository.
    for bad in ["lessons", "acme/lessons@v1 # x", "acme/less ons"] {
        let kb = Kb::new();
        kb.git_init();
        let run = kb.run(&["init", "--action", bad]);
        assert_eq!(run.code, 2, "{bad}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("OWNER/REPO"), "{}", run.stderr);
        assert!(
            !kb.path().join(".github").exists(),
            "nothing written for {bad}"
        );
    }
}

/// The jq program the comment step gives `gh api --jq`.
fn comment_query(workflow: &str) -> String {
    let doc = yaml(workflow);
    let steps = doc["jobs"]["lessons"]["steps"].as_vec().unwrap();
    let script = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("gh pr comment"))
        .expect("a comment step");
    let after = script.split_once("--jq '").expect("a --jq query").1;
    after
        .split_once('\'')
        .expect("the query's end")
        .0
        .to_string()
}

/// The comment id the workflow would edit, given the pull request's
/// comments (GitHub's JSON): the query, then `tail -n 1`, as in the step.
fn selected(query: &str, comments: &Value) -> Option<String> {
    let mut jq = Command::new("jq")
        .args(["-r", query])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("jq runs (.ci/run installs it)");
    {
        use std::io::Write;
        let mut stdin = jq.stdin.take().unwrap();
        stdin
            .write_all(comments.to_string().as_bytes())
            .expect("jq reads");
    }
    let out = jq.wait_with_output().unwrap();
    assert!(out.status.success(), "jq fails on {query}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .map(str::to_string)
}

fn comment(id: u64, login: &str, body: &str) -> Value {
    serde_json::json!({
        "id": id,
        "user": {"login": login, "type": if login.ends_with("[bot]") { "Bot" } else { "User" }},
        "body": body,
    })
}

#[test]
fn the_comment_edited_is_the_bots_own_never_one_that_copies_its_marker() {
    let kb = Kb::new();
    kb.git_init();
    assert_eq!(kb.run(&["init"]).code, 0);
    let query = comment_query(&generated_workflow(&kb));
    // The query is run by jq, as in the workflow: CI installs it (.ci/run);
    // a machine without it has nothing to run the query with.
    if Command::new("jq").arg("--version").output().is_err() {
        eprintln!("jq is not installed: the comment query is not run here (.ci/run installs it)");
        return;
    }
    let marker = "<!-- lessons-feedback -->";
    let ours = format!("{marker}\n### Lessons learned check\n");
    let bait = format!("{marker}\nPlease merge: [looks fine](https://evil.example)");

    // Someone posts a comment starting with the marker, before and after
    // the bot's: the bot's own comment is still the one edited.
    let comments = serde_json::json!([
        comment(10, "mallory", &bait),
        comment(11, "github-actions[bot]", &ours),
        comment(12, "github-actions[bot]", "another workflow's comment"),
        comment(13, "mallory", &bait),
        comment(14, "renovate[bot]", &ours),
    ]);
    assert_eq!(selected(&query, &comments).as_deref(), Some("11"));

    // Only copies: none is edited, the workflow posts a new comment.
    let comments = serde_json::json!([
        comment(20, "mallory", &bait),
        comment(
            21,
            "github-actions[bot]",
            "the marker later: <!-- lessons-feedback -->"
        ),
    ]);
    assert_eq!(selected(&query, &comments), None);
    assert_eq!(selected(&query, &serde_json::json!([])), None);
}

// ---- the action's install script, run for real -------------------------

/// The run script of the action step with this id.
fn action_script(id: &str) -> String {
    let doc = yaml(&repo_file("action.yml"));
    doc["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("a step {id} with a script"))
        .to_string()
}

#[test]
fn the_action_scripts_are_valid_bash_and_cover_every_release_target() {
    for id in ["install", "run"] {
        let out = Command::new("bash")
            .args(["-n", "-c", &action_script(id)])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Every archive the release builds is one a runner downloads.
    let dist: toml::Table = toml::from_str(&repo_file("dist-workspace.toml")).unwrap();
    let targets = dist["dist"]["targets"].as_array().unwrap();
    let install = action_script("install");
    for target in targets {
        let target = target.as_str().unwrap();
        assert!(
            install.contains(&format!("target={target}")),
            "action.yml does not download {target}"
        );
    }
    // The release workflow is the one this dist version generates.
    let version = dist["dist"]["cargo-dist-version"].as_str().unwrap();
    assert!(
        repo_file(".github/workflows/release.yml")
            .contains(&format!("cargo-dist/releases/download/v{version}/")),
        "release.yml was generated by dist {version}: run `dist generate`"
    );
}

/// A runner's environment for the install script: a stand-in `curl` that
/// serves files from `release/` (and fails like a 404 for the others), and
/// a stand-in `cargo` that records how it was called.
#[cfg(unix)]
struct Runner {
    dir: tempfile::TempDir,
}

#[cfg(unix)]
impl Runner {
    fn new() -> Runner {
        let runner = Runner {
            dir: tempfile::tempdir().unwrap(),
        };
        for sub in ["bin", "release", "temp"] {
            std::fs::create_dir_all(runner.path(sub)).unwrap();
        }
        runner.script(
            "bin/curl",
            "#!/bin/sh\n# ... -o FILE URL\nfor a; do [ \"$prev\" = -o ] && out=$a; prev=$a; url=$a; done\nsrc=\"$(dirname \"$0\")/../release/${url##*/}\"\necho \"$url\" >> \"$(dirname \"$0\")/../curl.log\"\n[ -f \"$src\" ] || exit 22\ncp \"$src\" \"$out\"\n",
        );
        runner.script(
            "bin/cargo",
            "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/../cargo.log\"\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\nprintf '#!/bin/sh\\necho lessons built\\n' > \"$2/bin/lessons\"\nchmod +x \"$2/bin/lessons\"\n",
        );
        runner
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn script(&self, rel: &str, text: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path(rel);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Publishes `lessons-TARGET.tar.xz` as cargo-dist lays it out, with
    /// its `.sha256` (or a wrong one).
    fn publish(&self, target: &str, right_checksum: bool) {
        let name = format!("lessons-{target}");
        let staging = self.path(&format!("staging/{name}"));
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(
            staging.join("lessons"),
            format!("#!/bin/sh\necho lessons {}\n", env!("CARGO_PKG_VERSION")),
        )
        .unwrap();
        let archive = self.path(&format!("release/{name}.tar.xz"));
        let tar = Command::new("tar")
            .arg("-cJf")
            .arg(&archive)
            .arg("-C")
            .arg(self.path("staging"))
            .arg(&name)
            .status()
            .unwrap();
        assert!(tar.success());
        let out = Command::new("sha256sum").arg(&archive).output().unwrap();
        let mut hash = String::from_utf8(out.stdout).unwrap()[..64].to_string();
        if !right_checksum {
            hash = hash.replace(|c: char| c != '0', "0");
        }
        std::fs::write(
            self.path(&format!("release/{name}.tar.xz.sha256")),
            format!("{hash} *{name}.tar.xz\n"),
        )
        .unwrap();
    }

    /// Runs the install step as GitHub would (`bash -e -o pipefail`).
    fn install(&self, version: &str) -> Run {
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            "/usr/local/bin:/usr/bin:/bin"
        );
        Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
            .arg(action_script("install"))
            .env_clear()
            .env("PATH", path)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", self.path("temp"))
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_PATH", self.path("github-path"))
            .env("ACTION_REPO", "acme/lessons")
            .env("INPUT_VERSION", version)
            .output()
            .unwrap()
            .into()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_default()
    }
}

#[cfg(unix)]
#[test]
fn the_action_installs_the_checksummed_release_binary_of_its_version() {
    let version = env!("CARGO_PKG_VERSION");
    let runner = Runner::new();
    runner.publish("x86_64-unknown-linux-musl", true);
    let run = runner.install("");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The action's own version (Cargo.toml beside action.yml), from the
    // repository the action was fetched from.
    assert_eq!(
        runner.read("curl.log").lines().next(),
        Some(
            format!(
                "https://github.com/acme/lessons/releases/download/v{version}/lessons-x86_64-unknown-linux-musl.tar.xz"
            )
            .as_str()
        )
    );
    assert!(
        runner
            .read("output")
            .contains(&format!("version={version}"))
    );
    let bin = PathBuf::from(runner.read("github-path").trim());
    let installed = Command::new(bin.join("lessons")).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&installed.stdout).trim(),
        format!("lessons {version}")
    );
    assert!(!runner.path("cargo.log").exists(), "nothing compiled");
}

#[cfg(unix)]
#[test]
fn the_action_refuses_a_download_whose_checksum_differs() {
    let runner = Runner::new();
    runner.publish("x86_64-unknown-linux-musl", false);
    let run = runner.install("");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::error title=lessons::") && run.stdout.contains("does not match"),
        "{}",
        run.stdout
    );
    assert!(runner.read("github-path").is_empty(), "nothing on the PATH");
    assert!(
        !runner.path("cargo.log").exists(),
        "no fallback on a mismatch"
    );
}

#[cfg(unix)]
#[test]
fn without_a_release_binary_the_action_builds_with_cargo() {
    // This version: from the action's own checkout.
    let runner = Runner::new();
    let run = runner.install("");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("::notice title=lessons::No release binary")
    );
    let cargo = runner.read("cargo.log");
    assert!(
        cargo.starts_with("install --locked --root ")
            && cargo
                .trim_end()
                .ends_with(&format!("--path {}", env!("CARGO_MANIFEST_DIR"))),
        "{cargo}"
    );
    assert!(!runner.read("github-path").is_empty());

    // Another version: from that tag of the action's repository.
    let runner = Runner::new();
    let run = runner.install("v9.8.7");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        runner.read("curl.log").contains("/download/v9.8.7/"),
        "{}",
        runner.read("curl.log")
    );
    let cargo = runner.read("cargo.log");
    assert!(
        cargo.contains("--git https://github.com/acme/lessons --tag v9.8.7 lessons"),
        "{cargo}"
    );
}

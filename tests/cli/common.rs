//! Shared helpers: a knowledge base in a temporary folder (optionally a real
//! git repository) and the real `lessons` binary run against it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Kb {
    pub dir: tempfile::TempDir,
}

/// A fixture's text. `rules/<case>.md` is found in its rule's folder
/// (`rules/missing-key/missing-key-due.md`).
/// The `LESSONS_TODAY` every command of a test runs with unless the test
/// sets its own.
pub const TESTS_TODAY: &str = "2023-11-10";

pub fn fixture(rel: &str) -> String {
    let path = fixture_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn fixture_path(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = root.join(rel);
    if path.exists() {
        return path;
    }
    if let Some(case) = rel.strip_prefix("rules/") {
        for entry in std::fs::read_dir(root.join("rules"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let candidate = entry.path().join(case);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    path
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().expect("exited normally, not by a signal"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Kb {
    pub fn new() -> Self {
        Kb {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    /// Runs git in the knowledge base with a fixed identity and dates.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "Ada Author")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada Author")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
    }

    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lessons"));
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("NO_COLOR")
            .env_remove("LESSONS_CACHE_DIR")
            // A plain folder's index goes to the cache folder: keep it in
            // the test's temporary folder.
            .env("XDG_CACHE_HOME", self.path().join(".cache"))
            // `init` looks at how lessons was installed: not this machine's.
            .env("CARGO_HOME", self.path().join(".no-cargo-home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            // A fixed today, so that date-relative findings do not change
            // with the day the tests run: `review-overdue` would fire on
            // every draft fixture. Within two weeks of the oldest draft
            // fixture (valid/replica-lag.md, 2023-11-02); a test about
            // dates sets its own.
            .env("LESSONS_TODAY", TESTS_TODAY);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("lessons runs").into()
    }

    /// `lessons check --format json ARGS`, with its exit code.
    pub fn check_json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_ne!(run.code, 101, "panicked: {}", run.stderr);
        (run.code, run.json())
    }
}

/// `(rule, line, column)` of every diagnostic in a check JSON document.
pub fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

impl Kb {
    /// A git repository holding a copy of the example knowledge base,
    /// committed.
    pub fn example() -> Kb {
        let kb = Kb::new();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/example");
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&src).unwrap();
                kb.write(rel.to_str().unwrap(), std::fs::read(entry.path()).unwrap());
            }
        }
        kb.git_init();
        kb.commit_all("example knowledge base");
        kb
    }

    /// `lessons ARGS --format json`, which must succeed.
    pub fn json_ok(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--format", "json"]);
        let run = self.run(&all);
        assert_eq!(
            run.code, 0,
            "lessons {all:?} failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run.json()
    }

    /// The ids of `lessons search QUERY ARGS`, best first.
    pub fn search_ids(&self, query: &str, args: &[&str]) -> Vec<String> {
        let mut all = vec!["search", query, "--limit", "50"];
        all.extend_from_slice(args);
        ids(&self.json_ok(&all))
    }
}

/// The ids of the hits of a search or similar JSON document.
pub fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

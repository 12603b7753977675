//! The committed fuzz inputs, replayed on stable: every file of
//! `fuzz/corpus/<target>/` (the seeds) and `fuzz/regressions/<target>/`
//! (every input that ever crashed a target) goes through the function its
//! target calls (`lessons::fuzzing`), so `cargo test` guards them without
//! nightly or cargo-fuzz. fuzz/README.md says how inputs get here.

use std::path::{Path, PathBuf};

/// What a target calls with the fuzzer's bytes.
type Target = fn(&[u8]);

/// Each target of fuzz/Cargo.toml and the function it calls.
const TARGETS: &[(&str, Target)] = &[
    ("lesson", lessons::fuzzing::lesson),
    ("query", lessons::fuzzing::query),
    ("facts", lessons::fuzzing::facts),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted (none when it is absent).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

/// Runs every input of `target`, and names every one that panics.
fn replay(target: &str) -> usize {
    let run = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, run)| *run)
        .expect("a known target");
    let mut files = inputs("corpus", target);
    files.extend(inputs("regressions", target));
    let mut failed = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).expect("a corpus file");
        if std::panic::catch_unwind(|| run(&bytes)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "fuzz inputs that fail the `{target}` target:\n{}",
        failed.join("\n")
    );
    files.len()
}

#[test]
fn lesson_inputs_pass() {
    // The seeds are every lesson of tests/fixtures and docs/example.
    assert!(replay("lesson") >= 60);
}

#[test]
fn query_inputs_pass() {
    assert!(replay("query") >= 20);
}

#[test]
fn facts_inputs_pass() {
    assert!(replay("facts") >= 3);
}

/// Every target of fuzz/Cargo.toml is replayed here, and every folder of
/// inputs belongs to a target: an input filed under a misspelt name would
/// otherwise never run.
#[test]
fn every_target_and_input_folder_is_known() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let manifest: toml::Table = manifest.parse().expect("fuzz/Cargo.toml is TOML");
    let mut declared: Vec<&str> = manifest["bin"]
        .as_array()
        .expect("[[bin]] targets")
        .iter()
        .map(|b| b["name"].as_str().expect("a target name"))
        .collect();
    declared.sort_unstable();
    let mut known: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    known.sort_unstable();
    assert_eq!(declared, known, "fuzz/Cargo.toml's targets and TARGETS");
    // Its own workspace: `cargo test` on stable never builds it.
    assert!(
        manifest.contains_key("workspace"),
        "fuzz/ needs [workspace]"
    );
    for kind in ["corpus", "regressions"] {
        for entry in std::fs::read_dir(fuzz_dir().join(kind)).expect("the folder") {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                known.contains(&name.as_str()),
                "fuzz/{kind}/{name} is not a target"
            );
        }
    }
}

//! The example knowledge base shipped in docs/example passes `check`, as
//! the README promises.

use std::process::Command;

#[test]
fn example_knowledge_base_passes_check() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/example");
    let out = Command::new(env!("CARGO_BIN_EXE_lessons"))
        .args(["--repo", root, "check", "--strict", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert!(doc["files_checked"].as_u64().unwrap() >= 25);
}

//! docs/security.md lists exactly the credential rules of the table, in
//! order, with their descriptions and sources, and exactly the kinds of
//! personal data with what fires and what never does.

use lessons::sensitive::{personal::KINDS, secrets::RULES};

fn doc() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/security.md"),
    )
    .expect("docs/security.md")
}

/// The rows of the tables in the `## heading` section, as cells.
fn rows(doc: &str, heading: &str) -> Vec<Vec<String>> {
    let start = doc
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("a `## {heading}` section"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().replace("\\|", "|"))
                .collect()
        })
        .collect()
}

#[test]
fn the_rule_list_in_docs_is_the_table() {
    let doc = doc();
    let rows: Vec<Vec<String>> = rows(&doc, "Credentials detected")
        .into_iter()
        .map(|r| {
            vec![
                r[0].trim_matches('`').to_string(),
                r[1].clone(),
                r[2].clone(),
            ]
        })
        .collect();
    let table: Vec<Vec<String>> = RULES
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.description.to_string(),
                r.source.to_string(),
            ]
        })
        .collect();
    assert_eq!(
        rows, table,
        "docs/security.md against sensitive::secrets::RULES"
    );
    assert!(doc.contains(&format!("{} rules", RULES.len())));
}

#[test]
fn the_personal_data_kinds_in_docs_are_the_table() {
    let rows = rows(&doc(), "Personal data");
    let table: Vec<Vec<String>> = KINDS
        .iter()
        .map(|k| {
            vec![
                format!("`{}`", k.kind.name()),
                k.fires.to_string(),
                k.never.to_string(),
            ]
        })
        .collect();
    assert_eq!(
        rows, table,
        "docs/security.md#personal-data against sensitive::personal::KINDS"
    );
}

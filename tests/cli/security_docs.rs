//! docs/security.md lists exactly the credential rules of the table, in
//! order, with their descriptions and sources.

use lessons::sensitive::secrets::RULES;

#[test]
fn the_rule_list_in_docs_is_the_table() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/security.md"),
    )
    .expect("docs/security.md");
    let rows: Vec<(String, String, String)> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].trim_matches('`').to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
            )
        })
        .collect();
    let table: Vec<(String, String, String)> = RULES
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.description.to_string(),
                r.source.to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows, table,
        "docs/security.md against sensitive::secrets::RULES"
    );
    assert!(doc.contains(&format!("{} rules", RULES.len())));
}

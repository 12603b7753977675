//! docs/format.md's rule section, checked against the rules so the two
//! cannot drift: its table lists every rule of `Rule::ALL` in order with
//! its level; every rule has a file in src/rules/, a section with its level
//! and a fix, and a fixture folder; and every example in the section is
//! the real output of `lessons check` on its fixture (the fixture is
//! placed at the path the example names).

use std::path::{Path, PathBuf};

use lessons::diagnostic::{Level, Rule};

use crate::common::{Kb, fixture};

/// Rules whose examples cannot come from a fixture file in the
/// repository, and why; their behaviour is tested in bad_input.rs.
const NO_FIXTURE: &[(&str, &str)] = &[
    ("file-too-large", "the example needs a 1 MB file"),
    (
        "unreadable-file",
        "needs file permissions, a broken link or a file name that is not UTF-8 (git and many file systems refuse one in the repository); tested in bad_input.rs and gate.rs",
    ),
    ("symlink-outside", "names a path outside the repository"),
];

/// The day the examples are run on (`LESSONS_TODAY`), so that
/// review-overdue's example says the same number of days on any day.
const EXAMPLES_TODAY: &str = "2024-04-10";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn format_md() -> String {
    std::fs::read_to_string(root().join("docs/format.md")).expect("docs/format.md")
}

/// The text from `## Rules` to the next level-2 heading.
fn rules_section(doc: &str) -> &str {
    let start = doc.find("\n## Rules\n").expect("a `## Rules` section");
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

/// `### name` subsections: (name, text).
fn subsections(section: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in section.split("\n### ").skip(1) {
        let (name, text) = part.split_once('\n').unwrap_or((part, ""));
        out.push((name.trim().to_string(), text.to_string()));
    }
    out
}

/// The ```text blocks of a subsection.
fn text_blocks(text: &str) -> Vec<String> {
    text.split("```text\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap_or("").to_string())
        .collect()
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

#[test]
fn the_table_lists_every_rule_in_order_with_its_level() {
    let doc = format_md();
    let section = rules_section(&doc);
    let rows: Vec<(String, String)> = section
        .lines()
        .filter(|l| l.starts_with("| [`"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells[1].split('`').nth(1).unwrap_or("").to_string();
            (name, cells[2].to_string())
        })
        .collect();
    let expected: Vec<(String, String)> = Rule::ALL
        .iter()
        .map(|r| {
            (
                r.name().to_string(),
                level_word(r.default_level()).to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows, expected,
        "docs/format.md's rule table against Rule::ALL"
    );
}

#[test]
fn every_rule_has_a_file_a_section_and_fixtures() {
    let doc = format_md();
    let sections = subsections(rules_section(&doc));
    let names: Vec<&str> = sections.iter().map(|(n, _)| n.as_str()).collect();
    let all: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(
        names, all,
        "one `### rule` section per rule, in the table's order"
    );
    for (rule, (_, text)) in Rule::ALL.iter().zip(&sections) {
        let name = rule.name();
        let file = root()
            .join("src/rules")
            .join(format!("{}.rs", name.replace('-', "_")));
        let source = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{name}: no rule file {}", file.display()));
        assert!(
            source.starts_with(&format!(
                "//! `{name}` ({})",
                level_word(rule.default_level())
            )),
            "{}: its first line names the rule and its level",
            file.display()
        );
        let opening = match rule.default_level() {
            Level::Error => "**Error.**",
            Level::Warning => "**Warning**",
        };
        assert!(
            text.trim_start().starts_with(opening),
            "{name}: section starts with {opening}"
        );
        assert!(
            text.contains("**Fix:**"),
            "{name}: section says how to fix it"
        );
        let fixtures = root().join("tests/fixtures/rules").join(name);
        let exempt = NO_FIXTURE.iter().any(|(n, _)| *n == name);
        assert!(
            exempt || fixtures.is_dir(),
            "{name}: no fixture folder {}",
            fixtures.display()
        );
        assert!(
            !text_blocks(text).is_empty(),
            "{name}: the section shows an example"
        );
    }
}

/// The path an example's `-->` line names, without line and column.
fn example_path(block: &str) -> Option<String> {
    let line = block.lines().find(|l| l.trim_start().starts_with("--> "))?;
    let target = line.trim_start().trim_start_matches("--> ");
    Some(target.split(':').next()?.to_string())
}

/// A knowledge base with the valid lessons the fixtures were written
/// against, and the fixture at `path`.
fn kb_with_fixture(path: &str, fixture_file: &Path) -> Kb {
    let kb = Kb::new();
    // duplicate-id's fixture repeats this lesson's id.
    kb.write(
        "lessons/2023/replica-lag.md",
        fixture("valid/replica-lag.md"),
    );
    kb.write(path, std::fs::read(fixture_file).expect("fixture"));
    kb
}

#[test]
fn every_example_is_real_output_of_its_fixture() {
    let doc = format_md();
    let mut checked = 0;
    for (name, text) in subsections(rules_section(&doc)) {
        if NO_FIXTURE.iter().any(|(n, _)| *n == name) {
            continue;
        }
        for block in text_blocks(&text) {
            let path = example_path(&block)
                .unwrap_or_else(|| panic!("{name}: an example without a `-->` path:\n{block}"));
            let file_name = Path::new(&path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let fixture_file: PathBuf = root()
                .join("tests/fixtures/rules")
                .join(&name)
                .join(&file_name);
            assert!(
                fixture_file.is_file(),
                "{name}: the example for {path} has no fixture {}",
                fixture_file.display()
            );
            let kb = kb_with_fixture(&path, &fixture_file);
            // review-overdue's example counts days up to today.
            let run: crate::common::Run = kb
                .command(&["check", "--color", "never"])
                .env("LESSONS_TODAY", EXAMPLES_TODAY)
                .output()
                .expect("lessons runs")
                .into();
            // lessons.toml findings stop the run and go to stderr.
            let output = if path == "lessons.toml" {
                run.stderr.trim_end().to_string()
            } else {
                run.stdout
            };
            let found = if path == "lessons.toml" {
                output == block
            } else {
                output.split("\n\n").any(|b| b == block)
            };
            assert!(
                found,
                "{name}: docs/format.md shows\n{block}\n\nbut `lessons check` on {} prints\n{output}",
                fixture_file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} examples checked");
}

/// A fixture is a rule's example: each one is shown, with its full
/// diagnostic, in the rule's section (which the test above holds to the
/// real output), so fixture, snapshot and documentation are one thing.
#[test]
fn every_fixture_is_an_example_in_its_rule_section() {
    let doc = format_md();
    let sections = subsections(rules_section(&doc));
    let dir = root().join("tests/fixtures/rules");
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let rule = entry.file_name().to_string_lossy().to_string();
        let (_, text) = sections
            .iter()
            .find(|(n, _)| *n == rule)
            .unwrap_or_else(|| panic!("fixtures for `{rule}`, which is not a rule"));
        let shown: Vec<String> = text_blocks(text)
            .iter()
            .filter_map(|b| example_path(b))
            .map(|p| {
                Path::new(&p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string()
            })
            .collect();
        for fixture in std::fs::read_dir(entry.path()).unwrap().flatten() {
            let name = fixture.file_name().to_string_lossy().to_string();
            assert!(
                shown.contains(&name),
                "tests/fixtures/rules/{rule}/{name} is not shown in docs/format.md#{rule}"
            );
        }
    }
}

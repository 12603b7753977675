//! What `init` and `new` write: a commented `lessons.toml` with every
//! default spelled out, a README for the lesson folder, the pull-request
//! workflow, and new lessons (the next free id, a file name from the title,
//! the required sections with one-line prompts from the practice).
//!
//! Everything here returns text; the commands decide where it goes and
//! never overwrite a file.

mod ids;
mod init;
mod lesson;

use std::fmt::Write as _;
use std::path::Path;

pub use ids::{next_id, used_ids};
pub use init::{ActionRef, installed_from, lessons_readme, lessons_toml, repo_of_url, workflow};
pub use lesson::{NewLesson, lesson_text, slug};

/// Creates `path` with `text`, unless something is already there (then
/// `Ok(false)`): the commands that write never overwrite.
pub fn create_new(path: &Path, text: &str) -> Result<bool, crate::Error> {
    use std::io::Write as _;
    let io = |source| crate::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => file.write_all(text.as_bytes()).map(|()| true).map_err(io),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io(e)),
    }
}

/// A TOML string literal (basic string, escaped).
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A list written one item per line when it would not fit on one.
pub(super) fn long_list(items: &[String]) -> String {
    let one_line = list(items);
    if one_line.len() <= 60 {
        return one_line;
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "    {},", quote(item));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::ids::id_in;
    use super::init::{InstallSource, parse_install_key};
    use super::*;
    use crate::config::Config;
    use std::collections::BTreeSet;

    #[test]
    fn the_written_config_is_the_default() {
        let parsed = Config::parse(&lessons_toml()).expect("lessons.toml parses");
        let d = Config::default();
        assert_eq!(parsed.roots, d.roots);
        assert_eq!(parsed.id_pattern.as_str(), d.id_pattern.as_str());
        assert_eq!(parsed.required_sections, d.required_sections);
        assert_eq!(parsed.max_words, d.max_words);
        assert_eq!(parsed.max_file_size, d.max_file_size);
        assert_eq!(parsed.vocabulary, d.vocabulary);
    }

    #[test]
    fn install_sources() {
        assert_eq!(
            parse_install_key("lessons 0.1.0 (git+https://host/org/lessons?tag=v1#abc123)"),
            Some(InstallSource {
                git: "https://host/org/lessons".into(),
                rev: Some("abc123".into())
            })
        );
        assert_eq!(
            parse_install_key("lessons 0.1.0 (path+file:///src/lessons)"),
            None
        );
        assert_eq!(
            parse_install_key(
                "lessons 0.1.0 (registry+https://github.com/rust-lang/crates.io-index)"
            ),
            None
        );
    }

    #[test]
    fn action_refs() {
        let this = ActionRef::this_version();
        assert_eq!(this, format!("v{}", env!("CARGO_PKG_VERSION")));
        assert_eq!(
            ActionRef::parse("acme/lessons"),
            Ok(ActionRef {
                repo: "acme/lessons".into(),
                tag: this.clone()
            })
        );
        assert_eq!(ActionRef::parse("acme/lessons@main").unwrap().tag, "main");
        for bad in [
            "lessons",
            "acme/",
            "/lessons",
            "a/b/c",
            "acme/lessons@",
            "acme/les sons",
            "acme/lessons@v1 # x",
            "acme/lessons@\"v1\"",
        ] {
            assert!(ActionRef::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            repo_of_url("https://github.com/acme/lessons.git").as_deref(),
            Some("acme/lessons")
        );
        assert_eq!(
            repo_of_url("ssh://git@ghe.example.com/tools/lessons/").as_deref(),
            Some("tools/lessons")
        );
        assert_eq!(repo_of_url("https://github.com/acme"), None);
        assert_eq!(repo_of_url("acme/lessons"), None);
        // Cargo.toml's repository names the published action.
        assert_eq!(ActionRef::published().tag, this);
        assert!(
            env!("CARGO_PKG_REPOSITORY").ends_with(&format!("/{}", ActionRef::published().repo))
        );
    }

    #[test]
    fn ids_are_read_from_the_top_of_the_front_matter() {
        assert_eq!(
            id_in("+++\ntitle = \"x\"\nid = \"LL-2024-007\"\n"),
            Some("LL-2024-007".into())
        );
        assert_eq!(id_in("+++\nid='A-1'\n"), Some("A-1".into()));
        assert_eq!(id_in("+++\n[[causes]]\nid = \"X\"\n"), None);
        assert_eq!(id_in("+++\nidea = 1\nid = \"Y\"\n"), Some("Y".into()));
        assert_eq!(id_in("+++\n\"id\" = \"Q\"\n"), Some("Q".into()));
        assert_eq!(id_in("+++\n'id'=\"R\" # c\n"), Some("R".into()));
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn next_ids() {
        let c = Config::default();
        assert_eq!(next_id(&c, &set(&[]), 2026).unwrap(), "LL-2026-001");
        assert_eq!(
            next_id(
                &c,
                &set(&["LL-2026-001", "LL-2026-007", "LL-2025-042"]),
                2026
            )
            .unwrap(),
            "LL-2026-008"
        );
        // A new year starts again at 1.
        assert_eq!(
            next_id(&c, &set(&["LL-2026-120"]), 2027).unwrap(),
            "LL-2027-001"
        );
        // The team's own prefix and width.
        assert_eq!(
            next_id(
                &c,
                &set(&["SEC-2026-0041", "SEC-2026-0002", "LL-2020-001"]),
                2026
            )
            .unwrap(),
            "SEC-2026-0042"
        );
        // A pattern with a fixed width.
        let mut strict = Config {
            id_pattern: regex::Regex::new("^INC-[0-9]{4}-[0-9]{5}$").unwrap(),
            ..Config::default()
        };
        assert_eq!(
            next_id(&strict, &set(&["INC-2026-00009"]), 2026).unwrap(),
            "INC-2026-00010"
        );
        // The first lesson of a knowledge base with its own prefix.
        assert_eq!(next_id(&strict, &set(&[]), 2026).unwrap(), "INC-2026-00001");
        strict.id_pattern = regex::Regex::new("^[0-9]+$").unwrap();
        assert!(next_id(&strict, &set(&[]), 2026).is_err());
        // The most used width, not the widest.
        assert_eq!(
            next_id(
                &c,
                &set(&["LL-2026-001", "LL-2026-002", "LL-2026-003", "LL-2019-0007"]),
                2026
            )
            .unwrap(),
            "LL-2026-004"
        );
        // Numbers at the end of the range do not overflow.
        let huge = set(&[
            "LL-2026-18446744073709551615",
            "LL-2026-99999999999999999999999",
        ]);
        assert_eq!(next_id(&c, &huge, 2026).unwrap(), "LL-2026-001");
    }

    #[test]
    fn a_new_lesson_parses() {
        let c = Config::default();
        let text = lesson_text(
            &c,
            &NewLesson {
                id: "LL-2026-001".into(),
                title: "A \"quoted\" title".into(),
                kind: "outage".into(),
                severity: "medium".into(),
                occurred: jiff::civil::date(2026, 11, 27),
                systems: vec![],
                teams: vec!["sre".into()],
            },
        );
        let parsed = crate::parse::parse_text("lessons/2026/x.md", &text);
        let lesson = parsed.lesson.expect("parses");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert_eq!(
            lesson.title.as_ref().map(|t| t.value.as_str()),
            Some("A \"quoted\" title")
        );
    }
}

//! The layer check: every `crate::` path in `src/` names a module of the
//! same layer or a lower one, as docs/architecture.md's layer table says;
//! only `emit` and `cli` print; only `repo` touches git2. The table is read
//! from the document, so the map and the check cannot drift apart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A module's layer, from docs/architecture.md.
fn layers() -> BTreeMap<String, u32> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .expect("docs/architecture.md");
    let section = doc
        .split("## Layers")
        .nth(1)
        .expect("a `## Layers` section");
    let mut layers = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(level) = cells
            .get(1)
            .and_then(|c| c.split_whitespace().next())
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        for module in cells[2].split('`').skip(1).step_by(2) {
            layers.insert(module.to_string(), level);
        }
    }
    assert!(
        layers.len() >= 10,
        "the layer table lists too few modules: {layers:?}"
    );
    layers
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a source file without comments (doc comments name higher
/// layers in prose, which is fine).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string ("https://...") is rare in paths; a
            // comment cut too early only hides text, never invents a path.
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a file's code names: `crate::x::...` and
/// `use crate::{x, y::z}`.
fn named_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Only the first segment of each item of the group.
            let mut depth = 0;
            let mut item_start = true;
            let mut word = String::new();
            for c in group[..end].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if c.is_alphanumeric() || c == '_' => {
                        if item_start {
                            word.push(c);
                        }
                    }
                    _ => {
                        if !word.is_empty() {
                            out.push(std::mem::take(&mut word));
                            item_start = false;
                        }
                    }
                }
            }
            if !word.is_empty() {
                out.push(word);
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(word);
        }
    }
    out
}

/// The module a file under `src/` belongs to (`src/index/build.rs` ->
/// `index`); `None` for the crate root and the binary.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every breach of the house rules in the files given as (path, text).
fn breaches(layers: &BTreeMap<String, u32>, files: &[(String, String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, module, text) in files {
        let code = code(text);
        let Some(&own) = layers.get(module) else {
            found.push(format!(
                "{path}: module `{module}` is not in the layer table"
            ));
            continue;
        };
        for named in named_modules(&code) {
            // Items of the crate root (`crate::Error`) belong to no layer.
            let Some(&level) = layers.get(&named) else {
                continue;
            };
            if level > own {
                found.push(format!(
                    "{path}: `{module}` (layer {own}) names `{named}` (layer {level})"
                ));
            }
        }
        let prints = ["println!", "eprintln!", "print!(", "eprint!(", "dbg!("]
            .iter()
            .any(|m| code.contains(m));
        if prints && module != "emit" && module != "cli" {
            found.push(format!("{path}: prints, but only `emit` and `cli` print"));
        }
        if code.contains("git2::") && module != "repo" {
            found.push(format!("{path}: uses git2, but only `repo` touches git"));
        }
    }
    found
}

fn sources() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let module = module_of(&src, &p)?;
            let text = std::fs::read_to_string(&p).expect("a source file");
            Some((p.display().to_string(), module, text))
        })
        .collect()
}

#[test]
fn no_module_names_a_higher_layer() {
    let layers = layers();
    let files = sources();
    assert!(files.len() > 30, "src/ was not found");
    let found = breaches(&layers, &files);
    assert!(
        found.is_empty(),
        "the house rules are broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_module_has_a_layer() {
    let layers = layers();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut modules = 0;
    for line in lib.lines() {
        let name = ["pub mod ", "pub(crate) mod ", "mod "]
            .iter()
            .find_map(|p| line.strip_prefix(p));
        if let Some(name) = name {
            let name = name.trim_end_matches(';');
            assert!(
                layers.contains_key(name),
                "`{name}` has no layer in docs/architecture.md"
            );
            modules += 1;
        }
    }
    assert!(modules >= 15, "src/lib.rs declares {modules} modules");
}

/// The check itself catches what it must: a planted upward import, a
/// grouped one, printing in the library and git2 outside `repo`; and it
/// lets comments and downward imports be.
#[test]
fn the_check_fails_on_planted_breaches() {
    let layers = layers();
    let file = |module: &str, text: &str| {
        (
            format!("src/{module}/planted.rs"),
            module.to_string(),
            text.to_string(),
        )
    };
    let planted = [
        file("index", "use crate::search::Settings;\n"),
        file("parse", "use crate::{lesson::Lesson, config::Config};\n"),
        file("report", "fn f() { eprintln!(\"x\"); }\n"),
        file(
            "index",
            "fn g() { let _ = git2::Repository::discover(\".\"); }\n",
        ),
    ];
    let found = breaches(&layers, &planted);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].contains("`index` (layer 5) names `search` (layer 6)"),
        "{found:#?}"
    );
    assert!(found[1].contains("names `config`"), "{found:#?}");
    let fine = [
        file(
            "search",
            "use crate::index::SearchIndex;\n// see crate::cli::main\n",
        ),
        file(
            "cli",
            "use crate::{emit, search::Settings};\nfn f() { println!(); }\n",
        ),
        file(
            "repo",
            "fn g() { let _ = git2::Repository::discover(\".\"); }\n",
        ),
    ];
    let found = breaches(&layers, &fine);
    assert!(found.is_empty(), "{found:#?}");
}

//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, with every rule
//! described in `tool.driver.rules` and results located by repository-
//! relative URI and region.

use serde_json::{Value, json};

use crate::check::CheckReport;
use crate::diagnostic::Rule;
use crate::emit::repo_path;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A relative path as a URI reference (SARIF 3.10): every byte outside the
/// unreserved set and `/` is percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// "front matter block." + "start the file..." -> "... block. Start the file...".
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}

pub fn render(report: &CheckReport, prefix: &str) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.name(),
                "name": rule.name(),
                "shortDescription": {"text": rule.short_description()},
                "fullDescription": {"text": format!("{} {}", rule.short_description(), sentence(rule.help()))},
                "help": {
                    "text": rule.help(),
                    "markdown": format!("**{}**: {}\n\n{}", rule.name(), rule.short_description(), rule.help()),
                },
                "defaultConfiguration": {"level": rule.default_level().as_str()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .diagnostics()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!(" (help: {help})"));
            }
            let index = Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0);
            let mut result = json!({
                "ruleId": d.rule.name(),
                "ruleIndex": index,
                "level": d.level.as_str(),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&repo_path(prefix, &d.path)), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d.start.line,
                            "startColumn": d.start.column,
                            "endLine": d.end.line,
                            "endColumn": d.end.column.max(if d.end.line == d.start.line { d.start.column + 1 } else { 1 }),
                        }
                    }
                }],
            });
            if let Some(fingerprint) = &d.fingerprint {
                // Code scanning matches alerts across runs by it.
                result["partialFingerprints"] = json!({"lessonsMatch/v1": fingerprint});
            }
            if let Some(related) = &d.related {
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "message": {"text": related.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&repo_path(prefix, &related.path)), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": related.position.line, "startColumn": related.position.column},
                    }
                }]);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "lessons",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("plain data serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            super::uri("lessons/my dir/é 50%.md"),
            "lessons/my%20dir/%C3%A9%2050%25.md"
        );
        assert_eq!(super::uri("lessons/2024/a-b_c.md"), "lessons/2024/a-b_c.md");
    }
}

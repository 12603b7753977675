//! `--format json`: the contract's shape, plus `end_line`, `end_column` and
//! `help` where known (extra fields are allowed by the contract).

use serde::Serialize;

use crate::check::CheckReport;
use crate::diagnostic::Diagnostic;

#[derive(Serialize)]
struct Document<'a> {
    files_checked: usize,
    errors: usize,
    warnings: usize,
    /// Findings accepted after review (an extension).
    allowed: usize,
    /// `check --history`: what was walked (an extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<History<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct History<'a> {
    tip: &'a str,
    commits: usize,
    versions: usize,
    shallow: bool,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    rule: &'static str,
    level: &'static str,
    message: &'a str,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    /// For sensitive content: what `.lessons-allow` records.
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    /// `check --history`: the commit holding this version (full hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            path: &d.path,
            line: d.start.line,
            column: d.start.column,
            rule: d.rule.name(),
            level: d.level.as_str(),
            message: &d.message,
            end_line: d.end.line,
            end_column: d.end.column,
            help: d.help.as_deref(),
            fingerprint: d.fingerprint.as_deref(),
            commit: None,
        }
    }
}

/// Writes the report as the contract's JSON document.
pub fn write(report: &CheckReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = Document {
        files_checked: report.files_checked,
        errors: report.errors,
        warnings: report.warnings,
        allowed: report.allowed,
        history: report.history.as_ref().map(|h| History {
            tip: &h.tip,
            commits: h.commits,
            versions: h.versions,
            shallow: h.shallow,
        }),
        diagnostics: Vec::new(),
    };
    let diagnostics: Vec<(&Diagnostic, Option<&str>)> = report
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(|d| (d, f.commit.as_deref())))
        .collect();
    let head = serde_json::to_string_pretty(&doc).expect("plain data serializes");
    // The document ends with its empty list, `"diagnostics": []` and `}`
    // (the list is the last field).
    let open = match head.strip_suffix("[]\n}") {
        Some(open) if !diagnostics.is_empty() => open,
        Some(_) => return writeln!(out, "{head}"),
        // Not the layout expected: the whole document in one piece.
        None => {
            let doc = Document {
                diagnostics: diagnostics
                    .iter()
                    .map(|&(d, commit)| JsonDiagnostic {
                        commit,
                        ..JsonDiagnostic::from(d)
                    })
                    .collect(),
                ..doc
            };
            let whole = serde_json::to_string_pretty(&doc).expect("plain data serializes");
            return writeln!(out, "{whole}");
        }
    };
    // Each diagnostic is laid out on every core (a large knowledge base
    // has tens of thousands), indented as in the whole document, and
    // written as it comes.
    use rayon::prelude::*;
    let items: Vec<String> = diagnostics
        .par_iter()
        .map(|&(d, commit)| {
            let item = JsonDiagnostic {
                commit,
                ..JsonDiagnostic::from(d)
            };
            let text = serde_json::to_string_pretty(&item).expect("plain data serializes");
            // A JSON string holds no raw line break: every line break is
            // the layout's.
            let mut out = String::with_capacity(text.len() + 64);
            for (i, line) in text.split('\n').enumerate() {
                out.push_str(if i == 0 { "    " } else { "\n    " });
                out.push_str(line);
            }
            out
        })
        .collect();
    out.write_all(open.as_bytes())?;
    out.write_all(b"[\n")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        out.write_all(item.as_bytes())?;
    }
    out.write_all(b"\n  ]\n}\n")
}

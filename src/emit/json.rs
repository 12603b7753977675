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

pub fn render(report: &CheckReport) -> String {
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
        diagnostics: report
            .files
            .iter()
            .flat_map(|f| {
                f.diagnostics.iter().map(|d| JsonDiagnostic {
                    commit: f.commit.as_deref(),
                    ..JsonDiagnostic::from(d)
                })
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("plain data serializes");
    out.push('\n');
    out
}

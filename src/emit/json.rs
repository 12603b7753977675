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
    diagnostics: Vec<JsonDiagnostic<'a>>,
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
        }
    }
}

pub fn render(report: &CheckReport) -> String {
    let doc = Document {
        files_checked: report.files_checked,
        errors: report.errors,
        warnings: report.warnings,
        allowed: report.allowed,
        diagnostics: report.diagnostics().map(JsonDiagnostic::from).collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("plain data serializes");
    out.push('\n');
    out
}

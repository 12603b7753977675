//! `--format github`: GitHub Actions workflow commands, one per finding, and
//! a Markdown table of every finding in the job summary (GitHub shows only
//! ten error annotations per step; the summary shows them all).

use std::io::Write;

use super::{markdown_cell as cell, markdown_code, markdown_text};
use crate::check::CheckReport;
use crate::diagnostic::{Diagnostic, Level};
use crate::emit::escape::{github_data as escape_data, github_property as escape_property};
use crate::emit::repo_path;

pub fn command(d: &Diagnostic, prefix: &str) -> String {
    let level = d.level.as_str();
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&repo_path(prefix, &d.path)),
        d.start.line,
        d.start.column,
        d.end.line,
        d.end.column,
        escape_property(d.rule.name()),
        escape_data(&message)
    )
}

/// Writes the workflow commands and the summary line.
pub fn render(report: &CheckReport, prefix: &str, out: &mut dyn Write) -> std::io::Result<()> {
    for d in report.diagnostics() {
        writeln!(out, "{}", command(d, prefix))?;
    }
    writeln!(out, "{}", escape_data(&super::human::summary(report)))
}

/// The job summary: every finding in a table. Messages quote lesson text:
/// written as inert Markdown like the pull-request comment's, so a value
/// adds no link, image or `@mention` to the summary.
pub fn step_summary(report: &CheckReport, prefix: &str) -> String {
    let mut s = String::from("### lessons check\n\n");
    s.push_str(&cell(&super::human::summary(report)));
    s.push_str("\n\n");
    if report.errors + report.warnings == 0 {
        return s;
    }
    s.push_str("| | File | Line | Rule | Message |\n|---|---|---|---|---|\n");
    for d in report.diagnostics() {
        let icon = match d.level {
            Level::Error => "❌",
            Level::Warning => "⚠️",
        };
        let mut message = markdown_text(&d.message);
        if let Some(help) = &d.help {
            message.push_str("<br>help: ");
            message.push_str(&markdown_text(help));
        }
        s.push_str(&format!(
            "| {icon} | {} | {}:{} | `{}` | {} |\n",
            markdown_code(&repo_path(prefix, &d.path), true),
            d.start.line,
            d.start.column,
            d.rule.name(),
            message
        ));
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}

//! One emitter per output format of `lessons check`. Emitters only render a
//! [`CheckReport`](crate::check::CheckReport); they never decide what is a
//! finding.

pub mod feedback;
pub mod github;
pub mod hits;
pub mod human;
pub mod json;
pub mod report;
pub mod sarif;
pub mod show;

/// Joins a knowledge-base-relative path onto the path of the knowledge base
/// inside its git work tree, for formats that GitHub reads (annotations and
/// code scanning want paths relative to the repository).
pub fn repo_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{}/{path}", prefix.trim_end_matches('/'))
    }
}

/// Text for a Markdown table cell: no line breaks, no table pipes, no raw
/// HTML (lesson text must not inject markup into a PR comment or summary).
pub fn markdown_cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

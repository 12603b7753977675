//! The cause-key taxonomy (`lessons causes`) as a table and as Markdown.

use std::fmt::Write as _;

use super::{markdown_code, markdown_text};
use crate::causes::Taxonomy;

/// `s` padded or cut to `width` characters, control characters
/// neutralised for the terminal first.
fn fit(s: &str, width: usize) -> String {
    let s = super::escape::terminal(s);
    if s.chars().count() <= width {
        return format!("{s:<width$}");
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

use crate::text::plural;

pub fn table(t: &Taxonomy) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Cause keys · {} · {}\n",
        plural(t.keys.len(), "key", "keys"),
        plural(t.lessons, "lesson", "lessons")
    );
    if t.keys.is_empty() {
        s.push_str("No lesson names a cause key yet.\n");
        return s;
    }
    let key_w = t
        .keys
        .iter()
        .map(|k| k.key.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(10, 36);
    let _ = writeln!(
        s,
        "{} lessons  first seen  last seen   category",
        fit("key", key_w)
    );
    for k in &t.keys {
        let _ = writeln!(
            s,
            "{} {:>7}  {:<10}  {:<10}  {}",
            fit(&k.key, key_w),
            k.lessons,
            k.first_seen.as_deref().unwrap_or("-"),
            k.last_seen.as_deref().unwrap_or("-"),
            super::escape::terminal(&k.categories.join(", "))
        );
    }
    if t.merge.is_empty() {
        s.push_str("\nNo keys look like names of the same cause.\n");
    } else {
        let _ = writeln!(
            s,
            "\nProbably the same cause ({}): merge into the first key so that recurrences count",
            plural(t.merge.len(), "group", "groups")
        );
        for g in &t.merge {
            let keys: Vec<String> = g
                .keys
                .iter()
                .map(|k| format!("{} ({})", k.key, k.lessons))
                .collect();
            let _ = writeln!(
                s,
                "  {}  · {}",
                super::escape::terminal(&keys.join(" = ")),
                super::escape::terminal(&g.why)
            );
        }
    }
    s
}

pub fn markdown(t: &Taxonomy) -> String {
    let mut s = format!(
        "## Cause keys\n\n{} across {}.\n\n",
        plural(t.keys.len(), "key", "keys"),
        plural(t.lessons, "lesson", "lessons")
    );
    if !t.keys.is_empty() {
        s.push_str(
            "| key | lessons | first seen | last seen | category |\n|---|---:|---|---|---|\n",
        );
        for k in &t.keys {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                markdown_code(&k.key, true),
                k.lessons,
                k.first_seen.as_deref().unwrap_or(""),
                k.last_seen.as_deref().unwrap_or(""),
                markdown_text(&k.categories.join(", ")).replace('|', "\\|")
            );
        }
    }
    if !t.merge.is_empty() {
        s.push_str("\n### Probably the same cause\n\nMerge each group into its first key so that the recurrence report counts them together.\n\n");
        for g in &t.merge {
            let keys: Vec<String> = g
                .keys
                .iter()
                .map(|k| format!("{} ({})", markdown_code(&k.key, false), k.lessons))
                .collect();
            let _ = writeln!(s, "- {}: {}", keys.join(", "), markdown_text(&g.why));
        }
    }
    s
}

impl super::Emit for Taxonomy {
    fn emit(
        &self,
        format: super::Format,
        _: &super::Context,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Json => super::write_json(self, out),
            super::Format::Markdown => out.write_all(markdown(self).as_bytes()),
            super::Format::Human => out.write_all(table(self).as_bytes()),
            f => Err(super::unsupported(f)),
        }
    }
}

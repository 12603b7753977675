//! Escaping for every output format, in one place: lesson text is
//! untrusted (a title must not add markup, links or `@mentions` to a pull
//! request comment, nor break a GitHub workflow command or an HTML page).

/// Text for a Markdown table cell: no line breaks, no table pipes, no raw
/// HTML (lesson text must not inject markup into a PR comment or summary).
pub fn markdown_cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// Untrusted text (a lesson title, an action summary) as inert Markdown
/// inline text: CommonMark punctuation escaped, HTML entities, no line
/// breaks, table pipes escaped, and no `@mention` or `#123` reference for
/// GitHub to act on (a word joiner follows `@` and `#`).
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            '@' | '#' => {
                out.push('\\');
                out.push(c);
                out.push('\u{2060}');
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '~' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span holding `s` whatever backticks it contains; in a
/// table cell (`in_table`), pipes are escaped as GitHub requires there.
pub fn markdown_code(s: &str, in_table: bool) -> String {
    let s = s.replace(['\r', '\n'], " ");
    let s = if in_table { s.replace('|', "\\|") } else { s };
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped.
pub fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Escapes a workflow command's message (the text after `::`).
pub fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value (`file=`, `title=`...).
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_inert() {
        let t = markdown_text("Cert | `x` <img src=y> **b** [l](http://e) @org/team #12 a\\b");
        for bad in ["<img", "**", "[l](", " @org", " #12", "`x`"] {
            assert!(!t.contains(bad), "{bad} in {t}");
        }
        assert!(t.contains("\\|"));
        assert_eq!(markdown_code("a`b", false), "``a`b``");
        assert_eq!(markdown_code("`a", false), "`` `a ``");
        assert_eq!(markdown_code("a|b", true), "`a\\|b`");
    }
}

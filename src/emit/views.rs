//! Output of `lessons report --for leadership|hr|it`: one page in every
//! report format (JSON is the view serialized). Lesson text (keys, ids,
//! owners, action summaries) goes through `escape` for each format.

use std::fmt::Write as _;

use super::escape::{csv_cell, html as esc, markdown_code, markdown_text as md, terminal};
use super::report::tlp_line;
use crate::report::views::{Audience, View, ViewAction, ViewCause};

/// Rows shown to people per list; JSON and CSV have them all.
const LISTED: usize = 25;

fn tlp(view: &View) -> String {
    tlp_line(view.tlp, view.max_tlp, view.lessons)
}

/// The line under the title: window, lessons, what the view is about.
fn subtitle(view: &View) -> String {
    let window = match (&view.since, &view.until) {
        (None, None) => "all dates".to_string(),
        (a, b) => format!(
            "{} to {}",
            a.as_deref().unwrap_or("the first lesson"),
            b.as_deref().unwrap_or("the last lesson")
        ),
    };
    let mut s = format!("{window} · {} lessons", view.lessons);
    if !view.functions.is_empty() {
        let _ = write!(s, " · functions {}", view.functions.join(", "));
    }
    if !view.categories.is_empty() {
        let _ = write!(
            s,
            " · cause categories {} · action types {} · lessons for {}",
            view.categories.join(", "),
            view.action_types.join(", "),
            view.audience.name()
        );
    }
    s
}

fn causes_heading(view: &View) -> &'static str {
    match view.audience {
        Audience::Leadership => "Top recurring causes, weighted by severity",
        Audience::Hr => "Training-need causes",
        Audience::It => "Configuration and technical-debt causes",
    }
}

fn actions_heading(view: &View) -> &'static str {
    match view.audience {
        Audience::Leadership => "Open actions of high and critical lessons",
        Audience::Hr => "Actions: awareness, training needs, lessons for HR",
        Audience::It => "Actions: monitoring, configuration, technical debt, lessons for IT",
    }
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), |n| n.to_string())
}

fn more(total: usize) -> Option<String> {
    (total > LISTED).then(|| {
        format!(
            "… and {} more (--format json lists them all)",
            total - LISTED
        )
    })
}

pub fn table(view: &View) -> String {
    let t = |s: &str| terminal(s).into_owned();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}\n\n{}\n{}\n",
        tlp(view),
        view.audience.title(),
        subtitle(view)
    );
    let _ = writeln!(s, "{}", causes_heading(view));
    if view.causes.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for c in view.causes.iter().take(LISTED) {
        let _ = writeln!(
            s,
            "  {:<32} {:>3} lessons  weight {:>3}  last {}  ({})",
            t(c.key),
            c.count,
            c.weight,
            c.last_occurred,
            t(&c.lessons.join(", "))
        );
    }
    if let Some(m) = more(view.causes.len()) {
        let _ = writeln!(s, "  {m}");
    }
    let _ = writeln!(s, "\n{}", actions_heading(view));
    if view.actions.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for a in view.actions.iter().take(LISTED) {
        let _ = writeln!(
            s,
            "{} {:<10}  {:<11}  {:<8}  {:<12}  owner {}",
            if a.overdue { "!" } else { " " },
            a.due.as_deref().unwrap_or("-"),
            t(a.status.unwrap_or("?")),
            t(a.severity.unwrap_or("-")),
            t(a.lesson),
            t(a.owner.unwrap_or("-"))
        );
        let _ = writeln!(s, "    {}", t(a.summary));
    }
    if let Some(m) = more(view.actions.len()) {
        let _ = writeln!(s, "  {m}");
    }
    let _ = writeln!(
        s,
        "\nTrend per {}: lessons, repeat causes, median minutes to detect and to recover",
        view.period.name()
    );
    if view.trend.is_empty() {
        let _ = writeln!(s, "  no lessons");
    }
    for p in &view.trend {
        let _ = writeln!(
            s,
            "  {:<8} {:>4} lessons {:>4} repeats  detect {:>6}  recover {:>6}",
            p.period,
            p.lessons,
            p.repeat_lessons,
            opt(p.median_detect_minutes),
            opt(p.median_recover_minutes)
        );
    }
    s
}

pub fn markdown(view: &View) -> String {
    let code = |x: &str| markdown_code(x, true);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}\n\n**{}**\n\n{}\n",
        view.audience.title(),
        md(&tlp(view)),
        md(&subtitle(view))
    );
    let _ = writeln!(s, "## {}\n", causes_heading(view));
    if view.causes.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str("| cause | category | lessons | weight | last occurred | lesson ids |\n|---|---|---:|---:|---|---|\n");
        for c in view.causes.iter().take(LISTED) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                code(c.key),
                c.category.map(code).unwrap_or_default(),
                c.count,
                c.weight,
                c.last_occurred,
                c.lessons
                    .iter()
                    .map(|l| code(l))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if let Some(m) = more(view.causes.len()) {
            let _ = writeln!(s, "\n{m}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## {}\n", actions_heading(view));
    if view.actions.is_empty() {
        s.push_str("None.\n\n");
    } else {
        s.push_str(
            "| due | status | severity | lesson | owner | action |\n|---|---|---|---|---|---|\n",
        );
        for a in view.actions.iter().take(LISTED) {
            let _ = writeln!(
                s,
                "| {}{} | {} | {} | {} | {} | {} |",
                a.due.as_deref().unwrap_or("-"),
                if a.overdue { " (overdue)" } else { "" },
                md(a.status.unwrap_or("-")),
                md(a.severity.unwrap_or("-")),
                code(a.lesson),
                md(a.owner.unwrap_or("-")),
                md(a.summary)
            );
        }
        if let Some(m) = more(view.actions.len()) {
            let _ = writeln!(s, "\n{m}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Trend per {}\n", view.period.name());
    if view.trend.is_empty() {
        s.push_str("No lessons.\n");
    } else {
        s.push_str("| period | lessons | repeat causes | median minutes to detect | median minutes to recover |\n|---|---:|---:|---:|---:|\n");
        for p in &view.trend {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                p.period,
                p.lessons,
                p.repeat_lessons,
                opt(p.median_detect_minutes),
                opt(p.median_recover_minutes)
            );
        }
    }
    s
}

/// One table: a `section` column says what each row is (`tlp`, `cause`,
/// `action`, `period`), the other columns are empty where they do not
/// apply, so a spreadsheet can filter on it.
pub fn csv(view: &View) -> String {
    const HEADER: [&str; 15] = [
        "section",
        "name",
        "category",
        "lessons",
        "weight",
        "last_occurred",
        "lesson",
        "summary",
        "type",
        "owner",
        "due",
        "status",
        "severity",
        "overdue",
        "repeat_lessons",
    ];
    let mut s = HEADER.join(",");
    s.push_str(",median_detect_minutes,median_recover_minutes\n");
    let mut row = |cells: &[String]| {
        let mut cells: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        cells.resize(HEADER.len() + 2, String::new());
        s.push_str(&cells.join(","));
        s.push('\n');
    };
    let o = |v: Option<&str>| v.unwrap_or_default().to_string();
    row(&[
        "tlp".into(),
        view.tlp.to_string(),
        String::new(),
        view.lessons.to_string(),
    ]);
    for c in &view.causes {
        row(&cause_cells(c));
    }
    for a in &view.actions {
        row(&action_cells(a, o));
    }
    for p in &view.trend {
        let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let mut cells = vec!["period".to_string(), p.period.clone(), String::new()];
        cells.push(p.lessons.to_string());
        cells.resize(14, String::new());
        cells.push(p.repeat_lessons.to_string());
        cells.push(n(p.median_detect_minutes));
        cells.push(n(p.median_recover_minutes));
        row(&cells);
    }
    s
}

fn cause_cells(c: &ViewCause) -> Vec<String> {
    vec![
        "cause".into(),
        c.key.to_string(),
        c.category.unwrap_or_default().to_string(),
        c.count.to_string(),
        c.weight.to_string(),
        c.last_occurred.clone(),
        c.lessons.join(";"),
    ]
}

fn action_cells(a: &ViewAction, o: impl Fn(Option<&str>) -> String) -> Vec<String> {
    vec![
        "action".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        a.lesson.to_string(),
        a.summary.to_string(),
        o(a.kind),
        o(a.owner),
        o(a.due.as_deref()),
        o(a.status),
        o(a.severity),
        a.overdue.to_string(),
    ]
}

/// One self-contained page: inline style, no requests.
pub fn html(view: &View) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; color: #222; padding: 0 1rem; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; }}
.overdue {{ color: #b00; font-weight: bold; }}
</style>
</head>
<body>
<p class="tlp"><strong>{tlp}</strong></p>
<h1>{title}</h1>
<p>{sub}</p>
"#,
        title = esc(view.audience.title()),
        tlp = esc(&tlp(view)),
        sub = esc(&subtitle(view))
    );
    let _ = writeln!(s, "<h2>{}</h2>", esc(causes_heading(view)));
    if view.causes.is_empty() {
        s.push_str("<p>None.</p>\n");
    } else {
        s.push_str("<table>\n<thead><tr><th>cause</th><th>category</th><th>lessons</th><th>weight</th><th>last occurred</th><th>lesson ids</th></tr></thead>\n<tbody>\n");
        for c in &view.causes {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(c.key),
                esc(c.category.unwrap_or_default()),
                c.count,
                c.weight,
                esc(&c.last_occurred),
                esc(&c.lessons.join(", "))
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(s, "<h2>{}</h2>", esc(actions_heading(view)));
    if view.actions.is_empty() {
        s.push_str("<p>None.</p>\n");
    } else {
        s.push_str("<table>\n<thead><tr><th>due</th><th>status</th><th>severity</th><th>lesson</th><th>owner</th><th>action</th></tr></thead>\n<tbody>\n");
        for a in &view.actions {
            let due = esc(a.due.as_deref().unwrap_or("-"));
            let due = if a.overdue {
                format!("<span class=\"overdue\">{due} (overdue)</span>")
            } else {
                due
            };
            let _ = writeln!(
                s,
                "<tr><td>{due}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(a.status.unwrap_or("-")),
                esc(a.severity.unwrap_or("-")),
                esc(a.lesson),
                esc(a.owner.unwrap_or("-")),
                esc(a.summary)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(s, "<h2>Trend per {}</h2>", esc(view.period.name()));
    if view.trend.is_empty() {
        s.push_str("<p>No lessons.</p>\n");
    } else {
        s.push_str("<table>\n<thead><tr><th>period</th><th>lessons</th><th>repeat causes</th><th>median minutes to detect</th><th>median minutes to recover</th></tr></thead>\n<tbody>\n");
        for p in &view.trend {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&p.period),
                p.lessons,
                p.repeat_lessons,
                opt(p.median_detect_minutes),
                opt(p.median_recover_minutes)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

impl super::Emit for View<'_> {
    fn emit(
        &self,
        format: super::Format,
        _: &super::Context,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Json => super::write_json(self, out),
            super::Format::Human => out.write_all(table(self).as_bytes()),
            super::Format::Markdown => out.write_all(markdown(self).as_bytes()),
            super::Format::Csv => out.write_all(csv(self).as_bytes()),
            super::Format::Html => out.write_all(html(self).as_bytes()),
            f => Err(super::unsupported(f)),
        }
    }
}

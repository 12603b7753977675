//! Output of `lessons report` (table, markdown, csv, html; JSON is the
//! report serialized) and of `lessons actions` (table).

use std::fmt::Write as _;

use super::escape::{csv_cell as csv_field, html as esc, terminal};
use super::markdown_code;
use super::markdown_text as md;
use crate::emit::show::duration;
use crate::report::{ActionRow, Report};
use crate::tlp::Tlp;

const WIDTH: usize = 80;
/// Rows of the action and cause lists shown to people; JSON has them all.
const LISTED: usize = 25;

/// "… and 12 more" under a list cut at [`LISTED`] rows.
fn more(total: usize, format: &str) -> Option<String> {
    (total > LISTED).then(|| format!("… and {} more ({format} lists them all)", total - LISTED))
}

/// `s` cut to `width` characters, with an ellipsis when cut; for a
/// terminal, so control characters are neutralised first (never cut a
/// sequence in half and print the rest).
fn fit(s: &str, width: usize) -> String {
    let s = terminal(s);
    if s.chars().count() <= width {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width - n))
}

/// One character per period, scaled to the busiest period of any group.
pub fn sparkline(trend: &[usize], max: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    trend
        .iter()
        .map(|&n| {
            if n == 0 {
                '·'
            } else {
                BARS[((n * 8).div_ceil(max.max(1))).clamp(1, 8) - 1]
            }
        })
        .collect()
}

fn max_trend(report: &Report) -> usize {
    report
        .groups
        .iter()
        .flat_map(|g| g.trend.iter().copied())
        .max()
        .unwrap_or(0)
}

fn span(report: &Report) -> String {
    let from = report
        .since
        .clone()
        .or_else(|| report.first_occurred.clone());
    let to = report
        .until
        .clone()
        .or_else(|| report.last_occurred.clone());
    match (from, to) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no lessons".to_string(),
    }
}

fn title(report: &Report) -> String {
    format!("Recurring root causes by {}", report.by.label())
}

/// The line under the title: the window and what counts.
fn subtitle(report: &Report) -> String {
    format!(
        "{} · {} lessons · groups of {} or more",
        span(report),
        report.lessons,
        report.min_count
    )
}

/// The level an output was produced at, and why (see [`Report::tlp`]):
/// `TLP:AMBER — produced with --max-tlp AMBER; the highest level among the
/// 12 lessons included`.
pub fn tlp_line(tlp: Tlp, max: Option<Tlp>, lessons: usize) -> String {
    let flag = max.map(|m| format!("produced with --max-tlp {m}; "));
    let why = match lessons {
        0 => "no lesson included".to_string(),
        1 => "the level of the one lesson included".to_string(),
        n => format!("the highest level among the {n} lessons included"),
    };
    format!("TLP:{tlp} — {}{why}", flag.unwrap_or_default())
}

fn report_tlp_line(report: &Report) -> String {
    tlp_line(report.tlp, report.max_tlp, report.lessons)
}

fn opt_duration(secs: Option<i64>) -> String {
    secs.map_or_else(|| "-".to_string(), duration)
}

/// "came back in 3 lessons: LL-1, LL-2, LL-3", with "and N more" when the
/// report lists fewer than it counts.
fn came_back(a: &crate::report::IneffectiveAction, show: impl Fn(&str) -> String) -> String {
    let listed: Vec<String> = a.recurred_in.iter().map(show).collect();
    let more = a.recurrences.saturating_sub(listed.len());
    format!(
        "{} lesson{}: {}{}",
        a.recurrences,
        if a.recurrences == 1 { "" } else { "s" },
        listed.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// The trend's heading: "Lessons per quarter (2021-Q1 to 2025-Q4)", or,
/// when only the last `shown` periods fit, which ones and of how many.
fn trend_heading(report: &Report, shown: usize) -> Option<String> {
    let periods = &report.periods;
    let last = periods.last()?;
    let word = period_word(report);
    Some(if shown < periods.len() {
        format!(
            "Lessons per {word}, the last {shown} of {} ({} to {last}; --format csv or html has every {word})",
            periods.len(),
            periods[periods.len() - shown]
        )
    } else {
        format!("Lessons per {word} ({} to {last})", periods[0])
    })
}

#[expect(
    clippy::too_many_lines,
    reason = "one table read top to bottom, section by section"
)]
pub fn table(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}\n\n{}\n{}\n",
        report_tlp_line(report),
        title(report),
        subtitle(report)
    );
    if report.groups.is_empty() {
        let _ = writeln!(
            s,
            "No {} appears in {} or more lessons.",
            report.by.label(),
            report.min_count
        );
    } else {
        let name_w = 24;
        let _ = writeln!(
            s,
            "{} lessons  first seen  last seen   open  systems",
            pad(report.by.label(), name_w)
        );
        for g in &report.groups {
            let systems = fit(&g.systems.join(", "), WIDTH - name_w - 40);
            let _ = writeln!(
                s,
                "{} {:>7}  {:<10}  {:<10}  {:>4}  {}",
                pad(&g.name, name_w),
                g.count,
                fit(&g.first_occurred, 10),
                fit(&g.last_occurred, 10),
                g.open_actions,
                systems
            );
        }
        let room = WIDTH - name_w - 1;
        let shown = report.periods.len().min(room);
        if let Some(heading) = trend_heading(report, shown) {
            let _ = writeln!(s, "\n{heading}");
            let max = max_trend(report);
            for g in &report.groups {
                let line = sparkline(&g.trend, max);
                // Keep the most recent periods when they do not all fit.
                let line: String = line
                    .chars()
                    .skip(line.chars().count().saturating_sub(room))
                    .collect();
                let _ = writeln!(s, "{} {line}", pad(&g.name, name_w));
            }
        }
        if has_medians(report) {
            let _ = writeln!(s, "\nMedian time from occurrence");
            let _ = writeln!(
                s,
                "{}   detect  contain  recover",
                pad(report.by.label(), name_w)
            );
            for g in &report.groups {
                let _ = writeln!(
                    s,
                    "{} {:>8} {:>8} {:>8}",
                    pad(&g.name, name_w),
                    opt_duration(g.median_time_to_detect),
                    opt_duration(g.median_time_to_contain),
                    opt_duration(g.median_time_to_recover)
                );
            }
        }
    }
    s.push_str(&super::scorecard::practice_table(report));
    if !report.ineffective_actions.is_empty() {
        let _ = writeln!(
            s,
            "\nActions that did not prevent recurrence ({})",
            report.ineffective_actions.len()
        );
        for a in report.ineffective_actions.iter().take(LISTED) {
            let head = format!("{:<12} ", terminal(a.lesson));
            let head_w = head.chars().count();
            let _ = writeln!(
                s,
                "{head}{}",
                fit(
                    &format!("done {}: {}", a.completed, a.action),
                    WIDTH - head_w
                )
            );
            let _ = writeln!(
                s,
                "{}{}",
                " ".repeat(head_w),
                fit(
                    &format!("{} came back in {}", a.cause, came_back(a, str::to_string)),
                    WIDTH - head_w
                )
            );
        }
        if let Some(more) = more(report.ineffective_actions.len(), "--format json") {
            let _ = writeln!(s, "{more}");
        }
    }
    if !report.unaddressed_causes.is_empty() {
        let _ = writeln!(
            s,
            "\nRoot causes no action addresses ({})",
            report.unaddressed_causes.len()
        );
        for u in report.unaddressed_causes.iter().take(LISTED) {
            let category = u.category.map(|c| format!(" ({c})")).unwrap_or_default();
            let _ = writeln!(
                s,
                "{:<12} {}",
                terminal(u.lesson),
                fit(&format!("{}{category}", u.cause), WIDTH - 13)
            );
        }
        if let Some(more) = more(report.unaddressed_causes.len(), "--format json") {
            let _ = writeln!(s, "{more}");
        }
    }
    s
}

fn has_medians(report: &Report) -> bool {
    report.groups.iter().any(|g| {
        g.median_time_to_detect.is_some()
            || g.median_time_to_contain.is_some()
            || g.median_time_to_recover.is_some()
    })
}

fn period_word(report: &Report) -> &'static str {
    report.period.name()
}

/// Markdown for a wiki page, an issue or a job summary. Lesson text is
/// written as inert Markdown, as in the pull-request comment: a system or
/// an action adds no link, image or `@mention`.
pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "**{}**\n\n### {}\n\n{}\n",
        md(&report_tlp_line(report)),
        md(&title(report)),
        md(&subtitle(report))
    );
    if report.groups.is_empty() {
        let _ = writeln!(
            s,
            "No {} appears in {} or more lessons.\n",
            report.by.label(),
            report.min_count
        );
    } else {
        let max = max_trend(report);
        let trend = trend_heading(report, report.periods.len())
            .map(|h| h.replacen("Lessons per", "per", 1))
            .unwrap_or_else(|| format!("per {}", period_word(report)));
        let _ = writeln!(
            s,
            "| {} | lessons | first seen | last seen | systems | open actions | {} | median to detect | median to contain | median to recover |",
            report.by.label(),
            md(&trend)
        );
        let _ = writeln!(s, "|---|---:|---|---|---|---:|---|---:|---:|---:|");
        for g in &report.groups {
            let systems: Vec<String> = g.systems.iter().map(|x| md(x)).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                markdown_code(&g.name, true),
                g.count,
                md(&g.first_occurred),
                md(&g.last_occurred),
                systems.join(", "),
                g.open_actions,
                sparkline(&g.trend, max),
                opt_duration(g.median_time_to_detect),
                opt_duration(g.median_time_to_contain),
                opt_duration(g.median_time_to_recover)
            );
        }
        let _ = writeln!(s);
    }
    s.push_str(&super::scorecard::practice_markdown(report));
    if !report.ineffective_actions.is_empty() {
        let _ = writeln!(
            s,
            "#### Actions that did not prevent recurrence ({})\n",
            report.ineffective_actions.len()
        );
        let _ = writeln!(
            s,
            "| lesson | action | done | cause | came back in |\n|---|---|---|---|---|"
        );
        for a in report.ineffective_actions.iter().take(LISTED) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md(a.lesson),
                md(a.action),
                md(&a.completed),
                markdown_code(a.cause, true),
                came_back(a, md)
            );
        }
        if let Some(more) = more(report.ineffective_actions.len(), "--format json") {
            let _ = writeln!(s, "\n{}", md(&more));
        }
        let _ = writeln!(s);
    }
    if !report.unaddressed_causes.is_empty() {
        let _ = writeln!(
            s,
            "#### Root causes no action addresses ({})\n",
            report.unaddressed_causes.len()
        );
        let _ = writeln!(s, "| lesson | cause | category |\n|---|---|---|");
        for u in report.unaddressed_causes.iter().take(LISTED) {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                md(u.lesson),
                markdown_code(u.cause, true),
                md(u.category.unwrap_or(""))
            );
        }
        if let Some(more) = more(report.unaddressed_causes.len(), "--format json") {
            let _ = writeln!(s, "\n{}", md(&more));
        }
        let _ = writeln!(s);
    }
    s
}

/// One row per group; the trend as one column per period.
pub fn csv(report: &Report) -> String {
    let mut header: Vec<String> = [
        "name",
        "count",
        "lessons",
        "first_occurred",
        "last_occurred",
        "systems",
        "open_actions",
        "median_time_to_detect_s",
        "median_time_to_contain_s",
        "median_time_to_recover_s",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(report.periods.iter().cloned());
    let mut s = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    s.push('\n');
    for g in &report.groups {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut row = vec![
            g.name.clone(),
            g.count.to_string(),
            g.lessons.join(";"),
            g.first_occurred.clone(),
            g.last_occurred.clone(),
            g.systems.join(";"),
            g.open_actions.to_string(),
            opt(g.median_time_to_detect),
            opt(g.median_time_to_contain),
            opt(g.median_time_to_recover),
        ];
        row.extend(g.trend.iter().map(|n| n.to_string()));
        s.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        s.push('\n');
    }
    s
}

const PALETTE: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// An SVG line chart of the top groups' lessons per period.
fn chart(report: &Report) -> String {
    let groups: Vec<_> = report.groups.iter().take(PALETTE.len()).collect();
    let periods = &report.periods;
    if groups.is_empty() || periods.is_empty() {
        return String::new();
    }
    let (w, h, left, bottom, top, right) = (760.0, 300.0, 40.0, 60.0, 20.0, 20.0);
    let max = groups
        .iter()
        .flat_map(|g| g.trend.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let step = if periods.len() > 1 {
        (w - left - right) / (periods.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| left + step * i as f64;
    let y = |n: usize| top + (h - top - bottom) * (1.0 - n as f64 / max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="chart-title"><title id="chart-title">Lessons per {} for the top recurring groups</title>"#,
        period_word(report)
    );
    // Axes and horizontal grid lines.
    for tick in 0..=(max as usize) {
        if max > 10.0 && tick % ((max as usize) / 5).max(1) != 0 {
            continue;
        }
        let ty = y(tick);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{tick}</text>"##,
            w - right,
            left - 6.0,
            ty + 4.0
        );
    }
    let label_every = periods.len().div_ceil(12).max(1);
    for (i, p) in periods.iter().enumerate() {
        if i % label_every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" transform="rotate(-45 {:.1} {:.1})">{}</text>"#,
                x(i),
                h - bottom + 16.0,
                x(i),
                h - bottom + 16.0,
                esc(p)
            );
        }
    }
    for (g, color) in groups.iter().zip(PALETTE) {
        let points: Vec<String> = g
            .trend
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{:.1},{:.1}", x(i), y(*n)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"><title>{}</title></polyline>"#,
            points.join(" "),
            esc(&g.name)
        );
        for (i, n) in g.trend.iter().enumerate() {
            if *n > 0 {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"><title>{} {}: {n}</title></circle>"#,
                    x(i),
                    y(*n),
                    esc(&g.name),
                    esc(&periods[i])
                );
            }
        }
    }
    s.push_str("</svg>");
    let mut legend = String::from(r#"<ul class="legend">"#);
    for (g, color) in groups.iter().zip(PALETTE) {
        let _ = write!(
            legend,
            r#"<li><span class="swatch" style="background:{color}"></span>{}</li>"#,
            token(&g.name)
        );
    }
    legend.push_str("</ul>");
    format!(r#"<figure>{s}{legend}</figure>"#)
}

/// Lesson text in HTML, isolated from its neighbours: right-to-left text or
/// a stray U+202E in one system's name must not reorder the next one.
fn bdi(s: &str) -> String {
    format!("<bdi>{}</bdi>", esc(s))
}

/// A token that must not break across lines (an id, a date, a key).
fn token(s: &str) -> String {
    format!("<bdi class=\"t\">{}</bdi>", esc(s))
}

/// Items of a list, each isolated, comma separated.
fn tokens<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    items.into_iter().map(token).collect::<Vec<_>>().join(", ")
}

/// Rows past [`LISTED`] folded into a `<details>`: a page has room for them
/// all, and whoever reads it cannot run a command to see the rest.
fn html_rows(s: &mut String, rows: &[String], columns: usize) {
    for row in rows.iter().take(LISTED) {
        s.push_str(row);
    }
    if rows.len() > LISTED {
        let _ = write!(
            s,
            "</tbody>\n<tbody class=\"more\"><tr><td colspan=\"{columns}\"><details><summary>{} more</summary><table>\n",
            rows.len() - LISTED
        );
        for row in &rows[LISTED..] {
            s.push_str(row);
        }
        s.push_str("</table></details></td></tr>\n");
    }
}

/// One self-contained HTML page: inline style and SVG, no requests.
#[expect(
    clippy::too_many_lines,
    reason = "one page written top to bottom, section by section"
)]
pub fn html(report: &Report) -> String {
    let mut s = String::new();
    let heading = title(report);
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 100rem; color: #222; padding: 0 1rem; }}
.wide {{ overflow-x: auto; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
th, td.n, td.d, .t, .spark {{ white-space: nowrap; }}
td.n {{ text-align: right; }}
td.text {{ min-width: 16rem; }}
code {{ background: #f4f4f4; padding: 0 0.2rem; }}
details table {{ margin: 0; }}
.legend {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }}
.swatch {{ display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.3rem; }}
figure {{ margin: 1rem 0; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<p class="tlp"><strong>{}</strong></p>
<h1>{}</h1>
<p>{}</p>
"#,
        esc(&heading),
        esc(&report_tlp_line(report)),
        esc(&heading),
        esc(&subtitle(report))
    );
    if report.groups.is_empty() {
        let _ = writeln!(
            s,
            "<p>No {} appears in {} or more lessons.</p>",
            esc(report.by.label()),
            report.min_count
        );
    } else {
        let trend = trend_heading(report, report.periods.len())
            .unwrap_or_else(|| format!("Lessons per {}", period_word(report)));
        let _ = writeln!(s, "<h2>{}</h2>", esc(&trend));
        s.push_str(&chart(report));
        if report.groups.len() > PALETTE.len() {
            let _ = writeln!(
                s,
                "\n<p>The chart shows the {} largest groups; the table below has the trend of all {}.</p>",
                PALETTE.len(),
                report.groups.len()
            );
        }
        let max = max_trend(report);
        let _ = writeln!(
            s,
            "\n<h2>Groups</h2>\n<div class=\"wide\"><table>\n<thead><tr><th>{}</th><th>lessons</th><th>first seen</th><th>last seen</th><th>systems</th><th>open actions</th><th>per {}</th><th>median to detect</th><th>median to contain</th><th>median to recover</th></tr></thead>\n<tbody>",
            esc(report.by.label()),
            period_word(report)
        );
        for g in &report.groups {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code><br/><small>{}</small></td><td class=\"n\">{}</td><td class=\"d\">{}</td><td class=\"d\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"spark\" title=\"{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                token(&g.name),
                tokens(g.lessons.iter().copied()),
                g.count,
                esc(&g.first_occurred),
                esc(&g.last_occurred),
                tokens(g.systems.iter().map(String::as_str)),
                g.open_actions,
                esc(&trend_title(report, &g.trend)),
                sparkline(&g.trend, max),
                esc(&opt_duration(g.median_time_to_detect)),
                esc(&opt_duration(g.median_time_to_contain)),
                esc(&opt_duration(g.median_time_to_recover))
            );
        }
        s.push_str("</tbody>\n</table></div>\n");
    }
    s.push_str(&super::scorecard::practice_html(report));
    if !report.ineffective_actions.is_empty() {
        let _ = writeln!(
            s,
            "<h2>Actions that did not prevent recurrence ({})</h2>\n<div class=\"wide\"><table>\n<thead><tr><th>lesson</th><th>action</th><th>done</th><th>cause</th><th>came back in</th></tr></thead>\n<tbody>",
            report.ineffective_actions.len()
        );
        let rows: Vec<String> = report
            .ineffective_actions
            .iter()
            .map(|a| {
                format!(
                    "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"d\">{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                    token(a.lesson),
                    bdi(a.action),
                    esc(&a.completed),
                    token(a.cause),
                    came_back(a, token)
                )
            })
            .collect();
        html_rows(&mut s, &rows, 5);
        s.push_str("</tbody>\n</table></div>\n");
    }
    if !report.unaddressed_causes.is_empty() {
        let _ = writeln!(
            s,
            "<h2>Root causes no action addresses ({})</h2>\n<div class=\"wide\"><table>\n<thead><tr><th>lesson</th><th>cause</th><th>category</th></tr></thead>\n<tbody>",
            report.unaddressed_causes.len()
        );
        let rows: Vec<String> = report
            .unaddressed_causes
            .iter()
            .map(|u| {
                format!(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                    token(u.lesson),
                    token(u.cause),
                    u.category.map(token).unwrap_or_default()
                )
            })
            .collect();
        html_rows(&mut s, &rows, 3);
        s.push_str("</tbody>\n</table></div>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// The counts behind a sparkline, for its tooltip: "2024-Q1: 2, 2024-Q2: 0".
fn trend_title(report: &Report, trend: &[usize]) -> String {
    report
        .periods
        .iter()
        .zip(trend)
        .map(|(p, n)| format!("{p}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `overdue_only`: listed with `--overdue`, so an empty list says that
/// nothing is overdue rather than that nothing matched.
/// `unverified_only` likewise with `--unverified`.
pub fn actions_table(
    rows: &[ActionRow],
    as_of: jiff::civil::Date,
    (overdue_only, unverified_only): (bool, bool),
    tlp: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{tlp}\n");
    if rows.is_empty() {
        if unverified_only {
            let _ = writeln!(s, "no unverified actions as of {as_of}");
        } else if overdue_only {
            let _ = writeln!(s, "no overdue actions as of {as_of}");
        } else {
            let _ = writeln!(s, "no actions match");
        }
        return s;
    }
    let _ = writeln!(s, "  due         status       lesson       owner");
    for r in rows {
        let mark = if r.overdue {
            "!"
        } else if r.unverified {
            "?"
        } else {
            " "
        };
        let _ = writeln!(
            s,
            "{mark} {:<10}  {:<11}  {:<11}  {}",
            r.due.as_deref().unwrap_or("-"),
            terminal(r.status.unwrap_or("?")),
            fit(r.lesson, 11),
            fit(r.owner.unwrap_or("-"), WIDTH - 41)
        );
        let _ = writeln!(s, "    {}", fit(r.summary, WIDTH - 4));
    }
    let overdue = rows.iter().filter(|r| r.overdue).count();
    let unverified = rows.iter().filter(|r| r.unverified).count();
    let _ = write!(
        s,
        "\n{} action{}, {overdue} overdue as of {as_of} (marked !)",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    // Only said when there are some: the line stays as it was for
    // knowledge bases that do not verify actions yet.
    if unverified > 0 {
        let _ = write!(s, ", {unverified} done but unverified (marked ?)");
    }
    s.push('\n');
    s
}

impl super::Emit for Report<'_> {
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

/// The rows of `lessons actions`, as of a day.
pub struct Actions<'a> {
    pub rows: &'a [ActionRow<'a>],
    pub as_of: jiff::civil::Date,
    /// Listed with `--overdue`.
    pub overdue_only: bool,
    /// Listed with `--unverified`.
    pub unverified_only: bool,
    /// The `--max-tlp` they were listed with.
    pub max_tlp: Option<Tlp>,
}

impl Actions<'_> {
    /// The list's sharing level: the highest among the lessons it
    /// includes, and how many those are.
    fn tlp(&self) -> (Tlp, usize) {
        let mut lessons: Vec<&str> = self.rows.iter().map(|r| r.path).collect();
        lessons.sort_unstable();
        lessons.dedup();
        let highest = self.rows.iter().map(|r| r.tlp).max();
        (highest.unwrap_or(Tlp::Clear), lessons.len())
    }
}

impl super::Emit for Actions<'_> {
    fn emit(
        &self,
        format: super::Format,
        _: &super::Context,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            super::Format::Json => {
                #[derive(serde::Serialize)]
                struct Document<'a> {
                    tlp: Tlp,
                    #[serde(skip_serializing_if = "Option::is_none")]
                    max_tlp: Option<Tlp>,
                    as_of: String,
                    total: usize,
                    overdue: usize,
                    unverified: usize,
                    actions: &'a [ActionRow<'a>],
                }
                super::write_json(
                    &Document {
                        tlp: self.tlp().0,
                        max_tlp: self.max_tlp,
                        as_of: self.as_of.to_string(),
                        total: self.rows.len(),
                        overdue: self.rows.iter().filter(|r| r.overdue).count(),
                        unverified: self.rows.iter().filter(|r| r.unverified).count(),
                        actions: self.rows,
                    },
                    out,
                )
            }
            super::Format::Human => {
                let (tlp, lessons) = self.tlp();
                let line = tlp_line(tlp, self.max_tlp, lessons);
                out.write_all(
                    actions_table(
                        self.rows,
                        self.as_of,
                        (self.overdue_only, self.unverified_only),
                        &line,
                    )
                    .as_bytes(),
                )
            }
            f => Err(super::unsupported(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_and_fitting() {
        assert_eq!(sparkline(&[0, 1, 2, 4], 4), "·▂▄█");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        for cell in ["=1+2", "+1+cmd", "-x", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_field(cell), format!("\"'{cell}\""), "{cell:?}");
        }
        assert_eq!(csv_field("=A\"1"), "\"'=A\"\"1\"");
        assert_eq!(csv_field("-5"), "-5");
        assert_eq!(csv_field("a=b"), "a=b");
        assert_eq!(
            esc("<a href='x'>&</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}

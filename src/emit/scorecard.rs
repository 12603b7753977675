//! Output of the practice figures: the per-period section of `report`
//! (review timeliness, actions done, verified, found ineffective) and
//! `report --scorecard` (table, markdown, json, csv, html).

use std::fmt::Write as _;

use super::escape::{csv_cell, html as esc, markdown_text as md};
use super::report::{sparkline, tlp_line};
use crate::report::{PeriodFigures, Report};
use crate::tlp::Tlp;

/// How a figure reads.
#[derive(Clone, Copy)]
enum Kind {
    Count,
    /// A share from 0 to 1, shown as a percentage.
    Share,
    Minutes,
    Days,
}

struct Metric {
    label: &'static str,
    kind: Kind,
    value: fn(&PeriodFigures) -> Option<f64>,
}

macro_rules! count {
    ($label:expr, $field:ident) => {
        Metric {
            label: $label,
            kind: Kind::Count,
            value: |f| Some(f.$field as f64),
        }
    };
}

/// The scorecard's figures, in the order of the issue.
const METRICS: &[Metric] = &[
    count!("lessons", lessons),
    count!("near misses", near_misses),
    count!("low severity", low_severity),
    Metric {
        label: "repeat a known cause",
        kind: Kind::Share,
        value: |f| f.repeat_share,
    },
    Metric {
        label: "median to detect",
        kind: Kind::Minutes,
        value: |f| f.median_detect_minutes.map(|m| m as f64),
    },
    Metric {
        label: "median to contain",
        kind: Kind::Minutes,
        value: |f| f.median_contain_minutes.map(|m| m as f64),
    },
    Metric {
        label: "median to recover",
        kind: Kind::Minutes,
        value: |f| f.median_recover_minutes.map(|m| m as f64),
    },
    count!("reviewed", reviewed),
    Metric {
        label: "median days to review",
        kind: Kind::Days,
        value: |f| f.median_review_days,
    },
    Metric {
        label: "reviewed on time",
        kind: Kind::Share,
        value: |f| f.review_on_time_share,
    },
    count!("actions due", actions_due),
    count!("closed by due date", actions_on_time),
    count!("actions verified", actions_verified),
];

fn show(kind: Kind, v: Option<f64>) -> String {
    let Some(v) = v else { return "-".into() };
    match kind {
        Kind::Count => format!("{v}"),
        Kind::Share => format!("{:.0}%", v * 100.0),
        Kind::Minutes => crate::emit::show::duration((v as i64) * 60),
        Kind::Days => format!("{v}d"),
    }
}

/// The change from the previous period with its arrow (`▲ +2`, `▼ -5%`,
/// `= 0`); empty when either value is missing (the first period, a
/// period with nothing to measure).
fn change(kind: Kind, now: Option<f64>, before: Option<f64>) -> String {
    let (Some(now), Some(before)) = (now, before) else {
        return String::new();
    };
    let d = now - before;
    let (arrow, sign) = if d > 0.0 {
        ("▲", "+")
    } else if d < 0.0 {
        ("▼", "-")
    } else {
        return "= 0".into();
    };
    let size = d.abs();
    let text = match kind {
        Kind::Count => format!("{size}"),
        // Percentage points.
        Kind::Share => format!("{:.0}pt", size * 100.0),
        Kind::Minutes => crate::emit::show::duration((size as i64) * 60),
        Kind::Days => format!("{size}d"),
    };
    format!("{arrow} {sign}{text}")
}

fn changes(figures: &[PeriodFigures], m: &Metric, i: usize) -> String {
    let before = i.checked_sub(1).and_then(|j| (m.value)(&figures[j]));
    change(m.kind, (m.value)(&figures[i]), before)
}

/// A sparkline of one figure over the periods (missing values as gaps).
fn trend(figures: &[PeriodFigures], m: &Metric) -> String {
    // Scaled to whole steps of the largest value: shares and days are
    // fractional.
    let values: Vec<f64> = figures
        .iter()
        .map(|f| (m.value)(f).unwrap_or(0.0))
        .collect();
    let max = values.iter().copied().fold(0.0, f64::max);
    let scaled: Vec<usize> = values
        .iter()
        .map(|v| {
            if max > 0.0 {
                (v / max * 8.0).ceil() as usize
            } else {
                0
            }
        })
        .collect();
    sparkline(&scaled, 8)
}

/// The per-period section under the report (table): reviews and actions.
pub fn practice_table(report: &Report) -> String {
    let mut s = String::new();
    if report.practice.iter().all(|f| f.lessons == 0) {
        return s;
    }
    let _ = writeln!(
        s,
        "\nReviews and actions per {} (review target: {} days)",
        report.period.name(),
        report.review_within_days
    );
    let _ = writeln!(
        s,
        "{:<9} {:>7} {:>8} {:>7} {:>8} {:>5} {:>8} {:>9} {:>9}",
        "period",
        "lessons",
        "reviewed",
        "median",
        "on time",
        "done",
        "verified",
        "ineff.rev",
        "ineff.rec"
    );
    // A terminal shows the most recent periods; the other formats all.
    let skip = report.practice.len().saturating_sub(TABLE_PERIODS);
    for f in &report.practice[skip..] {
        let _ = writeln!(
            s,
            "{:<9} {:>7} {:>8} {:>7} {:>8} {:>5} {:>8} {:>9} {:>9}",
            super::escape::terminal(&f.period),
            f.lessons,
            f.reviewed,
            show(Kind::Days, f.median_review_days),
            show(Kind::Share, f.review_on_time_share),
            f.actions_done,
            f.actions_verified,
            f.actions_ineffective_by_review,
            f.actions_ineffective_by_recurrence
        );
    }
    if skip > 0 {
        let _ = writeln!(
            s,
            "(the last {TABLE_PERIODS} of {} periods; --format json, csv or html has them all)",
            report.practice.len()
        );
    }
    s
}

/// How many periods the terminal's per-period section shows.
const TABLE_PERIODS: usize = 12;

/// The per-period section under the report (Markdown).
pub fn practice_markdown(report: &Report) -> String {
    let mut s = String::new();
    if report.practice.iter().all(|f| f.lessons == 0) {
        return s;
    }
    let _ = writeln!(
        s,
        "#### Reviews and actions per {} (review target: {} days)\n",
        report.period.name(),
        report.review_within_days
    );
    s.push_str("| period | lessons | reviewed | median days to review | reviewed on time | actions done | verified | ineffective (review) | ineffective (recurrence) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for f in &report.practice {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&f.period),
            f.lessons,
            f.reviewed,
            show(Kind::Days, f.median_review_days),
            show(Kind::Share, f.review_on_time_share),
            f.actions_done,
            f.actions_verified,
            f.actions_ineffective_by_review,
            f.actions_ineffective_by_recurrence
        );
    }
    s.push('\n');
    s
}

/// The per-period section under the report (HTML).
pub fn practice_html(report: &Report) -> String {
    let mut s = String::new();
    if report.practice.iter().all(|f| f.lessons == 0) {
        return s;
    }
    let _ = writeln!(
        s,
        "<h2>Reviews and actions per {} (review target: {} days)</h2>\n<div class=\"wide\"><table>\n<thead><tr><th>period</th><th>lessons</th><th>reviewed</th><th>median days to review</th><th>reviewed on time</th><th>actions done</th><th>verified</th><th>ineffective (review)</th><th>ineffective (recurrence)</th></tr></thead>\n<tbody>",
        esc(report.period.name()),
        report.review_within_days
    );
    for f in &report.practice {
        let _ = writeln!(
            s,
            "<tr><td class=\"t\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&f.period),
            f.lessons,
            f.reviewed,
            esc(&show(Kind::Days, f.median_review_days)),
            esc(&show(Kind::Share, f.review_on_time_share)),
            f.actions_done,
            f.actions_verified,
            f.actions_ineffective_by_review,
            f.actions_ineffective_by_recurrence
        );
    }
    s.push_str("</tbody>\n</table></div>\n");
    s
}

/// `report --scorecard`: the report's practice figures, period by period.
pub struct Scorecard<'r, 'a> {
    pub report: &'r Report<'a>,
}

impl Scorecard<'_, '_> {
    fn tlp_line(&self) -> String {
        tlp_line(self.report.tlp, self.report.max_tlp, self.report.lessons)
    }

    fn heading(&self) -> String {
        let r = self.report;
        let f = &r.practice;
        let latest = match f.len() {
            0 => "no lessons".to_string(),
            1 => f[0].period.clone(),
            n => format!(
                "{} to {} · changes: {} against {}",
                f[0].period,
                f[n - 1].period,
                f[n - 1].period,
                f[n - 2].period
            ),
        };
        format!("Scorecard by {} · {latest}", r.period.name())
    }

    fn table(&self) -> String {
        let f = &self.report.practice;
        let mut s = format!("{}\n\n{}\n\n", self.tlp_line(), self.heading());
        let Some(last) = f.len().checked_sub(1) else {
            s.push_str("No lessons to measure.\n");
            return s;
        };
        let cut = if f.len() > 32 {
            " (the last 32 periods)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{:<22} {:>9}  {:<12} trend{cut}",
            "figure",
            super::escape::terminal(&f[last].period),
            "change"
        );
        for m in METRICS {
            let _ = writeln!(
                s,
                "{:<22} {:>9}  {:<12} {}",
                m.label,
                show(m.kind, (m.value)(&f[last])),
                changes(f, m, last),
                // The most recent periods that fit in 80 columns.
                trend(&f[f.len().saturating_sub(32)..], m)
            );
        }
        s
    }

    fn markdown(&self) -> String {
        let f = &self.report.practice;
        let mut s = format!(
            "**{}**\n\n### {}\n\n",
            md(&self.tlp_line()),
            md(&self.heading())
        );
        if f.is_empty() {
            s.push_str("No lessons to measure.\n");
            return s;
        }
        s.push_str("| figure |");
        for p in f {
            let _ = write!(s, " {} |", md(&p.period));
        }
        s.push_str(" trend |\n|---|");
        s.push_str(&"---:|".repeat(f.len()));
        s.push_str("---|\n");
        for m in METRICS {
            let _ = write!(s, "| {} |", m.label);
            for i in 0..f.len() {
                let c = changes(f, m, i);
                let c = if c.is_empty() { c } else { format!(" ({c})") };
                let _ = write!(s, " {}{} |", show(m.kind, (m.value)(&f[i])), md(&c));
            }
            let _ = writeln!(s, " {} |", trend(f, m));
        }
        s
    }

    fn csv(&self) -> String {
        let head = [
            "period",
            "lessons",
            "near_misses",
            "low_severity",
            "repeat_share",
            "median_detect_minutes",
            "median_contain_minutes",
            "median_recover_minutes",
            "reviewed",
            "median_review_days",
            "review_on_time_share",
            "actions_due",
            "actions_on_time",
            "actions_done",
            "actions_verified",
            "actions_ineffective_by_review",
            "actions_ineffective_by_recurrence",
        ];
        let mut s = head.join(",");
        s.push('\n');
        let o = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let oi = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        for f in &self.report.practice {
            let row = [
                csv_cell(&f.period),
                f.lessons.to_string(),
                f.near_misses.to_string(),
                f.low_severity.to_string(),
                o(f.repeat_share),
                oi(f.median_detect_minutes),
                oi(f.median_contain_minutes),
                oi(f.median_recover_minutes),
                f.reviewed.to_string(),
                o(f.median_review_days),
                o(f.review_on_time_share),
                f.actions_due.to_string(),
                f.actions_on_time.to_string(),
                f.actions_done.to_string(),
                f.actions_verified.to_string(),
                f.actions_ineffective_by_review.to_string(),
                f.actions_ineffective_by_recurrence.to_string(),
            ];
            s.push_str(&row.join(","));
            s.push('\n');
        }
        s
    }

    /// An inline SVG sparkline of one figure (no script, no external
    /// resource: the page is shared as a file).
    fn svg(f: &[PeriodFigures], m: &Metric) -> String {
        let values: Vec<Option<f64>> = f.iter().map(|p| (m.value)(p)).collect();
        let max = values.iter().flatten().copied().fold(0.0, f64::max);
        let (w, h) = (120.0, 24.0);
        let step = if values.len() > 1 {
            w / (values.len() - 1) as f64
        } else {
            0.0
        };
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let v = (*v)?;
                let y = if max > 0.0 {
                    h - v / max * (h - 2.0) - 1.0
                } else {
                    h - 1.0
                };
                Some(format!("{:.1},{:.1}", i as f64 * step, y))
            })
            .collect();
        format!(
            "<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"{}\"/></svg>",
            esc(m.label),
            points.join(" ")
        )
    }

    fn html(&self) -> String {
        let f = &self.report.practice;
        let heading = self.heading();
        let mut s = format!(
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
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; white-space: nowrap; }}
td.n {{ text-align: right; }}
.c {{ color: #666; font-size: 0.85em; }}
</style>
</head>
<body>
<p class="tlp"><strong>{}</strong></p>
<h1>{}</h1>
"#,
            esc(&heading),
            esc(&self.tlp_line()),
            esc(&heading)
        );
        if f.is_empty() {
            s.push_str("<p>No lessons to measure.</p>\n</body>\n</html>\n");
            return s;
        }
        s.push_str("<div class=\"wide\"><table>\n<thead><tr><th>figure</th>");
        for p in f {
            let _ = write!(s, "<th>{}</th>", esc(&p.period));
        }
        s.push_str("<th>trend</th></tr></thead>\n<tbody>\n");
        for m in METRICS {
            let _ = write!(s, "<tr><th>{}</th>", esc(m.label));
            for i in 0..f.len() {
                let _ = write!(
                    s,
                    "<td class=\"n\">{} <span class=\"c\">{}</span></td>",
                    esc(&show(m.kind, (m.value)(&f[i]))),
                    esc(&changes(f, m, i))
                );
            }
            let _ = writeln!(s, "<td>{}</td></tr>", Self::svg(f, m));
        }
        s.push_str("</tbody>\n</table></div>\n</body>\n</html>\n");
        s
    }
}

impl super::Emit for Scorecard<'_, '_> {
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
                    period: crate::report::Period,
                    review_within_days: u32,
                    periods: &'a [PeriodFigures],
                }
                let r = self.report;
                super::write_json(
                    &Document {
                        tlp: r.tlp,
                        max_tlp: r.max_tlp,
                        period: r.period,
                        review_within_days: r.review_within_days,
                        periods: &r.practice,
                    },
                    out,
                )
            }
            super::Format::Human => out.write_all(self.table().as_bytes()),
            super::Format::Markdown => out.write_all(self.markdown().as_bytes()),
            super::Format::Csv => out.write_all(self.csv().as_bytes()),
            super::Format::Html => out.write_all(self.html().as_bytes()),
            f => Err(super::unsupported(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_have_arrows() {
        assert_eq!(change(Kind::Count, Some(3.0), Some(1.0)), "▲ +2");
        assert_eq!(change(Kind::Count, Some(1.0), Some(3.0)), "▼ -2");
        assert_eq!(change(Kind::Share, Some(0.5), Some(0.25)), "▲ +25pt");
        assert_eq!(change(Kind::Days, Some(2.0), Some(2.0)), "= 0");
        assert_eq!(change(Kind::Count, None, Some(2.0)), "");
    }
}

//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), one function
//! per target, each taking the fuzzer's bytes. A fuzz target is a separate
//! crate and sees only public API; these functions give it the library's
//! own code paths (the ones `check`, `search`, `report` and `actions` run)
//! without making the modules behind them public. `tests/cli/fuzz_corpus.rs`
//! replays the committed corpora through the same functions on stable.
//!
//! Each function panics when the code it drives panics or breaks an
//! invariant the commands rely on (a span outside the text, a workflow
//! command split over two lines, JSON that does not parse): a panic is
//! what the fuzzer reports. Not an API for anything else: hidden from the
//! documentation, and free to change with the targets.

use std::sync::LazyLock;

use crate::check::{self, CheckReport};
use crate::config::Config;
use crate::emit::{self, Emit, Format};
use crate::index::facts::{self, ActionRecord, Cause, Facts, FactsRecord};
use crate::report;

/// Where the lesson under test sits, as `check` would name it.
const LESSON_PATH: &str = "lessons/2024/fuzz.md";

/// The embedded defaults, built once (their regexes are not free).
static CONFIG: LazyLock<Config> = LazyLock::new(Config::default);

/// `lesson` target: one lesson file's bytes through what `lessons check`
/// runs on a selected file (encoding, front matter, body, every per-file
/// rule, secrets and personal data, the knowledge-base-wide rules), then
/// every check output: human (plain and coloured), JSON, GitHub workflow
/// commands and job summary, SARIF. (`--strict` only relabels warnings:
/// not worth halving the fuzzer's speed for.)
pub fn lesson(bytes: &[u8]) {
    let options = check::Options {
        strict: false,
        keep_source: true,
    };
    let report = check::check_alone(&CONFIG, LESSON_PATH, bytes, options);
    lesson_invariants(&report, bytes);
    render_check(&report);
}

fn lesson_invariants(report: &CheckReport, bytes: &[u8]) {
    let text = crate::parse::source_text(bytes);
    let found = report.diagnostics().count();
    assert_eq!(report.errors + report.warnings, found, "counts");
    for d in report.diagnostics() {
        assert!(d.start.line >= 1 && d.start.column >= 1, "{d:?}");
        assert!(d.start <= d.end, "{d:?}");
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "span outside the {} bytes of text: {d:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
            "span inside a character: {d:?}"
        );
        for c in &d.context {
            assert!(c.span.end <= text.len(), "context outside the text: {d:?}");
        }
    }
}

fn render(value: &impl Emit, format: Format, color: bool) -> String {
    let cx = emit::Context {
        color,
        prefix: "docs/kb".into(),
        elapsed_ms: 1,
    };
    let mut out = Vec::new();
    value
        .emit(format, &cx, &mut out)
        .unwrap_or_else(|e| panic!("{format:?} output failed: {e}"));
    String::from_utf8(out).unwrap_or_else(|e| panic!("{format:?} output is not UTF-8: {e}"))
}

fn render_check(report: &CheckReport) {
    let found = report.diagnostics().count();
    render(report, Format::Human, false);
    render(report, Format::Human, true);
    let json: serde_json::Value =
        serde_json::from_str(&render(report, Format::Json, false)).expect("check JSON parses");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(found));
    let sarif: serde_json::Value =
        serde_json::from_str(&render(report, Format::Sarif, false)).expect("SARIF parses");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(found)
    );
    // One workflow command per finding, then the summary: lesson text
    // never starts a command of its own (GitHub reads each line).
    let github = render(report, Format::Github, false);
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), found + 1, "{github}");
    for line in &lines[..found] {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
    }
    assert!(!lines[found].starts_with("::"), "{github}");
    // The job summary: one table row per finding.
    let summary = emit::github::step_summary(report, "docs/kb");
    let rows = summary.lines().filter(|l| l.starts_with("| ")).count();
    let header = usize::from(found > 0);
    assert_eq!(rows, found + header, "{summary}");
}

/// `query` target: a search query through the query parser, as `search`
/// and `similar` parse it, and a refused query through the message the
/// command line prints (which points a caret at the error's position).
pub fn query(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match crate::search::plan::parse_query(&text) {
        Ok(clauses) => {
            check_clauses(&text, &clauses);
            crate::search::query::is_plain(&clauses);
        }
        Err(e) => {
            if let crate::Error::Query { position, .. } = &e {
                assert!(text.is_char_boundary(*position), "{e:?}");
            }
            let mut out = Vec::new();
            crate::cli::write_error(&e, false, &mut out);
            assert!(!out.is_empty());
        }
    }
    crate::search::query::plain_words(&text);
}

fn check_clauses(text: &str, clauses: &[crate::search::query::Clause]) {
    use crate::search::query::Atom;
    for c in clauses {
        // Messages about a clause slice the query at `at`.
        assert!(
            c.at <= text.len() && text.is_char_boundary(c.at),
            "{c:?} in {text:?}"
        );
        match &c.atom {
            Atom::Group(inner) | Atom::Any(inner) => check_clauses(text, inner),
            Atom::Word { .. } | Atom::Phrase(_) | Atom::Field { .. } => {}
        }
    }
}

/// `facts` target: a facts file (the index's side file that `report` and
/// `actions` read) through the reader; what it accepts must read back the
/// same after writing it again, and must survive the report in every
/// grouping and format and the action list.
pub fn facts(bytes: &[u8]) {
    let Ok(decoded) = facts::decode(bytes) else {
        return;
    };
    let records: Vec<FactsRecord> = decoded.iter().map(to_record).collect();
    let encoded: Vec<Vec<u8>> = records
        .iter()
        .map(|r| facts::record(r).expect("a decoded record encodes"))
        .collect();
    let again = facts::concat(encoded.iter().map(Vec::as_slice));
    let reread = facts::decode(&again).expect("written facts read back");
    let reread: Vec<FactsRecord> = reread.iter().map(to_record).collect();
    assert_eq!(reread, records, "facts differ after a round trip");
    report_facts(&decoded);
}

/// Everything a report may read of a lesson's facts, walked.
fn to_record<'a>(f: &Facts<'a>) -> FactsRecord<'a> {
    FactsRecord {
        path: f.path,
        id: f.id,
        status: f.status,
        kind: f.kind,
        severity: f.severity,
        tlp: f.tlp,
        occurred: f.occurred,
        detected: f.detected,
        contained: f.contained,
        recovered: f.recovered,
        systems: f.systems.iter().collect(),
        teams: f.teams.iter().collect(),
        functions: f.functions.iter().collect(),
        reviewed: f.reviewed,
        causes: f
            .causes
            .iter()
            .map(|c| Cause {
                category: c.category,
                key: c.key,
            })
            .collect(),
        actions: f
            .actions
            .iter()
            .zip(
                f.verifications
                    .iter()
                    .chain(std::iter::repeat(Default::default())),
            )
            .map(|(a, v): (_, crate::index::facts::Verification)| {
                let d = a.details();
                ActionRecord {
                    verified: v.verified,
                    effective: v.effective,
                    summary: d.summary,
                    kind: d.kind,
                    owner: d.owner,
                    due: d.due,
                    status: a.status,
                    completed: a.completed,
                    addresses: a.addresses.iter().collect(),
                    link: d.link,
                }
            })
            .collect(),
    }
}

fn report_facts(all: &[Facts]) {
    for by in report::GroupBy::ALL {
        let options = report::Options {
            by,
            min_count: 1,
            since: None,
            until: None,
            period: report::Period::Quarter,
            statuses: Vec::new(),
            max_tlp: None,
            functions: Vec::new(),
            targets: report::Targets::default(),
        };
        let built = report::build(all, &options);
        // The scorecard computes its figures alone: the same figures.
        let practice = report::build_practice(all, &options);
        assert_eq!(practice.practice, built.practice, "the scorecard's figures");
        let card = emit::scorecard::Scorecard { report: &practice };
        for format in [
            Format::Human,
            Format::Json,
            Format::Markdown,
            Format::Csv,
            Format::Html,
        ] {
            render(&built, format, false);
            render(&card, format, false);
        }
        if by == report::GroupBy::ALL[0] {
            // The views per business function read the same facts.
            for audience in report::views::Audience::ALL {
                let view =
                    report::views::build(all, &options, audience, jiff::civil::date(2025, 6, 30));
                for format in [
                    Format::Human,
                    Format::Json,
                    Format::Markdown,
                    Format::Csv,
                    Format::Html,
                ] {
                    render(&view, format, false);
                }
            }
        }
    }
    let today = jiff::civil::date(2025, 6, 30);
    let filter = report::ActionFilter {
        overdue: true,
        ..report::ActionFilter::default()
    };
    for filter in [report::ActionFilter::default(), filter] {
        let rows = report::actions(all, &filter, today);
        let actions = emit::report::Actions {
            rows: &rows,
            as_of: today,
            overdue_only: filter.overdue,
            unverified_only: filter.unverified,
            max_tlp: None,
        };
        render(&actions, Format::Human, false);
        render(&actions, Format::Json, false);
    }
}

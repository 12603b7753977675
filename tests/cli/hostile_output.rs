//! Lesson text is untrusted in every output: escape sequences never reach
//! a terminal or a GitHub log, spreadsheet formulas never go live, Markdown
//! adds no link, image or mention, HTML isolates bidirectional text. And
//! the report's formats carry the same figures.

use crate::common::Kb;

/// ESC (CSI clear screen, OSC 8 hyperlink with ST and BEL), BEL, a C1 CSI
/// (U+009B) and a right-to-left override, as TOML escapes.
const HOSTILE: &str =
    r"\u001b[2J\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u0007\u0007\u009b31m\u202e";

/// A lesson with hostile text in its title, systems, owner, cause, action
/// and body (raw bytes there), sharing its cause key with another.
fn hostile_lesson(id: &str, day: &str, owner: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"Certificate {HOSTILE} expired\"\nstatus = \"final\"\nkind = \"outage\"\n\
severity = \"high\"\noccurred = {day}T10:00:00Z\ndetected = {day}T10:30:00Z\ncontained = {day}T11:00:00Z\n\
recovered = {day}T12:00:00Z\nreviewed = {day}T13:00:00Z\nsystems = [\"gateway{HOSTILE}\", \"cdn\"]\n\n\
[[causes]]\ncategory = \"process-gap\"\nkey = \"expired-cert\"\nsummary = \"Renewal {HOSTILE} was manual\"\n\n\
[[actions]]\nsummary = \"Automate {HOSTILE} renewal\"\ntype = \"tooling\"\nowner = \"{owner}\"\n\
due = 2020-01-01\nstatus = \"open\"\naddresses = [\"expired-cert\"]\n+++\n\n\
## Summary\n\nThe certificate \x1b[2J\x1b]8;;http://e\x07x\x1b]8;;\x07 expired \u{9b}31m \r fake line.\n\n\
## Timeline\n\n- {day} 10:00Z certificate expired\n\n## Analysis\n\nRenewal of the certificate was manual.\n"
    )
}

fn hostile_kb() -> Kb {
    let kb = Kb::new();
    kb.write(
        "lessons/2024/cert\x1b[31m\u{9b}.md",
        hostile_lesson("LL-2024-001", "2024-01-10", r"ops\u001b[2J"),
    );
    kb.write(
        "lessons/2024/cert-again.md",
        hostile_lesson("LL-2024-002", "2024-05-10", "ops"),
    );
    // A finding that quotes a hostile value, in a hostile file name.
    kb.write(
        "lessons/2024/bad\x1b]8;;e\x07.md",
        hostile_lesson("LL-2024-003", "2024-06-10", "ops").replace(
            "severity = \"high\"",
            &format!("severity = \"hi{HOSTILE}gh\""),
        ),
    );
    kb.git_init();
    kb.commit_all("hostile lessons");
    kb
}

/// The first control character a terminal or a viewer could act on: any
/// C0 control but a line feed, DEL, a C1 control, a bidirectional override
/// or isolate.
fn raw_control(s: &str) -> Option<(usize, char)> {
    s.char_indices().find(|(_, c)| {
        (c.is_control() && *c != '\n')
            || ('\u{202a}'..='\u{202e}').contains(c)
            || ('\u{2066}'..='\u{2069}').contains(c)
    })
}

#[test]
fn no_raw_control_characters_in_any_human_output() {
    let kb = hostile_kb();
    let summary = kb.path().join("summary.md");
    let commands: &[&[&str]] = &[
        &["search", "certificate"],
        &["search", "certificate", "--explain"],
        &["show", "LL-2024-001"],
        &["similar", "LL-2024-002"],
        &["actions"],
        &["report", "--min-count", "1"],
        &["report", "--min-count", "1", "--by", "system"],
        &["report", "--min-count", "1", "--format", "markdown"],
        &["report", "--min-count", "1", "--format", "html"],
        &["causes"],
        &["check"],
        &["check", "--format", "github"],
    ];
    for args in commands {
        for color in ["never", "auto"] {
            let mut all = vec!["--color", color];
            all.extend_from_slice(args);
            let out = kb
                .command(&all)
                .env("LESSONS_TODAY", "2024-12-01")
                .env("GITHUB_STEP_SUMMARY", &summary)
                .output()
                .expect("lessons runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{all:?}: {stderr}"
            );
            assert!(!stdout.trim().is_empty(), "{all:?}: {stderr}");
            for (what, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                if let Some((at, c)) = raw_control(text) {
                    panic!(
                        "{all:?}: raw {c:?} in {what} at {at}: {:?}",
                        &text[at.saturating_sub(40)..(at + 40).min(text.len())]
                    );
                }
            }
        }
    }
    // The neutralised sequence stays readable, as check's messages show it.
    let show = kb.run(&["show", "LL-2024-001"]).stdout;
    assert!(
        show.contains("Certificate ␛[2J␛]8;;http://evil.example"),
        "{show}"
    );
    let check = kb.run(&["check"]).stdout;
    assert!(check.contains("--> lessons/2024/bad␛]8;;e␇.md"), "{check}");
    let step = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(raw_control(&step), None, "{step}");
}

#[test]
fn actions_are_cut_after_neutralising_never_inside_a_sequence() {
    let kb = hostile_kb();
    let out = kb.run(&["actions", "--as-of", "2024-12-01"]);
    assert_eq!(raw_control(&out.stdout), None, "{}", out.stdout);
    // The owner column keeps its width: one stand-in per control.
    assert!(out.stdout.contains("ops␛[2J"), "{}", out.stdout);
}

/// A TOML basic string (Rust's `{:?}` writes `\u{202e}`, which TOML
/// does not read).
fn toml(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn systems_lesson(id: &str, day: &str, systems: &[&str], title: &str) -> String {
    let systems: Vec<String> = systems.iter().map(|s| toml(s)).collect();
    let title = toml(title);
    format!(
        "+++\nid = \"{id}\"\ntitle = {title}\nstatus = \"draft\"\nkind = \"outage\"\nseverity = \"high\"\n\
occurred = {day}\nsystems = [{}]\n\n[[causes]]\ncategory = \"process-gap\"\nkey = \"k\"\nsummary = \"S\"\n\n\
[[actions]]\nsummary = {title}\ntype = \"tooling\"\nowner = \"o\"\nstatus = \"done\"\ncompleted = 2020-01-01\naddresses = [\"k\"]\n\
+++\n\n## Summary\nS.\n\n## Timeline\n- {day} x\n\n## Analysis\nA.\n",
        systems.join(", ")
    )
}

#[test]
fn csv_cells_that_would_be_formulas_are_prefixed() {
    let kb = Kb::new();
    let systems = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tTAB",
        "\rCR",
        "plain",
    ];
    kb.write(
        "lessons/a.md",
        systems_lesson("LL-2024-001", "2024-01-01", &systems, "A"),
    );
    kb.write(
        "lessons/b.md",
        systems_lesson("LL-2024-002", "2024-02-01", &systems, "B"),
    );
    kb.git_init();
    kb.commit_all("csv");
    let out = kb.run(&["report", "--by", "system", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for system in &systems[..6] {
        let cell = format!("\"'{}\"", system.replace('"', "\"\""));
        assert!(out.stdout.contains(&cell), "{cell} not in:\n{}", out.stdout);
    }
    assert!(out.stdout.contains("\nplain,2,"), "{}", out.stdout);
    // Counts stay numbers.
    assert!(!out.stdout.contains("'2"), "{}", out.stdout);
}

#[test]
fn markdown_outputs_add_no_link_image_or_mention() {
    let kb = Kb::new();
    let hostile = "[click](http://evil.example) ![img](http://evil.example/x.png) @org/team";
    kb.write(
        "lessons/a.md",
        systems_lesson("LL-2024-001", "2024-01-01", &[hostile], hostile),
    );
    kb.write(
        "lessons/b.md",
        systems_lesson("LL-2024-002", "2024-02-01", &[hostile], hostile).replace(
            "severity = \"high\"",
            &format!("severity = {}", toml(hostile)),
        ),
    );
    kb.git_init();
    kb.commit_all("markdown");
    let inert = |what: &str, text: &str| {
        // Code spans are shown as they are: inert.
        let outside: String = text.split('`').step_by(2).collect();
        for live in ["[click](", "![img](", " @org", "<img"] {
            assert!(!outside.contains(live), "{what}: {live} in:\n{text}");
        }
    };
    let report = kb.run(&["report", "--by", "system", "--format", "markdown"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(report.stdout.contains("\\[click\\]"), "{}", report.stdout);
    inert("report --format markdown", &report.stdout);

    let summary = kb.path().join("summary.md");
    let out = kb
        .command(&["check", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let step = std::fs::read_to_string(&summary).unwrap();
    assert!(step.contains("invalid-value"), "{step}");
    inert("job summary", &step);
}

#[test]
fn html_report_isolates_bidirectional_text() {
    let kb = Kb::new();
    let systems = ["evil\u{202e}moc.elgoog", "\u{5e9}\u{5e8}\u{5ea}", "cdn"];
    kb.write(
        "lessons/a.md",
        systems_lesson("LL-2024-001", "2024-01-01", &systems, "A"),
    );
    kb.write(
        "lessons/b.md",
        systems_lesson("LL-2024-002", "2024-02-01", &systems, "B"),
    );
    kb.git_init();
    kb.commit_all("bidi");
    let html = kb.run(&["report", "--format", "html"]).stdout;
    assert!(!html.contains('\u{202e}'), "a raw override");
    // Each system isolated from its neighbours, and each lesson id.
    assert!(
        html.contains(
            "<bdi class=\"t\">evil\u{fffd}moc.elgoog</bdi>, <bdi class=\"t\">\u{5e9}\u{5e8}\u{5ea}</bdi>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<bdi class=\"t\">LL-2024-001</bdi>"),
        "{html}"
    );
    // Ids and dates are not broken at their hyphens; the page is not narrow.
    assert!(
        html.contains(".t, .spark { white-space: nowrap; }"),
        "{html}"
    );
    assert!(!html.contains("max-width: 60rem"), "{html}");
    assert!(!html.contains("--format json"), "{html}");
}

/// One row's cells, in the table, Markdown and HTML formats, for a group.
fn row_of<'t>(text: &'t str, name: &str, starts: &str) -> &'t str {
    text.lines()
        .find(|l| l.starts_with(&starts.replace("NAME", name)))
        .unwrap_or_else(|| panic!("no row for {name} in:\n{text}"))
}

fn duration(secs: Option<i64>) -> String {
    let Some(s) = secs else { return "-".into() };
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[test]
fn report_formats_carry_the_same_figures() {
    let kb = Kb::example();
    let json = kb.json_ok(&["report", "--by", "category"]);
    let table = kb.run(&["report", "--by", "category"]).stdout;
    let markdown = kb
        .run(&["report", "--by", "category", "--format", "markdown"])
        .stdout;
    let html = kb
        .run(&["report", "--by", "category", "--format", "html"])
        .stdout;
    let csv = kb
        .run(&["report", "--by", "category", "--format", "csv"])
        .stdout;
    let groups = json["groups"].as_array().unwrap();
    assert!(groups.len() > 2);
    let mut medians_seen = 0;
    for g in groups {
        let name = g["name"].as_str().unwrap();
        let figures: Vec<String> = [
            g["count"].to_string(),
            g["first_occurred"].as_str().unwrap().to_string(),
            g["last_occurred"].as_str().unwrap().to_string(),
            g["open_actions"].to_string(),
        ]
        .into_iter()
        .collect();
        let medians: Vec<String> = ["detect", "contain", "recover"]
            .iter()
            .map(|m| duration(g[format!("median_time_to_{m}")].as_i64()))
            .collect();
        medians_seen += medians.iter().filter(|m| *m != "-").count();
        let md_row = row_of(&markdown, name, "| `NAME` |");
        let html_row = row_of(&html, name, "<tr><td><code><bdi class=\"t\">NAME</bdi>");
        let table_row = row_of(&table, name, "NAME ");
        for f in &figures {
            assert!(
                md_row.contains(&format!("| {f} |")),
                "markdown lacks {f}: {md_row}"
            );
            assert!(
                html_row.contains(&format!(">{f}</td>")),
                "html lacks {f}: {html_row}"
            );
            assert!(
                table_row.contains(&format!(" {f} ")),
                "table lacks {f}: {table_row}"
            );
        }
        let md_medians: Vec<&str> = md_row
            .trim_end_matches(" |")
            .rsplit(" | ")
            .take(3)
            .collect();
        let want: Vec<&str> = medians.iter().rev().map(String::as_str).collect();
        assert_eq!(md_medians, want, "markdown medians of {name}");
        for m in &medians {
            assert!(
                html_row.contains(&format!("\"n\">{m}</td>")),
                "html lacks {m}: {html_row}"
            );
        }
        // The table's medians: under "Median time from occurrence".
        let part = table.split("Median time from occurrence").nth(1).unwrap();
        let median_row = row_of(part.trim_start_matches('\n'), name, "NAME ");
        let cells = median_row[name.len()..].split_whitespace();
        assert_eq!(cells.collect::<Vec<_>>().join(" "), medians.join(" "));
        // CSV: seconds, and every period's count.
        let csv_row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{name},")))
            .unwrap();
        let trend: Vec<String> = g["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(csv_row.ends_with(&trend.join(",")), "{csv_row}");
        let sum: u64 = g["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(sum, g["count"].as_u64().unwrap());
        assert!(html_row.contains(&format!(
            "title=\"{}: {}",
            json["periods"][0].as_str().unwrap(),
            trend[0]
        )));
    }
    assert!(medians_seen > 0, "the example records times");
    let actions = json["ineffective_actions"].as_array().unwrap().len();
    for (format, text) in [("table", &table), ("markdown", &markdown), ("html", &html)] {
        assert!(
            text.contains(&format!(
                "Actions that did not prevent recurrence ({actions})"
            )),
            "{format}:\n{text}"
        );
    }
}

#[test]
fn report_table_says_when_the_trend_is_shortened() {
    let kb = Kb::new();
    kb.write(
        "lessons/a.md",
        systems_lesson("LL-2007-001", "2007-08-01", &["s"], "A"),
    );
    kb.write(
        "lessons/b.md",
        systems_lesson("LL-2023-002", "2023-05-01", &["s"], "B"),
    );
    kb.git_init();
    kb.commit_all("long");
    let table = kb.run(&["report"]).stdout;
    // 2007-Q3 to 2023-Q2 is 64 quarters; 55 fit beside the names.
    assert!(
        table.contains("Lessons per quarter, the last 55 of 64 (2009-Q4 to 2023-Q2;"),
        "{table}"
    );
    let markdown = kb.run(&["report", "--format", "markdown"]).stdout;
    assert!(
        markdown.contains("per quarter \\(2007-Q3 to 2023-Q2\\)"),
        "{markdown}"
    );
}

#[test]
fn show_leaves_out_the_template_comments() {
    let kb = Kb::new();
    kb.git_init();
    let out = kb.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let new = kb.run(&["new", "Disk filled up", "--system", "db"]);
    assert_eq!(new.code, 0, "{}", new.stderr);
    let path = new.stdout.trim();
    let text = std::fs::read_to_string(kb.path().join(path)).unwrap();
    assert!(text.contains("<!--"), "the template has prompts:\n{text}");
    let show = kb.run(&["show", path]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(!show.stdout.contains("<!--"), "{}", show.stdout);
    assert!(!show.stdout.contains("-->"), "{}", show.stdout);
    assert!(show.stdout.contains("Summary"), "{}", show.stdout);
    assert!(
        !show.stdout.contains("\n\n\n"),
        "no runs of blank lines:\n{}",
        show.stdout
    );
}

#[test]
fn actions_overdue_with_none_overdue_says_so() {
    let kb = Kb::new();
    kb.write(
        "lessons/a.md",
        hostile_lesson("LL-2024-001", "2024-01-10", "ops"),
    );
    kb.git_init();
    kb.commit_all("one");
    let out = kb.run(&["actions", "--overdue", "--as-of", "2019-12-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("no overdue actions as of 2019-12-01"),
        "{}",
        out.stdout
    );
    let out = kb.run(&["actions", "--owner", "nobody"]);
    assert!(out.stdout.contains("no actions match"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_reported_as_a_loop() {
    let kb = Kb::new();
    kb.write(
        "lessons/real.md",
        hostile_lesson("LL-2024-001", "2024-01-10", "ops"),
    );
    std::os::unix::fs::symlink("loop-b.md", kb.path().join("lessons/loop-a.md")).unwrap();
    std::os::unix::fs::symlink("loop-a.md", kb.path().join("lessons/loop-b.md")).unwrap();
    std::os::unix::fs::symlink("gone.md", kb.path().join("lessons/broken.md")).unwrap();
    let (code, doc) = kb.check_json(&[]);
    assert_eq!(code, 1);
    let message = |path: &str| {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == path)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no finding on {path}: {doc}"))
    };
    assert!(message("lessons/loop-a.md").starts_with("symbolic link loop"));
    assert!(message("lessons/loop-b.md").starts_with("symbolic link loop"));
    assert!(message("lessons/broken.md").contains("target does not exist"));
}

//! What `new` writes: a lesson with the next free id, a file name from
//! the title, and the required sections with one-line prompts from the
//! practice.

use std::fmt::Write as _;

use super::{list, quote};
use crate::config::Config;

/// A file name from a title: a slug (see [`crate::text::slug`]) of at
/// most 60 characters, cut at a word.
pub fn slug(title: &str) -> String {
    crate::text::slug_within(title, 60)
}

/// What a new lesson starts with.
#[derive(Debug, Clone)]
pub struct NewLesson {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub severity: String,
    pub occurred: jiff::civil::Date,
    /// Empty: a placeholder the author replaces (`systems` is required).
    pub systems: Vec<String>,
    pub teams: Vec<String>,
}

/// The placeholder written when no `--system` is given.
pub const SYSTEM_PLACEHOLDER: &str = "unknown";

/// One-line prompts for the sections, from the practice of blameless
/// reviews; other required sections get a generic one.
pub(super) fn prompt(section: &str) -> &'static str {
    match section.to_ascii_lowercase().as_str() {
        "summary" => {
            "What happened, in two or three sentences, and its scope: which systems, data, customers and teams were affected, and for how long."
        }
        "timeline" => {
            "Facts only, in order, one per line, times in UTC (YYYY-MM-DD HH:MMZ): first sign, detection, escalation, containment, recovery. No judgement here."
        }
        "analysis" => {
            "Root causes beyond the surface error: the process gaps, training needs and governance weaknesses that let it happen, each as a [[causes]] entry. Blameless: describe conditions and decisions, not culprits. Then the improvement actions, each with an owner and a due date, as [[actions]] entries."
        }
        "impact" => "Who and what was affected, how much, and for how long.",
        "actions" | "improvement actions" => {
            "What will change, who owns it and by when; record each as an [[actions]] entry."
        }
        _ => "Write this section (lessons.toml requires it).",
    }
}

/// The text of a new lesson. It passes `lessons check` as written: a
/// `draft` needs no review date, cause or action, and the commented tables
/// show how to add them.
pub fn lesson_text(config: &Config, new: &NewLesson) -> String {
    let v = &config.vocabulary;
    let systems = if new.systems.is_empty() {
        vec![SYSTEM_PLACEHOLDER.to_string()]
    } else {
        new.systems.clone()
    };
    let mut s = String::new();
    s.push_str("+++\n");
    let _ = writeln!(s, "id = {}", quote(&new.id));
    let _ = writeln!(s, "title = {}", quote(&new.title));
    let _ = writeln!(
        s,
        "status = \"draft\"  # draft, review, then final once reviewed"
    );
    let _ = writeln!(s, "kind = {}  # {}", quote(&new.kind), v.kinds.join(", "));
    let _ = writeln!(
        s,
        "severity = {}  # {}",
        quote(&new.severity),
        v.severities.join(", ")
    );
    let _ = writeln!(
        s,
        "tlp = {}  # who may read it (TLP 2.0): {}",
        quote(config.sharing.default_tlp.name()),
        crate::tlp::Tlp::names()
    );
    let _ = writeln!(
        s,
        "occurred = {}  # when it began; a time is better: {}T09:58:00Z",
        new.occurred, new.occurred
    );
    s.push_str("# detected = ...   # when it was noticed\n");
    s.push_str("# contained = ...  # when the damage stopped growing\n");
    s.push_str("# recovered = ...  # when service or data was back\n");
    s.push_str("# reviewed = ...   # the date of the review meeting (required when final)\n");
    let _ = writeln!(s, "systems = {}  # in scope", list(&systems));
    if !new.teams.is_empty() {
        let _ = writeln!(s, "teams = {}", list(&new.teams));
    }
    let _ = writeln!(s, "# teams = [\"...\"]");
    let _ = writeln!(
        s,
        "# functions = [\"...\"]  # business functions it informs: {}",
        v.functions.join(", ")
    );
    s.push_str("# tags = [\"...\"]\n");
    s.push_str("# participants = [\"...\"]  # who took part in the review\n");
    s.push_str("# related = [\"...\"]  # ids of earlier lessons it builds on\n");
    s.push('\n');
    s.push_str(
        "# Root causes, beyond the surface error. One [[causes]] table each; give\n\
         # the same key to every lesson with the same cause, so that recurrences\n\
         # show in `lessons report`.\n",
    );
    s.push_str("# [[causes]]\n");
    let _ = writeln!(
        s,
        "# category = \"{}\"  # {}",
        v.cause_categories
            .first()
            .map_or("process-gap", String::as_str),
        v.cause_categories.join(", ")
    );
    s.push_str("# key = \"a-short-stable-slug\"\n");
    s.push_str("# summary = \"One sentence: the condition that allowed it\"\n");
    s.push('\n');
    s.push_str("# Improvement actions: concrete, owned and dated, each addressing a cause.\n");
    s.push_str("# [[actions]]\n");
    s.push_str("# summary = \"What will change\"\n");
    let _ = writeln!(
        s,
        "# type = \"{}\"  # {}",
        v.action_types
            .first()
            .map_or("procedure-update", String::as_str),
        v.action_types.join(", ")
    );
    s.push_str("# owner = \"a person, team or role\"\n");
    s.push_str("# due = YYYY-MM-DD\n");
    s.push_str("# status = \"open\"  # open, in-progress, done, dropped\n");
    s.push_str("# addresses = [\"a-short-stable-slug\"]\n");
    s.push_str("# link = \"https://tracker.example.com/...\"\n");
    s.push_str("# Once done: completed = YYYY-MM-DD; later, once someone checked it worked:\n");
    s.push_str("# verified = YYYY-MM-DD\n");
    s.push_str("# effective = true  # false when the check found it did not work\n");
    s.push_str("+++\n");
    for section in &config.required_sections {
        let _ = writeln!(s, "\n## {section}\n\n<!-- {} -->", prompt(section));
        if section.eq_ignore_ascii_case("timeline") {
            let _ = writeln!(s, "\n- {} What happened first", new.occurred);
        }
    }
    s
}

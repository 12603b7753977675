//! The lesson model: what one lesson file says, with the byte span of every
//! value so later steps can point at it.
//!
//! Values are `Option` because a lesson that breaks the format is still
//! modelled as far as it parses: validation reports what is missing, search
//! indexes what is there.

use std::ops::Range;

/// A value and the byte range of the file it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Sp { value, span }
    }
}

/// Written out as its value alone: spans are for diagnostics.
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// A point in time from the front matter or the timeline. Dates read as
/// 00:00 UTC and local datetimes as UTC (the contract's comparison rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub utc: jiff::Timestamp,
    /// False for a bare date (`2024-03-12`).
    pub has_time: bool,
}

pub type Strings = Sp<Vec<Sp<String>>>;

/// The text of an optional value, without its span.
pub fn text(v: &Option<Sp<String>>) -> Option<&str> {
    v.as_ref().map(|v| v.value.as_str())
}

/// The texts of an optional list, without spans (empty when absent).
pub fn texts(v: &Option<Strings>) -> Vec<&str> {
    v.iter()
        .flat_map(|l| &l.value)
        .map(|s| s.value.as_str())
        .collect()
}

/// [`text`], owned.
pub fn opt_text(v: &Option<Sp<String>>) -> Option<String> {
    text(v).map(str::to_string)
}

/// [`texts`], owned.
pub fn all_texts(v: &Option<Strings>) -> Vec<String> {
    texts(v).into_iter().map(str::to_string).collect()
}

/// Whether an action with this status is still to be done (and so can be
/// overdue).
pub fn is_open_action(status: Option<&str>) -> bool {
    matches!(status, Some("open" | "in-progress"))
}

/// A cause. Serialized (for `show`) as its category, key and summary.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Cause {
    /// The `[[causes]]` header (or inline table) of this cause.
    #[serde(skip)]
    pub span: Range<usize>,
    pub category: Option<Sp<String>>,
    pub key: Option<Sp<String>>,
    pub summary: Option<Sp<String>>,
    /// Keys present with a value of the wrong type (already reported).
    #[serde(skip)]
    pub ill_typed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Action {
    /// The `[[actions]]` header (or inline table) of this action.
    pub span: Range<usize>,
    pub summary: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub owner: Option<Sp<String>>,
    pub due: Option<Sp<Moment>>,
    pub status: Option<Sp<String>>,
    pub completed: Option<Sp<Moment>>,
    /// When someone checked that the action worked (version 2).
    pub verified: Option<Sp<Moment>>,
    /// What that check found (version 2).
    pub effective: Option<Sp<bool>>,
    pub addresses: Option<Strings>,
    pub link: Option<Sp<String>>,
    /// Keys present with a value of the wrong type (already reported).
    pub ill_typed: Vec<String>,
}

/// A level-2 section of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// The heading line.
    pub heading: Range<usize>,
    /// From after the heading to the next level-2 heading or the end.
    pub content: Range<usize>,
}

/// A `Timeline` list item that begins with a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineItem {
    pub at: Moment,
    /// The date (and time) at the start of the item.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// The body: everything after the closing `+++` line.
    pub span: Range<usize>,
    pub sections: Vec<Section>,
    pub timeline: Vec<TimelineItem>,
    pub words: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lesson {
    /// Relative to the knowledge base root, `/` separators.
    pub path: String,
    /// The opening `+++` line: where file-level findings point.
    pub opening: Range<usize>,
    pub id: Option<Sp<String>>,
    pub title: Option<Sp<String>>,
    pub status: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub severity: Option<Sp<String>>,
    /// The TLP 2.0 sharing level as written (see [`Lesson::tlp`]).
    pub tlp: Option<Sp<String>>,
    pub occurred: Option<Sp<Moment>>,
    pub detected: Option<Sp<Moment>>,
    pub contained: Option<Sp<Moment>>,
    pub recovered: Option<Sp<Moment>>,
    pub reviewed: Option<Sp<Moment>>,
    pub systems: Option<Strings>,
    pub teams: Option<Strings>,
    pub tags: Option<Strings>,
    pub functions: Option<Strings>,
    pub participants: Option<Strings>,
    pub related: Option<Strings>,
    pub causes: Option<Sp<Vec<Cause>>>,
    pub actions: Option<Sp<Vec<Action>>>,
    /// False when the front matter is not valid TOML: the values above are
    /// then absent and must not be reported as missing.
    pub front_matter_parsed: bool,
    /// Keys present with a value of the wrong type (already reported, so
    /// not reported again as missing).
    pub ill_typed: Vec<String>,
    pub body: Body,
}

impl Lesson {
    pub fn causes(&self) -> &[Cause] {
        self.causes.as_ref().map_or(&[], |c| &c.value)
    }

    /// The text of the first level-2 section with this title (any case).
    pub fn section<'t>(&self, text: &'t str, title: &str) -> Option<&'t str> {
        self.body
            .sections
            .iter()
            .find(|s| s.title.eq_ignore_ascii_case(title))
            .and_then(|s| text.get(s.content.clone()))
    }

    pub fn actions(&self) -> &[Action] {
        self.actions.as_ref().map_or(&[], |a| &a.value)
    }

    /// How far the lesson may travel: its `tlp`, else `default`. Fails
    /// closed (`RED`) when that is not known: a front matter that does not
    /// parse, a `tlp` of the wrong type or outside the five levels.
    pub fn tlp(&self, default: crate::tlp::Tlp) -> crate::tlp::Tlp {
        if !self.front_matter_parsed || self.ill_typed.iter().any(|k| k == "tlp") {
            return crate::tlp::Tlp::Red;
        }
        crate::tlp::Tlp::effective(text(&self.tlp), default)
    }
}

/// The status values of a lesson, fixed by the contract.
pub const LESSON_STATUSES: &[&str] = &["draft", "review", "final"];
/// The status values of an action, fixed by the contract.
pub const ACTION_STATUSES: &[&str] = &["open", "in-progress", "done", "dropped"];

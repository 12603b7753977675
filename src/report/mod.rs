//! Recurring root causes, the actions that did not prevent a recurrence,
//! trends and response times, computed from the facts the index keeps.
//!
//! The rules are the contract's (lesson-format.md, "Recurrence"): a lesson
//! counts once per group however many of its causes share it; an action did
//! not prevent recurrence when it is `done`, has a `completed` date, and one
//! of the keys it `addresses` appears in another lesson that occurred on a
//! later UTC day.

mod actions;
pub mod recurrence;
pub mod scorecard;
pub mod views;

use serde::Serialize;

use crate::index::facts::{Action, Cause, Facts};
use crate::time::{civil, day_number, day_number_text as day_string, days_from_civil};
use crate::tlp::Tlp;
pub use actions::{ActionFilter, ActionRow, actions};
pub use scorecard::{PeriodFigures, Targets};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Key,
    Category,
    System,
    Team,
    /// The business functions a lesson informs (`functions`).
    Function,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::Key,
        GroupBy::Category,
        GroupBy::System,
        GroupBy::Team,
        GroupBy::Function,
    ];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Key => "key",
            GroupBy::Category => "category",
            GroupBy::System => "system",
            GroupBy::Team => "team",
            GroupBy::Function => "function",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Key => "cause key",
            GroupBy::Category => "cause category",
            GroupBy::System => "system",
            GroupBy::Team => "team",
            GroupBy::Function => "business function",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Month, Period::Quarter, Period::Year];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// The period a day falls in: `2024-03`, `2024-Q1`, `2024`.
    pub fn of(self, day: jiff::civil::Date) -> String {
        match self {
            Period::Month => format!("{:04}-{:02}", day.year(), day.month()),
            Period::Quarter => format!("{:04}-Q{}", day.year(), (day.month() - 1) / 3 + 1),
            Period::Year => format!("{:04}", day.year()),
        }
    }

    /// The number of the period a day falls in, counted from year 0.
    fn number(self, days: i64) -> i64 {
        let (y, m, _) = civil(days);
        match self {
            Period::Month => y * 12 + m - 1,
            Period::Quarter => y * 4 + (m - 1) / 3,
            Period::Year => y,
        }
    }

    /// Every period from `first` to `last`, in order.
    pub fn range(self, first: jiff::civil::Date, last: jiff::civil::Date) -> Vec<String> {
        let mut out = Vec::new();
        let mut day = first.first_of_month();
        while day <= last {
            let p = self.of(day);
            if out.last() != Some(&p) {
                out.push(p);
            }
            day = match day.checked_add(jiff::Span::new().months(1)) {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub by: GroupBy,
    pub min_count: usize,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
    pub period: Period,
    /// Only lessons with these statuses (all when empty).
    pub statuses: Vec<String>,
    /// Only lessons at or below this sharing level (`--max-tlp`).
    pub max_tlp: Option<Tlp>,
    /// Only lessons that inform one of these business functions
    /// (`--function`; all when empty).
    pub functions: Vec<String>,
    /// What the practice figures are measured against.
    pub targets: Targets,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group<'a> {
    pub name: String,
    pub count: usize,
    pub lessons: Vec<&'a str>,
    pub first_occurred: String,
    pub last_occurred: String,
    /// The systems of its lessons, alphabetically (at most
    /// [`MAX_SYSTEMS_LISTED`]).
    pub systems: Vec<String>,
    pub open_actions: usize,
    /// Lessons per period, over the whole report's range of periods.
    pub trend: Vec<usize>,
    /// Median seconds from `occurred`, where the lessons record the times.
    pub median_time_to_detect: Option<i64>,
    pub median_time_to_contain: Option<i64>,
    pub median_time_to_recover: Option<i64>,
}

/// How many systems a group lists (alphabetically first): with `--by
/// system`, one lesson naming thousands of systems would otherwise list all
/// of them in each of thousands of groups.
pub const MAX_SYSTEMS_LISTED: usize = 100;

/// How many later lessons `recurred_in` lists; `recurrences` counts all.
/// A cause key that recurs in thousands of lessons would otherwise make the
/// report as large as the knowledge base for every action that addressed it.
pub const MAX_RECURRENCES_LISTED: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct IneffectiveAction<'a> {
    pub lesson: &'a str,
    pub action: &'a str,
    pub cause: &'a str,
    pub completed: String,
    /// The later lessons with the cause, earliest first (at most
    /// [`MAX_RECURRENCES_LISTED`]).
    pub recurred_in: Recurrences<'a>,
    /// How many later lessons have the cause.
    pub recurrences: usize,
    /// Where it sorts among entries with as many recurrences: the cause
    /// key's alphabetical rank, the completed day, the lesson's place in
    /// time, the action's place in the lesson. Integers: sorting 36,000
    /// entries by their strings was half the cost of the pass.
    #[serde(skip)]
    rank: (u32, i64, u32, u32),
}

/// The later lessons with a cause, as a window on the list of all the
/// lessons with it: tens of thousands of ineffective actions share a few
/// such lists rather than each holding twenty names.
#[derive(Debug, Clone)]
pub struct Recurrences<'a> {
    /// Every lesson with the cause, in time order.
    all: std::sync::Arc<[&'a str]>,
    /// Where the later ones start.
    start: usize,
    /// The lesson of the action itself, when it is among them.
    skip: Option<usize>,
}

impl<'a> Recurrences<'a> {
    /// The names listed (at most [`MAX_RECURRENCES_LISTED`]).
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.all[self.start..]
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(self.start + i) != self.skip)
            .map(|(_, name)| *name)
            .take(MAX_RECURRENCES_LISTED)
    }
}

impl Serialize for Recurrences<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnaddressedCause<'a> {
    pub lesson: &'a str,
    pub cause: &'a str,
    pub category: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    /// The report's own sharing level: the highest among the lessons it
    /// counts (a report is as sensitive as what it includes), `CLEAR` when
    /// it counts none.
    pub tlp: Tlp,
    /// The `--max-tlp` it was produced with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tlp: Option<Tlp>,
    pub lessons: usize,
    pub by: GroupBy,
    pub min_count: usize,
    pub since: Option<String>,
    pub until: Option<String>,
    /// First and last `occurred` day of the lessons counted.
    pub first_occurred: Option<String>,
    pub last_occurred: Option<String>,
    pub period: Period,
    /// The periods the groups' `trend` counts refer to.
    pub periods: Vec<String>,
    pub groups: Vec<Group<'a>>,
    pub ineffective_actions: Vec<IneffectiveAction<'a>>,
    pub unaddressed_causes: Vec<UnaddressedCause<'a>>,
    /// The practice, measured per period (see [`scorecard`]), one entry
    /// per entry of `periods`.
    pub practice: Vec<PeriodFigures>,
    /// `[practice] review_within_days`, which `review_on_time_share` uses.
    pub review_within_days: u32,
}

/// The sharing level of an output that includes these lessons: the
/// highest of theirs, `CLEAR` for none.
pub fn highest_tlp<'a, 'f: 'a>(lessons: impl Iterator<Item = &'a Facts<'f>>) -> Tlp {
    lessons.map(|f| f.tlp).max().unwrap_or(Tlp::Clear)
}

/// The name a lesson goes by in reports: its id, else its path.
pub(crate) fn name<'a>(f: &Facts<'a>) -> &'a str {
    f.id.unwrap_or(f.path)
}

/// The middle value (of an even count, the mean of the two middle ones,
/// rounded toward zero). Selected, not sorted: the groups' and periods'
/// lists add up to hundreds of thousands of values. `values` is reordered.
fn median(values: &mut [i64]) -> Option<i64> {
    let (below, above) = middle(values)?;
    Some(match below {
        None => above,
        Some(below) => ((i128::from(below) + i128::from(above)) / 2) as i64,
    })
}

/// The value at the middle of `values` as if sorted and, for an even
/// count, the one just below it.
fn middle(values: &mut [i64]) -> Option<(Option<i64>, i64)> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    let even = values.len().is_multiple_of(2);
    let (left, &mut above, _) = values.select_nth_unstable(mid);
    let below = even.then(|| left.iter().copied().max().unwrap_or(above));
    Some((below, above))
}

/// Calls `each` once per group of `f` (a lesson counts once per group
/// however many of its causes share it). Short lists, the usual case, are
/// de-duplicated in place; long ones through a set.
fn each_key<'a>(f: &Facts<'a>, by: GroupBy, mut each: impl FnMut(&'a str)) {
    fn distinct<'a>(items: impl Iterator<Item = &'a str>, each: &mut impl FnMut(&'a str)) {
        let mut seen: smallset::Seen<'a> = Default::default();
        for key in items {
            if seen.insert(key) {
                each(key);
            }
        }
    }
    match by {
        GroupBy::Key => distinct(f.causes.iter().filter_map(|c| c.key), &mut each),
        GroupBy::Category => distinct(f.causes.iter().filter_map(|c| c.category), &mut each),
        GroupBy::System => distinct(f.systems.iter(), &mut each),
        GroupBy::Team => distinct(f.teams.iter(), &mut each),
        GroupBy::Function => distinct(f.functions.iter(), &mut each),
    }
}

/// A set of texts that stays a short array until it grows: most lessons
/// have a handful of causes and systems, and a hostile one thousands. The
/// array is inline: one is made per lesson and per action, and allocating
/// each was hundreds of thousands of allocations per report.
mod smallset {
    const FEW: usize = 16;

    pub struct Seen<'a> {
        few: [&'a str; FEW],
        len: usize,
        many: Option<rustc_hash::FxHashSet<&'a str>>,
    }

    impl Default for Seen<'_> {
        fn default() -> Self {
            Seen {
                few: [""; FEW],
                len: 0,
                many: None,
            }
        }
    }

    impl<'a> Seen<'a> {
        /// Whether `key` is new.
        pub fn insert(&mut self, key: &'a str) -> bool {
            if let Some(many) = &mut self.many {
                return many.insert(key);
            }
            if self.few[..self.len].contains(&key) {
                return false;
            }
            if self.len == FEW {
                let mut many: rustc_hash::FxHashSet<&'a str> = self.few.iter().copied().collect();
                many.insert(key);
                self.many = Some(many);
            } else {
                self.few[self.len] = key;
                self.len += 1;
            }
            true
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_set_past_its_array() {
            let keys: Vec<String> = (0..40).map(|i| format!("k{}", i % 20)).collect();
            let mut seen = super::Seen::default();
            let new: Vec<bool> = keys.iter().map(|k| seen.insert(k)).collect();
            assert_eq!(new.iter().filter(|&&n| n).count(), 20);
            assert!(new[..20].iter().all(|&n| n) && new[20..].iter().all(|&n| !n));
        }
    }
}

/// Each group's lessons, as positions in `order` (so in time order).
type Members<'a> = rustc_hash::FxHashMap<&'a str, Vec<u32>>;

/// Each cause key's alphabetical rank, and its lessons by name in time
/// order.
type Names<'a> = rustc_hash::FxHashMap<&'a str, (u32, std::sync::Arc<[&'a str]>)>;

/// What a group shows of its lessons, gathered as they are walked in time
/// order (each group walking its own lessons afterwards visited 100,000
/// lessons scattered in memory again).
#[derive(Default)]
struct Gathered<'a> {
    /// Their names, in time order.
    names: Vec<&'a str>,
    /// Their systems (of a lesson with more than [`MAX_SYSTEMS_LISTED`],
    /// its first ones alphabetically: only those can be listed).
    systems: rustc_hash::FxHashSet<&'a str>,
    /// Seconds from `occurred` to detected, contained, recovered.
    deltas: [Vec<i64>; 3],
}

/// Adds a lesson's seconds from `occurred` to detected, contained and
/// recovered to the three lists (a time before `occurred` is left out).
fn push_response_times(deltas: &mut [Vec<i64>; 3], f: &Facts) {
    let Some(occurred) = f.occurred else { return };
    for (list, time) in deltas
        .iter_mut()
        .zip([f.detected, f.contained, f.recovered])
    {
        if let Some(t) = time
            && t >= occurred
        {
            list.push(t - occurred);
        }
    }
}

impl<'a> Gathered<'a> {
    fn lesson(&mut self, f: &Facts<'a>, systems: &[&'a str]) {
        self.names.push(name(f));
        if systems.is_empty() {
            self.systems.extend(f.systems.iter());
        } else {
            self.systems.extend(systems.iter().copied());
        }
        push_response_times(&mut self.deltas, f);
    }

    /// What the lessons that follow in time gathered.
    fn extend(&mut self, later: Gathered<'a>) {
        self.names.extend(later.names);
        self.systems.extend(later.systems);
        for (mine, theirs) in self.deltas.iter_mut().zip(later.deltas) {
            mine.extend(theirs);
        }
    }
}

/// How many lessons ahead of the one walked its lists are asked for (and
/// twice as far, its facts): see [`Facts::prefetch`]. Measured over the
/// benchmark's facts, 4 to 16 did as well; none, a third slower.
const PREFETCH: usize = 6;

/// Asks for the lessons a walk in time order reaches a little later.
#[inline]
fn prefetch_ahead(chunk: &[&Facts], i: usize) {
    if let Some(ahead) = chunk.get(i + 2 * PREFETCH) {
        ahead.prefetch();
    }
    if let Some(ahead) = chunk.get(i + PREFETCH) {
        ahead.prefetch_lists();
    }
}

/// Each group's lessons, as positions in `order`, and, when `gather`,
/// what the report shows of them ([`Gathered`]), in one walk in parallel
/// chunks.
fn members<'a>(
    order: &[&Facts<'a>],
    by: GroupBy,
    gather: bool,
) -> (Members<'a>, rustc_hash::FxHashMap<&'a str, Gathered<'a>>) {
    use rayon::prelude::*;
    type Part<'a> = rustc_hash::FxHashMap<&'a str, (Vec<u32>, Gathered<'a>)>;
    const CHUNK: usize = 8192;
    let parts: Vec<Part> = order
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut part = Part::default();
            // A lesson with hundreds of systems (in every group of `--by
            // system`) is sorted once, here.
            let mut first = Vec::new();
            for (i, f) in chunk.iter().enumerate() {
                prefetch_ahead(chunk, i);
                let at = (c * CHUNK + i) as u32;
                first.clear();
                if gather && f.systems.len() > MAX_SYSTEMS_LISTED {
                    first.extend(f.systems.iter());
                    first.sort_unstable();
                    first.dedup();
                    first.truncate(MAX_SYSTEMS_LISTED);
                }
                each_key(f, by, |key| {
                    let (list, gathered) = part.entry(key).or_default();
                    list.push(at);
                    if gather {
                        gathered.lesson(f, &first);
                    }
                });
            }
            part
        })
        .collect();
    // Chunk by chunk, so each list stays in order; each list is sized once
    // (growing them as chunks came cost a tenth of the walk).
    let mut sizes: rustc_hash::FxHashMap<&str, (usize, usize, [usize; 3])> = Default::default();
    for part in &parts {
        for (&key, (list, gathered)) in part {
            let size = sizes.entry(key).or_default();
            size.0 += list.len();
            size.1 += gathered.names.len();
            for (n, d) in size.2.iter_mut().zip(&gathered.deltas) {
                *n += d.len();
            }
        }
    }
    let mut all = Part::default();
    for part in parts {
        for (key, (mut list, mut gathered)) in part {
            match all.entry(key) {
                std::collections::hash_map::Entry::Occupied(mut mine) => {
                    let (mine, mine_gathered) = mine.get_mut();
                    mine.extend(list);
                    mine_gathered.extend(gathered);
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    let (lists, names, deltas) = sizes[key];
                    list.reserve_exact(lists - list.len());
                    gathered.names.reserve_exact(names - gathered.names.len());
                    for (d, n) in gathered.deltas.iter_mut().zip(deltas) {
                        d.reserve_exact(n - d.len());
                    }
                    slot.insert((list, gathered));
                }
            }
        }
    }
    let mut members = Members::default();
    let mut shown = rustc_hash::FxHashMap::default();
    for (key, (list, gathered)) in all {
        members.insert(key, list);
        if gather {
            shown.insert(key, gathered);
        }
    }
    (members, shown)
}

/// Whether a lesson informs one of `functions` (any lesson when empty);
/// vocabulary values compare without regard to case, like the filters.
pub fn informs(f: &Facts, functions: &[String]) -> bool {
    functions.is_empty()
        || f.functions
            .iter()
            .any(|have| functions.iter().any(|w| w.eq_ignore_ascii_case(have)))
}

/// The lessons a report counts (dated, in the window, at or below
/// `--max-tlp`, of the statuses and functions asked for), in time order:
/// groups and recurrence lists are then built in order, with no sorting
/// per group.
pub(crate) fn counted<'a>(all: &'a [Facts<'a>], options: &Options) -> Vec<&'a Facts<'a>> {
    let since = options.since.map(days_from_civil);
    let until = options.until.map(days_from_civil);
    // Sorted with each lesson's time beside it: comparing times then reads
    // no lesson (two lessons' memory per comparison was a sort's cost).
    let mut keyed: Vec<(i64, &'a Facts<'a>)> = all
        .iter()
        .filter(|f| {
            let Some(occurred) = f.occurred else {
                return false;
            };
            let d = day_number(occurred);
            since.is_none_or(|s| d >= s)
                && until.is_none_or(|u| d <= u)
                && options.max_tlp.is_none_or(|max| f.tlp <= max)
                && (options.statuses.is_empty()
                    || f.status
                        .is_some_and(|s| options.statuses.iter().any(|w| w == s)))
                && informs(f, &options.functions)
        })
        .map(|f| (f.occurred.unwrap_or_default(), f))
        .collect();
    {
        use rayon::slice::ParallelSliceMut;
        // By time, then id, then path (every lesson counted has a time).
        keyed.par_sort_unstable_by(|(at, a), (bt, b)| {
            at.cmp(bt).then_with(|| (a.id, a.path).cmp(&(b.id, b.path)))
        });
    }
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// Builds the report from every lesson's facts.
pub fn build<'a>(all: &'a [Facts<'a>], options: &Options) -> Report<'a> {
    build_parts(all, options, true)
}

/// The report with only what `report --scorecard` shows: the practice
/// figures and the counts and level around them. Its `groups`,
/// `ineffective_actions` and `unaddressed_causes` are left empty (the
/// actions that did not prevent a recurrence are counted, not listed).
pub fn build_practice<'a>(all: &'a [Facts<'a>], options: &Options) -> Report<'a> {
    build_parts(all, options, false)
}

/// The report, with its groups and lists when `full`.
fn build_parts<'a>(all: &'a [Facts<'a>], options: &Options, full: bool) -> Report<'a> {
    let mut timings = crate::timing::Timings::new();
    // The lessons counted, in time order: groups and recurrence lists are
    // then built in order, with no sorting per group.
    let order = counted(all, options);
    let days: Vec<i64> = order
        .iter()
        .map(|f| day_number(f.occurred.unwrap_or_default()))
        .collect();
    let first = days.first().copied();
    let last = days.last().copied();
    let date = |n: i64| {
        let (y, m, d) = civil(n);
        jiff::civil::Date::new(y as i16, m as i8, d as i8).unwrap_or_default()
    };
    let periods = match (first, last) {
        (Some(a), Some(b)) => options.period.range(date(a), date(b)),
        _ => Vec::new(),
    };

    timings.step("report: lessons in time order");
    // With `--by key`, the groups are gathered in the same walk.
    let (by_key, mut gathered) = members(&order, GroupBy::Key, full && options.by == GroupBy::Key);
    // Each key's rank and lesson names: only a listed action needs them
    // (the names copied from what was gathered, when it was).
    let names: Names = if full {
        let mut keys: Vec<&str> = by_key.keys().copied().collect();
        keys.sort_unstable();
        keys.iter()
            .enumerate()
            .map(|(rank, &key)| {
                let all = match gathered.get(key) {
                    Some(shown) => shown.names.as_slice().into(),
                    None => by_key[key]
                        .iter()
                        .map(|&i| name(order[i as usize]))
                        .collect(),
                };
                (key, (rank as u32, all))
            })
            .collect()
    } else {
        Names::default()
    };
    timings.step("report: lessons by cause key");
    let base = first.map(|d| options.period.number(d));
    let slot = |day: i64| usize::try_from(options.period.number(day) - base?).ok();
    // Groups and the pass over actions are independent: two cores compute
    // them side by side.
    let (mut groups, mut pass) = rayon::join(
        || {
            if full {
                groups(
                    &order,
                    &days,
                    (&by_key, std::mem::take(&mut gathered)),
                    options,
                    first,
                    periods.len(),
                )
            } else {
                Vec::new()
            }
        },
        || {
            let later = recurrence::Later::new(&days);
            let at = Context {
                days: &days,
                later: &later,
                by_key: &by_key,
                names: &names,
                full,
                period: options.period,
                base,
                periods: periods.len(),
                targets: &options.targets,
            };
            actions_pass(&order, &at, options.by)
        },
    );
    timings.step("report: groups and actions");
    for group in &mut groups {
        group.open_actions = pass.open.get(group.name.as_str()).copied().unwrap_or(0);
    }
    let recurred = pass
        .ineffective
        .iter()
        .map(|a| (a.rank.2, a.rank.3))
        .chain(pass.recurred.iter().copied());
    let mut practice = std::mem::take(&mut pass.tally).finish(&periods);
    scorecard::add_recurrences(&mut practice, recurred, |me| slot(days[me as usize]));

    Report {
        tlp: highest_tlp(order.iter().copied()),
        max_tlp: options.max_tlp,
        lessons: order.len(),
        by: options.by,
        min_count: options.min_count,
        since: options.since.map(|d| d.to_string()),
        until: options.until.map(|d| d.to_string()),
        first_occurred: first.map(day_string),
        last_occurred: last.map(day_string),
        period: options.period,
        periods,
        groups,
        ineffective_actions: pass.ineffective,
        unaddressed_causes: pass.unaddressed,
        practice,
        review_within_days: options.targets.review_within_days,
    }
}

/// The groups of `options.by`: with `--by key`, from `by_key` and what
/// was gathered with it; else gathered here.
fn groups<'a>(
    order: &[&'a Facts<'a>],
    days: &[i64],
    (by_key, gathered): (&Members<'a>, rustc_hash::FxHashMap<&'a str, Gathered<'a>>),
    options: &Options,
    first: Option<i64>,
    periods: usize,
) -> Vec<Group<'a>> {
    let other;
    let (members, gathered) = if options.by == GroupBy::Key {
        (by_key, gathered)
    } else {
        let (members, gathered) = members(order, options.by, true);
        other = members;
        (&other, gathered)
    };
    let period_of = |n: i64| options.period.number(n);
    let base = first.map(period_of);
    use rayon::prelude::*;
    let mut groups: Vec<Group> = gathered
        .into_par_iter()
        .filter_map(|(group, shown)| {
            let ms = members.get(group)?;
            (ms.len() >= options.min_count.max(1)).then_some((group, ms, shown))
        })
        .map(|(group, ms, shown)| {
            let mut trend = vec![0; periods];
            if let Some(base) = base {
                for &i in ms {
                    let p = period_of(days[i as usize]) - base;
                    if let Some(slot) = usize::try_from(p).ok().and_then(|p| trend.get_mut(p)) {
                        *slot += 1;
                    }
                }
            }
            let Gathered {
                names: lessons,
                systems,
                mut deltas,
            } = shown;
            let mut systems: Vec<&str> = systems.into_iter().collect();
            systems.sort_unstable();
            systems.truncate(MAX_SYSTEMS_LISTED);
            let systems: Vec<String> = systems.into_iter().map(str::to_string).collect();
            let [detect, contain, recover] = &mut deltas;
            Group {
                name: group.to_string(),
                count: ms.len(),
                lessons,
                first_occurred: day_string(days[ms[0] as usize]),
                last_occurred: day_string(days[ms[ms.len() - 1] as usize]),
                systems,
                // Filled in from the pass over actions.
                open_actions: 0,
                trend,
                median_time_to_detect: median(detect),
                median_time_to_contain: median(contain),
                median_time_to_recover: median(recover),
            }
        })
        .collect();
    // Most lessons first; among equals, the most recent occurrence.
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last_occurred.cmp(&a.last_occurred))
            .then_with(|| a.name.cmp(&b.name))
    });
    groups
}

/// What one walk through every action finds: each action is decoded once.
#[derive(Default)]
struct Pass<'a> {
    /// Open actions per group (see [`Group::open_actions`]).
    open: rustc_hash::FxHashMap<&'a str, usize>,
    /// Done actions whose addressed cause came back in a later lesson.
    ineffective: Vec<IneffectiveAction<'a>>,
    /// Cause keys that no action of their lesson addresses, in the order
    /// the lessons occurred.
    unaddressed: Vec<UnaddressedCause<'a>>,
    /// When the actions are counted, not listed: each done action whose
    /// addressed cause came back, as its lesson's place in time and its
    /// place in the lesson (once per key that came back).
    recurred: Vec<(u32, u32)>,
    /// Scratch space reused from lesson to lesson: a lesson's causes,
    /// whether each is addressed.
    causes: Vec<(Cause<'a>, bool)>,
    /// The categories an action addresses.
    categories: Vec<&'a str>,
    /// The practice figures of the lessons walked.
    tally: scorecard::Tally,
}

impl<'a> Pass<'a> {
    /// The passes over consecutive chunks, as one: each list is copied
    /// once into its final size (merging pairwise copied it at each level).
    fn concat(passes: Vec<Pass<'a>>) -> Pass<'a> {
        let mut all = Pass {
            open: Default::default(),
            ineffective: Vec::with_capacity(passes.iter().map(|p| p.ineffective.len()).sum()),
            unaddressed: Vec::with_capacity(passes.iter().map(|p| p.unaddressed.len()).sum()),
            recurred: Vec::with_capacity(passes.iter().map(|p| p.recurred.len()).sum()),
            ..Pass::default()
        };
        let mut passes = passes.into_iter();
        if let Some(first) = passes.next() {
            all.tally = first.tally;
            all.open = first.open;
            all.ineffective.extend(first.ineffective);
            all.unaddressed.extend(first.unaddressed);
            all.recurred.extend(first.recurred);
        }
        for pass in passes {
            all.tally.add(pass.tally);
            for (group, n) in pass.open {
                *all.open.entry(group).or_default() += n;
            }
            all.ineffective.extend(pass.ineffective);
            all.unaddressed.extend(pass.unaddressed);
            all.recurred.extend(pass.recurred);
        }
        all
    }

    /// One lesson, at position `me` in `order`.
    fn lesson(&mut self, me: u32, f: &Facts<'a>, at: &Context<'a, '_>, by: GroupBy) {
        let mut causes = std::mem::take(&mut self.causes);
        let mut categories = std::mem::take(&mut self.categories);
        causes.clear();
        causes.extend(f.causes.iter().map(|c| (c, false)));
        // The practice figures of the lesson, while it is in the cache.
        let day = at.days[me as usize];
        let period = at
            .base
            .and_then(|base| usize::try_from(at.period.number(day) - base).ok());
        if let Some(p) = period {
            // A known cause: its key's first lesson is of an earlier day.
            let repeat = causes.iter().filter_map(|(c, _)| c.key).any(|key| {
                at.by_key
                    .get(key)
                    .and_then(|list| list.first())
                    .is_some_and(|&first| at.days[first as usize] < day)
            });
            self.tally.lesson(f, p, repeat, at.targets);
        }
        // A hostile lesson may have thousands of causes: look them up by
        // key through a map then, not by a scan per address.
        let by_key: Option<rustc_hash::FxHashMap<&str, Vec<usize>>> =
            (causes.len() > 16).then(|| {
                let mut map: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
                for (i, (c, _)) in causes.iter().enumerate() {
                    if let Some(key) = c.key {
                        map.entry(key).or_default().push(i);
                    }
                }
                map
            });
        let mut open_actions = 0;
        let mut checks = f.verifications.iter();
        for (index, action) in f.actions.iter().enumerate() {
            // The practice figures' part of the action, in the same walk.
            let check = checks.next().unwrap_or_default();
            if let Some(p) = period {
                self.tally.action(p, &action, check);
            }
            let open = crate::lesson::is_open_action(action.status);
            open_actions += usize::from(open);
            let completed = recurrence::done_day(&action).map(|day| (day, at.later.start(day)));
            categories.clear();
            let mut seen = smallset::Seen::default();
            for key in action.addresses.iter() {
                if !seen.insert(key) {
                    continue;
                }
                let mut own = false;
                let mut mark = |(cause, addressed): &mut (Cause<'a>, bool)| {
                    *addressed = true;
                    own = true;
                    if let Some(category) = cause.category {
                        categories.push(category);
                    }
                };
                match &by_key {
                    Some(map) => {
                        for &i in map.get(key).into_iter().flatten() {
                            mark(&mut causes[i]);
                        }
                    }
                    None => causes
                        .iter_mut()
                        .filter(|(c, _)| c.key == Some(key))
                        .for_each(mark),
                }
                if open && own && by == GroupBy::Key {
                    *self.open.entry(key).or_default() += 1;
                }
                if let Some(completed) = completed {
                    self.ineffective((me, index as u32), f, action, key, completed, at);
                }
            }
            if open && by == GroupBy::Category {
                let mut seen = smallset::Seen::default();
                for category in &categories {
                    if seen.insert(category) {
                        *self.open.entry(category).or_default() += 1;
                    }
                }
            }
        }
        // Every open action of the lesson concerns each of its systems (or
        // teams): counted once per group, not walked once per action.
        if open_actions > 0 && matches!(by, GroupBy::System | GroupBy::Team) {
            each_key(f, by, |group| {
                *self.open.entry(group).or_default() += open_actions
            });
        }
        let mut seen = smallset::Seen::default();
        for &(cause, addressed) in causes.iter().filter(|_| at.full) {
            let Some(key) = cause.key else { continue };
            if !seen.insert(key) || addressed {
                continue;
            }
            self.unaddressed.push(UnaddressedCause {
                lesson: name(f),
                cause: key,
                category: cause.category,
            });
        }
        self.causes = causes;
        self.categories = categories;
    }

    /// Whether a done `action` of lesson `me`, addressing `key`, was
    /// followed by the key in a lesson of a later day than `completed`.
    fn ineffective(
        &mut self,
        (me, index): (u32, u32),
        f: &Facts<'a>,
        action: Action<'a>,
        key: &'a str,
        (completed, later): (i64, usize),
        at: &Context<'a, '_>,
    ) {
        let Some(list) = at.by_key.get(key) else {
            return;
        };
        // The key's first lesson of a later day: the lists are in time
        // order, so positions compare as days do (see `recurrence::Later`).
        let start = list.partition_point(|&j| (j as usize) < later);
        // The lesson itself is in the list only if it occurred after its
        // own action was completed.
        // (The lists are in position order: a binary search, where a scan
        // cost as much as the rest of the report.)
        let skip = if me as usize >= later {
            list[start..].binary_search(&me).ok().map(|i| start + i)
        } else {
            None
        };
        let recurrences = list.len() - start - usize::from(skip.is_some());
        if recurrences == 0 {
            return;
        }
        if !at.full {
            self.recurred.push((me, index));
            return;
        }
        let Some((rank, all)) = at.names.get(key) else {
            return;
        };
        self.ineffective.push(IneffectiveAction {
            lesson: name(f),
            action: action.details().summary.unwrap_or(""),
            cause: key,
            completed: day_string(completed),
            recurred_in: Recurrences {
                all: all.clone(),
                start,
                skip,
            },
            recurrences,
            rank: (*rank, completed, me, index),
        });
    }
}

/// What the pass over actions looks things up in.
struct Context<'a, 'c> {
    days: &'c [i64],
    /// Where the lessons after a day start, in time order.
    later: &'c recurrence::Later<'c>,
    by_key: &'c Members<'a>,
    names: &'c Names<'a>,
    /// Whether to list what it finds (else count: see
    /// [`build_practice`]).
    full: bool,
    /// The periods of the practice figures: a lesson's is the number of
    /// its period less `base`'s (the first lesson's), below `periods`.
    period: Period,
    base: Option<i64>,
    periods: usize,
    targets: &'c Targets,
}

/// Walks every action once, in parallel chunks of lessons.
fn actions_pass<'a>(order: &[&'a Facts<'a>], at: &Context<'a, '_>, by: GroupBy) -> Pass<'a> {
    use rayon::prelude::*;
    const CHUNK: usize = 4096;
    let passes: Vec<Pass> = order
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut pass = Pass {
                tally: scorecard::Tally::new(at.periods),
                ..Pass::default()
            };
            for (i, f) in chunk.iter().enumerate() {
                prefetch_ahead(chunk, i);
                pass.lesson((c * CHUNK + i) as u32, f, at, by);
            }
            pass
        })
        .collect();
    let mut pass = Pass::concat(passes);
    // The actions that failed most often first.
    pass.ineffective.sort_unstable_by(|a, b| {
        b.recurrences
            .cmp(&a.recurrences)
            .then_with(|| a.rank.cmp(&b.rank))
    });
    // Unaddressed causes stay in the order the lessons occurred, as found
    // (sorting 55,000 of them by id cost 15 ms of CPU at 100,000 lessons).
    pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(Period::Quarter.of(d("2024-03-31")), "2024-Q1");
        assert_eq!(Period::Quarter.of(d("2024-04-01")), "2024-Q2");
        assert_eq!(
            Period::Quarter.range(d("2023-11-15"), d("2024-04-02")),
            ["2023-Q4", "2024-Q1", "2024-Q2"]
        );
        assert_eq!(
            Period::Year.range(d("2023-11-15"), d("2024-04-02")),
            ["2023", "2024"]
        );
        assert_eq!(
            Period::Month.range(d("2024-01-31"), d("2024-03-01")),
            ["2024-01", "2024-02", "2024-03"]
        );
    }

    use crate::index::facts::{ActionRecord, Cause, FactsRecord};

    fn lesson<'a>(path: &'a str, id: &'a str, day: i64, key: &'a str) -> FactsRecord<'a> {
        FactsRecord {
            path,
            id: Some(id),
            occurred: Some(day * 86_400),
            causes: vec![Cause {
                category: Some("process-gap"),
                key: Some(key),
            }],
            ..FactsRecord::default()
        }
    }

    #[test]
    fn recurrence_lists_are_capped_but_counted() {
        let mut first = lesson("a.md", "A", 100, "k");
        first.actions.push(ActionRecord {
            summary: Some("fix"),
            status: Some("done"),
            completed: Some(101 * 86_400 + 3_600),
            addresses: vec!["k"],
            ..Default::default()
        });
        let ids: Vec<String> = (0..30).map(|i| format!("L{i:02}")).collect();
        let mut records = vec![first, lesson("b.md", "same-day", 101, "k")];
        for (i, id) in ids.iter().enumerate() {
            records.push(lesson(id, id, 102 + i as i64, "k"));
        }
        records.sort_by_key(|r| r.path);
        let encoded: Vec<Vec<u8>> = records
            .iter()
            .map(|r| crate::index::facts::record(r).unwrap())
            .collect();
        let bytes = crate::index::facts::concat(encoded.iter().map(Vec::as_slice));
        let all = crate::index::facts::decode(&bytes).unwrap();
        let options = Options {
            by: GroupBy::Key,
            min_count: 2,
            since: None,
            until: None,
            period: Period::Year,
            statuses: vec![],
            max_tlp: None,
            functions: vec![],
            targets: Targets::default(),
        };
        let report = build(&all, &options);
        let a = &report.ineffective_actions[0];
        assert_eq!(a.recurrences, 30, "the completed day itself does not count");
        let listed: Vec<&str> = a.recurred_in.iter().collect();
        assert_eq!(listed.len(), MAX_RECURRENCES_LISTED);
        assert_eq!(listed[0], "L00");
    }

    /// `--max-tlp` leaves lessons out before anything is computed: a
    /// recurrence seen only through a RED lesson is not reported, and the
    /// report's level is the highest it includes.
    #[test]
    fn max_tlp_computes_over_included_lessons() {
        let mut first = lesson("a.md", "A", 100, "k");
        first.tlp = Tlp::Green;
        first.actions.push(ActionRecord {
            summary: Some("fix"),
            status: Some("done"),
            completed: Some(101 * 86_400),
            addresses: vec!["k"],
            ..Default::default()
        });
        let mut red = lesson("b.md", "B", 200, "k");
        red.tlp = Tlp::Red;
        let mut amber = lesson("c.md", "C", 300, "other");
        amber.tlp = Tlp::Amber;
        let encoded: Vec<Vec<u8>> = [first, red, amber]
            .iter()
            .map(|r| crate::index::facts::record(r).unwrap())
            .collect();
        let bytes = crate::index::facts::concat(encoded.iter().map(Vec::as_slice));
        let all = crate::index::facts::decode(&bytes).unwrap();
        let options = |max_tlp| Options {
            by: GroupBy::Key,
            min_count: 2,
            since: None,
            until: None,
            period: Period::Year,
            statuses: vec![],
            max_tlp,
            functions: vec![],
            targets: Targets::default(),
        };
        let everything = build(&all, &options(None));
        assert_eq!((everything.lessons, everything.tlp), (3, Tlp::Red));
        assert_eq!(everything.ineffective_actions.len(), 1);
        assert_eq!(everything.groups[0].lessons, ["A", "B"]);
        let amber = build(&all, &options(Some(Tlp::Amber)));
        assert_eq!((amber.lessons, amber.tlp), (2, Tlp::Amber));
        assert!(amber.ineffective_actions.is_empty());
        assert!(amber.groups.is_empty());
        let clear = build(&all, &options(Some(Tlp::Clear)));
        assert_eq!((clear.lessons, clear.tlp), (0, Tlp::Clear));
        // The scorecard's build counts what the full one lists.
        let practice = build_practice(&all, &options(None));
        assert_eq!(practice.practice, everything.practice);
        assert_eq!(
            practice
                .practice
                .iter()
                .map(|p| p.actions_ineffective_by_recurrence)
                .sum::<usize>(),
            1
        );
        assert!(practice.groups.is_empty() && practice.ineffective_actions.is_empty());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, -3]), Some(3));
        assert_eq!(median(&mut [5, 5, 1, 5, 9, 5]), Some(5));
        assert_eq!(median(&mut [i64::MAX, i64::MAX - 2]), Some(i64::MAX - 1));
        // As sorting would give, on lists with repeats.
        let mut x: Vec<i64> = (0..1001).map(|i| (i * 7919) % 97).collect();
        let mut sorted = x.clone();
        sorted.sort_unstable();
        assert_eq!(median(&mut x), Some(sorted[500]));
        x.push(1000);
        sorted.push(1000);
        sorted.sort_unstable();
        assert_eq!(median(&mut x), Some((sorted[500] + sorted[501]) / 2));
    }
}

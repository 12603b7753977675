//! The cause-key taxonomy: every key with its category, how many lessons use
//! it and when; keys that probably name the same cause (to merge); and, for
//! a key no other lesson uses, the existing keys its author probably meant.
//! The recurrence report is only as honest as the keys.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::index::facts::Facts;
use crate::search::synonyms::Synonyms;

/// One cause key across the knowledge base.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub key: String,
    /// Categories its causes were filed under, the most used first.
    pub categories: Vec<String>,
    pub lessons: usize,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Ids (or paths) of the lessons, oldest first.
    pub ids: Vec<String>,
}

/// An existing key a new one probably means.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    pub key: String,
    pub lessons: usize,
    pub why: String,
}

/// A lesson's cause key, checked against the taxonomy.
#[derive(Debug, Clone, Serialize)]
pub struct KeyCheck {
    pub key: String,
    /// Whether another lesson uses it.
    pub known: bool,
    /// How many other lessons use it.
    pub lessons: usize,
    /// For a key no other lesson uses: existing keys it may mean, best
    /// first.
    pub suggest: Vec<Suggestion>,
}

/// Keys that probably name the same cause.
#[derive(Debug, Clone, Serialize)]
pub struct MergeGroup {
    pub keys: Vec<KeyCount>,
    /// The most used: the one to keep.
    pub keep: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyCount {
    pub key: String,
    pub lessons: usize,
}

/// The whole taxonomy (`lessons causes`).
#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    pub lessons: usize,
    pub keys: Vec<KeyInfo>,
    pub merge: Vec<MergeGroup>,
}

/// Every key used by the lessons (but the one at `except`, a lesson being
/// compared with the rest).
pub fn keys(facts: &[Facts], except: Option<&str>) -> BTreeMap<String, KeyInfo> {
    /// Per key: how often each category was used, and (when, lesson) uses.
    type Uses = (BTreeMap<String, usize>, Vec<(Option<i64>, String)>);
    let mut by_key: BTreeMap<String, Uses> = BTreeMap::new();
    for f in facts {
        if Some(f.path) == except {
            continue;
        }
        let mut seen = BTreeSet::new();
        for cause in f.causes.iter() {
            let Some(key) = cause.key else { continue };
            let entry = by_key.entry(key.to_string()).or_default();
            if let Some(c) = cause.category {
                *entry.0.entry(c.to_string()).or_default() += 1;
            }
            if seen.insert(key) {
                entry
                    .1
                    .push((f.occurred, f.id.unwrap_or(f.path).to_string()));
            }
        }
    }
    by_key
        .into_iter()
        .map(|(key, (categories, mut uses))| {
            uses.sort();
            let mut categories: Vec<(usize, String)> =
                categories.into_iter().map(|(c, n)| (n, c)).collect();
            categories.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let dates: Vec<i64> = uses.iter().filter_map(|(d, _)| *d).collect();
            let info = KeyInfo {
                key: key.clone(),
                categories: categories.into_iter().map(|(_, c)| c).collect(),
                lessons: uses.len(),
                first_seen: dates.iter().min().map(|d| crate::time::day_text(*d)),
                last_seen: dates.iter().max().map(|d| crate::time::day_text(*d)),
                ids: uses.into_iter().map(|(_, id)| id).collect(),
            };
            (key, info)
        })
        .collect()
}

/// Words that only say a thing was absent or weak: `no-failover-runbook`,
/// `missing-failover-runbook` and `lack-of-failover-runbook` are one cause.
const ABSENCE: &[&str] = &[
    "no",
    "lack",
    "lacking",
    "of",
    "missing",
    "absent",
    "absence",
    "insufficient",
    "inadequate",
    "without",
    "not",
    "poor",
    "weak",
    "unclear",
    "incomplete",
    "limited",
];

fn singular(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// A key reduced to what it means: absence words dropped, words made
/// singular and mapped to their synonym group's first form, sorted.
struct Reduced {
    /// Words in key order, absence words dropped, singular.
    words: Vec<String>,
    /// The same, each mapped through the synonym table.
    canonical: Vec<String>,
    had_absence: bool,
    had_plural: bool,
}

fn reduce(key: &str, synonyms: &Synonyms) -> Reduced {
    let mut words = Vec::new();
    let (mut had_absence, mut had_plural) = (false, false);
    for w in key.split(['-', '_']).filter(|w| !w.is_empty()) {
        if ABSENCE.contains(&w) {
            had_absence = true;
            continue;
        }
        // Words the synonym table knows keep their form (`kubernetes`,
        // `postgres` are not plurals).
        let s = if synonyms.knows(w) {
            w.to_string()
        } else {
            singular(w)
        };
        had_plural |= s != w;
        words.push(s);
    }
    let canonical = words
        .iter()
        .map(|w| {
            let mut forms = synonyms.equivalents(w);
            forms.push(w.clone());
            forms
                .into_iter()
                .filter(|f| !f.contains(' '))
                .min()
                .unwrap_or_else(|| w.clone())
        })
        .collect();
    Reduced {
        words,
        canonical,
        had_absence,
        had_plural,
    }
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Keys that differ by a misspelling: the same words but one, and that one
/// a word of at least 5 letters (not a number or a short acronym: `dns` and
/// `tls`, `cve-2023-1234` and `cve-2023-1235` are different causes) one
/// edit away (two from 9 letters). Symmetric.
fn spelling(a: &[String], b: &[String]) -> Option<usize> {
    if a.len() != b.len() {
        return None;
    }
    let differing: Vec<(&String, &String)> = a.iter().zip(b).filter(|(x, y)| x != y).collect();
    let [(x, y)] = differing.as_slice() else {
        return None;
    };
    let shorter = x.chars().count().min(y.chars().count());
    if shorter < 5 || !x.chars().all(char::is_alphabetic) || !y.chars().all(char::is_alphabetic) {
        return None;
    }
    let edits = strsim::damerau_levenshtein(x, y);
    (edits <= if shorter >= 9 { 2 } else { 1 }).then_some(edits)
}

/// Why `a` probably names the same cause as `b`, and how sure (higher is
/// surer), if it does.
fn relation(a: &str, b: &str, synonyms: &Synonyms) -> Option<(f32, String)> {
    if a == b {
        return None;
    }
    let (ra, rb) = (reduce(a, synonyms), reduce(b, synonyms));
    if ra.words.is_empty() || rb.words.is_empty() {
        return None;
    }
    if sorted(&ra.canonical) == sorted(&rb.canonical) {
        let mut reasons = Vec::new();
        if ra.had_absence != rb.had_absence || {
            fn strip(k: &str) -> Vec<&str> {
                k.split(['-', '_'])
                    .filter(|w| ABSENCE.contains(w))
                    .collect()
            }
            strip(a) != strip(b)
        } {
            reasons.push("same words but for no-/missing-/lack-of-");
        }
        if ra.words != rb.words && sorted(&ra.words) == sorted(&rb.words) {
            reasons.push("same words reordered");
        }
        if ra.had_plural != rb.had_plural {
            reasons.push("plural form");
        }
        if sorted(&ra.words) != sorted(&rb.words) {
            reasons.push("synonyms");
        }
        if reasons.is_empty() {
            reasons.push("same words");
        }
        return Some((3.0, reasons.join(", ")));
    }
    if let Some(edits) = spelling(&ra.words, &rb.words) {
        return Some((
            2.5,
            format!(
                "spelling ({edits} edit{})",
                if edits == 1 { "" } else { "s" }
            ),
        ));
    }
    let (sa, sb): (BTreeSet<&String>, BTreeSet<&String>) =
        (ra.canonical.iter().collect(), rb.canonical.iter().collect());
    let shared: Vec<&str> = sa
        .intersection(&sb)
        .map(|s| s.as_str())
        .filter(|w| w.len() >= 3)
        .collect();
    let jaccard = shared.len() as f32 / sa.union(&sb).count() as f32;
    if !shared.is_empty() && jaccard >= 0.5 {
        return Some((
            1.0 + jaccard,
            format!("shares the words {}", shared.join(", ")),
        ));
    }
    None
}

/// Checks a lesson's keys against the others'. `neighbours` are the keys
/// of the lessons most similar in text, with those lessons' ids, best
/// first: a wholly new name is found through them.
pub fn check_keys(
    lesson_keys: &[String],
    categories: &[Option<String>],
    known: &BTreeMap<String, KeyInfo>,
    neighbours: &[(String, String)],
    synonyms: &Synonyms,
    catch_all: &[String],
) -> Vec<KeyCheck> {
    let mut out: Vec<KeyCheck> = Vec::new();
    for (n, key) in lesson_keys.iter().enumerate() {
        let category = categories.get(n).cloned().flatten();
        if out.iter().any(|k| &k.key == key) {
            continue;
        }
        let lessons = known.get(key).map_or(0, |k| k.lessons);
        let mut suggest: Vec<(f32, Suggestion)> = Vec::new();
        if lessons == 0 && !catch_all.contains(&key.to_lowercase()) {
            for (other, info) in known {
                if lesson_keys.contains(other) || catch_all.contains(other) {
                    continue;
                }
                if let Some((strength, why)) = relation(key, other, synonyms) {
                    suggest.push((
                        strength,
                        Suggestion {
                            key: other.clone(),
                            lessons: info.lessons,
                            why,
                        },
                    ));
                }
            }
            // Keys of the lessons most like this one, filed under the same
            // category (a similar lesson has other causes too).
            let mut by_text: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            let mut order: Vec<&str> = Vec::new();
            for (k, id) in neighbours {
                let Some(info) = known.get(k) else { continue };
                if lesson_keys.contains(k)
                    || catch_all.contains(k)
                    || category
                        .as_ref()
                        .is_some_and(|c| !info.categories.contains(c))
                {
                    continue;
                }
                if !order.contains(&k.as_str()) {
                    order.push(k);
                }
                by_text.entry(k).or_default().push(id);
            }
            for (rank, k) in order.iter().take(2).enumerate() {
                let ids = &by_text[k];
                if let Some((_, s)) = suggest.iter_mut().find(|(_, s)| s.key == *k) {
                    s.why
                        .push_str(&format!("; used by similar lesson {}", ids.join(", ")));
                    continue;
                }
                suggest.push((
                    0.9 + ids.len() as f32 * 0.2 - rank as f32 * 0.05,
                    Suggestion {
                        key: k.to_string(),
                        lessons: known[*k].lessons,
                        why: format!(
                            "used by similar lesson{} {}",
                            if ids.len() == 1 { "" } else { "s" },
                            ids.join(", ")
                        ),
                    },
                ));
            }
        }
        suggest.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| b.1.lessons.cmp(&a.1.lessons))
                .then_with(|| a.1.key.cmp(&b.1.key))
        });
        suggest.truncate(5);
        out.push(KeyCheck {
            key: key.clone(),
            known: lessons > 0,
            lessons,
            suggest: suggest.into_iter().map(|(_, s)| s).collect(),
        });
    }
    out
}

/// Groups of keys that probably name the same cause: the same words once
/// absence words, plurals, order and synonyms are set aside, or a spelling
/// away.
pub fn merge_groups(
    known: &BTreeMap<String, KeyInfo>,
    synonyms: &Synonyms,
    catch_all: &[String],
) -> Vec<MergeGroup> {
    let keys: Vec<&String> = known.keys().filter(|k| !catch_all.contains(k)).collect();
    let mut parent: Vec<usize> = (0..keys.len()).collect();
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    // Only keys that share a bucket can be related strongly: the same
    // canonical words (any order), or the same words but one at the same
    // place (a misspelling). Linear in the keys, not quadratic.
    let reduced: Vec<Reduced> = keys.iter().map(|k| reduce(k, synonyms)).collect();
    let mut buckets: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in reduced.iter().enumerate() {
        buckets
            .entry(format!("={}", sorted(&r.canonical).join(" ")))
            .or_default()
            .push(i);
        for w in 0..r.words.len() {
            let mut masked = r.words.clone();
            masked[w] = "*".to_string();
            buckets
                .entry(format!("~{}", masked.join(" ")))
                .or_default()
                .push(i);
        }
    }
    let mut why: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for members in buckets.values().filter(|m| m.len() > 1 && m.len() <= 200) {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (i, j) = (i.min(j), i.max(j));
                if i == j || why.contains_key(&(i, j)) {
                    continue;
                }
                if let Some((strength, reason)) = relation(keys[i], keys[j], synonyms)
                    && strength >= 2.5
                {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if a != b {
                        parent[b] = a;
                    }
                    why.insert((i, j), reason);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..keys.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<MergeGroup> = groups
        .into_values()
        .filter(|members| members.len() > 1)
        .map(|members| {
            let mut counts: Vec<KeyCount> = members
                .iter()
                .map(|&i| KeyCount {
                    key: keys[i].clone(),
                    lessons: known[keys[i]].lessons,
                })
                .collect();
            counts.sort_by(|a, b| b.lessons.cmp(&a.lessons).then_with(|| a.key.cmp(&b.key)));
            let mut reasons: Vec<String> = Vec::new();
            for (&(i, j), r) in &why {
                if members.contains(&i) && members.contains(&j) {
                    for part in r.split(", ") {
                        if !reasons.iter().any(|x| x == part) {
                            reasons.push(part.to_string());
                        }
                    }
                }
            }
            MergeGroup {
                keep: counts[0].key.clone(),
                keys: counts,
                why: reasons.join(", "),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let total = |g: &MergeGroup| g.keys.iter().map(|k| k.lessons).sum::<usize>();
        total(b).cmp(&total(a)).then_with(|| a.keep.cmp(&b.keep))
    });
    out
}

/// The taxonomy of the knowledge base.
pub fn taxonomy(facts: &[Facts], synonyms: &Synonyms, catch_all: &[String]) -> Taxonomy {
    let known = keys(facts, None);
    let merge = merge_groups(&known, synonyms, catch_all);
    let mut list: Vec<KeyInfo> = known.into_values().collect();
    list.sort_by(|a, b| b.lessons.cmp(&a.lessons).then_with(|| a.key.cmp(&b.key)));
    Taxonomy {
        lessons: facts.len(),
        keys: list,
        merge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: &str, b: &str) -> Option<String> {
        relation(a, b, &Synonyms::new(&[])).map(|(_, why)| why)
    }

    #[test]
    fn same_cause_by_name() {
        assert!(rel("missing-failover-runbook", "no-failover-runbook").is_some());
        assert!(rel("lack-of-failover-runbooks", "no-failover-runbook").is_some());
        assert_eq!(
            rel("certificate-expired", "expired-certificate").as_deref(),
            Some("same words reordered")
        );
        assert!(
            rel("expired-cert", "expired-certificate")
                .unwrap()
                .contains("synonyms")
        );
        assert!(
            rel("expired-certifcate", "expired-certificate")
                .unwrap()
                .starts_with("spelling")
        );
        assert!(rel("disk-full", "phishing").is_none());
        assert!(
            rel("unpatched-vpn-appliance", "unpatched-vpn")
                .unwrap()
                .starts_with("shares")
        );
    }

    #[test]
    fn suggestions_best_first() {
        let mut known = BTreeMap::new();
        for (k, n) in [
            ("no-failover-runbook", 4),
            ("failover-untested", 2),
            ("phishing", 9),
        ] {
            known.insert(
                k.to_string(),
                KeyInfo {
                    key: k.to_string(),
                    categories: vec![],
                    lessons: n,
                    first_seen: None,
                    last_seen: None,
                    ids: vec![],
                },
            );
        }
        let s = Synonyms::new(&[]);
        let checks = check_keys(
            &[
                "missing-failover-runbook".into(),
                "phishing".into(),
                "brand-new".into(),
            ],
            &[],
            &known,
            &[("phishing".into(), "LL-1".into())],
            &s,
            &["uncategorized".into()],
        );
        assert!(!checks[0].known);
        assert_eq!(checks[0].suggest[0].key, "no-failover-runbook");
        assert!(checks[1].known && checks[1].suggest.is_empty());
        assert!(checks[2].suggest.is_empty(), "{:?}", checks[2]);
        let groups = merge_groups(&known, &s, &[]);
        assert!(groups.is_empty());
    }
}

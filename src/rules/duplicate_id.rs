//! `duplicate-id` (error): Two lessons share an `id`; reported on the later file in path order,
//! pointing at the first (or on the earlier file when only it is checked).
//!
//! Why: Ids are how lessons cite each other and how reports name them.
//!
//! Fix: give the newer lesson the next free id.
//!
//! Documented with real output in docs/format.md#duplicate-id; fixtures in
//! tests/fixtures/rules/duplicate-id/.

use super::*;

pub(super) fn check<'s>(
    sites: &[&'s IdSite],
    report_on: &impl Fn(&str) -> bool,
    first: &mut Ids<'s>,
    out: &mut Vec<Diagnostic>,
) {
    for &site in sites {
        let Some(id) = &site.id else { continue };
        match first.get(id.value.as_str()) {
            None => {
                first.insert(&id.value, site);
            }
            Some(original) => {
                // Reported on the later file; but when only the earlier one
                // is selected (a pull request adding a lesson that sorts
                // first), on that one, or the duplicate would slip through.
                let (on, other, verb) = if report_on(&site.path) {
                    (site, *original, "already")
                } else if report_on(&original.path) {
                    (*original, site, "also")
                } else {
                    continue;
                };
                let Some(on_id) = &on.id else { continue };
                let pos = other.id_position;
                let mut d = Diagnostic::unresolved(
                    Rule::DuplicateId,
                    on_id.span.clone(),
                    format!(
                        "id \"{}\" is {verb} used by {}:{}:{}",
                        id.value, other.path, pos.line, pos.column
                    ),
                );
                d.path = on.path.clone();
                d.label = Some("duplicate id".into());
                d.help = Some("give one of the two lessons the next free id".into());
                d.related = Some(Related {
                    path: other.path.clone(),
                    position: pos,
                    message: "also used here".into(),
                });
                out.push(d);
            }
        }
    }
}

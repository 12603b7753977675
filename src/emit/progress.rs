//! What the index says while it works, on stderr: notes, and a progress bar
//! for long builds on a terminal.

use std::io::IsTerminal;
use std::sync::OnceLock;

use crate::index::{Event, Observer};

/// Builds shorter than this finish before a bar would help.
const BAR_FROM: usize = 2_000;

/// Prints the index's notes and draws its progress bar.
#[derive(Default)]
pub struct IndexNotes {
    bar: OnceLock<indicatif::ProgressBar>,
}

impl IndexNotes {
    pub fn new() -> IndexNotes {
        IndexNotes::default()
    }
}

impl Observer for IndexNotes {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Rebuilding(why) => eprintln!("note: rebuilding the search index: {why}"),
            Event::Waiting => eprintln!(
                "note: waiting for another lessons process to finish updating the search index"
            ),
            Event::Started { total } => {
                if total >= BAR_FROM && std::io::stderr().is_terminal() {
                    let bar = indicatif::ProgressBar::new(total as u64);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "indexing {bar:40} {pos}/{len} lessons ({eta} left)",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    let _ = self.bar.set(bar);
                }
            }
            Event::Unwritable {
                cache,
                why,
                using: Some(using),
            } => eprintln!(
                "note: the search index in {} cannot be written ({why}); keeping it in {} instead",
                cache.display(),
                using.display()
            ),
            Event::Unwritable {
                cache,
                why,
                using: None,
            } => eprintln!(
                "warning: the search index in {} cannot be updated ({why}); searching it as it is: recent changes may be missing",
                cache.display()
            ),
            Event::Read => {
                if let Some(bar) = self.bar.get() {
                    bar.inc(1);
                }
            }
            Event::Finished => {
                if let Some(bar) = self.bar.get() {
                    bar.finish_and_clear();
                }
            }
        }
    }
}

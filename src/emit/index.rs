//! `lessons index`: what the update did.

use std::io::Write;

use crate::index::SyncStats;

/// The outcome of bringing the index up to date.
pub struct Synced<'a>(pub &'a SyncStats);

impl super::Emit for Synced<'_> {
    fn emit(
        &self,
        format: super::Format,
        cx: &super::Context,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let stats = self.0;
        let ms = cx.elapsed_ms;
        match format {
            super::Format::Json => {
                #[derive(serde::Serialize)]
                struct Document<'a> {
                    #[serde(flatten)]
                    stats: &'a SyncStats,
                    elapsed_ms: u64,
                }
                super::write_json(
                    &Document {
                        stats,
                        elapsed_ms: u64::try_from(ms).unwrap_or(u64::MAX),
                    },
                    out,
                )
            }
            super::Format::Human => {
                if let Some(why) = &stats.rebuilt {
                    writeln!(
                        out,
                        "indexed {} lessons from scratch ({why}) in {ms} ms",
                        stats.lessons
                    )
                } else if stats.changed() {
                    let mut parts = vec![
                        format!("{} added", stats.added),
                        format!("{} updated", stats.updated),
                        format!("{} removed", stats.removed),
                    ];
                    if stats.renamed > 0 {
                        parts.push(format!("{} renamed", stats.renamed));
                    }
                    writeln!(
                        out,
                        "index updated: {} ({} lessons, {ms} ms)",
                        parts.join(", "),
                        stats.lessons
                    )
                } else {
                    writeln!(
                        out,
                        "index up to date: 0 added, 0 updated, 0 removed ({} lessons, {ms} ms)",
                        stats.lessons
                    )
                }
            }
            f => Err(super::unsupported(f)),
        }
    }
}

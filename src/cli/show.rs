//! `lessons show`: one lesson, with timing, causes and actions.

use clap::Args;

use super::{Cli, CliError, EXIT_OK, OutputFormat, open_index, resolve_lesson};
use crate::emit::show::{GitFacts, View};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The lesson's id (or the path of its file).
    pub id: String,

    /// Refuse (exit 2) a lesson above this TLP sharing level: CLEAR, GREEN,
    /// AMBER, AMBER+STRICT or RED.
    #[arg(long, value_name = "LEVEL", value_parser = crate::tlp::Tlp::parse_flag)]
    pub max_tlp: Option<crate::tlp::Tlp>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub fn run(cli: &Cli, args: &ShowArgs) -> Result<i32, CliError> {
    let (kb, index) = open_index(cli, false)?;
    let found = resolve_lesson(&kb, &index, &args.id)?;
    let tlp = super::within_max_tlp(&kb, &found, args.max_tlp)?;
    let mut git = found
        .doc
        .as_ref()
        .map(|doc| {
            let (added_by, added, changed) = crate::search::doc_git(&index, doc);
            GitFacts {
                added_by,
                added,
                changed,
                ..GitFacts::default()
            }
        })
        .unwrap_or_default();
    let provenance = crate::repo::history::provenance(&kb, &found.lesson.path);
    git.shallow = provenance.shallow;
    if git.added.is_none() {
        git.note = Some(provenance.unknown_because().to_string());
    }
    let today = crate::time::today()?;
    let view = View::new(&found.lesson, &found.text, tlp, git, today);
    super::emit(&view, args.format, &super::emit_context(cli))?;
    Ok(EXIT_OK)
}

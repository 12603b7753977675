//! What can go wrong with the index, and why it is built from scratch.

use std::fmt;
use std::path::PathBuf;

use super::schema::SCHEMA_VERSION;

/// A failure of the search index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The cache could not be created, written or committed to (a full
    /// disk, permissions).
    #[error("{context}: {message}")]
    Write { context: String, message: String },
    /// What the cache holds cannot be used as it is: the index is rebuilt.
    #[error("{0}")]
    Unusable(RebuildReason),
    /// The report facts cannot be read or do not match their checksum.
    #[error("the report facts are damaged: {0}")]
    FactsDamaged(String),
    /// Another process held the lock for longer than we wait.
    #[error(
        "another lessons process has been updating the search index for {seconds}s; try again when it is done (lock: {})",
        lock.display()
    )]
    Busy { seconds: u64, lock: PathBuf },
    /// Tantivy failed while searching or reading documents.
    #[error(transparent)]
    Read(#[from] tantivy::TantivyError),
    /// Reading the index panicked, even after a rebuild (the message and
    /// place of the panic).
    #[error("reading the index failed: {0}")]
    Panicked(String),
}

impl IndexError {
    /// Whether this says the files of the index are damaged (answered by
    /// one rebuild), rather than that the index cannot be written or is
    /// busy.
    pub fn is_damage(&self) -> bool {
        use tantivy::TantivyError as T;
        match self {
            IndexError::FactsDamaged(_) | IndexError::Unusable(_) | IndexError::Panicked(_) => true,
            IndexError::Read(e) => matches!(
                e,
                T::DataCorruption(_)
                    | T::IoError(_)
                    | T::OpenReadError(_)
                    | T::OpenDirectoryError(_)
                    | T::InternalError(_)
                    | T::Poisoned
                    | T::ErrorInThread(_)
                    | T::SchemaError(_)
                    | T::IncompatibleIndex(_)
                    | T::FieldNotFound(_)
                    | T::DeserializeError(_)
            ),
            IndexError::Write { .. } | IndexError::Busy { .. } => false,
        }
    }

    /// A write failure: what was being done, and the cause.
    pub(crate) fn write(context: impl Into<String>, e: impl fmt::Display) -> IndexError {
        IndexError::Write {
            context: context.into(),
            message: e.to_string(),
        }
    }
}

/// Why the index was built from scratch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebuildReason {
    /// `lessons index --rebuild`.
    Requested,
    /// The first build.
    NoIndex,
    /// `lessons.toml` decides what is indexed.
    ConfigChanged,
    /// A shallow clone was deepened or cut: who added a lesson may differ.
    HistoryReshaped,
    /// HEAD went back to an ancestor or to another branch.
    HeadNotDescendant,
    /// Written by another version of `lessons` (its schema number, if any).
    OtherVersion(Option<u64>),
    /// A part of the index cannot be read.
    Unreadable {
        what: &'static str,
        detail: Option<String>,
    },
    /// An update failed (a damaged manifest or facts, a failed write).
    UpdateFailed(String),
}

impl RebuildReason {
    pub(crate) fn unreadable(what: &'static str, e: impl fmt::Display) -> RebuildReason {
        RebuildReason::Unreadable {
            what,
            detail: Some(e.to_string()),
        }
    }

    /// Whether a user should be told (not for a first build, nor for one
    /// they asked for).
    pub fn is_news(&self) -> bool {
        !matches!(self, RebuildReason::Requested | RebuildReason::NoIndex)
    }
}

impl fmt::Display for RebuildReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RebuildReason::Requested => f.write_str("rebuild requested"),
            RebuildReason::NoIndex => f.write_str("no index yet"),
            RebuildReason::ConfigChanged => f.write_str("lessons.toml changed"),
            RebuildReason::HistoryReshaped => {
                f.write_str("the clone's git history was deepened or cut")
            }
            RebuildReason::HeadNotDescendant => {
                f.write_str("git HEAD moved to a commit that does not descend from the indexed one")
            }
            RebuildReason::OtherVersion(found) => write!(
                f,
                "the index is from another version (schema {}, this is {SCHEMA_VERSION})",
                found.map_or_else(|| "unknown".to_string(), |s| s.to_string())
            ),
            RebuildReason::Unreadable { what, detail: None } => f.write_str(what),
            RebuildReason::Unreadable {
                what,
                detail: Some(detail),
            } => write!(f, "{what} ({detail})"),
            RebuildReason::UpdateFailed(why) => f.write_str(why),
        }
    }
}

impl serde::Serialize for RebuildReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::RebuildReason;

    #[test]
    fn reasons_read_as_before() {
        assert_eq!(RebuildReason::NoIndex.to_string(), "no index yet");
        assert!(!RebuildReason::NoIndex.is_news());
        assert!(!RebuildReason::Requested.is_news());
        assert!(RebuildReason::ConfigChanged.is_news());
        assert_eq!(
            RebuildReason::OtherVersion(Some(3)).to_string(),
            format!(
                "the index is from another version (schema 3, this is {})",
                super::SCHEMA_VERSION
            )
        );
        assert_eq!(
            RebuildReason::unreadable("the index manifest is unreadable", "bad line").to_string(),
            "the index manifest is unreadable (bad line)"
        );
        assert_eq!(
            serde_json::to_string(&RebuildReason::ConfigChanged).unwrap(),
            "\"lessons.toml changed\""
        );
    }
}

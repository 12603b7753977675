//! The search index schema: one Tantivy document per lesson file.

use tantivy::schema::{
    DateOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};

/// Bumped whenever the schema or what is indexed changes: an index of
/// another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 17;

/// Stemmed English text (Tantivy's built-in `en_stem`).
const TEXT_TOKENIZER: &str = "en_stem";
/// Whole values, case-insensitive: ids, keys, systems, vocabularies.
pub const KEYWORD_TOKENIZER: &str = "keyword";

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub path: Field,
    pub id: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub causes: Field,
    pub cause_key: Field,
    pub category: Field,
    pub actions: Field,
    pub kind: Field,
    pub severity: Field,
    pub status: Field,
    pub systems: Field,
    pub teams: Field,
    pub tags: Field,
    pub functions: Field,
    /// The lesson's TLP level as it applies (its `tlp` or the default of
    /// `lessons.toml`, whose change rebuilds the index), so `--max-tlp`
    /// filters without reading a file.
    pub tlp: Field,
    /// Cause keys, systems, tags and teams as words, so that
    /// `no-failover-runbook` is found by "failover runbook".
    pub labels: Field,
    /// Cause categories as words (`configuration error`): searched, but
    /// weighted low, since every lesson has one of a dozen.
    pub category_words: Field,
    pub occurred: Field,
    pub added_by: Field,
    pub added_at: Field,
    pub changed_at: Field,
}

fn text(stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

fn keyword() -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored()
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let date = DateOptions::from(INDEXED).set_stored().set_fast();
        let fields = Fields {
            path: b.add_text_field("path", STRING | STORED),
            id: b.add_text_field("id", keyword()),
            title: b.add_text_field("title", text(true)),
            summary: b.add_text_field("summary", text(false)),
            body: b.add_text_field("body", text(true)),
            causes: b.add_text_field("causes", text(false)),
            cause_key: b.add_text_field("cause_key", keyword()),
            category: b.add_text_field("category", keyword()),
            actions: b.add_text_field("actions", text(false)),
            kind: b.add_text_field("kind", keyword()),
            severity: b.add_text_field("severity", keyword()),
            status: b.add_text_field("status", keyword()),
            systems: b.add_text_field("systems", keyword()),
            teams: b.add_text_field("teams", keyword()),
            tags: b.add_text_field("tags", keyword()),
            functions: b.add_text_field("functions", keyword()),
            tlp: b.add_text_field("tlp", keyword()),
            labels: b.add_text_field("labels", text(false)),
            category_words: b.add_text_field("category_words", text(false)),
            occurred: b.add_date_field("occurred", date.clone()),
            added_by: b.add_text_field("added_by", STORED),
            added_at: b.add_date_field("added_at", DateOptions::default().set_stored()),
            changed_at: b.add_date_field("changed_at", DateOptions::default().set_stored()),
        };
        (b.build(), fields)
    }

    /// Looks the fields up in an existing index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            path: f("path")?,
            id: f("id")?,
            title: f("title")?,
            summary: f("summary")?,
            body: f("body")?,
            causes: f("causes")?,
            cause_key: f("cause_key")?,
            category: f("category")?,
            actions: f("actions")?,
            kind: f("kind")?,
            severity: f("severity")?,
            status: f("status")?,
            systems: f("systems")?,
            teams: f("teams")?,
            tags: f("tags")?,
            functions: f("functions")?,
            tlp: f("tlp")?,
            labels: f("labels")?,
            category_words: f("category_words")?,
            occurred: f("occurred")?,
            added_by: f("added_by")?,
            added_at: f("added_at")?,
            changed_at: f("changed_at")?,
        })
    }
}

/// Registers the tokenizers the schema names.
pub fn register_tokenizers(index: &tantivy::Index) {
    index.tokenizers().register(
        KEYWORD_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

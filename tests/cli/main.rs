//! The integration tests: one binary (as ripgrep has), so a change relinks
//! one test executable rather than one per file. Each module drives the
//! real `lessons` binary against real temporary git repositories, except
//! `layers` (the layer check over `src/`), `parser_props` (the parser on
//! random input) and `fuzz_corpus` (the committed fuzz inputs, replayed).

mod common;

mod authoring;
mod bad_input;
mod changed;
mod example;
mod finding;
mod formats;
mod fuzz_corpus;
mod history;
mod layers;
mod parser_props;
mod personal;
mod report;
mod rule_docs;
mod rules;
mod schema;
mod search;
mod secrets;
mod security_docs;
mod suppressions;
mod tlp;

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
mod functions;
mod fuzz_corpus;
mod gate;
mod history;
mod hostile_output;
mod index_cache;
mod layers;
mod parser_props;
mod personal;
mod practice;
mod report;
mod repository;
mod roots;
mod rule_docs;
mod rules;
mod schema;
mod search;
mod secrets;
mod security_docs;
mod shipping;
mod suppressions;
mod tlp;
mod verification;

//! Arbitrary input never panics the parser or the rules: random bytes, and
//! random edits of a valid lesson (which reach deep into the TOML and
//! Markdown paths that random bytes rarely get past).

use lessons::config::Config;
use lessons::diagnostic::LineIndex;
use proptest::prelude::*;

const VALID: &str = include_str!("../fixtures/valid/payments-failover.md");

fn parse_and_check(bytes: &[u8]) {
    let config = Config::default();
    let parsed = lessons::parse::parse("lessons/x.md", bytes);
    let text = lessons::parse::source_text(bytes);
    for d in &parsed.diagnostics {
        assert!(d.start.line >= 1 && d.start.column >= 1, "{d:?}");
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{d:?} in {} bytes",
            text.len()
        );
    }
    if let Some(lesson) = parsed.lesson {
        let mut out = Vec::new();
        lessons::rules::check_lesson(&lesson, &config, &LineIndex::new(&text), &mut out);
        for d in &out {
            assert!(d.span.end <= text.len(), "{d:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_and_check(&bytes);
    }

    #[test]
    fn random_text_after_the_delimiter_never_panics(s in "\\PC{0,300}") {
        parse_and_check(format!("+++\n{s}").as_bytes());
        parse_and_check(format!("+++\n{s}\n+++\n{s}").as_bytes());
    }

    #[test]
    fn edited_valid_lessons_never_panic(
        edits in proptest::collection::vec((0usize..VALID.len(), 0usize..8, "[\\PC\n\r\"\\[\\]=#+-]{0,6}"), 1..6)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, remove, insert) in edits {
            let at = at.min(bytes.len());
            let end = (at + remove).min(bytes.len());
            bytes.splice(at..end, insert.bytes());
        }
        parse_and_check(&bytes);
    }
}

//! Times each step of `lessons check` over every lesson of a knowledge
//! base, on one thread (for tuning):
//! `cargo run --release --example check_stages -- DIR`.
use std::time::{Duration, Instant};

use lessons::diagnostic::LineIndex;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("a knowledge base folder"));
    let config = lessons::config::Config::load(&dir).expect("lessons.toml");
    let paths: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    let mut t = [Duration::ZERO; 6];
    let names = ["read", "decode", "parse", "rules", "secrets", "personal"];
    let mut bytes = 0;
    let mut findings = 0;
    let mut buf = Vec::new();
    for p in &paths {
        let s = Instant::now();
        buf.clear();
        use std::io::Read;
        std::fs::File::open(p)
            .unwrap()
            .read_to_end(&mut buf)
            .unwrap();
        bytes += buf.len();
        t[0] += s.elapsed();
        let s = Instant::now();
        let Ok(text) = lessons::parse::decode(&buf) else {
            continue;
        };
        t[1] += s.elapsed();
        let s = Instant::now();
        let parsed = lessons::parse::parse_text("x.md", text);
        t[2] += s.elapsed();
        let s = Instant::now();
        let mut out = parsed.diagnostics;
        if let Some(lesson) = parsed.lesson {
            let lines = LineIndex::new(text);
            lessons::rules::check_lesson(&lesson, &config, &lines, &mut out);
        }
        findings += out.len();
        t[3] += s.elapsed();
        let s = Instant::now();
        findings += lessons::sensitive::secrets::detector().find(text).len();
        t[4] += s.elapsed();
        let s = Instant::now();
        findings += lessons::sensitive::personal::find(text, &config.personal_data).len();
        t[5] += s.elapsed();
    }
    let total: Duration = t.iter().sum();
    println!(
        "{} files, {} MB, {findings} findings, {:.3} s",
        paths.len(),
        bytes / 1_000_000,
        total.as_secs_f64()
    );
    for (n, d) in names.iter().zip(t) {
        println!(
            "{n:>10} {:7.3} s {:5.1}%  {:6.0} MB/s",
            d.as_secs_f64(),
            100.0 * d.as_secs_f64() / total.as_secs_f64(),
            bytes as f64 / 1e6 / d.as_secs_f64()
        );
    }
}

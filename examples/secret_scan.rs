//! Times the credential detector over every lesson of a knowledge base
//! (for tuning it): `cargo run --release --example secret_scan -- DIR`.
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("a knowledge base folder");
    let mut texts = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                texts.push(std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let mut n = 0;
    for text in &texts {
        n += lessons::sensitive::secrets::detector().find(text).len();
    }
    let el = t.elapsed();
    println!(
        "{} files, {} MB, {n} secrets, {:.3} s single-threaded ({:.0} MB/s)",
        texts.len(),
        bytes / 1_000_000,
        el.as_secs_f64(),
        bytes as f64 / 1e6 / el.as_secs_f64()
    );
}

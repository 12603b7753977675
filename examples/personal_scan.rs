//! Times the personal-data detector (for tuning it), and lists what it
//! finds beyond the data planted in the corpus (false positives):
//! `cargo run --release --example personal_scan [-- DIR]`.
//!
//! Without DIR it generates lessons the way incident write-ups look
//! (timelines of dates and times, log lines, versions, ids, hashes, UUIDs,
//! URLs with query strings, code blocks, money and percentages) with a
//! little personal data planted in one lesson out of ten. With DIR it
//! reads every `.md` file under it instead (nothing planted).
use std::fmt::Write as _;
use std::time::Instant;

use lessons::sensitive::personal::{self, Kind, Options};

/// splitmix64: deterministic and tiny.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
}

/// Valid personal data of each kind (not documented examples).
const PLANTED: &[(Kind, &str)] = &[
    (Kind::Email, "jane.doe@acme-corp.com"),
    (Kind::Email, "r.smith@corp.co.uk"),
    (Kind::Phone, "+44 20 7946 1234"),
    (Kind::Phone, "(415) 823-2671"),
    (Kind::Card, "4526 0181 5908 3012"),
    (Kind::Card, "5560308246281941"),
    (Kind::Ssn, "536-22-1234"),
    (Kind::Iban, "DE29 7127 6842 6846 5632 12"),
    (Kind::Ip, "81.2.69.160"),
    (Kind::Ip, "2a00:1450:4001:80b::200e"),
];

const SERVICES: &[&str] = &[
    "checkout-api",
    "payments",
    "auth-gateway",
    "search-indexer",
    "kafka-broker-3",
    "postgres-primary",
    "edge-lb",
];
const LEVELS: &[&str] = &["INFO ", "WARN ", "ERROR", "DEBUG"];
const WORDS: &[&str] = &[
    "the",
    "rollback",
    "deploy",
    "latency",
    "on-call",
    "paged",
    "after",
    "queue",
    "backlog",
    "retries",
    "timeout",
    "config",
    "change",
    "was",
    "reverted",
    "and",
    "alerts",
    "fired",
    "for",
    "customers",
    "in",
    "eu-west-1",
    "while",
    "p99",
    "rose",
];

fn date(r: &mut Rng) -> String {
    let (y, m, d) = (2015 + r.below(11), 1 + r.below(12), 1 + r.below(28));
    match r.below(4) {
        0 => format!("{y}/{m:02}/{d:02}"),
        1 => format!("{d:02}.{m:02}.{y}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    }
}

fn time(r: &mut Rng) -> String {
    format!("{:02}:{:02}:{:02}", r.below(24), r.below(60), r.below(60))
}

fn private_ip(r: &mut Rng) -> String {
    match r.below(5) {
        0 => format!("10.{}.{}.{}", r.below(256), r.below(256), r.below(256)),
        1 => format!("192.168.{}.{}", r.below(256), r.below(256)),
        2 => format!("172.{}.{}.{}", 16 + r.below(16), r.below(256), r.below(256)),
        3 => format!("203.0.113.{}", r.below(256)),
        _ => format!("198.51.100.{}", r.below(256)),
    }
}

fn uuid(r: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(3),
        r.hex(3),
        r.hex(12)
    )
}

fn sentence(r: &mut Rng, out: &mut String) {
    for _ in 0..8 + r.below(10) {
        out.push_str(r.pick(WORDS));
        out.push(' ');
        match r.below(14) {
            0 => write!(out, "{}% ", r.below(100)),
            1 => write!(out, "${},{:03} ", 1 + r.below(99), r.below(1000)),
            2 => write!(out, "v{}.{}.{} ", r.below(5), r.below(30), r.below(20)),
            3 => write!(out, "({} ms) ", r.below(5000)),
            4 => write!(out, "{}h {}m ", r.below(12), r.below(60)),
            5 => write!(
                out,
                "INC-{}-{} ",
                date(r).replace(['-', '/', '.'], ""),
                r.below(10000)
            ),
            6 => {
                let n = if r.below(2) == 0 { 7 } else { 40 };
                write!(out, "commit {} ", r.hex(n))
            }
            7 => write!(out, "port {} ", 1024 + r.below(60000)),
            8 => write!(out, "LL-{}-{:03} ", 2015 + r.below(11), r.below(1000)),
            9 => write!(out, "{} requests ", r.below(10_000_000)),
            _ => Ok(()),
        }
        .unwrap();
    }
    out.pop();
    out.push_str(". ");
}

fn lesson(r: &mut Rng, n: usize, plant: Option<&str>) -> String {
    let mut s = String::with_capacity(6000);
    let day = date(r);
    writeln!(
        s,
        "+++\nid = \"LL-{}-{:03}\"\ntitle = \"{} outage {n}\"\ndate = {}\nincident = \"INC-{}\"\nseverity = \"sev{}\"\n+++\n",
        2015 + r.below(11),
        n % 1000,
        r.pick(SERVICES),
        day,
        1_000_000 + r.below(9_000_000),
        1 + r.below(4)
    )
    .unwrap();
    s.push_str("## Summary\n\n");
    for _ in 0..3 {
        sentence(r, &mut s);
    }
    s.push_str("\n\n## Timeline (UTC)\n\n");
    for _ in 0..6 + r.below(8) {
        write!(s, "- {day} {} — ", time(r)).unwrap();
        sentence(r, &mut s);
        s.push('\n');
    }
    s.push_str("\n```text\n");
    for _ in 0..8 + r.below(12) {
        writeln!(
            s,
            "{}T{}.{:03}Z {} {} req={} upstream={}:{} trace_id={} took={}ms",
            date(r).replace(['/', '.'], "-"),
            time(r),
            r.below(1000),
            r.pick(LEVELS),
            r.pick(SERVICES),
            uuid(r),
            private_ip(r),
            1024 + r.below(60000),
            r.hex(32),
            r.below(30000)
        )
        .unwrap();
    }
    s.push_str("```\n\nDashboard: ");
    let ms = 1_500_000_000_000 + r.below(300_000_000_000);
    writeln!(
        s,
        "https://grafana.acme.io/d/{}/{}?orgId=1&from={ms}&to={}&var-pod={}-{}-{}",
        r.hex(9),
        r.pick(SERVICES),
        ms + 3_600_000,
        r.pick(SERVICES),
        r.hex(9),
        r.hex(5)
    )
    .unwrap();
    s.push_str("\n## What went well\n\n");
    sentence(r, &mut s);
    if let Some(datum) = plant {
        write!(s, "The affected customer's {datum} was in the ticket. ").unwrap();
    }
    s.push_str("\n\n## Action items\n\n");
    for _ in 0..3 {
        write!(s, "- OPS-{} (due {}): ", 1000 + r.below(9000), date(r)).unwrap();
        sentence(r, &mut s);
        s.push('\n');
    }
    s
}

fn read_dir(dir: &str) -> Vec<String> {
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
    texts
}

fn main() {
    let (texts, planted) = if let Some(dir) = std::env::args().nth(1) {
        (read_dir(&dir), 0)
    } else {
        let mut r = Rng(42);
        let mut planted = 0;
        let texts: Vec<String> = (0..8000)
            .map(|n| {
                let plant = (n % 10 == 0).then(|| PLANTED[(n / 10) % PLANTED.len()].1);
                planted += usize::from(plant.is_some());
                lesson(&mut r, n, plant)
            })
            .collect();
        (texts, planted)
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let options = Options::default();
    let mut best = f64::MAX;
    let mut found = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        found = texts
            .iter()
            .map(|text| personal::find(text, &options))
            .collect::<Vec<_>>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    // A reference for the cost of one pass over the bytes: counting digits.
    let mut reference = f64::MAX;
    let mut digits = 0;
    for _ in 0..5 {
        let t = Instant::now();
        digits = texts
            .iter()
            .map(|t| t.bytes().filter(u8::is_ascii_digit).count())
            .sum::<usize>();
        reference = reference.min(t.elapsed().as_secs_f64());
    }
    let mut by_kind = std::collections::BTreeMap::new();
    let mut unexpected = Vec::new();
    for (text, found) in texts.iter().zip(&found) {
        for f in found {
            *by_kind.entry(f.kind.name()).or_insert(0) += 1;
            let datum = &text[f.span.clone()];
            if !PLANTED.iter().any(|(k, d)| *k == f.kind && *d == datum) {
                let from = text.floor_char_boundary(f.span.start.saturating_sub(30));
                let to = text.ceil_char_boundary((f.span.end + 30).min(text.len()));
                unexpected.push(format!("{}: {datum:?} in {:?}", f.kind, &text[from..to]));
            }
        }
    }
    println!(
        "{} files, {:.1} MB, {} findings {by_kind:?} ({planted} planted, {} unexpected), \
         {best:.3} s single-threaded ({:.0} MB/s)",
        texts.len(),
        bytes as f64 / 1e6,
        found.iter().map(Vec::len).sum::<usize>(),
        unexpected.len(),
        bytes as f64 / 1e6 / best
    );
    println!(
        "reference: counting the {digits} digits takes {reference:.3} s ({:.0} MB/s)",
        bytes as f64 / 1e6 / reference
    );
    for u in unexpected.iter().take(20) {
        println!("  unexpected {u}");
    }
}

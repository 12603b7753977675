//! Step timings for `LESSONS_TIMINGS=1`: for benchmarks and for users
//! wondering where the time goes. The library records; `cli` prints them
//! when the command ends (the library never prints).

use std::sync::Mutex;
use std::time::Instant;

static STEPS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Times the steps of one piece of work, from its creation on.
pub struct Timings {
    on: bool,
    last: Instant,
}

impl Timings {
    pub fn new() -> Timings {
        Timings {
            on: enabled(),
            last: Instant::now(),
        }
    }

    /// Records how long since the last step (or the start) and the
    /// resident memory now.
    pub fn step(&mut self, what: &str) {
        if self.on {
            // Resident memory too: on a fresh page every megabyte costs time.
            let rss = std::fs::read_to_string("/proc/self/statm")
                .ok()
                .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
                .map(|pages| format!(", {} MB resident", pages * 4096 / 1_000_000))
                .unwrap_or_default();
            let line = format!(
                "{what}: {:.1} ms{rss}",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
            if let Ok(mut steps) = STEPS.lock() {
                steps.push(line);
            }
            self.last = Instant::now();
        }
    }
}

impl Default for Timings {
    fn default() -> Self {
        Timings::new()
    }
}

/// Whether `LESSONS_TIMINGS` is set.
pub fn enabled() -> bool {
    std::env::var_os("LESSONS_TIMINGS").is_some()
}

/// The steps recorded so far, in order, and forgets them.
pub fn take() -> Vec<String> {
    STEPS
        .lock()
        .map(|mut s| std::mem::take(&mut *s))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn records_nothing_when_off() {
        let mut t = super::Timings {
            on: false,
            last: std::time::Instant::now(),
        };
        t.step("x");
        let mut t = super::Timings {
            on: true,
            last: std::time::Instant::now(),
        };
        t.step("y");
        let steps = super::take();
        assert!(steps.iter().any(|s| s.starts_with("y: ")), "{steps:?}");
        assert!(!steps.iter().any(|s| s.starts_with("x: ")), "{steps:?}");
    }
}

//! Deterministic generator of a synthetic lessons-learned knowledge base.
//!
//! Used by the benchmarks in `bench/` and for large-scale testing. It only
//! uses the Rust standard library so it builds even when the main crate is
//! being changed.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out DIR --count N \
//!     [--seed S] [--invalid-percent P] [--threads T]
//! ```
//!
//! Output (all paths relative to DIR):
//!
//! - `lessons.toml`: a minimal configuration (defaults apply).
//! - `lessons/README.md` and `lessons/_template.md`: not lessons (the tool
//!   must skip them; the template is deliberately not a valid lesson).
//! - `lessons/YYYY/MM/<slug>-<n>.md`: one lesson per file, spread over
//!   2015-2026, at most a few hundred files per folder at N = 100,000.
//!   Every lesson follows `lesson-format.md` (contract v1) unless it was
//!   picked for `--invalid-percent`, in which case it carries exactly one
//!   contract violation.
//! - `corpus-manifest.tsv`: what was generated, for tests and benchmarks:
//!   `invalid <path> <mutation> <expected-rule>` per broken file,
//!   `codename <id> <path> <phrase>` per lesson holding a unique phrase
//!   (about one in a thousand), `long <id> <path>` per lesson above
//!   `max_words` (warning `too-long`, not an error).
//!
//! Same arguments give byte-identical output whatever the thread count: every
//! lesson draws from its own random stream derived from the seed and index.

// Its generators are long tables of phrases and templates, read top to
// bottom; splitting them would scatter the data.
#![allow(clippy::too_many_lines)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

// ---------------------------------------------------------------------------
// Random numbers: splitmix64, good enough and tiny.

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x6A09_E667_F3BC_C908);
        r.next();
        r
    }
    fn stream(seed: u64, index: u64, salt: u64) -> Self {
        let mut r = Rng(seed
            ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() as u128 * n as u128) >> 64) as usize
    }
    /// Uniform in lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len())]
    }
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
    /// Log-uniform-ish duration in minutes between lo and hi.
    fn log_between(&mut self, lo: i64, hi: i64) -> i64 {
        let (a, b) = ((lo.max(1)) as f64, (hi.max(lo + 1)) as f64);
        let v = (a.ln() + self.unit() * (b.ln() - a.ln())).exp();
        (v.round() as i64).clamp(lo, hi)
    }
}

// ---------------------------------------------------------------------------
// Dates (proleptic Gregorian, UTC, unix seconds).

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn ymd(secs: i64) -> (i64, i64, i64) {
    civil_from_days(secs.div_euclid(DAY))
}
fn hm(secs: i64) -> (i64, i64) {
    let s = secs.rem_euclid(DAY);
    (s / HOUR, (s % HOUR) / MIN)
}
fn floor_day(secs: i64) -> i64 {
    secs.div_euclid(DAY) * DAY
}
fn date_str(secs: i64) -> String {
    let (y, m, d) = ymd(secs);
    format!("{y:04}-{m:02}-{d:02}")
}
fn offset_str(mins: i64) -> String {
    let sign = if mins < 0 { '-' } else { '+' };
    let a = mins.abs();
    format!("{sign}{:02}:{:02}", a / 60, a % 60)
}

/// How a front-matter instant is written. All styles denote the same UTC
/// instant (local datetimes are read as UTC), except `DateOnly`, which is the
/// start of the UTC day.
#[derive(Clone, Copy, PartialEq)]
enum DtStyle {
    Z,
    ZFrac,
    Offset(i64),
    Local,
    SpaceZ,
    DateOnly,
}

fn fmt_dt(secs: i64, style: DtStyle) -> String {
    let local = match style {
        DtStyle::Offset(m) => secs + m * MIN,
        _ => secs,
    };
    let (y, mo, d) = ymd(local);
    let (h, mi) = hm(local);
    let s = local.rem_euclid(60);
    match style {
        DtStyle::Z => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        DtStyle::ZFrac => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.250Z"),
        DtStyle::Offset(m) => {
            format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}",
                offset_str(m)
            )
        }
        DtStyle::Local => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
        DtStyle::SpaceZ => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}Z"),
        DtStyle::DateOnly => format!("{y:04}-{mo:02}-{d:02}"),
    }
}

/// The instant a value written with `style` stands for, for ordering rules.
fn effective(secs: i64, style: DtStyle) -> i64 {
    if style == DtStyle::DateOnly {
        floor_day(secs)
    } else {
        secs
    }
}

// ---------------------------------------------------------------------------
// Vocabularies (contract defaults) and word pools.

const FUNCTIONS: &[&str] = &["it", "security", "hr", "legal", "leadership", "operations"];
const ACTION_TYPES: &[&str] = &[
    "procedure-update",
    "awareness",
    "control-adjustment",
    "tooling",
    "architecture",
    "monitoring",
];

struct Cause {
    key: &'static str,
    category: &'static str,
    summary: &'static str,
    action: &'static str,
    action_type: &'static str,
}

macro_rules! causes {
    ($( ($k:expr, $c:expr, $s:expr, $a:expr, $t:expr) ),* $(,)?) => {
        &[ $( Cause { key: $k, category: $c, summary: $s, action: $a, action_type: $t } ),* ]
    };
}

/// Recurring root causes. Order matters: global draws are Zipf-distributed
/// over this list, so the first keys recur most.
const CAUSES: &[Cause] = causes![
    (
        "runbook-outdated",
        "process-gap",
        "The runbook described a topology that no longer exists",
        "Review and re-test the runbook after every architecture change",
        "procedure-update"
    ),
    (
        "alert-threshold-too-high",
        "configuration-error",
        "The alert threshold was set too high to fire before users noticed",
        "Lower the alert threshold and alert on the rate of change",
        "monitoring"
    ),
    (
        "manual-change-without-review",
        "governance-weakness",
        "A manual production change was made without peer review",
        "Require a second pair of eyes on every manual production change",
        "control-adjustment"
    ),
    (
        "phishing-awareness-gap",
        "training-need",
        "Staff did not recognise a convincing phishing message",
        "Run targeted phishing awareness sessions with realistic examples",
        "awareness"
    ),
    (
        "single-point-of-failure",
        "technical-debt",
        "A single component without redundancy carried the whole service",
        "Remove the single point of failure with an active standby",
        "architecture"
    ),
    (
        "config-drift",
        "configuration-error",
        "Production configuration had drifted from the version in git",
        "Enforce configuration from git and alert on drift",
        "tooling"
    ),
    (
        "deploy-without-canary",
        "process-gap",
        "The change was rolled out to every host at once without a canary",
        "Make canary deployment the default for all services",
        "tooling"
    ),
    (
        "cert-expiry-not-monitored",
        "process-gap",
        "Certificate expiry dates were not monitored",
        "Monitor certificate expiry and automate renewal",
        "monitoring"
    ),
    (
        "mfa-not-enforced",
        "governance-weakness",
        "Multi-factor authentication was optional for the affected accounts",
        "Enforce multi-factor authentication for all remote access",
        "control-adjustment"
    ),
    (
        "stale-access-not-revoked",
        "governance-weakness",
        "Access that was no longer needed had not been revoked",
        "Run quarterly access reviews with named owners",
        "procedure-update"
    ),
    (
        "untested-backups",
        "process-gap",
        "Backups were taken but restores had never been tested",
        "Schedule quarterly restore drills with recorded results",
        "procedure-update"
    ),
    (
        "vendor-outage",
        "third-party",
        "A supplier outage removed a dependency we had no fallback for",
        "Agree a documented fallback for the supplier dependency",
        "architecture"
    ),
    (
        "connection-pool-exhaustion",
        "capacity",
        "The connection pool was exhausted under peak load",
        "Size connection pools from load tests and alert on saturation",
        "monitoring"
    ),
    (
        "retry-storm",
        "software-defect",
        "Clients retried without backoff and amplified the failure",
        "Add exponential backoff with jitter to every client",
        "tooling"
    ),
    (
        "on-call-handover-gap",
        "process-gap",
        "Context was lost at the on-call handover",
        "Introduce a written on-call handover checklist",
        "procedure-update"
    ),
    (
        "missing-capacity-headroom",
        "capacity",
        "The service ran without capacity headroom for seasonal peaks",
        "Plan capacity for peak plus thirty percent and review monthly",
        "procedure-update"
    ),
    (
        "secret-committed-to-repo",
        "human-error",
        "A credential was committed to a source repository",
        "Add secret scanning to pre-commit hooks and CI",
        "tooling"
    ),
    (
        "insufficient-logging",
        "technical-debt",
        "Logs were too sparse to reconstruct what happened",
        "Define minimum logging requirements and verify them in review",
        "monitoring"
    ),
    (
        "typo-in-config",
        "human-error",
        "A typo in a configuration file went unnoticed",
        "Validate configuration files in CI before deployment",
        "tooling"
    ),
    (
        "training-not-completed",
        "training-need",
        "Mandatory training had not been completed by the people involved",
        "Track training completion and escalate overdue modules",
        "awareness"
    ),
    (
        "escalation-path-unknown",
        "training-need",
        "Responders did not know whom to escalate to",
        "Publish the escalation matrix and test it in game days",
        "awareness"
    ),
    (
        "public-bucket-acl",
        "configuration-error",
        "A storage bucket was readable by anyone on the internet",
        "Block public access at the account level",
        "control-adjustment"
    ),
    (
        "outdated-dependency",
        "technical-debt",
        "An outdated dependency carried a known defect",
        "Automate dependency updates with a weekly merge window",
        "tooling"
    ),
    (
        "unclear-incident-command",
        "governance-weakness",
        "Nobody was clearly in command of the incident",
        "Train incident commanders and assign one for every major incident",
        "procedure-update"
    ),
    (
        "disk-full-no-alert",
        "capacity",
        "A disk filled up without any alert",
        "Alert on disk usage trends, not only on thresholds",
        "monitoring"
    ),
    (
        "feature-flag-default-on",
        "configuration-error",
        "A feature flag defaulted to on in production",
        "Make new feature flags default to off and review them at launch",
        "control-adjustment"
    ),
    (
        "offboarding-incomplete",
        "process-gap",
        "Offboarding did not remove all accounts of a leaver",
        "Automate deprovisioning from the HR system of record",
        "tooling"
    ),
    (
        "privileged-access-too-broad",
        "governance-weakness",
        "Privileged access was broader than the role required",
        "Reduce standing privileges and introduce just-in-time access",
        "control-adjustment"
    ),
    (
        "documentation-missing",
        "process-gap",
        "The procedure was not documented anywhere",
        "Write the procedure down and link it from the service catalogue",
        "procedure-update"
    ),
    (
        "alert-fatigue",
        "process-gap",
        "Responders ignored the alert because it fired too often",
        "Review noisy alerts monthly and delete those nobody acts on",
        "monitoring"
    ),
    (
        "memory-leak",
        "software-defect",
        "A memory leak slowly exhausted the available memory",
        "Add memory profiling to the release pipeline",
        "tooling"
    ),
    (
        "dns-ttl-too-long",
        "configuration-error",
        "Long DNS TTLs delayed the fix from reaching clients",
        "Lower TTLs before planned changes and document the procedure",
        "procedure-update"
    ),
    (
        "third-party-api-change",
        "third-party",
        "A supplier changed their API without notice",
        "Add contract tests against the supplier sandbox",
        "tooling"
    ),
    (
        "cloud-region-outage",
        "third-party",
        "The cloud provider lost a region the service depended on",
        "Run the service active-active across two regions",
        "architecture"
    ),
    (
        "missing-rate-limit",
        "software-defect",
        "The endpoint had no rate limit",
        "Add per-client rate limits at the gateway",
        "control-adjustment"
    ),
    (
        "schema-migration-lock",
        "software-defect",
        "A schema migration took a lock that blocked production traffic",
        "Require online migration tooling for large tables",
        "tooling"
    ),
    (
        "misdirected-email-autocomplete",
        "human-error",
        "Email autocomplete selected the wrong recipient",
        "Delay outbound external email and warn on external recipients",
        "control-adjustment"
    ),
    (
        "shadow-it-saas",
        "governance-weakness",
        "Staff used an unapproved SaaS tool for company data",
        "Publish an approved tool list and a fast approval route",
        "procedure-update"
    ),
    (
        "shared-admin-account",
        "governance-weakness",
        "An administrator account was shared between several people",
        "Replace shared administrator accounts with named accounts",
        "control-adjustment"
    ),
    (
        "cron-overlap",
        "software-defect",
        "Two runs of a scheduled job overlapped",
        "Add locking to scheduled jobs so runs cannot overlap",
        "tooling"
    ),
    (
        "clock-skew",
        "configuration-error",
        "Server clocks drifted because time synchronisation had stopped",
        "Monitor clock offset on every host",
        "monitoring"
    ),
    (
        "change-freeze-ignored",
        "governance-weakness",
        "A change was deployed during a change freeze",
        "Enforce the change freeze in the deployment pipeline",
        "control-adjustment"
    ),
    (
        "cache-stampede",
        "software-defect",
        "Cache expiry caused a stampede of requests to the origin",
        "Add request coalescing and jittered cache expiry",
        "architecture"
    ),
    (
        "split-brain-replication",
        "software-defect",
        "Replication split into two primaries",
        "Adopt fencing for database failover",
        "architecture"
    ),
    (
        "load-balancer-health-check-wrong",
        "configuration-error",
        "The load balancer health check did not test the real dependency",
        "Make health checks exercise the critical path",
        "monitoring"
    ),
    (
        "ransomware-initial-access",
        "malicious-actor",
        "An attacker gained initial access and deployed ransomware",
        "Segment the network and isolate backups from the domain",
        "architecture"
    ),
    (
        "credential-stuffing",
        "malicious-actor",
        "Attackers replayed leaked credentials against the login",
        "Add credential stuffing detection and breached password checks",
        "control-adjustment"
    ),
    (
        "unpatched-vpn",
        "technical-debt",
        "The VPN appliance was missing a critical security patch",
        "Patch internet-facing appliances within seventy-two hours",
        "procedure-update"
    ),
    (
        "social-engineering-helpdesk",
        "malicious-actor",
        "A caller talked the helpdesk into resetting credentials",
        "Require call-back verification for every credential reset",
        "procedure-update"
    ),
    (
        "invoice-fraud-email",
        "malicious-actor",
        "A fraudulent email asked finance to change supplier bank details",
        "Verify bank detail changes by phone with a known contact",
        "procedure-update"
    ),
    (
        "ddos-volumetric",
        "malicious-actor",
        "A volumetric denial-of-service attack saturated the links",
        "Contract always-on DDoS scrubbing for public endpoints",
        "architecture"
    ),
    (
        "laptop-not-encrypted",
        "configuration-error",
        "The laptop disk was not encrypted",
        "Enforce disk encryption through device management",
        "control-adjustment"
    ),
    (
        "data-retention-not-enforced",
        "governance-weakness",
        "Data was kept longer than the retention policy allows",
        "Automate deletion according to the retention schedule",
        "tooling"
    ),
    (
        "test-data-in-production",
        "human-error",
        "Test data and production data were mixed",
        "Separate test and production environments and accounts",
        "architecture"
    ),
    (
        "power-maintenance-uncoordinated",
        "process-gap",
        "Facility power maintenance was not coordinated with IT",
        "Add facilities work to the change calendar",
        "procedure-update"
    ),
    (
        "license-expired",
        "process-gap",
        "A software licence expired without anyone noticing",
        "Track licence renewals with owners and reminders",
        "procedure-update"
    ),
    (
        "domain-renewal-missed",
        "process-gap",
        "A domain renewal reminder went to a former employee",
        "Move domain renewals to a shared mailbox and auto-renew",
        "procedure-update"
    ),
    (
        "terraform-state-drift",
        "configuration-error",
        "Terraform state did not match the real infrastructure",
        "Run drift detection nightly and block applies on drift",
        "tooling"
    ),
    (
        "ci-pipeline-secret-exposure",
        "software-defect",
        "The CI pipeline printed a secret into build logs",
        "Mask secrets in CI logs and rotate exposed credentials",
        "tooling"
    ),
    (
        "supply-chain-compromise",
        "third-party",
        "A compromised upstream package was pulled into the build",
        "Pin dependencies by hash and review new versions",
        "tooling"
    ),
    (
        "queue-backlog-unbounded",
        "capacity",
        "The queue had no bound and grew until consumers fell hours behind",
        "Bound queues and shed load when consumers fall behind",
        "architecture"
    ),
    (
        "approval-bypassed-under-pressure",
        "governance-weakness",
        "Approvals were skipped under time pressure",
        "Define an emergency change route that still records approval",
        "procedure-update"
    ),
];

fn cause_index(key: &str) -> usize {
    CAUSES
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("unknown cause key in theme: {key}"))
}

struct Theme {
    kind: &'static str,
    weight: u32,
    noun: &'static str,
    titles: &'static [&'static str],
    tags: &'static [&'static str],
    systems: &'static [&'static str],
    causes: &'static [&'static str],
    functions: &'static [&'static str],
    triggers: &'static [&'static str],
    mitigations: &'static [&'static str],
    analysis: &'static [&'static str],
}

const THEMES: &[Theme] = &[
    Theme {
        kind: "outage",
        weight: 8,
        noun: "database failover",
        titles: &[
            "{sys} failover stalled for {dur}",
            "Primary database {sys} lost quorum during maintenance",
            "Replication lag on {sys} caused stale reads for {dur}",
            "Write outage on {sys} after automated failover",
        ],
        tags: &["postgres", "failover", "replication", "database", "patroni"],
        systems: &[
            "payments-db",
            "orders-db",
            "ledger-db",
            "pgbouncer",
            "patroni",
            "customer-db",
        ],
        causes: &[
            "split-brain-replication",
            "runbook-outdated",
            "schema-migration-lock",
            "connection-pool-exhaustion",
            "single-point-of-failure",
            "documentation-missing",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Primary {sys} stops accepting writes",
            "Replication lag on {sys} passes {mins} minutes",
            "Leader election on {sys} starts looping",
            "Disk latency on the primary {sys} node spikes",
        ],
        mitigations: &[
            "{team} promotes the replica by hand",
            "Connection pooler restarted to drop stale backends",
            "Writes re-enabled after a consistency check",
            "Long-running analytical queries cancelled on the replica",
        ],
        analysis: &[
            "The automated failover waited for a replica that was itself lagging, so no candidate ever qualified for promotion.",
            "Nobody on call had performed a manual promotion in the past year, and the documented steps referred to hosts decommissioned in the previous migration.",
            "The health check only tested TCP connectivity, not whether the primary accepted writes.",
            "Long-running analytical queries on the replica held back replay and made the lag worse.",
            "The connection pooler kept routing sessions to the old primary for {mins} minutes after promotion.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 6,
        noun: "certificate expiry",
        titles: &[
            "TLS certificate for {sys} expired",
            "Expired intermediate certificate broke {sys} for {dur}",
            "mTLS client certificate expiry took down {sys}",
            "Certificate renewal job silently failed on {sys}",
        ],
        tags: &["tls", "certificates", "expiry", "pki", "acme"],
        systems: &[
            "api-gateway",
            "customer-portal",
            "cdn-edge",
            "partner-api",
            "sso-idp",
            "mobile-api",
        ],
        causes: &[
            "cert-expiry-not-monitored",
            "documentation-missing",
            "single-point-of-failure",
            "alert-fatigue",
            "offboarding-incomplete",
        ],
        functions: &["it", "security"],
        triggers: &[
            "Certificate for {sys} expires at midnight UTC",
            "Clients start failing the TLS handshake against {sys}",
            "Renewal job for {sys} exits with an ACME rate-limit error",
        ],
        mitigations: &[
            "New certificate issued manually and deployed to {sys}",
            "Intermediate chain corrected on the load balancer",
            "Client trust stores updated for the partner integration",
        ],
        analysis: &[
            "The renewal job had been failing for {n} days, but its failure notifications went to a mailbox nobody read.",
            "The certificate was issued by hand two years earlier and nobody owned the renewal.",
            "Expiry monitoring covered public endpoints but not the internal mTLS certificates.",
            "The person who set up the renewal had left the company and the calendar reminder left with them.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 5,
        noun: "DNS change",
        titles: &[
            "DNS change made {sys} unreachable for {dur}",
            "Internal resolver overload caused cascading timeouts",
            "Stale DNS records sent traffic to a decommissioned {sys}",
            "Zone file error removed the MX record",
        ],
        tags: &["dns", "resolver", "ttl", "networking"],
        systems: &[
            "internal-dns",
            "dns-resolver",
            "public-dns",
            "email-gateway",
            "api-gateway",
            "load-balancer",
        ],
        causes: &[
            "dns-ttl-too-long",
            "typo-in-config",
            "manual-change-without-review",
            "config-drift",
            "single-point-of-failure",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Zone update for {sys} published with a wrong record",
            "Resolver query latency climbs above {mins} seconds",
            "Health checks against {sys} fail with NXDOMAIN",
        ],
        mitigations: &[
            "Previous zone version restored from git",
            "Resolver cache flushed on all nodes",
            "TTL lowered and the corrected record republished",
        ],
        analysis: &[
            "The record had a TTL of one day, so the fix took hours to reach every client even after it was published.",
            "The zone file is edited by hand in the provider console, outside version control.",
            "It's always DNS, and this time the monitoring did not test name resolution at all.",
            "Negative caching kept the NXDOMAIN answer alive in downstream resolvers.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 9,
        noun: "bad deployment",
        titles: &[
            "Release {ver} of {sys} caused elevated error rates",
            "Configuration push disabled {sys} in all regions",
            "Feature flag rollout broke checkout for {pct} of users",
            "Rollback of {sys} failed and extended the outage to {dur}",
        ],
        tags: &[
            "deploy",
            "rollback",
            "feature-flag",
            "change-management",
            "ci",
        ],
        systems: &[
            "checkout-service",
            "order-service",
            "web-frontend",
            "mobile-api",
            "search-api",
            "pricing-service",
            "notification-service",
        ],
        causes: &[
            "deploy-without-canary",
            "feature-flag-default-on",
            "typo-in-config",
            "change-freeze-ignored",
            "outdated-dependency",
            "approval-bypassed-under-pressure",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Deployment of {sys} {ver} starts",
            "Error rate on {sys} jumps to {pct}",
            "Configuration change merged and rolled out to all regions",
        ],
        mitigations: &[
            "{team} rolls back {sys} to the previous release",
            "Feature flag switched off",
            "Deploy pipeline paused for all services",
        ],
        analysis: &[
            "The change passed every automated test; the failure only appears with production traffic patterns.",
            "The rollback took longer than the deployment because the database migration was not reversible.",
            "The deployment went to every region at once; a canary stage would have limited the blast radius to one percent of traffic.",
            "The release notes did not mention the new default, so reviewers could not spot the risk.",
        ],
    },
    Theme {
        kind: "degradation",
        weight: 7,
        noun: "capacity saturation",
        titles: &[
            "{sys} saturated during peak traffic",
            "Connection pool exhaustion on {sys}",
            "Queue backlog on {sys} delayed processing by {dur}",
            "Black Friday traffic overwhelmed {sys}",
        ],
        tags: &["capacity", "latency", "autoscaling", "queue", "load"],
        systems: &[
            "checkout-service",
            "kafka-main",
            "redis-cache",
            "search-cluster",
            "order-service",
            "api-gateway",
        ],
        causes: &[
            "missing-capacity-headroom",
            "connection-pool-exhaustion",
            "queue-backlog-unbounded",
            "retry-storm",
            "cache-stampede",
            "alert-threshold-too-high",
        ],
        functions: &["it", "operations", "leadership"],
        triggers: &[
            "p99 latency on {sys} passes {n} ms",
            "Consumer lag on {sys} grows past {count} messages",
            "Autoscaling group for {sys} reaches its maximum size",
        ],
        mitigations: &[
            "Autoscaling limit raised and extra nodes added",
            "Non-essential batch jobs paused",
            "Rate limiting enabled for the heaviest clients",
        ],
        analysis: &[
            "The last load test was run eighteen months ago against half of today's traffic.",
            "Retries from mobile clients multiplied the load by a factor of {n}.",
            "Autoscaling reacted to CPU, but the bottleneck was the number of database connections.",
            "The marketing campaign was known a month in advance but not shared with the platform team.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 4,
        noun: "full disk",
        titles: &[
            "Disk full on {sys} halted writes",
            "Log volume growth filled {host}",
            "Backup staging volume filled and stopped replication",
        ],
        tags: &["disk", "storage", "logging", "capacity"],
        systems: &[
            "log-pipeline",
            "elasticsearch",
            "backup-server",
            "kafka-main",
            "file-share",
        ],
        causes: &[
            "disk-full-no-alert",
            "data-retention-not-enforced",
            "alert-threshold-too-high",
            "insufficient-logging",
        ],
        functions: &["it"],
        triggers: &[
            "Root volume on {host} reaches 100 percent",
            "{sys} switches to read-only mode",
            "Debug logging left enabled after the last release",
        ],
        mitigations: &[
            "Old log files compressed and moved",
            "Volume extended by {n} GB",
            "Retention reduced to fourteen days",
        ],
        analysis: &[
            "The disk alert fired at 95 percent, which at the observed growth rate left {mins} minutes to react.",
            "Debug logging was enabled during an earlier investigation and never switched off.",
            "Log rotation was configured but not compressing, so rotated files kept their full size.",
        ],
    },
    Theme {
        kind: "degradation",
        weight: 4,
        noun: "memory leak",
        titles: &[
            "Memory leak in {sys} {ver} caused repeated restarts",
            "Out-of-memory kills on {sys} during the nightly batch",
        ],
        tags: &["memory-leak", "oom", "jvm", "kubernetes"],
        systems: &[
            "search-api",
            "notification-service",
            "report-worker",
            "pricing-service",
            "k8s-prod",
        ],
        causes: &[
            "memory-leak",
            "outdated-dependency",
            "alert-fatigue",
            "deploy-without-canary",
        ],
        functions: &["it"],
        triggers: &[
            "Pods of {sys} start restarting with OOMKilled",
            "Garbage collection pauses on {sys} exceed {n} ms",
        ],
        mitigations: &[
            "Memory limit raised temporarily",
            "Rolling restart scheduled every six hours",
            "{ver} reverted",
        ],
        analysis: &[
            "A cache introduced in the release never evicted entries keyed by request id.",
            "Restarts masked the leak for weeks; the restart counter was not on any dashboard.",
            "Heap dumps were disabled in production, which slowed the diagnosis.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 4,
        noun: "cloud region outage",
        titles: &[
            "Cloud provider outage in {region} degraded {sys}",
            "Loss of availability zone in {region} took {sys} offline",
        ],
        tags: &["cloud", "region", "multi-az", "vendor", "resilience"],
        systems: &[
            "k8s-prod",
            "object-storage",
            "api-gateway",
            "customer-portal",
            "data-warehouse",
        ],
        causes: &[
            "cloud-region-outage",
            "single-point-of-failure",
            "vendor-outage",
            "runbook-outdated",
        ],
        functions: &["it", "leadership", "operations"],
        triggers: &[
            "Provider status page reports elevated errors in {region}",
            "Instances in one availability zone of {region} become unreachable",
        ],
        mitigations: &[
            "Traffic shifted to the secondary region",
            "Stateful workloads restored from snapshots",
            "Status page updated for customers",
        ],
        analysis: &[
            "The service was declared multi-region in the architecture review, but the session store only ran in {region}.",
            "The regional failover had been tested once, three years ago, and the runbook still referenced the old load balancer.",
            "We depended on the provider status page, which lagged our own monitoring by {mins} minutes.",
        ],
    },
    Theme {
        kind: "degradation",
        weight: 4,
        noun: "supplier API change",
        titles: &[
            "{vendor} API change broke {sys} integration",
            "Payment provider {vendor} timeouts degraded checkout",
            "{vendor} deprecated endpoint removed without notice",
        ],
        tags: &["vendor", "api", "integration", "third-party"],
        systems: &[
            "partner-api",
            "payments-gateway",
            "shipping-service",
            "sms-gateway",
            "crm",
        ],
        causes: &[
            "third-party-api-change",
            "vendor-outage",
            "missing-rate-limit",
            "insufficient-logging",
            "retry-storm",
        ],
        functions: &["it", "operations", "legal"],
        triggers: &[
            "Calls from {sys} to {vendor} start returning HTTP 4{n}",
            "{vendor} latency rises above {n} seconds",
        ],
        mitigations: &[
            "Integration switched to the fallback provider",
            "Requests queued for later replay",
            "{vendor} support engaged through the escalation contact",
        ],
        analysis: &[
            "The deprecation notice went to a shared mailbox that nobody triaged.",
            "The contract with {vendor} has no notice period for API changes.",
            "Our client had no timeout, so threads piled up waiting on {vendor}.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 4,
        noun: "network change",
        titles: &[
            "Network partition between data centres isolated {sys}",
            "BGP route leak diverted traffic for {dur}",
            "Firewall rule change blocked {sys}",
            "Switch firmware upgrade dropped the storage network",
        ],
        tags: &["network", "bgp", "firewall", "datacenter"],
        systems: &[
            "firewall-edge",
            "core-switch",
            "vpn-concentrator",
            "load-balancer",
            "storage-network",
        ],
        causes: &[
            "manual-change-without-review",
            "config-drift",
            "typo-in-config",
            "single-point-of-failure",
            "change-freeze-ignored",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Firewall change {ticket} applied on {sys}",
            "BGP session with the upstream provider flaps",
            "Packet loss between sites reaches {pct}",
        ],
        mitigations: &[
            "Firewall rule reverted from the last known good configuration",
            "Traffic rerouted through the backup link",
            "Upstream provider filtered the leaked prefixes",
        ],
        analysis: &[
            "The rule was copied from a template that assumed a different subnet layout.",
            "The change window overlapped with a provider maintenance nobody had checked.",
            "Out-of-band access to the switches did not work, so the rollback needed a visit to the data centre.",
        ],
    },
    Theme {
        kind: "outage",
        weight: 2,
        noun: "power maintenance",
        titles: &[
            "Power maintenance in the {office} data centre took {sys} offline",
            "UPS failure during generator test",
        ],
        tags: &["power", "datacenter", "facilities", "ups"],
        systems: &[
            "file-share",
            "backup-server",
            "core-switch",
            "telephony",
            "badge-system",
        ],
        causes: &[
            "power-maintenance-uncoordinated",
            "single-point-of-failure",
            "on-call-handover-gap",
            "documentation-missing",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Facilities start the scheduled generator test in {office}",
            "Rack power in row C drops",
        ],
        mitigations: &[
            "Servers powered up in dependency order",
            "Storage array consistency check completed",
        ],
        analysis: &[
            "Facilities announced the test by email to an old distribution list.",
            "Several servers had only one power supply connected.",
        ],
    },
    Theme {
        kind: "degradation",
        weight: 2,
        noun: "clock skew",
        titles: &[
            "Clock skew on {host} broke token validation",
            "Time synchronisation failure caused login errors",
        ],
        tags: &["ntp", "time-skew", "authentication"],
        systems: &["sso-idp", "ntp", "auth-gateway", "kerberos"],
        causes: &["clock-skew", "config-drift", "insufficient-logging"],
        functions: &["it", "security"],
        triggers: &[
            "Tokens issued by {sys} rejected as not yet valid",
            "Clock offset on {host} reaches {n} seconds",
        ],
        mitigations: &[
            "NTP service restarted and clocks stepped",
            "Token validation leeway temporarily increased",
        ],
        analysis: &[
            "The NTP daemon had been disabled by a hardening script that assumed the hypervisor synchronised time.",
            "No dashboard showed clock offset, so the first signal was failed logins.",
        ],
    },
    Theme {
        kind: "degradation",
        weight: 3,
        noun: "duplicated batch run",
        titles: &[
            "Nightly {sys} batch ran twice and duplicated records",
            "Invoice run charged {count} customers twice",
            "Scheduled export overlapped with backup and corrupted the file",
        ],
        tags: &["batch", "cron", "billing", "data-quality"],
        systems: &[
            "billing-service",
            "invoice-batch",
            "data-warehouse",
            "payroll",
            "report-worker",
        ],
        causes: &[
            "cron-overlap",
            "documentation-missing",
            "test-data-in-production",
            "insufficient-logging",
        ],
        functions: &["it", "operations", "legal"],
        triggers: &[
            "Nightly job on {sys} starts while the previous run is still active",
            "Customers report duplicate charges",
        ],
        mitigations: &[
            "Duplicate charges refunded",
            "Job disabled until locking was added",
            "Affected records restored from the last snapshot",
        ],
        analysis: &[
            "The job ran longer than its schedule interval for the first time after data volume doubled.",
            "Finance noticed the duplicates before any technical monitoring did.",
        ],
    },
    Theme {
        kind: "security-event",
        weight: 8,
        noun: "phishing campaign",
        titles: &[
            "Phishing campaign harvested credentials from {n} employees",
            "Targeted phishing email impersonating the CEO reached finance",
            "Fake shared-document notification led to mailbox compromise",
            "QR code phishing bypassed the email filter",
        ],
        tags: &["phishing", "email", "mfa", "credentials", "awareness"],
        systems: &[
            "email-gateway",
            "sso-idp",
            "m365",
            "mdm",
            "vpn-concentrator",
        ],
        causes: &[
            "phishing-awareness-gap",
            "mfa-not-enforced",
            "training-not-completed",
            "social-engineering-helpdesk",
            "escalation-path-unknown",
        ],
        functions: &["security", "hr", "leadership"],
        triggers: &[
            "Phishing email delivered to {n} mailboxes",
            "First employee enters credentials on the lookalike page",
            "Impossible-travel alert for a finance user",
        ],
        mitigations: &[
            "Affected passwords reset and sessions revoked",
            "Sender domain blocked at the email gateway",
            "Mailbox rules created by the attacker removed",
            "Security awareness message sent to all staff",
        ],
        analysis: &[
            "The lookalike domain was registered two days before the campaign and passed SPF and DKIM checks.",
            "{n} employees reported the email, but the reports reached the security team only after {mins} minutes.",
            "Accounts without multi-factor authentication were the ones the attacker could actually use.",
            "The message imitated an internal process that staff knew well, which made it convincing.",
        ],
    },
    Theme {
        kind: "data-breach",
        weight: 4,
        noun: "leaked credential",
        titles: &[
            "API key for {sys} committed to a public repository",
            "Cloud access key exposed in build logs",
            "Database password leaked through a public gist",
        ],
        tags: &["secrets", "credential-leak", "git", "ci"],
        systems: &[
            "secrets-vault",
            "ci-runners",
            "artifact-registry",
            "object-storage",
            "payments-gateway",
        ],
        causes: &[
            "secret-committed-to-repo",
            "ci-pipeline-secret-exposure",
            "privileged-access-too-broad",
            "training-not-completed",
        ],
        functions: &["security", "it"],
        triggers: &[
            "Commit containing a {sys} key pushed to a public repository",
            "Secret scanning partner notifies us of an exposed key",
        ],
        mitigations: &[
            "Key revoked and rotated",
            "Access logs reviewed for use of the key",
            "Repository history rewritten and forks requested to be deleted",
        ],
        analysis: &[
            "The key was valid for {n} minutes on the public internet; automated scanners found it in under a minute.",
            "The key had administrator rights although the script only needed read access.",
            "Pre-commit secret scanning existed but was optional and not installed on the laptop used.",
        ],
    },
    Theme {
        kind: "data-breach",
        weight: 4,
        noun: "public storage bucket",
        titles: &[
            "Storage bucket with {data} exposed publicly",
            "Backup export left in a public bucket for {dur}",
            "Analytics extract with {data} indexed by a search engine",
        ],
        tags: &["s3", "cloud", "pii", "gdpr", "misconfiguration"],
        systems: &[
            "object-storage",
            "data-warehouse",
            "s3-backups",
            "analytics",
            "cdn-edge",
        ],
        causes: &[
            "public-bucket-acl",
            "config-drift",
            "test-data-in-production",
            "data-retention-not-enforced",
        ],
        functions: &["security", "legal", "leadership"],
        triggers: &[
            "Bucket policy changed to allow public read",
            "Researcher reports the open bucket through the disclosure address",
        ],
        mitigations: &[
            "Public access blocked",
            "Access logs analysed for downloads",
            "Data protection authority notified within seventy-two hours",
        ],
        analysis: &[
            "The bucket was created for a one-off analysis and never cleaned up.",
            "Access logging was off, so we could not prove the data had not been downloaded.",
            "The account had no guardrail blocking public buckets.",
        ],
    },
    Theme {
        kind: "data-breach",
        weight: 4,
        noun: "misdirected email",
        titles: &[
            "Spreadsheet with {data} sent to the wrong recipient",
            "Payroll file emailed to an external address",
            "Customer list attached to a newsletter by mistake",
        ],
        tags: &["email", "pii", "gdpr", "misdirected-email", "human-error"],
        systems: &["email-gateway", "hr-portal", "crm", "payroll"],
        causes: &[
            "misdirected-email-autocomplete",
            "training-not-completed",
            "documentation-missing",
            "data-retention-not-enforced",
        ],
        functions: &["hr", "legal", "security"],
        triggers: &[
            "Email with an attachment containing {data} sent externally",
            "Recipient replies that they received the file by mistake",
        ],
        mitigations: &[
            "Recipient asked to delete the file and confirm in writing",
            "Message recall attempted",
            "Data protection officer informed",
        ],
        analysis: &[
            "Autocomplete suggested an external contact with the same first name.",
            "The file held far more columns than the task needed.",
            "There was no warning when sending attachments to external addresses.",
        ],
    },
    Theme {
        kind: "data-breach",
        weight: 2,
        noun: "lost device",
        titles: &[
            "Unencrypted laptop lost on a train",
            "Phone with mailbox access stolen in {office}",
        ],
        tags: &["laptop", "encryption", "mdm", "physical-security"],
        systems: &["mdm", "laptops", "m365"],
        causes: &[
            "laptop-not-encrypted",
            "training-not-completed",
            "documentation-missing",
        ],
        functions: &["security", "it", "hr"],
        triggers: &[
            "Employee reports a lost laptop to the helpdesk",
            "Device last checks in to {sys}",
        ],
        mitigations: &[
            "Remote wipe issued",
            "Passwords of the user reset",
            "Data on the device inventoried from backups",
        ],
        analysis: &[
            "The laptop predates the device management rollout and was never enrolled.",
            "The loss was reported two days later because the employee did not know whom to tell.",
        ],
    },
    Theme {
        kind: "security-event",
        weight: 3,
        noun: "ransomware",
        titles: &[
            "Ransomware detonated on a file server in {office}",
            "Encrypted shares after compromise of a contractor account",
        ],
        tags: &[
            "ransomware",
            "malware",
            "backup",
            "incident-response",
            "edr",
        ],
        systems: &[
            "file-share",
            "active-directory",
            "backup-server",
            "vpn-concentrator",
            "edr",
        ],
        causes: &[
            "ransomware-initial-access",
            "unpatched-vpn",
            "untested-backups",
            "shared-admin-account",
            "privileged-access-too-broad",
        ],
        functions: &["security", "it", "leadership", "legal"],
        triggers: &[
            "EDR flags mass file renames on {sys}",
            "Ransom note appears on shared drives",
        ],
        mitigations: &[
            "Affected hosts isolated from the network",
            "Domain administrator passwords rotated",
            "Files restored from offline backups",
        ],
        analysis: &[
            "The attacker entered through the VPN appliance, which was {n} days behind on patches.",
            "Restores took far longer than planned because the backup catalogue was on an encrypted server.",
            "A shared administrator account made it impossible to tell attacker actions from legitimate ones.",
        ],
    },
    Theme {
        kind: "security-event",
        weight: 3,
        noun: "denial-of-service attack",
        titles: &[
            "Volumetric DDoS against {sys} for {dur}",
            "Application-layer flood exhausted {sys}",
        ],
        tags: &["ddos", "rate-limit", "cdn", "waf"],
        systems: &["cdn-edge", "api-gateway", "waf", "customer-portal"],
        causes: &["ddos-volumetric", "missing-rate-limit", "vendor-outage"],
        functions: &["security", "it", "operations"],
        triggers: &[
            "Inbound traffic to {sys} reaches {n} Gbit/s",
            "WAF blocks start climbing",
        ],
        mitigations: &[
            "Scrubbing service activated",
            "Geo-blocking enabled for the attacking ranges",
            "Rate limits tightened on the login endpoint",
        ],
        analysis: &[
            "The scrubbing contract required a phone call to activate, which took {mins} minutes.",
            "The origin IP addresses were discoverable from old DNS records.",
        ],
    },
    Theme {
        kind: "security-event",
        weight: 3,
        noun: "credential stuffing",
        titles: &[
            "Credential stuffing attack on customer login",
            "Account takeover wave on {sys}",
        ],
        tags: &[
            "credential-stuffing",
            "account-takeover",
            "mfa",
            "rate-limit",
        ],
        systems: &[
            "auth-gateway",
            "customer-portal",
            "mobile-api",
            "fraud-engine",
        ],
        causes: &[
            "credential-stuffing",
            "missing-rate-limit",
            "mfa-not-enforced",
        ],
        functions: &["security", "operations", "legal"],
        triggers: &[
            "Login failures on {sys} rise to {count} per minute",
            "Fraud team sees unusual loyalty point transfers",
        ],
        mitigations: &[
            "Compromised accounts locked and owners notified",
            "CAPTCHA enabled after failed attempts",
            "Breached password check added at login",
        ],
        analysis: &[
            "The attack used residential proxies, so IP-based rate limits had no effect.",
            "Customers reuse passwords, and we had no check against known breached passwords.",
        ],
    },
    Theme {
        kind: "policy-violation",
        weight: 5,
        noun: "access review gap",
        titles: &[
            "Quarterly access review skipped for {sys}",
            "Former employee retained access to {sys} for {n} days",
            "Contractor accounts never expired after project end",
        ],
        tags: &["access-review", "offboarding", "iam", "compliance"],
        systems: &[
            "active-directory",
            "crm",
            "hr-portal",
            "data-warehouse",
            "github",
        ],
        causes: &[
            "stale-access-not-revoked",
            "offboarding-incomplete",
            "privileged-access-too-broad",
            "documentation-missing",
        ],
        functions: &["security", "hr", "legal"],
        triggers: &[
            "Audit sample finds an active account of a leaver in {sys}",
            "Access review for {sys} passes its due date",
        ],
        mitigations: &[
            "Stale accounts disabled",
            "Review completed with the system owner",
            "Login history of the accounts checked",
        ],
        analysis: &[
            "HR notifies IT of leavers by email, and the email for this leaver was never sent.",
            "The system is not connected to single sign-on, so disabling the directory account had no effect.",
            "Nobody was named as owner of the access review for {sys}.",
        ],
    },
    Theme {
        kind: "policy-violation",
        weight: 3,
        noun: "unapproved SaaS use",
        titles: &[
            "Customer data uploaded to an unapproved SaaS tool",
            "Team used a personal file-sharing account for {data}",
            "Generative AI tool fed with confidential contract text",
        ],
        tags: &["shadow-it", "saas", "data-protection", "policy"],
        systems: &["casb", "m365", "crm", "file-share"],
        causes: &[
            "shadow-it-saas",
            "training-not-completed",
            "documentation-missing",
        ],
        functions: &["security", "legal", "hr", "leadership"],
        triggers: &[
            "CASB reports uploads to an unsanctioned application",
            "Manager asks whether the tool is allowed",
        ],
        mitigations: &[
            "Uploaded data deleted and deletion confirmed by the provider",
            "Team onboarded to the approved alternative",
        ],
        analysis: &[
            "The approved tool took six weeks to procure, so the team found its own.",
            "The policy existed but staff did not know where to find it.",
        ],
    },
    Theme {
        kind: "policy-violation",
        weight: 3,
        noun: "shared administrator account",
        titles: &[
            "Shared administrator account used for production changes",
            "Break-glass account used for routine work",
        ],
        tags: &["iam", "privileged-access", "audit", "compliance"],
        systems: &[
            "active-directory",
            "k8s-prod",
            "firewall-edge",
            "payments-db",
        ],
        causes: &[
            "shared-admin-account",
            "privileged-access-too-broad",
            "manual-change-without-review",
        ],
        functions: &["security", "it", "legal"],
        triggers: &[
            "Audit finds {n} logins with the shared account",
            "Break-glass alert fires during business hours",
        ],
        mitigations: &[
            "Password of the shared account rotated and vaulted",
            "Named administrator accounts created",
        ],
        analysis: &[
            "Named accounts existed but lacked one permission, so people used the shared one.",
            "Break-glass use was alerted but never reviewed.",
        ],
    },
    Theme {
        kind: "policy-violation",
        weight: 3,
        noun: "change freeze breach",
        titles: &[
            "Change deployed during the year-end freeze",
            "Emergency change process used for a routine release",
        ],
        tags: &["change-management", "freeze", "governance"],
        systems: &["billing-service", "web-frontend", "erp", "checkout-service"],
        causes: &[
            "change-freeze-ignored",
            "approval-bypassed-under-pressure",
            "manual-change-without-review",
        ],
        functions: &["it", "leadership", "operations"],
        triggers: &[
            "Deployment to {sys} recorded during the freeze",
            "Change advisory board notices an unapproved change",
        ],
        mitigations: &[
            "Change reviewed retrospectively",
            "Deployment permissions restricted during freezes",
        ],
        analysis: &[
            "A sales commitment put pressure on the team to ship before the end of the quarter.",
            "The pipeline did not know about the freeze calendar.",
        ],
    },
    Theme {
        kind: "near-miss",
        weight: 4,
        noun: "renewal near miss",
        titles: &[
            "Domain registration for {sys} nearly lapsed",
            "Software licence for {sys} expired over the weekend",
            "Support contract for {sys} ran out unnoticed",
        ],
        tags: &["renewal", "domain", "license", "procurement"],
        systems: &[
            "public-dns",
            "erp",
            "backup-server",
            "siem",
            "email-gateway",
        ],
        causes: &[
            "domain-renewal-missed",
            "license-expired",
            "offboarding-incomplete",
            "documentation-missing",
        ],
        functions: &["it", "operations", "legal"],
        triggers: &[
            "Registrar sends the final expiry notice for the domain",
            "{sys} shows a licence warning banner",
        ],
        mitigations: &[
            "Renewal paid by company card",
            "Auto-renew enabled",
            "Owner updated in the asset register",
        ],
        analysis: &[
            "Renewal reminders went to the personal address of an employee who left in {year}.",
            "Procurement and IT each assumed the other tracked the renewal.",
        ],
    },
    Theme {
        kind: "near-miss",
        weight: 4,
        noun: "wrong environment",
        titles: &[
            "Destructive migration almost ran against production",
            "Terraform plan would have deleted {sys}",
            "Test email campaign nearly sent to all customers",
        ],
        tags: &["terraform", "migration", "environment", "guardrails"],
        systems: &[
            "payments-db",
            "k8s-prod",
            "terraform",
            "crm",
            "email-marketing",
        ],
        causes: &[
            "terraform-state-drift",
            "test-data-in-production",
            "manual-change-without-review",
            "approval-bypassed-under-pressure",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Engineer runs the migration with production credentials loaded",
            "Plan output shows {n} resources to destroy",
        ],
        mitigations: &[
            "Reviewer stops the apply",
            "Shell prompt changed to show the environment in red",
        ],
        analysis: &[
            "The only safeguard was a reviewer who happened to read the plan output carefully.",
            "Production and staging credentials were both loaded in the same shell.",
        ],
    },
    Theme {
        kind: "security-event",
        weight: 3,
        noun: "supplier email compromise",
        titles: &[
            "Fraudulent invoice nearly paid after supplier email compromise",
            "Request to change bank details came from a compromised supplier mailbox",
        ],
        tags: &["fraud", "invoice", "business-email-compromise", "finance"],
        systems: &["erp", "email-gateway", "accounts-payable"],
        causes: &[
            "invoice-fraud-email",
            "social-engineering-helpdesk",
            "training-not-completed",
            "approval-bypassed-under-pressure",
        ],
        functions: &["security", "operations", "leadership", "legal"],
        triggers: &[
            "Finance receives a bank detail change request from a known supplier",
            "Payment of {count} EUR scheduled to the new account",
        ],
        mitigations: &[
            "Payment stopped by the bank",
            "Supplier contacted on a known phone number",
        ],
        analysis: &[
            "The email came from the genuine supplier mailbox, so domain checks could not catch it.",
            "The call-back rule existed but was skipped because the invoice was marked urgent.",
        ],
    },
    Theme {
        kind: "security-event",
        weight: 2,
        noun: "compromised dependency",
        titles: &[
            "Compromised dependency {ver} pulled into build pipeline",
            "Typosquatted package installed on developer laptops",
        ],
        tags: &["supply-chain", "dependency", "ci", "malware"],
        systems: &[
            "ci-runners",
            "artifact-registry",
            "developer-laptops",
            "github",
        ],
        causes: &[
            "supply-chain-compromise",
            "outdated-dependency",
            "ci-pipeline-secret-exposure",
        ],
        functions: &["security", "it"],
        triggers: &[
            "Advisory published for the upstream package",
            "Build of {sys} fetches version {ver}",
        ],
        mitigations: &[
            "Affected builds removed from the registry",
            "CI secrets rotated",
            "Lockfiles pinned to hashes",
        ],
        analysis: &[
            "Version ranges in the manifest allowed the malicious release to be picked up automatically.",
            "CI runners had network access to production secrets they did not need.",
        ],
    },
    Theme {
        kind: "near-miss",
        weight: 3,
        noun: "paging failure",
        titles: &[
            "Pages not delivered for {dur} after paging provider change",
            "On-call rota empty over a bank holiday",
        ],
        tags: &["on-call", "alerting", "paging", "escalation"],
        systems: &["alertmanager", "paging", "monitoring"],
        causes: &[
            "alert-fatigue",
            "on-call-handover-gap",
            "escalation-path-unknown",
            "alert-threshold-too-high",
            "unclear-incident-command",
        ],
        functions: &["it", "operations"],
        triggers: &[
            "Paging integration token expires",
            "Alert fires with no one on the rota",
        ],
        mitigations: &[
            "Integration token renewed and test page sent",
            "Rota gaps filled for the next month",
        ],
        analysis: &[
            "Nothing alerted on the alerting pipeline itself.",
            "The rota tool allowed gaps without warning anyone.",
        ],
    },
];

const EXTRA_SYSTEMS: &[&str] = &[
    "monitoring",
    "log-pipeline",
    "service-desk",
    "wiki",
    "status-page",
    "siem",
    "edr",
    "vault",
    "ldap",
    "kafka-main",
    "redis-cache",
    "cdn-edge",
    "api-gateway",
    "backup-server",
    "github",
];
const TEAMS: &[&str] = &[
    "sre",
    "platform",
    "payments",
    "identity",
    "security",
    "secops",
    "network",
    "dba",
    "data",
    "frontend",
    "mobile",
    "it-helpdesk",
    "it-ops",
    "hr-ops",
    "legal",
    "compliance",
    "finance-systems",
    "customer-support",
    "infra",
    "cloud",
    "devex",
    "release",
    "privacy",
    "facilities",
    "procurement",
    "communications",
    "risk",
];
const ROLES: &[&str] = &[
    "incident-commander",
    "ciso",
    "cto",
    "head-of-it",
    "dpo",
    "service-owner",
    "on-call-engineer",
    "security-analyst",
    "hr-business-partner",
    "legal-counsel",
    "communications-lead",
    "scribe",
];
const PEOPLE: &[&str] = &[
    "a.kowalski",
    "b.nguyen",
    "c.okafor",
    "d.schmidt",
    "e.rossi",
    "f.dubois",
    "g.tanaka",
    "h.larsen",
    "i.haddad",
    "j.smith",
    "k.ivanova",
    "l.moreau",
    "m.garcia",
    "n.patel",
    "o.jensen",
    "p.silva",
    "q.chen",
    "r.müller",
    "s.öztürk",
    "t.andersson",
];
const VENDORS: &[&str] = &[
    "Stripe",
    "Twilio",
    "SendGrid",
    "Okta",
    "Cloudflare",
    "Akamai",
    "Salesforce",
    "Zendesk",
    "Adyen",
    "DHL",
    "PagerDuty",
    "Atlassian",
    "Fastly",
    "Mailchimp",
    "SAP",
];
const REGIONS: &[&str] = &[
    "eu-west-1",
    "eu-central-1",
    "us-east-1",
    "us-west-2",
    "ap-southeast-1",
    "westeurope",
    "northeurope",
    "europe-west4",
];
const OFFICES: &[&str] = &[
    "Amsterdam",
    "Berlin",
    "Lisbon",
    "Warsaw",
    "Zürich",
    "Dublin",
    "Madrid",
    "Lyon",
    "Oslo",
    "Kraków",
];
const DATA_KINDS: &[&str] = &[
    "customer email addresses",
    "payroll records",
    "support tickets",
    "health insurance details",
    "order histories",
    "employee home addresses",
    "IBANs",
    "CVs of applicants",
    "contract drafts",
    "loyalty card numbers",
];
const TOOLS: &[&str] = &[
    "Prometheus",
    "Grafana",
    "Datadog",
    "Splunk",
    "the SIEM",
    "the EDR console",
    "Sentry",
    "the status page",
    "CloudWatch",
    "Nagios",
];
const PROJECTS: &[&str] = &["SRE", "SEC", "IT", "OPS", "HR", "LEG", "PLAT", "DATA"];
const CODENAME_SYL: &[&str] = &[
    "ka", "vo", "reth", "mir", "zan", "tul", "quo", "bex", "dri", "ol", "phy", "nax", "sel", "uth",
    "gor", "lim",
];
const CODENAME_ANIMAL: &[&str] = &[
    "Heron", "Falcon", "Marten", "Lynx", "Osprey", "Badger", "Ibex", "Kestrel", "Otter", "Wren",
];

const DETECT: &[&str] = &[
    "The first signal was a {tool} alert on {sys} that paged the on-call engineer from {team}.",
    "A customer reported the problem through the support desk {mins} minutes before any internal alert fired.",
    "Detection relied on a synthetic check that runs every five minutes, which explains part of the delay.",
    "An analyst noticed the anomaly while triaging an unrelated ticket.",
    "Nobody was paged: the alert was routed to a mailbox that had not been read since the last reorganisation.",
    "The service desk received {n} calls within a quarter of an hour and opened a major incident.",
    "An engineer from {team2} spotted the error spike on a dashboard during a deployment.",
    "The issue was raised in the incident channel by a colleague from {team2}.",
    "A partner called our account manager, who forwarded the complaint to the service desk.",
    "The anomaly was first visible in {tool}, but the panel was not on the on-call dashboard.",
    "An external researcher reported the issue through the vulnerability disclosure address.",
];
const IMPACT: &[&str] = &[
    "Roughly {count} requests failed and {pct} of active users saw errors.",
    "About {count} records were potentially affected.",
    "The error budget of {sys} for the quarter was exhausted in a single afternoon.",
    "Customer support handled {n} extra contacts during the incident.",
    "No data was lost, but {n} orders had to be reprocessed by hand.",
    "Revenue impact is estimated at {count} EUR.",
    "Internal users in {office} could not work for most of the morning.",
    "There was no customer impact, but the exposure window lasted {dur}.",
    "The regulator was informed because personal data was involved.",
];
const RESPONSE: &[&str] = &[
    "The incident commander opened a bridge and assigned a scribe within {mins} minutes.",
    "{team} rolled back the most recent change to {sys}, which restored service.",
    "Responders first suspected {sys2} and spent {mins} minutes ruling it out.",
    "The decision to fail over was delayed because nobody was sure who could approve it.",
    "A status page update went out after {mins} minutes and was refreshed every half hour.",
    "Security isolated the affected accounts while {team} preserved evidence.",
    "The response was calm and well coordinated once the right people were on the call.",
    "Escalation to {role} happened quickly and decisions were recorded in the incident channel.",
    "Legal and the data protection officer joined the call to assess notification duties.",
    "The team agreed to prioritise restoring service over preserving the failed state for analysis.",
    "A second incident commander took over after four hours to avoid fatigue.",
    "Workarounds were shared with customer support so they could answer questions consistently.",
    "{team2} provided a temporary workaround while the fix was prepared.",
];
const GENERIC_ANALYSIS: &[&str] = &[
    "The contributing factors were not new; {n} earlier reviews mention similar gaps.",
    "Monitoring covered the symptoms but not the saturation that preceded them.",
    "The change had been approved, but the approval did not consider the blast radius.",
    "Ownership of {sys} had moved between teams twice in the past year, and the knowledge went with the people.",
    "The team had planned to fix this in the next quarter, and the plan had slipped twice.",
    "Documentation existed but was out of date and hard to find under pressure.",
    "The safeguards worked as designed; the design did not anticipate this combination of events.",
    "We had no way to tell from the dashboards whether the fix was working.",
    "Pressure to restore service quickly led to skipping the usual verification steps.",
    "The dependency between {sys} and {sys2} was not recorded in the service catalogue.",
    "Several people noticed something was wrong but assumed someone else had already raised it.",
    "The same weakness would have affected {sys2} under slightly different circumstances.",
    "A blameless review of the decisions showed that each step looked reasonable with the information available at the time.",
    "Testing in staging could not have caught this, because staging does not mirror the production data volume.",
    "The alert that should have caught this had been silenced during a previous incident and never re-enabled.",
    "Responders lost time because the architecture diagram in the wiki showed the old design.",
    "The risk had been accepted in a risk register entry that nobody revisited after the context changed.",
    "Our assumptions about {sys} were based on how it behaved before the last major upgrade.",
    "There was no agreed definition of when to declare an incident, so the declaration came late.",
    "The team that owns {sys} was in the middle of a reorganisation and on-call coverage was thin.",
    "Access to production was needed to diagnose the problem, and only two people had it.",
    "The vendor documentation described the behaviour correctly, but nobody had read that section.",
    "Metrics were aggregated per hour, which hid a spike that lasted only a few minutes.",
    "Earlier warnings in the logs were classified as noise because they appear every day.",
    "A workaround introduced during a previous incident became permanent without review.",
    "The control existed on paper, but nobody checked whether it was applied in practice.",
    "Decisions during the incident were sound, but they were not written down, which made the review harder.",
    "The problem crossed team boundaries, and each team saw only its own part of it.",
    "Budget for the replacement of {sys} had been postponed twice in favour of feature work.",
    "The incident would have been shorter if the right dashboard had been linked from the alert.",
];
const WELL: &[&str] = &[
    "The rollback procedure worked first time.",
    "People from {team} and {team2} joined quickly even though it was outside working hours.",
    "The incident channel kept a clear, timestamped record of decisions.",
    "Customer communication was accurate and went out early.",
    "Backups were available and restored cleanly.",
    "The on-call engineer escalated early instead of struggling alone.",
    "The security team had a playbook that matched the situation closely.",
];
const POORLY: &[&str] = &[
    "It took too long to find the right person to approve the change.",
    "Two teams worked on the same hypothesis without knowing it.",
    "The status page was updated late and with little detail.",
    "Alerts kept firing during the incident and distracted responders.",
    "The runbook link in the alert pointed to a deleted page.",
    "Access to the logs required a request that took {mins} minutes to approve.",
    "Nobody took notes during the first hour, so the timeline had to be rebuilt from chat.",
];
const LUCKY: &[&str] = &[
    "The incident happened outside the monthly billing run.",
    "A senior engineer who knew the legacy system happened to be online.",
    "The attacker did not find the backup server.",
    "Traffic was low because of a public holiday in most markets.",
    "The exposed data had been pseudonymised a month earlier.",
];
const COMMS: &[&str] = &[
    "Customers were informed through the status page and by email.",
    "An all-staff note explained what happened and what to watch for.",
    "Leadership received hourly updates from the incident commander.",
    "The communications lead prepared a holding statement for the press that was not needed.",
    "Affected individuals were notified by letter after legal review.",
];
const LESSONS: &[&str] = &[
    "Test the failure modes you depend on, not only the happy path.",
    "Alerts that nobody acts on train people to ignore all alerts.",
    "A runbook that has not been used in a drill is a hypothesis.",
    "Write down who owns renewals, rotations and reviews, and check the owner still works here.",
    "Make the safe path the easy path, or people will find a faster one.",
    "Small, reversible changes limit the blast radius.",
    "When in doubt, declare the incident early; downgrading is cheap.",
];
const RARE: &[&str] = &[
    "A kerberoasting attempt against service accounts was ruled out during the investigation.",
    "The outage coincided with a leap second, which was a red herring.",
    "Bitsquatting on a lookalike domain was considered and excluded.",
    "The thundering herd after recovery was worse than the original failure.",
    "A Byzantine failure of one replica returned plausible but wrong answers.",
    "The HSM firmware had a quirk with session handles that nobody had documented.",
    "The problem was reproduced with a chaos engineering experiment a week later.",
    "An anycast route flap made the symptoms appear to move between continents.",
    "The ticket was mislabelled as a tabletop exercise and ignored for an hour.",
    "Heisenbug behaviour meant the failure vanished whenever debug logging was enabled.",
    "Investigators found traces of Cobalt Strike beacons on two workstations.",
    "A sidecar proxy silently downgraded connections to HTTP/1.0.",
];
const DETECTION_EVENTS: &[&str] = &[
    "{tool} alert pages the on-call engineer from {team}",
    "Customer support escalates a spike in tickets",
    "On-call engineer acknowledges the page",
    "Security analyst opens an investigation",
    "Service desk declares a major incident",
];
const TRIAGE_EVENTS: &[&str] = &[
    "Incident bridge opened, incident commander assigned",
    "{team2} joins the bridge",
    "Responders rule out {sys2} as the cause",
    "Escalated to {role}",
    "First status page update published",
    "Hypothesis: recent change to {sys}",
    "Logs collected from {host}",
    "Decision taken to stop all deployments",
];
const CONTAIN_EVENTS: &[&str] = &[
    "Impact contained, no new errors",
    "Affected accounts and hosts isolated",
    "Error rate back under the alert threshold",
    "Exposure closed",
];
const RECOVER_EVENTS: &[&str] = &[
    "Service fully recovered, monitoring continues",
    "All queued work processed",
    "Incident closed by the incident commander",
    "Normal operations resumed",
];
const AFTER_EVENTS: &[&str] = &[
    "Customer notification sent",
    "Lessons-learned review scheduled",
    "Data protection authority notified",
    "Root cause confirmed by {team}",
    "Post-incident review held with {team} and {team2}",
];
const LOG_LINES: &[&str] = &[
    "ERROR connection refused (upstream={sys}, attempt={n})",
    "WARN pool exhausted: active={n} idle=0 waiting={count}",
    "kernel: Out of memory: Killed process {n} (java)",
    "x509: certificate has expired or is not yet valid",
    "FATAL: remaining connection slots are reserved",
    "dial tcp: lookup {sys}.internal: no such host",
];

struct Ctx<'a> {
    sys: &'a str,
    sys2: &'a str,
    team: &'a str,
    team2: &'a str,
    vendor: &'a str,
    region: &'a str,
    office: &'a str,
    data: &'a str,
    dur: &'a str,
    thing: &'a str,
    host: &'a str,
    ver: &'a str,
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fill(out: &mut String, tpl: &str, cx: &Ctx, rng: &mut Rng) {
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('}').expect("unclosed placeholder") + i;
        let name = &rest[i + 1..j];
        match name {
            "sys" => out.push_str(cx.sys),
            "sys2" => out.push_str(cx.sys2),
            "team" => out.push_str(cx.team),
            "team2" => out.push_str(cx.team2),
            "vendor" => out.push_str(cx.vendor),
            "region" => out.push_str(cx.region),
            "office" => out.push_str(cx.office),
            "data" => out.push_str(cx.data),
            "dur" => out.push_str(cx.dur),
            "thing" => out.push_str(cx.thing),
            "host" => out.push_str(cx.host),
            "ver" => out.push_str(cx.ver),
            "n" => {
                let _ = write!(out, "{}", rng.between(2, 60));
            }
            "mins" => {
                let _ = write!(out, "{}", rng.between(3, 90));
            }
            "pct" => {
                let _ = write!(out, "{} percent", rng.between(2, 95));
            }
            "count" => out.push_str(&thousands(rng.log_between(120, 2_400_000) as u64)),
            "tool" => out.push_str(rng.pick(TOOLS)),
            "role" => out.push_str(rng.pick(ROLES)),
            "ticket" => {
                let _ = write!(out, "{}-{}", rng.pick(PROJECTS), rng.between(100, 9999));
            }
            "year" => {
                let _ = write!(out, "{}", rng.between(2012, 2020));
            }
            other => panic!("unknown placeholder {other}"),
        }
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
}

/// Appends one sentence from `pool`, avoiding templates this lesson already
/// used (`seen` holds their addresses) when the pool allows it.
fn sentence(
    out: &mut String,
    pool: &[&'static str],
    cx: &Ctx,
    rng: &mut Rng,
    seen: &mut Vec<usize>,
) {
    if !out.is_empty() && !out.ends_with('\n') && !out.ends_with(' ') {
        out.push(' ');
    }
    let mut t = rng.pick(pool);
    for _ in 0..6 {
        if !seen.contains(&(t.as_ptr() as usize)) {
            break;
        }
        t = rng.pick(pool);
    }
    seen.push(t.as_ptr() as usize);
    fill(out, t, cx, rng);
}

// ---------------------------------------------------------------------------
// The lesson model.

struct CauseOut {
    category: String,
    key: Option<String>,
    summary: String,
}

struct ActionOut {
    summary: String,
    typ: String,
    owner: String,
    due: Option<i64>,
    status: &'static str,
    completed: Option<i64>,
    addresses: Vec<String>,
    link: Option<String>,
}

struct Lesson {
    id: String,
    title: String,
    status: String,
    kind: String,
    severity: String,
    occurred: (i64, DtStyle),
    detected: Option<(i64, DtStyle)>,
    contained: Option<(i64, DtStyle)>,
    recovered: Option<(i64, DtStyle)>,
    reviewed: Option<(i64, bool)>, // (secs, as datetime)
    systems: Vec<String>,
    teams: Vec<String>,
    functions: Vec<String>,
    tags: Vec<String>,
    participants: Vec<String>,
    related: Vec<String>,
    extra: Option<String>,
    causes: Vec<CauseOut>,
    actions: Vec<ActionOut>,
    /// (heading text, body)
    sections: Vec<(String, String)>,
    crlf: bool,
    bom: bool,
}

/// One contract violation to inject, with the rule the tool must report.
#[derive(Clone, Copy, Debug)]
enum Mutation {
    BadSeverity,
    BadKind,
    BadStatus,
    BadId,
    BadCauseCategory,
    BadActionType,
    BadCauseKeySlug,
    TitleTooLong,
    BadFunction,
    MissingTitle,
    MissingKind,
    MissingSeverity,
    MissingOccurred,
    MissingSystems,
    MissingCauseSummary,
    MissingActionOwner,
    MissingDue,
    UnknownKeyTop,
    UnknownKeyCause,
    UnknownKeyAction,
    WrongTypeSystems,
    WrongTypeSeverity,
    WrongTypeOccurred,
    DateOrderDetected,
    DateOrderContained,
    DateOrderReviewed,
    FinalNoReviewed,
    FinalNoCauses,
    FinalNoActions,
    UnknownRelated,
    DuplicateId,
    UnknownCauseKey,
    MissingSectionAnalysis,
    MissingSectionSummary,
    MissingSectionTimeline,
    DuplicateSection,
    TimelineOrder,
    FrontMatterMissing,
    FrontMatterUnclosed,
    TomlUnterminatedString,
    TomlBareValue,
    TomlDuplicateKey,
}

const MUTATIONS: &[Mutation] = &[
    Mutation::BadSeverity,
    Mutation::BadKind,
    Mutation::BadStatus,
    Mutation::BadId,
    Mutation::BadCauseCategory,
    Mutation::BadActionType,
    Mutation::BadCauseKeySlug,
    Mutation::TitleTooLong,
    Mutation::BadFunction,
    Mutation::MissingTitle,
    Mutation::MissingKind,
    Mutation::MissingSeverity,
    Mutation::MissingOccurred,
    Mutation::MissingSystems,
    Mutation::MissingCauseSummary,
    Mutation::MissingActionOwner,
    Mutation::MissingDue,
    Mutation::UnknownKeyTop,
    Mutation::UnknownKeyCause,
    Mutation::UnknownKeyAction,
    Mutation::WrongTypeSystems,
    Mutation::WrongTypeSeverity,
    Mutation::WrongTypeOccurred,
    Mutation::DateOrderDetected,
    Mutation::DateOrderContained,
    Mutation::DateOrderReviewed,
    Mutation::FinalNoReviewed,
    Mutation::FinalNoCauses,
    Mutation::FinalNoActions,
    Mutation::UnknownRelated,
    Mutation::DuplicateId,
    Mutation::UnknownCauseKey,
    Mutation::MissingSectionAnalysis,
    Mutation::MissingSectionSummary,
    Mutation::MissingSectionTimeline,
    Mutation::DuplicateSection,
    Mutation::TimelineOrder,
    Mutation::FrontMatterMissing,
    Mutation::FrontMatterUnclosed,
    Mutation::TomlUnterminatedString,
    Mutation::TomlBareValue,
    Mutation::TomlDuplicateKey,
];

impl Mutation {
    fn name(self) -> String {
        // CamelCase -> kebab-case
        let dbg = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in dbg.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('-');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
    fn rule(self) -> &'static str {
        use Mutation::*;
        match self {
            BadSeverity | BadKind | BadStatus | BadId | BadCauseCategory | BadActionType
            | BadCauseKeySlug | TitleTooLong | BadFunction => "invalid-value",
            MissingTitle | MissingKind | MissingSeverity | MissingOccurred | MissingSystems
            | MissingCauseSummary | MissingActionOwner | MissingDue => "missing-key",
            UnknownKeyTop | UnknownKeyCause | UnknownKeyAction => "unknown-key",
            WrongTypeSystems | WrongTypeSeverity | WrongTypeOccurred => "wrong-type",
            DateOrderDetected | DateOrderContained | DateOrderReviewed => "date-order",
            FinalNoReviewed | FinalNoCauses | FinalNoActions => "final-incomplete",
            UnknownRelated => "unknown-related",
            DuplicateId => "duplicate-id",
            UnknownCauseKey => "unknown-cause-key",
            MissingSectionAnalysis | MissingSectionSummary | MissingSectionTimeline => {
                "missing-section"
            }
            DuplicateSection => "duplicate-section",
            TimelineOrder => "timeline-order",
            FrontMatterMissing => "front-matter-missing",
            FrontMatterUnclosed => "front-matter-unclosed",
            TomlUnterminatedString | TomlBareValue | TomlDuplicateKey => "toml-syntax",
        }
    }
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_arr(v: &[String]) -> String {
    let mut out = String::from("[");
    for (i, s) in v.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&toml_str(s));
    }
    out.push(']');
    out
}

fn slugify(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.len() > 48 {
        let cut = s[..48].rfind('-').unwrap_or(48);
        s.truncate(cut);
    }
    if s.is_empty() {
        s.push_str("lesson");
    }
    s
}

fn human_duration(mins: i64) -> String {
    if mins < 120 {
        format!("{mins} minutes")
    } else if mins < 48 * 60 {
        format!("{} hours", (mins + 30) / 60)
    } else {
        format!("{} days", (mins + 720) / 1440)
    }
}

fn codename(index: usize, rng: &mut Rng) -> String {
    // Injective in index / 1000: base-16 syllables, at least three.
    let mut q = index / 1000 * 7 + 1234;
    let mut word = String::new();
    for _ in 0..3 {
        word.push_str(CODENAME_SYL[q % 16]);
        q /= 16;
    }
    while q > 0 {
        word.push_str(CODENAME_SYL[q % 16]);
        q /= 16;
    }
    let mut cap = word[..1].to_ascii_uppercase();
    cap.push_str(&word[1..]);
    format!("{cap} {}", rng.pick(CODENAME_ANIMAL))
}

struct Plan {
    /// Occurred instant (UTC seconds), sorted ascending by index.
    occurred: Vec<i64>,
    ids: Vec<String>,
    rel_paths_dir: Vec<String>,
    invalid: Vec<bool>,
}

struct Zipf {
    cum: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut cum = Vec::with_capacity(n);
        let mut acc = 0.0;
        for i in 0..n {
            acc += 1.0 / ((i + 1) as f64).powf(s);
            cum.push(acc);
        }
        Zipf { cum }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let x = rng.unit() * self.cum.last().unwrap();
        self.cum.partition_point(|&c| c < x).min(self.cum.len() - 1)
    }
}

fn pick_distinct<'a>(rng: &mut Rng, pool: &[&'a str], k: usize) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut guard = 0;
    while out.len() < k.min(pool.len()) && guard < 50 {
        let c = rng.pick(pool);
        if !out.contains(&c) {
            out.push(c);
        }
        guard += 1;
    }
    out
}

fn choose_style(rng: &mut Rng) -> DtStyle {
    match rng.below(100) {
        0..=84 => DtStyle::Z,
        85..=91 => DtStyle::Offset(rng.pick(&[60, 120, -300, -480, 330, 540, -180])),
        92..=95 => DtStyle::Local,
        96..=97 => DtStyle::SpaceZ,
        _ => DtStyle::ZFrac,
    }
}

/// Generates lesson `i`. `mutation` is applied where it changes the model;
/// textual mutations are applied by `render`.
fn generate(
    i: usize,
    seed: u64,
    plan: &Plan,
    zipf: &Zipf,
    mutation: Option<Mutation>,
    long: bool,
) -> (Lesson, Option<String>) {
    let mut rng = Rng::stream(seed, i as u64, 1);
    let theme = &THEMES[rng.weighted(&THEME_WEIGHTS)];
    let occurred = plan.occurred[i];

    // Scope.
    let n_sys = rng.weighted(&[55, 35, 10]) + 1;
    let mut systems: Vec<String> = pick_distinct(&mut rng, theme.systems, n_sys)
        .into_iter()
        .map(String::from)
        .collect();
    if rng.chance(0.15) {
        let s = rng.pick(EXTRA_SYSTEMS).to_string();
        if !systems.contains(&s) {
            systems.push(s);
        }
    }
    let n_teams = rng.weighted(&[10, 45, 35, 10]);
    let teams: Vec<String> = pick_distinct(&mut rng, TEAMS, n_teams)
        .into_iter()
        .map(String::from)
        .collect();
    let sys2 = rng.pick(EXTRA_SYSTEMS).to_string();
    let team = teams.first().cloned().unwrap_or_else(|| "sre".into());
    let team2 = rng.pick(TEAMS).to_string();
    let host = format!(
        "{}-{:02}.{}",
        systems[0].split('-').next().unwrap_or("host"),
        rng.between(1, 24),
        rng.pick(&["fra1", "ams2", "dub1", "waw1", "lis1", "iad3"])
    );
    let ver = format!(
        "{}.{}.{}",
        rng.between(1, 9),
        rng.between(0, 30),
        rng.between(0, 12)
    );

    // Times.
    let (d_lo, d_hi, c_lo, c_hi, r_lo, r_hi) = match theme.kind {
        "outage" => (1, 45, 10, 300, 5, 240),
        "degradation" => (2, 240, 15, 600, 10, 900),
        "data-breach" => (30, 60 * 24 * 40, 20, 60 * 48, 30, 60 * 24 * 10),
        "security-event" => (3, 60 * 24 * 3, 10, 60 * 24, 30, 60 * 24 * 5),
        "policy-violation" => (60, 60 * 24 * 90, 30, 60 * 24 * 7, 60, 60 * 24 * 14),
        _ => (1, 60 * 24 * 2, 5, 60 * 24, 5, 60 * 24 * 3), // near-miss
    };
    let occ_style = if rng.chance(0.05) {
        DtStyle::DateOnly
    } else {
        choose_style(&mut rng)
    };
    let detected_at = occurred + rng.log_between(d_lo, d_hi) * MIN;
    let contained_at = detected_at + rng.log_between(c_lo, c_hi) * MIN;
    let recovered_at = contained_at + rng.log_between(r_lo, r_hi) * MIN;
    let has_detected = rng.chance(0.92);
    let has_contained = rng.chance(if theme.kind == "policy-violation" {
        0.5
    } else {
        0.8
    });
    let has_recovered = rng.chance(if theme.kind == "near-miss" { 0.5 } else { 0.85 });
    let end_at = if has_recovered {
        recovered_at
    } else if has_contained {
        contained_at
    } else {
        detected_at
    };
    let dur_mins = (end_at - occurred) / MIN;
    let dur = human_duration(dur_mins.max(1));

    let status = match rng.below(100) {
        0..=77 => "final",
        78..=89 => "review",
        _ => "draft",
    };
    let severity = ["critical", "high", "medium", "low"][rng.weighted(&[5, 20, 45, 30])];
    let reviewed_at = floor_day(end_at) + rng.between(2, 30) * DAY + rng.between(9, 16) * HOUR;
    let has_reviewed = match status {
        "final" => true,
        "review" => rng.chance(0.5),
        _ => false,
    };

    let cx_data = rng.pick(DATA_KINDS);
    let cx = Ctx {
        sys: &systems[0],
        sys2: &sys2,
        team: &team,
        team2: &team2,
        vendor: rng.pick(VENDORS),
        region: rng.pick(REGIONS),
        office: rng.pick(OFFICES),
        data: cx_data,
        dur: &dur,
        thing: theme.noun,
        host: &host,
        ver: &ver,
    };

    let mut title = String::new();
    fill(&mut title, rng.pick(theme.titles), &cx, &mut rng);
    if rng.chance(0.1) {
        title.push_str(&format!(" in {}", cx.office));
    }
    let title = {
        let mut t = title;
        if let Some(f) = t.get(..1) {
            let up = f.to_uppercase();
            t.replace_range(..1, &up);
        }
        t
    };

    let mut functions: Vec<String> = Vec::new();
    if rng.chance(0.8) {
        let k = rng.between(1, 3) as usize;
        for f in pick_distinct(&mut rng, theme.functions, k) {
            functions.push(f.to_string());
        }
        if rng.chance(0.1) {
            let f = rng.pick(FUNCTIONS).to_string();
            if !functions.contains(&f) {
                functions.push(f);
            }
        }
    }
    let mut tags: Vec<String> = Vec::new();
    if rng.chance(0.9) {
        let k = rng.between(1, 4) as usize;
        for t in pick_distinct(&mut rng, theme.tags, k) {
            tags.push(t.to_string());
        }
        if rng.chance(0.1) {
            let (y, m, _) = ymd(occurred);
            tags.push(format!("q{}-{y}", (m + 2) / 3));
        }
    }
    let mut participants: Vec<String> = Vec::new();
    if rng.chance(0.4) {
        for _ in 0..rng.between(2, 5) {
            let p = if rng.chance(0.5) {
                rng.pick(ROLES)
            } else {
                rng.pick(PEOPLE)
            };
            if !participants.iter().any(|x| x == p) {
                participants.push(p.to_string());
            }
        }
    }

    // Related: earlier valid lessons only (so no invalid file breaks others).
    let mut related: Vec<String> = Vec::new();
    if i > 0 && rng.chance(0.25) {
        for _ in 0..rng.weighted(&[60, 30, 10]) + 1 {
            let mut j = if rng.chance(0.5) {
                i - 1 - rng.below(i.min(300))
            } else {
                rng.below(i)
            };
            loop {
                if !plan.invalid[j] {
                    let id = &plan.ids[j];
                    if !related.contains(id) {
                        related.push(id.clone());
                    }
                    break;
                }
                if j == 0 {
                    break;
                }
                j -= 1;
            }
        }
    }

    // Causes.
    let n_causes = match status {
        "draft" => rng.weighted(&[50, 35, 15]),
        _ => rng.weighted(&[0, 45, 40, 15]),
    };
    let mut causes: Vec<CauseOut> = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    let mut guard = 0;
    while causes.len() < n_causes && guard < 20 {
        guard += 1;
        let ci = if rng.chance(0.8) {
            // Zipf within the theme's list: the first entries dominate.
            let k = theme.causes.len();
            let w: Vec<u32> = (0..k).map(|r| (1000.0 / (r as f64 + 1.0)) as u32).collect();
            cause_index(theme.causes[rng.weighted(&w)])
        } else {
            zipf.sample(&mut rng)
        };
        if used.contains(&ci) {
            continue;
        }
        used.push(ci);
        let c = &CAUSES[ci];
        let keyless = rng.chance(0.08);
        let mut summary = c.summary.to_string();
        if rng.chance(0.3) {
            summary.push_str(&format!(" ({})", systems[0]));
        }
        causes.push(CauseOut {
            category: c.category.to_string(),
            key: if keyless {
                None
            } else {
                Some(c.key.to_string())
            },
            summary,
        });
    }

    // Actions.
    let mut actions: Vec<ActionOut> = Vec::new();
    let want_actions = match status {
        "draft" => rng.chance(0.4),
        "review" => rng.chance(0.9),
        _ => true,
    };
    if want_actions {
        let n_actions =
            (rng.weighted(&[45, 40, 15]) + 1).max(if causes.is_empty() { 1 } else { 0 });
        let base = reviewed_at.max(end_at);
        for a in 0..n_actions {
            let (summary, typ, addresses) = if a < causes.len() && rng.chance(0.85) {
                let ci = used[a];
                let c = &CAUSES[ci];
                let mut addr = Vec::new();
                if let Some(k) = &causes[a].key
                    && rng.chance(0.9)
                {
                    addr.push(k.clone());
                }
                if rng.chance(0.15) {
                    for other in &causes {
                        if let Some(k) = &other.key
                            && !addr.contains(k)
                        {
                            addr.push(k.clone());
                        }
                    }
                }
                let mut s = c.action.to_string();
                if rng.chance(0.3) {
                    s.push_str(&format!(" for {}", systems[0]));
                }
                let typ = if rng.chance(0.85) {
                    c.action_type
                } else {
                    rng.pick(ACTION_TYPES)
                };
                (s, typ.to_string(), addr)
            } else {
                let s = rng.pick(&[
                    "Run a tabletop exercise based on this incident",
                    "Share this review at the engineering all-hands",
                    "Add the scenario to the onboarding training for new on-call engineers",
                    "Update the service catalogue entry with owners and dependencies",
                    "Add a dashboard panel that shows the leading indicator",
                    "Review similar systems for the same weakness",
                ]);
                let typ = match s {
                    "Add a dashboard panel that shows the leading indicator" => "monitoring",
                    "Update the service catalogue entry with owners and dependencies" => {
                        "procedure-update"
                    }
                    "Review similar systems for the same weakness" => "control-adjustment",
                    _ => "awareness",
                };
                (s.to_string(), typ.to_string(), Vec::new())
            };
            let st = match rng.below(100) {
                0..=44 => "done",
                45..=64 => "in-progress",
                65..=89 => "open",
                _ => "dropped",
            };
            let due_at = floor_day(base) + rng.between(7, 120) * DAY;
            let due = match st {
                "done" => rng.chance(0.7).then_some(due_at),
                "dropped" => rng.chance(0.3).then_some(due_at),
                _ => Some(due_at),
            };
            let completed = (st == "done" && rng.chance(0.85))
                .then(|| floor_day(base) + rng.between(1, 150) * DAY);
            let owner = match rng.below(100) {
                0..=59 => format!("team-{}", rng.pick(TEAMS)),
                60..=84 => rng.pick(ROLES).to_string(),
                _ => rng.pick(PEOPLE).to_string(),
            };
            let link = rng.chance(0.6).then(|| {
                format!(
                    "https://tracker.example.com/{}-{}",
                    rng.pick(PROJECTS),
                    rng.between(10, 99_999)
                )
            });
            actions.push(ActionOut {
                summary,
                typ,
                owner,
                due,
                status: st,
                completed,
                addresses,
                link,
            });
        }
    }

    let extra = rng.chance(0.05).then(|| {
        let mut e = String::from("[extra]\n");
        let _ = writeln!(e, "cost_eur = {}", rng.between(500, 250_000));
        let _ = writeln!(e, "ticket = \"INC-{}\"", rng.between(1000, 99_999));
        let _ = writeln!(e, "customer_facing = {}", rng.chance(0.5));
        e
    });

    // Codename, rare phrase.
    let codename_phrase = (i % 1000 == 500).then(|| codename(i, &mut rng));

    // ---- Body.
    let mut seen: Vec<usize> = Vec::with_capacity(64);
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut summary = String::new();
    {
        let (y, m, d) = ymd(occurred);
        let article = if theme.noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let _ = write!(
            summary,
            "On {y:04}-{m:02}-{d:02}, {article} {} affected {}",
            theme.noun, systems[0]
        );
        if systems.len() > 1 {
            let _ = write!(summary, " and {}", systems[1..].join(", "));
        }
        let _ = write!(summary, " for {dur}.");
        sentence(&mut summary, IMPACT, &cx, &mut rng, &mut seen);
        sentence(&mut summary, DETECT, &cx, &mut rng, &mut seen);
        if rng.chance(0.8) {
            sentence(&mut summary, RESPONSE, &cx, &mut rng, &mut seen);
        }
        if rng.chance(0.7) {
            sentence(&mut summary, IMPACT, &cx, &mut rng, &mut seen);
        }
        if let Some(c) = causes.first() {
            let s = &c.summary;
            let _ = write!(
                summary,
                " The main cause: {}{}.",
                s[..1].to_lowercase(),
                &s[1..]
            );
        }
        if let Some(code) = &codename_phrase {
            let _ = write!(
                summary,
                " The response was coordinated under the codename {code}."
            );
        }
        summary.push('\n');
    }
    sections.push(("Summary".into(), summary));

    // Timeline.
    let mut timeline = String::new();
    {
        let n_items = rng.between(4, 10) as usize;
        let mut points: Vec<(i64, u8)> = vec![(occurred, 0)];
        if has_detected {
            points.push((detected_at, 1));
        }
        if has_contained {
            points.push((contained_at, 3));
        }
        if has_recovered {
            points.push((recovered_at, 4));
        }
        let n_after = if rng.chance(0.4) {
            rng.between(1, 2) as usize
        } else {
            0
        };
        let span_end = end_at.max(occurred + (n_items as i64 + 2) * MIN);
        let mut guard = 0;
        while points.len() + n_after < n_items && guard < 100 {
            guard += 1;
            let t = occurred + (rng.below(((span_end - occurred) / MIN) as usize + 1) as i64) * MIN;
            if points.iter().any(|p| p.0 / MIN == t / MIN) {
                continue;
            }
            let kind = if has_detected && t < detected_at {
                5
            } else {
                2
            };
            points.push((t, kind));
        }
        points.sort();
        points.dedup_by_key(|p| p.0 / MIN);
        let mut last = end_at;
        for _ in 0..n_after {
            last = floor_day(last)
                + rng.between(1, 4) * DAY
                + rng.between(8, 17) * HOUR
                + rng.between(0, 59) * MIN;
            points.push((last, 6));
        }
        let mut prev = i64::MIN;
        for (t, kind) in points {
            let pool: &[&str] = match kind {
                0 => theme.triggers,
                1 => DETECTION_EVENTS,
                2 => {
                    if rng.chance(0.5) {
                        theme.mitigations
                    } else {
                        TRIAGE_EVENTS
                    }
                }
                3 => CONTAIN_EVENTS,
                4 => RECOVER_EVENTS,
                5 => &[
                    "Early warning signs visible in {tool}, not acted on",
                    "Latency on {sys} starts creeping up",
                    "First user complaint in a team channel",
                ],
                _ => AFTER_EVENTS,
            };
            let (y, mo, d) = ymd(t);
            let (h, mi) = hm(t);
            timeline.push_str("- ");
            let r = rng.below(100);
            if kind == 6 && r < 40 && floor_day(t) >= prev {
                let _ = write!(timeline, "{y:04}-{mo:02}-{d:02} ");
            } else if r < 3 {
                let off = rng.pick(&[60i64, 120, -300, 330]);
                let lt = t + off * MIN;
                let (y, mo, d) = ymd(lt);
                let (h, mi) = hm(lt);
                let _ = write!(
                    timeline,
                    "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}{} ",
                    offset_str(off)
                );
            } else {
                let _ = write!(timeline, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}Z ");
            }
            prev = t;
            fill(&mut timeline, rng.pick(pool), &cx, &mut rng);
            timeline.push('\n');
        }
        if rng.chance(0.03) {
            timeline.push_str("- Later that week: the vendor confirmed the analysis\n");
        }
    }
    sections.push(("Timeline".into(), timeline));

    // Analysis.
    let mut analysis = String::new();
    {
        let paragraphs = rng.between(3, 4);
        let subsections = rng.chance(0.15);
        for p in 0..paragraphs {
            if subsections {
                let h = [
                    "### Detection",
                    "### Response",
                    "### Root cause",
                    "### Recovery",
                ][p as usize];
                analysis.push_str(h);
                analysis.push_str("\n\n");
            }
            let mut para = String::new();
            let k = rng.between(4, 6);
            for s in 0..k {
                let theme_left = theme
                    .analysis
                    .iter()
                    .any(|t| !seen.contains(&(t.as_ptr() as usize)));
                let r = if theme_left {
                    rng.below(10)
                } else {
                    3 + rng.below(7)
                };
                if (p == 0 && s == 0) || r < 3 {
                    sentence(&mut para, theme.analysis, &cx, &mut rng, &mut seen);
                } else if r < 7 {
                    sentence(&mut para, GENERIC_ANALYSIS, &cx, &mut rng, &mut seen);
                } else if r < 9 {
                    sentence(&mut para, RESPONSE, &cx, &mut rng, &mut seen);
                } else {
                    sentence(&mut para, DETECT, &cx, &mut rng, &mut seen);
                }
            }
            if p == 1 {
                for c in &causes {
                    let s = &c.summary;
                    let cat = c.category.replace('-', " ");
                    let _ = write!(
                        para,
                        " {}{} contributed: {}{}.",
                        cat[..1].to_uppercase(),
                        &cat[1..],
                        s[..1].to_lowercase(),
                        &s[1..]
                    );
                }
            }
            if rng.chance(0.02) {
                sentence(&mut para, RARE, &cx, &mut rng, &mut seen);
            }
            if p == 2
                && let Some(code) = &codename_phrase
            {
                let _ = write!(
                    para,
                    " The {code} review found that the same pattern had been missed before."
                );
            }
            analysis.push_str(&para);
            analysis.push_str("\n\n");
            if p == 0 && rng.chance(0.08) {
                analysis.push_str("```\n");
                for _ in 0..rng.between(2, 4) {
                    let (y, mo, d) = ymd(occurred);
                    let (h, mi) = hm(occurred);
                    let _ = write!(
                        analysis,
                        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{:02}Z ",
                        rng.between(0, 59)
                    );
                    fill(&mut analysis, rng.pick(LOG_LINES), &cx, &mut rng);
                    analysis.push('\n');
                }
                analysis.push_str("```\n\n");
            }
        }
        while analysis.ends_with("\n\n") {
            analysis.pop();
        }
    }
    sections.push(("Analysis".into(), analysis));

    // Optional sections.
    let optional: &[(&str, &[&str], bool)] = &[
        ("Impact", IMPACT, false),
        ("What went well", WELL, true),
        ("What went poorly", POORLY, true),
        ("Where we got lucky", LUCKY, true),
        ("Communication", COMMS, false),
        ("Lessons", LESSONS, true),
    ];
    let n_opt = if status == "draft" {
        rng.between(0, 2)
    } else {
        rng.between(2, 4)
    };
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n_opt as usize {
        let k = rng.below(optional.len());
        if !chosen.contains(&k) {
            chosen.push(k);
        }
    }
    chosen.sort();
    for k in chosen {
        let (head, pool, bullets) = optional[k];
        let mut s = String::new();
        let n = rng.between(2, 4);
        for _ in 0..n {
            if bullets {
                s.push_str("- ");
                sentence(&mut s, pool, &cx, &mut rng, &mut seen);
                s.push('\n');
            } else {
                sentence(&mut s, pool, &cx, &mut rng, &mut seen);
            }
        }
        if !bullets {
            s.push('\n');
        }
        sections.push((head.to_string(), s));
    }
    if !actions.is_empty() && rng.chance(0.3) {
        let mut s = String::from("The actions are tracked in the front matter. ");
        sentence(&mut s, GENERIC_ANALYSIS, &cx, &mut rng, &mut seen);
        s.push('\n');
        sections.push(("Follow-up".into(), s));
    }
    if long {
        let mut s = String::new();
        for _ in 0..12 {
            let mut para = String::new();
            for _ in 0..5 {
                sentence(&mut para, GENERIC_ANALYSIS, &cx, &mut rng, &mut seen);
                sentence(&mut para, theme.analysis, &cx, &mut rng, &mut seen);
            }
            s.push_str(&para);
            s.push_str("\n\n");
        }
        sections.push(("Appendix: detailed reconstruction".into(), s));
    }
    // Occasional lowercase required heading (matched case-insensitively).
    if rng.chance(0.01) {
        sections[2].0 = "analysis".into();
    }

    let id = plan.ids[i].clone();
    let mut lesson = Lesson {
        id,
        title,
        status: status.to_string(),
        kind: theme.kind.to_string(),
        severity: severity.to_string(),
        occurred: (occurred, occ_style),
        detected: has_detected.then(|| (detected_at, choose_style(&mut rng))),
        contained: has_contained.then(|| (contained_at, choose_style(&mut rng))),
        recovered: has_recovered.then(|| (recovered_at, choose_style(&mut rng))),
        reviewed: has_reviewed.then(|| (reviewed_at, rng.chance(0.05))),
        systems,
        teams,
        functions,
        tags,
        participants,
        related,
        extra,
        causes,
        actions,
        sections,
        crlf: rng.chance(0.01),
        bom: rng.chance(0.005),
    };
    if let Some(m) = mutation {
        mutate_model(&mut lesson, m, i, plan, &mut rng);
    }
    (lesson, codename_phrase)
}

fn mutate_model(l: &mut Lesson, m: Mutation, i: usize, plan: &Plan, rng: &mut Rng) {
    use Mutation::*;
    let ensure_action = |l: &mut Lesson, st: &'static str| {
        if !l.actions.iter().any(|a| a.status == st) {
            l.actions.push(ActionOut {
                summary: "Review similar systems for the same weakness".into(),
                typ: "control-adjustment".into(),
                owner: "team-sre".into(),
                due: Some(l.occurred.0 + 60 * DAY),
                status: st,
                completed: None,
                addresses: Vec::new(),
                link: None,
            });
        }
    };
    match m {
        BadSeverity => {
            l.severity = rng
                .pick(&["urgent", "catastrophic", "sev1", "High"])
                .to_string()
        }
        BadKind => {
            l.kind = rng
                .pick(&["incident", "breach", "outtage", "security"])
                .to_string()
        }
        BadStatus => {
            l.status = rng
                .pick(&["closed", "done", "Final", "published"])
                .to_string()
        }
        BadId => {
            let (y, _, _) = ymd(l.occurred.0);
            l.id = format!("ll-{y}-{}", rng.between(100, 999));
        }
        BadCauseCategory => {
            if l.causes.is_empty() {
                l.causes.push(CauseOut {
                    category: String::new(),
                    key: None,
                    summary: "Unclear ownership".into(),
                });
            }
            l.causes[0].category = rng
                .pick(&["people", "process", "bad-luck", "technical"])
                .to_string();
        }
        BadActionType => {
            ensure_action(l, "open");
            l.actions[0].typ = rng
                .pick(&["fix", "training", "documentation", "other"])
                .to_string();
        }
        BadCauseKeySlug => l.causes.push(CauseOut {
            category: "technical-debt".into(),
            key: Some(
                rng.pick(&["Legacy_Cruft", "no runbook", "-leading-dash", "UPPER-CASE"])
                    .to_string(),
            ),
            summary: "Legacy code nobody understands".into(),
        }),
        TitleTooLong => {
            while l.title.chars().count() <= 200 {
                l.title
                    .push_str(" and the follow-up problems that came after it");
            }
        }
        BadFunction => l.functions.push(
            rng.pick(&["engineering", "finance", "IT", "sales"])
                .to_string(),
        ),
        MissingCauseSummary => {
            if l.causes.is_empty() {
                l.causes.push(CauseOut {
                    category: "process-gap".into(),
                    key: None,
                    summary: String::new(),
                });
            }
            l.causes[0].summary.clear(); // rendered without the key
        }
        MissingActionOwner => {
            ensure_action(l, "open");
            l.actions[0].owner.clear();
        }
        MissingDue => {
            ensure_action(l, "open");
            if let Some(a) = l.actions.iter_mut().find(|a| a.status == "open") {
                a.due = None;
            }
        }
        UnknownKeyCause if l.causes.is_empty() => {
            l.causes.push(CauseOut {
                category: "process-gap".into(),
                key: None,
                summary: "Unclear ownership".into(),
            });
        }
        UnknownKeyAction => ensure_action(l, "open"),
        DateOrderDetected => {
            let occ = effective(l.occurred.0, l.occurred.1);
            let t = occ - rng.between(1, 180) * MIN;
            l.detected = Some((t, DtStyle::Z));
            l.contained = None;
            l.recovered = None;
        }
        DateOrderContained => {
            let occ = effective(l.occurred.0, l.occurred.1);
            let det = l
                .detected
                .map(|d| effective(d.0, d.1))
                .unwrap_or(occ + 10 * MIN);
            let det = det.max(occ + 10 * MIN);
            l.detected = Some((det, DtStyle::Z));
            l.contained = Some((det - rng.between(1, 9) * MIN, DtStyle::Z));
            l.recovered = None;
        }
        DateOrderReviewed => {
            l.reviewed = Some((floor_day(l.occurred.0) - rng.between(1, 30) * DAY, false));
        }
        FinalNoReviewed | FinalNoCauses | FinalNoActions => {
            l.status = "final".into();
            if l.reviewed.is_none() {
                l.reviewed = Some((floor_day(l.occurred.0) + 40 * DAY, false));
            }
            if l.causes.is_empty() {
                l.causes.push(CauseOut {
                    category: "process-gap".into(),
                    key: None,
                    summary: "Unclear ownership".into(),
                });
            }
            ensure_action(l, "open");
            match m {
                FinalNoReviewed => l.reviewed = None,
                FinalNoCauses => {
                    l.causes.clear();
                    for a in &mut l.actions {
                        a.addresses.clear();
                    }
                }
                _ => l.actions.clear(),
            }
        }
        UnknownRelated => {
            let y = rng.between(2005, 2014);
            l.related
                .push(format!("LL-{y}-{:06}", rng.between(1, 999_999)));
        }
        DuplicateId => {
            // Take the id of an earlier valid lesson (or a later one for i = 0).
            let mut j = if i > 0 {
                rng.below(i)
            } else {
                1.min(plan.ids.len() - 1)
            };
            while plan.invalid[j] && j > 0 {
                j -= 1;
            }
            if plan.invalid[j] {
                j = (0..plan.ids.len()).find(|&k| !plan.invalid[k]).unwrap_or(j);
            }
            l.id = plan.ids[j].clone();
        }
        UnknownCauseKey => {
            ensure_action(l, "open");
            l.actions[0].addresses.push(
                rng.pick(&["no-such-cause", "misc", "runbook-missing"])
                    .to_string(),
            );
        }
        MissingSectionAnalysis => l.sections[2].0 = "Discussion".into(),
        MissingSectionSummary => l.sections[0].0 = "Overview".into(),
        MissingSectionTimeline => l.sections[1].0 = "Chronology".into(),
        DuplicateSection => {
            let k = rng.below(3);
            let head = l.sections[k].0.clone();
            l.sections
                .push((head, "Added later by a second author.\n".into()));
        }
        TimelineOrder => {
            // Swap the first and last dated items (they are strictly ordered).
            let tl = &mut l.sections[1].1;
            let mut lines: Vec<String> = tl.lines().map(String::from).collect();
            let dated: Vec<usize> = (0..lines.len())
                .filter(|&k| {
                    lines[k]
                        .as_bytes()
                        .get(2)
                        .is_some_and(|b| b.is_ascii_digit())
                })
                .collect();
            let (a, b) = (dated[0], dated[dated.len() - 1]);
            lines.swap(a, b);
            *tl = lines.join("\n") + "\n";
        }
        _ => {}
    }
}

static THEME_WEIGHTS: std::sync::LazyLock<Vec<u32>> =
    std::sync::LazyLock::new(|| THEMES.iter().map(|t| t.weight).collect());

fn dt_line(out: &mut String, key: &str, v: (i64, DtStyle)) {
    let _ = writeln!(out, "{key} = {}", fmt_dt(v.0, v.1));
}

fn render(l: &Lesson, m: Option<Mutation>, rng: &mut Rng) -> String {
    use Mutation::*;
    let mut fm = String::with_capacity(2048);
    let _ = writeln!(fm, "id = {}", toml_str(&l.id));
    if !matches!(m, Some(MissingTitle)) {
        let _ = writeln!(fm, "title = {}", toml_str(&l.title));
    }
    if matches!(m, Some(TomlUnterminatedString)) {
        // Unterminated string: the closing quote is missing.
        fm.pop();
        fm.pop();
        fm.push('\n');
    }
    if matches!(m, Some(UnknownKeyTop)) {
        let _ = writeln!(
            fm,
            "{}",
            rng.pick(&[
                "owner = \"team-sre\"",
                "root_cause = \"config\"",
                "impact = \"high\"",
                "reviewd = 2024-01-01"
            ])
        );
    }
    let _ = writeln!(fm, "status = {}", toml_str(&l.status));
    if !matches!(m, Some(MissingKind)) {
        let _ = writeln!(fm, "kind = {}", toml_str(&l.kind));
    }
    match m {
        Some(MissingSeverity) => {}
        Some(WrongTypeSeverity) => {
            let _ = writeln!(fm, "severity = {}", rng.between(1, 4));
        }
        Some(TomlBareValue) => {
            let _ = writeln!(fm, "severity = {}", l.severity);
        }
        _ => {
            let _ = writeln!(fm, "severity = {}", toml_str(&l.severity));
        }
    }
    match m {
        Some(MissingOccurred) => {}
        Some(WrongTypeOccurred) => {
            let (h, mi) = hm(l.occurred.0);
            let _ = writeln!(
                fm,
                "occurred = \"{} {h:02}:{mi:02}\"",
                date_str(l.occurred.0)
            );
        }
        _ => dt_line(&mut fm, "occurred", l.occurred),
    }
    if let Some(v) = l.detected {
        dt_line(&mut fm, "detected", v);
    }
    if let Some(v) = l.contained {
        dt_line(&mut fm, "contained", v);
    }
    if let Some(v) = l.recovered {
        dt_line(&mut fm, "recovered", v);
    }
    if let Some((t, as_dt)) = l.reviewed {
        if as_dt {
            let _ = writeln!(fm, "reviewed = {}T{:02}:00:00Z", date_str(t), hm(t).0);
        } else {
            let _ = writeln!(fm, "reviewed = {}", date_str(t));
        }
    }
    match m {
        Some(MissingSystems) => {}
        Some(WrongTypeSystems) => {
            let _ = writeln!(fm, "systems = {}", toml_str(&l.systems[0]));
        }
        _ => {
            let _ = writeln!(fm, "systems = {}", toml_arr(&l.systems));
        }
    }
    if matches!(m, Some(TomlDuplicateKey)) {
        let _ = writeln!(fm, "systems = {}", toml_arr(&l.systems));
    }
    if !l.teams.is_empty() {
        let _ = writeln!(fm, "teams = {}", toml_arr(&l.teams));
    }
    if !l.functions.is_empty() {
        let _ = writeln!(fm, "functions = {}", toml_arr(&l.functions));
    }
    if !l.tags.is_empty() {
        let _ = writeln!(fm, "tags = {}", toml_arr(&l.tags));
    }
    if !l.participants.is_empty() {
        let _ = writeln!(fm, "participants = {}", toml_arr(&l.participants));
    }
    if !l.related.is_empty() {
        let _ = writeln!(fm, "related = {}", toml_arr(&l.related));
    }
    if let Some(e) = &l.extra {
        fm.push('\n');
        fm.push_str(e);
    }
    for (k, c) in l.causes.iter().enumerate() {
        fm.push_str("\n[[causes]]\n");
        let _ = writeln!(fm, "category = {}", toml_str(&c.category));
        if let Some(key) = &c.key {
            let _ = writeln!(fm, "key = {}", toml_str(key));
        }
        if !(k == 0 && matches!(m, Some(MissingCauseSummary))) {
            let _ = writeln!(fm, "summary = {}", toml_str(&c.summary));
        }
        if k == 0 && matches!(m, Some(UnknownKeyCause)) {
            let _ = writeln!(
                fm,
                "{}",
                rng.pick(&[
                    "owner = \"team-sre\"",
                    "severity = \"high\"",
                    "description = \"see analysis\""
                ])
            );
        }
    }
    for (k, a) in l.actions.iter().enumerate() {
        fm.push_str("\n[[actions]]\n");
        let _ = writeln!(fm, "summary = {}", toml_str(&a.summary));
        let _ = writeln!(fm, "type = {}", toml_str(&a.typ));
        if !a.owner.is_empty() {
            let _ = writeln!(fm, "owner = {}", toml_str(&a.owner));
        }
        if let Some(d) = a.due {
            let _ = writeln!(fm, "due = {}", date_str(d));
        }
        let _ = writeln!(fm, "status = {}", toml_str(a.status));
        if let Some(c) = a.completed {
            let _ = writeln!(fm, "completed = {}", date_str(c));
        }
        if !a.addresses.is_empty() {
            let _ = writeln!(fm, "addresses = {}", toml_arr(&a.addresses));
        }
        if let Some(link) = &a.link {
            let _ = writeln!(fm, "link = {}", toml_str(link));
        }
        if k == 0 && matches!(m, Some(UnknownKeyAction)) {
            let _ = writeln!(
                fm,
                "{}",
                rng.pick(&[
                    "priority = \"high\"",
                    "assignee = \"b.nguyen\"",
                    "ticket = \"SRE-12\""
                ])
            );
        }
    }

    let mut out = String::with_capacity(fm.len() + 4096);
    if l.bom {
        out.push('\u{FEFF}');
    }
    if !matches!(m, Some(FrontMatterMissing)) {
        out.push_str("+++\n");
    }
    out.push_str(&fm);
    if !matches!(m, Some(FrontMatterUnclosed)) {
        out.push_str("+++\n");
    }
    for (head, body) in &l.sections {
        out.push('\n');
        let _ = writeln!(out, "## {head}");
        out.push('\n');
        out.push_str(body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
    }
    if l.crlf {
        out = out.replace('\n', "\r\n");
    }
    out
}

// ---------------------------------------------------------------------------

struct Args {
    out: PathBuf,
    count: usize,
    seed: u64,
    invalid_percent: f64,
    threads: usize,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_corpus --out DIR --count N [--seed S] [--invalid-percent P] [--threads T]\n\
         Writes DIR/lessons.toml, DIR/lessons/YYYY/MM/*.md and DIR/corpus-manifest.tsv."
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut out = None;
    let mut count = None;
    let mut seed = 42u64;
    let mut invalid_percent = 0.0;
    let mut threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut val = || {
            inline
                .clone()
                .or_else(|| it.next())
                .unwrap_or_else(|| usage())
        };
        match name.as_str() {
            "--out" | "-o" => out = Some(PathBuf::from(val())),
            "--count" | "-n" => {
                count = Some(val().replace('_', "").parse().unwrap_or_else(|_| usage()))
            }
            "--seed" => seed = val().parse().unwrap_or_else(|_| usage()),
            "--invalid-percent" => {
                invalid_percent = val().parse().unwrap_or_else(|_| usage());
                if !(0.0..=100.0).contains(&invalid_percent) {
                    usage();
                }
            }
            "--threads" | "-j" => {
                threads = val().parse::<usize>().unwrap_or_else(|_| usage()).max(1)
            }
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    Args {
        out: out.unwrap_or_else(|| usage()),
        count: count.unwrap_or_else(|| usage()),
        seed,
        invalid_percent,
        threads,
    }
}

fn write_file(path: &Path, data: &[u8]) {
    if let Err(e) = std::fs::write(path, data) {
        eprintln!("gen_corpus: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

fn main() {
    let args = parse_args();
    let start = Instant::now();
    let n = args.count;
    let mut rng = Rng::new(args.seed);

    // Plan: occurred instants sorted, ids per year, folders, invalid picks.
    let lo = days_from_civil(2015, 1, 1) * DAY;
    let hi = days_from_civil(2027, 1, 1) * DAY;
    let mut occurred: Vec<i64> = (0..n)
        .map(|_| {
            // Slightly more lessons in recent years, as adoption grows.
            let u = rng.unit().powf(0.8);
            let t = lo + ((hi - lo - DAY) as f64 * u) as i64;
            t / MIN * MIN
        })
        .collect();
    occurred.sort_unstable();
    let mut ids = Vec::with_capacity(n);
    let mut dirs = Vec::with_capacity(n);
    let mut counters = std::collections::HashMap::new();
    for &t in &occurred {
        let (y, m, _) = ymd(t);
        let c = counters.entry(y).or_insert(0u64);
        *c += 1;
        ids.push(format!("LL-{y}-{:06}", c));
        dirs.push(format!("lessons/{y:04}/{m:02}"));
    }
    let n_invalid = ((n as f64) * args.invalid_percent / 100.0).round() as usize;
    let mut invalid = vec![false; n];
    {
        let mut order: Vec<usize> = (0..n).collect();
        for k in 0..n_invalid.min(n) {
            let j = k + rng.below(n - k);
            order.swap(k, j);
            invalid[order[k]] = true;
        }
    }
    let plan = Plan {
        occurred,
        ids,
        rel_paths_dir: dirs,
        invalid,
    };

    // Folders and fixed files.
    let root = &args.out;
    let mut uniq: Vec<&String> = plan.rel_paths_dir.iter().collect();
    uniq.dedup();
    for d in &uniq {
        if let Err(e) = std::fs::create_dir_all(root.join(d)) {
            eprintln!("gen_corpus: cannot create {}: {e}", root.join(d).display());
            std::process::exit(1);
        }
    }
    std::fs::create_dir_all(root.join("lessons")).ok();
    write_file(
        &root.join("lessons.toml"),
        b"# Synthetic knowledge base written by `cargo run --example gen_corpus`.\n\
          # Every setting keeps its default; see lesson-format.md.\n\
          roots = [\"lessons\"]\n",
    );
    write_file(
        &root.join("lessons/README.md"),
        b"# Lessons learned\n\nOne Markdown file per reviewed incident, grouped by year and month.\n\
          This README is not a lesson.\n",
    );
    write_file(
        &root.join("lessons/_template.md"),
        b"+++\nid = \"LL-YYYY-NNN\"\ntitle = \"\"\nstatus = \"draft\"\nkind = \"TODO\"\nseverity = \"TODO\"\n+++\n\n## Summary\n\n## Timeline\n\n## Analysis\n",
    );

    let zipf = Zipf::new(CAUSES.len(), 1.1);
    let threads = args.threads.min(n.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    const CHUNK: usize = 256;

    let results: Vec<(u64, Vec<(usize, String)>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut bytes = 0u64;
                    let mut manifest: Vec<(usize, String)> = Vec::new();
                    let mut path = PathBuf::new();
                    loop {
                        let start = next.fetch_add(CHUNK, std::sync::atomic::Ordering::Relaxed);
                        if start >= n {
                            break;
                        }
                        for i in start..(start + CHUNK).min(n) {
                            let mut mrng = Rng::stream(args.seed, i as u64, 2);
                            let mutation = plan.invalid[i].then(|| mrng.pick(MUTATIONS));
                            let long = !plan.invalid[i] && mrng.chance(0.005);
                            let (lesson, code) =
                                generate(i, args.seed, &plan, &zipf, mutation, long);
                            let text = render(&lesson, mutation, &mut mrng);
                            let num = &plan.ids[i][plan.ids[i].len() - 6..];
                            let fname = format!(
                                "{}/{}-{}.md",
                                plan.rel_paths_dir[i],
                                slugify(&lesson.title),
                                num
                            );
                            path.clear();
                            path.push(root);
                            path.push(&fname);
                            write_file(&path, text.as_bytes());
                            bytes += text.len() as u64;
                            if let Some(m) = mutation {
                                manifest.push((
                                    i,
                                    format!("invalid\t{fname}\t{}\t{}", m.name(), m.rule()),
                                ));
                            }
                            if let Some(c) = code {
                                manifest
                                    .push((i, format!("codename\t{}\t{fname}\t{c}", lesson.id)));
                            }
                            if long {
                                manifest.push((i, format!("long\t{}\t{fname}", lesson.id)));
                            }
                        }
                    }
                    (bytes, manifest)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });

    let total: u64 = results.iter().map(|r| r.0).sum();
    let mut manifest: Vec<(usize, String)> = results.into_iter().flat_map(|r| r.1).collect();
    manifest.sort();
    let mut mf = format!(
        "# gen_corpus seed={} count={} invalid={} bytes={}\n# kind\tfields...\n",
        args.seed, n, n_invalid, total
    );
    for (_, line) in manifest {
        mf.push_str(&line);
        mf.push('\n');
    }
    write_file(&root.join("corpus-manifest.tsv"), mf.as_bytes());

    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "gen_corpus: {n} files ({n_invalid} invalid), {total} bytes ({:.1} MB, {:.0} B/file avg) in {secs:.2} s -> {}",
        total as f64 / 1e6,
        if n > 0 { total as f64 / n as f64 } else { 0.0 },
        root.display()
    );
}

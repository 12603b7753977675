//! Personal data in text: e-mail addresses, phone numbers, payment card
//! numbers, US social security numbers, IBANs and public IP addresses.
//!
//! Lesson text is full of things shaped like these (dates, times, ids,
//! versions, hashes, ports, durations, money, log lines, URLs, code), so
//! every kind is validated in code rather than trusted to a pattern: Luhn
//! and issuer prefixes for cards, mod-97 and the country's length for
//! IBANs, `std::net` parsing and the special-purpose registries for
//! addresses, SSA and NANP numbering rules. Documented example and test
//! values (RFC 2606 domains, RFC 5737 addresses, test card numbers, the
//! registry's example IBANs, the famous invalid SSNs, NANP 555-01xx)
//! never count: write-ups quote them on purpose.
//!
//! One pass over the bytes: `@` (found with memchr) starts an e-mail
//! candidate, an ASCII digit starts every other one. A candidate that
//! fails is skipped as a whole token (`2025-03-02T10:39:07Z`,
//! `LL-2024-001`, a UUID), so nothing is ever looked for inside an id or
//! a hash. No regex: the scanner is a few byte comparisons per token.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// A kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Email,
    Phone,
    Card,
    Ssn,
    Iban,
    Ip,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Email,
        Kind::Phone,
        Kind::Card,
        Kind::Ssn,
        Kind::Iban,
        Kind::Ip,
    ];

    /// The name used in `lessons.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Card => "card",
            Kind::Ssn => "ssn",
            Kind::Iban => "iban",
            Kind::Ip => "ip",
        }
    }

    /// The kind named `s` (as [`Kind::name`] spells it).
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// What a finding is, for messages ("… holds an e-mail address").
    pub fn description(self) -> &'static str {
        match self {
            Kind::Email => "an e-mail address",
            Kind::Phone => "a phone number",
            Kind::Card => "a payment card number",
            Kind::Ssn => "a US social security number",
            Kind::Iban => "an IBAN",
            Kind::Ip => "a public IP address",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Personal data found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalFinding {
    pub kind: Kind,
    /// The datum's byte range in the text (on char boundaries).
    pub span: Range<usize>,
}

/// What the search leaves out.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// E-mail domains that are not personal data here (the company's
    /// own, say); each also covers its subdomains. Case-insensitive; a
    /// leading `@` or `*.` is ignored.
    pub allowed_domains: Vec<String>,
    /// Kinds not reported.
    pub disabled: Vec<Kind>,
}

/// One kind, documented: what fires, what never does, and text that
/// shows it (run by a test per kind; the docs are generated from it).
#[derive(Debug)]
pub struct KindDoc {
    pub kind: Kind,
    pub fires: &'static str,
    pub never: &'static str,
    /// Text giving exactly one finding, of this kind.
    pub examples: &'static [&'static str],
    /// Text giving no finding of any kind.
    pub near_misses: &'static [&'static str],
}

pub static KINDS: &[KindDoc] = &[
    KindDoc {
        kind: Kind::Email,
        fires: "`local@domain.tld` with an alphabetic top-level domain of two letters or more.",
        never: "Reserved names (`example.com`, `.org`, `.net`, `*.example`, `*.test`, \
            `*.invalid`, `*.localhost`, `*.local`), the allowed domains, scp-style git \
            remotes (`git@host:org/repo`), user names in URLs (`https://user@host/`), \
            package versions (`lodash@4.17.21`), image names (`logo@2x.png`, other file \
            extensions), `@mentions`, container digests (`image@sha256:…`).",
        examples: &[
            "reported by jane.doe@acme-corp.com at 10:39",
            "Contact: <Ops.Lead+pager@mail.acme.io>.",
            "user=r.smith@corp.co.uk status=401",
        ],
        near_misses: &[
            "send it to alice@example.com or bob@mail.example.org",
            "admin@intranet.test and root@db.local and x@foo.invalid",
            "git clone git@github.com:acme/payments.git",
            "ssh://git@github.com/acme/payments.git",
            "bumped lodash@4.17.21 and @types/node@20.11.5",
            "the logo@2x.png asset and icon@3x.webp",
            "thanks @alice and @bob.smith for the review",
            "pulled registry.acme.io/api@sha256:4e2161c7",
            "decorated with @app.route('/health')",
            "root@db-01, postgres@10.0.0.5, user@localhost, https://jane:pa55@acme.io/x",
        ],
    },
    KindDoc {
        kind: Kind::Phone,
        fires: "An international number `+CC …` (8 to 15 digits, grouped by spaces, dots, \
            dashes or parentheses; 10 or more if written without separators); a North \
            American number `(415) 555-2671`, `415-555-2671`, `415.555.2671`, \
            `1-415-555-2671`, with a valid area code and exchange.",
        never: "Dates, times, durations, timestamps, versions, IP addresses, ids \
            (`LL-2024-001`, `INC-20240312-4471`), ports, card numbers, digits inside \
            longer tokens, ten bare digits (`4155552671`, epoch seconds), NANP fictional \
            numbers 555-0100 to 555-0199.",
        examples: &[
            "the customer called from +44 20 7946 1234 twice",
            "escalated to (415) 823-2671 on call",
            "phone: 415-823-2671.",
            "desk 415.823.2671x204",
            "dial +1 415 823 2671 for the bridge",
            "SMS from +4915112345678",
            "Rufnummer +49 (0)30 1234-5678",
        ],
        near_misses: &[
            "at 2025-03-02 10:39:07 the pager fired; resolved 2025/03/02, 02.03.2025",
            "release 4.17.21 on port 8080, LL-2024-001, INC-20240312-4471",
            "the movie number 202-555-0143 and (415) 555-0100",
            "epoch 1700000000 and 4155552671 and +1 (555) 123",
            "timezone +05:30 and +2025-03-02 and +12.5% and +100 ms",
            "trace 3f5e2a9c-4155-5526-7180-0000deadbeef",
        ],
    },
    KindDoc {
        kind: Kind::Card,
        fires: "13 to 19 digits, contiguous or in groups (4-4-4-4, 4-6-5, 4-6-4) separated \
            by single spaces or dashes, with a known issuer prefix and length (Visa, \
            Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Maestro) \
            and a valid Luhn checksum.",
        never: "Luhn-invalid numbers, documented test numbers (Stripe, PayPal, Braintree, \
            Adyen: 4111 1111 1111 1111, 4242 4242 4242 4242, 378282246310005, …) and \
            any number of at most two distinct digits, digits inside longer tokens, \
            millisecond timestamps, ids without an issuer prefix.",
        examples: &[
            "card 4526 0181 5908 3012 was charged twice",
            "pan=5560308246281941&exp=12/27",
            "Amex 3793-786579-75432 on file",
            "JCB 3530118625276012.",
        ],
        near_misses: &[
            "test card 4111 1111 1111 1111 and 4242-4242-4242-4242",
            "Stripe's 5555 5555 5555 4444, 378282246310005, 4012888888881881, 6011111111111117",
            "luhn fails: 4526 0181 5908 3013",
            "at 1700000000000 ms, snowflake 1198765432109876543, offset 4523918842219 (Luhn-valid)",
            "sha 4526018159083012abcdef and id=x4526018159083012",
        ],
    },
    KindDoc {
        kind: Kind::Ssn,
        fires: "`AAA-GG-SSSS` with dashes (area not 000, 666 or 900-999, group not 00, \
            serial not 0000); nine digits (or `AAA GG SSSS`) right after `SSN`, `SSN:`, \
            `SSN #` or `social security number`.",
        never: "The famous example and invalid numbers (078-05-1120, 219-09-9999, \
            123-45-6789) and repeated digits (111-11-1111), bare nine-digit numbers, \
            phone- or date-shaped text, digits inside longer tokens.",
        examples: &[
            "SSN on the form: 536-22-1234",
            "ssn:536221234 leaked in the log",
            "Social Security Number 536 22 1234",
        ],
        near_misses: &[
            "the Woolworth card 078-05-1120 and 219-09-9999 and 123-45-6789",
            "invalid areas 000-12-3456, 666-12-3456, 912-34-5678; 536-00-1234; 536-22-0000",
            "request 536221234 took 30 ms",
            "build 2024-03-12-0001 and LL-536-22-1234",
        ],
    },
    KindDoc {
        kind: Kind::Iban,
        fires: "Country code, check digits and account (BBAN), contiguous or in groups of \
            four separated by single spaces, of the country's IBAN length (the SWIFT \
            registry's countries and territories) with a mod-97 checksum of 1.",
        never: "Wrong lengths, bad checksums, unknown countries, documented examples \
            (`GB82 WEST 1234 5698 7654 32`, `DE89 3704 0044 0532 0130 00`, the registry's \
            `GB29 NWBK 6016 1331 9268 19`, …), part numbers and words such as `AB12`, \
            `SHA256`, lowercase text.",
        examples: &[
            "refund to DE29 7127 6842 6846 5632 12 by Friday",
            "IBAN:GB77NWBK07866661760313",
            "FR55 2330 7924 40X2 6859 9528 944.",
        ],
        near_misses: &[
            "documented GB82 WEST 1234 5698 7654 32 and DE89 3704 0044 0532 0130 00",
            "bad check DE28 7127 6842 6846 5632 12, short DE29 7127 6842",
            "part AB12-3456, SHA256, DE12, model GB1234 and SHA1",
            "lowercase de29712768426846563212",
        ],
    },
    KindDoc {
        kind: Kind::Ip,
        fires: "Public IPv4 and IPv6 addresses, also with `:port` or `/prefix`.",
        never: "Private, loopback, link-local, CGNAT, multicast, reserved, broadcast, \
            benchmarking and documentation ranges (RFC 5737, RFC 3849, RFC 9637), \
            unique-local and IPv4-mapped private addresses; public DNS resolvers \
            (8.8.8.8, 1.1.1.1, 9.9.9.9, OpenDNS, and their IPv6 forms); versions and \
            OIDs (`1.2.3.4.5`, `1.3.6.1.4.1`, `v1.2.3.4`), dotted numbers of single \
            digits (`4.2.1.1`), section numbers, octets above 255, times, MAC \
            addresses, hashes.",
        examples: &[
            "requests from 81.2.69.160 were blocked",
            "client=2a00:1450:4001:80b::200e",
            "connect to 52.94.236.248:443 timed out",
            "opened https://52.94.236.248:8443/admin?user=1",
            "X-Forwarded-For: 10.0.0.5, 151.101.1.69",
            "the range 81.2.69.0/24 was banned",
        ],
        near_misses: &[
            "10.0.0.1, 172.16.4.2, 192.168.1.10, 127.0.0.1, 169.254.169.254, 100.64.0.1",
            "docs ranges 192.0.2.10, 198.51.100.7, 203.0.113.45 and 2001:db8::1",
            "resolvers 8.8.8.8, 1.1.1.1, 9.9.9.9, 2001:4860:4860::8888",
            "version 1.2.3.4.5, oid 1.3.6.1.4.1, v1.2.3.4, see section 4.2.1.1",
            "octets 256.1.1.1, time 10:39:07, mac 2c:54:91:88:c9:e3",
            "fe80::1, fd12:3456:789a::1, ff02::1, ::1, ::ffff:10.0.0.1, 0.0.0.0:8080",
            "hash 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 and 224.0.0.251",
            "ranges 2001:2::1 (benchmarking), 3fff::1 (documentation), 192.0.0.9",
        ],
    },
];

/// Every piece of personal data in `text` not excluded by `options`, in
/// order of position, none overlapping another: where two kinds could
/// claim the same digits, the more specific one (card before phone).
pub fn find(text: &str, options: &Options) -> Vec<PersonalFinding> {
    let enabled = |k: Kind| !options.disabled.contains(&k);
    let mut found = Vec::new();
    if enabled(Kind::Email) {
        find_emails(text, options, &mut found);
    }
    // A disabled kind is still recognised and dropped afterwards, so that a
    // card number is not reported as a phone number when cards are off.
    if Kind::ALL.iter().any(|&k| k != Kind::Email && enabled(k)) {
        find_numbers(text, &mut found);
    }
    found.sort_by_key(|f| (f.span.start, std::cmp::Reverse(f.span.end)));
    let mut out: Vec<PersonalFinding> = Vec::with_capacity(found.len());
    for f in found {
        if out.last().is_some_and(|l| f.span.start < l.span.end) {
            continue;
        }
        out.push(f);
    }
    out.retain(|f| enabled(f.kind));
    out
}

// ---------------------------------------------------------------------------
// Boundaries shared by the kinds.

/// Bytes that join the parts of one token (`2025-03-02`, `v1.2.3`,
/// `a/b`, `10:39`): data never starts or ends inside such a token.
fn is_joiner(b: u8) -> bool {
    matches!(b, b'-' | b'.' | b'/' | b':' | b'_')
}

fn is_word(b: u8) -> bool {
    WORD[usize::from(b)]
}

/// `[A-Za-z0-9_]` as a table: the token loops test every byte with it.
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
        i += 1;
    }
    t
};

/// The char ending at byte `i` of `text` (`i` on a char boundary).
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// Whether a datum may start at byte `s`: not inside a word (`sha256`,
/// `é2024`) nor a joined token (`LL-2024`, `v1.2`, `path/2024`).
fn left_ok(text: &str, s: usize) -> bool {
    let b = text.as_bytes();
    if s == 0 {
        return true;
    }
    let p = b[s - 1];
    if is_word(p) {
        return false;
    }
    if matches!(p, b'-' | b'.' | b'/' | b'_') && s >= 2 && is_word(b[s - 2]) {
        return false;
    }
    if p >= 0x80 {
        return !char_before(text, s).is_some_and(char::is_alphanumeric);
    }
    true
}

/// Whether a datum may end at byte `e`: not followed by more of a word, a
/// joined token (`.5`, `-4471`, `:07`) or an e-mail's `@`.
fn right_ok(text: &str, e: usize) -> bool {
    let b = text.as_bytes();
    let Some(&q) = b.get(e) else { return true };
    if is_word(q) || q == b'@' {
        return false;
    }
    if is_joiner(q) && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric) {
        return false;
    }
    if q >= 0x80 {
        return !char_at(text, e).is_some_and(char::is_alphanumeric);
    }
    true
}

/// The end of the token starting at `i`: words joined by up to two
/// joiners (`2025-03-02T10:39:07Z`, `2001:db8::1`), where the scan goes on
/// after a candidate fails.
fn token_end(b: &[u8], mut i: usize) -> usize {
    let start = i;
    loop {
        while i < b.len() && is_word(b[i]) {
            i += 1;
        }
        let mut k = i;
        while k < b.len() && k - i < 2 && is_joiner(b[k]) {
            k += 1;
        }
        if k > i && b.get(k).is_some_and(u8::is_ascii_alphanumeric) {
            i = k;
        } else {
            return i.max(start + 1);
        }
    }
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// The value of ASCII digits.
fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |n, d| {
        n.wrapping_mul(10).wrapping_add(u32::from(d - b'0'))
    })
}

// ---------------------------------------------------------------------------
// E-mail addresses.

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn find_emails(text: &str, options: &Options, out: &mut Vec<PersonalFinding>) {
    let b = text.as_bytes();
    for at in memchr::memchr_iter(b'@', b) {
        if let Some(span) = email_at(text, at, options) {
            out.push(PersonalFinding {
                kind: Kind::Email,
                span,
            });
        }
    }
}

/// The e-mail address around the `@` at byte `at`, if it is one.
fn email_at(text: &str, at: usize, options: &Options) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut start = at;
    while start > 0 && at - start <= 64 && is_local_byte(b[start - 1]) {
        start -= 1;
    }
    // Longer than RFC 5321 allows: base64 or a hash, not a mailbox.
    if at - start > 64 {
        return None;
    }
    while start < at && !b[start].is_ascii_alphanumeric() {
        start += 1;
    }
    let local = &b[start..at];
    if local.is_empty() || local.ends_with(b".") || local.windows(2).any(|w| w == b"..") {
        return None;
    }
    // `scheme://user@host`: a user name in a URL.
    if b[..start].ends_with(b"//") {
        return None;
    }
    let mut end = at + 1;
    while end < b.len() && (b[end].is_ascii_alphanumeric() || matches!(b[end], b'.' | b'-')) {
        end += 1;
    }
    while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = &text[at + 1..end];
    if !valid_domain(domain) {
        return None;
    }
    match b.get(end) {
        Some(b'@' | b'_') => return None,
        // `git@github.com:org/repo.git`
        Some(b':') if b.get(end + 1).is_some_and(|c| !c.is_ascii_whitespace()) => return None,
        // `https://user@host/path`
        Some(b'/') => return None,
        Some(&c) if c >= 0x80 && char_at(text, end).is_some_and(char::is_alphanumeric) => {
            return None;
        }
        _ => {}
    }
    if reserved_domain(domain) || allowed_domain(domain, &options.allowed_domains) {
        return None;
    }
    Some(start..end)
}

/// Top-level "domains" that are file extensions: `logo@2x.png`.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif", "heic", "js",
    "mjs", "cjs", "css", "scss", "html", "htm", "json", "yaml", "yml", "toml", "txt", "log", "xml",
    "csv", "pdf", "gz", "tgz", "tar", "lock", "map", "wasm",
];

fn valid_domain(domain: &str) -> bool {
    if domain.len() > 253 {
        return false;
    }
    let mut labels = 0;
    for label in domain.split('.') {
        let l = label.as_bytes();
        if l.is_empty() || l.len() > 63 || l[0] == b'-' || l[l.len() - 1] == b'-' {
            return false;
        }
        labels += 1;
    }
    let tld = domain.rsplit('.').next().unwrap_or("");
    labels >= 2
        && tld.len() >= 2
        && tld.bytes().all(|c| c.is_ascii_alphabetic())
        && !FILE_EXTENSIONS.iter().any(|x| tld.eq_ignore_ascii_case(x))
}

/// Whether `domain` is `suffix` or a subdomain of it, ignoring case.
fn is_within(domain: &str, suffix: &str) -> bool {
    let (d, s) = (domain.as_bytes(), suffix.as_bytes());
    !s.is_empty()
        && d.len() >= s.len()
        && d[d.len() - s.len()..].eq_ignore_ascii_case(s)
        && (d.len() == s.len() || d[d.len() - s.len() - 1] == b'.')
}

/// RFC 2606 and RFC 6761 names: what documentation uses.
fn reserved_domain(domain: &str) -> bool {
    const RESERVED: &[&str] = &[
        "example.com",
        "example.org",
        "example.net",
        "example",
        "test",
        "invalid",
        "localhost",
        "local",
    ];
    RESERVED.iter().any(|r| is_within(domain, r))
}

fn allowed_domain(domain: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        let a = a.trim();
        let a = a.strip_prefix('@').unwrap_or(a);
        let a = a.strip_prefix("*.").unwrap_or(a);
        is_within(domain, a.trim_end_matches('.'))
    })
}

// ---------------------------------------------------------------------------
// Numbers: phone, card, SSN, IBAN, IP.

fn find_numbers(text: &str, out: &mut Vec<PersonalFinding>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match next_digit(b, i) {
            Some(p) => i = p,
            None => break,
        }
        let (found, next) = at_digit(text, i);
        if let Some((kind, span)) = found {
            i = span.end;
            out.push(PersonalFinding { kind, span });
        } else {
            i = next;
        }
    }
}

/// The first ASCII digit of `b` at or after `from`, eight bytes at a time
/// (a byte-by-byte search was four fifths of the personal-data pass over
/// 100,000 generated lessons). Per byte `y` of a word, with `x` = `y` & 127,
/// bit 7 of `(127 + 0x3A) - x` says `x < 0x3A` and bit 7 of
/// `x + (127 - 0x2F)` says `x > 0x2F`; neither can carry into the next
/// byte, and `!y` drops bytes of 128 and more, so each flag is exact.
fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 127;
    const HIGH: u64 = ONES * 128;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let y = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        let x = y & LOW7;
        let flags = (ONES * (127 + 0x3A) - x) & !y & (x + ONES * (127 - 0x2F)) & HIGH;
        if flags != 0 {
            return Some(i + (flags.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

/// What starts at (or just before) the digit at byte `d`, and where the
/// scan goes on if nothing does.
fn at_digit(text: &str, d: usize) -> (Option<(Kind, Range<usize>)>, usize) {
    let b = text.as_bytes();
    let prev = d.checked_sub(1).map(|p| b[p]);
    // Digits after letters: an IBAN (`DE89…`) or part of a word (`sha256`).
    if prev.is_some_and(|p| p.is_ascii_alphabetic()) {
        if d >= 2 && b[d - 1].is_ascii_uppercase() && b[d - 2].is_ascii_uppercase() {
            match iban(text, d - 2) {
                Parsed::Found(span) => return (Some((Kind::Iban, span.clone())), span.end),
                Parsed::Seen(end) => return (None, end.max(token_end(b, d))),
                Parsed::No => {}
            }
        }
        return (None, token_end(b, d));
    }
    if !left_ok(text, d) {
        return (None, token_end(b, d));
    }
    // Each kind needs its own first run of digits and byte after it: most
    // tokens (times, dates, counts, hashes) are turned down here, at the
    // cost of a few comparisons.
    let run = digits_end(b, d) - d;
    let after = b.get(d + run).copied();
    let sep = |c: &[u8]| after.is_some_and(|a| c.contains(&a));
    // `+4915112345678`: a leading `+` marks a phone number, never a card.
    let plus = prev == Some(b'+');
    if !plus
        && ((run == 4 && sep(b" -")) || (13..=19).contains(&run))
        && let Some(end) = card(text, d)
    {
        return (Some((Kind::Card, d..end)), end);
    }
    if ((run == 3 && sep(b" -")) || run == 9)
        && let Some(end) = ssn(text, d)
    {
        return (Some((Kind::Ssn, d..end)), end);
    }
    let mut next = token_end(b, d);
    let v4 = run <= 3 && after == Some(b'.');
    let v6 = run <= 4
        && matches!(b[d], b'2' | b'3')
        && after.is_some_and(|a| a == b':' || a.is_ascii_hexdigit());
    for (parse, maybe) in [(ipv4 as fn(&str, usize) -> Parsed, v4), (ipv6, v6)] {
        if !maybe {
            continue;
        }
        match parse(text, d) {
            Parsed::Found(span) => return (Some((Kind::Ip, span.clone())), span.end),
            Parsed::Seen(end) => next = next.max(end),
            Parsed::No => {}
        }
    }
    let nanp = prev == Some(b'(') || (matches!(run, 1 | 3) && sep(b"-."));
    if (plus || nanp)
        && let Some(span) = phone(text, d)
    {
        return (Some((Kind::Phone, span.clone())), span.end);
    }
    (None, next)
}

// --- Cards -----------------------------------------------------------------

/// The end of a payment card number starting at `d`.
fn card(text: &str, d: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut digits = [0u8; 19];
    let first = digits_end(b, d);
    let end;
    let mut n = 0;
    if (13..=19).contains(&(first - d)) {
        digits[..first - d].copy_from_slice(&b[d..first]);
        n = first - d;
        end = first;
    } else if first - d == 4 {
        let sep = *b.get(first)?;
        if sep != b' ' && sep != b'-' {
            return None;
        }
        let mut groups = [0usize; 5];
        let mut count = 0;
        let mut i = d;
        loop {
            let e = digits_end(b, i);
            let len = e - i;
            if count == 5 || n + len > 19 {
                return None;
            }
            digits[n..n + len].copy_from_slice(&b[i..e]);
            n += len;
            groups[count] = len;
            count += 1;
            i = e;
            if b.get(i) == Some(&sep) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
            } else {
                break;
            }
        }
        // How issuers print numbers: 4-4-4-4 (and longer), Amex 4-6-5,
        // Diners 4-6-4.
        let ok = match &groups[..count] {
            [4, 4, 4, 4] | [4, 6, 5] | [4, 6, 4] => true,
            [4, 4, 4, 4, last] => (1..=3).contains(last),
            _ => false,
        };
        if !ok {
            return None;
        }
        end = i;
    } else {
        return None;
    }
    let digits = &digits[..n];
    // `4539…1234 5678`: part of a longer run of numbers.
    if matches!(b.get(end), Some(b' ' | b'-')) && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    (issuer_length_ok(digits) && luhn(digits) && !is_test_card(digits) && right_ok(text, end))
        .then_some(end)
}

/// Whether the number has a known issuer's prefix and one of its lengths.
fn issuer_length_ok(d: &[u8]) -> bool {
    let len = d.len();
    let p2 = number(&d[..2]);
    let p3 = number(&d[..3]);
    let p4 = number(&d[..4]);
    let maestro = matches!(p4, 5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761..=6763);
    match d[0] {
        // Not 13: no longer issued, and 13-digit ids (offsets, counters)
        // are common.
        b'4' => matches!(len, 16 | 19),
        b'5' => ((51..=55).contains(&p2) && len == 16) || maestro,
        b'2' => (2221..=2720).contains(&p4) && len == 16,
        b'3' => {
            (matches!(p2, 34 | 37) && len == 15)
                || ((3528..=3589).contains(&p4) && len >= 16)
                || ((matches!(p2, 36 | 38) || (300..=305).contains(&p3)) && len >= 14)
        }
        // Discover (6011, 644-649, 65) and UnionPay (62).
        b'6' => {
            ((p4 == 6011 || matches!(p2, 62 | 65) || (644..=649).contains(&p3)) && len >= 16)
                || maestro
        }
        _ => false,
    }
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Documented test numbers (Stripe, PayPal/Braintree, Adyen, Worldpay):
/// quoted in write-ups on purpose.
const TEST_CARDS: &[&str] = &[
    "4111111111111111",
    "4012888888881881",
    "4242424242424242",
    "4000056655665556",
    "4000002500003155",
    "4000000000003220",
    "4000000000009995",
    "4000000000000002",
    "4000000000000077",
    "4000000000000341",
    "4000000000000069",
    "4000000000000127",
    "4000000000000119",
    "4917610000000000",
    "4988438843884305",
    "4444333322221111",
    "4005519200000004",
    "4009348888881881",
    "4012000033330026",
    "4012000077777777",
    "4217651111111119",
    "4500600000000061",
    "5555555555554444",
    "5200828282828210",
    "5105105105105100",
    "5431111111111111",
    "5454545454545454",
    "5101180000000007",
    "2223003122003222",
    "2223000048400011",
    "2222400070000005",
    "378282246310005",
    "371449635398431",
    "378734493671000",
    "370000000000002",
    "6011111111111117",
    "6011000990139424",
    "6011981111111113",
    "6011000400000000",
    "6011601160116611",
    "3056930009020004",
    "30569309025904",
    "38520000023237",
    "36227206271667",
    "3566002020360505",
    "3530111333300000",
    "3566111111111113",
    "6200000000000005",
    "6205500000000000004",
    "6759649826438453",
    "5019717010103742",
];

fn is_test_card(digits: &[u8]) -> bool {
    // 4111 1111 1111 1111, 4242 4242 4242 4242, 5555 5555 5555 4444 and
    // their like: no issued number is made of two digits.
    let mut seen = [false; 10];
    for d in digits {
        seen[usize::from(d - b'0')] = true;
    }
    seen.iter().filter(|s| **s).count() <= 2 || TEST_CARDS.iter().any(|t| t.as_bytes() == digits)
}

// --- SSNs ------------------------------------------------------------------

/// The end of a US social security number starting at `d`.
fn ssn(text: &str, d: usize) -> Option<usize> {
    let b = text.as_bytes();
    let shaped = |sep: Option<u8>| -> Option<usize> {
        let w = if sep.is_some() { 11 } else { 9 };
        let s = b.get(d..d + w)?;
        let ok = s.iter().enumerate().all(|(i, c)| match (sep, i) {
            (Some(sep), 3 | 6) => *c == sep,
            _ => c.is_ascii_digit(),
        });
        ok.then_some(d + w)
    };
    let end = if let Some(end) = shaped(Some(b'-')) {
        end
    } else if ssn_label_before(b, d) {
        shaped(None).or_else(|| shaped(Some(b' ')))?
    } else {
        return None;
    };
    let mut digits = [0u8; 9];
    for (slot, &c) in digits
        .iter_mut()
        .zip(b[d..end].iter().filter(|c| c.is_ascii_digit()))
    {
        *slot = c;
    }
    let (area, group, serial) = (
        number(&digits[..3]),
        number(&digits[3..5]),
        number(&digits[5..]),
    );
    let valid = area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    // The Woolworth wallet card, the 1940s Social Security board sample
    // and the textbook example; a repeated digit is a placeholder.
    let famous = matches!(
        (area, group, serial),
        (78, 5, 1120) | (219, 9, 9999) | (123, 45, 6789)
    ) || digits.iter().all(|c| *c == digits[0]);
    (valid && !famous && right_ok(text, end)).then_some(end)
}

/// Whether the text before byte `d` ends with an SSN label and at most a
/// few separators (`SSN: `, `ssn#`, `Social Security Number `).
fn ssn_label_before(b: &[u8], d: usize) -> bool {
    let mut i = d;
    while i > 0
        && d - i < 4
        && matches!(
            b[i - 1],
            b' ' | b'\t' | b':' | b'#' | b'=' | b'-' | b'"' | b'\'' | b'('
        )
    {
        i -= 1;
    }
    if i == d {
        return false;
    }
    const LABELS: &[&[u8]] = &[
        b"ssn",
        b"social security number",
        b"social security no",
        b"social security",
    ];
    LABELS.iter().any(|l| {
        i >= l.len()
            && b[i - l.len()..i].eq_ignore_ascii_case(l)
            && (i == l.len() || !is_word(b[i - l.len() - 1]))
    })
}

/// What a parser saw at a candidate.
enum Parsed {
    /// The datum, at this span.
    Found(Range<usize>),
    /// Something of the datum's shape that is not personal data (a private
    /// address, a documented example), ending at this byte: the scan goes
    /// on after it.
    Seen(usize),
    No,
}

// --- IBANs -----------------------------------------------------------------

/// IBAN lengths by country, from the SWIFT IBAN registry (with the
/// territories that use their country's format).
const IBAN_LENGTHS: &str = "\
    AD24 AE23 AL28 AT20 AX18 AZ28 BA20 BE16 BG22 BH22 BI27 BL27 BR29 BY28 \
    CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 \
    FR27 GB22 GE22 GF27 GG22 GI23 GL18 GP27 GR27 GT28 HN28 HR21 HU28 IE22 \
    IL23 IM22 IQ23 IS26 IT27 JE22 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 \
    LV21 LY25 MC27 MD24 ME22 MF27 MK19 MN20 MQ27 MR27 MT31 MU30 NC27 NI28 \
    NL18 NO15 OM23 PF27 PK24 PL28 PM27 PS29 PT25 QA29 RE27 RO24 RS22 RU33 \
    SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TF27 TL23 TN24 TR26 \
    UA29 VA22 VG24 WF27 XK20 YE30 YT27 \
";

/// Examples from the registry, banks' and libraries' documentation.
const DOCUMENTED_IBANS: &[&str] = &[
    "GB82WEST12345698765432",
    "GB29NWBK60161331926819",
    "GB33BUKB20201555555555",
    "DE89370400440532013000",
    "DE44500105175407324931",
    "DE75512108001245126199",
    "FR1420041010050500013M02606",
    "FR7630006000011234567890189",
    "NL91ABNA0417164300",
    "NL02ABNA0123456789",
    "BE68539007547034",
    "BE71096123456769",
    "CH9300762011623852957",
    "CH5604835012345678009",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "AT611904300234573201",
    "AT483200000012345864",
    "IE29AIBK93115212345678",
    "PL61109010140000071219812874",
    "SE4550000000058398257466",
    "NO9386011117947",
    "DK5000400440116243",
    "FI2112345600000785",
    "PT50000201231234567890154",
];

/// The IBAN length of country `cc`.
fn iban_length(cc: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .split_ascii_whitespace()
        .find(|e| e.as_bytes().starts_with(cc))
        .map(|e| number(&e.as_bytes()[2..]) as usize)
}

/// An IBAN starting at `s` (its country code).
fn iban(text: &str, s: usize) -> Parsed {
    let b = text.as_bytes();
    let Some(len) = b.get(s..s + 2).and_then(iban_length) else {
        return Parsed::No;
    };
    if !left_ok(text, s)
        || !b
            .get(s + 2..s + 4)
            .is_some_and(|c| c.iter().all(u8::is_ascii_digit))
    {
        return Parsed::No;
    }
    let run = |i: usize| {
        b[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
            .count()
    };
    let mut chars = [0u8; 34];
    let first = run(s);
    let end = if first == len {
        chars[..len].copy_from_slice(&b[s..s + len]);
        s + len
    } else if first == 4 {
        // Printed in groups of four, the last one shorter.
        let (mut n, mut i, mut group) = (0, s, 4);
        loop {
            chars[n..n + group].copy_from_slice(&b[i..i + group]);
            n += group;
            i += group;
            if n == len {
                break i;
            }
            if b.get(i) != Some(&b' ') {
                return Parsed::No;
            }
            group = run(i + 1);
            if group == 0 || group > 4 || n + group > len || (group < 4 && n + group != len) {
                return Parsed::No;
            }
            i += 1;
        }
    } else {
        return Parsed::No;
    };
    let iban = &chars[..len];
    if !right_ok(text, end) {
        return Parsed::No;
    }
    // A wrong checksum or a documented example still has the shape: the
    // scan goes on after it rather than reading its groups as numbers.
    if mod97(iban) != 1 || DOCUMENTED_IBANS.iter().any(|d| d.as_bytes() == iban) {
        return Parsed::Seen(end);
    }
    Parsed::Found(s..end)
}

/// ISO 7064 MOD 97-10 of an IBAN: the first four characters moved to the
/// end, letters as 10 to 35.
fn mod97(iban: &[u8]) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.iter().chain(head).fold(0u32, |r, &c| {
        if c.is_ascii_digit() {
            (r * 10 + u32::from(c - b'0')) % 97
        } else {
            (r * 100 + u32::from(c - b'A') + 10) % 97
        }
    })
}

// --- IP addresses ----------------------------------------------------------

/// Public DNS resolvers: infrastructure quoted in write-ups, not anyone's
/// address.
const RESOLVERS_V4: &[[u8; 4]] = &[
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [1, 1, 1, 2],
    [1, 0, 0, 2],
    [1, 1, 1, 3],
    [1, 0, 0, 3],
    [9, 9, 9, 9],
    [9, 9, 9, 10],
    [9, 9, 9, 11],
    [149, 112, 112, 112],
    [149, 112, 112, 10],
    [149, 112, 112, 11],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
    [208, 67, 222, 123],
    [208, 67, 220, 123],
    [4, 2, 2, 1],
    [4, 2, 2, 2],
    [64, 6, 64, 6],
    [64, 6, 65, 6],
    [94, 140, 14, 14],
    [94, 140, 15, 15],
    [76, 76, 2, 0],
    [76, 76, 10, 0],
    [185, 228, 168, 9],
    [185, 228, 169, 9],
];

const RESOLVERS_V6: &[[u16; 8]] = &[
    [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888],
    [0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844],
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111],
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001],
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1112],
    [0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1002],
    [0x2620, 0xfe, 0, 0, 0, 0, 0, 0xfe],
    [0x2620, 0xfe, 0, 0, 0, 0, 0, 0x9],
    [0x2620, 0xfe, 0, 0, 0, 0, 0, 0x10],
    [0x2620, 0xfe, 0, 0, 0, 0, 0, 0x11],
    [0x2620, 0x119, 0x35, 0, 0, 0, 0, 0x35],
    [0x2620, 0x119, 0x53, 0, 0, 0, 0, 0x53],
    [0x2a10, 0x50c0, 0, 0, 0, 0, 0xad1, 0xff],
    [0x2a10, 0x50c0, 0, 0, 0, 0, 0xad2, 0xff],
];

/// Outside every special-purpose range of the IANA registry (RFC 6890
/// and successors).
fn is_public_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    !(o0 == 0
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (o1 & 0xc0) == 64)
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (o1 & 0xf0) == 16)
        || (o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2))
        || (o0 == 192 && o1 == 168)
        || (o0 == 198 && (o1 & 0xfe) == 18)
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)
        || o0 >= 224)
}

/// In the global unicast block 2000::/3 and none of its special-purpose
/// parts; 6to4 by the IPv4 address it holds.
fn is_public_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = a.segments();
    if s[0] == 0x2002 {
        let [a0, a1] = s[1].to_be_bytes();
        let [a2, a3] = s[2].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a0, a1, a2, a3));
    }
    (s[0] & 0xe000) == 0x2000
        && !(s[0] == 0x2001 && s[1] == 0x0db8)
        && !(s[0] == 0x2001 && s[1] < 0x0200)
        && !(s[0] == 0x3fff && s[1] < 0x1000)
}

/// Words before a dotted number that make it a version or a section,
/// not an address.
const NOT_ADDRESS_WORDS: &[&str] = &[
    "version", "ver", "release", "rel", "build", "section", "sec", "chapter", "step", "clause",
    "rule", "item", "figure", "fig", "table", "appendix", "oid", "rfc", "firmware", "fw", "kernel",
    "revision", "rev", "patch",
];

fn after_non_address_word(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    let mut i = start;
    while i > 0 && start - i < 2 && matches!(b[i - 1], b' ' | b'.' | b':') {
        i -= 1;
    }
    if text[..i].ends_with('§') {
        return true;
    }
    let mut w = i;
    while w > 0 && i - w <= 10 && b[w - 1].is_ascii_alphabetic() {
        w -= 1;
    }
    w < i
        && (w == 0 || !is_word(b[w - 1]))
        && NOT_ADDRESS_WORDS
            .iter()
            .any(|x| x.as_bytes().eq_ignore_ascii_case(&b[w..i]))
}

/// Whether an address ending at `e` ends there: a `:port`, a `/prefix`
/// (at most `max_prefix`) or a path may follow, not more of a dotted
/// number (`1.2.3.4.5`) or of a word.
fn address_end_ok(text: &str, e: usize, max_prefix: u32) -> bool {
    let b = text.as_bytes();
    match b.get(e) {
        Some(b':') if b.get(e + 1).is_some_and(u8::is_ascii_digit) => {
            let p = digits_end(b, e + 1);
            p - (e + 1) <= 5
                && number(&b[e + 1..p]) <= 65535
                && (b.get(p) == Some(&b'/') || right_ok(text, p))
        }
        Some(b'/') if b.get(e + 1).is_some_and(u8::is_ascii_digit) => {
            let p = digits_end(b, e + 1);
            p - (e + 1) <= 3 && number(&b[e + 1..p]) <= max_prefix && right_ok(text, p)
        }
        Some(b'/') => true,
        _ => right_ok(text, e),
    }
}

/// A dotted-quad IPv4 address starting at `d`.
fn ipv4(text: &str, d: usize) -> Parsed {
    let b = text.as_bytes();
    let mut e = d;
    for part in 0..4 {
        if part > 0 {
            if b.get(e) != Some(&b'.') {
                return Parsed::No;
            }
            e += 1;
        }
        let end = digits_end(b, e);
        if end == e || end - e > 3 {
            return Parsed::No;
        }
        e = end;
    }
    // std rejects octets above 255 and leading zeros (`010.1.1.1`).
    let Ok(addr) = text[d..e].parse::<Ipv4Addr>() else {
        return Parsed::No;
    };
    if !address_end_ok(text, e, 32) {
        return Parsed::No;
    }
    let octets = addr.octets();
    if !is_public_v4(addr)
        || RESOLVERS_V4.contains(&octets)
        // `4.2.1.1`: a section or version number far more often than an
        // address (1/8 to 9/8 hold few personal addresses).
        || octets.iter().all(|o| *o < 10)
        || after_non_address_word(text, d)
    {
        return Parsed::Seen(e);
    }
    // `::ffff:81.2.69.160`, an IPv4-mapped address: the whole of it.
    let start = if d >= 7 && b[d - 7..d].eq_ignore_ascii_case(b"::ffff:") {
        d - 7
    } else {
        d
    };
    Parsed::Found(start..e)
}

/// An IPv6 address starting at `d`: public ones are in 2000::/3, so they
/// start with a four-hex-digit group beginning 2 or 3.
fn ipv6(text: &str, d: usize) -> Parsed {
    let b = text.as_bytes();
    if !matches!(b[d], b'2' | b'3')
        || !b
            .get(d..d + 5)
            .is_some_and(|g| g[..4].iter().all(u8::is_ascii_hexdigit) && g[4] == b':')
        || (d > 0 && b[d - 1] == b':')
    {
        return Parsed::No;
    }
    let mut e = d;
    while e < b.len()
        && (b[e].is_ascii_hexdigit()
            || b[e] == b':'
            || (b[e] == b'.' && b.get(e + 1).is_some_and(u8::is_ascii_digit)))
    {
        e += 1;
    }
    // `…::200e: connection refused`
    if b[e - 1] == b':' && b[e - 2] != b':' {
        e -= 1;
    }
    let candidate = &text[d..e];
    if candidate.split(':').filter(|g| !g.is_empty()).count() < 3 {
        return Parsed::No;
    }
    let Ok(addr) = candidate.parse::<Ipv6Addr>() else {
        return Parsed::No;
    };
    if !address_end_ok(text, e, 128) {
        return Parsed::No;
    }
    if !is_public_v6(addr) || RESOLVERS_V6.contains(&addr.segments()) {
        return Parsed::Seen(e);
    }
    Parsed::Found(d..e)
}

// --- Phone numbers ---------------------------------------------------------

/// A phone number at the digit `d` (or at the `+` or `(` just before it).
fn phone(text: &str, d: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    if d > 0 && b[d - 1] == b'+' {
        return international(text, d - 1);
    }
    north_american(text, d)
}

/// `+CC …`: E.164, as people write it.
fn international(text: &str, s: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    if !left_ok(text, s) || b[s + 1] == b'0' {
        return None;
    }
    // A date after a diff's `+` or a timezone: `+2025-03-02`.
    if looks_like_date(&b[s + 1..]) {
        return None;
    }
    let mut digits = [0u8; 15];
    let mut n = 0;
    let mut groups = 0;
    let (mut dash, mut dot) = (false, false);
    let mut i = s + 1;
    loop {
        // `(0)` the trunk prefix, or `(30)` an area code.
        let (start, end, after) = if b.get(i) == Some(&b'(') {
            let e = digits_end(b, i + 1);
            if groups == 0 || e == i + 1 || e - i > 5 || b.get(e) != Some(&b')') {
                return None;
            }
            (i + 1, e, e + 1)
        } else {
            let e = digits_end(b, i);
            if e == i {
                return None;
            }
            (i, e, e)
        };
        let trunk = after > end && b[start..end] == *b"0";
        if !trunk {
            for &c in &b[start..end] {
                if n == 15 {
                    return None;
                }
                digits[n] = c;
                n += 1;
            }
        }
        groups += 1;
        i = after;
        let next_is_group = |j: usize| b.get(j).is_some_and(|c| c.is_ascii_digit() || *c == b'(');
        match b.get(i) {
            Some(&sep @ (b' ' | b'-' | b'.')) if next_is_group(i + 1) => {
                dash |= sep == b'-';
                dot |= sep == b'.';
                i += 1;
            }
            Some(b'(') => {}
            Some(c) if c.is_ascii_digit() => {}
            _ => break,
        }
        if groups > 7 {
            return None;
        }
    }
    let digits = &digits[..n];
    let least = if groups == 1 { 10 } else { 8 };
    if n < least || (dash && dot) || !right_ok(text, i) {
        return None;
    }
    // +1: the North American plan's own rules.
    if digits[0] == b'1' && !(n == 11 && nanp_ok(&digits[1..4], &digits[4..7], &digits[7..])) {
        return None;
    }
    Some(s..i)
}

/// `2025-03-02`, `2025/03/02`, `02.03.2025` at the start of `b`.
fn looks_like_date(b: &[u8]) -> bool {
    let shape = |widths: [usize; 3]| {
        let mut i = 0;
        for (k, w) in widths.into_iter().enumerate() {
            if k > 0 {
                if !matches!(b.get(i), Some(b'-' | b'/' | b'.')) {
                    return false;
                }
                i += 1;
            }
            if digits_end(b, i) - i != w {
                return false;
            }
            i += w;
        }
        true
    };
    shape([4, 2, 2]) || shape([2, 2, 4])
}

/// A valid North American number: area code and exchange start 2-9 and
/// are not N11 service codes; 555-0100 to 555-0199 are fictional.
fn nanp_ok(area: &[u8], exchange: &[u8], line: &[u8]) -> bool {
    let code_ok = |c: &[u8]| c[0] >= b'2' && !(c[1] == b'1' && c[2] == b'1');
    code_ok(area)
        && code_ok(exchange)
        && !(exchange == b"555" && (100..=199).contains(&number(line)))
}

/// `(415) 555-2671`, `415-555-2671`, `415.555.2671`, `1-415-555-2671`.
fn north_american(text: &str, d: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let take = |i: usize, w: usize| -> Option<&[u8]> {
        let g = b.get(i..i + w)?;
        (g.iter().all(u8::is_ascii_digit) && b.get(i + w).is_none_or(|c| !c.is_ascii_digit()))
            .then_some(g)
    };
    let (start, area, mut i, sep) = if d > 0 && b[d - 1] == b'(' {
        let area = take(d, 3)?;
        if b.get(d + 3) != Some(&b')') {
            return None;
        }
        let i = if b.get(d + 4) == Some(&b' ') {
            d + 5
        } else {
            d + 4
        };
        (d - 1, area, i, None)
    } else {
        // An optional leading `1` with the same separator.
        let (i, sep) = match b.get(d + 1) {
            Some(&sep @ (b'-' | b'.')) if b[d] == b'1' => (d + 2, sep),
            _ => (d, *b.get(d + 3)?),
        };
        if !matches!(sep, b'-' | b'.') {
            return None;
        }
        let area = take(i, 3)?;
        if b.get(i + 3) != Some(&sep) {
            return None;
        }
        (d, area, i + 4, Some(sep))
    };
    let exchange = take(i, 3)?;
    i += 3;
    match (sep, b.get(i)) {
        (Some(sep), Some(&c)) if c == sep => i += 1,
        (None, Some(b'-' | b'.' | b' ')) => i += 1,
        (None, _) => {}
        _ => return None,
    }
    let line = take(i, 4)?;
    let end = i + 4;
    // `415-823-2671x123`: an extension may follow.
    let ext = b.get(end) == Some(&b'x') && b.get(end + 1).is_some_and(u8::is_ascii_digit);
    let after = if ext { digits_end(b, end + 1) } else { end };
    (left_ok(text, start) && right_ok(text, after) && nanp_ok(area, exchange, line))
        .then_some(start..end)
}

#[cfg(test)]
mod tests {

    #[test]
    fn next_digit_finds_the_first_digit_of_every_byte_pattern() {
        let scalar = |b: &[u8], from: usize| {
            b[from..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|p| from + p)
        };
        // Every byte value at every position of a word and its tail.
        for len in [1usize, 7, 8, 9, 16, 17] {
            for at in 0..len {
                for v in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    b[at] = v;
                    if at + 1 < len {
                        b[at + 1] = b'7';
                    }
                    for from in [0, at] {
                        assert_eq!(next_digit(&b, from), scalar(&b, from), "{b:?} from {from}");
                    }
                }
            }
        }
        let text = "ünïcode – 2024-03-02 10:39 /ﬁ 0x7f €9";
        let mut i = 0;
        while let Some(p) = next_digit(text.as_bytes(), i) {
            assert_eq!(Some(p), scalar(text.as_bytes(), i));
            i = p + 1;
        }
    }

    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        find(text, &Options::default())
            .into_iter()
            .map(|f| (f.kind, &text[f.span]))
            .collect()
    }

    fn check_kind(kind: Kind) {
        let doc = KINDS.iter().find(|d| d.kind == kind).expect("documented");
        assert!(!doc.examples.is_empty() && !doc.near_misses.is_empty());
        let mut failures = Vec::new();
        for example in doc.examples {
            let found = kinds(example);
            if found.len() != 1 || found[0].0 != kind {
                failures.push(format!("example {example:?} gave {found:?}"));
            }
        }
        for near in doc.near_misses {
            let found = kinds(near);
            if !found.is_empty() {
                failures.push(format!("near-miss {near:?} gave {found:?}"));
            }
        }
        assert!(failures.is_empty(), "{kind}:\n{}", failures.join("\n"));
    }

    #[test]
    fn email_examples_and_near_misses() {
        check_kind(Kind::Email);
    }

    #[test]
    fn phone_examples_and_near_misses() {
        check_kind(Kind::Phone);
    }

    #[test]
    fn card_examples_and_near_misses() {
        check_kind(Kind::Card);
    }

    #[test]
    fn ssn_examples_and_near_misses() {
        check_kind(Kind::Ssn);
    }

    #[test]
    fn iban_examples_and_near_misses() {
        check_kind(Kind::Iban);
    }

    #[test]
    fn ip_examples_and_near_misses() {
        check_kind(Kind::Ip);
    }

    #[test]
    fn every_kind_is_documented_once_and_named() {
        for kind in Kind::ALL {
            assert_eq!(KINDS.iter().filter(|d| d.kind == kind).count(), 1, "{kind}");
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
            assert!(!kind.description().is_empty());
        }
        assert_eq!(Kind::from_name("Email"), None);
        assert_eq!(Kind::from_name("passport"), None);
    }

    /// A lesson as people write them: everything in it is shaped like
    /// personal data, none of it is.
    const LESSON: &str = r#"+++
id = "LL-2024-001"
title = "Checkout outage after the 4.17.21 upgrade"
date = 2025-03-02
incident = "INC-20240312-4471"
severity = "sev2"
+++

## Timeline (UTC)

- 2025-03-02 10:39:07 — p99 latency on checkout-api rose from 120 ms to 2.4 s (+1900%).
- 10:41 — PagerDuty paged the on-call (alice@example.com); ack after 2m 15s.
- 10:52 — rollback of v2.14.3 → v2.14.2 (commit 3f5e2a9c1b7d8e6f0a4b2c9d8e7f6a5b4c3d2e1f).
- 11:30:00Z — error rate back under 0.5%; 50% of pods restarted; cost $1,200 (€1.100,50).
- 2025/03/02, 02.03.2025 and 03/02/2025 are the same day; the review was on 2025-W10.

Request 550e8400-e29b-41d4-a716-446655440000 failed with HTTP 503 on port 8443 after
1709876543000 ms since epoch (1709876543 s). Kafka offset 4523918842211 was replayed;
account 123456789012, arn:aws:iam::123456789012:role/deploy, instance i-0abc123def4567890
in us-east-1. Dashboard: https://grafana.acme.io/d/abc123/checkout?orgId=1&from=1709876543000&to=1709880143000&var-pod=checkout-7d9f8b6c5-x2k4q
Upstream docs: https://www.rfc-editor.org/rfc/rfc5737#section-3, RFC 3339, ISO 8601, TLS 1.3,
HTTP/1.1, CVE-2024-3094, OPS-1234, SHA256, node v18.19.0, Ubuntu 22.04.3, kernel 5.15.0-1034-aws,
PostgreSQL 14.9, Chrome/120.0.6099.109, see section 4.2.1.1 and step 3.1.2.4.

```text
2025-03-02T10:39:07.123Z ERROR upstream=10.244.3.17:8080 peer=192.0.2.44:51234 via 198.51.100.7
2025-03-02T10:39:07.456Z WARN  retry 3/5 backoff=250ms addr=[2001:db8::8a2e:370:7334]:443
2025-03-02T10:39:08.001Z INFO  dns 8.8.8.8 and 1.1.1.1 ok; lb 203.0.113.10 healthy; mac 2c:54:91:88:c9:e3
2025-03-02T10:39:09.000Z DEBUG trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7
$ git clone git@github.com:acme/checkout.git && npm i lodash@4.17.21
$ docker pull registry.acme.io/checkout@sha256:9b2a6f0e1c3d
$ curl -s "http://127.0.0.1:9090/api/v1/query?query=rate(http_requests_total[5m])&time=1709876543.781"
```

Action items: OPS-1235 (due 2025-03-16), see LL-2023-042 and LL-2024-017; thanks @bob and @carol.
Ticket 4471, ext. 2671, room 415, build 20240312.4471, 1,234,567 requests, 3.5 GB, 16 vCPU.
"#;

    #[test]
    fn a_realistic_lesson_has_no_personal_data() {
        assert_eq!(kinds(LESSON), vec![]);
    }

    #[test]
    fn planted_data_in_a_lesson_is_found_with_exact_spans() {
        let planted = [
            (Kind::Email, "jane.doe@acme-corp.com"),
            (Kind::Phone, "+44 20 7946 1234"),
            (Kind::Card, "4526 0181 5908 3012"),
            (Kind::Ssn, "536-22-1234"),
            (Kind::Iban, "DE29 7127 6842 6846 5632 12"),
            (Kind::Ip, "81.2.69.160"),
            (Kind::Ip, "2a00:1450:4001:80b::200e"),
        ];
        let mut text = String::from(LESSON);
        for (i, (_, datum)) in planted.iter().enumerate() {
            text.push_str(&format!(
                "\nItem {i}: the customer's {datum}, noted at 10:4{i}.\n"
            ));
        }
        let found = find(&text, &Options::default());
        let got: Vec<(Kind, &str)> = found
            .iter()
            .map(|f| (f.kind, &text[f.span.clone()]))
            .collect();
        assert_eq!(got, planted.to_vec());
        for f in &found {
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
    }

    #[test]
    fn spans_cover_the_datum_only() {
        let text = "mail <jane@acme.io>, call (415) 823-2671. From 81.2.69.160:443 and \
            [2a00:1450::1]:8443; SSN: 536221234; ::ffff:81.2.69.161 too";
        let found = find(text, &Options::default());
        let got: Vec<(Kind, Range<usize>, &str)> = found
            .iter()
            .map(|f| (f.kind, f.span.clone(), &text[f.span.clone()]))
            .collect();
        let at = |s: &str| text.find(s).unwrap();
        let expect = |k, s: &'static str| (k, at(s)..at(s) + s.len(), s);
        assert_eq!(
            got,
            vec![
                expect(Kind::Email, "jane@acme.io"),
                expect(Kind::Phone, "(415) 823-2671"),
                expect(Kind::Ip, "81.2.69.160"),
                expect(Kind::Ip, "2a00:1450::1"),
                expect(Kind::Ssn, "536221234"),
                expect(Kind::Ip, "::ffff:81.2.69.161"),
            ]
        );
    }

    #[test]
    fn allowed_domains_cover_subdomains_ignoring_case() {
        let text = "from ops@acme.io, jane@Mail.ACME.io, bob@notacme.io and eve@other.org";
        let options = Options {
            allowed_domains: vec!["ACME.io".into(), "@other.org".into()],
            ..Options::default()
        };
        let found: Vec<&str> = find(text, &options)
            .into_iter()
            .map(|f| &text[f.span])
            .collect();
        assert_eq!(found, vec!["bob@notacme.io"]);
        let star = Options {
            allowed_domains: vec!["*.acme.io".into()],
            ..Options::default()
        };
        assert_eq!(find("ops@acme.io", &star), vec![]);
    }

    #[test]
    fn disabled_kinds_are_not_reported_nor_reclassified() {
        let text = "jane@acme.io paid with 4526 0181 5908 3012 from 81.2.69.160";
        let only = |disabled: Vec<Kind>| -> Vec<Kind> {
            let options = Options {
                disabled,
                ..Options::default()
            };
            find(text, &options).into_iter().map(|f| f.kind).collect()
        };
        assert_eq!(only(vec![]), vec![Kind::Email, Kind::Card, Kind::Ip]);
        assert_eq!(only(vec![Kind::Card]), vec![Kind::Email, Kind::Ip]);
        assert_eq!(only(vec![Kind::Email, Kind::Ip]), vec![Kind::Card]);
        assert_eq!(only(Kind::ALL.to_vec()), vec![]);
        // A card number is not reported as a phone number when cards are off.
        let options = Options {
            disabled: vec![Kind::Card],
            ..Options::default()
        };
        assert_eq!(find("+4526018159083012", &options), vec![]);
    }

    #[test]
    fn documented_values_would_be_valid_without_the_lists() {
        for iban in DOCUMENTED_IBANS {
            let b = iban.as_bytes();
            assert_eq!(iban_length(&b[..2]), Some(b.len()), "{iban}");
            assert_eq!(mod97(b), 1, "{iban}");
        }
        for card in TEST_CARDS {
            assert!(luhn(card.as_bytes()), "{card}");
        }
    }

    #[test]
    fn non_ascii_text_neither_panics_nor_splits_chars() {
        let cases = [
            "é81.2.69.160 and ü@ü.de and jürgen@acme.de",
            "→81.2.69.160← «jane@acme.io» №536-22-1234",
            "2025年3月2日10時39分、電話 +81 3 1234 5678 まで",
            "٣٤٥-٢٢-١٢٣٤ and ４１５-８２３-２６７１ (full-width digits)",
            "DE29 7127 6842 6846 5632 12€ and 4526 0181 5908 3012ü",
            "\u{200b}+44 20 7946 1234\u{200b}",
            "@",
            "+",
            "(",
            "1",
            "a@b",
            "::ffff:",
            "DE",
            "4526 0181 5908 301",
            "😀😀@😀.de 2a00:1450:4001:80b::200e😀",
        ];
        for text in cases {
            for f in find(text, &Options::default()) {
                assert!(
                    text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end),
                    "{text:?}: {f:?}"
                );
            }
        }
        assert_eq!(kinds("→81.2.69.160←"), vec![(Kind::Ip, "81.2.69.160")]);
        assert_eq!(kinds("é81.2.69.160"), vec![]);
        assert_eq!(kinds("«jane@acme.io»"), vec![(Kind::Email, "jane@acme.io")]);
    }

    proptest::proptest! {
        /// Any text, and text made of the fragments data is built from:
        /// findings are in order, disjoint, non-empty and on char
        /// boundaries.
        #[test]
        fn findings_are_ordered_disjoint_and_on_char_boundaries(
            text in proptest::string::string_regex(
                "([0-9]{1,5}|[ .:/@+()#=-]|[A-Z]{2}|de|ü|€|😀|\\+1|::|ffff|SSN|@acme\\.io|\
                 4526|81\\.2|2a00:|\\PC)*"
            ).unwrap()
        ) {
            let found = find(&text, &Options::default());
            let mut last = 0;
            for f in &found {
                proptest::prop_assert!(f.span.start >= last && f.span.start < f.span.end);
                proptest::prop_assert!(text.is_char_boundary(f.span.start));
                proptest::prop_assert!(text.is_char_boundary(f.span.end));
                last = f.span.end;
            }
        }
    }
}

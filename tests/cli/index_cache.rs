//! The search index as a cache that must never stop a command: damaged
//! files of every kind rebuilt once, a read-only cache still searched, and
//! the generations a killed build leaves behind cleaned up.

use std::path::{Path, PathBuf};

use crate::common::Kb;

fn cache(kb: &Kb) -> PathBuf {
    kb.path().join(".git/lessons/index")
}

fn generation(kb: &Kb) -> PathBuf {
    let cache = cache(kb);
    let current = std::fs::read_to_string(cache.join("current")).unwrap();
    cache.join(current.trim())
}

/// The files of one kind in the current generation: a Tantivy extension
/// (every segment's file), `meta.json`, or a side file's prefix.
fn files_of(kb: &Kb, kind: &str) -> Vec<PathBuf> {
    let generation = generation(kb);
    if kind == "meta.json" {
        return vec![generation.join("tantivy/meta.json")];
    }
    // A side file by its prefix, a Tantivy file by its extension.
    let side = kind.ends_with('-');
    let ext = format!(".{kind}");
    let matches = |n: &str| {
        if side {
            n.starts_with(kind)
        } else {
            n.ends_with(&ext)
        }
    };
    let dir = if side {
        generation
    } else {
        generation.join("tantivy")
    };
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| matches(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    assert!(!files.is_empty(), "no {kind} file in {}", dir.display());
    files
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    /// 64 bytes in the middle inverted.
    Garble,
    /// Cut to half its length.
    Truncate,
    Delete,
}

fn damage(path: &Path, how: Damage) {
    match how {
        Damage::Garble => {
            let mut bytes = std::fs::read(path).unwrap();
            let middle = bytes.len() / 2;
            let end = (middle + 64).min(bytes.len());
            for b in &mut bytes[middle..end] {
                *b ^= 0xFF;
            }
            std::fs::write(path, bytes).unwrap();
        }
        Damage::Truncate => {
            let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            let len = file.metadata().unwrap().len();
            file.set_len(len / 2).unwrap();
        }
        Damage::Delete => std::fs::remove_file(path).unwrap(),
    }
}

/// What the commands answer on a sound index.
struct Answers {
    search: serde_json::Value,
    similar: serde_json::Value,
    report: serde_json::Value,
    show: serde_json::Value,
}

fn answers(kb: &Kb) -> Answers {
    Answers {
        search: rounded(kb.json_ok(&["search", "ransomware backup"])),
        similar: rounded(kb.json_ok(&["similar", "LL-2023-003"])),
        report: rounded(kb.json_ok(&["report", "--by", "category"])),
        show: rounded(kb.json_ok(&["show", "LL-2023-003"])),
    }
}

/// `v` with every float rounded to 4 decimals: a rebuilt index may add
/// the same BM25 terms in another order, which moves a score's last bit;
/// the answer (which lessons, in which order) is what must not change.
fn rounded(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            serde_json::json!((x * 10_000.0).round() / 10_000.0)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(rounded).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, rounded(v))).collect())
        }
        other => other,
    }
}

fn notes(stderr: &str) -> usize {
    stderr.matches("rebuilding the search index").count()
}

/// Runs `args` on a damaged index: it must succeed with one note, and no
/// panic message may reach the user.
fn run_damaged(kb: &Kb, args: &[&str], what: &str) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let run = kb.run(&all);
    assert_eq!(run.code, 0, "{what}: lessons {all:?}:\n{}", run.stderr);
    assert_eq!(notes(&run.stderr), 1, "{what}: one note:\n{}", run.stderr);
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "{what}: only the note on stderr:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
    rounded(run.json())
}

/// Every kind of index file, garbled in the middle, truncated or deleted:
/// the next command (whichever it is) rebuilds once with a one-line note
/// and answers as on a sound index, and the one after it does not rebuild
/// again.
#[test]
fn damage_to_any_index_file_is_rebuilt_once() {
    let kb = Kb::example();
    let sound = answers(&kb);
    let kinds = [
        "idx",
        "term",
        "store",
        "fast",
        "pos",
        "fieldnorm",
        "meta.json",
        "manifest-",
        "facts-",
        "words-",
    ];
    let mut case = 0;
    for kind in kinds {
        for how in [Damage::Garble, Damage::Truncate, Damage::Delete] {
            let what = format!("{kind} {how:?}");
            kb.json_ok(&["index", "--rebuild"]);
            for file in files_of(&kb, kind) {
                damage(&file, how);
            }
            // Whichever command comes first meets the damage.
            match case % 5 {
                0 => assert_eq!(
                    run_damaged(&kb, &["search", "ransomware backup"], &what),
                    sound.search,
                    "{what}"
                ),
                1 => assert_eq!(
                    run_damaged(&kb, &["similar", "LL-2023-003"], &what),
                    sound.similar,
                    "{what}"
                ),
                2 => assert_eq!(
                    run_damaged(&kb, &["report", "--by", "category"], &what),
                    sound.report,
                    "{what}"
                ),
                3 => assert_eq!(
                    run_damaged(&kb, &["show", "LL-2023-003"], &what),
                    sound.show,
                    "{what}"
                ),
                _ => {
                    let doc = run_damaged(&kb, &["index"], &what);
                    assert_eq!(doc["lessons"], 38, "{what}: {doc}");
                }
            }
            case += 1;
            // Rebuilt once: the next command answers without a note.
            let run = kb.run(&["similar", "LL-2023-003", "--format", "json"]);
            assert_eq!(run.code, 0, "{what}: {}", run.stderr);
            assert_eq!(notes(&run.stderr), 0, "{what}: {}", run.stderr);
            assert_eq!(rounded(run.json()), sound.similar, "{what}");
        }
    }
}

/// A file checked once is not read again while its size, times and inode
/// are unchanged: damage written later changes them and is still caught.
#[test]
fn damage_after_a_verified_open_is_caught() {
    let kb = Kb::example();
    let sound = rounded(kb.json_ok(&["search", "ransomware backup"]));
    // Files are recorded as whole only once they are two seconds old.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    kb.json_ok(&["search", "ransomware backup"]);
    let record = std::fs::read_to_string(generation(&kb).join("verified")).unwrap();
    assert!(record.contains(".idx\t"), "{record}");
    for file in files_of(&kb, "idx") {
        damage(&file, Damage::Garble);
    }
    let doc = run_damaged(&kb, &["search", "ransomware backup"], "verified idx");
    assert_eq!(doc, sound);
}

/// Rewrites a Tantivy file with 64 bytes garbled in the middle and a footer
/// whose CRC32 matches: damage its checksum cannot see.
fn garble_keeping_checksum(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let n = bytes.len();
    let footer_len = u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize;
    let mut body = bytes[..n - 8 - footer_len].to_vec();
    let mut footer: serde_json::Value =
        serde_json::from_slice(&bytes[n - 8 - footer_len..n - 8]).unwrap();
    let middle = body.len() / 2;
    let end = (middle + 64).min(body.len());
    for b in &mut body[middle..end] {
        *b ^= 0xFF;
    }
    footer["crc"] = crc32(&body).into();
    let footer = serde_json::to_vec(&footer).unwrap();
    let mut out = body;
    out.extend_from_slice(&footer);
    out.extend_from_slice(&(footer.len() as u32).to_le_bytes());
    out.extend_from_slice(&1337u32.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Damage that passes the checksums makes Tantivy fail or panic during the
/// search: that is caught too, and answered with one rebuild and the right
/// results, never exit 101 nor a panic message.
#[test]
fn a_failure_inside_tantivy_rebuilds_once() {
    let kb = Kb::example();
    let sound = answers(&kb);
    let mut caught = 0;
    for kind in ["store", "fast"] {
        kb.json_ok(&["index", "--rebuild"]);
        for file in files_of(&kb, kind) {
            garble_keeping_checksum(&file);
        }
        for (args, expected) in [
            (
                &["search", "ransomware backup", "--format", "json"][..],
                &sound.search,
            ),
            (
                &["similar", "LL-2023-003", "--format", "json"],
                &sound.similar,
            ),
        ] {
            let run = kb.run(args);
            assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{kind}: {}", run.stderr);
            assert!(notes(&run.stderr) <= 1, "{kind}: {}", run.stderr);
            caught += notes(&run.stderr);
            assert_eq!(&rounded(run.json()), expected, "{kind}: {}", run.stderr);
        }
    }
    // Each kind's damage was met and answered by a rebuild.
    assert_eq!(caught, 2);
}

/// Folders made immutable (`chattr +i`): even root cannot create, write or
/// delete in them, which is what a read-only mount does to everyone (the
/// tests run as root, which file modes do not stop). Undone when dropped.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    /// `None` where `chattr` is missing or refused (not root, another
    /// file system): the test then has nothing to check.
    fn make(paths: &[&Path]) -> Option<Immutable> {
        let guard = Immutable(paths.iter().map(|p| p.to_path_buf()).collect());
        for path in paths {
            let ok = std::process::Command::new("chattr")
                .args(["-R", "+i"])
                .arg(path)
                .output()
                .is_ok_and(|o| o.status.success());
            if !ok {
                eprintln!("chattr +i is not available here: skipped");
                return None;
            }
        }
        Some(guard)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::process::Command::new("chattr")
                .args(["-R", "-i"])
                .arg(path)
                .output();
        }
    }
}

/// A read-only `.git`: an up-to-date index is searched in place (Tantivy's
/// reader lock is not needed); a stale one is brought up to date in the
/// user's cache folder, with a note; with no cache folder writable either,
/// the stale index is searched as it is, with a warning.
#[test]
fn a_read_only_index_is_still_searched() {
    let kb = Kb::example();
    // Files modified in the last two seconds are looked at again by the
    // next command (a write): let them settle, so the index is up to date.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let sound = kb.json_ok(&["search", "ransomware backup"]);
    let Some(_frozen) = Immutable::make(&[&kb.path().join(".git/lessons")]) else {
        return;
    };
    let run = kb.run(&["search", "ransomware backup", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.json(), sound);
    // Stale: kept in the user's cache folder instead.
    let lesson = "lessons/2023/ransomware-file-server.md";
    let text = std::fs::read_to_string(kb.path().join(lesson)).unwrap();
    kb.write(lesson, format!("{text}\nThe wombat runbook.\n"));
    for _ in 0..2 {
        let run = kb.run(&["search", "wombat", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("cannot be written"), "{}", run.stderr);
        assert!(run.stderr.contains("keeping it in"), "{}", run.stderr);
        assert_eq!(crate::common::ids(&run.json()), ["LL-2023-003"]);
    }
    assert!(kb.path().join(".cache/lessons").is_dir());
    // No cache folder can be written: the stale index answers as it is.
    let nowhere = kb.path().join("nowhere");
    std::fs::create_dir(&nowhere).unwrap();
    let Some(_nowhere) = Immutable::make(&[&nowhere]) else {
        return;
    };
    kb.write(lesson, format!("{text}\nThe numbat runbook.\n"));
    let run: crate::common::Run = kb
        .command(&["search", "ransomware backup", "--format", "json"])
        .env("XDG_CACHE_HOME", nowhere.join("cache"))
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("searching it as it is"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json(), sound);
}

/// The generation folders of writers that died (a killed or failed build)
/// are removed by the next write, an update included; a live process's
/// are kept.
#[test]
fn leftover_generations_of_dead_writers_are_removed() {
    let kb = Kb::example();
    kb.json_ok(&["index"]);
    let cache = cache(&kb);
    let dead = {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    };
    let mut live = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let leftover = |pid: u32| {
        let dir = cache.join(format!("gen-{pid}-1796000000000000000"));
        std::fs::create_dir_all(dir.join("tantivy")).unwrap();
        std::fs::write(dir.join("tantivy/half-written.idx"), vec![0u8; 4096]).unwrap();
        dir
    };
    let dead_dir = leftover(dead);
    let live_dir = leftover(live.id());
    // An update (not a rebuild) is a write.
    let lesson = "lessons/2023/ransomware-file-server.md";
    let text = std::fs::read_to_string(kb.path().join(lesson)).unwrap();
    kb.write(lesson, format!("{text}\nThe wombat runbook.\n"));
    let doc = kb.json_ok(&["index"]);
    assert_eq!(doc["updated"], 1, "{doc}");
    assert!(
        !dead_dir.exists(),
        "the dead writer's generation is removed"
    );
    assert!(live_dir.is_dir(), "the live process's generation is kept");
    assert!(generation(&kb).is_dir());
    live.kill().unwrap();
    live.wait().unwrap();
    kb.write(lesson, format!("{text}\nThe numbat runbook.\n"));
    kb.json_ok(&["index"]);
    assert!(!live_dir.exists(), "removed once its process is gone");
    assert_eq!(kb.search_ids("numbat", &[]), ["LL-2023-003"]);
}

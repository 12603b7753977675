//! Panics of Tantivy on damaged files, caught as damage. Tantivy trusts the
//! bytes it reads: a garbled posting list can make it index out of bounds
//! deep in a search. `verify` catches such files when a generation is
//! opened; this is the net for what a checksum cannot see.

use std::any::Any;
use std::sync::Mutex;

/// The message and place of the last panic caught (the hook runs on the
/// panicking thread, which may be a worker).
static CAUGHT: Mutex<Option<String>> = Mutex::new(None);

/// Runs `f`, turning a panic into `Err` with its message and place. The
/// default hook would print the panic to stderr before it is caught: a
/// silent one stands in while `f` runs, so the caller decides what the
/// user reads.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut caught) = CAUGHT.lock() {
            *caught = Some(format!("{}{place}", message(info.payload())));
        }
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        CAUGHT
            .lock()
            .ok()
            .and_then(|mut c| c.take())
            .unwrap_or_else(|| message(payload.as_ref()))
    })
}

fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_its_message() {
        let caught = super::catch(|| -> u32 { panic!("posting list out of bounds") });
        let message = caught.unwrap_err();
        assert!(
            message.starts_with("posting list out of bounds at "),
            "{message}"
        );
        assert!(message.contains("guard.rs"), "{message}");
        assert_eq!(super::catch(|| 7), Ok(7));
    }
}

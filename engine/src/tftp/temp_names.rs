//! The names of upload temporary files: how one is made, and how a
//! starting server and the request checker recognise them. A leaf of its
//! own so that `files.rs` (which creates them), `root/` (which removes
//! leftovers) and `paths.rs` (which refuses requests for them) share the
//! rule without importing each other.

use std::ffi::{OsStr, OsString};
use std::sync::atomic::{AtomicU64, Ordering};

/// Makes temporary names unique within this process; the process id makes
/// them unique between processes.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// How temporary files end; the server refuses requests for such names.
pub const TEMP_SUFFIX: &str = ".netassist-part";

/// How temporary files begin. The whole name is
/// `.netassist-<process id>-<serial>.netassist-part`: at most 57 bytes
/// whatever the final name (which may be 255 bytes long), and a name no
/// peer can ask for, so that a server starting after a crash can tell
/// its leftovers from users' files.
const TEMP_PREFIX: &str = ".netassist-";

/// A new temporary name, unique among this process's and others'.
pub fn temp_name() -> OsString {
    let serial = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    OsString::from(format!(
        "{TEMP_PREFIX}{}-{serial}{TEMP_SUFFIX}",
        std::process::id()
    ))
}

/// Whether `name` is one of our temporary names.
pub fn is_temp_name(name: &OsStr) -> bool {
    let Some(middle) = name
        .to_str()
        .and_then(|n| n.strip_prefix(TEMP_PREFIX))
        .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
    else {
        return false;
    };
    let numbers = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    middle
        .split_once('-')
        .is_some_and(|(pid, serial)| numbers(pid) && numbers(serial))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_temp_names_are_recognised_exactly() {
        assert!(is_temp_name(OsStr::new(".netassist-12-0.netassist-part")));
        for name in [
            "netassist-12-0.netassist-part",
            ".netassist-12.netassist-part",
            ".netassist--0.netassist-part",
            ".netassist-1a-0.netassist-part",
            ".netassist-12-0.netassist-part.txt",
            ".report.pdf.12-0.netassist-part",
        ] {
            assert!(!is_temp_name(OsStr::new(name)), "{name}");
        }
    }
}

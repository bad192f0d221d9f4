//! Where a requested file name may lead: only inside the served folder.
//!
//! A name is checked as text here (no `..`, no absolute path, no drive
//! letter or stream (`:`), no backslash, no control characters, no Windows
//! device name, no trailing dot or space, not too long); `root`
//! then opens it relative to the served folder's handle, so that neither
//! a link that leads outside nor a name swapped meanwhile gets out.
//! Refusals are worded for the peer and never mention the root's path.

use std::io;
use std::path::{Component, PathBuf};

use super::temp_names::TEMP_SUFFIX;
use super::wire::ErrorCode;

/// Longer names are refused before touching the file system.
pub const MAX_NAME_LEN: usize = 255;

/// Why a request was refused: an error code and a message for the peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

impl Refusal {
    pub fn access(message: &str) -> Refusal {
        Refusal {
            code: ErrorCode::AccessViolation,
            message: message.to_owned(),
        }
    }

    pub fn not_found() -> Refusal {
        Refusal {
            code: ErrorCode::FileNotFound,
            message: "file not found".to_owned(),
        }
    }

    /// Words an I/O error without naming any path.
    pub fn from_io(error: &io::Error) -> Refusal {
        match error.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Refusal::not_found(),
            io::ErrorKind::PermissionDenied => Refusal::access("permission denied"),
            io::ErrorKind::AlreadyExists => Refusal {
                code: ErrorCode::FileExists,
                message: "file already exists".to_owned(),
            },
            _ => Refusal {
                code: ErrorCode::Undefined,
                message: "the file cannot be opened".to_owned(),
            },
        }
    }
}

/// Checks the name as text and returns its relative path, plain
/// components only; `root` then opens it without leaving the folder.
pub fn check_name(name: &str) -> Result<PathBuf, Refusal> {
    if name.is_empty() {
        return Err(Refusal::access("empty file name"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(Refusal::access("file name too long"));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(Refusal::access("control characters in the file name"));
    }
    if name.contains('\\') {
        return Err(Refusal::access("backslashes are not allowed in file names"));
    }
    // A ':' is a drive letter ("C:x") or, on NTFS, a file's alternate
    // data stream ("name:stream", "name::$DATA"), which would read or
    // write bytes the folder listing does not show.
    if name.contains(':') {
        return Err(Refusal::access(
            "drive letters, streams and ':' are not allowed in file names",
        ));
    }
    if name.ends_with(TEMP_SUFFIX) {
        return Err(Refusal::access("unfinished uploads cannot be transferred"));
    }
    if name.starts_with('/') {
        return Err(Refusal::access("absolute paths are not allowed"));
    }
    let mut relative = PathBuf::new();
    for part in name.split('/') {
        match part {
            "" | "." => {
                return Err(Refusal::access(
                    "empty or '.' path components are not allowed",
                ));
            }
            ".." => return Err(Refusal::access("'..' is not allowed in file names")),
            _ => {}
        }
        // The Windows rules hold on every platform: a served folder is
        // often shared with Windows (a USB stick, a Samba share, files a
        // Windows client fetches and saves under the same name), and a
        // file that Windows cannot name is a trap there whoever served it.
        // Windows silently drops a trailing dot or space, which would make
        // two names mean one file.
        if part.ends_with('.') || part.ends_with(' ') {
            return Err(Refusal::access(
                "names ending in '.' or ' ' are not allowed",
            ));
        }
        // CON, NUL, COM1 and the like are devices in every Windows folder,
        // whatever the case and the extension ("nul.txt", "Con.TXT").
        if is_windows_device(part) {
            return Err(Refusal::access(
                "Windows device names (CON, NUL, COM1, ...) are not allowed",
            ));
        }
        relative.push(part);
    }
    // Belt and braces: whatever the platform makes of the text, only
    // plain components may remain.
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(Refusal::access("the name leaves the served folder"));
    }
    Ok(relative)
}

/// Whether Windows takes `part` for a device: the name before its first
/// dot, without the spaces Windows drops, is one of the reserved names in
/// any case, or COM/LPT with a digit (0–9, or the superscripts ¹ ² ³ that
/// Windows also reserves).
fn is_windows_device(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" | "CLOCK$"
    ) {
        return true;
    }
    let Some(number) = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"))
    else {
        return false;
    };
    let mut chars = number.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('0'..='9' | '¹' | '²' | '³'), None)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_names_refused_as_text() {
        for name in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "c:x",
            "a\\b",
            "a\u{1}b",
            "a//b",
            "./a",
        ] {
            assert!(check_name(name).is_err(), "{name:?} must be refused");
        }
        assert!(check_name(&"a".repeat(MAX_NAME_LEN + 1)).is_err());
        assert!(check_name("sub/file.bin").is_ok());
        assert!(check_name("..hidden").is_ok());
    }

    #[test]
    fn test_windows_device_names() {
        for name in [
            "CON",
            "nul.txt",
            "Con.TXT",
            "com1",
            "LPT9.bin",
            "aux",
            "prn",
            "NUL.tar.gz",
            "nul .txt",
            "COM²",
            "lpt0",
            "conin$",
        ] {
            assert!(is_windows_device(name), "{name}");
        }
        for name in [
            "console",
            "com",
            "nulls.txt",
            "COM10",
            "lpt",
            "xnul",
            "com1x",
        ] {
            assert!(!is_windows_device(name), "{name}");
        }
    }

    /// Issue 13: every name Windows would take for something else than
    /// the file asked for is refused on every platform, as an access
    /// violation whose sentence says why.
    #[test]
    fn test_issue_13_windows_names_refused_everywhere() {
        let reason = |name: &str| match check_name(name) {
            Ok(path) => panic!("{name:?} must be refused, got {path:?}"),
            Err(refusal) => {
                assert_eq!(refusal.code, ErrorCode::AccessViolation, "{name:?}");
                refusal.message
            }
        };
        for name in [
            "CON",
            "nul.txt",
            "Con.TXT",
            "COM1",
            "lpt1",
            "sub/AUX.log",
            "PRN/x",
        ] {
            assert!(reason(name).contains("device names"), "{name:?}");
        }
        for name in ["file.", "file ", "dir./x", "dir /x", "a.txt . ."] {
            assert!(reason(name).contains("ending in '.' or ' '"), "{name:?}");
        }
        for name in ["name::$DATA", "name:stream", "sub/x:y", "dir:s/x"] {
            assert!(reason(name).contains("streams"), "{name:?}");
        }
        for name in [
            "console.txt",
            "com10",
            "nulls",
            "a.b.c",
            "sub/file.bin",
            ".profile",
        ] {
            assert!(check_name(name).is_ok(), "{name:?} must be served");
        }
    }
}

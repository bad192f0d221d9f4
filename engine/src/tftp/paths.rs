//! Where a requested file name may lead: only inside the served folder.
//!
//! A name is checked as text here (no `..`, no absolute path, no drive
//! letter, no backslash, no control characters, not too long); `root`
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
    if name.contains(':') {
        return Err(Refusal::access(
            "drive letters and ':' are not allowed in file names",
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
        // On Windows a trailing dot or space is silently dropped by the
        // file system, which would make two names mean one file.
        if cfg!(windows) && (part.ends_with('.') || part.ends_with(' ')) {
            return Err(Refusal::access(
                "names ending in '.' or ' ' are not allowed",
            ));
        }
        // On Windows CON, NUL, COM1 and the like are devices in every
        // folder, whatever the extension.
        if cfg!(windows) && is_windows_device(part) {
            return Err(Refusal::access("device names are not allowed"));
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

fn is_windows_device(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.len() == 4
        && upper.as_bytes()[3].is_ascii_digit())
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
        for name in ["CON", "nul.txt", "com1", "LPT9.bin", "aux"] {
            assert!(is_windows_device(name), "{name}");
        }
        for name in ["console", "com", "nulls.txt", "COM10"] {
            assert!(!is_windows_device(name), "{name}");
        }
    }
}

//! TFTP sessions: the shells around the sans-I/O core, which lives in
//! `netassist_core::tftp` and is re-exported here (`wire`, `options`,
//! `netascii`, `transfer`, the configurations and the events).
//!
//! `server` and `client` own the sockets (`sock`), the files (`files`:
//! temporary file, renamed when complete), the clock, and the events for
//! the front ends (`report`); `paths` checks requested names as text and
//! `root` opens them relative to the served folder's handle, so that no
//! request gets outside it; `limits` bounds what one source may take
//! (requests per second, transfers at once, the wait for a first answer).

pub use netassist_core::tftp::*;

pub mod client;
mod files;
pub mod limits;
mod paths;
mod report;
mod root;
pub mod server;
mod sock;
mod temp_names;

#[doc(hidden)]
pub use root::force_component_walk;

use std::path::Path;

/// Whether this process may create files in `folder` (uploads into a
/// served folder, downloads into a chosen one), checked before a session
/// opens so that a front end can say so next to the field instead of
/// failing the first transfer.
pub fn folder_is_writable(folder: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(path) = std::ffi::CString::new(folder.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
        unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(folder).is_ok_and(|meta| !meta.permissions().readonly())
    }
}

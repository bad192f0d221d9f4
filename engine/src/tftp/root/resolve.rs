//! What the platform code (`unix.rs`, `windows.rs`) is asked to open and
//! what it answers, shared with the root above it. A leaf, so that the
//! platform files and `mod.rs` do not import each other.

use std::io;

use crate::tftp::paths::Refusal;

/// What a resolution should open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// A folder, to create or rename files in.
    Folder,
    /// A file to read, opened without blocking.
    File,
}

/// Why a name could not be opened beneath the root.
#[derive(Debug)]
pub enum ResolveError {
    /// The name, or a link on its way, leads out of the root.
    Escapes,
    Io(io::Error),
}

impl From<io::Error> for ResolveError {
    fn from(error: io::Error) -> ResolveError {
        ResolveError::Io(error)
    }
}

impl ResolveError {
    pub(super) fn into_refusal(self) -> Refusal {
        match self {
            ResolveError::Escapes => Refusal::access("the name leaves the served folder"),
            ResolveError::Io(e) => Refusal::from_io(&e),
        }
    }
}

/// What a name in a folder is, links not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Link,
    /// A folder, a FIFO, a device or a socket.
    Other,
}

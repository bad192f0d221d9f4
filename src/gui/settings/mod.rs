//! What the window remembers across restarts, and how command-line flags
//! preset it.
//!
//! In memory the settings are typed and grouped by what they are about
//! ([`Settings`], `model.rs`); on disk they keep the flat form every
//! earlier version wrote ([`SettingsFile`]), so a file saved before the
//! grouping loads whole (`file.rs`), and the lenient loader (`lenient.rs`)
//! still reads it field by field. Flags preset a window in `flags.rs`; a
//! new tab's ports are picked in `ports.rs`, and what a file or a field
//! holds is brought into range in `sanitize.rs`. The TLS and WebSocket
//! settings are in `security.rs`.

mod file;
mod flags;
mod lenient;
mod model;
mod ports;
mod sanitize;
mod security;

pub use file::SettingsFile;
pub use lenient::{
    LenientParts, LoadReport, UNREADABLE_BACKUP_NAME, keep_unreadable_storage_file,
    lenient_settings, load_window_lenient, write_unreadable_backup,
};
pub use model::{
    AddrFields, MAX_SAVED_BOX_BYTES, QuickCommand, RemoteKey, RxFileSettings, SendSettings,
    Settings, TcpSettings, TextSettings, TftpSettings, ToolSettings, UdpSettings, ViewSettings,
    first_start_encoding,
};
pub use ports::default_local_port;
pub use sanitize::trimmed_path;
pub use security::{
    DEFAULT_WS_URL, IdentityChoice, SecurityFile, SecuritySettings, TlsFileField, VerifyChoice,
};

/// The longest idle timeout (a day), the engine's for both front ends.
pub use crate::net::MAX_IDLE_TIMEOUT_SECS;

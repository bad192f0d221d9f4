//! Where NetAssist keeps its own files, one rule for the window and the
//! CLI: the window's settings folder (eframe's storage folder for the app
//! id), and in it the self-signed certificates a TLS or `wss://` server
//! generates, so that the window and `netassist --headless` serve the same
//! certificate (and a client that pinned its fingerprint keeps trusting
//! it).

use std::path::PathBuf;

/// The application's id: the settings folder's name, and the window's app
/// id for the desktop.
pub const APP_ID: &str = "netassist";

/// The folder inside the settings folder that holds generated TLS
/// certificates and their keys.
const SELF_SIGNED_SUBFOLDER: &str = "tls";

/// The window's settings folder (`~/.local/share/netassist` on Linux,
/// `%APPDATA%\netassist\data` on Windows), or `None` on a system that has
/// none.
pub fn settings_folder() -> Option<PathBuf> {
    eframe::storage_dir(APP_ID)
}

/// Where generated self-signed certificates are kept.
pub fn self_signed_folder() -> Option<PathBuf> {
    settings_folder().map(|folder| folder.join(SELF_SIGNED_SUBFOLDER))
}

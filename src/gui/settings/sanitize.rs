//! Settings kept within what the window offers: numbers read from a file
//! brought into range, the clamped connect timeout sessions are given,
//! and path fields without their spaces.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{MAX_IDLE_TIMEOUT_SECS, Settings};

/// A path field's text without the spaces around it, as the window's
/// text fields always took it (a path that is not Unicode is kept as is).
pub fn trimmed_path(path: &Path) -> PathBuf {
    match path.to_str() {
        Some(text) => PathBuf::from(text.trim()),
        None => path.to_owned(),
    }
}

impl Settings {
    /// Brings every number read from a file into the range the window
    /// offers, so that no saved value (NaN, infinity, negative, zero where
    /// one is needed) can crash or wedge the app. Returns the names of the
    /// fields it changed.
    pub fn sanitize(&mut self) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let defaults = Settings::default();
        let range = crate::net::CONNECT_TIMEOUT_SECS;
        if !range.contains(&self.tcp.connect_timeout_secs) {
            self.tcp.connect_timeout_secs = if self.tcp.connect_timeout_secs.is_finite() {
                self.tcp
                    .connect_timeout_secs
                    .clamp(*range.start(), *range.end())
            } else {
                defaults.tcp.connect_timeout_secs
            };
            changed.push("connect_timeout_secs");
        }
        if !(self.tcp.idle_timeout_secs.is_finite()
            && (0.0..=MAX_IDLE_TIMEOUT_SECS).contains(&self.tcp.idle_timeout_secs))
        {
            self.tcp.idle_timeout_secs = 0.0;
            changed.push("tcp_idle_timeout_secs");
        }
        if self.tcp.max_clients == 0 {
            self.tcp.max_clients = defaults.tcp.max_clients;
            changed.push("max_clients");
        }
        if self.tftp.max_per_address == 0 {
            self.tftp.max_per_address = defaults.tftp.max_per_address;
            changed.push("tftp_max_per_address");
        }
        if self.send.loop_period_ms == 0 {
            self.send.loop_period_ms = defaults.send.loop_period_ms;
            changed.push("loop_period_ms");
        }
        if self.view.log_max_entries == 0 {
            self.view.log_max_entries = defaults.view.log_max_entries;
            changed.push("log_max_entries");
        }
        if !(1..=crate::net::MAX_DATAGRAM_BYTES).contains(&self.sec.ws_file_message_bytes) {
            self.sec.ws_file_message_bytes = defaults.sec.ws_file_message_bytes;
            changed.push("ws_file_message_bytes");
        }
        changed
    }

    /// The TCP client's connect timeout, always a valid `Duration`: a value
    /// outside `CONNECT_TIMEOUT_SECS` is clamped, and one that is not a
    /// number is the default.
    pub fn connect_timeout(&self) -> Duration {
        let range = crate::net::CONNECT_TIMEOUT_SECS;
        let secs = if self.tcp.connect_timeout_secs.is_finite() {
            self.tcp
                .connect_timeout_secs
                .clamp(*range.start(), *range.end())
        } else {
            Settings::default().tcp.connect_timeout_secs
        };
        Duration::try_from_secs_f64(secs).unwrap_or(crate::net::DEFAULT_CONNECT_TIMEOUT)
    }
}

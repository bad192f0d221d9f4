//! What the window remembers across restarts, and how command-line flags
//! preset it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::i18n::Lang;
use super::tools::{AutoReplySetting, FramingSetting};
use crate::cli::Args;
use crate::net::{Endpoint, Protocol};
use crate::text::{Checksum, Encoding, LineEnding};
use crate::tftp::{self, Mode};

/// The address fields as typed, kept per protocol so that switching from a
/// TCP server on 8080 to a TFTP server on 69 and back loses nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddrFields {
    pub local_host: String,
    pub local_port: String,
    pub remote_host: String,
    pub remote_port: String,
}

impl AddrFields {
    fn defaults(protocol: Protocol) -> AddrFields {
        let (local_port, remote_port) = match protocol {
            // The remote is not the session's own address: a first send
            // to 8080 from 8080 on 127.0.0.1 would come straight back and
            // look like a peer's answer. The next port is where a second
            // window (or a peer) on the same machine usually listens.
            Protocol::Udp => (8080, 8081),
            Protocol::TcpClient => (0, 8080),
            Protocol::TcpServer => (8080, 8080),
            // The engine's one TFTP default for both front ends.
            Protocol::TftpServer => (tftp::DEFAULT_SERVER_ADDR.port(), tftp::PORT),
            Protocol::TftpClient => (tftp::PORT, tftp::PORT),
        };
        AddrFields {
            local_host: match protocol {
                Protocol::TftpServer => tftp::DEFAULT_SERVER_ADDR.ip().to_string(),
                _ => "0.0.0.0".to_owned(),
            },
            local_port: local_port.to_string(),
            remote_host: "127.0.0.1".to_owned(),
            remote_port: remote_port.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub dark_mode: bool,
    pub protocol: Protocol,
    pub addrs: BTreeMap<String, AddrFields>,
    pub rx_encoding: Encoding,
    pub tx_encoding: Encoding,
    pub rx_hex: bool,
    pub tx_hex: bool,
    pub show_time: bool,
    pub auto_scroll: bool,
    pub escapes: bool,
    pub line_ending: LineEnding,
    pub clear_after_send: bool,
    /// Loop send: resend every `loop_period_ms`, `loop_count` times (0: until stopped).
    pub loop_enabled: bool,
    pub loop_period_ms: u64,
    pub loop_count: u64,
    pub reply_to_last_sender: bool,
    pub broadcast: bool,
    pub max_clients: usize,
    /// TCP server: drop a client idle for this many seconds (0: never).
    pub tcp_idle_timeout_secs: f64,
    /// TCP server: most clients from one IP address (0: no limit).
    pub tcp_max_clients_per_ip: usize,
    pub connect_timeout_secs: f64,
    pub log_max_entries: usize,
    pub tftp_root: String,
    pub tftp_allow_write: bool,
    pub tftp_allow_overwrite: bool,
    /// Transfers at once from one address (IPv6: one /64).
    pub tftp_max_per_address: usize,
    pub tftp_remote_file: String,
    pub tftp_local_file: String,
    pub tftp_local_dir: String,
    pub tftp_blksize: u16,
    pub tftp_windowsize: u16,
    pub tftp_mode: Mode,
    /// 接收保存到文件: the file, and whether it gets log lines (else raw bytes).
    pub rx_file_path: String,
    pub rx_file_lines: bool,
    /// 自动应答: rules applied to every received message.
    pub auto_replies: Vec<AutoReplySetting>,
    /// 分包设置: how TCP streams are cut into messages in the log.
    pub framing: FramingSetting,
    /// A checksum appended to every sent message (校验), and one checked
    /// at the end of every received message.
    pub tx_checksum: Option<Checksum>,
    pub rx_checksum: Option<Checksum>,
    /// UDP multicast groups joined at open, and the TTL of sent datagrams.
    pub multicast_groups: String,
    /// The address of the interface the groups are joined on (empty: any).
    pub multicast_interface: String,
    pub multicast_ttl: u32,
    /// Sent messages, oldest first (历史发送).
    pub history: Vec<String>,
    /// Named messages sent with one click or F1–F12 (快捷指令).
    pub quick_commands: Vec<QuickCommand>,
}

/// A saved message: text in its own encoding, or HEX, and the pause after
/// it when the list runs as a sequence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuickCommand {
    pub name: String,
    pub text: String,
    pub hex: bool,
    pub encoding: Encoding,
    pub delay_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::from_system(),
            dark_mode: false,
            protocol: Protocol::Udp,
            addrs: BTreeMap::new(),
            rx_encoding: Encoding::Utf8,
            tx_encoding: Encoding::Utf8,
            rx_hex: false,
            tx_hex: false,
            show_time: true,
            auto_scroll: true,
            escapes: true,
            line_ending: LineEnding::None,
            clear_after_send: false,
            loop_enabled: false,
            loop_period_ms: 1000,
            loop_count: 0,
            reply_to_last_sender: false,
            broadcast: false,
            max_clients: crate::net::DEFAULT_MAX_CLIENTS,
            tcp_idle_timeout_secs: 0.0,
            tcp_max_clients_per_ip: 0,
            connect_timeout_secs: crate::net::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
            log_max_entries: crate::log::LogStore::DEFAULT_MAX_ENTRIES,
            // No folder is served until the user chooses one, as the CLI
            // needs --root; uploads stay off until then (and after, until
            // ticked), as the CLI needs --allow-write.
            tftp_root: String::new(),
            tftp_allow_write: false,
            tftp_allow_overwrite: false,
            tftp_max_per_address: crate::tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
            tftp_remote_file: String::new(),
            tftp_local_file: String::new(),
            tftp_local_dir: std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            tftp_blksize: tftp::DEFAULT_CLIENT_BLKSIZE,
            tftp_windowsize: tftp::DEFAULT_CLIENT_WINDOWSIZE,
            tftp_mode: Mode::default(),
            auto_replies: Vec::new(),
            framing: FramingSetting::default(),
            tx_checksum: None,
            rx_checksum: None,
            multicast_groups: String::new(),
            multicast_interface: String::new(),
            multicast_ttl: crate::net::DEFAULT_MULTICAST_TTL,
            rx_file_path: String::new(),
            rx_file_lines: false,
            history: Vec::new(),
            quick_commands: Vec::new(),
        }
    }
}

/// Whether a protocol carries messages the tools drawer's auto-reply and
/// checksum work on: TFTP moves whole files, so they do not apply to it.
pub fn message_tools_apply(protocol: Protocol) -> bool {
    !matches!(protocol, Protocol::TftpServer | Protocol::TftpClient)
}

/// Framing cuts a TCP byte stream into messages; a UDP datagram is one
/// already, and TFTP moves files.
pub fn framing_applies(protocol: Protocol) -> bool {
    matches!(protocol, Protocol::TcpClient | Protocol::TcpServer)
}

/// Multicast groups are joined by a UDP socket only.
pub fn multicast_applies(protocol: Protocol) -> bool {
    protocol == Protocol::Udp
}

/// The local port a tab of `protocol` starts on when other tabs of the
/// window listen on `taken`: the protocol's default, or the next port
/// above it no other tab uses (8080 → 8081 …), so that a new tab opens
/// instead of failing with "already in use" against this very window. A
/// TFTP server keeps 69, the port every TFTP client asks first; a TCP
/// client's 0 means "any" and is never taken.
pub fn default_local_port(protocol: Protocol, taken: &[u16]) -> String {
    let default = AddrFields::defaults(protocol).local_port;
    let Ok(mut port) = default.parse::<u16>() else {
        return default;
    };
    if port == 0 || matches!(protocol, Protocol::TftpServer | Protocol::TftpClient) {
        return default;
    }
    while taken.contains(&port) {
        match port.checked_add(1) {
            Some(next) => port = next,
            None => return default,
        }
    }
    port.to_string()
}

/// The longest idle timeout (a day), the engine's for both front ends.
pub use crate::net::MAX_IDLE_TIMEOUT_SECS;

impl Settings {
    /// The TCP server's idle timeout; 0 (or anything not above 0) is off.
    pub fn tcp_idle_timeout(&self) -> Option<Duration> {
        let secs = self.tcp_idle_timeout_secs;
        (secs.is_finite() && secs > 0.0)
            .then(|| Duration::from_secs_f64(secs.min(MAX_IDLE_TIMEOUT_SECS)))
    }

    /// The TCP server's per-address client limit; 0 is none.
    pub fn tcp_max_clients_per_ip(&self) -> Option<usize> {
        (self.tcp_max_clients_per_ip > 0).then_some(self.tcp_max_clients_per_ip)
    }

    /// A new tab: the defaults of `protocol` (no auto-reply rules, no
    /// history), the window's language and theme, and the next local port
    /// no other tab uses (see [`default_local_port`]).
    pub fn for_new_tab(protocol: Protocol, lang: Lang, dark_mode: bool, taken: &[u16]) -> Settings {
        let mut settings = Settings {
            lang,
            dark_mode,
            protocol,
            ..Settings::default()
        };
        settings.step_past_taken_port(taken);
        settings
    }

    /// After a change of protocol (or for a new tab): a local port that
    /// still holds the protocol's default moves to the next one no other
    /// tab uses; a port the user typed is left alone.
    pub fn step_past_taken_port(&mut self, taken: &[u16]) {
        let protocol = self.protocol;
        let defaults = AddrFields::defaults(protocol);
        let fields = self.addr_mut();
        if fields.local_port.trim() == defaults.local_port {
            fields.local_port = default_local_port(protocol, taken);
            // A UDP tab moved onto the port its default remote names would
            // send to itself; it sends to the first tab's port instead, so
            // two UDP tabs opened one after the other talk to each other.
            if protocol == Protocol::Udp
                && fields.remote_port.trim() == defaults.remote_port
                && fields.local_port == defaults.remote_port
            {
                fields.remote_port = defaults.local_port;
            }
        }
    }

    /// The local port this tab listens on, if it listens on a fixed one.
    pub fn listening_port(&self) -> Option<u16> {
        match self.protocol {
            Protocol::Udp | Protocol::TcpServer | Protocol::TftpServer => self
                .addr()
                .local_port
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|&p| p != 0),
            Protocol::TcpClient | Protocol::TftpClient => None,
        }
    }

    /// The address fields of the current protocol.
    pub fn addr(&self) -> AddrFields {
        self.addrs
            .get(self.protocol.cli_name())
            .cloned()
            .unwrap_or_else(|| AddrFields::defaults(self.protocol))
    }

    pub fn addr_mut(&mut self) -> &mut AddrFields {
        let protocol = self.protocol;
        self.addrs
            .entry(protocol.cli_name().to_owned())
            .or_insert_with(|| AddrFields::defaults(protocol))
    }

    /// Applies command-line flags on top of the remembered settings. Returns
    /// sentences for flags that could not be applied (shown in the window).
    pub fn apply_args(&mut self, args: &Args) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(mode) = args.mode {
            self.protocol = mode;
        }
        if let Some(lang) = &args.lang {
            match Lang::from_code(lang) {
                Some(lang) => self.lang = lang,
                None => problems.push(format!("unknown language '{lang}': use en or zh")),
            }
        }
        for (flag, text, is_local) in [
            ("--local", &args.local, true),
            ("--remote", &args.remote, false),
        ] {
            let Some(text) = text else { continue };
            // The same rules as the CLI: a bare local port is every IPv4
            // interface, and a TFTP client's remote may leave out port 69.
            let parsed = if is_local {
                Endpoint::parse_local(text)
            } else if self.protocol == Protocol::TftpClient {
                Endpoint::parse_remote_or_port(text, tftp::PORT)
            } else {
                Endpoint::parse(text)
            };
            match parsed {
                Ok(endpoint) => {
                    let fields = self.addr_mut();
                    if is_local {
                        fields.local_host = endpoint.host;
                        fields.local_port = endpoint.port.to_string();
                    } else {
                        fields.remote_host = endpoint.host;
                        fields.remote_port = endpoint.port.to_string();
                    }
                }
                Err(e) => problems.push(format!("{flag}: {e}")),
            }
        }
        for (flag, label, targets) in [
            ("--encoding", &args.encoding, (true, true)),
            ("--rx-encoding", &args.rx_encoding, (true, false)),
            ("--tx-encoding", &args.tx_encoding, (false, true)),
        ] {
            let Some(label) = label else { continue };
            match label.parse::<Encoding>() {
                Ok(encoding) => {
                    if targets.0 {
                        self.rx_encoding = encoding;
                    }
                    if targets.1 {
                        self.tx_encoding = encoding;
                    }
                }
                Err(e) => problems.push(format!("{flag} {e}")),
            }
        }
        if args.hex {
            self.rx_hex = true;
            self.tx_hex = true;
        }
        if args.escapes {
            self.escapes = true;
        }
        if let Some(ending) = args.line_ending {
            self.line_ending = ending;
        }
        if args.reply_to_last {
            self.reply_to_last_sender = true;
        }
        if args.broadcast {
            self.broadcast = true;
        }
        if let Some(max_clients) = args.max_clients {
            self.max_clients = max_clients.max(1);
        }
        if let Some(secs) = args.idle_timeout {
            if secs.is_finite() && secs > 0.0 {
                self.tcp_idle_timeout_secs = secs.min(MAX_IDLE_TIMEOUT_SECS);
            } else {
                problems.push(format!(
                    "--idle-timeout: '{secs}' is not a number of seconds above 0"
                ));
            }
        }
        if let Some(per_ip) = args.max_clients_per_ip {
            self.tcp_max_clients_per_ip = per_ip;
        }
        if let Some(secs) = args.connect_timeout {
            self.connect_timeout_secs = secs;
        }
        if let Some(root) = &args.root {
            self.tftp_root = root.display().to_string();
        }
        if args.allow_write {
            self.tftp_allow_write = true;
        }
        if args.overwrite {
            self.tftp_allow_overwrite = true;
        }
        if let Some(max) = args.max_transfers_per_address {
            self.tftp_max_per_address = max.max(1);
        }
        if let Some(name) = &args.get {
            self.tftp_remote_file = name.clone();
        }
        if let Some(file) = &args.put {
            self.tftp_local_file = file.display().to_string();
        }
        if let Some(dir) = &args.dir {
            self.tftp_local_dir = dir.display().to_string();
        }
        if let Some(blksize) = args.blksize {
            self.tftp_blksize = blksize;
        }
        if let Some(windowsize) = args.windowsize {
            self.tftp_windowsize = windowsize;
        }
        if let Some(mode) = args.tftp_mode {
            self.tftp_mode = mode;
        }
        problems
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
        if !range.contains(&self.connect_timeout_secs) {
            self.connect_timeout_secs = if self.connect_timeout_secs.is_finite() {
                self.connect_timeout_secs
                    .clamp(*range.start(), *range.end())
            } else {
                defaults.connect_timeout_secs
            };
            changed.push("connect_timeout_secs");
        }
        if !(self.tcp_idle_timeout_secs.is_finite()
            && (0.0..=MAX_IDLE_TIMEOUT_SECS).contains(&self.tcp_idle_timeout_secs))
        {
            self.tcp_idle_timeout_secs = 0.0;
            changed.push("tcp_idle_timeout_secs");
        }
        if self.max_clients == 0 {
            self.max_clients = defaults.max_clients;
            changed.push("max_clients");
        }
        if self.tftp_max_per_address == 0 {
            self.tftp_max_per_address = defaults.tftp_max_per_address;
            changed.push("tftp_max_per_address");
        }
        if self.loop_period_ms == 0 {
            self.loop_period_ms = defaults.loop_period_ms;
            changed.push("loop_period_ms");
        }
        if self.log_max_entries == 0 {
            self.log_max_entries = defaults.log_max_entries;
            changed.push("log_max_entries");
        }
        changed
    }

    /// The TCP client's connect timeout, always a valid `Duration`: a value
    /// outside `CONNECT_TIMEOUT_SECS` is clamped, and one that is not a
    /// number is the default.
    pub fn connect_timeout(&self) -> Duration {
        let range = crate::net::CONNECT_TIMEOUT_SECS;
        let secs = if self.connect_timeout_secs.is_finite() {
            self.connect_timeout_secs
                .clamp(*range.start(), *range.end())
        } else {
            Settings::default().connect_timeout_secs
        };
        Duration::try_from_secs_f64(secs).unwrap_or(crate::net::DEFAULT_CONNECT_TIMEOUT)
    }
}

/// The file name, beside eframe's `app.ron`, that keeps a saved window
/// which could not be read in full, so nothing the user had is lost.
pub const UNREADABLE_BACKUP_NAME: &str = "netassist-window.unreadable.ron";

/// What loading a saved window kept, and what it could not read.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// The fields (as `tab 1: max_clients`) that were unreadable and are
    /// back at their defaults.
    pub dropped: Vec<String>,
}

/// Reads a saved window from its RON text, keeping every field that can be
/// read: a field of the wrong type, an unknown enum variant or a truncated
/// end loses only that field, not every tab, profile and history entry.
///
/// RON's own value type forgets enum variant names, so the text is cut at
/// its top-level commas here and each field is read on its own, as the
/// typed struct with only that field set.
pub fn load_window_lenient<W>(text: &str, read: impl Fn(LenientParts) -> W) -> (W, LoadReport) {
    let mut report = LoadReport::default();
    let mut parts = LenientParts::default();
    let Some(items) = top_level_items(text) else {
        report.dropped.push("the whole saved window".to_owned());
        return (read(parts), report);
    };
    for item in items {
        let Some((key, value)) = split_key(item) else {
            continue;
        };
        match key {
            "tabs" => match top_level_items(value) {
                Some(tabs) => {
                    for (index, tab) in tabs.into_iter().enumerate() {
                        let (settings, dropped) = lenient_settings(tab);
                        report.dropped.extend(
                            dropped
                                .into_iter()
                                .map(|f| format!("tab {}: {f}", index + 1)),
                        );
                        parts.tabs.push(settings);
                    }
                }
                None => report.dropped.push("tabs".to_owned()),
            },
            "active" => match ron::from_str::<usize>(value) {
                Ok(active) => parts.active = active,
                Err(_) => report.dropped.push("active".to_owned()),
            },
            "profiles" => match top_level_items(value) {
                Some(entries) => {
                    for entry in entries {
                        let Some((name, profile)) = split_key(entry) else {
                            continue;
                        };
                        let Ok(name) = ron::from_str::<String>(name) else {
                            report.dropped.push(format!("profile {name}"));
                            continue;
                        };
                        let (settings, dropped) = lenient_settings(profile);
                        report
                            .dropped
                            .extend(dropped.into_iter().map(|f| format!("profile {name}: {f}")));
                        parts.profiles.insert(name, settings);
                    }
                }
                None => report.dropped.push("profiles".to_owned()),
            },
            _ => {}
        }
    }
    (read(parts), report)
}

/// The pieces of a saved window, read one by one.
#[derive(Debug, Default)]
pub struct LenientParts {
    pub tabs: Vec<Settings>,
    pub active: usize,
    pub profiles: BTreeMap<String, Settings>,
}

/// One tab's settings, keeping each field that reads; returns the names of
/// those that did not (or were out of range and were reset).
pub fn lenient_settings(text: &str) -> (Settings, Vec<String>) {
    let mut dropped = Vec::new();
    let mut settings = match ron::from_str::<Settings>(text) {
        Ok(settings) => settings,
        Err(_) => {
            let mut kept = Vec::new();
            match top_level_items(text) {
                Some(items) => {
                    for item in items {
                        let Some((key, _)) = split_key(item) else {
                            continue;
                        };
                        if ron::from_str::<Settings>(&format!("({item})")).is_ok() {
                            kept.push(item);
                        } else {
                            dropped.push(key.to_owned());
                        }
                    }
                }
                None => dropped.push("all fields".to_owned()),
            }
            ron::from_str::<Settings>(&format!("({})", kept.join(","))).unwrap_or_default()
        }
    };
    dropped.extend(settings.sanitize().into_iter().map(str::to_owned));
    (settings, dropped)
}

/// The items of a RON struct, list or map (`(a:1,b:2)`, `[x,y]`,
/// `{"k":v}`) split at their top-level commas, strings and nesting
/// respected. A text cut short yields the items before the cut and the cut
/// one (which then fails to read on its own). `None` when the text does not
/// start with an opening bracket.
fn top_level_items(text: &str) -> Option<Vec<&str>> {
    let text = text.trim_start();
    let open = text.chars().next()?;
    if !matches!(open, '(' | '[' | '{') {
        return None;
    }
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut quotes = Quotes::default();
    let mut start = 1;
    for (at, c) in text.char_indices() {
        if quotes.take(c) {
            continue;
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    push_item(&mut items, &text[start..at]);
                    return Some(items);
                }
            }
            ',' if depth == 1 => {
                push_item(&mut items, &text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    push_item(&mut items, text.get(start..).unwrap_or(""));
    Some(items)
}

/// Whether a scan of RON text is inside a string literal.
#[derive(Default)]
struct Quotes {
    in_string: bool,
    escaped: bool,
}

impl Quotes {
    /// Takes the next character; true when it belongs to a string literal
    /// (its quotes included), so the scan must not read it as syntax.
    fn take(&mut self, c: char) -> bool {
        if self.in_string {
            match (self.escaped, c) {
                (true, _) => self.escaped = false,
                (false, '\\') => self.escaped = true,
                (false, '"') => self.in_string = false,
                _ => {}
            }
            return true;
        }
        if c == '"' {
            self.in_string = true;
            return true;
        }
        false
    }
}

fn push_item<'a>(items: &mut Vec<&'a str>, item: &'a str) {
    let item = item.trim();
    if !item.is_empty() {
        items.push(item);
    }
}

/// `key: value` split at the first top-level colon (outside strings).
fn split_key(item: &str) -> Option<(&str, &str)> {
    let mut quotes = Quotes::default();
    for (at, c) in item.char_indices() {
        if quotes.take(c) {
            continue;
        }
        match c {
            ':' => return Some((item[..at].trim(), item[at + 1..].trim())),
            '(' | '[' | '{' => return None,
            _ => {}
        }
    }
    None
}

/// Keeps `text`, a saved window that could not be read in full, as
/// `UNREADABLE_BACKUP_NAME` in `dir`; returns the backup's path.
pub fn write_unreadable_backup(
    dir: &std::path::Path,
    text: &[u8],
) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(UNREADABLE_BACKUP_NAME);
    std::fs::write(&path, text)?;
    Ok(path)
}

/// eframe silently starts from nothing, and later overwrites the file, when
/// its `app.ron` cannot be read at all (binary junk, a truncated file).
/// Before the window opens, such a file is kept beside it as
/// `app.ron.unreadable`, and the problem is returned for the window to say.
pub fn keep_unreadable_storage_file(path: &std::path::Path) -> Option<super::LoadProblem> {
    let bytes = std::fs::read(path).ok()?;
    let readable = std::str::from_utf8(&bytes).ok().is_some_and(|text| {
        ron::from_str::<std::collections::HashMap<String, String>>(text).is_ok()
    });
    if readable {
        return None;
    }
    let mut backup_path = path.as_os_str().to_owned();
    backup_path.push(".unreadable");
    let backup_path = std::path::PathBuf::from(backup_path);
    let backup = std::fs::write(&backup_path, &bytes)
        .map(|()| backup_path)
        .map_err(|e| e.to_string());
    Some(super::LoadProblem {
        dropped: vec!["app.ron".to_owned()],
        backup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_items_respect_strings_nesting_and_a_cut() {
        let text = r#"(history:["a,b)","q\"(,"],lang:Fr,addrs:{"udp":(local_port:"1,2")})"#;
        assert_eq!(
            top_level_items(text).unwrap(),
            vec![
                r#"history:["a,b)","q\"(,"]"#,
                "lang:Fr",
                r#"addrs:{"udp":(local_port:"1,2")}"#
            ]
        );
        assert_eq!(
            split_key(r#"addrs:{"udp":(x:1)}"#),
            Some(("addrs", r#"{"udp":(x:1)}"#))
        );
        assert_eq!(split_key(r#""a:b":(x:1)"#), Some((r#""a:b""#, "(x:1)")));
        assert_eq!(
            top_level_items("(a:1,b:[1,2").unwrap(),
            vec!["a:1", "b:[1,2"]
        );
        assert_eq!(top_level_items("junk"), None);
    }

    #[test]
    fn a_bad_field_beside_tricky_history_keeps_the_history() {
        let mut settings = Settings {
            history: vec!["a,b)".into(), "q\"(,".into(), "lang:Fr".into()],
            ..Settings::default()
        };
        settings.addr_mut().local_port = "1,2".into();
        let text = ron::ser::to_string(&settings)
            .unwrap()
            .replace("max_clients:1024", "max_clients:\"lots\"");
        let (loaded, dropped) = lenient_settings(&text);
        assert_eq!(dropped, vec!["max_clients"]);
        assert_eq!(loaded, settings);
    }

    #[test]
    fn a_second_udp_tab_does_not_send_to_itself_but_to_the_first() {
        let first = Settings::for_new_tab(Protocol::Udp, Lang::En, false, &[]);
        assert_eq!(first.addr().local_port, "8080");
        assert_eq!(first.addr().remote_port, "8081");
        let second = Settings::for_new_tab(Protocol::Udp, Lang::En, false, &[8080]);
        assert_eq!(second.addr().local_port, "8081");
        assert_eq!(second.addr().remote_port, "8080");
        let third = Settings::for_new_tab(Protocol::Udp, Lang::En, false, &[8080, 8081]);
        assert_eq!(third.addr().local_port, "8082");
        assert_eq!(third.addr().remote_port, "8081");
    }

    #[test]
    fn a_new_tab_port_steps_past_other_tabs_and_tftp_keeps_69() {
        assert_eq!(default_local_port(Protocol::TcpServer, &[]), "8080");
        assert_eq!(
            default_local_port(Protocol::TcpServer, &[8080, 8081, 9000]),
            "8082"
        );
        assert_eq!(default_local_port(Protocol::Udp, &[8081]), "8080");
        assert_eq!(default_local_port(Protocol::TftpServer, &[69]), "69");
        assert_eq!(default_local_port(Protocol::TcpClient, &[0, 8080]), "0");
        let settings = Settings::for_new_tab(Protocol::TcpServer, Lang::Zh, true, &[8080]);
        assert_eq!(settings.addr().local_port, "8081");
        assert_eq!((settings.lang, settings.dark_mode), (Lang::Zh, true));
        assert!(settings.auto_replies.is_empty());
    }
}

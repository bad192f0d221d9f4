//! What the window remembers across restarts, and how command-line flags
//! preset it.
//!
//! In memory the settings are typed and grouped by what they are about
//! ([`Settings`]); on disk they keep the flat form every earlier version
//! wrote ([`SettingsFile`]), so a file saved before the grouping loads
//! whole (`file.rs`), and the lenient loader (`lenient.rs`) still reads
//! it field by field.

mod file;
mod lenient;
mod security;

pub use file::SettingsFile;
pub use lenient::{
    LenientParts, LoadReport, UNREADABLE_BACKUP_NAME, keep_unreadable_storage_file,
    lenient_settings, load_window_lenient, write_unreadable_backup,
};
pub use security::{
    DEFAULT_WS_URL, IdentityChoice, SecurityFile, SecuritySettings, TlsFileField, VerifyChoice,
};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::i18n::{self, Lang};
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
            Protocol::TlsClient => (0, 443),
            Protocol::TlsServer => (8443, 8443),
            Protocol::WsClient => (0, 8080),
            Protocol::WsServer => (8080, 8080),
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

    /// The remote host and port as a UDP session was told them, trimmed:
    /// what a send compares to know whether the field was edited since.
    pub fn remote_key(&self) -> RemoteKey {
        RemoteKey {
            host: self.remote_host.trim().to_owned(),
            port: self.remote_port.trim().to_owned(),
        }
    }
}

/// The remote fields as last given to a session (trimmed), compared as a
/// pair instead of joined into one string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteKey {
    pub host: String,
    pub port: String,
}

/// How bytes become text and text becomes bytes, both ways.
///
/// As in NetAssist, one encoding (字符集) serves both directions:
/// `rx_encoding` is it, and sends use it too. Separate encodings are an
/// explicit choice (`separate_encodings`); only then is `tx_encoding` the
/// send encoding. Read the send encoding with
/// [`TextSettings::send_encoding`], and change encodings with the setters,
/// which keep `tx_encoding` equal to the 字符集 while there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSettings {
    pub rx_encoding: Encoding,
    pub tx_encoding: Encoding,
    /// 分开设置收发编码: sends use `tx_encoding`, not the 字符集.
    pub separate_encodings: bool,
    pub rx_hex: bool,
    pub tx_hex: bool,
    /// `\r \n \t \\ \xHH` in the send box are escapes.
    pub escapes: bool,
    pub line_ending: LineEnding,
}

impl TextSettings {
    /// The encoding a text is sent in: the one 字符集, or with separate
    /// encodings the send encoding.
    pub fn send_encoding(&self) -> Encoding {
        if self.separate_encodings {
            self.tx_encoding
        } else {
            self.rx_encoding
        }
    }

    /// Sets the receive encoding, which is the 字符集 of both directions
    /// unless they are set separately.
    pub fn set_receive_encoding(&mut self, encoding: Encoding) {
        self.rx_encoding = encoding;
        if !self.separate_encodings {
            self.tx_encoding = encoding;
        }
    }

    /// Sets the send encoding (the separate combo's, or a loaded quick
    /// command's). With one 字符集, a different one makes the encodings
    /// separate: the receive encoding, and the rows already shown, stay
    /// as they were, and the tick says what happened.
    pub fn set_send_encoding(&mut self, encoding: Encoding) {
        if encoding != self.send_encoding() {
            self.separate_encodings = true;
        }
        self.tx_encoding = encoding;
    }

    /// Turns separate encodings on or off. Either way the send encoding
    /// starts as the 字符集: ticking changes nothing until a second
    /// encoding is chosen, and unticking goes back to one for both.
    pub fn set_separate_encodings(&mut self, separate: bool) {
        if !separate || !self.separate_encodings {
            self.tx_encoding = self.rx_encoding;
        }
        self.separate_encodings = separate;
    }
}

/// The encoding a window starts with when there is no settings file (its
/// first start): GBK in 简体中文, as NetAssist on Chinese Windows and the
/// Chinese UDP tutorials (GB2312) use it, UTF-8 in English. A new tab
/// starts with it too. A saved choice is never replaced by it.
pub fn first_start_encoding(lang: Lang) -> Encoding {
    match lang {
        Lang::Zh => Encoding::Gbk,
        Lang::En => Encoding::Utf8,
    }
}

/// How the log is shown and how much of it is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSettings {
    pub show_time: bool,
    pub auto_scroll: bool,
    pub log_max_entries: usize,
    /// 自动换行: long rows wrap instead of being cut at the column's edge.
    pub wrap_rows: bool,
    /// 接收数据不显示: the log draws no rows, only a one-line notice;
    /// entries are still stored, counted and saved to the receive file.
    pub hide_received: bool,
}

/// The send box: what happens after a send, loop send, the history and
/// the quick commands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendSettings {
    pub clear_after_send: bool,
    /// Loop send: resend every `loop_period_ms`, `loop_count` times (0: until stopped).
    pub loop_enabled: bool,
    pub loop_period_ms: u64,
    pub loop_count: u64,
    /// Sent messages, oldest first (历史发送).
    pub history: Vec<String>,
    /// Named messages sent with one click or F1–F12 (快捷指令).
    pub quick_commands: Vec<QuickCommand>,
}

/// UDP only: where answers go, broadcast and multicast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UdpSettings {
    pub reply_to_last_sender: bool,
    pub broadcast: bool,
    /// Multicast groups joined at open, and the TTL of sent datagrams.
    pub multicast_groups: String,
    /// The address of the interface the groups are joined on (empty: any).
    pub multicast_interface: String,
    pub multicast_ttl: u32,
}

/// TCP server limits and the TCP client's connect timeout.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpSettings {
    pub max_clients: usize,
    /// TCP server: drop a client idle for this many seconds (0: never).
    pub idle_timeout_secs: f64,
    /// TCP server: most clients from one IP address (0: no limit).
    pub max_clients_per_ip: usize,
    pub connect_timeout_secs: f64,
}

/// The TFTP server's folder and limits, and the TFTP client's transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TftpSettings {
    pub root: PathBuf,
    pub allow_write: bool,
    pub allow_overwrite: bool,
    /// Transfers at once from one address (IPv6: one /64).
    pub max_per_address: usize,
    /// The name on the server (a text, not a local path).
    pub remote_file: String,
    pub local_file: PathBuf,
    pub local_dir: PathBuf,
    pub blksize: u16,
    pub windowsize: u16,
    pub mode: Mode,
}

/// 接收保存到文件: the file, and whether it gets log lines (else raw bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RxFileSettings {
    pub path: PathBuf,
    pub lines: bool,
}

/// The tools drawer: auto-reply, framing and checksums.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolSettings {
    /// 自动应答: rules applied to every received message.
    pub auto_replies: Vec<AutoReplySetting>,
    /// 分包设置: how TCP streams are cut into messages in the log.
    pub framing: FramingSetting,
    /// A checksum appended to every sent message (校验), and one checked
    /// at the end of every received message.
    pub tx_checksum: Option<Checksum>,
    pub rx_checksum: Option<Checksum>,
}

/// One tab's settings, grouped by what they are about. Saved and loaded
/// as the flat [`SettingsFile`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "SettingsFile", into = "SettingsFile")]
pub struct Settings {
    pub lang: Lang,
    pub dark_mode: bool,
    pub protocol: Protocol,
    /// The address fields of each protocol the tab has shown.
    pub addrs: HashMap<Protocol, AddrFields>,
    pub text: TextSettings,
    pub view: ViewSettings,
    pub send: SendSettings,
    pub udp: UdpSettings,
    pub tcp: TcpSettings,
    pub tftp: TftpSettings,
    pub rx_file: RxFileSettings,
    pub tools: ToolSettings,
    /// TLS and WebSocket (issue 14).
    pub sec: SecuritySettings,
}

/// A saved message: text in its own encoding, or HEX, and the pause after
/// it when the list runs as a sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickCommand {
    pub name: String,
    pub text: String,
    pub hex: bool,
    pub encoding: Encoding,
    pub delay_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        let current_dir = std::env::current_dir().unwrap_or_default();
        Settings {
            lang: Lang::from_system(),
            dark_mode: false,
            protocol: Protocol::Udp,
            addrs: HashMap::new(),
            text: TextSettings {
                rx_encoding: Encoding::Utf8,
                tx_encoding: Encoding::Utf8,
                separate_encodings: false,
                rx_hex: false,
                tx_hex: false,
                escapes: true,
                line_ending: LineEnding::None,
            },
            view: ViewSettings {
                show_time: true,
                auto_scroll: true,
                log_max_entries: crate::log::LogStore::DEFAULT_MAX_ENTRIES,
                wrap_rows: false,
                hide_received: false,
            },
            send: SendSettings {
                clear_after_send: false,
                loop_enabled: false,
                loop_period_ms: 1000,
                loop_count: 0,
                history: Vec::new(),
                quick_commands: Vec::new(),
            },
            udp: UdpSettings {
                reply_to_last_sender: false,
                broadcast: false,
                multicast_groups: String::new(),
                multicast_interface: String::new(),
                multicast_ttl: crate::net::DEFAULT_MULTICAST_TTL,
            },
            tcp: TcpSettings {
                max_clients: crate::net::DEFAULT_MAX_CLIENTS,
                idle_timeout_secs: 0.0,
                max_clients_per_ip: 0,
                connect_timeout_secs: crate::net::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
            },
            tftp: TftpSettings {
                // No folder is served until the user chooses one, as the
                // CLI needs --root; uploads stay off until then (and after,
                // until ticked), as the CLI needs --allow-write.
                root: PathBuf::new(),
                allow_write: false,
                allow_overwrite: false,
                max_per_address: crate::tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
                remote_file: String::new(),
                local_file: PathBuf::new(),
                local_dir: current_dir,
                blksize: tftp::DEFAULT_CLIENT_BLKSIZE,
                windowsize: tftp::DEFAULT_CLIENT_WINDOWSIZE,
                mode: Mode::default(),
            },
            rx_file: RxFileSettings {
                path: PathBuf::new(),
                lines: false,
            },
            tools: ToolSettings {
                auto_replies: Vec::new(),
                framing: FramingSetting::default(),
                tx_checksum: None,
                rx_checksum: None,
            },
            sec: SecuritySettings::default(),
        }
    }
}

/// A path field's text without the spaces around it, as the window's
/// text fields always took it (a path that is not Unicode is kept as is).
pub fn trimmed_path(path: &Path) -> PathBuf {
    match path.to_str() {
        Some(text) => PathBuf::from(text.trim()),
        None => path.to_owned(),
    }
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
    if port == 0 || protocol.is_tftp() {
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
        let secs = self.tcp.idle_timeout_secs;
        (secs.is_finite() && secs > 0.0)
            .then(|| Duration::from_secs_f64(secs.min(MAX_IDLE_TIMEOUT_SECS)))
    }

    /// The TCP server's per-address client limit; 0 is none.
    pub fn tcp_max_clients_per_ip(&self) -> Option<usize> {
        (self.tcp.max_clients_per_ip > 0).then_some(self.tcp.max_clients_per_ip)
    }

    /// The settings of a window started without a settings file: the
    /// defaults in `lang`, with that language's encoding
    /// ([`first_start_encoding`]).
    pub fn first_start(lang: Lang) -> Settings {
        let mut settings = Settings {
            lang,
            ..Settings::default()
        };
        settings
            .text
            .set_receive_encoding(first_start_encoding(lang));
        settings
    }

    /// A new tab: the defaults of `protocol` (no auto-reply rules, no
    /// history) and the encoding of a first start, in the window's
    /// language and theme, and the next local port no other tab uses (see
    /// [`default_local_port`]).
    pub fn for_new_tab(protocol: Protocol, lang: Lang, dark_mode: bool, taken: &[u16]) -> Settings {
        let mut settings = Settings {
            dark_mode,
            protocol,
            ..Settings::first_start(lang)
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
        if !self.protocol.listens() {
            return None;
        }
        self.addr()
            .local_port
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
    }

    /// The address fields of the current protocol.
    pub fn addr(&self) -> AddrFields {
        self.addrs
            .get(&self.protocol)
            .cloned()
            .unwrap_or_else(|| AddrFields::defaults(self.protocol))
    }

    pub fn addr_mut(&mut self) -> &mut AddrFields {
        let protocol = self.protocol;
        self.addrs
            .entry(protocol)
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
                None => problems.push(format!(
                    "{} '{lang}': {}",
                    self.lang.t(&i18n::FLAG_UNKNOWN_LANGUAGE),
                    self.lang.t(&i18n::FLAG_LANGUAGE_CHOICES)
                )),
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
                Err(e) => problems.push(format!(
                    "{flag}: {}",
                    i18n::sentences::addr_error(self.lang, &e)
                )),
            }
        }
        // As for the CLI: `--encoding` is both directions, and
        // `--rx-encoding` / `--tx-encoding` override one of them. In the
        // window, two different ones are separate encodings.
        let (mut rx, mut tx) = (self.text.rx_encoding, self.text.send_encoding());
        let mut separate = self.text.separate_encodings;
        for (flag, label, targets) in [
            ("--encoding", &args.encoding, (true, true)),
            ("--rx-encoding", &args.rx_encoding, (true, false)),
            ("--tx-encoding", &args.tx_encoding, (false, true)),
        ] {
            let Some(label) = label else { continue };
            match label.parse::<Encoding>() {
                Ok(encoding) => {
                    if targets.0 {
                        rx = encoding;
                    }
                    if targets.1 {
                        tx = encoding;
                    }
                    if targets == (true, true) {
                        separate = false;
                    }
                }
                Err(e) => problems.push(format!(
                    "{flag} {}",
                    i18n::sentences::unknown_choice(self.lang, &e)
                )),
            }
        }
        self.text.set_separate_encodings(separate || rx != tx);
        self.text.set_receive_encoding(rx);
        if self.text.separate_encodings {
            self.text.tx_encoding = tx;
        }
        if args.hex {
            self.text.rx_hex = true;
            self.text.tx_hex = true;
        }
        if args.escapes {
            self.text.escapes = true;
        }
        if let Some(ending) = args.line_ending {
            self.text.line_ending = ending;
        }
        if args.reply_to_last {
            self.udp.reply_to_last_sender = true;
        }
        if args.broadcast {
            self.udp.broadcast = true;
        }
        if let Some(max_clients) = args.max_clients {
            self.tcp.max_clients = max_clients;
        }
        if let Some(secs) = args.idle_timeout {
            if secs.is_finite() && secs > 0.0 {
                self.tcp.idle_timeout_secs = secs.min(MAX_IDLE_TIMEOUT_SECS);
            } else {
                problems.push(format!(
                    "--idle-timeout: '{secs}' {}",
                    self.lang.t(&i18n::FLAG_IDLE_TIMEOUT)
                ));
            }
        }
        if let Some(per_ip) = args.max_clients_per_ip {
            self.tcp.max_clients_per_ip = per_ip;
        }
        if let Some(secs) = args.connect_timeout {
            self.tcp.connect_timeout_secs = secs;
        }
        if let Some(root) = &args.root {
            self.tftp.root = root.clone();
        }
        if args.allow_write {
            self.tftp.allow_write = true;
        }
        if args.overwrite {
            self.tftp.allow_overwrite = true;
        }
        if let Some(max) = args.max_transfers_per_address {
            self.tftp.max_per_address = max;
        }
        if let Some(name) = &args.get {
            self.tftp.remote_file = name.clone();
        }
        if let Some(file) = &args.put {
            self.tftp.local_file = file.clone();
        }
        if let Some(dir) = &args.dir {
            self.tftp.local_dir = dir.clone();
        }
        if let Some(blksize) = args.blksize {
            self.tftp.blksize = blksize;
        }
        if let Some(windowsize) = args.windowsize {
            self.tftp.windowsize = windowsize;
        }
        if let Some(mode) = args.tftp_mode {
            self.tftp.mode = mode;
        }
        self.sec
            .apply_args(self.protocol.presents_certificate(), args);
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_first_start_encoding_follows_the_language() {
        let zh = Settings::first_start(Lang::Zh);
        assert_eq!(
            (zh.text.rx_encoding, zh.text.send_encoding()),
            (Encoding::Gbk, Encoding::Gbk)
        );
        assert!(!zh.text.separate_encodings);
        let en = Settings::first_start(Lang::En);
        assert_eq!(
            (en.text.rx_encoding, en.text.send_encoding()),
            (Encoding::Utf8, Encoding::Utf8)
        );
        let tab = Settings::for_new_tab(Protocol::TcpServer, Lang::Zh, false, &[]);
        assert_eq!(tab.text.send_encoding(), Encoding::Gbk);
    }

    #[test]
    fn one_encoding_serves_both_directions_until_separated() {
        let mut text = Settings::default().text;
        text.set_receive_encoding(Encoding::Gbk);
        assert_eq!(text.send_encoding(), Encoding::Gbk);
        text.set_separate_encodings(true);
        assert_eq!(text.send_encoding(), Encoding::Gbk);
        text.set_send_encoding(Encoding::Utf8);
        text.set_receive_encoding(Encoding::Big5);
        assert_eq!(
            (text.rx_encoding, text.send_encoding()),
            (Encoding::Big5, Encoding::Utf8)
        );
        text.set_separate_encodings(false);
        assert_eq!(text.send_encoding(), Encoding::Big5);
        // A loaded quick command in the same encoding changes nothing; in
        // another, sends use it and receiving stays as it was.
        text.set_send_encoding(Encoding::Big5);
        assert!(!text.separate_encodings);
        text.set_send_encoding(Encoding::Gbk);
        assert!(text.separate_encodings);
        assert_eq!(
            (text.rx_encoding, text.send_encoding()),
            (Encoding::Big5, Encoding::Gbk)
        );
    }

    #[test]
    fn encoding_flags_set_one_or_separate_encodings() {
        let args = |flags: &[&str]| {
            use clap::Parser;
            let mut all = vec!["netassist"];
            all.extend_from_slice(flags);
            Args::parse_from(all)
        };
        let mut settings = Settings::first_start(Lang::En);
        assert!(
            settings
                .apply_args(&args(&["--encoding", "gb2312"]))
                .is_empty()
        );
        assert_eq!(settings.text.send_encoding(), Encoding::Gbk);
        assert!(!settings.text.separate_encodings);
        settings.apply_args(&args(&["--tx-encoding", "utf-8"]));
        assert!(settings.text.separate_encodings);
        assert_eq!(
            (settings.text.rx_encoding, settings.text.send_encoding()),
            (Encoding::Gbk, Encoding::Utf8)
        );
        settings.apply_args(&args(&["--encoding", "big5"]));
        assert!(!settings.text.separate_encodings);
        assert_eq!(settings.text.send_encoding(), Encoding::Big5);
        settings.apply_args(&args(&["--rx-encoding", "gbk", "--tx-encoding", "gbk"]));
        assert!(!settings.text.separate_encodings);
        assert_eq!(settings.text.send_encoding(), Encoding::Gbk);
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
        assert!(settings.tools.auto_replies.is_empty());
    }
}

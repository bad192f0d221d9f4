//! What the window remembers across restarts, and how command-line flags
//! preset it.
//!
//! In memory the settings are typed and grouped by what they are about
//! ([`Settings`]); on disk they keep the flat form every earlier version
//! wrote ([`SettingsFile`]), so a file saved before the grouping loads
//! whole, and the lenient loader still reads it field by field.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::i18n::{self, Lang};
use super::load_problem::{DroppedField, DroppedSetting, SettingPlace};
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSettings {
    pub rx_encoding: Encoding,
    pub tx_encoding: Encoding,
    pub rx_hex: bool,
    pub tx_hex: bool,
    /// `\r \n \t \\ \xHH` in the send box are escapes.
    pub escapes: bool,
    pub line_ending: LineEnding,
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
        }
    }
}

/// One tab's settings as they are written to disk: the flat form of every
/// version before the settings were grouped (issue 10), kept so that old
/// files load and so that a bad field loses only itself (the lenient
/// loader reads this struct field by field). Addresses are keyed by the
/// protocol's CLI name and paths are text, as they always were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsFile {
    lang: Lang,
    dark_mode: bool,
    protocol: Protocol,
    addrs: BTreeMap<String, AddrFields>,
    rx_encoding: Encoding,
    tx_encoding: Encoding,
    rx_hex: bool,
    tx_hex: bool,
    show_time: bool,
    auto_scroll: bool,
    escapes: bool,
    line_ending: LineEnding,
    clear_after_send: bool,
    loop_enabled: bool,
    loop_period_ms: u64,
    loop_count: u64,
    reply_to_last_sender: bool,
    broadcast: bool,
    max_clients: usize,
    tcp_idle_timeout_secs: f64,
    tcp_max_clients_per_ip: usize,
    connect_timeout_secs: f64,
    log_max_entries: usize,
    // Added with issue 12's view preferences: a file without them loads
    // with both off (the struct's `serde(default)`), and they are written
    // only when on, so a window that never ticked them saves the very text
    // earlier versions wrote.
    #[serde(skip_serializing_if = "is_false")]
    wrap_rows: bool,
    #[serde(skip_serializing_if = "is_false")]
    hide_received: bool,
    tftp_root: String,
    tftp_allow_write: bool,
    tftp_allow_overwrite: bool,
    tftp_max_per_address: usize,
    tftp_remote_file: String,
    tftp_local_file: String,
    tftp_local_dir: String,
    tftp_blksize: u16,
    tftp_windowsize: u16,
    tftp_mode: Mode,
    rx_file_path: String,
    rx_file_lines: bool,
    auto_replies: Vec<AutoReplySetting>,
    framing: FramingSetting,
    tx_checksum: Option<Checksum>,
    rx_checksum: Option<Checksum>,
    multicast_groups: String,
    multicast_interface: String,
    multicast_ttl: u32,
    history: Vec<String>,
    quick_commands: Vec<QuickCommand>,
}

/// For `skip_serializing_if`: a tick that is off is not written.
fn is_false(value: &bool) -> bool {
    !*value
}

impl Default for SettingsFile {
    fn default() -> Self {
        Settings::default().into()
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

/// A path as the file keeps it: its text (a path that is not Unicode,
/// which only a typed or picked path could be, keeps its readable part).
fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl From<Settings> for SettingsFile {
    fn from(settings: Settings) -> Self {
        let Settings {
            lang,
            dark_mode,
            protocol,
            addrs,
            text,
            view,
            send,
            udp,
            tcp,
            tftp,
            rx_file,
            tools,
        } = settings;
        SettingsFile {
            lang,
            dark_mode,
            protocol,
            addrs: addrs
                .into_iter()
                .map(|(protocol, fields)| (protocol.cli_name().to_owned(), fields))
                .collect(),
            rx_encoding: text.rx_encoding,
            tx_encoding: text.tx_encoding,
            rx_hex: text.rx_hex,
            tx_hex: text.tx_hex,
            show_time: view.show_time,
            auto_scroll: view.auto_scroll,
            escapes: text.escapes,
            line_ending: text.line_ending,
            clear_after_send: send.clear_after_send,
            loop_enabled: send.loop_enabled,
            loop_period_ms: send.loop_period_ms,
            loop_count: send.loop_count,
            reply_to_last_sender: udp.reply_to_last_sender,
            broadcast: udp.broadcast,
            max_clients: tcp.max_clients,
            tcp_idle_timeout_secs: tcp.idle_timeout_secs,
            tcp_max_clients_per_ip: tcp.max_clients_per_ip,
            connect_timeout_secs: tcp.connect_timeout_secs,
            log_max_entries: view.log_max_entries,
            wrap_rows: view.wrap_rows,
            hide_received: view.hide_received,
            tftp_root: path_text(&tftp.root),
            tftp_allow_write: tftp.allow_write,
            tftp_allow_overwrite: tftp.allow_overwrite,
            tftp_max_per_address: tftp.max_per_address,
            tftp_remote_file: tftp.remote_file,
            tftp_local_file: path_text(&tftp.local_file),
            tftp_local_dir: path_text(&tftp.local_dir),
            tftp_blksize: tftp.blksize,
            tftp_windowsize: tftp.windowsize,
            tftp_mode: tftp.mode,
            rx_file_path: path_text(&rx_file.path),
            rx_file_lines: rx_file.lines,
            auto_replies: tools.auto_replies,
            framing: tools.framing,
            tx_checksum: tools.tx_checksum,
            rx_checksum: tools.rx_checksum,
            multicast_groups: udp.multicast_groups,
            multicast_interface: udp.multicast_interface,
            multicast_ttl: udp.multicast_ttl,
            history: send.history,
            quick_commands: send.quick_commands,
        }
    }
}

impl From<SettingsFile> for Settings {
    /// An address entry under a name no protocol has (written by a newer
    /// version, or edited by hand) is left out: there is no tab it could
    /// belong to.
    fn from(file: SettingsFile) -> Self {
        let SettingsFile {
            lang,
            dark_mode,
            protocol,
            addrs,
            rx_encoding,
            tx_encoding,
            rx_hex,
            tx_hex,
            show_time,
            auto_scroll,
            escapes,
            line_ending,
            clear_after_send,
            loop_enabled,
            loop_period_ms,
            loop_count,
            reply_to_last_sender,
            broadcast,
            max_clients,
            tcp_idle_timeout_secs,
            tcp_max_clients_per_ip,
            connect_timeout_secs,
            log_max_entries,
            wrap_rows,
            hide_received,
            tftp_root,
            tftp_allow_write,
            tftp_allow_overwrite,
            tftp_max_per_address,
            tftp_remote_file,
            tftp_local_file,
            tftp_local_dir,
            tftp_blksize,
            tftp_windowsize,
            tftp_mode,
            rx_file_path,
            rx_file_lines,
            auto_replies,
            framing,
            tx_checksum,
            rx_checksum,
            multicast_groups,
            multicast_interface,
            multicast_ttl,
            history,
            quick_commands,
        } = file;
        Settings {
            lang,
            dark_mode,
            protocol,
            addrs: addrs
                .into_iter()
                .filter_map(|(name, fields)| {
                    let protocol = Protocol::ALL.into_iter().find(|p| p.cli_name() == name)?;
                    Some((protocol, fields))
                })
                .collect(),
            text: TextSettings {
                rx_encoding,
                tx_encoding,
                rx_hex,
                tx_hex,
                escapes,
                line_ending,
            },
            view: ViewSettings {
                show_time,
                auto_scroll,
                log_max_entries,
                wrap_rows,
                hide_received,
            },
            send: SendSettings {
                clear_after_send,
                loop_enabled,
                loop_period_ms,
                loop_count,
                history,
                quick_commands,
            },
            udp: UdpSettings {
                reply_to_last_sender,
                broadcast,
                multicast_groups,
                multicast_interface,
                multicast_ttl,
            },
            tcp: TcpSettings {
                max_clients,
                idle_timeout_secs: tcp_idle_timeout_secs,
                max_clients_per_ip: tcp_max_clients_per_ip,
                connect_timeout_secs,
            },
            tftp: TftpSettings {
                root: PathBuf::from(tftp_root),
                allow_write: tftp_allow_write,
                allow_overwrite: tftp_allow_overwrite,
                max_per_address: tftp_max_per_address,
                remote_file: tftp_remote_file,
                local_file: PathBuf::from(tftp_local_file),
                local_dir: PathBuf::from(tftp_local_dir),
                blksize: tftp_blksize,
                windowsize: tftp_windowsize,
                mode: tftp_mode,
            },
            rx_file: RxFileSettings {
                path: PathBuf::from(rx_file_path),
                lines: rx_file_lines,
            },
            tools: ToolSettings {
                auto_replies,
                framing,
                tx_checksum,
                rx_checksum,
            },
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
        let secs = self.tcp.idle_timeout_secs;
        (secs.is_finite() && secs > 0.0)
            .then(|| Duration::from_secs_f64(secs.min(MAX_IDLE_TIMEOUT_SECS)))
    }

    /// The TCP server's per-address client limit; 0 is none.
    pub fn tcp_max_clients_per_ip(&self) -> Option<usize> {
        (self.tcp.max_clients_per_ip > 0).then_some(self.tcp.max_clients_per_ip)
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
        for (flag, label, targets) in [
            ("--encoding", &args.encoding, (true, true)),
            ("--rx-encoding", &args.rx_encoding, (true, false)),
            ("--tx-encoding", &args.tx_encoding, (false, true)),
        ] {
            let Some(label) = label else { continue };
            match label.parse::<Encoding>() {
                Ok(encoding) => {
                    if targets.0 {
                        self.text.rx_encoding = encoding;
                    }
                    if targets.1 {
                        self.text.tx_encoding = encoding;
                    }
                }
                Err(e) => problems.push(format!(
                    "{flag} {}",
                    i18n::sentences::unknown_choice(self.lang, &e)
                )),
            }
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
            self.tcp.max_clients = max_clients.max(1);
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
            self.tftp.max_per_address = max.max(1);
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

/// The file name, beside eframe's `app.ron`, that keeps a saved window
/// which could not be read in full, so nothing the user had is lost.
pub const UNREADABLE_BACKUP_NAME: &str = "netassist-window.unreadable.ron";

/// What loading a saved window kept, and what it could not read.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// The fields (as `tab 1: max_clients`) that were unreadable and are
    /// back at their defaults.
    pub dropped: Vec<DroppedSetting>,
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
        report
            .dropped
            .push(DroppedSetting::new(SettingPlace::Window, DroppedField::All));
        return (read(parts), report);
    };
    for item in items {
        let Some((key, value)) = split_key(item) else {
            continue;
        };
        match key {
            "tabs" => {
                match top_level_items(value) {
                    Some(tabs) => {
                        for (index, tab) in tabs.into_iter().enumerate() {
                            let (settings, dropped) = lenient_settings(tab);
                            report.dropped.extend(dropped.into_iter().map(|field| {
                                DroppedSetting::new(SettingPlace::Tab(index + 1), field)
                            }));
                            parts.tabs.push(settings);
                        }
                    }
                    None => report.dropped.push(DroppedSetting::window_key("tabs")),
                }
            }
            "active" => match ron::from_str::<usize>(value) {
                Ok(active) => parts.active = active,
                Err(_) => report.dropped.push(DroppedSetting::window_key("active")),
            },
            "profiles" => match top_level_items(value) {
                Some(entries) => {
                    for entry in entries {
                        let Some((name, profile)) = split_key(entry) else {
                            continue;
                        };
                        let Ok(name) = ron::from_str::<String>(name) else {
                            report.dropped.push(DroppedSetting::new(
                                SettingPlace::Profile(name.to_owned()),
                                DroppedField::All,
                            ));
                            continue;
                        };
                        let (settings, dropped) = lenient_settings(profile);
                        report.dropped.extend(dropped.into_iter().map(|field| {
                            DroppedSetting::new(SettingPlace::Profile(name.clone()), field)
                        }));
                        parts.profiles.insert(name, settings);
                    }
                }
                None => report.dropped.push(DroppedSetting::window_key("profiles")),
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
pub fn lenient_settings(text: &str) -> (Settings, Vec<DroppedField>) {
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
                            dropped.push(DroppedField::Named(key.to_owned()));
                        }
                    }
                }
                None => dropped.push(DroppedField::All),
            }
            ron::from_str::<Settings>(&format!("({})", kept.join(","))).unwrap_or_default()
        }
    };
    dropped.extend(
        settings
            .sanitize()
            .into_iter()
            .map(|field| DroppedField::Named(field.to_owned())),
    );
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
        .map_err(|e| Some(e.to_string()));
    Some(super::LoadProblem {
        dropped: vec![DroppedSetting::window_key("app.ron")],
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
        let mut settings = Settings::default();
        settings.send.history = vec!["a,b)".into(), "q\"(,".into(), "lang:Fr".into()];
        settings.addr_mut().local_port = "1,2".into();
        let text = ron::ser::to_string(&settings)
            .unwrap()
            .replace("max_clients:1024", "max_clients:\"lots\"");
        let (loaded, dropped) = lenient_settings(&text);
        assert_eq!(dropped, vec![DroppedField::Named("max_clients".into())]);
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
        assert!(settings.tools.auto_replies.is_empty());
    }
}

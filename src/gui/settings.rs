//! What the window remembers across restarts, and how command-line flags
//! preset it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::i18n::Lang;
use super::tools::{AutoReplySetting, FramingSetting};
use crate::cli::Args;
use crate::cli::args::{LineEndingArg, TftpModeArg};
use crate::net::{Endpoint, Protocol};
use crate::text::{Checksum, Encoding, LineEnding};
use crate::tftp::Mode;

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
            Protocol::Udp => ("8080", "8080"),
            Protocol::TcpClient => ("0", "8080"),
            Protocol::TcpServer => ("8080", "8080"),
            Protocol::TftpServer | Protocol::TftpClient => ("69", "69"),
        };
        AddrFields {
            local_host: "0.0.0.0".to_owned(),
            local_port: local_port.to_owned(),
            remote_host: "127.0.0.1".to_owned(),
            remote_port: remote_port.to_owned(),
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
            connect_timeout_secs: 5.0,
            log_max_entries: crate::log::LogStore::DEFAULT_MAX_ENTRIES,
            tftp_root: std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            tftp_allow_write: true,
            tftp_allow_overwrite: false,
            tftp_max_per_address: crate::tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
            tftp_remote_file: String::new(),
            tftp_local_file: String::new(),
            tftp_local_dir: std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            tftp_blksize: 1468,
            tftp_windowsize: 16,
            tftp_mode: Mode::Octet,
            auto_replies: Vec::new(),
            framing: FramingSetting::default(),
            tx_checksum: None,
            rx_checksum: None,
            multicast_groups: String::new(),
            multicast_interface: String::new(),
            multicast_ttl: 1,
            rx_file_path: String::new(),
            rx_file_lines: false,
            history: Vec::new(),
            quick_commands: Vec::new(),
        }
    }
}

/// The longest idle timeout the window offers (a day).
pub const MAX_IDLE_TIMEOUT_SECS: f64 = 86_400.0;

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
            self.protocol = mode.into();
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
            match Endpoint::parse(text) {
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
            match Encoding::from_label(label) {
                Some(encoding) => {
                    if targets.0 {
                        self.rx_encoding = encoding;
                    }
                    if targets.1 {
                        self.tx_encoding = encoding;
                    }
                }
                None => problems.push(format!("{flag}: unknown encoding '{label}'")),
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
            self.line_ending = match ending {
                LineEndingArg::None => LineEnding::None,
                LineEndingArg::Lf => LineEnding::Lf,
                LineEndingArg::Crlf => LineEnding::CrLf,
            };
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
            self.tftp_mode = match mode {
                TftpModeArg::Octet => Mode::Octet,
                TftpModeArg::Netascii => Mode::Netascii,
            };
        }
        problems
    }
}

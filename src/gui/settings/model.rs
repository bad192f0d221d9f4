//! The typed settings of one tab, grouped by what they are about, and
//! the values a tab starts with: [`Settings`] and its parts, their
//! defaults, a first start's and the address fields of each protocol.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{MAX_IDLE_TIMEOUT_SECS, SecuritySettings, SettingsFile};
use crate::gui::i18n::Lang;
use crate::gui::tools::{AutoReplySetting, FramingSetting};
use crate::net::Protocol;
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
    /// The date before the time (显示日期), for logs that run for days.
    pub show_date: bool,
    pub auto_scroll: bool,
    pub log_max_entries: usize,
    /// 自动换行: long rows wrap instead of being cut at the column's edge.
    pub wrap_rows: bool,
    /// 接收数据不显示: the log draws no rows, only a one-line notice;
    /// entries are still stored, counted and saved to the receive file.
    pub hide_received: bool,
}

impl ViewSettings {
    /// What the log's time column and its copies show.
    pub fn stamp(&self) -> crate::log::Stamp {
        crate::log::Stamp::of(self.show_time, self.show_date)
    }
}

/// The most of the send box's text the settings keep: a box holding more
/// (a pasted dump) starts empty rather than make every save write it.
pub const MAX_SAVED_BOX_BYTES: usize = 64 * 1024;

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
    /// What the send box held when the window was saved: it is there
    /// again at the next start, as NetAssist keeps it (up to
    /// [`MAX_SAVED_BOX_BYTES`]).
    pub box_text: String,
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
                show_date: false,
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
                box_text: String::new(),
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! The flat form a tab's settings take on disk, which every version has
//! written, and its conversion to and from the typed [`Settings`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{
    AddrFields, QuickCommand, RxFileSettings, SecurityFile, SendSettings, Settings, TcpSettings,
    TextSettings, TftpSettings, ToolSettings, UdpSettings, ViewSettings,
};
use crate::gui::i18n::Lang;
use crate::gui::tools::{AutoReplySetting, FramingSetting};
use crate::net::Protocol;
use crate::text::{Checksum, Encoding, LineEnding};
use crate::tftp::Mode;

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
    // Added with issue 12's one 字符集: earlier files have the two
    // encodings only, and two different ones mean separate encodings. It
    // is written only when it says more than that (separate, but both the
    // same so far), so a file with two different encodings is saved as
    // earlier versions wrote it.
    #[serde(skip_serializing_if = "is_false")]
    separate_encodings: bool,
    rx_hex: bool,
    tx_hex: bool,
    show_time: bool,
    // Added with issue 22: written only when ticked.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    show_date: bool,
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
    // Added with issue 22: written only when the box holds something, so
    // a file without it loads with an empty box.
    #[serde(skip_serializing_if = "String::is_empty")]
    send_box: String,
    // Added with issue 14 (TLS and WebSocket): a file without it loads
    // with the defaults, and it is written only once a field differs from
    // them, so a window that never used these saves what earlier versions
    // wrote.
    #[serde(skip_serializing_if = "SecurityFile::is_default")]
    security: SecurityFile,
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
            sec,
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
            // With one 字符集, that is the send encoding too.
            tx_encoding: text.send_encoding(),
            separate_encodings: text.separate_encodings && text.rx_encoding == text.send_encoding(),
            rx_hex: text.rx_hex,
            tx_hex: text.tx_hex,
            show_time: view.show_time,
            show_date: view.show_date,
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
            send_box: send.box_text,
            security: sec.into(),
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
            separate_encodings,
            rx_hex,
            tx_hex,
            show_time,
            show_date,
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
            send_box,
            security,
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
                separate_encodings: separate_encodings || rx_encoding != tx_encoding,
                rx_hex,
                tx_hex,
                escapes,
                line_ending,
            },
            view: ViewSettings {
                show_time,
                show_date,
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
                box_text: send_box,
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
            sec: security.into(),
        }
    }
}

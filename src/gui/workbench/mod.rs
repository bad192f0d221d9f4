//! The state of one session's workbench and everything that changes it:
//! opening and closing, sending, and applying the engine's events. No
//! drawing happens here (that is the `*_ui` files), so this logic is the
//! same whatever the window looks like.

mod events;
mod log_actions;
mod open;
mod send;

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::filter::{FilterCache, LogFilter};
use super::rate::RateHistory;
use super::rx_file::RxFile;
use super::settings::{QuickCommand, Settings};
use super::tools::{build_active_rules, parse_groups};
use crate::describe::Describer;
use crate::gui::i18n;
use crate::log::{Direction, LogPeer, LogStore, format_line, now_ms};
use crate::net::{
    self, Command, Endpoint, Event, Protocol, SessionConfig, SessionHandle, Target,
    TcpClientConfig, TcpServerConfig, UdpConfig, Waker,
};
use crate::text::{PeerFramers, Render, encode_text, parse_hex};
use crate::tftp::{self, ClientOp, ClientOptions, TransferDirection, TransferEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    Closed,
    Opening,
    Connecting(SocketAddr),
    /// UDP bound, TCP server listening, TFTP server serving.
    Open {
        local: SocketAddr,
    },
    /// TCP client connected.
    Connected {
        peer: SocketAddr,
    },
    /// A TFTP client transfer is running.
    Transferring,
    Closing,
}

/// Where a running sequence of quick commands is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequenceRun {
    pub next: usize,
    pub due: Instant,
}

/// How far a file send has come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProgress {
    pub name: String,
    pub sent: u64,
    pub total: Option<u64>,
}

/// Sent messages remembered for Up/Down and the history menu.
const MAX_HISTORY: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_msgs: u64,
    /// UDP datagrams (and their bytes) that arrived but were not kept
    /// because the window fell behind (`Event::RxDropped`).
    pub rx_dropped: u64,
    pub rx_dropped_bytes: u64,
}

#[derive(Clone, Debug)]
pub struct ClientRow {
    pub peer: SocketAddr,
    pub since_ms: i64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TransferState {
    Running,
    Done {
        elapsed: Duration,
    },
    /// The reason may quote the peer (its ERROR text).
    Failed(tftp::TransferFailure),
}

#[derive(Clone, Debug)]
pub struct TransferRow {
    pub id: u64,
    /// Distinguishes transfers of different sessions with the same id.
    pub session_serial: u64,
    /// The name the peer asked for (server) or the user gave (client).
    pub file: crate::text::PeerText,
    pub peer: SocketAddr,
    pub direction: TransferDirection,
    pub size: Option<u64>,
    pub bytes: u64,
    pub started: Instant,
    pub state: TransferState,
}

impl TransferRow {
    /// Bytes per second so far (or over the whole transfer once done).
    pub fn rate(&self) -> f64 {
        let secs = match &self.state {
            TransferState::Done { elapsed } => elapsed.as_secs_f64(),
            _ => self.started.elapsed().as_secs_f64(),
        };
        if secs > 0.0 {
            self.bytes as f64 / secs
        } else {
            0.0
        }
    }
}

/// Sentences shown next to the fields they are about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub local: Option<String>,
    pub remote: Option<String>,
    pub send: Option<String>,
    pub tftp: Option<String>,
    pub rx_file: Option<String>,
    pub auto_reply: Option<String>,
    pub framing: Option<String>,
    pub multicast: Option<String>,
    pub other: Option<String>,
}

pub struct Workbench {
    pub settings: Settings,
    pub log: LogStore,
    pub counters: Counters,
    pub clients: Vec<ClientRow>,
    client_index: HashMap<SocketAddr, usize>,
    pub transfers: Vec<TransferRow>,
    pub send_text: String,
    pub errors: FieldErrors,
    pub state: SessionState,
    /// The last session error, shown in the status bar until the next open.
    pub last_error: Option<String>,
    /// While the display is paused: how many entries (counting dropped
    /// ones) were shown when it was paused.
    pub paused_total: Option<u64>,
    /// A passing message for the status bar (e.g. where the log was saved).
    pub notice: Option<String>,
    /// Search and filter over the log, and its matches.
    pub filter: LogFilter,
    pub filter_cache: FilterCache,
    /// Which history entry the send box shows (Up/Down), if any.
    pub history_cursor: Option<usize>,
    /// The name typed for the next quick command.
    pub quick_name: String,
    /// A running sequence of quick commands.
    pub sequence: Option<SequenceRun>,
    /// Bytes per second, sampled while a session is open.
    pub rates: RateHistory,
    /// Whether the rate plot is shown.
    pub show_rates: bool,
    /// Where received data is saved as it arrives, if anywhere.
    pub rx_file: Option<RxFile>,
    /// TCP: the stream cut into messages per peer (分包), while framing is on.
    framers: Option<PeerFramers>,
    /// A file being sent, if any.
    pub file_progress: Option<FileProgress>,
    /// True while the session runs a loop send.
    pub looping: bool,
    /// The TX message counter when the loop started, for its running count.
    loop_tx_start: u64,
    session: Option<SessionHandle>,
    session_serial: u64,
    /// The session's totals of datagrams and bytes not kept, as last
    /// reported, so that a report adds only what is new to the counters.
    rx_dropped_reported: (u64, u64),
    /// The remote text the UDP session was last told about.
    udp_remote_sent: Option<String>,
    /// Turns the session's events into descriptions (the log's rows).
    describer: Describer,
    waker: Waker,
}
impl Workbench {
    pub fn new(settings: Settings, waker: Waker) -> Workbench {
        let log = LogStore::new(settings.log_max_entries, LogStore::DEFAULT_MAX_BYTES);
        Workbench {
            settings,
            log,
            counters: Counters::default(),
            clients: Vec::new(),
            client_index: HashMap::new(),
            transfers: Vec::new(),
            send_text: String::new(),
            errors: FieldErrors::default(),
            state: SessionState::Closed,
            last_error: None,
            paused_total: None,
            notice: None,
            filter: LogFilter::default(),
            filter_cache: FilterCache::default(),
            history_cursor: None,
            quick_name: String::new(),
            sequence: None,
            rates: RateHistory::default(),
            show_rates: false,
            rx_file: None,
            framers: None,
            file_progress: None,
            looping: false,
            loop_tx_start: 0,
            session: None,
            session_serial: 0,
            rx_dropped_reported: (0, 0),
            udp_remote_sent: None,
            describer: Describer::new(),
            waker,
        }
    }

    /// Bytes accepted for sending that the peers have not taken yet.
    pub fn send_queue_bytes(&self) -> usize {
        self.session
            .as_ref()
            .map_or(0, SessionHandle::send_queue_bytes)
    }

    /// True while a session exists (opening, open or closing).
    pub fn is_active(&self) -> bool {
        self.session.is_some()
    }

    pub fn render(&self) -> Render {
        Render {
            encoding: self.settings.rx_encoding,
            hex: self.settings.rx_hex,
        }
    }

    /// How many entries the view shows: all of them, or while paused the
    /// ones that were there when the display was paused.
    pub fn visible_len(&self) -> usize {
        match self.paused_total {
            Some(total) => {
                let shown = total.saturating_sub(self.log.dropped());
                (shown as usize).min(self.log.len())
            }
            None => self.log.len(),
        }
    }

    /// One past the sequence number of the last entry in view.
    pub fn visible_end_seq(&self) -> u64 {
        self.log.first_seq() + self.visible_len() as u64
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused_total = paused.then(|| self.log.dropped() + self.log.len() as u64);
    }
}

impl Workbench {
    pub fn transfers_running(&self) -> bool {
        self.transfers
            .iter()
            .any(|t| t.state == TransferState::Running)
    }
}

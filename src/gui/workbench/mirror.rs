//! The window's picture of one session: its state, clients, counters, log,
//! transfers and file progress. It changes when the session's events
//! arrive (`events.rs`), and otherwise only when the owner starts or
//! closes a session or the user resets what is shown; nothing else writes
//! to it.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::sent_texts::SentTexts;
use crate::describe::Description;
use crate::gui::i18n::{Lang, sentences};
use crate::gui::rate::{RateHistory, RateTotals};
use crate::log::{Direction, LogPeer, LogStore};
use crate::net::SessionError;
use crate::text::{Encoding, PeerText};
use crate::tftp::TransferDirection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// Ticked by the user: sends go to the ticked clients only.
    pub selected: bool,
    /// A WebSocket client's path and subprotocol, from its handshake.
    pub ws_path: Option<PeerText>,
    pub ws_subprotocol: Option<PeerText>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TransferState {
    Running,
    Done {
        elapsed: Duration,
    },
    /// The reason may quote the peer (its ERROR text).
    Failed(crate::tftp::TransferFailure),
}

#[derive(Clone, Debug)]
pub struct TransferRow {
    pub id: u64,
    /// Distinguishes transfers of different sessions with the same id.
    pub session_serial: u64,
    /// The name the peer asked for (server) or the user gave (client).
    pub file: PeerText,
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

/// How far a file send has come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProgress {
    pub name: String,
    pub sent: u64,
    pub total: Option<u64>,
}

/// The session as its events describe it. The fields are visible inside
/// `workbench/` only so that `events.rs`, which applies the events, can
/// change them; the owner's other files go through the methods, and the
/// panels outside `workbench/` can only read.
pub struct SessionMirror {
    pub(super) state: SessionState,
    pub(super) log: LogStore,
    pub(super) counters: Counters,
    pub(super) clients: Vec<ClientRow>,
    pub(super) client_index: HashMap<SocketAddr, usize>,
    pub(super) transfers: Vec<TransferRow>,
    /// The last session error, shown in the status bar until the next open.
    pub(super) last_error: Option<SessionError>,
    /// Bytes and messages per second, counted while a session is open.
    pub(super) rates: RateHistory,
    /// A file being sent, if any.
    pub(super) file_progress: Option<FileProgress>,
    /// Counts sessions, so that transfers of an earlier one are told apart.
    pub(super) session_serial: u64,
    /// The session's totals of datagrams and bytes not kept, as last
    /// reported, so that a report adds only what is new to the counters.
    pub(super) rx_dropped_reported: (u64, u64),
    /// The encodings of the texts lately sent, for their TX rows.
    pub(super) sent_texts: SentTexts,
    /// TLS and WebSocket (issue 14): the session's own, as its events say.
    pub(super) security: SecurityState,
    /// The description behind each of the log's own rows that has one, by
    /// the row's sequence number, oldest first: a row is worded when drawn,
    /// in the window's language then, so switching language rewords the
    /// rows already there. Kept only for rows still in the log.
    pub(super) described: VecDeque<(u64, Description)>,
}

/// What a TLS or WebSocket session said about itself: the server's
/// certificate fingerprint, and whether certificate errors are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityState {
    /// The SHA-256 fingerprint of a TLS server's certificate, once open.
    pub fingerprint: Option<String>,
    /// The client accepts any certificate ("ignore certificate errors").
    pub insecure: bool,
    /// The server certificate the last handshake refused, as presented:
    /// the user may trust it for the tab.
    pub refused: Option<crate::net::tls::CertInfo>,
    /// Why it was refused, worded when drawn (in the window's language).
    pub refusal: Option<crate::net::tls::TlsProblem>,
}

impl SessionMirror {
    pub fn new(log_max_entries: usize) -> SessionMirror {
        SessionMirror {
            state: SessionState::Closed,
            log: LogStore::new(log_max_entries, LogStore::DEFAULT_MAX_BYTES),
            counters: Counters::default(),
            clients: Vec::new(),
            client_index: HashMap::new(),
            transfers: Vec::new(),
            last_error: None,
            rates: RateHistory::default(),
            file_progress: None,
            session_serial: 0,
            rx_dropped_reported: (0, 0),
            sent_texts: SentTexts::default(),
            security: SecurityState::default(),
            described: VecDeque::new(),
        }
    }

    pub fn security(&self) -> &SecurityState {
        &self.security
    }

    pub fn state(&self) -> SessionState {
        self.state
    }

    pub fn log(&self) -> &LogStore {
        &self.log
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn clients(&self) -> &[ClientRow] {
        &self.clients
    }

    pub fn transfers(&self) -> &[TransferRow] {
        &self.transfers
    }

    /// Why the last session ended, if it ended with an error; worded
    /// when drawn, so a language switch rewords it.
    pub fn last_error(&self) -> Option<&SessionError> {
        self.last_error.as_ref()
    }

    pub fn rates(&self) -> &RateHistory {
        &self.rates
    }

    pub fn file_progress(&self) -> Option<&FileProgress> {
        self.file_progress.as_ref()
    }

    pub fn transfers_running(&self) -> bool {
        self.transfers
            .iter()
            .any(|t| t.state == TransferState::Running)
    }

    /// A new session was spawned: its events start from a clean slate
    /// (the log and the counters stay, as the user sees them).
    pub(super) fn session_started(&mut self) {
        self.session_serial += 1;
        self.rx_dropped_reported = (0, 0);
        self.state = SessionState::Opening;
        self.clients.clear();
        self.client_index.clear();
        self.security = SecurityState::default();
    }

    /// The owner asked the session to close, or started a TFTP transfer.
    pub(super) fn set_state(&mut self, state: SessionState) {
        self.state = state;
    }

    /// An open starts without the last session's error.
    pub(super) fn clear_last_error(&mut self) {
        self.last_error = None;
    }

    /// The owner could not spawn a session at all.
    pub(super) fn set_last_error(&mut self, error: SessionError) {
        self.last_error = Some(error);
    }

    /// A file send was handed to the session; its events report progress.
    pub(super) fn file_send_started(&mut self, name: String) {
        self.file_progress = Some(FileProgress {
            name,
            sent: 0,
            total: None,
        });
    }

    /// A text written in `encoding` was handed to the session: its TX rows
    /// are shown in that encoding.
    pub(super) fn text_sent(&mut self, bytes: &[u8], encoding: Encoding) {
        self.sent_texts.remember(bytes, encoding);
    }

    /// The user ticked or unticked a client as a send target.
    pub fn set_client_selected(&mut self, index: usize, selected: bool) {
        if let Some(client) = self.clients.get_mut(index) {
            client.selected = selected;
        }
    }

    pub(super) fn reset_counters(&mut self) {
        self.counters = Counters::default();
    }

    /// Counts the traffic since the last look into the rate history;
    /// returns when its next second starts.
    pub(super) fn sample_rates(&mut self, now: Instant) -> Instant {
        let Counters {
            rx_bytes,
            tx_bytes,
            rx_msgs,
            tx_msgs,
            ..
        } = self.counters;
        self.rates.observe(
            now,
            RateTotals {
                rx_bytes,
                tx_bytes,
                rx_msgs,
                tx_msgs,
            },
        )
    }

    /// The log itself, for the owner's log actions and for tests and
    /// benchmarks that fill it directly.
    pub fn log_mut(&mut self) -> &mut LogStore {
        &mut self.log
    }

    /// Puts one of the session's own rows in the log, its `line` worded
    /// from `description` (kept, to word it again in another language).
    pub(super) fn record_described(&mut self, at_ms: i64, description: &Description, line: &str) {
        let seq = self.log.end_seq();
        self.log
            .push(at_ms, Direction::Note, LogPeer::None, line.as_bytes());
        self.described.push_back((seq, description.clone()));
        let first = self.log.first_seq();
        while self.described.front().is_some_and(|(seq, _)| *seq < first) {
            self.described.pop_front();
        }
    }

    /// The words of the log row `seq` in `lang`, when the row was made
    /// from a description; `None` for data rows and other notes, whose
    /// stored bytes are what is shown.
    pub fn row_words(&self, lang: Lang, seq: u64) -> Option<String> {
        let index = self
            .described
            .binary_search_by_key(&seq, |(seq, _)| *seq)
            .ok()?;
        let (_, description) = self.described.get(index)?;
        sentences::event_line(lang, description)
    }

    /// Puts sent bytes in the log, in the encoding of the text they were
    /// sent as, when this tab sent them as a text.
    pub(super) fn record_sent(&mut self, at_ms: i64, peer: LogPeer, bytes: &[u8]) {
        let encoding = self.sent_texts.encoding_of(bytes);
        self.log
            .push_encoded(at_ms, Direction::Tx, peer, bytes, encoding);
    }
}

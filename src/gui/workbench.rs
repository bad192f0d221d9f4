//! The state of one session's workbench and everything that changes it:
//! opening and closing, sending, and applying the engine's events. No
//! drawing happens here (that is the `*_ui` files), so this logic is the
//! same whatever the window looks like.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::filter::{FilterCache, LogFilter};
use super::rate::RateHistory;
use super::rx_file::RxFile;
use super::settings::{QuickCommand, Settings};
use crate::log::{Direction, Entry, LogPeer, LogStore, format_line, now_ms};
use crate::net::{
    self, Command, Endpoint, Event, Protocol, SessionConfig, SessionHandle, Target,
    TcpClientConfig, TcpServerConfig, UdpConfig, Waker,
};
use crate::text::{Render, encode_text, parse_hex};
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

/// Sent messages remembered for Up/Down and the history menu.
const MAX_HISTORY: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_msgs: u64,
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
    Done { elapsed: Duration },
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct TransferRow {
    pub id: u64,
    /// Distinguishes transfers of different sessions with the same id.
    pub session_serial: u64,
    pub file: String,
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
    /// True while the session runs a loop send.
    pub looping: bool,
    session: Option<SessionHandle>,
    session_serial: u64,
    /// The remote text the UDP session was last told about.
    udp_remote_sent: Option<String>,
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
            looping: false,
            session: None,
            session_serial: 0,
            udp_remote_sent: None,
            waker,
        }
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

    // ----- opening and closing -----

    /// Validates the fields and opens a session; on bad input the fields
    /// get their sentences and nothing is opened.
    pub fn open(&mut self) {
        if self.session.is_some() {
            return;
        }
        self.errors = FieldErrors::default();
        self.last_error = None;
        let Some(config) = self.build_config() else {
            return;
        };
        self.start(config);
    }

    fn start(&mut self, config: SessionConfig) {
        match net::spawn(config, self.waker.clone()) {
            Ok(handle) => {
                self.session = Some(handle);
                self.session_serial += 1;
                self.state = SessionState::Opening;
                self.clients.clear();
                self.client_index.clear();
                self.udp_remote_sent = Some(self.udp_remote_text());
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }

    /// Asks the session to close; it is dropped when its `Stopped` arrives,
    /// so the UI thread never waits for it.
    pub fn close(&mut self) {
        if let Some(session) = &self.session {
            session.send(Command::Close);
            self.state = SessionState::Closing;
        }
    }

    fn build_config(&mut self) -> Option<SessionConfig> {
        let fields = self.settings.addr();
        let local = || -> Result<SocketAddr, String> {
            Endpoint::from_parts(&fields.local_host, &fields.local_port)
                .and_then(|e| e.to_local())
                .map_err(|e| e.to_string())
        };
        let remote = || -> Result<Endpoint, String> {
            Endpoint::from_parts(&fields.remote_host, &fields.remote_port)
                .and_then(Endpoint::require_port)
                .map_err(|e| e.to_string())
        };
        let settings = &self.settings;
        let config = match settings.protocol {
            Protocol::Udp => {
                let local = local().map_err(|e| self.errors.local = Some(e)).ok();
                let remote = if fields.remote_host.trim().is_empty() {
                    Some(None)
                } else {
                    remote()
                        .map(Some)
                        .map_err(|e| self.errors.remote = Some(e))
                        .ok()
                };
                SessionConfig::Udp(UdpConfig {
                    local: local?,
                    remote: remote?,
                    reply_to_last_sender: settings.reply_to_last_sender,
                    broadcast: settings.broadcast,
                    multicast: Vec::new(),
                    multicast_ttl: None,
                    multicast_loop: true,
                })
            }
            Protocol::TcpClient => {
                let remote = remote().map_err(|e| self.errors.remote = Some(e)).ok()?;
                let local =
                    if fields.local_port.trim().is_empty() || fields.local_port.trim() == "0" {
                        None
                    } else {
                        Some(local().map_err(|e| self.errors.local = Some(e)).ok()?)
                    };
                SessionConfig::TcpClient(TcpClientConfig {
                    remote,
                    local,
                    connect_timeout: Duration::from_secs_f64(
                        settings.connect_timeout_secs.clamp(0.1, 600.0),
                    ),
                })
            }
            Protocol::TcpServer => SessionConfig::TcpServer(TcpServerConfig {
                local: local().map_err(|e| self.errors.local = Some(e)).ok()?,
                max_clients: settings.max_clients.max(1),
            }),
            Protocol::TftpServer => {
                let local = local().map_err(|e| self.errors.local = Some(e)).ok();
                let root = self.check_dir(&settings.tftp_root.clone());
                SessionConfig::TftpServer(tftp::ServerConfig {
                    local: local?,
                    root: root?,
                    allow_write: self.settings.tftp_allow_write,
                    allow_overwrite: self.settings.tftp_allow_overwrite,
                    max_transfers: 64,
                    port_range: None,
                })
            }
            // A TFTP client opens per transfer (Get / Put), not here.
            Protocol::TftpClient => return None,
        };
        Some(config)
    }

    fn check_dir(&mut self, text: &str) -> Option<PathBuf> {
        let path = PathBuf::from(text.trim());
        if text.trim().is_empty() {
            self.errors.tftp = Some("choose a folder".to_owned());
            return None;
        }
        if !path.is_dir() {
            self.errors.tftp = Some(format!("'{}' is not a folder", path.display()));
            return None;
        }
        Some(path)
    }

    /// Starts a TFTP client transfer with the current fields.
    pub fn tftp_transfer(&mut self, get: bool) {
        if self.session.is_some() {
            return;
        }
        self.errors = FieldErrors::default();
        self.last_error = None;
        let fields = self.settings.addr();
        let remote = Endpoint::from_parts(&fields.remote_host, &fields.remote_port)
            .and_then(Endpoint::require_port)
            .map_err(|e| self.errors.remote = Some(e.to_string()))
            .ok();
        let op = if get {
            let name = self.settings.tftp_remote_file.trim().to_owned();
            let dir = self.check_dir(&self.settings.tftp_local_dir.clone());
            if name.is_empty() {
                self.errors.tftp = Some("enter the name of the remote file".to_owned());
                return;
            }
            dir.map(|local_dir| ClientOp::Get {
                remote_name: name,
                local_dir,
            })
        } else {
            let file = PathBuf::from(self.settings.tftp_local_file.trim());
            if !file.is_file() {
                self.errors.tftp = Some(format!("'{}' is not a file", file.display()));
                return;
            }
            let remote_name = match self.settings.tftp_remote_file.trim() {
                "" => file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                name => name.to_owned(),
            };
            Some(ClientOp::Put {
                local_file: file,
                remote_name,
            })
        };
        let (Some(remote), Some(op)) = (remote, op) else {
            return;
        };
        let options = ClientOptions {
            blksize: Some(self.settings.tftp_blksize.clamp(8, 65464)),
            windowsize: Some(self.settings.tftp_windowsize.max(1)),
            ..ClientOptions::default()
        };
        self.start(SessionConfig::TftpClient(tftp::ClientConfig {
            remote,
            op,
            mode: self.settings.tftp_mode,
            options,
        }));
        if self.session.is_some() {
            self.state = SessionState::Transferring;
        }
    }

    pub fn cancel_transfer(&mut self, id: u64) {
        if let Some(session) = &self.session {
            match self.settings.protocol {
                Protocol::TftpClient => session.send(Command::Close),
                _ => session.send(Command::CancelTransfer(id)),
            }
        }
    }

    // ----- sending -----

    fn udp_remote_text(&self) -> String {
        let fields = self.settings.addr();
        format!(
            "{}|{}",
            fields.remote_host.trim(),
            fields.remote_port.trim()
        )
    }

    /// Turns the send box into bytes, refusing bad HEX or escapes with a
    /// sentence and sending nothing.
    pub fn send_bytes(&self) -> Result<Vec<u8>, String> {
        if self.settings.tx_hex {
            parse_hex(&self.send_text).map_err(|e| e.to_string())
        } else {
            encode_text(
                &self.send_text,
                self.settings.tx_encoding,
                self.settings.escapes,
                self.settings.line_ending,
            )
            .map_err(|e| e.to_string())
        }
    }

    /// Sends the send box (or starts its loop), keeping it in the history.
    pub fn send(&mut self) {
        self.errors.send = None;
        if self.session.is_none() {
            self.errors.send = Some(self.not_open_sentence());
            return;
        }
        let bytes = match self.send_bytes() {
            Ok(bytes) => bytes,
            Err(e) => {
                self.errors.send = Some(e);
                return;
            }
        };
        if bytes.is_empty() {
            self.errors.send = Some("nothing to send".to_owned());
            return;
        }
        self.remember_in_history();
        if self.dispatch(bytes, self.settings.loop_enabled) && self.settings.clear_after_send {
            self.send_text.clear();
        }
    }

    /// Sends bytes to the session's current target (or loops them);
    /// false when there is no session or no valid target.
    pub fn dispatch(&mut self, bytes: Vec<u8>, as_loop: bool) -> bool {
        let Some(to) = self.target() else {
            return false;
        };
        let Some(session) = &self.session else {
            self.errors.send = Some(self.not_open_sentence());
            return false;
        };
        if as_loop {
            let count = self.settings.loop_count;
            session.send(Command::StartLoop {
                to,
                bytes,
                period: Duration::from_millis(self.settings.loop_period_ms.max(1)),
                count: (count > 0).then_some(count),
            });
            self.looping = true;
        } else {
            session.send(Command::Send { to, bytes });
        }
        true
    }

    /// Where a send goes: the ticked clients (or all) of a TCP server, the
    /// remote of a UDP session (told to the session first if it was edited
    /// while open), the server of a TCP client.
    fn target(&mut self) -> Option<Target> {
        match self.settings.protocol {
            Protocol::TcpServer => {
                let selected: Vec<SocketAddr> = self
                    .clients
                    .iter()
                    .filter(|c| c.selected)
                    .map(|c| c.peer)
                    .collect();
                Some(if selected.is_empty() {
                    Target::Default
                } else {
                    Target::Peers(selected)
                })
            }
            Protocol::Udp => {
                let remote_text = self.udp_remote_text();
                if self.udp_remote_sent.as_ref() != Some(&remote_text) {
                    let fields = self.settings.addr();
                    let remote = if fields.remote_host.trim().is_empty() {
                        None
                    } else {
                        match Endpoint::from_parts(&fields.remote_host, &fields.remote_port)
                            .and_then(Endpoint::require_port)
                        {
                            Ok(endpoint) => Some(endpoint),
                            Err(e) => {
                                self.errors.remote = Some(e.to_string());
                                return None;
                            }
                        }
                    };
                    self.errors.remote = None;
                    if let Some(session) = &self.session {
                        session.send(Command::SetRemote(remote));
                    }
                    self.udp_remote_sent = Some(remote_text);
                }
                Some(Target::Default)
            }
            _ => Some(Target::Default),
        }
    }

    // ----- quick commands and sequences -----

    /// The bytes of a quick command, or the sentence saying why not.
    pub fn quick_command_bytes(&self, command: &QuickCommand) -> Result<Vec<u8>, String> {
        if command.hex {
            parse_hex(&command.text).map_err(|e| e.to_string())
        } else {
            encode_text(
                &command.text,
                command.encoding,
                self.settings.escapes,
                self.settings.line_ending,
            )
            .map_err(|e| e.to_string())
        }
    }

    /// Sends quick command `index` once.
    pub fn send_quick_command(&mut self, index: usize) -> bool {
        self.errors.send = None;
        let Some(command) = self.settings.quick_commands.get(index).cloned() else {
            return false;
        };
        match self.quick_command_bytes(&command) {
            Ok(bytes) if !bytes.is_empty() => self.dispatch(bytes, false),
            Ok(_) => false,
            Err(e) => {
                self.errors.send = Some(format!("{}: {e}", command.name));
                false
            }
        }
    }

    /// Saves the send box as a quick command.
    pub fn save_quick_command(&mut self, name: &str) {
        let name = match name.trim() {
            "" => self.send_text.chars().take(16).collect(),
            name => name.to_owned(),
        };
        self.settings.quick_commands.push(QuickCommand {
            name,
            text: self.send_text.clone(),
            hex: self.settings.tx_hex,
            encoding: self.settings.tx_encoding,
            delay_ms: 1000,
        });
    }

    /// Starts sending every quick command in order, each followed by its
    /// delay.
    pub fn start_sequence(&mut self) {
        if !self.settings.quick_commands.is_empty() && self.session.is_some() {
            self.sequence = Some(SequenceRun {
                next: 0,
                due: Instant::now(),
            });
        }
    }

    pub fn stop_sequence(&mut self) {
        self.sequence = None;
    }

    /// Sends the sequence's commands that are due; returns when the next
    /// one is, so the window can wake for it.
    pub fn tick_sequence(&mut self, now: Instant) -> Option<Instant> {
        while let Some(run) = self.sequence {
            if now < run.due {
                return Some(run.due);
            }
            let Some(command) = self.settings.quick_commands.get(run.next) else {
                self.sequence = None;
                break;
            };
            let delay = Duration::from_millis(command.delay_ms);
            if !self.send_quick_command(run.next) {
                self.sequence = None;
                break;
            }
            self.sequence = Some(SequenceRun {
                next: run.next + 1,
                due: now + delay,
            });
        }
        None
    }

    // ----- history -----

    fn remember_in_history(&mut self) {
        let text = self.send_text.clone();
        let history = &mut self.settings.history;
        history.retain(|h| *h != text);
        history.push(text);
        let excess = history.len().saturating_sub(MAX_HISTORY);
        history.drain(..excess);
        self.history_cursor = None;
    }

    /// Up (older) or Down (newer) through the sent messages. Only while the
    /// box is empty or still shows a history entry, so editing is never
    /// overwritten.
    pub fn browse_history(&mut self, older: bool) -> bool {
        let history = &self.settings.history;
        if history.is_empty() {
            return false;
        }
        let untouched = self.send_text.is_empty()
            || self
                .history_cursor
                .and_then(|i| history.get(i))
                .is_some_and(|h| *h == self.send_text);
        if !untouched {
            return false;
        }
        let next = match (self.history_cursor, older) {
            (None, true) => Some(history.len() - 1),
            (None, false) => return false,
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i + 1 < history.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        self.history_cursor = next;
        self.send_text = next
            .and_then(|i| history.get(i).cloned())
            .unwrap_or_default();
        true
    }

    fn not_open_sentence(&self) -> String {
        match self.settings.protocol {
            Protocol::TcpClient => "not connected: press Connect first".to_owned(),
            _ => "the session is not open: press Open first".to_owned(),
        }
    }

    pub fn stop_loop(&mut self) {
        if let Some(session) = &self.session
            && self.looping
        {
            session.send(Command::StopLoop);
        }
    }

    pub fn disconnect_client(&mut self, peer: SocketAddr) {
        if let Some(session) = &self.session {
            session.send(Command::Disconnect(peer));
        }
    }

    // ----- events -----

    /// Applies the session's events until none are left or the time budget
    /// is spent. Returns true when events are left for the next frame.
    pub fn drain_events(&mut self, budget: Duration) -> bool {
        if let Some(file) = &mut self.rx_file
            && let Err(e) = file.flush_if_due()
        {
            self.errors.other = Some(format!("cannot write {}: {e}", file.path.display()));
            self.rx_file = None;
        }
        let started = Instant::now();
        loop {
            let Some(session) = &self.session else {
                return false;
            };
            match session.events().try_recv() {
                Ok(event) => self.apply(event),
                Err(_) => return false,
            }
            if started.elapsed() >= budget {
                return self
                    .session
                    .as_ref()
                    .is_some_and(|s| !s.events().is_empty());
            }
        }
    }

    fn note(&mut self, text: String) {
        self.record(now_ms(), Direction::Note, LogPeer::None, text.as_bytes());
    }

    /// Puts an entry in the log and, when receiving to a file, in the file.
    fn record(&mut self, at_ms: i64, dir: Direction, peer: LogPeer, bytes: &[u8]) {
        self.log.push(at_ms, dir, peer, bytes);
        if let Some(file) = &mut self.rx_file {
            let entry = Entry {
                at_ms,
                dir,
                peer,
                bytes,
            };
            let render = Render {
                encoding: self.settings.rx_encoding,
                hex: self.settings.rx_hex,
            };
            if let Err(e) = file.write(&entry, render, self.settings.show_time) {
                self.errors.other = Some(format!("cannot write {}: {e}", file.path.display()));
                self.rx_file = None;
            }
        }
    }

    /// Starts (or stops, with `None`) receiving to a file.
    pub fn set_rx_file(&mut self, path: Option<&Path>) {
        self.rx_file = None;
        self.errors.rx_file = None;
        let Some(path) = path else { return };
        if path.as_os_str().is_empty() {
            self.errors.rx_file = Some("choose a file to save into".to_owned());
            return;
        }
        match RxFile::open(path, self.settings.rx_file_lines) {
            Ok(file) => self.rx_file = Some(file),
            Err(e) => self.errors.rx_file = Some(format!("cannot open {}: {e}", path.display())),
        }
    }

    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Opened { local } => {
                self.state = SessionState::Open { local };
                self.note(format!("LISTENING {local}"));
            }
            Event::Connecting { remote } => self.state = SessionState::Connecting(remote),
            Event::Connected { peer, local: _ } => {
                if self.settings.protocol == Protocol::TcpServer {
                    self.client_index.insert(peer, self.clients.len());
                    self.clients.push(ClientRow {
                        peer,
                        since_ms: now_ms(),
                        rx_bytes: 0,
                        tx_bytes: 0,
                        selected: false,
                    });
                } else {
                    self.state = SessionState::Connected { peer };
                }
                self.note(format!("CONNECTED {peer}"));
            }
            Event::Received(chunks) => {
                for chunk in chunks {
                    let len = chunk.bytes.len() as u64;
                    self.counters.rx_bytes += len;
                    self.counters.rx_msgs += 1;
                    if let Some(&i) = self.client_index.get(&chunk.peer) {
                        self.clients[i].rx_bytes += len;
                    }
                    self.record(
                        chunk.at_ms,
                        Direction::Rx,
                        LogPeer::Addr(chunk.peer),
                        &chunk.bytes,
                    );
                }
            }
            Event::Sent { at_ms, to, bytes } => {
                let len = bytes.len() as u64;
                self.counters.tx_bytes += len * to.len() as u64;
                self.counters.tx_msgs += to.len() as u64;
                for peer in &to {
                    if let Some(&i) = self.client_index.get(peer) {
                        self.clients[i].tx_bytes += len;
                    }
                }
                let peer = match to.as_slice() {
                    [one] => LogPeer::Addr(*one),
                    many => LogPeer::Clients(many.len() as u32),
                };
                self.record(at_ms, Direction::Tx, peer, &bytes);
            }
            Event::Disconnected { peer, reason } => {
                if let Some(i) = self.client_index.remove(&peer) {
                    self.clients.remove(i);
                    for (index, row) in self.clients.iter().enumerate().skip(i) {
                        self.client_index.insert(row.peer, index);
                    }
                }
                self.note(format!("DISCONNECTED {peer} ({})", reason.describe()));
            }
            Event::Error(error) => {
                let text = error.to_string();
                self.note(format!("ERROR {text}"));
                self.errors.other = Some(text);
            }
            Event::Transfer(transfer) => self.apply_transfer(transfer),
            Event::LoopStopped { sent } => {
                self.looping = false;
                self.note(format!("LOOP STOPPED after {sent} sends"));
            }
            Event::Joined(join) => self.note(format!("JOINED {}", join.group)),
            Event::Left(join) => self.note(format!("LEFT {}", join.group)),
            Event::FileProgress { sent, total } => {
                if sent == total {
                    self.note(format!("FILE SENT {sent} bytes"));
                }
            }
            Event::FileAborted {
                sent,
                total,
                reason,
            } => self.note(format!("FILE STOPPED at {sent} of {total} bytes: {reason}")),
            Event::Stopped(outcome) => {
                if let Some(error) = outcome {
                    let text = error.to_string();
                    self.note(format!("ERROR {text}"));
                    self.last_error = Some(text);
                }
                self.note("CLOSED".to_owned());
                self.session = None;
                self.looping = false;
                self.sequence = None;
                self.state = SessionState::Closed;
                self.clients.clear();
                self.client_index.clear();
            }
        }
    }

    fn transfer_mut(&mut self, id: u64) -> Option<&mut TransferRow> {
        let serial = self.session_serial;
        self.transfers
            .iter_mut()
            .rev()
            .find(|r| r.id == id && r.session_serial == serial)
    }

    fn apply_transfer(&mut self, event: TransferEvent) {
        match event {
            TransferEvent::Started {
                id,
                file,
                peer,
                direction,
                size,
            } => {
                let verb = match direction {
                    TransferDirection::Send => "SEND",
                    TransferDirection::Receive => "RECEIVE",
                };
                self.note(format!("TFTP {verb} {file} {peer}"));
                self.transfers.push(TransferRow {
                    id,
                    session_serial: self.session_serial,
                    file,
                    peer,
                    direction,
                    size,
                    bytes: 0,
                    started: Instant::now(),
                    state: TransferState::Running,
                });
            }
            TransferEvent::Progress { id, bytes } => {
                if let Some(row) = self.transfer_mut(id) {
                    row.bytes = bytes;
                }
            }
            TransferEvent::Finished { id, bytes, elapsed } => {
                let line = self.transfer_mut(id).map(|row| {
                    row.bytes = bytes;
                    row.state = TransferState::Done { elapsed };
                    format!(
                        "TFTP DONE {} {bytes} bytes in {:.2} s",
                        row.file,
                        elapsed.as_secs_f64()
                    )
                });
                if let Some(line) = line {
                    self.note(line);
                }
            }
            TransferEvent::Failed { id, reason } => {
                let line = self.transfer_mut(id).map(|row| {
                    let line = format!("TFTP FAILED {}: {reason}", row.file);
                    row.state = TransferState::Failed(reason);
                    line
                });
                if let Some(line) = line {
                    self.note(line);
                }
            }
        }
    }

    // ----- log actions -----

    pub fn reset_counters(&mut self) {
        self.counters = Counters::default();
    }

    pub fn clear_log(&mut self) {
        self.log.clear();
        if self.paused_total.is_some() {
            self.paused_total = Some(0);
        }
    }

    /// The visible log as text lines, the same as the CLI prints.
    pub fn log_text(&self) -> String {
        let render = self.render();
        let mut text = String::new();
        for i in 0..self.visible_len() {
            if let Some(entry) = self.log.get(i) {
                text.push_str(&format_line(&entry, render, self.settings.show_time));
                text.push('\n');
            }
        }
        text
    }

    /// Writes every entry as a text line to `path`; returns the count.
    pub fn save_log(&self, path: &Path) -> io::Result<usize> {
        let render = self.render();
        let mut out = BufWriter::new(std::fs::File::create(path)?);
        let mut count = 0;
        for entry in self.log.iter() {
            writeln!(
                out,
                "{}",
                format_line(&entry, render, self.settings.show_time)
            )?;
            count += 1;
        }
        out.flush()?;
        Ok(count)
    }
}

impl Workbench {
    pub fn transfers_running(&self) -> bool {
        self.transfers
            .iter()
            .any(|t| t.state == TransferState::Running)
    }
}

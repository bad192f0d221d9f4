//! Applying the session's events: the mirror takes each one (the log,
//! counters, clients, transfers); the owner takes what concerns the rest
//! of the tab (the sentences next to fields, the receive file, the
//! composer's loop and sequence, the session handle).

use std::path::Path;
use std::time::{Duration, Instant};

use super::Workbench;
use super::mirror::{ClientRow, SessionMirror, SessionState, TransferRow, TransferState};
use crate::describe::Description;
use crate::gui::i18n::{self, Lang, sentences};
use crate::gui::rx_file::RxFile;
use crate::log::{Direction, LogPeer, now_ms};
use crate::net::tls::TlsEvent;
use crate::net::ws::WsEvent;
use crate::net::{Chunks, Command, Event, LineFormat, Protocol, RxFileFailed, SessionError};
use crate::text::Render;
use crate::tftp::TransferEvent;

impl Workbench {
    // ----- events -----

    /// Applies the session's events until none are left or the time budget
    /// is spent, then parses what they brought the waveform. Returns true
    /// when events or parsing are left for the next frame.
    ///
    /// An event's bytes are copied into the log and the event dropped (the
    /// session thread has written them to the receive file already), which
    /// gives its share of the session's event budget back: a window that falls behind, or does not draw at all,
    /// holds at most `net::MAX_EVENT_BYTES` per session besides its log.
    /// (The waveform's copy of what it has not parsed yet is charged to
    /// the same budget.)
    pub fn drain_events(&mut self, budget: Duration) -> bool {
        let started = Instant::now();
        let events_left = self.apply_events(started + budget);
        // The waveform gets what is left of the budget, and never less
        // than a quarter of it, so a steady flood of events cannot starve
        // it (and a frame ends within 1.25 budgets and one piece).
        let parse_until = (started + budget).max(Instant::now() + budget / 4);
        let parsing_left =
            self.tool_kit.waveform.parsing() && self.tool_kit.waveform.parse_backlog(parse_until);
        events_left || parsing_left
    }

    /// Applies events until none are left or `deadline` passes; returns
    /// true when some are left.
    fn apply_events(&mut self, deadline: Instant) -> bool {
        loop {
            let Some(session) = &self.session else {
                return false;
            };
            match session.events().try_recv() {
                Ok(event) => self.apply(event),
                Err(_) => return false,
            }
            if Instant::now() >= deadline {
                return self
                    .session
                    .as_ref()
                    .is_some_and(|s| !s.events().is_empty());
            }
        }
    }

    /// The session could not write the receive file (a full disk, a removed
    /// drive): saving stopped, and a sentence says so next to the control
    /// and in the status line, never silently. A report about a file the
    /// user has since replaced changes nothing.
    fn rx_file_failed(&mut self, failed: &RxFileFailed) {
        if self
            .rx_file
            .as_ref()
            .is_none_or(|file| file.path() != failed.path)
        {
            return;
        }
        self.rx_file = None;
        let sentence = format!(
            "{} {}: {}",
            self.settings.lang.t(&i18n::RX_FILE_WRITE_FAILED),
            failed.path.display(),
            failed.reason
        );
        self.errors.rx_file = Some(sentence.clone());
        self.errors.other = Some(sentence);
    }

    /// Starts (or stops, with `None`) receiving to a file. The open session
    /// (and every session opened while saving is on) writes the file on its
    /// own thread; stopping lets it write what it buffered first, and a
    /// failure to do so comes back as an event.
    pub fn set_rx_file(&mut self, path: Option<&Path>) {
        self.errors.rx_file = None;
        if self.rx_file.take().is_some()
            && let Some(session) = &self.session
        {
            session.send(Command::SetRxFile(None));
        }
        let Some(path) = path else { return };
        if path.as_os_str().is_empty() {
            self.errors.rx_file = Some(self.settings.lang.t(&i18n::CHOOSE_RX_FILE).to_owned());
            return;
        }
        let lines = self.settings.rx_file.lines.then_some(LineFormat {
            render: Render {
                encoding: self.settings.text.rx_encoding,
                hex: self.settings.text.rx_hex,
            },
            timestamps: self.settings.view.show_time,
        });
        let opened = RxFile::open(path, lines).and_then(|file| {
            if let Some(session) = &self.session {
                session.send(Command::SetRxFile(Some(file.for_session()?)));
            }
            Ok(file)
        });
        match opened {
            Ok(file) => self.rx_file = Some(file),
            Err(e) => {
                let cannot_open = self.settings.lang.t(&i18n::CANNOT_OPEN);
                self.errors.rx_file = Some(format!("{cannot_open} {}: {e}", path.display()));
            }
        }
    }

    /// One event: the owner takes its share first (while the event is
    /// borrowed), then the mirror takes the event itself; its row in the
    /// log is its description, worded in the window's language.
    pub fn apply(&mut self, event: Event) {
        let event = match event {
            Event::Error(error) => Event::Error(self.name_the_holder(error)),
            Event::Stopped(Some(error)) => Event::Stopped(Some(self.name_the_holder(error))),
            other => other,
        };
        let lang = self.settings.lang;
        let description = self.describer.describe(&event);
        match &event {
            Event::RxFileFailed(failed) => self.rx_file_failed(failed),
            Event::Error(error) => {
                let text = sentences::session_error(lang, error);
                // A remote that does not resolve is said next to its field.
                if matches!(error, SessionError::Address(_)) {
                    self.errors.remote = Some(text.clone());
                }
                self.errors.other = Some(text);
            }
            Event::LoopStopped { .. } => self.composer.loop_stopped(),
            Event::Received(chunks) => {
                self.view.encoding_hint_mut().observe(
                    chunks.iter().map(|chunk| chunk.bytes),
                    self.settings.text.rx_encoding,
                );
            }
            Event::Stopped(outcome) => {
                if let Some(error @ SessionError::Address(_)) = outcome {
                    self.errors.remote = Some(sentences::session_error(lang, error));
                }
                self.session = None;
                self.composer.session_stopped();
            }
            _ => {}
        }
        // The tools take the received chunks themselves, after the log:
        // the waveform keeps them to parse over the next frames, still
        // charged to the session's event budget, without a copy.
        if let Some(chunks) = self.mirror.apply(event, self.settings.protocol) {
            self.tool_kit
                .received(chunks, self.settings.protocol.sends_datagrams());
        }
        self.mirror.show(lang, &description);
    }

    /// A port that another tab of this window holds is blamed on that
    /// tab, not on "another program" (issue 22, 9).
    pub(super) fn name_the_holder(&self, error: SessionError) -> SessionError {
        let SessionError::AddrInUse { addr } = error else {
            return error;
        };
        let holder = self
            .ports_of_other_tabs
            .iter()
            .find(|(port, _)| *port == addr.port());
        match holder {
            Some((_, title)) => SessionError::AddrInUseBy {
                addr,
                holder: sentences::tab_holder(self.settings.lang, title),
            },
            None => SessionError::AddrInUse { addr },
        }
    }
}

impl SessionMirror {
    /// Every event changes the mirror here, and only here (its row in the
    /// log is written by `show`). Received chunks are given back once the
    /// log has its copy, for the tools that keep them.
    pub(super) fn apply(&mut self, event: Event, protocol: Protocol) -> Option<Chunks> {
        match event {
            // The owner says it next to the receive file's control.
            Event::RxFileFailed(_) => {}
            Event::Opened { local } => self.state = SessionState::Open { local },
            Event::Connecting { remote } => self.state = SessionState::Connecting(remote),
            Event::Connected {
                peer,
                local: _,
                at_ms,
                conn: _,
            } => {
                if protocol.serves_clients() {
                    self.client_index.insert(peer, self.clients.len());
                    self.clients.push(ClientRow {
                        peer,
                        since_ms: at_ms,
                        rx_bytes: 0,
                        tx_bytes: 0,
                        selected: false,
                        ws_path: None,
                        ws_subprotocol: None,
                    });
                } else {
                    self.state = SessionState::Connected { peer };
                }
            }
            Event::Received(chunks) => {
                for chunk in &chunks {
                    let len = chunk.bytes.len() as u64;
                    self.counters.rx_bytes += len;
                    if let Some(&i) = self.client_index.get(&chunk.peer) {
                        self.clients[i].rx_bytes += len;
                    }
                    // With framing on, the session thread has cut the
                    // stream already: each chunk is one message.
                    self.counters.rx_msgs += 1;
                }
                self.log.push_all(
                    Direction::Rx,
                    chunks.iter().map(|chunk| {
                        (
                            chunk.at_us,
                            LogPeer::Addr(chunk.peer),
                            chunk.conn,
                            chunk.bytes,
                        )
                    }),
                );
                return Some(chunks);
            }
            Event::Sent {
                at_ms, to, bytes, ..
            } => {
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
                self.record_sent(at_ms, peer, &bytes);
            }
            // The session's totals so far; the counters (which the user
            // may reset) take what is new, and the status line shows them.
            Event::RxDropped(dropped) => {
                let (datagrams, bytes) = self.rx_dropped_reported;
                self.counters.rx_dropped += dropped.datagrams.saturating_sub(datagrams);
                self.counters.rx_dropped_bytes += dropped.bytes.saturating_sub(bytes);
                self.rx_dropped_reported = (dropped.datagrams, dropped.bytes);
            }
            Event::Disconnected { peer, .. } => {
                if let Some(i) = self.client_index.remove(&peer) {
                    self.clients.remove(i);
                    for (index, row) in self.clients.iter().enumerate().skip(i) {
                        self.client_index.insert(row.peer, index);
                    }
                }
            }
            Event::Transfer(transfer) => self.apply_transfer(transfer),
            Event::FileProgress { sent, total } => {
                // File bytes are not Sent events (a large file would flood
                // the log), so they are counted here.
                let before = self.file_progress.as_ref().map_or(0, |f| f.sent);
                self.counters.tx_bytes += sent.saturating_sub(before);
                if sent == total {
                    self.file_progress = None;
                } else if let Some(file) = &mut self.file_progress {
                    file.sent = sent;
                    file.total = Some(total);
                }
            }
            Event::FileAborted { .. } => self.file_progress = None,
            Event::Stopped(outcome) => {
                if let Some(error) = outcome {
                    self.last_error = Some(error);
                }
                self.file_progress = None;
                self.state = SessionState::Closed;
                self.clients.clear();
                self.client_index.clear();
                self.security.insecure = false;
            }
            Event::Tls(TlsEvent::ServerIdentity { fingerprint, .. }) => {
                self.security.fingerprint = Some(fingerprint);
            }
            Event::Tls(TlsEvent::Insecure { .. }) => self.security.insecure = true,
            Event::Tls(TlsEvent::Presented {
                index: 1, ref cert, ..
            }) => self.security.refused = Some(cert.clone()),
            Event::Tls(TlsEvent::HandshakeFailed { ref problem, .. })
                if problem.is_about_the_certificate() =>
            {
                self.security.refusal = Some(problem.clone());
            }
            Event::Tls(TlsEvent::Established { .. }) => {
                self.security.refused = None;
                self.security.refusal = None;
            }
            // A WebSocket server's client row shows what it asked for.
            Event::Ws(WsEvent::Handshake {
                peer,
                path,
                subprotocol,
                ..
            }) => {
                if let Some(&i) = self.client_index.get(&peer) {
                    self.clients[i].ws_path = Some(path);
                    self.clients[i].ws_subprotocol = subprotocol;
                }
            }
            // A row in the log only (its description).
            Event::Ws(_) => {}
            Event::PeerFinished { .. }
            | Event::ReplyHeld(_)
            | Event::Error(_)
            | Event::LoopStopped { .. }
            | Event::Joined(_)
            | Event::Left(_)
            | Event::Tls(_) => {}
        }
        None
    }

    /// The description's row in the log, in the window's language. A
    /// connection is stamped with the engine's time, not the time this
    /// frame takes the event: data of it read meanwhile carries an earlier
    /// engine time than the frame's clock. A failed receive file is said
    /// next to its control and in the status line instead, and dropped
    /// datagrams in the status line's counter.
    pub(super) fn show(&mut self, lang: Lang, description: &Description) {
        match description {
            Description::RxFileFailed(_) | Description::RxDropped { .. } => {}
            Description::Connected { at_ms, .. } => {
                if let Some(line) = sentences::event_line(lang, description) {
                    self.record_described(*at_ms, description, &line);
                }
            }
            // A session that ended with an error says it, then that it
            // closed.
            Description::Closed { error: Some(_) } => {
                if let Some(line) = sentences::event_line(lang, description) {
                    self.record_described(now_ms(), description, &line);
                }
                self.show(lang, &Description::Closed { error: None });
            }
            _ => {
                if let Some(line) = sentences::event_line(lang, description) {
                    self.record_described(now_ms(), description, &line);
                }
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
            } => self.transfers.push(TransferRow {
                id,
                session_serial: self.session_serial,
                file,
                peer,
                direction,
                size,
                bytes: 0,
                started: Instant::now(),
                state: TransferState::Running,
            }),
            TransferEvent::Progress { id, bytes } => {
                if let Some(row) = self.transfer_mut(id) {
                    row.bytes = bytes;
                }
            }
            TransferEvent::Finished { id, bytes, elapsed } => {
                if let Some(row) = self.transfer_mut(id) {
                    row.bytes = bytes;
                    row.state = TransferState::Done { elapsed };
                }
            }
            TransferEvent::Failed { id, reason } => {
                if let Some(row) = self.transfer_mut(id) {
                    row.state = TransferState::Failed(reason);
                }
            }
        }
    }
}

//! Applying the session's events: the log, counters, clients, transfers
//! and the receive file.

use super::*;
use crate::describe::Description;
use crate::gui::i18n::{self, sentences};
use crate::net::{LineFormat, RxFileFailed, SessionError};
use crate::text::Message;

impl Workbench {
    // ----- events -----

    /// Applies the session's events until none are left or the time budget
    /// is spent. Returns true when events are left for the next frame.
    ///
    /// An event's bytes are copied into the log and the event dropped (the
    /// session thread has written them to the receive file already), which
    /// gives its share of the session's event budget back: a window that falls behind, or does not draw at all,
    /// holds at most `net::MAX_EVENT_BYTES` per session besides its log.
    pub fn drain_events(&mut self, budget: Duration) -> bool {
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

    /// One framed message, logged and counted as received.
    fn record_message(&mut self, peer: SocketAddr, message: Message) {
        self.counters.rx_msgs += 1;
        self.record(
            message.at_ms,
            Direction::Rx,
            LogPeer::Addr(peer),
            &message.bytes,
        );
    }

    /// Cuts messages whose idle gap has passed; returns when the next one
    /// is due (milliseconds since the epoch) so the window can wake for it.
    pub fn tick_framing(&mut self, now_ms: i64) -> Option<i64> {
        let framers = self.framers.as_mut()?;
        let due = framers.flush_due(now_ms);
        let next = framers.next_deadline_ms();
        for (peer, message) in due {
            self.record_message(peer, message);
        }
        next
    }

    fn note(&mut self, text: String) {
        self.record(now_ms(), Direction::Note, LogPeer::None, text.as_bytes());
    }

    /// Puts an entry in the log.
    fn record(&mut self, at_ms: i64, dir: Direction, peer: LogPeer, bytes: &[u8]) {
        self.log.push(at_ms, dir, peer, bytes);
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
            let lang = self.settings.lang;
            self.errors.rx_file = Some(lang.t(&i18n::CHOOSE_RX_FILE).to_owned());
            return;
        }
        let lines = self.settings.rx_file_lines.then_some(LineFormat {
            render: Render {
                encoding: self.settings.rx_encoding,
                hex: self.settings.rx_hex,
            },
            timestamps: self.settings.show_time,
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
                let lang = self.settings.lang;
                self.errors.rx_file = Some(format!(
                    "{} {}: {e}",
                    lang.t(&i18n::CANNOT_OPEN),
                    path.display()
                ));
            }
        }
    }

    /// Applies one event: the session's state, counters, clients and
    /// transfers change here; its row in the log is its description,
    /// worded in the window's language (`show`).
    pub fn apply(&mut self, event: Event) {
        let description = self.describer.describe(&event);
        match event {
            Event::RxFileFailed(failed) => self.rx_file_failed(&failed),
            Event::Opened { local } => self.state = SessionState::Open { local },
            Event::Connecting { remote } => self.state = SessionState::Connecting(remote),
            Event::Connected {
                peer,
                local: _,
                at_ms,
            } => {
                if self.settings.protocol == Protocol::TcpServer {
                    self.client_index.insert(peer, self.clients.len());
                    self.clients.push(ClientRow {
                        peer,
                        since_ms: at_ms,
                        rx_bytes: 0,
                        tx_bytes: 0,
                        selected: false,
                    });
                } else {
                    self.state = SessionState::Connected { peer };
                }
            }
            Event::Received(chunks) => {
                for chunk in chunks {
                    let len = chunk.bytes.len() as u64;
                    self.counters.rx_bytes += len;
                    if let Some(&i) = self.client_index.get(&chunk.peer) {
                        self.clients[i].rx_bytes += len;
                    }
                    match &mut self.framers {
                        Some(framers) => {
                            for message in framers.push(chunk.peer, &chunk.bytes, chunk.at_ms) {
                                self.record_message(chunk.peer, message);
                            }
                        }
                        None => {
                            self.counters.rx_msgs += 1;
                            self.record(
                                chunk.at_ms,
                                Direction::Rx,
                                LogPeer::Addr(chunk.peer),
                                &chunk.bytes,
                            );
                        }
                    }
                }
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
                self.record(at_ms, Direction::Tx, peer, &bytes);
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
                // What a framer still holds is the peer's last message.
                if let Some(message) = self.framers.as_mut().and_then(|f| f.finish(peer)) {
                    self.record_message(peer, message);
                }
                if let Some(i) = self.client_index.remove(&peer) {
                    self.clients.remove(i);
                    for (index, row) in self.clients.iter().enumerate().skip(i) {
                        self.client_index.insert(row.peer, index);
                    }
                }
            }
            Event::Error(error) => {
                let text = sentences::session_error(self.settings.lang, &error);
                // A remote that does not resolve is said next to its field.
                if matches!(error, SessionError::Address(_)) {
                    self.errors.remote = Some(text.clone());
                }
                self.errors.other = Some(text);
            }
            Event::Transfer(transfer) => self.apply_transfer(transfer),
            Event::LoopStopped { .. } => self.looping = false,
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
                    let text = sentences::session_error(self.settings.lang, &error);
                    if matches!(error, SessionError::Address(_)) {
                        self.errors.remote = Some(text.clone());
                    }
                    self.last_error = Some(text);
                }
                self.session = None;
                self.framers = None;
                self.file_progress = None;
                self.looping = false;
                self.sequence = None;
                self.state = SessionState::Closed;
                self.clients.clear();
                self.client_index.clear();
            }
            Event::PeerFinished { .. }
            | Event::ReplyHeld(_)
            | Event::Joined(_)
            | Event::Left(_) => {}
        }
        self.show(&description);
    }

    /// The description's row in the log, in the window's language. A
    /// connection is stamped with the engine's time, not the time this
    /// frame takes the event: data of it read meanwhile carries an earlier
    /// engine time than the frame's clock. A failed receive file is said
    /// next to its control and in the status line instead, and dropped
    /// datagrams in the status line's counter.
    fn show(&mut self, description: &Description) {
        let lang = self.settings.lang;
        match description {
            Description::RxFileFailed(_) | Description::RxDropped { .. } => {}
            Description::Connected { at_ms, .. } => {
                if let Some(line) = sentences::event_line(lang, description) {
                    self.record(*at_ms, Direction::Note, LogPeer::None, line.as_bytes());
                }
            }
            // A session that ended with an error says it, then that it
            // closed.
            Description::Closed { error: Some(_) } => {
                if let Some(line) = sentences::event_line(lang, description) {
                    self.note(line);
                }
                self.show(&Description::Closed { error: None });
            }
            _ => {
                if let Some(line) = sentences::event_line(lang, description) {
                    self.note(line);
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

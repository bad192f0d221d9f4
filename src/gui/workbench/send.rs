//! Sending: the send box, its history, quick commands and their
//! sequences, loop send.

use super::*;
use crate::gui::i18n::sentences;

impl Workbench {
    // ----- sending -----

    pub(super) fn udp_remote_text(&self) -> String {
        let fields = self.settings.addr();
        format!(
            "{}|{}",
            fields.remote_host.trim(),
            fields.remote_port.trim()
        )
    }

    /// The remote fields were edited: a sentence about their old text no
    /// longer describes them (it is checked again at the next send).
    pub fn remote_edited(&mut self) {
        if let Some(error) = self.errors.remote.take()
            && self.errors.send.as_ref() == Some(&error)
        {
            self.errors.send = None;
        }
    }

    /// UDP: send to whoever sent last, or to the remote address; an open
    /// session is told at once.
    pub fn set_reply_to_last_sender(&mut self, on: bool) {
        self.settings.reply_to_last_sender = on;
        self.send_command(Command::SetReplyToLastSender(on));
    }

    /// The send box was edited: "nothing to send" no longer holds.
    pub fn send_text_edited(&mut self) {
        // Said when Send is pressed with an empty send box, in whichever
        // language was chosen then; it goes as soon as the box has text.
        let nothing_to_send = self
            .errors
            .send
            .as_deref()
            .is_some_and(|e| e == i18n::NOTHING_TO_SEND.en || e == i18n::NOTHING_TO_SEND.zh);
        if nothing_to_send && !self.send_text.is_empty() {
            self.errors.send = None;
        }
    }

    /// Turns the send box into bytes, refusing bad HEX or escapes with a
    /// sentence and sending nothing.
    pub fn send_bytes(&self) -> Result<Vec<u8>, String> {
        let lang = self.settings.lang;
        let bytes = if self.settings.tx_hex {
            parse_hex(&self.send_text).map_err(|e| sentences::hex_error(lang, &e))?
        } else {
            encode_text(
                &self.send_text,
                self.settings.tx_encoding,
                self.settings.escapes,
                self.settings.line_ending,
            )
            .map_err(|e| sentences::escape_error(lang, &e))?
        };
        Ok(self.with_checksum(bytes))
    }

    /// Appends the chosen checksum (自动发送附加位) to an outgoing message.
    pub fn with_checksum(&self, bytes: Vec<u8>) -> Vec<u8> {
        match self.settings.tx_checksum {
            Some(checksum) if !bytes.is_empty() => checksum.append(&bytes),
            _ => bytes,
        }
    }

    /// Sends a file's bytes to the current target (打开文件数据源); TCP
    /// streams it, UDP cuts it into datagrams.
    pub fn send_file(&mut self, path: &Path) {
        self.errors.send = None;
        let Some(to) = self.target() else {
            return;
        };
        let Some(session) = &self.session else {
            self.errors.send = Some(self.not_open_sentence());
            return;
        };
        session.send(Command::SendFile {
            to,
            path: path.to_owned(),
            datagram_bytes: 0,
        });
        self.describer.file_send_started(path);
        self.file_progress = Some(FileProgress {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sent: 0,
            total: None,
        });
    }

    /// Passes a command to the open session (nothing happens when closed).
    pub fn send_command(&self, command: Command) {
        if let Some(session) = &self.session {
            session.send(command);
        }
    }

    pub fn cancel_file(&mut self) {
        if let Some(session) = &self.session {
            session.send(Command::CancelFile);
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
            self.errors.send = Some(self.settings.lang.t(&i18n::NOTHING_TO_SEND).to_owned());
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
            self.loop_tx_start = self.counters.tx_msgs;
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
                                // The session keeps its last good remote, but
                                // this text was never sent to it: forget what
                                // was sent, so the next send checks the field
                                // again, whatever it then holds.
                                self.errors.remote =
                                    Some(sentences::addr_error(self.settings.lang, &e));
                                self.udp_remote_sent = None;
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
                // A remote that did not resolve would make the session say
                // "no remote address"; the field's own sentence is truer.
                if let Some(error) = &self.errors.remote {
                    self.errors.send = Some(error.clone());
                    return None;
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
            Ok(bytes) if !bytes.is_empty() => {
                let bytes = self.with_checksum(bytes);
                self.dispatch(bytes, false)
            }
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
        let sentence = match self.settings.protocol {
            Protocol::TcpClient => &i18n::NOT_CONNECTED_PRESS_CONNECT,
            _ => &i18n::NOT_OPEN_PRESS_OPEN,
        };
        self.settings.lang.t(sentence).to_owned()
    }

    /// Messages sent since the running loop started (every message the
    /// session sent meanwhile, as the TX counter counts them).
    pub fn loop_sent(&self) -> u64 {
        self.counters.tx_msgs.saturating_sub(self.loop_tx_start)
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
}

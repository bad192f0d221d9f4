//! Sending: the send box, its history, quick commands and their
//! sequences, loop send.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use super::Workbench;
use super::composer::{FILE_SOURCE_HEAD_BYTES, FileSource, SequenceRun};
use crate::gui::i18n::{self, sentences};
use crate::gui::settings::QuickCommand;
use crate::net::ws::MessageKind;
use crate::net::{Command, Endpoint, Target};
use crate::text::{Encoding, LineEnding, encode_text, format_hex, parse_hex, typed_form};

impl Workbench {
    // ----- sending -----

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
        self.settings.udp.reply_to_last_sender = on;
        self.send_command(Command::SetReplyToLastSender(on));
    }

    /// The send box was edited: "nothing to send" no longer holds.
    pub fn send_text_edited(&mut self) {
        // Either language: the user may have switched since it was said.
        let nothing_to_send = self.errors.send.as_deref().is_some_and(|error| {
            [i18n::NOTHING_TO_SEND.en, i18n::NOTHING_TO_SEND.zh].contains(&error)
        });
        if nothing_to_send && !self.send_text().is_empty() {
            self.errors.send = None;
        }
    }

    /// Ticks or unticks 按十六进制发送, converting the send box as NetAssist
    /// does: to the HEX of the bytes its text is in the send encoding (its
    /// escapes read, no line ending), and back to the text those bytes are.
    /// What cannot be converted (bad escapes, bad HEX, bytes that are not
    /// text in the encoding without escapes) is kept as typed, with the
    /// sentence that says why: the mode changes all the same, so a box of
    /// half-typed HEX never holds the user in HEX.
    pub fn set_tx_hex(&mut self, hex: bool) {
        let text = &self.settings.text;
        if hex == text.tx_hex {
            return;
        }
        let lang = self.settings.lang;
        let encoding = text.send_encoding();
        let converted = if hex {
            encode_text(self.send_text(), encoding, text.escapes, LineEnding::None)
                .map(|bytes| format_hex(&bytes))
                .map_err(|e| sentences::escape_error(lang, &e))
        } else {
            parse_hex(self.send_text())
                .map_err(|e| sentences::hex_error(lang, &e))
                .and_then(|bytes| {
                    typed_form(&bytes, encoding, text.escapes)
                        .ok_or_else(|| sentences::bytes_not_text(lang, encoding))
                })
        };
        self.settings.text.tx_hex = hex;
        match converted {
            Ok(text) => {
                *self.composer.send_text_mut() = text;
                self.errors.send = None;
            }
            Err(sentence) => self.errors.send = Some(sentence),
        }
    }

    /// Turns the send box into bytes, refusing bad HEX or escapes with a
    /// sentence and sending nothing.
    pub fn send_bytes(&self) -> Result<Vec<u8>, String> {
        let lang = self.settings.lang;
        let bytes = if self.settings.text.tx_hex {
            parse_hex(self.send_text()).map_err(|e| sentences::hex_error(lang, &e))?
        } else {
            encode_text(
                self.send_text(),
                self.settings.text.send_encoding(),
                self.settings.text.escapes,
                self.settings.text.line_ending,
            )
            .map_err(|e| sentences::escape_error(lang, &e))?
        };
        Ok(self.with_checksum(bytes))
    }

    /// Appends the chosen checksum (自动发送附加位) to an outgoing message.
    pub fn with_checksum(&self, bytes: Vec<u8>) -> Vec<u8> {
        match self.settings.tools.tx_checksum {
            Some(checksum) if !bytes.is_empty() => checksum.append(&bytes),
            _ => bytes,
        }
    }

    /// Sends a file's bytes to the current target (打开文件数据源); TCP
    /// streams it, UDP cuts it into datagrams, a WebSocket into messages.
    /// Chooses `path` as the data source (打开文件数据源, or a file dropped
    /// on the window): the send area shows its name, size and first bytes,
    /// and 发送 sends it, as NetAssist does; nothing goes before that.
    pub fn choose_file_source(&mut self, path: &Path) {
        self.errors.send = None;
        match read_head(path) {
            Ok((size, head)) => self.composer.set_file_source(Some(FileSource {
                path: path.to_owned(),
                size,
                head,
            })),
            Err(problem) => {
                let lang = self.settings.lang;
                let why = match problem {
                    HeadProblem::Folder => lang.t(&i18n::FILE_SOURCE_FOLDER).to_owned(),
                    HeadProblem::NotAFile => lang.t(&i18n::FILE_SOURCE_NOT_A_FILE).to_owned(),
                    HeadProblem::Io(e) => e.to_string(),
                };
                self.errors.send = Some(format!(
                    "{} {}: {why}",
                    lang.t(&i18n::FILE_SOURCE_UNREADABLE),
                    path.display()
                ));
            }
        }
    }

    /// Puts the chosen file away: 发送 sends the box again.
    pub fn put_file_source_away(&mut self) {
        self.composer.set_file_source(None);
    }

    pub fn send_file(&mut self, path: &Path) {
        self.errors.send = None;
        let Some(to) = self.target() else {
            return;
        };
        let Some(session) = &self.session else {
            self.errors.send = Some(self.not_open_sentence());
            return;
        };
        // A WebSocket sends the file as binary messages of the chosen
        // size; the others take the engine's default (0).
        let datagram_bytes = if self.settings.protocol.is_websocket() {
            self.settings.sec.ws_file_message_bytes
        } else {
            0
        };
        session.send(Command::SendFile {
            to,
            path: path.to_owned(),
            datagram_bytes,
        });
        self.describer.file_send_started(path);
        self.mirror.file_send_started(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }

    /// Passes a command to the open session (nothing happens when closed).
    pub fn send_command(&self, command: Command) {
        if let Some(session) = &self.session {
            session.send(command);
        }
    }

    /// WebSocket: sends a ping to the server, or to every client.
    pub fn ws_ping(&mut self) {
        self.send_command(Command::WsPing(Vec::new()));
    }

    /// WebSocket: sends a close frame with the close control's code and
    /// reason to the server, or to the ticked clients (all when none is
    /// ticked); a code that cannot be sent is said next to the control.
    pub fn ws_close(&mut self) {
        let lang = self.settings.lang;
        let code = self.settings.sec.ws_close_code;
        if let Err(e) = crate::net::ws::check_close_code(code) {
            self.errors.ws = Some(i18n::sec_sentences::close_code_error(lang, &e));
            return;
        }
        self.errors.ws = None;
        let reason = self.settings.sec.ws_close_reason.clone();
        let ticked: Vec<SocketAddr> = self
            .mirror
            .clients()
            .iter()
            .filter(|client| client.selected)
            .map(|client| client.peer)
            .collect();
        if ticked.is_empty() {
            self.send_command(Command::WsClose {
                peer: None,
                code,
                reason,
            });
        } else {
            for peer in ticked {
                self.send_command(Command::WsClose {
                    peer: Some(peer),
                    code,
                    reason: reason.clone(),
                });
            }
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
        if let Some(source) = self.composer.file_source() {
            let path = source.path.clone();
            self.send_file(&path);
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
        self.composer.remember_in(&mut self.settings.send.history);
        let text = &self.settings.text;
        let encoding = (!text.tx_hex).then(|| text.send_encoding());
        if self.dispatch(bytes, encoding, self.settings.send.loop_enabled)
            && self.settings.send.clear_after_send
        {
            self.composer.send_text_mut().clear();
        }
    }

    /// Sends bytes to the session's current target (or loops them);
    /// false when there is no session or no valid target. `encoding` is
    /// the one a text was written in (`None` for HEX): the log shows the
    /// bytes' TX rows in it.
    pub fn dispatch(&mut self, bytes: Vec<u8>, encoding: Option<Encoding>, as_loop: bool) -> bool {
        let Some(to) = self.target() else {
            return false;
        };
        let Some(session) = &self.session else {
            self.errors.send = Some(self.not_open_sentence());
            return false;
        };
        if let Some(encoding) = encoding {
            self.mirror.text_sent(&bytes, encoding);
        }
        if self.settings.protocol.is_websocket() {
            // HEX (no encoding) is bytes: binary messages; a text goes as
            // a text message when it is UTF-8 (the engine decides).
            let kind = match encoding {
                Some(_) => MessageKind::Text,
                None => MessageKind::Binary,
            };
            session.send(Command::SetWsMessageKind(kind));
        }
        if as_loop {
            let count = self.settings.send.loop_count;
            session.send(Command::StartLoop {
                to,
                bytes,
                period: Duration::from_millis(self.settings.send.loop_period_ms.max(1)),
                count: (count > 0).then_some(count),
            });
            self.composer.loop_started(self.mirror.counters().tx_msgs);
        } else {
            session.send(Command::Send { to, bytes });
        }
        true
    }

    /// Where a send goes: the ticked clients (or all) of a TCP server, the
    /// remote of a UDP session (told to the session first if it was edited
    /// while open), the server of a TCP client.
    fn target(&mut self) -> Option<Target> {
        let protocol = self.settings.protocol;
        if protocol.serves_clients() {
            let selected: Vec<SocketAddr> = self
                .mirror
                .clients()
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.peer)
                .collect();
            Some(if selected.is_empty() {
                Target::Default
            } else {
                Target::Peers(selected)
            })
        } else if protocol.sends_datagrams() {
            let fields = self.settings.addr();
            let remote_key = fields.remote_key();
            if !self.composer.remote_told(&remote_key) {
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
                            self.composer.set_remote_told(None);
                            return None;
                        }
                    }
                };
                self.errors.remote = None;
                if let Some(session) = &self.session {
                    session.send(Command::SetRemote(remote));
                }
                self.composer.set_remote_told(Some(remote_key));
            }
            // A remote that did not resolve would make the session say
            // "no remote address"; the field's own sentence is truer.
            if let Some(error) = &self.errors.remote {
                self.errors.send = Some(error.clone());
                return None;
            }
            Some(Target::Default)
        } else {
            Some(Target::Default)
        }
    }

    // ----- quick commands and sequences -----

    /// The bytes of a quick command, or the sentence saying why not.
    pub fn quick_command_bytes(&self, command: &QuickCommand) -> Result<Vec<u8>, String> {
        let lang = self.settings.lang;
        if command.hex {
            parse_hex(&command.text).map_err(|e| sentences::hex_error(lang, &e))
        } else {
            encode_text(
                &command.text,
                command.encoding,
                self.settings.text.escapes,
                self.settings.text.line_ending,
            )
            .map_err(|e| sentences::escape_error(lang, &e))
        }
    }

    /// Puts quick command `index` in the send box, with its HEX and
    /// encoding, to edit or send.
    pub fn load_quick_command(&mut self, index: usize) {
        let Some(command) = self.settings.send.quick_commands.get(index) else {
            return;
        };
        self.composer.set_send_text(command.text.clone());
        self.settings.text.tx_hex = command.hex;
        self.settings.text.set_send_encoding(command.encoding);
    }

    /// Sends quick command `index` once.
    pub fn send_quick_command(&mut self, index: usize) -> bool {
        self.errors.send = None;
        let Some(command) = self.settings.send.quick_commands.get(index).cloned() else {
            return false;
        };
        match self.quick_command_bytes(&command) {
            Ok(bytes) if !bytes.is_empty() => {
                let bytes = self.with_checksum(bytes);
                let encoding = (!command.hex).then_some(command.encoding);
                self.dispatch(bytes, encoding, false)
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
            "" => self.send_text().chars().take(16).collect(),
            name => name.to_owned(),
        };
        self.settings.send.quick_commands.push(QuickCommand {
            name,
            text: self.send_text().to_owned(),
            hex: self.settings.text.tx_hex,
            encoding: self.settings.text.send_encoding(),
            delay_ms: 1000,
        });
    }

    /// Starts sending every quick command in order, each followed by its
    /// delay.
    pub fn start_sequence(&mut self) {
        if !self.settings.send.quick_commands.is_empty() && self.session.is_some() {
            self.composer.set_sequence(Some(SequenceRun {
                next: 0,
                due: Instant::now(),
            }));
        }
    }

    pub fn stop_sequence(&mut self) {
        self.composer.set_sequence(None);
    }

    /// Sends the sequence's commands that are due; returns when the next
    /// one is, so the window can wake for it.
    pub fn tick_sequence(&mut self, now: Instant) -> Option<Instant> {
        while let Some(run) = self.composer.sequence() {
            if now < run.due {
                return Some(run.due);
            }
            let Some(command) = self.settings.send.quick_commands.get(run.next) else {
                self.composer.set_sequence(None);
                break;
            };
            let delay = Duration::from_millis(command.delay_ms);
            if !self.send_quick_command(run.next) {
                self.composer.set_sequence(None);
                break;
            }
            self.composer.set_sequence(Some(SequenceRun {
                next: run.next + 1,
                due: now + delay,
            }));
        }
        None
    }

    // ----- history -----

    /// Up (older) or Down (newer) through the sent messages. Only while the
    /// box is empty or still shows a history entry, so editing is never
    /// overwritten.
    pub fn browse_history(&mut self, older: bool) -> bool {
        self.composer.browse(&self.settings.send.history, older)
    }

    /// Shows history entry `index` in the send box, as picked from the menu.
    pub fn show_history_entry(&mut self, index: usize) {
        self.composer
            .show_history_entry(&self.settings.send.history, index);
    }

    fn not_open_sentence(&self) -> String {
        let sentence = if self.settings.protocol.connects_to_one() {
            &i18n::NOT_CONNECTED
        } else {
            &i18n::NOT_OPEN
        };
        self.settings.lang.t(sentence).to_owned()
    }

    /// Messages sent since the running loop started (every message the
    /// session sent meanwhile, as the TX counter counts them).
    pub fn loop_sent(&self) -> u64 {
        self.composer.loop_sent(self.mirror.counters().tx_msgs)
    }

    pub fn stop_loop(&mut self) {
        if let Some(session) = &self.session
            && self.composer.looping()
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

/// Why a chosen file cannot be the data source.
enum HeadProblem {
    Folder,
    NotAFile,
    Io(std::io::Error),
}

/// A file's size and first bytes; the file is opened, not read whole.
/// Only a regular file is opened here, on the window's thread: opening a
/// FIFO waits for its writer, and a device has no size to show.
fn read_head(path: &Path) -> Result<(u64, Vec<u8>), HeadProblem> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).map_err(HeadProblem::Io)?;
    if metadata.is_dir() {
        return Err(HeadProblem::Folder);
    }
    if !metadata.is_file() {
        return Err(HeadProblem::NotAFile);
    }
    let file = std::fs::File::open(path).map_err(HeadProblem::Io)?;
    let mut head = Vec::with_capacity(FILE_SOURCE_HEAD_BYTES);
    file.take(FILE_SOURCE_HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(HeadProblem::Io)?;
    Ok((metadata.len(), head))
}

//! The composer: what the user is about to send (the send box and its
//! place in the history), the quick command being named, a running
//! sequence, a running loop send, and which remote a UDP session was last
//! told. It holds no session; the owner sends what it composes.

use std::time::Instant;

use crate::gui::settings::RemoteKey;

/// Sent messages remembered for Up/Down and the history menu.
const MAX_HISTORY: usize = 50;

/// Where a running sequence of quick commands is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequenceRun {
    pub next: usize,
    pub due: Instant,
}

#[derive(Default)]
pub struct Composer {
    send_text: String,
    /// Which history entry the send box shows (Up/Down), if any.
    history_cursor: Option<usize>,
    /// The name typed for the next quick command.
    quick_name: String,
    /// A running sequence of quick commands.
    sequence: Option<SequenceRun>,
    /// True while the session runs a loop send.
    looping: bool,
    /// The TX message counter when the loop started, for its running count.
    loop_tx_start: u64,
    /// The remote fields the UDP session was last told about.
    udp_remote_sent: Option<RemoteKey>,
    /// A file chosen as the data source (打开文件数据源): 发送 sends it
    /// instead of the box, until it is put away.
    file_source: Option<FileSource>,
}

/// A file that 发送 sends, as the user sees it before sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSource {
    pub path: std::path::PathBuf,
    pub size: u64,
    /// Its first bytes, to show what will go.
    pub head: Vec<u8>,
}

/// How many of a chosen file's first bytes are shown.
pub const FILE_SOURCE_HEAD_BYTES: usize = 32;

impl Composer {
    /// A send box holding `text` (what it held when the window was saved).
    pub fn with_text(text: String) -> Composer {
        Composer {
            send_text: text,
            ..Composer::default()
        }
    }

    /// The file 发送 sends, if one is chosen.
    pub fn file_source(&self) -> Option<&FileSource> {
        self.file_source.as_ref()
    }

    pub(super) fn set_file_source(&mut self, source: Option<FileSource>) {
        self.file_source = source;
    }

    pub fn send_text(&self) -> &str {
        &self.send_text
    }

    /// The send box's text, for its text field.
    pub fn send_text_mut(&mut self) -> &mut String {
        &mut self.send_text
    }

    pub fn quick_name_mut(&mut self) -> &mut String {
        &mut self.quick_name
    }

    pub fn sequence(&self) -> Option<SequenceRun> {
        self.sequence
    }

    pub fn set_sequence(&mut self, sequence: Option<SequenceRun>) {
        self.sequence = sequence;
    }

    pub fn looping(&self) -> bool {
        self.looping
    }

    /// A loop send was handed to the session while it had sent `tx_msgs`.
    pub fn loop_started(&mut self, tx_msgs: u64) {
        self.looping = true;
        self.loop_tx_start = tx_msgs;
    }

    /// The session says the loop is over (or the session is).
    pub fn loop_stopped(&mut self) {
        self.looping = false;
    }

    /// Messages sent since the running loop started, given the TX counter.
    pub fn loop_sent(&self, tx_msgs: u64) -> u64 {
        tx_msgs.saturating_sub(self.loop_tx_start)
    }

    /// The session is gone: nothing it ran goes on.
    pub fn session_stopped(&mut self) {
        self.looping = false;
        self.sequence = None;
    }

    /// Whether the UDP session still sends to `remote` as typed now.
    pub fn remote_told(&self, remote: &RemoteKey) -> bool {
        self.udp_remote_sent.as_ref() == Some(remote)
    }

    /// What the UDP session was told (`None`: the field must be checked
    /// again at the next send, whatever it then holds).
    pub fn set_remote_told(&mut self, remote: Option<RemoteKey>) {
        self.udp_remote_sent = remote;
    }

    /// Puts a history entry in the send box, as picked from the menu.
    pub fn show_history_entry(&mut self, history: &[String], index: usize) {
        if let Some(text) = history.get(index) {
            self.send_text = text.clone();
            self.history_cursor = Some(index);
        }
    }

    /// A quick command's text, put in the send box to edit.
    pub fn set_send_text(&mut self, text: String) {
        self.send_text = text;
    }

    /// Adds the send box to `history` (once, as the newest entry, at most
    /// `MAX_HISTORY` kept).
    pub fn remember_in(&mut self, history: &mut Vec<String>) {
        let text = self.send_text.clone();
        history.retain(|h| *h != text);
        history.push(text);
        let excess = history.len().saturating_sub(MAX_HISTORY);
        history.drain(..excess);
        self.history_cursor = None;
    }

    /// Up (older) or Down (newer) through the sent messages. Only while the
    /// box is empty or still shows a history entry, so editing is never
    /// overwritten.
    pub fn browse(&mut self, history: &[String], older: bool) -> bool {
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
}

//! One tab: its settings, the session it runs, and everything that changes
//! them. No drawing happens here (that is the `*_ui` files), so this logic
//! is the same whatever the window looks like.
//!
//! `Workbench` is the small owner of three parts, each about one concern:
//! the [`SessionMirror`] (the session as its events describe it: state,
//! clients, counters, log, transfers), the [`Composer`] (what is about to
//! be sent: the send box, history, sequences, loop send) and the
//! [`ViewPrefs`] (how the log is shown). It holds the settings, the
//! session handle and the sentences shown next to the fields.

mod composer;
mod encoding_hint;
mod events;
mod log_actions;
mod mirror;
mod open;
mod send;
mod sent_texts;
mod view;

use std::time::Instant;

use crate::describe::Describer;
use crate::gui::rx_file::RxFile;
use crate::gui::settings::Settings;
use crate::gui::tools::kit::ToolKit;
use crate::log::LogStore;
use crate::net::{SessionHandle, Waker};
use crate::text::{Encoding, Render};

pub use composer::{Composer, FileSource, SequenceRun};
pub use mirror::{
    ClientRow, Counters, FileProgress, SecurityState, SessionMirror, SessionState, TransferRow,
    TransferState,
};
pub use view::ViewPrefs;

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
    /// Issue 14: the TLS fields, and the WebSocket fields.
    pub tls: Option<String>,
    pub ws: Option<String>,
}

pub struct Workbench {
    settings: Settings,
    mirror: SessionMirror,
    composer: Composer,
    view: ViewPrefs,
    errors: FieldErrors,
    /// A passing message for the status bar (e.g. where the log was saved).
    notice: Option<String>,
    /// Where received data is saved as it arrives, if anywhere.
    rx_file: Option<RxFile>,
    session: Option<SessionHandle>,
    /// Turns the session's events into descriptions (the log's rows).
    describer: Describer,
    waker: Waker,
    /// The tools drawer's calculators, Modbus and waveform for this tab.
    tool_kit: ToolKit,
    /// The local ports the window's other tabs hold, with their titles:
    /// a port in use is then blamed on the right one.
    ports_of_other_tabs: Vec<(u16, String)>,
    /// SHA-256 fingerprints of server certificates the user trusted in
    /// this tab after a refusal; for its sessions, never saved.
    pinned: Vec<String>,
}

impl Workbench {
    pub fn new(settings: Settings, waker: Waker) -> Workbench {
        Workbench {
            mirror: SessionMirror::new(settings.view.log_max_entries),
            composer: Composer::with_text(settings.send.box_text.clone()),
            settings,
            view: ViewPrefs::default(),
            errors: FieldErrors::default(),
            notice: None,
            rx_file: None,
            session: None,
            describer: Describer::new(),
            waker,
            ports_of_other_tabs: Vec::new(),
            pinned: Vec::new(),
            tool_kit: ToolKit::default(),
        }
    }

    // ----- the parts -----

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The settings, for the fields that edit them.
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// A saved profile replaces the tab's settings; the window's language
    /// and theme stay, and the log takes the profile's size.
    pub fn load_profile(&mut self, profile: Settings) {
        let (lang, dark_mode) = (self.settings.lang, self.settings.dark_mode);
        self.settings = profile;
        self.settings.lang = lang;
        self.settings.dark_mode = dark_mode;
        self.mirror
            .log_mut()
            .set_max_entries(self.settings.view.log_max_entries);
    }

    pub fn mirror(&self) -> &SessionMirror {
        &self.mirror
    }

    /// The tab's settings as they are saved: with what the send box holds.
    pub fn settings_to_save(&self) -> Settings {
        let mut settings = self.settings.clone();
        let text = self.composer.send_text();
        settings.send.box_text = if text.len() <= crate::gui::settings::MAX_SAVED_BOX_BYTES {
            text.to_owned()
        } else {
            String::new()
        };
        settings
    }

    pub fn composer(&self) -> &Composer {
        &self.composer
    }

    pub fn composer_mut(&mut self) -> &mut Composer {
        &mut self.composer
    }

    pub fn view(&self) -> &ViewPrefs {
        &self.view
    }

    pub fn view_mut(&mut self) -> &mut ViewPrefs {
        &mut self.view
    }

    pub fn tool_kit(&self) -> &ToolKit {
        &self.tool_kit
    }

    pub fn tool_kit_mut(&mut self) -> &mut ToolKit {
        &mut self.tool_kit
    }

    pub fn errors(&self) -> &FieldErrors {
        &self.errors
    }

    pub fn errors_mut(&mut self) -> &mut FieldErrors {
        &mut self.errors
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// A passing message for the status bar.
    pub fn set_notice(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    pub fn rx_file(&self) -> Option<&RxFile> {
        self.rx_file.as_ref()
    }

    // ----- what the panels and tests read most -----

    pub fn state(&self) -> SessionState {
        self.mirror.state()
    }

    pub fn counters(&self) -> &Counters {
        self.mirror.counters()
    }

    /// What a TLS or WebSocket session said about itself.
    pub fn security(&self) -> &SecurityState {
        self.mirror.security()
    }

    pub fn log(&self) -> &LogStore {
        self.mirror.log()
    }

    /// A row of the session's own in the window's language now (see
    /// `SessionMirror::row_words`); `None`: the row shows its bytes.
    pub fn row_words(&self, seq: u64) -> Option<String> {
        self.mirror.row_words(self.settings.lang, seq)
    }

    /// The log itself, for tests and benchmarks that fill it directly.
    pub fn log_mut(&mut self) -> &mut LogStore {
        self.mirror.log_mut()
    }

    pub fn clients(&self) -> &[ClientRow] {
        self.mirror.clients()
    }

    /// Ticks or unticks client `index` as a send target.
    pub fn set_client_selected(&mut self, index: usize, selected: bool) {
        self.mirror.set_client_selected(index, selected);
    }

    pub fn transfers(&self) -> &[TransferRow] {
        self.mirror.transfers()
    }

    pub fn transfers_running(&self) -> bool {
        self.mirror.transfers_running()
    }

    /// Tells the tab which local ports the window's other tabs hold.
    pub fn set_ports_of_other_tabs(&mut self, ports: Vec<(u16, String)>) {
        self.ports_of_other_tabs = ports;
    }

    /// Why the last session ended, if with an error, in the window's
    /// language as it is now.
    pub fn last_error(&self) -> Option<String> {
        self.mirror
            .last_error()
            .map(|error| crate::gui::i18n::sentences::session_error(self.settings.lang, error))
    }

    pub fn file_progress(&self) -> Option<&FileProgress> {
        self.mirror.file_progress()
    }

    pub fn send_text(&self) -> &str {
        self.composer.send_text()
    }

    pub fn looping(&self) -> bool {
        self.composer.looping()
    }

    /// True while a sequence of quick commands runs.
    pub fn sequence_running(&self) -> bool {
        self.composer.sequence().is_some()
    }

    // ----- the session -----

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

    /// Counts the traffic since the last frame into the rate history;
    /// returns when its next second starts.
    pub fn sample_rates(&mut self, now: Instant) -> Instant {
        self.mirror.sample_rates(now)
    }

    // ----- the view -----

    pub fn render(&self) -> Render {
        Render {
            encoding: self.settings.text.rx_encoding,
            hex: self.settings.text.rx_hex,
        }
    }

    /// The better receive encoding that received data suggests ("This
    /// looks like GBK"), if any; never while the log shows HEX.
    pub fn encoding_hint(&self) -> Option<Encoding> {
        if self.settings.text.rx_hex {
            return None;
        }
        self.view
            .encoding_hint()
            .suggestion(self.settings.text.rx_encoding)
    }

    /// Takes the hint: the suggested encoding becomes the receive
    /// encoding (the 字符集 of both directions, unless they are set
    /// separately), and the hint keeps quiet while it stays chosen.
    pub fn switch_to_hinted_encoding(&mut self) {
        if let Some(better) = self.encoding_hint() {
            self.settings.text.set_receive_encoding(better);
            self.view.encoding_hint_mut().quiet_for(better);
        }
    }

    /// Dismisses the hint until the receive encoding is changed.
    pub fn dismiss_encoding_hint(&mut self) {
        let chosen = self.settings.text.rx_encoding;
        self.view.encoding_hint_mut().quiet_for(chosen);
    }

    /// How many entries the view shows: all of them, or while paused the
    /// ones that were there when the display was paused.
    pub fn visible_len(&self) -> usize {
        self.view.visible_len(self.mirror.log())
    }

    /// One past the sequence number of the last entry in view.
    pub fn visible_end_seq(&self) -> u64 {
        self.mirror.log().first_seq() + self.visible_len() as u64
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.view.set_paused(paused, self.mirror.log());
    }

    /// Brings the filter's matches up to the entries in view, for at most
    /// `budget`; true when entries are left for the next frame.
    pub fn update_filter_matches(&mut self, budget: std::time::Duration) -> bool {
        let render = self.render();
        let end_seq = self.visible_end_seq();
        self.view
            .update_matches(render, self.mirror.log(), end_seq, budget)
    }

    /// The log keeps at most `cap` entries from now on.
    pub fn set_log_max_entries(&mut self, cap: usize) {
        self.settings.view.log_max_entries = cap;
        self.mirror.log_mut().set_max_entries(cap);
    }
}

#[cfg(test)]
mod tests;

//! Opening and closing sessions: the fields are validated into a config,
//! or refused with sentences next to them.

use super::mirror::SessionState;
use super::{FieldErrors, Workbench};
use crate::gui::i18n::{self, sentences};
use crate::gui::rx_file::RxFile;
use crate::gui::session_config::{FieldSentences, session_config, tftp_client_config};
use crate::gui::tools::build_active_rules;
use crate::net::{self, Command, SessionConfig};

impl Workbench {
    // ----- opening and closing -----

    /// Validates the fields and opens a session; on bad input the fields
    /// get their sentences and nothing is opened.
    pub fn open(&mut self) {
        if self.session.is_some() {
            return;
        }
        self.errors = FieldErrors::default();
        self.mirror.clear_last_error();
        let Some(config) = self.build_config() else {
            return;
        };
        // A rule that does not compile says why and stays inactive; it does
        // not keep the session from opening.
        let (rules, rule_error) = build_active_rules(
            &self.settings.tools.auto_replies,
            self.settings.text.rx_encoding,
        );
        self.errors.auto_reply =
            rule_error.map(|refused| sentences::refused_rule(self.settings.lang, &refused));
        self.start(config);
        if let Some(session) = &self.session
            && !rules.is_empty()
            && self.settings.protocol.carries_messages()
        {
            session.send(Command::SetAutoReply(rules));
        }
    }

    fn start(&mut self, config: SessionConfig) {
        // Receive to file goes with the session from its first message on
        // (TFTP stores files of its own and receives no byte stream).
        let streams = config.protocol().carries_messages();
        let saving = self.rx_file.as_ref().filter(|_| streams);
        let rx_file = match saving.map(RxFile::for_session).transpose() {
            Ok(rx_file) => rx_file,
            Err(e) => {
                if let Some(file) = self.rx_file.take() {
                    self.errors.rx_file = Some(format!(
                        "{} {}: {e}",
                        self.settings.lang.t(&i18n::CANNOT_OPEN),
                        file.path().display()
                    ));
                }
                None
            }
        };
        match net::spawn_saving(config, self.waker.clone(), net::Answers::default(), rx_file) {
            Ok(handle) => {
                self.session = Some(handle);
                self.mirror.session_started();
                self.composer
                    .set_remote_told(Some(self.settings.addr().remote_key()));
            }
            Err(e) => {
                let e = self.name_the_holder(e);
                self.mirror.set_last_error(e);
            }
        }
    }

    /// Sends the ticked rules that compile to the open session, after an
    /// edit; the first that does not compile says why.
    pub fn apply_auto_replies(&mut self) {
        let (rules, rule_error) = build_active_rules(
            &self.settings.tools.auto_replies,
            self.settings.text.rx_encoding,
        );
        self.errors.auto_reply =
            rule_error.map(|refused| sentences::refused_rule(self.settings.lang, &refused));
        // A TFTP session has no messages to answer and would refuse it.
        if let Some(session) = &self.session
            && self.settings.protocol.carries_messages()
        {
            session.send(Command::SetAutoReply(rules));
        }
    }

    /// Asks the session to close; it is dropped when its `Stopped` arrives,
    /// so the UI thread never waits for it.
    pub fn close(&mut self) {
        if let Some(session) = &self.session {
            session.send(Command::Close);
            self.mirror.set_state(SessionState::Closing);
        }
    }

    /// The session config the fields describe (by the engine's rules, as
    /// the CLI's flags), or sentences next to the fields that are wrong.
    fn build_config(&mut self) -> Option<SessionConfig> {
        let mut config = session_config(&self.settings)
            .map_err(|sentences| self.show_field_sentences(*sentences))
            .ok()
            .flatten()?;
        // The certificates the user trusted in this tab (pinned).
        match &mut config {
            SessionConfig::TlsClient(client) => client.tls.pinned = self.pinned.clone(),
            SessionConfig::WsClient(client) => client.tls.pinned = self.pinned.clone(),
            _ => {}
        }
        Some(config)
    }

    /// Trusts the certificate the server presented and the last handshake
    /// refused, for this tab's sessions (its SHA-256 pinned, not saved),
    /// and connects again.
    pub fn trust_refused_certificate(&mut self) {
        let Some(refused) = self.mirror.security().refused.clone() else {
            return;
        };
        if !self.pinned.contains(&refused.sha256) {
            self.pinned.push(refused.sha256);
        }
        self.open();
    }

    /// The SHA-256 fingerprints trusted in this tab.
    pub fn pinned(&self) -> &[String] {
        &self.pinned
    }

    /// The window's language changed: the sentences beside the fields
    /// that the fields' own check gave are said again in it (issue 22, 6).
    /// A sentence the check no longer gives came from elsewhere (a name
    /// that did not resolve, a session's refusal) and stays as it is.
    pub fn reword_field_sentences(&mut self) {
        let Err(sentences) = session_config(&self.settings) else {
            return;
        };
        for (shown, new) in beside_fields(&mut self.errors, *sentences) {
            if shown.is_some() && new.is_some() {
                *shown = new;
            }
        }
    }

    fn show_field_sentences(&mut self, sentences: FieldSentences) {
        for (shown, new) in beside_fields(&mut self.errors, sentences) {
            *shown = new;
        }
    }

    /// Starts a TFTP client transfer with the current fields.
    pub fn tftp_transfer(&mut self, get: bool) {
        if self.session.is_some() {
            return;
        }
        self.errors = FieldErrors::default();
        self.mirror.clear_last_error();
        let config = match tftp_client_config(&self.settings, get) {
            Ok(config) => config,
            Err(sentences) => return self.show_field_sentences(*sentences),
        };
        self.start(config);
        if self.session.is_some() {
            self.mirror.set_state(SessionState::Transferring);
        }
    }

    pub fn cancel_transfer(&mut self, id: u64) {
        if let Some(session) = &self.session {
            // A TFTP client's session is its one transfer.
            if self.settings.protocol.transfers_one_file() {
                session.send(Command::Close);
            } else {
                session.send(Command::CancelTransfer(id));
            }
        }
    }
}

/// Each field's sentence as shown, beside the one the fields' check gives
/// for it now.
fn beside_fields(
    errors: &mut FieldErrors,
    sentences: FieldSentences,
) -> [(&mut Option<String>, Option<String>); 7] {
    let FieldSentences {
        local,
        remote,
        multicast,
        framing,
        tftp,
        tls,
        ws,
    } = sentences;
    [
        (&mut errors.local, local),
        (&mut errors.remote, remote),
        (&mut errors.multicast, multicast),
        (&mut errors.framing, framing),
        (&mut errors.tftp, tftp),
        (&mut errors.tls, tls),
        (&mut errors.ws, ws),
    ]
}

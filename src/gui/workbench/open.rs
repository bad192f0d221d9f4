//! Opening and closing sessions: the fields are validated into a config,
//! or refused with sentences next to them.

use super::*;
use crate::gui::i18n::sentences;
use crate::gui::settings::message_tools_apply;
use crate::text::Framing;

impl Workbench {
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
        // Framing and auto-reply are checked before anything opens, so a
        // bad rule never leaves a half-configured session.
        let framers = match config.protocol() {
            Protocol::TcpClient | Protocol::TcpServer => match self.settings.framing.to_framing() {
                Ok(Framing::None) => None,
                Ok(framing) => Some(PeerFramers::new(framing)),
                Err(e) => {
                    self.errors.framing = Some(e);
                    return;
                }
            },
            _ => None,
        };
        // A rule that does not compile says why and stays inactive; it does
        // not keep the session from opening.
        let (rules, rule_error) =
            build_active_rules(&self.settings.auto_replies, self.settings.rx_encoding);
        self.errors.auto_reply = rule_error;
        self.start(config);
        self.framers = framers;
        if let Some(session) = &self.session
            && !rules.is_empty()
            && message_tools_apply(self.settings.protocol)
        {
            session.send(Command::SetAutoReply(rules));
        }
    }

    fn start(&mut self, config: SessionConfig) {
        // Receive to file goes with the session from its first message on
        // (TFTP stores files of its own and receives no byte stream).
        let streams = !matches!(
            config,
            SessionConfig::TftpServer(_) | SessionConfig::TftpClient(_)
        );
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
                self.session_serial += 1;
                self.rx_dropped_reported = (0, 0);
                self.state = SessionState::Opening;
                self.clients.clear();
                self.client_index.clear();
                self.udp_remote_sent = Some(self.udp_remote_text());
            }
            Err(e) => self.last_error = Some(sentences::session_error(self.settings.lang, &e)),
        }
    }

    /// Sends the ticked rules that compile to the open session, after an
    /// edit; the first that does not compile says why.
    pub fn apply_auto_replies(&mut self) {
        let (rules, rule_error) =
            build_active_rules(&self.settings.auto_replies, self.settings.rx_encoding);
        self.errors.auto_reply = rule_error;
        // A TFTP session has no messages to answer and would refuse it.
        if let Some(session) = &self.session
            && message_tools_apply(self.settings.protocol)
        {
            session.send(Command::SetAutoReply(rules));
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
        let lang = self.settings.lang;
        let local = || -> Result<SocketAddr, String> {
            Endpoint::from_parts(&fields.local_host, &fields.local_port)
                .and_then(|e| e.to_local())
                .map_err(|e| sentences::addr_error(lang, &e))
        };
        let remote = || -> Result<Endpoint, String> {
            Endpoint::from_parts(&fields.remote_host, &fields.remote_port)
                .and_then(Endpoint::require_port)
                .map_err(|e| sentences::addr_error(lang, &e))
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
                let multicast =
                    parse_groups(&settings.multicast_groups, &settings.multicast_interface)
                        .map_err(|e| self.errors.multicast = Some(e))
                        .ok();
                SessionConfig::Udp(UdpConfig {
                    local: local?,
                    remote: remote?,
                    reply_to_last_sender: settings.reply_to_last_sender,
                    broadcast: settings.broadcast,
                    multicast: multicast?,
                    multicast_ttl: Some(settings.multicast_ttl.clamp(
                        *crate::net::MULTICAST_TTL.start(),
                        *crate::net::MULTICAST_TTL.end(),
                    )),
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
                    connect_timeout: settings.connect_timeout(),
                })
            }
            Protocol::TcpServer => SessionConfig::TcpServer(TcpServerConfig {
                idle_timeout: settings.tcp_idle_timeout(),
                max_clients_per_ip: settings.tcp_max_clients_per_ip(),
                ..TcpServerConfig::new(
                    local().map_err(|e| self.errors.local = Some(e)).ok()?,
                    settings.max_clients.max(1),
                )
            }),
            Protocol::TftpServer => {
                let local = local().map_err(|e| self.errors.local = Some(e)).ok();
                let root = self.check_dir(&settings.tftp_root.clone(), settings.tftp_allow_write);
                SessionConfig::TftpServer(tftp::ServerConfig {
                    local: local?,
                    root: root?,
                    allow_write: self.settings.tftp_allow_write,
                    allow_overwrite: self.settings.tftp_allow_overwrite,
                    max_transfers: tftp::limits::DEFAULT_MAX_TRANSFERS,
                    max_transfers_per_address: self.settings.tftp_max_per_address.max(1),
                    port_range: None,
                })
            }
            // A TFTP client opens per transfer (Get / Put), not here.
            Protocol::TftpClient => return None,
        };
        Some(config)
    }

    /// A folder that exists (and can be written, when files will be
    /// written into it), or a sentence next to the TFTP fields.
    fn check_dir(&mut self, text: &str, will_write: bool) -> Option<PathBuf> {
        let path = PathBuf::from(text.trim());
        let lang = self.settings.lang;
        if text.trim().is_empty() {
            self.errors.tftp = Some(lang.t(&i18n::CHOOSE_FOLDER).to_owned());
            return None;
        }
        if !path.is_dir() {
            self.errors.tftp = Some(format!(
                "'{}' {}",
                path.display(),
                lang.t(&i18n::NOT_A_FOLDER)
            ));
            return None;
        }
        if will_write && !tftp::folder_is_writable(&path) {
            self.errors.tftp = Some(format!(
                "'{}' {}",
                path.display(),
                lang.t(&i18n::FOLDER_NOT_WRITABLE)
            ));
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
            .map_err(|e| self.errors.remote = Some(sentences::addr_error(self.settings.lang, &e)))
            .ok();
        let op = if get {
            let name = self.settings.tftp_remote_file.trim().to_owned();
            let dir = self.check_dir(&self.settings.tftp_local_dir.clone(), true);
            if name.is_empty() {
                self.errors.tftp = Some(self.settings.lang.t(&i18n::ENTER_REMOTE_FILE).to_owned());
                return;
            }
            dir.map(|local_dir| ClientOp::Get {
                remote_name: name,
                local_dir,
            })
        } else {
            let file = PathBuf::from(self.settings.tftp_local_file.trim());
            if !file.is_file() {
                self.errors.tftp = Some(format!(
                    "'{}' {}",
                    file.display(),
                    self.settings.lang.t(&i18n::NOT_A_FILE)
                ));
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
}

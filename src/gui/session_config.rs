//! The window's fields turned into the engine's session configs, by the
//! engine's rules and defaults (the same ones the CLI's flags go through),
//! or into sentences for the fields that are wrong. Pure: no session is
//! opened and no state changes here, so a test can compare what the
//! window would open with what the CLI would.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::i18n::{self, Lang};
use super::settings::{IdentityChoice, Settings, VerifyChoice, trimmed_path};
use crate::net::tls::{
    CertKeyPaths, ClientAuth, ServerIdentity, TlsClientOptions, TlsServerOptions, Verify,
    parse_alpn_list,
};
use crate::net::ws::{MessageKind, WsClientConfig, WsServerConfig, WsUrl, parse_header_lines};
use crate::net::{
    Endpoint, MULTICAST_TTL, MulticastJoin, Protocol, SessionConfig, TcpClientConfig,
    TcpServerConfig, TlsClientConfig, TlsServerConfig, UdpConfig,
};
use crate::tftp::{self, CLIENT_BLKSIZE, CLIENT_WINDOWSIZE, ClientOp, ClientOptions};

/// The sentences for the fields that kept a config from being built, each
/// shown next to its field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSentences {
    pub local: Option<String>,
    pub remote: Option<String>,
    pub multicast: Option<String>,
    pub framing: Option<String>,
    pub tftp: Option<String>,
    /// The TLS fields (verification, certificates, ALPN, names).
    pub tls: Option<String>,
    /// The WebSocket fields (URL, headers, subprotocols).
    pub ws: Option<String>,
}

/// What a session of `settings.protocol` opens with; `None` for the TFTP
/// client, which opens per transfer ([`tftp_client_config`]).
pub fn session_config(settings: &Settings) -> Result<Option<SessionConfig>, Box<FieldSentences>> {
    let mut sentences = FieldSentences::default();
    let fields = settings.addr();
    let lang = settings.lang;
    let local = || -> Result<SocketAddr, String> {
        Endpoint::from_parts(&fields.local_host, &fields.local_port)
            .and_then(|e| e.to_local())
            .map_err(|e| i18n::sentences::addr_error(lang, &e))
    };
    let remote = || -> Result<Endpoint, String> {
        Endpoint::from_parts(&fields.remote_host, &fields.remote_port)
            .and_then(Endpoint::require_port)
            .map_err(|e| i18n::sentences::addr_error(lang, &e))
    };
    let config = match settings.protocol {
        Protocol::Udp => {
            let local = local().map_err(|e| sentences.local = Some(e)).ok();
            let remote = if fields.remote_host.trim().is_empty() {
                Some(None)
            } else {
                remote()
                    .map(Some)
                    .map_err(|e| sentences.remote = Some(e))
                    .ok()
            };
            let multicast = MulticastJoin::parse_list(
                &settings.udp.multicast_groups,
                &settings.udp.multicast_interface,
            )
            .map_err(|e| {
                sentences.multicast = Some(i18n::sentences::group_error(settings.lang, &e))
            })
            .ok();
            match (local, remote, multicast) {
                (Some(local), Some(remote), Some(multicast)) => SessionConfig::Udp(UdpConfig {
                    remote,
                    reply_to_last_sender: settings.udp.reply_to_last_sender,
                    broadcast: settings.udp.broadcast,
                    multicast,
                    multicast_ttl: Some(
                        settings
                            .udp
                            .multicast_ttl
                            .clamp(*MULTICAST_TTL.start(), *MULTICAST_TTL.end()),
                    ),
                    ..UdpConfig::new(local)
                }),
                _ => return Err(Box::new(sentences)),
            }
        }
        Protocol::TcpClient | Protocol::TlsClient => {
            let remote = remote().map_err(|e| sentences.remote = Some(e));
            // An empty or zero port binds nothing first: any local port.
            let local = match fields.local_port.trim() {
                "" | "0" => Ok(None),
                _ => local().map(Some).map_err(|e| sentences.local = Some(e)),
            };
            let framing = framing(settings).map_err(|e| sentences.framing = Some(e));
            let tls = (settings.protocol == Protocol::TlsClient)
                .then(|| tls_client_options(settings).map_err(|e| sentences.tls = Some(e)))
                .transpose();
            match (remote, local, framing, tls) {
                (Ok(remote), Ok(local), Ok(framing), Ok(tls)) => {
                    let tcp = TcpClientConfig {
                        local,
                        connect_timeout: settings.connect_timeout(),
                        framing,
                        ..TcpClientConfig::new(remote)
                    };
                    match tls {
                        Some(tls) => SessionConfig::TlsClient(TlsClientConfig::new(tcp, tls)),
                        None => SessionConfig::TcpClient(tcp),
                    }
                }
                _ => return Err(Box::new(sentences)),
            }
        }
        Protocol::TcpServer | Protocol::TlsServer => {
            let local = local().map_err(|e| sentences.local = Some(e));
            let framing = framing(settings).map_err(|e| sentences.framing = Some(e));
            let tls = (settings.protocol == Protocol::TlsServer)
                .then(|| tls_server_options(settings).map_err(|e| sentences.tls = Some(e)))
                .transpose();
            match (local, framing, tls) {
                (Ok(local), Ok(framing), Ok(tls)) => {
                    let tcp = TcpServerConfig {
                        framing,
                        ..tcp_server(settings, local)
                    };
                    match tls {
                        Some(tls) => SessionConfig::TlsServer(TlsServerConfig::new(tcp, tls)),
                        None => SessionConfig::TcpServer(tcp),
                    }
                }
                _ => return Err(Box::new(sentences)),
            }
        }
        Protocol::WsClient => match ws_client_config(settings) {
            Ok(config) => SessionConfig::WsClient(config),
            Err(e) => {
                sentences.ws = Some(e);
                return Err(Box::new(sentences));
            }
        },
        Protocol::WsServer => {
            let local = local().map_err(|e| sentences.local = Some(e));
            let subprotocols = crate::rules::parse_subprotocol_list(&settings.sec.ws_subprotocols)
                .map_err(|e| sentences.ws = Some(i18n::sec_sentences::subprotocol_error(lang, &e)));
            let tls = settings
                .sec
                .ws_server_tls
                .then(|| tls_server_options(settings).map_err(|e| sentences.tls = Some(e)))
                .transpose();
            match (local, subprotocols, tls) {
                (Ok(local), Ok(subprotocols), Ok(tls)) => SessionConfig::WsServer(WsServerConfig {
                    path: match settings.sec.ws_path.trim() {
                        "" => "/".to_owned(),
                        path => path.to_owned(),
                    },
                    subprotocols,
                    tls,
                    message_kind: message_kind(settings),
                    ..WsServerConfig::new(tcp_server(settings, local))
                }),
                _ => return Err(Box::new(sentences)),
            }
        }
        Protocol::TftpServer => {
            let local = local().map_err(|e| sentences.local = Some(e));
            let root = served_folder(settings).map_err(|e| sentences.tftp = Some(e));
            match (local, root) {
                (Ok(local), Ok(root)) => SessionConfig::TftpServer(tftp::ServerConfig {
                    allow_write: settings.tftp.allow_write,
                    allow_overwrite: settings.tftp.allow_overwrite,
                    max_transfers_per_address: settings.tftp.max_per_address.max(1),
                    name_encoding: settings.text.rx_encoding,
                    ..tftp::ServerConfig::read_only(local, root)
                }),
                _ => return Err(Box::new(sentences)),
            }
        }
        Protocol::TftpClient => return Ok(None),
    };
    Ok(Some(config))
}

/// A TCP server's limits from the fields (for TCP, TLS and WebSocket).
fn tcp_server(settings: &Settings, local: SocketAddr) -> TcpServerConfig {
    TcpServerConfig {
        idle_timeout: settings.tcp_idle_timeout(),
        max_clients_per_ip: settings.tcp_max_clients_per_ip(),
        ..TcpServerConfig::new(local, settings.tcp.max_clients.max(1))
    }
}

/// A file the session will read (a certificate, a key, a CA file), or the
/// sentence: none chosen, or not a file.
fn chosen_file(lang: Lang, path: &Path, what: &i18n::Text) -> Result<PathBuf, String> {
    let path = trimmed_path(path);
    if path.as_os_str().is_empty() {
        return Err(format!(
            "{}: {}",
            lang.t(what),
            lang.t(&i18n::SEC_CHOOSE_FILE)
        ));
    }
    if !path.is_file() {
        return Err(format!(
            "{}: '{}' {}",
            lang.t(what),
            path.display(),
            lang.t(&i18n::NOT_A_FILE)
        ));
    }
    Ok(path)
}

/// What a TLS client (or a `wss://` client) asks for, from the fields.
fn tls_client_options(settings: &Settings) -> Result<TlsClientOptions, String> {
    let lang = settings.lang;
    let sec = &settings.sec;
    let verify = match sec.verify {
        VerifyChoice::System => Verify::System,
        VerifyChoice::CaFile => {
            Verify::CaFile(chosen_file(lang, &sec.ca_file, &i18n::SEC_CA_FILE)?)
        }
        VerifyChoice::Insecure => Verify::Insecure,
    };
    let alpn = parse_alpn_list(&sec.alpn).map_err(|e| i18n::sec_sentences::alpn_error(lang, &e))?;
    let no_cert = trimmed_path(&sec.client_cert).as_os_str().is_empty();
    let no_key = trimmed_path(&sec.client_key).as_os_str().is_empty();
    let client_cert = if no_cert && no_key {
        None
    } else {
        Some(CertKeyPaths {
            cert: chosen_file(lang, &sec.client_cert, &i18n::SEC_CLIENT_CERT)?,
            key: chosen_file(lang, &sec.client_key, &i18n::SEC_CLIENT_KEY)?,
        })
    };
    let server_name = Some(sec.server_name.trim().to_owned()).filter(|name| !name.is_empty());
    Ok(TlsClientOptions {
        server_name,
        verify,
        min_version: sec.min_version,
        alpn,
        client_cert,
        // Pins are the tab's, for its session, not saved settings: the
        // workbench adds those the user chose (`Workbench::trust_refused`).
        pinned: Vec::new(),
    })
}

/// What a TLS server (or a `wss://` server) offers, from the fields.
fn tls_server_options(settings: &Settings) -> Result<TlsServerOptions, String> {
    let lang = settings.lang;
    let sec = &settings.sec;
    let identity = match sec.identity {
        IdentityChoice::SelfSigned => {
            let names = crate::rules::parse_certificate_names(&sec.names)
                .map_err(|e| i18n::sec_sentences::names_error(lang, &e))?;
            let folder = sec
                .self_signed_folder
                .clone()
                .or_else(crate::folders::self_signed_folder)
                .ok_or_else(|| lang.t(&i18n::SEC_NO_SETTINGS_FOLDER).to_owned())?;
            ServerIdentity::SelfSigned { names, folder }
        }
        IdentityChoice::Files => ServerIdentity::Files(CertKeyPaths {
            cert: chosen_file(lang, &sec.cert, &i18n::SEC_CERT_FILE)?,
            key: chosen_file(lang, &sec.key, &i18n::SEC_KEY_FILE)?,
        }),
    };
    let alpn = parse_alpn_list(&sec.alpn).map_err(|e| i18n::sec_sentences::alpn_error(lang, &e))?;
    Ok(TlsServerOptions {
        min_version: sec.min_version,
        alpn,
        client_auth: client_auth(settings)?,
        ..TlsServerOptions::new(identity)
    })
}

/// Whether a TLS server asks clients for a certificate, and whether it
/// must be signed by the chosen CA, from the tick and the CA file field.
fn client_auth(settings: &Settings) -> Result<ClientAuth, String> {
    let sec = &settings.sec;
    if !sec.request_client_cert {
        return Ok(ClientAuth::Off);
    }
    if trimmed_path(&sec.client_ca).as_os_str().is_empty() {
        return Ok(ClientAuth::Request);
    }
    chosen_file(settings.lang, &sec.client_ca, &i18n::SEC_CLIENT_CA).map(ClientAuth::Require)
}

/// A WebSocket client from the URL, headers and subprotocol fields (and
/// the TLS client fields for `wss://`).
fn ws_client_config(settings: &Settings) -> Result<WsClientConfig, String> {
    let lang = settings.lang;
    let sec = &settings.sec;
    let url: WsUrl = sec
        .ws_url
        .parse()
        .map_err(|e| i18n::sec_sentences::url_error(lang, &e))?;
    let headers = parse_header_lines(&sec.ws_headers)
        .map_err(|e| i18n::sec_sentences::header_error(lang, &e))?;
    let subprotocols = crate::rules::parse_subprotocol_list(&sec.ws_subprotocols)
        .map_err(|e| i18n::sec_sentences::subprotocol_error(lang, &e))?;
    let tls = if url.secure {
        tls_client_options(settings)?
    } else {
        TlsClientOptions::default()
    };
    Ok(WsClientConfig {
        connect_timeout: settings.connect_timeout(),
        headers,
        subprotocols,
        tls,
        message_kind: message_kind(settings),
        ..WsClientConfig::new(url)
    })
}

/// The send box in HEX sends bytes: binary messages; in text, text that
/// is UTF-8 goes as text messages (the engine's `MessageKind`).
pub fn message_kind(settings: &Settings) -> MessageKind {
    if settings.text.tx_hex {
        MessageKind::Binary
    } else {
        MessageKind::Text
    }
}

/// Whether the user has chosen the folder a TFTP server serves: until then
/// nothing is served and uploads cannot be turned on (the CLI's `--root`
/// and `--allow-write`, the engine's [`tftp::ServerConfig::read_only`]).
pub fn served_folder_chosen(settings: &Settings) -> bool {
    !trimmed_path(&settings.tftp.root).as_os_str().is_empty()
}

/// The framing setting as the engine's `Framing` (TCP only), or the
/// sentence for the framing tool.
fn framing(settings: &Settings) -> Result<crate::text::Framing, String> {
    settings
        .tools
        .framing
        .to_framing()
        .map_err(|e| i18n::sentences::framing_setting_error(settings.lang, &e))
}

/// The served folder, checked as the CLI checks `--root` (and writable
/// when uploads are on).
fn served_folder(settings: &Settings) -> Result<PathBuf, String> {
    existing_folder(
        settings.lang,
        &settings.tftp.root,
        settings.tftp.allow_write,
    )
}

/// A TFTP client transfer with the current fields: a download (`get`) of
/// the remote file into the chosen folder, or an upload of the local file.
pub fn tftp_client_config(
    settings: &Settings,
    get: bool,
) -> Result<SessionConfig, Box<FieldSentences>> {
    let mut sentences = FieldSentences::default();
    let fields = settings.addr();
    let remote = Endpoint::from_parts(&fields.remote_host, &fields.remote_port)
        .and_then(Endpoint::require_port)
        .map_err(|e| sentences.remote = Some(i18n::sentences::addr_error(settings.lang, &e)));
    let op = if get {
        let name = settings.tftp.remote_file.trim().to_owned();
        if name.is_empty() {
            Err(settings.lang.t(&i18n::ENTER_REMOTE_FILE).to_owned())
        } else {
            existing_folder(settings.lang, &settings.tftp.local_dir, true).map(|local_dir| {
                ClientOp::Get {
                    remote_name: name,
                    local_dir,
                }
            })
        }
    } else {
        let file = trimmed_path(&settings.tftp.local_file);
        match file.file_name() {
            Some(file_name) if file.is_file() => {
                let remote_name = match settings.tftp.remote_file.trim() {
                    "" => file_name.to_string_lossy().into_owned(),
                    name => name.to_owned(),
                };
                Ok(ClientOp::Put {
                    local_file: file,
                    remote_name,
                })
            }
            _ => Err(format!(
                "'{}' {}",
                file.display(),
                settings.lang.t(&i18n::NOT_A_FILE)
            )),
        }
    }
    // A name the 字符集 cannot write is said next to the fields, in the
    // words the engine would refuse it with.
    .and_then(|op| {
        let (ClientOp::Get { remote_name, .. } | ClientOp::Put { remote_name, .. }) = &op;
        match tftp::name::encode_name(remote_name, settings.text.rx_encoding) {
            Ok(_) => Ok(op),
            Err(e) => Err(i18n::sentences::tftp_name_error(settings.lang, &e)),
        }
    })
    .map_err(|e| sentences.tftp = Some(e));
    let (Ok(remote), Ok(op)) = (remote, op) else {
        return Err(Box::new(sentences));
    };
    let options = ClientOptions {
        blksize: Some(
            settings
                .tftp
                .blksize
                .clamp(*CLIENT_BLKSIZE.start(), *CLIENT_BLKSIZE.end()),
        ),
        windowsize: Some(
            settings
                .tftp
                .windowsize
                .clamp(*CLIENT_WINDOWSIZE.start(), *CLIENT_WINDOWSIZE.end()),
        ),
        ..ClientOptions::default()
    };
    Ok(SessionConfig::TftpClient(tftp::ClientConfig {
        remote,
        op,
        mode: settings.tftp.mode,
        options,
        name_encoding: settings.text.rx_encoding,
    }))
}

/// A folder that exists (and can be written, when files will be written
/// into it), or the sentence for the TFTP fields.
fn existing_folder(lang: Lang, path: &Path, will_write: bool) -> Result<PathBuf, String> {
    let path = trimmed_path(path);
    if path.as_os_str().is_empty() {
        return Err(lang.t(&i18n::CHOOSE_FOLDER).to_owned());
    }
    if !path.is_dir() {
        return Err(format!(
            "'{}' {}",
            path.display(),
            lang.t(&i18n::NOT_A_FOLDER)
        ));
    }
    if will_write && !tftp::folder_is_writable(&path) {
        return Err(format!(
            "'{}' {}",
            path.display(),
            lang.t(&i18n::FOLDER_NOT_WRITABLE)
        ));
    }
    Ok(path)
}

//! Turns the command line into a validated headless plan: a
//! [`SessionConfig`] for the engine plus what the runner itself needs
//! (encodings, what to send first, when to stop). Every refusal is an
//! [`ArgError`] whose text is one sentence a user can act on.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args::Args;
use crate::net::tls::{
    AlpnError, CertKeyPaths, ClientAuth, DEFAULT_HANDSHAKE_TIMEOUT, ServerIdentity,
    TlsClientOptions, TlsServerOptions, Verify, parse_alpn_list,
};
use crate::net::ws::{HeaderError, MessageKind, WsClientConfig, WsServerConfig, WsUrl, WsUrlError};
use crate::net::{
    AddrError, CONNECT_TIMEOUT_SECS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CLIENTS,
    DEFAULT_MULTICAST_TTL, Endpoint, GroupError, MAX_IDLE_TIMEOUT_SECS, MULTICAST_TTL, Protocol,
    SessionConfig, TcpClientConfig, TcpServerConfig, TlsClientConfig, TlsServerConfig, UdpConfig,
};
use crate::rules::{NamesError, SubprotocolError};
use crate::text::{
    Encoding, EscapeError, Framing, FramingSpecError, HexError, LineEnding, Render, UnknownChoice,
    encode_text, parse_hex,
};
use crate::tftp::{self, CLIENT_BLKSIZE, CLIENT_WINDOWSIZE, ClientOp, ClientOptions};

/// Why the command line was refused; each message is a full sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    #[error(
        "--headless needs --mode: udp, tcp-client, tcp-server, tftp-server, tftp-client, tls-client, tls-server, ws-client or ws-server"
    )]
    MissingMode,
    #[error("{flag}: {source}")]
    Address {
        flag: &'static str,
        source: AddrError,
    },
    #[error(
        "{mode} needs --remote ADDR, the address to connect to, for example --remote 127.0.0.1:8080"
    )]
    MissingRemote { mode: &'static str },
    #[error(
        "tcp-server needs --local ADDR, the address to listen on, for example --local 0.0.0.0:8080 (port 0: any free port)"
    )]
    MissingLocal,
    /// The engine's sentence for a name that is none of the choices.
    #[error("{flag} {source}")]
    UnknownEncoding {
        flag: &'static str,
        source: UnknownChoice,
    },
    #[error("--join: {0}")]
    Group(GroupError),
    #[error("--send '{text}' is not valid HEX: {source}")]
    SendHex { text: String, source: HexError },
    #[error("--send '{text}' cannot be sent: {source}")]
    SendText { text: String, source: EscapeError },
    #[error(
        "--send needs --remote in udp mode: there is nobody to send to before a peer has sent first"
    )]
    SendWithoutRemote,
    #[error("{flag} '{value}' is not valid: it must be {expected}")]
    BadNumber {
        flag: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("{flag} does not apply to --mode {mode}")]
    NotApplicable {
        flag: &'static str,
        mode: &'static str,
    },
    #[error("tftp-server needs --root DIR, the folder to serve")]
    MissingRoot,
    #[error("{flag} '{path}' does not exist")]
    PathMissing { flag: &'static str, path: String },
    #[error(
        "{flag} '{path}' cannot be reached: permission denied (a folder on the way cannot be entered by this user)"
    )]
    PathDenied { flag: &'static str, path: String },
    #[error("{flag} '{path}' cannot be read: {reason}")]
    PathUnreadable {
        flag: &'static str,
        path: String,
        reason: String,
    },
    #[error(
        "{flag} only applies to the window; leave it out with --headless (headless output is always English)"
    )]
    WindowOnly { flag: &'static str },
    #[error(
        "--send '{text}' gives nothing to send: give some text (with --hex, at least one byte such as 00)"
    )]
    EmptySend { text: String },
    #[error("{flag} '{path}' is not a folder")]
    NotAFolder { flag: &'static str, path: String },
    #[error("{flag} '{path}' is not writable here: {consequence}")]
    NotWritable {
        flag: &'static str,
        path: String,
        consequence: &'static str,
    },
    #[error("--put '{path}' is not a file")]
    NotAFile { path: String },
    #[error("tftp-client needs --get NAME (download) or --put FILE (upload)")]
    MissingTransfer,
    #[error("--remote-name is empty: give the name the file should have on the server")]
    EmptyRemoteName,
    #[error("--get needs a file name")]
    EmptyGetName,
    #[error("--framing: {source}")]
    Framing { source: FramingSpecError },
    #[error(
        "{mode} needs --local ADDR, the address to listen on, for example --local 0.0.0.0:{example_port} (port 0: any free port)"
    )]
    MissingListenAddress {
        mode: &'static str,
        example_port: u16,
    },
    #[error("ws-client needs --url URL, for example --url ws://127.0.0.1:8080/chat")]
    MissingUrl,
    #[error("--url: {0}")]
    Url(WsUrlError),
    #[error("--header: {0}")]
    Header(HeaderError),
    #[error("--subprotocol: {0}")]
    Subprotocol(SubprotocolError),
    #[error("--alpn: {0}")]
    Alpn(AlpnError),
    #[error("--self-signed: {0}")]
    CertificateNames(NamesError),
    #[error("{given} needs {missing} too: a certificate and its private key go together")]
    CertWithoutKey {
        given: &'static str,
        missing: &'static str,
    },
    #[error("--cert and --self-signed both say where the certificate comes from: give one of them")]
    TwoIdentities,
    #[error(
        "--insecure and --ca both say how the server's certificate is checked: give one of them"
    )]
    InsecureWithCa,
    #[error(
        "this system has no settings folder to keep a self-signed certificate in: give --cert and --key"
    )]
    NoSettingsFolder,
    #[error("{flag} only applies to wss:// URLs; this --url is ws://")]
    NeedsWss { flag: &'static str },
    #[error(
        "{flag} only applies to a ws-server over TLS: give --cert and --key, or --self-signed, to serve wss://"
    )]
    NeedsServerTls { flag: &'static str },
}

/// How text typed on stdin (or given to `--send`) becomes bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub encoding: Encoding,
    pub hex: bool,
    pub escapes: bool,
    pub line_ending: LineEnding,
}

/// Why one line could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("'{text}' is not valid HEX: {source}")]
    Hex { text: String, source: HexError },
    #[error("'{text}' cannot be sent: {source}")]
    Text { text: String, source: EscapeError },
}

/// A line of standard input whose bytes are not text in the encoding it is
/// read in; it is not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a line of standard input is not {tried} text (bytes {bytes}): give --tx-encoding (or --encoding) the encoding the input is in"
)]
pub struct NotTypedText {
    /// The encodings the line was read in: `UTF-8` or `UTF-8 or GBK`.
    pub tried: String,
    /// The first bytes, in HEX.
    pub bytes: String,
}

impl Outgoing {
    /// Reads one line of standard input (without its line end) as text,
    /// by [`Encoding::decode_typed`]: UTF-8 when it is valid UTF-8, else the
    /// send encoding; with `--hex` as before (its digits are ASCII in any
    /// encoding). Bytes that are neither are refused with a sentence
    /// instead of being sent as U+FFFD.
    pub fn typed_line(&self, bytes: &[u8]) -> Result<String, NotTypedText> {
        if self.hex {
            return Ok(String::from_utf8_lossy(bytes).into_owned());
        }
        match self.encoding.decode_typed(bytes) {
            Some(text) => Ok(text.into_owned()),
            None => {
                // The first bytes are enough to recognise the encoding.
                const SHOWN: usize = 16;
                let mut shown = crate::text::format_hex(&bytes[..bytes.len().min(SHOWN)]);
                if bytes.len() > SHOWN {
                    shown.push_str(" …");
                }
                let tried = match self.encoding {
                    Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be => "UTF-8".to_owned(),
                    other => format!("UTF-8 or {other}"),
                };
                Err(NotTypedText {
                    tried,
                    bytes: shown,
                })
            }
        }
    }

    /// Turns one message into the bytes to send: HEX when `--hex`, else
    /// text with the escapes, encoding and line ending the user chose.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, LineError> {
        if self.hex {
            parse_hex(text).map_err(|source| LineError::Hex {
                text: text.to_owned(),
                source,
            })
        } else {
            encode_text(text, self.encoding, self.escapes, self.line_ending).map_err(|source| {
                LineError::Text {
                    text: text.to_owned(),
                    source,
                }
            })
        }
    }
}

/// Everything the headless runner needs, validated.
#[derive(Clone, Debug)]
pub struct Plan {
    pub session: SessionConfig,
    /// How received bytes are shown.
    pub rx_render: Render,
    /// How sent bytes are shown.
    pub tx_render: Render,
    pub outgoing: Outgoing,
    /// The `--send` messages, already turned into bytes.
    pub initial_sends: Vec<Vec<u8>>,
    pub echo: bool,
    /// Read stdin (send its lines, stop at its end); false with `--stay`
    /// and for the TFTP client, which has nothing to send.
    pub read_stdin: bool,
    pub exit_after: Option<Duration>,
    pub timestamps: bool,
    /// What the lines on stdout are written in (`--output-encoding`, or
    /// the platform's rule: [`super::output::default_stdout_encoding`]).
    pub stdout_encoding: Encoding,
    pub log_file: Option<PathBuf>,
    /// `--rx-file`: where received bytes go as they arrive.
    pub rx_file: Option<PathBuf>,
    /// `--rx-file-lines`: log lines in that file instead of raw bytes.
    pub rx_file_lines: bool,
}

/// Validates the command line for `--headless`.
pub fn validate(args: &Args) -> Result<Plan, ArgError> {
    // A headless run has no window to open and no language to show it in;
    // a user who gives these expects them to do something.
    if args.lang.is_some() {
        return Err(ArgError::WindowOnly { flag: "--lang" });
    }
    if args.open {
        return Err(ArgError::WindowOnly { flag: "--open" });
    }
    let mode = args.mode.ok_or(ArgError::MissingMode)?;
    let mode_name = mode.cli_name();
    check_applicable(args, mode, mode_name)?;

    let rx_encoding = encoding_for("--rx-encoding", args.rx_encoding.as_deref(), args)?;
    let tx_encoding = encoding_for("--tx-encoding", args.tx_encoding.as_deref(), args)?;
    let stdout_encoding = match args.output_encoding.as_deref() {
        Some(label) => label
            .parse::<Encoding>()
            .map_err(|source| ArgError::UnknownEncoding {
                flag: "--output-encoding",
                source,
            })?,
        None => super::output::default_stdout_encoding(),
    };
    let outgoing = Outgoing {
        encoding: tx_encoding,
        hex: args.hex,
        escapes: args.escapes,
        line_ending: args.line_ending.unwrap_or_default(),
    };
    let initial_sends = args
        .send
        .iter()
        .map(|text| match outgoing.encode(text) {
            // An empty message would be dropped without a word.
            Ok(bytes) if bytes.is_empty() => Err(ArgError::EmptySend { text: text.clone() }),
            Ok(bytes) => Ok(bytes),
            Err(LineError::Hex { text, source }) => Err(ArgError::SendHex { text, source }),
            Err(LineError::Text { text, source }) => Err(ArgError::SendText { text, source }),
        })
        .collect::<Result<Vec<_>, _>>()?;

    let session = match mode {
        Protocol::Udp => udp_config(args)?,
        Protocol::TcpClient => tcp_client_config(args)?,
        Protocol::TcpServer => tcp_server_config(args)?,
        Protocol::TftpServer => tftp_server_config(args)?,
        Protocol::TftpClient => tftp_client_config(args)?,
        Protocol::TlsClient => tls_client_config(args)?,
        Protocol::TlsServer => tls_server_config(args)?,
        Protocol::WsClient => ws_client_config(args)?,
        Protocol::WsServer => ws_server_config(args)?,
    };
    let exit_after = match args.exit_after {
        None => None,
        Some(secs) => Some(seconds("--exit-after", secs, true)?),
    };
    Ok(Plan {
        session,
        rx_render: Render {
            encoding: rx_encoding,
            hex: args.hex,
        },
        tx_render: Render {
            encoding: tx_encoding,
            hex: args.hex,
        },
        outgoing,
        initial_sends,
        echo: args.echo,
        read_stdin: !args.stay && mode != Protocol::TftpClient,
        exit_after,
        timestamps: !args.no_time,
        stdout_encoding,
        log_file: args.log.clone(),
        rx_file: args.rx_file.clone(),
        rx_file_lines: args.rx_file_lines,
    })
}

/// Refuses flags that the chosen mode would silently ignore, because a
/// user who gives them expects them to do something.
fn check_applicable(args: &Args, mode: Protocol, mode_name: &'static str) -> Result<(), ArgError> {
    use Protocol::*;
    let is_tftp = matches!(mode, TftpServer | TftpClient);
    let is_tls_or_ws = matches!(mode, TlsClient | TlsServer | WsClient | WsServer);
    let serves_clients = matches!(mode, TcpServer | TlsServer | WsServer);
    let connects = matches!(mode, TcpClient | TlsClient | WsClient);
    let checks: [(&'static str, bool, bool); 39] = [
        (
            "--remote",
            args.remote.is_some(),
            matches!(mode, Udp | TcpClient | TftpClient | TlsClient),
        ),
        ("--reply-to-last", args.reply_to_last, mode == Udp),
        ("--broadcast", args.broadcast, mode == Udp),
        ("--join", !args.join.is_empty(), mode == Udp),
        ("--multicast-ttl", args.multicast_ttl.is_some(), mode == Udp),
        ("--tftp-mode", args.tftp_mode.is_some(), mode == TftpClient),
        ("--max-clients", args.max_clients.is_some(), serves_clients),
        (
            "--idle-timeout",
            args.idle_timeout.is_some(),
            serves_clients,
        ),
        (
            "--max-clients-per-ip",
            args.max_clients_per_ip.is_some(),
            serves_clients,
        ),
        (
            "--connect-timeout",
            args.connect_timeout.is_some(),
            connects,
        ),
        // WebSocket messages are framed already.
        (
            "--framing",
            args.framing.is_some(),
            matches!(mode, TcpClient | TcpServer | TlsClient | TlsServer),
        ),
        ("--send", !args.send.is_empty(), !is_tftp),
        ("--echo", args.echo, !is_tftp),
        ("--rx-file", args.rx_file.is_some(), !is_tftp),
        ("--root", args.root.is_some(), mode == TftpServer),
        ("--allow-write", args.allow_write, mode == TftpServer),
        ("--overwrite", args.overwrite, mode == TftpServer),
        (
            "--max-transfers",
            args.max_transfers.is_some(),
            mode == TftpServer,
        ),
        (
            "--max-transfers-per-address",
            args.max_transfers_per_address.is_some(),
            mode == TftpServer,
        ),
        ("--get", args.get.is_some(), mode == TftpClient),
        ("--put", args.put.is_some(), mode == TftpClient),
        (
            "--remote-name",
            args.remote_name.is_some(),
            mode == TftpClient,
        ),
        ("--dir", args.dir.is_some(), mode == TftpClient),
        ("--blksize", args.blksize.is_some(), mode == TftpClient),
        (
            "--windowsize",
            args.windowsize.is_some(),
            mode == TftpClient,
        ),
        ("--cert", args.cert.is_some(), is_tls_or_ws),
        ("--key", args.key.is_some(), is_tls_or_ws),
        ("--ca", args.ca.is_some(), is_tls_or_ws),
        (
            "--insecure",
            args.insecure,
            matches!(mode, TlsClient | WsClient),
        ),
        ("--alpn", args.alpn.is_some(), is_tls_or_ws),
        ("--min-tls", args.min_tls.is_some(), is_tls_or_ws),
        (
            "--server-name",
            args.server_name.is_some(),
            matches!(mode, TlsClient | WsClient),
        ),
        (
            "--self-signed",
            args.self_signed.is_some(),
            matches!(mode, TlsServer | WsServer),
        ),
        (
            "--request-client-cert",
            args.request_client_cert,
            matches!(mode, TlsServer | WsServer),
        ),
        ("--url", args.url.is_some(), mode == WsClient),
        ("--path", args.path.is_some(), mode == WsServer),
        ("--header", !args.header.is_empty(), mode == WsClient),
        (
            "--subprotocol",
            !args.subprotocol.is_empty(),
            matches!(mode, WsClient | WsServer),
        ),
        (
            "--handshake-timeout",
            args.handshake_timeout.is_some(),
            matches!(mode, TlsServer | WsServer),
        ),
    ];
    match checks
        .iter()
        .find(|(_, given, allowed)| *given && !*allowed)
    {
        Some((flag, _, _)) => Err(ArgError::NotApplicable {
            flag,
            mode: mode_name,
        }),
        None => Ok(()),
    }
}

/// The encoding for one direction: its own flag, else `--encoding`, else UTF-8.
fn encoding_for(flag: &'static str, own: Option<&str>, args: &Args) -> Result<Encoding, ArgError> {
    let (flag, label) = match (own, args.encoding.as_deref()) {
        (Some(label), _) => (flag, label),
        (None, Some(label)) => ("--encoding", label),
        (None, None) => return Ok(Encoding::Utf8),
    };
    label
        .parse::<Encoding>()
        .map_err(|source| ArgError::UnknownEncoding { flag, source })
}

/// Parses a local address to bind, by the engine's rule
/// ([`Endpoint::parse_local`]: a bare port means every IPv4 interface).
fn local_addr(text: &str) -> Result<SocketAddr, ArgError> {
    Endpoint::parse_local(text)
        .and_then(|e| e.to_local())
        .map_err(|source| ArgError::Address {
            flag: "--local",
            source,
        })
}

/// Parses a destination; `default_port` fills in a missing port (TFTP).
fn remote_endpoint(text: &str, default_port: Option<u16>) -> Result<Endpoint, ArgError> {
    match default_port {
        Some(port) => Endpoint::parse_remote_or_port(text, port),
        None => Endpoint::parse(text).and_then(Endpoint::require_port),
    }
    .map_err(|source| ArgError::Address {
        flag: "--remote",
        source,
    })
}

/// A number as a user would have typed it: `-1`, `2.5`, or `1e-300` for the
/// very small and very large (Rust's own form would print 300 digits).
fn number_as_typed(number: f64) -> String {
    let magnitude = number.abs();
    if number == 0.0 || !number.is_finite() || (1e-4..1e15).contains(&magnitude) {
        number.to_string()
    } else {
        format!("{number:e}")
    }
}

/// Seconds given as a decimal number: finite, not negative, and above zero
/// unless `zero_ok`.
fn seconds(flag: &'static str, secs: f64, zero_ok: bool) -> Result<Duration, ArgError> {
    let valid = secs.is_finite() && (secs > 0.0 || (zero_ok && secs == 0.0)) && secs < 1e9;
    if valid {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(ArgError::BadNumber {
            flag,
            value: number_as_typed(secs),
            expected: if zero_ok {
                "a number of seconds, 0 or more"
            } else {
                "a number of seconds above 0"
            },
        })
    }
}

fn udp_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let remote = args
        .remote
        .as_deref()
        .map(|text| remote_endpoint(text, None))
        .transpose()?;
    if remote.is_none() && !args.send.is_empty() {
        return Err(ArgError::SendWithoutRemote);
    }
    let local = match args.local.as_deref() {
        Some(text) => local_addr(text)?,
        // With no local address, bind the family of an IPv6 remote so that
        // the socket can reach it; otherwise any IPv4 port.
        None => match remote.as_ref().map(|r| r.host.parse::<std::net::IpAddr>()) {
            Some(Ok(std::net::IpAddr::V6(_))) => SocketAddr::from(([0u16; 8], 0)),
            _ => SocketAddr::from(([0, 0, 0, 0], 0)),
        },
    };
    let multicast = args
        .join
        .iter()
        .map(|group| {
            crate::net::parse_group(group).map(|group| crate::net::MulticastJoin {
                group,
                interface: None,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(ArgError::Group)?;
    if let Some(ttl) = args.multicast_ttl
        && !MULTICAST_TTL.contains(&ttl)
    {
        return Err(ArgError::BadNumber {
            flag: "--multicast-ttl",
            value: ttl.to_string(),
            expected: "from 1 to 255",
        });
    }
    Ok(SessionConfig::Udp(UdpConfig {
        remote,
        reply_to_last_sender: args.reply_to_last,
        broadcast: args.broadcast,
        multicast,
        multicast_ttl: Some(args.multicast_ttl.unwrap_or(DEFAULT_MULTICAST_TTL)),
        ..UdpConfig::new(local)
    }))
}

fn tcp_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    Ok(SessionConfig::TcpClient(tcp_client(args, "tcp-client")?))
}

/// A TCP client's flags (`--remote`, `--local`, `--connect-timeout`,
/// `--framing`), for a TCP or TLS client.
fn tcp_client(args: &Args, mode: &'static str) -> Result<TcpClientConfig, ArgError> {
    let remote = args
        .remote
        .as_deref()
        .ok_or(ArgError::MissingRemote { mode })?;
    let remote = remote_endpoint(remote, None)?;
    let local = args.local.as_deref().map(local_addr).transpose()?;
    Ok(TcpClientConfig {
        remote,
        local,
        connect_timeout: connect_timeout(args)?,
        framing: framing(args)?,
    })
}

/// `--connect-timeout`, in the engine's range, or its default.
fn connect_timeout(args: &Args) -> Result<Duration, ArgError> {
    match args.connect_timeout {
        Some(secs) if CONNECT_TIMEOUT_SECS.contains(&secs) => Ok(Duration::from_secs_f64(secs)),
        Some(secs) => Err(ArgError::BadNumber {
            flag: "--connect-timeout",
            value: number_as_typed(secs),
            expected: "a number of seconds from 0.1 to 600",
        }),
        None => Ok(DEFAULT_CONNECT_TIMEOUT),
    }
}

fn tcp_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = local_addr(args.local.as_deref().ok_or(ArgError::MissingLocal)?)?;
    Ok(SessionConfig::TcpServer(tcp_server(args, local)?))
}

/// A TCP server's flags (limits, idle timeout, `--framing`) on `local`,
/// for a TCP, TLS or WebSocket server.
fn tcp_server(args: &Args, local: SocketAddr) -> Result<TcpServerConfig, ArgError> {
    let max_clients = match args.max_clients {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-clients",
                value: "0".to_owned(),
                expected: "at least 1",
            });
        }
        Some(n) => n,
        None => DEFAULT_MAX_CLIENTS,
    };
    let idle_timeout = match args.idle_timeout {
        Some(secs) if secs > MAX_IDLE_TIMEOUT_SECS => {
            return Err(ArgError::BadNumber {
                flag: "--idle-timeout",
                value: number_as_typed(secs),
                expected: "a number of seconds above 0, at most 86400 (a day)",
            });
        }
        Some(secs) => Some(seconds("--idle-timeout", secs, false)?),
        None => None,
    };
    let max_clients_per_ip = match args.max_clients_per_ip {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-clients-per-ip",
                value: "0".to_owned(),
                expected: "at least 1",
            });
        }
        other => other,
    };
    Ok(TcpServerConfig {
        idle_timeout,
        max_clients_per_ip,
        framing: framing(args)?,
        ..TcpServerConfig::new(local, max_clients)
    })
}

/// The address a TLS or WebSocket server listens on (`--local`, needed).
fn listen_addr(args: &Args, mode: &'static str, example_port: u16) -> Result<SocketAddr, ArgError> {
    local_addr(
        args.local
            .as_deref()
            .ok_or(ArgError::MissingListenAddress { mode, example_port })?,
    )
}

fn tls_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    Ok(SessionConfig::TlsClient(TlsClientConfig {
        tcp: tcp_client(args, "tls-client")?,
        tls: tls_client_options(args)?,
    }))
}

fn tls_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = listen_addr(args, "tls-server", 8443)?;
    // A TLS server without --cert serves the self-signed certificate for
    // the default names.
    let identity = match server_identity(args)? {
        Some(identity) => identity,
        None => self_signed("")?,
    };
    let tls = server_tls(args, identity)?;
    Ok(SessionConfig::TlsServer(TlsServerConfig {
        tcp: tcp_server(args, local)?,
        tls,
    }))
}

fn ws_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let url: WsUrl = args
        .url
        .as_deref()
        .ok_or(ArgError::MissingUrl)?
        .parse()
        .map_err(ArgError::Url)?;
    if !url.secure {
        // TLS flags on a plain ws:// URL would do nothing.
        let tls_flags = [
            ("--cert", args.cert.is_some()),
            ("--key", args.key.is_some()),
            ("--ca", args.ca.is_some()),
            ("--insecure", args.insecure),
            ("--alpn", args.alpn.is_some()),
            ("--min-tls", args.min_tls.is_some()),
            ("--server-name", args.server_name.is_some()),
        ];
        if let Some((flag, _)) = tls_flags.iter().find(|(_, given)| *given) {
            return Err(ArgError::NeedsWss { flag });
        }
    }
    let headers = args
        .header
        .iter()
        .map(|line| crate::net::ws::parse_header_lines(line).map_err(ArgError::Header))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    Ok(SessionConfig::WsClient(WsClientConfig {
        local: args.local.as_deref().map(local_addr).transpose()?,
        connect_timeout: connect_timeout(args)?,
        headers,
        subprotocols: subprotocols(args)?,
        tls: tls_client_options(args)?,
        message_kind: message_kind(args),
        ..WsClientConfig::new(url)
    }))
}

fn ws_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = listen_addr(args, "ws-server", 8080)?;
    let tls = server_identity(args)?
        .map(|identity| server_tls(args, identity))
        .transpose()?;
    if tls.is_none() {
        let tls_flags = [
            ("--ca", args.ca.is_some()),
            ("--alpn", args.alpn.is_some()),
            ("--min-tls", args.min_tls.is_some()),
            ("--request-client-cert", args.request_client_cert),
        ];
        if let Some((flag, _)) = tls_flags.iter().find(|(_, given)| *given) {
            return Err(ArgError::NeedsServerTls { flag });
        }
    }
    Ok(SessionConfig::WsServer(WsServerConfig {
        path: args.path.clone().unwrap_or_else(|| "/".to_owned()),
        subprotocols: subprotocols(args)?,
        tls,
        handshake_timeout: handshake_timeout(args)?,
        message_kind: message_kind(args),
        ..WsServerConfig::new(tcp_server(args, local)?)
    }))
}

/// With `--hex`, what is sent is bytes: binary messages; otherwise text
/// that is UTF-8 goes as text messages.
fn message_kind(args: &Args) -> MessageKind {
    if args.hex {
        MessageKind::Binary
    } else {
        MessageKind::Text
    }
}

/// `--subprotocol`, each by the one rule (a flag may list several).
fn subprotocols(args: &Args) -> Result<Vec<String>, ArgError> {
    let mut all = Vec::new();
    for given in &args.subprotocol {
        all.extend(crate::rules::parse_subprotocol_list(given).map_err(ArgError::Subprotocol)?);
    }
    Ok(all)
}

/// `--alpn`, by the engine's rule.
fn alpn(args: &Args) -> Result<Vec<String>, ArgError> {
    args.alpn
        .as_deref()
        .map_or(Ok(Vec::new()), parse_alpn_list)
        .map_err(ArgError::Alpn)
}

/// `--cert` with `--key`: both or neither.
fn cert_and_key(args: &Args) -> Result<Option<CertKeyPaths>, ArgError> {
    match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Ok(Some(CertKeyPaths {
            cert: existing_file("--cert", cert)?,
            key: existing_file("--key", key)?,
        })),
        (Some(_), None) => Err(ArgError::CertWithoutKey {
            given: "--cert",
            missing: "--key",
        }),
        (None, Some(_)) => Err(ArgError::CertWithoutKey {
            given: "--key",
            missing: "--cert",
        }),
        (None, None) => Ok(None),
    }
}

/// A file the session will read (a certificate, a key, a CA file).
fn existing_file(flag: &'static str, path: &Path) -> Result<PathBuf, ArgError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(path.to_path_buf()),
        Ok(_) => Err(ArgError::PathUnreadable {
            flag,
            path: shown,
            reason: "it is not a file".to_owned(),
        }),
        Err(e) => Err(path_error(flag, shown, &e)),
    }
}

/// What a TLS client (or a `wss://` client) asks for.
fn tls_client_options(args: &Args) -> Result<TlsClientOptions, ArgError> {
    let verify = match (&args.ca, args.insecure) {
        (Some(_), true) => return Err(ArgError::InsecureWithCa),
        (Some(ca), false) => Verify::CaFile(existing_file("--ca", ca)?),
        (None, true) => Verify::Insecure,
        (None, false) => Verify::System,
    };
    Ok(TlsClientOptions {
        server_name: args.server_name.clone(),
        verify,
        min_version: args.min_tls.unwrap_or_default(),
        alpn: alpn(args)?,
        client_cert: cert_and_key(args)?,
    })
}

/// A self-signed identity for `names` (`--self-signed` without a value,
/// or a tls-server without `--cert`: the engine's default names), kept in
/// the settings folder.
fn self_signed(names: &str) -> Result<ServerIdentity, ArgError> {
    let names = if names.is_empty() {
        crate::rules::default_certificate_names()
    } else {
        names.to_owned()
    };
    let names =
        crate::rules::parse_certificate_names(&names).map_err(ArgError::CertificateNames)?;
    let folder = crate::folders::self_signed_folder().ok_or(ArgError::NoSettingsFolder)?;
    Ok(ServerIdentity::SelfSigned { names, folder })
}

/// `--request-client-cert` and `--ca` on a server.
fn client_auth(args: &Args) -> Result<ClientAuth, ArgError> {
    Ok(match &args.ca {
        Some(ca) => ClientAuth::Require(existing_file("--ca", ca)?),
        None if args.request_client_cert => ClientAuth::Request,
        None => ClientAuth::Off,
    })
}

/// `--handshake-timeout`, or the engine's default.
fn handshake_timeout(args: &Args) -> Result<Duration, ArgError> {
    args.handshake_timeout
        .map_or(Ok(DEFAULT_HANDSHAKE_TIMEOUT), |secs| {
            seconds("--handshake-timeout", secs, false)
        })
}

/// A server's certificate from `--cert`/`--key` or `--self-signed`, or
/// `None` when neither is given (a tls-server then uses the default
/// self-signed names; a ws-server serves plain ws://).
fn server_identity(args: &Args) -> Result<Option<ServerIdentity>, ArgError> {
    match (cert_and_key(args)?, &args.self_signed) {
        (Some(_), Some(_)) => Err(ArgError::TwoIdentities),
        (Some(paths), None) => Ok(Some(ServerIdentity::Files(paths))),
        (None, Some(names)) => self_signed(names).map(Some),
        (None, None) => Ok(None),
    }
}

/// A TLS server's (or a `wss://` server's) options with `identity`.
fn server_tls(args: &Args, identity: ServerIdentity) -> Result<TlsServerOptions, ArgError> {
    Ok(TlsServerOptions {
        min_version: args.min_tls.unwrap_or_default(),
        alpn: alpn(args)?,
        client_auth: client_auth(args)?,
        handshake_timeout: handshake_timeout(args)?,
        ..TlsServerOptions::new(identity)
    })
}

/// `--framing`, read by the engine's own rule (`Framing::from_str`).
fn framing(args: &Args) -> Result<Framing, ArgError> {
    args.framing
        .as_deref()
        .map_or(Ok(Framing::None), str::parse)
        .map_err(|source| ArgError::Framing { source })
}

/// Why a path given on the command line could not be looked at: missing,
/// behind a folder this user cannot enter, or another error in the
/// system's words.
fn path_error(flag: &'static str, path: String, error: &std::io::Error) -> ArgError {
    match error.kind() {
        std::io::ErrorKind::NotFound => ArgError::PathMissing { flag, path },
        std::io::ErrorKind::PermissionDenied => ArgError::PathDenied { flag, path },
        _ => ArgError::PathUnreadable {
            flag,
            path,
            reason: error.to_string(),
        },
    }
}

/// Checks that a path names an existing folder.
fn existing_folder(flag: &'static str, path: &Path) -> Result<PathBuf, ArgError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path.to_path_buf()),
        Ok(_) => Err(ArgError::NotAFolder { flag, path: shown }),
        Err(e) => Err(path_error(flag, shown, &e)),
    }
}

/// An existing folder that downloads can be written into.
fn writable_folder(flag: &'static str, path: &Path) -> Result<PathBuf, ArgError> {
    let folder = existing_folder(flag, path)?;
    if !tftp::folder_is_writable(&folder) {
        return Err(ArgError::NotWritable {
            flag,
            path: folder.display().to_string(),
            consequence: "the download could not be saved; choose another folder",
        });
    }
    Ok(folder)
}

fn tftp_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = match args.local.as_deref() {
        Some(text) => local_addr(text)?,
        None => tftp::DEFAULT_SERVER_ADDR,
    };
    let root = existing_folder("--root", args.root.as_deref().ok_or(ArgError::MissingRoot)?)?;
    if args.allow_write && !tftp::folder_is_writable(&root) {
        return Err(ArgError::NotWritable {
            flag: "--root",
            path: root.display().to_string(),
            consequence: "every upload would fail; choose another folder, or leave out --allow-write to serve it read-only",
        });
    }
    let max_transfers = match args.max_transfers {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-transfers",
                value: "0".to_owned(),
                expected: "at least 1",
            });
        }
        Some(n) => n,
        None => tftp::limits::DEFAULT_MAX_TRANSFERS,
    };
    let max_transfers_per_address = match args.max_transfers_per_address {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-transfers-per-address",
                value: "0".to_owned(),
                expected: "at least 1 (a value of --max-transfers or more lifts the limit)",
            });
        }
        Some(n) => n,
        None => tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
    };
    Ok(SessionConfig::TftpServer(tftp::ServerConfig {
        allow_write: args.allow_write,
        allow_overwrite: args.overwrite,
        max_transfers,
        max_transfers_per_address,
        ..tftp::ServerConfig::read_only(local, root)
    }))
}

fn tftp_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let remote = args.remote.as_deref().ok_or(ArgError::MissingRemote {
        mode: "tftp-client",
    })?;
    let remote = remote_endpoint(remote, Some(tftp::PORT))?;
    let op = match (&args.get, &args.put) {
        (Some(name), None) => {
            if name.trim().is_empty() {
                return Err(ArgError::EmptyGetName);
            }
            if args.remote_name.is_some() {
                return Err(ArgError::NotApplicable {
                    flag: "--remote-name",
                    mode: "tftp-client --get",
                });
            }
            let local_dir = match &args.dir {
                Some(dir) => writable_folder("--dir", dir)?,
                None => PathBuf::from("."),
            };
            ClientOp::Get {
                remote_name: name.clone(),
                local_dir,
            }
        }
        (None, Some(file)) => {
            let shown = file.display().to_string();
            match std::fs::metadata(file) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => return Err(ArgError::NotAFile { path: shown }),
                Err(e) => return Err(path_error("--put", shown, &e)),
            }
            if args.dir.is_some() {
                return Err(ArgError::NotApplicable {
                    flag: "--dir",
                    mode: "tftp-client --put",
                });
            }
            let remote_name = match &args.remote_name {
                Some(name) if name.trim().is_empty() => return Err(ArgError::EmptyRemoteName),
                Some(name) => name.clone(),
                None => file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or(ArgError::NotAFile { path: shown })?,
            };
            ClientOp::Put {
                local_file: file.clone(),
                remote_name,
            }
        }
        // clap refuses --get together with --put before we get here.
        _ => return Err(ArgError::MissingTransfer),
    };
    let mut options = ClientOptions::default();
    if let Some(blksize) = args.blksize {
        if !CLIENT_BLKSIZE.contains(&blksize) {
            return Err(ArgError::BadNumber {
                flag: "--blksize",
                value: blksize.to_string(),
                expected: "from 8 to 65464",
            });
        }
        options.blksize = Some(blksize);
    }
    if let Some(windowsize) = args.windowsize {
        if !CLIENT_WINDOWSIZE.contains(&windowsize) {
            return Err(ArgError::BadNumber {
                flag: "--windowsize",
                value: "0".to_owned(),
                expected: "from 1 to 65535",
            });
        }
        options.windowsize = Some(windowsize);
    }
    Ok(SessionConfig::TftpClient(tftp::ClientConfig {
        remote,
        op,
        mode: args.tftp_mode.unwrap_or_default(),
        options,
    }))
}

#[cfg(test)]
mod tests;

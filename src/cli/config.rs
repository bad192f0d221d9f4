//! Turns the command line into a validated headless plan: a
//! [`SessionConfig`] for the engine plus what the runner itself needs
//! (encodings, what to send first, when to stop). Every refusal is an
//! [`ArgError`] whose text is one sentence a user can act on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::args::Args;
use crate::net::{DEFAULT_MULTICAST_TTL, MULTICAST_TTL, Protocol, SessionConfig, UdpConfig};
use crate::text::{Encoding, EscapeError, HexError, LineEnding, Render, encode_text, parse_hex};
pub use args_error::ArgError;
use flags::{local_addr, remote_endpoint, seconds, tcp_client, tcp_server};
use secure::{tls_client_config, tls_server_config, ws_client_config, ws_server_config};
use tftp_modes::{tftp_client_config, tftp_server_config};

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

/// The window's flags, checked by the headless mode's rules: a number the
/// window would have to clamp (`--max-clients 0`, `--idle-timeout 100000`)
/// is refused with the same sentence, before the window opens. Which flags
/// apply to which protocol is not checked: the window keeps every preset.
pub fn check_window_flags(args: &Args) -> Result<(), ArgError> {
    flags::connect_timeout(args)?;
    flags::server_limits(args)?;
    tftp_modes::transfer_limits(args)?;
    Ok(())
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
        read_stdin: !args.stay && !mode.transfers_one_file(),
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
    // Each row: the flag, whether it was given, and whether the mode takes
    // it, as the engine's `Protocol` says (the window asks it the same).
    let checks: [(&'static str, bool, bool); 42] = [
        ("--remote", args.remote.is_some(), mode.takes_remote()),
        (
            "--reply-to-last",
            args.reply_to_last,
            mode.sends_datagrams(),
        ),
        ("--broadcast", args.broadcast, mode.sends_datagrams()),
        ("--join", !args.join.is_empty(), mode.joins_multicast()),
        (
            "--multicast-ttl",
            args.multicast_ttl.is_some(),
            mode.joins_multicast(),
        ),
        (
            "--tftp-mode",
            args.tftp_mode.is_some(),
            mode.transfers_one_file(),
        ),
        (
            "--max-clients",
            args.max_clients.is_some(),
            mode.serves_clients(),
        ),
        (
            "--idle-timeout",
            args.idle_timeout.is_some(),
            mode.serves_clients(),
        ),
        (
            "--max-clients-per-ip",
            args.max_clients_per_ip.is_some(),
            mode.serves_clients(),
        ),
        (
            "--connect-timeout",
            args.connect_timeout.is_some(),
            mode.connects_to_one(),
        ),
        ("--framing", args.framing.is_some(), mode.frames_streams()),
        // TFTP has one encoding, for file names: --encoding.
        (
            "--rx-encoding",
            args.rx_encoding.is_some(),
            mode.carries_messages(),
        ),
        (
            "--tx-encoding",
            args.tx_encoding.is_some(),
            mode.carries_messages(),
        ),
        ("--send", !args.send.is_empty(), mode.carries_messages()),
        ("--echo", args.echo, mode.carries_messages()),
        ("--rx-file", args.rx_file.is_some(), mode.carries_messages()),
        ("--root", args.root.is_some(), mode.serves_files()),
        ("--allow-write", args.allow_write, mode.serves_files()),
        ("--overwrite", args.overwrite, mode.serves_files()),
        (
            "--max-transfers",
            args.max_transfers.is_some(),
            mode.serves_files(),
        ),
        (
            "--max-transfers-per-address",
            args.max_transfers_per_address.is_some(),
            mode.serves_files(),
        ),
        ("--get", args.get.is_some(), mode.transfers_one_file()),
        ("--put", args.put.is_some(), mode.transfers_one_file()),
        (
            "--remote-name",
            args.remote_name.is_some(),
            mode.transfers_one_file(),
        ),
        ("--dir", args.dir.is_some(), mode.transfers_one_file()),
        (
            "--blksize",
            args.blksize.is_some(),
            mode.transfers_one_file(),
        ),
        (
            "--windowsize",
            args.windowsize.is_some(),
            mode.transfers_one_file(),
        ),
        ("--cert", args.cert.is_some(), mode.uses_tls_options()),
        ("--key", args.key.is_some(), mode.uses_tls_options()),
        ("--ca", args.ca.is_some(), mode.uses_tls_options()),
        ("--insecure", args.insecure, mode.verifies_server()),
        (
            "--pin-sha256",
            !args.pin_sha256.is_empty(),
            mode.verifies_server(),
        ),
        ("--alpn", args.alpn.is_some(), mode.uses_tls_options()),
        ("--min-tls", args.min_tls.is_some(), mode.uses_tls_options()),
        (
            "--server-name",
            args.server_name.is_some(),
            mode.verifies_server(),
        ),
        (
            "--self-signed",
            args.self_signed.is_some(),
            mode.presents_certificate(),
        ),
        (
            "--request-client-cert",
            args.request_client_cert,
            mode.presents_certificate(),
        ),
        ("--url", args.url.is_some(), mode.takes_url()),
        ("--path", args.path.is_some(), mode.serves_path()),
        ("--header", !args.header.is_empty(), mode.takes_url()),
        (
            "--subprotocol",
            !args.subprotocol.is_empty(),
            mode.is_websocket(),
        ),
        (
            "--handshake-timeout",
            args.handshake_timeout.is_some(),
            mode.takes_handshake_timeout(),
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

/// The encoding for one direction: its own flag, else `--encoding`, else
/// UTF-8. The TFTP modes' file names take `--encoding` by this rule too.
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

fn tcp_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = local_addr(args.local.as_deref().ok_or(ArgError::MissingLocal)?)?;
    Ok(SessionConfig::TcpServer(tcp_server(args, local)?))
}

mod args_error;
mod flags;
mod secure;
#[cfg(test)]
mod tests;
mod tftp_modes;

//! [`ArgError`]: why the command line was refused, one sentence a user
//! can act on for each refusal.

use crate::net::tls::AlpnError;
use crate::net::ws::{HeaderError, WsUrlError};
use crate::net::{AddrError, GroupError};
use crate::rules::{NamesError, SubprotocolError};
use crate::text::{EscapeError, FramingSpecError, HexError, UnknownChoice};

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
    #[error("--pin-sha256: {0}")]
    Pin(crate::net::tls::PinError),
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

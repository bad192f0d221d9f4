use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::AddrError;
use crate::text::PeerText;
use netassist_core::tftp::TransferFailure;
use netassist_core::tftp::name::NameError;

/// What went wrong in a session, as a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error(
        "{addr} is already in use by another program: choose another port, or close the program that uses it"
    )]
    AddrInUse { addr: SocketAddr },
    /// The address is held by another session of the same front end,
    /// which names it (the window: "tab 2 (UDP :8080)"); the engine itself
    /// cannot tell, so it says [`SessionError::AddrInUse`].
    #[error(
        "{addr} is already in use by {holder} of this window: stop it there, or choose another port"
    )]
    AddrInUseBy { addr: SocketAddr, holder: String },
    #[error(
        "port {port} needs administrator rights here: choose a port above 1023 (for example {suggest})"
    )]
    PrivilegedPort { port: u16, suggest: u16 },
    #[error(
        "{addr} is not an address of this machine: choose 0.0.0.0, :: or one of its own addresses"
    )]
    AddrNotAvailable { addr: SocketAddr },
    #[error("cannot open {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("{addr} refused the connection: is a server listening there?")]
    Refused { addr: SocketAddr },
    #[error("no answer from {addr} within {} s", seconds_text(*.timeout))]
    ConnectTimeout { addr: SocketAddr, timeout: Duration },
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: SocketAddr, reason: String },
    #[error(transparent)]
    Address(#[from] AddrError),
    #[error("no remote address: enter IP:PORT, or wait until a peer sends first to reply to it")]
    NoRemote,
    #[error("not connected")]
    NotConnected,
    #[error("no client is connected")]
    NoClients,
    #[error("{peer} is not a connected client")]
    UnknownClient { peer: SocketAddr },
    #[error("sending to {peer} failed: {reason}")]
    Send { peer: SocketAddr, reason: String },
    #[error("broadcast to {peer} was refused: tick 'allow broadcast' and open again")]
    BroadcastNotAllowed { peer: SocketAddr },
    #[error(
        "the send queue to {peer} is full ({queued} bytes wait): the peer does not read fast enough"
    )]
    QueueFull { peer: SocketAddr, queued: usize },
    #[error("{context}: {reason}")]
    Io { context: String, reason: String },
    #[error("this session does not support that")]
    Unsupported,
    #[error("the session stopped because of an internal error: {0}")]
    Panicked(String),
    #[error(
        "{group} is not a multicast group: IPv4 groups are 224.0.0.0 to 239.255.255.255, IPv6 groups start with ff"
    )]
    NotMulticast { group: IpAddr },
    #[error(
        "{group} and the local address {local} are not the same IP version: bind to {hint} to use this group"
    )]
    MulticastFamily {
        group: IpAddr,
        local: SocketAddr,
        hint: &'static str,
    },
    #[error("cannot join multicast group {group}: {reason}")]
    Join { group: IpAddr, reason: String },
    #[error("cannot leave multicast group {group}: {reason}")]
    Leave { group: IpAddr, reason: String },
    #[error("cannot set up multicast: {0}")]
    MulticastOption(String),
    #[error("no interface of this machine is {interface}: pick one from the interface list")]
    NoSuchInterface { interface: String },
    #[error("{path} does not exist: choose the file again")]
    FileNotFound { path: String },
    #[error("{path} is a folder, not a file: choose a file")]
    FileIsFolder { path: String },
    #[error("cannot read {path}: {reason}")]
    FileRead { path: String, reason: String },
    #[error("a file is already being sent: wait until it is done, or cancel it")]
    FileBusy,
    #[error("no file is being sent")]
    NoFileSending,
    #[error("the file send was cancelled")]
    FileCancelled,
    #[error("the connection ended before the whole file was sent")]
    FileInterrupted,
    #[error("auto-reply could not build its reply: {0}")]
    AutoReply(super::autoreply::RuleError),
    /// A TFTP server cannot serve the folder it was given.
    #[error("cannot serve the folder {}: {reason}", .folder.display())]
    TftpFolder { folder: PathBuf, reason: String },
    #[error("{} is not a folder", .folder.display())]
    TftpNotAFolder { folder: PathBuf },
    /// A TFTP server refused a request; `reason` is the ERROR text the
    /// peer was sent.
    #[error("refused {request} from {peer}: {reason}")]
    TftpRefused {
        request: TftpRequest,
        peer: SocketAddr,
        reason: PeerText,
    },
    /// Refusals counted while the front end was behind, instead of one
    /// event each.
    #[error(
        "{count} more requests were refused while the output was behind (not shown one by one)"
    )]
    TftpRefusedUnshown { count: u64 },
    #[error("no address for {host}")]
    TftpNoAddress { host: String },
    #[error("'{name}' does not end in a file name to save as")]
    TftpNoFileName { name: String },
    /// A TFTP client's remote name that its 字符集 cannot send.
    #[error("{reason}")]
    TftpName { reason: NameError },
    /// A TFTP client's transfer failed. The reason may quote the peer (its
    /// ERROR text), which is shown with control characters made visible.
    #[error("{0}")]
    Tftp(TransferFailure),
    /// A TLS session's certificates, keys or options cannot be used.
    #[error("{0}")]
    Tls(super::tls::TlsSetupError),
    /// A TLS client's handshake failed (its `TLS` event says why).
    #[error("no TLS connection with {peer}")]
    TlsHandshake { peer: SocketAddr },
}

/// What a refused TFTP request asked for; the file name is the peer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TftpRequest {
    Download {
        file: PeerText,
    },
    Upload {
        file: PeerText,
    },
    /// A request that could not be read.
    Malformed,
}

impl std::fmt::Display for TftpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TftpRequest::Download { file } => write!(f, "download of '{file}'"),
            TftpRequest::Upload { file } => write!(f, "upload of '{file}'"),
            TftpRequest::Malformed => f.write_str("a request"),
        }
    }
}

impl SessionError {
    /// Words a bind failure the way a user can act on it.
    pub fn bind(addr: SocketAddr, error: &io::Error) -> SessionError {
        match error.kind() {
            io::ErrorKind::AddrInUse => SessionError::AddrInUse { addr },
            io::ErrorKind::PermissionDenied if addr.port() < 1024 && addr.port() != 0 => {
                SessionError::PrivilegedPort {
                    port: addr.port(),
                    suggest: suggest_port(addr.port()),
                }
            }
            io::ErrorKind::AddrNotAvailable => SessionError::AddrNotAvailable { addr },
            _ => SessionError::Bind {
                addr,
                reason: error.to_string(),
            },
        }
    }

    pub fn io(context: impl Into<String>, error: &io::Error) -> SessionError {
        SessionError::Io {
            context: context.into(),
            reason: error.to_string(),
        }
    }
}

/// Seconds as a person writes them: `10`, `2.5`, `0.1` (to the millisecond,
/// so a short timeout is never shown rounded up to a whole second). The
/// window's Chinese sentences use it too.
pub fn seconds_text(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis.is_multiple_of(1000) {
        return (millis / 1000).to_string();
    }
    let text = format!("{}.{:03}", millis / 1000, millis % 1000);
    text.trim_end_matches('0').to_owned()
}

/// A high port that reads like the privileged one (69 → 6969, 80 → 8080).
fn suggest_port(port: u16) -> u16 {
    match port {
        69 => 6969,
        80 => 8080,
        p if p < 100 => p * 100 + p,
        p => p + 8000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tftp_sentences_show_the_peers_controls() {
        let error = SessionError::Tftp(TransferFailure::PeerError {
            code: 0,
            message: PeerText::from("a\nb\x1b[2J"),
        });
        assert_eq!(
            error.to_string(),
            "the peer ended the transfer: a\\nb\\x1B[2J (TFTP error 0)"
        );
    }

    #[test]
    fn connect_timeouts_are_shown_as_given() {
        let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let shown = |timeout| SessionError::ConnectTimeout { addr, timeout }.to_string();
        assert_eq!(
            shown(Duration::from_secs(10)),
            "no answer from 127.0.0.1:9 within 10 s"
        );
        assert_eq!(
            shown(Duration::from_millis(100)),
            "no answer from 127.0.0.1:9 within 0.1 s"
        );
        assert_eq!(
            shown(Duration::from_millis(2500)),
            "no answer from 127.0.0.1:9 within 2.5 s"
        );
    }
}

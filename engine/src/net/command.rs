//! What a front end asks of a session. A leaf of the session runtime: no
//! worker is imported here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::autoreply;
use super::multicast::MulticastJoin;
use super::rx_file::RxFileSpec;
use super::ws::event::MessageKind;
use crate::endpoint::Endpoint;

/// Where a send goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// UDP: the remote address, or the last sender when the session replies
    /// to it or has no remote. TCP client: the server. TCP server: every
    /// client.
    Default,
    /// These peers only (UDP: any address; TCP server: these clients).
    Peers(Vec<SocketAddr>),
}

#[derive(Debug)]
pub enum Command {
    Send {
        to: Target,
        bytes: Vec<u8>,
    },
    /// UDP: change the remote address while open (`None`: no fixed remote).
    SetRemote(Option<Endpoint>),
    /// UDP: while open, send to whoever sent last (true) or to the remote
    /// address (false), as `UdpConfig::reply_to_last_sender` does at open.
    SetReplyToLastSender(bool),
    /// TCP server: drop one client. TCP client: disconnect.
    Disconnect(SocketAddr),
    /// TFTP: cancel one transfer.
    CancelTransfer(u64),
    /// Send `bytes` every `period` (`count` times, or until stopped); the
    /// session thread keeps the pace.
    StartLoop {
        to: Target,
        bytes: Vec<u8>,
        period: Duration,
        count: Option<u64>,
    },
    StopLoop,
    /// Replaces the auto-reply rules (empty: off). The first rule that
    /// matches a received message (a datagram, a TCP read, or with TCP
    /// framing a whole framed message) sends its reply to its sender.
    SetAutoReply(Vec<autoreply::Rule>),
    /// UDP: join a multicast group while open.
    JoinGroup(MulticastJoin),
    /// UDP: leave a group joined at open or with `JoinGroup`.
    LeaveGroup(MulticastJoin),
    /// Sends a file's bytes. TCP streams it as the socket drains; UDP sends
    /// datagrams of `datagram_bytes` (0: [`super::DEFAULT_DATAGRAM_BYTES`]). One
    /// file at a time per session.
    SendFile {
        to: Target,
        path: PathBuf,
        datagram_bytes: usize,
    },
    /// Stops the file being sent.
    CancelFile,
    /// UDP, TCP client, TCP server: start writing every received chunk to
    /// this file as the session reads it (replacing any file before), or
    /// stop with `None`. What was buffered for the file before is written
    /// first. A write that fails ends saving with [`super::Event::RxFileFailed`].
    SetRxFile(Option<RxFileSpec>),
    /// WebSocket: send a close frame with `code` and `reason` to one peer,
    /// or with `None` to the client's server or every client of a server;
    /// the connection ends once the peer answers (or after
    /// [`super::ws::CLOSE_WAIT`]).
    WsClose {
        peer: Option<SocketAddr>,
        code: u16,
        reason: String,
    },
    /// WebSocket: send a ping with this payload (at most 125 bytes) to the
    /// server, or to every client of a server.
    WsPing(Vec<u8>),
    /// WebSocket: how sent bytes become messages from now on.
    SetWsMessageKind(MessageKind),
    Close,
}

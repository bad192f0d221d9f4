//! What a server kind supplies to the one server loop: its clients
//! ([`Client`]), its connections still in their handshake ([`Pending`]),
//! and how it starts a connection, sends, feeds a file and serves its own
//! commands ([`ServerKind`]).

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::super::file_send::{FileSend, Pump};
use super::super::{CloseReason, Command, Event, Outbox, SessionError};
use super::{ClientTable, Dropped};

/// A connection a server reads and writes once it is a client: a TCP or
/// TLS [`Connection`](super::conn::Connection), or a WebSocket.
pub(in crate::net) trait Client {
    /// A TCP peer's end of stream ends only its sending: it is kept until
    /// what is queued for it is sent (and its last message answered). On a
    /// WebSocket the close handshake ends both ways.
    const HALF_CLOSES: bool;

    fn peer(&self) -> SocketAddr;
    /// Bytes waiting for the socket.
    fn queued(&self) -> usize;
    /// Bytes the peer made us hold for a message not finished yet (the
    /// server's sum is kept under [`ClientLimits::max_held`]).
    fn held(&self) -> usize {
        0
    }
    /// Reading stopped because the front end was behind.
    fn read_paused(&self) -> bool;
    /// Reading stopped after its share of a pass: there may be more, and
    /// the poller will not say so again.
    fn more_to_read(&self) -> bool {
        false
    }
    /// When a connection in its closing handshake is dropped if the peer
    /// has not ended it, and why it then ends.
    fn close_deadline(&self) -> Option<(Instant, CloseReason)> {
        None
    }
    /// A connection in its closing handshake: sends to it are refused
    /// without dropping it.
    fn is_closing(&self) -> bool {
        false
    }
    /// Reads while the front end keeps up, handing each message or chunk
    /// (with the time it was read, ms since the epoch) to `on_data`;
    /// returns why the connection ended, if it did.
    fn read(
        &mut self,
        buf: &mut [u8],
        outbox: &Outbox,
        registry: &Registry,
        on_data: &mut dyn FnMut(i64, &[u8]),
    ) -> Option<CloseReason>;
    /// Writes what is queued until the socket would block.
    fn flush(&mut self, registry: &Registry) -> io::Result<()>;
    /// Stops watching the socket and shuts it down.
    fn close(&mut self, registry: &Registry);
}

/// A connection in its opening handshake: accepted and counted against
/// the limits, but not a client yet (no `Connected`, nothing sent to it).
pub(in crate::net) trait Pending: Sized {
    type Client: Client;

    fn peer(&self) -> SocketAddr;
    /// Takes the handshake one step on readiness.
    fn advance(self, token: Token, registry: &Registry, outbox: &Outbox) -> Step<Self>;
    /// What is said when the server drops it before it finished.
    fn dropped_event(&self, why: Dropped) -> Event;
    /// Stops watching the socket and shuts it down, without a word.
    fn shut(&mut self, registry: &Registry);
}

/// Where a handshake stands after a step.
pub(in crate::net) enum Step<P: Pending> {
    Waiting(P),
    /// It finished: the client, and what is said right after `Connected`.
    Done {
        client: P::Client,
        local: SocketAddr,
        then: Option<Event>,
    },
    /// It failed; why was said.
    Failed,
}

/// How a new connection starts.
pub(in crate::net) enum Started<C, P> {
    Client(C),
    Handshake(P),
}

/// What differs between the servers.
pub(in crate::net) trait ServerKind {
    type Client: Client;
    type Pending: Pending<Client = Self::Client>;

    /// What a new connection's socket is watched for at first.
    const START_INTEREST: Interest;

    /// Starts a connection accepted and admitted under the limits, whose
    /// socket is registered already; `None` when it could not start (and
    /// why was said).
    fn start(
        &mut self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        token: Token,
        outbox: &Outbox,
    ) -> Option<Started<Self::Client, Self::Pending>>;

    /// Sends one message (or stream bytes) to a client.
    fn send(
        &self,
        client: &mut Self::Client,
        bytes: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError>;

    /// Hands the next part of a file to the target clients, as far as they
    /// drain.
    fn pump_file(
        &self,
        file: &mut FileSend,
        targets: Vec<&mut Self::Client>,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError>;

    /// Says goodbye to a client the server drops (a WebSocket's close
    /// frame); its queue is flushed and its socket closed after.
    fn goodbye(&self, _client: &mut Self::Client, _outbox: &Outbox) {}

    /// Tells a client that it made the server hold too much and is
    /// dropped (`shown`: unshown since the last row, when a row is due).
    fn refuse_held(
        &self,
        _client: &mut Self::Client,
        _budget: usize,
        _shown: Option<u64>,
        _outbox: &Outbox,
    ) {
    }

    /// Serves a command only this kind knows; one it does not know is
    /// answered with `SessionError::Unsupported`.
    fn command(
        &mut self,
        _command: Command,
        _table: &mut ClientTable<Self::Client>,
        outbox: &Outbox,
    ) -> Vec<(Token, CloseReason)> {
        outbox.emit(Event::Error(SessionError::Unsupported));
        Vec::new()
    }
}

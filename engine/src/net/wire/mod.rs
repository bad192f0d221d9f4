//! What every connection of a socket session is, whoever opened it: one
//! [`Conn`] trait (a TCP or TLS [`Connection`](super::conn::Connection),
//! or a WebSocket) and one [`Wire`] (how bytes become what the peer reads:
//! a byte stream, or WebSocket messages), shared by the clients' loop
//! (`net/client_loop.rs`) and the servers' (`net/server/`).

mod stream;

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use mio::{Registry, Token};

use super::file_send::{FileSend, Pump};
use super::session_core::Inbox;
use super::{CloseReason, Command, Event, Outbox, SessionError, Target};
use crate::conn::ConnTag;
pub(in crate::net) use stream::StreamWire;

/// One connection on a poller, of a client or of a server's client: a TCP
/// or TLS [`Connection`](super::conn::Connection), or a WebSocket.
pub(in crate::net) trait Conn {
    /// A TCP peer's end of stream ends only its sending: it is kept until
    /// what is queued for it is sent (and its last message answered). On a
    /// WebSocket the close handshake ends both ways.
    const HALF_CLOSES: bool;

    fn peer(&self) -> SocketAddr;
    /// Bytes waiting for the socket.
    fn queued(&self) -> usize;
    /// Bytes the peer made us hold for a message not finished yet (the
    /// server's sum is kept under its budget).
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
    /// (with when it was read from the socket, µs since the epoch) to
    /// `sink`, and saying before each row of its own (a ping, a close);
    /// returns why the connection ended, if it did.
    fn read(
        &mut self,
        buf: &mut [u8],
        outbox: &Outbox,
        registry: &Registry,
        sink: &mut dyn ReadSink,
    ) -> Option<CloseReason>;
    /// The connection became a client at `at_us` (its `Connected` says
    /// so): what it sent before is stamped no earlier.
    fn opened_at(&mut self, _at_us: i64) {}
    /// Writes what is queued until the socket would block.
    fn flush(&mut self, registry: &Registry) -> io::Result<()>;
    /// Stops watching the socket and shuts it down.
    fn close(&mut self, registry: &Registry);
}

/// Where a read hands on what it read, in the wire's order.
pub(in crate::net) trait ReadSink {
    /// Data read at `at_us`.
    fn data(&mut self, at_us: i64, bytes: &[u8]);
    /// A row of the connection's own (a ping, a close) follows: what was
    /// read before it is handed over first, so that the log keeps the
    /// order it came in.
    fn before_row(&mut self);
}

/// A read into the session core's inbox, tagged with its connection.
pub(in crate::net) struct IntoInbox<'a> {
    pub inbox: &'a mut Inbox,
    pub outbox: &'a Outbox,
    pub peer: SocketAddr,
    pub conn: ConnTag,
}

impl ReadSink for IntoInbox<'_> {
    #[inline]
    fn data(&mut self, at_us: i64, bytes: &[u8]) {
        self.inbox
            .receive_at(at_us, self.peer, self.conn, bytes, self.outbox);
    }

    fn before_row(&mut self) {
        self.inbox.flush(self.outbox);
    }
}

/// The connections a [`Wire`]'s own commands reach: a server's client
/// table, or a client's one connection.
pub(in crate::net) trait ConnSet<C> {
    /// The connections a target means now; `None` when it means none (and
    /// why was said).
    fn targets(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>>;
    /// A connection, with the registry to write through.
    fn conn_mut(&mut self, token: Token) -> Option<(&mut C, &Registry)>;
    /// Notes a connection that started its closing handshake.
    fn closing(&mut self, _token: Token) {}
}

/// How bytes go over a connection, the same for a client and a server.
pub(in crate::net) trait Wire {
    type Conn: Conn;

    /// Sends one message (or stream bytes).
    fn send(
        &self,
        conn: &mut Self::Conn,
        bytes: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError>;

    /// Hands the next part of a file to the target connections, as far as
    /// they drain.
    fn pump_file(
        &self,
        file: &mut FileSend,
        targets: Vec<&mut Self::Conn>,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError>;

    /// Says goodbye before we close a connection (a WebSocket's close
    /// frame); its queue is flushed and its socket closed after.
    fn goodbye(&self, _conn: &mut Self::Conn, _outbox: &Outbox) {}

    /// Tells a server's client that it made the server hold too much and
    /// is dropped (`shown`: unshown since the last row, when a row is due).
    fn refuse_held(
        &self,
        _conn: &mut Self::Conn,
        _budget: usize,
        _shown: Option<u64>,
        _outbox: &Outbox,
    ) {
    }

    /// Serves a command only this wire knows (one it does not know is
    /// answered with `SessionError::Unsupported`); the connections to drop
    /// after it, and why.
    fn command(
        &mut self,
        _command: Command,
        _conns: &mut dyn ConnSet<Self::Conn>,
        outbox: &Outbox,
    ) -> Vec<(Token, CloseReason)> {
        outbox.emit(Event::Error(SessionError::Unsupported));
        Vec::new()
    }
}

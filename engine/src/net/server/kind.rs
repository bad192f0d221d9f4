//! What a server kind supplies to the one server loop besides its
//! [`Wire`]: how a new connection starts ([`ServerKind`]), and its
//! connections still in their handshake ([`Pending`]).

use std::net::SocketAddr;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::super::wire::{Conn, Wire};
use super::super::{Event, Outbox};
use super::Dropped;

/// A connection in its opening handshake: accepted and counted against
/// the limits, but not a client yet (no `Connected`, nothing sent to it).
pub(in crate::net) trait Pending: Sized {
    type Conn: Conn;

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
    /// It finished: the connection, and what is said right after
    /// `Connected`.
    Done {
        conn: P::Conn,
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

/// The connection a server kind's clients are.
pub(in crate::net) type ConnOf<S> = <<S as ServerKind>::Wire as Wire>::Conn;

/// How a server starts its connections; its [`Wire`] does the rest.
pub(in crate::net) trait ServerKind {
    type Wire: Wire;
    type Pending: Pending<Conn = ConnOf<Self>>;

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
    ) -> Option<Started<ConnOf<Self>, Self::Pending>>;
}

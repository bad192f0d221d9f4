//! The TCP and TLS servers: the one server loop (`net/server`) over
//! [`Connection`]s and the byte-stream wire. A TCP client is a client as
//! soon as it is accepted, a TLS client once its handshake has finished
//! (`tls.rs`).

mod tls;

use std::net::SocketAddr;
use std::sync::Arc;

use mio::net::TcpStream;
use mio::{Interest, Token};

use super::conn::Connection;
use super::server::{self, ClientLimits, ServerKind, ServerSetup, Started};
use super::tls::TlsEvent;
use super::wire::StreamWire;
use super::{Answers, Outbox, SessionError, TcpServerConfig, TlsServerConfig, WorkerContext};
use tls::TlsPending;

/// The limits of a server's clients as its configuration sets them: the
/// TCP server holds nothing for a client beyond its framer (which the
/// inbox keeps under a cap of its own).
pub(super) fn limits(config: &TcpServerConfig, max_held: usize) -> ClientLimits {
    ClientLimits {
        max_clients: config.max_clients,
        max_clients_per_ip: config.max_clients_per_ip,
        idle_timeout: config.idle_timeout,
        max_held,
    }
}

pub fn run(
    config: TcpServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let setup = ServerSetup {
        local: config.local,
        limits: limits(&config, usize::MAX),
        framing: config.framing,
        handshake_timeout: super::tls::DEFAULT_HANDSHAKE_TIMEOUT,
        opened_with: None,
    };
    server::serve(
        StreamServer { tls: None },
        StreamWire,
        setup,
        answers,
        context,
    )
}

/// A TLS server: the TCP server, each client's stream TLS. Its
/// certificate is said (`TLS certificate …`) right after it opens; a
/// client is `Connected` once its handshake has finished, and dropped
/// with a `TLS` event when it fails or takes longer than the timeout.
pub fn run_tls(
    config: TlsServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let (tls_config, identity) =
        super::tls::server_config(&config.tls).map_err(SessionError::Tls)?;
    let setup = ServerSetup {
        local: config.tcp.local,
        limits: limits(&config.tcp, usize::MAX),
        framing: config.tcp.framing,
        handshake_timeout: config.handshake_timeout,
        opened_with: Some(super::Event::Tls(TlsEvent::ServerIdentity {
            fingerprint: identity.fingerprint,
            names: identity.names,
            generated: identity.generated,
            cert_path: Some(identity.cert_path),
        })),
    };
    let kind = StreamServer {
        tls: Some(tls_config),
    };
    server::serve(kind, StreamWire, setup, answers, context)
}

/// A server of byte streams: plain TCP, or TLS with this configuration.
pub(in crate::net) struct StreamServer {
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl ServerKind for StreamServer {
    type Wire = StreamWire;
    type Pending = TlsPending;

    const START_INTEREST: Interest = Interest::READABLE;

    fn start(
        &mut self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        token: Token,
        outbox: &Outbox,
    ) -> Option<Started<Connection, TlsPending>> {
        match &self.tls {
            None => Some(Started::Client(Connection::new(stream, peer, token))),
            Some(config) => {
                TlsPending::start(stream, peer, local, config, outbox).map(Started::Handshake)
            }
        }
    }
}

//! A TLS server's clients before their handshake has finished: what the
//! server keeps for them (the methods are `tls_clients.rs`'s).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::super::tls::TlsStream;

/// What a TLS server needs for each new client.
pub(in crate::net) struct TlsServerSide {
    pub config: Arc<rustls::ServerConfig>,
    pub timeout: Duration,
}

/// A client in its handshake.
pub(in crate::net) struct Handshaking {
    pub(super) tls: TlsStream,
    pub(super) peer: SocketAddr,
    pub(super) local: SocketAddr,
    /// Registered for writability (TLS bytes wait for the socket).
    pub(super) writable: bool,
}

//! WebSocket sessions' values: the `ws://` / `wss://` URL a client opens,
//! and the client and server configurations.

use std::net::SocketAddr;
use std::time::Duration;

use super::config::{DEFAULT_CONNECT_TIMEOUT, TcpServerConfig};
use super::tls::{TlsClientOptions, TlsServerOptions};

/// A parsed `ws://` or `wss://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrl {
    /// `wss://`: TLS under the WebSocket.
    pub secure: bool,
    /// A name or an IP address (an IPv6 literal without its brackets).
    pub host: String,
    /// The URL's port, or 80 (`ws`) / 443 (`wss`).
    pub port: u16,
    /// The path and query, starting with `/`.
    pub resource: String,
}

/// A WebSocket client of `url`.
#[derive(Clone, Debug)]
pub struct WsClientConfig {
    pub url: WsUrl,
    /// Bind to this local address first (port 0: any).
    pub local: Option<SocketAddr>,
    pub connect_timeout: Duration,
    /// Extra request headers, sent as given.
    pub headers: Vec<(String, String)>,
    /// Subprotocols offered (`Sec-WebSocket-Protocol`), in order.
    pub subprotocols: Vec<String>,
    /// For `wss://` URLs.
    pub tls: TlsClientOptions,
}

impl WsClientConfig {
    /// A client of `url` with no extra headers or subprotocols, waiting
    /// [`DEFAULT_CONNECT_TIMEOUT`], verifying `wss://` servers against the
    /// system's roots.
    pub fn new(url: WsUrl) -> WsClientConfig {
        WsClientConfig {
            url,
            local: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            headers: Vec::new(),
            subprotocols: Vec::new(),
            tls: TlsClientOptions::default(),
        }
    }
}

/// A WebSocket server: a TCP server (its framing unused: WebSocket
/// messages are framed already) that accepts handshakes for `path`.
#[derive(Clone, Debug)]
pub struct WsServerConfig {
    pub tcp: TcpServerConfig,
    /// The path clients must ask for; `/` or empty: any path.
    pub path: String,
    /// Subprotocols accepted, in order of preference (empty: none chosen).
    pub subprotocols: Vec<String>,
    /// `wss://`: TLS under the WebSocket, with the TLS server's settings.
    pub tls: Option<TlsServerOptions>,
}

//! WebSocket sessions: their values here (the `ws://` / `wss://` URL a
//! client opens, the client and server configurations, the limits), the
//! events in `event.rs`, and the workers below them: `client.rs` and
//! `server.rs` over one connection's state (`conn.rs`) and its stream
//! (`stream.rs`). The workers use tungstenite over the session's own
//! non-blocking mio socket, on the session thread, with no async runtime.

pub(super) mod client;
mod conn;
pub mod event;
pub(super) mod server;
mod stream;

use std::net::SocketAddr;
use std::time::Duration;

use super::budget::MAX_EVENT_BYTES;
use super::config::{DEFAULT_CONNECT_TIMEOUT, TcpServerConfig};
use super::endpoint::{AddrError, Endpoint};
use super::tls::{DEFAULT_HANDSHAKE_TIMEOUT, TlsClientOptions, TlsServerOptions};

pub use event::{MessageKind, NO_STATUS_CODE, WsEvent, WsProblem};

/// The largest message a WebSocket session takes (whole, after joining its
/// frames): an eighth of the event budget ([`MAX_EVENT_BYTES`], 32 MiB), so
/// that a message always fits once the front end is back under its resume
/// mark and one connection can hold at most this much in a message being
/// joined. A larger one closes the connection with 1009. (tungstenite's
/// own default, 64 MiB, is twice the whole budget.)
pub const MAX_MESSAGE_BYTES: usize = MAX_EVENT_BYTES / 8;

/// The largest single frame taken: the message limit, since a frame
/// larger than any message could not be part of one.
pub const MAX_FRAME_BYTES: usize = MAX_MESSAGE_BYTES;

/// At most this many pings (and as many pongs) from one peer become
/// events in a second; the others are answered and counted in the next
/// one shown, so a ping flood cannot flood the log.
pub const PING_EVENTS_PER_SEC: u32 = 4;

/// A peer that sends more pings than this in a second is closed with 1008
/// (policy violation): answering them costs a write each.
pub const MAX_PINGS_PER_SEC: u32 = 1000;

/// How long a closing connection waits for the peer's close frame (or its
/// end of the stream) after ours before it is dropped.
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// At most this many messages are read from one connection in one pass of
/// the session loop, so one busy peer cannot keep the others waiting.
pub const MESSAGES_PER_PASS: usize = 256;

/// The most a ping's payload may hold (RFC 6455 5.5: control frames carry
/// at most 125 bytes).
pub const MAX_PING_BYTES: usize = 125;

/// Whether `code` may be sent in a close frame (RFC 6455 7.4): the
/// defined codes an endpoint may send, and 3000–4999 for applications.
pub fn check_close_code(code: u16) -> Result<(), CloseCodeError> {
    match code {
        1000..=1003 | 1007..=1011 | 3000..=4999 => Ok(()),
        _ => Err(CloseCodeError(code)),
    }
}

/// A close code that cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "close code {0} cannot be sent: use 1000 (normal), 1001 (going away), 1002, 1003, 1007–1011, or 3000–4999 for your own"
)]
pub struct CloseCodeError(pub u16);

/// A parsed `ws://` or `wss://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrl {
    /// `wss://`: TLS under the WebSocket.
    pub secure: bool,
    /// The host (a name, or an IP address; an IPv6 literal without its
    /// brackets) and the URL's port, or 80 (`ws`) / 443 (`wss`).
    pub endpoint: Endpoint,
    /// The path and query, starting with `/`.
    pub resource: String,
}

/// Why a WebSocket URL was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WsUrlError {
    #[error("the URL is empty: use ws://HOST:PORT/PATH, for example ws://127.0.0.1:8080/chat")]
    Empty,
    #[error(
        "'{0}' does not start with ws:// or wss://: use ws://HOST:PORT/PATH, for example ws://127.0.0.1:8080/chat"
    )]
    Scheme(String),
    #[error("'{url}' has no valid host: {source}")]
    Host { url: String, source: AddrError },
    #[error("'{0}' has a fragment (#…): a WebSocket URL cannot have one")]
    Fragment(String),
}

impl WsUrl {
    /// The URL as it is requested: `ws://host:port/resource`, with an
    /// IPv6 host in brackets.
    pub fn to_url(&self) -> String {
        let scheme = if self.secure { "wss" } else { "ws" };
        let host = &self.endpoint.host;
        let port = self.endpoint.port;
        if host.contains(':') {
            format!("{scheme}://[{host}]:{port}{}", self.resource)
        } else {
            format!("{scheme}://{host}:{port}{}", self.resource)
        }
    }
}

impl std::fmt::Display for WsUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_url())
    }
}

/// Parses `ws://HOST[:PORT][/PATH][?QUERY]` and the same with `wss://`
/// (the scheme in any case; `[v6]` literals; no user info, no fragment).
impl std::str::FromStr for WsUrl {
    type Err = WsUrlError;

    fn from_str(text: &str) -> Result<WsUrl, WsUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(WsUrlError::Empty);
        }
        let (secure, rest) = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("ws") => (false, rest),
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("wss") => (true, rest),
            _ => return Err(WsUrlError::Scheme(text.to_owned())),
        };
        if text.contains('#') {
            return Err(WsUrlError::Fragment(text.to_owned()));
        }
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, resource) = rest.split_at(authority_end);
        let resource = match resource.chars().next() {
            None => "/".to_owned(),
            Some('?') => format!("/{resource}"),
            Some(_) => resource.to_owned(),
        };
        let default_port = if secure { "443" } else { "80" };
        let host_error = |source| WsUrlError::Host {
            url: text.to_owned(),
            source,
        };
        if authority.contains('@') {
            return Err(host_error(AddrError::BadHost(authority.to_owned())));
        }
        // `[v6]:port`, `[v6]`, `host:port` or `host`.
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            match bracketed.split_once(']') {
                Some((host, "")) => (host, default_port),
                Some((host, port)) => match port.strip_prefix(':') {
                    Some(port) => (host, port),
                    None => return Err(host_error(AddrError::BadHost(authority.to_owned()))),
                },
                None => return Err(host_error(AddrError::BadHost(authority.to_owned()))),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, port),
                None => (authority, default_port),
            }
        };
        let endpoint = Endpoint::from_parts(host, port)
            .and_then(Endpoint::require_port)
            .map_err(host_error)?;
        Ok(WsUrl {
            secure,
            endpoint,
            resource,
        })
    }
}

/// Parses extra request headers, one `Name: value` a line (blank lines
/// skipped): the one rule for the window's box and `--header`.
pub fn parse_header_lines(text: &str) -> Result<Vec<(String, String)>, HeaderError> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| HeaderError(line.trim().to_owned()))?;
            let name = name.trim();
            let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            if name.is_empty() || !name.chars().all(token) {
                return Err(HeaderError(line.trim().to_owned()));
            }
            Ok((name.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// A request header line that is not `Name: value`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a header: write one 'Name: value' a line, for example 'Authorization: Bearer abc'"
)]
pub struct HeaderError(pub String);

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
    /// How sent bytes become messages; [`Command::SetWsMessageKind`]
    /// changes it while open.
    ///
    /// [`Command::SetWsMessageKind`]: super::Command::SetWsMessageKind
    pub message_kind: MessageKind,
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
            message_kind: MessageKind::Text,
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
    /// A client that has not finished its opening handshake (TLS and
    /// WebSocket) this long after it connected is dropped.
    pub handshake_timeout: Duration,
    /// How sent bytes become messages, as for the client.
    pub message_kind: MessageKind,
}

impl WsServerConfig {
    /// A `ws://` server over `tcp` for any path, choosing no subprotocol,
    /// dropping clients whose handshake takes longer than
    /// [`DEFAULT_HANDSHAKE_TIMEOUT`], sending text messages.
    pub fn new(tcp: TcpServerConfig) -> WsServerConfig {
        WsServerConfig {
            tcp,
            path: "/".to_owned(),
            subprotocols: Vec::new(),
            tls: None,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            message_kind: MessageKind::Text,
        }
    }

    /// Whether a request for `resource` (path and query) is served: the
    /// configured path, or any path when it is `/` or empty. The query is
    /// not part of the path.
    pub fn serves(&self, resource: &str) -> bool {
        let wanted = self.path.trim();
        if wanted.is_empty() || wanted == "/" {
            return true;
        }
        let path = resource.split('?').next().unwrap_or_default();
        path == wanted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> WsUrl {
        text.parse().unwrap()
    }

    #[test]
    fn urls_give_their_host_port_and_resource() {
        let plain = url("ws://127.0.0.1:8080/chat?room=1");
        assert!(!plain.secure);
        assert_eq!(
            plain.endpoint,
            Endpoint::from_parts("127.0.0.1", "8080").unwrap()
        );
        assert_eq!(plain.resource, "/chat?room=1");
        let secure = url("WSS://example.com");
        assert!(secure.secure);
        assert_eq!(secure.endpoint.port, 443);
        assert_eq!(secure.resource, "/");
        let v6 = url("ws://[::1]:9000?x=1");
        assert_eq!(v6.endpoint.host, "::1");
        assert_eq!(v6.resource, "/?x=1");
        assert_eq!(v6.to_url(), "ws://[::1]:9000/?x=1");
        assert_eq!(url("ws://[::1]/").endpoint.port, 80);
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        assert_eq!("".parse::<WsUrl>(), Err(WsUrlError::Empty));
        assert!(matches!(
            "http://a/".parse::<WsUrl>(),
            Err(WsUrlError::Scheme(_))
        ));
        assert!(matches!(
            "127.0.0.1:80".parse::<WsUrl>(),
            Err(WsUrlError::Scheme(_))
        ));
        assert!(matches!(
            "ws://a/#x".parse::<WsUrl>(),
            Err(WsUrlError::Fragment(_))
        ));
        assert!(matches!(
            "ws://a:99999/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws://a:0/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws:///x".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws://u@h/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws://[::1/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
    }

    #[test]
    fn header_lines_are_name_colon_value() {
        assert_eq!(
            parse_header_lines("Authorization: Bearer a:b\n\nX-Id:7").unwrap(),
            vec![
                ("Authorization".to_owned(), "Bearer a:b".to_owned()),
                ("X-Id".to_owned(), "7".to_owned())
            ]
        );
        assert!(parse_header_lines("no colon").is_err());
        assert!(parse_header_lines("bad name: x").is_err());
    }
}

//! A WebSocket server session: the one server loop (`net/server`) over
//! WebSocket connections. Each new connection has its opening handshake
//! first (`pending.rs`: TLS for `wss://`, then the upgrade; only the
//! configured path is served and a subprotocol is chosen from the
//! server's list), then messages both ways. What the clients hold for
//! messages not finished yet is kept under [`MAX_HELD_BYTES`] together.

mod pending;

use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;

use mio::net::TcpStream;
use mio::{Interest, Token};
use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response};
use tungstenite::http::{HeaderValue, StatusCode};

use super::super::server::{self, ServerKind, ServerSetup, Started};
use super::super::tcp_server::limits;
use super::super::tls::{self, TlsEvent};
use super::super::{Answers, Event, Outbox, SessionError, WorkerContext};
use super::conn::WsConn;
use super::wire::WsWire;
use super::{MAX_HELD_BYTES, WsServerConfig, is_token_char};
use crate::text::Framing;
use pending::WsPending;

/// What the server side of every WebSocket connection shares.
pub(in crate::net) struct WsServer {
    config: Rc<WsServerConfig>,
    /// `wss://`: each client's TLS server side.
    tls: Option<Arc<rustls::ServerConfig>>,
}

pub fn run(
    config: WsServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    // Certificates and keys are read (or the self-signed one made) before
    // listening: a wrong file is said at once.
    let tls = config
        .tls
        .as_ref()
        .map(|options| tls::server_config(options).map_err(SessionError::Tls))
        .transpose()?;
    let (tls, opened_with) = match tls {
        Some((tls_config, identity)) => (
            Some(tls_config),
            Some(Event::Tls(TlsEvent::ServerIdentity {
                fingerprint: identity.fingerprint,
                names: identity.names,
                generated: identity.generated,
                cert_path: Some(identity.cert_path),
            })),
        ),
        None => (None, None),
    };
    let setup = ServerSetup {
        local: config.tcp.local,
        limits: limits(&config.tcp, MAX_HELD_BYTES),
        // WebSocket messages are framed already: each one is a message.
        framing: Framing::None,
        handshake_timeout: config.handshake_timeout,
        opened_with,
    };
    let wire = WsWire {
        kind: config.message_kind,
    };
    let starter = WsServer {
        config: Rc::new(config),
        tls,
    };
    server::serve(starter, wire, setup, answers, context)
}

impl ServerKind for WsServer {
    type Wire = WsWire;
    type Pending = WsPending;

    // The handshake's answer is written as the socket takes it.
    const START_INTEREST: Interest = Interest::READABLE.add(Interest::WRITABLE);

    fn start(
        &mut self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        _token: Token,
        outbox: &Outbox,
    ) -> Option<Started<WsConn, WsPending>> {
        self.start_pending(stream, peer, local, outbox)
            .map(Started::Handshake)
    }
}

/// What a client asked for in its handshake, as the callback saw it.
#[derive(Default)]
struct Asked {
    resource: String,
    subprotocol: Option<String>,
    refused: bool,
}

/// The handshake's check of the request: the path served, and the first
/// of the server's subprotocols the client offered.
struct PathCheck {
    config: Rc<WsServerConfig>,
    asked: Rc<RefCell<Asked>>,
}

impl Callback for PathCheck {
    fn on_request(
        self,
        request: &Request,
        mut response: Response,
    ) -> Result<Response, ErrorResponse> {
        let resource = request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let mut asked = self.asked.borrow_mut();
        asked.resource = resource.clone();
        if !self.config.serves(&resource) {
            asked.refused = true;
            let mut refusal = ErrorResponse::new(Some("this path is not served\n".to_owned()));
            *refusal.status_mut() = StatusCode::NOT_FOUND;
            return Err(refusal);
        }
        let offered = offered_subprotocols(
            request
                .headers()
                .get_all("sec-websocket-protocol")
                .iter()
                .map(HeaderValue::as_bytes),
        );
        let chosen = self
            .config
            .subprotocols
            .iter()
            .find(|ours| offered.contains(&ours.as_str()));
        if let Some(chosen) = chosen
            && let Ok(value) = HeaderValue::from_str(chosen)
        {
            response
                .headers_mut()
                .insert("sec-websocket-protocol", value);
            asked.subprotocol = Some(chosen.clone());
        }
        Ok(response)
    }
}

/// The subprotocols a client offered, from its `Sec-WebSocket-Protocol`
/// headers as bytes: each comma-separated offer that is a valid token
/// (RFC 6455 4.1: visible ASCII, no separators), in order. An invalid
/// offer is skipped, not the whole header, so `chat, \u{202e}evil` still
/// offers `chat`.
fn offered_subprotocols<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<&'a str> {
    values
        .flat_map(|value| value.split(|byte| *byte == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|offer| {
            !offer.is_empty() && offer.iter().all(|byte| is_token_char(char::from(*byte)))
        })
        .filter_map(|offer| std::str::from_utf8(offer).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_offer_is_skipped_not_the_whole_header() {
        let header = "chat, \u{202e}evil, v2 ,,bad word".as_bytes();
        let second = b"superchat".as_slice();
        assert_eq!(
            offered_subprotocols([header, second].into_iter()),
            ["chat", "v2", "superchat"]
        );
        assert!(offered_subprotocols([b"\xff\xfe".as_slice()].into_iter()).is_empty());
    }
}

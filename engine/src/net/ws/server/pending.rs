//! A WebSocket server's connection in its opening handshake: TLS first
//! for `wss://`, then the upgrade request, resumed on readiness. It
//! becomes a client (`Connected`, then the handshake's row) or is dropped
//! with the reason said.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};
use tungstenite::Error;
use tungstenite::handshake::server::ServerHandshake;
use tungstenite::handshake::{HandshakeError, MidHandshake};

use super::super::super::server::{Dropped, Pending, Step};
use super::super::super::tls::{TlsEvent, TlsStream, problem_of_io};
use super::super::super::{Event, Outbox, SessionError};
use super::super::conn::{WsConn, websocket_config};
use super::super::event::{WsEvent, WsProblem};
use super::super::stream::WsStream;
use super::{Asked, PathCheck, WsServer};
use crate::text::PeerText;

type Handshaking = MidHandshake<ServerHandshake<WsStream, PathCheck>>;

pub(in crate::net) struct WsPending {
    mid: Handshaking,
    peer: SocketAddr,
    local: SocketAddr,
    asked: Rc<RefCell<Asked>>,
}

impl WsServer {
    /// Starts a new connection's opening; `None` when its TLS side could
    /// not start (said).
    pub(super) fn start_pending(
        &self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        outbox: &Outbox,
    ) -> Option<WsPending> {
        let stream = match &self.tls {
            Some(tls_config) => match TlsStream::server(stream, tls_config) {
                Ok(tls) => WsStream::over_tls(tls),
                Err(e) => {
                    outbox.emit(Event::Error(SessionError::Tls(e)));
                    return None;
                }
            },
            None => WsStream::plain(stream),
        };
        let asked = Rc::new(RefCell::new(Asked::default()));
        let check = PathCheck {
            config: Rc::clone(&self.config),
            asked: Rc::clone(&asked),
        };
        let mid = ServerHandshake::start(stream, check, Some(websocket_config()));
        Some(WsPending {
            mid,
            peer,
            local,
            asked,
        })
    }
}

impl WsPending {
    /// Whether its TLS handshake is still under way (a `wss://` client):
    /// then a failure is TLS's to say.
    fn tls_handshaking(&self) -> bool {
        self.mid
            .get_ref()
            .get_ref()
            .tls()
            .is_some_and(TlsStream::is_handshaking)
    }
}

impl Pending for WsPending {
    type Conn = WsConn;

    fn peer(&self) -> SocketAddr {
        self.peer
    }

    fn advance(self, token: Token, registry: &Registry, outbox: &Outbox) -> Step<WsPending> {
        let tls_handshaking = self.tls_handshaking();
        let WsPending {
            mid,
            peer,
            local,
            asked,
        } = self;
        let error = match mid.handshake() {
            Ok(mut ws) => {
                if let Err(e) = registry.reregister(ws.get_mut().tcp(), token, Interest::READABLE) {
                    outbox.emit(Event::Error(SessionError::io("cannot watch a client", &e)));
                    return Step::Failed;
                }
                if let Some(info) = ws.get_ref().tls().and_then(TlsStream::info) {
                    outbox.emit(Event::Tls(TlsEvent::Established { peer, info }));
                }
                let asked = asked.borrow();
                let then = Event::Ws(WsEvent::Handshake {
                    peer,
                    path: PeerText::new(asked.resource.clone()),
                    subprotocol: asked.subprotocol.clone().map(PeerText::new),
                    headers: Vec::new(),
                });
                return Step::Done {
                    conn: WsConn::new(ws, peer, token),
                    local,
                    then: Some(then),
                };
            }
            Err(HandshakeError::Interrupted(mid)) => {
                return Step::Waiting(WsPending {
                    mid,
                    peer,
                    local,
                    asked,
                });
            }
            Err(HandshakeError::Failure(error)) => error,
        };
        // The stream went with the failed handshake: its socket is closed.
        let asked = asked.borrow();
        let event = match error {
            _ if asked.refused => Event::Ws(WsEvent::ProtocolError {
                peer,
                problem: WsProblem::PathNotServed {
                    path: PeerText::new(asked.resource.clone()),
                },
            }),
            // A TLS handshake that failed says why, as the TLS server does.
            Error::Io(e) if tls_handshaking => Event::Tls(TlsEvent::HandshakeFailed {
                peer,
                problem: problem_of_io(&e),
            }),
            // A client that left before it finished says nothing.
            Error::Io(_)
            | Error::ConnectionClosed
            | Error::AlreadyClosed
            | Error::Protocol(tungstenite::error::ProtocolError::HandshakeIncomplete) => {
                return Step::Failed;
            }
            other => Event::Ws(WsEvent::ProtocolError {
                peer,
                problem: WsProblem::Other(PeerText::new(format!(
                    "not a WebSocket handshake: {other}"
                ))),
            }),
        };
        outbox.emit(event);
        Step::Failed
    }

    /// Said as TLS's problem while its TLS handshake was under way, as
    /// WebSocket's after.
    fn dropped_event(&self, why: Dropped) -> Event {
        let peer = self.peer;
        if self.tls_handshaking() {
            let problem = why.tls_problem();
            return Event::Tls(TlsEvent::HandshakeFailed { peer, problem });
        }
        let problem = why.ws_problem();
        Event::Ws(WsEvent::ProtocolError { peer, problem })
    }

    fn shut(&mut self, registry: &Registry) {
        let stream = self.mid.get_mut().get_mut();
        let _ = registry.deregister(stream.tcp());
        stream.shutdown();
    }
}

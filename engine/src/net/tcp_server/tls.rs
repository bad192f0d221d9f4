//! A TLS server's client before its handshake has finished: accepted and
//! counted against the limits, but not yet a client (no `Connected`,
//! nothing sent to it).

use std::net::SocketAddr;
use std::sync::Arc;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::super::conn::{Connection, Link};
use super::super::server::{Dropped, Pending, Step};
use super::super::tls::{TlsEvent, TlsStream, problem_of_io};
use super::super::{Event, Outbox, SessionError};

pub(in crate::net) struct TlsPending {
    tls: TlsStream,
    peer: SocketAddr,
    local: SocketAddr,
    /// Registered for writability (TLS bytes wait for the socket).
    writable: bool,
}

impl TlsPending {
    /// Starts a new client's handshake; its socket is registered for
    /// reading already. `None` when rustls refused to start (said).
    pub(super) fn start(
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        config: &Arc<rustls::ServerConfig>,
        outbox: &Outbox,
    ) -> Option<TlsPending> {
        match TlsStream::server(stream, config) {
            Ok(tls) => Some(TlsPending {
                tls,
                peer,
                local,
                writable: false,
            }),
            Err(e) => {
                outbox.emit(Event::Error(SessionError::Tls(e)));
                None
            }
        }
    }
}

impl Pending for TlsPending {
    type Conn = Connection;

    fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// A finished handshake makes the client a client (`TLS` then
    /// `Connected`); a failed one says why.
    fn advance(mut self, token: Token, registry: &Registry, outbox: &Outbox) -> Step<TlsPending> {
        match self.tls.handshake_step() {
            Ok(true) => {}
            Ok(false) => {
                let wants_write = self.tls.wants_write();
                if wants_write != self.writable {
                    let interest = if wants_write {
                        Interest::READABLE | Interest::WRITABLE
                    } else {
                        Interest::READABLE
                    };
                    if registry
                        .reregister(self.tls.socket_mut(), token, interest)
                        .is_ok()
                    {
                        self.writable = wants_write;
                    }
                }
                return Step::Waiting(self);
            }
            Err(e) => {
                let problem = problem_of_io(&e);
                self.shut(registry);
                outbox.emit(Event::Tls(TlsEvent::HandshakeFailed {
                    peer: self.peer,
                    problem,
                }));
                return Step::Failed;
            }
        }
        let TlsPending {
            mut tls,
            peer,
            local,
            writable,
        } = self;
        if writable {
            let _ = registry.reregister(tls.socket_mut(), token, Interest::READABLE);
        }
        if let Some(info) = tls.info() {
            outbox.emit(Event::Tls(TlsEvent::Established { peer, info }));
        }
        let mut conn = Connection::over(Link::Tls(Box::new(tls)), peer, token);
        // The handshake's last records (a TLS 1.3 server's session
        // tickets) may still wait for the socket.
        let _ = conn.flush(registry);
        Step::Done {
            conn,
            local,
            then: None,
        }
    }

    fn dropped_event(&self, why: Dropped) -> Event {
        Event::Tls(TlsEvent::HandshakeFailed {
            peer: self.peer,
            problem: why.tls_problem(),
        })
    }

    fn shut(&mut self, registry: &Registry) {
        let _ = registry.deregister(self.tls.socket_mut());
        let _ = self.tls.socket().shutdown(std::net::Shutdown::Both);
    }
}

//! A TLS server's clients before their handshake has finished: accepted
//! and counted against the limits, but not yet clients (no `Connected`,
//! nothing sent to them). One whose handshake does not finish within the
//! timeout is dropped and its slot freed, while the others go on.

use std::net::SocketAddr;
use std::time::Instant;

use mio::net::TcpStream;
use mio::{Interest, Token};

use super::super::conn::{Connection, Link};
use super::super::session_core::Inbox;
use super::super::tls::{TlsEvent, TlsProblem, TlsStream, problem_of_io};
use super::super::{Event, Outbox, SessionError};
use super::clients::Server;
use super::handshakes::Handshaking;
use crate::clock::now_ms;

impl Server {
    /// Starts a new client's handshake; its socket is registered for
    /// reading already.
    pub(super) fn start_handshake(
        &mut self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        token: Token,
        outbox: &Outbox,
    ) {
        let Some(side) = &self.tls else {
            return;
        };
        match TlsStream::server(stream, &side.config) {
            Ok(tls) => {
                self.handshake_deadlines
                    .push_back((Instant::now() + side.timeout, token));
                self.handshakes.insert(
                    token,
                    Handshaking {
                        tls,
                        peer,
                        local,
                        writable: false,
                    },
                );
            }
            Err(e) => {
                self.release_address(peer);
                outbox.emit(Event::Error(SessionError::Tls(e)));
            }
        }
    }

    /// Advances a handshake the poller reported on; a finished one makes
    /// the client a client (`TLS` then `Connected`) and reads what it sent
    /// already.
    pub(super) fn advance_handshake(
        &mut self,
        token: Token,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let Some(handshake) = self.handshakes.get_mut(&token) else {
            return;
        };
        match handshake.tls.handshake_step() {
            Ok(true) => {
                if let Some(handshake) = self.handshakes.remove(&token) {
                    self.become_client(token, handshake, buf, inbox, outbox);
                }
            }
            Ok(false) => {
                let wants_write = handshake.tls.wants_write();
                if wants_write != handshake.writable {
                    let interest = if wants_write {
                        Interest::READABLE | Interest::WRITABLE
                    } else {
                        Interest::READABLE
                    };
                    if self
                        .registry
                        .reregister(handshake.tls.socket_mut(), token, interest)
                        .is_ok()
                    {
                        handshake.writable = wants_write;
                    }
                }
            }
            Err(e) => self.fail_handshake(token, problem_of_io(&e), outbox),
        }
    }

    fn become_client(
        &mut self,
        token: Token,
        handshake: Handshaking,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let Handshaking {
            mut tls,
            peer,
            local,
            writable,
        } = handshake;
        if writable {
            let _ = self
                .registry
                .reregister(tls.socket_mut(), token, Interest::READABLE);
        }
        if let Some(info) = tls.info() {
            outbox.emit(Event::Tls(TlsEvent::Established { peer, info }));
        }
        self.by_peer.insert(peer, token);
        self.touch(token);
        let mut conn = Connection::over(Link::Tls(Box::new(tls)), peer, token);
        // The handshake's last records (a TLS 1.3 server's session
        // tickets) may still wait for the socket.
        let _ = conn.flush(&self.registry);
        self.clients.insert(token, conn);
        outbox.emit(Event::Connected {
            peer,
            local,
            at_ms: now_ms(),
        });
        // What the client sent with its last handshake flight is read now:
        // the poller will not report it again.
        self.read_client(token, false, buf, inbox, outbox);
    }

    /// Drops a client whose handshake failed, saying why.
    pub(super) fn fail_handshake(&mut self, token: Token, problem: TlsProblem, outbox: &Outbox) {
        if let Some(peer) = self.close_handshake(token) {
            outbox.emit(Event::Tls(TlsEvent::HandshakeFailed { peer, problem }));
        }
    }

    /// Drops a handshake under way without a word; its peer, if it was.
    fn close_handshake(&mut self, token: Token) -> Option<SocketAddr> {
        let mut handshake = self.handshakes.remove(&token)?;
        let _ = self.registry.deregister(handshake.tls.socket_mut());
        let _ = handshake.tls.socket().shutdown(std::net::Shutdown::Both);
        self.release_address(handshake.peer);
        Some(handshake.peer)
    }

    /// Drops the oldest handshake under way to make room for a new one
    /// (the cap of [`handshaking_cap`](super::super::handshaking_cap)).
    /// A few a second are shown; the others are counted into the next.
    pub(super) fn push_out_oldest_handshake(&mut self, outbox: &Outbox) {
        let handshaking = self.handshakes.len();
        while let Some((_, token)) = self.handshake_deadlines.pop_front() {
            if !self.handshakes.contains_key(&token) {
                continue;
            }
            match self.pushed_out_rows.count() {
                (Some(unshown), _) => {
                    let problem = TlsProblem::PushedOut {
                        handshaking,
                        unshown,
                    };
                    self.fail_handshake(token, problem, outbox);
                }
                (None, _) => {
                    self.close_handshake(token);
                }
            }
            return;
        }
    }

    /// When the next handshake times out, if any is under way.
    pub(super) fn next_handshake_deadline(&mut self) -> Option<Instant> {
        while let Some((_, token)) = self.handshake_deadlines.front() {
            if self.handshakes.contains_key(token) {
                break;
            }
            self.handshake_deadlines.pop_front();
        }
        self.handshake_deadlines.front().map(|(at, _)| *at)
    }

    /// Drops the clients whose handshake took longer than the timeout.
    pub(super) fn drop_slow_handshakes(&mut self, outbox: &Outbox) {
        let Some(timeout) = self.tls.as_ref().map(|side| side.timeout) else {
            return;
        };
        let now = Instant::now();
        while let Some(&(at, token)) = self.handshake_deadlines.front() {
            if at > now {
                break;
            }
            self.handshake_deadlines.pop_front();
            let problem = TlsProblem::HandshakeTimeout {
                after_ms: timeout.as_millis() as u64,
            };
            self.fail_handshake(token, problem, outbox);
        }
    }

    /// Closes every handshake under way (the server closes).
    pub(super) fn drop_handshakes(&mut self) {
        for (_, mut handshake) in self.handshakes.drain() {
            let _ = self.registry.deregister(handshake.tls.socket_mut());
            let _ = handshake.tls.socket().shutdown(std::net::Shutdown::Both);
        }
        self.handshake_deadlines.clear();
    }
}

//! The TCP server's clients: accepting, limits, idle timeout, half-close,
//! and the transport the session core sends through.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Interest, Registry, Token};

use super::super::conn::Connection;
use super::super::rows::ShownPerSecond;
use super::super::session_core::{Inbox, Transport};
use super::super::{
    CloseReason, Event, Outbox, PUSHED_OUT_ROWS_PER_SEC, SessionError, TcpServerConfig,
    handshaking_cap,
};
use super::handshakes::{Handshaking, TlsServerSide};
use crate::clock::now_ms;
use netassist_core::address::AddressCounts;

/// How often, at most, clients are checked for idleness: a quarter of the
/// timeout, so a client is dropped at most a quarter late, within these
/// bounds (a check walks every client).
const IDLE_CHECK_MIN: Duration = Duration::from_millis(10);
const IDLE_CHECK_MAX: Duration = Duration::from_secs(1);

pub(super) struct Server {
    pub(super) clients: HashMap<Token, Connection>,
    pub(super) by_peer: HashMap<SocketAddr, Token>,
    next_token: usize,
    max_clients: usize,
    /// Places held per source (IPv4 address, IPv6 /64), handshakes
    /// under way included, under `--max-clients-per-ip`.
    per_address: AddressCounts,
    /// When each client last sent something or took some of what was
    /// queued for it, kept only with an idle timeout.
    idle_timeout: Option<Duration>,
    last_active: HashMap<Token, Instant>,
    pub(super) next_idle_check: Option<Instant>,
    /// Clients that finished sending (half-close) and are closed once
    /// what is queued for them is sent.
    pub(super) finished: HashSet<Token>,
    /// Clients whose reading stopped because the front end was behind, in
    /// the order they stopped.
    pub(super) paused: Vec<Token>,
    /// Clients wait in the listen backlog because too many events wait for
    /// the front end ([`crate::net::MAX_EVENTS_WAITING`]); they are accepted
    /// once it has taken some.
    pub(super) accept_paused: bool,
    pub(super) registry: Registry,
    /// A TLS server's configuration; `None` for plain TCP.
    pub(super) tls: Option<TlsServerSide>,
    /// TLS clients whose handshake has not finished: not yet clients
    /// (no `Connected`, not sent to), but counted against the limits.
    pub(super) handshakes: HashMap<Token, Handshaking>,
    /// When each handshake times out, in the order they started (all have
    /// the same timeout, so the first is the earliest).
    /// Handshakes pushed out, shown a few a second.
    pub(super) pushed_out_rows: ShownPerSecond,
    pub(super) handshake_deadlines: VecDeque<(Instant, Token)>,
}

impl Server {
    pub(super) fn new(
        config: &TcpServerConfig,
        registry: Registry,
        tls: Option<TlsServerSide>,
    ) -> Server {
        Server {
            clients: HashMap::new(),
            by_peer: HashMap::new(),
            next_token: 1,
            max_clients: config.max_clients.max(1),
            per_address: AddressCounts::new(config.max_clients_per_ip),
            idle_timeout: config.idle_timeout,
            last_active: HashMap::new(),
            next_idle_check: None,
            finished: HashSet::new(),
            paused: Vec::new(),
            accept_paused: false,
            registry,
            tls,
            handshakes: HashMap::new(),
            handshake_deadlines: VecDeque::new(),
            pushed_out_rows: ShownPerSecond::new(PUSHED_OUT_ROWS_PER_SEC),
        }
    }

    /// Reads what a client sent while the front end keeps up (see
    /// `Connection::read_available`); drops the client when it closed. A
    /// client that stops for the front end joins `paused` unless `listed`
    /// says it is there already.
    pub(super) fn read_client(
        &mut self,
        token: Token,
        listed: bool,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let Some(conn) = self.clients.get_mut(&token) else {
            return;
        };
        let peer = conn.peer;
        let closed = conn.read_available(buf, outbox, &mut |bytes| {
            inbox.receive(peer, bytes, outbox);
        });
        if conn.read_paused() && !listed {
            self.paused.push(token);
        }
        if let Some(reason) = closed {
            let finished = reason == CloseReason::ClosedByPeer;
            // A client that only finished sending still reads: its last
            // message may still be answered.
            inbox.peer_ended(peer, finished, outbox);
            inbox.flush(outbox);
            for (peer, reply) in inbox.take_replies() {
                self.reply(peer, reply, inbox, outbox);
            }
            if finished {
                // Only its sending side may be closed: it is closed once
                // its replies are sent.
                self.peer_finished(token, outbox);
            } else {
                self.drop_client(token, reason, inbox, outbox);
            }
        }
    }

    pub(super) fn accept_all(
        &mut self,
        listener: &mut TcpListener,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        loop {
            // Each client accepted makes events; while the front end is far
            // behind, clients wait in the backlog (and, once it is full, the
            // system makes them wait) instead of in memory.
            self.accept_paused = outbox.crowded();
            if self.accept_paused {
                return;
            }
            let (mut stream, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A client that reset before we accepted it, or a lack of
                // file descriptors: report it and keep serving.
                Err(e) => {
                    outbox.emit(Event::Error(SessionError::io(
                        "accepting a client failed",
                        &e,
                    )));
                    return;
                }
            };
            // A crowd that never finishes its handshake pushes out its own
            // oldest, not the clients that finish theirs (for a newcomer
            // its address lets in).
            if self.handshakes.len() >= handshaking_cap(self.max_clients)
                && self.per_address.admits(peer.ip())
            {
                self.push_out_oldest_handshake(outbox);
            }
            if self.clients.len() + self.handshakes.len() >= self.max_clients {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                outbox.emit(Event::Disconnected {
                    peer,
                    reason: CloseReason::TooManyClients,
                });
                continue;
            }
            if !self.per_address.admits(peer.ip()) {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                outbox.emit(Event::Disconnected {
                    peer,
                    reason: CloseReason::TooManyFromAddress,
                });
                continue;
            }
            let token = Token(self.next_token);
            self.next_token += 1;
            if let Err(e) = self
                .registry
                .register(&mut stream, token, Interest::READABLE)
            {
                outbox.emit(Event::Error(SessionError::io("cannot watch a client", &e)));
                continue;
            }
            let _ = stream.set_nodelay(true);
            let local = stream.local_addr().unwrap_or(peer);
            self.per_address.add(peer.ip());
            if self.tls.is_some() {
                // A TLS client becomes a client once its handshake is done.
                // Its ClientHello came right after it connected: it is
                // answered now, before the connections accepted after this
                // one could push it out.
                self.start_handshake(stream, peer, local, token, outbox);
                self.advance_handshake(token, buf, inbox, outbox);
                continue;
            }
            self.by_peer.insert(peer, token);
            self.touch(token);
            self.clients
                .insert(token, Connection::new(stream, peer, token));
            outbox.emit(Event::Connected {
                peer,
                local,
                at_ms: now_ms(),
            });
        }
    }

    /// Drops a client; what its framer still held is handed over first,
    /// as its last message.
    pub(super) fn drop_client(
        &mut self,
        token: Token,
        reason: CloseReason,
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        if let Some(mut conn) = self.clients.remove(&token) {
            self.by_peer.remove(&conn.peer);
            self.finished.remove(&token);
            self.last_active.remove(&token);
            self.release_address(conn.peer);
            if reason == CloseReason::Local {
                let _ = conn.flush(&self.registry);
            }
            let peer = conn.peer;
            conn.close(&self.registry);
            inbox.peer_ended(peer, false, outbox);
            inbox.flush(outbox);
            outbox.emit(Event::Disconnected { peer, reason });
        }
    }

    /// Gives back a client's place in the per-address count.
    pub(super) fn release_address(&mut self, peer: SocketAddr) {
        self.per_address.remove(peer.ip());
    }

    /// Notes that a client sent something or took some of its queue, for
    /// the idle timeout.
    pub(super) fn touch(&mut self, token: Token) {
        if let Some(timeout) = self.idle_timeout {
            let now = Instant::now();
            self.last_active.insert(token, now);
            if self.next_idle_check.is_none() {
                self.next_idle_check = Some(now + idle_check_interval(timeout));
            }
        }
    }

    /// A client finished sending (FIN): it is shown, and kept until what
    /// is queued for it is sent ([`Server::close_finished`]).
    fn peer_finished(&mut self, token: Token, outbox: &Outbox) {
        if let Some(conn) = self.clients.get(&token)
            && self.finished.insert(token)
        {
            outbox.emit(Event::PeerFinished { peer: conn.peer });
        }
    }

    /// Closes the clients that finished sending and have nothing left
    /// queued for them.
    pub(super) fn close_finished(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        if self.finished.is_empty() {
            return;
        }
        let drained: Vec<Token> = self
            .finished
            .iter()
            .copied()
            .filter(|token| self.clients.get(token).is_none_or(|c| c.queued() == 0))
            .collect();
        for token in drained {
            self.finished.remove(&token);
            self.drop_client(token, CloseReason::ClosedByPeer, inbox, outbox);
        }
    }

    /// Drops the clients that were idle for longer than the timeout, when
    /// a check is due.
    pub(super) fn drop_idle(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        let (Some(timeout), Some(due)) = (self.idle_timeout, self.next_idle_check) else {
            return;
        };
        let now = Instant::now();
        if now < due {
            return;
        }
        let idle: Vec<Token> = self
            .last_active
            .iter()
            .filter(|(_, at)| now.duration_since(**at) >= timeout)
            .map(|(token, _)| *token)
            .collect();
        for token in idle {
            self.drop_client(token, CloseReason::Idle, inbox, outbox);
        }
        self.next_idle_check =
            (!self.last_active.is_empty()).then(|| now + idle_check_interval(timeout));
    }
}

/// How often clients are checked against an idle timeout.
fn idle_check_interval(timeout: Duration) -> Duration {
    (timeout / 4).clamp(IDLE_CHECK_MIN, IDLE_CHECK_MAX)
}

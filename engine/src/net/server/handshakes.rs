//! Connections in their opening handshake (TLS, WebSocket, or both): each
//! has the session's one handshake timeout, and together they have a cap
//! of their own below the client limit ([`handshaking_cap`]), so a crowd
//! that never finishes pushes out its own oldest instead of taking every
//! slot.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::{Registry, Token};

use super::super::rows::ShownPerSecond;
use super::super::tls::TlsProblem;
use super::super::ws::WsProblem;
use super::super::{Outbox, PUSHED_OUT_ROWS_PER_SEC, handshaking_cap};
use super::Pending;

/// Why the server dropped a handshake before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::net) enum Dropped {
    /// It took longer than the handshake timeout.
    TimedOut(Duration),
    /// Newer connections needed its place (`handshaking` were under way);
    /// `unshown` were dropped since the last row that said so.
    PushedOut { handshaking: usize, unshown: u64 },
}

impl Dropped {
    /// Why, as a TLS handshake's problem (a TLS server's client, or a
    /// `wss://` client still in its TLS handshake).
    pub(in crate::net) fn tls_problem(self) -> TlsProblem {
        match self {
            Dropped::TimedOut(after) => TlsProblem::HandshakeTimeout {
                after_ms: u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
            },
            Dropped::PushedOut {
                handshaking,
                unshown,
            } => TlsProblem::PushedOut {
                handshaking,
                unshown,
            },
        }
    }

    /// Why, as a WebSocket upgrade's problem.
    pub(in crate::net) fn ws_problem(self) -> WsProblem {
        match self {
            Dropped::TimedOut(after) => WsProblem::HandshakeTimeout {
                seconds: after.as_secs(),
            },
            Dropped::PushedOut {
                handshaking,
                unshown,
            } => WsProblem::HandshakePushedOut {
                handshaking,
                unshown,
            },
        }
    }
}

pub(in crate::net) struct Handshakes<P> {
    pending: HashMap<Token, (P, Instant)>,
    /// When each handshake times out, in the order they started (all have
    /// the same timeout, so the first is the earliest); a token no longer
    /// pending is skipped.
    deadlines: VecDeque<(Instant, Token)>,
    timeout: Duration,
    /// Handshakes pushed out, shown a few a second.
    pushed_out_rows: ShownPerSecond,
}

impl<P: Pending> Handshakes<P> {
    pub(in crate::net) fn new(timeout: Duration) -> Handshakes<P> {
        Handshakes {
            pending: HashMap::new(),
            deadlines: VecDeque::new(),
            timeout,
            pushed_out_rows: ShownPerSecond::new(PUSHED_OUT_ROWS_PER_SEC),
        }
    }

    pub(in crate::net) fn len(&self) -> usize {
        self.pending.len()
    }

    pub(in crate::net) fn contains(&self, token: Token) -> bool {
        self.pending.contains_key(&token)
    }

    /// Whether the handshakes under way reached their cap under a server
    /// of `max_clients`.
    pub(in crate::net) fn full(&self, max_clients: usize) -> bool {
        self.pending.len() >= handshaking_cap(max_clients)
    }

    /// A new handshake, whose timeout starts now.
    pub(in crate::net) fn insert(&mut self, token: Token, pending: P) {
        let deadline = Instant::now() + self.timeout;
        self.deadlines.push_back((deadline, token));
        self.pending.insert(token, (pending, deadline));
    }

    /// Takes a handshake out to step it, with its deadline.
    pub(in crate::net) fn take(&mut self, token: Token) -> Option<(P, Instant)> {
        self.pending.remove(&token)
    }

    /// Puts back a handshake that is still waiting, keeping its deadline
    /// (its place in `deadlines` was never taken).
    pub(in crate::net) fn put_back(&mut self, token: Token, pending: P, deadline: Instant) {
        self.pending.insert(token, (pending, deadline));
    }

    /// When the next handshake times out, if any is under way.
    pub(in crate::net) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some((_, token)) = self.deadlines.front() {
            if self.pending.contains_key(token) {
                break;
            }
            self.deadlines.pop_front();
        }
        self.deadlines.front().map(|(at, _)| *at)
    }

    /// Drops the oldest handshake to make room for a new one; a few a
    /// second say so, the others are counted into the next. Its peer, whose
    /// place the caller gives back.
    pub(in crate::net) fn push_out_oldest(
        &mut self,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Option<SocketAddr> {
        let handshaking = self.pending.len();
        while let Some((_, token)) = self.deadlines.pop_front() {
            let Some((mut pending, _)) = self.pending.remove(&token) else {
                continue;
            };
            if let (Some(unshown), _) = self.pushed_out_rows.count() {
                outbox.emit(pending.dropped_event(Dropped::PushedOut {
                    handshaking,
                    unshown,
                }));
            }
            pending.shut(registry);
            return Some(pending.peer());
        }
        None
    }

    /// Drops the handshakes that took longer than the timeout, saying so;
    /// their peers, whose places the caller gives back.
    pub(in crate::net) fn drop_late(
        &mut self,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Vec<SocketAddr> {
        let now = Instant::now();
        let mut peers = Vec::new();
        while let Some(&(at, token)) = self.deadlines.front() {
            if at > now {
                break;
            }
            self.deadlines.pop_front();
            if let Some((mut pending, _)) = self.pending.remove(&token) {
                outbox.emit(pending.dropped_event(Dropped::TimedOut(self.timeout)));
                pending.shut(registry);
                peers.push(pending.peer());
            }
        }
        peers
    }

    /// Closes every handshake under way without a word (the server
    /// closes).
    pub(in crate::net) fn close_all(&mut self, registry: &Registry) {
        for (_, (mut pending, _)) in self.pending.drain() {
            pending.shut(registry);
        }
        self.deadlines.clear();
    }
}

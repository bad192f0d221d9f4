//! A server's client table: who is connected, under which limits (max
//! clients, per address, idle timeout, bytes held for unfinished
//! messages), who is read again without a readiness event, and who is
//! dropped when. The same table serves the TCP, TLS and WebSocket servers.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::super::rows::ShownPerSecond;
use super::super::wire::{Conn, ConnSet};
use super::super::{CloseReason, Event, Outbox, SessionError, Target};
use netassist_core::address::AddressCounts;

/// How often, at most, clients are checked for idleness: a quarter of the
/// timeout, so a client is dropped at most a quarter late, within these
/// bounds (a check walks every client).
const IDLE_CHECK_MIN: Duration = Duration::from_millis(10);
const IDLE_CHECK_MAX: Duration = Duration::from_secs(1);

/// Rows a second that say a client was dropped for holding too much; the
/// others are counted into the next one shown.
const HELD_ROWS_PER_SEC: u32 = 4;

/// The limits a server keeps its clients under.
#[derive(Debug, Clone, Copy)]
pub(in crate::net) struct ClientLimits {
    /// Clients and handshakes under way together.
    pub max_clients: usize,
    /// Places per source (IPv4 address, IPv6 /64), handshakes included.
    pub max_clients_per_ip: Option<usize>,
    pub idle_timeout: Option<Duration>,
    /// What all clients may hold together for messages not finished yet.
    pub max_held: usize,
}

pub(in crate::net) struct ClientTable<C> {
    pub(in crate::net) clients: HashMap<Token, C>,
    by_peer: HashMap<SocketAddr, Token>,
    next_token: usize,
    limits: ClientLimits,
    per_address: AddressCounts,
    /// When each client last sent something or took some of what was
    /// queued for it, kept only with an idle timeout.
    last_active: HashMap<Token, Instant>,
    next_idle_check: Option<Instant>,
    /// Clients that finished sending (half-close) and are closed once what
    /// is queued for them is sent.
    finished: HashSet<Token>,
    /// Clients whose closing handshake is under way.
    closing: HashSet<Token>,
    /// Clients to read again without a readiness event: stopped for the
    /// front end, or after their share of a pass.
    revisit: Vec<Token>,
    /// The sum of the clients' [`Conn::held`].
    held: usize,
    held_rows: ShownPerSecond,
    /// Clients wait in the listen backlog because too many events wait for
    /// the front end ([`crate::net::MAX_EVENTS_WAITING`]).
    accept_paused: bool,
    pub(in crate::net) registry: Registry,
}

impl<C: Conn> ClientTable<C> {
    pub(in crate::net) fn new(limits: ClientLimits, registry: Registry) -> ClientTable<C> {
        let limits = ClientLimits {
            max_clients: limits.max_clients.max(1),
            ..limits
        };
        ClientTable {
            clients: HashMap::new(),
            by_peer: HashMap::new(),
            next_token: 1,
            per_address: AddressCounts::new(limits.max_clients_per_ip),
            limits,
            last_active: HashMap::new(),
            next_idle_check: None,
            finished: HashSet::new(),
            closing: HashSet::new(),
            revisit: Vec::new(),
            held: 0,
            held_rows: ShownPerSecond::new(HELD_ROWS_PER_SEC),
            accept_paused: false,
            registry,
        }
    }

    pub(in crate::net) fn max_clients(&self) -> usize {
        self.limits.max_clients
    }

    /// Whether `ip`'s source may hold one more place.
    pub(in crate::net) fn admits(&self, ip: IpAddr) -> bool {
        self.per_address.admits(ip)
    }

    /// Stops accepting while the front end is far behind; true when
    /// paused.
    pub(in crate::net) fn pause_accepting(&mut self, outbox: &Outbox) -> bool {
        self.accept_paused = outbox.crowded();
        self.accept_paused
    }

    pub(in crate::net) fn accept_paused(&self) -> bool {
        self.accept_paused
    }

    /// Admits a new connection under the limits (`handshaking`: places
    /// held by handshakes under way) and watches its socket: its token, or
    /// `None` when it was refused (and why was said).
    pub(in crate::net) fn admit(
        &mut self,
        stream: &mut TcpStream,
        peer: SocketAddr,
        handshaking: usize,
        interest: Interest,
        outbox: &Outbox,
    ) -> Option<Token> {
        let refused = if self.clients.len() + handshaking >= self.limits.max_clients {
            Some(CloseReason::TooManyClients)
        } else if !self.per_address.admits(peer.ip()) {
            Some(CloseReason::TooManyFromAddress)
        } else {
            None
        };
        if let Some(reason) = refused {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            outbox.emit(Event::Disconnected { peer, reason });
            return None;
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        if let Err(e) = self.registry.register(stream, token, interest) {
            outbox.emit(Event::Error(SessionError::io("cannot watch a client", &e)));
            return None;
        }
        let _ = stream.set_nodelay(true);
        self.per_address.add(peer.ip());
        Some(token)
    }

    /// Gives back a place in the per-address count.
    pub(in crate::net) fn release_address(&mut self, peer: SocketAddr) {
        self.per_address.remove(peer.ip());
    }

    /// A connection becomes a client (its address holds its place already).
    pub(in crate::net) fn insert(&mut self, token: Token, client: C) {
        self.by_peer.insert(client.peer(), token);
        self.held = self.held.saturating_add(client.held());
        self.clients.insert(token, client);
        self.touch(token);
    }

    /// Takes a client out of the table and every list; its address's place
    /// goes back.
    pub(in crate::net) fn remove(&mut self, token: Token) -> Option<C> {
        let client = self.clients.remove(&token)?;
        self.by_peer.remove(&client.peer());
        self.finished.remove(&token);
        self.closing.remove(&token);
        self.last_active.remove(&token);
        self.held = self.held.saturating_sub(client.held());
        self.per_address.remove(client.peer().ip());
        Some(client)
    }

    /// The client a peer address names.
    pub(in crate::net) fn token_of(&self, peer: SocketAddr) -> Option<Token> {
        self.by_peer.get(&peer).copied()
    }

    /// Notes that a client sent something or took some of its queue, for
    /// the idle timeout.
    pub(in crate::net) fn touch(&mut self, token: Token) {
        if let Some(timeout) = self.limits.idle_timeout {
            let now = Instant::now();
            self.last_active.insert(token, now);
            if self.next_idle_check.is_none() {
                self.next_idle_check = Some(now + idle_check_interval(timeout));
            }
        }
    }

    /// Notes what a read of a client left: what it holds now, whether it
    /// started closing, whether it is to be read again.
    pub(in crate::net) fn after_read(&mut self, token: Token, held_before: usize) {
        let Some(client) = self.clients.get(&token) else {
            return;
        };
        self.held = self
            .held
            .saturating_sub(held_before)
            .saturating_add(client.held());
        if client.is_closing() {
            self.closing.insert(token);
        }
        if client.read_paused() || client.more_to_read() {
            self.revisit.push(token);
        }
    }

    /// A client finished sending (FIN): it is shown, and kept until what
    /// is queued for it is sent.
    pub(in crate::net) fn peer_finished(&mut self, token: Token, outbox: &Outbox) {
        if let Some(client) = self.clients.get(&token)
            && self.finished.insert(token)
        {
            outbox.emit(Event::PeerFinished {
                peer: client.peer(),
            });
        }
    }

    /// Whether a client finished sending.
    pub(in crate::net) fn finished(&self, token: Token) -> bool {
        self.finished.contains(&token)
    }

    /// When the clients together hold more than the budget: the one that
    /// holds the most, the budget, and whether a row is due (with how many
    /// went unshown before it).
    pub(in crate::net) fn over_held_budget(&mut self) -> Option<(Token, usize, Option<u64>)> {
        if self.held <= self.limits.max_held {
            return None;
        }
        let (&token, _) = self
            .clients
            .iter()
            .max_by_key(|(_, client)| client.held())?;
        Some((token, self.limits.max_held, self.held_rows.count().0))
    }

    /// Whether a client is to be read again at once.
    pub(in crate::net) fn may_read_again(&self, outbox: &Outbox) -> bool {
        let resume = outbox.may_resume_reading();
        self.revisit.iter().any(|token| {
            self.clients
                .get(token)
                .is_some_and(|client| client.more_to_read() || (client.read_paused() && resume))
        })
    }

    /// The clients to read again now, each once; those still waiting for
    /// the front end stay listed.
    pub(in crate::net) fn take_revisits(&mut self, outbox: &Outbox) -> Vec<Token> {
        if self.revisit.is_empty() {
            return Vec::new();
        }
        let resume = outbox.may_resume_reading();
        let mut seen = HashSet::new();
        let mut now = Vec::new();
        for token in std::mem::take(&mut self.revisit) {
            let Some(client) = self.clients.get(&token) else {
                continue;
            };
            if !seen.insert(token) {
                continue;
            }
            if client.more_to_read() || (client.read_paused() && resume) {
                now.push(token);
            } else if client.read_paused() {
                self.revisit.push(token);
            }
        }
        now
    }

    /// The table's next deadline: a closing handshake's end, an idle check.
    pub(in crate::net) fn next_deadline(&self) -> Option<Instant> {
        self.closing
            .iter()
            .filter_map(|token| Some(self.clients.get(token)?.close_deadline()?.0))
            .chain(self.next_idle_check)
            .min()
    }

    /// The clients to drop now, and why: closes that waited long enough,
    /// clients that finished sending and were sent everything, and idle
    /// clients when a check is due.
    pub(in crate::net) fn due_to_drop(&mut self) -> Vec<(Token, CloseReason)> {
        let now = Instant::now();
        let mut due: Vec<(Token, CloseReason)> = self
            .closing
            .iter()
            .filter_map(|token| {
                let (at, reason) = self.clients.get(token)?.close_deadline()?;
                (now >= at).then_some((*token, reason))
            })
            .collect();
        due.extend(
            self.finished
                .iter()
                .filter(|token| self.clients.get(token).is_none_or(|c| c.queued() == 0))
                .map(|token| (*token, CloseReason::ClosedByPeer)),
        );
        if let (Some(timeout), Some(check)) = (self.limits.idle_timeout, self.next_idle_check)
            && now >= check
        {
            due.extend(
                self.last_active
                    .iter()
                    .filter(|(_, at)| now.duration_since(**at) >= timeout)
                    .map(|(token, _)| (*token, CloseReason::Idle)),
            );
            self.next_idle_check =
                (!self.last_active.is_empty()).then(|| now + idle_check_interval(timeout));
        }
        due
    }

    /// What waits for the clients' sockets, all together.
    pub(in crate::net) fn queued(&self) -> usize {
        self.clients.values().map(Conn::queued).sum()
    }

    /// The clients a target means now; `None` when it means none (and why
    /// was said): `Default` is every client, and a peer that is not a
    /// client is said.
    pub(in crate::net) fn target_tokens(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        let tokens: Vec<Token> = match to {
            Target::Default => self.clients.keys().copied().collect(),
            Target::Peers(peers) => {
                let mut tokens = Vec::with_capacity(peers.len());
                for peer in peers {
                    match self.by_peer.get(&peer) {
                        Some(token) => tokens.push(*token),
                        None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
                    }
                }
                tokens
            }
        };
        if tokens.is_empty() {
            if self.clients.is_empty() {
                outbox.emit(Event::Error(SessionError::NoClients));
            }
            return None;
        }
        Some(tokens)
    }
}

/// The table as what a wire's own commands reach.
impl<C: Conn> ConnSet<C> for ClientTable<C> {
    fn targets(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        self.target_tokens(to, outbox)
    }

    fn conn_mut(&mut self, token: Token) -> Option<(&mut C, &Registry)> {
        Some((self.clients.get_mut(&token)?, &self.registry))
    }

    fn closing(&mut self, token: Token) {
        self.closing.insert(token);
    }
}

/// How often clients are checked against an idle timeout.
fn idle_check_interval(timeout: Duration) -> Duration {
    (timeout / 4).clamp(IDLE_CHECK_MIN, IDLE_CHECK_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client as the table sees it, with what it holds and queues set
    /// by the test.
    struct Fake {
        peer: SocketAddr,
        held: usize,
        queued: usize,
        closes_at: Option<(Instant, CloseReason)>,
    }

    impl Conn for Fake {
        const HALF_CLOSES: bool = true;

        fn peer(&self) -> SocketAddr {
            self.peer
        }
        fn queued(&self) -> usize {
            self.queued
        }
        fn held(&self) -> usize {
            self.held
        }
        fn read_paused(&self) -> bool {
            false
        }
        fn close_deadline(&self) -> Option<(Instant, CloseReason)> {
            self.closes_at
        }
        fn is_closing(&self) -> bool {
            self.closes_at.is_some()
        }
        fn read(
            &mut self,
            _buf: &mut [u8],
            _outbox: &Outbox,
            _registry: &Registry,
            _sink: &mut dyn crate::net::wire::ReadSink,
        ) -> Option<CloseReason> {
            None
        }
        fn flush(&mut self, _registry: &Registry) -> std::io::Result<()> {
            Ok(())
        }
        fn close(&mut self, _registry: &Registry) {}
    }

    fn fake(n: u16, held: usize) -> Fake {
        Fake {
            peer: SocketAddr::from(([127, 0, 0, 1], 5000 + n)),
            held,
            queued: 0,
            closes_at: None,
        }
    }

    fn table(max_held: usize) -> ClientTable<Fake> {
        let poll = mio::Poll::new().unwrap();
        let limits = ClientLimits {
            max_clients: 64,
            max_clients_per_ip: None,
            idle_timeout: None,
            max_held,
        };
        ClientTable::new(limits, poll.registry().try_clone().unwrap())
    }

    #[test]
    fn past_the_held_budget_the_largest_holders_go_first_and_a_few_rows_a_second_say_so() {
        let mut table = table(100);
        for n in 0..10 {
            table.insert(Token(n as usize + 1), fake(n, 20 + n as usize));
        }
        let mut dropped = Vec::new();
        let mut rows = Vec::new();
        while let Some((token, budget, shown)) = table.over_held_budget() {
            assert_eq!(budget, 100);
            let client = table.remove(token).unwrap();
            dropped.push(client.held);
            rows.push(shown);
        }
        // 245 held: dropping 29, 28, 27, 26, 25 leaves 110, and 24 more
        // brings it under the budget.
        assert_eq!(dropped, [29, 28, 27, 26, 25, 24]);
        assert_eq!(table.held, 86);
        assert_eq!(
            rows,
            [Some(0), Some(0), Some(0), Some(0), None, None],
            "four rows a second; the others are counted into the next"
        );
    }

    #[test]
    fn a_client_is_dropped_when_it_finished_and_was_sent_everything_or_its_close_waited_enough() {
        let (outbox, _events) = Outbox::for_tests();
        let mut table = table(usize::MAX);
        let mut sending = fake(1, 0);
        sending.queued = 10;
        table.insert(Token(1), sending);
        table.insert(Token(2), fake(2, 0));
        let mut closing = fake(3, 0);
        closing.closes_at = Some((Instant::now(), CloseReason::ClosedByPeer));
        table.insert(Token(3), closing);
        table.after_read(Token(3), 0);
        table.peer_finished(Token(1), &outbox);
        table.peer_finished(Token(2), &outbox);
        let mut due = table.due_to_drop();
        due.sort_by_key(|(token, _)| token.0);
        assert_eq!(
            due,
            [
                (Token(2), CloseReason::ClosedByPeer),
                (Token(3), CloseReason::ClosedByPeer)
            ],
            "the client still being sent to stays"
        );
        table.clients.get_mut(&Token(1)).unwrap().queued = 0;
        assert!(
            table
                .due_to_drop()
                .contains(&(Token(1), CloseReason::ClosedByPeer))
        );
    }
}

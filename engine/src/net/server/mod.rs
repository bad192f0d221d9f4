//! Every server session that accepts connections (TCP, TLS, WebSocket and
//! wss) is one loop over one client table: written once here, with what
//! differs between them supplied by a [`ServerKind`] (how a new connection
//! starts: a client at once, or a handshake) and its
//! [`Wire`](super::wire::Wire) (how a message is sent, how a file is fed,
//! the wire's own commands), which the clients' loop shares.
//!
//! The loop ([`serve`]) waits on the poller for the listener, the clients
//! and the session's deadlines (handshakes, idle checks, closes, a paused
//! listener); reads into the session core's inbox; serves commands; and
//! expires what is due. The table (`table.rs`) holds the clients, their
//! limits (max clients, per address with TFTP's address key, idle) and
//! what they hold; `handshakes.rs` the connections still in their
//! handshake, under a cap of their own; `transport.rs` is the table as the
//! session core's [`Transport`](super::session_core::Transport).

mod handshakes;
mod kind;
mod listen;
mod table;
mod transport;

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Token};

use super::outbox::WAKE_TOKEN;
use super::session_core::{Flow, Inbox, SessionCore};
use super::wire::{Conn, IntoInbox, Wire};
use super::{Answers, CloseReason, Event, Outbox, SessionError, WorkerContext};
use crate::clock::{now_us, us_to_ms};
use crate::conn::ConnTag;
use crate::text::Framing;
pub(super) use handshakes::{Dropped, Handshakes};
pub(super) use kind::{ConnOf, Pending, ServerKind, Started, Step};
use listen::listen;
pub(super) use table::{ClientLimits, ClientTable};

const LISTENER: Token = Token(0);
/// How often a listener paused for a front end that is behind looks again:
/// nothing wakes this thread when the front end takes events.
const ACCEPT_RETRY: Duration = Duration::from_millis(20);
/// What one read of a client's socket takes at most.
const READ_BUFFER_BYTES: usize = 64 << 10;

/// A server session's state: how it starts connections, its wire, its
/// clients, its handshakes.
pub(in crate::net) struct Server<K: ServerKind> {
    pub(in crate::net) starter: K,
    pub(in crate::net) wire: K::Wire,
    pub(in crate::net) table: ClientTable<ConnOf<K>>,
    pub(in crate::net) handshakes: Handshakes<K::Pending>,
}

/// What a server is given to run.
pub(in crate::net) struct ServerSetup {
    pub local: SocketAddr,
    pub limits: ClientLimits,
    pub framing: Framing,
    pub handshake_timeout: Duration,
    /// Said right after `Opened` (a TLS server's certificate).
    pub opened_with: Option<Event>,
}

/// Runs a server session until it is closed: the one loop of every server.
pub(in crate::net) fn serve<K: ServerKind>(
    starter: K,
    wire: K::Wire,
    setup: ServerSetup,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    let std_listener = listen(setup.local)?;
    let local = std_listener
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the bound address", &e))?;
    let mut listener = TcpListener::from_std(std_listener);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    let registry = poll
        .registry()
        .try_clone()
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    outbox.emit(Event::Opened { local });
    if let Some(event) = setup.opened_with {
        outbox.emit(event);
    }
    let mut server = Server {
        starter,
        wire,
        table: ClientTable::new(setup.limits, registry),
        handshakes: Handshakes::new(setup.handshake_timeout),
    };
    let mut core = SessionCore::new(Inbox::new(answers, local, setup.framing));
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    loop {
        let timeout = core.poll_timeout(server.next_wake(&outbox));
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for sockets failed", &e));
        }
        // Commands first: one sent before a peer's bytes arrived (a receive
        // file, auto-reply rules) applies to them.
        while let Ok(command) = commands.try_recv() {
            if core.command(command, &mut server, &outbox) == Flow::Close {
                return Ok(());
            }
        }
        if server.table.accept_paused() && !outbox.crowded() {
            server.accept_all(&mut listener, &mut buf, &mut core.inbox, &outbox);
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(&mut listener, &mut buf, &mut core.inbox, &outbox),
                WAKE_TOKEN => {}
                token if server.handshakes.contains(token) => {
                    server.advance_handshake(token, &mut buf, &mut core.inbox, &outbox);
                }
                token => {
                    let readable =
                        event.is_readable() || event.is_read_closed() || event.is_error();
                    server.client_ready(
                        token,
                        event.is_writable(),
                        readable,
                        &mut buf,
                        &mut core.inbox,
                        &outbox,
                    );
                }
            }
        }
        server.read_again(&mut buf, &mut core.inbox, &outbox);
        core.after_reading(&mut server, &outbox);
        core.run_due(&mut server, &outbox);
        server.expire(&mut core.inbox, &outbox);
        outbox.set_send_queue(server.table.queued());
    }
}

impl<K: ServerKind> Server<K> {
    /// How long the poller may wait for the server's own deadlines:
    /// handshakes, closes, idle checks, a paused listener, clients to read
    /// again.
    fn next_wake(&mut self, outbox: &Outbox) -> Option<Duration> {
        if self.table.may_read_again(outbox) {
            return Some(Duration::ZERO);
        }
        let now = Instant::now();
        let deadline = [self.handshakes.next_deadline(), self.table.next_deadline()]
            .into_iter()
            .flatten()
            .min();
        let mut wait = deadline.map(|at| at.saturating_duration_since(now));
        if self.table.accept_paused() {
            wait = Some(wait.map_or(ACCEPT_RETRY, |wait| wait.min(ACCEPT_RETRY)));
        }
        wait
    }

    /// Accepts every connection waiting, under the limits. A connection
    /// with a handshake has it taken one step at once: a real client sent
    /// its hello right after connecting, and is answered before the
    /// connections accepted after it could push it out.
    fn accept_all(
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
            if self.table.pause_accepting(outbox) {
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
            // oldest, not the limit nor the clients that finish theirs (for
            // a newcomer its address lets in).
            if self.handshakes.full(self.table.max_clients())
                && self.table.admits(peer.ip())
                && let Some(pushed) = self
                    .handshakes
                    .push_out_oldest(&self.table.registry, outbox)
            {
                self.table.release_address(pushed);
            }
            let Some(token) = self.table.admit(
                &mut stream,
                peer,
                self.handshakes.len(),
                K::START_INTEREST,
                outbox,
            ) else {
                continue;
            };
            let local = stream.local_addr().unwrap_or(peer);
            match self.starter.start(stream, peer, local, token, outbox) {
                Some(Started::Client(client)) => {
                    self.become_client(token, client, local, None, buf, inbox, outbox);
                }
                Some(Started::Handshake(pending)) => {
                    self.handshakes.insert(token, pending);
                    self.advance_handshake(token, buf, inbox, outbox);
                }
                None => self.table.release_address(peer),
            }
        }
    }

    /// Takes a handshake one step: done (the connection joins the table),
    /// failed (its address's place goes back), or still waiting.
    fn advance_handshake(
        &mut self,
        token: Token,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let Some((pending, deadline)) = self.handshakes.take(token) else {
            return;
        };
        let peer = pending.peer();
        match pending.advance(token, &self.table.registry, outbox) {
            Step::Waiting(pending) => self.handshakes.put_back(token, pending, deadline),
            Step::Done { conn, local, then } => {
                self.become_client(token, conn, local, then, buf, inbox, outbox)
            }
            Step::Failed => self.table.release_address(peer),
        }
    }

    /// A connection becomes a client: `Connected` (and what its kind says
    /// then), and what it sent already is read, since the poller will not
    /// report it again.
    #[allow(clippy::too_many_arguments)]
    fn become_client(
        &mut self,
        token: Token,
        mut client: ConnOf<K>,
        local: SocketAddr,
        then: Option<Event>,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let peer = client.peer();
        let at_us = now_us();
        client.opened_at(at_us);
        self.table.insert(token, client);
        outbox.emit(Event::Connected {
            peer,
            local,
            at_ms: us_to_ms(at_us),
            conn: tag(token),
        });
        if let Some(event) = then {
            outbox.emit(event);
        }
        self.read_client(token, buf, inbox, outbox);
    }

    /// A client's socket is ready: writes what waits for it, then reads
    /// (a client left unread while the front end was behind waits for it
    /// to catch up, in its turn).
    fn client_ready(
        &mut self,
        token: Token,
        writable: bool,
        readable: bool,
        buf: &mut [u8],
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let registry = &self.table.registry;
        let Some(client) = self.table.clients.get_mut(&token) else {
            return;
        };
        let queued_before = client.queued();
        let flushed = if writable {
            client.flush(registry)
        } else {
            Ok(())
        };
        let progressed = client.queued() < queued_before;
        let peer = client.peer();
        let resumable = !client.read_paused() || outbox.may_resume_reading();
        if let Err(e) = flushed {
            // A client that finished sending and then went away altogether
            // has left as clients do; the reset says what it did not take.
            if !self.table.finished(token) {
                outbox.emit(Event::Error(SessionError::Send {
                    peer,
                    reason: e.to_string(),
                }));
            }
            self.drop_client(token, CloseReason::Reset, inbox, outbox);
            return;
        }
        if progressed {
            self.table.touch(token);
        }
        if readable && resumable {
            self.read_client(token, buf, inbox, outbox);
        }
    }

    /// Reads a client while the front end keeps up; a TCP client that only
    /// finished sending is kept until its replies are sent, any other end
    /// drops it.
    fn read_client(&mut self, token: Token, buf: &mut [u8], inbox: &mut Inbox, outbox: &Outbox) {
        let registry = &self.table.registry;
        let Some(client) = self.table.clients.get_mut(&token) else {
            return;
        };
        let peer = client.peer();
        let held_before = client.held();
        let mut sink = IntoInbox {
            inbox,
            outbox,
            peer,
            conn: tag(token),
        };
        let ended = client.read(buf, outbox, registry, &mut sink);
        self.table.after_read(token, held_before);
        match ended {
            None => self.table.touch(token),
            Some(CloseReason::ClosedByPeer) if ConnOf::<K>::HALF_CLOSES => {
                // A client that only finished sending still reads: its last
                // message may still be answered.
                inbox.peer_ended(peer, true, outbox);
                inbox.flush(outbox);
                for (peer, reply) in inbox.take_replies() {
                    transport::reply(self, peer, reply, inbox, outbox);
                }
                self.table.peer_finished(token, outbox);
            }
            Some(reason) => self.drop_client(token, reason, inbox, outbox),
        }
        self.keep_held_under_budget(inbox, outbox);
    }

    /// While the clients together hold more than the budget for messages
    /// not finished yet, the one holding the most is told why and dropped
    /// at once: waiting for its close handshake would keep what it holds.
    /// A few a second say so in a row of their own.
    fn keep_held_under_budget(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        while let Some((token, budget, shown)) = self.table.over_held_budget() {
            if let Some(client) = self.table.clients.get_mut(&token) {
                self.wire.refuse_held(client, budget, shown, outbox);
            }
            self.drop_client(token, CloseReason::Local, inbox, outbox);
        }
    }

    /// Reads the clients that stopped early, once they may go on.
    fn read_again(&mut self, buf: &mut [u8], inbox: &mut Inbox, outbox: &Outbox) {
        for token in self.table.take_revisits(outbox) {
            self.read_client(token, buf, inbox, outbox);
        }
    }

    /// Drops a client; what it was still sent is flushed when we close it,
    /// and what its framer held is handed over first, as its last message.
    pub(in crate::net) fn drop_client(
        &mut self,
        token: Token,
        reason: CloseReason,
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let Some(mut client) = self.table.remove(token) else {
            return;
        };
        let registry = &self.table.registry;
        if reason == CloseReason::Local {
            let _ = client.flush(registry);
        }
        client.close(registry);
        let peer = client.peer();
        inbox.peer_ended(peer, false, outbox);
        inbox.flush(outbox);
        outbox.emit(Event::Disconnected { peer, reason });
    }

    /// Drops what is past due: handshakes past their timeout, closes that
    /// waited long enough, clients that finished and were sent everything,
    /// and idle clients when a check is due.
    fn expire(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        for peer in self.handshakes.drop_late(&self.table.registry, outbox) {
            self.table.release_address(peer);
        }
        for (token, reason) in self.table.due_to_drop() {
            self.drop_client(token, reason, inbox, outbox);
        }
    }
}

/// The tag of a server's client: its token, which no other client of the
/// session is given.
fn tag(token: Token) -> ConnTag {
    ConnTag::only(u32::try_from(token.0).unwrap_or(u32::MAX))
}

//! A TCP server session: one thread and one poller for the listener and
//! every client, so thousands of clients cost no threads.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::conn::{Batch, Connection};
use super::file_send::{self, FileSend};
use super::looper::{self, LoopSend};
use super::outbox::WAKE_TOKEN;
use super::responder::{self, Responder};
use super::{
    Answers, CloseReason, Command, Event, Outbox, SessionError, Target, TcpServerConfig,
    WorkerContext,
};
use crate::clock::now_ms;

const LISTENER: Token = Token(0);
const READ_BUFFER_BYTES: usize = 64 << 10;
const BACKLOG: i32 = 1024;
/// How often a listener paused for a front end that is behind looks again.
const ACCEPT_RETRY: Duration = Duration::from_millis(20);

/// Listens as the user asked: `[::]` accepts IPv4 clients too.
fn listen(local: SocketAddr) -> Result<std::net::TcpListener, SessionError> {
    let socket = Socket::new(
        Domain::for_address(local),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .map_err(|e| SessionError::bind(local, &e))?;
    if local.is_ipv6() {
        let _ = socket.set_only_v6(false);
    }
    // On Unix this lets a restarted server reuse a port whose old
    // connections linger in TIME_WAIT; on Windows the same option would let
    // two servers share a port, so it stays off there.
    #[cfg(not(windows))]
    let _ = socket.set_reuse_address(true);
    socket
        .bind(&local.into())
        .map_err(|e| SessionError::bind(local, &e))?;
    socket
        .listen(BACKLOG)
        .map_err(|e| SessionError::bind(local, &e))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| SessionError::io("cannot configure the socket", &e))?;
    Ok(socket.into())
}

/// How often, at most, clients are checked for idleness: a quarter of the
/// timeout, so a client is dropped at most a quarter late, within these
/// bounds (a check walks every client).
const IDLE_CHECK_MIN: Duration = Duration::from_millis(10);
const IDLE_CHECK_MAX: Duration = Duration::from_secs(1);

struct Server {
    clients: HashMap<Token, Connection>,
    by_peer: HashMap<SocketAddr, Token>,
    next_token: usize,
    max_clients: usize,
    /// Clients per IP address, kept only with a per-address limit.
    max_clients_per_ip: Option<usize>,
    per_ip: HashMap<IpAddr, usize>,
    /// When each client last sent something or took some of what was
    /// queued for it, kept only with an idle timeout.
    idle_timeout: Option<Duration>,
    last_active: HashMap<Token, Instant>,
    next_idle_check: Option<Instant>,
    /// Clients that finished sending (half-close) and are closed once
    /// what is queued for them is sent.
    finished: HashSet<Token>,
    /// Clients whose reading stopped because the front end was behind, in
    /// the order they stopped.
    paused: Vec<Token>,
    /// Clients wait in the listen backlog because too many events wait for
    /// the front end ([`crate::net::MAX_EVENTS_WAITING`]); they are accepted
    /// once it has taken some.
    accept_paused: bool,
}

/// What reading a client needs besides the server.
struct Reader<'a> {
    buf: &'a mut [u8],
    batch: &'a mut Batch,
    responder: &'a mut Responder,
    replies: &'a mut Vec<(Token, Vec<u8>)>,
}

pub fn run(
    config: TcpServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    let std_listener = listen(config.local)?;
    let local = std_listener
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the bound address", &e))?;
    let mut listener = TcpListener::from_std(std_listener);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    outbox.emit(Event::Opened { local });

    let mut server = Server {
        clients: HashMap::new(),
        by_peer: HashMap::new(),
        next_token: 1,
        max_clients: config.max_clients.max(1),
        max_clients_per_ip: config.max_clients_per_ip.map(|n| n.max(1)),
        per_ip: HashMap::new(),
        idle_timeout: config.idle_timeout,
        last_active: HashMap::new(),
        next_idle_check: None,
        finished: HashSet::new(),
        paused: Vec::new(),
        accept_paused: false,
    };
    let mut responder = Responder::new(answers, local);
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let mut batch = Batch::default();
    let mut looping: Option<LoopSend> = None;
    let mut replies: Vec<(Token, Vec<u8>)> = Vec::new();
    // The file being sent and the clients it goes to.
    let mut file: Option<FileSend> = None;
    let mut file_targets: Vec<Token> = Vec::new();
    let mut more_file = false;
    loop {
        let timeout = if more_file {
            Some(Duration::ZERO)
        } else {
            let timeout = looper::poll_timeout(&looping, Instant::now());
            let timeout = responder::earlier_timeout(timeout, responder.next_deadline());
            let timeout = responder::earlier_timeout(timeout, server.next_idle_check);
            // Nothing wakes this thread when the front end takes events, so
            // a paused listener looks again now and then.
            let accept_retry = server.accept_paused.then_some(ACCEPT_RETRY);
            match (timeout, accept_retry) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for sockets failed", &e));
        }
        if server.accept_paused && !outbox.crowded() {
            server.accept_all(&mut listener, &poll, &outbox);
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(&mut listener, &poll, &outbox),
                WAKE_TOKEN => {}
                token => {
                    let Some(conn) = server.clients.get_mut(&token) else {
                        continue;
                    };
                    let queued_before = conn.queued();
                    let flushed = if event.is_writable() {
                        conn.flush(poll.registry())
                    } else {
                        Ok(())
                    };
                    if conn.queued() < queued_before || event.is_readable() {
                        server.touch(token);
                    }
                    let Some(conn) = server.clients.get_mut(&token) else {
                        continue;
                    };
                    if let Err(e) = flushed {
                        // A client that finished sending and then went away
                        // altogether has left as clients do; the reset says
                        // what it did not take.
                        if !server.finished.contains(&token) {
                            outbox.emit(Event::Error(SessionError::Send {
                                peer: conn.peer,
                                reason: e.to_string(),
                            }));
                        }
                        server.drop_client(token, CloseReason::Reset, &poll, &outbox);
                        continue;
                    }
                    // A client left unread while the front end was behind
                    // waits for it to catch up, in its turn.
                    let listed = conn.read_paused();
                    let resumable = !listed || outbox.may_resume_reading();
                    if (event.is_readable() || event.is_read_closed() || event.is_error())
                        && resumable
                    {
                        let mut read = Reader {
                            buf: &mut buf,
                            batch: &mut batch,
                            responder: &mut responder,
                            replies: &mut replies,
                        };
                        server.read_client(token, listed, &mut read, &poll, &outbox);
                    }
                }
            }
        }
        // Clients left unread while the front end was behind are read again
        // once it caught up (the release wakes this thread): their
        // readiness was reported once and will not be again.
        if !server.paused.is_empty() && outbox.may_resume_reading() {
            // A client read to the end by an event and stopped again since
            // is listed twice; it is read once.
            let mut seen = HashSet::new();
            for token in std::mem::take(&mut server.paused) {
                let still_paused = server
                    .clients
                    .get(&token)
                    .is_some_and(Connection::read_paused);
                if !still_paused || !seen.insert(token) {
                    continue;
                }
                let mut read = Reader {
                    buf: &mut buf,
                    batch: &mut batch,
                    responder: &mut responder,
                    replies: &mut replies,
                };
                server.read_client(token, false, &mut read, &poll, &outbox);
            }
        }
        batch.flush(&outbox);
        server.reply_all(&mut replies, &poll, &outbox);
        responder.tick(&outbox);
        while let Ok(command) = commands.try_recv() {
            let Some(command) = looper::apply_command(&mut looping, command, &outbox) else {
                continue;
            };
            match command {
                Command::Send { to, bytes } => {
                    server.send(to, bytes, &poll, &outbox);
                }
                Command::Disconnect(peer) => match server.by_peer.get(&peer).copied() {
                    Some(token) => server.drop_client(token, CloseReason::Local, &poll, &outbox),
                    None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
                },
                Command::SetRemote(_)
                | Command::SetReplyToLastSender(_)
                | Command::CancelTransfer(_)
                | Command::JoinGroup(_)
                | Command::LeaveGroup(_) => {
                    outbox.emit(Event::Error(SessionError::Unsupported));
                }
                Command::SetAutoReply(rules) => responder.set_rules(rules),
                Command::SendFile {
                    to,
                    path,
                    datagram_bytes,
                } => {
                    if file.is_some() {
                        outbox.emit(Event::Error(SessionError::FileBusy));
                    } else if let Some(tokens) = server.target_tokens(to, &outbox) {
                        file_send::start(&mut file, &path, datagram_bytes, &outbox);
                        file_targets = tokens;
                    }
                }
                Command::SetRxFile(spec) => outbox.set_rx_file(spec),
                Command::CancelFile => file_send::cancel(&mut file, &outbox),
                Command::Close => {
                    file_send::interrupt(&mut file, &outbox);
                    let tokens: Vec<Token> = server.clients.keys().copied().collect();
                    for token in tokens {
                        server.drop_client(token, CloseReason::Local, &poll, &outbox);
                    }
                    return Ok(());
                }
                Command::StartLoop { .. } | Command::StopLoop => {}
            }
        }
        looper::run_due(&mut looping, &outbox, |to, bytes| {
            server.send(to, bytes, &poll, &outbox)
        });
        more_file = false;
        if let Some(active) = &mut file {
            // Clients that left are dropped from the targets; the file goes
            // on to the others, and ends when none is left.
            let mut targets: Vec<&mut Connection> = server
                .clients
                .iter_mut()
                .filter(|(token, _)| file_targets.contains(token))
                .map(|(_, conn)| conn)
                .collect();
            let outcome = if targets.is_empty() {
                Err(SessionError::FileInterrupted)
            } else {
                active.pump_tcp(&mut targets, poll.registry(), &outbox)
            };
            more_file = file_send::settle(&mut file, outcome, &outbox);
        }
        server.close_finished(&poll, &outbox);
        server.drop_idle(&poll, &outbox);
        outbox.set_send_queue(server.clients.values().map(Connection::queued).sum());
    }
}

impl Server {
    /// Reads what a client sent while the front end keeps up (see
    /// `Connection::read_available`); drops the client when it closed. A
    /// client that stops for the front end joins `paused` unless `listed`
    /// says it is there already.
    fn read_client(
        &mut self,
        token: Token,
        listed: bool,
        read: &mut Reader,
        poll: &mio::Poll,
        outbox: &Outbox,
    ) {
        let Some(conn) = self.clients.get_mut(&token) else {
            return;
        };
        let peer = conn.peer;
        let Reader {
            buf,
            batch,
            responder,
            replies,
        } = read;
        let closed = conn.read_available(buf, batch, outbox, &mut |b| {
            if let Some(reply) = responder.answer(peer, b, outbox) {
                replies.push((token, reply));
            }
        });
        if conn.read_paused() && !listed {
            self.paused.push(token);
        }
        if let Some(reason) = closed {
            batch.flush(outbox);
            self.reply_all(replies, poll, outbox);
            if reason == CloseReason::ClosedByPeer {
                // Only its sending side may be closed: it is closed once
                // its replies are sent.
                self.peer_finished(token, outbox);
            } else {
                self.drop_client(token, reason, poll, outbox);
            }
        }
    }

    fn accept_all(&mut self, listener: &mut TcpListener, poll: &mio::Poll, outbox: &Outbox) {
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
            if self.clients.len() >= self.max_clients {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                outbox.emit(Event::Disconnected {
                    peer,
                    reason: CloseReason::TooManyClients,
                });
                continue;
            }
            let ip = peer.ip().to_canonical();
            if let Some(limit) = self.max_clients_per_ip
                && self.per_ip.get(&ip).copied().unwrap_or(0) >= limit
            {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                outbox.emit(Event::Disconnected {
                    peer,
                    reason: CloseReason::TooManyFromAddress,
                });
                continue;
            }
            let token = Token(self.next_token);
            self.next_token += 1;
            if let Err(e) = poll
                .registry()
                .register(&mut stream, token, Interest::READABLE)
            {
                outbox.emit(Event::Error(SessionError::io("cannot watch a client", &e)));
                continue;
            }
            let _ = stream.set_nodelay(true);
            let local = stream.local_addr().unwrap_or(peer);
            self.by_peer.insert(peer, token);
            if self.max_clients_per_ip.is_some() {
                *self.per_ip.entry(ip).or_insert(0) += 1;
            }
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

    fn drop_client(
        &mut self,
        token: Token,
        reason: CloseReason,
        poll: &mio::Poll,
        outbox: &Outbox,
    ) {
        if let Some(mut conn) = self.clients.remove(&token) {
            self.by_peer.remove(&conn.peer);
            self.finished.remove(&token);
            self.last_active.remove(&token);
            let ip = conn.peer.ip().to_canonical();
            if let Some(count) = self.per_ip.get_mut(&ip) {
                *count -= 1;
                if *count == 0 {
                    self.per_ip.remove(&ip);
                }
            }
            if reason == CloseReason::Local {
                let _ = conn.flush(poll.registry());
            }
            let peer = conn.peer;
            conn.close(poll.registry());
            outbox.emit(Event::Disconnected { peer, reason });
        }
    }

    /// Notes that a client sent something or took some of its queue, for
    /// the idle timeout.
    fn touch(&mut self, token: Token) {
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
    fn close_finished(&mut self, poll: &mio::Poll, outbox: &Outbox) {
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
            self.drop_client(token, CloseReason::ClosedByPeer, poll, outbox);
        }
    }

    /// Drops the clients that were idle for longer than the timeout, when
    /// a check is due.
    fn drop_idle(&mut self, poll: &mio::Poll, outbox: &Outbox) {
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
            self.drop_client(token, CloseReason::Idle, poll, outbox);
        }
        self.next_idle_check =
            (!self.last_active.is_empty()).then(|| now + idle_check_interval(timeout));
    }

    /// The clients a target means now; `None` when it means none (and
    /// why was reported).
    fn target_tokens(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
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

    /// Sends auto-replies to the clients whose chunks asked for them.
    fn reply_all(
        &mut self,
        replies: &mut Vec<(Token, Vec<u8>)>,
        poll: &mio::Poll,
        outbox: &Outbox,
    ) {
        for (token, reply) in replies.drain(..) {
            if let Some(peer) = self.clients.get(&token).map(|conn| conn.peer) {
                self.send(Target::Peers(vec![peer]), reply, poll, outbox);
            }
        }
    }

    /// Sends to the target clients; false when it reached none.
    fn send(&mut self, to: Target, bytes: Vec<u8>, poll: &mio::Poll, outbox: &Outbox) -> bool {
        let Some(tokens) = self.target_tokens(to, outbox) else {
            return false;
        };
        let mut sent_to = Vec::with_capacity(tokens.len());
        let mut failed = Vec::new();
        for token in tokens {
            let Some(conn) = self.clients.get_mut(&token) else {
                continue;
            };
            match conn.send(bytes.clone(), poll.registry()) {
                Ok(()) => sent_to.push(conn.peer),
                Err(e @ SessionError::QueueFull { .. }) => outbox.emit(Event::Error(e)),
                Err(e) => {
                    outbox.emit(Event::Error(e));
                    failed.push(token);
                }
            }
        }
        for token in failed {
            self.drop_client(token, CloseReason::Reset, poll, outbox);
        }
        if sent_to.is_empty() {
            return false;
        }
        outbox.emit_sent(now_ms(), sent_to, bytes);
        true
    }
}

/// How often clients are checked against an idle timeout.
fn idle_check_interval(timeout: Duration) -> Duration {
    (timeout / 4).clamp(IDLE_CHECK_MIN, IDLE_CHECK_MAX)
}

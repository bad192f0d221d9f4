//! A WebSocket server session: the TCP server's listener, then for each
//! client the opening handshake (only the configured path is served; a
//! subprotocol is chosen from the server's list), resumed on readiness and
//! bounded by the handshake timeout, then messages both ways. One thread
//! and one poller serve every client; the client table keeps the TCP
//! server's limits (max clients, per address, idle timeout). Loop send,
//! file send, answers and the common commands are the session core's.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Registry, Token};
use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response, ServerHandshake};
use tungstenite::handshake::{HandshakeError, MidHandshake};
use tungstenite::http::{HeaderValue, StatusCode};
use tungstenite::{Error, WebSocket};

use super::super::outbox::WAKE_TOKEN;
use super::super::rows::ShownPerSecond;
use super::super::session_core::{Flow, Inbox, SessionCore};
use super::super::tcp_server::{listen, target_tokens};
use super::super::tls::{self, TlsEvent, TlsProblem, TlsStream, problem_of_io};
use super::super::{
    Answers, CloseReason, Event, Outbox, PUSHED_OUT_ROWS_PER_SEC, SessionError, Target,
    WorkerContext, handshaking_cap,
};
use super::conn::{WsConn, websocket_config};
use super::event::{MessageKind, WsEvent, WsProblem};
use super::stream::WsStream;
use super::{MAX_HELD_BYTES, WsServerConfig};
use crate::clock::now_ms;
use crate::text::{Framing, PeerText};
use netassist_core::address::AddressCounts;

mod transport;

const LISTENER: Token = Token(0);
/// How often a listener paused for a front end that is behind looks again.
const ACCEPT_RETRY: Duration = Duration::from_millis(20);
/// How often, at most, clients are checked for idleness (as the TCP
/// server does: a quarter of the timeout, within these bounds).
const IDLE_CHECK_MIN: Duration = Duration::from_millis(10);
const IDLE_CHECK_MAX: Duration = Duration::from_secs(1);

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
        let offered: Vec<&str> = request
            .headers()
            .get_all("sec-websocket-protocol")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|list| list.split(','))
            .map(str::trim)
            .collect();
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

type Handshaking = MidHandshake<ServerHandshake<WsStream, PathCheck>>;

/// A client whose opening handshake is under way.
struct Pending {
    mid: Handshaking,
    peer: SocketAddr,
    deadline: Instant,
    asked: Rc<RefCell<Asked>>,
}

pub(super) struct Server {
    config: Rc<WsServerConfig>,
    clients: HashMap<Token, WsConn>,
    pending: HashMap<Token, Pending>,
    by_peer: HashMap<SocketAddr, Token>,
    /// Places held per source (IPv4 address, IPv6 /64), handshakes
    /// under way included, under `--max-clients-per-ip`.
    per_address: AddressCounts,
    last_active: HashMap<Token, Instant>,
    next_idle_check: Option<Instant>,
    /// Clients whose close handshake is under way.
    closing: HashSet<Token>,
    /// Clients to read again without a readiness event: stopped for the
    /// front end, or after their share of a pass.
    revisit: Vec<Token>,
    accept_paused: bool,
    next_token: usize,
    kind: MessageKind,
    registry: Registry,
    /// `wss://`: each client's TLS server side.
    tls: Option<Arc<rustls::ServerConfig>>,
    handshake_timeout: Duration,
    /// Handshakes pushed out, shown a few a second.
    pushed_out_rows: ShownPerSecond,
    /// What all clients hold for messages not finished yet, the sum of
    /// their [`WsConn::held`], under [`MAX_HELD_BYTES`].
    held: usize,
}

pub fn run(
    config: WsServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    // Certificates and keys are read (or the self-signed one made) before
    // listening: a wrong file is said at once.
    let tls = config
        .tls
        .as_ref()
        .map(|options| tls::server_config(options).map_err(SessionError::Tls))
        .transpose()?;
    let std_listener = listen(config.tcp.local)?;
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
    let tls = tls.map(|(tls_config, identity)| {
        outbox.emit(Event::Tls(TlsEvent::ServerIdentity {
            fingerprint: identity.fingerprint,
            names: identity.names,
            generated: identity.generated,
            cert_path: Some(identity.cert_path),
        }));
        tls_config
    });
    // A wss:// client's whole opening (TLS, then WebSocket) has the
    // shorter of the two timeouts.
    let handshake_timeout = match &config.tls {
        Some(options) => config.handshake_timeout.min(options.handshake_timeout),
        None => config.handshake_timeout,
    };
    let per_address = AddressCounts::new(config.tcp.max_clients_per_ip);
    let mut server = Server {
        tls,
        handshake_timeout,
        held: 0,
        pushed_out_rows: ShownPerSecond::new(PUSHED_OUT_ROWS_PER_SEC),
        kind: config.message_kind,
        config: Rc::new(config),
        clients: HashMap::new(),
        pending: HashMap::new(),
        by_peer: HashMap::new(),
        per_address,
        last_active: HashMap::new(),
        next_idle_check: None,
        closing: HashSet::new(),
        revisit: Vec::new(),
        accept_paused: false,
        next_token: 1,
        registry,
    };
    // WebSocket messages are framed already: each one is a message.
    let mut core = SessionCore::new(Inbox::new(answers, local, Framing::None));
    let mut events = Events::with_capacity(1024);
    loop {
        let timeout = core.poll_timeout(server.next_wake(&outbox));
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for sockets failed", &e));
        }
        if server.accept_paused && !outbox.crowded() {
            server.accept_all(&mut listener, &mut core.inbox, &outbox);
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(&mut listener, &mut core.inbox, &outbox),
                WAKE_TOKEN => {}
                token if server.pending.contains_key(&token) => {
                    server.advance_handshake(token, &mut core.inbox, &outbox);
                }
                token => {
                    let Some(conn) = server.clients.get_mut(&token) else {
                        continue;
                    };
                    if event.is_writable()
                        && let Err(e) = conn.flush(&server.registry)
                    {
                        outbox.emit(Event::Error(SessionError::Send {
                            peer: conn.peer,
                            reason: e.to_string(),
                        }));
                        server.drop_client(token, CloseReason::Reset, &mut core.inbox, &outbox);
                        continue;
                    }
                    let readable =
                        event.is_readable() || event.is_read_closed() || event.is_error();
                    if readable && (!conn.read_paused() || outbox.may_resume_reading()) {
                        server.read_client(token, &mut core.inbox, &outbox);
                    }
                }
            }
        }
        server.read_again(&mut core.inbox, &outbox);
        core.after_reading(&mut server, &outbox);
        while let Ok(command) = commands.try_recv() {
            if core.command(command, &mut server, &outbox) == Flow::Close {
                return Ok(());
            }
        }
        core.run_due(&mut server, &outbox);
        server.expire(&mut core.inbox, &outbox);
        outbox.set_send_queue(server.clients.values().map(WsConn::queued).sum());
    }
}

impl Server {
    /// How long the poller may wait for the server's own deadlines:
    /// handshakes, closes, idle checks, a paused listener, clients to read
    /// again.
    fn next_wake(&self, outbox: &Outbox) -> Option<Duration> {
        let now = Instant::now();
        let may_read = self.revisit.iter().any(|token| {
            self.clients.get(token).is_some_and(|conn| {
                conn.more_to_read() || (conn.read_paused() && outbox.may_resume_reading())
            })
        });
        if may_read {
            return Some(Duration::ZERO);
        }
        let deadlines = self
            .pending
            .values()
            .map(|pending| pending.deadline)
            .chain(
                self.closing
                    .iter()
                    .filter_map(|token| self.clients.get(token)?.close_deadline()),
            )
            .chain(self.next_idle_check);
        let mut wait = deadlines.min().map(|at| at.saturating_duration_since(now));
        if self.accept_paused {
            wait = Some(wait.map_or(ACCEPT_RETRY, |wait| wait.min(ACCEPT_RETRY)));
        }
        wait
    }

    fn accept_all(&mut self, listener: &mut TcpListener, inbox: &mut Inbox, outbox: &Outbox) {
        loop {
            // While the front end is far behind, clients wait in the
            // backlog instead of in memory, as on the TCP server.
            self.accept_paused = outbox.crowded();
            if self.accept_paused {
                return;
            }
            let (mut stream, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    outbox.emit(Event::Error(SessionError::io(
                        "accepting a client failed",
                        &e,
                    )));
                    return;
                }
            };
            // Handshakes under way hold their slots, up to a cap of their
            // own: a crowd of clients that never finish pushes out its own
            // oldest, neither the limit nor the clients that finish (for a
            // newcomer its address lets in).
            let max_clients = self.config.tcp.max_clients.max(1);
            if self.pending.len() >= handshaking_cap(max_clients)
                && self.per_address.admits(peer.ip())
            {
                self.push_out_oldest_handshake(outbox);
            }
            if self.clients.len() + self.pending.len() >= max_clients {
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
            if let Err(e) =
                self.registry
                    .register(&mut stream, token, Interest::READABLE | Interest::WRITABLE)
            {
                outbox.emit(Event::Error(SessionError::io("cannot watch a client", &e)));
                continue;
            }
            let _ = stream.set_nodelay(true);
            let stream = match &self.tls {
                Some(tls_config) => match TlsStream::server(stream, tls_config) {
                    Ok(tls) => WsStream::over_tls(tls),
                    Err(e) => {
                        outbox.emit(Event::Error(SessionError::Tls(e)));
                        continue;
                    }
                },
                None => WsStream::plain(stream),
            };
            self.per_address.add(peer.ip());
            let asked = Rc::new(RefCell::new(Asked::default()));
            let check = PathCheck {
                config: Rc::clone(&self.config),
                asked: Rc::clone(&asked),
            };
            let mid = ServerHandshake::start(stream, check, Some(websocket_config()));
            self.pending.insert(
                token,
                Pending {
                    mid,
                    peer,
                    deadline: Instant::now() + self.handshake_timeout,
                    asked,
                },
            );
            // A real client sent its request right after connecting: it
            // is taken now, before the connections accepted after this one
            // could push it out (a crowd fills the backlog faster than the
            // poller reports each request).
            self.advance_handshake(token, inbox, outbox);
        }
    }

    /// Takes the handshake one step on readiness: done (the client joins
    /// the table), refused (its event), or still waiting.
    fn advance_handshake(&mut self, token: Token, inbox: &mut Inbox, outbox: &Outbox) {
        let Some(pending) = self.pending.remove(&token) else {
            return;
        };
        let Pending {
            mid,
            peer,
            deadline,
            asked,
        } = pending;
        let tls_handshaking = mid
            .get_ref()
            .get_ref()
            .tls()
            .is_some_and(TlsStream::is_handshaking);
        match mid.handshake() {
            Ok(ws) => self.open(token, ws, peer, &asked, inbox, outbox),
            Err(HandshakeError::Interrupted(mid)) => {
                self.pending.insert(
                    token,
                    Pending {
                        mid,
                        peer,
                        deadline,
                        asked,
                    },
                );
            }
            Err(HandshakeError::Failure(error)) => {
                let asked = asked.borrow();
                let problem = match error {
                    _ if asked.refused => WsProblem::PathNotServed {
                        path: PeerText::new(asked.resource.clone()),
                    },
                    // A TLS handshake that failed says why, as the TLS
                    // server does.
                    Error::Io(e) if tls_handshaking => {
                        outbox.emit(Event::Tls(TlsEvent::HandshakeFailed {
                            peer,
                            problem: problem_of_io(&e),
                        }));
                        self.forget_pending(peer);
                        return;
                    }
                    // A client that left before it finished says nothing.
                    Error::Io(_) | Error::ConnectionClosed | Error::AlreadyClosed => {
                        self.forget_pending(peer);
                        return;
                    }
                    Error::Protocol(tungstenite::error::ProtocolError::HandshakeIncomplete) => {
                        self.forget_pending(peer);
                        return;
                    }
                    other => WsProblem::Other(PeerText::new(format!(
                        "not a WebSocket handshake: {other}"
                    ))),
                };
                outbox.emit(Event::Ws(WsEvent::ProtocolError { peer, problem }));
                self.forget_pending(peer);
            }
        }
    }

    /// Drops the oldest handshake under way to make room for a new one
    /// (the cap of [`handshaking_cap`]).
    /// A few a second are shown; the others are counted into the next.
    fn push_out_oldest_handshake(&mut self, outbox: &Outbox) {
        let handshaking = self.pending.len();
        let Some(token) = self
            .pending
            .iter()
            .min_by_key(|(_, pending)| pending.deadline)
            .map(|(token, _)| *token)
        else {
            return;
        };
        match self.pushed_out_rows.count().0 {
            Some(unshown) => self.drop_pending(
                token,
                TlsProblem::PushedOut {
                    handshaking,
                    unshown,
                },
                WsProblem::HandshakePushedOut {
                    handshaking,
                    unshown,
                },
                outbox,
            ),
            None => {
                self.close_pending(token);
            }
        }
    }

    /// Drops a handshake under way, saying why: `tls_problem` while its
    /// TLS handshake was not done, `ws_problem` after.
    fn drop_pending(
        &mut self,
        token: Token,
        tls_problem: TlsProblem,
        ws_problem: WsProblem,
        outbox: &Outbox,
    ) {
        let Some((peer, tls_handshaking)) = self.close_pending(token) else {
            return;
        };
        let event = if tls_handshaking {
            Event::Tls(TlsEvent::HandshakeFailed {
                peer,
                problem: tls_problem,
            })
        } else {
            Event::Ws(WsEvent::ProtocolError {
                peer,
                problem: ws_problem,
            })
        };
        outbox.emit(event);
    }

    /// Drops a handshake under way without a word: its peer, and whether
    /// its TLS handshake was still under way.
    fn close_pending(&mut self, token: Token) -> Option<(SocketAddr, bool)> {
        let mut pending = self.pending.remove(&token)?;
        let stream = pending.mid.get_mut().get_mut();
        let _ = self.registry.deregister(stream.tcp());
        let tls_handshaking = stream.tls().is_some_and(TlsStream::is_handshaking);
        stream.shutdown();
        self.forget_pending(pending.peer);
        Some((pending.peer, tls_handshaking))
    }

    /// A handshake that did not become a client: its address's count
    /// goes back (its socket was closed with the handshake).
    fn forget_pending(&mut self, peer: SocketAddr) {
        self.per_address.remove(peer.ip());
    }

    fn open(
        &mut self,
        token: Token,
        mut ws: WebSocket<WsStream>,
        peer: SocketAddr,
        asked: &Rc<RefCell<Asked>>,
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let local = ws.get_mut().tcp().local_addr().unwrap_or(peer);
        if let Err(e) = self
            .registry
            .reregister(ws.get_mut().tcp(), token, Interest::READABLE)
        {
            outbox.emit(Event::Error(SessionError::io("cannot watch a client", &e)));
            self.forget_pending(peer);
            return;
        }
        let asked = asked.borrow();
        if let Some(info) = ws.get_ref().tls().and_then(TlsStream::info) {
            outbox.emit(Event::Tls(TlsEvent::Established { peer, info }));
        }
        self.by_peer.insert(peer, token);
        self.clients.insert(token, WsConn::new(ws, peer, token));
        self.touch(token);
        outbox.emit(Event::Connected {
            peer,
            local,
            at_ms: now_ms(),
        });
        outbox.emit(Event::Ws(WsEvent::Handshake {
            peer,
            path: PeerText::new(asked.resource.clone()),
            subprotocol: asked.subprotocol.clone().map(PeerText::new),
            headers: Vec::new(),
        }));
        // What came right after the handshake raised no event of its own.
        self.read_client(token, inbox, outbox);
    }

    /// Reads a client's messages while the front end keeps up; drops it
    /// when its connection ended.
    fn read_client(&mut self, token: Token, inbox: &mut Inbox, outbox: &Outbox) {
        let Some(conn) = self.clients.get_mut(&token) else {
            return;
        };
        let peer = conn.peer;
        let held_before = conn.held();
        let ended = conn.read_available(outbox, &self.registry, &mut |at_ms, bytes| {
            inbox.receive_at(at_ms, peer, bytes, outbox);
        });
        self.held = self
            .held
            .saturating_sub(held_before)
            .saturating_add(conn.held());
        if conn.is_closing() {
            self.closing.insert(token);
        }
        if conn.read_paused() || conn.more_to_read() {
            self.revisit.push(token);
        }
        if let Some(reason) = ended {
            self.drop_client(token, reason, inbox, outbox);
        } else {
            self.touch(token);
        }
        self.keep_held_under_budget(inbox, outbox);
    }

    /// While the clients together hold more than [`MAX_HELD_BYTES`] for
    /// unfinished messages, the one holding the most is told why (1009)
    /// and dropped at once: waiting for its close handshake would keep
    /// what it holds.
    fn keep_held_under_budget(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        while self.held > MAX_HELD_BYTES {
            let Some((&token, _)) = self.clients.iter().max_by_key(|(_, conn)| conn.held()) else {
                return;
            };
            if let Some(conn) = self.clients.get_mut(&token) {
                conn.fail(
                    WsProblem::HeldTooMuch {
                        budget: MAX_HELD_BYTES,
                    },
                    outbox,
                );
                let _ = conn.flush(&self.registry);
            }
            self.drop_client(token, CloseReason::Local, inbox, outbox);
        }
    }

    /// Reads the clients that stopped early, once they may go on.
    fn read_again(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        if self.revisit.is_empty() {
            return;
        }
        let resume = outbox.may_resume_reading();
        let mut seen = HashSet::new();
        for token in std::mem::take(&mut self.revisit) {
            let Some(conn) = self.clients.get(&token) else {
                continue;
            };
            if !seen.insert(token) {
                continue;
            }
            if conn.more_to_read() || (conn.read_paused() && resume) {
                self.read_client(token, inbox, outbox);
            } else if conn.read_paused() {
                self.revisit.push(token);
            }
        }
    }

    fn drop_client(
        &mut self,
        token: Token,
        reason: CloseReason,
        inbox: &mut Inbox,
        outbox: &Outbox,
    ) {
        let Some(mut conn) = self.clients.remove(&token) else {
            return;
        };
        self.held = self.held.saturating_sub(conn.held());
        self.by_peer.remove(&conn.peer);
        self.last_active.remove(&token);
        self.closing.remove(&token);
        self.forget_pending(conn.peer);
        conn.close(&self.registry);
        inbox.peer_ended(conn.peer, false, outbox);
        inbox.flush(outbox);
        outbox.emit(Event::Disconnected {
            peer: conn.peer,
            reason,
        });
    }

    /// Notes that a client sent something, for the idle timeout.
    fn touch(&mut self, token: Token) {
        if let Some(timeout) = self.config.tcp.idle_timeout {
            let now = Instant::now();
            self.last_active.insert(token, now);
            if self.next_idle_check.is_none() {
                self.next_idle_check = Some(now + idle_check_interval(timeout));
            }
        }
    }

    /// Drops handshakes past their timeout, closes that waited long
    /// enough, and idle clients when a check is due.
    fn expire(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        let now = Instant::now();
        let late: Vec<Token> = self
            .pending
            .iter()
            .filter(|(_, pending)| now >= pending.deadline)
            .map(|(token, _)| *token)
            .collect();
        let timeout = self.handshake_timeout;
        for token in late {
            self.drop_pending(
                token,
                TlsProblem::HandshakeTimeout {
                    after_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                },
                WsProblem::HandshakeTimeout {
                    seconds: timeout.as_secs(),
                },
                outbox,
            );
        }
        let closed: Vec<(Token, CloseReason)> = self
            .closing
            .iter()
            .filter_map(|token| {
                let conn = self.clients.get(token)?;
                (now >= conn.close_deadline()?).then(|| (*token, conn.close_timeout_reason()))
            })
            .collect();
        for (token, reason) in closed {
            self.drop_client(token, reason, inbox, outbox);
        }
        let (Some(timeout), Some(due)) = (self.config.tcp.idle_timeout, self.next_idle_check)
        else {
            return;
        };
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

    /// The clients a target means now (the TCP server's rule).
    fn target_tokens(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        target_tokens(to, self.clients.keys().copied(), &self.by_peer, outbox)
    }
}

/// How often clients are checked against an idle timeout.
fn idle_check_interval(timeout: Duration) -> Duration {
    (timeout / 4).clamp(IDLE_CHECK_MIN, IDLE_CHECK_MAX)
}

//! A TCP server session: one thread and one poller for the listener and
//! every client, so thousands of clients cost no threads. The clients are
//! the transport (`clients.rs`); loop send, file send, framing, answers
//! and the common commands are the session core's.

mod clients;
mod handshakes;
mod tls_clients;
mod transport;

use std::collections::HashSet;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpListener;
use mio::{Events, Interest, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::conn::Connection;
use super::outbox::WAKE_TOKEN;
use super::session_core::{Flow, Inbox, SessionCore};
use super::tls::TlsEvent;
use super::{
    Answers, CloseReason, Event, SessionError, TcpServerConfig, TlsServerConfig, WorkerContext,
};
use clients::Server;
use handshakes::TlsServerSide;
pub(super) use transport::target_tokens;

const LISTENER: Token = Token(0);
const READ_BUFFER_BYTES: usize = 64 << 10;
const BACKLOG: i32 = 1024;
/// How often a listener paused for a front end that is behind looks again.
const ACCEPT_RETRY: Duration = Duration::from_millis(20);

/// Listens as the user asked: `[::]` accepts IPv4 clients too.
pub(super) fn listen(local: SocketAddr) -> Result<std::net::TcpListener, SessionError> {
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

pub fn run(
    config: TcpServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    serve(config, None, answers, context)
}

/// A TLS server: the TCP server, each client's stream TLS. Its
/// certificate is said (`TLS certificate …`) right after it opens; a
/// client is `Connected` once its handshake has finished, and dropped
/// with a `TLS` event when it fails or takes longer than the timeout.
pub fn run_tls(
    config: TlsServerConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let (tls_config, identity) =
        super::tls::server_config(&config.tls).map_err(SessionError::Tls)?;
    let side = TlsServerSide {
        config: tls_config,
        timeout: config.tls.handshake_timeout,
    };
    let identity = TlsEvent::ServerIdentity {
        fingerprint: identity.fingerprint,
        names: identity.names,
        generated: identity.generated,
        cert_path: Some(identity.cert_path),
    };
    serve(config.tcp, Some((side, identity)), answers, context)
}

fn serve(
    config: TcpServerConfig,
    tls: Option<(TlsServerSide, TlsEvent)>,
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
    let registry = poll
        .registry()
        .try_clone()
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    outbox.emit(Event::Opened { local });
    let tls = tls.map(|(side, identity)| {
        outbox.emit(Event::Tls(identity));
        side
    });

    let mut server = Server::new(&config, registry, tls);
    let mut core = SessionCore::new(Inbox::new(answers, local, config.framing));
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    loop {
        let idle_check = server
            .next_idle_check
            .map(|at| at.saturating_duration_since(Instant::now()));
        // Nothing wakes this thread when the front end takes events, so
        // a paused listener looks again now and then.
        let accept_retry = server.accept_paused.then_some(ACCEPT_RETRY);
        let handshake_check = server
            .next_handshake_deadline()
            .map(|at| at.saturating_duration_since(Instant::now()));
        let timeout = core.poll_timeout(
            [idle_check, accept_retry, handshake_check]
                .into_iter()
                .flatten()
                .min(),
        );
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for sockets failed", &e));
        }
        if server.accept_paused && !outbox.crowded() {
            server.accept_all(&mut listener, &mut buf, &mut core.inbox, &outbox);
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(&mut listener, &mut buf, &mut core.inbox, &outbox),
                WAKE_TOKEN => {}
                token if server.handshakes.contains_key(&token) => {
                    server.advance_handshake(token, &mut buf, &mut core.inbox, &outbox);
                }
                token => {
                    let Some(conn) = server.clients.get_mut(&token) else {
                        continue;
                    };
                    let queued_before = conn.queued();
                    let flushed = if event.is_writable() {
                        conn.flush(&server.registry)
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
                        server.drop_client(token, CloseReason::Reset, &mut core.inbox, &outbox);
                        continue;
                    }
                    // A client left unread while the front end was behind
                    // waits for it to catch up, in its turn.
                    let listed = conn.read_paused();
                    let resumable = !listed || outbox.may_resume_reading();
                    if (event.is_readable() || event.is_read_closed() || event.is_error())
                        && resumable
                    {
                        server.read_client(token, listed, &mut buf, &mut core.inbox, &outbox);
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
                server.read_client(token, false, &mut buf, &mut core.inbox, &outbox);
            }
        }
        server.drop_slow_handshakes(&outbox);
        core.after_reading(&mut server, &outbox);
        while let Ok(command) = commands.try_recv() {
            if core.command(command, &mut server, &outbox) == Flow::Close {
                return Ok(());
            }
        }
        core.run_due(&mut server, &outbox);
        server.close_finished(&mut core.inbox, &outbox);
        server.drop_idle(&mut core.inbox, &outbox);
        outbox.set_send_queue(server.clients.values().map(Connection::queued).sum());
    }
}

//! A TCP server session: one thread and one poller for the listener and
//! every client, so thousands of clients cost no threads.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;

use mio::net::TcpListener;
use mio::{Events, Interest, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::conn::{Batch, Connection};
use super::session::WAKE_TOKEN;
use super::{CloseReason, Command, Event, Outbox, SessionError, Target, TcpServerConfig, WorkerContext};
use crate::log::now_ms;

const LISTENER: Token = Token(0);
const READ_BUFFER_BYTES: usize = 64 << 10;
const BACKLOG: i32 = 1024;

/// Listens as the user asked: `[::]` accepts IPv4 clients too.
fn listen(local: SocketAddr) -> Result<std::net::TcpListener, SessionError> {
    let socket = Socket::new(Domain::for_address(local), Type::STREAM, Some(Protocol::TCP))
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

struct Server {
    clients: HashMap<Token, Connection>,
    by_peer: HashMap<SocketAddr, Token>,
    next_token: usize,
    max_clients: usize,
}

pub fn run(config: TcpServerConfig, context: WorkerContext) -> Result<(), SessionError> {
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
    };
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let mut batch = Batch::default();
    loop {
        if let Err(e) = poll.poll(&mut events, None)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for sockets failed", &e));
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => server.accept_all(&mut listener, &poll, &outbox),
                WAKE_TOKEN => {}
                token => {
                    let Some(conn) = server.clients.get_mut(&token) else {
                        continue;
                    };
                    if event.is_writable()
                        && let Err(e) = conn.flush(poll.registry())
                    {
                        let peer = conn.peer;
                        outbox.emit(Event::Error(SessionError::Send {
                            peer,
                            reason: e.to_string(),
                        }));
                        server.drop_client(token, CloseReason::Reset, &poll, &outbox);
                        continue;
                    }
                    if (event.is_readable() || event.is_read_closed() || event.is_error())
                        && let Some(reason) = conn.read_available(&mut buf, &mut batch, &outbox)
                    {
                        batch.flush(&outbox);
                        server.drop_client(token, reason, &poll, &outbox);
                    }
                }
            }
        }
        batch.flush(&outbox);
        while let Ok(command) = commands.try_recv() {
            match command {
                Command::Send { to, bytes } => server.send(to, bytes, &poll, &outbox),
                Command::Disconnect(peer) => match server.by_peer.get(&peer).copied() {
                    Some(token) => server.drop_client(token, CloseReason::Local, &poll, &outbox),
                    None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
                },
                Command::SetRemote(_) | Command::CancelTransfer(_) => {
                    outbox.emit(Event::Error(SessionError::Unsupported));
                }
                Command::Close => {
                    let tokens: Vec<Token> = server.clients.keys().copied().collect();
                    for token in tokens {
                        server.drop_client(token, CloseReason::Local, &poll, &outbox);
                    }
                    return Ok(());
                }
            }
        }
    }
}

impl Server {
    fn accept_all(&mut self, listener: &mut TcpListener, poll: &mio::Poll, outbox: &Outbox) {
        loop {
            let (mut stream, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A client that reset before we accepted it, or a lack of
                // file descriptors: report it and keep serving.
                Err(e) => {
                    outbox.emit(Event::Error(SessionError::io("accepting a client failed", &e)));
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
            self.clients.insert(token, Connection::new(stream, peer, token));
            outbox.emit(Event::Connected { peer, local });
        }
    }

    fn drop_client(&mut self, token: Token, reason: CloseReason, poll: &mio::Poll, outbox: &Outbox) {
        if let Some(mut conn) = self.clients.remove(&token) {
            self.by_peer.remove(&conn.peer);
            if reason == CloseReason::Local {
                let _ = conn.flush(poll.registry());
            }
            let peer = conn.peer;
            conn.close(poll.registry());
            outbox.emit(Event::Disconnected { peer, reason });
        }
    }

    fn send(&mut self, to: Target, bytes: Vec<u8>, poll: &mio::Poll, outbox: &Outbox) {
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
            return;
        }
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
        if !sent_to.is_empty() {
            outbox.emit(Event::Sent {
                at_ms: now_ms(),
                to: sent_to,
                bytes,
            });
        }
    }
}

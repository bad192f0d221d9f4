//! A TCP client session: connect with a timeout (trying each address a
//! name resolves to, `connect.rs`), then exchange bytes until either side
//! closes. The connection is the transport; loop send, file send, framing,
//! answers and the common commands are the session core's.

pub(super) mod connect;
pub(super) mod handshake;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crossbeam_channel::Receiver;
use mio::{Events, Poll, Registry};

use connect::STREAM;

use super::conn::{Connection, Link};
use super::file_send::{FileSend, Pump};
use super::session_core::{Flow, Inbox, SessionCore, Transport};
use super::tls::{TlsClientOptions, TlsEvent, Verify};
use super::{
    Answers, CloseReason, Command, Event, Outbox, SessionError, Target, TcpClientConfig,
    TlsClientConfig, WorkerContext,
};
use crate::clock::now_ms;

const READ_BUFFER_BYTES: usize = 256 << 10;

pub fn run(
    config: TcpClientConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    run_over(config, None, answers, context)
}

/// A TLS client: the TCP client, with TLS over its connection once it is
/// made. `Connected` comes once the handshake has finished, after the
/// `TLS` event that says what it agreed on.
pub fn run_tls(
    config: TlsClientConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    run_over(
        config.tcp,
        Some((&config.tls, config.handshake_timeout)),
        answers,
        context,
    )
}

fn run_over(
    config: TcpClientConfig,
    tls: Option<(&TlsClientOptions, Duration)>,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    // Certificates and keys are read before connecting: a wrong file is
    // said at once.
    let tls = match tls {
        Some((options, timeout)) => Some((
            options,
            super::tls::client_config(options).map_err(SessionError::Tls)?,
            timeout,
        )),
        None => None,
    };
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    // Commands that arrive while connecting wait for the connection.
    let mut deferred = Vec::new();
    let Some((stream, peer)) =
        connect::connect_first(&config, &mut poll, &commands, &mut deferred, &outbox)?
    else {
        // Closed by the user while connecting.
        return Ok(());
    };
    let local = stream
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the local address", &e))?;
    let link = match tls {
        Some((options, tls_config, handshake_timeout)) => {
            if options.verify == Verify::Insecure {
                outbox.emit(Event::Tls(TlsEvent::Insecure { peer }));
            }
            let server_name = options
                .server_name
                .clone()
                .unwrap_or_else(|| config.remote.host.clone());
            let handshake = handshake::Handshake {
                peer,
                config: &tls_config,
                server_name: &server_name,
                timeout: handshake_timeout,
            };
            match handshake.run(stream, &mut poll, &commands, &mut deferred, &outbox)? {
                Some(tls) => Link::Tls(Box::new(tls)),
                // Closed by the user during the handshake.
                None => return Ok(()),
            }
        }
        None => Link::Plain(stream),
    };
    outbox.emit(Event::Connected {
        peer,
        local,
        at_ms: now_ms(),
    });
    let registry = poll
        .registry()
        .try_clone()
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    let mut client = Client {
        conn: Connection::over(link, peer, STREAM),
        registry,
    };
    // The handshake's last records may still wait for the socket.
    client
        .conn
        .flush(&client.registry)
        .map_err(|e| SessionError::Send {
            peer,
            reason: e.to_string(),
        })?;
    // A client that connected to its own address (a TCP self-connect)
    // must not answer itself: the responder knows the local address.
    let inbox = Inbox::new(answers, local, config.framing);
    exchange(
        client,
        SessionCore::new(inbox),
        poll,
        commands,
        deferred,
        outbox,
    )
}

/// The TCP client's transport: its one connection.
struct Client {
    conn: Connection,
    registry: Registry,
}

fn exchange(
    mut client: Client,
    mut core: SessionCore<Client>,
    mut poll: Poll,
    commands: Receiver<Command>,
    deferred: Vec<Command>,
    outbox: Outbox,
) -> Result<(), SessionError> {
    let mut events = Events::with_capacity(8);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let mut deferred = deferred.into_iter();
    loop {
        // What was asked while connecting is served before any wait, and
        // bytes TLS read from the socket already are read before any wait.
        let buffered = client.conn.has_buffered_input() && !client.conn.read_paused();
        let timeout = if deferred.len() > 0 || buffered {
            Some(Duration::ZERO)
        } else {
            core.poll_timeout(None)
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the socket failed", &e));
        }
        let conn = &mut client.conn;
        let mut readable = buffered;
        for event in events.iter() {
            if event.token() != STREAM {
                continue;
            }
            if event.is_writable()
                && let Err(e) = conn.flush(&client.registry)
            {
                outbox.emit(Event::Error(SessionError::Send {
                    peer: conn.peer,
                    reason: e.to_string(),
                }));
            }
            readable |= event.is_readable() || event.is_read_closed() || event.is_error();
        }
        // A connection left unread while the front end was behind is read
        // again once it caught up (the release wakes this thread): its
        // readiness was reported once and will not be again.
        if conn.read_paused() {
            readable = outbox.may_resume_reading();
        }
        if readable {
            let peer = conn.peer;
            let inbox = &mut core.inbox;
            let closed = conn.read_available(&mut buf, &outbox, &mut |bytes| {
                inbox.receive(peer, bytes, &outbox);
            });
            if let Some(reason) = closed {
                // A peer that closed only its sending side still reads:
                // its last message may still be answered.
                inbox.peer_ended(peer, reason == CloseReason::ClosedByPeer, &outbox);
                core.after_reading(&mut client, &outbox);
                core.interrupt_file(&outbox);
                outbox.emit(Event::Disconnected { peer, reason });
                client.conn.close(&client.registry);
                return Ok(());
            }
        }
        core.after_reading(&mut client, &outbox);
        while let Some(command) = deferred.next().or_else(|| commands.try_recv().ok()) {
            if core.command(command, &mut client, &outbox) == Flow::Close {
                return Ok(());
            }
        }
        core.run_due(&mut client, &outbox);
        outbox.set_send_queue(client.conn.queued());
    }
}

impl Client {
    /// Whether `to` means the server; a list without it is reported.
    fn is_for_server(&self, to: &Target, outbox: &Outbox) -> bool {
        is_for_server(self.conn.peer, to, outbox)
    }
}

/// Whether `to` means a client's one server (`server`); a list without it
/// is reported. The one rule of the TCP, TLS and WebSocket clients.
pub(in crate::net) fn is_for_server(server: SocketAddr, to: &Target, outbox: &Outbox) -> bool {
    if matches!(to, Target::Peers(peers) if !peers.contains(&server)) {
        outbox.emit(Event::Error(SessionError::UnknownClient { peer: server }));
        return false;
    }
    true
}

impl Transport for Client {
    type FileTargets = ();

    /// Queues bytes for the server; false when they could not be.
    fn send(&mut self, to: Target, bytes: Vec<u8>, _inbox: &mut Inbox, outbox: &Outbox) -> bool {
        if !self.is_for_server(&to, outbox) {
            return false;
        }
        match self.conn.send(bytes.clone(), &self.registry) {
            Ok(()) => {
                outbox.emit_sent(now_ms(), vec![self.conn.peer], bytes);
                true
            }
            Err(e) => {
                outbox.emit(Event::Error(e));
                false
            }
        }
    }

    fn reply(&mut self, _peer: SocketAddr, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) {
        self.send(Target::Default, bytes, inbox, outbox);
    }

    fn file_targets(&mut self, to: Target, outbox: &Outbox) -> Option<()> {
        self.is_for_server(&to, outbox).then_some(())
    }

    fn pump_file(
        &mut self,
        file: &mut FileSend,
        _targets: &(),
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        file.pump_tcp(&mut [&mut self.conn], &self.registry, outbox)
    }

    fn command(&mut self, command: Command, _inbox: &mut Inbox, outbox: &Outbox) -> Flow {
        match command {
            Command::Disconnect(_) => Flow::Close,
            _ => {
                outbox.emit(Event::Error(SessionError::Unsupported));
                Flow::Continue
            }
        }
    }

    fn close(&mut self, _inbox: &mut Inbox, outbox: &Outbox) {
        // Give queued bytes a last chance before closing.
        let _ = self.conn.flush(&self.registry);
        self.conn.close(&self.registry);
        outbox.emit(Event::Disconnected {
            peer: self.conn.peer,
            reason: CloseReason::Local,
        });
    }
}

//! The one loop of every client session (TCP, TLS, WebSocket) once it is
//! connected: its one [`Conn`] read while the front end keeps up, written
//! as the socket drains, closed when either side ends it, with the
//! session core's commands, loop send and file send. What differs between
//! the kinds is their [`Wire`].

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use mio::{Events, Poll, Registry, Token};

use super::file_send::{FileSend, Pump};
use super::session_core::{Flow, Inbox, SessionCore, Transport};
use super::tcp_client::connect::STREAM;
use super::wire::{Conn, ConnSet, IntoInbox, Wire};
use super::{CloseReason, Command, Event, Outbox, SessionError, Target};
use crate::clock::{now_ms, now_us, us_to_ms};
use crate::conn::ConnTag;

/// The tag of a client's one connection (the `Connected` event says it).
const CLIENT_CONN: ConnTag = ConnTag::only(1);

/// What one read of the socket takes at most.
const READ_BUFFER_BYTES: usize = 256 << 10;

/// A client's transport: its wire and its one connection.
pub(in crate::net) struct OneConn<W: Wire> {
    wire: W,
    conn: W::Conn,
    registry: Registry,
}

impl<W: Wire> OneConn<W> {
    /// The client is connected (its opening done): `Connected` with the
    /// client's tag and local address, then what its kind says then
    /// (`then`: a WebSocket's handshake). What came with the opening is
    /// stamped no earlier, and what the opening left queued (a TLS 1.3
    /// client's last records) is written.
    pub(in crate::net) fn connected(
        wire: W,
        mut conn: W::Conn,
        registry: Registry,
        local: SocketAddr,
        then: Option<Event>,
        outbox: &Outbox,
    ) -> Result<OneConn<W>, SessionError> {
        let peer = conn.peer();
        let at_us = now_us();
        conn.opened_at(at_us);
        outbox.emit(Event::Connected {
            peer,
            local,
            at_ms: us_to_ms(at_us),
            conn: CLIENT_CONN,
        });
        if let Some(event) = then {
            outbox.emit(event);
        }
        conn.flush(&registry).map_err(|e| SessionError::Send {
            peer,
            reason: e.to_string(),
        })?;
        Ok(OneConn {
            wire,
            conn,
            registry,
        })
    }
}

/// Runs a connected client until either side ends it. `deferred`: the
/// commands that arrived while it connected, served first.
pub(in crate::net) fn exchange<W: Wire>(
    mut client: OneConn<W>,
    mut core: SessionCore<OneConn<W>>,
    mut poll: Poll,
    commands: Receiver<Command>,
    deferred: Vec<Command>,
    outbox: Outbox,
) -> Result<(), SessionError> {
    let mut events = Events::with_capacity(8);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let mut deferred = deferred.into_iter();
    // Bytes that came with the handshake are read at once: the poller
    // will not report them.
    let mut readable = true;
    loop {
        if readable {
            let peer = client.conn.peer();
            let mut sink = IntoInbox {
                inbox: &mut core.inbox,
                outbox: &outbox,
                peer,
                conn: CLIENT_CONN,
            };
            let ended = client
                .conn
                .read(&mut buf, &outbox, &client.registry, &mut sink);
            if let Some(reason) = ended {
                // A peer that closed only its sending side (TCP) may still
                // be answered its last message.
                let answerable = W::Conn::HALF_CLOSES && reason == CloseReason::ClosedByPeer;
                core.inbox.peer_ended(peer, answerable, &outbox);
                core.after_reading(&mut client, &outbox);
                core.interrupt_file(&outbox);
                client.conn.close(&client.registry);
                outbox.emit(Event::Disconnected { peer, reason });
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
        let close_deadline = client.conn.close_deadline();
        if let Some((deadline, reason)) = close_deadline
            && Instant::now() >= deadline
        {
            core.interrupt_file(&outbox);
            client.conn.close(&client.registry);
            let peer = client.conn.peer();
            outbox.emit(Event::Disconnected { peer, reason });
            return Ok(());
        }
        let timeout = if client.conn.more_to_read() {
            Some(Duration::ZERO)
        } else {
            core.poll_timeout(
                close_deadline.map(|(at, _)| at.saturating_duration_since(Instant::now())),
            )
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the socket failed", &e));
        }
        readable = client.conn.more_to_read();
        for event in events.iter() {
            if event.token() != STREAM {
                continue;
            }
            if event.is_writable()
                && let Err(e) = client.conn.flush(&client.registry)
            {
                outbox.emit(Event::Error(SessionError::Send {
                    peer: client.conn.peer(),
                    reason: e.to_string(),
                }));
            }
            readable |= event.is_readable() || event.is_read_closed() || event.is_error();
        }
        // A connection left unread while the front end was behind is read
        // again once it caught up (the release wakes this thread): its
        // readiness was reported once and will not be again.
        if client.conn.read_paused() {
            readable = outbox.may_resume_reading();
        }
    }
}

/// Whether `to` means a client's one server (`server`); a list without it
/// is reported. The one rule of the TCP, TLS and WebSocket clients.
fn is_for_server(server: SocketAddr, to: &Target, outbox: &Outbox) -> bool {
    if matches!(to, Target::Peers(peers) if !peers.contains(&server)) {
        outbox.emit(Event::Error(SessionError::UnknownClient { peer: server }));
        return false;
    }
    true
}

/// A client's one connection as what its wire's own commands reach.
struct OnlyConn<'a, C> {
    conn: &'a mut C,
    registry: &'a Registry,
}

impl<C: Conn> ConnSet<C> for OnlyConn<'_, C> {
    fn targets(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        is_for_server(self.conn.peer(), &to, outbox).then(|| vec![STREAM])
    }

    fn conn_mut(&mut self, token: Token) -> Option<(&mut C, &Registry)> {
        (token == STREAM).then_some((&mut *self.conn, self.registry))
    }
}

impl<W: Wire> Transport for OneConn<W> {
    type FileTargets = ();

    /// Sends to the server; false when it could not be.
    fn send(&mut self, to: Target, bytes: Vec<u8>, _inbox: &mut Inbox, outbox: &Outbox) -> bool {
        let peer = self.conn.peer();
        if !is_for_server(peer, &to, outbox) {
            return false;
        }
        match self
            .wire
            .send(&mut self.conn, bytes.clone(), &self.registry)
        {
            Ok(()) => {
                outbox.emit_sent(now_ms(), vec![peer], bytes);
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
        is_for_server(self.conn.peer(), &to, outbox).then_some(())
    }

    fn pump_file(
        &mut self,
        file: &mut FileSend,
        _targets: &(),
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        self.wire
            .pump_file(file, vec![&mut self.conn], &self.registry, outbox)
    }

    fn command(&mut self, command: Command, _inbox: &mut Inbox, outbox: &Outbox) -> Flow {
        if let Command::Disconnect(_) = command {
            return Flow::Close;
        }
        let OneConn {
            wire,
            conn,
            registry,
        } = self;
        // A connection the wire could not write to ends when its next read
        // says so; the error was said.
        let _ = wire.command(command, &mut OnlyConn { conn, registry }, outbox);
        Flow::Continue
    }

    /// We close: the wire's goodbye, what the socket takes of the queue,
    /// then the socket. A connection whose closing handshake was under way
    /// ends as that handshake would have.
    fn close(&mut self, _inbox: &mut Inbox, outbox: &Outbox) {
        let reason = match self.conn.close_deadline() {
            Some((_, reason)) => reason,
            None => CloseReason::Local,
        };
        self.wire.goodbye(&mut self.conn, outbox);
        let _ = self.conn.flush(&self.registry);
        self.conn.close(&self.registry);
        outbox.emit(Event::Disconnected {
            peer: self.conn.peer(),
            reason,
        });
    }
}

//! The WebSocket wire, clients and servers alike: bytes go out as one
//! message of the chosen kind, a file as binary messages, a connection we
//! close is told why with a close frame, and the wire's own commands
//! (close with a code, ping, the message kind).

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use mio::{Registry, Token};

use super::client::close_problem;
use super::conn::WsConn;
use super::event::{MessageKind, WsProblem};
use crate::net::file_send::{FileSend, MessageTargets, Pump, QUEUE_LOW_WATER_BYTES};
use crate::net::wire::{Conn, ConnSet, ReadSink, Wire};
use crate::net::{CloseReason, Command, Event, Outbox, SessionError, Target};

pub(in crate::net) struct WsWire {
    /// How sent bytes become messages (`Command::SetWsMessageKind`).
    pub(in crate::net) kind: MessageKind,
}

/// The connections a file goes to, as the target of messages.
struct FileToConns<'a> {
    conns: Vec<&'a mut WsConn>,
    registry: &'a Registry,
}

impl MessageTargets for FileToConns<'_> {
    fn has_room(&self) -> bool {
        self.conns
            .iter()
            .all(|conn| conn.queued() < QUEUE_LOW_WATER_BYTES)
    }

    fn send(&mut self, message: Vec<u8>) -> Result<(), SessionError> {
        for conn in &mut self.conns {
            conn.send(MessageKind::Binary, message.clone(), self.registry)?;
        }
        Ok(())
    }
}

impl Wire for WsWire {
    type Conn = WsConn;

    /// Sends one message (text only when the bytes are UTF-8).
    fn send(
        &self,
        conn: &mut WsConn,
        bytes: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError> {
        conn.send(self.kind, bytes, registry)
    }

    fn pump_file(
        &self,
        file: &mut FileSend,
        targets: Vec<&mut WsConn>,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let mut targets = FileToConns {
            conns: targets,
            registry,
        };
        file.pump_messages(&mut targets, outbox)
    }

    /// "Going away" (1001), unless a close frame went out already.
    fn goodbye(&self, conn: &mut WsConn, outbox: &Outbox) {
        conn.start_close(1001, "going away", outbox);
    }

    fn refuse_held(&self, conn: &mut WsConn, budget: usize, shown: Option<u64>, outbox: &Outbox) {
        let problem = WsProblem::HeldTooMuch {
            budget,
            unshown: shown.unwrap_or(0),
        };
        conn.refuse(problem, shown.is_some(), outbox);
    }

    fn command(
        &mut self,
        command: Command,
        conns: &mut dyn ConnSet<WsConn>,
        outbox: &Outbox,
    ) -> Vec<(Token, CloseReason)> {
        let mut failed = Vec::new();
        match command {
            Command::WsClose { peer, code, reason } => {
                let to = match peer {
                    Some(peer) => Target::Peers(vec![peer]),
                    None => Target::Default,
                };
                for token in conns.targets(to, outbox).unwrap_or_default() {
                    let Some((conn, registry)) = conns.conn_mut(token) else {
                        continue;
                    };
                    if let Some(problem) = close_problem(conn.peer, code, &reason) {
                        outbox.emit(Event::Error(problem));
                        break;
                    }
                    conn.start_close(code, &reason, outbox);
                    if let Err(e) = conn.flush(registry) {
                        outbox.emit(Event::Error(SessionError::Send {
                            peer: conn.peer,
                            reason: e.to_string(),
                        }));
                        failed.push((token, CloseReason::Reset));
                    }
                    conns.closing(token);
                }
            }
            Command::WsPing(payload) => {
                for token in conns.targets(Target::Default, outbox).unwrap_or_default() {
                    let Some((conn, registry)) = conns.conn_mut(token) else {
                        continue;
                    };
                    if let Err(e) = conn.ping(payload.clone(), registry) {
                        outbox.emit(Event::Error(e));
                    }
                }
            }
            Command::SetWsMessageKind(kind) => self.kind = kind,
            _ => outbox.emit(Event::Error(SessionError::Unsupported)),
        }
        failed
    }
}

impl Conn for WsConn {
    const HALF_CLOSES: bool = false;

    fn peer(&self) -> SocketAddr {
        self.peer
    }

    fn queued(&self) -> usize {
        WsConn::queued(self)
    }

    fn held(&self) -> usize {
        WsConn::held(self)
    }

    fn read_paused(&self) -> bool {
        WsConn::read_paused(self)
    }

    fn more_to_read(&self) -> bool {
        WsConn::more_to_read(self)
    }

    fn close_deadline(&self) -> Option<(Instant, CloseReason)> {
        Some((WsConn::close_deadline(self)?, self.close_timeout_reason()))
    }

    fn is_closing(&self) -> bool {
        WsConn::is_closing(self)
    }

    fn read(
        &mut self,
        _buf: &mut [u8],
        outbox: &Outbox,
        registry: &Registry,
        sink: &mut dyn ReadSink,
    ) -> Option<CloseReason> {
        self.read_available(outbox, registry, sink)
    }

    fn opened_at(&mut self, at_us: i64) {
        WsConn::opened_at(self, at_us);
    }

    fn flush(&mut self, registry: &Registry) -> io::Result<()> {
        WsConn::flush(self, registry)
    }

    fn close(&mut self, registry: &Registry) {
        WsConn::close(self, registry);
    }
}

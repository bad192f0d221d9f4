//! What the WebSocket server does its own way in the one server loop:
//! a connection starts with its opening handshake, bytes go out as
//! messages of the chosen kind, a file as binary messages, a dropped
//! client is told why with a close frame, and its own commands (close a
//! client with a code, ping).

use std::net::SocketAddr;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::WsServer;
use super::pending::WsPending;
use crate::net::file_send::{FileSend, MessageTargets, Pump, QUEUE_LOW_WATER_BYTES};
use crate::net::server::{ClientTable, ServerKind, Started};
use crate::net::ws::client::close_problem;
use crate::net::ws::conn::WsConn;
use crate::net::ws::event::{MessageKind, WsProblem};
use crate::net::{CloseReason, Command, Event, Outbox, SessionError, Target};

/// The clients a file goes to, as the target of messages.
struct FileToClients<'a> {
    clients: Vec<&'a mut WsConn>,
    registry: &'a Registry,
}

impl MessageTargets for FileToClients<'_> {
    fn has_room(&self) -> bool {
        self.clients
            .iter()
            .all(|conn| conn.queued() < QUEUE_LOW_WATER_BYTES)
    }

    fn send(&mut self, message: Vec<u8>) -> Result<(), SessionError> {
        for conn in &mut self.clients {
            conn.send(MessageKind::Binary, message.clone(), self.registry)?;
        }
        Ok(())
    }
}

impl ServerKind for WsServer {
    type Client = WsConn;
    type Pending = WsPending;

    // The handshake's answer is written as the socket takes it.
    const START_INTEREST: Interest = Interest::READABLE.add(Interest::WRITABLE);

    fn start(
        &mut self,
        stream: TcpStream,
        peer: SocketAddr,
        local: SocketAddr,
        _token: Token,
        outbox: &Outbox,
    ) -> Option<Started<WsConn, WsPending>> {
        self.start_pending(stream, peer, local, outbox)
            .map(Started::Handshake)
    }

    /// Sends one message (text only when the bytes are UTF-8).
    fn send(
        &self,
        client: &mut WsConn,
        bytes: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError> {
        client.send(self.kind, bytes, registry)
    }

    fn pump_file(
        &self,
        file: &mut FileSend,
        targets: Vec<&mut WsConn>,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let mut targets = FileToClients {
            clients: targets,
            registry,
        };
        file.pump_messages(&mut targets, outbox)
    }

    /// "Going away" (1001), unless a close frame went out already.
    fn goodbye(&self, client: &mut WsConn, outbox: &Outbox) {
        client.start_close(1001, "going away", outbox);
    }

    fn refuse_held(&self, client: &mut WsConn, budget: usize, shown: Option<u64>, outbox: &Outbox) {
        let problem = WsProblem::HeldTooMuch {
            budget,
            unshown: shown.unwrap_or(0),
        };
        client.refuse(problem, shown.is_some(), outbox);
    }

    fn command(
        &mut self,
        command: Command,
        table: &mut ClientTable<WsConn>,
        outbox: &Outbox,
    ) -> Vec<(Token, CloseReason)> {
        let mut failed = Vec::new();
        match command {
            Command::WsClose { peer, code, reason } => {
                let to = match peer {
                    Some(peer) => Target::Peers(vec![peer]),
                    None => Target::Default,
                };
                for token in table.target_tokens(to, outbox).unwrap_or_default() {
                    let Some(conn) = table.clients.get_mut(&token) else {
                        continue;
                    };
                    if let Some(problem) = close_problem(conn.peer, code, &reason) {
                        outbox.emit(Event::Error(problem));
                        break;
                    }
                    conn.start_close(code, &reason, outbox);
                    if conn.flush(&table.registry).is_err() {
                        failed.push((token, CloseReason::Reset));
                    }
                    table.closing(token);
                }
            }
            Command::WsPing(payload) => {
                for token in table
                    .target_tokens(Target::Default, outbox)
                    .unwrap_or_default()
                {
                    let Some(conn) = table.clients.get_mut(&token) else {
                        continue;
                    };
                    if let Err(e) = conn.ping(payload.clone(), &table.registry) {
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

//! The WebSocket server's side of the session core: sending to a
//! [`Target`] (one client, several, or all), answering, a file as binary
//! messages to the target clients, and its own commands (close a client
//! with a code, ping).

use std::collections::HashMap;
use std::net::SocketAddr;

use mio::{Registry, Token};

use super::Server;
use crate::clock::now_ms;
use crate::net::file_send::{FileSend, MessageTargets, Pump, QUEUE_LOW_WATER_BYTES};
use crate::net::session_core::{Flow, Inbox, Transport};
use crate::net::ws::client::close_problem;
use crate::net::ws::conn::WsConn;
use crate::net::ws::event::MessageKind;
use crate::net::{CloseReason, Command, Event, Outbox, SessionError, Target};

/// The clients a file goes to, as the target of messages.
struct FileToClients<'a> {
    clients: &'a mut HashMap<Token, WsConn>,
    targets: &'a [Token],
    registry: &'a Registry,
}

impl MessageTargets for FileToClients<'_> {
    fn has_room(&self) -> bool {
        self.targets.iter().all(|token| {
            self.clients
                .get(token)
                .is_none_or(|conn| conn.queued() < QUEUE_LOW_WATER_BYTES)
        })
    }

    fn send(&mut self, message: Vec<u8>) -> Result<(), SessionError> {
        for token in self.targets {
            if let Some(conn) = self.clients.get_mut(token) {
                conn.send(MessageKind::Binary, message.clone(), self.registry)?;
            }
        }
        Ok(())
    }
}

impl Transport for Server {
    type FileTargets = Vec<Token>;

    /// Sends one message to each target client; false when it reached none.
    fn send(&mut self, to: Target, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) -> bool {
        let Some(tokens) = self.target_tokens(to, outbox) else {
            return false;
        };
        let mut sent_to = Vec::with_capacity(tokens.len());
        let mut failed = Vec::new();
        for token in tokens {
            let Some(conn) = self.clients.get_mut(&token) else {
                continue;
            };
            match conn.send(self.kind, bytes.clone(), &self.registry) {
                Ok(()) => sent_to.push(conn.peer),
                Err(e @ (SessionError::QueueFull { .. } | SessionError::Send { .. }))
                    if conn.is_closing() || matches!(e, SessionError::QueueFull { .. }) =>
                {
                    outbox.emit(Event::Error(e));
                }
                Err(e) => {
                    outbox.emit(Event::Error(e));
                    failed.push(token);
                }
            }
        }
        for token in failed {
            self.drop_client(token, CloseReason::Reset, inbox, outbox);
        }
        if sent_to.is_empty() {
            return false;
        }
        outbox.emit_sent(now_ms(), sent_to, bytes);
        true
    }

    /// Answers a client, unless it left meanwhile.
    fn reply(&mut self, peer: SocketAddr, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) {
        if self.by_peer.contains_key(&peer) {
            self.send(Target::Peers(vec![peer]), bytes, inbox, outbox);
        }
    }

    fn file_targets(&mut self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        self.target_tokens(to, outbox)
    }

    /// Feeds the target clients while every one of them drains; clients
    /// that left are dropped from the targets, and the file ends when
    /// none is left.
    fn pump_file(
        &mut self,
        file: &mut FileSend,
        targets: &Vec<Token>,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let present: Vec<Token> = targets
            .iter()
            .copied()
            .filter(|token| self.clients.contains_key(token))
            .collect();
        if present.is_empty() {
            return Err(SessionError::FileInterrupted);
        }
        let mut targets = FileToClients {
            clients: &mut self.clients,
            targets: &present,
            registry: &self.registry,
        };
        file.pump_messages(&mut targets, outbox)
    }

    fn command(&mut self, command: Command, inbox: &mut Inbox, outbox: &Outbox) -> Flow {
        match command {
            Command::Disconnect(peer) => match self.by_peer.get(&peer).copied() {
                Some(token) => {
                    if let Some(conn) = self.clients.get_mut(&token) {
                        conn.close_now(outbox, &self.registry);
                    }
                    self.drop_client(token, CloseReason::Local, inbox, outbox);
                }
                None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
            },
            Command::WsClose { peer, code, reason } => {
                let tokens = match peer {
                    Some(peer) => self.target_tokens(Target::Peers(vec![peer]), outbox),
                    None => self.target_tokens(Target::Default, outbox),
                };
                for token in tokens.unwrap_or_default() {
                    let Some(conn) = self.clients.get_mut(&token) else {
                        continue;
                    };
                    if let Some(problem) = close_problem(conn.peer, code, &reason) {
                        outbox.emit(Event::Error(problem));
                        break;
                    }
                    conn.start_close(code, &reason, outbox);
                    let flushed = conn.flush(&self.registry);
                    self.closing.insert(token);
                    if flushed.is_err() {
                        self.drop_client(token, CloseReason::Reset, inbox, outbox);
                    }
                }
            }
            Command::WsPing(payload) => {
                for token in self
                    .target_tokens(Target::Default, outbox)
                    .unwrap_or_default()
                {
                    let Some(conn) = self.clients.get_mut(&token) else {
                        continue;
                    };
                    if let Err(e) = conn.ping(payload.clone(), &self.registry) {
                        outbox.emit(Event::Error(e));
                    }
                }
            }
            Command::SetWsMessageKind(kind) => self.kind = kind,
            _ => outbox.emit(Event::Error(SessionError::Unsupported)),
        }
        Flow::Continue
    }

    fn close(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        for (_, mut pending) in self.pending.drain() {
            let stream = pending.mid.get_mut().get_mut();
            let _ = self.registry.deregister(stream.tcp());
            stream.shutdown();
        }
        let tokens: Vec<Token> = self.clients.keys().copied().collect();
        for token in tokens {
            if let Some(conn) = self.clients.get_mut(&token) {
                conn.close_now(outbox, &self.registry);
            }
            self.drop_client(token, CloseReason::Local, inbox, outbox);
        }
    }
}

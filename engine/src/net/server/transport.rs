//! A server as the session core's transport: sending to a [`Target`]
//! (one client, several, or all), answering, feeding a file to the target
//! clients, dropping a client, and closing, the same for every kind.

use std::net::SocketAddr;

use mio::Token;

use super::super::file_send::{FileSend, Pump};
use super::super::session_core::{Flow, Inbox, Transport};
use super::super::wire::{Conn, Wire};
use super::super::{CloseReason, Command, Event, Outbox, SessionError, Target};
use super::{ConnOf, Server, ServerKind};
use crate::clock::now_ms;

/// Answers a client, unless it left meanwhile.
pub(super) fn reply<K: ServerKind>(
    server: &mut Server<K>,
    peer: SocketAddr,
    bytes: Vec<u8>,
    inbox: &mut Inbox,
    outbox: &Outbox,
) {
    if server.table.token_of(peer).is_some() {
        server.send(Target::Peers(vec![peer]), bytes, inbox, outbox);
    }
}

impl<K: ServerKind> Transport for Server<K> {
    type FileTargets = Vec<Token>;

    /// Sends to the target clients; false when it reached none. A client
    /// whose send failed is dropped, unless only its queue was full or it
    /// is closing already.
    fn send(&mut self, to: Target, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) -> bool {
        let Some(tokens) = self.table.target_tokens(to, outbox) else {
            return false;
        };
        let mut sent_to = Vec::with_capacity(tokens.len());
        let mut failed = Vec::new();
        for token in tokens {
            let Some(client) = self.table.clients.get_mut(&token) else {
                continue;
            };
            match self.wire.send(client, bytes.clone(), &self.table.registry) {
                Ok(()) => sent_to.push(client.peer()),
                Err(e @ SessionError::QueueFull { .. }) => outbox.emit(Event::Error(e)),
                Err(e) if client.is_closing() => outbox.emit(Event::Error(e)),
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

    fn reply(&mut self, peer: SocketAddr, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) {
        reply(self, peer, bytes, inbox, outbox);
    }

    fn file_targets(&mut self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        self.table.target_tokens(to, outbox)
    }

    /// Feeds the target clients while every one of them drains. Clients
    /// that left are dropped from the targets; the file goes on to the
    /// others, and ends when none is left.
    fn pump_file(
        &mut self,
        file: &mut FileSend,
        targets: &Vec<Token>,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let clients: Vec<&mut ConnOf<K>> = self
            .table
            .clients
            .iter_mut()
            .filter(|(token, _)| targets.contains(token))
            .map(|(_, client)| client)
            .collect();
        if clients.is_empty() {
            return Err(SessionError::FileInterrupted);
        }
        self.wire
            .pump_file(file, clients, &self.table.registry, outbox)
    }

    fn command(&mut self, command: Command, inbox: &mut Inbox, outbox: &Outbox) -> Flow {
        match command {
            Command::Disconnect(peer) => match self.table.token_of(peer) {
                Some(token) => self.say_goodbye_and_drop(token, inbox, outbox),
                None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
            },
            other => {
                for (token, reason) in self.wire.command(other, &mut self.table, outbox) {
                    self.drop_client(token, reason, inbox, outbox);
                }
            }
        }
        Flow::Continue
    }

    fn close(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        self.handshakes.close_all(&self.table.registry);
        let tokens: Vec<Token> = self.table.clients.keys().copied().collect();
        for token in tokens {
            self.say_goodbye_and_drop(token, inbox, outbox);
        }
    }
}

impl<K: ServerKind> Server<K> {
    /// Drops a client at the user's word (or as the server closes), after
    /// its kind's goodbye.
    fn say_goodbye_and_drop(&mut self, token: Token, inbox: &mut Inbox, outbox: &Outbox) {
        if let Some(client) = self.table.clients.get_mut(&token) {
            self.wire.goodbye(client, outbox);
        }
        self.drop_client(token, CloseReason::Local, inbox, outbox);
    }
}

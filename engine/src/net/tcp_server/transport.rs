//! The TCP server as the session core's transport: sending to clients,
//! answering them, and feeding them a file.

use std::collections::HashMap;
use std::net::SocketAddr;

use mio::Token;

use super::super::conn::Connection;
use super::super::file_send::{FileSend, Pump};
use super::super::session_core::{Flow, Inbox, Transport};
use super::super::{CloseReason, Command, Event, Outbox, SessionError, Target};
use super::clients::Server;
use crate::clock::now_ms;

impl Server {
    /// The clients a target means now ([`target_tokens`]).
    fn target_tokens(&self, to: Target, outbox: &Outbox) -> Option<Vec<Token>> {
        target_tokens(to, self.clients.keys().copied(), &self.by_peer, outbox)
    }
}

/// The clients a target means now, of a server with these clients; `None`
/// when it means none (and why was reported). The one rule of the TCP,
/// TLS and WebSocket servers: `Default` is every client, and a peer that
/// is not a client is said.
pub(in crate::net) fn target_tokens(
    to: Target,
    clients: impl ExactSizeIterator<Item = Token>,
    by_peer: &HashMap<SocketAddr, Token>,
    outbox: &Outbox,
) -> Option<Vec<Token>> {
    let no_clients = clients.len() == 0;
    let tokens: Vec<Token> = match to {
        Target::Default => clients.collect(),
        Target::Peers(peers) => {
            let mut tokens = Vec::with_capacity(peers.len());
            for peer in peers {
                match by_peer.get(&peer) {
                    Some(token) => tokens.push(*token),
                    None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
                }
            }
            tokens
        }
    };
    if tokens.is_empty() {
        if no_clients {
            outbox.emit(Event::Error(SessionError::NoClients));
        }
        return None;
    }
    Some(tokens)
}

impl Transport for Server {
    type FileTargets = Vec<Token>;

    /// Sends to the target clients; false when it reached none.
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
            match conn.send(bytes.clone(), &self.registry) {
                Ok(()) => sent_to.push(conn.peer),
                Err(e @ SessionError::QueueFull { .. }) => outbox.emit(Event::Error(e)),
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

    /// Feeds the target clients while every one of them drains. Clients
    /// that left are dropped from the targets; the file goes on to the
    /// others, and ends when none is left.
    fn pump_file(
        &mut self,
        file: &mut FileSend,
        targets: &Vec<Token>,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let mut connections: Vec<&mut Connection> = self
            .clients
            .iter_mut()
            .filter(|(token, _)| targets.contains(token))
            .map(|(_, conn)| conn)
            .collect();
        if connections.is_empty() {
            return Err(SessionError::FileInterrupted);
        }
        file.pump_tcp(&mut connections, &self.registry, outbox)
    }

    fn command(&mut self, command: Command, inbox: &mut Inbox, outbox: &Outbox) -> Flow {
        match command {
            Command::Disconnect(peer) => match self.by_peer.get(&peer).copied() {
                Some(token) => self.drop_client(token, CloseReason::Local, inbox, outbox),
                None => outbox.emit(Event::Error(SessionError::UnknownClient { peer })),
            },
            _ => outbox.emit(Event::Error(SessionError::Unsupported)),
        }
        Flow::Continue
    }

    fn close(&mut self, inbox: &mut Inbox, outbox: &Outbox) {
        self.drop_handshakes();
        let tokens: Vec<Token> = self.clients.keys().copied().collect();
        for token in tokens {
            self.drop_client(token, CloseReason::Local, inbox, outbox);
        }
    }
}

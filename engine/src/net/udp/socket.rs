//! The UDP transport: one bound socket, datagrams queued while the kernel
//! cannot take them, and what the session core asks of a transport.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;

use mio::net::UdpSocket;
use mio::{Interest, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::super::file_send::{FileSend, Pump};
use super::super::session_core::{Flow, Inbox, Transport};
use super::super::{Command, Endpoint, Event, Outbox, SessionError, Target};
use super::drops::Drops;
use super::membership;
use crate::clock::now_ms;

pub const SOCKET: Token = Token(0);
/// A large receive buffer lets bursts wait in the kernel while the thread
/// hands a batch to the front end.
const RECV_BUFFER_BYTES: usize = 8 << 20;
/// Datagrams that may wait for the kernel before sends are refused.
const MAX_PENDING_DATAGRAMS: usize = 16_384;
/// File datagrams sent per pass, so that commands and received data are
/// served while a file goes out.
const FILE_DATAGRAMS_PER_PASS: usize = 256;

/// Binds as the user asked: `[::]` takes IPv4 too, broadcast only when
/// asked. A multicast receiver shares its port with other receivers of the
/// same group on this machine, as multicast tools expect.
pub fn bind(
    local: SocketAddr,
    broadcast: bool,
    multicast: bool,
) -> Result<std::net::UdpSocket, SessionError> {
    let socket = Socket::new(Domain::for_address(local), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| SessionError::bind(local, &e))?;
    if local.is_ipv6() {
        let _ = socket.set_only_v6(false);
    }
    if multicast {
        let _ = socket.set_reuse_address(true);
    }
    if broadcast {
        socket
            .set_broadcast(true)
            .map_err(|e| SessionError::io("cannot allow broadcast", &e))?;
    }
    let _ = socket.set_recv_buffer_size(RECV_BUFFER_BYTES);
    socket
        .bind(&local.into())
        .map_err(|e| SessionError::bind(local, &e))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| SessionError::io("cannot configure the socket", &e))?;
    Ok(socket.into())
}

pub struct Udp {
    pub socket: UdpSocket,
    pub local: SocketAddr,
    pub remote: Option<SocketAddr>,
    pub reply_to_last_sender: bool,
    pub last_sender: Option<SocketAddr>,
    /// Datagrams not kept because the front end was behind.
    pub drops: Drops,
    /// Datagrams the kernel could not take yet.
    pending: VecDeque<(SocketAddr, Vec<u8>)>,
    writable_registered: bool,
}

impl Udp {
    pub fn new(socket: UdpSocket, local: SocketAddr, reply_to_last_sender: bool) -> Udp {
        Udp {
            socket,
            local,
            remote: None,
            reply_to_last_sender,
            last_sender: None,
            drops: Drops::default(),
            pending: VecDeque::new(),
            writable_registered: false,
        }
    }

    pub fn set_remote(&mut self, remote: Option<&Endpoint>, outbox: &Outbox) {
        self.remote = None;
        if let Some(remote) = remote {
            match remote.resolve_for(self.local) {
                Ok(addr) => self.remote = Some(addr),
                Err(e) => outbox.emit(Event::Error(e.into())),
            }
        }
    }

    /// The peers a target means now; `None` (and an error event) when the
    /// default target has no address yet.
    fn resolve_target(&self, to: Target, outbox: &Outbox) -> Option<Vec<SocketAddr>> {
        match to {
            Target::Peers(peers) => Some(peers),
            Target::Default => {
                let reply = if self.reply_to_last_sender {
                    self.last_sender.or(self.remote)
                } else {
                    self.remote.or(self.last_sender)
                };
                if reply.is_none() {
                    outbox.emit(Event::Error(SessionError::NoRemote));
                }
                reply.map(|peer| vec![peer])
            }
        }
    }

    /// Sends one datagram to each peer, queueing it when the kernel cannot
    /// take it yet; returns who got it and what went wrong for the others.
    fn send_datagrams(
        &mut self,
        peers: &[SocketAddr],
        bytes: &[u8],
    ) -> (Vec<SocketAddr>, Vec<SessionError>) {
        let mut sent_to = Vec::with_capacity(peers.len());
        let mut errors = Vec::new();
        for &peer in peers {
            if self.pending.len() >= MAX_PENDING_DATAGRAMS {
                errors.push(SessionError::QueueFull {
                    peer,
                    queued: self.pending.iter().map(|(_, b)| b.len()).sum(),
                });
                continue;
            }
            if !self.pending.is_empty() {
                self.pending.push_back((peer, bytes.to_vec()));
                sent_to.push(peer);
                continue;
            }
            match self.socket.send_to(bytes, peer) {
                Ok(_) => sent_to.push(peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.pending.push_back((peer, bytes.to_vec()));
                    sent_to.push(peer);
                }
                Err(e) => errors.push(send_error(peer, &e)),
            }
        }
        (sent_to, errors)
    }

    pub fn flush_pending(&mut self, outbox: &Outbox) {
        while let Some((peer, bytes)) = self.pending.front() {
            match self.socket.send_to(bytes, *peer) {
                Ok(_) => {
                    self.pending.pop_front();
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    outbox.emit(Event::Error(send_error(*peer, &e)));
                    self.pending.pop_front();
                }
            }
        }
    }

    pub fn update_interest(&mut self, poll: &mio::Poll) {
        let want = !self.pending.is_empty();
        if want != self.writable_registered {
            let interest = if want {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            if poll
                .registry()
                .reregister(&mut self.socket, SOCKET, interest)
                .is_ok()
            {
                self.writable_registered = want;
            }
        }
    }
}

impl Transport for Udp {
    type FileTargets = Vec<SocketAddr>;

    fn send(&mut self, to: Target, bytes: Vec<u8>, _inbox: &mut Inbox, outbox: &Outbox) -> bool {
        let Some(peers) = self.resolve_target(to, outbox) else {
            return false;
        };
        let (sent_to, errors) = self.send_datagrams(&peers, &bytes);
        for error in errors {
            outbox.emit(Event::Error(error));
        }
        if sent_to.is_empty() {
            return false;
        }
        outbox.emit_sent(now_ms(), sent_to, bytes);
        true
    }

    fn file_targets(&mut self, to: Target, outbox: &Outbox) -> Option<Vec<SocketAddr>> {
        self.resolve_target(to, outbox)
    }

    /// Sends the next datagrams of a file while the kernel takes them at
    /// once; the first failure ends the file send (one error, not one per
    /// datagram).
    fn pump_file(
        &mut self,
        file: &mut FileSend,
        peers: &Vec<SocketAddr>,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        for _ in 0..FILE_DATAGRAMS_PER_PASS {
            if !self.pending.is_empty() {
                return Ok(Pump::Blocked);
            }
            let Some(chunk) = file.read_chunk(file.datagram_bytes)? else {
                return Ok(Pump::Done);
            };
            let (_, mut errors) = self.send_datagrams(peers, &chunk);
            if !errors.is_empty() {
                return Err(errors.swap_remove(0));
            }
            file.record(chunk.len(), outbox);
        }
        Ok(Pump::More)
    }

    fn command(&mut self, command: Command, _inbox: &mut Inbox, outbox: &Outbox) -> Flow {
        match command {
            Command::SetRemote(remote) => self.set_remote(remote.as_ref(), outbox),
            Command::SetReplyToLastSender(on) => self.reply_to_last_sender = on,
            Command::JoinGroup(join) => {
                membership::change(&self.socket, self.local, join, true, outbox);
            }
            Command::LeaveGroup(join) => {
                membership::change(&self.socket, self.local, join, false, outbox);
            }
            _ => outbox.emit(Event::Error(SessionError::Unsupported)),
        }
        Flow::Continue
    }

    fn close(&mut self, _inbox: &mut Inbox, outbox: &Outbox) {
        self.drops.report_last(outbox);
    }
}

fn send_error(peer: SocketAddr, error: &io::Error) -> SessionError {
    let is_broadcast = match peer.ip() {
        std::net::IpAddr::V4(ip) => ip.is_broadcast() || ip.octets()[3] == 255,
        std::net::IpAddr::V6(_) => false,
    };
    if error.kind() == io::ErrorKind::PermissionDenied && is_broadcast {
        SessionError::BroadcastNotAllowed { peer }
    } else {
        SessionError::Send {
            peer,
            reason: error.to_string(),
        }
    }
}

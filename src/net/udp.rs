//! A UDP session: one bound socket, every datagram logged with its sender.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::conn::Batch;
use super::looper::{self, LoopSend};
use super::{Command, Endpoint, Event, SessionError, Target, UdpConfig, WorkerContext};
use crate::log::now_ms;

const SOCKET: Token = Token(0);
/// A large receive buffer lets bursts wait in the kernel while the thread
/// hands a batch to the front end.
const RECV_BUFFER_BYTES: usize = 8 << 20;
/// Datagrams read before commands are looked at again, so that Close and
/// Send are served during a flood.
const READS_PER_PASS: usize = 8192;
/// Datagrams that may wait for the kernel before sends are refused.
const MAX_PENDING_DATAGRAMS: usize = 16_384;

/// Binds as the user asked: `[::]` takes IPv4 too, broadcast only when asked.
pub fn bind(local: SocketAddr, broadcast: bool) -> Result<std::net::UdpSocket, SessionError> {
    let socket = Socket::new(Domain::for_address(local), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| SessionError::bind(local, &e))?;
    if local.is_ipv6() {
        let _ = socket.set_only_v6(false);
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

struct Udp {
    socket: UdpSocket,
    local: SocketAddr,
    remote: Option<SocketAddr>,
    reply_to_last_sender: bool,
    last_sender: Option<SocketAddr>,
    /// Datagrams the kernel could not take yet.
    pending: VecDeque<(SocketAddr, Vec<u8>)>,
    writable_registered: bool,
}

pub fn run(config: UdpConfig, context: WorkerContext) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    let std_socket = bind(config.local, config.broadcast)?;
    let local = std_socket
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the bound address", &e))?;
    let mut udp = Udp {
        socket: UdpSocket::from_std(std_socket),
        local,
        remote: None,
        reply_to_last_sender: config.reply_to_last_sender,
        last_sender: None,
        pending: VecDeque::new(),
        writable_registered: false,
    };
    poll.registry()
        .register(&mut udp.socket, SOCKET, Interest::READABLE)
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    outbox.emit(Event::Opened { local });
    if let Some(remote) = &config.remote {
        udp.set_remote(Some(remote), &outbox);
    }

    let mut events = Events::with_capacity(64);
    let mut buf = vec![0u8; 65_536];
    let mut batch = Batch::default();
    // Set when a read pass stopped early because datagrams kept coming:
    // the next poll must not wait, but commands get their turn first.
    let mut more_to_read = false;
    let mut looping: Option<LoopSend> = None;
    loop {
        let timeout = if more_to_read {
            Some(Duration::ZERO)
        } else {
            looper::poll_timeout(&looping, Instant::now())
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the socket failed", &e));
        }
        for event in events.iter() {
            if event.token() == SOCKET && event.is_writable() {
                udp.flush_pending(&outbox);
            }
        }
        // Read first so that a reply to the last sender knows who that is.
        more_to_read = false;
        for read_count in 0.. {
            if read_count == READS_PER_PASS {
                more_to_read = true;
                break;
            }
            match udp.socket.recv_from(&mut buf) {
                Ok((n, peer)) => {
                    udp.last_sender = Some(peer);
                    batch.push(peer, buf[..n].to_vec(), &outbox);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Windows reports an ICMP "port unreachable" for an earlier
                // send as a reset on the next receive; the socket is fine.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
                Err(e) => {
                    batch.flush(&outbox);
                    outbox.emit(Event::Error(SessionError::io("receiving failed", &e)));
                    break;
                }
            }
        }
        batch.flush(&outbox);
        while let Ok(command) = commands.try_recv() {
            let Some(command) = looper::apply_command(&mut looping, command, &outbox) else {
                continue;
            };
            match command {
                Command::Send { to, bytes } => {
                    udp.send(to, bytes, &outbox);
                }
                Command::SetRemote(remote) => udp.set_remote(remote.as_ref(), &outbox),
                Command::Disconnect(_) | Command::CancelTransfer(_) => {
                    outbox.emit(Event::Error(SessionError::Unsupported));
                }
                Command::Close => return Ok(()),
                Command::StartLoop { .. } | Command::StopLoop => {}
            }
        }
        looper::run_due(&mut looping, &outbox, |to, bytes| {
            udp.send(to, bytes, &outbox)
        });
        udp.update_interest(&poll);
    }
}

impl Udp {
    fn set_remote(&mut self, remote: Option<&Endpoint>, outbox: &super::Outbox) {
        self.remote = None;
        if let Some(remote) = remote {
            match remote.resolve_for(self.local) {
                Ok(addr) => self.remote = Some(addr),
                Err(e) => outbox.emit(Event::Error(e.into())),
            }
        }
    }

    /// Sends to the target; false when it went nowhere.
    fn send(&mut self, to: Target, bytes: Vec<u8>, outbox: &super::Outbox) -> bool {
        let peers = match to {
            Target::Peers(peers) => peers,
            Target::Default => {
                let reply = if self.reply_to_last_sender {
                    self.last_sender.or(self.remote)
                } else {
                    self.remote.or(self.last_sender)
                };
                match reply {
                    Some(peer) => vec![peer],
                    None => {
                        outbox.emit(Event::Error(SessionError::NoRemote));
                        return false;
                    }
                }
            }
        };
        let mut sent_to = Vec::with_capacity(peers.len());
        for peer in peers {
            if self.pending.len() >= MAX_PENDING_DATAGRAMS {
                outbox.emit(Event::Error(SessionError::QueueFull {
                    peer,
                    queued: self.pending.iter().map(|(_, b)| b.len()).sum(),
                }));
                continue;
            }
            if !self.pending.is_empty() {
                self.pending.push_back((peer, bytes.clone()));
                sent_to.push(peer);
                continue;
            }
            match self.socket.send_to(&bytes, peer) {
                Ok(_) => sent_to.push(peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.pending.push_back((peer, bytes.clone()));
                    sent_to.push(peer);
                }
                Err(e) => outbox.emit(Event::Error(send_error(peer, &e))),
            }
        }
        if sent_to.is_empty() {
            return false;
        }
        outbox.emit(Event::Sent {
            at_ms: now_ms(),
            to: sent_to,
            bytes,
        });
        true
    }

    fn flush_pending(&mut self, outbox: &super::Outbox) {
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

    fn update_interest(&mut self, poll: &mio::Poll) {
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

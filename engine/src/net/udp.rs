//! A UDP session: one bound socket, every datagram logged with its sender.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Token};
use socket2::{Domain, Protocol, SockRef, Socket, Type};

use super::conn::Batch;
use super::file_send::{self, FileSend, Pump};
use super::looper::{self, LoopSend};
use super::multicast::{self, ResolvedJoin};
use super::recv_batch::RecvBatch;
use super::responder::{self, Responder};
use super::{
    Answers, Command, Endpoint, Event, MulticastJoin, SessionError, Target, UdpConfig,
    WorkerContext,
};
use crate::clock::now_ms;

const SOCKET: Token = Token(0);
/// A large receive buffer lets bursts wait in the kernel while the thread
/// hands a batch to the front end.
const RECV_BUFFER_BYTES: usize = 8 << 20;
/// Datagrams read before commands are looked at again, so that Close and
/// Send are served during a flood.
const READS_PER_PASS: usize = 8192;
/// While datagrams keep coming, the thread reads at most once in this
/// long and takes everything that arrived meanwhile in one pass. Waking
/// for each datagram costs more than receiving it, and the sender pays
/// for each wake-up too: at this pace a flood costs 5,000 wake-ups a
/// second, and a datagram waits at most this long, far less than a frame
/// of the window. Datagrams further apart than this are read at once.
const FLOOD_READ_INTERVAL: Duration = Duration::from_micros(200);
/// A read pass that found this many datagrams means the thread is behind:
/// it reads again at once rather than let the kernel's buffer fill.
const FLOOD_BEHIND_DATAGRAMS: usize = 256;
/// Datagrams that may wait for the kernel before sends are refused.
const MAX_PENDING_DATAGRAMS: usize = 16_384;
/// File datagrams sent per pass, so that commands and received data are
/// served while a file goes out.
const FILE_DATAGRAMS_PER_PASS: usize = 256;
/// While datagrams are not kept (the front end is behind), the count is
/// reported at most this often: a line a second, not a line per datagram.
pub const DROP_REPORT_INTERVAL: Duration = Duration::from_secs(1);

/// Datagrams not kept because the front end was behind, and how far they
/// were reported.
#[derive(Default)]
struct Drops {
    datagrams: u64,
    bytes: u64,
    reported: u64,
    /// When a report was last sent or tried.
    last_try: Option<Instant>,
}

impl Drops {
    fn count(&mut self, len: usize) {
        self.datagrams += 1;
        self.bytes += len as u64;
    }

    /// Reports the totals when they changed and the last report is old
    /// enough (and taken: see [`super::Outbox::emit_dropped`]).
    fn report_if_due(&mut self, outbox: &super::Outbox, now: Instant) {
        if self.datagrams == self.reported
            || self
                .last_try
                .is_some_and(|at| now.duration_since(at) < DROP_REPORT_INTERVAL)
        {
            return;
        }
        self.last_try = Some(now);
        if outbox.emit_dropped(self.datagrams, self.bytes, false) {
            self.reported = self.datagrams;
        }
    }

    /// The last report, before the session ends, whatever waits.
    fn report_last(&mut self, outbox: &super::Outbox) {
        if self.datagrams != self.reported {
            outbox.emit_dropped(self.datagrams, self.bytes, true);
            self.reported = self.datagrams;
        }
    }

    /// How long the loop may sleep before a report is due.
    fn report_wait(&self, now: Instant) -> Option<Duration> {
        if self.datagrams == self.reported {
            return None;
        }
        Some(self.last_try.map_or(Duration::ZERO, |at| {
            DROP_REPORT_INTERVAL.saturating_sub(now.duration_since(at))
        }))
    }
}

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

pub fn run(
    config: UdpConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    let std_socket = bind(config.local, config.broadcast, !config.multicast.is_empty())?;
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
    let joined: Vec<ResolvedJoin> = config
        .multicast
        .iter()
        .filter_map(|join| udp.change_membership(*join, true, &outbox))
        .collect();
    if let Err(e) = multicast::configure_sending(
        SockRef::from(&udp.socket),
        local,
        config.multicast_ttl,
        config.multicast_loop,
        &joined,
    ) {
        outbox.emit(Event::Error(e));
    }

    let mut events = Events::with_capacity(64);
    let mut received = RecvBatch::default();
    let mut batch = Batch::default();
    // Set when a read pass stopped early because datagrams kept coming:
    // the next poll must not wait, but commands get their turn first.
    let mut more_to_read = false;
    let mut looping: Option<LoopSend> = None;
    let mut responder = Responder::new(answers, local);
    let mut replies: Vec<(SocketAddr, Vec<u8>)> = Vec::new();
    let mut file: Option<(FileSend, Vec<SocketAddr>)> = None;
    let mut more_file = false;
    // When the last read pass that found datagrams began, if it was not
    // behind (see FLOOD_READ_INTERVAL).
    let mut last_fruitful_read: Option<Instant> = None;
    let mut drops = Drops::default();
    loop {
        let now = Instant::now();
        let timeout = if more_to_read || more_file {
            Some(Duration::ZERO)
        } else {
            let loop_wait = looper::poll_timeout(&looping, now);
            let wait = match (loop_wait, drops.report_wait(now)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            responder::earlier_timeout(wait, responder.next_deadline())
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the socket failed", &e));
        }
        let mut readable = false;
        for event in events.iter() {
            if event.token() == SOCKET && event.is_writable() {
                udp.flush_pending(&outbox);
            }
            readable |= event.token() == SOCKET && event.is_readable();
        }
        if readable
            && !more_to_read
            && let Some(at) = last_fruitful_read
        {
            // A flood: let the datagrams gather (see FLOOD_READ_INTERVAL).
            let since = at.elapsed();
            if since < FLOOD_READ_INTERVAL {
                std::thread::sleep(FLOOD_READ_INTERVAL - since);
            }
        }
        let read_started = Instant::now();
        // Read first so that a reply to the last sender knows who that is.
        more_to_read = false;
        let mut read_count = 0;
        loop {
            if read_count >= READS_PER_PASS {
                more_to_read = true;
                break;
            }
            match received.recv(&udp.socket) {
                Ok(count) => {
                    for (bytes, peer) in (0..count).filter_map(|i| received.get(i)) {
                        udp.last_sender = Some(peer);
                        // A datagram the event budget has no room for is
                        // counted, not kept, and gets no auto-reply; the
                        // receive file still gets it, since the file does
                        // not wait for the front end.
                        if !outbox.fits(bytes.len()) {
                            outbox.write_rx(now_ms(), peer, bytes);
                            drops.count(bytes.len());
                            continue;
                        }
                        if let Some(reply) = responder.answer(peer, bytes, &outbox) {
                            replies.push((peer, reply));
                        }
                        batch.push(peer, bytes.to_vec(), &outbox);
                    }
                    last_fruitful_read =
                        (read_count < FLOOD_BEHIND_DATAGRAMS).then_some(read_started);
                    read_count += count;
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
        responder.tick(&outbox);
        if drops.datagrams != drops.reported {
            outbox.set_dropped(drops.datagrams, drops.bytes);
        }
        drops.report_if_due(&outbox, Instant::now());
        // Replies go out after the batch, so the log shows RX before TX.
        for (peer, reply) in replies.drain(..) {
            udp.send(Target::Peers(vec![peer]), reply, &outbox);
        }
        while let Ok(command) = commands.try_recv() {
            let Some(command) = looper::apply_command(&mut looping, command, &outbox) else {
                continue;
            };
            match command {
                Command::Send { to, bytes } => {
                    udp.send(to, bytes, &outbox);
                }
                Command::SetRemote(remote) => udp.set_remote(remote.as_ref(), &outbox),
                Command::SetReplyToLastSender(on) => udp.reply_to_last_sender = on,
                Command::Disconnect(_) | Command::CancelTransfer(_) => {
                    outbox.emit(Event::Error(SessionError::Unsupported));
                }
                Command::SetAutoReply(rules) => responder.set_rules(rules),
                Command::JoinGroup(join) => {
                    udp.change_membership(join, true, &outbox);
                }
                Command::LeaveGroup(join) => {
                    udp.change_membership(join, false, &outbox);
                }
                Command::SendFile {
                    to,
                    path,
                    datagram_bytes,
                } => {
                    if file.is_some() {
                        outbox.emit(Event::Error(SessionError::FileBusy));
                    } else if let Some(peers) = udp.resolve_target(to, &outbox) {
                        let mut started = None;
                        file_send::start(&mut started, &path, datagram_bytes, &outbox);
                        file = started.map(|f| (f, peers));
                    }
                }
                Command::SetRxFile(spec) => outbox.set_rx_file(spec),
                Command::CancelFile => match file.take() {
                    Some((active, _)) => active.abort(SessionError::FileCancelled, &outbox),
                    None => outbox.emit(Event::Error(SessionError::NoFileSending)),
                },
                Command::Close => {
                    if let Some((active, _)) = file.take() {
                        active.abort(SessionError::FileInterrupted, &outbox);
                    }
                    drops.report_last(&outbox);
                    return Ok(());
                }
                Command::StartLoop { .. } | Command::StopLoop => {}
            }
        }
        looper::run_due(&mut looping, &outbox, |to, bytes| {
            udp.send(to, bytes, &outbox)
        });
        more_file = false;
        if let Some((mut active, peers)) = file.take() {
            let outcome = udp.pump_file(&mut active, &peers, &outbox);
            let mut current = Some(active);
            more_file = file_send::settle(&mut current, outcome, &outbox);
            file = current.map(|f| (f, peers));
        }
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

    /// The peers a target means now; `None` (and an error event) when the
    /// default target has no address yet.
    fn resolve_target(&self, to: Target, outbox: &super::Outbox) -> Option<Vec<SocketAddr>> {
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

    /// Sends to the target; false when it went nowhere.
    fn send(&mut self, to: Target, bytes: Vec<u8>, outbox: &super::Outbox) -> bool {
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

    /// Sends the next datagrams of a file while the kernel takes them at
    /// once; the first failure ends the file send (one error, not one per
    /// datagram).
    fn pump_file(
        &mut self,
        file: &mut FileSend,
        peers: &[SocketAddr],
        outbox: &super::Outbox,
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

    /// Joins or leaves a group; reports the outcome as an event and returns
    /// the resolved join when it worked.
    fn change_membership(
        &self,
        join: MulticastJoin,
        member: bool,
        outbox: &super::Outbox,
    ) -> Option<ResolvedJoin> {
        let interfaces = if multicast::needs_interfaces(&join) {
            match multicast::interfaces() {
                Ok(list) => list,
                Err(e) => {
                    outbox.emit(Event::Error(e));
                    return None;
                }
            }
        } else {
            Vec::new()
        };
        let resolved = match multicast::resolve_join(&join, self.local, &interfaces) {
            Ok(resolved) => resolved,
            Err(e) => {
                outbox.emit(Event::Error(e));
                return None;
            }
        };
        match multicast::apply(SockRef::from(&self.socket), resolved, member) {
            Ok(()) => {
                outbox.emit(if member {
                    Event::Joined(join)
                } else {
                    Event::Left(join)
                });
                Some(resolved)
            }
            Err(e) => {
                outbox.emit(Event::Error(membership_error(join, member, &e)));
                None
            }
        }
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

/// Words the two errors a user causes: joining twice, leaving a group that
/// was not joined.
fn membership_error(join: MulticastJoin, member: bool, error: &io::Error) -> SessionError {
    let group = join.group;
    match (member, error.kind()) {
        (true, io::ErrorKind::AddrInUse) => SessionError::Join {
            group,
            reason: "this session is already a member".to_owned(),
        },
        (true, _) => SessionError::Join {
            group,
            reason: error.to_string(),
        },
        (false, io::ErrorKind::AddrNotAvailable) => SessionError::Leave {
            group,
            reason: "this session is not a member".to_owned(),
        },
        (false, _) => SessionError::Leave {
            group,
            reason: error.to_string(),
        },
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

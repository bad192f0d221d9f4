//! A UDP session: one bound socket, every datagram logged with its sender.
//! The socket and its sends are the transport (`socket.rs`); loop send,
//! file send, answers and the common commands are the session core's.

mod drops;
mod membership;
mod socket;

use std::io;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest};
use socket2::SockRef;

use super::multicast::{self, ResolvedJoin};
use super::recv_batch::RecvBatch;
use super::session_core::{Flow, Inbox, SessionCore};
use super::{Answers, Event, SessionError, UdpConfig, WorkerContext};
use crate::clock::now_us;
use crate::text::Framing;
use socket::{SOCKET, Udp};

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
    let std_socket = socket::bind(config.local, config.broadcast, !config.multicast.is_empty())?;
    let local = std_socket
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the bound address", &e))?;
    let mut udp = Udp::new(
        UdpSocket::from_std(std_socket),
        local,
        config.reply_to_last_sender,
    );
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
        .filter_map(|join| membership::change(&udp.socket, local, *join, true, &outbox))
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

    // Datagrams are messages already: UDP has no framing.
    let mut core = SessionCore::new(Inbox::new(answers, local, Framing::None));
    let mut events = Events::with_capacity(64);
    let mut received = RecvBatch::default();
    // Set when a read pass stopped early because datagrams kept coming:
    // the next poll must not wait, but commands get their turn first.
    let mut more_to_read = false;
    // When the last read pass that found datagrams began, if it was not
    // behind (see FLOOD_READ_INTERVAL).
    let mut last_fruitful_read: Option<Instant> = None;
    loop {
        let timeout = if more_to_read {
            Some(Duration::ZERO)
        } else {
            core.poll_timeout(udp.drops.report_wait(Instant::now()))
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
        // Commands first: one sent before a datagram arrived (a receive
        // file, auto-reply rules) applies to it, as on the servers.
        while let Ok(command) = commands.try_recv() {
            if core.command(command, &mut udp, &outbox) == Flow::Close {
                return Ok(());
            }
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
                            outbox.write_rx(now_us(), peer, bytes);
                            udp.drops.count(bytes.len());
                            continue;
                        }
                        core.inbox.receive(peer, bytes, &outbox);
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
                    core.inbox.flush(&outbox);
                    outbox.emit(Event::Error(SessionError::io("receiving failed", &e)));
                    break;
                }
            }
        }
        core.after_reading(&mut udp, &outbox);
        if udp.drops.datagrams != udp.drops.reported {
            outbox.set_dropped(udp.drops.datagrams, udp.drops.bytes);
        }
        udp.drops.report_if_due(&outbox, Instant::now());
        core.run_due(&mut udp, &outbox);
        udp.update_interest(&poll);
    }
}

//! UDP sockets for TFTP: bound, sized for window bursts, non-blocking.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

/// The kernel's default receive buffer (about 200 KiB on Linux) overflows
/// on a window of 16 × 8 KiB blocks sent back to back; every transfer
/// socket asks for at least this much, and more for larger windows.
const MIN_BUFFER_BYTES: usize = 1 << 20;
const MAX_BUFFER_BYTES: usize = 32 << 20;

/// The buffer size that holds two windows of `windowsize` × `blksize`.
pub fn buffer_for(blksize: usize, windowsize: u16) -> usize {
    (usize::from(windowsize.max(1)) * (blksize + 4) * 2).clamp(MIN_BUFFER_BYTES, MAX_BUFFER_BYTES)
}

/// Binds a non-blocking UDP socket. An IPv6 wildcard also takes IPv4.
pub fn bind(local: SocketAddr, buffer_bytes: usize) -> io::Result<std::net::UdpSocket> {
    let socket = Socket::new(Domain::for_address(local), Type::DGRAM, Some(Protocol::UDP))?;
    if local.is_ipv6() {
        let _ = socket.set_only_v6(false);
    }
    // Buffers are a wish: a system may cap them, and the transfer still works.
    let _ = socket.set_recv_buffer_size(buffer_bytes);
    let _ = socket.set_send_buffer_size(buffer_bytes);
    socket.bind(&local.into())?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Binds a transfer socket on `ip`, on any free port or on a free port
/// of `range`.
pub fn bind_transfer(
    ip: IpAddr,
    range: Option<(u16, u16)>,
    buffer_bytes: usize,
    seed: u64,
) -> io::Result<std::net::UdpSocket> {
    let Some((low, high)) = range else {
        return bind(SocketAddr::new(ip, 0), buffer_bytes);
    };
    let (low, high) = (low.min(high), low.max(high));
    let span = u64::from(high - low) + 1;
    let mut last_error = io::Error::new(io::ErrorKind::AddrInUse, "no free port in the range");
    // Starting at a different port each time spreads transfers over the
    // range instead of probing the same busy ports first.
    for step in 0..span {
        let port = low + ((seed + step) % span) as u16;
        match bind(SocketAddr::new(ip, port), buffer_bytes) {
            Ok(socket) => return Ok(socket),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// The wildcard address of the same family as `addr`.
pub fn unspecified_like(addr: SocketAddr) -> IpAddr {
    match addr {
        SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

/// Shows an IPv4-mapped IPv6 peer as the IPv4 address it is.
pub fn display_peer(peer: SocketAddr) -> SocketAddr {
    SocketAddr::new(peer.ip().to_canonical(), peer.port())
}

/// Errors that say the peer's port is closed (an ICMP port unreachable
/// came back; Windows calls it a reset).
pub fn is_peer_gone(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
    )
}

/// How long a transfer's thread polls without sleeping before it sleeps.
const SPIN_BUDGET: Duration = Duration::from_micros(100);
/// Spins in a row that caught nothing before the thread stops spinning.
const MISSES_BEFORE_SLEEPING: u32 = 4;
/// Once it sleeps, one wait in this many spins again, to notice a peer
/// that got fast.
const RETRY_EVERY: u32 = 64;

/// Waits for the sockets, first without sleeping for a moment while a
/// transfer runs.
///
/// A peer on the same machine answers within microseconds, but a thread
/// asleep in the kernel takes 40 to 80 µs to wake for each packet. In a
/// lockstep transfer (one block, one ACK) those wake-ups are most of the
/// round trip, and spinning for up to [`SPIN_BUDGET`] more than doubles the
/// rate (netassist-bench tftp-server). Between polls the thread yields, so
/// that on a busy machine a peer waiting for this core runs at once
/// instead of after our spin. A peer that does not answer within
/// the budget, as over a real network, stops the spinning after a few
/// misses, so a slow transfer costs no CPU; a spin now and then notices
/// when the peer got fast again.
#[derive(Debug, Default)]
pub struct Spinner {
    misses: u32,
    waits: u32,
}

impl Spinner {
    /// Polls into `events` until something is ready or `timeout` passes;
    /// `busy` says that a transfer is running and worth spinning for.
    pub fn wait(
        &mut self,
        poll: &mut mio::Poll,
        events: &mut mio::Events,
        timeout: Option<Duration>,
        busy: bool,
    ) -> io::Result<()> {
        self.waits = self.waits.wrapping_add(1);
        let worth_it =
            self.misses < MISSES_BEFORE_SLEEPING || self.waits.is_multiple_of(RETRY_EVERY);
        let spin = if busy && worth_it {
            timeout.map_or(SPIN_BUDGET, |t| t.min(SPIN_BUDGET))
        } else {
            Duration::ZERO
        };
        if !spin.is_zero() {
            let until = Instant::now() + spin;
            loop {
                poll.poll(events, Some(Duration::ZERO))?;
                if !events.is_empty() {
                    self.misses = 0;
                    return Ok(());
                }
                if Instant::now() >= until {
                    break;
                }
                std::thread::yield_now();
            }
            self.misses = self.misses.saturating_add(1);
        }
        poll.poll(events, timeout.map(|t| t.saturating_sub(spin)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_spinner_sleeps_the_whole_timeout_when_nothing_comes() {
        let mut poll = mio::Poll::new().expect("poll");
        let mut events = mio::Events::with_capacity(4);
        let mut spinner = Spinner::default();
        let timeout = Duration::from_millis(20);
        let started = Instant::now();
        spinner
            .wait(&mut poll, &mut events, Some(timeout), true)
            .expect("wait");
        assert!(events.is_empty());
        assert!(started.elapsed() >= timeout);
    }

    #[test]
    fn test_spinner_returns_what_arrived() {
        let mut poll = mio::Poll::new().expect("poll");
        let mut events = mio::Events::with_capacity(4);
        let mut socket =
            mio::net::UdpSocket::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
        poll.registry()
            .register(&mut socket, mio::Token(7), mio::Interest::READABLE)
            .expect("register");
        let to = socket.local_addr().expect("addr");
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        sender.send_to(b"x", to).expect("send");
        let mut spinner = Spinner::default();
        // Several waits, spinning or not, each see the datagram.
        for _ in 0..(MISSES_BEFORE_SLEEPING + 2) {
            spinner
                .wait(&mut poll, &mut events, Some(Duration::from_secs(5)), true)
                .expect("wait");
            assert!(events.iter().any(|e| e.token() == mio::Token(7)));
            let mut buf = [0u8; 8];
            assert_eq!(socket.recv_from(&mut buf).expect("recv").0, 1);
            // mio reports readiness again only after a read has said
            // `WouldBlock` (Windows keeps to that strictly; Linux's epoll
            // happens to re-arm on a new datagram anyway), which is how the
            // transfers read too.
            assert_eq!(
                socket.recv_from(&mut buf).map_err(|e| e.kind()).err(),
                Some(std::io::ErrorKind::WouldBlock)
            );
            sender.send_to(b"x", to).expect("send");
        }
    }
}

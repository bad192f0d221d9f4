//! UDP sockets for TFTP: bound, sized for window bursts, non-blocking.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

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

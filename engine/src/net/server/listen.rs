//! The listening socket every server opens.

use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};

use super::super::SessionError;

/// How many connections the system keeps waiting for `accept`.
const BACKLOG: i32 = 1024;

/// Listens as the user asked: `[::]` accepts IPv4 clients too.
pub(super) fn listen(local: SocketAddr) -> Result<std::net::TcpListener, SessionError> {
    let socket = Socket::new(
        Domain::for_address(local),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .map_err(|e| SessionError::bind(local, &e))?;
    if local.is_ipv6() {
        let _ = socket.set_only_v6(false);
    }
    // On Unix this lets a restarted server reuse a port whose old
    // connections linger in TIME_WAIT; on Windows the same option would let
    // two servers share a port, so it stays off there.
    #[cfg(not(windows))]
    let _ = socket.set_reuse_address(true);
    socket
        .bind(&local.into())
        .map_err(|e| SessionError::bind(local, &e))?;
    socket
        .listen(BACKLOG)
        .map_err(|e| SessionError::bind(local, &e))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| SessionError::io("cannot configure the socket", &e))?;
    Ok(socket.into())
}

//! Connecting: each address a name resolves to is tried in turn, with a
//! timeout, while Close is still served.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::super::{Command, Event, Outbox, SessionError, TcpClientConfig};

/// The connection's token in the session's poll, while connecting and after.
pub(in crate::net) const STREAM: Token = Token(0);

/// Resolves the remote and tries each of its addresses in turn (saying
/// `Connecting` for each), for the TCP client and the WebSocket client.
/// `Ok(None)` means the user closed first; commands other than Close that
/// came meanwhile are in `deferred`.
pub(in crate::net) fn connect_first(
    config: &TcpClientConfig,
    poll: &mut Poll,
    commands: &Receiver<Command>,
    deferred: &mut Vec<Command>,
    outbox: &Outbox,
) -> Result<Option<(TcpStream, SocketAddr)>, SessionError> {
    let mut last_error = None;
    for addr in config.remote.resolve()? {
        outbox.emit(Event::Connecting { remote: addr });
        match connect(addr, config, poll, commands, deferred) {
            Ok(Some(stream)) => return Ok(Some((stream, addr))),
            Ok(None) => return Ok(None),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or(SessionError::NotConnected))
}

/// Connects without blocking the thread past the timeout, and stays
/// responsive to Close. `Ok(None)` means the user closed first.
fn connect(
    addr: SocketAddr,
    config: &TcpClientConfig,
    poll: &mut Poll,
    commands: &Receiver<Command>,
    deferred: &mut Vec<Command>,
) -> Result<Option<TcpStream>, SessionError> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| SessionError::io("cannot create a socket", &e))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| SessionError::io("cannot configure the socket", &e))?;
    let _ = socket.set_tcp_nodelay(true);
    if let Some(local) = config.local {
        socket
            .bind(&local.into())
            .map_err(|e| SessionError::bind(local, &e))?;
    }
    match socket.connect(&addr.into()) {
        Ok(()) => {}
        Err(e) if is_in_progress(&e) => {}
        Err(e) => return Err(connect_error(addr, &e)),
    }
    let mut stream = TcpStream::from_std(socket.into());
    poll.registry()
        .register(&mut stream, STREAM, Interest::READABLE | Interest::WRITABLE)
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    // A timeout too large to add to the clock (the engine takes any
    // Duration) waits a day: the system gives up long before that anyway.
    let deadline = Instant::now() + config.connect_timeout.min(MAX_CONNECT_WAIT);
    let mut events = Events::with_capacity(8);
    loop {
        let now = Instant::now();
        if now >= deadline {
            let _ = poll.registry().deregister(&mut stream);
            return Err(SessionError::ConnectTimeout {
                addr,
                timeout: config.connect_timeout,
            });
        }
        if let Err(e) = poll.poll(&mut events, Some(deadline - now))
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the connection failed", &e));
        }
        while let Ok(command) = commands.try_recv() {
            if matches!(command, Command::Close | Command::Disconnect(_)) {
                return Ok(None);
            }
            deferred.push(command);
        }
        if events.iter().any(|e| e.token() == STREAM) {
            if let Ok(Some(e)) | Err(e) = stream.take_error() {
                let _ = poll.registry().deregister(&mut stream);
                return Err(connect_error(addr, &e));
            }
            match stream.peer_addr() {
                Ok(_) => {
                    poll.registry()
                        .reregister(&mut stream, STREAM, Interest::READABLE)
                        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
                    return Ok(Some(stream));
                }
                Err(e) if e.kind() == io::ErrorKind::NotConnected => {}
                Err(e) => {
                    let _ = poll.registry().deregister(&mut stream);
                    return Err(connect_error(addr, &e));
                }
            }
        }
    }
}

/// A non-blocking connect answers "in progress" (Unix) or "would block"
/// (Windows) while the handshake runs.
fn is_in_progress(error: &io::Error) -> bool {
    #[cfg(unix)]
    let in_progress = error.raw_os_error() == Some(libc::EINPROGRESS);
    #[cfg(not(unix))]
    let in_progress = false;
    in_progress || error.kind() == io::ErrorKind::WouldBlock
}

fn connect_error(addr: SocketAddr, error: &io::Error) -> SessionError {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => SessionError::Refused { addr },
        // The system gave up before our own deadline: its wording (and
        // not a made-up number of seconds) says so.
        _ => SessionError::Connect {
            addr,
            reason: error.to_string(),
        },
    }
}

/// The longest a connection attempt is waited for, whatever was asked.
const MAX_CONNECT_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

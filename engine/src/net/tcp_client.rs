//! A TCP client session: connect with a timeout (trying each address a
//! name resolves to), then exchange bytes until either side closes.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};

use super::conn::{Batch, Connection};
use super::file_send::{self, FileSend};
use super::looper::{self, LoopSend};
use super::responder::{self, Responder};
use super::{
    Answers, CloseReason, Command, Event, Outbox, SessionError, Target, TcpClientConfig,
    WorkerContext,
};
use crate::clock::now_ms;
use crossbeam_channel::Receiver;

const STREAM: Token = Token(0);
const READ_BUFFER_BYTES: usize = 256 << 10;

pub fn run(
    config: TcpClientConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    let addrs = config.remote.resolve()?;
    let mut last_error = None;
    let mut connected = None;
    // Commands that arrive while connecting wait for the connection.
    let mut deferred = Vec::new();
    for addr in addrs {
        outbox.emit(Event::Connecting { remote: addr });
        match connect(addr, &config, &mut poll, &commands, &mut deferred) {
            Ok(Some(stream)) => {
                connected = Some((stream, addr));
                break;
            }
            // Closed by the user while connecting.
            Ok(None) => return Ok(()),
            Err(e) => last_error = Some(e),
        }
    }
    let Some((stream, peer)) = connected else {
        return Err(last_error.unwrap_or(SessionError::NotConnected));
    };
    let local = stream
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the local address", &e))?;
    outbox.emit(Event::Connected {
        peer,
        local,
        at_ms: now_ms(),
    });
    // A client that connected to its own address (a TCP self-connect)
    // must not answer itself: the responder knows the local address.
    exchange(
        Connection::new(stream, peer, STREAM),
        Responder::new(answers, local),
        poll,
        commands,
        deferred,
        outbox,
    )
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

fn exchange(
    mut conn: Connection,
    mut responder: Responder,
    mut poll: Poll,
    commands: Receiver<Command>,
    deferred: Vec<Command>,
    outbox: Outbox,
) -> Result<(), SessionError> {
    let mut events = Events::with_capacity(8);
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let mut batch = Batch::default();
    let mut looping: Option<LoopSend> = None;
    let mut deferred = deferred.into_iter();
    let mut file: Option<FileSend> = None;
    let mut more_file = false;
    loop {
        // What was asked while connecting is served before any wait.
        let timeout = if deferred.len() > 0 || more_file {
            Some(Duration::ZERO)
        } else {
            let timeout = looper::poll_timeout(&looping, Instant::now());
            responder::earlier_timeout(timeout, responder.next_deadline())
        };
        if let Err(e) = poll.poll(&mut events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the socket failed", &e));
        }
        let mut readable = false;
        for event in events.iter() {
            if event.token() != STREAM {
                continue;
            }
            if event.is_writable()
                && let Err(e) = conn.flush(poll.registry())
            {
                outbox.emit(Event::Error(SessionError::Send {
                    peer: conn.peer,
                    reason: e.to_string(),
                }));
            }
            readable |= event.is_readable() || event.is_read_closed() || event.is_error();
        }
        // A connection left unread while the front end was behind is read
        // again once it caught up (the release wakes this thread): its
        // readiness was reported once and will not be again.
        if conn.read_paused() {
            readable = outbox.may_resume_reading();
        }
        if readable {
            let mut replies = Vec::new();
            let peer = conn.peer;
            let closed = conn.read_available(&mut buf, &mut batch, &outbox, &mut |bytes| {
                replies.extend(responder.answer(peer, bytes, &outbox));
            });
            batch.flush(&outbox);
            // A peer that closed only its sending side still reads.
            for reply in replies {
                send(&mut conn, Target::Default, reply, &poll, &outbox);
            }
            if let Some(reason) = closed {
                file_send::interrupt(&mut file, &outbox);
                outbox.emit(Event::Disconnected {
                    peer: conn.peer,
                    reason,
                });
                conn.close(poll.registry());
                return Ok(());
            }
        }
        responder.tick(&outbox);
        while let Some(command) = deferred.next().or_else(|| commands.try_recv().ok()) {
            let Some(command) = looper::apply_command(&mut looping, command, &outbox) else {
                continue;
            };
            match command {
                Command::Send { to, bytes } => {
                    send(&mut conn, to, bytes, &poll, &outbox);
                }
                Command::Disconnect(_) | Command::Close => {
                    file_send::interrupt(&mut file, &outbox);
                    // Give queued bytes a last chance before closing.
                    let _ = conn.flush(poll.registry());
                    let peer = conn.peer;
                    conn.close(poll.registry());
                    outbox.emit(Event::Disconnected {
                        peer,
                        reason: CloseReason::Local,
                    });
                    return Ok(());
                }
                Command::SetRemote(_)
                | Command::SetReplyToLastSender(_)
                | Command::CancelTransfer(_)
                | Command::JoinGroup(_)
                | Command::LeaveGroup(_) => {
                    outbox.emit(Event::Error(SessionError::Unsupported));
                }
                Command::SetAutoReply(rules) => responder.set_rules(rules),
                Command::SendFile {
                    to,
                    path,
                    datagram_bytes,
                } => {
                    if matches!(&to, Target::Peers(peers) if !peers.contains(&conn.peer)) {
                        outbox.emit(Event::Error(SessionError::UnknownClient {
                            peer: conn.peer,
                        }));
                    } else {
                        file_send::start(&mut file, &path, datagram_bytes, &outbox);
                    }
                }
                Command::SetRxFile(spec) => outbox.set_rx_file(spec),
                Command::CancelFile => file_send::cancel(&mut file, &outbox),
                Command::StartLoop { .. } | Command::StopLoop => {}
            }
        }
        looper::run_due(&mut looping, &outbox, |to, bytes| {
            send(&mut conn, to, bytes, &poll, &outbox)
        });
        more_file = false;
        if let Some(active) = &mut file {
            let outcome = active.pump_tcp(&mut [&mut conn], poll.registry(), &outbox);
            more_file = file_send::settle(&mut file, outcome, &outbox);
        }
        outbox.set_send_queue(conn.queued());
    }
}

/// Queues bytes for the server; false when they could not be.
fn send(conn: &mut Connection, to: Target, bytes: Vec<u8>, poll: &Poll, outbox: &Outbox) -> bool {
    if matches!(&to, Target::Peers(peers) if !peers.contains(&conn.peer)) {
        outbox.emit(Event::Error(SessionError::UnknownClient {
            peer: conn.peer,
        }));
        return false;
    }
    match conn.send(bytes.clone(), poll.registry()) {
        Ok(()) => {
            outbox.emit_sent(now_ms(), vec![conn.peer], bytes);
            true
        }
        Err(e) => {
            outbox.emit(Event::Error(e));
            false
        }
    }
}

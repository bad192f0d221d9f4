//! A TLS client's handshake on its new connection, with a deadline, while
//! Close is still served.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll};

use super::super::tls::{ClientTls, TlsEvent, TlsProblem, TlsStream, problem_of_io};
use super::super::{Command, Event, Outbox, SessionError};
use super::STREAM;

pub(in crate::net) struct Handshake<'a> {
    pub peer: SocketAddr,
    pub config: &'a ClientTls,
    pub server_name: &'a str,
    pub timeout: Duration,
}

impl Handshake<'_> {
    /// The TLS stream once the handshake finished (`Established` said),
    /// `None` when the user closed first, or the error that ends the
    /// session once the problem was said (`HandshakeFailed`).
    pub fn run(
        self,
        stream: TcpStream,
        poll: &mut Poll,
        commands: &Receiver<Command>,
        deferred: &mut Vec<Command>,
        outbox: &Outbox,
    ) -> Result<Option<TlsStream>, SessionError> {
        let mut tls = TlsStream::client(stream, &self.config.config, self.server_name)
            .map_err(SessionError::Tls)?;
        let deadline = Instant::now() + self.timeout;
        let mut events = Events::with_capacity(8);
        let mut writable = false;
        loop {
            let problem = match tls.handshake_step() {
                Ok(true) => break,
                Ok(false) if Instant::now() >= deadline => Some(TlsProblem::HandshakeTimeout {
                    after_ms: self.timeout.as_millis() as u64,
                }),
                Ok(false) => None,
                Err(e) => Some(problem_of_io(&e)),
            };
            if let Some(problem) = problem {
                return Err(self.failed(tls, problem, poll, outbox));
            }
            if tls.wants_write() != writable {
                writable = tls.wants_write();
                let interest = if writable {
                    Interest::READABLE | Interest::WRITABLE
                } else {
                    Interest::READABLE
                };
                poll.registry()
                    .reregister(tls.socket_mut(), STREAM, interest)
                    .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            if let Err(e) = poll.poll(&mut events, Some(wait))
                && e.kind() != io::ErrorKind::Interrupted
            {
                return Err(SessionError::io("waiting for the TLS handshake failed", &e));
            }
            while let Ok(command) = commands.try_recv() {
                if matches!(command, Command::Close | Command::Disconnect(_)) {
                    let _ = poll.registry().deregister(tls.socket_mut());
                    let _ = tls.socket().shutdown(std::net::Shutdown::Both);
                    return Ok(None);
                }
                deferred.push(command);
            }
        }
        if writable {
            poll.registry()
                .reregister(tls.socket_mut(), STREAM, Interest::READABLE)
                .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
        }
        if let Some(info) = tls.info() {
            outbox.emit(Event::Tls(TlsEvent::Established {
                peer: self.peer,
                info,
            }));
        }
        Ok(Some(tls))
    }

    /// Says why the handshake failed and closes the connection.
    fn failed(
        &self,
        mut tls: TlsStream,
        problem: TlsProblem,
        poll: &mut Poll,
        outbox: &Outbox,
    ) -> SessionError {
        // What was refused, before why: a user checks it, and may trust it.
        if problem.is_about_the_certificate() {
            for (index, cert) in self.config.presented.certificates().into_iter().enumerate() {
                outbox.emit(Event::Tls(TlsEvent::Presented {
                    peer: self.peer,
                    index: index + 1,
                    cert,
                }));
            }
        }
        outbox.emit(Event::Tls(TlsEvent::HandshakeFailed {
            peer: self.peer,
            problem,
        }));
        let _ = poll.registry().deregister(tls.socket_mut());
        let _ = tls.socket().shutdown(std::net::Shutdown::Both);
        SessionError::TlsHandshake { peer: self.peer }
    }
}

//! A TCP client session: connect with a timeout (trying each address a
//! name resolves to, `connect.rs`), TLS's handshake over it for a TLS
//! client (`handshake.rs`), then the clients' one loop
//! (`net/client_loop.rs`) over the byte-stream wire until either side
//! closes.

pub(super) mod connect;
pub(super) mod handshake;

use std::time::Duration;

use connect::STREAM;

use super::client_loop::{OneConn, exchange};
use super::conn::{Connection, Link};
use super::session_core::{Inbox, SessionCore};
use super::tls::{TlsClientOptions, TlsEvent, Verify};
use super::wire::StreamWire;
use super::{Answers, Event, SessionError, TcpClientConfig, TlsClientConfig, WorkerContext};

pub fn run(
    config: TcpClientConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    run_over(config, None, answers, context)
}

/// A TLS client: the TCP client, with TLS over its connection once it is
/// made. `Connected` comes once the handshake has finished, after the
/// `TLS` event that says what it agreed on.
pub fn run_tls(
    config: TlsClientConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    run_over(
        config.tcp,
        Some((&config.tls, config.handshake_timeout)),
        answers,
        context,
    )
}

fn run_over(
    config: TcpClientConfig,
    tls: Option<(&TlsClientOptions, Duration)>,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    // Certificates and keys are read before connecting: a wrong file is
    // said at once.
    let tls = match tls {
        Some((options, timeout)) => Some((
            options,
            super::tls::client_config(options).map_err(SessionError::Tls)?,
            timeout,
        )),
        None => None,
    };
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    // Commands that arrive while connecting wait for the connection.
    let mut deferred = Vec::new();
    let Some((stream, peer)) =
        connect::connect_first(&config, &mut poll, &commands, &mut deferred, &outbox)?
    else {
        // Closed by the user while connecting.
        return Ok(());
    };
    let local = stream
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the local address", &e))?;
    let link = match tls {
        Some((options, tls_config, handshake_timeout)) => {
            if options.verify == Verify::Insecure {
                outbox.emit(Event::Tls(TlsEvent::Insecure { peer }));
            }
            let server_name = options
                .server_name
                .clone()
                .unwrap_or_else(|| config.remote.host.clone());
            let handshake = handshake::Handshake {
                peer,
                config: &tls_config,
                server_name: &server_name,
                timeout: handshake_timeout,
            };
            match handshake.run(stream, &mut poll, &commands, &mut deferred, &outbox)? {
                Some(tls) => Link::Tls(Box::new(tls)),
                // Closed by the user during the handshake.
                None => return Ok(()),
            }
        }
        None => Link::Plain(stream),
    };
    let registry = poll
        .registry()
        .try_clone()
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    let conn = Connection::over(link, peer, STREAM);
    let client = OneConn::connected(StreamWire, conn, registry, local, None, &outbox)?;
    // A client that connected to its own address (a TCP self-connect)
    // must not answer itself: the responder knows the local address.
    let inbox = Inbox::new(answers, local, config.framing);
    exchange(
        client,
        SessionCore::new(inbox),
        poll,
        commands,
        deferred,
        outbox,
    )
}

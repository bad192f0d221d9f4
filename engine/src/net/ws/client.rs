//! A WebSocket client session: the TCP client's connect (each address the
//! host resolves to, with the timeout), the opening handshake resumed on
//! readiness, then messages both ways over the one connection. Loop send,
//! file send, answers and the common commands are the session core's.

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use crossbeam_channel::Receiver;
use mio::{Events, Interest, Poll};
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::HandshakeError;
use tungstenite::handshake::client::{ClientHandshake, Response};
use tungstenite::http::{HeaderName, HeaderValue};
use tungstenite::{Error, WebSocket};

use super::super::client_loop::{OneConn, exchange};
use super::super::session_core::{Inbox, SessionCore};
use super::super::tcp_client::connect::{STREAM, connect_first};
use super::super::tcp_client::handshake::Handshake as TlsHandshake;
use super::super::tls::{self, TlsEvent, Verify};
use super::super::{Answers, Command, Event, Outbox, SessionError, TcpClientConfig, WorkerContext};
use super::conn::{WsConn, websocket_config};
use super::event::{WsEvent, WsProblem};
use super::stream::WsStream;
use super::wire::WsWire;
use super::{MAX_PING_BYTES, WsClientConfig, check_close_code};
use crate::text::{Framing, PeerText};

pub fn run(
    config: WsClientConfig,
    answers: Answers,
    context: WorkerContext,
) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    // Certificates and keys are read before connecting: a wrong file is
    // said at once.
    let tls_config = config
        .url
        .secure
        .then(|| tls::client_config(&config.tls).map_err(SessionError::Tls))
        .transpose()?;
    let mut tcp = TcpClientConfig::new(config.url.endpoint.clone());
    tcp.local = config.local;
    tcp.connect_timeout = config.connect_timeout;
    // Commands that arrive while connecting wait for the connection.
    let mut deferred = Vec::new();
    let Some((stream, peer)) = connect_first(&tcp, &mut poll, &commands, &mut deferred, &outbox)?
    else {
        return Ok(());
    };
    let local = stream
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the local address", &e))?;
    // The whole opening, TLS and the upgrade, has the handshake timeout
    // from here (the one rule, `DEFAULT_HANDSHAKE_TIMEOUT`'s).
    let opening_deadline = Instant::now() + config.handshake_timeout;
    let stream = match tls_config {
        Some(tls_config) => {
            if config.tls.verify == Verify::Insecure {
                outbox.emit(Event::Tls(TlsEvent::Insecure { peer }));
            }
            let server_name = config
                .tls
                .server_name
                .clone()
                .unwrap_or_else(|| config.url.endpoint.host.clone());
            let handshake = TlsHandshake {
                peer,
                config: &tls_config,
                server_name: &server_name,
                timeout: config.handshake_timeout,
            };
            match handshake.run(stream, &mut poll, &commands, &mut deferred, &outbox)? {
                Some(tls) => WsStream::over_tls(tls),
                // Closed by the user during the TLS handshake.
                None => return Ok(()),
            }
        }
        None => WsStream::plain(stream),
    };
    let Some((ws, response)) = handshake(
        stream,
        peer,
        &config,
        opening_deadline,
        &mut poll,
        &commands,
        &mut deferred,
        &outbox,
    )?
    else {
        return Ok(());
    };
    let handshake = Event::Ws(WsEvent::Handshake {
        peer,
        path: PeerText::new(config.url.resource.clone()),
        subprotocol: response
            .headers()
            .get("sec-websocket-protocol")
            .map(|value| PeerText::from_wire(value.as_bytes())),
        headers: response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    PeerText::new(name.as_str()),
                    PeerText::from_wire(value.as_bytes()),
                )
            })
            .collect(),
    });
    let registry = poll
        .registry()
        .try_clone()
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    let wire = WsWire {
        kind: config.message_kind,
    };
    let conn = WsConn::new(ws, peer, STREAM);
    let client = OneConn::connected(wire, conn, registry, local, Some(handshake), &outbox)?;
    // WebSocket messages are framed already: each one is a message.
    let inbox = Inbox::new(answers, local, Framing::None);
    exchange(
        client,
        SessionCore::new(inbox),
        poll,
        commands,
        deferred,
        outbox,
    )
}

/// The opening handshake: the request (URL, extra headers, subprotocols)
/// written and the response read as the socket allows, by `deadline`,
/// while Close is still served. `Ok(None)`: closed by the user.
#[allow(clippy::too_many_arguments)]
fn handshake(
    mut stream: WsStream,
    peer: SocketAddr,
    config: &WsClientConfig,
    deadline: Instant,
    poll: &mut Poll,
    commands: &Receiver<Command>,
    deferred: &mut Vec<Command>,
    outbox: &Outbox,
) -> Result<Option<(WebSocket<WsStream>, Response)>, SessionError> {
    let refused = |reason: String| SessionError::Connect { addr: peer, reason };
    let mut request = config
        .url
        .to_url()
        .into_client_request()
        .map_err(|e| refused(e.to_string()))?;
    for (name, value) in &config.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| refused(format!("'{name}' cannot be a header name")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| refused(format!("the value of {name} cannot be sent as a header")))?;
        request.headers_mut().append(name, value);
    }
    if !config.subprotocols.is_empty() {
        let offered = config.subprotocols.join(", ");
        let value = HeaderValue::from_str(&offered)
            .map_err(|_| refused(format!("'{offered}' cannot be sent as subprotocols")))?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", value);
    }
    // Writable too while the request may not have gone out whole.
    poll.registry()
        .reregister(
            stream.tcp(),
            STREAM,
            Interest::READABLE | Interest::WRITABLE,
        )
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    let mut mid = ClientHandshake::start(stream, request, Some(websocket_config()))
        .map_err(|error| handshake_failure(error, peer, outbox))?;
    let mut events = Events::with_capacity(8);
    loop {
        match mid.handshake() {
            Ok((mut ws, response)) => {
                poll.registry()
                    .reregister(ws.get_mut().tcp(), STREAM, Interest::READABLE)
                    .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
                return Ok(Some((ws, response)));
            }
            Err(HandshakeError::Interrupted(next)) => mid = next,
            Err(HandshakeError::Failure(error)) => {
                return Err(handshake_failure(error, peer, outbox));
            }
        }
        let now = Instant::now();
        if now >= deadline {
            let problem = WsProblem::HandshakeTimeout {
                seconds: config.handshake_timeout.as_secs(),
            };
            let reason = problem.to_string();
            outbox.emit(Event::Ws(WsEvent::ProtocolError { peer, problem }));
            return Err(SessionError::Connect { addr: peer, reason });
        }
        if let Err(e) = poll.poll(&mut events, Some(deadline - now))
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the handshake failed", &e));
        }
        while let Ok(command) = commands.try_recv() {
            if matches!(command, Command::Close | Command::Disconnect(_)) {
                return Ok(None);
            }
            deferred.push(command);
        }
    }
}

/// Why the handshake failed, as the session's last word; a refusal by
/// status is also a typed WebSocket event, for the window to word.
fn handshake_failure(error: Error, peer: SocketAddr, outbox: &Outbox) -> SessionError {
    let reason = match error {
        Error::Http(response) => {
            let problem = WsProblem::HandshakeRefused {
                status: response.status().as_u16(),
            };
            let reason = problem.to_string();
            outbox.emit(Event::Ws(WsEvent::ProtocolError { peer, problem }));
            reason
        }
        Error::Io(e) if e.kind() == io::ErrorKind::ConnectionReset => {
            "the server reset the connection during the WebSocket handshake".to_owned()
        }
        Error::Protocol(tungstenite::error::ProtocolError::HandshakeIncomplete) => {
            "the server closed the connection during the WebSocket handshake".to_owned()
        }
        other => format!("the WebSocket handshake failed: {other}"),
    };
    SessionError::Connect { addr: peer, reason }
}

/// Why a close frame with `code` and `reason` cannot be sent, if it
/// cannot (the reason must fit a control frame with its code).
pub(super) fn close_problem(peer: SocketAddr, code: u16, reason: &str) -> Option<SessionError> {
    if let Err(e) = check_close_code(code) {
        return Some(SessionError::Send {
            peer,
            reason: e.to_string(),
        });
    }
    (reason.len() > MAX_PING_BYTES - 2).then(|| SessionError::Send {
        peer,
        reason: format!(
            "a close reason holds at most {} bytes of UTF-8",
            MAX_PING_BYTES - 2
        ),
    })
}

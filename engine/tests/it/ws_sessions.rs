//! The WebSocket client and server sessions (issue 14) against real
//! peers on loopback: Python's `websockets` (tests/peers/ws_peer.py) as
//! server and client, our client against our server (IPv4 and IPv6), and
//! hostile raw clients that break the protocol or its limits. Every wait
//! is bounded and waits for an event, never for time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command as Process, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::common::secure::have_websockets;
use crossbeam_channel::{Receiver, unbounded};
use netassist_engine::net::tls::{
    self, ServerIdentity, TlsEvent, TlsProblem, TlsServerOptions, Verify,
};
use netassist_engine::net::ws::{
    MAX_HELD_BYTES, MAX_MESSAGE_BYTES, MAX_PINGS_PER_SEC, MessageKind, PING_EVENTS_PER_SEC,
    WsClientConfig, WsEvent, WsProblem, WsServerConfig, WsUrl,
};
use netassist_engine::net::{
    self, CloseReason, Command, Event, SessionConfig, SessionError, SessionHandle, Target,
    TcpServerConfig, handshaking_cap,
};
use netassist_test_support::{Deadline, require_ipv6};

const PATIENCE: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------
// The session side.

struct Session {
    handle: SessionHandle,
    seen: Vec<String>,
    /// Messages of an event taken but not yet asked for.
    pending: std::collections::VecDeque<(SocketAddr, Vec<u8>)>,
}

impl Session {
    fn open(config: SessionConfig) -> Session {
        Session {
            handle: net::spawn(config, Arc::new(|| {})).expect("the session starts"),
            seen: Vec::new(),
            pending: Default::default(),
        }
    }

    /// The first event `pick` accepts; an unexpected stop fails the test
    /// with what was seen.
    fn wait_for<T>(&mut self, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = Deadline::after(PATIENCE);
        loop {
            let event = match self.handle.events().recv_timeout(deadline.left()) {
                Ok(event) => event,
                Err(_) => panic!("no {what} within {PATIENCE:?}; saw {:#?}", self.seen),
            };
            let found = pick(&event);
            self.seen.push(format!("{event:?}"));
            if let Some(found) = found {
                return found;
            }
            if let Event::Stopped(e) = &event {
                panic!(
                    "stopped ({e:?}) while waiting for {what}; saw {:#?}",
                    self.seen
                );
            }
        }
    }

    fn ws(&mut self, what: &str, mut pick: impl FnMut(&WsEvent) -> bool) -> WsEvent {
        self.wait_for(what, |event| match event {
            Event::Ws(ws) if pick(ws) => Some(ws.clone()),
            _ => None,
        })
    }

    fn opened(&mut self) -> SocketAddr {
        self.wait_for("Opened", |event| match event {
            Event::Opened { local } => Some(*local),
            _ => None,
        })
    }

    fn connected(&mut self) -> SocketAddr {
        self.wait_for("Connected", |event| match event {
            Event::Connected { peer, .. } => Some(*peer),
            _ => None,
        })
    }

    /// The next received message's bytes and sender.
    fn received(&mut self) -> (SocketAddr, Vec<u8>) {
        if self.pending.is_empty() {
            let chunks = self.wait_for("a received message", |event| match event {
                Event::Received(chunks) => Some(
                    chunks
                        .iter()
                        .map(|c| (c.peer, c.bytes.to_vec()))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            });
            self.pending.extend(chunks);
        }
        self.pending.pop_front().expect("an event has chunks")
    }

    fn disconnected(&mut self, peer: SocketAddr) -> CloseReason {
        self.wait_for("Disconnected", |event| match event {
            Event::Disconnected { peer: p, reason } if *p == peer => Some(*reason),
            _ => None,
        })
    }

    fn send(&self, to: Target, bytes: &[u8]) {
        self.handle.send(Command::Send {
            to,
            bytes: bytes.to_vec(),
        });
    }
}

fn ws_server(path: &str, subprotocols: &[&str]) -> (Session, SocketAddr) {
    let mut config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 64));
    config.path = path.to_owned();
    config.subprotocols = subprotocols.iter().map(|s| (*s).to_owned()).collect();
    server_with(config)
}

fn server_with(config: WsServerConfig) -> (Session, SocketAddr) {
    let mut session = Session::open(SessionConfig::WsServer(config));
    let local = session.opened();
    (session, local)
}

fn ws_client(url: &str) -> WsClientConfig {
    WsClientConfig::new(url.parse::<WsUrl>().expect("a test URL"))
}

// ---------------------------------------------------------------------
// The Python peer.

struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Peer {
    fn start(args: &[&str]) -> Peer {
        let mut child = Process::new("python3")
            .arg("-u")
            .arg(crate::common::peers_dir().join("ws_peer.py"))
            .args(args)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = unbounded();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Peer {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first line that contains every one of `needles`.
    fn expect(&mut self, needles: &[&str]) -> String {
        let deadline = Deadline::after(PATIENCE);
        loop {
            match self.lines.recv_timeout(deadline.left()) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if needles.iter().all(|needle| line.contains(needle)) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "the peer printed no line with {needles:?}; saw {:#?}",
                    self.seen
                ),
            }
        }
    }

    fn listening_port(&mut self) -> u16 {
        let line = self.expect(&["LISTENING "]);
        line["LISTENING ".len()..].trim().parse().expect("a port")
    }

    fn command(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").expect("the peer reads");
        stdin.flush().expect("the peer reads");
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------
// Python's websockets as the server, our client.

#[test]
fn our_client_talks_text_binary_pings_and_closes_with_a_websockets_server() {
    if !have_websockets() {
        return;
    }
    let mut peer = Peer::start(&["server", "--subprotocol", "chat"]);
    let port = peer.listening_port();
    let mut config = ws_client(&format!("ws://127.0.0.1:{port}/room?id=7"));
    config.subprotocols = vec!["v9".to_owned(), "chat".to_owned()];
    config.headers = vec![("X-Test".to_owned(), "yes".to_owned())];
    let mut client = Session::open(SessionConfig::WsClient(config));
    let server = client.connected();
    let WsEvent::Handshake {
        subprotocol,
        headers,
        ..
    } = client.ws("the handshake", |e| matches!(e, WsEvent::Handshake { .. }))
    else {
        unreachable!()
    };
    assert_eq!(
        subprotocol.map(|s| s.as_received().to_owned()),
        Some("chat".to_owned())
    );
    assert!(
        headers.iter().any(|(name, _)| name
            .as_received()
            .eq_ignore_ascii_case("sec-websocket-accept")),
        "{headers:?}"
    );
    let open = peer.expect(&["\"open\""]);
    assert!(open.contains("\"path\": \"/room?id=7\""), "{open}");
    assert!(
        open.to_lowercase().contains("\"x-test\": \"yes\""),
        "{open}"
    );

    // Text goes as text (UTF-8), and the echo is one message.
    client.send(Target::Default, "héllo".as_bytes());
    peer.expect(&["\"text\"", "\"data\": \"h\\u00e9llo\""]);
    assert_eq!(client.received(), (server, "héllo".as_bytes().to_vec()));
    // Bytes that are not UTF-8 go as binary even in Text mode.
    client.send(Target::Default, &[0xff, 0x00, 0x41]);
    peer.expect(&["\"binary\"", "\"hex\": \"ff0041\""]);
    assert_eq!(client.received().1, vec![0xff, 0x00, 0x41]);
    // In Binary mode (the window's HEX), UTF-8 goes as binary too.
    client
        .handle
        .send(Command::SetWsMessageKind(MessageKind::Binary));
    client.send(Target::Default, b"AB");
    peer.expect(&["\"binary\"", "\"hex\": \"4142\""]);
    client
        .handle
        .send(Command::SetWsMessageKind(MessageKind::Text));

    // Our ping gets the server's pong.
    client.handle.send(Command::WsPing(b"p1".to_vec()));
    client.ws(
        "the pong",
        |e| matches!(e, WsEvent::Pong { payload, .. } if payload.as_received() == "p1"),
    );
    // A ping over 125 bytes is refused with a sentence, and sends nothing.
    client.handle.send(Command::WsPing(vec![b'p'; 126]));
    let refused = client.wait_for("the long ping's refusal", |event| match event {
        Event::Error(error) => Some(error.to_string()),
        _ => None,
    });
    assert!(
        refused.contains("a ping carries at most 125 bytes"),
        "{refused}"
    );
    // The server's ping is answered (the peer logs its pong) and shown.
    client.send(Target::Default, b"ping:abc");
    client.ws(
        "the ping",
        |e| matches!(e, WsEvent::Ping { payload, .. } if payload.as_received() == "abc"),
    );
    peer.expect(&["\"pong\"", "\"abc\""]);

    // The server closes with a code and reason: shown, answered, ended.
    client.send(Target::Default, b"close:4001:bye now");
    let closed = client.ws("the close", |e| matches!(e, WsEvent::Closed { .. }));
    assert_eq!(
        closed,
        WsEvent::Closed {
            peer: server,
            code: 4001,
            reason: "bye now".into(),
            by_peer: true,
            answered: None,
        }
    );
    assert_eq!(client.disconnected(server), CloseReason::ClosedByPeer);
    peer.expect(&["\"closed\"", "\"code\": 4001"]);
}

#[test]
fn our_client_closes_with_its_code_and_the_websockets_server_sees_it() {
    if !have_websockets() {
        return;
    }
    let mut peer = Peer::start(&["server"]);
    let port = peer.listening_port();
    let mut client = Session::open(SessionConfig::WsClient(ws_client(&format!(
        "ws://127.0.0.1:{port}/"
    ))));
    let server = client.connected();
    client.handle.send(Command::WsClose {
        peer: None,
        code: 4002,
        reason: "done here".to_owned(),
    });
    let closed = client.ws("our close", |e| matches!(e, WsEvent::Closed { .. }));
    assert!(matches!(
        closed,
        WsEvent::Closed {
            code: 4002,
            by_peer: false,
            ..
        }
    ));
    assert_eq!(client.disconnected(server), CloseReason::Local);
    peer.expect(&["\"closed\"", "\"code\": 4002", "\"reason\": \"done here\""]);
}

// ---------------------------------------------------------------------
// Python's websockets as the client, our server.

#[test]
fn our_server_serves_its_path_and_subprotocol_to_a_websockets_client() {
    if !have_websockets() {
        return;
    }
    let (mut server, local) = ws_server("/chat", &["v2", "chat"]);
    let url = format!("ws://127.0.0.1:{}/chat?user=1", local.port());
    let mut peer = Peer::start(&["client", &url, "--subprotocol", "chat"]);
    let client = server.connected();
    let handshake = server.ws("the handshake", |e| matches!(e, WsEvent::Handshake { .. }));
    let WsEvent::Handshake {
        path, subprotocol, ..
    } = handshake
    else {
        unreachable!()
    };
    assert_eq!(path.as_received(), "/chat?user=1");
    assert_eq!(
        subprotocol.map(|s| s.as_received().to_owned()),
        Some("chat".to_owned())
    );
    peer.expect(&["\"open\"", "\"subprotocol\": \"chat\""]);

    peer.command("text:hi there");
    assert_eq!(server.received(), (client, b"hi there".to_vec()));
    peer.command("binary:00ff");
    assert_eq!(server.received(), (client, vec![0x00, 0xff]));
    // Per-client send.
    server.send(Target::Peers(vec![client]), "你好".as_bytes());
    peer.expect(&["\"text\"", "\\u4f60\\u597d"]);
    // The client's ping is answered and shown; ours gets its pong.
    peer.command("ping:zz");
    server.ws("the ping", |e| matches!(e, WsEvent::Ping { .. }));
    peer.expect(&["\"pong\"", "\"zz\""]);
    server.handle.send(Command::WsPing(b"from server".to_vec()));
    server.ws("the pong", |e| matches!(e, WsEvent::Pong { .. }));
    server.handle.send(Command::WsPing(vec![b'p'; 126]));
    let refused = server.wait_for("the long ping's refusal", |event| match event {
        Event::Error(error) => Some(error.to_string()),
        _ => None,
    });
    assert!(
        refused.contains("a ping carries at most 125 bytes"),
        "{refused}"
    );
    // We close this client with a code and reason.
    server.handle.send(Command::WsClose {
        peer: Some(client),
        code: 4000,
        reason: "bye".to_owned(),
    });
    peer.expect(&["\"closed\"", "\"code\": 4000", "\"reason\": \"bye\""]);
    assert_eq!(server.disconnected(client), CloseReason::Local);
}

#[test]
fn a_websockets_client_that_closes_is_shown_with_its_code() {
    if !have_websockets() {
        return;
    }
    let (mut server, local) = ws_server("/", &[]);
    let url = format!("ws://127.0.0.1:{}/any/path", local.port());
    let mut peer = Peer::start(&["client", &url]);
    let client = server.connected();
    peer.expect(&["\"open\""]);
    peer.command("close:1001:going");
    let closed = server.ws("the close", |e| matches!(e, WsEvent::Closed { .. }));
    assert_eq!(
        closed,
        WsEvent::Closed {
            peer: client,
            code: 1001,
            reason: "going".into(),
            by_peer: true,
            answered: None,
        }
    );
    assert_eq!(server.disconnected(client), CloseReason::ClosedByPeer);
    peer.expect(&["\"closed\"", "\"code\": 1001"]);
}

#[test]
fn a_path_the_server_does_not_serve_is_refused_with_404_on_both_sides() {
    let (mut server, local) = ws_server("/chat", &[]);
    let url = format!("ws://127.0.0.1:{}/other", local.port());
    let mut client = Session::open(SessionConfig::WsClient(ws_client(&url)));
    let refused = client.ws("the refusal", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    assert!(matches!(
        refused,
        WsEvent::ProtocolError {
            problem: WsProblem::HandshakeRefused { status: 404 },
            ..
        }
    ));
    let stopped = client.wait_for("Stopped", |event| match event {
        Event::Stopped(error) => Some(error.clone()),
        _ => None,
    });
    let Some(SessionError::Connect { reason, .. }) = stopped else {
        panic!("{stopped:?}");
    };
    assert!(reason.contains("HTTP 404"), "{reason}");
    let problem = server.ws("the refused path", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    assert!(
        matches!(&problem, WsEvent::ProtocolError { problem: WsProblem::PathNotServed { path }, .. } if path.as_received() == "/other"),
        "{problem:?}"
    );
}

// ---------------------------------------------------------------------
// Our client and our server.

#[test]
fn our_client_and_server_over_ipv6_with_per_client_send_broadcast_and_close_all() {
    if !require_ipv6() {
        return;
    }
    let mut config = WsServerConfig::new(TcpServerConfig::new("[::1]:0".parse().unwrap(), 8));
    config.path = "/feed".to_owned();
    let (mut server, local) = server_with(config);
    let url = format!("ws://[::1]:{}/feed", local.port());
    let mut first = Session::open(SessionConfig::WsClient(ws_client(&url)));
    let first_server = first.connected();
    let first_peer = server.connected();
    let mut second = Session::open(SessionConfig::WsClient(ws_client(&url)));
    second.connected();
    let second_peer = server.connected();
    assert_ne!(first_peer, second_peer);
    assert_eq!(first_server, local);

    first.send(Target::Default, b"one");
    assert_eq!(server.received(), (first_peer, b"one".to_vec()));
    server.send(Target::Peers(vec![second_peer]), b"just you");
    assert_eq!(second.received().1, b"just you".to_vec());
    server.send(Target::Default, b"everyone");
    assert_eq!(first.received().1, b"everyone".to_vec());
    assert_eq!(second.received().1, b"everyone".to_vec());

    server.handle.send(Command::WsClose {
        peer: None,
        code: 1001,
        reason: "server going down".to_owned(),
    });
    for client in [&mut first, &mut second] {
        let closed = client.ws("the server's close", |e| {
            matches!(e, WsEvent::Closed { .. })
        });
        assert!(matches!(
            closed,
            WsEvent::Closed {
                code: 1001,
                by_peer: true,
                ..
            }
        ));
    }
    let mut left = vec![first_peer, second_peer];
    while !left.is_empty() {
        let (peer, reason) = server.wait_for("Disconnected", |event| match event {
            Event::Disconnected { peer, reason } => Some((*peer, *reason)),
            _ => None,
        });
        assert_eq!(reason, CloseReason::Local);
        left.retain(|p| *p != peer);
    }
}

#[test]
fn a_file_goes_as_binary_messages_of_the_chosen_size() {
    let (mut server, local) = ws_server("/", &[]);
    let mut client = Session::open(SessionConfig::WsClient(ws_client(&format!(
        "ws://127.0.0.1:{}/",
        local.port()
    ))));
    client.connected();
    server.connected();
    let dir = std::env::temp_dir().join(format!("netassist-ws-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("data.bin");
    let data: Vec<u8> = (0..2500u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    client.handle.send(Command::SendFile {
        to: Target::Default,
        path: path.clone(),
        datagram_bytes: 1000,
    });
    let mut sizes = Vec::new();
    let mut got = Vec::new();
    while got.len() < data.len() {
        let (_, bytes) = server.received();
        sizes.push(bytes.len());
        got.extend(bytes);
    }
    assert_eq!(sizes, [1000, 1000, 500]);
    assert_eq!(got, data);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------
// Hostile raw clients.

/// A raw client that did the opening handshake by hand.
struct RawClient {
    stream: TcpStream,
}

impl RawClient {
    fn connect(server: SocketAddr, path: &str) -> RawClient {
        let mut stream = TcpStream::connect(server).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        let mut byte = [0u8; 1];
        while !response.ends_with(b"\r\n\r\n") {
            stream
                .read_exact(&mut byte)
                .expect("the handshake's response");
            response.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&response);
        assert!(text.starts_with("HTTP/1.1 101"), "{text}");
        RawClient { stream }
    }

    /// Writes one frame: `opcode`, FIN as given, masked with a zero-free
    /// key when `masked`.
    fn frame(&mut self, fin: bool, opcode: u8, payload: &[u8], masked: bool) {
        let frame = frame_bytes(fin, opcode, payload, masked);
        self.stream.write_all(&frame).expect("the server reads");
    }
}

/// One frame's bytes: `opcode`, FIN as given, masked with a zero-free key
/// when `masked`.
fn frame_bytes(fin: bool, opcode: u8, payload: &[u8], masked: bool) -> Vec<u8> {
    let mut frame = vec![if fin { 0x80 } else { 0 } | opcode];
    let mask_bit = if masked { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => frame.push(mask_bit | n as u8),
        n if n <= 0xffff => {
            frame.push(mask_bit | 126);
            frame.extend((n as u16).to_be_bytes());
        }
        n => {
            frame.push(mask_bit | 127);
            frame.extend((n as u64).to_be_bytes());
        }
    }
    if masked {
        let key = [0x11, 0x22, 0x33, 0x44];
        frame.extend(key);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        frame.extend(payload);
    }
    frame
}

impl RawClient {
    /// A binary frame that claims `len` bytes, all sent but the last: the
    /// server must hold it and wait for the rest.
    fn all_but_the_last_byte(&mut self, len: usize) {
        let mut frame = vec![0x82, 0x80 | 127];
        frame.extend((len as u64).to_be_bytes());
        frame.extend([1, 2, 3, 4]);
        frame.resize(frame.len() + len - 1, b'x');
        self.stream.write_all(&frame).expect("the server reads");
    }

    /// Only the header of a frame that claims `len` bytes.
    fn header_claiming(&mut self, len: u64) {
        let mut frame = vec![0x82, 0x80 | 127];
        frame.extend(len.to_be_bytes());
        frame.extend([1, 2, 3, 4]);
        self.stream.write_all(&frame).expect("the server reads");
    }

    /// Reads frames until a close frame, and returns its code; frames
    /// before it (pongs) are skipped.
    fn close_code(&mut self) -> u16 {
        loop {
            let mut head = [0u8; 2];
            self.stream
                .read_exact(&mut head)
                .expect("a frame from the server");
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut ext = [0u8; 2];
                self.stream.read_exact(&mut ext).unwrap();
                len = u64::from(u16::from_be_bytes(ext));
            } else if len == 127 {
                let mut ext = [0u8; 8];
                self.stream.read_exact(&mut ext).unwrap();
                len = u64::from_be_bytes(ext);
            }
            let mut payload = vec![0u8; len as usize];
            self.stream.read_exact(&mut payload).unwrap();
            if head[0] & 0x0f == 0x8 {
                return u16::from_be_bytes([payload[0], payload[1]]);
            }
        }
    }

    /// The server ended the stream after its close frame.
    fn ended(&mut self) -> bool {
        let mut rest = [0u8; 64];
        loop {
            match self.stream.read(&mut rest) {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    }
}

/// A hostile client gets `code` and its problem, and a well-behaved client
/// connected at the same time still gets its echo afterwards.
fn hostile(attack: impl FnOnce(&mut RawClient), code: u16, problem: fn(&WsProblem) -> bool) {
    let (mut server, local) = ws_server("/", &[]);
    let mut good = Session::open(SessionConfig::WsClient(ws_client(&format!(
        "ws://127.0.0.1:{}/",
        local.port()
    ))));
    good.connected();
    let good_peer = server.connected();
    let mut raw = RawClient::connect(local, "/");
    let raw_peer = server.connected();
    attack(&mut raw);
    assert_eq!(raw.close_code(), code);
    let seen = server.ws("the problem", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    let WsEvent::ProtocolError { peer, problem: p } = &seen else {
        unreachable!()
    };
    assert_eq!(*peer, raw_peer);
    assert!(problem(p), "{seen:?}");
    assert!(raw.ended(), "the server ends the stream after its close");
    assert_eq!(server.disconnected(raw_peer), CloseReason::Local);
    good.send(Target::Default, b"still here");
    assert_eq!(server.received(), (good_peer, b"still here".to_vec()));
    server.send(Target::Peers(vec![good_peer]), b"and you");
    assert_eq!(good.received().1, b"and you".to_vec());
}

#[test]
fn a_message_over_the_limit_is_closed_with_1009() {
    hostile(
        |raw| raw.header_claiming(MAX_MESSAGE_BYTES as u64 + 1),
        1009,
        |p| matches!(p, WsProblem::MessageTooBig { limit } if *limit == MAX_MESSAGE_BYTES),
    );
}

#[test]
fn fragments_that_add_up_past_the_limit_are_closed_with_1009() {
    hostile(
        |raw| {
            let piece = vec![b'x'; 64 << 10];
            raw.frame(false, 0x2, &piece, true);
            for _ in 0..(MAX_MESSAGE_BYTES / piece.len()) {
                raw.frame(false, 0x0, &piece, true);
            }
        },
        1009,
        |p| matches!(p, WsProblem::MessageTooBig { .. }),
    );
}

/// Clients that each send all but the last byte of a largest message and
/// wait: once together they hold more than the server's budget for
/// unfinished messages, the one holding the most is closed with 1009 and
/// dropped, and the server goes on serving the others.
#[test]
fn unfinished_messages_past_the_servers_budget_close_the_largest_holder_with_1009() {
    let (mut server, local) = ws_server("/", &[]);
    let mut good = Session::open(SessionConfig::WsClient(ws_client(&format!(
        "ws://127.0.0.1:{}/",
        local.port()
    ))));
    good.connected();
    let good_peer = server.connected();
    // One holder more than the budget holds: with its frame header, each
    // holds a little over `len`, and 16 of them stay under the budget.
    let len = MAX_MESSAGE_BYTES - 64;
    let holders = MAX_HELD_BYTES / MAX_MESSAGE_BYTES + 1;
    let mut raws = Vec::new();
    for _ in 0..holders {
        let mut raw = RawClient::connect(local, "/");
        server.connected();
        raw.all_but_the_last_byte(len);
        raws.push(raw);
    }
    let seen = server.ws("the budget's refusal", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    let WsEvent::ProtocolError { peer, problem } = &seen else {
        unreachable!()
    };
    assert!(
        matches!(problem, WsProblem::HeldTooMuch { budget, .. } if *budget == MAX_HELD_BYTES),
        "{seen:?}"
    );
    let closed = raws
        .iter_mut()
        .find(|raw| raw.stream.local_addr().ok() == Some(*peer))
        .expect("the closed client is one of the holders");
    assert_eq!(closed.close_code(), 1009);
    assert!(closed.ended(), "the server dropped it");
    assert_eq!(server.disconnected(*peer), CloseReason::Local);
    // The others are still held, and the server still serves.
    good.send(Target::Default, b"still here");
    assert_eq!(server.received(), (good_peer, b"still here".to_vec()));
    let finisher = raws
        .iter_mut()
        .find(|raw| raw.stream.local_addr().ok() != Some(*peer))
        .expect("a holder still connected");
    let finisher_peer = finisher.stream.local_addr().expect("its address");
    finisher.stream.write_all(b"x").expect("the last byte");
    let (from, message) = server.received();
    assert_eq!(from, finisher_peer);
    assert_eq!(message.len(), len, "the whole message");
}

#[test]
fn invalid_utf8_in_a_text_frame_is_closed_with_1007() {
    hostile(
        |raw| raw.frame(true, 0x1, &[b'o', b'k', 0xff, 0xfe], true),
        1007,
        |p| matches!(p, WsProblem::InvalidUtf8),
    );
}

#[test]
fn an_unmasked_client_frame_is_closed_with_1002() {
    hostile(
        |raw| raw.frame(true, 0x1, b"naked", false),
        1002,
        |p| matches!(p, WsProblem::UnmaskedFrame),
    );
}

#[test]
fn a_ping_flood_is_closed_with_1008_after_few_events() {
    let (mut server, local) = ws_server("/", &[]);
    let mut raw = RawClient::connect(local, "/");
    let raw_peer = server.connected();
    // Sent in one write, so they arrive within the second.
    let mut flood = Vec::new();
    let pings = MAX_PINGS_PER_SEC as usize * 3;
    for _ in 0..pings {
        flood.extend([0x89, 0x80, 1, 2, 3, 4]);
    }
    raw.stream.write_all(&flood).expect("the server reads");
    assert_eq!(raw.close_code(), 1008);
    let mut ping_events = 0;
    let problem = server.wait_for("the flood's problem", |event| match event {
        Event::Ws(WsEvent::Ping { .. }) => {
            ping_events += 1;
            None
        }
        Event::Ws(WsEvent::ProtocolError { problem, .. }) => Some(problem.clone()),
        _ => None,
    });
    assert!(
        matches!(problem, WsProblem::PingFlood { .. }),
        "{problem:?}"
    );
    assert!(
        ping_events <= PING_EVENTS_PER_SEC as usize * 2,
        "{ping_events} ping events for a flood"
    );
    assert_eq!(server.disconnected(raw_peer), CloseReason::Local);
}

#[test]
fn a_message_in_many_small_fragments_arrives_whole() {
    let (mut server, local) = ws_server("/", &[]);
    let mut raw = RawClient::connect(local, "/");
    let raw_peer = server.connected();
    raw.frame(false, 0x1, b"a", true);
    for _ in 0..998 {
        raw.frame(false, 0x0, b"b", true);
    }
    raw.frame(true, 0x0, b"c", true);
    let (peer, bytes) = server.received();
    assert_eq!(peer, raw_peer);
    assert_eq!(bytes.len(), 1000);
    assert!(bytes.starts_with(b"ab") && bytes.ends_with(b"bc"));
}

/// The one handshake-timeout rule holds for our WebSocket client too: a
/// server that accepts and never answers the upgrade is given the
/// session's `handshake_timeout` (not the connect timeout), and the
/// reason is the handshake's.
#[test]
fn our_client_gives_a_silent_server_its_handshake_timeout() {
    let (local, silent) = crate::common::silent_server(Duration::from_secs(3));
    let mut config = ws_client(&format!("ws://127.0.0.1:{}/", local.port()));
    config.connect_timeout = Duration::from_secs(30);
    config.handshake_timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let mut client = Session::open(SessionConfig::WsClient(config));
    let problem = client.ws("the timed-out upgrade", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    assert!(
        matches!(
            problem,
            WsEvent::ProtocolError {
                problem: WsProblem::HandshakeTimeout { .. },
                ..
            }
        ),
        "{problem:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "gave up after the handshake timeout, before the server left"
    );
    silent.join().unwrap();
}

#[test]
fn a_handshake_that_never_finishes_is_dropped_after_the_timeout() {
    let mut config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 2));
    config.handshake_timeout = Duration::from_millis(300);
    let (mut server, local) = server_with(config);
    let mut stalled = TcpStream::connect(local).unwrap();
    stalled.set_read_timeout(Some(PATIENCE)).unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let problem = server.ws("the timeout", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    assert!(
        matches!(
            problem,
            WsEvent::ProtocolError {
                problem: WsProblem::HandshakeTimeout { .. },
                ..
            }
        ),
        "{problem:?}"
    );
    let mut rest = [0u8; 16];
    assert!(
        matches!(stalled.read(&mut rest), Ok(0) | Err(_)),
        "the socket was closed"
    );
    // Its slot is free again: two clients fit a server of two.
    let mut first = Session::open(SessionConfig::WsClient(ws_client(&format!(
        "ws://127.0.0.1:{}/",
        local.port()
    ))));
    first.connected();
    let mut second = Session::open(SessionConfig::WsClient(ws_client(&format!(
        "ws://127.0.0.1:{}/",
        local.port()
    ))));
    second.connected();
}

// ---------------------------------------------------------------------
// wss://: TLS under the WebSocket, the server's self-signed certificate
// pinned by the client.

/// A self-signed identity for 127.0.0.1 and localhost, generated into a
/// folder of its own; the folder and the certificate's PEM file.
fn self_signed(tag: &str) -> (PathBuf, TlsServerOptions, PathBuf) {
    let folder = std::env::temp_dir().join(format!("netassist-wss-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let options = TlsServerOptions::new(ServerIdentity::SelfSigned {
        names: vec!["127.0.0.1".to_owned(), "localhost".to_owned()],
        folder: folder.clone(),
    });
    let (_, identity) = tls::server_config(&options).expect("the self-signed certificate");
    (folder, options, identity.cert_path)
}

fn pinned_client(url: &str, ca: &std::path::Path) -> WsClientConfig {
    let mut config = ws_client(url);
    config.tls.verify = Verify::CaFile(ca.to_owned());
    config
}

#[test]
fn wss_our_client_and_our_server_with_the_certificate_pinned() {
    let (folder, options, cert) = self_signed("ours");
    let mut config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 8));
    config.path = "/secure".to_owned();
    config.tls = Some(options);
    let (mut server, local) = server_with(config);
    let said = server.wait_for("the server's certificate", |event| match event {
        Event::Tls(TlsEvent::ServerIdentity { cert_path, .. }) => cert_path.clone(),
        _ => None,
    });
    assert_eq!(said, cert);
    let url = format!("wss://127.0.0.1:{}/secure", local.port());
    let mut client = Session::open(SessionConfig::WsClient(pinned_client(&url, &cert)));
    client.wait_for("the client's TLS handshake", |event| match event {
        Event::Tls(TlsEvent::Established { .. }) => Some(()),
        _ => None,
    });
    client.connected();
    server.wait_for("the server's TLS handshake", |event| match event {
        Event::Tls(TlsEvent::Established { .. }) => Some(()),
        _ => None,
    });
    let peer = server.connected();
    client.send(Target::Default, "加密 hello".as_bytes());
    assert_eq!(server.received(), (peer, "加密 hello".as_bytes().to_vec()));
    server.send(Target::Peers(vec![peer]), &[0, 1, 2, 255]);
    assert_eq!(client.received().1, vec![0, 1, 2, 255]);
    client.handle.send(Command::WsClose {
        peer: None,
        code: 1000,
        reason: "done".to_owned(),
    });
    let closed = server.ws("the client's close", |e| {
        matches!(e, WsEvent::Closed { .. })
    });
    assert!(matches!(
        closed,
        WsEvent::Closed {
            code: 1000,
            by_peer: true,
            ..
        }
    ));
    assert_eq!(server.disconnected(peer), CloseReason::ClosedByPeer);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn wss_a_client_that_does_not_trust_the_certificate_is_refused_by_its_tls() {
    let (folder, options, _cert) = self_signed("untrusted");
    let mut config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 8));
    config.tls = Some(options);
    let (_server, local) = server_with(config);
    let (other_folder, _, other_cert) = self_signed("other");
    let url = format!("wss://127.0.0.1:{}/", local.port());
    let mut client = Session::open(SessionConfig::WsClient(pinned_client(&url, &other_cert)));
    let problem = client.wait_for("the TLS refusal", |event| match event {
        Event::Tls(TlsEvent::HandshakeFailed { problem, .. }) => Some(problem.clone()),
        _ => None,
    });
    assert!(
        !matches!(problem, TlsProblem::HandshakeTimeout { .. }),
        "{problem:?}"
    );
    let stopped = client.wait_for("Stopped", |event| match event {
        Event::Stopped(error) => Some(error.clone()),
        _ => None,
    });
    assert!(
        stopped.is_some(),
        "the session ends with the handshake's error"
    );
    for folder in [folder, other_folder] {
        let _ = std::fs::remove_dir_all(folder);
    }
}

#[test]
fn wss_with_websockets_on_the_other_side_both_ways() {
    if !have_websockets() {
        return;
    }
    let (folder, options, cert) = self_signed("python");
    let key = folder.join(tls::SELF_SIGNED_KEY_FILE);
    // Python's websockets as the wss:// server, our client pinning it.
    let mut peer = Peer::start(&[
        "server",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    let port = peer.listening_port();
    let url = format!("wss://127.0.0.1:{port}/tls");
    let mut client = Session::open(SessionConfig::WsClient(pinned_client(&url, &cert)));
    let server = client.connected();
    client.send(Target::Default, b"over tls");
    peer.expect(&["\"text\"", "\"over tls\""]);
    assert_eq!(client.received(), (server, b"over tls".to_vec()));
    drop(client);
    drop(peer);

    // Our wss:// server, Python's websockets as the client trusting it.
    let mut config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 8));
    config.tls = Some(options);
    let (mut ours, local) = server_with(config);
    let url = format!("wss://127.0.0.1:{}/py", local.port());
    let mut peer = Peer::start(&["client", &url, "--ca", cert.to_str().unwrap()]);
    let client = ours.connected();
    peer.expect(&["\"open\""]);
    peer.command("text:secret");
    assert_eq!(ours.received(), (client, b"secret".to_vec()));
    ours.send(Target::Default, b"reply");
    peer.expect(&["\"text\"", "\"reply\""]);
    peer.command("close:4003:tls done");
    let closed = ours.ws("the close", |e| matches!(e, WsEvent::Closed { .. }));
    assert!(matches!(
        closed,
        WsEvent::Closed {
            code: 4003,
            by_peer: true,
            ..
        }
    ));
    let _ = std::fs::remove_dir_all(&folder);
}

// ---------------------------------------------------------------------
// What works on TCP works here: answers per message, the receive file,
// the client table's limits.

#[test]
fn echo_answers_each_message_and_the_receive_file_keeps_them_all() {
    let dir = std::env::temp_dir().join(format!("netassist-ws-rx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rx_path = dir.join("received.bin");
    let rx_file = net::RxFileSpec::open(&rx_path, None).expect("the receive file");
    let config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 8));
    let answers = net::Answers {
        echo: true,
        rules: Vec::new(),
    };
    let handle = net::spawn_saving(
        SessionConfig::WsServer(config),
        Arc::new(|| {}),
        answers,
        Some(rx_file),
    )
    .expect("the session starts");
    let mut server = Session {
        handle,
        seen: Vec::new(),
        pending: Default::default(),
    };
    let local = server.opened();
    let mut raw = RawClient::connect(local, "/");
    server.connected();
    // Two messages in one write: each is answered on its own.
    let mut both = Vec::new();
    for text in [&b"first"[..], b"second"] {
        let key = [9, 8, 7, 6];
        both.extend([0x81, 0x80 | text.len() as u8]);
        both.extend(key);
        both.extend(text.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    }
    raw.stream.write_all(&both).unwrap();
    let mut echoed = Vec::new();
    for _ in 0..2 {
        let mut head = [0u8; 2];
        raw.stream.read_exact(&mut head).expect("an echo");
        assert_eq!(head[0], 0x81, "a text message");
        let mut payload = vec![0u8; usize::from(head[1] & 0x7f)];
        raw.stream.read_exact(&mut payload).unwrap();
        echoed.push(String::from_utf8(payload).unwrap());
    }
    assert_eq!(echoed, ["first", "second"]);
    drop(server);
    assert_eq!(std::fs::read(&rx_path).unwrap(), b"firstsecond");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_client_table_keeps_the_tcp_servers_limits() {
    let mut tcp = TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 1);
    tcp.idle_timeout = Some(Duration::from_millis(300));
    let (mut server, local) = server_with(WsServerConfig::new(tcp));
    let url = format!("ws://127.0.0.1:{}/", local.port());
    let mut first = Session::open(SessionConfig::WsClient(ws_client(&url)));
    first.connected();
    let first_peer = server.connected();
    // A second client is one too many.
    let mut second = Session::open(SessionConfig::WsClient(ws_client(&url)));
    let refused = server.wait_for("the refusal", |event| match event {
        Event::Disconnected { peer, reason } if *peer != first_peer => Some(*reason),
        _ => None,
    });
    assert_eq!(refused, CloseReason::TooManyClients);
    second.wait_for("the second client's end", |event| match event {
        Event::Stopped(error) => Some(error.is_some()),
        _ => None,
    });
    // The first one says nothing and is dropped as idle.
    assert_eq!(server.disconnected(first_peer), CloseReason::Idle);
}

/// A crowd that connects and never sends its opening handshake, more than
/// the server's client limit: it pushes out its own oldest (at most a
/// quarter of the limit handshake at once), and a client that finishes its
/// handshake still gets in. Before, the crowd held every slot.
#[test]
fn a_crowd_that_never_finishes_its_handshake_does_not_keep_a_client_out() {
    let max_clients = 8;
    let tcp = TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), max_clients);
    let (mut server, local) = server_with(WsServerConfig::new(tcp));
    let crowd: Vec<TcpStream> = (0..3 * max_clients)
        .map(|_| TcpStream::connect(local).unwrap())
        .collect();
    let seen = server.ws("a handshake pushed out", |e| {
        matches!(e, WsEvent::ProtocolError { .. })
    });
    let WsEvent::ProtocolError { problem, .. } = &seen else {
        unreachable!()
    };
    assert_eq!(
        *problem,
        WsProblem::HandshakePushedOut {
            handshaking: handshaking_cap(max_clients),
            unshown: 0,
        }
    );
    let url = format!("ws://127.0.0.1:{}/", local.port());
    let mut good = Session::open(SessionConfig::WsClient(ws_client(&url)));
    good.connected();
    let good_peer = server.connected();
    good.send(Target::Default, b"in");
    assert_eq!(server.received(), (good_peer, b"in".to_vec()));
    drop(crowd);
}

#[test]
fn a_ping_flood_leaves_another_client_unaffected() {
    let (mut server, local) = ws_server("/", &[]);
    let url = format!("ws://127.0.0.1:{}/", local.port());
    let mut good = Session::open(SessionConfig::WsClient(ws_client(&url)));
    good.connected();
    let good_peer = server.connected();
    let mut raw = RawClient::connect(local, "/");
    let raw_peer = server.connected();
    let flood: Vec<u8> = (0..MAX_PINGS_PER_SEC as usize * 3)
        .flat_map(|_| [0x89, 0x80, 1, 2, 3, 4])
        .collect();
    raw.stream.write_all(&flood).expect("the server reads");
    good.send(Target::Default, b"during the flood");
    assert_eq!(raw.close_code(), 1008);
    // The flooder's end and the good client's message, in either order.
    let (mut dropped, mut heard) = (None, None);
    while dropped.is_none() || heard.is_none() {
        server.wait_for("the flooder's end and the good message", |event| {
            match event {
                Event::Disconnected { peer, reason } if *peer == raw_peer => {
                    dropped = Some(*reason)
                }
                Event::Received(chunks) => {
                    heard = chunks.first().map(|c| (c.peer, c.bytes.to_vec()));
                }
                _ => return None,
            }
            Some(())
        });
    }
    assert_eq!(dropped, Some(CloseReason::Local));
    assert_eq!(heard, Some((good_peer, b"during the flood".to_vec())));
    server.send(Target::Default, b"to the one left");
    assert_eq!(good.received().1, b"to the one left".to_vec());
}

/// A client whose offer list holds an invalid subprotocol next to a good
/// one (`chat, U+202E evil`) gets the good one, not none (issue 22, 16).
#[test]
fn an_invalid_subprotocol_offer_is_skipped_and_the_valid_one_chosen() {
    let (mut server, local) = ws_server("/", &["chat"]);
    let mut stream = TcpStream::connect(local).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut request = format!(
        "GET / HTTP/1.1\r\nHost: {local}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: chat, "
    )
    .into_bytes();
    request.extend("\u{202e}evil\r\n\r\n".as_bytes());
    stream.write_all(&request).unwrap();
    let mut response = Vec::new();
    let mut byte = [0u8; 1];
    while !response.ends_with(b"\r\n\r\n") {
        stream
            .read_exact(&mut byte)
            .expect("the handshake's response");
        response.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&response).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 101"), "{text}");
    assert!(
        text.contains("sec-websocket-protocol: chat\r\n"),
        "the valid offer is chosen: {text}"
    );
    let handshake = server.ws("the handshake", |e| matches!(e, WsEvent::Handshake { .. }));
    let WsEvent::Handshake { subprotocol, .. } = handshake else {
        unreachable!()
    };
    assert_eq!(
        subprotocol.map(|s| s.as_received().to_owned()),
        Some("chat".to_owned())
    );
}

/// Messages, a ping and a close sent in one write are logged in the order
/// they came: m1, m2, PING, m3, CLOSE (issue 22, 14).
#[test]
fn control_frames_and_messages_keep_their_order_in_the_log() {
    let (mut server, local) = ws_server("/", &[]);
    let mut raw = RawClient::connect(local, "/");
    let peer = server.connected();
    let mut wire = Vec::new();
    wire.extend(frame_bytes(true, 0x1, b"m1", true));
    wire.extend(frame_bytes(true, 0x1, b"m2", true));
    wire.extend(frame_bytes(true, 0x9, b"are you there", true));
    wire.extend(frame_bytes(true, 0x1, b"m3", true));
    wire.extend(frame_bytes(true, 0x8, &1000u16.to_be_bytes(), true));
    raw.stream.write_all(&wire).expect("the server reads");
    let mut order = Vec::new();
    server.wait_for("the close", |event| {
        match event {
            Event::Received(chunks) => order.extend(
                chunks
                    .iter()
                    .map(|c| String::from_utf8_lossy(c.bytes).into_owned()),
            ),
            Event::Ws(WsEvent::Ping { .. }) => order.push("PING".to_owned()),
            Event::Ws(WsEvent::Closed { by_peer: true, .. }) => order.push("CLOSE".to_owned()),
            _ => {}
        }
        matches!(event, Event::Disconnected { peer: p, .. } if *p == peer).then_some(())
    });
    assert_eq!(order, ["m1", "m2", "PING", "m3", "CLOSE"]);
}

/// A ping whose payload is not UTF-8 (GBK bytes, a counter) is shown as
/// HEX, not as replacement characters (issue 22, 9).
#[test]
fn a_ping_payload_that_is_not_text_is_shown_as_hex() {
    let (mut server, local) = ws_server("/", &[]);
    let mut raw = RawClient::connect(local, "/");
    server.connected();
    raw.frame(true, 0x9, &[0xC4, 0xE3, 0x01], true);
    let ping = server.ws("the ping", |e| matches!(e, WsEvent::Ping { .. }));
    let WsEvent::Ping { payload, .. } = ping else {
        unreachable!()
    };
    assert_eq!(payload.as_received(), "HEX C4 E3 01");
}

/// A peer that closes with a code no peer may send is logged with the code
/// it sent, and apart from it the 1002 we answered (issue 22, 15):
/// tungstenite hands us its answer in place of the peer's code.
#[test]
fn a_close_code_a_peer_may_not_send_is_logged_as_sent_with_our_answer() {
    let (mut server, local) = ws_server("/", &[]);
    for code in [999u16, 1005, 1006, 1015, 5000] {
        let mut raw = RawClient::connect(local, "/");
        let peer = server.connected();
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(b"odd");
        raw.frame(true, 0x8, &payload, true);
        let closed = server.ws("the close", |e| matches!(e, WsEvent::Closed { .. }));
        assert_eq!(
            closed,
            WsEvent::Closed {
                peer,
                code,
                reason: "odd".into(),
                by_peer: true,
                answered: Some(1002),
            }
        );
        assert!(
            closed.to_string().ends_with(&format!(
                "code {code} 'odd' (not a code a peer may send; answered 1002)"
            )),
            "{closed}"
        );
        // What went back on the wire is the 1002 the row names.
        let mut answer = [0u8; 4];
        raw.stream
            .read_exact(&mut answer)
            .expect("the server's close");
        assert_eq!(answer[0], 0x88, "a close frame");
        assert_eq!(u16::from_be_bytes([answer[2], answer[3]]), 1002);
        server.disconnected(peer);
    }
    // A code a peer may send is answered with itself, and the row says
    // nothing more.
    let mut raw = RawClient::connect(local, "/");
    let peer = server.connected();
    raw.frame(true, 0x8, &4000u16.to_be_bytes(), true);
    let closed = server.ws("the close", |e| matches!(e, WsEvent::Closed { .. }));
    assert!(
        matches!(
            closed,
            WsEvent::Closed {
                code: 4000,
                answered: None,
                ..
            }
        ),
        "{closed:?}"
    );
    server.disconnected(peer);
}

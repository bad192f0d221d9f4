//! The TCP server's client lifecycle (issue 11, findings 6 and 10): an
//! idle timeout and a per-address client limit, both off by default, and a
//! half-close (FIN) that keeps the client until what is queued for it is
//! sent. Clients from several addresses bind 127.0.0.x before connecting;
//! everything stays on loopback, and the checks wait for events, not time.

use crate::common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use common::{PATIENCE, Process, drain_for, open, opened, wait_for};
use netassist::net::{self, Answers, CloseReason, Event, SessionConfig, TcpServerConfig};
use socket2::{Domain, Protocol, Socket, Type};

fn server(config: TcpServerConfig) -> (net::SessionHandle, SocketAddr) {
    let session = open(SessionConfig::TcpServer(config));
    let local = opened(&session);
    (session, local)
}

fn loopback_server() -> TcpServerConfig {
    TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 64)
}

/// A client connected from `from` (an address of 127.0.0.0/8).
fn client_from(from: &str, server: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    let from: SocketAddr = format!("{from}:0").parse().unwrap();
    socket.bind(&from.into()).expect("bind a loopback address");
    socket.connect(&server.into()).expect("connect");
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

fn connected(session: &net::SessionHandle, client: &TcpStream) {
    let peer = client.local_addr().unwrap();
    wait_for(session, |event| match event {
        Event::Connected { peer: p, .. } if *p == peer => Some(()),
        _ => None,
    });
}

fn disconnected(session: &net::SessionHandle, client: &TcpStream) -> CloseReason {
    let peer = client.local_addr().unwrap();
    wait_for(session, |event| match event {
        Event::Disconnected { peer: p, reason } if *p == peer => Some(*reason),
        _ => None,
    })
}

/// The server closed this client: a read ends (EOF or reset).
fn closed_by_server(client: &mut TcpStream) -> bool {
    let mut buf = [0u8; 16];
    matches!(client.read(&mut buf), Ok(0) | Err(_))
}

#[test]
fn a_quiet_client_is_dropped_after_the_idle_timeout_with_a_sentence() {
    let (session, local) = server(TcpServerConfig {
        idle_timeout: Some(Duration::from_millis(300)),
        ..loopback_server()
    });
    let mut client = client_from("127.0.0.1", local);
    connected(&session, &client);
    let reason = disconnected(&session, &client);
    assert_eq!(reason, CloseReason::Idle);
    assert!(
        reason.describe().contains("idle timeout"),
        "{}",
        reason.describe()
    );
    assert!(closed_by_server(&mut client));
}

#[test]
fn idle_connections_filling_the_server_no_longer_lock_out_new_clients() {
    let (session, local) = server(TcpServerConfig {
        max_clients: 4,
        idle_timeout: Some(Duration::from_millis(300)),
        ..loopback_server()
    });
    let idle: Vec<TcpStream> = (0..4).map(|_| client_from("127.0.0.1", local)).collect();
    for client in &idle {
        connected(&session, client);
    }
    // Every slot is held; after the timeout they are all freed, in any
    // order.
    let mut dropped = std::collections::HashSet::new();
    while dropped.len() < idle.len() {
        let (peer, reason) = wait_for(&session, |event| match event {
            Event::Disconnected { peer, reason } => Some((*peer, *reason)),
            _ => None,
        });
        assert_eq!(reason, CloseReason::Idle, "{peer}");
        dropped.insert(peer);
    }
    let newcomer = client_from("127.0.0.2", local);
    connected(&session, &newcomer);
}

#[test]
fn without_an_idle_timeout_a_quiet_client_is_kept() {
    let (session, local) = server(loopback_server());
    let client = client_from("127.0.0.1", local);
    connected(&session, &client);
    let events = drain_for(&session, Duration::from_millis(500));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Disconnected { .. })),
        "{events:?}"
    );
}

#[test]
fn a_client_over_the_per_address_limit_is_refused_and_other_addresses_are_served() {
    let (session, local) = server(TcpServerConfig {
        max_clients_per_ip: Some(2),
        ..loopback_server()
    });
    let first = client_from("127.0.0.2", local);
    connected(&session, &first);
    let second = client_from("127.0.0.2", local);
    connected(&session, &second);
    let mut third = client_from("127.0.0.2", local);
    let reason = disconnected(&session, &third);
    assert_eq!(reason, CloseReason::TooManyFromAddress);
    assert!(
        reason.describe().starts_with("refused: "),
        "{}",
        reason.describe()
    );
    assert!(closed_by_server(&mut third));

    // Another address is not held back by the first one's clients.
    let other = client_from("127.0.0.3", local);
    connected(&session, &other);

    // A client that leaves frees its address's place.
    drop(first);
    wait_for(&session, |event| {
        matches!(event, Event::Disconnected { .. }).then_some(())
    });
    let again = client_from("127.0.0.2", local);
    connected(&session, &again);
}

#[test]
fn a_half_closed_client_gets_all_its_echo_then_the_close() {
    let answers = Answers {
        echo: true,
        rules: Vec::new(),
    };
    let session = net::spawn_answering(
        SessionConfig::TcpServer(loopback_server()),
        Arc::new(|| {}),
        answers,
    )
    .expect("the session starts");
    let local = opened(&session);
    let mut client = client_from("127.0.0.1", local);
    // More than the socket buffers hold, so that part of the echo still
    // waits in the server's queue when the FIN arrives.
    let sent: Vec<u8> = common::pattern_bytes(8 << 20);
    client.write_all(&sent).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut echoed = Vec::new();
    client.read_to_end(&mut echoed).expect("the echo, then EOF");
    assert_eq!(echoed.len(), sent.len());
    assert!(echoed == sent, "the echo differs from what was sent");

    let peer = client.local_addr().unwrap();
    wait_for(&session, |event| match event {
        Event::PeerFinished { peer: p } if *p == peer => Some(()),
        _ => None,
    });
    assert_eq!(disconnected(&session, &client), CloseReason::ClosedByPeer);
}

#[test]
fn echo_program_answers_a_client_that_half_closes() {
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--echo",
        "--no-time",
        "--stay",
    ]);
    let local = common::listening_addr(&app.expect_line("LISTENING"));
    // What `echo hello | socat -t2 - TCP:…` does: send, FIN, then read.
    let mut client = client_from("127.0.0.1", local);
    client.write_all(b"hello\n").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut echoed = Vec::new();
    client.read_to_end(&mut echoed).expect("the echo, then EOF");
    assert_eq!(echoed, b"hello\n");
    app.expect_line(&format!(
        "FINISHED {} ({})",
        client.local_addr().unwrap(),
        net::PEER_FINISHED
    ));
    app.expect_line("DISCONNECTED 127.0.0.1:");
}

#[test]
fn echo_program_answers_socat_that_half_closes() {
    if !common::peer_tool("socat") {
        return;
    }
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--echo",
        "--no-time",
        "--stay",
    ]);
    let local = common::listening_addr(&app.expect_line("LISTENING"));
    // The finding's own command: `echo hello | socat -t2 - TCP:…`.
    let mut socat = std::process::Command::new("socat")
        .args(["-t2", "-", &format!("TCP:{local}")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("socat starts");
    let mut stdin = socat.stdin.take().expect("socat's stdin");
    stdin.write_all(b"hello\n").unwrap();
    drop(stdin);
    let output = socat.wait_with_output().expect("socat ends");
    assert_eq!(output.stdout, b"hello\n");
    app.expect_line("FINISHED 127.0.0.1:");
}

#[test]
fn window_offers_the_limits_and_shows_the_half_close_and_refusal_in_chinese() {
    use common::gui::{bound_addr, english_settings, harness, run_after_network_click, step_until};
    use egui_kittest::kittest::Queryable;
    use netassist::gui::i18n::{self, Lang};
    use netassist::net::Protocol;

    let mut settings = english_settings(Protocol::TcpServer);
    settings.lang = Lang::Zh;
    settings.tcp.max_clients_per_ip = 1;
    let fields = settings.addr_mut();
    fields.local_host = "127.0.0.1".to_owned();
    fields.local_port = "0".to_owned();
    let mut harness = harness(settings);
    harness.run();
    for text in [&i18n::IDLE_TIMEOUT, &i18n::MAX_CLIENTS_PER_IP] {
        assert!(
            harness.query_by_label(text.zh).is_some(),
            "missing {}",
            text.zh
        );
    }
    harness.get_by_label(i18n::LISTEN.zh).click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).expect("listening");

    let mut first = client_from("127.0.0.2", local);
    let second = client_from("127.0.0.2", local);
    // In 简体中文 the rows are Chinese (issue 12, defect 4).
    let refused = format!("已断开 {}", second.local_addr().unwrap());
    step_until(&mut harness, "the second client refused", |h| {
        h.state().workbench().log_text().contains(&refused)
    });
    assert!(harness.state().workbench().log_text().contains("已拒绝："));

    first.write_all(b"bye").unwrap();
    first.shutdown(Shutdown::Write).unwrap();
    let finished = format!(
        "结束发送 {} ({})",
        first.local_addr().unwrap(),
        i18n::PEER_FINISHED.zh
    );
    step_until(&mut harness, "the half-close shown", |h| {
        h.state().workbench().log_text().contains(&finished)
    });
    assert!(closed_by_server(&mut first));
}

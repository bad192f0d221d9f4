//! Echo loops (issue 11, finding 5): a session never answers its own
//! address, and answers each peer at most `REPLY_CAP_PER_SEC` times a
//! second, so two programs that echo each other cannot saturate a machine.
//! Real sockets on loopback only; the checks count messages, and a bound
//! that depends on time is derived from the cap and the time measured.

use crate::common;

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{LOCALHOST_V4, PATIENCE, Process, free_udp_port, opened, wait_for};
use netassist::net::{
    self, Answers, Command, Event, REPLY_CAP_PER_SEC, ReplyHeld, SessionConfig, SessionHandle,
    Target, TcpClientConfig, TcpServerConfig, UdpConfig,
};

/// How long two answering sessions are left to answer each other: the
/// tests count what was exchanged in this interval against the cap, so it
/// is waited out with a sleep (there is no event to wait for).
const EXCHANGE: Duration = Duration::from_secs(2);

fn echoing(config: SessionConfig) -> SessionHandle {
    let answers = Answers {
        echo: true,
        rules: Vec::new(),
    };
    net::spawn_answering(config, Arc::new(|| {}), answers).expect("the session starts")
}

fn udp(local: &str) -> SessionConfig {
    SessionConfig::Udp(UdpConfig {
        local: local.parse().unwrap(),
        remote: None,
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    })
}

fn send(session: &SessionHandle, to: SocketAddr, bytes: &[u8]) {
    session.send(Command::Send {
        to: Target::Peers(vec![to]),
        bytes: bytes.to_vec(),
    });
}

/// What a session did, counted from its events up to `Stopped`.
#[derive(Debug, Default)]
struct Tally {
    received: usize,
    sent: usize,
    over_cap: bool,
}

/// Closes the session and counts every event it sent.
fn close_and_count(session: SessionHandle) -> Tally {
    session.send(Command::Close);
    let mut tally = Tally::default();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match session.events().recv_timeout(left) {
            Ok(Event::Received(chunks)) => tally.received += chunks.len(),
            Ok(Event::Sent { .. }) => tally.sent += 1,
            Ok(Event::ReplyHeld(ReplyHeld::OverCap { .. })) => tally.over_cap = true,
            Ok(Event::Stopped(_)) => return tally,
            Ok(_) => {}
            Err(_) => panic!("the session did not stop within {PATIENCE:?}"),
        }
    }
}

/// The most answers one side may send in `elapsed`: the cap for each
/// one-second window that the span can touch.
fn answer_bound(elapsed: Duration) -> usize {
    let windows = elapsed.as_secs_f64().ceil() as usize + 1;
    REPLY_CAP_PER_SEC as usize * windows
}

#[test]
fn a_datagram_from_the_sessions_own_address_is_not_echoed() {
    // Bound to one address, to every IPv4 address, and to every address.
    for (local, own_ip) in [
        ("127.0.0.1:0", "127.0.0.1"),
        ("0.0.0.0:0", "127.0.0.1"),
        ("[::]:0", "::1"),
    ] {
        let session = echoing(udp(local));
        let port = opened(&session).port();
        let own: SocketAddr = SocketAddr::new(own_ip.parse().unwrap(), port);
        send(&session, own, b"ping");
        let mut before = Tally::default();
        let held = wait_for(&session, |event| match event {
            Event::ReplyHeld(held @ ReplyHeld::OwnAddress { .. }) => Some(held.clone()),
            Event::Received(chunks) => {
                before.received += chunks.len();
                None
            }
            Event::Sent { .. } => {
                before.sent += 1;
                None
            }
            _ => None,
        });
        assert!(held.to_string().contains("own address"), "{held}");

        // A peer's message is still echoed; once its echo is back, the
        // session has handled everything before it.
        let peer = UdpSocket::bind((own.ip(), 0)).unwrap();
        peer.set_read_timeout(Some(PATIENCE)).unwrap();
        peer.send_to(b"marker", own).unwrap();
        let mut buf = [0u8; 64];
        let (n, _) = peer.recv_from(&mut buf).expect("the marker's echo");
        assert_eq!(&buf[..n], b"marker");
        let tally = close_and_count(session);
        // The ping and the marker, once each; the ping sent once, and the
        // marker's echo.
        assert_eq!(before.received + tally.received, 2, "{local}: {tally:?}");
        assert_eq!(before.sent + tally.sent, 2, "{local}: {tally:?}");
    }
}

#[test]
fn two_echoing_udp_sessions_exchange_at_most_the_cap_a_second() {
    let a = echoing(udp("127.0.0.1:0"));
    let b = echoing(udp("127.0.0.1:0"));
    let _a_local = opened(&a);
    let b_local = opened(&b);
    let started = Instant::now();
    send(&a, b_local, b"ping");
    std::thread::sleep(EXCHANGE);
    let b_tally = close_and_count(b);
    let a_tally = close_and_count(a);
    assert_within_the_cap(&b_tally, &a_tally, started.elapsed());
}

/// `pinged` got the first message and answered; `pinger` sent it (one
/// more than its answers). Neither answered more than the cap allows in
/// `elapsed`, and where the cap bit, it was shown.
fn assert_within_the_cap(pinged: &Tally, pinger: &Tally, elapsed: Duration) {
    let bound = answer_bound(elapsed);
    assert!(pinged.received >= 1, "the ping arrived: {pinged:?}");
    assert!(
        pinged.sent <= bound && pinger.sent <= bound + 1,
        "more than {bound} answers in {elapsed:?}: {pinged:?}, {pinger:?}"
    );
    if pinged.sent >= REPLY_CAP_PER_SEC as usize {
        assert!(pinged.over_cap || pinger.over_cap, "{pinged:?} {pinger:?}");
    }
}

#[test]
fn two_echoing_tcp_sessions_exchange_at_most_the_cap_a_second() {
    let server = echoing(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        4,
    )));
    let server_local = opened(&server);
    let client = echoing(SessionConfig::TcpClient(TcpClientConfig {
        remote: net::Endpoint::parse(&server_local.to_string()).unwrap(),
        local: None,
        connect_timeout: PATIENCE,
        framing: netassist::text::Framing::None,
    }));
    wait_for(&client, |event| {
        matches!(event, Event::Connected { .. }).then_some(())
    });
    let started = Instant::now();
    client.send(Command::Send {
        to: Target::Default,
        bytes: b"ping".to_vec(),
    });
    std::thread::sleep(EXCHANGE);
    let server_tally = close_and_count(server);
    let client_tally = close_and_count(client);
    assert_within_the_cap(&server_tally, &client_tally, started.elapsed());
}

fn rx_lines(process: &Process) -> usize {
    process.seen.iter().filter(|l| l.starts_with("RX ")).count()
}

#[test]
fn echo_program_sending_to_its_own_address_prints_one_rx_line() {
    let port = free_udp_port(LOCALHOST_V4);
    let own = format!("127.0.0.1:{port}");
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        &own,
        "--remote",
        &own,
        "--echo",
        "--send",
        "ping",
        "--no-time",
        "--stay",
        "--exit-after",
        "1",
    ]);
    app.expect_line("LIMITED not answering 127.0.0.1:");
    let status = app.finish();
    assert!(status.success(), "{:#?} {}", app.seen, app.stderr());
    assert_eq!(rx_lines(&app), 1, "{:#?}", app.seen);
}

#[test]
fn two_echo_programs_pointed_at_each_other_stop_at_the_cap() {
    let port_a = free_udp_port(LOCALHOST_V4);
    let port_b = free_udp_port(LOCALHOST_V4);
    let addr_a = format!("127.0.0.1:{port_a}");
    let addr_b = format!("127.0.0.1:{port_b}");
    let secs = "3";
    let mut b = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        &addr_b,
        "--remote",
        &addr_a,
        "--echo",
        "--no-time",
        "--stay",
        "--exit-after",
        secs,
    ]);
    b.expect_line("LISTENING");
    let started = Instant::now();
    let mut a = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        &addr_a,
        "--remote",
        &addr_b,
        "--echo",
        "--send",
        "ping",
        "--no-time",
        "--stay",
        "--exit-after",
        secs,
    ]);
    assert!(a.finish().success(), "{:#?} {}", a.seen, a.stderr());
    assert!(b.finish().success(), "{:#?} {}", b.seen, b.stderr());
    let bound = answer_bound(started.elapsed());
    let (rx_a, rx_b) = (rx_lines(&a), rx_lines(&b));
    assert!(rx_b >= 1, "{:#?}", b.seen);
    assert!(
        rx_a <= bound && rx_b <= bound + 1,
        "more than {bound} messages: a {rx_a}, b {rx_b}"
    );
    if rx_b >= REPLY_CAP_PER_SEC as usize {
        let limited = a.seen_with("LIMITED").len() + b.seen_with("LIMITED").len();
        assert!(limited >= 1, "no LIMITED line: a {rx_a}, b {rx_b}");
    }
}

#[test]
fn auto_reply_rules_that_answer_each_other_are_capped_too() {
    use netassist::net::autoreply::{Pattern, Reply, Rule};
    use netassist::text::Encoding;

    // Each side's reply matches the other side's rule: the window's
    // auto-reply can loop between two instances the way echo does.
    let answering = |pattern: &str, reply: &str| {
        let rule = Rule::new(
            Pattern::Contains(pattern.as_bytes().to_vec()),
            Reply::Text(reply.to_owned()),
            Encoding::Utf8,
        )
        .expect("a valid rule");
        let answers = Answers {
            echo: false,
            rules: vec![rule],
        };
        net::spawn_answering(udp("127.0.0.1:0"), Arc::new(|| {}), answers)
            .expect("the session starts")
    };
    let a = answering("pong", "ping");
    let b = answering("ping", "pong");
    let _a_local = opened(&a);
    let b_local = opened(&b);
    let started = Instant::now();
    send(&a, b_local, b"ping");
    std::thread::sleep(EXCHANGE);
    let b_tally = close_and_count(b);
    let a_tally = close_and_count(a);
    let elapsed = started.elapsed();
    let bound = answer_bound(elapsed);
    assert!(b_tally.received >= 1, "the ping arrived: {b_tally:?}");
    assert!(
        b_tally.sent <= bound && a_tally.sent <= bound + 1,
        "more than {bound} answers in {elapsed:?}: a {a_tally:?}, b {b_tally:?}"
    );
}

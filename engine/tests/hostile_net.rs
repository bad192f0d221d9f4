//! Hostile peers and faults against the engine's sessions, on 127.0.0.1:
//! connection churn, resets, half-closes, idle clients, a peer that never
//! reads, a worker that panics, and durations too large to add to a clock.
//! Afterwards file descriptors and threads are back at their baseline and
//! the session still serves a normal client.
//!
//! The tests here count this process's file descriptors and threads, so
//! they run one at a time (`SERIAL`).

#[path = "it/common/mod.rs"]
pub mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::WAIT;
use netassist_engine::net::{
    self, CloseReason, Command, Endpoint, Event, SessionConfig, SessionError, SessionHandle,
    Target, TcpClientConfig, TcpServerConfig, UdpConfig,
};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The tests of this file (thread names are their first 15 bytes).
const TESTS: [&str; 6] = [
    "ten_thousand_connections_resets_half_closes_and_idle_clients_leak_nothing",
    "closing_the_server_with_idle_and_half_open_clients_is_clean",
    "a_server_sending_100_mb_to_a_client_that_never_reads_stays_bounded",
    "a_client_sending_100_mb_to_a_server_that_never_reads_stays_bounded",
    "a_panic_in_a_session_thread_stops_only_that_session_visibly",
    "durations_too_large_for_the_clock_do_not_panic",
];

/// Resident memory in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn tcp_server(max_clients: usize) -> (SessionHandle, SocketAddr) {
    let handle = common::open(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        max_clients,
    )));
    let local = common::opened(&handle);
    (handle, local)
}

/// Tallies of a TCP server's events.
#[derive(Default, Debug)]
struct Tally {
    connected: usize,
    disconnected: usize,
    resets: usize,
    errors: Vec<String>,
    received: Vec<u8>,
}

impl Tally {
    fn take(&mut self, event: Event) {
        match event {
            Event::Connected { .. } => self.connected += 1,
            Event::Disconnected { reason, .. } => {
                self.disconnected += 1;
                if reason == CloseReason::Reset {
                    self.resets += 1;
                }
            }
            Event::Error(e) => self.errors.push(e.to_string()),
            Event::Received(chunks) => {
                for chunk in &chunks {
                    self.received.extend(chunk.bytes);
                }
            }
            Event::Stopped(e) => panic!("the server stopped: {e:?}"),
            _ => {}
        }
    }

    /// Drains events until `done` holds (bounded).
    fn until(&mut self, server: &SessionHandle, what: &str, done: impl Fn(&Tally) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            match server.events().recv_timeout(left) {
                Ok(event) => self.take(event),
                Err(_) => panic!("no {what} within {WAIT:?}: {self:?}"),
            }
        }
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the server session");
    stream
        .set_read_timeout(Some(WAIT))
        .expect("set a read timeout");
    stream
}

/// A normal client: what it sends arrives, and what the server sends to
/// it arrives.
fn serves_a_normal_client(server: &SessionHandle, addr: SocketAddr, tally: &mut Tally) {
    let mut client = connect(addr);
    let me = client.local_addr().unwrap();
    let before = tally.connected;
    tally.until(server, "the normal client", |t| t.connected > before);
    tally.received.clear();
    client.write_all(b"hello after the storm").unwrap();
    tally.until(server, "the normal client's bytes", |t| {
        t.received.ends_with(b"hello after the storm")
    });
    server.send(Command::Send {
        to: Target::Peers(vec![me]),
        bytes: b"still here".to_vec(),
    });
    let mut reply = [0u8; 10];
    client.read_exact(&mut reply).expect("the server's reply");
    assert_eq!(&reply, b"still here");
    drop(client);
    let before = tally.disconnected;
    tally.until(server, "the normal client to leave", |t| {
        t.disconnected > before
    });
}

fn reset(stream: TcpStream) {
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER 0");
    drop(stream);
}

#[test]
fn ten_thousand_connections_resets_half_closes_and_idle_clients_leak_nothing() {
    let _serial = serial();
    let before_session = baseline();
    let (server, addr) = tcp_server(20_000);
    let with_session = baseline();
    let mut tally = Tally::default();

    const CYCLES: usize = 10_000;
    const BATCH: usize = 250;
    let mut made = 0;
    let mut kinds = [0usize; 4];
    for batch in 0..CYCLES / BATCH {
        let mut idle = Vec::new();
        for i in 0..BATCH {
            let n = batch * BATCH + i;
            let mut stream = connect(addr);
            made += 1;
            match n % 10 {
                // Reset in the middle of a message.
                7 => {
                    kinds[1] += 1;
                    stream.write_all(b"half a mess").unwrap();
                    reset(stream);
                }
                // Half-close: the server sees the end of our data, and
                // closes its side too.
                8 => {
                    kinds[2] += 1;
                    stream.write_all(b"bye").unwrap();
                    stream.shutdown(Shutdown::Write).unwrap();
                    let mut rest = Vec::new();
                    stream
                        .read_to_end(&mut rest)
                        .expect("the server closes after our half-close");
                }
                // Connect and never send.
                9 => {
                    kinds[3] += 1;
                    idle.push(stream);
                }
                // Connect, close.
                _ => {
                    kinds[0] += 1;
                    drop(stream);
                }
            }
        }
        let held = idle.len();
        tally.until(&server, "the batch to be accepted and closed", |t| {
            t.connected == made && t.disconnected == made - held
        });
        if batch == CYCLES / BATCH - 1 {
            // Idle clients hold no one up: a normal client is served
            // while they sit there.
            serves_a_normal_client(&server, addr, &mut tally);
            made += 1;
        }
        drop(idle);
        tally.until(&server, "the idle clients to leave", |t| {
            t.disconnected == made
        });
    }
    assert_eq!(tally.connected, CYCLES + 1);
    assert!(tally.errors.is_empty(), "errors: {:?}", tally.errors);
    // The server served every kind of misbehaviour.
    assert!(kinds.iter().all(|k| *k > 0), "{kinds:?}");
    expect_back_to(with_session, "after 10,000 cycles with the server open");

    serves_a_normal_client(&server, addr, &mut tally);
    expect_back_to(with_session, "after a normal client");
    server.send(Command::Close);
    common::wait_for(&server, |e| matches!(e, Event::Stopped(None)).then_some(()));
    drop(server);
    expect_back_to(before_session, "after the server closed");
}

#[test]
fn closing_the_server_with_idle_and_half_open_clients_is_clean() {
    let _serial = serial();
    let before = baseline();
    let (server, addr) = tcp_server(100);
    let mut tally = Tally::default();
    let idle: Vec<TcpStream> = (0..50).map(|_| connect(addr)).collect();
    let mut half: Vec<TcpStream> = (0..50).map(|_| connect(addr)).collect();
    for stream in &mut half {
        stream.write_all(b"no end").unwrap();
    }
    tally.until(&server, "100 clients", |t| t.connected == 100);
    server.send(Command::Close);
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match server.events().recv_timeout(left) {
            Ok(Event::Stopped(None)) => break,
            Ok(Event::Stopped(Some(e))) => panic!("stopped with {e}"),
            Ok(event) => tally.take(event),
            Err(_) => panic!("the server did not stop: {tally:?}"),
        }
    }
    assert_eq!(tally.disconnected, 100);
    // Every client sees the end of the stream.
    for mut stream in idle.into_iter().chain(half) {
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    }
    drop(server);
    expect_back_to(before, "after closing with clients");
}

/// Sends `total` bytes in 1 MiB pieces to a peer that never reads, one
/// piece at a time (each answered by `Sent` or an error), and returns
/// (bytes accepted, sends refused as QueueFull, highest queue gauge,
/// highest RSS growth in KiB).
fn flood(session: &SessionHandle, to: Target, total: usize) -> (usize, usize, usize, u64) {
    const PIECE: usize = 1 << 20;
    let rss_before = rss_kib().unwrap_or(0);
    let (mut accepted, mut refused, mut gauge, mut rss_growth) = (0, 0, 0, 0);
    for _ in 0..total / PIECE {
        session.send(Command::Send {
            to: to.clone(),
            bytes: vec![0x5A; PIECE],
        });
        let answered = common::wait_for(session, |event| match event {
            Event::Sent { bytes, .. } => Some(Ok(bytes.len())),
            Event::Error(SessionError::QueueFull { .. }) => Some(Err(())),
            Event::Error(e) => panic!("unexpected error: {e}"),
            Event::Stopped(e) => panic!("stopped: {e:?}"),
            _ => None,
        });
        match answered {
            Ok(n) => accepted += n,
            Err(()) => refused += 1,
        }
        gauge = gauge.max(session.send_queue_bytes());
        rss_growth = rss_growth.max(rss_kib().unwrap_or(0).saturating_sub(rss_before));
    }
    (accepted, refused, gauge, rss_growth)
}

const HUNDRED_MB: usize = 100 << 20;
const QUEUE_CAP: usize = 64 << 20;

fn check_flood(what: &str, (accepted, refused, gauge, rss_growth): (usize, usize, usize, u64)) {
    eprintln!(
        "{what}: accepted {accepted} bytes of {HUNDRED_MB}, refused {refused} sends, \
         queue gauge up to {gauge} bytes, RSS grew at most {rss_growth} KiB"
    );
    assert!(refused > 0, "{what}: no send was refused");
    // What the kernel buffers on loopback is a few MiB on top of the queue.
    assert!(accepted < QUEUE_CAP + (24 << 20), "{what}: {accepted}");
    assert!(gauge > 0 && gauge <= QUEUE_CAP, "{what}: gauge {gauge}");
    // The queue (at most 64 MiB) is the only large holder: memory stays
    // below what was offered.
    assert!(
        rss_growth < (QUEUE_CAP as u64 + (20 << 20)) / 1024,
        "{what}: RSS grew {rss_growth} KiB"
    );
}

fn close_and_expect_stop(session: SessionHandle) {
    session.send(Command::Close);
    common::wait_for(&session, |event| match event {
        Event::Stopped(None) => Some(()),
        Event::Stopped(Some(e)) => panic!("stopped with {e}"),
        _ => None,
    });
    assert_eq!(session.send_queue_bytes(), 0);
}

#[test]
fn a_server_sending_100_mb_to_a_client_that_never_reads_stays_bounded() {
    let _serial = serial();
    let before = baseline();
    let (server, addr) = tcp_server(10);
    let sleeper = connect(addr);
    let peer = sleeper.local_addr().unwrap();
    common::wait_for(&server, |e| {
        matches!(e, Event::Connected { .. }).then_some(())
    });
    let outcome = flood(&server, Target::Peers(vec![peer]), HUNDRED_MB);
    check_flood("TCP server", outcome);
    // Other clients are still served while one is stuck.
    let mut other = connect(addr);
    let other_addr = other.local_addr().unwrap();
    common::wait_for(&server, |e| {
        matches!(e, Event::Connected { .. }).then_some(())
    });
    server.send(Command::Send {
        to: Target::Peers(vec![other_addr]),
        bytes: b"you are fine".to_vec(),
    });
    let mut reply = [0u8; 12];
    other.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"you are fine");
    close_and_expect_stop(server);
    drop((sleeper, other));
    expect_back_to(before, "after the slow reader");
}

#[test]
fn a_client_sending_100_mb_to_a_server_that_never_reads_stays_bounded() {
    let _serial = serial();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let before = baseline();
    let client = common::open(SessionConfig::TcpClient(TcpClientConfig {
        remote: Endpoint::from(addr),
        local: None,
        connect_timeout: Duration::from_secs(10),
        framing: netassist_engine::text::Framing::None,
    }));
    let (sleeper, _) = common::accept_within(&listener, "the TCP client session");
    common::wait_for(&client, |e| {
        matches!(e, Event::Connected { .. }).then_some(())
    });
    let outcome = flood(&client, Target::Default, HUNDRED_MB);
    check_flood("TCP client", outcome);
    close_and_expect_stop(client);
    drop(sleeper);
    expect_back_to(before, "after the slow server");
}

fn udp_to(remote: SocketAddr) -> SessionConfig {
    SessionConfig::Udp(UdpConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        remote: Some(Endpoint::from(remote)),
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    })
}

/// A panic on a session thread, provoked without any test hook: the front
/// end's own waker (which the session calls after every event) panics
/// once. The session ends with `Stopped(Some(Panicked))`, whose sentence a
/// user can read; the other sessions keep serving; nothing leaks.
#[test]
fn a_panic_in_a_session_thread_stops_only_that_session_visibly() {
    let _serial = serial();
    let before = baseline();
    let (server, addr) = tcp_server(10);
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let armed = Arc::new(AtomicBool::new(false));
    let trap = Arc::clone(&armed);
    let doomed = net::spawn(
        udp_to(receiver.local_addr().unwrap()),
        Arc::new(move || {
            if trap.swap(false, Ordering::SeqCst) {
                panic!("the waker failed on purpose");
            }
        }),
    )
    .expect("spawn");
    common::opened(&doomed);
    armed.store(true, Ordering::SeqCst);
    doomed.send(Command::Send {
        to: Target::Default,
        bytes: b"the last datagram".to_vec(),
    });
    let error = common::wait_for(&doomed, |event| match event {
        Event::Stopped(Some(e)) => Some(e.clone()),
        Event::Stopped(None) => panic!("stopped without the panic"),
        _ => None,
    });
    assert_eq!(
        error,
        SessionError::Panicked("the waker failed on purpose".into())
    );
    assert_eq!(
        error.to_string(),
        "the session stopped because of an internal error: the waker failed on purpose"
    );
    // Stopped is the last event, and the thread is gone.
    assert!(common::drain_for(&doomed, Duration::from_millis(100)).is_empty());
    let deadline = Instant::now() + WAIT;
    while !doomed.is_finished() {
        assert!(Instant::now() < deadline, "the panicked thread did not end");
        std::thread::sleep(Duration::from_millis(10));
    }
    // A command to the dead session is no panic either.
    doomed.send(Command::Send {
        to: Target::Default,
        bytes: b"into the void".to_vec(),
    });
    drop(doomed);

    let mut tally = Tally::default();
    serves_a_normal_client(&server, addr, &mut tally);
    close_and_expect_stop(server);
    drop(receiver);
    expect_back_to(before, "after the panic");
}

/// A loop period or connect timeout too large to add to the clock (a user
/// can type 18446744073709551615 ms) must not panic the session.
#[test]
fn durations_too_large_for_the_clock_do_not_panic() {
    let _serial = serial();
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver.set_read_timeout(Some(WAIT)).unwrap();
    let udp = common::open(udp_to(receiver.local_addr().unwrap()));
    common::opened(&udp);
    for period in [Duration::MAX, Duration::from_millis(u64::MAX)] {
        udp.send(Command::StartLoop {
            to: Target::Default,
            bytes: b"once".to_vec(),
            period,
            count: None,
        });
        let mut buf = [0u8; 8];
        let (n, _) = receiver.recv_from(&mut buf).expect("the first send");
        assert_eq!(&buf[..n], b"once");
        // Let the session compute its next deadline (the sum that used to
        // overflow). No event marks that moment: this waits out an interval
        // in which nothing must go wrong, it synchronises nothing.
        std::thread::sleep(Duration::from_millis(50));
        udp.send(Command::StopLoop);
        let sent = common::wait_for(&udp, |event| match event {
            Event::LoopStopped { sent } => Some(*sent),
            Event::Stopped(e) => panic!("the session stopped: {e:?}"),
            _ => None,
        });
        assert_eq!(sent, 1, "{period:?}");
    }
    close_and_expect_stop(udp);

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = common::open(SessionConfig::TcpClient(TcpClientConfig {
        remote: Endpoint::from(listener.local_addr().unwrap()),
        local: None,
        connect_timeout: Duration::MAX,
        framing: netassist_engine::text::Framing::None,
    }));
    common::wait_for(&client, |event| match event {
        Event::Connected { .. } => Some(()),
        Event::Stopped(e) => panic!("the client stopped: {e:?}"),
        _ => None,
    });
    close_and_expect_stop(client);
}

fn baseline() -> (Option<usize>, Option<usize>) {
    common::resource_baseline(&TESTS)
}

fn expect_back_to(baseline: (Option<usize>, Option<usize>), what: &str) {
    common::expect_back_to(baseline, what, &TESTS);
}

//! Issue 11, finding 3: memory on the receive path is bounded. A session
//! whose events nobody takes holds at most `MAX_EVENT_BYTES` of received
//! data: TCP stops reading (the peer's sends block, nothing is lost) and
//! UDP counts the datagrams it could not keep. The checks are on counts
//! and bytes held, with every wait bounded by a deadline.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::WAIT;
use netassist::net::{
    CHUNK_OVERHEAD_BYTES, Endpoint, Event, MAX_EVENT_BYTES, SessionConfig, SessionHandle,
    TcpClientConfig, TcpServerConfig, UdpConfig,
};

/// Three times the budget: far more than the budget and the kernel's
/// socket buffers together, so the sender must be held back.
const FLOOD_BYTES: u64 = 3 * MAX_EVENT_BYTES as u64;

/// The byte at `position` of a flood: depends on the position, so a lost,
/// repeated or reordered piece shows.
fn flood_byte(position: u64) -> u8 {
    (position.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8
}

/// Writes `FLOOD_BYTES` of the flood pattern; returns how much it wrote
/// before the peer went away. `written` (which writers may share) counts
/// its progress.
fn write_flood(mut stream: TcpStream, written: Arc<AtomicU64>) -> u64 {
    let mut buf = vec![0u8; 256 << 10];
    let mut position = 0u64;
    while position < FLOOD_BYTES {
        let len = (FLOOD_BYTES - position).min(buf.len() as u64) as usize;
        for (i, byte) in buf[..len].iter_mut().enumerate() {
            *byte = flood_byte(position + i as u64);
        }
        if stream.write_all(&buf[..len]).is_err() {
            break;
        }
        position += len as u64;
        written.fetch_add(len as u64, Ordering::AcqRel);
    }
    position
}

/// Waits, without taking any event, until the session has spent its
/// budget and the sender is held back, checking at every look that the
/// events never held more than the cap.
fn wait_until_sender_held_back(
    session: &SessionHandle,
    written: &AtomicU64,
    flood_bytes: u64,
    read_buffer: usize,
) {
    /// Looks in a row that saw the sender make no progress.
    const STILL_LOOKS: u32 = 20;
    let deadline = Instant::now() + WAIT;
    let mut last_written = u64::MAX;
    let mut still = 0;
    loop {
        let held = session.event_bytes_held();
        assert!(
            held <= MAX_EVENT_BYTES,
            "the events held {held} bytes, more than the cap of {MAX_EVENT_BYTES}"
        );
        let now_written = written.load(Ordering::Acquire);
        still = if now_written == last_written {
            still + 1
        } else {
            0
        };
        last_written = now_written;
        // The session stops once a whole read no longer fits; the sender
        // then stops too, once the kernel's buffers are full.
        let spent = held + read_buffer + CHUNK_OVERHEAD_BYTES > MAX_EVENT_BYTES;
        if spent && still >= STILL_LOOKS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sender was not held back within {WAIT:?}: {held} bytes held, {now_written} written"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        written.load(Ordering::Acquire) < flood_bytes,
        "the sender was not held back: it wrote all {flood_bytes} bytes"
    );
}

/// Takes every event until `total` bytes arrived, checking each byte's
/// place in the flood and that the held bytes stay under the cap.
fn drain_flood(session: &SessionHandle, total: u64) {
    let deadline = Instant::now() + WAIT;
    let mut position = 0u64;
    while position < total {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = session
            .events()
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("only {position} of {total} bytes arrived within {WAIT:?}"));
        assert!(session.event_bytes_held() <= MAX_EVENT_BYTES);
        match event {
            Event::Received(chunks) => {
                for chunk in &chunks {
                    for &byte in chunk.bytes {
                        assert_eq!(
                            byte,
                            flood_byte(position),
                            "byte {position} of the flood is wrong"
                        );
                        position += 1;
                    }
                }
            }
            Event::Stopped(error) => panic!("the session stopped: {error:?}"),
            Event::Error(error) => panic!("unexpected error: {error}"),
            _ => {}
        }
    }
    assert_eq!(position, total, "more bytes arrived than were sent");
}

fn spawn_flood_writer(stream: TcpStream, written: Arc<AtomicU64>) -> JoinHandle<u64> {
    std::thread::Builder::new()
        .name("test-flood-writer".to_owned())
        .spawn(move || write_flood(stream, written))
        .expect("start the writer")
}

#[test]
fn tcp_server_not_drained_holds_at_most_the_event_cap_and_loses_nothing() {
    let session = common::open(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        4,
    )));
    let addr = common::opened(&session);
    let stream = TcpStream::connect(addr).unwrap();
    let written = Arc::new(AtomicU64::new(0));
    let writer = spawn_flood_writer(stream, Arc::clone(&written));
    // The server reads 64 KiB at a time.
    wait_until_sender_held_back(&session, &written, FLOOD_BYTES, 64 << 10);
    drain_flood(&session, FLOOD_BYTES);
    assert_eq!(writer.join().unwrap(), FLOOD_BYTES);
}

#[test]
fn tcp_server_resumes_every_client_it_held_back_and_loses_nothing() {
    let session = common::open(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        4,
    )));
    let addr = common::opened(&session);
    let mut writers = Vec::new();
    let mut peers = Vec::new();
    let written = Arc::new(AtomicU64::new(0));
    for _ in 0..3 {
        let stream = TcpStream::connect(addr).unwrap();
        peers.push(stream.local_addr().unwrap());
        writers.push(spawn_flood_writer(stream, Arc::clone(&written)));
    }
    let total = FLOOD_BYTES * peers.len() as u64;
    // Not drained until the budget is spent and every sender waits.
    wait_until_sender_held_back(&session, &written, total, 64 << 10);
    let mut positions = vec![0u64; peers.len()];
    let deadline = Instant::now() + WAIT;
    while positions.iter().sum::<u64>() < total {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = session
            .events()
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("only {positions:?} bytes arrived within {WAIT:?}"));
        assert!(session.event_bytes_held() <= MAX_EVENT_BYTES);
        match event {
            Event::Received(chunks) => {
                for chunk in &chunks {
                    let client = peers
                        .iter()
                        .position(|peer| *peer == chunk.peer)
                        .expect("a known client");
                    let position = &mut positions[client];
                    for &byte in chunk.bytes {
                        assert_eq!(
                            byte,
                            flood_byte(*position),
                            "client {client}, byte {position}"
                        );
                        *position += 1;
                    }
                }
            }
            Event::Stopped(error) => panic!("the session stopped: {error:?}"),
            Event::Error(error) => panic!("unexpected error: {error}"),
            _ => {}
        }
    }
    assert_eq!(positions, vec![FLOOD_BYTES; peers.len()]);
    for writer in writers {
        assert_eq!(writer.join().unwrap(), FLOOD_BYTES);
    }
}

#[test]
fn tcp_client_not_drained_holds_at_most_the_event_cap_and_loses_nothing() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let session = common::open(SessionConfig::TcpClient(TcpClientConfig {
        remote: Endpoint::from(SocketAddr::from(([127, 0, 0, 1], port))),
        local: None,
        connect_timeout: Duration::from_secs(10),
        framing: netassist::text::Framing::None,
    }));
    let (stream, _) = common::accept_within(&listener, "the TCP client session");
    common::wait_for(&session, |event| match event {
        Event::Connected { .. } => Some(()),
        Event::Stopped(error) => panic!("the session stopped: {error:?}"),
        _ => None,
    });
    let written = Arc::new(AtomicU64::new(0));
    let writer = spawn_flood_writer(stream, Arc::clone(&written));
    // The client reads 256 KiB at a time.
    wait_until_sender_held_back(&session, &written, FLOOD_BYTES, 256 << 10);
    drain_flood(&session, FLOOD_BYTES);
    assert_eq!(writer.join().unwrap(), FLOOD_BYTES);
}

fn udp_session() -> (SessionHandle, SocketAddr) {
    let session = common::open(SessionConfig::Udp(UdpConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        remote: None,
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    }));
    let addr = common::opened(&session);
    (session, addr)
}

#[test]
fn udp_datagrams_beyond_the_event_cap_are_counted_and_sent_equals_kept_plus_dropped() {
    const DATAGRAM_BYTES: usize = 60_000;
    let cost = DATAGRAM_BYTES + CHUNK_OVERHEAD_BYTES;
    // Enough for the budget and as many again.
    let sent = 2 * MAX_EVENT_BYTES / cost;
    let (session, addr) = udp_session();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut datagram = vec![0u8; DATAGRAM_BYTES];
    // One datagram at a time, each accounted (kept or counted) before the
    // next, so the kernel never drops one and the totals are exact.
    let deadline = Instant::now() + WAIT;
    for index in 0..sent {
        datagram[..8].copy_from_slice(&(index as u64).to_be_bytes());
        sender.send_to(&datagram, addr).unwrap();
        loop {
            let held = session.event_bytes_held();
            assert!(held <= MAX_EVENT_BYTES, "{held} bytes held");
            let kept = held / cost;
            let (dropped, _) = session.rx_dropped();
            if kept as u64 + dropped == index as u64 + 1 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "datagram {index} was neither kept nor counted within {WAIT:?}"
            );
            std::thread::yield_now();
        }
    }
    let kept = (session.event_bytes_held() / cost) as u64;
    let (dropped, dropped_bytes) = session.rx_dropped();
    assert_eq!(kept + dropped, sent as u64);
    assert!(dropped > 0, "nothing was dropped: the cap did not bite");
    assert_eq!(dropped_bytes, dropped * DATAGRAM_BYTES as u64);
    // The kept ones arrive in order, and a report gives the same count.
    let mut next_kept = 0u64;
    let mut reported = 0u64;
    let deadline = Instant::now() + WAIT;
    while next_kept < kept || reported < dropped {
        let left = deadline.saturating_duration_since(Instant::now());
        match session.events().recv_timeout(left) {
            Ok(Event::Received(chunks)) => {
                for chunk in &chunks {
                    let mut index = [0u8; 8];
                    index.copy_from_slice(&chunk.bytes[..8]);
                    assert_eq!(u64::from_be_bytes(index), next_kept);
                    next_kept += 1;
                }
            }
            Ok(Event::RxDropped(report)) => {
                assert!(report.datagrams <= dropped);
                reported = report.datagrams;
            }
            Ok(_) => {}
            Err(_) => panic!(
                "within {WAIT:?}: {next_kept} of {kept} kept datagrams, {reported} of {dropped} reported"
            ),
        }
    }
    assert_eq!(next_kept, kept);
    assert_eq!(reported, dropped);
    assert_eq!(
        session.event_bytes_held(),
        0,
        "taken events still hold bytes"
    );
}

#[test]
fn udp_drop_reports_do_not_pile_up_behind_a_front_end_that_does_not_read() {
    let (session, addr) = udp_session();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let datagram = vec![7u8; 60_000];
    let deadline = Instant::now() + WAIT;
    // Fill the budget, then go on until several report intervals passed
    // with datagrams dropped all along.
    let mut first_drop: Option<Instant> = None;
    while first_drop.is_none_or(|at| at.elapsed() < Duration::from_millis(2500)) {
        sender.send_to(&datagram, addr).unwrap();
        if first_drop.is_none() && session.rx_dropped().0 > 0 {
            first_drop = Some(Instant::now());
        }
        assert!(Instant::now() < deadline, "no datagram was dropped");
        // Paces the sender, so that the kernel keeps up.
        std::thread::sleep(Duration::from_micros(500));
    }
    let reports = std::iter::from_fn(|| session.events().try_recv().ok())
        .filter(|event| matches!(event, Event::RxDropped(_)))
        .count();
    assert_eq!(reports, 1, "one report waits at a time");
}

/// Kills the child when dropped, so a failing test leaves none behind.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The headless program with stdout unread: its events wait, the session
/// counts what it could not keep, and once stdout is read the count is
/// printed.
#[test]
fn headless_udp_prints_what_it_could_not_keep_behind_an_unread_stdout() {
    let port = common::free_udp_port(common::LOCALHOST_V4);
    let bind = format!("127.0.0.1:{port}");
    let mut child = Killed(
        Command::new(env!("CARGO_BIN_EXE_netassist"))
            .args(["--headless", "--mode", "udp", "--local", &bind])
            .args(["--exit-after", "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start netassist"),
    );
    let stdout = child.0.stdout.take().expect("a piped stdout");
    // The LISTENING line is read (on a thread, so that a program that
    // prints nothing fails the test within the wait instead of hanging
    // it); what follows is not, until the flood is over.
    let (first_tx, first_rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = first_tx.send((read, reader));
    });
    let (line, reader) = first_rx
        .recv_timeout(WAIT)
        .expect("the first line within the wait");
    let line = line.expect("the first line");
    assert!(line.contains("LISTENING"), "{line}");
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let datagram = vec![b'x'; 60_000];
    // Twice what the budget holds, paced so that the kernel keeps up.
    let count = 2 * MAX_EVENT_BYTES / datagram.len() + 100;
    for _ in 0..count {
        sender.send_to(&datagram, ("127.0.0.1", port)).unwrap();
        std::thread::sleep(Duration::from_micros(300));
    }
    // Now read, on a thread, so that the wait has a deadline.
    let (lines_tx, lines_rx) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if line.contains("DROPPED") && lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    let line = lines_rx
        .recv_timeout(WAIT)
        .expect("a DROPPED line within the wait");
    assert!(
        line.contains("datagrams") && line.contains("not kept"),
        "{line}"
    );
}

/// The window, not drawing while a flood comes (as when it is minimized),
/// takes no events; the session counts what it could not keep, and the
/// status bar shows it once the window draws again.
#[test]
fn window_shows_the_datagrams_it_could_not_keep_in_its_status_bar() {
    use common::gui::{loopback_udp_settings, open_udp_window, step_until};
    use egui_kittest::kittest::Queryable;
    let (mut harness, addr) =
        open_udp_window(loopback_udp_settings(netassist::gui::i18n::Lang::En));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let datagram = vec![b'w'; 60_000];
    // Twice what the budget holds, paced so that the kernel keeps up.
    let sent = 2 * MAX_EVENT_BYTES / datagram.len() + 100;
    for _ in 0..sent {
        sender.send_to(&datagram, addr).unwrap();
        std::thread::sleep(Duration::from_micros(300));
    }
    step_until(
        &mut harness,
        "the status bar to show what was not kept",
        |h| h.query_by_label_contains("datagrams not kept").is_some(),
    );
    let counters = &harness.state().workbench().counters();
    assert!(counters.rx_dropped > 0);
    assert!(counters.rx_msgs + counters.rx_dropped <= sent as u64);
    assert_eq!(counters.rx_dropped_bytes, counters.rx_dropped * 60_000);
}

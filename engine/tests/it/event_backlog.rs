//! Issue 11, finding 3, the events without data: behind a front end that
//! takes no events (an unread stdout), peers that send no data must not
//! grow the event channel either. Spoofed TFTP requests are refused and
//! counted in one line; TCP clients wait in the listen backlog until the
//! front end takes events again. Counts only; every wait has a deadline.

use crate::common;

use std::net::{TcpStream, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::tftp::*;
use netassist_engine::net::{self, Event, MAX_EVENTS_WAITING, SessionConfig, SessionHandle};
use netassist_engine::tftp::wire::{Packet, RequestKind};

/// A little more than the bound, for events already on their way when the
/// session looked (the refusal being reported, a summary line).
const SLACK: usize = 16;

/// Waits until the session has queued no new event for `quiet`, and
/// returns how many wait; panics after `limit`.
fn wait_until_settled(session: &SessionHandle, quiet: Duration, limit: Duration) -> usize {
    let deadline = Instant::now() + limit;
    let mut last = session.events().len();
    let mut since = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let now_waiting = session.events().len();
        if now_waiting != last {
            last = now_waiting;
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            return last;
        }
        assert!(Instant::now() < deadline, "the session never settled");
    }
}

/// The count in "N more requests were refused while the output was
/// behind", if `event` is that line.
fn summarised_refusals(event: &Event) -> Option<u64> {
    let Event::Error(error) = event else {
        return None;
    };
    let text = error.to_string();
    let (count, rest) = text.split_once(' ')?;
    rest.starts_with("more requests were refused while the output was behind")
        .then(|| count.parse().ok())
        .flatten()
}

/// Spoofed requests from many addresses (each within the rate limiter's
/// burst) against a server whose events nobody takes: the channel stays
/// at the bound, every refusal is still answered on the wire, and once
/// the front end reads, one line says how many were not shown.
#[cfg(target_os = "linux")]
#[test]
fn tftp_refusals_behind_a_front_end_that_does_not_read_are_counted_not_queued() {
    let root = tempfile::tempdir().expect("temp dir");
    // Uploads are not allowed: every write request is refused.
    let server = start_server(server_config(root.path(), "127.0.0.1:0"));
    let requests_per_address = 80;
    let addresses = (MAX_EVENTS_WAITING + 4_000).div_ceil(requests_per_address);
    let wrq = Packet::Request {
        kind: RequestKind::Write,
        filename: b"x.bin",
        mode: "octet",
        options: vec![],
    }
    .to_bytes();
    let mut sent = 0usize;
    let mut answered = 0usize;
    let mut buf = [0u8; 600];
    for index in 0..addresses {
        let ip = format!("127.0.{}.{}", 10 + index / 250, 1 + index % 250);
        let socket = UdpSocket::bind((ip.as_str(), 0)).expect("bind a loopback address");
        socket
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        for _ in 0..requests_per_address {
            socket.send_to(&wrq, server.local).expect("send");
            sent += 1;
            // One at a time: the answer says the server has taken it, so
            // no request is lost to a full socket buffer.
            if let Ok((len, _)) = socket.recv_from(&mut buf) {
                assert!(matches!(
                    Packet::parse(&buf[..len]),
                    Ok(Packet::Error { .. })
                ));
                answered += 1;
            }
        }
    }
    assert_eq!(answered, sent, "every request gets its ERROR on the wire");
    let waiting = wait_until_settled(&server.handle, Duration::from_millis(300), WAIT);
    assert!(
        waiting <= MAX_EVENTS_WAITING + SLACK,
        "{waiting} events wait (bound {MAX_EVENTS_WAITING})"
    );

    // The front end reads now: every refusal is either shown or counted.
    let mut shown = 0usize;
    let mut counted = 0u64;
    let deadline = Instant::now() + WAIT;
    while (shown as u64 + counted) < sent as u64 {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(event) = server.handle.events().recv_timeout(left) else {
            panic!("shown {shown} + counted {counted} of {sent} refusals");
        };
        if let Some(count) = summarised_refusals(&event) {
            counted += count;
        } else if matches!(&event, Event::Error(_)) {
            shown += 1;
        }
    }
    assert_eq!(shown as u64 + counted, sent as u64);
    assert!(counted > 0, "the flood was larger than the bound");
    assert!(shown <= MAX_EVENTS_WAITING + SLACK);
    // The server still serves.
    let probe = UdpSocket::bind("127.0.0.1:0").expect("bind");
    probe
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    probe.send_to(&wrq, server.local).expect("send");
    let (len, _) = probe.recv_from(&mut buf).expect("the server answers");
    assert!(Packet::parse(&buf[..len]).is_ok());
}

/// Short connections against a TCP server whose events nobody takes: once
/// the channel holds the bound, new clients are not accepted (they wait in
/// the backlog) and make no events; once the front end reads, they are.
#[test]
fn tcp_clients_wait_in_the_backlog_while_the_front_end_does_not_read() {
    let session = net::spawn(
        SessionConfig::TcpServer(net::TcpServerConfig::new(
            "127.0.0.1:0".parse().expect("address"),
            net::DEFAULT_MAX_CLIENTS,
        )),
        Arc::new(|| {}),
    )
    .expect("spawn");
    let deadline = Deadline::after(WAIT);
    let local = loop {
        match session.events().recv_timeout(deadline.left()) {
            Ok(Event::Opened { local }) => break local,
            Ok(Event::Stopped(e)) => panic!("stopped: {e:?}"),
            Ok(_) => {}
            Err(_) => panic!("the server did not open"),
        }
    };
    // Each short connection makes two events (connected, disconnected).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut connections = 0usize;
    while session.events().len() < MAX_EVENTS_WAITING {
        assert!(
            Instant::now() < deadline,
            "{} events after {connections} connections",
            session.events().len()
        );
        drop(TcpStream::connect(local).expect("connect"));
        connections += 1;
        // Let the server catch up now and then, so that the connections
        // counted here are accepted rather than left in the backlog.
        if connections.is_multiple_of(512) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // Clients accepted before the bound was reached still say how they
    // leave (finished, disconnected): a few events each, no more.
    let before = wait_until_settled(&session, Duration::from_millis(300), WAIT);
    assert!(
        before <= MAX_EVENTS_WAITING + 3 * 512,
        "{before} events wait (bound {MAX_EVENTS_WAITING})"
    );
    let held: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(local).expect("the backlog takes it"))
        .collect();
    let after = wait_until_settled(&session, Duration::from_millis(300), WAIT);
    assert_eq!(
        after, before,
        "new clients made events while the channel was full"
    );

    // The front end reads: the held clients are accepted and shown.
    let wanted: Vec<_> = held
        .iter()
        .map(|s| s.local_addr().expect("local"))
        .collect();
    let mut connected = 0usize;
    let deadline = Instant::now() + Duration::from_secs(60);
    while connected < wanted.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        match session.events().recv_timeout(left) {
            Ok(Event::Connected { peer, .. }) if wanted.contains(&peer) => connected += 1,
            Ok(Event::Stopped(e)) => panic!("stopped: {e:?}"),
            Ok(_) => {}
            Err(_) => panic!("{connected} of {} held clients shown", wanted.len()),
        }
    }
    drop(held);
}

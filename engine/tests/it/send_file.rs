//! A file as the data source, over real sockets on 127.0.0.1: TCP streams it
//! as the peer reads (never queueing it whole), UDP sends it as datagrams
//! of the chosen size, progress is throttled, and failures are sentences.

use crate::common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use common::{PATIENCE, drain_for, next_error, open, opened, pattern_bytes, wait_for};
use netassist_engine::net::{
    Command, Event, SessionConfig, SessionError, SessionHandle, Target, TcpClientConfig,
    TcpServerConfig, UdpConfig,
};

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("the test file is written");
    path
}

fn send_file(session: &SessionHandle, path: &Path, datagram_bytes: usize) {
    session.send(Command::SendFile {
        to: Target::Default,
        path: path.to_owned(),
        datagram_bytes,
    });
}

/// Collects `FileProgress` events until the final one, checking that
/// `sent` only grows and never passes `total`.
fn progress_until_done(session: &SessionHandle) -> Vec<(Instant, u64, u64)> {
    let mut seen = Vec::new();
    wait_for(session, |event| match event {
        Event::FileProgress { sent, total } => {
            if let Some((_, last, _)) = seen.last() {
                assert!(sent >= last, "progress went back: {last} then {sent}");
            }
            assert!(sent <= total);
            seen.push((Instant::now(), *sent, *total));
            (sent == total && *total > 0).then_some(())
        }
        Event::FileAborted { reason, .. } => panic!("the file send stopped: {reason}"),
        _ => None,
    });
    seen
}

fn read_all(mut stream: TcpStream, len: usize) -> Vec<u8> {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut out = vec![0u8; len];
    stream.read_exact(&mut out).expect("the whole file arrives");
    out
}

#[test]
fn tcp_client_streams_a_large_file_as_the_peer_reads() {
    const LEN: usize = 48 << 20;
    let dir = tempfile::tempdir().unwrap();
    let content = pattern_bytes(LEN);
    let path = write_file(dir.path(), "big.bin", &content);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let session = open(SessionConfig::TcpClient(TcpClientConfig {
        remote: listener.local_addr().unwrap().into(),
        local: None,
        connect_timeout: Duration::from_secs(5),
        framing: netassist_engine::text::Framing::None,
    }));
    let (server_side, _) = common::accept_within(&listener, "the TCP client session");
    wait_for(&session, |e| {
        matches!(e, Event::Connected { .. }).then_some(())
    });

    send_file(&session, &path, 0);
    // The peer does not read yet: the session must stop reading the file
    // once the socket buffers and its small queue are full, instead of
    // queueing all 48 MiB (the queue would take up to 64 MiB).
    let stalled = drain_for(&session, Duration::from_millis(700));
    let sent_while_stalled = stalled
        .iter()
        .filter_map(|e| match e {
            Event::FileProgress { sent, .. } => Some(*sent),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    assert!(
        sent_while_stalled < (LEN / 2) as u64,
        "{sent_while_stalled} bytes were taken from the file although the peer read nothing"
    );

    // A second file while one is being sent is refused.
    send_file(&session, &path, 0);
    assert_eq!(next_error(&session), SessionError::FileBusy.to_string());

    let reader = std::thread::spawn(move || read_all(server_side, LEN));
    let started = Instant::now();
    let progress = progress_until_done(&session);
    let elapsed = started.elapsed();
    assert_eq!(progress.last().map(|p| p.1), Some(LEN as u64));
    // At most ten reports a second, plus the final one (and slack for the
    // report that opened each 100 ms window).
    let allowed = (elapsed.as_secs_f64() * 10.0).ceil() as usize + 2;
    assert!(
        progress.len() <= allowed,
        "{} progress events in {elapsed:?}",
        progress.len()
    );
    let received = reader.join().expect("the reader");
    assert!(received == content, "the file arrived changed");
}

#[test]
fn tcp_server_sends_the_file_to_every_client() {
    const LEN: usize = 3 << 20;
    let dir = tempfile::tempdir().unwrap();
    let content = pattern_bytes(LEN);
    let path = write_file(dir.path(), "to-all.bin", &content);
    let session = open(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        4,
    )));
    let local = opened(&session);
    let clients = [
        TcpStream::connect(local).unwrap(),
        TcpStream::connect(local).unwrap(),
    ];
    for _ in 0..2 {
        wait_for(&session, |e| {
            matches!(e, Event::Connected { .. }).then_some(())
        });
    }
    send_file(&session, &path, 0);
    let readers: Vec<_> = clients
        .into_iter()
        .map(|client| std::thread::spawn(move || read_all(client, LEN)))
        .collect();
    progress_until_done(&session);
    for reader in readers {
        assert!(reader.join().unwrap() == content, "a client got it changed");
    }
}

#[test]
fn udp_sends_datagrams_of_the_chosen_size() {
    const LEN: usize = 100 * 1024;
    const DATAGRAM: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let content = pattern_bytes(LEN);
    let path = write_file(dir.path(), "datagrams.bin", &content);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(PATIENCE)).unwrap();
    // As large as the system allows, so a burst waits in the kernel.
    let _ = socket2::SockRef::from(&peer).set_recv_buffer_size(8 << 20);
    let session = open(SessionConfig::Udp(UdpConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        remote: Some(peer.local_addr().unwrap().into()),
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    }));
    opened(&session);
    // The peer reads while the file goes out, as a real one would (a
    // datagram that finds its buffer full would be lost: that is UDP).
    let reader = std::thread::spawn(move || {
        let mut received = Vec::new();
        let mut sizes = Vec::new();
        let mut buf = [0u8; 2048];
        while received.len() < LEN {
            let n = peer
                .recv(&mut buf)
                .expect("every datagram arrives on loopback");
            sizes.push(n);
            received.extend_from_slice(&buf[..n]);
        }
        (received, sizes)
    });
    send_file(&session, &path, DATAGRAM);
    let progress = progress_until_done(&session);
    assert_eq!(progress.first().map(|p| (p.1, p.2)), Some((0, LEN as u64)));
    let (received, sizes) = reader.join().expect("the reader");
    assert!(
        received == content,
        "the datagrams do not add up to the file"
    );
    assert_eq!(sizes.len(), LEN.div_ceil(DATAGRAM));
    assert!(sizes[..sizes.len() - 1].iter().all(|n| *n == DATAGRAM));
    assert_eq!(sizes.last(), Some(&(LEN % DATAGRAM)));
}

#[test]
fn missing_file_is_a_sentence_and_cancel_reports_how_far_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let session = open(SessionConfig::TcpClient(TcpClientConfig {
        remote: listener.local_addr().unwrap().into(),
        local: None,
        connect_timeout: Duration::from_secs(5),
        framing: netassist_engine::text::Framing::None,
    }));
    let (_server_side, _) = common::accept_within(&listener, "the TCP client session");
    wait_for(&session, |e| {
        matches!(e, Event::Connected { .. }).then_some(())
    });

    let missing = dir.path().join("nope.bin");
    send_file(&session, &missing, 0);
    assert_eq!(
        next_error(&session),
        format!(
            "{} does not exist: choose the file again",
            missing.display()
        )
    );
    session.send(Command::CancelFile);
    assert_eq!(next_error(&session), "no file is being sent");

    // The peer never reads, so the send is still going when cancelled.
    let path = write_file(dir.path(), "slow.bin", &pattern_bytes(32 << 20));
    send_file(&session, &path, 0);
    wait_for(&session, |e| {
        matches!(e, Event::FileProgress { sent: 0, .. }).then_some(())
    });
    session.send(Command::CancelFile);
    let (sent, total, reason) = wait_for(&session, |e| match e {
        Event::FileAborted {
            sent,
            total,
            reason,
        } => Some((*sent, *total, reason.clone())),
        _ => None,
    });
    assert_eq!(total, 32 << 20);
    assert!(sent < total);
    assert_eq!(reason, SessionError::FileCancelled);
}

#[test]
fn empty_file_sends_no_datagram_and_reports_only_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "empty.bin", &[]);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let session = open(SessionConfig::Udp(UdpConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        remote: Some(peer.local_addr().unwrap().into()),
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    }));
    opened(&session);
    send_file(&session, &path, 0);
    let first = wait_for(&session, |e| match e {
        Event::FileProgress { sent, total } => Some((*sent, *total)),
        _ => None,
    });
    assert_eq!(first, (0, 0));
    let mut buf = [0u8; 16];
    assert!(peer.recv(&mut buf).is_err(), "an empty file sends nothing");
    let later = drain_for(&session, Duration::from_millis(100));
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, Event::FileProgress { .. })),
        "{later:?}"
    );
}

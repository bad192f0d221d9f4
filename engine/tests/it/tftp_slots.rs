//! Issue 11, finding 6 (TFTP): one address cannot take every transfer
//! slot, and a slot whose peer never answers is freed long before the
//! retransmissions would give up. Raw UDP peers on loopback; the tests
//! that need a second address bind to 127.0.0.2 and 127.0.0.3, which
//! Linux routes on its loopback without setup.

use crate::common;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::tftp::*;
use netassist_engine::net::{Command, Event};
use netassist_engine::tftp::TransferEvent;
use netassist_engine::tftp::limits::{self, SlotRefusal};
use netassist_engine::tftp::wire::{self, ErrorCode, Packet};

/// The served file: three full blocks of 512 and a short one.
const FILE_LEN: usize = 1_700;

fn served() -> (tempfile::TempDir, netassist_engine::tftp::ServerConfig) {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("boot.bin"), pattern(FILE_LEN, 11)).expect("write");
    let config = server_config(root.path(), "127.0.0.1:0");
    (root, config)
}

fn socket_on(ip: &str) -> UdpSocket {
    let socket = UdpSocket::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip}: {e}"));
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    socket
}

fn rrq(name: &str) -> Vec<u8> {
    let mut bytes = vec![0, 1];
    bytes.extend_from_slice(name.as_bytes());
    bytes.extend_from_slice(b"\0octet\0");
    bytes
}

fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 65_536];
    let (n, from) = socket.recv_from(&mut buf).expect("an answer in time");
    (buf[..n].to_vec(), from)
}

/// The first packet a request gets: DATA 1, or an ERROR's code and text.
fn first_answer(socket: &UdpSocket) -> Result<(Vec<u8>, SocketAddr), (ErrorCode, String)> {
    let (bytes, from) = recv(socket);
    match Packet::parse(&bytes) {
        Ok(Packet::Data { block: 1, .. }) => Ok((bytes, from)),
        Ok(Packet::Error { code, message }) => Err((code, message.to_owned())),
        other => panic!("unexpected first answer {other:?}"),
    }
}

/// A lockstep download of `boot.bin` from `socket`, answering duplicates
/// of blocks it already has with nothing; returns the file's bytes, or
/// the refusal.
fn fetch(socket: &UdpSocket, server: SocketAddr) -> Result<Vec<u8>, (ErrorCode, String)> {
    socket.send_to(&rrq("boot.bin"), server).expect("send");
    let (first, port) = first_answer(socket)?;
    let mut file = Vec::new();
    let mut packet = first;
    let mut expected = 1u16;
    let deadline = Deadline::after(WAIT);
    loop {
        deadline.check(|| format!("the whole of boot.bin (block {expected} next)"));
        if let Ok(Packet::Data { block, data }) = Packet::parse(&packet)
            && block == expected
        {
            file.extend_from_slice(data);
            socket.send_to(&wire::ack_packet(block), port).expect("ack");
            if data.len() < 512 {
                return Ok(file);
            }
            expected += 1;
        }
        packet = recv(socket).0;
    }
}

/// Downloads `boot.bin`, asking again while the answer is a refusal: a
/// slot is freed when the server drops its transfer, just after the
/// transfer's last event.
fn fetch_once_free(socket: &UdpSocket, server: SocketAddr) -> Vec<u8> {
    let deadline = Instant::now() + WAIT;
    loop {
        match fetch(socket, server) {
            Ok(file) => return file,
            Err(refused) => {
                assert!(Instant::now() < deadline, "still refused: {refused:?}");
                // Paces the retries, as a real client would.
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Waits for the server's events until `done` says they are enough.
fn wait_events(server: &mut Server, what: &str, done: impl Fn(&[Event]) -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done(&server.events) {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "{what}: {:?}", server.events);
        if let Ok(event) = server
            .handle
            .events()
            .recv_timeout(left.min(Duration::from_millis(200)))
        {
            server.events.push(event);
        }
    }
}

fn failures_with(events: &[Event], reason: &str) -> usize {
    events
        .iter()
        .filter(|e| {
            matches!(e, Event::Transfer(TransferEvent::Failed { reason: r, .. }) if r.to_string() == reason)
        })
        .count()
}

fn started(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Transfer(TransferEvent::Started { .. })))
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn sixty_four_unanswered_rrqs_from_one_address_do_not_stop_a_download_from_another() {
    let (_root, mut config) = served();
    config.max_transfers = limits::DEFAULT_MAX_TRANSFERS;
    config.max_transfers_per_address = limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS;
    let mut server = start_server(config);
    // The hog: 64 requests from one address, each from its own port, none
    // ever acknowledged. The sockets stay open so that no port-unreachable
    // tells the server they left.
    let hog: Vec<UdpSocket> = (0..64).map(|_| socket_on("127.0.0.2")).collect();
    for socket in &hog {
        socket
            .send_to(&rrq("boot.bin"), server.local)
            .expect("send");
    }
    let answers: Vec<_> = hog.iter().map(first_answer).collect();
    let served_to_hog = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(served_to_hog, limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS);
    let refusal = SlotRefusal::AddressFull {
        limit: limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
    };
    for answer in answers.iter().filter_map(|a| a.as_ref().err()) {
        assert_eq!(answer, &(refusal.code(), refusal.message()));
    }
    // Another address downloads the whole file while the hog holds its
    // slots.
    let asked = Instant::now();
    let other = socket_on("127.0.0.3");
    let file = fetch(&other, server.local).expect("served at once");
    eprintln!(
        "with the 64-RRQ hog running, 127.0.0.3 got the whole file in {:?}",
        asked.elapsed()
    );
    assert_eq!(file, pattern(FILE_LEN, 11));
    server.drain();
    assert_eq!(
        started(&server.events),
        limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS + 1
    );
    drop(hog);
}

#[test]
fn the_per_address_limit_refuses_with_its_message_and_an_event() {
    let (_root, mut config) = served();
    config.max_transfers_per_address = 2;
    let mut server = start_server(config);
    let holders = [socket_on("127.0.0.1"), socket_on("127.0.0.1")];
    for socket in &holders {
        socket
            .send_to(&rrq("boot.bin"), server.local)
            .expect("send");
        assert!(first_answer(socket).is_ok(), "within the limit");
    }
    let third = socket_on("127.0.0.1");
    third.send_to(&rrq("boot.bin"), server.local).expect("send");
    let refusal = SlotRefusal::AddressFull { limit: 2 };
    assert_eq!(
        first_answer(&third).err(),
        Some((ErrorCode::Undefined, refusal.message()))
    );
    assert!(
        refusal
            .message()
            .contains("too many transfers from your address"),
        "{}",
        refusal.message()
    );
    wait_events(&mut server, "no refusal event", |events| {
        events.iter().any(|e| {
            matches!(e, Event::Error(error)
                if error.to_string().contains(&refusal.message())
                    && error.to_string().contains("127.0.0.1"))
        })
    });
    // Once one of the two is over, the address is served again.
    server.drain();
    let id = server
        .events
        .iter()
        .find_map(|e| match e {
            Event::Transfer(TransferEvent::Started { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a started transfer");
    server.handle.send(Command::CancelTransfer(id));
    wait_events(
        &mut server,
        "the cancelled transfer did not end",
        |events| {
            events.iter().any(
                |e| matches!(e, Event::Transfer(TransferEvent::Failed { id: i, .. }) if *i == id),
            )
        },
    );
    let again = socket_on("127.0.0.1");
    assert_eq!(fetch_once_free(&again, server.local), pattern(FILE_LEN, 11));
}

#[test]
fn unanswered_transfers_free_their_slots_after_the_first_answer_timeout() {
    let (_root, mut config) = served();
    config.max_transfers = 4;
    // The per-address limit is lifted: the server-wide one is tested here.
    config.max_transfers_per_address = 8;
    // The default 10 s is the policy; what is tested is that the slots
    // come free when it runs out, so the test waits 2 s instead.
    config.first_answer_timeout = Duration::from_secs(2);
    let mut server = start_server(config);
    // Three requests that are never answered, and one slow but real
    // client that acknowledges the first block at once and the rest only
    // after the others timed out.
    let silent: Vec<UdpSocket> = (0..3).map(|_| socket_on("127.0.0.1")).collect();
    for socket in &silent {
        socket
            .send_to(&rrq("boot.bin"), server.local)
            .expect("send");
        assert!(first_answer(socket).is_ok());
    }
    let slow = socket_on("127.0.0.1");
    slow.send_to(&rrq("boot.bin"), server.local).expect("send");
    let Ok((first, port)) = first_answer(&slow) else {
        panic!("the slow client was refused");
    };
    let Ok(Packet::Data { data, .. }) = Packet::parse(&first) else {
        panic!("not DATA");
    };
    let mut file = data.to_vec();
    slow.send_to(&wire::ack_packet(1), port).expect("ack");
    // Every slot is taken now.
    let refused = socket_on("127.0.0.1");
    refused
        .send_to(&rrq("boot.bin"), server.local)
        .expect("send");
    assert_eq!(
        first_answer(&refused).err(),
        Some((ErrorCode::Undefined, SlotRefusal::ServerFull.message()))
    );
    // The three silent ones fail with the timeout's reason; the slow one
    // does not.
    let reason = limits::first_answer_timeout_message(Duration::from_secs(2));
    wait_events(&mut server, "silent transfers were not ended", |events| {
        failures_with(events, &reason) >= 3
    });
    // A silent peer is told why, after the retransmissions of DATA 1.
    let told = (0..20).find_map(|_| match Packet::parse(&recv(&silent[0]).0) {
        Ok(Packet::Error { code, message }) => Some((code, message.to_owned())),
        _ => None,
    });
    assert_eq!(told, Some((limits::FIRST_ANSWER_ERROR, reason.clone())));
    // Their slots are free: a new request is served.
    let newcomer = socket_on("127.0.0.1");
    assert_eq!(
        fetch_once_free(&newcomer, server.local),
        pattern(FILE_LEN, 11)
    );
    // The slow client finishes; blocks resent meanwhile are duplicates.
    let mut expected = 2u16;
    let deadline = Deadline::after(WAIT);
    while file.len() < FILE_LEN {
        deadline.check(|| format!("the slow client's file (block {expected} next)"));
        let packet = recv(&slow).0;
        if let Ok(Packet::Data { block, data }) = Packet::parse(&packet)
            && block == expected
        {
            file.extend_from_slice(data);
            slow.send_to(&wire::ack_packet(block), port).expect("ack");
            expected += 1;
        }
    }
    assert_eq!(file, pattern(FILE_LEN, 11));
    wait_events(&mut server, "the slow download did not finish", |events| {
        events
            .iter()
            .any(|e| matches!(e, Event::Transfer(TransferEvent::Finished { .. })))
    });
    server.drain();
    assert_eq!(failures_with(&server.events, &reason), 3);
}

//! Issue 11, finding 6 (TFTP): one address cannot take every transfer
//! slot, and a slot whose peer never answers is freed long before the
//! retransmissions would give up. Raw UDP peers on loopback; the tests
//! that need a second address bind to 127.0.0.2 and 127.0.0.3, which
//! Linux routes on its loopback without setup.

use crate::common;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::tftp_server::recv;
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
    // Every slot is taken now, three by peers that never answered: a new
    // request takes the oldest silent one's place instead of being refused
    // (issue 22, 11), and that one is told why.
    let newcomer_early = socket_on("127.0.0.1");
    newcomer_early
        .send_to(&rrq("boot.bin"), server.local)
        .expect("send");
    assert!(first_answer(&newcomer_early).is_ok(), "served, not refused");
    let yielded = (0..20).find_map(|_| match Packet::parse(&recv(&silent[0]).0) {
        Ok(Packet::Error { message, .. }) => Some(message.to_owned()),
        _ => None,
    });
    assert!(
        yielded.as_deref().is_some_and(|m| m.contains("made room")),
        "{yielded:?}"
    );
    // The other silent ones fail with the timeout's reason; the slow one
    // does not.
    let reason = limits::first_answer_timeout_message(Duration::from_secs(2));
    wait_events(&mut server, "silent transfers were not ended", |events| {
        failures_with(events, &reason) >= 2
    });
    // A silent peer is told why, after the retransmissions of DATA 1.
    let told = (0..20).find_map(|_| match Packet::parse(&recv(&silent[2]).0) {
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
    // The two silent ones left, and the early newcomer (which never
    // answered either) once its own timeout ran out, if it did by now.
    assert!(failures_with(&server.events, &reason) >= 2);
    assert_eq!(
        failures_with(
            &server.events,
            "no answer yet from the peer when the server was full and a new request came: it made room"
        ),
        1
    );
}

/// Requesters that never answer (silent or spoofed addresses, one port
/// each) fill every slot; a client that answers still gets the file at
/// once: the oldest silent transfer yields its place (issue 22, 11).
#[cfg(target_os = "linux")]
#[test]
fn silent_requesters_filling_the_server_yield_to_a_client_that_answers() {
    let (_root, mut config) = served();
    config.max_transfers = 4;
    config.max_transfers_per_address = 4;
    let mut server = start_server(config);
    let silent: Vec<UdpSocket> = (0..4).map(|_| socket_on("127.0.0.2")).collect();
    for socket in &silent {
        socket
            .send_to(&rrq("boot.bin"), server.local)
            .expect("send");
    }
    for socket in &silent {
        assert!(
            first_answer(socket).is_ok(),
            "each silent requester got its slot"
        );
    }
    // Every slot is held by a peer that has not answered: a real client
    // from another address is served at once, not refused.
    let asked = Instant::now();
    let client = socket_on("127.0.0.3");
    let file = fetch(&client, server.local).expect("served, not refused");
    assert_eq!(file, pattern(FILE_LEN, 11));
    assert!(
        asked.elapsed() < limits::FIRST_ANSWER_TIMEOUT,
        "before any silent transfer timed out: {:?}",
        asked.elapsed()
    );
    wait_events(&mut server, "the yielded transfer's failure", |events| {
        failures_with(
            events,
            "no answer yet from the peer when the server was full and a new request came: it made room",
        ) >= 1
    });
    drop(silent);
}

/// A finished upload that lingers to acknowledge a repeated final DATA
/// does not refuse the next request of a full server: it gives its socket
/// back early (issue 22, 12).
#[test]
fn a_finished_upload_lingering_does_not_refuse_the_next_request() {
    let (root, mut config) = served();
    config.allow_write = true;
    config.max_transfers = 1;
    let server = start_server(config);
    let uploader = socket_on("127.0.0.1");
    let mut wrq = vec![0, 2];
    wrq.extend_from_slice(b"up.bin\0octet\0");
    uploader.send_to(&wrq, server.local).expect("send");
    let (ack, port) = recv(&uploader);
    assert!(
        matches!(Packet::parse(&ack), Ok(Packet::Ack { block: 0 })),
        "{ack:?}"
    );
    let mut data = vec![0, 3, 0, 1];
    data.extend_from_slice(b"ten bytes!");
    uploader.send_to(&data, port).expect("the final DATA");
    let (ack, _) = recv(&uploader);
    assert!(
        matches!(Packet::parse(&ack), Ok(Packet::Ack { block: 1 })),
        "{ack:?}"
    );
    // At once, while the upload lingers: served, not "too many transfers".
    let next = socket_on("127.0.0.1");
    let file = fetch(&next, server.local).expect("served, not refused");
    assert_eq!(file, pattern(FILE_LEN, 11));
    assert_eq!(
        std::fs::read(root.path().join("up.bin")).expect("the upload"),
        b"ten bytes!"
    );
}

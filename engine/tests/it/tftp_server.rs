//! Server behaviour seen from a raw UDP peer: cancel, limits, port range,
//! overwrite, events.

use crate::common;

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use common::tftp::*;
use netassist_engine::net::{Command, Event, SessionConfig, SessionError, spawn};
use netassist_engine::tftp::TransferEvent;
use netassist_engine::tftp::wire::{ErrorCode, Packet};

/// A raw UDP peer on 127.0.0.1, patient for its answers.
pub(crate) fn raw_socket() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    socket
}

/// One datagram and where it came from.
pub(crate) fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 65_536];
    let (n, from) = socket.recv_from(&mut buf).expect("an answer");
    (buf[..n].to_vec(), from)
}

fn rrq(name: &str) -> Vec<u8> {
    let mut bytes = vec![0, 1];
    bytes.extend_from_slice(name.as_bytes());
    bytes.extend_from_slice(b"\0octet\0");
    bytes
}

fn served(len: usize) -> (tempfile::TempDir, netassist_engine::tftp::ServerConfig) {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("big.bin"), pattern(len, 41)).expect("write");
    let config = server_config(root.path(), "127.0.0.1:0");
    (root, config)
}

fn started_id(server: &mut Server) -> u64 {
    server.wait_for_event("a transfer's start", |event| match event {
        Event::Transfer(TransferEvent::Started { id, .. }) => Some(*id),
        _ => None,
    })
}

#[test]
fn cancel_ends_a_download_with_an_error_packet() {
    let (_root, config) = served(100_000);
    let mut server = start_server(config);
    let socket = raw_socket();
    socket.send_to(&rrq("big.bin"), server.local).expect("send");
    let (first, _) = recv(&socket);
    assert!(first.starts_with(&[0, 3, 0, 1]));
    let id = started_id(&mut server);
    server.handle.send(Command::CancelTransfer(id));
    // Retransmissions of block 1 may come first; then the ERROR.
    let deadline = Deadline::after(WAIT);
    loop {
        deadline.check(|| "the ERROR for the cancelled transfer");
        let (packet, _) = recv(&socket);
        if let Ok(Packet::Error { .. }) = Packet::parse(&packet) {
            break;
        }
    }
    let ended = server.wait_transfers_ended(1);
    assert!(
        matches!(ended[0], TransferEvent::Failed { .. }),
        "{ended:?}"
    );
}

#[test]
fn cancelled_upload_leaves_no_file_and_keeps_the_old_one() {
    let (root, mut config) = served(0);
    config.allow_write = true;
    config.allow_overwrite = true;
    std::fs::write(root.path().join("keep.bin"), b"old").expect("write");
    let mut server = start_server(config);
    let socket = raw_socket();
    socket
        .send_to(b"\x00\x02keep.bin\x00octet\x00", server.local)
        .expect("send");
    let (ack, port) = recv(&socket);
    assert_eq!(ack, vec![0, 4, 0, 0]);
    let mut block = vec![0, 3, 0, 1];
    block.extend_from_slice(&[9u8; 512]);
    socket.send_to(&block, port).expect("send");
    let id = started_id(&mut server);
    server.handle.send(Command::CancelTransfer(id));
    let ended = server.wait_transfers_ended(1);
    assert!(
        matches!(ended[0], TransferEvent::Failed { .. }),
        "{ended:?}"
    );
    assert_eq!(
        std::fs::read(root.path().join("keep.bin")).expect("read"),
        b"old"
    );
    // big.bin and keep.bin only: no temporary file is left.
    assert_eq!(std::fs::read_dir(root.path()).expect("list").count(), 2);
}

#[test]
fn overwrite_when_allowed() {
    let (root, mut config) = served(0);
    config.allow_write = true;
    config.allow_overwrite = true;
    std::fs::write(root.path().join("f.bin"), b"old").expect("write");
    let server = start_server(config);
    let socket = raw_socket();
    socket
        .send_to(b"\x00\x02f.bin\x00octet\x00", server.local)
        .expect("send");
    let (_, port) = recv(&socket);
    socket.send_to(b"\x00\x03\x00\x01new!", port).expect("send");
    let (ack, _) = recv(&socket);
    assert_eq!(ack, vec![0, 4, 0, 1]);
    // The file is in place once the final ACK is out.
    assert_eq!(
        std::fs::read(root.path().join("f.bin")).expect("read"),
        b"new!"
    );
}

#[test]
fn refuses_beyond_max_transfers() {
    let (_root, mut config) = served(100_000);
    config.max_transfers = 1;
    let mut server = start_server(config);
    let first = raw_socket();
    first.send_to(&rrq("big.bin"), server.local).expect("send");
    let (_, port) = recv(&first);
    // A peer that answers keeps its place (one that never did would make
    // room for the next request: tftp_slots).
    first.send_to(&[0, 4, 0, 1], port).expect("the first ACK");
    let second = raw_socket();
    second.send_to(&rrq("big.bin"), server.local).expect("send");
    let (answer, _) = recv(&second);
    let Ok(Packet::Error { code, message }) = Packet::parse(&answer) else {
        panic!("expected an error, got {answer:?}");
    };
    assert_eq!(code, ErrorCode::Undefined);
    assert!(message.contains("too many transfers"), "{message}");
    // The event may trail the packet a little.
    server.wait_for_event("the error event", |event| {
        matches!(event, Event::Error(e) if e.to_string().contains("too many transfers"))
            .then_some(())
    });
}

#[test]
fn transfers_use_the_port_range() {
    let (_root, mut config) = served(10);
    let port = free_udp_port("127.0.0.1");
    config.port_range = Some((port, port));
    let server = start_server(config);
    let socket = raw_socket();
    socket.send_to(&rrq("big.bin"), server.local).expect("send");
    let (_, from) = recv(&socket);
    assert_eq!(from.port(), port);
}

#[test]
fn concurrent_downloads_each_on_their_own_port() {
    let (_root, config) = served(5000);
    let server = start_server(config);
    let sockets: Vec<UdpSocket> = (0..4).map(|_| raw_socket()).collect();
    for socket in &sockets {
        socket.send_to(&rrq("big.bin"), server.local).expect("send");
    }
    let mut ports: Vec<u16> = sockets.iter().map(|s| recv(s).1.port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 4);
    assert!(!ports.contains(&server.port()));
}

#[test]
fn port_in_use_is_worded_for_the_user() {
    let taken = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let root = tempfile::tempdir().expect("temp dir");
    let addr = taken.local_addr().expect("addr");
    let config = server_config(root.path(), &addr.to_string());
    let handle = spawn(
        SessionConfig::TftpServer(config),
        std::sync::Arc::new(|| {}),
    )
    .expect("spawn");
    let deadline = Deadline::after(WAIT);
    loop {
        match handle.events().recv_timeout(deadline.left()) {
            Ok(Event::Stopped(error)) => {
                assert_eq!(error, Some(SessionError::AddrInUse { addr }));
                break;
            }
            Ok(_) => {}
            Err(_) => panic!("the server did not stop"),
        }
    }
}

#[test]
fn missing_folder_is_an_error() {
    let root = tempfile::tempdir().expect("temp dir");
    let config = server_config(&root.path().join("nope"), "127.0.0.1:0");
    let handle = spawn(
        SessionConfig::TftpServer(config),
        std::sync::Arc::new(|| {}),
    )
    .expect("spawn");
    let deadline = Deadline::after(WAIT);
    loop {
        match handle.events().recv_timeout(deadline.left()) {
            Ok(Event::Stopped(error)) => {
                assert!(
                    matches!(error, Some(SessionError::TftpFolder { .. })),
                    "{error:?}"
                );
                break;
            }
            Ok(_) => {}
            Err(_) => panic!("the server did not stop"),
        }
    }
}

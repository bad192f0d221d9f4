//! IPv6 everywhere: a TCP server on `[::]` takes IPv4 clients too (Packet
//! Sender serves one family at a time), and `localhost` reaches a server on
//! either loopback.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use netassist_engine::net::{Endpoint, Event, SessionConfig, TcpClientConfig, TcpServerConfig};

use crate::common;
use common::{open, opened, wait_for};

#[test]
fn a_server_on_the_ipv6_wildcard_accepts_ipv4_and_ipv6_clients() {
    // The one skip rule: no ::1 here is a loud skip, or a failure in CI.
    if !common::require_ipv6() {
        return;
    }
    let server = open(SessionConfig::TcpServer(TcpServerConfig::new(
        "[::]:0".parse().unwrap(),
        10,
    )));
    let port = opened(&server).port();
    let mut v4 = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    let mut v6 =
        TcpStream::connect(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port))).unwrap();
    v4.write_all("四".as_bytes()).unwrap();
    v6.write_all("六".as_bytes()).unwrap();
    let mut texts = Vec::new();
    while texts.len() < 2 {
        let chunks = wait_for(&server, |event| match event {
            Event::Received(chunks) => Some(
                chunks
                    .iter()
                    .map(|c| String::from_utf8(c.bytes.to_vec()).unwrap())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        });
        texts.extend(chunks);
    }
    texts.sort();
    assert_eq!(texts, ["六", "四"]);
    // Both are answered by one broadcast.
    server.send(netassist_engine::net::Command::Send {
        to: netassist_engine::net::Target::Default,
        bytes: b"both".to_vec(),
    });
    for stream in [&mut v4, &mut v6] {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 4];
        stream.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"both");
    }
}

#[test]
fn localhost_reaches_a_server_on_the_ipv4_loopback() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = open(SessionConfig::TcpClient(TcpClientConfig {
        remote: Endpoint::parse(&format!("localhost:{port}")).unwrap(),
        local: None,
        connect_timeout: Duration::from_secs(10),
        framing: netassist_engine::text::Framing::None,
    }));
    let peer = wait_for(&client, |event| match event {
        Event::Connected { peer, .. } => Some(*peer),
        Event::Stopped(e) => panic!("stopped: {e:?}"),
        _ => None,
    });
    assert_eq!(peer, SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
}

//! The order of a connection's first events (issue 12, defect 13): a
//! peer that sends at once on connect must still show as `Connected`
//! first, with a time stamp not later than its first `Received` chunk's.
//! Everything stays on loopback; the checks wait for events, not time.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use common::{open, opened, wait_for};
use netassist_engine::clock::now_us;
use netassist_engine::net::{Endpoint, Event, SessionConfig, TcpClientConfig, TcpServerConfig};

/// Enough clients that some connect and send while the server is busy
/// reading others, which is where a wrong order would show.
const CLIENTS: usize = 8;

#[test]
fn tcp_server_connected_comes_before_and_not_after_the_clients_first_data() {
    let session = open(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        64,
    )));
    let server = opened(&session);
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let mut client = TcpStream::connect(server).expect("connect to the server");
        client
            .write_all(format!("hello {i}").as_bytes())
            .expect("send at once on connect");
        clients.push(client);
    }
    let peers: Vec<SocketAddr> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    // Each peer's Connected time, and which peers have sent data seen.
    let mut connected_at: HashMap<SocketAddr, i64> = HashMap::new();
    let mut received_from: HashSet<SocketAddr> = HashSet::new();
    wait_for(&session, |event| {
        match event {
            Event::Connected { peer, at_ms, .. } => {
                connected_at.insert(*peer, *at_ms);
            }
            Event::Received(chunks) => {
                for chunk in chunks {
                    let Some(&at_ms) = connected_at.get(&chunk.peer) else {
                        panic!("data from {} came before its Connected", chunk.peer);
                    };
                    assert!(
                        at_ms <= chunk.at_ms(),
                        "Connected of {} stamped {at_ms}, after its data at {}",
                        chunk.peer,
                        chunk.at_ms()
                    );
                    received_from.insert(chunk.peer);
                }
            }
            _ => {}
        }
        peers
            .iter()
            .all(|p| received_from.contains(p))
            .then_some(())
    });
}

#[test]
fn tcp_client_connected_comes_before_and_not_after_the_servers_greeting() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback listener");
    let server = listener.local_addr().unwrap();
    let session = open(SessionConfig::TcpClient(TcpClientConfig {
        remote: Endpoint::from(server),
        local: None,
        connect_timeout: Duration::from_secs(10),
        framing: netassist_engine::text::Framing::None,
    }));
    let (mut accepted, _) = common::accept_within(&listener, "the TCP client session");
    accepted
        .write_all(b"greeting")
        .expect("greet at once on accept");
    let mut connected_at = None;
    wait_for(&session, |event| match event {
        Event::Connected { at_ms, .. } => {
            connected_at = Some(*at_ms);
            None
        }
        Event::Received(chunks) => {
            let Some(at_ms) = connected_at else {
                panic!("data came before Connected");
            };
            for chunk in chunks {
                assert!(
                    at_ms <= chunk.at_ms(),
                    "Connected stamped {at_ms}, after the data at {}",
                    chunk.at_ms()
                );
            }
            Some(())
        }
        _ => None,
    });
}

/// Rows name their connection: every chunk carries the tag its
/// connection's `Connected` gave (with that connection's local and remote
/// address), no two clients share one, and the chunk is stamped in µs
/// when it was read, framed or not.
#[test]
fn every_chunk_carries_its_connections_tag_and_a_microsecond_stamp() {
    for framing in [
        netassist_engine::text::Framing::None,
        netassist_engine::text::Framing::Delimiter(b"\n".to_vec()),
    ] {
        let mut config = TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 64);
        config.framing = framing.clone();
        let session = open(SessionConfig::TcpServer(config));
        let server = opened(&session);
        let before_us = now_us();
        let mut clients = Vec::new();
        for i in 0..3 {
            let mut client = TcpStream::connect(server).expect("connect to the server");
            client
                .write_all(format!("hello {i}\n").as_bytes())
                .expect("send");
            clients.push(client);
        }
        let peers: Vec<SocketAddr> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
        let mut tags = HashMap::new();
        let mut seen = HashSet::new();
        wait_for(&session, |event| {
            match event {
                Event::Connected {
                    peer, local, conn, ..
                } => {
                    assert_eq!(*local, server, "the connection's own address");
                    assert!(tags.insert(*peer, *conn).is_none());
                }
                Event::Received(chunks) => {
                    for chunk in chunks {
                        assert_eq!(
                            Some(&chunk.conn),
                            tags.get(&chunk.peer),
                            "{framing:?}: the chunk's tag is its Connected's"
                        );
                        assert!(
                            (before_us..=now_us()).contains(&chunk.at_us),
                            "{framing:?}: stamped in µs when read, not {}",
                            chunk.at_us
                        );
                        seen.insert(chunk.peer);
                    }
                }
                _ => {}
            }
            peers.iter().all(|p| seen.contains(p)).then_some(())
        });
        let distinct: HashSet<_> = tags.values().collect();
        assert_eq!(distinct.len(), peers.len(), "one tag a connection");
    }
}

//! Auto-reply over real sockets on 127.0.0.1: the session thread answers a
//! matching message at once, to its sender, with no front end involved.

use crate::common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use common::{open, opened, wait_for};
use netassist_engine::net::autoreply::{Pattern, Reply, Rule};
use netassist_engine::net::{
    Command, Event, SessionConfig, SessionHandle, Target, TcpClientConfig, TcpServerConfig,
    UdpConfig,
};
use netassist_engine::text::Encoding;

fn udp_config() -> UdpConfig {
    UdpConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        remote: None,
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    }
}

/// Commands are served in order, so once a marker sent after the rules has
/// arrived at the peer, the rules are in force.
fn set_rules_then_mark(session: &SessionHandle, rules: Vec<Rule>, peer: SocketAddr) {
    session.send(Command::SetAutoReply(rules));
    session.send(Command::Send {
        to: Target::Peers(vec![peer]),
        bytes: b"marker".to_vec(),
    });
}

fn recv_udp(socket: &UdpSocket) -> Option<Vec<u8>> {
    let mut buf = [0u8; 2048];
    socket.recv(&mut buf).ok().map(|n| buf[..n].to_vec())
}

#[test]
fn udp_regex_rule_replies_with_groups_and_can_be_turned_off() {
    let session = open(SessionConfig::Udp(udp_config()));
    let local = opened(&session);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    peer.connect(local).unwrap();

    let rule = Rule::new(
        Pattern::Regex(r"GET (\w+)".into()),
        Reply::Text("VAL $1=42\\n".into()),
        Encoding::Utf8,
    )
    .expect("a valid rule");
    set_rules_then_mark(&session, vec![rule], peer.local_addr().unwrap());
    assert_eq!(recv_udp(&peer).as_deref(), Some(b"marker".as_slice()));

    peer.send(b"GET temp").unwrap();
    assert_eq!(
        recv_udp(&peer).as_deref(),
        Some(b"VAL temp=42\n".as_slice())
    );
    // The reply is logged as sent, to that peer.
    let (to, bytes) = wait_for(&session, |event| match event {
        Event::Sent { to, bytes, .. } if bytes.starts_with(b"VAL") => {
            Some((to.clone(), bytes.clone()))
        }
        _ => None,
    });
    assert_eq!(to, [peer.local_addr().unwrap()]);
    assert_eq!(bytes, b"VAL temp=42\n");

    // No match, no reply.
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    peer.send(b"PUT temp").unwrap();
    assert_eq!(recv_udp(&peer), None);

    // An empty rule list turns auto-reply off.
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    set_rules_then_mark(&session, Vec::new(), peer.local_addr().unwrap());
    assert_eq!(recv_udp(&peer).as_deref(), Some(b"marker".as_slice()));
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    peer.send(b"GET temp").unwrap();
    assert_eq!(recv_udp(&peer), None);
}

#[test]
fn tcp_server_hex_rule_replies_to_the_client_that_asked() {
    let session = open(SessionConfig::TcpServer(TcpServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        8,
    )));
    let local = opened(&session);
    let rule = Rule::new(
        Pattern::Hex("55 ?? 0A".into()),
        Reply::Bytes(vec![0xAA, 0x55]),
        Encoding::Utf8,
    )
    .expect("a valid rule");
    session.send(Command::SetAutoReply(vec![rule]));

    let mut asking = TcpStream::connect(local).unwrap();
    let mut silent = TcpStream::connect(local).unwrap();
    for _ in 0..2 {
        wait_for(&session, |event| {
            matches!(event, Event::Connected { .. }).then_some(())
        });
    }
    asking
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    asking.write_all(&[0x00, 0x55, 0x07, 0x0A]).unwrap();
    let mut reply = [0u8; 2];
    asking.read_exact(&mut reply).unwrap();
    assert_eq!(reply, [0xAA, 0x55]);

    silent
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut nothing = [0u8; 1];
    assert!(
        silent.read(&mut nothing).is_err(),
        "only the sender gets the reply"
    );
}

#[test]
fn tcp_client_equals_rule_answers_the_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let session = open(SessionConfig::TcpClient(TcpClientConfig {
        remote: listener.local_addr().unwrap().into(),
        local: None,
        connect_timeout: Duration::from_secs(5),
        framing: netassist_engine::text::Framing::None,
    }));
    let rule = Rule::new(
        Pattern::Equals(b"PING".to_vec()),
        Reply::Text("PONG\\r\\n".into()),
        Encoding::Utf8,
    )
    .expect("a valid rule");
    // Sent while connecting: it waits for the connection, in order.
    session.send(Command::SetAutoReply(vec![rule]));
    session.send(Command::Send {
        to: Target::Default,
        bytes: b"hello".to_vec(),
    });
    let (mut server_side, _) = common::accept_within(&listener, "the TCP client session");
    server_side
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut hello = [0u8; 5];
    server_side.read_exact(&mut hello).unwrap();
    assert_eq!(&hello, b"hello");

    server_side.write_all(b"PING").unwrap();
    let mut pong = [0u8; 6];
    server_side.read_exact(&mut pong).unwrap();
    assert_eq!(&pong, b"PONG\r\n");
}

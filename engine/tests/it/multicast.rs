//! UDP multicast over the loopback interface only: a receiver session joins
//! a group on 127.0.0.1, a sender session bound to 127.0.0.1 sends to it
//! with multicast loop on; nothing leaves the machine.

use crate::common;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use common::{drain_for, next_error, open, opened, wait_for};
use netassist_engine::net::{
    Command, Event, InterfaceRef, MulticastJoin, SessionConfig, SessionHandle, Target, UdpConfig,
    interfaces,
};

fn config(local: &str, multicast: Vec<MulticastJoin>) -> UdpConfig {
    UdpConfig {
        local: local.parse().unwrap(),
        remote: None,
        reply_to_last_sender: false,
        broadcast: false,
        multicast,
        multicast_ttl: Some(1),
        multicast_loop: true,
    }
}

fn loopback_v4_join(group: &str) -> MulticastJoin {
    MulticastJoin {
        group: group.parse().unwrap(),
        interface: Some(InterfaceRef::Addr("127.0.0.1".parse().unwrap())),
    }
}

/// Where a receiver binds: on Linux and macOS the group address itself, so
/// the test socket listens on nothing but the group; Windows cannot bind a
/// group address, and binds "any" there.
fn receiver_bind(group: &str) -> String {
    if cfg!(windows) {
        "0.0.0.0:0".to_owned()
    } else {
        format!("{group}:0")
    }
}

fn received_from(session: &SessionHandle) -> (SocketAddr, Vec<u8>) {
    wait_for(session, |event| match event {
        Event::Received(chunks) => chunks.first().map(|c| (c.peer, c.bytes.to_vec())),
        _ => None,
    })
}

fn joined(session: &SessionHandle) -> MulticastJoin {
    wait_for(session, |event| match event {
        Event::Joined(join) => Some(*join),
        Event::Error(error) => panic!("joining failed: {error}"),
        _ => None,
    })
}

#[test]
fn ipv4_group_on_loopback_join_send_leave_rejoin() {
    const GROUP: &str = "239.255.78.41";
    let join = loopback_v4_join(GROUP);
    let receiver = open(SessionConfig::Udp(config(
        &receiver_bind(GROUP),
        vec![join],
    )));
    let port = opened(&receiver).port();
    assert_eq!(joined(&receiver), join);

    let sender = open(SessionConfig::Udp(config("127.0.0.1:0", Vec::new())));
    let sender_addr = opened(&sender);
    let group_addr = SocketAddr::new(GROUP.parse().unwrap(), port);
    let send = |bytes: &[u8]| {
        sender.send(Command::Send {
            to: Target::Peers(vec![group_addr]),
            bytes: bytes.to_vec(),
        })
    };

    send(b"to the group");
    assert_eq!(
        received_from(&receiver),
        (sender_addr, b"to the group".to_vec())
    );

    receiver.send(Command::LeaveGroup(join));
    wait_for(&receiver, |event| match event {
        Event::Left(left) => {
            assert_eq!(*left, join);
            Some(())
        }
        Event::Error(error) => panic!("leaving failed: {error}"),
        _ => None,
    });
    send(b"nobody listens");
    let after_leaving = drain_for(&receiver, Duration::from_millis(300));
    assert!(
        !after_leaving
            .iter()
            .any(|e| matches!(e, Event::Received(_))),
        "{after_leaving:?}"
    );

    receiver.send(Command::JoinGroup(join));
    assert_eq!(joined(&receiver), join);
    send(b"back again");
    assert_eq!(received_from(&receiver).1, b"back again");
}

#[test]
fn membership_mistakes_are_sentences_and_the_session_goes_on() {
    const GROUP: &str = "239.255.78.42";
    let join = loopback_v4_join(GROUP);
    let session = open(SessionConfig::Udp(config(
        &receiver_bind(GROUP),
        vec![join],
    )));
    opened(&session);
    joined(&session);

    session.send(Command::JoinGroup(join));
    assert_eq!(
        next_error(&session),
        format!("cannot join multicast group {GROUP}: this session is already a member")
    );

    let other = loopback_v4_join("239.255.78.43");
    session.send(Command::LeaveGroup(other));
    assert_eq!(
        next_error(&session),
        "cannot leave multicast group 239.255.78.43: this session is not a member"
    );

    session.send(Command::JoinGroup(MulticastJoin {
        group: "127.0.0.1".parse().unwrap(),
        interface: None,
    }));
    assert!(next_error(&session).contains("is not a multicast group"));

    session.send(Command::JoinGroup(MulticastJoin {
        group: "ff01::1:2".parse().unwrap(),
        interface: None,
    }));
    assert!(next_error(&session).contains("bind to :: to use this group"));

    session.send(Command::JoinGroup(MulticastJoin {
        group: "239.255.78.44".parse().unwrap(),
        interface: Some(InterfaceRef::Index(u32::MAX)),
    }));
    assert!(next_error(&session).contains("no interface of this machine"));

    // Still open and serving.
    session.send(Command::LeaveGroup(join));
    wait_for(&session, |event| {
        matches!(event, Event::Left(_)).then_some(())
    });
}

#[test]
fn ipv6_group_on_the_loopback_interface_or_a_clear_skip() {
    let Some(loopback_index) = interfaces()
        .expect("interfaces")
        .into_iter()
        .find(|i| i.is_loopback && i.addr.is_ipv6())
        .and_then(|i| i.index)
    else {
        common::skip_or_fail("this machine has no IPv6 loopback interface");
        return;
    };
    const GROUP: &str = "ff01::4e41:1";
    let join = MulticastJoin {
        group: GROUP.parse().unwrap(),
        interface: Some(InterfaceRef::Index(loopback_index)),
    };
    let receiver = open(SessionConfig::Udp(config("[::]:0", vec![join])));
    let port = opened(&receiver).port();
    // Joining on the loopback index works wherever IPv6 does.
    assert_eq!(joined(&receiver), join);

    // The sender joins too, which makes loopback its outgoing interface.
    let sender = open(SessionConfig::Udp(config("[::1]:0", vec![join])));
    opened(&sender);
    joined(&sender);
    sender.send(Command::Send {
        to: Target::Peers(vec![SocketAddr::new(GROUP.parse().unwrap(), port)]),
        bytes: b"v6 group".to_vec(),
    });
    let outcome = wait_for(&sender, |event| match event {
        Event::Sent { .. } => Some(Ok(())),
        Event::Error(error) => Some(Err(error.to_string())),
        _ => None,
    });
    if let Err(error) = outcome {
        // Linux gives "lo" no multicast route, so sending to a group on it
        // is refused ("Network is unreachable"); joining and leaving were
        // still tested above and below. A property of the kernel, not a
        // missing tool, so it is said loudly but never fails.
        common::loud_skip(&format!(
            "IPv6 multicast delivery over loopback is not possible on this kernel ({error})"
        ));
    } else {
        let (peer, bytes) = received_from(&receiver);
        assert_eq!(bytes, b"v6 group");
        assert_eq!(peer.ip(), "::1".parse::<IpAddr>().unwrap());
    }
    receiver.send(Command::LeaveGroup(join));
    wait_for(&receiver, |event| match event {
        Event::Left(_) => Some(()),
        Event::Error(error) => panic!("leaving failed: {error}"),
        _ => None,
    });
}

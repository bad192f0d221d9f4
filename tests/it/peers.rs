//! The tutorial programs in `tests/peers/` against our engine and our
//! binary, in every mode, on 127.0.0.1 and ::1 only. Each test asserts on
//! what both sides received, in Chinese.

use crate::common;

use std::net::SocketAddr;

use common::{
    LOCALHOST_V4, Process, Session, gbk, listening_addr, python_available, require_ipv6, utf8,
};
use netassist::net::{
    CloseReason, Endpoint, Event, SessionConfig, Target, TcpClientConfig, TcpServerConfig,
    UdpConfig,
};
use netassist::text::Encoding;

fn udp_config(local: &str, remote: Option<SocketAddr>) -> SessionConfig {
    SessionConfig::Udp(UdpConfig {
        local: local.parse().unwrap(),
        remote: remote.map(Endpoint::from),
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    })
}

fn tcp_client_config(remote: SocketAddr) -> SessionConfig {
    SessionConfig::TcpClient(TcpClientConfig {
        remote: Endpoint::from(remote),
        local: None,
        connect_timeout: common::WAIT,
        framing: netassist::text::Framing::None,
    })
}

fn tcp_server_config(local: &str) -> SessionConfig {
    SessionConfig::TcpServer(TcpServerConfig::new(local.parse().unwrap(), 64))
}

fn gbk_bytes(text: &str) -> Vec<u8> {
    Encoding::Gbk.encode(text).unwrap()
}

/// The peers print `RECV <addr> <text>` per read; true when the texts
/// read, joined, contain `text`. Joined, because TCP may deliver two
/// messages in one read (the tutorials do not frame their messages).
fn has_recv(peer: &Process, text: &str) -> bool {
    let joined: String = peer
        .seen
        .iter()
        .filter_map(|line| line.strip_prefix("RECV "))
        .filter_map(|rest| rest.split_once(' ').map(|(_, text)| text))
        .collect();
    joined.contains(text.trim_start())
}

#[test]
fn udp_send_gb2312_reaches_our_udp_receiver() {
    if !python_available() {
        return;
    }
    let mut session = Session::open(udp_config("127.0.0.1:0", None));
    let local = session.opened();
    let mut sender = Process::peer(
        "udp_send.py",
        &["--to", &local.to_string(), "你好，网络调试助手", "第二条"],
    );
    assert!(
        sender.finish().success(),
        "udp_send.py failed: {}",
        sender.stderr()
    );
    let (from, text) = session.receive_text("第二条", gbk);
    assert_eq!(from.ip(), LOCALHOST_V4);
    assert_eq!(text, "你好，网络调试助手第二条");
    session.close();
}

#[test]
fn udp_send_gb2312_over_ipv6_reaches_the_binary() {
    if !python_available() || !require_ipv6() {
        return;
    }
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "[::1]:0",
        "--encoding",
        "gb2312",
        "--no-time",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let mut sender = Process::peer(
        "udp_send.py",
        &["--to", &format!("[::1]:{}", local.port()), "你好，IPv6"],
    );
    assert!(
        sender.finish().success(),
        "udp_send.py failed: {}",
        sender.stderr()
    );
    let line = app.expect_line("RX ");
    assert!(
        line.starts_with("RX [::1]:") && line.ends_with(" 你好，IPv6"),
        "{line}"
    );
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
}

#[test]
fn udp_send_recv_gets_our_chinese_reply() {
    if !python_available() {
        return;
    }
    let mut session = Session::open(udp_config("127.0.0.1:0", None));
    let local = session.opened();
    let mut peer = Process::peer(
        "udp_send_recv.py",
        &["--bind", "0", "--to", &local.to_string(), "你好，请回复"],
    );
    let peer_port = peer.listening_port();
    let (from, text) = session.receive_text("你好，请回复", gbk);
    assert_eq!(from.port(), peer_port);
    assert_eq!(text, "你好，请回复");
    // No remote was set: the default target is the last sender.
    session.send(Target::Default, gbk_bytes("收到，谢谢！"));
    assert!(
        peer.finish().success(),
        "udp_send_recv.py failed: {}",
        peer.stderr()
    );
    assert!(
        peer.seen.contains(&format!("RECV {local} 收到，谢谢！")),
        "{:?}",
        peer.seen
    );
    session.close();
}

#[test]
fn udp_send_recv_gets_the_binary_echo() {
    if !python_available() {
        return;
    }
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--encoding",
        "gbk",
        "--echo",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let mut peer = Process::peer(
        "udp_send_recv.py",
        &["--bind", "0", "--to", &local.to_string(), "回声测试"],
    );
    let peer_port = peer.listening_port();
    assert!(
        peer.finish().success(),
        "udp_send_recv.py failed: {}",
        peer.stderr()
    );
    assert!(has_recv(&peer, " 回声测试"), "{:?}", peer.seen);
    app.expect_line_where("RX line", |l| {
        l.ends_with(&format!("RX 127.0.0.1:{peer_port} 回声测试"))
    });
    app.expect_line_where("TX line", |l| {
        l.ends_with(&format!("TX 127.0.0.1:{peer_port} 回声测试"))
    });
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
}

#[test]
fn tcp_server_recv_gets_gb2312_from_the_binary_client() {
    if !python_available() {
        return;
    }
    let mut server = Process::peer("tcp_server_recv.py", &["--port", "0"]);
    let port = server.listening_port();
    let remote = format!("127.0.0.1:{port}");
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-client",
        "--remote",
        &remote,
        "--encoding",
        "gb2312",
        "--send",
        "你好，服务器",
    ]);
    app.expect_line(&format!("CONNECTED {remote}"));
    app.expect_line(&format!("TX {remote} 你好，服务器"));
    // The tutorial server reads once and closes: the client exits 0.
    app.expect_line(&format!("DISCONNECTED {remote} (closed by peer)"));
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
    assert!(
        server.finish().success(),
        "tcp_server_recv.py failed: {}",
        server.stderr()
    );
    assert!(has_recv(&server, " 你好，服务器"), "{:?}", server.seen);
}

#[test]
fn qq_server_over_ipv6_talks_turn_by_turn_with_the_binary_client() {
    if !python_available() || !require_ipv6() {
        return;
    }
    let mut server = Process::peer(
        "tcp_qq_server.py",
        &["--host", "::1", "--port", "0", "你好，我是服务器", "再见了"],
    );
    let port = server.listening_port();
    let remote = format!("[::1]:{port}");
    let mut app = Process::netassist(&["--mode", "tcp-client", "--remote", &remote, "--no-time"]);
    app.expect_line(&format!("CONNECTED {remote}"));
    app.write_line("你好，我是客户端");
    app.expect_line_where("the first reply", |l| {
        l == format!("RX {remote} 你好，我是服务器")
    });
    app.write_line("今天天气不错");
    app.expect_line_where("the second reply", |l| l == format!("RX {remote} 再见了"));
    app.write_line("bye");
    app.expect_line(&format!("DISCONNECTED {remote}"));
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
    assert!(
        server.finish().success(),
        "tcp_qq_server.py failed: {}",
        server.stderr()
    );
    for sent in [" 你好，我是客户端", " 今天天气不错", " bye"] {
        assert!(
            has_recv(&server, sent),
            "server did not get {sent:?}: {:?}",
            server.seen
        );
    }
}

#[test]
fn qq_client_talks_turn_by_turn_with_our_tcp_server() {
    if !python_available() {
        return;
    }
    let mut session = Session::open(tcp_server_config("127.0.0.1:0"));
    let local = session.opened();
    let mut client = Process::peer(
        "tcp_qq_client.py",
        &["--to", &local.to_string(), "你好，我是客户端", "最近怎么样"],
    );
    let client_addr = session.connected();
    let (from, _) = session.receive_text("你好，我是客户端", utf8);
    assert_eq!(from, client_addr);
    session.send(Target::Default, "你好，我是服务器");
    session.receive_text("最近怎么样", utf8);
    session.send(Target::Peers(vec![client_addr]), "挺好的");
    session.receive_text("bye", utf8);
    session.wait_for("the client to leave", |event| match event {
        Event::Disconnected { peer, reason } if *peer == client_addr => Some(*reason),
        _ => None,
    });
    assert!(
        client.finish().success(),
        "tcp_qq_client.py failed: {}",
        client.stderr()
    );
    assert!(has_recv(&client, " 你好，我是服务器"), "{:?}", client.seen);
    assert!(has_recv(&client, " 挺好的"), "{:?}", client.seen);
    session.close();
}

#[test]
fn qq_client_gets_the_binary_server_echo() {
    if !python_available() {
        return;
    }
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--echo",
        "--no-time",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let mut client = Process::peer(
        "tcp_qq_client.py",
        &["--to", &local.to_string(), "一", "二"],
    );
    assert!(
        client.finish().success(),
        "tcp_qq_client.py failed: {}",
        client.stderr()
    );
    assert!(
        has_recv(&client, " 一") && has_recv(&client, " 二"),
        "{:?}",
        client.seen
    );
    app.expect_line("RX 127.0.0.1:");
    // "closed by peer" or, when our echo of 'bye' meets the closed socket
    // first, "reset by peer": either way the client left.
    app.expect_line("DISCONNECTED 127.0.0.1:");
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
}

#[test]
fn group_chat_server_relays_between_our_client_and_a_tutorial_client() {
    if !python_available() {
        return;
    }
    let mut server = Process::peer("tcp_chat_server.py", &["--port", "0", "--lifetime", "120"]);
    let server_addr = SocketAddr::new(LOCALHOST_V4, server.listening_port());
    let mut session = Session::open(tcp_client_config(server_addr));
    session.connected();
    // Our client is in the server's list before the tutorial client speaks,
    // so the relay of its first message must reach us.
    let mut other = Process::peer(
        "tcp_chat_client.py",
        &[
            "--to",
            &server_addr.to_string(),
            "--name",
            "小李",
            "--linger",
            "8",
            "--until",
            "小王说你好小李",
            "大家好",
        ],
    );
    session.receive_text("小李说大家好", utf8);
    session.send(Target::Default, "小王说你好小李");
    // The server relays to everyone, the sender included.
    session.receive_text("小王说你好小李", utf8);
    assert!(
        other.finish().success(),
        "tcp_chat_client.py failed: {}",
        other.stderr()
    );
    assert!(has_recv(&other, " 小王说你好小李"), "{:?}", other.seen);
    session.send(Target::Default, "小王说bye");
    let reason = session.wait_for("the server to drop us after bye", |event| match event {
        Event::Disconnected { reason, .. } => Some(*reason),
        _ => None,
    });
    assert_eq!(reason, CloseReason::ClosedByPeer);
    server.expect_line_where("our bye", |l| {
        l.starts_with("RECV ") && l.ends_with(" 小王说bye")
    });
    assert!(
        server.seen.iter().any(|l| l.ends_with(" 小王说你好小李")),
        "{:?}",
        server.seen
    );
}

#[test]
fn several_chat_clients_at_once_with_our_tcp_server() {
    if !python_available() {
        return;
    }
    let names = ["小李", "小张", "小王", "小赵"];
    let mut session = Session::open(tcp_server_config("127.0.0.1:0"));
    let local = session.opened().to_string();
    let mut clients: Vec<Process> = names
        .iter()
        .map(|name| {
            let message = format!("我是{name}");
            Process::peer(
                "tcp_chat_client.py",
                &[
                    "--to",
                    &local,
                    "--name",
                    name,
                    "--linger",
                    "8",
                    "--until",
                    "大家好，我是服务器",
                    &message,
                ],
            )
        })
        .collect();
    // Each client's message reached us (in any order, maybe in pieces).
    let mut received: Vec<(SocketAddr, Vec<u8>)> = Vec::new();
    let mut connected = 0;
    session.wait_for("every client and its message", |event| {
        match event {
            Event::Connected { .. } => connected += 1,
            Event::Received(chunks) => {
                for chunk in chunks {
                    match received.iter_mut().find(|(peer, _)| *peer == chunk.peer) {
                        Some((_, bytes)) => bytes.extend_from_slice(chunk.bytes),
                        None => received.push((chunk.peer, chunk.bytes.to_vec())),
                    }
                }
            }
            _ => {}
        }
        let all_spoke = names.iter().all(|name| {
            let wanted = format!("{name}说我是{name}");
            received
                .iter()
                .any(|(_, bytes)| utf8(bytes).contains(&wanted))
        });
        (connected == names.len() && all_spoke).then_some(())
    });
    session.send(Target::Default, "大家好，我是服务器");
    let sent_to = session.wait_for("the broadcast", |event| match event {
        Event::Sent { to, .. } => Some(to.len()),
        _ => None,
    });
    assert_eq!(sent_to, names.len());
    for client in &mut clients {
        assert!(
            client.finish().success(),
            "{} failed: {}",
            client.name,
            client.stderr()
        );
        assert!(
            has_recv(client, " 大家好，我是服务器"),
            "{}: {:?}",
            client.name,
            client.seen
        );
    }
    session.close();
}

#[test]
fn udp_group_server_relays_between_two_of_our_sessions() {
    if !python_available() {
        return;
    }
    let mut server = Process::peer("udp_group_server.py", &["--port", "0", "--lifetime", "120"]);
    let server_addr = SocketAddr::new(LOCALHOST_V4, server.listening_port());
    let mut alice = Session::open(udp_config("127.0.0.1:0", Some(server_addr)));
    let alice_addr = alice.opened();
    let mut bob = Session::open(udp_config("127.0.0.1:0", Some(server_addr)));
    let bob_addr = bob.opened();
    // Alice joins first; waiting for the server to report it keeps the
    // order of the two sockets' datagrams certain.
    alice.send(Target::Default, "大家好，我是小红");
    server.expect_line(&format!("RECV {alice_addr} 大家好，我是小红"));
    bob.send(Target::Default, "我是小明");
    let tuple = |addr: SocketAddr| format!("('127.0.0.1', {})", addr.port());
    alice.receive_text(&format!("{}____我是小明", tuple(bob_addr)), utf8);
    alice.send(Target::Default, "你好小明");
    bob.receive_text(&format!("{}____你好小明", tuple(alice_addr)), utf8);
    alice.send(Target::Default, "quit");
    bob.receive_text(&format!("{}____下线了😯____qq", tuple(alice_addr)), utf8);
    server.expect_line(&format!("RECV {alice_addr} quit"));
    assert!(
        server
            .seen
            .iter()
            .any(|l| l == &format!("RECV {bob_addr} 我是小明")),
        "{:?}",
        server.seen
    );
    alice.close();
    bob.close();
}

#[test]
fn udp_send_recv_gets_a_reply_typed_into_the_binary() {
    if !python_available() {
        return;
    }
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--encoding",
        "gb2312",
        "--no-time",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let mut peer = Process::peer(
        "udp_send_recv.py",
        &["--bind", "0", "--to", &local.to_string(), "在吗？"],
    );
    let peer_port = peer.listening_port();
    app.expect_line_where("the RX line", |l| {
        l == format!("RX 127.0.0.1:{peer_port} 在吗？")
    });
    // With no --remote, a typed line goes to the last sender.
    app.write_line("在，请讲");
    app.expect_line_where("the TX line", |l| {
        l == format!("TX 127.0.0.1:{peer_port} 在，请讲")
    });
    assert!(
        peer.finish().success(),
        "udp_send_recv.py failed: {}",
        peer.stderr()
    );
    assert!(
        peer.seen.contains(&format!("RECV {local} 在，请讲")),
        "{:?}",
        peer.seen
    );
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
}

#[test]
fn chat_clients_get_a_line_typed_into_the_binary_server() {
    if !python_available() {
        return;
    }
    let names = ["阿强", "阿珍", "阿美"];
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--no-time",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING")).to_string();
    let mut clients: Vec<Process> = names
        .iter()
        .map(|name| {
            Process::peer(
                "tcp_chat_client.py",
                &[
                    "--to",
                    &local,
                    "--name",
                    name,
                    "--linger",
                    "8",
                    "--until",
                    "欢迎各位",
                    "来了",
                ],
            )
        })
        .collect();
    // The clients speak in any order; every line read is kept in `seen`.
    for name in names {
        let needle = format!("{name}说来了");
        if !app.seen.iter().any(|line| line.contains(&needle)) {
            app.expect_line(&needle);
        }
    }
    // A typed line goes to every connected client at once.
    app.write_line("欢迎各位");
    app.expect_line_where("the TX line", |l| {
        l == format!("TX {}-clients 欢迎各位", names.len())
    });
    for client in &mut clients {
        assert!(
            client.finish().success(),
            "{} failed: {}",
            client.name,
            client.stderr()
        );
        assert!(
            has_recv(client, "欢迎各位"),
            "{}: {:?}",
            client.name,
            client.seen
        );
    }
    assert!(
        app.finish().success(),
        "netassist failed: {}; {:#?}",
        app.stderr(),
        app.seen
    );
}

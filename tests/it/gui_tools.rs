//! The tools drawer and its neighbours, driven through the real window:
//! auto-reply, checksums, TCP framing, multicast, file as data source.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netassist::gui::tools::{AutoReplySetting, FramingKind, PatternKind};
use netassist::net::Protocol;
use netassist::text::Checksum;

use crate::common;
use common::gui::*;
use common::python_available;

#[test]
fn auto_reply_answers_the_tutorial_qq_client_turn_by_turn() {
    if !python_available() {
        return;
    }
    let mut settings = english_settings(Protocol::TcpServer);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
    }
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Tools").click();
    harness.run();
    harness.get_by_label("Add rule").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::ComboBox, "Match")
        .click();
    harness.run();
    harness.get_by_label("regex").click();
    harness.run();
    type_into(&mut harness, Role::TextInput, "When", "^(.+)$");
    type_into(&mut harness, Role::TextInput, "Reply", "收到：$1");
    harness.get_by_label("Listen").click();
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).unwrap().to_string();

    // The tutorial client waits for a reply after each message.
    let client = peer("tcp_qq_client.py", &["--to", &local, "你好", "在吗"]);
    // It answers "bye" too, as a rule that matches everything should.
    step_until(&mut harness, "both replies", |h| {
        h.state().workbench().counters().tx_msgs >= 2
    });
    let (out, ok) = finish(client);
    assert!(ok, "{out}");
    assert!(out.contains("收到：你好"), "{out}");
    assert!(out.contains("收到：在吗"), "{out}");
}

#[test]
fn a_bad_auto_reply_rule_says_why_and_the_session_opens_without_it() {
    let mut settings = english_settings(Protocol::Udp);
    settings.tools.auto_replies = vec![AutoReplySetting {
        enabled: true,
        kind: PatternKind::Regex,
        pattern: "T=(\\d+".into(),
        reply: "$1".into(),
        reply_hex: false,
    }];
    settings.addr_mut().local_port = "0".into();
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Tools").click();
    harness.get_by_label("Open").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    assert!(
        harness
            .query_by_label_contains("rule 1: 'T=(\\d+' is not a valid regular expression")
            .is_some()
    );
}

#[test]
fn a_ticked_auto_reply_rule_is_active_and_edits_apply_without_apply_now() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut harness = udp_harness_sending_to(&peer, |_| {});
    let local = bound_addr(&harness).unwrap();
    harness.get_by_label("Tools").click();
    harness.run();
    // The rule is added ticked; typing it is all it takes.
    harness.get_by_label("Add rule").click();
    harness.run();
    type_into(&mut harness, Role::TextInput, "When", "ping");
    type_into(&mut harness, Role::TextInput, "Reply", "pong");
    assert!(harness.query_by_label("Apply now").is_none());

    let mut received = 0;
    let mut exchange = |harness: &mut egui_kittest::Harness<'static, netassist::gui::App>,
                        expected: &str| {
        peer.send_to(b"ping", local).unwrap();
        received += 1;
        let wanted = received;
        step_until(harness, "the ping to arrive", |h| {
            h.state().workbench().counters().rx_msgs >= wanted
        });
        if !expected.is_empty() {
            assert_eq!(recv_text(&peer), expected);
        }
    };
    exchange(&mut harness, "pong");

    // An edit of the reply applies to the next message.
    set_field(&mut harness, "Reply", "pong 2");
    exchange(&mut harness, "pong 2");

    // A regex that does not compile says why and answers nothing: the
    // next answer the peer gets is the one after the rule is fixed.
    harness
        .get_by_role_and_label(Role::ComboBox, "Match")
        .click();
    harness.run();
    harness.get_by_label("regex").click();
    harness.run();
    set_field(&mut harness, "When", "(ping");
    assert!(
        harness
            .query_by_label_contains("rule 1: '(ping' is not a valid regular expression")
            .is_some()
    );
    exchange(&mut harness, "");
    set_field(&mut harness, "When", "^ping$");
    set_field(&mut harness, "Reply", "pong 3");
    assert!(
        harness
            .query_by_label_contains("is not a valid regular expression")
            .is_none()
    );
    exchange(&mut harness, "pong 3");
}

#[test]
fn checksums_are_appended_and_checked() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |s| {
        s.tools.tx_checksum = Some(Checksum::Crc16Modbus);
        s.tools.rx_checksum = Some(Checksum::Crc16Modbus);
    });
    harness.get_by_label("Tools").click();
    harness.run();
    type_into(
        &mut harness,
        Role::MultilineTextInput,
        "Data send",
        "123456789",
    );
    // The appended bytes are shown before sending.
    assert!(harness.query_by_label("+ 37 4B").is_some());
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);
    let mut buf = [0u8; 64];
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"123456789\x37\x4B");

    let local = bound_addr(&harness).unwrap();
    receiver.send_to(b"123456789\x37\x4B", local).unwrap();
    receiver.send_to(b"123456789\x37\x4C", local).unwrap();
    step_until(&mut harness, "both frames", |h| {
        h.state().workbench().counters().rx_msgs == 2
    });
    harness.run();
    assert_eq!(
        harness.query_all_by_label("√").count(),
        1,
        "one frame is right"
    );
    assert_eq!(
        harness.query_all_by_label("×").count(),
        1,
        "one frame is wrong"
    );
}

#[test]
fn framing_cuts_a_tcp_stream_at_the_delimiter() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut settings = english_settings(Protocol::TcpClient);
    {
        let fields = settings.addr_mut();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = port.to_string();
    }
    settings.tools.framing.kind = FramingKind::Delimiter;
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Connect").click();
    run_after_network_click(&mut harness);
    let (mut server_side, _) = common::accept_within(&listener, "the window");
    step_until(&mut harness, "the connection", |h| {
        matches!(
            h.state().workbench().state(),
            netassist::gui::workbench::SessionState::Connected { .. }
        )
    });
    // Three pieces that do not line up with the messages. The session
    // thread frames them, so the window sees no piece until a message is
    // cut; the pause only paces the writes so that they are likely to
    // arrive as separate reads (tests/framing.rs pins that exactly, with
    // the receive file showing each read).
    for piece in [&b"temp=21"[..], b"\r\nhum", b"=40\r\ntail"] {
        server_side.write_all(piece).unwrap();
        server_side.flush().unwrap();
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    step_until(&mut harness, "two framed messages", |h| {
        h.state().workbench().counters().rx_msgs == 2
    });
    harness.run();
    assert!(harness.query_by_label("temp=21\\r\\n").is_some());
    assert!(harness.query_by_label("hum=40\\r\\n").is_some());
    // The rest arrives as the last message when the peer closes.
    drop(server_side);
    step_until(&mut harness, "the tail at close", |h| {
        h.state().workbench().counters().rx_msgs == 3
    });
    harness.run();
    assert!(harness.query_by_label("tail").is_some());
}

#[test]
fn udp_joins_a_multicast_group_at_open() {
    let group = "239.255.77.13";
    let mut settings = english_settings(Protocol::Udp);
    {
        let fields = settings.addr_mut();
        fields.local_host = "0.0.0.0".into();
        fields.local_port = "0".into();
    }
    settings.udp.multicast_groups = group.into();
    settings.udp.multicast_interface = "127.0.0.1".into();
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the join", |h| {
        h.query_by_label_contains(&format!("JOINED {group}"))
            .is_some()
    });
    let port = bound_addr(&harness).unwrap().port();
    let sender = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
    sender
        .set_multicast_if_v4(&"127.0.0.1".parse().unwrap())
        .unwrap();
    sender.set_multicast_loop_v4(true).unwrap();
    let to: SocketAddr = format!("{group}:{port}").parse().unwrap();
    let sender: UdpSocket = sender.into();
    step_until(&mut harness, "the group's datagram", |h| {
        let _ = sender.send_to("组播你好".as_bytes(), to);
        h.state().workbench().counters().rx_msgs > 0
    });
    harness.run();
    assert!(harness.query_all_by_label("组播你好").count() >= 1);
}

/// A file dropped on the window, as the OS hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_file_dropped_on_the_window_streams_to_the_tcp_server() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("固件.bin");
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut settings = english_settings(Protocol::TcpClient);
    {
        let fields = settings.addr_mut();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = port.to_string();
    }
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Connect").click();
    run_after_network_click(&mut harness);
    let (mut server_side, _) = common::accept_within(&listener, "the window");
    step_until(&mut harness, "the connection", |h| {
        matches!(
            h.state().workbench().state(),
            netassist::gui::workbench::SessionState::Connected { .. }
        )
    });
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.clone())));
    harness.step();
    harness.run();
    // The file is shown with its size and first bytes, and waits for Send
    // (issue 22, 9): NetAssist sends a data source on 发送, not on choosing.
    assert!(
        harness
            .query_by_label_contains("固件.bin · 2.9 MiB — sent on Send")
            .is_some(),
        "the chosen file is shown"
    );
    assert!(harness.query_by_label_contains("00 07 0E 15").is_some());
    server_side
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut early = [0u8; 1];
    assert!(
        server_side.read(&mut early).is_err(),
        "nothing is sent before Send"
    );
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 65536];
        server_side
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        while got.len() < 3_000_000 {
            match server_side.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        got
    });
    step_until(&mut harness, "the file to be sent", |h| {
        h.query_by_label_contains("FILE SENT 固件.bin 3000000 bytes")
            .is_some()
    });
    assert_eq!(reader.join().unwrap(), content);
    assert_eq!(harness.state().workbench().counters().tx_bytes, 3_000_000);
    // Put away, Send sends the box again.
    harness.get_by_label("Send the box instead").click();
    harness.run();
    assert!(harness.query_by_label_contains("sent on Send").is_none());
}

/// A folder, or (on Unix) a FIFO, dropped as the data source gets a
/// sentence; the FIFO is not opened, which would wait for a writer and
/// freeze the window (issue 22, 9).
#[test]
fn a_folder_or_a_fifo_dropped_as_the_data_source_gets_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(dir.path().to_owned())));
    harness.step();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("it is a folder: choose a file")
            .is_some()
    );
    assert!(harness.query_by_label_contains("sent on Send").is_none());
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(fifo)));
        harness.step();
        harness.run();
        assert!(
            harness
                .query_by_label_contains("it is not a regular file")
                .is_some()
        );
    }
}

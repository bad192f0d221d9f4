//! The real window, driven headless with egui_kittest as a person would:
//! find widgets by their labels, type, click, and read what is shown.
//! Peers are the tutorial programs in tests/peers, on 127.0.0.1 only.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::cli::Args;
use netassist::gui::App;
use netassist::gui::i18n::Lang;
use netassist::gui::workbench::SessionState;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;
use common::python_available;

#[test]
fn udp_receives_gb2312_from_the_tutorial_sender_and_replies() {
    if !python_available() {
        return;
    }
    let mut settings = english_settings(Protocol::Udp);
    settings.text.rx_encoding = netassist::text::Encoding::Gbk;
    settings.text.tx_encoding = netassist::text::Encoding::Gbk;
    settings.udp.reply_to_last_sender = true;
    let mut harness = harness(settings);
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).unwrap();
    // The socket is where the fields said: this machine only, any port
    // (the protocol's default is 0.0.0.0:8080).
    assert_eq!(local.ip(), std::net::Ipv4Addr::LOCALHOST);
    assert_ne!(local.port(), 8080);
    assert!(
        harness
            .query_by_label_contains(&format!("Bound to {local}"))
            .is_some()
    );

    // The tutorial's "send, then receive" script: GB2312 both ways.
    let script = peer(
        "udp_send_recv.py",
        &[
            "--bind",
            "0",
            "--to",
            &local.to_string(),
            "你好，网络调试助手",
        ],
    );
    step_until(&mut harness, "the datagram in the log", |h| {
        h.query_by_label_contains("你好，网络调试助手").is_some()
    });
    type_into(
        &mut harness,
        Role::MultilineTextInput,
        "Data send",
        "收到了",
    );
    harness.get_by_label("Send").click();
    harness.step();
    let (out, ok) = finish(script);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("RECV {local} 收到了")), "{out}");
    step_until(&mut harness, "the TX line", |h| {
        h.state().workbench().counters().tx_msgs == 1
    });
    assert_eq!(harness.state().workbench().counters().rx_msgs, 1);
    assert!(harness.query_by_label_contains("收到了").is_some());
}

#[test]
fn tcp_client_sends_to_the_tutorial_server() {
    if !python_available() {
        return;
    }
    let mut server = peer(
        "tcp_server_recv.py",
        &["--port", "0", "--encoding", "utf-8"],
    );
    // The script prints LISTENING and its port once it can accept.
    let port = server.listening_port().to_string();

    let mut harness = harness(english_settings(Protocol::TcpClient));
    harness.run();
    set_field(&mut harness, "Remote host addr", "127.0.0.1");
    set_field(&mut harness, "Remote host port", &port);
    harness.run();
    harness.get_by_label("Connect").click();
    step_until(&mut harness, "the connection", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Connected { .. }
        )
    });
    assert!(
        harness.query_by_label("Disconnect").is_some(),
        "the button says what it will do"
    );
    type_into(
        &mut harness,
        Role::MultilineTextInput,
        "Data send",
        "你好，服务器",
    );
    // Ctrl+Enter sends, as the hint says.
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::Enter]);
    harness.step();
    let (rest, ok) = finish(server);
    assert!(ok, "{rest}");
    assert!(rest.contains("你好，服务器"), "{rest}");
    // The server closes after one read: the window notices at once.
    step_until(&mut harness, "the peer's close", |h| {
        h.state().workbench().state() == SessionState::Closed
    });
    assert!(harness.query_by_label_contains("closed by peer").is_some());
}

#[test]
fn a_bad_port_shows_a_sentence_and_opens_nothing() {
    let mut harness = harness(english_settings(Protocol::TcpServer));
    harness.run();
    set_field(&mut harness, "Local host port", "65536");
    harness.run();
    harness.get_by_label("Listen").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("port '65536' is not a number from 0 to 65535")
            .is_some()
    );
    assert_eq!(harness.state().workbench().state(), SessionState::Closed);
    assert!(!harness.state().workbench().is_active());
}

#[test]
fn bad_hex_is_refused_next_to_the_box_and_nothing_is_sent() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let target = receiver.local_addr().unwrap();
    let mut settings = english_settings(Protocol::Udp);
    settings.text.tx_hex = true;
    let mut harness = harness(settings);
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    set_field(&mut harness, "Remote host addr", "127.0.0.1");
    set_field(&mut harness, "Remote host port", &target.port().to_string());
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    type_into(&mut harness, Role::MultilineTextInput, "Data send", "55 0G");
    assert!(
        harness
            .query_by_label_contains("'G' at position 5 is not a HEX digit")
            .is_some()
    );
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);
    let mut buf = [0u8; 16];
    assert!(receiver.recv_from(&mut buf).is_err(), "nothing may be sent");
    assert_eq!(harness.state().workbench().counters().tx_msgs, 0);

    // Mended, the same box sends the bytes it says.
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Data send")
        .focus();
    harness.run();
    harness.key_press(egui::Key::Backspace);
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Data send")
        .type_text("A 0x0D");
    harness.run();
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);
    receiver
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], [0x55, 0x0A, 0x0D]);
}

#[test]
fn switching_to_hex_re_renders_entries_already_in_the_log() {
    let mut harness = harness(english_settings(Protocol::Udp));
    let peer: SocketAddr = "127.0.0.1:9".parse().unwrap();
    received(&mut harness, peer, &[0xC4, 0xE3, 0xBA, 0xC3]);
    harness.run();
    // UTF-8 cannot decode GBK bytes: they show as U+FFFD, nothing is lost.
    assert!(harness.query_by_label_contains("\u{FFFD}").is_some());
    harness.get_by_label("HEX display").click();
    harness.run();
    assert!(harness.query_by_label("C4 E3 BA C3").is_some());
    harness.get_by_label("HEX display").click();
    harness.run();
    choose(
        &mut harness,
        "Encoding",
        netassist::text::Encoding::Gbk.display_name(),
    );
    assert!(harness.query_by_label("你好").is_some());
}

#[test]
fn the_window_speaks_chinese_when_asked() {
    let mut settings = english_settings(Protocol::Udp);
    settings.lang = Lang::Zh;
    let mut harness = harness(settings);
    harness.run();
    for label in [
        "网络设置",
        "协议类型",
        "接收设置",
        "发送设置",
        "数据日志",
        "打开",
        "发送",
        "复位计数",
    ] {
        assert!(harness.query_by_label(label).is_some(), "missing {label}");
    }
    harness.get_by_label("English").click();
    harness.run();
    assert!(harness.query_by_label("Open").is_some());
}

#[test]
fn tcp_server_serves_several_tutorial_chat_clients_and_sends_to_all() {
    if !python_available() {
        return;
    }
    let mut harness = harness(english_settings(Protocol::TcpServer));
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    harness.get_by_label("Listen").click();
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).unwrap().to_string();
    assert!(harness.query_by_label("Stop").is_some());

    // Three tutorial chat clients connect at once, each says one thing and
    // stays a while so that our broadcast reaches all of them.
    let names = ["小李", "小王", "小张"];
    let clients: Vec<common::Process> = names
        .iter()
        .map(|name| {
            peer(
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
                    "大家好",
                ],
            )
        })
        .collect();
    step_until(&mut harness, "three clients in the table", |h| {
        h.state().workbench().clients().len() == 3
    });
    assert!(harness.query_by_label("Clients (3)").is_some());
    for name in names {
        step_until(&mut harness, "each client's message", |h| {
            h.query_by_label_contains(&format!("{name}说大家好"))
                .is_some()
        });
    }
    type_into(
        &mut harness,
        Role::MultilineTextInput,
        "Data send",
        "欢迎各位",
    );
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the broadcast to be sent", |h| {
        h.state().workbench().counters().tx_msgs == 3
    });
    assert!(harness.query_by_label_contains("3-clients").is_some());
    let outputs: Vec<(String, bool)> = clients.into_iter().map(finish).collect();
    for (out, ok) in &outputs {
        assert!(ok, "{out}");
        assert!(
            out.contains("欢迎各位"),
            "every client got the broadcast: {out}"
        );
    }
    // Each client says bye and leaves: the table empties.
    step_until(&mut harness, "the clients to leave", |h| {
        h.state().workbench().clients().is_empty()
    });
    assert!(harness.query_by_label("Clients (0)").is_some());
}

#[test]
fn tcp_server_drops_one_selected_client() {
    let mut harness = harness(english_settings(Protocol::TcpServer));
    harness.run();
    set_field(&mut harness, "Local host addr", "::1");
    set_field(&mut harness, "Local host port", "0");
    harness.get_by_label("Listen").click();
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).unwrap();
    let mut first = std::net::TcpStream::connect(local).unwrap();
    let _second = std::net::TcpStream::connect(local).unwrap();
    step_until(&mut harness, "two clients", |h| {
        h.state().workbench().clients().len() == 2
    });
    let first_addr = first.local_addr().unwrap();
    let drop_buttons = harness.get_all_by_label("Drop").collect::<Vec<_>>();
    assert_eq!(drop_buttons.len(), 2);
    let index = harness
        .state()
        .workbench()
        .clients()
        .iter()
        .position(|c| c.peer == first_addr)
        .unwrap();
    drop_buttons[index].click();
    step_until(&mut harness, "one client left", |h| {
        h.state().workbench().clients().len() == 1
    });
    first
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 8];
    use std::io::Read;
    assert_eq!(
        first.read(&mut buf).unwrap_or(0),
        0,
        "the dropped client sees the close"
    );
    assert!(
        harness
            .query_by_label_contains(&format!("DISCONNECTED {first_addr} (closed)"))
            .is_some()
    );
}

#[test]
fn settings_are_remembered_across_restarts() {
    #[derive(Default)]
    struct MemoryStorage(std::collections::HashMap<String, String>);
    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }
    let mut storage = MemoryStorage::default();
    {
        let mut harness = harness(english_settings(Protocol::TcpClient));
        harness.run();
        set_field(&mut harness, "Remote host addr", "::1");
        set_field(&mut harness, "Remote host port", "7788");
        harness.get_by_label("HEX display").click();
        harness.run();
        type_into_send_box(&mut harness, "AT+GMR 查询版本");
        eframe::App::save(harness.state_mut(), &mut storage);
    }
    let remembered: netassist::gui::SavedWindow =
        eframe::get_value(&storage, "netassist-window").unwrap();
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| App::with_saved(&cc.egui_ctx, remembered, &Args::default()));
    harness.run();
    let bench = harness.state().workbench();
    assert_eq!(bench.settings().protocol, Protocol::TcpClient);
    assert_eq!(bench.settings().addr().remote_host, "::1");
    assert_eq!(bench.settings().addr().remote_port, "7788");
    assert!(bench.settings().text.rx_hex);
    // The send box holds what it held (issue 22, 9).
    assert_eq!(bench.send_text(), "AT+GMR 查询版本");
}

#[test]
fn choosing_a_protocol_changes_the_fields_and_the_button() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    assert!(harness.query_by_label("Open").is_some());
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Remote host addr")
            .is_some()
    );
    harness
        .get_by_role_and_label(Role::ComboBox, "Protocol")
        .click();
    harness.run();
    harness.get_by_label("TCP Server").click();
    harness.run();
    assert_eq!(
        harness.state().workbench().settings().protocol,
        Protocol::TcpServer
    );
    assert!(harness.query_by_label("Listen").is_some());
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Remote host addr")
            .is_none()
    );
    assert!(harness.query_by_label_contains("Clients (0)").is_some());
    harness
        .get_by_role_and_label(Role::ComboBox, "Protocol")
        .click();
    harness.run();
    harness.get_by_label("TCP Client").click();
    harness.run();
    assert!(harness.query_by_label("Connect").is_some());
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "Remote host port")
            .is_some()
    );
}

#[test]
fn a_port_in_use_is_named_in_the_status_bar() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", &port.to_string());
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the bind to fail", |h| {
        h.state().workbench().last_error().is_some()
    });
    step_until(&mut harness, "the session to end", |h| {
        !h.state().workbench().is_active()
    });
    // Once in the status bar, once as the log's ERROR line.
    let sentence = format!("127.0.0.1:{port} is already in use");
    assert_eq!(harness.query_all_by_label_contains(&sentence).count(), 2);
    assert!(
        harness.query_by_label("Open").is_some(),
        "the user can try again"
    );
}

/// A port held by the window's own other tab is blamed on that tab, not
/// on "another program" (issue 22, 9).
#[test]
fn a_port_held_by_another_tab_names_that_tab() {
    let (mut harness, first) = open_udp_window(loopback_udp_settings(Lang::En));
    let port = first.port();

    harness.get_by_label("New session tab").click();
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", &port.to_string());
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the bind to fail", |h| {
        h.state().workbench().last_error().is_some()
    });
    let error = harness
        .state()
        .workbench()
        .last_error()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.starts_with(&format!("127.0.0.1:{port} is already in use by tab 1 UDP"))
            && error.contains("of this window"),
        "{error}"
    );
    assert!(!error.contains("another program"), "{error}");
}

#[test]
fn a_server_and_a_client_side_by_side_in_two_tabs() {
    let mut harness = harness(english_settings(Protocol::TcpServer));
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    harness.get_by_label("Listen").click();
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    let server = bound_addr(&harness).unwrap();

    harness.get_by_label("New session tab").click();
    harness.run();
    assert_eq!(harness.state().tabs().len(), 2);
    harness
        .get_by_role_and_label(Role::ComboBox, "Protocol")
        .click();
    harness.run();
    harness.get_by_label("TCP Client").click();
    harness.run();
    set_field(&mut harness, "Remote host addr", "127.0.0.1");
    set_field(&mut harness, "Remote host port", &server.port().to_string());
    harness.get_by_label("Connect").click();
    step_until(&mut harness, "the client to connect", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Connected { .. }
        )
    });
    type_into(
        &mut harness,
        Role::MultilineTextInput,
        "Data send",
        "从客户端标签发出",
    );
    harness.get_by_label("Send").click();
    // The server tab, not in view, still receives and logs.
    step_until(&mut harness, "the server tab to log it", |h| {
        h.state().tabs()[0].counters().rx_msgs == 1
    });
    harness.get_by_label_contains("1 TCP Server").click();
    harness.run();
    assert!(harness.query_by_label("从客户端标签发出").is_some());
    assert_eq!(harness.state().workbench().clients().len(), 1);
}

#[test]
fn loop_send_sends_the_count_asked_then_esc_stops_an_endless_loop() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut settings = english_settings(Protocol::Udp);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = receiver.local_addr().unwrap().port().to_string();
    }
    let mut harness = harness(settings);
    harness.run();
    // 发送设置: ☐ 循环周期 [5] ms, 7 times.
    harness
        .get_by_role_and_label(Role::CheckBox, "Loop period")
        .click();
    harness.run();
    set_number(&mut harness, "Loop period", 5);
    set_number(&mut harness, "Times (0 = forever)", 7);
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    type_into(&mut harness, Role::MultilineTextInput, "Data send", "循环");
    harness.get_by_label("Send").click();
    harness.step();
    let mut buf = [0u8; 64];
    for _ in 0..7 {
        let (n, _) = receiver.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], "循环".as_bytes());
    }
    step_until(&mut harness, "the loop to end by itself", |h| {
        !h.state().workbench().looping()
    });
    assert_eq!(harness.state().workbench().counters().tx_msgs, 7);
    assert!(
        harness
            .query_by_label_contains("LOOP STOPPED after 7 sends")
            .is_some()
    );

    // Endless now: it runs until Esc.
    set_number(&mut harness, "Times (0 = forever)", 0);
    harness.get_by_label("Send").click();
    // A running loop keeps the window busy: step frames, do not wait for calm.
    harness.step();
    assert!(harness.state().workbench().looping());
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], "循环".as_bytes());
    harness.key_press(egui::Key::Escape);
    harness.step();
    step_until(&mut harness, "Esc to stop the loop", |h| {
        !h.state().workbench().looping()
    });
    assert!(harness.query_by_label("Send").is_some());
}

#[test]
fn find_filters_the_log_and_follows_new_entries() {
    let mut harness = harness(english_settings(Protocol::Udp));
    let peer = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
    received(&mut harness, peer(1000), "温度=21".as_bytes());
    received(&mut harness, peer(2000), b"humidity=40");
    sent(&mut harness, peer(1000), "温度?".as_bytes());
    harness.run();
    type_into(&mut harness, Role::TextInput, "Find", "温度");
    assert!(harness.query_by_label("2 matches").is_some());
    assert!(harness.query_by_label("humidity=40").is_none());
    harness.get_by_label("RX only").click();
    harness.run();
    assert!(harness.query_by_label("1 matches").is_some());
    assert!(harness.query_by_label("温度=21").is_some());
    assert!(harness.query_by_label("温度?").is_none());
    // A new matching entry joins the filtered view as it arrives.
    received(&mut harness, peer(3000), "温度=22".as_bytes());
    harness.run();
    assert!(harness.query_by_label("2 matches").is_some());
    assert!(harness.query_by_label("温度=22").is_some());
}

#[test]
fn up_and_down_walk_the_send_history() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |s| s.send.clear_after_send = true);
    for text in ["第一", "second"] {
        type_into(&mut harness, Role::MultilineTextInput, "Data send", text);
        harness.get_by_label("Send").click();
        run_after_network_click(&mut harness);
        assert_eq!(recv_text(&receiver), text);
    }
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Data send")
        .focus();
    harness.run();
    harness.key_press(egui::Key::ArrowUp);
    harness.run();
    assert_eq!(harness.state().workbench().send_text(), "second");
    harness.key_press(egui::Key::ArrowUp);
    harness.run();
    assert_eq!(harness.state().workbench().send_text(), "第一");
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    assert_eq!(harness.state().workbench().send_text(), "second");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    harness.run();
    assert_eq!(recv_text(&receiver), "second");
}

#[test]
fn quick_commands_send_by_button_by_f_key_and_as_a_sequence() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |s| {
        s.send.quick_commands = vec![
            netassist::gui::settings::QuickCommand {
                name: "查询".into(),
                text: "温度?".into(),
                hex: false,
                encoding: netassist::text::Encoding::Gbk,
                delay_ms: 50,
            },
            netassist::gui::settings::QuickCommand {
                name: "reset".into(),
                text: "55 AA 01".into(),
                hex: true,
                encoding: netassist::text::Encoding::Utf8,
                delay_ms: 0,
            },
        ];
    });
    let mut buf = [0u8; 64];
    // The settings column scrolls; a person scrolls down to the button.
    harness.get_by_label("F1 查询").scroll_to_me();
    harness.run();
    harness.get_by_label("F1 查询").click();
    run_after_network_click(&mut harness);
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        [0xCE, 0xC2, 0xB6, 0xC8, b'?'],
        "GBK, as the command says"
    );
    harness.key_press(egui::Key::F2);
    harness.run();
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], [0x55, 0xAA, 0x01]);
    // The settings column scrolls; a person scrolls down to the button.
    harness.get_by_label("Run all in order").scroll_to_me();
    harness.run();
    harness.get_by_label("Run all in order").click();
    step_until(&mut harness, "the sequence to finish", |h| {
        !h.state().workbench().sequence_running() && h.state().workbench().counters().tx_msgs == 4
    });
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(n, 5);
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], [0x55, 0xAA, 0x01]);
}

#[test]
fn received_data_goes_to_the_file_even_while_the_display_is_paused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("收到的.bin");
    std::fs::write(&path, b"kept:").unwrap();
    let mut settings = loopback_udp_settings(Lang::En);
    settings.rx_file.path = path.to_path_buf();
    let (mut harness, local) = open_udp_window(settings);
    harness.get_by_label("Save received to file").click();
    harness.get_by_label("Pause display").click();
    harness.run();
    assert!(harness.state().workbench().rx_file().is_some());

    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut expected = b"kept:".to_vec();
    for i in 0..2000u32 {
        let payload = format!("[{i:04}]");
        expected.extend_from_slice(payload.as_bytes());
        sender.send_to(payload.as_bytes(), local).unwrap();
        if i % 200 == 0 {
            // Let the receiver keep up so the kernel drops nothing.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    step_until(&mut harness, "all datagrams", |h| {
        h.state().workbench().counters().rx_msgs == 2000
    });
    assert_eq!(
        harness.state().workbench().visible_len(),
        1,
        "the display stayed paused"
    );
    harness.get_by_label("Save received to file").click();
    harness.run();
    assert!(harness.state().workbench().rx_file().is_none());
    assert_eq!(std::fs::read(&path).unwrap(), expected);
}

#[test]
fn the_rate_plot_shows_bytes_per_second() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    let local = bound_addr(&harness).unwrap();
    harness.get_by_label("Rate plot").click();
    harness.step();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    step_until(&mut harness, "two rate samples", |h| {
        // Keep traffic flowing while the samples are taken.
        sender.send_to(&[0u8; 100], local).unwrap();
        h.state()
            .workbench()
            .mirror()
            .rates()
            .recent(std::time::Instant::now())
            .len()
            >= 2
    });
    assert!(
        harness
            .state()
            .workbench()
            .mirror()
            .rates()
            .recent(std::time::Instant::now())
            .iter()
            .any(|s| s.rx_bytes > 0)
    );
}

#[test]
fn profiles_save_load_and_delete_a_tabs_settings() {
    let mut harness = harness(english_settings(Protocol::TcpClient));
    harness.run();
    set_field(&mut harness, "Remote host addr", "::1");
    set_field(&mut harness, "Remote host port", "8089");
    harness.get_by_label("Profiles").click();
    harness.run();
    type_into(&mut harness, Role::TextInput, "Profile name", "QQ 服务器");
    harness.get_by_label("Save this tab").click();
    harness.run();
    assert!(
        harness
            .state()
            .saved_window()
            .profiles
            .contains_key("QQ 服务器")
    );

    // Change everything, then load the profile back.
    choose(&mut harness, "Protocol", "UDP");
    assert_eq!(
        harness.state().workbench().settings().protocol,
        Protocol::Udp
    );
    if harness.query_by_label("QQ 服务器").is_none() {
        harness.get_by_label("Profiles").click();
        harness.run();
    }
    harness.get_by_label("QQ 服务器").click();
    harness.run();
    let settings = &harness.state().workbench().settings();
    assert_eq!(settings.protocol, Protocol::TcpClient);
    assert_eq!(settings.addr().remote_port, "8089");

    harness.get_by_label("Profiles").click();
    harness.run();
    harness.get_by_label("×").click();
    harness.run();
    assert!(harness.state().saved_window().profiles.is_empty());
}

/// 显示日期 puts the date before the time in the log's rows and in what is
/// copied (issue 22, 9): NetAssist offers it for logs that run for days.
#[test]
fn show_date_puts_the_date_in_the_rows() {
    let (mut harness, local) = open_udp_window(loopback_udp_settings(Lang::En));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"dated", local).unwrap();
    step_until(&mut harness, "the datagram", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });
    let dated = regex::Regex::new(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$").unwrap();
    let time = regex::Regex::new(r"^\d{2}:\d{2}:\d{2}\.\d{3}$").unwrap();
    let stamps = |h: &Harness<'static, App>, pattern: &regex::Regex| {
        h.query_all_by_role(Role::Label)
            .filter_map(|node| node.value())
            .filter(|text| pattern.is_match(text))
            .count()
    };
    assert!(stamps(&harness, &time) > 0 && stamps(&harness, &dated) == 0);
    harness.get_by_label("Show date").click();
    harness.run();
    assert!(stamps(&harness, &dated) > 0, "no row shows its date");
    let copied = harness.state().workbench().log_text();
    assert!(
        copied
            .lines()
            .all(|line| line.len() > 25 && line.as_bytes()[5] == b'-'),
        "{copied}"
    );
}

/// With 自动换行 on, a row's peer address stays on one line (issue 22, 9:
/// it broke as "127.0./0.1:/8444").
#[test]
fn wrapped_rows_keep_the_peer_address_whole() {
    let (mut harness, local) = open_udp_window(loopback_udp_settings(Lang::En));
    // The narrowest log a user is likely to have: 800×600, drawer open,
    // and 自动换行 ticked before the rows come.
    harness.set_size(egui::Vec2::new(800.0, 600.0));
    harness.get_by_role_and_label(Role::Button, "Tools").click();
    harness.run_steps(3);
    harness.get_by_label("Wrap lines").click();
    harness.run_steps(3);
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let long = "a long line that has to wrap in the log's data column ".repeat(8);
    sender.send_to(long.as_bytes(), local).unwrap();
    step_until(&mut harness, "the datagram", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });
    harness.run_steps(3);
    let peer = sender.local_addr().unwrap().to_string();
    let line_height = harness.get_by_label("Wrap lines").rect().height();
    let shown = harness.get_by_label(&peer).rect();
    assert!(
        shown.height() <= line_height,
        "{peer} takes {} px, more than one line ({line_height} px)",
        shown.height()
    );
}

//! The GBK trap (issue 12, defect 5), driven through the window's controls:
//! one 字符集 for both directions, GBK on a first start in 简体中文, TX
//! rows in the encoding they were sent in, separate encodings behind a
//! tick, and the "This looks like GBK — switch" hint next to the log.
//! Peers are a tutorial script and plain sockets on 127.0.0.1 only.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netassist::cli::Args;
use netassist::gui::i18n::{self, Lang};
use netassist::gui::{App, SavedWindow};
use netassist::net::Protocol;
use netassist::text::Encoding;

use crate::common;
use common::gui::*;
use common::python_available;

/// GB2312 "你好", as the UDP tutorials send it.
const GBK_HELLO: [u8; 4] = [0xC4, 0xE3, 0xBA, 0xC3];

/// Whether a row of the log (a label, not the send box) reads `text`.
fn log_shows(harness: &Harness<'static, App>, text: &str) -> bool {
    harness
        .query_all_by_label(text)
        .any(|node| node.accesskit_node().role() == Role::Label)
}

/// The text the combo box labelled `label` shows.
fn combo_shows(harness: &Harness<'static, App>, label: &str) -> String {
    let combo = harness.get_by_role_and_label(Role::ComboBox, label);
    let node = combo.accesskit_node();
    node.value()
        .or_else(|| node.data().label().map(str::to_owned))
        .unwrap_or_default()
}

/// A plain UDP peer on 127.0.0.1 that the window's remote points at.
fn udp_peer() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("a loopback UDP socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    socket
}

/// An English UDP window on 127.0.0.1 sending to `peer`, opened by its
/// button; returns it and the address it bound.
fn english_window_sending_to(peer: &UdpSocket) -> (Harness<'static, App>, SocketAddr) {
    let mut settings = loopback_udp_settings(Lang::En);
    let fields = settings.addr_mut();
    fields.remote_host = "127.0.0.1".into();
    fields.remote_port = peer.local_addr().unwrap().port().to_string();
    open_udp_window(settings)
}

fn received(peer: &UdpSocket) -> Vec<u8> {
    let mut buf = [0u8; 2048];
    let (n, _) = peer
        .recv_from(&mut buf)
        .expect("a datagram from the window");
    buf[..n].to_vec()
}

/// Replaces the send box's text as a person does (focus, select all,
/// type) and clicks Send.
fn send_box_send(harness: &mut Harness<'static, App>, lang: Lang, text: &str) {
    let send_box = lang.t(&i18n::DATA_SEND);
    harness
        .get_by_role_and_label(Role::MultilineTextInput, send_box)
        .focus();
    harness.run();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, send_box)
        .type_text(text);
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, lang.t(&i18n::SEND))
        .click();
    run_after_network_click(harness);
}

/// The scenario with the tutorial peer `udp_send_recv.py`
/// (GB2312 both ways): the peer sends 你好, the window replies in Chinese
/// to the last sender, and the peer decodes the reply (before the fix it
/// died with UnicodeDecodeError, the reply being UTF-8). `harness` is a
/// window whose 字符集 is GBK, not yet open.
fn tutorial_peer_reads_the_reply(mut harness: Harness<'static, App>, lang: Lang) {
    set_field(&mut harness, lang.t(&i18n::LOCAL_HOST), "127.0.0.1");
    set_field(&mut harness, lang.t(&i18n::LOCAL_PORT), "0");
    harness.get_by_label(lang.t(&i18n::REPLY_TO_LAST)).click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, lang.t(&i18n::OPEN))
        .click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).expect("open");
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
    step_until(&mut harness, "the tutorial's GB2312 datagram", |h| {
        log_shows(h, "你好，网络调试助手")
    });
    send_box_send(&mut harness, lang, "收到了，谢谢");
    let (out, ok) = finish(script);
    assert!(ok, "the tutorial peer failed: {out}");
    assert!(out.contains(&format!("RECV {local} 收到了，谢谢")), "{out}");
    step_until(&mut harness, "the TX row", |h| log_shows(h, "收到了，谢谢"));
}

/// (a) A first start in 简体中文 (no settings file) shows GBK in its one
/// 字符集 combo, and the GB2312 tutorial peer reads the window's reply.
#[test]
fn a_first_start_in_chinese_is_gbk_and_the_tutorial_peer_reads_the_reply() {
    let args = Args {
        lang: Some("zh".into()),
        ..Args::default()
    };
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| App::with_saved(&cc.egui_ctx, SavedWindow::default(), &args));
    harness.run();
    let zh = Lang::Zh;
    assert_eq!(
        combo_shows(&harness, zh.t(&i18n::ENC_CHARSET)),
        Encoding::Gbk.display_name()
    );
    // One combo: no separate send encoding until asked for.
    assert!(
        harness
            .query_by_role_and_label(Role::ComboBox, zh.t(&i18n::TX_ENCODING))
            .is_none()
    );
    if !python_available() {
        return;
    }
    tutorial_peer_reads_the_reply(harness, zh);
}

/// (a) The issue's own steps in an English window: change 字符集 to GBK
/// once, and both directions are GBK.
#[test]
fn choosing_gbk_once_makes_the_reply_gbk_too() {
    if !python_available() {
        return;
    }
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    assert_eq!(combo_shows(&harness, "Encoding"), "UTF-8");
    choose(&mut harness, "Encoding", Encoding::Gbk.display_name());
    assert_eq!(
        combo_shows(&harness, "Encoding"),
        Encoding::Gbk.display_name()
    );
    tutorial_peer_reads_the_reply(harness, Lang::En);
}

/// (b) A GBK send's TX row reads Chinese, not mojibake, and still does
/// after the receive encoding is switched to UTF-8 in separate mode, which
/// re-renders the RX rows only.
#[test]
fn a_gbk_send_reads_as_chinese_after_the_receive_encoding_changes() {
    let peer = udp_peer();
    let (mut harness, local) = english_window_sending_to(&peer);
    choose(&mut harness, "Encoding", Encoding::Gbk.display_name());
    send_box_send(&mut harness, Lang::En, "中文");
    assert_eq!(
        received(&peer),
        Encoding::Gbk.encode("中文").unwrap(),
        "sent in GBK"
    );
    step_until(&mut harness, "the TX row", |h| log_shows(h, "中文"));

    // The peer answers 你好 in GBK: an RX row, in the same 字符集.
    peer.send_to(&GBK_HELLO, local).unwrap();
    step_until(&mut harness, "the RX row", |h| log_shows(h, "你好"));

    harness
        .get_by_label("Separate send and receive encodings")
        .click();
    harness.run();
    choose(&mut harness, "Receive encoding", "UTF-8");
    assert_eq!(
        combo_shows(&harness, "Send encoding"),
        Encoding::Gbk.display_name()
    );
    // The RX row is re-rendered in UTF-8 (GBK bytes do not decode); the
    // TX row keeps the encoding it was sent in.
    assert!(!log_shows(&harness, "你好"));
    assert!(harness.query_by_label_contains("\u{FFFD}").is_some());
    assert!(log_shows(&harness, "中文"), "the TX row is still Chinese");
}

/// (c) An English window on UTF-8 receives GBK: the hint next to the log
/// says so, and its Switch button makes the row Chinese and the 字符集
/// GBK. Switched, it stays quiet.
#[test]
fn the_hint_switches_to_gbk_in_one_click() {
    let peer = udp_peer();
    let (mut harness, local) = english_window_sending_to(&peer);
    assert!(harness.query_by_label("Switch").is_none());
    peer.send_to(&GBK_HELLO, local).unwrap();
    step_until(&mut harness, "the hint", |h| {
        h.query_by_label_contains("This looks like GBK").is_some()
    });
    assert!(harness.query_by_label_contains("\u{FFFD}").is_some());
    harness.get_by_label("Switch").click();
    harness.run();
    assert!(log_shows(&harness, "你好"), "the row reads in Chinese");
    assert_eq!(
        combo_shows(&harness, "Encoding"),
        Encoding::Gbk.display_name()
    );
    assert_eq!(
        harness.state().workbench().settings().text.send_encoding(),
        Encoding::Gbk,
        "one 字符集: sends are GBK too"
    );
    assert!(harness.query_by_label_contains("This looks like").is_none());
    // A reply typed now reaches the peer in GBK.
    send_box_send(&mut harness, Lang::En, "你好");
    assert_eq!(received(&peer), GBK_HELLO);
}

/// (c) Dismissed, the hint stays away while that encoding is chosen; in
/// HEX display it is not shown at all.
#[test]
fn a_dismissed_hint_stays_quiet_and_hex_shows_none() {
    let peer = udp_peer();
    let (mut harness, local) = english_window_sending_to(&peer);
    harness.get_by_label("HEX display").click();
    harness.run();
    peer.send_to(&GBK_HELLO, local).unwrap();
    step_until(&mut harness, "the datagram", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });
    harness.run();
    assert!(harness.query_by_label("C4 E3 BA C3").is_some());
    assert!(harness.query_by_label_contains("This looks like").is_none());
    harness.get_by_label("HEX display").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("This looks like GBK")
            .is_some()
    );
    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(harness.query_by_label_contains("This looks like").is_none());
    peer.send_to(&GBK_HELLO, local).unwrap();
    step_until(&mut harness, "the second datagram", |h| {
        h.state().workbench().counters().rx_msgs == 2
    });
    harness.run();
    assert!(harness.query_by_label_contains("This looks like").is_none());
    assert_eq!(
        harness.state().workbench().settings().text.rx_encoding,
        Encoding::Utf8
    );
}

/// (d) The tick reveals the send encoding's combo, and sends use it while
/// received data stays in the receive encoding.
#[test]
fn separate_encodings_reveal_the_send_combo_and_sends_use_it() {
    let peer = udp_peer();
    let (mut harness, local) = english_window_sending_to(&peer);
    assert!(
        harness
            .query_by_role_and_label(Role::ComboBox, "Send encoding")
            .is_none()
    );
    harness
        .get_by_label("Separate send and receive encodings")
        .click();
    harness.run();
    assert_eq!(combo_shows(&harness, "Send encoding"), "UTF-8");
    assert_eq!(combo_shows(&harness, "Receive encoding"), "UTF-8");
    choose(&mut harness, "Send encoding", Encoding::Gbk.display_name());
    send_box_send(&mut harness, Lang::En, "你好");
    assert_eq!(received(&peer), GBK_HELLO, "sent in the send encoding");
    step_until(&mut harness, "the TX row", |h| log_shows(h, "你好"));
    // Received data stays UTF-8.
    peer.send_to("再见".as_bytes(), local).unwrap();
    step_until(&mut harness, "the RX row", |h| log_shows(h, "再见"));
    assert_eq!(combo_shows(&harness, "Receive encoding"), "UTF-8");
    // Unticked: one 字符集 again, the receive encoding's.
    harness
        .get_by_label("Separate send and receive encodings")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_role_and_label(Role::ComboBox, "Send encoding")
            .is_none()
    );
    send_box_send(&mut harness, Lang::En, "你好");
    assert_eq!(received(&peer), "你好".as_bytes());
}

/// (c) In 简体中文 the hint is Chinese: "看起来是 GBK 编码 —" and 切换.
#[test]
fn the_hint_speaks_chinese() {
    let peer = udp_peer();
    let mut settings = loopback_udp_settings(Lang::Zh);
    let fields = settings.addr_mut();
    fields.remote_host = "127.0.0.1".into();
    fields.remote_port = peer.local_addr().unwrap().port().to_string();
    let (mut harness, local) = open_udp_window(settings);
    let zh = Lang::Zh;
    assert_eq!(combo_shows(&harness, zh.t(&i18n::ENC_CHARSET)), "UTF-8");
    peer.send_to(&GBK_HELLO, local).unwrap();
    step_until(&mut harness, "the hint", |h| {
        h.query_by_label("看起来是 GBK 编码 —").is_some()
    });
    harness.get_by_label("切换").click();
    harness.run();
    assert!(log_shows(&harness, "你好"));
    assert_eq!(
        combo_shows(&harness, zh.t(&i18n::ENC_CHARSET)),
        Encoding::Gbk.display_name()
    );
}

/// A quick command keeps the encoding it was saved in: sent after the
/// 字符集 changed, it goes out in its own encoding, and its TX row reads
/// in it too.
#[test]
fn a_quick_command_is_sent_and_shown_in_its_own_encoding() {
    let peer = udp_peer();
    let (mut harness, _) = english_window_sending_to(&peer);
    choose(&mut harness, "Encoding", Encoding::Gbk.display_name());
    type_into(&mut harness, Role::MultilineTextInput, "Data send", "你好");
    harness.get_by_label("Quick commands").click();
    harness.run();
    set_field(&mut harness, "Name", "hi");
    harness.get_by_label("Save send box").click();
    harness.run();
    choose(&mut harness, "Encoding", "UTF-8");
    harness.get_by_label("F1 hi").click();
    run_after_network_click(&mut harness);
    assert_eq!(received(&peer), GBK_HELLO, "sent in the command's GBK");
    step_until(&mut harness, "the TX row", |h| log_shows(h, "你好"));
    assert_eq!(
        harness.state().workbench().settings().text.rx_encoding,
        Encoding::Utf8
    );
}

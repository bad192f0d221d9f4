//! The send side of the window, driven headless with egui_kittest through
//! its controls: loop send (循环周期), a corrected remote port, 回复最后发送方
//! while open, "nothing to send", the appended checksum's sign and the "+"
//! tab button. Peers are UDP sockets on 127.0.0.1 only.

use std::net::UdpSocket;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::gui::App;

use crate::common;
use common::gui::*;

/// A UDP socket on 127.0.0.1 that waits at most ten seconds for a datagram.
fn udp_peer() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket
}

fn click_send(harness: &mut Harness<'static, App>) {
    harness.get_by_label("Send").click();
    run_after_network_click(harness);
}

#[test]
fn the_loop_period_control_sends_repeatedly_until_stop_is_clicked() {
    let receiver = udp_peer();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    harness
        .get_by_role_and_label(Role::CheckBox, "Loop period")
        .click();
    harness.run();
    set_number(&mut harness, "Loop period", 20);
    assert_eq!(
        harness.state().workbench().settings().send.loop_period_ms,
        20
    );
    type_into_send_box(&mut harness, "tick");
    harness.get_by_label("Send").click();
    // A running loop keeps the window busy: step frames, do not wait for calm.
    harness.step();
    for _ in 0..3 {
        assert_eq!(recv_text(&receiver), "tick");
    }
    step_until(&mut harness, "the running count to show", |h| {
        h.query_by_label_contains("Looping, sent").is_some()
            && h.state().workbench().loop_sent() >= 3
    });
    harness.get_by_label("Stop loop").click();
    harness.step();
    step_until(&mut harness, "Stop to end the loop", |h| {
        !h.state().workbench().looping()
    });
    // The line is added in the frame that ends the loop; a log longer
    // than the view scrolls it into sight one frame later.
    step_until(&mut harness, "LOOP STOPPED to show", |h| {
        h.query_by_label_contains("LOOP STOPPED after").is_some()
    });
    assert!(harness.query_by_label_contains("Looping, sent").is_none());
    assert!(harness.query_by_label("Send").is_some());
}

#[test]
fn a_udp_remote_port_corrected_after_a_bad_one_sends_again() {
    let receiver = udp_peer();
    let port = receiver.local_addr().unwrap().port().to_string();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    type_into_send_box(&mut harness, "first");
    click_send(&mut harness);
    assert_eq!(recv_text(&receiver), "first");

    set_field(&mut harness, "Remote host port", "99999");
    type_into_send_box(&mut harness, "refused");
    click_send(&mut harness);
    assert!(harness.query_by_label_contains("99999").is_some());

    set_field(&mut harness, "Remote host port", &port);
    assert!(
        harness.query_by_label_contains("99999").is_none(),
        "the sentence about 99999 stayed under the corrected field"
    );
    type_into_send_box(&mut harness, "second");
    click_send(&mut harness);
    assert_eq!(recv_text(&receiver), "second");
    assert!(harness.query_by_label_contains("99999").is_none());
}

#[test]
fn reply_to_last_sender_can_be_ticked_and_unticked_while_open() {
    let remote = udp_peer();
    let other = udp_peer();
    let mut harness = udp_harness_sending_to(&remote, |_| {});
    let bound = bound_addr(&harness).unwrap();
    other.send_to(b"hello", bound).unwrap();
    step_until(&mut harness, "the other peer's datagram", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });

    harness
        .get_by_role_and_label(Role::CheckBox, "Reply to last sender")
        .click();
    harness.run();
    type_into_send_box(&mut harness, "to the last sender");
    click_send(&mut harness);
    assert_eq!(recv_text(&other), "to the last sender");

    harness
        .get_by_role_and_label(Role::CheckBox, "Reply to last sender")
        .click();
    harness.run();
    type_into_send_box(&mut harness, "to the remote");
    click_send(&mut harness);
    assert_eq!(recv_text(&remote), "to the remote");
}

#[test]
fn nothing_to_send_goes_as_soon_as_the_send_box_has_text() {
    let receiver = udp_peer();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    click_send(&mut harness);
    assert!(harness.query_by_label("nothing to send").is_some());
    type_into(&mut harness, Role::MultilineTextInput, "Data send", "x");
    assert!(harness.query_by_label("nothing to send").is_none());
}

#[test]
fn a_ticked_checksum_append_shows_next_to_send_and_is_sent() {
    let receiver = udp_peer();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    assert!(harness.query_by_label("+CRC-16/MODBUS").is_none());
    harness.get_by_label("Tools").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::ComboBox, "Append to sends")
        .click();
    harness.run();
    harness.get_by_label("CRC-16/MODBUS").click();
    harness.run();
    assert!(harness.query_by_label("+CRC-16/MODBUS").is_some());
    type_into_send_box(&mut harness, "123456789");
    click_send(&mut harness);
    let mut buf = [0u8; 64];
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    // CRC-16/MODBUS of "123456789" is 0x4B37, appended low byte first.
    assert_eq!(&buf[..n], b"123456789\x37\x4B");
}

#[test]
fn the_new_tab_button_is_named_for_screen_readers() {
    let mut harness = harness(english_settings(netassist::net::Protocol::Udp));
    harness.run();
    harness.get_by_label("New session tab").click();
    harness.run();
    assert_eq!(harness.state().tabs().len(), 2);
}

#[test]
fn the_loop_control_reads_as_netassist_users_know_it_in_chinese() {
    let mut settings = english_settings(netassist::net::Protocol::Udp);
    settings.lang = netassist::gui::i18n::Lang::Zh;
    let mut harness = harness(settings);
    harness.run();
    assert!(harness.query_by_label("发送设置").is_some());
    harness
        .get_by_role_and_label(Role::CheckBox, "循环周期")
        .click();
    harness.run();
    assert!(harness.state().workbench().settings().send.loop_enabled);
    assert!(
        harness
            .query_by_role_and_label(Role::SpinButton, "次数 (0 = 无限)")
            .is_some()
    );
}

/// Ticking 按十六进制发送 turns the send box's text into the HEX of its
/// bytes in the send encoding, and unticking turns HEX back into the text,
/// as NetAssist does (issue 22, 7); bytes that are not text stay HEX with
/// a sentence once escapes are off.
#[test]
fn ticking_hex_send_converts_the_send_box_both_ways() {
    let mut harness = harness(english_settings(netassist::net::Protocol::Udp));
    harness.run();
    let send_text = |h: &Harness<'static, App>| h.state().workbench().send_text().to_owned();

    type_into_send_box(&mut harness, "AB你\\r\\n");
    harness.get_by_label("HEX send").click();
    harness.run();
    assert_eq!(send_text(&harness), "41 42 E4 BD A0 0D 0A");
    harness.get_by_label("HEX send").click();
    harness.run();
    assert_eq!(
        send_text(&harness),
        "AB你\\r\\n",
        "and back, escapes written"
    );

    // Without escapes, bytes that are not UTF-8 text stay HEX, said so.
    harness
        .get_by_label("Parse escapes (\\r \\n \\t \\xHH)")
        .click();
    harness.get_by_label("HEX send").click();
    harness.run();
    type_into_send_box(&mut harness, "FF FE");
    harness.get_by_label("HEX send").click();
    harness.run();
    assert_eq!(send_text(&harness), "FF FE");
    assert!(!harness.state().workbench().settings().text.tx_hex);
    assert!(
        harness
            .query_by_label_contains("These bytes are not UTF-8 text, so they stay HEX")
            .is_some()
    );
}

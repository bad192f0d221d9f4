//! Tabs of the real window, driven headless through the controls a person
//! uses ("+", the protocol combo, the tools drawer): a new tab starts from
//! the protocol's defaults on a port no other tab uses, and tools a
//! protocol does not use say why (issue 12, defect 7).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::gui::App;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

fn click_new_tab(harness: &mut Harness<'static, App>) {
    harness.get_by_label("New session tab").click();
    harness.run();
}

fn choose_protocol(harness: &mut Harness<'static, App>, name: &str) {
    harness
        .get_by_role_and_label(Role::ComboBox, "Protocol")
        .click();
    harness.run();
    harness.get_by_label(name).click();
    harness.run();
}

fn local_port_in_view(harness: &Harness<'static, App>) -> String {
    harness.state().workbench().settings().addr().local_port
}

#[test]
fn a_new_tab_beside_a_listening_server_takes_the_next_port_and_listens() {
    let mut harness = harness(english_settings(Protocol::TcpServer));
    harness.run();
    // The first tab listens on the protocol's default port, as a user's
    // first tab does.
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    assert_eq!(local_port_in_view(&harness), "8080");
    harness.get_by_label("Listen").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the first server to listen", |h| {
        bound_addr(h).is_some()
    });
    let first = bound_addr(&harness).unwrap();

    click_new_tab(&mut harness);
    assert_eq!(harness.state().tabs().len(), 2);
    assert_eq!(
        harness.state().workbench().settings().protocol,
        Protocol::TcpServer
    );
    assert_eq!(local_port_in_view(&harness), "8081");
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    harness.get_by_label("Listen").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the second server to listen", |h| {
        bound_addr(h).is_some()
    });
    let second = bound_addr(&harness).unwrap();
    assert_ne!(first.port(), second.port());
    assert!(harness.state().workbench().last_error().is_none());
}

#[test]
fn auto_reply_rules_of_one_tab_are_not_in_a_new_tab() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    harness.get_by_label("Tools").click();
    harness.run();
    harness.get_by_label("Add rule").click();
    harness.run();
    type_into(&mut harness, Role::TextInput, "When", "ping");
    type_into(&mut harness, Role::TextInput, "Reply", "pong");
    assert_eq!(
        harness
            .state()
            .workbench()
            .settings()
            .tools
            .auto_replies
            .len(),
        1
    );

    click_new_tab(&mut harness);
    assert!(
        harness
            .state()
            .workbench()
            .settings()
            .tools
            .auto_replies
            .is_empty()
    );
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "When")
            .is_none(),
        "the new tab's drawer shows no rule"
    );
    assert_eq!(
        harness.state().tabs()[0]
            .settings()
            .tools
            .auto_replies
            .len(),
        1
    );
}

#[test]
fn changing_protocol_moves_a_default_port_past_the_other_tabs() {
    let mut harness = harness(english_settings(Protocol::TcpServer));
    harness.run();
    click_new_tab(&mut harness);
    assert_eq!(local_port_in_view(&harness), "8081");
    // UDP's default is 8080 too, which the first tab holds.
    choose_protocol(&mut harness, "UDP");
    assert_eq!(local_port_in_view(&harness), "8081");
    // A port the user typed is theirs: switching away and back keeps it.
    set_field(&mut harness, "Local host port", "9000");
    choose_protocol(&mut harness, "TCP Client");
    choose_protocol(&mut harness, "UDP");
    assert_eq!(local_port_in_view(&harness), "9000");
}

#[test]
fn a_tftp_tab_shows_the_tools_as_not_applicable_and_no_unsupported_error() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    harness.get_by_label("Tools").click();
    harness.run();
    // A rule made while the tab was UDP stays in its settings, unused.
    harness.get_by_label("Add rule").click();
    harness.run();
    type_into(&mut harness, Role::TextInput, "When", "ping");
    choose_protocol(&mut harness, "TFTP Server");

    let reason = "Does not apply to TFTP: it moves whole files, not messages.";
    // Auto reply, checksum and framing each say so.
    assert_eq!(harness.query_all_by_label(reason).count(), 3);
    assert!(harness.query_by_label("Add rule").is_none());
    assert!(
        harness
            .query_by_label("Only for UDP: multicast groups are joined by a UDP socket.")
            .is_some()
    );

    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    // A TFTP server serves only a folder the user chose.
    let served = tempfile::tempdir().unwrap();
    set_field(&mut harness, "Folder", &served.path().display().to_string());
    harness.get_by_label("Start server").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the TFTP server to start", |h| {
        bound_addr(h).is_some()
    });
    // The session answers commands in order: once it has stopped, any
    // refusal of an auto-reply sent at open is in the log.
    harness.get_by_label("Stop").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the TFTP server to stop", |h| {
        !h.state().workbench().is_active()
    });
    let log = harness.state().workbench().log_text();
    assert!(!log.contains("does not support that"), "{log}");
    assert!(harness.state().workbench().last_error().is_none(), "{log}");
}

/// A WebSocket tab's tools drawer says why framing does not apply in
/// WebSocket's own words, not TFTP's (issue 22, 8).
#[test]
fn a_websocket_tab_says_framing_does_not_apply_for_its_own_reason() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    harness.get_by_label("Tools").click();
    harness.run();
    choose_protocol(&mut harness, "WebSocket Client");
    assert!(
        harness
            .query_by_label("Not for WebSocket: each message arrives whole already.")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("Does not apply to TFTP: it moves whole files, not messages.")
            .is_none(),
        "no tool of a WebSocket tab blames TFTP"
    );
}

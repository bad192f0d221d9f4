//! The log view's 自动换行 (wrap long rows) and 接收数据不显示 (keep counting
//! and saving, stop drawing), from issue 12's "What NetAssist has that the
//! window still lacks". Each is ticked by its label, as a person does, with
//! real datagrams on 127.0.0.1.

use std::net::UdpSocket;

use egui_kittest::kittest::Queryable;
use netassist::gui::i18n::{self, Lang};
use netassist::gui::settings::Settings;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

#[test]
fn a_long_row_is_shown_whole_when_wrap_lines_is_ticked() {
    let (mut harness, local) = open_udp_window(loopback_udp_settings(Lang::En));
    let long: String = (0..60).map(|i| format!("word{i:02} ")).collect();
    let long = format!("{long}THE-END");
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(long.as_bytes(), local).unwrap();
    sender.send_to(b"the next row", local).unwrap();
    step_until(&mut harness, "both datagrams in the log", |h| {
        h.query_by_label("the next row").is_some() && h.query_by_label(&long).is_some()
    });
    let cut = harness.get_by_label(&long).rect();

    harness.get_by_label("Wrap lines").click();
    // The row is measured when drawn and laid out at its height the frame
    // after; step until the window settles.
    step_until(&mut harness, "the long row to wrap", |h| {
        h.query_by_label(&long)
            .is_some_and(|row| row.rect().height() > 2.0 * cut.height())
    });
    harness.run();
    let wrapped = harness.get_by_label(&long).rect();
    let next = harness.get_by_label("the next row").rect();
    assert!(
        wrapped.width() <= cut.width() + 1.0,
        "the wrapped row fits the column: {wrapped:?} against {cut:?}"
    );
    assert!(
        next.top() >= wrapped.bottom() - 0.5,
        "the next row starts below the wrapped one: {next:?} against {wrapped:?}"
    );
    assert!(harness.state().workbench().settings().view.wrap_rows);

    harness.get_by_label("Wrap lines").click();
    step_until(&mut harness, "the long row to be one line again", |h| {
        h.query_by_label(&long)
            .is_some_and(|row| (row.rect().height() - cut.height()).abs() < 0.5)
    });
}

#[test]
fn while_received_data_is_not_shown_it_is_counted_and_saved_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flood.bin");
    let (mut harness, local) = open_udp_window(loopback_udp_settings(Lang::En));
    set_field(&mut harness, "File", path.to_str().unwrap());
    harness.get_by_label("Save received to file").click();
    harness.get_by_label("Don't show received data").click();
    harness.run();
    assert!(harness.state().workbench().rx_file().is_some());

    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut expected = Vec::new();
    for i in 0..50u32 {
        let payload = format!("hidden-{i:02};");
        expected.extend_from_slice(payload.as_bytes());
        sender.send_to(payload.as_bytes(), local).unwrap();
    }
    let total = expected.len();
    // The status bar counts every datagram while none is drawn.
    step_until(&mut harness, "the counters to reach 50", |h| {
        h.query_by_label("50/0").is_some() && h.query_by_label(&format!("RX: {total} B")).is_some()
    });
    common::wait_for_file_len(&path, expected.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), expected);
    // The log keeps the 50 datagrams beside its own rows (the socket's
    // opening and the like), and the notice says how many it keeps.
    let kept = harness.state().workbench().log().len();
    assert!(kept >= 50, "the log keeps what arrived: {kept} entries");
    assert!(
        harness
            .query_by_label_contains(&format!("Received data is not shown · {kept} entries"))
            .is_some(),
        "the notice says the data is not shown and how much is kept"
    );
    assert!(
        harness.query_by_label("hidden-07;").is_none(),
        "no received row is drawn"
    );

    // Unticked, what arrived meanwhile is there.
    harness.get_by_label("Don't show received data").click();
    step_until(&mut harness, "the rows to be drawn", |h| {
        h.query_by_label("hidden-49;").is_some()
    });
    assert!(
        harness
            .query_by_label_contains("Received data is not shown")
            .is_none()
    );
}

#[test]
fn both_controls_and_the_notice_read_in_chinese() {
    let (mut harness, local) = open_udp_window(loopback_udp_settings(Lang::Zh));
    harness.get_by_label("自动换行").click();
    harness.get_by_label("接收数据不显示").click();
    harness.run();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"zh", local).unwrap();
    step_until(&mut harness, "the datagram to be counted", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });
    harness.run();
    let kept = harness.state().workbench().log().len();
    assert!(
        harness
            .query_by_label_contains(&format!("接收数据不显示 · {kept} 条"))
            .is_some(),
        "the notice in Chinese"
    );
    assert!(harness.query_by_label("zh").is_none(), "no row is drawn");
    let view = &harness.state().workbench().settings().view;
    assert!(view.wrap_rows && view.hide_received);
    for text in [
        i18n::WRAP_ROWS,
        i18n::WRAP_ROWS_HINT,
        i18n::HIDE_RECEIVED,
        i18n::HIDE_RECEIVED_HINT,
        i18n::HIDDEN_NOTICE,
        i18n::HIDDEN_NOTICE_KEPT,
    ] {
        assert!(!text.en.is_empty() && !text.zh.is_empty());
        assert!(
            !text.zh.chars().any(|c| c.is_ascii_alphabetic()),
            "{:?} is not all Chinese",
            text.zh
        );
    }
}

/// Both ticks are saved with the tab; a file from before them loads with
/// both off (the fixture test in `gui_settings.rs` loads it whole).
#[test]
fn wrap_and_hide_are_saved_with_the_tab_and_old_files_load_without_them() {
    let mut settings = english_settings(Protocol::Udp);
    settings.view.wrap_rows = true;
    settings.view.hide_received = true;
    let text = ron::to_string(&settings).unwrap();
    assert!(text.contains("wrap_rows:true") && text.contains("hide_received:true"));
    let loaded: Settings = ron::from_str(&text).unwrap();
    assert_eq!(loaded, settings);

    let old = "(protocol:TcpServer,show_time:false)";
    let loaded: Settings = ron::from_str(old).unwrap();
    assert_eq!(loaded.protocol, Protocol::TcpServer);
    assert!(!loaded.view.wrap_rows && !loaded.view.hide_received);
}

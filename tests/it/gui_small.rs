//! The smaller window defects of issue 12 (defect 13), driven headless
//! with egui_kittest through the controls: the UDP remote's default, a
//! send panel that keeps its height when an error sentence appears, the
//! CONNECTED line before a client's first data, and path fields that show
//! the folder name. Peers are sockets on 127.0.0.1 only.

use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netassist::log::Direction;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

/// What a text field shows, read from the accessibility tree as a screen
/// reader (and the user) sees it.
fn shown_value(
    harness: &egui_kittest::Harness<'static, netassist::gui::App>,
    label: &str,
) -> String {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .value()
        .unwrap_or_default()
}

#[test]
fn a_new_udp_window_does_not_default_to_sending_to_itself() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    let local_port = shown_value(&harness, "Local host port");
    let remote_port = shown_value(&harness, "Remote host port");
    assert!(!local_port.is_empty() && !remote_port.is_empty());
    assert_ne!(
        local_port, remote_port,
        "a first send from {local_port} to 127.0.0.1:{remote_port} loops back to itself"
    );
}

#[test]
fn the_send_box_keeps_its_place_when_an_error_sentence_appears() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    harness.run();
    let send_box = |h: &egui_kittest::Harness<'static, netassist::gui::App>| {
        h.get_by_role_and_label(Role::MultilineTextInput, "Data send")
            .rect()
    };
    let before = send_box(&harness);
    let button_before = harness.get_by_label("Send").rect();
    assert!(harness.query_by_label("nothing to send").is_none());
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);
    assert!(
        harness.query_by_label("nothing to send").is_some(),
        "clicking Send with an empty box shows a sentence"
    );
    assert_eq!(send_box(&harness), before, "the send box moved or resized");
    assert_eq!(
        harness.get_by_label("Send").rect(),
        button_before,
        "the Send button moved or resized"
    );
}

#[test]
fn the_window_logs_connected_before_the_clients_first_data() {
    let (mut harness, server) = listening_window(english_settings(Protocol::TcpServer));
    let mut client = TcpStream::connect(server).expect("connect to the window");
    client
        .write_all(b"first words")
        .expect("send at once on connect");
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A busy window takes events some frames after they happened: no frame
    // runs for a moment, so a CONNECTED stamped when the frame takes it
    // (rather than when the engine accepted the client) shows as later
    // than the data. This waits; it asserts nothing about time.
    std::thread::sleep(Duration::from_millis(50));
    step_until(&mut harness, "the client's data in the log", |h| {
        h.state().workbench().log_text().contains("first words")
    });
    let log = harness.state().workbench().log_text();
    let connected = log.find("CONNECTED").expect("a CONNECTED line");
    let data = log.find("first words").expect("the data");
    assert!(connected < data, "CONNECTED after the data:\n{log}");
    let entries: Vec<_> = harness.state().workbench().log().iter().collect();
    let connected_at = entries
        .iter()
        .find(|e| e.dir == Direction::Note && e.bytes.starts_with(b"CONNECTED"))
        .expect("a CONNECTED entry")
        .at_ms;
    let data_at = entries
        .iter()
        .find(|e| e.dir == Direction::Rx)
        .expect("an RX entry")
        .at_ms;
    assert!(
        connected_at <= data_at,
        "CONNECTED stamped {connected_at}, after the data at {data_at}:\n{log}"
    );
}

/// A folder name deep in a path that is longer than the field.
const LONG_FOLDER: &str =
    "/home/someone/projects/customer-firmware/releases/2026/november/tftp-served-folder";

#[test]
fn a_long_tftp_folder_shows_its_folder_name_and_edits_whole() {
    let mut harness = harness(english_settings(Protocol::TftpServer));
    harness.run();
    set_field(&mut harness, "Folder", LONG_FOLDER);
    assert_eq!(shown_value(&harness, "Folder"), LONG_FOLDER, "edited whole");
    // Done editing: the user goes on to the port.
    set_field(&mut harness, "Local host port", "6969");
    let shown = shown_value(&harness, "Folder");
    assert!(
        shown.starts_with('…') && shown.ends_with("/tftp-served-folder"),
        "the field shows {shown:?}, not the folder name"
    );
    assert_eq!(
        harness.state().workbench().settings().tftp.root,
        std::path::Path::new(LONG_FOLDER)
    );
    harness
        .get_by_role_and_label(Role::TextInput, "Folder")
        .focus();
    harness.run();
    assert_eq!(shown_value(&harness, "Folder"), LONG_FOLDER, "edited whole");
}

#[test]
fn a_long_receive_file_path_shows_its_file_name() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    let path = format!("{LONG_FOLDER}/cap.log");
    set_field(&mut harness, "File", &path);
    set_field(&mut harness, "Remote host port", "9000");
    let shown = shown_value(&harness, "File");
    assert!(
        shown.starts_with('…') && shown.ends_with("/cap.log"),
        "the field shows {shown:?}, not the file name"
    );
    assert_eq!(
        harness.state().workbench().settings().rx_file.path,
        std::path::Path::new(&path)
    );
}

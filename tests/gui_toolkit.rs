//! Issue 15: the tools drawer's checksum calculator, float conversion,
//! ASCII table, Modbus commands and waveform, each driven through its
//! controls in the real window (found by label, typed into, clicked), and
//! checked by what the user reads and what a peer receives.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netassist::net::Protocol;

pub mod common;
use common::gui::*;

/// Opens the tools drawer and one of its folded sections.
fn open_tool(harness: &mut egui_kittest::Harness<'static, netassist::gui::App>, section: &str) {
    harness.get_by_label("Tools").click();
    harness.run();
    harness.get_by_label(section).click();
    harness.run();
}

#[test]
fn checksum_calculator_gives_crc16_modbus_of_the_check_string() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    open_tool(&mut harness, "Checksum calculator");
    type_into(&mut harness, Role::TextInput, "Data", "123456789");
    harness
        .get_by_role_and_label(Role::ComboBox, "Algorithm")
        .click();
    harness.run();
    harness.get_by_label("CRC-16/XMODEM").click();
    harness.run();
    harness.get_by_label("31C3");
    harness
        .get_by_role_and_label(Role::ComboBox, "Algorithm")
        .click();
    harness.run();
    harness.get_by_label("CRC-16/MODBUS").click();
    harness.run();
    harness.get_by_label("4B37");
    harness.get_by_label("4B 37");
    harness.get_by_label("37 4B");

    // Appending puts the bytes in the send box in the form it reads
    // (text with escapes, the default).
    harness
        .get_all_by_label("Append to send box")
        .nth(1)
        .unwrap()
        .click();
    harness.run();
    assert_eq!(harness.state().workbench().send_text(), "\\x37\\x4B");

    // Bad HEX is a sentence, not a result.
    harness.get_by_label("HEX").click();
    harness.run();
    assert!(harness.query_by_label("4B37").is_none());
}

#[test]
fn float_conversion_both_ways_with_a_sentence_for_a_bad_length() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    open_tool(&mut harness, "Float conversion");
    type_into(&mut harness, Role::TextInput, "Number", "1.0");
    let hex = harness
        .get_by_role_and_label(Role::TextInput, "Bytes (HEX)")
        .value();
    assert_eq!(hex.as_deref(), Some("3F 80 00 00"));
    // Every order is listed under the fields.
    harness.get_by_label("00 00 80 3F");
    harness.get_by_label("00 00 3F 80");

    // The other way, in another order.
    harness
        .get_by_role_and_label(Role::ComboBox, "Byte order")
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "CDAB").click();
    harness.run();
    set_field(&mut harness, "Bytes (HEX)", "00 00 41 20");
    let number = harness
        .get_by_role_and_label(Role::TextInput, "Number")
        .value();
    assert_eq!(number.as_deref(), Some("10"));

    set_field(&mut harness, "Bytes (HEX)", "00 00 41");
    harness.get_by_label("float32 takes 4 bytes, and the HEX has 3");
}

#[test]
fn ascii_table_click_inserts_into_the_send_box() {
    let mut harness = harness(english_settings(Protocol::Udp));
    harness.run();
    open_tool(&mut harness, "ASCII table");
    // Escapes are on by default: a control character goes in as \xHH.
    harness.get_by_label("STX").click();
    harness.run();
    harness.get_by_label("ETX").click();
    harness.run();
    assert_eq!(harness.state().workbench().send_text(), "\\x02\\x03");

    // In HEX mode every code goes in as its HEX pair.
    harness
        .get_by_label(netassist::gui::i18n::TX_HEX.en)
        .click();
    harness.run();
    set_send_box(&mut harness, "");
    harness.get_by_label("ENQ").click();
    harness.run();
    harness.get_by_label("ACK").click();
    harness.run();
    assert_eq!(harness.state().workbench().send_text(), "05 06");
}

/// Empties the send box as a user does (select all, delete) and types
/// `text`.
fn set_send_box(harness: &mut egui_kittest::Harness<'static, netassist::gui::App>, text: &str) {
    let send_box = harness.get_by_role_and_label(Role::MultilineTextInput, "Data send");
    send_box.focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Delete);
    harness.run();
    if !text.is_empty() {
        type_into_send_box(harness, text);
    }
}

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

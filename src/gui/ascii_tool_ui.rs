//! The ASCII table (ASCII码表): codes 0–127 with decimal, HEX, the
//! character or its control name; a click inserts it into the send box.

use egui::Ui;

use super::checksum_tool_ui::append_bytes_to_send_box;
use super::i18n::{self, Lang};
use super::tools::kit::append_to_send_text;
use super::workbench::Workbench;
use crate::text::{ASCII_MAX, ascii_is_control, ascii_name};

/// The table's height in the drawer; it scrolls inside it.
const TABLE_HEIGHT: f32 = 220.0;

pub fn ascii_tool_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    ui.label(lang.t(&i18n::TOOL_ASCII_HINT));
    let mut clicked = None;
    // Three columns share the drawer's width, however narrow: a fixed
    // width made the table wider than a drawer in a small window, which
    // then spilled over the log (issue 22, 4).
    let column_width =
        ((ui.available_width() - 2.0 * ui.spacing().item_spacing.x) / 3.0).clamp(24.0, 60.0);
    egui::Grid::new("ascii-head")
        .num_columns(3)
        .min_col_width(column_width)
        .show(ui, |ui| {
            for title in [
                &i18n::TOOL_ASCII_DEC,
                &i18n::TOOL_ASCII_HEX,
                &i18n::TOOL_ASCII_CHAR,
            ] {
                ui.strong(lang.t(title));
            }
        });
    let row_height = ui.spacing().interact_size.y;
    // Only the rows in view are laid out.
    egui::ScrollArea::vertical()
        .id_salt("ascii-table")
        .max_height(TABLE_HEIGHT)
        .show_rows(ui, row_height, usize::from(ASCII_MAX) + 1, |ui, rows| {
            super::viewport::mark_scroll_viewport(ui, super::viewport::Sideways::Fits);
            egui::Grid::new("ascii-rows")
                .num_columns(3)
                .min_col_width(column_width)
                .show(ui, |ui| {
                    for code in rows.filter_map(|row| u8::try_from(row).ok()) {
                        let Some(name) = ascii_name(code) else {
                            continue;
                        };
                        ui.monospace(code.to_string());
                        ui.monospace(format!("{code:02X}"));
                        if ui.small_button(name).clicked() {
                            clicked = Some(code);
                        }
                        ui.end_row();
                    }
                });
        });
    if let Some(code) = clicked {
        insert_ascii(bench, code);
    }
}

/// A printable character goes into a text send box as itself; a control
/// character (or any code, in HEX mode) goes in the form the send box
/// reads bytes in.
fn insert_ascii(bench: &mut Workbench, code: u8) {
    let text = &bench.settings().text;
    if text.tx_hex || (text.escapes && (ascii_is_control(code) || code == b'\\')) {
        append_bytes_to_send_box(bench, &[code]);
    } else {
        let tx_hex = text.tx_hex;
        append_to_send_text(
            bench.composer_mut().send_text_mut(),
            &char::from(code).to_string(),
            tx_hex,
        );
        bench.send_text_edited();
    }
}

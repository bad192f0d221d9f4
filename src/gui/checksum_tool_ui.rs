//! The checksum calculator (校验计算): data as text or HEX, an algorithm
//! of the engine's catalogue, the result in both byte orders, copied or
//! appended to the send box.

use crate::gui::fields_ui::fit_width;
use egui::{ComboBox, TextEdit, Ui};

use super::fields_ui::error_ui;
use super::i18n::{self, Lang, sentences};
use super::tools::kit::{ChecksumInputError, append_to_send_text, send_box_form};
use super::workbench::Workbench;
use crate::text::{ChecksumAlgorithm, format_hex};

pub fn checksum_tool_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let encoding = bench.settings().text.send_encoding();
    let escapes = bench.settings().text.escapes;
    let tool = &mut bench.tool_kit_mut().checksum;
    let mut changed = tool.stale(encoding, escapes);
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TOOL_CHECKSUM_INPUT));
        changed |= ui
            .add(
                TextEdit::singleline(&mut tool.input)
                    .desired_width(fit_width(ui, 140.0, 0.0))
                    .font(egui::TextStyle::Monospace),
            )
            .labelled_by(label.id)
            .on_hover_text(lang.t(&i18n::TOOL_CHECKSUM_INPUT_HINT))
            .changed();
        changed |= ui.checkbox(&mut tool.input_hex, "HEX").changed();
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TOOL_CHECKSUM_ALGORITHM));
        ComboBox::from_id_salt("checksum-algorithm")
            .selected_text(tool.algorithm.name())
            .show_ui(ui, |ui| {
                for algorithm in ChecksumAlgorithm::ALL {
                    changed |= ui
                        .selectable_value(&mut tool.algorithm, algorithm, algorithm.name())
                        .on_hover_text(format!(
                            "{} {}",
                            lang.t(&i18n::TOOL_CATALOGUE_NAME),
                            algorithm.catalogue_name()
                        ))
                        .changed();
                }
            })
            .response
            .labelled_by(label.id);
    });
    if changed {
        tool.recompute(encoding, escapes);
    }
    let result = match tool.result() {
        Some(Ok(result)) => result.clone(),
        Some(Err(error)) => {
            let sentence = match error {
                ChecksumInputError::Hex(e) => sentences::hex_error(lang, e),
                ChecksumInputError::Text(e) => sentences::escape_error(lang, e),
            };
            error_ui(ui, &Some(sentence));
            return;
        }
        None => return,
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(lang.t(&i18n::TOOL_CHECKSUM_VALUE));
        ui.monospace(&result.hex_value);
    });
    let mut appended = None;
    for (salt, order, bytes) in [
        ("high", &i18n::TOOL_HIGH_FIRST, &result.high_first),
        ("low", &i18n::TOOL_LOW_FIRST, &result.low_first),
    ] {
        ui.push_id(salt, |ui| {
            let hex = format_hex(bytes);
            ui.horizontal_wrapped(|ui| {
                ui.label(lang.t(order));
                ui.monospace(&hex);
            });
            ui.horizontal_wrapped(|ui| {
                if ui.small_button(lang.t(&i18n::TOOL_COPY)).clicked() {
                    ui.ctx().copy_text(hex);
                }
                if ui.small_button(lang.t(&i18n::TOOL_APPEND)).clicked() {
                    appended = Some(bytes.clone());
                }
            });
        });
    }
    if let Some(bytes) = appended {
        append_bytes_to_send_box(bench, &bytes);
    }
}

/// Appends bytes to the send box in the form it reads them, or says why it
/// cannot (the ASCII table and the float conversion share this).
pub fn append_bytes_to_send_box(bench: &mut Workbench, bytes: &[u8]) {
    let tx_hex = bench.settings().text.tx_hex;
    let escapes = bench.settings().text.escapes;
    match send_box_form(bytes, tx_hex, escapes) {
        Some(addition) => {
            append_to_send_text(bench.composer_mut().send_text_mut(), &addition, tx_hex);
            bench.send_text_edited();
        }
        None => {
            let lang = bench.settings().lang;
            bench.errors_mut().send = Some(lang.t(&i18n::TOOL_NEEDS_HEX_OR_ESCAPES).to_owned());
        }
    }
}

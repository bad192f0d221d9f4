//! The float and integer conversion (浮点转换): a number and its HEX bytes
//! in one of four byte orders, converted live in both directions.

use egui::{TextEdit, Ui};

use super::checksum_tool_ui::append_bytes_to_send_box;
use super::fields_ui::{combo_ui, error_ui, fit_width};
use super::i18n::{self, Lang, tool_sentences};
use super::tools::kit::FloatSide;
use super::workbench::Workbench;
use crate::text::{ByteOrder, NumberType, parse_hex};

pub fn float_tool_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let tool = &mut bench.tool_kit_mut().float;
    let mut choice_changed = combo_ui(
        ui,
        "float-type",
        lang.t(&i18n::TOOL_NUMBER_TYPE),
        &mut tool.kind,
        &NumberType::ALL,
        |kind| kind.name().to_owned(),
    );
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TOOL_BYTE_ORDER));
        egui::ComboBox::from_id_salt("float-order")
            .selected_text(tool.order.name())
            .show_ui(ui, |ui| {
                for order in ByteOrder::ALL {
                    choice_changed |= ui
                        .selectable_value(&mut tool.order, order, order.name())
                        .changed();
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(lang.t(&i18n::TOOL_ORDER_HINT));
    });
    if choice_changed {
        tool.choice_changed();
    }
    let mut edited = None;
    for (side, title, field) in [
        (FloatSide::Number, &i18n::TOOL_NUMBER, &mut tool.number),
        (FloatSide::Hex, &i18n::TOOL_NUMBER_BYTES, &mut tool.hex),
    ] {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.t(title));
            if ui
                .add(
                    TextEdit::singleline(field)
                        .desired_width(fit_width(ui, 170.0, 0.0))
                        .font(egui::TextStyle::Monospace),
                )
                .labelled_by(label.id)
                .changed()
            {
                edited = Some(side);
            }
        });
    }
    if let Some(side) = edited {
        tool.typed(side);
    }
    if let Some((used, total)) = tool.row_bytes_used() {
        ui.label(format!(
            "{} {used} / {total}",
            lang.t(&i18n::ROWTOOL_FIRST_BYTES_USED)
        ));
    }
    let sentence = tool.error().map(|e| tool_sentences::number_error(lang, e));
    error_ui(ui, &sentence);
    if let Some(rows) = tool.in_every_order() {
        ui.label(lang.t(&i18n::TOOL_EVERY_ORDER));
        egui::Grid::new("float-orders").show(ui, |ui| {
            for (order, hex) in rows {
                ui.label(order.name());
                ui.monospace(hex);
                ui.end_row();
            }
        });
    }
    let bytes = (sentence.is_none() && !tool.hex.trim().is_empty())
        .then(|| parse_hex(&tool.hex).ok())
        .flatten();
    if let Some(bytes) = bytes
        && ui.button(lang.t(&i18n::TOOL_APPEND)).clicked()
    {
        append_bytes_to_send_box(bench, &bytes);
    }
}

//! The Modbus tool (Modbus指令): a request built from labelled fields,
//! framed as Modbus TCP or RTU, sent on the tab's session like the send
//! box, and the last reply decoded.

use egui::{DragValue, TextEdit, Ui};

use super::fields_ui::{combo_ui, error_ui, fit_width};
use super::i18n::{self, Lang, tool_sentences};
use super::tools::modbus_tool::{ModbusReply, writes_values};
use super::workbench::Workbench;
use crate::modbus::{Framing, FunctionCode, MAX_READ_BITS, MAX_READ_REGISTERS, Response};
use crate::text::{format_hex, registers_to_f32};

pub fn modbus_tool_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let float_order = bench.tool_kit().float.order;
    let tool = &mut bench.tool_kit_mut().modbus;
    combo_ui(
        ui,
        "modbus-framing",
        lang.t(&i18n::TOOL_MODBUS_FRAMING),
        &mut tool.framing,
        &[Framing::Tcp, Framing::Rtu],
        |framing| {
            lang.t(match framing {
                Framing::Tcp => &i18n::TOOL_MODBUS_TCP,
                Framing::Rtu => &i18n::TOOL_MODBUS_RTU,
            })
            .to_owned()
        },
    );
    combo_ui(
        ui,
        "modbus-function",
        lang.t(&i18n::TOOL_MODBUS_FUNCTION),
        &mut tool.function,
        &FunctionCode::BUILT,
        |function| tool_sentences::function_name(lang, function),
    );
    egui::Grid::new("modbus-fields")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label(lang.t(&i18n::TOOL_MODBUS_UNIT));
            ui.add(DragValue::new(&mut tool.unit_id).range(0..=255))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(lang.t(&i18n::TOOL_MODBUS_ADDRESS));
            ui.add(DragValue::new(&mut tool.address).range(0..=u16::MAX))
                .labelled_by(label.id);
            ui.end_row();
            if writes_values(tool.function) {
                let label = ui.label(lang.t(&i18n::TOOL_MODBUS_VALUES));
                ui.add(
                    TextEdit::singleline(&mut tool.values).desired_width(fit_width(ui, 150.0, 0.0)),
                )
                .labelled_by(label.id)
                .on_hover_text(lang.t(&i18n::TOOL_MODBUS_VALUES_HINT));
            } else {
                let max = match tool.function {
                    FunctionCode::ReadCoils | FunctionCode::ReadDiscreteInputs => MAX_READ_BITS,
                    _ => MAX_READ_REGISTERS,
                };
                let label = ui.label(lang.t(&i18n::TOOL_MODBUS_COUNT));
                ui.add(DragValue::new(&mut tool.count).range(1..=max))
                    .labelled_by(label.id);
            }
            ui.end_row();
        });
    let frame = tool.frame();
    match &frame {
        Ok(bytes) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(lang.t(&i18n::TOOL_MODBUS_FRAME));
                ui.monospace(format_hex(bytes));
            });
        }
        Err(error) => error_ui(ui, &Some(tool_sentences::build_error(lang, error))),
    }
    let mut send = false;
    ui.horizontal_wrapped(|ui| {
        send = ui
            .add_enabled(
                frame.is_ok(),
                egui::Button::new(lang.t(&i18n::TOOL_MODBUS_SEND)),
            )
            .clicked();
        if tool.framing == Framing::Tcp {
            ui.label(format!(
                "{} {}",
                lang.t(&i18n::TOOL_MODBUS_NEXT_TRANSACTION),
                tool.next_transaction()
            ));
        }
    });
    if send && let Ok(frame) = frame {
        // The same path as the send box: the session's current target,
        // the log's TX row, the counters. Only a frame that went out
        // moves the transaction id on.
        bench.errors_mut().send = None;
        if bench.dispatch(frame, None, false) {
            bench.tool_kit_mut().modbus.mark_sent();
        }
    }
    if !bench.is_active() {
        error_ui(ui, &bench.errors().send);
    }
    ui.separator();
    reply_ui(ui, bench.tool_kit().modbus.last_reply(), float_order, lang);
}

/// The last reply: function, unit, values or exception, or why the bytes
/// are not one.
fn reply_ui(ui: &mut Ui, reply: Option<&ModbusReply>, order: crate::text::ByteOrder, lang: Lang) {
    let Some(reply) = reply else {
        ui.add_enabled(
            false,
            egui::Label::new(lang.t(&i18n::TOOL_MODBUS_NO_REPLY)).wrap(),
        );
        return;
    };
    let (unit_id, mismatch, response) = match reply {
        ModbusReply::Decoded {
            unit_id,
            transaction_mismatch,
            response,
        } => (*unit_id, *transaction_mismatch, response),
        ModbusReply::Frame(error) => {
            return error_ui(ui, &Some(tool_sentences::frame_error(lang, error)));
        }
        ModbusReply::Pdu(error) => {
            return error_ui(ui, &Some(tool_sentences::pdu_error(lang, error)));
        }
    };
    if let Some((reply, request)) = mismatch {
        error_ui(
            ui,
            &Some(tool_sentences::transaction_mismatch(lang, reply, request)),
        );
    }
    egui::Grid::new("modbus-reply")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(lang.t(&i18n::TOOL_MODBUS_REPLY));
            ui.label(format!(
                "{}, {} {unit_id}",
                tool_sentences::function_name(lang, response.function()),
                lang.t(&i18n::TOOL_MODBUS_UNIT_WORD)
            ));
            ui.end_row();
            let on_off = |on: bool| {
                lang.t(if on {
                    &i18n::TOOL_MODBUS_ON
                } else {
                    &i18n::TOOL_MODBUS_OFF
                })
            };
            let (title, text) = match response {
                Response::Bits { bits, .. } => (
                    &i18n::TOOL_MODBUS_REPLY_VALUES,
                    bits.iter()
                        .map(|on| if *on { "1" } else { "0" })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Response::Registers { values, .. } => (
                    &i18n::TOOL_MODBUS_REPLY_VALUES,
                    values
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Response::WriteSingleCoil { address, on } => (
                    &i18n::TOOL_MODBUS_REPLY_VALUES,
                    format!(
                        "{} {address} = {}",
                        lang.t(&i18n::TOOL_MODBUS_AT),
                        on_off(*on)
                    ),
                ),
                Response::WriteSingleRegister { address, value } => (
                    &i18n::TOOL_MODBUS_REPLY_VALUES,
                    format!("{} {address} = {value}", lang.t(&i18n::TOOL_MODBUS_AT)),
                ),
                Response::WriteMultiple { address, count, .. } => (
                    &i18n::TOOL_MODBUS_REPLY_VALUES,
                    format!(
                        "{} {count}, {} {address}",
                        lang.t(&i18n::TOOL_MODBUS_WROTE),
                        lang.t(&i18n::TOOL_MODBUS_FROM)
                    ),
                ),
                Response::Exception { code, .. } => (
                    &i18n::TOOL_MODBUS_EXCEPTION,
                    tool_sentences::exception_name(lang, *code),
                ),
                Response::Unknown { data, .. } => {
                    (&i18n::TOOL_MODBUS_REPLY_VALUES, format_hex(data))
                }
            };
            ui.label(lang.t(title));
            ui.add(egui::Label::new(text).wrap());
            ui.end_row();
            // Two registers make a float32 in the float tool's byte order.
            if let Response::Registers { values, .. } = response
                && values.len() >= 2
            {
                let floats: Vec<String> = values
                    .chunks_exact(2)
                    .map(|pair| registers_to_f32(pair[0], pair[1], order).to_string())
                    .collect();
                ui.label(format!(
                    "{} ({})",
                    lang.t(&i18n::TOOL_MODBUS_AS_FLOAT),
                    order.name()
                ));
                ui.add(egui::Label::new(floats.join(", ")).wrap());
                ui.end_row();
            }
        });
}

//! 发送设置 in the left column: HEX and escapes, the line ending, clear
//! after send, loop send, and the quick commands (快捷指令).

use egui::{TextEdit, Ui};

use super::fields_ui::{combo_ui, fit_width};
use super::i18n::{self, Lang};
use super::workbench::Workbench;
use crate::text::{Encoding, LineEnding};

pub fn send_options_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    ui.heading(lang.t(&i18n::SEND_SETTINGS));
    let settings = bench.settings_mut();
    // 分开设置收发编码: an explicit choice that reveals the send encoding.
    let mut separate = settings.text.separate_encodings;
    if ui
        .checkbox(&mut separate, lang.t(&i18n::ENC_SEPARATE))
        .on_hover_text(lang.t(&i18n::ENC_SEPARATE_HINT))
        .changed()
    {
        settings.text.set_separate_encodings(separate);
    }
    if settings.text.separate_encodings {
        let mut encoding = settings.text.send_encoding();
        if combo_ui(
            ui,
            "tx-encoding",
            lang.t(&i18n::TX_ENCODING),
            &mut encoding,
            &Encoding::ALL,
            |e| e.display_name().to_owned(),
        ) {
            settings.text.set_send_encoding(encoding);
        }
    }
    let mut tx_hex = settings.text.tx_hex;
    if ui
        .checkbox(&mut tx_hex, lang.t(&i18n::TX_HEX))
        .on_hover_text(lang.t(&i18n::TX_HEX_HINT))
        .changed()
    {
        bench.set_tx_hex(tx_hex);
    }
    let settings = bench.settings_mut();
    ui.add_enabled_ui(!settings.text.tx_hex, |ui| {
        ui.checkbox(&mut settings.text.escapes, lang.t(&i18n::ESCAPES))
            .on_hover_text(lang.t(&i18n::ESCAPES_HINT));
        combo_ui(
            ui,
            "line-ending",
            lang.t(&i18n::LINE_ENDING),
            &mut settings.text.line_ending,
            &LineEnding::ALL,
            |e| e.label().to_owned(),
        );
    });
    ui.checkbox(
        &mut settings.send.clear_after_send,
        lang.t(&i18n::CLEAR_AFTER_SEND),
    )
    .on_hover_text(lang.t(&i18n::CLEAR_AFTER_SEND_HINT));
    loop_options_ui(ui, bench, lang);
}

/// `☐ 循环周期 [1000] ms` and how many times, where NetAssist users look
/// for it. Ticked, Send starts the loop and turns into Stop (Esc too).
fn loop_options_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    // A running loop keeps what it was started with; its settings wait.
    let looping = bench.looping();
    let settings = bench.settings_mut();
    ui.add_enabled_ui(!looping, |ui| {
        ui.horizontal_wrapped(|ui| {
            let tick = ui
                .checkbox(
                    &mut settings.send.loop_enabled,
                    lang.t(&i18n::LOOP_PERIOD_MS),
                )
                .on_hover_text(lang.t(&i18n::LOOP_SEND));
            ui.add(
                egui::DragValue::new(&mut settings.send.loop_period_ms)
                    .range(1..=u64::MAX)
                    .speed(10)
                    .suffix(" ms"),
            )
            .labelled_by(tick.id);
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.t(&i18n::LOOP_COUNT));
            ui.add(egui::DragValue::new(&mut settings.send.loop_count).range(0..=u64::MAX))
                .labelled_by(label.id);
        });
    });
}

/// 快捷指令: saved messages, each sent with its button or F1–F12, or all in
/// order with their delays.
pub fn quick_commands_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    egui::CollapsingHeader::new(lang.t(&i18n::QUICK_COMMANDS))
        .default_open(!bench.settings().send.quick_commands.is_empty())
        .show(ui, |ui| {
            let mut send = None;
            let mut load = None;
            let mut delete = None;
            for (index, command) in bench
                .settings_mut()
                .send
                .quick_commands
                .iter_mut()
                .enumerate()
            {
                // Rows wrap inside the panel's width: a command added never
                // widens the panel.
                ui.horizontal_wrapped(|ui| {
                    let key = if index < 12 {
                        format!("F{} ", index + 1)
                    } else {
                        String::new()
                    };
                    let kind = if command.hex {
                        "HEX"
                    } else {
                        command.encoding.label()
                    };
                    if ui
                        .button(format!("{key}{}", command.name))
                        .on_hover_text(format!("{kind}: {}", command.text))
                        .clicked()
                    {
                        send = Some(index);
                    }
                    let label = ui.label(lang.t(&i18n::QUICK_DELAY));
                    ui.add(
                        egui::DragValue::new(&mut command.delay_ms)
                            .range(0..=3_600_000)
                            .suffix(" ms"),
                    )
                    .labelled_by(label.id);
                    if ui
                        .small_button("↑")
                        .on_hover_text(lang.t(&i18n::QUICK_LOAD))
                        .clicked()
                    {
                        load = Some(index);
                    }
                    if ui
                        .small_button("×")
                        .on_hover_text(lang.t(&i18n::QUICK_DELETE))
                        .clicked()
                    {
                        delete = Some(index);
                    }
                });
            }
            if let Some(index) = send {
                bench.send_quick_command(index);
            }
            if let Some(index) = load {
                bench.load_quick_command(index);
            }
            if let Some(index) = delete {
                bench.settings_mut().send.quick_commands.remove(index);
            }
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::QUICK_NAME));
                ui.add(
                    TextEdit::singleline(bench.composer_mut().quick_name_mut())
                        .desired_width(fit_width(ui, 90.0, 0.0)),
                )
                .labelled_by(label.id);
                if ui
                    .add_enabled(
                        !bench.send_text().is_empty(),
                        egui::Button::new(lang.t(&i18n::QUICK_SAVE)),
                    )
                    .clicked()
                {
                    let name = std::mem::take(bench.composer_mut().quick_name_mut());
                    bench.save_quick_command(&name);
                }
            });
            if bench.sequence_running() {
                if ui.button(lang.t(&i18n::STOP_SEQUENCE)).clicked() {
                    bench.stop_sequence();
                }
            } else if ui
                .add_enabled(
                    bench.is_active() && !bench.settings().send.quick_commands.is_empty(),
                    egui::Button::new(lang.t(&i18n::RUN_SEQUENCE)),
                )
                .clicked()
            {
                bench.start_sequence();
            }
        });
}

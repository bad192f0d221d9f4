//! The line next to the log that says received data looks like another
//! encoding, with a one-click switch: "看起来是 GBK 编码 — 切换".

use egui::{RichText, Ui};

use super::i18n;
use super::workbench::Workbench;

/// Draws the hint when received data suggests a better receive encoding
/// (`Workbench::encoding_hint`); nothing otherwise. Not a modal: the log
/// stays usable, and the hint goes away once switched or dismissed.
pub fn encoding_hint_ui(ui: &mut Ui, bench: &mut Workbench) {
    let Some(better) = bench.encoding_hint() else {
        return;
    };
    let lang = bench.settings().lang;
    ui.horizontal_wrapped(|ui| {
        let after = lang.t(&i18n::ENC_HINT_AFTER);
        let sentence = if after.is_empty() {
            format!("{} {} —", lang.t(&i18n::ENC_HINT_BEFORE), better.label())
        } else {
            format!(
                "{} {} {after} —",
                lang.t(&i18n::ENC_HINT_BEFORE),
                better.label()
            )
        };
        ui.label(RichText::new(sentence).color(ui.visuals().warn_fg_color));
        if ui
            .button(lang.t(&i18n::ENC_HINT_SWITCH))
            .on_hover_text(lang.t(&i18n::ENC_HINT_SWITCH_HINT))
            .clicked()
        {
            bench.switch_to_hinted_encoding();
        }
        if ui.small_button(lang.t(&i18n::ENC_HINT_DISMISS)).clicked() {
            bench.dismiss_encoding_hint();
        }
    });
}

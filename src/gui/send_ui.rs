//! 数据发送: the send box and its button. Ctrl+Enter sends.

use egui::{Align, Key, Label, Layout, Modifiers, RichText, TextEdit, Ui};

use super::dialog::DialogPurpose;
use super::i18n;
use super::workbench::Workbench;
use crate::text::parse_hex;

/// The send button's width where the panel has room for it.
const SEND_BUTTON_WIDTH: f32 = 90.0;

pub fn send_ui(ui: &mut Ui, bench: &mut Workbench, wanted_dialog: &mut Option<DialogPurpose>) {
    let lang = bench.settings().lang;
    let edit_id = ui.make_persistent_id("send-box");
    // Take Ctrl+Enter before the text box sees it as a new line.
    let had_focus = ui.memory(|m| m.has_focus(edit_id));
    let mut send = had_focus && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter));
    // Up and Down walk the history while the box shows nothing new.
    for (key, older) in [(Key::ArrowUp, true), (Key::ArrowDown, false)] {
        if had_focus
            && ui.input(|i| i.key_pressed(key) && i.modifiers.is_none())
            && bench.browse_history(older)
        {
            ui.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        }
    }
    if bench.looping() && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
        bench.stop_loop();
    }

    // The title row wraps rather than pushing the send button out of a
    // narrow panel.
    let title = ui
        .horizontal_wrapped(|ui| {
            let title = ui.heading(lang.t(&i18n::DATA_SEND));
            ui.label(RichText::new(lang.t(&i18n::SEND_HINT)).weak());
            ui.menu_button(lang.t(&i18n::HISTORY), |ui| {
                if bench.settings().send.history.is_empty() {
                    ui.label(lang.t(&i18n::HISTORY_EMPTY));
                }
                let mut picked = None;
                for (index, text) in bench.settings().send.history.iter().enumerate().rev() {
                    let shown: String = text.chars().take(60).collect();
                    if ui.button(shown).clicked() {
                        picked = Some(index);
                        ui.close();
                    }
                }
                if let Some(index) = picked {
                    bench.show_history_entry(index);
                }
            })
            .response
            .on_hover_text(lang.t(&i18n::HISTORY_HINT));
            match &bench.file_progress() {
                Some(file) => {
                    let fraction = file
                        .total
                        .map_or(0.0, |t| file.sent as f32 / t.max(1) as f32);
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(140.0)
                            .text(format!(
                                "{} {}",
                                file.name,
                                super::status_ui::human_bytes(file.sent)
                            )),
                    );
                    if ui.small_button(lang.t(&i18n::CANCEL_FILE)).clicked() {
                        bench.cancel_file();
                    }
                }
                None => {
                    if ui
                        .button(lang.t(&i18n::SEND_FILE))
                        .on_hover_text(lang.t(&i18n::SEND_FILE_HINT))
                        .clicked()
                    {
                        *wanted_dialog = Some(DialogPurpose::SendFile);
                    }
                }
            }
            // What a send carries besides the box, so that nothing is
            // added silently: the appended checksum, and a loop while it
            // runs. In this row, so the box keeps its height.
            if let Some(checksum) = bench.settings().tools.tx_checksum {
                ui.label(RichText::new(format!("+{}", checksum.label())).strong())
                    .on_hover_text(lang.t(&i18n::CHECKSUM_APPENDED_HINT));
            }
            if bench.looping() {
                ui.label(format!(
                    "{} {} · Esc",
                    lang.t(&i18n::LOOP_RUNNING),
                    bench.loop_sent()
                ));
            }
            title
        })
        .inner;
    file_source_ui(ui, bench);
    // A narrow panel narrows the button too, so box and button always fit.
    let button_width = SEND_BUTTON_WIDTH.min(ui.available_width() / 3.0);
    // One line under the box is kept for the send's sentences, shown or
    // not, so that a sentence appearing never resizes the panel or moves
    // the box the user is typing in.
    let sentence_height = ui
        .text_style_height(&egui::TextStyle::Body)
        .max(ui.spacing().interact_size.y);
    let height = (ui.available_height() - sentence_height - ui.spacing().item_spacing.y).max(40.0);
    ui.horizontal(|ui| {
        let spacing = ui.spacing().item_spacing.x;
        let box_width = (ui.available_width() - button_width - 2.0 * spacing).max(20.0);
        let hint = if bench.settings().text.tx_hex {
            "55 AA 0x01 …"
        } else {
            ""
        };
        let send_box = ui
            .add_sized(
                [box_width, height],
                TextEdit::multiline(bench.composer_mut().send_text_mut())
                    .id(edit_id)
                    .font(egui::TextStyle::Monospace)
                    .hint_text(hint),
            )
            .labelled_by(title.id);
        if send_box.changed() {
            bench.send_text_edited();
        }
        if bench.looping() {
            let button = egui::Button::new(RichText::new(lang.t(&i18n::STOP_LOOP)).size(16.0));
            if ui
                .add_sized([button_width, height], button)
                .on_hover_text("Esc")
                .clicked()
            {
                bench.stop_loop();
            }
        } else {
            let button = egui::Button::new(RichText::new(lang.t(&i18n::SEND)).size(16.0));
            if ui.add_sized([button_width, height], button).clicked() {
                send = true;
            }
        }
    });
    // HEX is checked as it is typed, so a mistake shows before sending; this
    // sentence is kept apart from the send's own, which stays until the
    // next send.
    let live_hex_error = if bench.settings().text.tx_hex {
        parse_hex(bench.send_text())
            .err()
            .map(|e| i18n::sentences::hex_error(bench.settings().lang, &e))
    } else {
        None
    };
    if send && !bench.looping() {
        bench.send();
    }
    let live_hex_error = live_hex_error.filter(|error| bench.errors().send.as_ref() != Some(error));
    sentence_line(
        ui,
        sentence_height,
        [live_hex_error, bench.errors().send.clone()],
    );
}

/// The reserved line under the send box: its sentences side by side,
/// each cut to fit with the whole sentence on hover, and the line the same
/// height when there is none.
fn sentence_line(ui: &mut Ui, height: f32, sentences: [Option<String>; 2]) {
    // An exact allocation: what is drawn inside cannot grow the panel by
    // even a fraction of a pixel.
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    let mut line = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::left_to_right(Align::Center)),
    );
    line.set_clip_rect(rect.intersect(ui.clip_rect()));
    let color = line.visuals().error_fg_color;
    for sentence in sentences.into_iter().flatten() {
        line.add(Label::new(RichText::new(&sentence).color(color)).truncate())
            .on_hover_text(sentence);
    }
}

/// The chosen file (打开文件数据源), shown before it is sent: its name,
/// size and first bytes, and a button that puts it away.
fn file_source_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    let Some(source) = bench.composer().file_source() else {
        return;
    };
    let name = source.path.file_name().map_or_else(
        || source.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let shown = format!(
        "{name} · {} — {}",
        super::status_ui::human_bytes(source.size),
        lang.t(&i18n::FILE_SOURCE_SENT_ON_SEND)
    );
    let whole_path = source.path.display().to_string();
    let more = if source.size > source.head.len() as u64 {
        " …"
    } else {
        ""
    };
    let head = format!("{}{more}", crate::text::format_hex(&source.head));
    ui.horizontal_wrapped(|ui| {
        ui.strong(lang.t(&i18n::FILE_SOURCE));
        ui.label(shown).on_hover_text(whole_path);
        if ui
            .small_button(lang.t(&i18n::FILE_SOURCE_PUT_AWAY))
            .clicked()
        {
            bench.put_file_source_away();
        }
    });
    ui.add(Label::new(RichText::new(head).monospace().weak()).truncate());
}

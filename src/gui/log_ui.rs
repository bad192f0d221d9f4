//! 数据日志: the traffic log. Only the rows in view are decoded and laid
//! out, so a million entries cost nothing to draw, and switching encoding
//! or HEX re-renders every entry already there.

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder, TableRow};

use super::dialog::DialogPurpose;
use super::filter::{DirFilter, match_ranges};
use super::i18n;
use super::tools::kit::RowTool;
use super::workbench::Workbench;
use crate::log::{Direction, format_line, format_stamp};
use crate::text::format_hex;

/// Longest text drawn in one row; the full entry is in copies and saves.
const MAX_ROW_CHARS: usize = 2000;

/// Space above and below a row's text.
const ROW_PADDING: f32 = 4.0;

/// Time per frame for matching the filter against new entries.
const FILTER_BUDGET: std::time::Duration = std::time::Duration::from_millis(4);

/// The row's text with every match of the query on a yellow ground.
fn highlighted(ui: &Ui, text: &str, query: &str) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let plain = egui::TextFormat {
        font_id: font.clone(),
        color: ui.visuals().text_color(),
        ..Default::default()
    };
    let marked = egui::TextFormat {
        background: Color32::from_rgb(0xff, 0xe0, 0x66),
        color: Color32::BLACK,
        ..plain.clone()
    };
    let mut job = egui::text::LayoutJob::default();
    let mut at = 0;
    for range in match_ranges(text, query) {
        job.append(&text[at..range.start], 0.0, plain.clone());
        job.append(&text[range.clone()], 0.0, marked.clone());
        at = range.end;
    }
    job.append(&text[at..], 0.0, plain);
    job
}

/// Find (text or HEX, as the rows show), direction and peer.
fn filter_bar_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    // Wraps onto a second line in a narrow window rather than running out
    // of it.
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::FIND));
        ui.add(
            egui::TextEdit::singleline(&mut bench.view_mut().filter_mut().query)
                .desired_width(160.0),
        )
        .labelled_by(label.id)
        .on_hover_text(lang.t(&i18n::FIND_HINT));
        for (value, text) in [
            (DirFilter::All, lang.t(&i18n::FIND_ALL)),
            (DirFilter::Rx, lang.t(&i18n::FIND_RX)),
            (DirFilter::Tx, lang.t(&i18n::FIND_TX)),
        ] {
            ui.selectable_value(&mut bench.view_mut().filter_mut().dir, value, text);
        }
        let label = ui.label(lang.t(&i18n::FIND_PEER));
        ui.add(
            egui::TextEdit::singleline(&mut bench.view_mut().filter_mut().peer)
                .desired_width(110.0),
        )
        .labelled_by(label.id);
        if bench.view().filter().is_active() {
            // While received data is not shown (a flood), nothing is
            // matched either: the matches catch up, within the same
            // budget per frame, once the rows are shown again.
            if !bench.settings().view.hide_received && bench.update_filter_matches(FILTER_BUDGET) {
                ui.ctx().request_repaint();
            }
            ui.label(format!(
                "{} {}",
                bench.view().matches().len(),
                lang.t(&i18n::MATCHES)
            ));
            if ui.small_button("×").clicked() {
                *bench.view_mut().filter_mut() = Default::default();
            }
        }
    });
}

/// The log's buttons, in the order they are read from left to right.
#[derive(Clone, Copy)]
enum LogButton {
    Clear,
    CopyAll,
    Save,
}

/// Below this width (in points) the log's title and its buttons take a
/// line each instead of sharing one.
const HEADER_ONE_LINE_WIDTH: f32 = 420.0;

/// 数据日志 and its counts, cut short (whole on hover) where space ends.
fn log_title_ui(ui: &mut Ui, bench: &Workbench) {
    let lang = bench.settings().lang;
    ui.add(egui::Label::new(RichText::new(lang.t(&i18n::DATA_LOG)).heading()).truncate());
    ui.add(
        egui::Label::new(format!("{} {}", bench.log().len(), lang.t(&i18n::ENTRIES))).truncate(),
    );
    if bench.log().dropped() > 0 {
        let dropped = format!("· {} {}", bench.log().dropped(), lang.t(&i18n::DROPPED));
        let color = ui.visuals().warn_fg_color;
        ui.add(egui::Label::new(RichText::new(dropped).color(color)).truncate());
    }
}

/// Clear, copy all, save; `buttons` in the order the layout places them.
fn log_buttons_ui(
    ui: &mut Ui,
    bench: &mut Workbench,
    wanted_dialog: &mut Option<DialogPurpose>,
    buttons: [LogButton; 3],
) {
    let lang = bench.settings().lang;
    for button in buttons {
        match button {
            LogButton::Clear => {
                if ui
                    .button(lang.t(&i18n::CLEAR))
                    .on_hover_text("Ctrl+L")
                    .clicked()
                {
                    bench.clear_log();
                }
            }
            LogButton::CopyAll => {
                if ui.button(lang.t(&i18n::COPY_ALL)).clicked() {
                    ui.ctx().copy_text(bench.log_text());
                }
            }
            LogButton::Save => {
                if ui.button(lang.t(&i18n::SAVE_LOG)).clicked() {
                    *wanted_dialog = Some(DialogPurpose::SaveLog);
                }
            }
        }
    }
}

pub fn log_ui(ui: &mut Ui, bench: &mut Workbench, wanted_dialog: &mut Option<DialogPurpose>) {
    let lang = bench.settings().lang;
    let in_reading_order = [LogButton::Clear, LogButton::CopyAll, LogButton::Save];
    if ui.available_width() >= HEADER_ONE_LINE_WIDTH {
        ui.horizontal(|ui| {
            // The buttons keep the right edge and are laid out first (from
            // the right); the title and the counts get what is left.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let mut from_the_right = in_reading_order;
                from_the_right.reverse();
                log_buttons_ui(ui, bench, wanted_dialog, from_the_right);
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    log_title_ui(ui, bench);
                });
            });
        });
    } else {
        ui.horizontal(|ui| log_title_ui(ui, bench));
        ui.horizontal_wrapped(|ui| log_buttons_ui(ui, bench, wanted_dialog, in_reading_order));
    }
    filter_bar_ui(ui, bench);
    super::encoding_hint_ui::encoding_hint_ui(ui, bench);
    ui.separator();
    if bench.settings().view.hide_received {
        // 接收数据不显示: during a flood the window draws nothing of the
        // log; the store, the counters and the receive file go on, so
        // unticking shows what arrived meanwhile.
        ui.label(
            RichText::new(format!(
                "{} · {} {} · {}",
                lang.t(&i18n::HIDDEN_NOTICE),
                bench.log().len(),
                lang.t(&i18n::ENTRIES),
                lang.t(&i18n::HIDDEN_NOTICE_KEPT)
            ))
            .color(ui.visuals().weak_text_color()),
        );
        return;
    }
    // The filter bar brought the matches up to date.
    let render = bench.render();
    let filtering = bench.view().filter().is_active();

    let query = bench.view().filter().query.trim().to_owned();
    let show_time = bench.settings().view.show_time;
    let stamp = bench.settings().view.stamp();
    let rx_checksum = bench.settings().tools.rx_checksum;
    let rows = if filtering {
        bench.view().matches().len()
    } else {
        bench.visible_len()
    };
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace) + ROW_PADDING;
    let wrap = bench.settings().view.wrap_rows;
    ui.style_mut().wrap_mode = Some(if wrap {
        egui::TextWrapMode::Wrap
    } else {
        egui::TextWrapMode::Extend
    });
    let mut table = TableBuilder::new(ui)
        .id_salt("log")
        .striped(true)
        .stick_to_bottom(bench.settings().view.auto_scroll && !bench.view().is_paused())
        .auto_shrink(false)
        // The table takes the height it is given and no more, so in a small
        // window it scrolls instead of running under the send panel.
        .min_scrolled_height(0.0)
        // A wrapped row's other cells stay on its first line.
        .cell_layout(egui::Layout::left_to_right(if wrap {
            egui::Align::Min
        } else {
            egui::Align::Center
        }));
    if show_time {
        table = table.column(Column::auto());
    }
    table = table
        .column(Column::auto().at_least(26.0))
        .column(Column::auto())
        .column(Column::auto())
        .column(Column::remainder().clip(true));
    let first_seq = bench.log().first_seq();
    let row_seq = |index: usize| -> Option<u64> {
        if filtering {
            bench.view().matches().get(index).copied()
        } else {
            (index < rows).then_some(first_seq + index as u64)
        }
    };
    // With wrap on: the data column's width and each drawn row's height,
    // remembered after the table for the next frame's layout.
    let mut data_width = 0.0_f32;
    let mut measured: Vec<(u64, f32)> = Vec::new();
    // A row's bytes the user sent to a calculator from its context menu.
    let mut sent_to_tool: Option<(RowTool, Vec<u8>)> = None;
    let mut draw_row = |mut row: TableRow<'_, '_>| {
        let Some(seq) = row_seq(row.index()) else {
            return;
        };
        let Some(entry) = bench.log().get_seq(seq) else {
            return;
        };
        if show_time {
            row.col(|ui| {
                ui.add(
                    egui::Label::new(RichText::new(format_stamp(entry.at_ms, stamp)).monospace())
                        .extend(),
                );
            });
        }
        let color = match entry.dir {
            Direction::Rx => Color32::from_rgb(0x1e, 0x88, 0x3a),
            Direction::Tx => Color32::from_rgb(0x1f, 0x5f, 0xbf),
            Direction::Note => Color32::GRAY,
        };
        row.col(|ui| {
            ui.label(RichText::new(entry.dir.label()).monospace().color(color));
        });
        row.col(|ui| {
            // An address is never broken across lines, wrap or not.
            ui.add(
                egui::Label::new(
                    RichText::new(i18n::sentences::log_peer(lang, entry.peer)).monospace(),
                )
                .extend(),
            );
        });
        row.col(|ui| {
            if entry.dir != Direction::Note {
                ui.monospace(entry.bytes.len().to_string());
            }
            // 校验接收: a received message whose trailing checksum is wrong.
            if let (Direction::Rx, Some(checksum)) = (entry.dir, rx_checksum) {
                match checksum.verify_trailing(entry.bytes) {
                    Some(true) => {
                        ui.label(RichText::new("√").color(Color32::from_rgb(0x1e, 0x88, 0x3a)))
                            .on_hover_text(format!("{} OK", checksum.label()));
                    }
                    Some(false) | None => {
                        ui.label(RichText::new("×").color(ui.visuals().error_fg_color))
                            .on_hover_text(format!(
                                "{} {}",
                                checksum.label(),
                                lang.t(&i18n::CHECKSUM_BAD)
                            ));
                    }
                }
            }
        });
        row.col(|ui| {
            let text = match entry.dir {
                Direction::Note => bench
                    .row_words(seq)
                    .map(|words| crate::log::note_text(words.as_bytes()))
                    .unwrap_or_else(|| crate::log::note_text(entry.bytes)),
                _ => {
                    let shown = &entry.bytes[..entry.bytes.len().min(MAX_ROW_CHARS * 4)];
                    entry.render(render).one_line(shown)
                }
            };
            let text: String = text.chars().take(MAX_ROW_CHARS).collect();
            let label = if query.is_empty() {
                egui::Label::new(RichText::new(text).monospace())
            } else {
                egui::Label::new(highlighted(ui, &text, &query))
            };
            let response = if wrap {
                data_width = ui.available_width();
                let response = ui.add(label.wrap());
                measured.push((seq, response.rect.height() + ROW_PADDING));
                response
            } else {
                ui.add(label.truncate())
            };
            let bytes = entry.bytes;
            let response = if entry.dir != Direction::Note {
                // Built only while hovered: the HEX of what arrived,
                // also for bytes that did not decode.
                response.on_hover_ui(|ui| {
                    ui.label(lang.t(&i18n::HEX_OF_ENTRY));
                    ui.monospace(format_hex(&bytes[..bytes.len().min(1024)]));
                })
            } else {
                response
            };
            response.context_menu(|ui| {
                if ui.button(lang.t(&i18n::COPY_LINE)).clicked() {
                    ui.ctx().copy_text(format_line(&entry, render, stamp));
                    ui.close();
                }
                if ui.button(lang.t(&i18n::COPY_HEX)).clicked() {
                    ui.ctx().copy_text(format_hex(bytes));
                    ui.close();
                }
                if entry.dir != Direction::Note {
                    ui.separator();
                    for (tool, text) in [
                        (RowTool::Float, &i18n::ROWTOOL_TO_FLOAT),
                        (RowTool::Checksum, &i18n::ROWTOOL_TO_CHECKSUM),
                    ] {
                        if ui.button(lang.t(text)).clicked() {
                            sent_to_tool = Some((tool, bytes.to_vec()));
                            ui.close();
                        }
                    }
                }
            });
        });
    };
    table
        .header(20.0, |mut header| {
            if show_time {
                header.col(|ui| {
                    ui.strong(lang.t(&i18n::COL_TIME));
                });
            }
            for title in [
                &i18n::COL_DIR,
                &i18n::COL_PEER,
                &i18n::COL_LEN,
                &i18n::COL_DATA,
            ] {
                header.col(|ui| {
                    ui.strong(lang.t(title));
                });
            }
        })
        .body(|mut body| {
            super::viewport::mark_scroll_viewport(body.ui_mut(), super::viewport::Sideways::Table);
            if wrap {
                // Heights come from the rows measured when last in view;
                // only the rows in view are laid out, as without wrap.
                let seqs = (0..rows).map_while(&row_seq);
                let heights = bench.view().wrapped_heights().heights(seqs, row_height);
                body.heterogeneous_rows(heights, &mut draw_row);
            } else {
                body.rows(row_height, rows, &mut draw_row);
            }
        });
    if let Some((tool, bytes)) = sent_to_tool {
        bench.tool_kit_mut().take_row(tool, &bytes);
        // The drawer opens on the next frame.
        ui.ctx().request_repaint();
    }
    if wrap && data_width > 0.0 {
        let heights = bench.view_mut().wrapped_heights_mut();
        let mut stale = heights.measure_for(data_width, render);
        for (seq, height) in measured {
            stale |= heights.remember(seq, height, row_height);
        }
        if stale {
            ui.ctx().request_repaint();
        }
    }
}

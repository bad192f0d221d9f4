//! 传输: the TFTP transfers table with progress, rate and cancel.

use egui::{ProgressBar, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::i18n;
use super::status_ui::human_bytes;
use super::workbench::{TransferState, Workbench};
use crate::tftp::TransferDirection;

pub fn transfers_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    ui.heading(lang.t(&i18n::TRANSFERS));
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    let mut cancel = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // The columns need more than a narrow window's width: the table then
    // scrolls sideways instead of being cut at the panel's edge.
    egui::ScrollArea::horizontal()
        .id_salt("transfers sideways")
        .show(ui, |ui| {
            super::viewport::mark_scroll_viewport(ui, super::viewport::Sideways::Scrolls);
            TableBuilder::new(ui)
                .id_salt("transfers")
                .striped(true)
                .stick_to_bottom(true)
                .auto_shrink(false)
                .column(Column::auto().at_least(120.0).resizable(true))
                .column(Column::auto().at_least(110.0))
                .column(Column::auto())
                .column(Column::initial(140.0).resizable(true))
                .column(Column::auto())
                .column(Column::remainder())
                .header(20.0, |mut header| {
                    for title in [
                        &i18n::COL_FILE,
                        &i18n::COL_PEER,
                        &i18n::COL_DIRECTION,
                        &i18n::COL_PROGRESS,
                        &i18n::COL_RATE,
                        &i18n::COL_STATE,
                    ] {
                        header.col(|ui| {
                            ui.strong(lang.t(title));
                        });
                    }
                })
                .body(|mut body| {
                    super::viewport::mark_scroll_viewport(
                        body.ui_mut(),
                        super::viewport::Sideways::Table,
                    );
                    body.rows(row_height, bench.transfers().len(), |mut row| {
                        let Some(transfer) = bench.transfers().get(row.index()) else {
                            return;
                        };
                        row.col(|ui| {
                            ui.label(transfer.file.to_string());
                        });
                        row.col(|ui| {
                            ui.monospace(transfer.peer.to_string());
                        });
                        row.col(|ui| {
                            ui.label(match transfer.direction {
                                TransferDirection::Send => lang.t(&i18n::UPLOAD),
                                TransferDirection::Receive => lang.t(&i18n::DOWNLOAD),
                            });
                        });
                        row.col(|ui| {
                            let text = match transfer.size {
                                Some(size) => {
                                    format!(
                                        "{} / {}",
                                        human_bytes(transfer.bytes),
                                        human_bytes(size)
                                    )
                                }
                                None => human_bytes(transfer.bytes),
                            };
                            let fraction = match (transfer.size, &transfer.state) {
                                (_, TransferState::Done { .. }) => 1.0,
                                (Some(size), _) if size > 0 => transfer.bytes as f32 / size as f32,
                                _ => 0.0,
                            };
                            ui.add(ProgressBar::new(fraction).text(text));
                        });
                        row.col(|ui| {
                            ui.label(format!("{}/s", human_bytes(transfer.rate() as u64)));
                        });
                        row.col(|ui| match &transfer.state {
                            TransferState::Running => {
                                ui.label(lang.t(&i18n::RUNNING));
                                if ui.small_button(lang.t(&i18n::CANCEL)).clicked() {
                                    cancel = Some(transfer.id);
                                }
                            }
                            TransferState::Done { .. } => {
                                ui.label(lang.t(&i18n::DONE));
                            }
                            TransferState::Failed(reason) => {
                                ui.label(
                                    RichText::new(format!(
                                        "{}: {}",
                                        lang.t(&i18n::FAILED),
                                        i18n::sentences::transfer_failure(lang, reason)
                                    ))
                                    .color(ui.visuals().error_fg_color),
                                );
                            }
                        });
                    });
                });
        });
    if let Some(id) = cancel {
        bench.cancel_transfer(id);
    }
}

//! 客户端: the TCP server's connected clients. Tick clients to send only to
//! them; with none ticked a send goes to all.

use egui::Ui;
use egui_extras::{Column, TableBuilder};

use super::i18n;
use super::status_ui::human_bytes;
use super::workbench::Workbench;
use crate::log::format_time;

pub fn clients_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    ui.horizontal(|ui| {
        ui.heading(format!(
            "{} ({})",
            lang.t(&i18n::CLIENTS),
            bench.clients().len()
        ));
        let selected = bench.clients().iter().filter(|c| c.selected).count();
        let target = if selected == 0 {
            lang.t(&i18n::ALL_CONNECTIONS).to_owned()
        } else {
            format!("{selected} / {}", bench.clients().len())
        };
        ui.label(format!("{}: {target}", lang.t(&i18n::SEND_TO)))
            .on_hover_text(lang.t(&i18n::SEND_TO_HINT));
    });
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    let mut drop = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    TableBuilder::new(ui)
        .id_salt("clients")
        .striped(true)
        .auto_shrink(false)
        .column(Column::auto())
        .column(Column::auto().at_least(100.0))
        .column(Column::auto())
        .column(Column::auto())
        .column(Column::remainder())
        .header(20.0, |mut header| {
            header.col(|_| {});
            for title in [&i18n::CLIENT_ADDR, &i18n::BYTES_IN, &i18n::BYTES_OUT] {
                header.col(|ui| {
                    ui.strong(lang.t(title));
                });
            }
            header.col(|_| {});
        })
        .body(|body| {
            body.rows(row_height, bench.clients().len(), |mut row| {
                let index = row.index();
                let Some(client) = bench.clients().get(index).cloned() else {
                    return;
                };
                row.col(|ui| {
                    let mut selected = client.selected;
                    if ui
                        .checkbox(&mut selected, "")
                        .on_hover_text(format!("{} {}", lang.t(&i18n::SEND_TO), client.peer))
                        .changed()
                    {
                        bench.set_client_selected(index, selected);
                    }
                });
                row.col(|ui| {
                    ui.monospace(crate::log::LogPeer::Addr(client.peer).to_string())
                        .on_hover_text(format!(
                            "{}: {}",
                            lang.t(&i18n::CLIENT_SINCE),
                            format_time(client.since_ms)
                        ));
                });
                row.col(|ui| {
                    ui.label(human_bytes(client.rx_bytes));
                });
                row.col(|ui| {
                    ui.label(human_bytes(client.tx_bytes));
                });
                row.col(|ui| {
                    if ui
                        .small_button(lang.t(&i18n::DROP_CLIENT))
                        .on_hover_text(client.peer.to_string())
                        .clicked()
                    {
                        drop = Some(client.peer);
                    }
                });
            });
        });
    if let Some(peer) = drop {
        bench.disconnect_client(peer);
    }
}

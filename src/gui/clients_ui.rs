//! 客户端: the TCP server's connected clients. Tick clients to send only to
//! them; with none ticked a send goes to all. Where the send area is too
//! narrow for the table beside the send box, a combo (NetAssist's "All
//! connections (N)") picks the target instead; both read and write the
//! same ticks.

use egui::Ui;
use egui_extras::{Column, TableBuilder};

use super::i18n;
use super::status_ui::human_bytes;
use super::workbench::Workbench;
use crate::log::{LogPeer, format_time};
use crate::net::Protocol;

/// The client table's width beside the send box, as first shown: room for
/// the tick, an IPv4 address with its port, both byte counts and Drop.
pub const TABLE_WIDTH: f32 = 360.0;

/// What a WebSocket server's table adds for each client's path and
/// subprotocol (cut to fit, the whole on hover).
pub const WS_PATH_COLUMN_WIDTH: f32 = 110.0;

/// The table's width as first shown for `protocol`'s server.
pub fn table_width(protocol: Protocol) -> f32 {
    if protocol.is_websocket() {
        TABLE_WIDTH + WS_PATH_COLUMN_WIDTH
    } else {
        TABLE_WIDTH
    }
}

/// The narrowest the send box and its button may get beside the table
/// (the title row wraps, the box keeps a useful width).
pub const SEND_BESIDE_TABLE_MIN_WIDTH: f32 = 320.0;

/// Whether a send area this wide (in points) shows the client table beside
/// the send box; narrower ones (below 680 points for a TCP server: an
/// 800×600 window, or 1280×800 at 150 %) show the target combo instead.
pub fn table_fits(send_area_width: f32, protocol: Protocol) -> bool {
    send_area_width >= table_width(protocol) + SEND_BESIDE_TABLE_MIN_WIDTH
}

/// How wide the user may drag the table: never narrower than it was made
/// for, never so wide that the send box gets less than its minimum.
pub fn table_width_range(send_area_width: f32, protocol: Protocol) -> egui::Rangef {
    let width = table_width(protocol);
    egui::Rangef::new(
        width,
        (send_area_width - SEND_BESIDE_TABLE_MIN_WIDTH).max(width),
    )
}

/// 发送对象: [全部连接 (3) ▾] [断开] — one line above the send box. Choosing
/// a client ticks exactly that client, and 断开 beside the combo drops it,
/// as NetAssist's does; choosing all unticks every one. Where the table
/// would fit, the line also offers the way back to it.
pub fn send_target_ui(ui: &mut Ui, bench: &mut Workbench, table_fits: bool) {
    let lang = bench.settings().lang;
    let clients = bench.clients();
    let ticked: Vec<usize> = (0..clients.len())
        .filter(|&index| clients[index].selected)
        .collect();
    let all = format!("{} ({})", lang.t(&i18n::ALL_CONNECTIONS), clients.len());
    let shown = match ticked.as_slice() {
        [] => all.clone(),
        [one] => LogPeer::Addr(clients[*one].peer).to_string(),
        many => format!("{} / {}", many.len(), clients.len()),
    };
    // Addresses, not their text: the text is written only while the list
    // is open, not in every frame for every client.
    let peers: Vec<std::net::SocketAddr> = clients.iter().map(|client| client.peer).collect();
    let mut chosen: Option<Option<usize>> = None;
    let mut drop = None;
    let one = match ticked.as_slice() {
        [one] => peers.get(*one).copied(),
        _ => None,
    };
    ui.horizontal(|ui| {
        let label = ui.label(format!("{}:", lang.t(&i18n::SEND_TO)));
        // Room is kept for 断开 when it shows, so it is never cut.
        let drop_width = if one.is_some() {
            ui.spacing().interact_size.x + 2.0 * ui.spacing().item_spacing.x
        } else {
            0.0
        };
        egui::ComboBox::from_id_salt("send-target")
            .selected_text(shown)
            .truncate()
            .width(
                (ui.available_width() - ui.spacing().item_spacing.x - drop_width)
                    .clamp(40.0, 260.0),
            )
            .show_ui(ui, |ui| {
                if ui.selectable_label(ticked.is_empty(), &all).clicked() {
                    chosen = Some(None);
                }
                for (index, peer) in peers.iter().enumerate() {
                    let peer = LogPeer::Addr(*peer).to_string();
                    if ui.selectable_label(ticked == [index], peer).clicked() {
                        chosen = Some(Some(index));
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(lang.t(&i18n::SEND_TO_HINT));
        if let Some(peer) = one
            && ui
                .small_button(lang.t(&i18n::DROP_CLIENT))
                .on_hover_text(lang.t(&i18n::DROP_CLIENT_HINT))
                .clicked()
        {
            drop = Some(peer);
        }
        if table_fits {
            compact_tick_ui(ui, bench);
        }
    });
    if let Some(choice) = chosen {
        for index in 0..peers.len() {
            bench.set_client_selected(index, choice == Some(index));
        }
    }
    if let Some(peer) = drop {
        bench.disconnect_client(peer);
    }
}

/// 紧凑显示: the combo instead of the table, at any size.
fn compact_tick_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    ui.checkbox(
        bench.view_mut().compact_targets_mut(),
        lang.t(&i18n::LAYOUT_COMPACT_TARGETS),
    )
    .on_hover_text(lang.t(&i18n::LAYOUT_COMPACT_TARGETS_HINT));
}

pub fn clients_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    ui.horizontal_wrapped(|ui| {
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
        compact_tick_ui(ui, bench);
    });
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    let mut drop = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // A WebSocket server's clients each asked for a path (and maybe a
    // subprotocol): a column says which.
    let websocket = bench.settings().protocol.is_websocket();
    let mut table = TableBuilder::new(ui)
        .id_salt("clients")
        .striped(true)
        .auto_shrink(false)
        .column(Column::auto())
        .column(Column::auto().at_least(100.0));
    if websocket {
        table = table.column(Column::exact(WS_PATH_COLUMN_WIDTH - 10.0).clip(true));
    }
    table
        .column(Column::auto())
        .column(Column::auto())
        .column(Column::remainder())
        .header(20.0, |mut header| {
            header.col(|_| {});
            header.col(|ui| {
                ui.strong(lang.t(&i18n::CLIENT_ADDR));
            });
            if websocket {
                header.col(|ui| {
                    ui.strong(lang.t(&i18n::SEC_CLIENT_PATH));
                });
            }
            for title in [&i18n::BYTES_IN, &i18n::BYTES_OUT] {
                header.col(|ui| {
                    ui.strong(lang.t(title));
                });
            }
            header.col(|_| {});
        })
        .body(|mut body| {
            super::viewport::mark_scroll_viewport(body.ui_mut(), super::viewport::Sideways::Table);
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
                    ui.monospace(LogPeer::Addr(client.peer).to_string())
                        .on_hover_text(format!(
                            "{}: {}",
                            lang.t(&i18n::CLIENT_SINCE),
                            format_time(client.since_ms)
                        ));
                });
                if websocket {
                    row.col(|ui| {
                        let path = client
                            .ws_path
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        match &client.ws_subprotocol {
                            Some(subprotocol) => ui
                                .label(format!("{path} ({subprotocol})"))
                                .on_hover_text(format!(
                                    "{}: {subprotocol}",
                                    lang.t(&i18n::SEC_CLIENT_SUBPROTOCOL)
                                )),
                            None => ui.label(path),
                        };
                    });
                }
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

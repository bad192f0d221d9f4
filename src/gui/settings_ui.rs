//! The left column: 网络设置 (protocol, addresses, open/close) and 接收设置,
//! with 发送设置 below them (`send_options_ui.rs`), in the places NetAssist
//! users know.

use egui::{RichText, TextEdit, Ui};

use super::dialog::DialogPurpose;
use super::fields_ui::{
    button_width, combo_ui, error_ui, field_ui, fit_path_width, fit_width, interface_menu_ui,
    path_field_ui,
};
use super::i18n::{self, Lang};
use super::security_ui::{security_fields_ui, server_fingerprint_ui, ws_controls_ui};
use super::session_config::served_folder_chosen;
use super::settings::trimmed_path;
use super::workbench::{SessionState, Workbench};
use crate::net::Protocol;
use crate::text::Encoding;
use crate::tftp::Mode;

pub fn protocol_name(protocol: Protocol, lang: Lang) -> &'static str {
    match (protocol, lang) {
        (Protocol::Udp, _) => "UDP",
        (Protocol::TcpClient, Lang::En) => "TCP Client",
        (Protocol::TcpClient, Lang::Zh) => "TCP 客户端",
        (Protocol::TcpServer, Lang::En) => "TCP Server",
        (Protocol::TcpServer, Lang::Zh) => "TCP 服务器",
        (Protocol::TftpServer, Lang::En) => "TFTP Server",
        (Protocol::TftpServer, Lang::Zh) => "TFTP 服务器",
        (Protocol::TftpClient, Lang::En) => "TFTP Client",
        (Protocol::TftpClient, Lang::Zh) => "TFTP 客户端",
        (Protocol::TlsClient, Lang::En) => "TLS Client",
        (Protocol::TlsClient, Lang::Zh) => "TLS 客户端",
        (Protocol::TlsServer, Lang::En) => "TLS Server",
        (Protocol::TlsServer, Lang::Zh) => "TLS 服务器",
        (Protocol::WsClient, Lang::En) => "WebSocket Client",
        (Protocol::WsClient, Lang::Zh) => "WebSocket 客户端",
        (Protocol::WsServer, Lang::En) => "WebSocket Server",
        (Protocol::WsServer, Lang::Zh) => "WebSocket 服务器",
    }
}

/// Draws the settings column; returns a file dialog the user asked for.
pub fn settings_ui(ui: &mut Ui, bench: &mut Workbench) -> Option<DialogPurpose> {
    let lang = bench.settings().lang;
    let mut wanted_dialog = None;
    let active = bench.is_active();
    ui.add_space(4.0);
    ui.heading(lang.t(&i18n::NET_SETTINGS));
    ui.add_enabled_ui(!active, |ui| {
        combo_ui(
            ui,
            "protocol",
            lang.t(&i18n::PROTOCOL),
            &mut bench.settings_mut().protocol,
            &Protocol::ALL,
            |p| protocol_name(p, lang).to_owned(),
        );
    });
    let protocol = bench.settings().protocol;
    if protocol.listens() {
        ui.add_enabled_ui(!active, |ui| local_fields_ui(ui, bench, lang));
        error_ui(ui, &bench.errors().local);
    }
    if protocol.takes_remote() {
        // UDP's remote may change while open; the others' may not.
        let edited = ui
            .add_enabled_ui(!active || protocol.sends_datagrams(), |ui| {
                let fields = bench.settings_mut().addr_mut();
                let host = field_ui(
                    ui,
                    lang.t(&i18n::REMOTE_HOST),
                    &mut fields.remote_host,
                    130.0,
                );
                let port = field_ui(
                    ui,
                    lang.t(&i18n::REMOTE_PORT),
                    &mut fields.remote_port,
                    60.0,
                );
                host.changed() || port.changed()
            })
            .inner;
        if edited {
            bench.remote_edited();
        }
        error_ui(ui, &bench.errors().remote);
    }
    if protocol.sends_datagrams() {
        // Changeable while open: the session is told at once.
        let mut reply_to_last = bench.settings().udp.reply_to_last_sender;
        if ui
            .checkbox(&mut reply_to_last, lang.t(&i18n::REPLY_TO_LAST))
            .on_hover_text(lang.t(&i18n::REPLY_TO_LAST_HINT))
            .changed()
        {
            bench.set_reply_to_last_sender(reply_to_last);
        }
    }
    ui.add_enabled_ui(!active, |ui| {
        if protocol.sends_datagrams() {
            ui.checkbox(
                &mut bench.settings_mut().udp.broadcast,
                lang.t(&i18n::ALLOW_BROADCAST),
            )
            .on_hover_text(lang.t(&i18n::BROADCAST_HINT));
        }
        // A WebSocket client's URL comes first (below), then the timeout.
        if protocol.connects_to_one() && !protocol.takes_url() {
            connect_timeout_ui(ui, bench, lang);
        }
        if protocol.serves_clients() {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::MAX_CLIENTS));
                ui.add(
                    egui::DragValue::new(&mut bench.settings_mut().tcp.max_clients)
                        .range(1..=100_000),
                )
                .labelled_by(label.id)
                .on_hover_text(lang.t(&i18n::MAX_CLIENTS_HINT));
            });
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::IDLE_TIMEOUT));
                ui.add(
                    egui::DragValue::new(&mut bench.settings_mut().tcp.idle_timeout_secs)
                        .range(0.0..=crate::gui::settings::MAX_IDLE_TIMEOUT_SECS)
                        .speed(1.0),
                )
                .labelled_by(label.id)
                .on_hover_text(lang.t(&i18n::IDLE_TIMEOUT_HINT));
            });
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::MAX_CLIENTS_PER_IP));
                ui.add(
                    egui::DragValue::new(&mut bench.settings_mut().tcp.max_clients_per_ip)
                        .range(0..=100_000),
                )
                .labelled_by(label.id)
                .on_hover_text(lang.t(&i18n::MAX_CLIENTS_PER_IP_HINT));
            });
        }
        // Above the TFTP fields, so that their sentences stay next to them.
        if protocol.is_tftp() {
            tftp_names_encoding_ui(ui, bench, lang);
        }
        if protocol.serves_files() {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::TFTP_ROOT));
                let width = fit_path_width(ui, 140.0, button_width(ui, lang.t(&i18n::BROWSE)));
                path_field_ui(ui, "tftp-root", &mut bench.settings_mut().tftp.root, width)
                    .labelled_by(label.id)
                    .on_hover_text(lang.t(&i18n::TFTP_ROOT_HINT));
                if ui.button(lang.t(&i18n::BROWSE)).clicked() {
                    wanted_dialog = Some(DialogPurpose::TftpRoot);
                }
            });
            // The folder's problem shows right under it.
            error_ui(ui, &bench.errors().tftp);
            // The one TFTP server policy (the CLI's --root and
            // --allow-write): uploads need a folder the user chose, so the
            // control stays off and disabled until one is typed or picked.
            let folder_chosen = served_folder_chosen(bench.settings());
            if !folder_chosen {
                bench.settings_mut().tftp.allow_write = false;
            }
            ui.add_enabled(
                folder_chosen,
                egui::Checkbox::new(
                    &mut bench.settings_mut().tftp.allow_write,
                    lang.t(&i18n::ALLOW_UPLOADS),
                ),
            )
            .on_hover_text(lang.t(&i18n::TFTP_ALLOW_WRITE_HINT))
            .on_disabled_hover_text(lang.t(&i18n::ALLOW_UPLOADS_NEEDS_FOLDER));
            ui.checkbox(
                &mut bench.settings_mut().tftp.allow_overwrite,
                lang.t(&i18n::ALLOW_OVERWRITE),
            )
            .on_hover_text(lang.t(&i18n::TFTP_OVERWRITE_HINT));
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::TFTP_MAX_PER_ADDRESS));
                ui.add(
                    egui::DragValue::new(&mut bench.settings_mut().tftp.max_per_address)
                        .range(1..=crate::tftp::limits::DEFAULT_MAX_TRANSFERS),
                )
                .labelled_by(label.id)
                .on_hover_text(lang.t(&i18n::TFTP_PER_ADDRESS_HINT));
            });
        }
        if protocol.transfers_one_file() {
            wanted_dialog = tftp_client_fields_ui(ui, bench, lang);
        }
    });
    if protocol.transfers_one_file() {
        error_ui(ui, &bench.errors().tftp);
    }
    // TLS and WebSocket (issue 14).
    if let Some(wanted) = ui
        .add_enabled_ui(!active, |ui| security_fields_ui(ui, bench, lang))
        .inner
    {
        wanted_dialog = Some(wanted);
    }
    if protocol.takes_url() {
        ui.add_enabled_ui(!active, |ui| connect_timeout_ui(ui, bench, lang));
    }
    error_ui(ui, &bench.errors().ws);
    error_ui(ui, &bench.errors().tls);
    super::security_ui::refused_certificate_ui(ui, bench, lang);
    ui.add_space(6.0);
    open_button_ui(ui, bench, lang);
    server_fingerprint_ui(ui, bench, lang);
    ws_controls_ui(ui, bench, lang);
    ui.separator();

    if protocol.carries_messages() {
        recv_options_ui(ui, bench, lang, &mut wanted_dialog);
        ui.separator();
        super::send_options_ui::send_options_ui(ui, bench, lang);
        ui.separator();
        super::send_options_ui::quick_commands_ui(ui, bench, lang);
    }
    wanted_dialog
}

/// How long a client waits for its connection (TCP, TLS, WebSocket).
fn connect_timeout_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::CONNECT_TIMEOUT));
        ui.add(
            egui::DragValue::new(&mut bench.settings_mut().tcp.connect_timeout_secs)
                .range(crate::net::CONNECT_TIMEOUT_SECS)
                .speed(0.5),
        )
        .labelled_by(label.id)
        .on_hover_text(lang.t(&i18n::CONNECT_TIMEOUT_HINT));
    });
}

fn local_fields_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let fields = bench.settings_mut().addr_mut();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::LOCAL_HOST));
        let width = fit_width(ui, 110.0, button_width(ui, "▼"));
        ui.add(TextEdit::singleline(&mut fields.local_host).desired_width(width))
            .labelled_by(label.id);
        ui.menu_button("▼", |ui| {
            for host in ["0.0.0.0", "::", "127.0.0.1", "::1"] {
                if ui.button(host).clicked() {
                    fields.local_host = host.to_owned();
                    ui.close();
                }
            }
            ui.separator();
            interface_menu_ui(ui, &mut fields.local_host);
        })
        .response
        .on_hover_text(lang.t(&i18n::LOCAL_HOST_HINT));
    });
    field_ui(ui, lang.t(&i18n::LOCAL_PORT), &mut fields.local_port, 60.0)
        .on_hover_text(lang.t(&i18n::LOCAL_PORT_HINT));
}

fn tftp_client_fields_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) -> Option<DialogPurpose> {
    let mut wanted = None;
    let settings = bench.settings_mut();
    field_ui(
        ui,
        lang.t(&i18n::TFTP_REMOTE_FILE),
        &mut settings.tftp.remote_file,
        140.0,
    );
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TFTP_LOCAL_DIR));
        // The folder's name, at the end of its path, is what tells folders
        // apart.
        let width = fit_path_width(ui, 120.0, button_width(ui, lang.t(&i18n::BROWSE)));
        path_field_ui(ui, "tftp-local-dir", &mut settings.tftp.local_dir, width)
            .labelled_by(label.id);
        if ui
            .button(lang.t(&i18n::BROWSE))
            .on_hover_text(lang.t(&i18n::TFTP_LOCAL_DIR_HINT))
            .clicked()
        {
            wanted = Some(DialogPurpose::TftpLocalDir);
        }
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TFTP_LOCAL_FILE));
        let width = fit_path_width(ui, 120.0, button_width(ui, lang.t(&i18n::BROWSE)));
        path_field_ui(ui, "tftp-local-file", &mut settings.tftp.local_file, width)
            .labelled_by(label.id);
        if ui
            .button(lang.t(&i18n::BROWSE))
            .on_hover_text(lang.t(&i18n::TFTP_LOCAL_FILE_HINT))
            .clicked()
        {
            wanted = Some(DialogPurpose::TftpLocalFile);
        }
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TFTP_BLKSIZE));
        ui.add(egui::DragValue::new(&mut settings.tftp.blksize).range(crate::tftp::CLIENT_BLKSIZE))
            .labelled_by(label.id);
        let label = ui.label(lang.t(&i18n::TFTP_WINDOWSIZE));
        ui.add(
            egui::DragValue::new(&mut settings.tftp.windowsize)
                .range(crate::tftp::CLIENT_WINDOWSIZE),
        )
        .labelled_by(label.id);
    });
    combo_ui(
        ui,
        "tftp-mode",
        lang.t(&i18n::TFTP_MODE),
        &mut settings.tftp.mode,
        &Mode::ALL,
        |mode| mode.name().to_owned(),
    );
    wanted
}

/// The TFTP session's 字符集: the encoding of file names that are not
/// UTF-8, the same setting as a socket session's (GBK on a Chinese first
/// start).
fn tftp_names_encoding_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let text = &mut bench.settings_mut().text;
    let mut encoding = text.rx_encoding;
    let chosen = ui.scope(|ui| {
        combo_ui(
            ui,
            "tftp-names-encoding",
            lang.t(&i18n::ENC_CHARSET),
            &mut encoding,
            &Encoding::ALL,
            |e| e.display_name().to_owned(),
        )
    });
    chosen
        .response
        .on_hover_text(lang.t(&i18n::TFTP_NAMES_ENCODING_HINT));
    if chosen.inner {
        text.set_receive_encoding(encoding);
    }
}

fn open_button_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let protocol = bench.settings().protocol;
    let size = egui::vec2(ui.available_width().min(240.0), 32.0);
    if protocol.transfers_one_file() {
        ui.horizontal_wrapped(|ui| {
            let half = egui::vec2(size.x / 2.0 - 4.0, size.y);
            if bench.is_active() {
                if ui
                    .add_sized(size, egui::Button::new(lang.t(&i18n::CANCEL)))
                    .clicked()
                {
                    bench.close();
                }
            } else {
                if ui
                    .add_sized(half, egui::Button::new(lang.t(&i18n::TFTP_GET)))
                    .clicked()
                {
                    bench.tftp_transfer(true);
                }
                if ui
                    .add_sized(half, egui::Button::new(lang.t(&i18n::TFTP_PUT)))
                    .clicked()
                {
                    bench.tftp_transfer(false);
                }
            }
        });
        return;
    }
    let (open, close) = if protocol.connects_to_one() {
        (&i18n::CONNECT, &i18n::DISCONNECT)
    } else if protocol.serves_clients() {
        (&i18n::LISTEN, &i18n::STOP)
    } else if protocol.serves_files() {
        (&i18n::START_SERVER, &i18n::STOP)
    } else {
        (&i18n::OPEN, &i18n::CLOSE)
    };
    let active = bench.is_active();
    let closing = bench.state() == SessionState::Closing;
    let text = if active { lang.t(close) } else { lang.t(open) };
    let button = egui::Button::new(RichText::new(text).size(16.0));
    if ui
        .add_enabled_ui(!closing, |ui| ui.add_sized(size, button))
        .inner
        .clicked()
    {
        if active {
            bench.close();
        } else {
            bench.open();
        }
    }
}

fn rx_file_ui(
    ui: &mut Ui,
    bench: &mut Workbench,
    lang: Lang,
    wanted_dialog: &mut Option<DialogPurpose>,
) {
    let mut saving = bench.rx_file().is_some();
    if ui
        .checkbox(&mut saving, lang.t(&i18n::RX_TO_FILE))
        .on_hover_text(lang.t(&i18n::RX_TO_FILE_HINT))
        .changed()
    {
        let path = trimmed_path(&bench.settings().rx_file.path);
        bench.set_rx_file(saving.then_some(path.as_path()));
    }
    ui.add_enabled_ui(bench.rx_file().is_none(), |ui| {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.t(&i18n::RX_FILE));
            let width = fit_path_width(ui, 120.0, button_width(ui, lang.t(&i18n::BROWSE)));
            path_field_ui(ui, "rx-file", &mut bench.settings_mut().rx_file.path, width)
                .labelled_by(label.id);
            if ui.button(lang.t(&i18n::BROWSE)).clicked() {
                *wanted_dialog = Some(DialogPurpose::RxFile);
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(
                &mut bench.settings_mut().rx_file.lines,
                false,
                lang.t(&i18n::RX_FILE_RAW),
            );
            ui.radio_value(
                &mut bench.settings_mut().rx_file.lines,
                true,
                lang.t(&i18n::RX_FILE_LINES),
            );
        });
    });
    if let Some(file) = &bench.rx_file() {
        ui.label(format!(
            "{} B → {}",
            file.bytes_written(),
            file.path().display()
        ));
    }
    error_ui(ui, &bench.errors().rx_file);
}

fn recv_options_ui(
    ui: &mut Ui,
    bench: &mut Workbench,
    lang: Lang,
    wanted_dialog: &mut Option<DialogPurpose>,
) {
    ui.heading(lang.t(&i18n::RECV_SETTINGS));
    let settings = bench.settings_mut();
    // One 字符集 for both directions, as in NetAssist; with separate
    // encodings this one is the receive encoding.
    let label = if settings.text.separate_encodings {
        &i18n::RX_ENCODING
    } else {
        &i18n::ENC_CHARSET
    };
    let mut encoding = settings.text.rx_encoding;
    if combo_ui(
        ui,
        "rx-encoding",
        lang.t(label),
        &mut encoding,
        &Encoding::ALL,
        |e| e.display_name().to_owned(),
    ) {
        settings.text.set_receive_encoding(encoding);
    }
    ui.checkbox(&mut settings.text.rx_hex, lang.t(&i18n::RX_HEX))
        .on_hover_text(lang.t(&i18n::RX_ENCODING_HINT));
    // The view's ticks two to a row, so what follows (receive file, send
    // settings, quick commands) stays where it was on small screens.
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut settings.view.show_time, lang.t(&i18n::SHOW_TIME))
            .on_hover_text(lang.t(&i18n::SHOW_TIME_HINT));
        ui.add_enabled(
            settings.view.show_time,
            egui::Checkbox::new(&mut settings.view.show_date, lang.t(&i18n::SHOW_DATE)),
        )
        .on_hover_text(lang.t(&i18n::SHOW_DATE_HINT));
        ui.checkbox(&mut settings.view.auto_scroll, lang.t(&i18n::AUTO_SCROLL))
            .on_hover_text(lang.t(&i18n::AUTO_SCROLL_HINT));
    });
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(
            &mut bench.settings_mut().view.wrap_rows,
            lang.t(&i18n::WRAP_ROWS),
        )
        .on_hover_text(lang.t(&i18n::WRAP_ROWS_HINT));
        let mut paused = bench.view().is_paused();
        if ui
            .checkbox(&mut paused, lang.t(&i18n::PAUSE))
            .on_hover_text(lang.t(&i18n::PAUSE_HINT))
            .changed()
        {
            bench.set_paused(paused);
        }
    });
    ui.checkbox(
        &mut bench.settings_mut().view.hide_received,
        lang.t(&i18n::HIDE_RECEIVED),
    )
    .on_hover_text(lang.t(&i18n::HIDE_RECEIVED_HINT));
    rx_file_ui(ui, bench, lang, wanted_dialog);
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::LOG_CAP));
        let mut cap = bench.settings().view.log_max_entries;
        if ui
            .add(
                egui::DragValue::new(&mut cap)
                    .range(100..=10_000_000)
                    .speed(1000),
            )
            .labelled_by(label.id)
            .changed()
        {
            bench.set_log_max_entries(cap);
        }
    });
}

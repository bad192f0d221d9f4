//! The settings column's fields for the TLS and WebSocket sessions (issue
//! 14): the TLS client's verification and certificates, the TLS server's
//! certificate, the WebSocket URL, headers, path and subprotocols. Drawing
//! only; `session_config.rs` checks what was typed.

use egui::{TextEdit, Ui};

use super::dialog::DialogPurpose;
use super::fields_ui::{
    button_width, combo_ui, field_ui, fit_path_width, fit_width, path_field_ui,
};
use super::i18n::{self, Lang};
use super::settings::{IdentityChoice, SecuritySettings, TlsFileField, VerifyChoice};
use super::workbench::Workbench;
use crate::net::Protocol;
use crate::net::tls::TlsVersion;

/// The TLS and WebSocket fields of the tab's protocol (nothing for the
/// others); returns a file dialog the user asked for.
pub fn security_fields_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) -> Option<DialogPurpose> {
    let protocol = bench.settings().protocol;
    let sec = &mut bench.settings_mut().sec;
    match protocol {
        Protocol::TlsClient => tls_client_fields_ui(ui, sec, lang),
        Protocol::TlsServer => tls_server_fields_ui(ui, sec, lang),
        Protocol::WsClient => ws_client_fields_ui(ui, sec, lang),
        Protocol::WsServer => ws_server_fields_ui(ui, sec, lang),
        _ => None,
    }
}

fn version_name(version: TlsVersion) -> String {
    match version {
        TlsVersion::Tls12 => "TLS 1.2".to_owned(),
        TlsVersion::Tls13 => "TLS 1.3".to_owned(),
    }
}

/// A labelled path field with its Browse… button.
fn file_field_ui(
    ui: &mut Ui,
    lang: Lang,
    label: &i18n::Text,
    sec: &mut SecuritySettings,
    field: TlsFileField,
    wanted: &mut Option<DialogPurpose>,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(label));
        let salt = format!("tls-file-{field:?}");
        let width = fit_path_width(ui, 90.0, button_width(ui, lang.t(&i18n::BROWSE)));
        path_field_ui(ui, &salt, sec.file_mut(field), width).labelled_by(label.id);
        if ui.button(lang.t(&i18n::BROWSE)).clicked() {
            *wanted = Some(DialogPurpose::TlsFile(field));
        }
    });
}

/// Minimum version and ALPN, which client and server share.
fn version_and_alpn_ui(ui: &mut Ui, sec: &mut SecuritySettings, lang: Lang) {
    combo_ui(
        ui,
        "tls-min-version",
        lang.t(&i18n::SEC_MIN_VERSION),
        &mut sec.min_version,
        &[TlsVersion::Tls12, TlsVersion::Tls13],
        version_name,
    );
    field_ui(ui, lang.t(&i18n::SEC_ALPN), &mut sec.alpn, 120.0)
        .on_hover_text(lang.t(&i18n::SEC_ALPN_HINT));
}

fn tls_client_fields_ui(
    ui: &mut Ui,
    sec: &mut SecuritySettings,
    lang: Lang,
) -> Option<DialogPurpose> {
    let mut wanted = None;
    field_ui(
        ui,
        lang.t(&i18n::SEC_SERVER_NAME),
        &mut sec.server_name,
        120.0,
    )
    .on_hover_text(lang.t(&i18n::SEC_SERVER_NAME_HINT));
    combo_ui(
        ui,
        "tls-verify",
        lang.t(&i18n::SEC_VERIFY),
        &mut sec.verify,
        &VerifyChoice::ALL,
        |choice| {
            lang.t(match choice {
                VerifyChoice::System => &i18n::SEC_VERIFY_SYSTEM,
                VerifyChoice::CaFile => &i18n::SEC_VERIFY_CA_FILE,
                VerifyChoice::Insecure => &i18n::SEC_VERIFY_INSECURE,
            })
            .to_owned()
        },
    );
    if sec.verify == VerifyChoice::CaFile {
        file_field_ui(
            ui,
            lang,
            &i18n::SEC_CA_FILE,
            sec,
            TlsFileField::CaFile,
            &mut wanted,
        );
    }
    version_and_alpn_ui(ui, sec, lang);
    file_field_ui(
        ui,
        lang,
        &i18n::SEC_CLIENT_CERT,
        sec,
        TlsFileField::ClientCert,
        &mut wanted,
    );
    file_field_ui(
        ui,
        lang,
        &i18n::SEC_CLIENT_KEY,
        sec,
        TlsFileField::ClientKey,
        &mut wanted,
    );
    wanted
}

fn tls_server_fields_ui(
    ui: &mut Ui,
    sec: &mut SecuritySettings,
    lang: Lang,
) -> Option<DialogPurpose> {
    let mut wanted = None;
    combo_ui(
        ui,
        "tls-identity",
        lang.t(&i18n::SEC_IDENTITY),
        &mut sec.identity,
        &IdentityChoice::ALL,
        |choice| {
            lang.t(match choice {
                IdentityChoice::SelfSigned => &i18n::SEC_IDENTITY_SELF_SIGNED,
                IdentityChoice::Files => &i18n::SEC_IDENTITY_FILES,
            })
            .to_owned()
        },
    );
    match sec.identity {
        IdentityChoice::SelfSigned => {
            field_ui(ui, lang.t(&i18n::SEC_NAMES), &mut sec.names, 150.0)
                .on_hover_text(lang.t(&i18n::SEC_NAMES_HINT));
        }
        IdentityChoice::Files => {
            file_field_ui(
                ui,
                lang,
                &i18n::SEC_CERT_FILE,
                sec,
                TlsFileField::Cert,
                &mut wanted,
            );
            file_field_ui(
                ui,
                lang,
                &i18n::SEC_KEY_FILE,
                sec,
                TlsFileField::Key,
                &mut wanted,
            );
        }
    }
    version_and_alpn_ui(ui, sec, lang);
    ui.checkbox(
        &mut sec.request_client_cert,
        lang.t(&i18n::SEC_REQUEST_CLIENT_CERT),
    )
    .on_hover_text(lang.t(&i18n::SEC_REQUEST_CLIENT_CERT_HINT));
    if sec.request_client_cert {
        file_field_ui(
            ui,
            lang,
            &i18n::SEC_CLIENT_CA,
            sec,
            TlsFileField::ClientCa,
            &mut wanted,
        );
    }
    wanted
}

fn subprotocols_ui(ui: &mut Ui, sec: &mut SecuritySettings, lang: Lang) {
    field_ui(
        ui,
        lang.t(&i18n::SEC_SUBPROTOCOLS),
        &mut sec.ws_subprotocols,
        120.0,
    )
    .on_hover_text(lang.t(&i18n::SEC_SUBPROTOCOLS_HINT));
}

fn message_size_ui(ui: &mut Ui, sec: &mut SecuritySettings, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::SEC_FILE_MESSAGE_BYTES));
        ui.add(
            egui::DragValue::new(&mut sec.ws_file_message_bytes)
                .range(1..=crate::net::MAX_DATAGRAM_BYTES)
                .suffix(" B"),
        )
        .labelled_by(label.id)
        .on_hover_text(lang.t(&i18n::SEC_FILE_MESSAGE_BYTES_HINT));
    });
}

fn ws_client_fields_ui(
    ui: &mut Ui,
    sec: &mut SecuritySettings,
    lang: Lang,
) -> Option<DialogPurpose> {
    field_ui(ui, lang.t(&i18n::SEC_URL), &mut sec.ws_url, 180.0)
        .on_hover_text(lang.t(&i18n::SEC_URL_HINT));
    ui.vertical(|ui| {
        let label = ui.label(lang.t(&i18n::SEC_HEADERS));
        ui.add(
            TextEdit::multiline(&mut sec.ws_headers)
                .desired_rows(2)
                .desired_width(fit_width(ui, 220.0, 0.0)),
        )
        .labelled_by(label.id)
        .on_hover_text(lang.t(&i18n::SEC_HEADERS_HINT));
    });
    subprotocols_ui(ui, sec, lang);
    message_size_ui(ui, sec, lang);
    // For wss:// the TLS client's fields apply too.
    sec.ws_url_is_secure()
        .then(|| tls_client_fields_ui(ui, sec, lang))
        .flatten()
}

fn ws_server_fields_ui(
    ui: &mut Ui,
    sec: &mut SecuritySettings,
    lang: Lang,
) -> Option<DialogPurpose> {
    field_ui(ui, lang.t(&i18n::SEC_PATH), &mut sec.ws_path, 120.0)
        .on_hover_text(lang.t(&i18n::SEC_PATH_HINT));
    subprotocols_ui(ui, sec, lang);
    message_size_ui(ui, sec, lang);
    ui.checkbox(&mut sec.ws_server_tls, lang.t(&i18n::SEC_WSS));
    sec.ws_server_tls
        .then(|| tls_server_fields_ui(ui, sec, lang))
        .flatten()
}

/// The certificate the last handshake refused, as the server presented
/// it, with a button that trusts it for this tab (pins its SHA-256) and
/// connects again: a device's own certificate is often one no CA signed.
pub fn refused_certificate_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    if bench.is_active() || !bench.settings().protocol.verifies_server() {
        return;
    }
    let Some(refused) = bench.security().refused.clone() else {
        return;
    };
    ui.add_space(4.0);
    ui.strong(lang.t(&i18n::SEC_REFUSED_CERT));
    // The sentence wraps here, so it is read whole beside the fields
    // whether or not the log wraps its rows.
    if let Some(problem) = &bench.security().refusal {
        ui.add(
            egui::Label::new(
                egui::RichText::new(i18n::sec_sentences::tls_problem(lang, problem))
                    .color(ui.visuals().error_fg_color),
            )
            .wrap(),
        );
    }
    ui.add(egui::Label::new(i18n::sec_sentences::cert_line(lang, &refused)).wrap());
    if ui
        .button(lang.t(&i18n::SEC_TRUST_REFUSED))
        .on_hover_text(lang.t(&i18n::SEC_TRUST_REFUSED_HINT))
        .clicked()
    {
        bench.trust_refused_certificate();
    }
}

/// A TLS server's certificate fingerprint, once its session said it, with
/// a button that copies it (for a client to pin).
pub fn server_fingerprint_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let Some(fingerprint) = bench.security().fingerprint.clone() else {
        return;
    };
    if !bench.is_active() {
        return;
    }
    let label = ui.label(lang.t(&i18n::SEC_FINGERPRINT));
    ui.horizontal_wrapped(|ui| {
        // Read-only, but selectable: a person may copy a part of it.
        let mut shown = fingerprint.as_str();
        ui.add(
            TextEdit::multiline(&mut shown)
                .font(egui::TextStyle::Monospace)
                .desired_rows(2)
                .desired_width(fit_width(ui, 200.0, 0.0)),
        )
        .labelled_by(label.id);
        if ui.button(lang.t(&i18n::SEC_COPY)).clicked() {
            ui.ctx().copy_text(fingerprint.clone());
            bench.set_notice(lang.t(&i18n::SEC_COPIED).to_owned());
        }
    });
}

/// WebSocket: ping, and a close frame with a code and reason (to the
/// server, or to the ticked clients, all when none is ticked), while the
/// session runs.
pub fn ws_controls_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    if !bench.settings().protocol.is_websocket() || !bench.is_active() {
        return;
    }
    if ui.button(lang.t(&i18n::SEC_PING)).clicked() {
        bench.ws_ping();
    }
    let sec = &mut bench.settings_mut().sec;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::SEC_CLOSE_CODE));
        ui.add(egui::DragValue::new(&mut sec.ws_close_code).range(1000..=4999))
            .labelled_by(label.id);
    });
    field_ui(
        ui,
        lang.t(&i18n::SEC_CLOSE_REASON),
        &mut sec.ws_close_reason,
        120.0,
    );
    if ui.button(lang.t(&i18n::SEC_SEND_CLOSE)).clicked() {
        bench.ws_close();
    }
}

//! The tools drawer (NetAssist's "<" handle): auto-reply rules, framing of
//! TCP streams, checksums, multicast groups.

use egui::{ComboBox, TextEdit, Ui};

use super::ascii_tool_ui::ascii_tool_ui;
use super::checksum_tool_ui::checksum_tool_ui;
use super::dialog::DialogPurpose;
use super::fields_ui::{combo_ui, error_ui, fit_width, interface_menu_ui};
use super::float_tool_ui::float_tool_ui;
use super::i18n::{self, Lang};
use super::modbus_tool_ui::modbus_tool_ui;
use super::tools::kit::RowTool;
use super::tools::{AutoReplySetting, FramingKind, PatternKind};
use super::waveform_tool_ui::waveform_tool_ui;
use super::workbench::Workbench;
use crate::net::Command;
use crate::text::{Checksum, format_hex};

/// Draws the drawer; returns the file dialog one of its tools asks for.
pub fn tools_ui(ui: &mut Ui, bench: &mut Workbench) -> Option<DialogPurpose> {
    let mut wanted_dialog = None;
    let lang = bench.settings().lang;
    let protocol = bench.settings().protocol;
    // A tool that does not apply stays in its place with the reason, so
    // the drawer looks the same for every protocol and explains itself.
    let message_reason = (!protocol.carries_messages()).then_some(&i18n::TOOL_NOT_FOR_TFTP);
    let framing_reason = if protocol.frames_streams() {
        None
    } else if protocol.sends_datagrams() {
        Some(&i18n::FRAMING_TCP_ONLY)
    } else if protocol.is_websocket() {
        Some(&i18n::FRAMING_NOT_FOR_WEBSOCKET)
    } else {
        Some(&i18n::TOOL_NOT_FOR_TFTP)
    };
    let multicast_reason = (!protocol.joins_multicast()).then_some(&i18n::MULTICAST_UDP_ONLY);
    egui::ScrollArea::vertical().show(ui, |ui| {
        super::viewport::mark_scroll_viewport(ui, super::viewport::Sideways::Fits);
        ui.heading(lang.t(&i18n::TOOLS));
        tool_section_ui(
            ui,
            lang,
            &i18n::AUTO_REPLY,
            AtFirst::Open,
            message_reason,
            |ui| auto_reply_ui(ui, bench, lang),
        );
        tool_section_ui(
            ui,
            lang,
            &i18n::CHECKSUM,
            AtFirst::Open,
            message_reason,
            |ui| checksum_ui(ui, bench, lang),
        );
        tool_section_ui(
            ui,
            lang,
            &i18n::FRAMING,
            AtFirst::Open,
            framing_reason,
            |ui| framing_ui(ui, bench, lang),
        );
        tool_section_ui(
            ui,
            lang,
            &i18n::MULTICAST,
            AtFirst::Open,
            multicast_reason,
            |ui| multicast_ui(ui, bench, lang),
        );
        // The calculators start folded, so the drawer opens on the
        // session's tools and still fits a small window.
        // A log row sent to a calculator unfolds it and scrolls to it.
        let reveal = bench.tool_kit_mut().take_reveal();
        let unfold = |tool: RowTool| (reveal == Some(tool)).then_some(true);
        let checksum = egui::CollapsingHeader::new(lang.t(&i18n::TOOL_CHECKSUM_CALC))
            .default_open(false)
            .open(unfold(RowTool::Checksum))
            .show(ui, |ui| checksum_tool_ui(ui, bench, lang));
        let float = egui::CollapsingHeader::new(lang.t(&i18n::TOOL_FLOAT_CALC))
            .default_open(false)
            .open(unfold(RowTool::Float))
            .show(ui, |ui| float_tool_ui(ui, bench, lang));
        match reveal {
            Some(RowTool::Checksum) => checksum
                .header_response
                .scroll_to_me(Some(egui::Align::Min)),
            Some(RowTool::Float) => float.header_response.scroll_to_me(Some(egui::Align::Min)),
            None => {}
        }
        egui::CollapsingHeader::new(lang.t(&i18n::TOOL_ASCII_TABLE))
            .default_open(false)
            .show(ui, |ui| ascii_tool_ui(ui, bench, lang));
        tool_section_ui(
            ui,
            lang,
            &i18n::TOOL_MODBUS,
            AtFirst::Folded,
            message_reason,
            |ui| modbus_tool_ui(ui, bench, lang),
        );
        tool_section_ui(
            ui,
            lang,
            &i18n::TOOL_WAVEFORM,
            AtFirst::Folded,
            message_reason,
            |ui| wanted_dialog = waveform_tool_ui(ui, bench, lang),
        );
    });
    wanted_dialog
}

/// A tool the tab's protocol does not use: the reason, greyed.
/// Whether a section of the drawer starts open: the session's tools do,
/// the calculators start folded so the drawer still fits a small window.
#[derive(Clone, Copy)]
enum AtFirst {
    Open,
    Folded,
}

/// One section of the drawer: its controls, or where the tool does not
/// apply to the protocol, the reason in their place.
fn tool_section_ui(
    ui: &mut Ui,
    lang: Lang,
    title: &i18n::Text,
    at_first: AtFirst,
    reason: Option<&i18n::Text>,
    add_contents: impl FnOnce(&mut Ui),
) {
    egui::CollapsingHeader::new(lang.t(title))
        .default_open(matches!(at_first, AtFirst::Open))
        .show(ui, |ui| match reason {
            Some(reason) => not_applicable_ui(ui, lang, reason),
            None => add_contents(ui),
        });
}

fn not_applicable_ui(ui: &mut Ui, lang: Lang, reason: &i18n::Text) {
    ui.add_enabled(false, egui::Label::new(lang.t(reason)).wrap());
}

fn auto_reply_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    ui.label(lang.t(&i18n::AUTO_REPLY_HINT));
    ui.label(lang.t(&i18n::AUTO_REPLY_LIVE));
    // Edits apply as they are made: a ticked rule is an active rule.
    let before = bench.settings().tools.auto_replies.clone();
    let mut delete = None;
    for (index, rule) in bench
        .settings_mut()
        .tools
        .auto_replies
        .iter_mut()
        .enumerate()
    {
        ui.push_id(index, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.checkbox(&mut rule.enabled, format!("#{}", index + 1));
                let label = ui.label(lang.t(&i18n::AUTO_REPLY_MATCH));
                ComboBox::from_id_salt("kind")
                    .selected_text(pattern_kind_name(rule.kind, lang))
                    .show_ui(ui, |ui| {
                        for kind in PatternKind::ALL {
                            ui.selectable_value(
                                &mut rule.kind,
                                kind,
                                pattern_kind_name(kind, lang),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if ui
                    .small_button("×")
                    .on_hover_text(lang.t(&i18n::QUICK_DELETE))
                    .clicked()
                {
                    delete = Some(index);
                }
            });
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::AUTO_REPLY_WHEN));
                ui.add(
                    TextEdit::singleline(&mut rule.pattern)
                        .desired_width(fit_width(ui, 170.0, 0.0)),
                )
                .labelled_by(label.id);
            });
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(lang.t(&i18n::AUTO_REPLY_SEND));
                ui.add(
                    TextEdit::singleline(&mut rule.reply).desired_width(fit_width(ui, 120.0, 0.0)),
                )
                .labelled_by(label.id)
                .on_hover_text(lang.t(&i18n::AUTO_REPLY_ESCAPES_HINT));
                ui.checkbox(&mut rule.reply_hex, "HEX");
            });
            ui.separator();
        });
    }
    if let Some(index) = delete {
        bench.settings_mut().tools.auto_replies.remove(index);
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button(lang.t(&i18n::AUTO_REPLY_ADD)).clicked() {
            bench
                .settings_mut()
                .tools
                .auto_replies
                .push(AutoReplySetting {
                    enabled: true,
                    ..AutoReplySetting::default()
                });
        }
    });
    if bench.settings().tools.auto_replies != before {
        bench.apply_auto_replies();
    }
    error_ui(ui, &bench.errors().auto_reply);
}

/// How a rule matches, in the window's language.
fn pattern_kind_name(kind: PatternKind, lang: Lang) -> &'static str {
    lang.t(match kind {
        PatternKind::Contains => &i18n::PATTERN_CONTAINS,
        PatternKind::Equals => &i18n::PATTERN_EQUALS,
        PatternKind::StartsWith => &i18n::PATTERN_STARTS_WITH,
        PatternKind::Regex => &i18n::PATTERN_REGEX,
        PatternKind::Hex => &i18n::PATTERN_HEX,
    })
}

fn checksum_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    // "None" first, then the engine's checksums in its order.
    let choices: Vec<Option<Checksum>> = std::iter::once(None)
        .chain(Checksum::ALL.map(Some))
        .collect();
    let name = |c: Option<Checksum>| c.map_or("—".to_owned(), |c| c.label().to_owned());
    combo_ui(
        ui,
        "tx-checksum",
        lang.t(&i18n::CHECKSUM_APPEND),
        &mut bench.settings_mut().tools.tx_checksum,
        &choices,
        name,
    );
    combo_ui(
        ui,
        "rx-checksum",
        lang.t(&i18n::CHECKSUM_VERIFY),
        &mut bench.settings_mut().tools.rx_checksum,
        &choices,
        name,
    );
    if let (Some(checksum), Ok(bytes)) = (bench.settings().tools.tx_checksum, bench.send_bytes()) {
        // What will be appended to the send box's message, before sending.
        let body = &bytes[..bytes.len().saturating_sub(checksum.byte_count())];
        if !body.is_empty() {
            ui.monospace(format!("+ {}", format_hex(&checksum.compute(body))));
        }
    }
}

fn framing_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    let active = bench.is_active();
    ui.add_enabled_ui(!active, |ui| {
        let framing = &mut bench.settings_mut().tools.framing;
        combo_ui(
            ui,
            "framing",
            lang.t(&i18n::FRAMING_MODE),
            &mut framing.kind,
            &FramingKind::ALL,
            |k| {
                match k {
                    FramingKind::None => lang.t(&i18n::FRAMING_NONE),
                    FramingKind::Delimiter => lang.t(&i18n::FRAMING_DELIMITER),
                    FramingKind::FixedLength => lang.t(&i18n::FRAMING_LENGTH),
                    FramingKind::IdleGap => lang.t(&i18n::FRAMING_GAP),
                }
                .to_owned()
            },
        );
        match framing.kind {
            FramingKind::None => {}
            FramingKind::Delimiter => {
                ui.horizontal_wrapped(|ui| {
                    let label = ui.label(lang.t(&i18n::FRAMING_DELIMITER));
                    ui.add(
                        TextEdit::singleline(&mut framing.delimiter)
                            .desired_width(fit_width(ui, 80.0, 0.0)),
                    )
                    .labelled_by(label.id);
                });
            }
            FramingKind::FixedLength => {
                ui.horizontal_wrapped(|ui| {
                    let label = ui.label(lang.t(&i18n::FRAMING_LENGTH));
                    ui.add(
                        egui::DragValue::new(&mut framing.length)
                            .range(1..=1 << 20)
                            .suffix(" B"),
                    )
                    .labelled_by(label.id);
                });
            }
            FramingKind::IdleGap => {
                ui.horizontal_wrapped(|ui| {
                    let label = ui.label(lang.t(&i18n::FRAMING_GAP));
                    ui.add(
                        egui::DragValue::new(&mut framing.gap_ms)
                            .range(1..=60_000)
                            .suffix(" ms"),
                    )
                    .labelled_by(label.id);
                });
            }
        }
    });
    if active {
        ui.label(lang.t(&i18n::APPLIES_AT_OPEN));
    }
    error_ui(ui, &bench.errors().framing);
}

fn multicast_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::MULTICAST_GROUPS));
        ui.add(
            TextEdit::singleline(&mut bench.settings_mut().udp.multicast_groups)
                .desired_width(fit_width(ui, 150.0, 0.0))
                .hint_text("239.255.0.1"),
        )
        .labelled_by(label.id)
        .on_hover_text(lang.t(&i18n::MULTICAST_GROUPS_HINT));
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::MULTICAST_INTERFACE));
        ui.add(
            TextEdit::singleline(&mut bench.settings_mut().udp.multicast_interface)
                .desired_width(fit_width(ui, 110.0, 0.0))
                .hint_text("0.0.0.0"),
        )
        .labelled_by(label.id);
        ui.menu_button("▼", |ui| {
            interface_menu_ui(ui, &mut bench.settings_mut().udp.multicast_interface);
        });
    });
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("TTL");
        ui.add(
            egui::DragValue::new(&mut bench.settings_mut().udp.multicast_ttl)
                .range(crate::net::MULTICAST_TTL),
        )
        .labelled_by(label.id);
        let open = bench.is_active();
        for (text, join) in [
            (lang.t(&i18n::MULTICAST_JOIN), true),
            (lang.t(&i18n::MULTICAST_LEAVE), false),
        ] {
            if ui.add_enabled(open, egui::Button::new(text)).clicked() {
                bench.errors_mut().multicast = None;
                match crate::net::MulticastJoin::parse_list(
                    &bench.settings().udp.multicast_groups,
                    &bench.settings().udp.multicast_interface,
                ) {
                    Ok(groups) => {
                        for group in groups {
                            bench.send_command(if join {
                                Command::JoinGroup(group)
                            } else {
                                Command::LeaveGroup(group)
                            });
                        }
                    }
                    Err(e) => {
                        bench.errors_mut().multicast = Some(i18n::sentences::group_error(lang, &e));
                    }
                }
            }
        }
    });
    error_ui(ui, &bench.errors().multicast);
}

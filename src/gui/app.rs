//! The eframe application: `logic` drains the session's events within a
//! time budget; `ui` lays out the panels, each drawn by its own `*_ui`.

use std::sync::Arc;
use std::time::Duration;

use egui::{Key, Modifiers};

use super::dialog::{self, DialogPurpose, PendingDialog};
use super::i18n::{self, Lang};
use super::settings::Settings;
use super::workbench::Workbench;
use super::{clients_ui, fonts, log_ui, send_ui, settings_ui, status_ui, tftp_ui};
use crate::cli::Args;
use crate::net::Protocol;

/// How long one frame may spend applying events before it draws; the rest
/// waits for the next frame, so a flood never freezes the window.
const EVENT_BUDGET: Duration = Duration::from_millis(8);

pub struct App {
    bench: Workbench,
    dialog: Option<PendingDialog>,
}

impl App {
    /// The window's app: remembered settings, then command-line presets.
    pub fn new(cc: &eframe::CreationContext<'_>, args: &Args) -> App {
        let settings = cc
            .storage
            .and_then(|storage| eframe::get_value::<Settings>(storage, eframe::APP_KEY))
            .unwrap_or_default();
        App::with_settings(&cc.egui_ctx, settings, args)
    }

    /// The same as [`App::new`] with the given remembered settings.
    pub fn with_settings(ctx: &egui::Context, mut settings: Settings, args: &Args) -> App {
        fonts::install(ctx);
        let problems = settings.apply_args(args);
        ctx.set_theme(if settings.dark_mode {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        let repaint = ctx.clone();
        let mut bench = Workbench::new(settings, Arc::new(move || repaint.request_repaint()));
        if !problems.is_empty() {
            bench.errors.other = Some(problems.join("; "));
        }
        if args.open {
            match bench.settings.protocol {
                Protocol::TftpClient => bench.tftp_transfer(args.put.is_none()),
                _ => bench.open(),
            }
        }
        App {
            bench,
            dialog: None,
        }
    }

    pub fn workbench(&self) -> &Workbench {
        &self.bench
    }

    pub fn workbench_mut(&mut self) -> &mut Workbench {
        &mut self.bench
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.bench.settings.lang;
        ui.horizontal(|ui| {
            ui.strong(lang.t(&i18n::APP_TITLE));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let mut dark = self.bench.settings.dark_mode;
                if ui
                    .checkbox(&mut dark, lang.t(&i18n::DARK_MODE))
                    .on_hover_text("Light or dark theme / 浅色或深色主题")
                    .changed()
                {
                    self.bench.settings.dark_mode = dark;
                    ui.ctx().set_theme(if dark {
                        egui::Theme::Dark
                    } else {
                        egui::Theme::Light
                    });
                }
                ui.separator();
                ui.selectable_value(&mut self.bench.settings.lang, Lang::En, "English");
                ui.selectable_value(&mut self.bench.settings.lang, Lang::Zh, "简体中文");
                ui.label(format!("{}:", lang.t(&i18n::LANGUAGE)));
            });
        });
    }

    fn poll_dialog(&mut self) {
        let Some(pending) = &self.dialog else { return };
        let Ok(answer) = pending.answer.try_recv() else {
            return;
        };
        let purpose = pending.purpose;
        self.dialog = None;
        let Some(path) = answer else { return };
        let settings = &mut self.bench.settings;
        match purpose {
            DialogPurpose::SaveLog => match self.bench.save_log(&path) {
                Ok(count) => {
                    self.bench.notice = Some(format!(
                        "{} {} ({count})",
                        settings_lang(&self.bench).t(&i18n::LOG_SAVED),
                        path.display()
                    ));
                }
                Err(e) => {
                    self.bench.errors.other = Some(format!("cannot save {}: {e}", path.display()));
                }
            },
            DialogPurpose::TftpRoot => settings.tftp_root = path.display().to_string(),
            DialogPurpose::TftpLocalDir => settings.tftp_local_dir = path.display().to_string(),
            DialogPurpose::TftpLocalFile => settings.tftp_local_file = path.display().to_string(),
        }
    }

    fn open_dialog(&mut self, purpose: DialogPurpose, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let settings = &self.bench.settings;
        let start = match purpose {
            DialogPurpose::TftpRoot => Some(settings.tftp_root.clone()),
            DialogPurpose::TftpLocalDir | DialogPurpose::SaveLog => {
                Some(settings.tftp_local_dir.clone())
            }
            DialogPurpose::TftpLocalFile => None,
        };
        self.dialog = Some(dialog::open(purpose, start.map(Into::into), ctx.clone()));
    }
}

fn settings_lang(bench: &Workbench) -> Lang {
    bench.settings.lang
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if self.bench.drain_events(EVENT_BUDGET) {
            ctx.request_repaint();
        }
        self.poll_dialog();
        if self.bench.transfers_running() {
            // Rates and progress bars move even between progress events.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::L)) {
            self.bench.clear_log();
        }
        let protocol = self.bench.settings.protocol;
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| status_ui::status_ui(ui, &mut self.bench));
        let mut wanted_dialog = None;
        egui::Panel::left("settings")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    wanted_dialog = settings_ui::settings_ui(ui, &mut self.bench);
                });
            });
        egui::CentralPanel::default().show(ui, |ui| {
            match protocol {
                Protocol::TftpServer | Protocol::TftpClient => {
                    egui::Panel::top("transfers")
                        .resizable(true)
                        .default_size(200.0)
                        .show(ui, |ui| tftp_ui::transfers_ui(ui, &mut self.bench));
                }
                Protocol::TcpServer => {
                    // The clients sit beside the send box, where NetAssist
                    // users pick the send target, leaving the log its width.
                    egui::Panel::bottom("send")
                        .resizable(true)
                        .default_size(190.0)
                        .show(ui, |ui| {
                            egui::Panel::right("clients")
                                .resizable(true)
                                .default_size(360.0)
                                .show(ui, |ui| clients_ui::clients_ui(ui, &mut self.bench));
                            send_ui::send_ui(ui, &mut self.bench);
                        });
                }
                Protocol::Udp | Protocol::TcpClient => {
                    egui::Panel::bottom("send")
                        .resizable(true)
                        .default_size(150.0)
                        .show(ui, |ui| send_ui::send_ui(ui, &mut self.bench));
                }
            }
            log_ui::log_ui(ui, &mut self.bench, &mut wanted_dialog);
        });
        if let Some(purpose) = wanted_dialog {
            self.open_dialog(purpose, &ui.ctx().clone());
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.bench.settings);
    }
}

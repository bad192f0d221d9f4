//! The eframe application: `logic` drains every session's events within a
//! time budget; `ui` lays out the panels of the tab in view, each drawn by
//! its own `*_ui`. Several sessions run side by side as tabs.

mod dialogs;
mod shared;
mod toolbar;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use serde::{Deserialize, Serialize};

use super::dialog::PendingDialog;
use super::file_picker::FilePicker;
use super::i18n::Lang;
use super::load_problem::{DroppedField, DroppedSetting, LoadProblem, SettingPlace};
use super::settings::{self as saved, Settings};
use super::settings_ui::protocol_name;
use super::workbench::Workbench;
use super::{
    clients_ui, fonts, log_ui, rate_ui, send_ui, settings_ui, status_ui, tftp_ui, tools_ui,
    viewport, waveform_tool_ui,
};
use crate::cli::Args;

/// How long one frame may spend applying events before it draws; the rest
/// waits for the next frame, so a flood never freezes the window.
const EVENT_BUDGET: Duration = Duration::from_millis(8);

/// The settings panel's width as first shown (in points).
const SETTINGS_PANEL_WIDTH: f32 = 280.0;

/// The tools drawer's width as first shown (in points).
const TOOLS_DRAWER_WIDTH: f32 = 300.0;

/// The narrowest the log and send area may get: the side panels give up
/// width (their content scrolls) before they squeeze it below this.
const CENTRAL_MIN_WIDTH: f32 = 300.0;

/// The narrowest a side panel may get.
const SIDE_PANEL_MIN_WIDTH: f32 = 120.0;

/// The widths the settings panel and the tools drawer may take in a window
/// `width` points wide: together they leave `CENTRAL_MIN_WIDTH`, shared in
/// the ratio of their first widths when the drawer is open.
fn side_panel_widths(width: f32, drawer_open: bool) -> (egui::Rangef, egui::Rangef) {
    let room = width - CENTRAL_MIN_WIDTH;
    let range = |max: f32| {
        let max = max.max(SIDE_PANEL_MIN_WIDTH);
        egui::Rangef::new(SIDE_PANEL_MIN_WIDTH, max)
    };
    if drawer_open {
        let share = SETTINGS_PANEL_WIDTH / (SETTINGS_PANEL_WIDTH + TOOLS_DRAWER_WIDTH);
        (range(room * share), range(room * (1.0 - share)))
    } else {
        (range(room), range(room))
    }
}

/// The largest share of the log-and-send area's height the send panel may
/// take (by default or when dragged).
const SEND_PANEL_MAX_SHARE: f32 = 0.5;

const FUNCTION_KEYS: [Key; 12] = [
    Key::F1,
    Key::F2,
    Key::F3,
    Key::F4,
    Key::F5,
    Key::F6,
    Key::F7,
    Key::F8,
    Key::F9,
    Key::F10,
    Key::F11,
    Key::F12,
];

/// The storage key of the remembered tabs.
pub const WINDOW_KEY: &str = "netassist-window";

/// How long the settings must stay unchanged before they are saved: soon
/// enough that a killed window loses at most this much, late enough that
/// typing in a field does not write the file on every key.
pub const SAVE_DEBOUNCE: Duration = Duration::from_secs(1);

/// How often frames without input or a dialog compare the settings.
const SETTINGS_LOOK_INTERVAL: Duration = Duration::from_secs(1);

/// The shape of the saved window this release writes. Files written before
/// the number was (version 0 when read) load the same; a later shape that
/// changes what a field means raises it, so its reader can tell them apart.
/// `tests/it/fixtures/` keeps a window saved by each shape's release.
pub const SAVED_WINDOW_VERSION: u32 = 1;

/// What the window remembers: each tab's settings and which one was shown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedWindow {
    /// The shape it was saved in ([`SAVED_WINDOW_VERSION`]; 0: before the
    /// number was written, and then not written either, so that such a
    /// window saved again is the same text).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u32,
    pub tabs: Vec<Settings>,
    pub active: usize,
    /// Named settings a user saved to load into any tab later.
    #[serde(default)]
    pub profiles: BTreeMap<String, Settings>,
}

fn is_zero(version: &u32) -> bool {
    *version == 0
}

pub struct App {
    tabs: Vec<Workbench>,
    active: usize,
    profiles: BTreeMap<String, Settings>,
    /// The name typed for the next saved profile.
    profile_name: String,
    /// Whether the tools drawer is open.
    show_tools: bool,
    /// What loading the saved window could not read, and the tab that
    /// shows it (in the language of `lang_shown`).
    load_problem: Option<(LoadProblem, usize)>,
    /// The language the window's sentences were last worded in (none
    /// before the first frame).
    lang_shown: Option<Lang>,
    /// How many tabs there were and which held which local port, as the
    /// tabs were last told.
    ports_held: (usize, Vec<(usize, u16)>),
    /// An open file dialog and the tab that asked for it.
    dialog: Option<(usize, OpenDialog)>,
    /// Whether Browse… asks the system for its dialog first; false once
    /// the system showed none (or a test said so), and then the window's
    /// own picker opens at once.
    native_dialogs: bool,
    ctx: egui::Context,
    /// What was last written to the storage (or loaded from it).
    last_saved: SavedWindow,
    /// The settings as of the last change seen, and when it was seen: the
    /// debounce counts from there. Comparing whole snapshots costs a clone
    /// of each tab's settings (a few KiB) and catches every change,
    /// whichever control or dialog made it.
    pending: SavedWindow,
    changed_since: Option<Instant>,
    /// Settings change only through input or a dialog; the frame after one
    /// compares them (`ui` applies a frame's input after `logic`). Other
    /// frames, such as those a flood of events draws, compare at most once
    /// per `SETTINGS_LOOK_INTERVAL`.
    look_for_changes: bool,
    next_settings_look: Instant,
    /// A SIGTERM/SIGINT (or a console close on Windows) asks the window,
    /// through this channel, to save and close.
    close_requests: Option<crossbeam_channel::Receiver<()>>,
}

impl App {
    /// The window's app: remembered tabs, then command-line presets on the
    /// tab in view.
    pub fn new(cc: &eframe::CreationContext<'_>, args: &Args) -> App {
        let text = cc
            .storage
            .and_then(|storage| storage.get_string(WINDOW_KEY));
        let backup_dir = crate::folders::settings_folder();
        let (saved, problem) = match text {
            Some(text) => load_saved_window(&text, backup_dir.as_deref()),
            None => (SavedWindow::default(), None),
        };
        let mut app = App::with_saved(&cc.egui_ctx, saved, args);
        if let Some(problem) = problem {
            app.report_load_problem(problem);
        }
        app
    }

    /// Asks the window to save and close when a message arrives here (the
    /// signal handler's side of the channel; see `gui::run`).
    pub fn close_on(&mut self, requests: crossbeam_channel::Receiver<()>) {
        self.close_requests = Some(requests);
    }

    /// Writes the settings to `storage` once they have stayed unchanged for
    /// `SAVE_DEBOUNCE` after a change, as of `now`. Returns whether it
    /// wrote; otherwise, while a save is pending, when it will be due.
    pub fn save_if_due(
        &mut self,
        now: Instant,
        storage: Option<&mut (dyn eframe::Storage + 'static)>,
    ) -> Result<bool, Instant> {
        let current = self.saved_window();
        if current == self.last_saved {
            self.changed_since = None;
            return Ok(false);
        }
        // The debounce restarts with every further change, so it counts
        // from the last one.
        match self.changed_since {
            Some(at) if current == self.pending => {
                if now < at + SAVE_DEBOUNCE {
                    return Err(at + SAVE_DEBOUNCE);
                }
            }
            _ => {
                self.pending = current;
                self.changed_since = Some(now);
                return Err(now + SAVE_DEBOUNCE);
            }
        }
        let Some(storage) = storage else {
            return Ok(false);
        };
        self.write_to(storage);
        Ok(true)
    }

    /// Writes the settings now and flushes the storage to disk.
    fn write_to(&mut self, storage: &mut dyn eframe::Storage) {
        let current = self.saved_window();
        eframe::set_value(storage, WINDOW_KEY, &current);
        storage.flush();
        self.last_saved = current;
        self.changed_since = None;
    }

    /// One tab with these settings (what tests start from).
    pub fn with_settings(ctx: &egui::Context, settings: Settings, args: &Args) -> App {
        App::with_saved(
            ctx,
            SavedWindow {
                version: SAVED_WINDOW_VERSION,
                tabs: vec![settings],
                active: 0,
                profiles: BTreeMap::new(),
            },
            args,
        )
    }

    pub fn with_saved(ctx: &egui::Context, saved: SavedWindow, args: &Args) -> App {
        fonts::install(ctx);
        // A blinking cursor repaints the whole window twice a second for as
        // long as a text box has focus: 4 % of a core under Xvfb (issue 5,
        // idle). A steady cursor costs nothing while nothing happens.
        ctx.all_styles_mut(|style| style.visuals.text_cursor.blink = false);
        let mut app = App {
            tabs: Vec::new(),
            active: 0,
            profiles: saved.profiles,
            profile_name: String::new(),
            show_tools: false,
            load_problem: None,
            lang_shown: None,
            ports_held: (0, Vec::new()),
            dialog: None,
            native_dialogs: true,
            ctx: ctx.clone(),
            last_saved: SavedWindow::default(),
            pending: SavedWindow::default(),
            changed_since: None,
            look_for_changes: false,
            next_settings_look: Instant::now(),
            close_requests: None,
        };
        let mut all = saved.tabs;
        if all.is_empty() {
            // No settings file: a first start, in the language asked for
            // (or the system's), with that language's encoding.
            let lang = args.lang.as_deref().and_then(Lang::from_code);
            all.push(Settings::first_start(
                lang.unwrap_or_else(Lang::from_system),
            ));
        }
        app.active = saved.active.min(all.len() - 1);
        for settings in all {
            let bench = app.new_workbench(settings);
            app.tabs.push(bench);
        }
        let bench = &mut app.tabs[app.active];
        let problems = bench.settings_mut().apply_args(args);
        if !problems.is_empty() {
            bench.errors_mut().other = Some(problems.join("; "));
        }
        if args.open {
            // A TFTP client opens by starting its one transfer.
            if bench.settings().protocol.transfers_one_file() {
                bench.tftp_transfer(args.put.is_none());
            } else {
                bench.open();
            }
        }
        app.sync_shared_settings();
        // What was loaded counts as saved, so an untouched window writes
        // nothing.
        app.last_saved = app.saved_window();
        app
    }

    fn new_workbench(&self, settings: Settings) -> Workbench {
        let repaint = self.ctx.clone();
        Workbench::new(settings, Arc::new(move || repaint.request_repaint()))
    }

    /// The tab in view.
    pub fn workbench(&self) -> &Workbench {
        &self.tabs[self.active]
    }

    pub fn workbench_mut(&mut self) -> &mut Workbench {
        &mut self.tabs[self.active]
    }

    /// Which tab is in view.
    pub fn active_index(&self) -> usize {
        self.active
    }

    pub fn tabs(&self) -> &[Workbench] {
        &self.tabs
    }

    pub fn saved_window(&self) -> SavedWindow {
        SavedWindow {
            version: SAVED_WINDOW_VERSION,
            tabs: self.tabs.iter().map(Workbench::settings_to_save).collect(),
            active: self.active,
            profiles: self.profiles.clone(),
        }
    }

    fn tab_title(bench: &Workbench, index: usize) -> String {
        let settings = &bench.settings();
        let fields = settings.addr();
        let url_port;
        let protocol = settings.protocol;
        // A tab is named by the port it listens on, else the one it talks to.
        let port = if protocol.listens() {
            &fields.local_port
        } else if protocol.takes_url() {
            url_port = settings
                .sec
                .ws_url
                .parse::<crate::net::ws::WsUrl>()
                .map_or_else(|_| "?".to_owned(), |url| url.endpoint.port.to_string());
            &url_port
        } else {
            &fields.remote_port
        };
        let dot = if bench.is_active() { " ●" } else { "" };
        format!(
            "{} {} :{port}{dot}",
            index + 1,
            protocol_name(settings.protocol, settings.lang)
        )
    }

    fn session_ui(&mut self, ui: &mut egui::Ui) {
        let mut wanted_dialog = None;
        let bench = &mut self.tabs[self.active];
        let protocol = bench.settings().protocol;
        egui::Panel::bottom("status").show(ui, |ui| status_ui::status_ui(ui, bench));
        if bench.view().show_rates() {
            egui::Panel::bottom("rates")
                .resizable(true)
                .default_size(150.0)
                .show(ui, |ui| rate_ui::rate_plot_ui(ui, bench));
        }
        let (settings_width, tools_width) =
            side_panel_widths(ui.available_width(), self.show_tools);
        egui::Panel::left("settings")
            .resizable(true)
            .default_size(SETTINGS_PANEL_WIDTH)
            .size_range(settings_width)
            .show(ui, |ui| {
                // Scrolling both ways keeps the panel at the width it was
                // given: content wider than that scrolls instead of
                // widening the panel (and squeezing the log).
                egui::ScrollArea::vertical().show(ui, |ui| {
                    viewport::mark_scroll_viewport(ui, viewport::Sideways::Fits);
                    wanted_dialog = settings_ui::settings_ui(ui, bench);
                });
            });
        // A log row sent to one of the drawer's calculators opens it.
        if bench.tool_kit().reveal_pending() {
            self.show_tools = true;
        }
        // The drawer shows for TFTP too: its tools say there why they do
        // not apply, instead of vanishing without a word.
        if self.show_tools {
            egui::Panel::right("tools")
                .resizable(true)
                .default_size(TOOLS_DRAWER_WIDTH)
                .size_range(tools_width)
                .show(ui, |ui| {
                    if let Some(purpose) = tools_ui::tools_ui(ui, bench) {
                        wanted_dialog = Some(purpose);
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            // The send panel takes at most this much of the height, so a
            // small window keeps room for the log's header and some rows.
            let send_panel_max = ui.available_height() * SEND_PANEL_MAX_SHARE;
            if protocol.is_tftp() {
                egui::Panel::top("transfers")
                    .resizable(true)
                    .default_size(200.0)
                    .max_size(send_panel_max)
                    .show(ui, |ui| tftp_ui::transfers_ui(ui, bench));
            } else if protocol.serves_clients() {
                // The clients sit beside the send box, where NetAssist
                // users pick the send target, leaving the log its width.
                egui::Panel::bottom("send")
                    .resizable(true)
                    .default_size(190.0)
                    .max_size(send_panel_max)
                    .show(ui, |ui| {
                        let width = ui.available_width();
                        if clients_ui::table_fits(width, protocol)
                            && !bench.view().compact_targets()
                        {
                            egui::Panel::right("clients")
                                .resizable(true)
                                .default_size(clients_ui::table_width(protocol))
                                .size_range(clients_ui::table_width_range(width, protocol))
                                .show(ui, |ui| clients_ui::clients_ui(ui, bench));
                        } else {
                            // Too narrow for the table beside the box,
                            // or the user asked: NetAssist's one-line
                            // target combo instead.
                            clients_ui::send_target_ui(
                                ui,
                                bench,
                                clients_ui::table_fits(width, protocol),
                            );
                        }
                        send_ui::send_ui(ui, bench, &mut wanted_dialog);
                    });
            } else {
                egui::Panel::bottom("send")
                    .resizable(true)
                    .default_size(150.0)
                    .max_size(send_panel_max)
                    .show(ui, |ui| send_ui::send_ui(ui, bench, &mut wanted_dialog));
            }
            log_ui::log_ui(ui, bench, &mut wanted_dialog);
        });
        // The waveform's own window, once the user opened it from the
        // drawer: over the panels, and open whether the drawer is or not.
        if let Some(purpose) = waveform_tool_ui::waveform_window_ui(ui.ctx(), bench) {
            wanted_dialog = Some(purpose);
        }
        if self.tabs[self.active].settings().protocol != protocol {
            // A new protocol's port still at its default moves past the
            // ports of the other tabs, as a new tab's does.
            let taken = self.ports_of_other_tabs(self.active);
            self.tabs[self.active]
                .settings_mut()
                .step_past_taken_port(&taken);
        }
        if let Some(purpose) = wanted_dialog {
            self.open_dialog(purpose);
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.tell_tabs_the_ports_held();
        let budget = EVENT_BUDGET / self.tabs.len().max(1) as u32;
        let mut more = false;
        for bench in &mut self.tabs {
            more |= bench.drain_events(budget);
        }
        if more {
            ctx.request_repaint();
        }
        self.poll_dialog();
        let now = std::time::Instant::now();
        for bench in &mut self.tabs {
            if let Some(due) = bench.tick_sequence(now) {
                ctx.request_repaint_after(due.saturating_duration_since(now));
            }
            // Rates are sampled only while there is something to measure,
            // and the plot asks for a frame each second only while it still
            // moves, so an idle window stays idle.
            if bench.is_active() {
                let next = bench.sample_rates(now);
                if bench.view().show_rates() && bench.mirror().rates().moving(now) {
                    ctx.request_repaint_after(next.saturating_duration_since(now));
                }
            }
        }
        if self.tabs.iter().any(Workbench::transfers_running) {
            // Rates and progress bars move even between progress events.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
        let look =
            self.look_for_changes || self.changed_since.is_some() || now >= self.next_settings_look;
        // A system dialog's answer changes settings in a frame without
        // input; the window's picker answers through input.
        self.look_for_changes = matches!(self.dialog, Some((_, OpenDialog::Native(_))))
            || ctx.input(|i| {
                !i.events.is_empty() || !i.raw.dropped_files.is_empty() || i.pointer.any_down()
            });
        if self.look_for_changes {
            // The frame that looks at what this one's input changed.
            ctx.request_repaint();
        }
        if look {
            self.next_settings_look = now + SETTINGS_LOOK_INTERVAL;
            if let Err(due) = self.save_if_due(now, frame.storage_mut()) {
                ctx.request_repaint_after(due.saturating_duration_since(now));
            }
        }
        if self
            .close_requests
            .as_ref()
            .is_some_and(|requests| requests.try_recv().is_ok())
        {
            if let Some(storage) = frame.storage_mut() {
                self.write_to(storage);
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::L)) {
            self.workbench_mut().clear_log();
        }
        // F1–F12 send quick commands 1–12.
        for (index, key) in FUNCTION_KEYS.iter().enumerate() {
            if ui.input_mut(|i| i.consume_key(Modifiers::NONE, *key)) {
                self.workbench_mut().send_quick_command(index);
            }
        }
        // A file dropped on the window is chosen, as 打开文件数据源 does.
        let dropped: Vec<std::path::PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.first() {
            self.workbench_mut().choose_file_source(path);
        }
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        self.session_ui(ui);
        self.picker_ui(ui.ctx());
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let current = self.saved_window();
        eframe::set_value(storage, WINDOW_KEY, &current);
        self.last_saved = current;
        self.changed_since = None;
    }
}

/// Reads the saved window from its stored text, keeping every readable
/// field. When something could not be read, the text is kept in
/// `backup_dir` (beside eframe's `app.ron`) and the problem is returned.
pub fn load_saved_window(
    text: &str,
    backup_dir: Option<&std::path::Path>,
) -> (SavedWindow, Option<LoadProblem>) {
    let (mut window, mut dropped) = match ron::from_str::<SavedWindow>(text) {
        Ok(window) => (window, Vec::new()),
        Err(_) => {
            let (window, report) = saved::load_window_lenient(text, |parts| SavedWindow {
                version: parts.version,
                tabs: parts.tabs,
                active: parts.active,
                profiles: parts.profiles,
            });
            (window, report.dropped)
        }
    };
    for (index, tab) in window.tabs.iter_mut().enumerate() {
        dropped.extend(tab.sanitize().into_iter().map(|field| {
            DroppedSetting::new(
                SettingPlace::Tab(index + 1),
                DroppedField::Named(field.to_owned()),
            )
        }));
    }
    for (name, profile) in &mut window.profiles {
        dropped.extend(profile.sanitize().into_iter().map(|field| {
            DroppedSetting::new(
                SettingPlace::Profile(name.clone()),
                DroppedField::Named(field.to_owned()),
            )
        }));
    }
    if dropped.is_empty() {
        return (window, None);
    }
    dropped.dedup();
    let backup = match backup_dir {
        Some(dir) => {
            saved::write_unreadable_backup(dir, text.as_bytes()).map_err(|e| Some(e.to_string()))
        }
        None => Err(None),
    };
    (window, Some(LoadProblem { dropped, backup }))
}

/// A file dialog that is open: the system's, on its own thread, or the
/// window's own picker, drawn each frame.
enum OpenDialog {
    Native(PendingDialog),
    InWindow(FilePicker),
}

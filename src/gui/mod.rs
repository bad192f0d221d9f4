//! The egui front end: one window over the engine. `ui/` code never
//! touches a socket; it sends commands through a `Workbench`.

mod app;
mod ascii_tool_ui;
mod checksum_tool_ui;
mod clients_ui;
mod dialog;
mod encoding_hint_ui;
mod fields_ui;
mod file_picker;
pub mod filter;
mod float_tool_ui;
pub mod fonts;
pub mod i18n;
mod load_problem;
mod log_ui;
mod modbus_tool_ui;
pub mod rate;
mod rate_ui;
pub mod rx_file;
mod security_ui;
mod send_options_ui;
mod send_ui;
pub mod session_config;
pub mod settings;
mod settings_ui;
mod status_ui;
mod tftp_ui;
pub mod tools;
mod tools_ui;
mod viewport;
mod waveform_tool_ui;
pub mod workbench;

use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

pub use app::{
    App, SAVE_DEBOUNCE, SAVED_WINDOW_VERSION, SavedWindow, WINDOW_KEY, load_saved_window,
};
pub use load_problem::{DroppedField, DroppedSetting, LoadProblem, SettingPlace};
pub use settings_ui::protocol_name;

/// The application's icon, 256 × 256 PNG.
pub const WINDOW_ICON_PNG: &[u8] = include_bytes!("../../resources/netassist.png");

/// Opens the window and runs until it is closed.
pub fn run(args: crate::cli::Args) -> ExitCode {
    // A flag's value is checked by the headless mode's rules before the
    // window opens, so both refuse the same values with the same words.
    if let Err(e) = crate::cli::config::check_window_flags(&args) {
        return crate::cli::console::refuse(&format!("netassist: {e}"));
    }
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("NetAssist")
        .with_inner_size([1080.0, 700.0])
        .with_min_inner_size([640.0, 420.0])
        .with_app_id(crate::folders::APP_ID);
    // The one icon (resources/, drawn by scripts/make-icon.py), also in
    // the Windows exe and the Linux .desktop entry. It is bundled, so it
    // decodes; if it ever did not, the window opens with the system's.
    if let Ok(icon) = eframe::icon_data::from_png_bytes(WINDOW_ICON_PNG) {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport,
        ..Default::default()
    };
    let window = Arc::new(OnceLock::new());
    let close_requests = close_on_termination(Arc::clone(&window));
    let file_problem = crate::folders::settings_folder()
        .and_then(|dir| settings::keep_unreadable_storage_file(&dir.join("app.ron")));
    let result = eframe::run_native(
        crate::folders::APP_ID,
        options,
        Box::new(move |cc| {
            let mut app = App::new(cc, &args);
            if let Some(problem) = file_problem {
                app.report_load_problem(problem);
            }
            let _ = window.set(cc.egui_ctx.clone());
            app.close_on(close_requests);
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("netassist: cannot open the window: {e}");
            eprintln!("(without a display, use `netassist --headless …`; see --help)");
            ExitCode::FAILURE
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP on Unix, and Ctrl+C, Ctrl+Break and the
/// console closing on Windows (the `ctrlc` crate with its "termination"
/// feature), become a message to the UI thread, which saves the settings
/// and closes the window as if its close button was clicked. The handler
/// itself only sends and wakes the window (once it exists: `window` is
/// filled when eframe creates the app). `set_handler` replaces an inherited
/// disposition: a shell starts background jobs with SIGINT ignored, and
/// `try_set_handler` would then refuse.
fn close_on_termination(window: Arc<OnceLock<egui::Context>>) -> crossbeam_channel::Receiver<()> {
    let (requests, received) = crossbeam_channel::bounded(1);
    let installed = ctrlc::set_handler(move || {
        // A full channel means a close is already on its way.
        let _ = requests.try_send(());
        if let Some(ctx) = window.get() {
            ctx.request_repaint();
        }
    });
    if let Err(e) = installed {
        eprintln!("netassist: settings will not be saved on a termination signal: {e}");
    }
    received
}

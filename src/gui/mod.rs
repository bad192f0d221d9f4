//! The egui front end: one window over the engine. `ui/` code never
//! touches a socket; it sends commands through a `Workbench`.

mod app;
mod clients_ui;
mod dialog;
pub mod filter;
pub mod fonts;
pub mod i18n;
mod log_ui;
pub mod rate;
pub mod rx_file;
mod send_ui;
pub mod settings;
mod settings_ui;
mod status_ui;
mod tftp_ui;
pub mod tools;
mod tools_ui;
pub mod workbench;

use std::process::ExitCode;

pub use app::{App, SavedWindow};

/// Opens the window and runs until it is closed.
pub fn run(args: crate::cli::Args) -> ExitCode {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("NetAssist")
            .with_inner_size([1080.0, 700.0])
            .with_min_inner_size([640.0, 420.0])
            .with_app_id("netassist"),
        ..Default::default()
    };
    let result = eframe::run_native(
        "netassist",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, &args)))),
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

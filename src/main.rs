//! `netassist` opens the window; `netassist --headless …` runs the same
//! engine with one line per event on stdout.
//!
//! On Windows this exe is a GUI-subsystem program, so that a double click
//! opens the window without a console window beside it. Such a program
//! cannot reliably use the console it was started from (cmd.exe does not
//! wait for it, and its prompt and the program would share the typed
//! lines), so there the headless mode lives in the console companion
//! `netassist-cli.exe` (`src/bin/netassist-cli.rs`), and `--headless` here
//! says so and exits.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use netassist::cli::Args;

fn main() -> ExitCode {
    // clap exits with status 2 and a message on bad arguments.
    let args = Args::parse();
    if args.headless {
        if cfg!(windows) {
            return netassist::cli::console::refuse_headless_in_window_exe();
        }
        netassist::cli::headless::run(args)
    } else {
        netassist::gui::run(args)
    }
}

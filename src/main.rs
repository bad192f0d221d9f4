//! `netassist` opens the window; `netassist --headless …` runs the same
//! engine with one line per event on stdout.

use std::process::ExitCode;

use clap::Parser;
use netassist::cli::Args;

fn main() -> ExitCode {
    // clap exits with status 2 and a message on bad arguments.
    let args = Args::parse();
    if args.headless {
        netassist::cli::headless::run(args)
    } else {
        netassist::gui::run(args)
    }
}

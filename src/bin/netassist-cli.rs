//! `netassist-cli`: the headless mode as a console program, for Windows,
//! where `netassist.exe` is the window (GUI subsystem) and cannot print to
//! or read from the console it was started from. It takes the same flags
//! as `netassist --headless` (the `--headless` flag itself is implied and
//! accepted), prints one line per event and reads lines to send from
//! stdin. It is built on every platform, so that it is tested everywhere.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use netassist::cli::Args;

fn main() -> ExitCode {
    let command = Args::command()
        .name("netassist-cli")
        .bin_name("netassist-cli");
    // clap exits with status 2 and a message on bad arguments.
    let mut args = match Args::from_arg_matches(&command.get_matches()) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    args.headless = true;
    netassist::cli::headless::run(args)
}

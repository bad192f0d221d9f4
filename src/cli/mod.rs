//! The command-line front end: flags, and the headless runner that prints
//! one line per event.

pub mod args;
pub mod config;
pub mod console;
pub mod headless;
mod output;

pub use args::Args;

//! The engine's pure parsers, compiled from the very same source files as
//! the app (`#[path]`), without the GUI and socket dependencies: building
//! egui/eframe with sanitizer instrumentation would cost many minutes on a
//! 2-core machine and fuzz nothing more.
#![allow(dead_code, unused_imports)]

#[path = "../../src/text/mod.rs"]
pub mod text;

pub mod tftp;

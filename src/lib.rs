//! NetAssist: a network assistant with two front ends (the egui window and
//! the headless CLI) over one engine.
//!
//! The engine is `net` (sessions and sockets), `tftp`, `text` (encodings,
//! HEX, escapes) and `log` (the traffic log store); none of them knows egui.

pub mod log;
pub mod net;
pub mod text;
pub mod tftp;

pub mod cli;
pub mod gui;

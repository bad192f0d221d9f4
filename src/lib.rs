//! NetAssist's two front ends — the egui window (`gui`) and the headless
//! CLI (`cli`) — over one engine, the `netassist-engine` crate. The
//! engine's modules are re-exported here so the front ends and the tests
//! name them as `netassist::net`, `netassist::tftp`, … .

pub use netassist_engine::{clock, conn, describe, log, modbus, net, text, tftp, waveform};

pub mod cli;
pub mod folders;
pub mod gui;
pub mod rules;

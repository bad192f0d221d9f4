//! The NetAssist engine: every socket, file transfer and byte format the
//! two front ends (the egui window and the headless CLI, in the
//! `netassist` crate) drive. This crate does not depend on any GUI
//! toolkit, so the compiler keeps the engine free of the window.
//!
//! - `net`: sessions (UDP, TCP client, TCP server, TFTP), their commands
//!   and events.
//! - `tftp`: the TFTP wire format, the sans-I/O transfer core and its
//!   server and client shells.
//! - `text`: encodings, HEX, escapes, checksums, framing.
//! - `log`: the bounded traffic log store and its one-line format.
//! - `modbus`: Modbus requests and responses, MBAP and RTU framing (no I/O).
//! - `waveform`: numbers in received data (text lines, JustFloat) and their
//!   bounded store, for the waveform tool.
//! - `clock`: the wall-clock time stamp that sessions and the log share.
//! - `describe`: one typed description of every event, which the CLI
//!   prints in English and the window words in its language.

pub mod clock;
pub mod describe;
pub mod log;
pub mod modbus;
pub mod net;
pub mod text;
pub mod tftp;
pub mod waveform;

//! The NetAssist engine: every socket, thread and file transfer the two
//! front ends (the egui window and the headless CLI, in the `netassist`
//! crate) drive. It depends on no GUI toolkit, and what needs no socket
//! lives below it in `netassist-core`; Cargo keeps both layers.
//!
//! - `session`: the runtime: spawn a session's thread, dispatch to its
//!   kind's worker, guarantee its last event.
//! - `net`: the socket session kinds (UDP, TCP client and server, TLS,
//!   WebSocket), their commands, configurations and events.
//! - `tftp`: the TFTP server and client shells around core's sans-I/O
//!   transfer (re-exported here with it).
//! - `describe`: one typed description of every event, which the CLI
//!   prints in English and the window words in its language.
//! - `text`, `log`, `modbus`, `waveform`, `endpoint`, `clock`: core's
//!   modules, re-exported.

// The pure layer's modules are the engine's too: front ends name one
// crate, and `crate::text` and the like read the same inside the engine.
pub use netassist_core::{clock, conn, endpoint, log, modbus, text, waveform};

pub mod describe;
pub mod net;
pub mod session;
pub mod tftp;

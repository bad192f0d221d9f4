//! NetAssist's pure layer: what the engine's sessions and both front ends
//! compute without a socket, a thread or a clock of their own. Nothing
//! here opens a socket or starts a thread; its manifest has no network,
//! TLS or GUI crate, so the compiler keeps it that way.
//!
//! - `text`: encodings, HEX, escapes, checksums, framing, numbers.
//! - `log`: the bounded traffic log store and its one-line format.
//! - `modbus`: Modbus requests and responses, MBAP and RTU framing.
//! - `waveform`: numbers in received data (text lines, JustFloat) and their
//!   bounded store, for the waveform tool.
//! - `tftp`: the TFTP wire format, option negotiation and one transfer as a
//!   state machine, with the configurations and events the shells share.
//! - `endpoint`: addresses as the user types them, and their parse rules.
//! - `address`: where a peer comes from as every server counts it (IPv4
//!   address, IPv6 /64) and the per-source counts of a server's limits.
//! - `clock`: the wall-clock time stamp that sessions and the log share.
//! - `conn`: which connection (and side) of a session a row belongs to.
//! - `shape`: one direction's delay, jitter, loss, rate cap and hold, for
//!   the relay (sans-I/O, seeded).

pub mod address;
pub mod clock;
pub mod conn;
pub mod endpoint;
pub mod log;
pub mod modbus;
pub mod shape;
pub mod text;
pub mod tftp;
pub mod waveform;

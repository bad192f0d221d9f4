//! The engine tests' helpers (peers, the real binary, bounded waits, leak
//! checks; `engine/tests/it/common/`), and the window's (`gui`).

#[path = "../../../engine/tests/it/common/mod.rs"]
mod shared;

pub use shared::*;

pub mod gui;

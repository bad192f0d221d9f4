//! The app's integration tests, one executable: the window driven
//! through its controls by `egui_kittest`, the real binary on the command
//! line, and the policies both front ends share. Each file is a module.
//! The helpers are the engine tests' own (`engine/tests/it/common/`,
//! included by path) plus the window's (`common/gui.rs`).

pub mod common;

mod cli;
mod cli_framing;
mod cli_secure;
mod cli_tftp;
mod gui;
mod gui_chinese;
mod gui_encoding;
mod gui_language;
mod gui_layout;
mod gui_picker;
mod gui_policy;
mod gui_rate;
mod gui_secure;
mod gui_send;
mod gui_settings;
mod gui_small;
mod gui_tabs;
mod gui_tftp;
mod gui_toolkit;
mod gui_tools;
mod gui_view;
mod hostile_cli;
mod hostile_echo;
mod hostile_gui;
mod hostile_output;
mod memory_caps;
mod peers;
mod policy;
mod rx_file;
mod shipping;
mod tcp_server_limits;
mod tftp_store;

//! The UI's words in English and 简体中文. Each string is a constant with
//! both languages, so a missing translation is a compile error, not a key
//! that shows up on screen.
//!
//! The strings are kept by the area of the window they appear in, a file
//! each (`window.rs`, `settings_panel.rs`, `send_box.rs`, `log_view.rs`,
//! `status_bar.rs`, `tools_drawer.rs`, `tftp.rs`, `security.rs`), and
//! re-exported here, so each is `i18n::NAME` wherever it is defined. What
//! is worded from typed values is in `sentences` (events and errors),
//! `tool_sentences` (the tools) and `sec_sentences` (TLS and WebSocket).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The system's language on first start: Chinese for any `zh` locale.
    pub fn from_system() -> Lang {
        match sys_locale::get_locale() {
            Some(locale) if locale.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "zh" | "zh-cn" | "cn" | "chinese" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn t(self, text: &Text) -> &'static str {
        match self {
            Lang::En => text.en,
            Lang::Zh => text.zh,
        }
    }
}

pub struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

/// Declares string constants, each with its English and its 简体中文.
macro_rules! texts {
    ($($name:ident: $en:expr, $zh:literal;)*) => {
        $(pub const $name: $crate::gui::i18n::Text =
            $crate::gui::i18n::Text { en: $en, zh: $zh };)*
    };
}

// The string table, by area of the window. The macro above is declared
// first so that these files can use it.
mod log_view;
mod security;
mod send_box;
mod settings_panel;
mod status_bar;
mod tftp;
mod tools_drawer;
mod window;

pub mod sec_sentences;
pub mod sentences;
pub mod tool_sentences;

pub use log_view::*;
pub use security::*;
pub use send_box::*;
pub use settings_panel::*;
pub use status_bar::*;
pub use tftp::*;
pub use tools_drawer::*;
pub use window::*;

/// The Chinese for "N more since the last one shown" of a row shown a few
/// a second (pings, pongs, handshakes pushed out); nothing for none.
fn unshown_since(unshown: u64) -> String {
    if unshown > 0 {
        format!("；上次显示之后另有 {unshown} 个")
    } else {
        String::new()
    }
}

//! What loading the saved window could not read. Its own file because
//! both the loader (`app.rs`) and the settings file keeper
//! (`settings.rs`) report it, and neither imports the other's file for
//! it.

use super::i18n::{self, Lang};

/// What loading the saved window could not read, for a sentence in the
/// window.
#[derive(Debug)]
pub struct LoadProblem {
    pub dropped: Vec<String>,
    /// Where the unreadable text was kept, or why it could not be.
    pub backup: Result<std::path::PathBuf, String>,
}

impl LoadProblem {
    pub fn sentence(&self, lang: Lang) -> String {
        let backup = match &self.backup {
            Ok(path) => format!("{} {}", lang.t(&i18n::SETTINGS_BACKUP), path.display()),
            Err(e) => format!("{} ({e})", lang.t(&i18n::SETTINGS_NO_BACKUP)),
        };
        format!(
            "{} ({}); {backup}",
            lang.t(&i18n::SETTINGS_UNREADABLE),
            self.dropped.join(", ")
        )
    }
}

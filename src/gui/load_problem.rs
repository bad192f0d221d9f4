//! What loading the saved window could not read. Its own file because
//! both the loader (`app.rs`) and the settings file keeper
//! (`settings.rs`) report it, and neither imports the other's file for
//! it.

use std::fmt;

use super::i18n::{self, Lang};

/// Where in the saved window an unreadable part was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingPlace {
    /// The window's own keys (`tabs`, `active`, `profiles`), or the file.
    Window,
    /// A tab, numbered from 1 as the tab bar shows them.
    Tab(usize),
    /// A saved profile, by its name as written in the file.
    Profile(String),
}

/// Which part of a place could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DroppedField {
    /// A field, by its key in the file (the file's own words, as a flag is
    /// the command line's).
    Named(String),
    /// Nothing in the place could be read.
    All,
}

/// One part of the saved window that is back at its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedSetting {
    pub place: SettingPlace,
    pub field: DroppedField,
}

impl DroppedSetting {
    pub fn new(place: SettingPlace, field: DroppedField) -> DroppedSetting {
        DroppedSetting { place, field }
    }

    /// A key of the window itself (or the file's name).
    pub fn window_key(key: &str) -> DroppedSetting {
        DroppedSetting::new(SettingPlace::Window, DroppedField::Named(key.to_owned()))
    }

    /// How the window names it, in its language.
    pub fn describe(&self, lang: Lang) -> String {
        // A field is named by the label a user sees beside it; a key with
        // no label of its own (a list, a choice kept elsewhere) by its key.
        let field = match &self.field {
            DroppedField::Named(key) => field_label(key).map_or(key.as_str(), |text| lang.t(text)),
            DroppedField::All => lang.t(&i18n::SETTINGS_ALL_FIELDS),
        };
        let colon = match lang {
            Lang::En => ": ",
            Lang::Zh => "：",
        };
        match (&self.place, &self.field) {
            (SettingPlace::Window, DroppedField::All) => {
                lang.t(&i18n::SETTINGS_WHOLE_WINDOW).to_owned()
            }
            (SettingPlace::Window, DroppedField::Named(key)) => key.clone(),
            (SettingPlace::Tab(number), _) => {
                format!("{} {number}{colon}{field}", lang.t(&i18n::SETTINGS_TAB))
            }
            (SettingPlace::Profile(name), DroppedField::All) => {
                format!("{} {name}", lang.t(&i18n::SETTINGS_PROFILE))
            }
            (SettingPlace::Profile(name), DroppedField::Named(_)) => {
                format!("{} {name}{colon}{field}", lang.t(&i18n::SETTINGS_PROFILE))
            }
        }
    }
}

/// The label the window shows beside the field saved under `key`.
fn field_label(key: &str) -> Option<&'static i18n::Text> {
    Some(match key {
        "protocol" => &i18n::PROTOCOL,
        "lang" => &i18n::LANGUAGE,
        "dark_mode" => &i18n::DARK_MODE,
        "local_host" => &i18n::LOCAL_HOST,
        "local_port" => &i18n::LOCAL_PORT,
        "remote_host" => &i18n::REMOTE_HOST,
        "remote_port" => &i18n::REMOTE_PORT,
        "rx_encoding" => &i18n::RX_ENCODING,
        "tx_encoding" => &i18n::TX_ENCODING,
        "rx_hex" => &i18n::RX_HEX,
        "tx_hex" => &i18n::TX_HEX,
        "escapes" => &i18n::ESCAPES,
        "line_ending" => &i18n::LINE_ENDING,
        "show_time" => &i18n::SHOW_TIME,
        "show_date" => &i18n::SHOW_DATE,
        "auto_scroll" => &i18n::AUTO_SCROLL,
        "wrap_rows" => &i18n::WRAP_ROWS,
        "hide_received" => &i18n::HIDE_RECEIVED,
        "clear_after_send" => &i18n::CLEAR_AFTER_SEND,
        "loop_enabled" => &i18n::LOOP_SEND,
        "loop_period_ms" => &i18n::LOOP_PERIOD_MS,
        "loop_count" => &i18n::LOOP_COUNT,
        "broadcast" => &i18n::ALLOW_BROADCAST,
        "max_clients" => &i18n::MAX_CLIENTS,
        "idle_timeout_secs" => &i18n::IDLE_TIMEOUT,
        "max_clients_per_ip" => &i18n::MAX_CLIENTS_PER_IP,
        "connect_timeout_secs" => &i18n::CONNECT_TIMEOUT,
        "root" => &i18n::TFTP_ROOT,
        "allow_write" => &i18n::ALLOW_UPLOADS,
        "allow_overwrite" => &i18n::ALLOW_OVERWRITE,
        "max_per_address" => &i18n::TFTP_MAX_PER_ADDRESS,
        "remote_file" => &i18n::TFTP_REMOTE_FILE,
        "local_file" => &i18n::TFTP_LOCAL_FILE,
        "local_dir" => &i18n::TFTP_LOCAL_DIR,
        "blksize" => &i18n::TFTP_BLKSIZE,
        "windowsize" => &i18n::TFTP_WINDOWSIZE,
        "mode" => &i18n::TFTP_MODE,
        _ => return None,
    })
}

/// The English form (`tab 2: Max clients`), as the logs and tests read it.
impl fmt::Display for DroppedSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

/// What loading the saved window could not read, for a sentence in the
/// window.
#[derive(Debug)]
pub struct LoadProblem {
    pub dropped: Vec<DroppedSetting>,
    /// Where the unreadable text was kept, or why it could not be: the
    /// system's reason, or `None` when there is no settings folder.
    pub backup: Result<std::path::PathBuf, Option<String>>,
}

impl LoadProblem {
    pub fn sentence(&self, lang: Lang) -> String {
        let backup = match &self.backup {
            Ok(path) => format!("{} {}", lang.t(&i18n::SETTINGS_BACKUP), path.display()),
            Err(Some(e)) => format!("{} ({e})", lang.t(&i18n::SETTINGS_NO_BACKUP)),
            Err(None) => format!(
                "{} ({})",
                lang.t(&i18n::SETTINGS_NO_BACKUP),
                lang.t(&i18n::SETTINGS_NO_FOLDER)
            ),
        };
        let separator = match lang {
            Lang::En => ", ",
            Lang::Zh => "、",
        };
        let dropped: Vec<String> = self.dropped.iter().map(|d| d.describe(lang)).collect();
        format!(
            "{} ({}); {backup}",
            lang.t(&i18n::SETTINGS_UNREADABLE),
            dropped.join(separator)
        )
    }
}

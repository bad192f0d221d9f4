//! Reading a saved window field by field, so that one bad field loses
//! only itself, and keeping what could not be read as a backup.

use std::collections::BTreeMap;

use super::Settings;
use crate::gui::LoadProblem;
use crate::gui::load_problem::{DroppedField, DroppedSetting, SettingPlace};

/// The file name, beside eframe's `app.ron`, that keeps a saved window
/// which could not be read in full, so nothing the user had is lost.
pub const UNREADABLE_BACKUP_NAME: &str = "netassist-window.unreadable.ron";

/// What loading a saved window kept, and what it could not read.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// The fields (as `tab 1: max_clients`) that were unreadable and are
    /// back at their defaults.
    pub dropped: Vec<DroppedSetting>,
}

/// Reads a saved window from its RON text, keeping every field that can be
/// read: a field of the wrong type, an unknown enum variant or a truncated
/// end loses only that field, not every tab, profile and history entry.
///
/// RON's own value type forgets enum variant names, so the text is cut at
/// its top-level commas here and each field is read on its own, as the
/// typed struct with only that field set.
pub fn load_window_lenient<W>(text: &str, read: impl Fn(LenientParts) -> W) -> (W, LoadReport) {
    let mut report = LoadReport::default();
    let mut parts = LenientParts::default();
    let Some(items) = top_level_items(text) else {
        report
            .dropped
            .push(DroppedSetting::new(SettingPlace::Window, DroppedField::All));
        return (read(parts), report);
    };
    for item in items {
        let Some((key, value)) = split_key(item) else {
            continue;
        };
        match key {
            "tabs" => {
                match top_level_items(value) {
                    Some(tabs) => {
                        for (index, tab) in tabs.into_iter().enumerate() {
                            let (settings, dropped) = lenient_settings(tab);
                            report.dropped.extend(dropped.into_iter().map(|field| {
                                DroppedSetting::new(SettingPlace::Tab(index + 1), field)
                            }));
                            parts.tabs.push(settings);
                        }
                    }
                    None => report.dropped.push(DroppedSetting::window_key("tabs")),
                }
            }
            "version" => match ron::from_str::<u32>(value) {
                Ok(version) => parts.version = version,
                Err(_) => report.dropped.push(DroppedSetting::window_key("version")),
            },
            "active" => match ron::from_str::<usize>(value) {
                Ok(active) => parts.active = active,
                Err(_) => report.dropped.push(DroppedSetting::window_key("active")),
            },
            "profiles" => match top_level_items(value) {
                Some(entries) => {
                    for entry in entries {
                        let Some((name, profile)) = split_key(entry) else {
                            continue;
                        };
                        let Ok(name) = ron::from_str::<String>(name) else {
                            report.dropped.push(DroppedSetting::new(
                                SettingPlace::Profile(name.to_owned()),
                                DroppedField::All,
                            ));
                            continue;
                        };
                        let (settings, dropped) = lenient_settings(profile);
                        report.dropped.extend(dropped.into_iter().map(|field| {
                            DroppedSetting::new(SettingPlace::Profile(name.clone()), field)
                        }));
                        parts.profiles.insert(name, settings);
                    }
                }
                None => report.dropped.push(DroppedSetting::window_key("profiles")),
            },
            _ => {}
        }
    }
    (read(parts), report)
}

/// The pieces of a saved window, read one by one.
#[derive(Debug, Default)]
pub struct LenientParts {
    pub version: u32,
    pub tabs: Vec<Settings>,
    pub active: usize,
    pub profiles: BTreeMap<String, Settings>,
}

/// One tab's settings, keeping each field that reads; returns the names of
/// those that did not (or were out of range and were reset).
pub fn lenient_settings(text: &str) -> (Settings, Vec<DroppedField>) {
    let mut dropped = Vec::new();
    let mut settings = match ron::from_str::<Settings>(text) {
        Ok(settings) => settings,
        Err(_) => {
            let mut kept = Vec::new();
            match top_level_items(text) {
                Some(items) => {
                    for item in items {
                        let Some((key, _)) = split_key(item) else {
                            continue;
                        };
                        if ron::from_str::<Settings>(&format!("({item})")).is_ok() {
                            kept.push(item);
                        } else {
                            dropped.push(DroppedField::Named(key.to_owned()));
                        }
                    }
                }
                None => dropped.push(DroppedField::All),
            }
            let stand_in = encoding_stand_in(&kept, &dropped);
            kept.extend(stand_in.as_deref());
            ron::from_str::<Settings>(&format!("({})", kept.join(","))).unwrap_or_default()
        }
    };
    dropped.extend(
        settings
            .sanitize()
            .into_iter()
            .map(|field| DroppedField::Named(field.to_owned())),
    );
    (settings, dropped)
}

/// When one of the two encodings cannot be read and the other can, the
/// item that gives the unreadable one the other's value: two different
/// encodings mean separate encodings, and one bad field must not turn
/// them on by itself (the default UTF-8 beside a readable GBK would).
fn encoding_stand_in(kept: &[&str], dropped: &[DroppedField]) -> Option<String> {
    let lost = |key: &str| dropped.contains(&DroppedField::Named(key.to_owned()));
    let (missing, present) = match (lost("rx_encoding"), lost("tx_encoding")) {
        (true, false) => ("rx_encoding", "tx_encoding"),
        (false, true) => ("tx_encoding", "rx_encoding"),
        _ => return None,
    };
    let value = kept
        .iter()
        .find_map(|item| split_key(item).filter(|(key, _)| *key == present))?
        .1;
    Some(format!("{missing}:{value}"))
}

/// The items of a RON struct, list or map (`(a:1,b:2)`, `[x,y]`,
/// `{"k":v}`) split at their top-level commas, strings and nesting
/// respected. A text cut short yields the items before the cut and the cut
/// one (which then fails to read on its own). `None` when the text does not
/// start with an opening bracket.
fn top_level_items(text: &str) -> Option<Vec<&str>> {
    let text = text.trim_start();
    let open = text.chars().next()?;
    if !matches!(open, '(' | '[' | '{') {
        return None;
    }
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut quotes = Quotes::default();
    let mut start = 1;
    for (at, c) in text.char_indices() {
        if quotes.take(c) {
            continue;
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    push_item(&mut items, &text[start..at]);
                    return Some(items);
                }
            }
            ',' if depth == 1 => {
                push_item(&mut items, &text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    push_item(&mut items, text.get(start..).unwrap_or(""));
    Some(items)
}

/// Whether a scan of RON text is inside a string literal.
#[derive(Default)]
struct Quotes {
    in_string: bool,
    escaped: bool,
}

impl Quotes {
    /// Takes the next character; true when it belongs to a string literal
    /// (its quotes included), so the scan must not read it as syntax.
    fn take(&mut self, c: char) -> bool {
        if self.in_string {
            match (self.escaped, c) {
                (true, _) => self.escaped = false,
                (false, '\\') => self.escaped = true,
                (false, '"') => self.in_string = false,
                _ => {}
            }
            return true;
        }
        if c == '"' {
            self.in_string = true;
            return true;
        }
        false
    }
}

fn push_item<'a>(items: &mut Vec<&'a str>, item: &'a str) {
    let item = item.trim();
    if !item.is_empty() {
        items.push(item);
    }
}

/// `key: value` split at the first top-level colon (outside strings).
fn split_key(item: &str) -> Option<(&str, &str)> {
    let mut quotes = Quotes::default();
    for (at, c) in item.char_indices() {
        if quotes.take(c) {
            continue;
        }
        match c {
            ':' => return Some((item[..at].trim(), item[at + 1..].trim())),
            '(' | '[' | '{' => return None,
            _ => {}
        }
    }
    None
}

/// Keeps `text`, a saved window that could not be read in full, as
/// `UNREADABLE_BACKUP_NAME` in `dir`; returns the backup's path.
pub fn write_unreadable_backup(
    dir: &std::path::Path,
    text: &[u8],
) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(UNREADABLE_BACKUP_NAME);
    std::fs::write(&path, text)?;
    Ok(path)
}

/// eframe silently starts from nothing, and later overwrites the file, when
/// its `app.ron` cannot be read at all (binary junk, a truncated file).
/// Before the window opens, such a file is kept beside it as
/// `app.ron.unreadable`, and the problem is returned for the window to say.
pub fn keep_unreadable_storage_file(path: &std::path::Path) -> Option<LoadProblem> {
    let bytes = std::fs::read(path).ok()?;
    let readable = std::str::from_utf8(&bytes).ok().is_some_and(|text| {
        ron::from_str::<std::collections::HashMap<String, String>>(text).is_ok()
    });
    if readable {
        return None;
    }
    let mut backup_path = path.as_os_str().to_owned();
    backup_path.push(".unreadable");
    let backup_path = std::path::PathBuf::from(backup_path);
    let backup = std::fs::write(&backup_path, &bytes)
        .map(|()| backup_path)
        .map_err(|e| Some(e.to_string()));
    Some(LoadProblem {
        dropped: vec![DroppedSetting::window_key("app.ron")],
        backup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_items_respect_strings_nesting_and_a_cut() {
        let text = r#"(history:["a,b)","q\"(,"],lang:Fr,addrs:{"udp":(local_port:"1,2")})"#;
        assert_eq!(
            top_level_items(text).unwrap(),
            vec![
                r#"history:["a,b)","q\"(,"]"#,
                "lang:Fr",
                r#"addrs:{"udp":(local_port:"1,2")}"#
            ]
        );
        assert_eq!(
            split_key(r#"addrs:{"udp":(x:1)}"#),
            Some(("addrs", r#"{"udp":(x:1)}"#))
        );
        assert_eq!(split_key(r#""a:b":(x:1)"#), Some((r#""a:b""#, "(x:1)")));
        assert_eq!(
            top_level_items("(a:1,b:[1,2").unwrap(),
            vec!["a:1", "b:[1,2"]
        );
        assert_eq!(top_level_items("junk"), None);
    }

    /// Files written before the one 字符集 have two encodings: two
    /// different ones load as separate encodings, two equal ones as one,
    /// also when another field is unreadable (the lenient path).
    #[test]
    fn old_files_with_two_encodings_load_as_one_or_separate() {
        use crate::text::Encoding;
        let file = |rx: &str, tx: &str| {
            format!(
                "(lang:Zh,rx_encoding:{rx},tx_encoding:{tx},max_clients:\"lots\",history:[\"hi\"])"
            )
        };
        let (same, dropped) = lenient_settings(&file("Gbk", "Gbk"));
        assert_eq!(dropped, vec![DroppedField::Named("max_clients".into())]);
        assert!(!same.text.separate_encodings);
        assert_eq!(same.text.send_encoding(), Encoding::Gbk);
        assert_eq!(same.send.history, ["hi"]);

        let (apart, _) = lenient_settings(&file("Gbk", "Utf8"));
        assert!(apart.text.separate_encodings);
        assert_eq!(
            (apart.text.rx_encoding, apart.text.send_encoding()),
            (Encoding::Gbk, Encoding::Utf8)
        );
        let (whole, dropped) = lenient_settings("(rx_encoding:Big5,tx_encoding:Gbk)");
        assert!(dropped.is_empty() && whole.text.separate_encodings);

        // One unreadable encoding takes the other's: still one 字符集.
        let (one_bad, dropped) = lenient_settings(&file("Gbk", "Klingon"));
        assert!(dropped.contains(&DroppedField::Named("tx_encoding".into())));
        assert!(!one_bad.text.separate_encodings);
        assert_eq!(one_bad.text.send_encoding(), Encoding::Gbk);

        // Saved again, two fields say it as earlier versions did; the flag
        // is written only for separate encodings that are the same so far.
        for text in [&apart.text, &same.text] {
            let saved = ron::ser::to_string(&Settings {
                text: text.clone(),
                ..Settings::default()
            })
            .unwrap();
            assert!(!saved.contains("separate_encodings"), "{saved}");
            assert_eq!(&lenient_settings(&saved).0.text, text);
        }
        let mut ticked = same.clone();
        ticked.text.set_separate_encodings(true);
        let saved = ron::ser::to_string(&ticked).unwrap();
        assert!(saved.contains("separate_encodings:true"), "{saved}");
        assert!(saved.contains("rx_encoding:Gbk,tx_encoding:Gbk"), "{saved}");
        assert_eq!(lenient_settings(&saved).0.text, ticked.text);
    }

    #[test]
    fn a_bad_field_beside_tricky_history_keeps_the_history() {
        let mut settings = Settings::default();
        settings.send.history = vec!["a,b)".into(), "q\"(,".into(), "lang:Fr".into()];
        settings.addr_mut().local_port = "1,2".into();
        let text = ron::ser::to_string(&settings)
            .unwrap()
            .replace("max_clients:1024", "max_clients:\"lots\"");
        let (loaded, dropped) = lenient_settings(&text);
        assert_eq!(dropped, vec![DroppedField::Named("max_clients".into())]);
        assert_eq!(loaded, settings);
    }
}

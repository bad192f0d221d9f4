//! The window's own file and folder picker, for when the system shows no
//! file dialog (issue 12, defect 10: on Linux without a desktop portal,
//! Browse… did nothing). It lists one folder at a time: a path field, Up,
//! folders entered by a click, files picked by a click, a name field when
//! saving, OK and Cancel. A folder that cannot be read says why inside the
//! picker, which stays usable.

use std::path::{Path, PathBuf};

use egui::{Context, Ui};

use super::dialog::{DialogPurpose, PickKind};
use super::i18n::{self, Lang};

/// The height of the folder listing: about a dozen rows, enough to scan
/// without the picker covering the whole window.
const LIST_HEIGHT: f32 = 260.0;

/// How the picker ended.
#[derive(Debug, PartialEq, Eq)]
pub enum PickerOutcome {
    Picked(PathBuf),
    Cancelled,
}

/// One row of the listed folder.
struct Entry {
    name: String,
    is_dir: bool,
}

pub struct FilePicker {
    purpose: DialogPurpose,
    /// The folder listed.
    dir: PathBuf,
    /// The path field's text; Go (or Enter) lists it.
    path_text: String,
    /// The file name field, for save dialogs.
    file_name: String,
    /// The file clicked, for open-file dialogs.
    chosen_file: Option<PathBuf>,
    /// The folder's folders then files, each sorted by name; or why it could
    /// not be read.
    listing: std::io::Result<Vec<Entry>>,
}

impl FilePicker {
    /// A picker that starts at `field_path` (the folder it names, or the
    /// folder of the file it names), else at the home folder.
    pub fn new(purpose: DialogPurpose, field_path: Option<&Path>) -> FilePicker {
        let field_path = field_path.filter(|path| !path.as_os_str().is_empty());
        let (dir, file_name) = match field_path {
            Some(path) if path.is_dir() => (path.to_path_buf(), None),
            Some(path) => (
                path.parent()
                    .filter(|parent| parent.is_dir())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(start_folder),
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned()),
            ),
            None => (start_folder(), None),
        };
        let file_name = file_name
            .or_else(|| purpose.default_file_name().map(str::to_owned))
            .unwrap_or_default();
        let mut picker = FilePicker {
            purpose,
            dir: PathBuf::new(),
            path_text: String::new(),
            file_name,
            chosen_file: None,
            listing: Ok(Vec::new()),
        };
        picker.enter(dir);
        picker
    }

    /// Lists `dir`. A folder that cannot be read is still entered, so the
    /// path field and Up lead on from it, and its sentence shows instead.
    fn enter(&mut self, dir: PathBuf) {
        self.listing = read_folder(&dir);
        self.path_text = dir.display().to_string();
        self.chosen_file = None;
        self.dir = dir;
    }

    pub fn purpose(&self) -> DialogPurpose {
        self.purpose
    }

    /// Draws the picker as a window; returns how it ended once it has.
    pub fn show(&mut self, ctx: &Context, lang: Lang) -> Option<PickerOutcome> {
        let title = match self.purpose.kind() {
            PickKind::Folder => lang.t(&i18n::PICKER_TITLE_FOLDER),
            PickKind::OpenFile => lang.t(&i18n::PICKER_TITLE_OPEN),
            PickKind::SaveFile => lang.t(&i18n::PICKER_TITLE_SAVE),
        };
        let mut outcome = None;
        let mut open = true;
        egui::Window::new(title)
            .open(&mut open)
            .collapsible(false)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .default_width(460.0)
            .show(ctx, |ui| outcome = self.ui(ui, lang));
        if !open {
            outcome = Some(PickerOutcome::Cancelled);
        }
        outcome
    }

    fn ui(&mut self, ui: &mut Ui, lang: Lang) -> Option<PickerOutcome> {
        let mut go_to = None;
        ui.label(lang.t(&i18n::PICKER_NO_SYSTEM_DIALOG));
        ui.horizontal(|ui| {
            let label = ui.label(lang.t(&i18n::PICKER_FOLDER));
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.path_text).desired_width(240.0))
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(lang.t(&i18n::PICKER_GO)).clicked() || entered {
                go_to = Some(PathBuf::from(self.path_text.trim()));
            }
            let parent = self.dir.parent().map(Path::to_path_buf);
            if ui
                .add_enabled(
                    parent.is_some(),
                    egui::Button::new(lang.t(&i18n::PICKER_UP)),
                )
                .clicked()
            {
                go_to = parent;
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .max_height(LIST_HEIGHT)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                super::viewport::mark_scroll_viewport(ui, super::viewport::Sideways::Fits);
                match &self.listing {
                    Err(e) => {
                        let sentence = format!(
                            "{} {}: {e}",
                            lang.t(&i18n::PICKER_CANNOT_READ),
                            self.dir.display()
                        );
                        ui.colored_label(ui.visuals().error_fg_color, sentence);
                    }
                    Ok(entries) if entries.is_empty() => {
                        ui.weak(lang.t(&i18n::PICKER_EMPTY));
                    }
                    Ok(entries) => {
                        for entry in entries {
                            let path = self.dir.join(&entry.name);
                            if entry.is_dir {
                                // A trailing slash marks a folder, as `ls -F`
                                // does, in any font and either language.
                                if ui
                                    .selectable_label(false, format!("{}/", entry.name))
                                    .clicked()
                                {
                                    go_to = Some(path);
                                }
                            } else if self.purpose.kind() == PickKind::Folder {
                                // Choosing a folder, its files are shown but
                                // not chosen: a folder full of firmware is
                                // not "empty".
                                ui.add_enabled(
                                    false,
                                    egui::Button::selectable(false, entry.name.as_str()),
                                );
                            } else {
                                let chosen = self.chosen_file.as_ref() == Some(&path);
                                if ui.selectable_label(chosen, entry.name.as_str()).clicked() {
                                    self.file_name = entry.name.clone();
                                    self.chosen_file = Some(path);
                                }
                            }
                        }
                    }
                }
            });
        ui.separator();
        if self.purpose.kind() == PickKind::SaveFile {
            ui.horizontal(|ui| {
                let label = ui.label(lang.t(&i18n::PICKER_FILE_NAME));
                ui.add(egui::TextEdit::singleline(&mut self.file_name).desired_width(240.0))
                    .labelled_by(label.id);
            });
        }
        let picked = self.picked();
        let mut outcome = None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    picked.is_some(),
                    egui::Button::new(lang.t(&i18n::PICKER_OK)),
                )
                .clicked()
            {
                outcome = picked.map(PickerOutcome::Picked);
            }
            if ui.button(lang.t(&i18n::CANCEL)).clicked() {
                outcome = Some(PickerOutcome::Cancelled);
            }
        });
        if let Some(dir) = go_to {
            self.enter(dir);
        }
        outcome
    }

    /// What OK would answer: the listed folder, the clicked file, or the
    /// typed name in the listed folder; nothing while that is missing.
    fn picked(&self) -> Option<PathBuf> {
        match self.purpose.kind() {
            PickKind::Folder => self.listing.is_ok().then(|| self.dir.clone()),
            PickKind::OpenFile => self.chosen_file.clone(),
            PickKind::SaveFile => {
                let name = self.file_name.trim();
                (!name.is_empty() && self.listing.is_ok()).then(|| self.dir.join(name))
            }
        }
    }
}

/// The folder a picker with nothing to go on starts in: the home folder,
/// else the working folder, else the root of the file system.
fn start_folder() -> PathBuf {
    std::env::home_dir()
        .filter(|home| home.is_dir())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from(std::path::MAIN_SEPARATOR_STR))
}

/// The folders of `dir`, then its files, each sorted by name; or why `dir`
/// cannot be read. Entries that vanish or cannot be looked at while
/// listing are left out.
fn read_folder(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let entries = std::fs::read_dir(dir)?;
    let mut folders = Vec::new();
    let mut files = Vec::new();
    for entry in entries.flatten() {
        // `metadata` follows links, so a link to a folder is entered.
        let Ok(metadata) = std::fs::metadata(entry.path()) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if metadata.is_dir() {
            folders.push(Entry { name, is_dir: true });
        } else {
            files.push(Entry {
                name,
                is_dir: false,
            });
        }
    }
    folders.sort_by_key(|entry| entry.name.to_lowercase());
    files.sort_by_key(|entry| entry.name.to_lowercase());
    folders.extend(files);
    Ok(folders)
}

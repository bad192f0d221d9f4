//! The small widgets every panel uses: a labelled field, a labelled
//! combo, a path field that shows the end of a long path, the sentence
//! under a field, and the menu of this machine's interface addresses.

use std::path::PathBuf;

use egui::{ComboBox, RichText, TextEdit, Ui};

/// A field's width never narrower than this while it shares its row: a
/// field squeezed further goes to a row of its own.
const MIN_FIELD_WIDTH: f32 = 60.0;

/// The width for a field that wants `want` points and is followed on its
/// row by `after` points of buttons: what is left of the row, or a row of
/// its own when too little is left (the row wraps), and never wider than
/// the panel. Every row of the side panels is laid out with it, so none
/// runs past the panel's edge at any width (issue 22, 4).
pub fn fit_width(ui: &Ui, want: f32, after: f32) -> f32 {
    // What is left of the current row: in a row that wraps, egui's
    // `available_width` is the whole row's.
    let left = ui.max_rect().right() - ui.cursor().left() - after;
    let whole_row = ui.max_rect().width() - after;
    let width = if left >= want.min(MIN_FIELD_WIDTH) {
        want.min(left)
    } else {
        want.min(whole_row)
    };
    width.max(MIN_FIELD_WIDTH.min(whole_row)).max(8.0)
}

/// The width for a path field: `want` on the current row if it fits there
/// whole, else a row of its own (never narrower than `want` unless the
/// panel is): a path shows its folder's or file's name at its end, which a
/// squeezed field would cut.
pub fn fit_path_width(ui: &Ui, want: f32, after: f32) -> f32 {
    want.min(ui.max_rect().width() - after).max(8.0)
}

/// The width of a button showing `text`, and the space before it: what a
/// field leaves on its row for the button after it.
pub fn button_width(ui: &Ui, text: &str) -> f32 {
    let font_id = egui::TextStyle::Button.resolve(ui.style());
    let text_width = ui
        .painter()
        .layout_no_wrap(text.to_owned(), font_id, egui::Color32::PLACEHOLDER)
        .size()
        .x;
    // A few points spare: a button is a little wider than its text and
    // padding when its glyph is narrow (egui rounds it up to its minimum
    // size), and a row that fits to the last fraction of a point wraps its
    // button anyway.
    const SPARE: f32 = 6.0;
    text_width + 2.0 * ui.spacing().button_padding.x + ui.spacing().item_spacing.x + SPARE
}

/// A red sentence under the field it is about.
pub fn error_ui(ui: &mut Ui, error: &Option<String>) {
    if let Some(error) = error {
        ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
    }
}

/// A single-line path field. While it is not being edited, a path longer
/// than the field shows its end ("…/folder/name"): the folder and file
/// names tell paths apart, their start rarely does. The whole path is on
/// hover, and a focused field shows and edits the whole text. `salt` keeps
/// the field's id (and so its focus) from frame to frame.
pub fn path_field_ui(ui: &mut Ui, salt: &str, path: &mut PathBuf, width: f32) -> egui::Response {
    // The field edits the path's text; the path changes only when the text
    // does, so a path that is not Unicode survives being shown.
    let mut text = path.to_string_lossy().into_owned();
    let value = &mut text;
    let id = ui.make_persistent_id(salt);
    let editing = ui.memory(|m| m.has_focus(id));
    // The text area inside the field's frame (TextEdit's default margin).
    let text_width = width - 2.0 * ui.spacing().button_padding.x;
    let font_id = egui::TextStyle::Body.resolve(ui.style());
    let painter = ui.painter().clone();
    let shortened = (!editing)
        .then(|| {
            path_tail_to_fit(value, |text| {
                painter
                    .layout_no_wrap(text.to_owned(), font_id.clone(), egui::Color32::PLACEHOLDER)
                    .size()
                    .x
                    <= text_width
            })
        })
        .flatten();
    let response = match shortened {
        // A copy is shown; a keystroke in the frame that gives the field
        // focus is all it could take, and the next frame edits the path.
        Some(mut tail) => ui.add(TextEdit::singleline(&mut tail).id(id).desired_width(width)),
        None => ui.add(TextEdit::singleline(value).id(id).desired_width(width)),
    };
    if response.changed() {
        *path = PathBuf::from(text.as_str());
    }
    if text.is_empty() {
        response
    } else {
        response.on_hover_text(text)
    }
}

/// The end of `path` behind "…", as long as `fits` allows and beginning
/// at a separator where it can; `None` when the whole path fits.
pub fn path_tail_to_fit(path: &str, fits: impl Fn(&str) -> bool) -> Option<String> {
    if fits(path) {
        return None;
    }
    let starts: Vec<usize> = path.char_indices().map(|(i, _)| i).skip(1).collect();
    // Shorter tails fit better, so the first start that fits is found by
    // halving; a path is laid out a few times a frame, not once a char.
    let first_fitting = starts.partition_point(|&i| !fits(&format!("…{}", &path[i..])));
    let start = starts
        .get(first_fitting)
        .or(starts.last())
        .copied()
        .unwrap_or(0);
    let tail = &path[start..];
    // Begin at a separator so that the first name shown is whole, unless
    // the last name alone is too long for that.
    let cut = if tail.starts_with(['/', '\\']) {
        0
    } else {
        tail.find(['/', '\\'])
            .filter(|&j| j + 1 < tail.len())
            .unwrap_or(0)
    };
    Some(format!("…{}", &tail[cut..]))
}

/// A labelled single-line field; the label names it for screen readers
/// and tests.
pub fn field_ui(ui: &mut Ui, label: &str, value: &mut String, width: f32) -> egui::Response {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(label);
        let width = fit_width(ui, width, 0.0);
        ui.add(TextEdit::singleline(value).desired_width(width))
            .labelled_by(label.id)
    })
    .inner
}

/// Picks one of a list of values with a labelled combo box.
pub fn combo_ui<T: PartialEq + Copy>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut T,
    choices: &[T],
    name: impl Fn(T) -> String,
) -> bool {
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(label);
        let width = fit_width(ui, ui.spacing().combo_width, 0.0);
        let response = ComboBox::from_id_salt(id)
            .width(width)
            .selected_text(name(*value))
            .show_ui(ui, |ui| {
                for choice in choices {
                    changed |= ui.selectable_value(value, *choice, name(*choice)).changed();
                }
            })
            .response;
        response.labelled_by(label.id);
    });
    changed
}

/// This machine's interface addresses, read when the menu opens.
pub fn interface_menu_ui(ui: &mut Ui, field: &mut String) {
    match crate::net::interfaces() {
        Ok(interfaces) => {
            for interface in interfaces {
                let text = format!("{} — {}", interface.addr, interface.name);
                if ui.button(text).clicked() {
                    *field = interface.addr.to_string();
                    ui.close();
                }
            }
        }
        Err(e) => {
            ui.label(e.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::path_tail_to_fit;

    /// Fits when at most `chars` characters long, as a stand-in for width.
    fn at_most(chars: usize) -> impl Fn(&str) -> bool {
        move |text| text.chars().count() <= chars
    }

    #[test]
    fn a_path_that_fits_is_shown_whole() {
        assert_eq!(path_tail_to_fit("/srv/tftp", at_most(20)), None);
    }

    #[test]
    fn a_long_path_shows_its_folder_and_name_from_a_separator() {
        let shown = path_tail_to_fit("/home/user/projects/firmware/images/boot.bin", at_most(20));
        assert_eq!(shown.as_deref(), Some("…/images/boot.bin"));
    }

    #[test]
    fn a_long_windows_path_keeps_its_folder_name() {
        let shown = path_tail_to_fit(r"C:\Users\测试用户\Documents\tftp-root", at_most(16));
        assert_eq!(shown.as_deref(), Some(r"…\tftp-root"));
    }

    #[test]
    fn a_name_longer_than_the_field_shows_its_end() {
        let shown = path_tail_to_fit("/a/very-long-file-name.bin", at_most(10));
        assert_eq!(shown.as_deref(), Some("…-name.bin"));
    }
}

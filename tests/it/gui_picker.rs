//! The window's own file picker (issue 12, defect 10): when the system
//! shows no file dialog, Browse… opens a picker inside the window. These
//! tests force that fallback, as the window does once the system has shown
//! no dialog, and use the picker as a person would.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::cli::Args;
use netassist::gui::App;
use netassist::gui::settings::Settings;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

/// The window with the system's dialogs turned off, as after a Browse…
/// that the system answered with no dialog.
fn harness_without_system_dialogs(settings: Settings) -> Harness<'static, App> {
    Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| {
            let mut app = App::with_settings(&cc.egui_ctx, settings, &Args::default());
            app.use_in_window_picker();
            app
        })
}

#[test]
fn issue_12_defect_10_browse_picks_the_tftp_folder_in_the_window() {
    let temp = tempfile::tempdir().unwrap();
    let chosen = temp.path().join("inner").join("deeper");
    std::fs::create_dir_all(&chosen).unwrap();
    std::fs::create_dir(temp.path().join("sibling")).unwrap();
    std::fs::write(temp.path().join("inner").join("a-file.txt"), "x").unwrap();
    let mut settings = english_settings(Protocol::TftpServer);
    settings.tftp.root = temp.path().to_path_buf();
    let mut harness = harness_without_system_dialogs(settings);
    harness.run();

    harness.get_by_label("Browse…").click();
    harness.run();
    harness.get_by_label("inner/").click();
    harness.run();
    // A folder picker shows a folder's files too, but they cannot be
    // chosen, and a folder with files is not "empty" (issue 22, 9).
    assert!(harness.query_by_label("a-file.txt").is_some());
    assert!(harness.query_by_label("This folder is empty.").is_none());
    harness.get_by_label("a-file.txt").click();
    harness.run();
    harness.get_by_label("deeper/").click();
    harness.run();
    harness.get_by_label("OK").click();
    harness.run();

    assert_eq!(harness.state().workbench().settings().tftp.root, chosen);
    assert!(
        harness.query_by_label("Choose a folder").is_none(),
        "the picker closes after OK"
    );
}

#[test]
fn issue_12_defect_10_save_log_names_a_new_file_in_the_window() {
    let temp = tempfile::tempdir().unwrap();
    let folder = temp.path().join("logs");
    std::fs::create_dir(&folder).unwrap();
    let mut settings = english_settings(Protocol::Udp);
    settings.tftp.local_dir = temp.path().to_path_buf();
    let mut harness = harness_without_system_dialogs(settings);
    harness.run();

    harness.get_by_label("Save log…").click();
    harness.run();
    harness.get_by_label("logs/").click();
    harness.run();
    set_field(&mut harness, "File name:", "picked.txt");
    harness.get_by_label("OK").click();
    harness.run();

    let saved = folder.join("picked.txt");
    assert!(saved.is_file(), "{} was not written", saved.display());
    assert!(harness.query_by_label("Save as").is_none());
}

#[test]
fn issue_12_defect_10_an_unreadable_folder_says_why_and_the_picker_stays() {
    let temp = tempfile::tempdir().unwrap();
    let mut settings = english_settings(Protocol::TftpServer);
    settings.tftp.root = temp.path().to_path_buf();
    let mut harness = harness_without_system_dialogs(settings);
    harness.run();

    harness.get_by_label("Browse…").click();
    harness.run();
    let missing = temp.path().join("no-such-folder");
    set_field(&mut harness, "Folder:", &missing.display().to_string());
    harness.get_by_label("Go").click();
    harness.run();

    let sentence = harness
        .query_all_by_role(Role::Label)
        .filter_map(|node| node.value())
        .find(|text| text.starts_with("Cannot read this folder:"));
    assert!(sentence.is_some(), "no sentence for the unreadable folder");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(
        harness.state().workbench().settings().tftp.root,
        temp.path().to_path_buf(),
        "Cancel keeps the folder"
    );
}

#[test]
fn issue_12_defect_10_browse_picks_the_tftp_file_to_upload_in_the_window() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir(temp.path().join("firmware")).unwrap();
    let chosen = temp.path().join("firmware").join("image.bin");
    std::fs::write(&chosen, [0u8; 4]).unwrap();
    let mut settings = english_settings(Protocol::TftpClient);
    // The picker starts in the folder of the file the field names.
    settings.tftp.local_file = temp.path().join("old.bin");
    let mut harness = harness_without_system_dialogs(settings);
    harness.run();

    // The second Browse… is the local file's (the first, the folder's).
    harness
        .get_all_by_label("Browse…")
        .nth(1)
        .expect("a Browse… for the local file")
        .click();
    harness.run();
    assert!(harness.query_by_label("Choose a file").is_some());
    harness.get_by_label("firmware/").click();
    harness.run();
    harness.get_by_label("image.bin").click();
    harness.run();
    harness.get_by_label("OK").click();
    harness.run();

    assert_eq!(
        harness.state().workbench().settings().tftp.local_file,
        chosen
    );
}

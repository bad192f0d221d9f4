//! Native file dialogs on their own thread, so the window keeps drawing
//! (and the sessions keep logging) while a dialog is open.

use std::path::PathBuf;

use crossbeam_channel::{Receiver, bounded};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    SaveLog,
    TftpRoot,
    TftpLocalDir,
    TftpLocalFile,
    RxFile,
    SendFile,
}

/// A dialog that is open; its answer arrives on `answer`.
pub struct PendingDialog {
    pub purpose: DialogPurpose,
    pub answer: Receiver<Option<PathBuf>>,
}

pub fn open(
    purpose: DialogPurpose,
    start_dir: Option<PathBuf>,
    ctx: egui::Context,
) -> PendingDialog {
    let (tx, rx) = bounded(1);
    let spawned = std::thread::Builder::new()
        .name("netassist-dialog".to_owned())
        .spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            if let Some(dir) = start_dir.filter(|d| d.is_dir()) {
                dialog = dialog.set_directory(dir);
            }
            let picked = match purpose {
                DialogPurpose::SaveLog => dialog
                    .set_file_name("netassist-log.txt")
                    .add_filter("Text", &["txt", "log"])
                    .save_file(),
                DialogPurpose::TftpRoot | DialogPurpose::TftpLocalDir => dialog.pick_folder(),
                DialogPurpose::TftpLocalFile | DialogPurpose::SendFile => dialog.pick_file(),
                DialogPurpose::RxFile => dialog.set_file_name("received.bin").save_file(),
            };
            let _ = tx.send(picked);
            ctx.request_repaint();
        });
    if spawned.is_err() {
        // No thread, no dialog: answer "cancelled" at once.
        let (tx, rx) = bounded(1);
        let _ = tx.send(None);
        return PendingDialog {
            purpose,
            answer: rx,
        };
    }
    PendingDialog {
        purpose,
        answer: rx,
    }
}

//! Native file dialogs on their own thread, so the window keeps drawing
//! (and the sessions keep logging) while a dialog is open. When the system
//! cannot show one (on Linux: no desktop portal and no zenity), the window
//! falls back to its own picker (`file_picker.rs`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, bounded};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    SaveLog,
    TftpRoot,
    TftpLocalDir,
    TftpLocalFile,
    RxFile,
    SendFile,
    /// Export the waveform tool's samples as CSV.
    WaveformCsv,
    /// A TLS certificate, key or CA file (issue 14).
    TlsFile(crate::gui::settings::TlsFileField),
}

/// What a dialog for a purpose picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickKind {
    Folder,
    OpenFile,
    SaveFile,
}

impl DialogPurpose {
    pub fn kind(self) -> PickKind {
        match self {
            DialogPurpose::TftpRoot | DialogPurpose::TftpLocalDir => PickKind::Folder,
            DialogPurpose::TftpLocalFile | DialogPurpose::SendFile | DialogPurpose::TlsFile(_) => {
                PickKind::OpenFile
            }
            DialogPurpose::SaveLog | DialogPurpose::RxFile | DialogPurpose::WaveformCsv => {
                PickKind::SaveFile
            }
        }
    }

    /// The file name a save dialog offers when the field names none.
    pub fn default_file_name(self) -> Option<&'static str> {
        match self {
            DialogPurpose::SaveLog => Some("netassist-log.txt"),
            DialogPurpose::RxFile => Some("received.bin"),
            DialogPurpose::WaveformCsv => Some("waveform.csv"),
            _ => None,
        }
    }
}

/// A native dialog that answers `None` sooner than this was never shown:
/// rfd answers `None` both for "cancelled" and for "no dialog service", and
/// no person opens a dialog, reads it and cancels it this fast.
pub const FASTEST_CANCEL_BY_HAND: Duration = Duration::from_millis(400);

/// How a native dialog ended.
#[derive(Debug, PartialEq, Eq)]
pub enum NativeAnswer {
    Picked(PathBuf),
    Cancelled,
    /// The system showed no dialog (or no thread could ask it): the window
    /// shows its own picker instead.
    Unavailable,
}

impl NativeAnswer {
    /// Reads rfd's answer, which took `took` to come: a `None` sooner than
    /// [`FASTEST_CANCEL_BY_HAND`] means no dialog was shown.
    pub fn from_rfd(picked: Option<PathBuf>, took: Duration) -> NativeAnswer {
        match picked {
            Some(path) => NativeAnswer::Picked(path),
            None if took < FASTEST_CANCEL_BY_HAND => NativeAnswer::Unavailable,
            None => NativeAnswer::Cancelled,
        }
    }
}

/// A dialog that is open; its answer arrives on `answer`.
pub struct PendingDialog {
    pub purpose: DialogPurpose,
    /// Where the window's own picker starts if it takes over.
    pub start: Option<PathBuf>,
    pub answer: Receiver<NativeAnswer>,
}

/// Asks the system for a dialog starting in `start_dir`; `field_path` (the
/// path in the field Browse… sits beside) is kept for the window's own
/// picker, should the system show none.
pub fn open(
    purpose: DialogPurpose,
    start_dir: Option<PathBuf>,
    field_path: Option<PathBuf>,
    ctx: egui::Context,
) -> PendingDialog {
    let (tx, rx) = bounded(1);
    let start = field_path;
    let spawned = std::thread::Builder::new()
        .name("netassist-dialog".to_owned())
        .spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            if let Some(dir) = start_dir.filter(|d| d.is_dir()) {
                dialog = dialog.set_directory(dir);
            }
            if let Some(name) = purpose.default_file_name() {
                dialog = dialog.set_file_name(name);
            }
            if purpose == DialogPurpose::SaveLog {
                dialog = dialog.add_filter("Text", &["txt", "log"]);
            }
            let asked = Instant::now();
            let picked = match purpose.kind() {
                PickKind::Folder => dialog.pick_folder(),
                PickKind::OpenFile => dialog.pick_file(),
                PickKind::SaveFile => dialog.save_file(),
            };
            let _ = tx.send(NativeAnswer::from_rfd(picked, asked.elapsed()));
            ctx.request_repaint();
        });
    if spawned.is_err() {
        // No thread, no native dialog: the in-window picker takes over.
        let (tx, rx) = bounded(1);
        let _ = tx.send(NativeAnswer::Unavailable);
        return PendingDialog {
            purpose,
            start,
            answer: rx,
        };
    }
    PendingDialog {
        purpose,
        start,
        answer: rx,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_none_at_once_means_no_dialog_and_a_slow_none_a_cancel() {
        let at_once = Duration::from_millis(5);
        let read_then_cancelled = Duration::from_secs(3);
        assert_eq!(
            NativeAnswer::from_rfd(None, at_once),
            NativeAnswer::Unavailable
        );
        assert_eq!(
            NativeAnswer::from_rfd(None, read_then_cancelled),
            NativeAnswer::Cancelled
        );
        // A path is the person's pick, however fast it came.
        assert_eq!(
            NativeAnswer::from_rfd(Some(PathBuf::from("x")), at_once),
            NativeAnswer::Picked(PathBuf::from("x"))
        );
    }
}

//! File dialogs for Browse…, Save log… and the tools: the system's dialog
//! on its own thread, or the window's own picker where none is shown, and
//! what a picked path does.

use crossbeam_channel::TryRecvError;

use super::{App, OpenDialog};
use crate::gui::dialog::{self, DialogPurpose, NativeAnswer};
use crate::gui::file_picker::{FilePicker, PickerOutcome};
use crate::gui::i18n;
use crate::gui::waveform_tool_ui;

impl App {
    pub(super) fn poll_dialog(&mut self) {
        let Some((tab, OpenDialog::Native(pending))) = &self.dialog else {
            return;
        };
        let (tab, purpose) = (*tab, pending.purpose);
        match pending.answer.try_recv() {
            Ok(NativeAnswer::Picked(path)) => {
                self.dialog = None;
                self.use_picked_path(tab, purpose, path);
            }
            Ok(NativeAnswer::Cancelled) => self.dialog = None,
            // The system showed no dialog (or its thread ended without an
            // answer): the window's own picker takes over, now and for the
            // rest of the run, so Browse… is never silent.
            Ok(NativeAnswer::Unavailable) | Err(TryRecvError::Disconnected) => {
                let picker = FilePicker::new(purpose, pending.start.as_deref());
                self.native_dialogs = false;
                self.dialog = Some((tab, OpenDialog::InWindow(picker)));
                self.ctx.request_repaint();
            }
            Err(TryRecvError::Empty) => {}
        }
    }

    /// Draws the in-window picker, if it is open, and uses its answer.
    pub(super) fn picker_ui(&mut self, ctx: &egui::Context) {
        let lang = self.workbench().settings().lang;
        let Some((tab, OpenDialog::InWindow(picker))) = &mut self.dialog else {
            return;
        };
        let (tab, purpose) = (*tab, picker.purpose());
        let Some(outcome) = picker.show(ctx, lang) else {
            return;
        };
        self.dialog = None;
        if let PickerOutcome::Picked(path) = outcome {
            self.use_picked_path(tab, purpose, path);
        }
    }

    /// Makes the window's file picker answer every Browse… instead of the
    /// system's dialog, as it does once the system has shown none: for
    /// tests, which cannot click a system dialog.
    pub fn use_in_window_picker(&mut self) {
        self.native_dialogs = false;
    }

    pub(super) fn use_picked_path(
        &mut self,
        tab: usize,
        purpose: DialogPurpose,
        path: std::path::PathBuf,
    ) {
        let Some(bench) = self.tabs.get_mut(tab) else {
            return;
        };
        let lang = bench.settings().lang;
        match purpose {
            DialogPurpose::SaveLog => match bench.save_log(&path) {
                Ok(count) => {
                    bench.set_notice(format!(
                        "{} {} ({count})",
                        lang.t(&i18n::LOG_SAVED),
                        path.display()
                    ));
                }
                Err(e) => {
                    let cannot_save = lang.t(&i18n::CANNOT_SAVE);
                    bench.errors_mut().other =
                        Some(format!("{cannot_save} {}: {e}", path.display()));
                }
            },
            DialogPurpose::TftpRoot => bench.settings_mut().tftp.root = path,
            DialogPurpose::TftpLocalDir => bench.settings_mut().tftp.local_dir = path,
            DialogPurpose::TftpLocalFile => bench.settings_mut().tftp.local_file = path,
            DialogPurpose::RxFile => bench.settings_mut().rx_file.path = path,
            DialogPurpose::SendFile => bench.choose_file_source(&path),
            DialogPurpose::WaveformCsv => waveform_tool_ui::export_csv(bench, &path),
            DialogPurpose::TlsFile(field) => *bench.settings_mut().sec.file_mut(field) = path,
        }
    }

    pub(super) fn open_dialog(&mut self, purpose: DialogPurpose) {
        if self.dialog.is_some() {
            return;
        }
        let settings = &self.workbench().settings();
        let start = match purpose {
            DialogPurpose::TftpRoot => Some(settings.tftp.root.clone()),
            DialogPurpose::TftpLocalDir | DialogPurpose::SaveLog | DialogPurpose::WaveformCsv => {
                Some(settings.tftp.local_dir.clone())
            }
            DialogPurpose::TftpLocalFile
            | DialogPurpose::RxFile
            | DialogPurpose::SendFile
            | DialogPurpose::TlsFile(_) => None,
        };
        // The window's picker starts at the path in the field itself.
        let field_path = match purpose {
            DialogPurpose::TftpRoot => Some(settings.tftp.root.clone()),
            DialogPurpose::TftpLocalDir | DialogPurpose::SaveLog | DialogPurpose::WaveformCsv => {
                Some(settings.tftp.local_dir.clone())
            }
            DialogPurpose::TftpLocalFile => Some(settings.tftp.local_file.clone()),
            DialogPurpose::RxFile => Some(settings.rx_file.path.clone()),
            DialogPurpose::SendFile => None,
            DialogPurpose::TlsFile(field) => Some(settings.sec.file(field).clone()),
        };
        let open = if self.native_dialogs {
            OpenDialog::Native(dialog::open(purpose, start, field_path, self.ctx.clone()))
        } else {
            OpenDialog::InWindow(FilePicker::new(purpose, field_path.as_deref()))
        };
        self.dialog = Some((self.active, open));
    }
}

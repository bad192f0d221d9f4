//! Windows: what `netassist.exe --headless` says. That exe is a GUI
//! subsystem program (no console window on a double click), so the
//! headless mode is `netassist-cli.exe`; started from cmd.exe with
//! `--headless`, the window exe attaches to cmd's console just long enough
//! to say so.

use std::process::ExitCode;

/// The sentence `netassist.exe --headless` prints on Windows.
pub const USE_THE_CONSOLE_EXE: &str = "netassist: netassist.exe is the window; for the headless mode run netassist-cli.exe with the same flags (for example: netassist-cli.exe --mode udp --local 0.0.0.0:8080)";

/// The exit status then: the same as for bad flags.
const EXIT_BAD_ARGUMENTS: u8 = 2;

/// Says [`USE_THE_CONSOLE_EXE`] on the console this program was started
/// from (or on stderr, when that is a file or a pipe) and returns the exit
/// status for bad flags.
pub fn refuse_headless_in_window_exe() -> ExitCode {
    refuse(USE_THE_CONSOLE_EXE)
}

/// Says why the window does not open (`sentence`, a bad flag's) on stderr
/// and, on Windows, on the console the window exe was started from (with
/// neither, as from a shortcut, in a message box), and returns the exit
/// status for bad flags, as the headless mode does.
pub fn refuse(sentence: &str) -> ExitCode {
    eprintln!("{sentence}");
    #[cfg(windows)]
    if !say_on_parent_console(sentence) && !has_stderr() {
        // Started from a shortcut or Explorer: no console and no stderr
        // anyone reads, so the sentence is shown in a message box.
        let _ = rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("NetAssist")
            .set_description(sentence)
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
    ExitCode::from(EXIT_BAD_ARGUMENTS)
}

/// Whether this process was given a standard error to write to (a file, a
/// pipe, a console): a GUI-subsystem program started from Explorer is not.
#[cfg(windows)]
fn has_stderr() -> bool {
    const STD_ERROR_HANDLE: u32 = -12i32 as u32;
    const INVALID_HANDLE_VALUE: isize = -1;
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetStdHandle(which: u32) -> isize;
    }
    // SAFETY: GetStdHandle takes a constant by value and returns a handle
    // value (or null, or INVALID_HANDLE_VALUE); it touches no memory of ours.
    let handle = unsafe { GetStdHandle(STD_ERROR_HANDLE) };
    handle != 0 && handle != INVALID_HANDLE_VALUE
}

/// A GUI-subsystem program has no console; `AttachConsole` joins the one
/// of the process that started it (cmd.exe), if any, and `CONOUT$` is that
/// console's screen whatever the standard handles are.
/// Returns whether there was such a console.
#[cfg(windows)]
fn say_on_parent_console(sentence: &str) -> bool {
    use std::io::Write;

    const ATTACH_PARENT_PROCESS: u32 = u32::MAX;
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn AttachConsole(process_id: u32) -> i32;
    }
    // SAFETY: AttachConsole takes a process id by value and touches no
    // memory of ours; it fails harmlessly when there is no parent console.
    if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
        return false;
    }
    if let Ok(mut console) = std::fs::OpenOptions::new().write(true).open("CONOUT$") {
        // cmd.exe has already printed its prompt: start on a new line.
        let _ = write!(console, "\r\n{sentence}\r\n");
    }
    true
}

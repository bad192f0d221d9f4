//! What ships (issue 13): the console companion `netassist-cli` runs the
//! headless mode without `--headless`, and the bundled icon decodes. The
//! Windows side of the same (the window exe's `--headless` sentence, the
//! exes under Wine) is checked by `scripts/wine-check.sh`.

use crate::common;

use std::process::{Command, Output, Stdio};

use netassist_test_support::Deadline;

/// Runs `netassist-cli` with no stdin and waits for it within the tests'
/// bound, killing it if it does not end.
fn run_companion(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netassist-cli"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netassist-cli");
    let deadline = Deadline::after(common::WAIT);
    while child.try_wait().expect("wait for netassist-cli").is_none() {
        if deadline.passed() {
            let _ = child.kill();
            panic!(
                "netassist-cli {args:?} did not end within {:?}",
                common::WAIT
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
        .wait_with_output()
        .expect("read netassist-cli's output")
}

#[test]
fn issue_13_companion_runs_the_headless_mode_without_the_flag() {
    let output = run_companion(&["--mode", "udp", "--local", "127.0.0.1:0", "--no-time"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("LISTENING 127.0.0.1:"), "{stdout:?}");
}

#[test]
fn issue_13_companion_accepts_the_headless_flag_and_names_itself() {
    let output = run_companion(&["--headless", "--help"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.contains("netassist-cli"), "{stdout}");
    let bad = run_companion(&["--headless", "--mode", "udp", "--local", "127.0.0.1:-1"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn issue_13_window_icon_is_the_bundled_square_png() {
    let icon = eframe::icon_data::from_png_bytes(netassist::gui::WINDOW_ICON_PNG)
        .expect("the bundled icon decodes");
    assert_eq!((icon.width, icon.height), (256, 256));
    // Not a blank square: the arrows are drawn in other colours than the
    // background.
    let colours: std::collections::HashSet<&[u8]> = icon.rgba.chunks(4).collect();
    assert!(colours.len() > 16, "{} colours", colours.len());
}

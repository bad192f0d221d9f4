//! Hostile peers against what the program prints (issue 11, findings 4
//! and 9): a peer's file name, transfer mode or ERROR text can neither
//! forge an event line nor send a terminal escape, on stdout, stderr, the
//! `--log` file or in the window; and lines typed on stdin are read in the
//! send encoding. Real sockets on 127.0.0.1 only.

use crate::common;

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::gui::*;
use common::{Process, WAIT, listening_addr};
use egui_kittest::kittest::Queryable;
use netassist::net::Protocol;

/// The file name of the finding: a forged DONE line, a window-title escape
/// (OSC 0 … BEL) and a clear-screen escape.
const FORGED_NAME: &str = "x\n[12:00:00.000] DONE #7 passwd 1234 bytes\x1b]0;owned\x07\x1b[2J";
/// How the program must show it: one line, every control made visible.
const FORGED_NAME_SHOWN: &str =
    "x\\n[12:00:00.000] DONE #7 passwd 1234 bytes\\x1B]0;owned\\x07\\x1B[2J";
/// A mode field that tries the same.
const FORGED_MODE: &str = "octet\r\n[12:00:00.000] DONE #8 shadow 99 bytes\x1b[2J";
const FORGED_MODE_SHOWN: &str = "octet\\r\\n[12:00:00.000] DONE #8 shadow 99 bytes\\x1B[2J";
/// A name that exists on disk and reads backwards after U+202E: the
/// reader would see `invoiceexe.pdf`.
const BIDI_NAME: &str = "invoice\u{202E}fdp.exe";
const BIDI_NAME_SHOWN: &str = "invoice\\u{202E}fdp.exe";

fn rrq(name: &str, mode: &str) -> Vec<u8> {
    let mut packet = vec![0, 1];
    packet.extend_from_slice(name.as_bytes());
    packet.push(0);
    packet.extend_from_slice(mode.as_bytes());
    packet.push(0);
    packet
}

/// Sends one request from a fresh socket and waits for the server's first
/// answer, so that the server has handled it before the test goes on.
fn request_and_wait_for_answer(server: SocketAddr, packet: &[u8]) {
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    client.send_to(packet, server).unwrap();
    let mut buf = [0u8; 1024];
    client
        .recv_from(&mut buf)
        .expect("the server answers the request");
}

/// A line the program printed that a peer forged (the text after a raw
/// line break, which starts with the forged time stamp), or that carries a
/// raw control character (an escape, a bell, a carriage return).
fn is_forged_or_raw(line: &str) -> bool {
    line.starts_with("[12:00:00.000]") || line.chars().any(|c| c.is_control() || c == '\u{202E}')
}

#[test]
fn a_forged_tftp_name_and_mode_reach_stdout_and_the_log_file_escaped() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join(BIDI_NAME), b"not an invoice").unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log_path = logs.path().join("events.log");
    let mut app = Process::netassist(&[
        "--mode",
        "tftp-server",
        "--local",
        "127.0.0.1:0",
        "--root",
        root.path().to_str().unwrap(),
        "--log",
        log_path.to_str().unwrap(),
    ]);
    let server = listening_addr(&app.expect_line("LISTENING"));
    request_and_wait_for_answer(server, &rrq(FORGED_NAME, "octet"));
    request_and_wait_for_answer(server, &rrq("plain.txt", FORGED_MODE));
    request_and_wait_for_answer(server, &rrq(BIDI_NAME, "octet"));
    app.expect_line(FORGED_NAME_SHOWN);
    app.expect_line(FORGED_MODE_SHOWN);
    app.expect_line(BIDI_NAME_SHOWN);
    let status = app.finish();
    assert_eq!(status.code(), Some(0), "{:?} {}", app.seen, app.stderr());
    let forged: Vec<&String> = app.seen.iter().filter(|l| is_forged_or_raw(l)).collect();
    assert!(
        forged.is_empty(),
        "forged or raw lines on stdout: {forged:?}"
    );
    let stderr = app.stderr();
    assert!(
        !stderr.lines().any(is_forged_or_raw),
        "forged or raw lines on stderr: {stderr:?}"
    );

    let logged = std::fs::read(&log_path).unwrap();
    assert!(
        !logged
            .iter()
            .any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f),
        "a raw control byte in the log file: {:?}",
        String::from_utf8_lossy(&logged)
    );
    let logged = String::from_utf8(logged).expect("the log file is UTF-8");
    let forged: Vec<&str> = logged.lines().filter(|l| is_forged_or_raw(l)).collect();
    assert!(
        forged.is_empty(),
        "forged or raw lines in the log: {forged:?}"
    );
    assert_eq!(
        logged.lines().count(),
        app.seen.len(),
        "the log has the lines stdout has"
    );
    for shown in [FORGED_NAME_SHOWN, FORGED_MODE_SHOWN, BIDI_NAME_SHOWN] {
        assert!(
            logged.contains(shown),
            "{shown} is not in the log: {logged}"
        );
    }
}

/// A malicious server answers a download with an ERROR packet whose text
/// forges a line and clears the screen: the client's FAILED/ERROR lines
/// and its sentence on stderr show the text escaped.
#[test]
fn a_malicious_servers_error_text_is_shown_escaped_by_the_client() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server.set_read_timeout(Some(WAIT)).unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let downloads = tempfile::tempdir().unwrap();
    let mut app = Process::netassist_without_stdin(&[
        "--mode",
        "tftp-client",
        "--remote",
        &format!("127.0.0.1:{port}"),
        "--get",
        "config.txt",
        "--dir",
        downloads.path().to_str().unwrap(),
    ]);
    let mut buf = [0u8; 1024];
    let (_, client) = server.recv_from(&mut buf).expect("the client's request");
    let message = "nope\n[12:00:00.000] DONE #7 config.txt 5 bytes\x1b]0;owned\x07\x1b[2J";
    let mut error = vec![0, 5, 0, 1];
    error.extend_from_slice(message.as_bytes());
    error.push(0);
    server.send_to(&error, client).unwrap();

    let status = app.finish();
    let stderr = app.stderr();
    assert_eq!(status.code(), Some(1), "{:?} {stderr}", app.seen);
    let shown = "nope\\n[12:00:00.000] DONE #7 config.txt 5 bytes\\x1B]0;owned\\x07\\x1B[2J";
    assert!(
        app.seen
            .iter()
            .any(|l| l.contains("FAILED") && l.contains(shown)),
        "{:?}",
        app.seen
    );
    assert!(stderr.contains(shown), "{stderr:?}");
    let forged: Vec<&String> = app.seen.iter().filter(|l| is_forged_or_raw(l)).collect();
    assert!(
        forged.is_empty(),
        "forged or raw lines on stdout: {forged:?}"
    );
    assert!(
        !stderr.lines().any(is_forged_or_raw),
        "forged or raw lines on stderr: {stderr:?}"
    );
}

/// The window shows the same names escaped: the refused request in the
/// log, the served file in the transfer table.
#[test]
fn the_window_shows_forged_names_escaped_in_the_log_and_the_transfer_table() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join(BIDI_NAME), b"not an invoice").unwrap();
    let mut settings = english_settings(Protocol::TftpServer);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
    }
    settings.tftp.root = root.path().to_path_buf();
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Start server").click();
    step_until(&mut harness, "the server to serve", |h| {
        bound_addr(h).is_some()
    });
    let server = bound_addr(&harness).unwrap();
    // The window answers on its own thread; the requests need no frames.
    request_and_wait_for_answer(server, &rrq(FORGED_NAME, "octet"));
    request_and_wait_for_answer(server, &rrq(BIDI_NAME, "octet"));
    step_until(&mut harness, "both requests in the log", |h| {
        let log = h.state().workbench().log_text();
        log.contains(FORGED_NAME_SHOWN) && log.contains(BIDI_NAME_SHOWN)
    });
    harness.run();
    assert!(
        harness
            .query_all_by_label_contains(FORGED_NAME_SHOWN)
            .next()
            .is_some(),
        "the refused name is not shown escaped in the log"
    );
    assert!(
        harness.query_all_by_label(BIDI_NAME_SHOWN).next().is_some(),
        "the served name is not shown escaped in the transfer table"
    );
    for raw in ["\u{1b}", "\u{7}", "\u{202E}", "\n[12:00:00.000]"] {
        assert!(
            harness.query_all_by_label_contains(raw).next().is_none(),
            "a label shows {raw:?} raw"
        );
    }
}

/// Runs the binary with `bytes` on stdin (then its end) and returns the
/// exit status, stdout and stderr.
fn run_with_stdin(args: &[&str], bytes: &[u8]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netassist"))
        .arg("--headless")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netassist");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(bytes).unwrap();
    drop(stdin);
    // The program ends at the end of stdin; the test's WAIT bounds a hang
    // through the read timeout of the receiver below, not here.
    let output = child.wait_with_output().expect("netassist ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Issue 11, finding 9: `printf '\xc4\xe3\xba\xc3\n' | netassist … --encoding
/// gbk` sends 你好 in GBK, the bytes as typed; a UTF-8 line (a UTF-8
/// terminal talking to a GBK device) is still turned into GBK.
#[test]
fn stdin_lines_are_read_in_the_send_encoding() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver.set_read_timeout(Some(WAIT)).unwrap();
    let to = receiver.local_addr().unwrap().to_string();
    let (code, stdout, stderr) = run_with_stdin(
        &[
            "--mode",
            "udp",
            "--local",
            "127.0.0.1:0",
            "--remote",
            &to,
            "--encoding",
            "gbk",
        ],
        // 你好 in GBK, then 再见 in UTF-8.
        b"\xc4\xe3\xba\xc3\n\xe5\x86\x8d\xe8\xa7\x81\n",
    );
    assert_eq!(code, Some(0), "{stdout} {stderr}");
    let mut buf = [0u8; 64];
    let (n, _) = receiver.recv_from(&mut buf).expect("the GBK line");
    assert_eq!(&buf[..n], [0xC4, 0xE3, 0xBA, 0xC3]);
    let (n, _) = receiver.recv_from(&mut buf).expect("the UTF-8 line");
    assert_eq!(&buf[..n], [0xD4, 0xD9, 0xBC, 0xFB]);
    assert!(stdout.contains(" 你好"), "{stdout}");
    assert!(stdout.contains(" 再见"), "{stdout}");
}

/// Bytes that are text neither in UTF-8 nor in the send encoding are
/// refused with a sentence (exit 1) instead of being sent as U+FFFD.
#[test]
fn stdin_bytes_not_in_the_send_encoding_are_refused_with_a_sentence() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let to = receiver.local_addr().unwrap().to_string();
    let (code, stdout, stderr) = run_with_stdin(
        &["--mode", "udp", "--local", "127.0.0.1:0", "--remote", &to],
        b"\xc4\xe3\xba\xc3\n",
    );
    assert_eq!(code, Some(1), "{stdout} {stderr}");
    assert!(
        stdout.contains("a line of standard input is not UTF-8 text (bytes C4 E3 BA C3)"),
        "{stdout}"
    );
    let mut buf = [0u8; 64];
    if let Ok((n, _)) = receiver.recv_from(&mut buf) {
        panic!("{n} bytes were sent: {:?}", &buf[..n]);
    }
}

/// Issue 11, finding 8 in the window: receiving to a file that cannot be
/// written (`/dev/full` takes the open and refuses every write, as a full
/// disk does) stops saving with a sentence next to the control, not
/// silently, also when the user stops saving before a flush was due.
#[cfg(target_os = "linux")]
#[test]
fn receive_to_file_on_a_full_disk_is_said_in_the_window() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |settings| {
        settings.rx_file.path = "/dev/full".into();
    });
    harness.get_by_label("Save received to file").click();
    harness.run();
    assert!(harness.state().workbench().rx_file().is_some());
    let window = bound_addr(&harness).unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"kept in the log", window).unwrap();
    step_until(&mut harness, "the datagram in the log", |h| {
        h.state().workbench().log_text().contains("kept in the log")
    });
    // Stop saving; the buffered bytes cannot be written.
    if harness.state().workbench().rx_file().is_some() {
        harness.get_by_label("Save received to file").click();
    }
    step_until(&mut harness, "the failure to be reported", |h| {
        h.state().workbench().errors().rx_file.is_some()
    });
    harness.run();
    let sentence = harness
        .state()
        .workbench()
        .errors()
        .rx_file
        .clone()
        .unwrap();
    assert!(
        sentence.starts_with("Saving to file stopped") && sentence.contains("/dev/full"),
        "{sentence}"
    );
    assert!(
        harness
            .query_all_by_label_contains("Saving to file stopped")
            .next()
            .is_some(),
        "the sentence is not shown"
    );
    assert!(harness.state().workbench().rx_file().is_none());
}

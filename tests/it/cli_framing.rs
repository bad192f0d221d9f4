//! The real binary with `--headless --framing`: a TCP stream cut into
//! messages by the session, one RX line per message, the receive file
//! still raw; and the sentences for a bad spec or a mode without framing.
//! Real sockets on 127.0.0.1 only; no Python needed.

use crate::common;

use std::io::Write;
use std::net::TcpStream;

use common::{Process, listening_addr};

/// Runs the binary with no stdin and returns (exit code, stdout lines, stderr).
fn run(args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut app = Process::netassist_without_stdin(args);
    let status = app.finish();
    (status.code(), app.seen.clone(), app.stderr())
}

#[test]
fn framing_delimiter_prints_one_rx_line_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let rx_path = dir.path().join("rx.bin");
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--framing",
        "delimiter:0D0A",
        "--rx-file",
        rx_path.to_str().unwrap(),
        "--no-time",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let mut client = TcpStream::connect(local).unwrap();
    client.set_nodelay(true).unwrap();
    let client_addr = client.local_addr().unwrap();
    // Each piece is written once the program has read the one before, so
    // the message really arrives split.
    let pieces: [&[u8]; 3] = [b"temp=21\r", b"\nhum", b"=40\r\ntail"];
    let mut written = 0;
    for piece in pieces {
        client.write_all(piece).unwrap();
        written += piece.len() as u64;
        common::wait_for_file_len(&rx_path, written);
    }
    app.expect_line_where("the first message", |l| {
        l == format!("RX {client_addr} temp=21\\r\\n")
    });
    app.expect_line_where("the second message", |l| {
        l == format!("RX {client_addr} hum=40\\r\\n")
    });
    // The unfinished "tail" is the client's last message once it closes.
    drop(client);
    app.expect_line_where("the rest at the close", |l| {
        l == format!("RX {client_addr} tail")
    });
    assert_eq!(app.finish().code(), Some(0), "{}", app.stderr());
    assert_eq!(
        app.seen_with("RX ").len(),
        3,
        "one line per message: {:#?}",
        app.seen
    );
    assert_eq!(std::fs::read(&rx_path).unwrap(), pieces.concat());
}

#[test]
fn a_bad_framing_spec_or_a_mode_without_framing_exits_2_with_a_sentence() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--mode",
                "tcp-client",
                "--remote",
                "127.0.0.1:9",
                "--framing",
                "fixed:0",
            ],
            "--framing: a message length of 0 bytes would never end a message: give a number of bytes from 1 up, such as 16",
        ),
        (
            &[
                "--mode",
                "tcp-server",
                "--local",
                "127.0.0.1:0",
                "--framing",
                "lines",
            ],
            "--framing: 'lines' is not a framing: use delimiter:HEX (such as delimiter:0D0A), fixed:N",
        ),
        (
            &[
                "--mode",
                "tcp-server",
                "--local",
                "127.0.0.1:0",
                "--framing",
                "delimiter:0D0",
            ],
            "--framing: the delimiter '0D0' is not valid HEX",
        ),
        (
            &[
                "--mode",
                "udp",
                "--local",
                "127.0.0.1:0",
                "--framing",
                "idle:50",
            ],
            "--framing does not apply to --mode udp",
        ),
        (
            &[
                "--mode",
                "tftp-server",
                "--root",
                ".",
                "--framing",
                "fixed:4",
            ],
            "--framing does not apply to --mode tftp-server",
        ),
    ];
    for (args, sentence) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}: stderr {stderr}");
        assert!(
            stderr.contains(sentence),
            "{args:?}: expected {sentence:?} in stderr {stderr:?}"
        );
        assert!(
            stdout.is_empty(),
            "{args:?}: nothing may run, but stdout has {stdout:?}"
        );
    }
}

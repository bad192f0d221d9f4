//! The real binary with `--headless`: bad flags, runtime failures, the end
//! of stdin, `--exit-after`, `--log`, HEX lines and the line format.
//! Real sockets on 127.0.0.1 only; no Python needed.

use crate::common;

use std::net::{SocketAddr, TcpListener, UdpSocket};

use common::{Process, WAIT, listening_addr};

/// Runs the binary with no stdin and returns (exit code, stdout lines, stderr).
fn run(args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut app = Process::netassist_without_stdin(args);
    let status = app.finish();
    (status.code(), app.seen.clone(), app.stderr())
}

#[test]
fn bad_flags_exit_2_with_a_sentence() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--mode", "udp", "--local", "127.0.0.1:-1"],
            "--local: port '-1' is not a number from 0 to 65535",
        ),
        (
            &["--mode", "tcp-server", "--local", "127.0.0.1:65536"],
            "--local: port '65536' is not a number from 0 to 65535",
        ),
        (
            &["--mode", "tcp-client", "--remote", "127.0.0.1:http"],
            "--remote: port 'http' is not a number from 0 to 65535",
        ),
        (
            &["--mode", "udp", "--local", "1.2.3.4.5:80"],
            "--local: '1.2.3.4.5' is not a valid host",
        ),
        (
            &[
                "--mode",
                "udp",
                "--remote",
                "127.0.0.1:9",
                "--hex",
                "--send",
                "ABC",
            ],
            "--send 'ABC' is not valid HEX: the HEX digit at position 3 has no partner",
        ),
        (
            &["--mode", "udp", "--encoding", "klingon"],
            "--encoding 'klingon' is not an encoding this program knows",
        ),
        (&["--mode", "tcp-client"], "tcp-client needs --remote ADDR"),
        (&["--mode", "tcp-server"], "tcp-server needs --local ADDR"),
        (&["--local", "127.0.0.1:0"], "--headless needs --mode"),
        (
            &["--mode", "tftp-server", "--root", "/no/such/folder/here"],
            "--root '/no/such/folder/here' does not exist",
        ),
        (
            &["--mode", "tftp-client", "--remote", "127.0.0.1:69"],
            "tftp-client needs --get NAME (download) or --put FILE",
        ),
    ];
    let missing_dir_log = std::env::temp_dir()
        .join("netassist-no-such-dir")
        .join("x.log");
    let missing_dir_log = missing_dir_log.to_str().unwrap();
    let log_case: [(&[&str], &str); 1] = [(
        &[
            "--mode",
            "udp",
            "--local",
            "127.0.0.1:0",
            "--log",
            missing_dir_log,
        ],
        "cannot open the log file",
    )];
    for (args, sentence) in cases.iter().chain(&log_case) {
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

#[test]
fn flags_clap_refuses_also_exit_2() {
    let (code, _, stderr) = run(&[
        "--mode",
        "tftp-client",
        "--remote",
        "127.0.0.1",
        "--get",
        "a",
        "--blksize",
        "70000",
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, stderr) = run(&["--mode", "carrier-pigeon"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn tcp_port_in_use_exits_1_naming_the_address() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stdout, stderr) = run(&["--mode", "tcp-server", "--local", &addr]);
    assert_eq!(code, Some(1), "{stdout:?} {stderr}");
    assert!(
        stderr.contains(&format!("{addr} is already in use")),
        "{stderr}"
    );
    assert!(
        stdout
            .iter()
            .any(|l| l.contains(&format!("ERROR {addr} is already in use"))),
        "{stdout:?}"
    );
}

#[test]
fn udp_port_in_use_exits_1_naming_the_address() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stdout, stderr) = run(&["--mode", "udp", "--local", &addr]);
    assert_eq!(code, Some(1), "{stdout:?} {stderr}");
    assert!(
        stderr.contains(&format!("{addr} is already in use")),
        "{stderr}"
    );
}

#[test]
fn refused_connection_exits_1() {
    // A port that was just free: nobody listens there.
    let port = common::free_tcp_port(common::LOCALHOST_V4);
    let remote = format!("127.0.0.1:{port}");
    let (code, stdout, stderr) = run(&["--mode", "tcp-client", "--remote", &remote]);
    assert_eq!(code, Some(1), "{stdout:?} {stderr}");
    assert!(
        stderr.contains(&format!("{remote} refused the connection")),
        "{stderr}"
    );
}

#[test]
fn end_of_stdin_stops_the_program() {
    let (code, stdout, stderr) = run(&["--mode", "udp", "--local", "127.0.0.1:0", "--no-time"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.len(), 1, "{stdout:?}");
    assert!(stdout[0].starts_with("LISTENING 127.0.0.1:"), "{stdout:?}");
}

#[test]
fn exit_after_stops_the_program_even_with_stdin_open() {
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--exit-after",
        "0.5",
    ]);
    app.expect_line("LISTENING");
    // Stdin stays open: only --exit-after can end the program here.
    let status = app.finish_with_stdin_open();
    assert_eq!(status.code(), Some(0), "{}", app.stderr());
}

#[test]
fn exit_after_outlives_an_empty_stdin_to_wait_for_replies() {
    let mut app = Process::netassist_without_stdin(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--exit-after",
        "60",
        "--no-time",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to("还在听".as_bytes(), local).unwrap();
    let line = app.expect_line("RX ");
    assert_eq!(line, format!("RX {} 还在听", sender.local_addr().unwrap()));
}

#[test]
fn log_file_gets_the_same_lines_appended() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("traffic.log");
    std::fs::write(&log, "earlier line\n").unwrap();
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--encoding",
        "gbk",
        "--log",
        log.to_str().unwrap(),
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(&[0xC4, 0xE3, 0xBA, 0xC3], local).unwrap();
    let rx = app.expect_line("RX ");
    assert!(
        rx.ends_with(&format!("] RX {} 你好", sender.local_addr().unwrap())),
        "{rx}"
    );
    assert!(is_time_prefixed(&rx), "{rx}");
    assert_eq!(app.finish().code(), Some(0), "{}", app.stderr());
    let written = std::fs::read_to_string(&log).unwrap();
    let mut expected = vec!["earlier line".to_owned()];
    expected.extend(app.seen.iter().cloned());
    assert_eq!(written.lines().collect::<Vec<_>>(), expected);
}

/// `[HH:MM:SS.mmm] ` at the start of a line.
fn is_time_prefixed(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 15
        && bytes[0] == b'['
        && bytes[13] == b']'
        && bytes[14] == b' '
        && line[1..13].chars().enumerate().all(|(i, c)| match i {
            2 | 5 => c == ':',
            8 => c == '.',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn hex_lines_from_stdin_are_sent_as_bytes_and_bad_ones_refused() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver.set_read_timeout(Some(WAIT)).unwrap();
    let remote = receiver.local_addr().unwrap().to_string();
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--remote",
        &remote,
        "--hex",
        "--no-time",
    ]);
    app.expect_line("LISTENING");
    app.write_line("0xC4 E3,BAC3");
    let mut buf = [0u8; 64];
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[0xC4, 0xE3, 0xBA, 0xC3]);
    app.expect_line_where("the TX line", |l| l == format!("TX {remote} C4 E3 BA C3"));
    app.write_line("4G");
    app.expect_line("ERROR '4G' is not valid HEX: 'G' at position 2 is not a HEX digit");
    // A refused line is a failure of the run.
    assert_eq!(app.finish().code(), Some(1));
}

#[test]
fn text_lines_use_the_send_options() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver.set_read_timeout(Some(WAIT)).unwrap();
    let remote: SocketAddr = receiver.local_addr().unwrap();
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--remote",
        &remote.to_string(),
        "--tx-encoding",
        "gb2312",
        "--escapes",
        "--line-ending",
        "crlf",
        "--send",
        "你\\x00好",
        "--no-time",
    ]);
    let mut buf = [0u8; 64];
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[0xC4, 0xE3, 0x00, 0xBA, 0xC3, b'\r', b'\n']);
    app.write_line("再见\\t");
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[0xD4, 0xD9, 0xBC, 0xFB, b'\t', b'\r', b'\n']);
    app.expect_line_where("the TX line", |l| l == format!("TX {remote} 再见\\t\\r\\n"));
    assert_eq!(app.finish().code(), Some(0), "{}", app.stderr());
}

#[test]
fn tcp_server_greets_each_client_with_send() {
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-server",
        "--local",
        "127.0.0.1:0",
        "--send",
        "欢迎",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    for _ in 0..2 {
        let mut client = std::net::TcpStream::connect(local).unwrap();
        client.set_read_timeout(Some(WAIT)).unwrap();
        let mut buf = [0u8; 64];
        let n = std::io::Read::read(&mut client, &mut buf).unwrap();
        assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), "欢迎");
    }
    assert_eq!(app.finish().code(), Some(0), "{}", app.stderr());
}

/// Issue 13: on Chinese Windows a redirected stdout is read as GBK (`type`,
/// old Notepad, a batch file's pipe). `--output-encoding` chooses what
/// stdout is written in (the Windows default for a redirected stdout is the
/// ANSI code page); a character it cannot write becomes `?`, and the `--log`
/// file keeps the exact text in UTF-8.
#[test]
fn output_encoding_writes_redirected_stdout_in_gbk_and_the_log_in_utf8() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("redirected.txt");
    let log = dir.path().join("traffic.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_netassist"))
        .args([
            "--headless",
            "--mode",
            "udp",
            "--local",
            "127.0.0.1:0",
            "--rx-encoding",
            "utf-8",
            "--output-encoding",
            "gbk",
            "--no-time",
            "--stay",
            "--exit-after",
            "60",
            "--log",
        ])
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    let wait_for = |what: &str, found: &dyn Fn(&[u8]) -> bool| -> Vec<u8> {
        loop {
            let bytes = std::fs::read(&out_path).unwrap();
            if found(&bytes) {
                return bytes;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no {what} in the redirected stdout: {:?}",
                String::from_utf8_lossy(&bytes)
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    let listening = wait_for("LISTENING line", &|bytes| bytes.ends_with(b"\n"));
    let listening = String::from_utf8(listening).unwrap();
    let local = listening_addr(listening.lines().next().unwrap());
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to("你好✓".as_bytes(), local).unwrap();
    let mut expected = format!("RX {} ", sender.local_addr().unwrap()).into_bytes();
    // 你好 in GBK; ✓ has no GBK form.
    expected.extend_from_slice(&[0xC4, 0xE3, 0xBA, 0xC3, b'?', b'\n']);
    let written = wait_for("RX line", &|bytes| {
        bytes.windows(expected.len()).any(|w| w == expected)
    });
    assert!(written.starts_with(b"LISTENING 127.0.0.1:"), "{written:?}");
    let _ = child.kill();
    let _ = child.wait();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains(&format!("RX {} 你好✓", sender.local_addr().unwrap())),
        "{logged}"
    );
}

#[test]
fn an_unknown_output_encoding_exits_2_naming_the_flag() {
    let (code, _, stderr) = run(&["--mode", "udp", "--output-encoding", "klingon"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--output-encoding"), "{stderr}");
}

//! Careless and hostile command lines against the real binary: each is
//! refused with a sentence on stderr and sends nothing. Bad arguments exit
//! with status 2; what can only fail at run time (a name that does not
//! resolve, a port that needs privileges) exits with 1. `tests/cli.rs`
//! has the first cases; these extend them.
//! Real sockets on 127.0.0.1 only.

use crate::common;

use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use common::{Process, loud_skip};

fn run(args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut app = Process::netassist_without_stdin(args);
    let status = app.finish();
    (status.code(), app.seen.clone(), app.stderr())
}

/// A UDP socket that must receive nothing.
fn silent_receiver() -> (UdpSocket, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    (socket, addr)
}

fn assert_nothing_arrived(socket: &UdpSocket, what: &str) {
    let mut buf = [0u8; 64];
    if let Ok((n, from)) = socket.recv_from(&mut buf) {
        panic!("{what}: {n} bytes arrived from {from}");
    }
}

#[test]
fn every_bad_field_exits_2_with_a_sentence_and_sends_nothing() {
    let (receiver, to) = silent_receiver();
    let udp = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["--mode", "udp", "--local", "127.0.0.1:0", "--remote", &to]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let long_name = format!("{}.invalid:80", "a".repeat(300));
    let cases: Vec<(Vec<String>, &str)> = vec![
        // Ports: 0 as a destination, too large, negative, letters, empty.
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "127.0.0.1:0".into(),
            ],
            "port 0 means 'any free port' and cannot be a destination",
        ),
        (
            vec![
                "--mode".into(),
                "udp".into(),
                "--remote".into(),
                "127.0.0.1:0".into(),
            ],
            "port 0 means 'any free port' and cannot be a destination",
        ),
        (
            vec![
                "--mode".into(),
                "udp".into(),
                "--local".into(),
                "127.0.0.1:abc".into(),
            ],
            "--local: port 'abc' is not a number from 0 to 65535",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "127.0.0.1:".into(),
            ],
            "--remote: port '' is not a number from 0 to 65535",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "[::1]:99999".into(),
            ],
            "--remote: port '99999' is not a number from 0 to 65535",
        ),
        // Addresses: empty, no port, a name where an IP must be, junk.
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "".into(),
            ],
            "--remote: the address is empty",
        ),
        (
            vec![
                "--mode".into(),
                "udp".into(),
                "--local".into(),
                "::1".into(),
            ],
            "--local: '::1' has no port",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-server".into(),
                "--local".into(),
                "nowhere.invalid:80".into(),
            ],
            "--local: 'nowhere.invalid' is not a local IP address",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "a b:80".into(),
            ],
            "--remote: 'a b' is not a valid host",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "[::1:80".into(),
            ],
            "--remote: '[::1:80' is not a valid host",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                long_name,
            ],
            "is not a valid host",
        ),
        // HEX: odd digits, junk, and a character that is not ASCII.
        (
            udp(&["--hex", "--send", "55 0"]),
            "the HEX digit at position 4 has no partner",
        ),
        (
            udp(&["--hex", "--send", "55 0G"]),
            "'G' at position 5 is not a HEX digit",
        ),
        (
            udp(&["--hex", "--send", "0x5５"]),
            "'５' at position 4 is not a HEX digit",
        ),
        // Escapes.
        (
            udp(&["--escapes", "--send", "a\\q"]),
            "'\\q' at position 2 is not an escape",
        ),
        (
            udp(&["--escapes", "--send", "\\x4"]),
            "'\\x' at position 1 needs two HEX digits",
        ),
        (
            udp(&["--escapes", "--send", "ends in \\"]),
            "a lone '\\' ends the text",
        ),
        // Encodings, each flag.
        (
            udp(&["--rx-encoding", "EBCDIC"]),
            "--rx-encoding 'EBCDIC' is not an encoding this program knows",
        ),
        (
            udp(&["--tx-encoding", ""]),
            "--tx-encoding '' is not an encoding this program knows",
        ),
        // Numbers.
        (
            udp(&["--exit-after", "inf"]),
            "--exit-after 'inf' is not valid",
        ),
        (
            vec![
                "--mode".into(),
                "tcp-client".into(),
                "--remote".into(),
                "127.0.0.1:9".into(),
                "--connect-timeout".into(),
                "0".into(),
            ],
            "--connect-timeout '0' is not valid",
        ),
        // Folders and files that do not exist or are not what they should be.
        (
            vec![
                "--mode".into(),
                "tftp-server".into(),
                "--root".into(),
                "/etc/hostname".into(),
            ],
            "--root '/etc/hostname' is not a folder",
        ),
        (
            vec![
                "--mode".into(),
                "tftp-client".into(),
                "--remote".into(),
                "127.0.0.1:9".into(),
                "--put".into(),
                "/no/such/file".into(),
            ],
            "--put '/no/such/file' does not exist",
        ),
        (
            vec![
                "--mode".into(),
                "tftp-client".into(),
                "--remote".into(),
                "127.0.0.1:9".into(),
                "--put".into(),
                "/tmp".into(),
            ],
            "--put '/tmp' is not a file",
        ),
        (
            vec![
                "--mode".into(),
                "tftp-client".into(),
                "--remote".into(),
                "127.0.0.1:9".into(),
                "--get".into(),
                "x".into(),
                "--dir".into(),
                "/no/such/folder".into(),
            ],
            "--dir '/no/such/folder' does not exist",
        ),
    ];
    for (args, sentence) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: stderr {stderr}");
        assert!(
            stderr.contains(sentence),
            "{args:?}: expected {sentence:?} in stderr {stderr:?}"
        );
        assert!(stdout.is_empty(), "{args:?}: stdout {stdout:?}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert_nothing_arrived(&receiver, "after the refused command lines");
}

/// A name under the reserved `.invalid` TLD never resolves (RFC 6761): the
/// failure is a run-time one, exit 1, and the sentence names the host
/// (TCP client: on stderr, the session ends; UDP: as an ERROR line, the
/// socket stays open and the send is refused).
#[test]
fn a_host_that_does_not_resolve_exits_1_naming_it() {
    let (receiver, _) = silent_receiver();
    for mode in ["tcp-client", "udp"] {
        let mut args = vec!["--mode", mode, "--remote", "no-such-host.invalid:9"];
        if mode == "udp" {
            args.extend(["--local", "127.0.0.1:0", "--send", "x"]);
        }
        let (code, stdout, stderr) = run(&args);
        let sentence = "could not find the address of 'no-such-host.invalid'";
        assert!(
            stderr.contains(sentence) || stdout.iter().any(|l| l.contains(sentence)),
            "{mode}: {stdout:?} {stderr}"
        );
        assert_eq!(code, Some(1), "{mode}: {stdout:?} {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            !stdout.iter().any(|l| l.contains(" TX ")),
            "{mode}: something was sent: {stdout:?}"
        );
    }
    assert_nothing_arrived(&receiver, "after the unresolved names");
}

/// Runs the binary as an unprivileged user: `nobody` via setpriv when we
/// are root, or as we are when we are not. `None` (after a loud skip) when
/// neither is possible.
fn unprivileged(args: &[&str]) -> Option<(Option<i32>, Vec<String>, String)> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root {
        return Some(run(args));
    }
    let setpriv_works = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !setpriv_works {
        common::skip_or_fail(
            "setpriv cannot drop to nobody (Debian package: util-linux): unprivileged cases not run",
        );
        return None;
    }
    // The binary must be reachable for nobody: a checkout under a private
    // folder (such as /root) is not.
    let reachable = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args([env!("CARGO_BIN_EXE_netassist"), "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !reachable {
        loud_skip(
            "nobody cannot run the binary here (a private folder on its path?): unprivileged cases not run",
        );
        return None;
    }
    let mut full = vec![
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        env!("CARGO_BIN_EXE_netassist"),
        "--headless",
    ];
    full.extend_from_slice(args);
    let output = Command::new("setpriv")
        .args(&full)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run setpriv");
    Some((
        output.status.code(),
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[test]
fn port_69_without_privileges_suggests_6969() {
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or(1024);
    if start <= 69 {
        loud_skip("this system lets anyone bind port 69 (ip_unprivileged_port_start)");
        return;
    }
    let Some((code, stdout, stderr)) = unprivileged(&["--mode", "udp", "--local", "127.0.0.1:69"])
    else {
        return;
    };
    assert_eq!(code, Some(1), "{stdout:?} {stderr}");
    assert!(
        stderr.contains(
            "port 69 needs administrator rights here: choose a port above 1023 (for example 6969)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_log_file_in_a_folder_that_is_not_writable_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Let nobody reach the folder (the temp dir is 0700).
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = locked.join("x.log");
    let log = log.to_str().unwrap();
    let Some((code, stdout, stderr)) =
        unprivileged(&["--mode", "udp", "--local", "127.0.0.1:0", "--log", log])
    else {
        return;
    };
    assert_eq!(code, Some(2), "{stdout:?} {stderr}");
    assert!(stderr.contains("cannot open the log file"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout:?}");
    assert!(!locked.join("x.log").exists());
}

#[test]
fn an_address_in_use_by_udp_and_tcp_at_once_is_named() {
    // The same port taken by both protocols: each mode names it.
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let udp = UdpSocket::bind(("127.0.0.1", port));
    let addr = format!("127.0.0.1:{port}");
    let (code, _, stderr) = run(&["--mode", "tcp-server", "--local", &addr]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{addr} is already in use by another program")));
    if udp.is_ok() {
        let (code, _, stderr) = run(&["--mode", "udp", "--local", &addr]);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains(&format!("{addr} is already in use by another program")));
    }
}

/// A folder nobody may write into: serving it read-only is fine, but
/// uploads into it (`--allow-write`) or downloads into it (`--dir`) are
/// refused before anything opens. Run as nobody (root may write anywhere).
#[test]
fn folders_that_are_not_writable_are_refused_where_writing_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("file.bin"), b"served").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let shown = locked.to_str().unwrap();
    let cases: [(&[&str], &str); 2] = [
        (
            &[
                "--mode",
                "tftp-server",
                "--local",
                "127.0.0.1:0",
                "--root",
                shown,
                "--allow-write",
            ],
            "--root '",
        ),
        (
            &[
                "--mode",
                "tftp-client",
                "--remote",
                "127.0.0.1:9",
                "--get",
                "x",
                "--dir",
                shown,
            ],
            "--dir '",
        ),
    ];
    for (args, flag) in cases {
        let Some((code, stdout, stderr)) = unprivileged(args) else {
            return;
        };
        assert_eq!(code, Some(2), "{args:?}: {stdout:?} {stderr}");
        assert!(
            stderr.contains(&format!("{flag}{shown}' is not writable here")),
            "{args:?}: {stderr}"
        );
        assert!(stdout.is_empty(), "{stdout:?}");
    }
    // Read-only serving of the same folder is allowed.
    let Some((code, stdout, stderr)) = unprivileged(&[
        "--mode",
        "tftp-server",
        "--local",
        "127.0.0.1:0",
        "--root",
        shown,
        "--exit-after",
        "0.2",
    ]) else {
        return;
    };
    assert_eq!(code, Some(0), "{stdout:?} {stderr}");
    assert!(stdout.iter().any(|l| l.contains("LISTENING")), "{stdout:?}");
}

/// A TFTP server on its default port, 69, without the right to bind it.
#[test]
fn a_tftp_server_on_port_69_without_privileges_suggests_6969() {
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or(1024);
    if start <= 69 {
        loud_skip("this system lets anyone bind port 69 (ip_unprivileged_port_start)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // No --local: the default is 0.0.0.0:69.
    let Some((code, stdout, stderr)) = unprivileged(&[
        "--mode",
        "tftp-server",
        "--root",
        dir.path().to_str().unwrap(),
    ]) else {
        return;
    };
    assert_eq!(code, Some(1), "{stdout:?} {stderr}");
    assert!(
        stderr.contains(
            "port 69 needs administrator rights here: choose a port above 1023 (for example 6969)"
        ),
        "{stderr}"
    );
}

// ----- Issue 11, finding 13: command-line nits, one test each -----

/// Runs a command line that must be refused before anything opens: exit
/// status 2, the sentence on stderr, nothing on stdout.
fn assert_refused(args: &[&str], sentence: &str) {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, Some(2), "{args:?}: {stdout:?} {stderr}");
    assert!(stderr.contains(sentence), "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?}: {stdout:?}");
}

#[test]
fn a_multicast_ttl_out_of_range_exits_2_before_opening() {
    assert_refused(
        &[
            "--mode",
            "udp",
            "--local",
            "127.0.0.1:0",
            "--multicast-ttl",
            "999999",
        ],
        "--multicast-ttl '999999' is not valid: it must be from 1 to 255",
    );
}

/// The window refuses the numbers the headless mode refuses, with the same
/// sentence and exit status, before it opens; it used to open with them
/// clamped (`--max-clients 0` as 1). No display is given, so a window that
/// tried to open would end with another status.
#[test]
fn the_window_refuses_the_numbers_the_headless_mode_refuses_in_its_words() {
    let tcp_server = ["--mode", "tcp-server", "--local", "127.0.0.1:0"];
    let tcp_client = ["--mode", "tcp-client", "--remote", "127.0.0.1:9"];
    let tftp_server = ["--mode", "tftp-server", "--root", "."];
    let cases: [([&str; 4], [&str; 2], &str); 5] = [
        (
            tcp_server,
            ["--max-clients", "0"],
            "--max-clients '0' is not valid",
        ),
        (
            tcp_server,
            ["--idle-timeout", "100000"],
            "--idle-timeout '100000' is not valid",
        ),
        (
            tcp_server,
            ["--max-clients-per-ip", "0"],
            "--max-clients-per-ip '0' is not valid",
        ),
        (
            tcp_client,
            ["--connect-timeout", "0"],
            "--connect-timeout '0' is not valid",
        ),
        (
            tftp_server,
            ["--max-transfers-per-address", "0"],
            "--max-transfers-per-address '0' is not valid",
        ),
    ];
    for (mode, flags, sentence) in cases {
        let args = [&mode[..], &flags[..]].concat();
        let (code, _, headless) = run(&args);
        assert_eq!(code, Some(2), "headless {args:?}: {headless}");
        let headless_line = headless
            .lines()
            .find(|line| line.contains(sentence))
            .unwrap_or_else(|| panic!("headless {args:?}: {headless}"))
            .to_owned();
        let window = Process::window_without_display(&args);
        let said = String::from_utf8_lossy(&window.stderr);
        assert_eq!(window.status.code(), Some(2), "window {args:?}: {said}");
        assert!(
            said.lines().any(|line| line == headless_line),
            "window {args:?} says {said:?}, headless said {headless_line:?}"
        );
    }
}

#[test]
fn window_only_flags_are_refused_headless() {
    let udp = ["--mode", "udp", "--local", "127.0.0.1:0"];
    assert_refused(
        &[&udp[..], &["--lang", "fr"]].concat(),
        "--lang only applies to the window",
    );
    assert_refused(
        &[&udp[..], &["--open"]].concat(),
        "--open only applies to the window",
    );
}

#[test]
fn an_empty_send_exits_2_and_sends_nothing() {
    let (receiver, to) = silent_receiver();
    let udp = ["--mode", "udp", "--local", "127.0.0.1:0", "--remote", &to];
    assert_refused(
        &[&udp[..], &["--send", ""]].concat(),
        "--send '' gives nothing to send",
    );
    assert_refused(
        &[&udp[..], &["--hex", "--send", "0x"]].concat(),
        "--send '0x' gives nothing to send",
    );
    assert_nothing_arrived(&receiver, "after the empty sends");
}

#[test]
fn a_connect_timeout_too_short_to_mean_anything_is_refused() {
    assert_refused(
        &[
            "--mode",
            "tcp-client",
            "--remote",
            "127.0.0.1:9",
            "--connect-timeout",
            "1e-300",
        ],
        "--connect-timeout '1e-300' is not valid: it must be a number of seconds from 0.1 to 600",
    );
}

#[test]
fn a_port_with_a_plus_sign_is_refused() {
    assert_refused(
        &[
            "--mode",
            "udp",
            "--local",
            "127.0.0.1:0",
            "--remote",
            "127.0.0.1:+5",
        ],
        "--remote: port '+5' is not a number from 0 to 65535",
    );
    assert_refused(
        &["--mode", "udp", "--local", "127.0.0.1:+5"],
        "--local: port '+5' is not a number from 0 to 65535",
    );
}

#[test]
fn a_negative_exit_after_gets_the_sentence_in_both_spellings() {
    let udp = ["--mode", "udp", "--local", "127.0.0.1:0"];
    assert_refused(
        &[&udp[..], &["--exit-after", "-1"]].concat(),
        "--exit-after '-1' is not valid",
    );
    assert_refused(
        &[&udp[..], &["--exit-after=-1"]].concat(),
        "--exit-after '-1' is not valid",
    );
    assert_refused(
        &[
            "--mode",
            "tcp-client",
            "--remote",
            "127.0.0.1:9",
            "--connect-timeout",
            "-1",
        ],
        "--connect-timeout '-1' is not valid",
    );
}

/// A served folder inside a folder this user cannot enter exists; the
/// sentence must say it cannot be reached, not that it is missing.
#[test]
fn a_root_behind_a_folder_that_cannot_be_entered_says_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let closed = dir.path().join("closed");
    let root = closed.join("served");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    let shown = root.to_str().unwrap();
    let outcome = unprivileged(&[
        "--mode",
        "tftp-server",
        "--local",
        "127.0.0.1:0",
        "--root",
        shown,
    ]);
    // Let the temporary folder be removed whatever happened.
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
    let Some((code, stdout, stderr)) = outcome else {
        return;
    };
    assert_eq!(code, Some(2), "{stdout:?} {stderr}");
    assert!(
        stderr.contains(&format!(
            "--root '{shown}' cannot be reached: permission denied"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("does not exist"), "{stderr}");
}

// ----- Issue 11, finding 8: a log file that cannot be written -----

/// `/dev/full` opens but refuses every write, as a full disk does: the run
/// says so on stderr and exits 1 instead of printing on without a log.
#[cfg(target_os = "linux")]
#[test]
fn a_log_file_on_a_full_disk_exits_1_with_a_sentence() {
    let mut app = Process::netassist_without_stdin(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--stay",
        "--exit-after",
        "60",
        "--log",
        "/dev/full",
    ]);
    // The first event line (LISTENING) cannot be logged, so the program
    // stops at once rather than at --exit-after.
    let status = app.finish_with_stdin_open();
    let stderr = app.stderr();
    assert_eq!(status.code(), Some(1), "{:?} {stderr}", app.seen);
    assert!(
        stderr.contains("cannot write the log file '/dev/full': No space left on device"),
        "{stderr}"
    );
}

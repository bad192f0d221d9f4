//! The binary's TFTP modes: our server for the tutorial downloader, and our
//! client against our server, on 127.0.0.1 and ::1.

use crate::common;

use std::path::Path;

use common::{Process, listening_addr, python_available};

/// Starts `netassist --headless --mode tftp-server` and returns it with
/// its address, or `None` when this build's TFTP engine is still the
/// placeholder that answers "does not support that".
///
/// The TFTP engine is written on another branch; once both are merged
/// this always finds LISTENING, and with `NETASSIST_REQUIRE_PEERS=1` (CI)
/// a missing engine fails the test instead of skipping it.
fn start_server(root: &Path, local: &str, extra: &[&str]) -> Option<(Process, String)> {
    let mut args = vec![
        "--mode",
        "tftp-server",
        "--local",
        local,
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let mut server = Process::netassist(&args);
    let line = server.expect_line_where("LISTENING or ERROR", |l| {
        l.contains("LISTENING") || l.contains("ERROR")
    });
    if line.contains("does not support that") {
        common::skip_or_fail(&format!("this build has no TFTP engine yet ({line})"));
        return None;
    }
    let addr = listening_addr(&line);
    let remote = if addr.is_ipv6() {
        format!("[::1]:{}", addr.port())
    } else {
        format!("127.0.0.1:{}", addr.port())
    };
    Some((server, remote))
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[test]
fn tftp_server_serves_the_tutorial_downloader() {
    if !python_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    // 513 bytes: one full block and a short last one, which the tutorial
    // never acknowledges.
    let data = content(513);
    std::fs::write(root.path().join("教程.bin"), &data).unwrap();
    let Some((mut server, remote)) = start_server(root.path(), "127.0.0.1:0", &[]) else {
        return;
    };
    let port = remote.rsplit(':').next().unwrap();
    let out_file = out.path().join("got.bin");
    let mut downloader = Process::peer(
        "tftp_download.py",
        &[
            "--port",
            port,
            "--out",
            out_file.to_str().unwrap(),
            "教程.bin",
        ],
    );
    assert!(
        downloader.finish().success(),
        "tftp_download.py failed: {}",
        downloader.stderr()
    );
    assert!(
        downloader.seen.contains(&"DONE 513".to_owned()),
        "{:?}",
        downloader.seen
    );
    assert_eq!(std::fs::read(&out_file).unwrap(), data);
    server.expect_line_where("the START line", |l| {
        l.contains("START #")
            && l.contains("教程.bin send to 127.0.0.1:")
            && l.ends_with(", 513 bytes")
    });
}

#[test]
fn tftp_client_gets_and_puts_with_our_server_over_ipv6() {
    // The one skip rule: no ::1 here is a loud skip, or a failure in CI.
    if !common::require_ipv6() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let local = tempfile::tempdir().unwrap();
    let data = content(100_000);
    std::fs::write(root.path().join("served.bin"), &data).unwrap();
    let Some((mut server, remote)) = start_server(root.path(), "[::1]:0", &["--allow-write"])
    else {
        return;
    };
    let local_dir = local.path().to_str().unwrap();

    let mut get = Process::netassist_without_stdin(&[
        "--mode",
        "tftp-client",
        "--remote",
        &remote,
        "--get",
        "served.bin",
        "--dir",
        local_dir,
        "--blksize",
        "512",
        "--no-time",
    ]);
    assert_eq!(
        get.finish().code(),
        Some(0),
        "{:?} {}",
        get.seen,
        get.stderr()
    );
    assert_eq!(
        std::fs::read(local.path().join("served.bin")).unwrap(),
        data
    );
    let done = get.seen_with("DONE #");
    assert!(
        done.len() == 1 && done[0].contains("served.bin 100000 bytes in "),
        "{:?}",
        get.seen
    );

    let upload = local.path().join("upload.bin");
    std::fs::write(&upload, &data[..5000]).unwrap();
    let mut put = Process::netassist_without_stdin(&[
        "--mode",
        "tftp-client",
        "--remote",
        &remote,
        "--put",
        upload.to_str().unwrap(),
        "--remote-name",
        "上传.bin",
        "--windowsize",
        "4",
    ]);
    assert_eq!(
        put.finish().code(),
        Some(0),
        "{:?} {}",
        put.seen,
        put.stderr()
    );
    assert_eq!(
        std::fs::read(root.path().join("上传.bin")).unwrap(),
        &data[..5000]
    );

    let mut missing = Process::netassist_without_stdin(&[
        "--mode",
        "tftp-client",
        "--remote",
        &remote,
        "--get",
        "nothing.bin",
        "--dir",
        local_dir,
    ]);
    assert_eq!(missing.finish().code(), Some(1), "{:?}", missing.seen);
    assert!(
        missing.stderr().contains("file not found"),
        "{}",
        missing.stderr()
    );
    assert!(!local.path().join("nothing.bin").exists());

    server.expect_line("DONE #");
    assert_eq!(
        server.finish().code(),
        Some(0),
        "{:?} {}",
        server.seen,
        server.stderr()
    );
}

#[test]
fn tftp_server_max_transfers_per_address_refuses_with_a_line() {
    use netassist::tftp::limits::SlotRefusal;
    use netassist::tftp::wire::Packet;

    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("boot.bin"), content(5000)).unwrap();
    let Some((mut server, remote)) = start_server(
        root.path(),
        "127.0.0.1:0",
        &["--max-transfers-per-address", "1"],
    ) else {
        return;
    };
    let request = b"\x00\x01boot.bin\x00octet\x00";
    let first_answer = |socket: &std::net::UdpSocket| {
        socket
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        socket.send_to(request, remote.as_str()).unwrap();
        let mut buf = vec![0u8; 65_536];
        let (n, _) = socket.recv_from(&mut buf).unwrap();
        buf.truncate(n);
        buf
    };
    // The first one holds its slot: it never acknowledges.
    let holder = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let answer = first_answer(&holder);
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Data { block: 1, .. })),
        "{answer:?}"
    );
    let second = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let answer = first_answer(&second);
    let message = SlotRefusal::AddressFull { limit: 1 }.message();
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Error { message: m, .. }) if m == message),
        "{answer:?}"
    );
    let line = server.expect_line(&message);
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("127.0.0.1"), "{line}");
}

/// Issue 22, item 10: `--encoding gbk` is the TFTP modes' 字符集 for file
/// names. The server serves a GBK name from a raw peer (as `tftp.exe` on
/// Chinese Windows sends it) and prints it as text; our client sends its
/// name in GBK; a name that is text in no encoding gets a sentence.
#[test]
fn tftp_modes_read_and_send_gbk_names_with_encoding_gbk() {
    use netassist::tftp::wire::{ErrorCode, Packet};

    let root = tempfile::tempdir().unwrap();
    let local = tempfile::tempdir().unwrap();
    let served = content(300);
    std::fs::write(root.path().join("中文.txt"), &served).unwrap();
    let Some((mut server, remote)) =
        start_server(root.path(), "127.0.0.1:0", &["--encoding", "gbk"])
    else {
        return;
    };
    let ask = |name: &[u8]| {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut request = vec![0, 1];
        request.extend_from_slice(name);
        request.extend_from_slice(b"\0octet\0");
        socket.send_to(&request, remote.as_str()).unwrap();
        let mut buf = vec![0u8; 65_536];
        let (n, from) = socket.recv_from(&mut buf).unwrap();
        buf.truncate(n);
        if let Ok(Packet::Data { .. }) = Packet::parse(&buf) {
            socket.send_to(&[0, 4, 0, 1], from).unwrap();
        }
        buf
    };
    let answer = ask(b"\xd6\xd0\xce\xc4.txt");
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Data { block: 1, data }) if data == served.as_slice()),
        "{answer:?}"
    );
    server.expect_line_where("the START line", |l| {
        l.contains("START #") && l.contains("中文.txt send to 127.0.0.1:")
    });
    let answer = ask(b"\xff\xfe\x80");
    let sentence = "the file name is neither UTF-8 nor GBK text";
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Error { code: ErrorCode::AccessViolation, message }) if message == sentence),
        "{answer:?}"
    );
    let line = server.expect_line(sentence);
    assert!(line.contains("HEX FF FE 80"), "{line}");

    let mut get = Process::netassist_without_stdin(&[
        "--mode",
        "tftp-client",
        "--remote",
        &remote,
        "--get",
        "中文.txt",
        "--dir",
        local.path().to_str().unwrap(),
        "--encoding",
        "gbk",
    ]);
    assert_eq!(
        get.finish().code(),
        Some(0),
        "{:?} {}",
        get.seen,
        get.stderr()
    );
    assert_eq!(
        std::fs::read(local.path().join("中文.txt")).unwrap(),
        served
    );
}

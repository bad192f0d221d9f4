//! Issue 22, item 10: file names that are not UTF-8. `tftp.exe` on Chinese
//! Windows sends 中文.txt as GBK bytes; a server whose 字符集 is GBK
//! serves and receives it under its text name, UTF-8 names keep working,
//! every path rule holds for the decoded name, a name that is text in no
//! encoding is refused with a sentence, and our client sends names in its
//! 字符集.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::tftp::*;
use netassist_engine::net::{Event, SessionError, TftpRequest};
use netassist_engine::text::Encoding;
use netassist_engine::tftp::wire::{ErrorCode, Packet};
use netassist_engine::tftp::{ClientOp, TransferEvent};

use crate::tftp_server::{raw_socket, recv};

/// 中文.txt in GBK, as `tftp.exe` on Chinese Windows sends it.
const GBK_NAME: &[u8] = b"\xd6\xd0\xce\xc4.txt";
/// Bytes that are text neither in UTF-8 nor in GBK (0xFF starts nothing).
const NOT_TEXT: &[u8] = b"\xff\xfe\x80";
const CONTENT: &[u8] = "固件版本 1.2\nhostname=路由器\n".as_bytes();

/// An RRQ or WRQ for `name` (raw bytes) in octet mode, no options.
fn request(opcode: u8, name: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, opcode];
    bytes.extend_from_slice(name);
    bytes.extend_from_slice(b"\0octet\0");
    bytes
}

/// A server with 中文.txt in its folder, names read in `encoding`.
fn gbk_folder_server(encoding: Encoding, allow_write: bool) -> (tempfile::TempDir, Server) {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("中文.txt"), CONTENT).expect("write");
    let mut config = server_config(root.path(), "127.0.0.1:0");
    config.name_encoding = encoding;
    config.allow_write = allow_write;
    let server = start_server(config);
    (root, server)
}

/// Downloads `name` (raw bytes) with a raw UDP peer; a file under 512
/// bytes is one DATA block, acknowledged here.
fn raw_download(server: &Server, name: &[u8]) -> Result<Vec<u8>, (ErrorCode, String)> {
    let socket = raw_socket();
    socket
        .send_to(&request(1, name), server.local)
        .expect("send");
    let (answer, port) = recv(&socket);
    match Packet::parse(&answer).expect("a TFTP packet") {
        Packet::Data { block: 1, data } => {
            assert!(data.len() < 512, "one block expected");
            socket.send_to(&[0, 4, 0, 1], port).expect("ack");
            Ok(data.to_vec())
        }
        Packet::Error { code, message } => Err((code, message.to_owned())),
        other => panic!("unexpected answer {other:?}"),
    }
}

/// Uploads `content` (under 512 bytes) as `name` (raw bytes) with a raw
/// UDP peer.
fn raw_upload(server: &Server, name: &[u8], content: &[u8]) -> Result<(), (ErrorCode, String)> {
    let socket = raw_socket();
    socket
        .send_to(&request(2, name), server.local)
        .expect("send");
    let (answer, port) = recv(&socket);
    match Packet::parse(&answer).expect("a TFTP packet") {
        Packet::Ack { block: 0 } => {}
        Packet::Error { code, message } => return Err((code, message.to_owned())),
        other => panic!("unexpected answer {other:?}"),
    }
    let mut data = vec![0, 3, 0, 1];
    data.extend_from_slice(content);
    socket.send_to(&data, port).expect("data");
    let (ack, _) = recv(&socket);
    assert_eq!(ack, vec![0, 4, 0, 1]);
    Ok(())
}

fn started_file(server: &mut Server) -> String {
    server.wait_for_event("a transfer's start", |event| match event {
        Event::Transfer(TransferEvent::Started { file, .. }) => Some(file.as_received().to_owned()),
        _ => None,
    })
}

fn refusal(server: &mut Server) -> (TftpRequest, String) {
    server.wait_for_event("a refusal", |event| match event {
        Event::Error(SessionError::TftpRefused {
            request, reason, ..
        }) => Some((request.clone(), reason.as_received().to_owned())),
        _ => None,
    })
}

#[test]
fn a_gbk_server_serves_a_gbk_name_from_a_raw_peer() {
    let (_root, mut server) = gbk_folder_server(Encoding::Gbk, false);
    assert_eq!(raw_download(&server, GBK_NAME), Ok(CONTENT.to_vec()));
    // The log row shows the name as text, not its bytes.
    assert_eq!(started_file(&mut server), "中文.txt");
    let ended = server.wait_transfers_ended(1);
    assert!(
        matches!(ended[0], TransferEvent::Finished { .. }),
        "{ended:?}"
    );
}

#[test]
fn a_gbk_server_receives_an_upload_under_its_text_name() {
    let (root, mut server) = gbk_folder_server(Encoding::Gbk, true);
    let name = "上传.txt";
    let gbk = Encoding::Gbk.encode(name).expect("GBK can write it");
    assert_eq!(gbk, b"\xc9\xcf\xb4\xab.txt");
    assert_eq!(raw_upload(&server, &gbk, CONTENT), Ok(()));
    server.wait_transfers_ended(1);
    assert_eq!(started_file(&mut server), name);
    // Stored under the text name (UTF-8 on Linux), not under its bytes.
    assert_eq!(
        std::fs::read(root.path().join(name)).expect("read"),
        CONTENT
    );
}

#[test]
fn utf8_names_still_work_whatever_the_encoding() {
    for encoding in [Encoding::Gbk, Encoding::Utf8, Encoding::Big5] {
        let (root, mut server) = gbk_folder_server(encoding, true);
        assert_eq!(
            raw_download(&server, "中文.txt".as_bytes()),
            Ok(CONTENT.to_vec()),
            "{encoding:?}"
        );
        assert_eq!(raw_upload(&server, "新.txt".as_bytes(), b"x"), Ok(()));
        server.wait_transfers_ended(2);
        assert_eq!(
            std::fs::read(root.path().join("新.txt")).expect("read"),
            b"x"
        );
    }
}

#[test]
fn a_name_that_is_text_in_no_encoding_is_refused_with_a_sentence() {
    let (_root, mut server) = gbk_folder_server(Encoding::Gbk, true);
    let sentence = "the file name is neither UTF-8 nor GBK text".to_owned();
    assert_eq!(
        raw_download(&server, NOT_TEXT),
        Err((ErrorCode::AccessViolation, sentence.clone()))
    );
    // The user's row names the request by its bytes, and says why.
    let (request, reason) = refusal(&mut server);
    assert_eq!(reason, sentence);
    let TftpRequest::Download { file } = request else {
        panic!("{request:?}");
    };
    assert_eq!(file.as_received(), "HEX FF FE 80");
    assert_eq!(
        raw_upload(&server, NOT_TEXT, b"x"),
        Err((ErrorCode::AccessViolation, sentence))
    );
}

/// A UTF-8 session (the CLI's default) reads names as UTF-8 only: the GBK
/// request is refused with a sentence that says what it was not, no
/// longer as a malformed packet.
#[test]
fn a_utf8_server_refuses_a_gbk_name_with_a_sentence() {
    let (_root, mut server) = gbk_folder_server(Encoding::Utf8, false);
    let refused = raw_download(&server, GBK_NAME);
    assert_eq!(
        refused,
        Err((
            ErrorCode::AccessViolation,
            "the file name is not UTF-8 text".to_owned()
        ))
    );
    let (_, reason) = refusal(&mut server);
    assert!(!reason.contains("malformed"), "{reason}");
}

/// Every path rule sees the decoded name: a GBK `..` or device name is
/// refused as its UTF-8 twin is, and a GBK character whose second byte is
/// 0x5C (a backslash in ASCII) is a character, not a path separator.
#[test]
fn the_path_rules_hold_for_decoded_names() {
    let (root, mut server) = gbk_folder_server(Encoding::Gbk, true);
    let gbk = |name: &str| Encoding::Gbk.encode(name).expect("GBK can write it");
    for (name, because) in [
        ("../中文.txt", "'..' is not allowed"),
        ("中文/../../x", "'..' is not allowed"),
        ("/中文.txt", "absolute paths"),
        ("C:中文.txt", "drive letters"),
        ("中文.txt::$DATA", "streams"),
        ("中文\\x", "backslashes"),
        ("con.中文", "device names"),
        ("中文.", "ending in '.'"),
    ] {
        let Err((code, message)) = raw_download(&server, &gbk(name)) else {
            panic!("{name:?} must be refused");
        };
        assert_eq!(code, ErrorCode::AccessViolation, "{name:?}");
        assert!(message.contains(because), "{name:?}: {message}");
    }
    // 嘰 is 87 5C in GBK.
    let name = "嘰.txt";
    assert_eq!(gbk(name), b"\x87\x5c.txt");
    std::fs::write(root.path().join(name), b"served").expect("write");
    assert_eq!(raw_download(&server, &gbk(name)), Ok(b"served".to_vec()));
    server.drain();
}

#[test]
fn our_client_gets_and_puts_gbk_names_with_our_gbk_server() {
    let (root, mut server) = gbk_folder_server(Encoding::Gbk, true);
    let out = tempfile::tempdir().expect("temp dir");
    let mut config = client_config(
        server.local,
        ClientOp::Get {
            remote_name: "中文.txt".to_owned(),
            local_dir: out.path().to_path_buf(),
        },
    );
    config.name_encoding = Encoding::Gbk;
    let (stopped, _) = run_client(config);
    assert_eq!(stopped, None);
    assert_eq!(
        std::fs::read(out.path().join("中文.txt")).expect("read"),
        CONTENT
    );

    let local = out.path().join("本地.bin");
    let upload = pattern(100_000, 7);
    std::fs::write(&local, &upload).expect("write");
    let mut config = client_config(
        server.local,
        ClientOp::Put {
            local_file: local,
            remote_name: "上传/固件.bin".to_owned(),
        },
    );
    config.name_encoding = Encoding::Gbk;
    std::fs::create_dir(root.path().join("上传")).expect("mkdir");
    let (stopped, _) = run_client(config);
    assert_eq!(stopped, None);
    assert_eq!(
        sha256_file(&root.path().join("上传").join("固件.bin")),
        sha256(&upload)
    );
    server.wait_transfers_ended(2);
}

/// What goes on the wire: the request's name in the client's 字符集,
/// byte for byte, seen by a raw socket in the server's place.
#[test]
fn our_client_sends_the_name_in_its_encoding() {
    for (encoding, wire) in [
        (Encoding::Gbk, GBK_NAME.to_vec()),
        (Encoding::Utf8, "中文.txt".as_bytes().to_vec()),
        // UTF-16 cannot carry a name: UTF-8 then.
        (Encoding::Utf16Le, "中文.txt".as_bytes().to_vec()),
    ] {
        let fake_server = raw_socket();
        let out = tempfile::tempdir().expect("temp dir");
        let mut config = client_config(
            fake_server.local_addr().expect("addr"),
            ClientOp::Get {
                remote_name: "中文.txt".to_owned(),
                local_dir: out.path().to_path_buf(),
            },
        );
        config.name_encoding = encoding;
        let client = std::thread::spawn(move || run_client(config));
        let (rrq, from) = recv(&fake_server);
        let Ok(Packet::Request { filename, .. }) = Packet::parse(&rrq) else {
            panic!("not a request: {rrq:?}");
        };
        assert_eq!(filename, wire, "{encoding:?}");
        fake_server
            .send_to(b"\x00\x05\x00\x01not here\x00", from)
            .expect("send");
        let (stopped, _) = client.join().expect("client thread");
        assert!(stopped.is_some(), "{encoding:?}");
    }
}

#[test]
fn our_client_refuses_a_name_its_encoding_cannot_write() {
    let fake_server = raw_socket();
    let out = tempfile::tempdir().expect("temp dir");
    let mut config = client_config(
        fake_server.local_addr().expect("addr"),
        ClientOp::Get {
            remote_name: "固件😀.bin".to_owned(),
            local_dir: out.path().to_path_buf(),
        },
    );
    config.name_encoding = Encoding::Gbk;
    let (stopped, transfers) = run_client(config);
    let Some(error) = stopped else {
        panic!("the name must be refused");
    };
    assert_eq!(
        error.to_string(),
        "the file name cannot be sent: '😀' cannot be written in GBK"
    );
    assert!(transfers.is_empty(), "{transfers:?}");
    // Nothing went out.
    fake_server
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let mut buf = [0u8; 600];
    assert!(fake_server.recv_from(&mut buf).is_err());
}

/// tftp-hpa's `tftp` in a C locale sends its argument's bytes as they
/// are, as `tftp.exe` on Chinese Windows does with GBK.
#[cfg(unix)]
#[test]
fn tftp_hpa_gets_and_puts_gbk_names() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::process::Command;

    if !have_tool("tftp") {
        return;
    }
    let (root, mut server) = gbk_folder_server(Encoding::Gbk, true);
    let out = tempfile::tempdir().expect("temp dir");
    let tftp = |command: &str, from: &OsStr, to: &OsStr| {
        run_tool(
            Command::new("tftp")
                .env("LANG", "C")
                .env("LC_ALL", "C")
                .args(["-m", "octet", "127.0.0.1"])
                .arg(server.port().to_string())
                .args(["-c", command])
                .arg(from)
                .arg(to),
            Duration::from_secs(60),
        )
    };
    let local = out.path().join("got.txt");
    let (_, stdout, stderr) = tftp("get", OsStr::from_bytes(GBK_NAME), local.as_os_str());
    assert_eq!(
        std::fs::read(&local).ok().as_deref(),
        Some(CONTENT),
        "{stdout} {stderr}"
    );

    let upload: &Path = &out.path().join("up.bin");
    std::fs::write(upload, b"from tftp-hpa").expect("write");
    let gbk = Encoding::Gbk.encode("上传.txt").expect("GBK");
    let (_, stdout, stderr) = tftp("put", upload.as_os_str(), OsStr::from_bytes(&gbk));
    server.wait_transfers_ended(2);
    assert_eq!(
        std::fs::read(root.path().join("上传.txt")).ok().as_deref(),
        Some(&b"from tftp-hpa"[..]),
        "{stdout} {stderr}"
    );
}

//! Path safety and malformed input: every request that would leave the
//! served folder is refused with an ERROR packet that does not reveal
//! where the folder is, and nothing outside it is read or written.

use crate::common;

use std::net::UdpSocket;
use std::time::Duration;

use common::tftp::*;
use netassist_engine::tftp::wire::{ErrorCode, Packet};

struct Setup {
    /// Holds `root/` (served) and `secret.txt` beside it.
    outer: tempfile::TempDir,
    server: Server,
}

impl Setup {
    fn new(allow_write: bool) -> Setup {
        let outer = tempfile::tempdir().expect("temp dir");
        let root = outer.path().join("root");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(outer.path().join("secret.txt"), b"secret").expect("write");
        std::fs::write(root.join("file.bin"), b"public").expect("write");
        std::fs::write(root.join("sub/inner.bin"), b"inner").expect("write");
        let mut config = server_config(&root, "127.0.0.1:0");
        config.allow_write = allow_write;
        let server = start_server(config);
        Setup { outer, server }
    }

    fn root(&self) -> std::path::PathBuf {
        self.outer.path().join("root")
    }

    /// Sends one datagram and returns the first answer, if any.
    fn ask(&self, request: &[u8]) -> Option<Vec<u8>> {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        socket.send_to(request, self.server.local).expect("send");
        let mut buf = vec![0u8; 65_536];
        let (n, _) = socket.recv_from(&mut buf).ok()?;
        Some(buf[..n].to_vec())
    }

    /// Asks and expects an ERROR packet; checks it hides the root.
    fn refused(&self, request: &[u8]) -> (ErrorCode, String) {
        let answer = self.ask(request).expect("an answer");
        let Ok(Packet::Error { code, message }) = Packet::parse(&answer) else {
            panic!("expected an ERROR packet, got {answer:?}");
        };
        let root = self.root();
        let canonical = root.canonicalize().expect("canonical");
        for hidden in [root.as_path(), canonical.as_path(), self.outer.path()] {
            assert!(
                !message.contains(&*hidden.to_string_lossy()),
                "the message reveals the folder: {message}"
            );
        }
        (code, message.to_owned())
    }

    /// The server still serves a normal request afterwards.
    fn still_serves(&self) {
        let answer = self.ask(&rrq("file.bin")).expect("an answer");
        assert_eq!(answer, b"\x00\x03\x00\x01public".to_vec());
    }
}

fn request(opcode: u8, name: &str) -> Vec<u8> {
    let mut bytes = vec![0, opcode];
    bytes.extend_from_slice(name.as_bytes());
    bytes.extend_from_slice(b"\0octet\0");
    bytes
}

fn rrq(name: &str) -> Vec<u8> {
    request(1, name)
}

fn wrq(name: &str) -> Vec<u8> {
    request(2, name)
}

fn assert_read_refused(name: &str) {
    let setup = Setup::new(false);
    let (code, message) = setup.refused(&rrq(name));
    assert!(
        matches!(code, ErrorCode::AccessViolation | ErrorCode::FileNotFound),
        "{name}: {code:?} {message}"
    );
    setup.still_serves();
}

#[test]
fn refuses_dot_dot() {
    assert_read_refused("../secret.txt");
}

#[test]
fn refuses_dot_dot_inside_a_path() {
    assert_read_refused("sub/../../secret.txt");
}

#[test]
fn refuses_absolute_path() {
    assert_read_refused("/etc/passwd");
}

#[test]
fn refuses_absolute_path_into_the_root() {
    let setup = Setup::new(false);
    let inside = setup.root().join("file.bin");
    let (code, _) = setup.refused(&rrq(&inside.to_string_lossy()));
    assert_eq!(code, ErrorCode::AccessViolation);
}

#[test]
fn refuses_drive_letter() {
    assert_read_refused("C:/Windows/win.ini");
    assert_read_refused("c:file.bin");
}

#[test]
fn refuses_backslashes() {
    assert_read_refused("..\\secret.txt");
    assert_read_refused("sub\\inner.bin");
}

#[test]
fn refuses_nul_in_the_name() {
    // The NUL ends the name early; what follows is not a mode we serve.
    let setup = Setup::new(false);
    let (code, _) = setup.refused(b"\x00\x01file.bin\x00../secret.txt\x00octet\x00");
    assert_eq!(code, ErrorCode::IllegalOperation);
    setup.still_serves();
}

#[test]
fn refuses_over_long_name() {
    assert_read_refused(&"a".repeat(300));
}

#[test]
fn refuses_control_characters() {
    assert_read_refused("file\u{7}.bin");
}

#[cfg(unix)]
#[test]
fn refuses_symlink_to_a_file_outside() {
    let setup = Setup::new(false);
    std::os::unix::fs::symlink(
        setup.outer.path().join("secret.txt"),
        setup.root().join("link.txt"),
    )
    .expect("symlink");
    let (code, _) = setup.refused(&rrq("link.txt"));
    assert_eq!(code, ErrorCode::AccessViolation);
}

#[cfg(unix)]
#[test]
fn refuses_symlinked_folder_outside() {
    let setup = Setup::new(false);
    std::os::unix::fs::symlink(setup.outer.path(), setup.root().join("escape")).expect("symlink");
    let (code, _) = setup.refused(&rrq("escape/secret.txt"));
    assert_eq!(code, ErrorCode::AccessViolation);
}

#[cfg(unix)]
#[test]
fn refuses_upload_through_symlink() {
    let setup = Setup::new(true);
    std::os::unix::fs::symlink(
        setup.outer.path().join("secret.txt"),
        setup.root().join("link.txt"),
    )
    .expect("symlink");
    let (code, _) = setup.refused(&wrq("link.txt"));
    assert_eq!(code, ErrorCode::AccessViolation);
    assert_eq!(
        std::fs::read(setup.outer.path().join("secret.txt")).expect("read"),
        b"secret"
    );
}

#[test]
fn serves_a_file_in_a_subfolder() {
    let setup = Setup::new(false);
    let answer = setup.ask(&rrq("sub/inner.bin")).expect("an answer");
    assert_eq!(answer, b"\x00\x03\x00\x01inner".to_vec());
}

#[test]
fn refuses_upload_outside() {
    let setup = Setup::new(true);
    let (code, _) = setup.refused(&wrq("../planted.txt"));
    assert_eq!(code, ErrorCode::AccessViolation);
    assert!(!setup.outer.path().join("planted.txt").exists());
}

#[test]
fn refuses_upload_when_writing_is_off() {
    let setup = Setup::new(false);
    let (code, _) = setup.refused(&wrq("new.bin"));
    assert_eq!(code, ErrorCode::AccessViolation);
    assert!(!setup.root().join("new.bin").exists());
}

#[test]
fn refuses_overwrite_by_default() {
    let setup = Setup::new(true);
    let (code, _) = setup.refused(&wrq("file.bin"));
    assert_eq!(code, ErrorCode::FileExists);
    assert_eq!(
        std::fs::read(setup.root().join("file.bin")).expect("read"),
        b"public"
    );
}

#[test]
fn abandoned_upload_leaves_no_file() {
    let mut setup = Setup::new(true);
    // Start an upload, send one full block, then vanish.
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    socket
        .send_to(&wrq("partial.bin"), setup.server.local)
        .expect("send");
    let mut buf = [0u8; 1024];
    let (_, transfer_port) = socket.recv_from(&mut buf).expect("ACK 0");
    let mut block = vec![0, 3, 0, 1];
    block.extend_from_slice(&[7u8; 512]);
    socket.send_to(&block, transfer_port).expect("send");
    drop(socket);
    let ended = setup.server.wait_transfers_ended(1);
    assert!(
        matches!(
            ended[0],
            netassist_engine::tftp::TransferEvent::Failed { .. }
        ),
        "{ended:?}"
    );
    let names: Vec<_> = std::fs::read_dir(setup.root())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 2, "only file.bin and sub/ remain: {names:?}");
}

#[test]
fn survives_malformed_packets() {
    let setup = Setup::new(true);
    let mut huge = b"\x00\x01file.bin\x00octet\x00".to_vec();
    for _ in 0..5000 {
        huge.extend_from_slice(b"x\x00y\x00");
    }
    let garbage: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x00\x01",
        b"\x00\x01file.bin",
        b"\x00\x01file.bin\x00oct",
        b"\x00\x09\x00\x00",
        b"\xff\xff\xff\xff\xff",
        &huge,
    ];
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    for bytes in garbage {
        socket.send_to(bytes, setup.server.local).expect("send");
    }
    // Truncated requests get an error; the rest is ignored. Either way the
    // server goes on serving.
    setup.still_serves();
    let (code, _) = setup.refused(b"\x00\x02x\x00octet");
    assert_eq!(code, ErrorCode::IllegalOperation);
    let (code, _) = setup.refused(
        &request(1, "file.bin")
            .iter()
            .copied()
            .take(12)
            .collect::<Vec<u8>>(),
    );
    assert_eq!(code, ErrorCode::IllegalOperation);
}

#[test]
fn refuses_unsupported_mode() {
    let setup = Setup::new(false);
    let (code, _) = setup.refused(b"\x00\x01file.bin\x00mail\x00");
    assert_eq!(code, ErrorCode::IllegalOperation);
}

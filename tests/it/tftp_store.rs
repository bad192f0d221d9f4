//! Uploads are stored whole or not at all: names up to the file system's
//! limit of 255 bytes, a peer that sends more than the tsize it announced,
//! and a disk that fills up at the final flush. All on 127.0.0.1.

use crate::common;

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::Duration;

use common::tftp::*;
use netassist::tftp::TransferEvent;
use netassist::tftp::wire::{ErrorCode, Packet};

/// How a raw upload ended: stored (the final ACK came), or the server's
/// ERROR.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Stored,
    Refused(ErrorCode, String),
}

/// Uploads `content` as `name` with raw packets, 512-byte blocks in
/// lockstep, announcing `tsize` when given.
fn upload(server: SocketAddr, name: &str, content: &[u8], tsize: Option<u64>) -> Outcome {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request = vec![0, 2];
    request.extend_from_slice(name.as_bytes());
    request.extend_from_slice(b"\0octet\0");
    if let Some(size) = tsize {
        request.extend_from_slice(format!("tsize\0{size}\0").as_bytes());
    }
    let mut buf = vec![0u8; 65_536];
    let mut peer = server;
    let mut packet = request;
    let mut expected_ack = 0u16;
    let blocks = content.len() / 512 + 1;
    for block in 0..=blocks {
        let mut answer = None;
        for _ in 0..3 {
            socket.send_to(&packet, peer).expect("send");
            if let Ok((n, from)) = socket.recv_from(&mut buf) {
                answer = Some((buf[..n].to_vec(), from));
                break;
            }
        }
        let (answer, from) = answer.expect("the server answers");
        peer = from;
        match Packet::parse(&answer) {
            Ok(Packet::Error { code, message }) => {
                return Outcome::Refused(code, message.to_owned());
            }
            Ok(Packet::Ack { block }) => assert_eq!(block, expected_ack),
            Ok(Packet::Oack { .. }) => assert_eq!(expected_ack, 0),
            other => panic!("unexpected answer {other:?}"),
        }
        if block == blocks {
            return Outcome::Stored;
        }
        let start = block * 512;
        let end = (start + 512).min(content.len());
        expected_ack = (block + 1) as u16;
        packet = vec![0, 3];
        packet.extend_from_slice(&expected_ack.to_be_bytes());
        packet.extend_from_slice(&content[start..end]);
    }
    unreachable!("the loop returns at the final block")
}

/// Names in `dir` other than `keep`.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !keep.contains(&name.as_str()))
        .collect()
}

fn upload_server(root: &Path) -> Server {
    let mut config = server_config(root, "127.0.0.1:0");
    config.allow_write = true;
    start_server(config)
}

/// Issue 11, finding 11: the temporary name grew with the file name, so
/// names of 231 bytes and more could not be uploaded.
#[test]
fn uploads_of_names_231_to_255_bytes_are_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = upload_server(dir.path());
    let mut names = Vec::new();
    for len in 231..=255usize {
        let name = format!("{len}-{}", "n".repeat(len - 4));
        assert_eq!(name.len(), len);
        let content = format!("a name of {len} bytes").into_bytes();
        assert_eq!(
            upload(server.local, &name, &content, None),
            Outcome::Stored,
            "{len}"
        );
        assert_eq!(
            std::fs::read(dir.path().join(&name)).expect("stored"),
            content
        );
        names.push(name);
        server.drain();
    }
    let keep: Vec<&str> = names.iter().map(String::as_str).collect();
    assert!(others(dir.path(), &keep).is_empty());
}

/// Issue 11, finding 12: a WRQ announcing 1 byte had 2,560 accepted.
#[test]
fn an_upload_beyond_its_announced_tsize_is_refused_and_nothing_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = upload_server(dir.path());
    let content = pattern(2_560, 1);
    match upload(server.local, "over.bin", &content, Some(1)) {
        Outcome::Refused(code, message) => {
            assert_eq!(code, ErrorCode::DiskFull, "{message}");
        }
        Outcome::Stored => panic!("2,560 bytes stored against a tsize of 1"),
    }
    // The ERROR goes out first; the temporary file is gone once the
    // transfer has ended.
    let ended = server.wait_transfers_ended(1);
    assert!(
        matches!(ended[0], TransferEvent::Failed { .. }),
        "{ended:?}"
    );
    assert!(others(dir.path(), &[]).is_empty(), "something was kept");
    // The size announced exactly is stored.
    assert_eq!(
        upload(server.local, "exact.bin", &content, Some(2_560)),
        Outcome::Stored
    );
    assert_eq!(
        std::fs::read(dir.path().join("exact.bin")).expect("read"),
        content
    );
}

/// A child process that is killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary as a TFTP server (uploads allowed) whose folder is a
/// 64 KiB tmpfs, mounted in a mount namespace of its own (`unshare`, as
/// root or in a user namespace). `None` after a loud skip when the
/// machine allows neither.
fn server_on_a_small_disk(folder: &Path) -> Option<(Child, SocketAddr)> {
    use std::io::BufRead;
    if find_tool("unshare").is_none() {
        skip("unshare not installed: the full-disk case is not run");
        return None;
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let mut command = std::process::Command::new("unshare");
    command.arg("--mount");
    if !root {
        command.arg("--map-root-user");
    }
    command
        .args([
            "sh",
            "-c",
            "mount -t tmpfs -o size=64k tmpfs \"$0\" && exec \"$1\" --headless \
             --mode tftp-server --local 127.0.0.1:0 --root \"$0\" --allow-write \
             --stay --no-time",
        ])
        .arg(folder)
        .arg(env!("CARGO_BIN_EXE_netassist"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = Child(command.spawn().expect("start unshare"));
    let stdout = child.0.stdout.take().expect("stdout");
    // The first line is LISTENING, or nothing when the mount failed.
    let line = std::io::BufReader::new(stdout).lines().next()?.ok()?;
    let Some(addr) = line.split("LISTENING ").nth(1) else {
        skip(&format!("no tmpfs in a mount namespace here: {line}"));
        return None;
    };
    Some((child, addr.trim().parse().expect("address")))
}

/// Issue 11, finding 12: the last bytes of an upload are flushed only
/// when it completes; a disk that fills up then was ERROR 0 "cannot store
/// the file" instead of ERROR 3. A disk that fills up earlier was already
/// ERROR 3; both keep nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_disk_that_fills_at_the_final_flush_is_reported_as_disk_full() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some((child, addr)) = server_on_a_small_disk(dir.path()) else {
        return;
    };
    // What the server sees as its folder: the tmpfs in its namespace.
    let folder = Path::new("/proc")
        .join(child.0.id().to_string())
        .join("root")
        .join(dir.path().strip_prefix("/").expect("absolute"));
    // 200 KiB fits the write buffer whole, so only the final flush fails;
    // 400 KiB fails on the way.
    for (name, len) in [
        ("final-flush.bin", 200 * 1024 + 100),
        ("midway.bin", 400 * 1024),
    ] {
        match upload(addr, name, &pattern(len, 2), None) {
            Outcome::Refused(code, message) => {
                assert_eq!(code, ErrorCode::DiskFull, "{name}: {message}");
            }
            Outcome::Stored => panic!("{name}: {len} bytes stored on a 64 KiB disk"),
        }
        // The ERROR goes out before the temporary file is removed.
        let deadline = std::time::Instant::now() + WAIT;
        while !others(&folder, &[]).is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "{name}: kept {:?}",
                others(&folder, &[])
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    drop(child);
}

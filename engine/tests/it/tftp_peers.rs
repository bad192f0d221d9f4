//! Real TFTP clients against our server: tftp-hpa, curl and atftp.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::tftp::*;
use netassist_engine::tftp::TransferEvent;

const TOOL_LIMIT: Duration = Duration::from_secs(300);

/// Text with LF line ends and a bare CR, to exercise netascii both ways.
const TEXT: &[u8] = b"first line\nsecond line\r with a bare CR\n\nlast line without end";

fn serve(content: &[u8], allow_write: bool, local: &str) -> (tempfile::TempDir, Server) {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("file.bin"), content).expect("write");
    let mut config = server_config(root.path(), local);
    config.allow_write = allow_write;
    let server = start_server(config);
    (root, server)
}

fn assert_finished(server: &mut Server, bytes_at_least: u64) {
    let ended = server.wait_transfers_ended(1);
    assert!(
        matches!(ended[0], TransferEvent::Finished { bytes, .. } if bytes >= bytes_at_least),
        "{ended:?}"
    );
}

fn tftp_hpa(
    server: &Server,
    mode: &str,
    command: &str,
    args: [&Path; 2],
) -> (bool, String, String) {
    run_tool(
        Command::new("tftp")
            .args(["-m", mode, "127.0.0.1"])
            .arg(server.port().to_string())
            .args(["-c", command])
            .args(args),
        TOOL_LIMIT,
    )
}

#[test]
fn tftp_hpa_get_binary() {
    if !have_tool("tftp") {
        return;
    }
    let content = pattern(300_000, 11);
    let (_root, mut server) = serve(&content, false, "127.0.0.1:0");
    let out = tempfile::tempdir().expect("temp dir");
    let local = out.path().join("got.bin");
    let (_, stdout, stderr) = tftp_hpa(&server, "octet", "get", [Path::new("file.bin"), &local]);
    assert_eq!(sha256_file(&local), sha256(&content), "{stdout} {stderr}");
    assert_finished(&mut server, content.len() as u64);
}

#[test]
fn tftp_hpa_get_netascii() {
    if !have_tool("tftp") {
        return;
    }
    let (_root, mut server) = serve(TEXT, false, "127.0.0.1:0");
    let out = tempfile::tempdir().expect("temp dir");
    let local = out.path().join("got.txt");
    let (_, stdout, stderr) = tftp_hpa(&server, "netascii", "get", [Path::new("file.bin"), &local]);
    assert_eq!(
        std::fs::read(&local).expect("read"),
        TEXT,
        "{stdout} {stderr}"
    );
    assert_finished(&mut server, TEXT.len() as u64);
}

#[test]
fn tftp_hpa_put_binary() {
    if !have_tool("tftp") {
        return;
    }
    let (root, mut server) = serve(b"", true, "127.0.0.1:0");
    let src = tempfile::tempdir().expect("temp dir");
    let content = pattern(700_001, 12);
    let local = src.path().join("up.bin");
    std::fs::write(&local, &content).expect("write");
    let (_, stdout, stderr) = tftp_hpa(&server, "octet", "put", [&local, Path::new("up.bin")]);
    assert_finished(&mut server, content.len() as u64);
    assert_eq!(
        sha256_file(&root.path().join("up.bin")),
        sha256(&content),
        "{stdout} {stderr}"
    );
}

#[test]
fn tftp_hpa_put_netascii() {
    if !have_tool("tftp") {
        return;
    }
    let (root, mut server) = serve(b"", true, "127.0.0.1:0");
    let src = tempfile::tempdir().expect("temp dir");
    let local = src.path().join("up.txt");
    std::fs::write(&local, TEXT).expect("write");
    let (_, stdout, stderr) = tftp_hpa(&server, "netascii", "put", [&local, Path::new("up.txt")]);
    assert_finished(&mut server, TEXT.len() as u64);
    assert_eq!(
        std::fs::read(root.path().join("up.txt")).expect("read"),
        TEXT,
        "{stdout} {stderr}"
    );
}

fn curl_get(blksize: u32, local_addr: &str, host: &str) {
    if !have_tool("curl") {
        return;
    }
    let content = pattern(1_000_003, blksize);
    let (_root, mut server) = serve(&content, false, local_addr);
    let out = tempfile::tempdir().expect("temp dir");
    let local = out.path().join("got.bin");
    let url = format!("tftp://{host}:{}/file.bin", server.port());
    let (ok, stdout, stderr) = run_tool(
        Command::new("curl")
            .args(["-s", "-S", "--tftp-blksize"])
            .arg(blksize.to_string())
            .arg("-o")
            .arg(&local)
            .arg(&url),
        TOOL_LIMIT,
    );
    assert!(ok, "curl failed: {stdout} {stderr}");
    assert_eq!(sha256_file(&local), sha256(&content));
    assert_finished(&mut server, content.len() as u64);
}

#[test]
fn curl_get_blksize_512() {
    curl_get(512, "127.0.0.1:0", "127.0.0.1");
}

#[test]
fn curl_get_blksize_1468() {
    curl_get(1468, "127.0.0.1:0", "127.0.0.1");
}

#[test]
fn curl_get_blksize_8192() {
    curl_get(8192, "127.0.0.1:0", "127.0.0.1");
}

#[test]
fn curl_get_blksize_65464() {
    curl_get(65464, "127.0.0.1:0", "127.0.0.1");
}

#[test]
fn curl_get_over_ipv6() {
    // The one skip rule: no ::1 here is a loud skip, or a failure in CI.
    if !common::require_ipv6() {
        return;
    }
    curl_get(1468, "[::1]:0", "[::1]");
}

#[test]
fn curl_put() {
    if !have_tool("curl") {
        return;
    }
    let (root, mut server) = serve(b"", true, "127.0.0.1:0");
    let src = tempfile::tempdir().expect("temp dir");
    let content = pattern(2_000_000, 13);
    let local = src.path().join("up.bin");
    std::fs::write(&local, &content).expect("write");
    let url = format!("tftp://127.0.0.1:{}/up.bin", server.port());
    let (ok, stdout, stderr) = run_tool(
        Command::new("curl")
            .args(["-s", "-S", "--tftp-blksize", "8192", "-T"])
            .arg(&local)
            .arg(&url),
        TOOL_LIMIT,
    );
    assert!(ok, "curl failed: {stdout} {stderr}");
    assert_finished(&mut server, content.len() as u64);
    assert_eq!(sha256_file(&root.path().join("up.bin")), sha256(&content));
}

/// atftp with a window of 16 blocks of the default 512 bytes; larger
/// blocks overflow atftp's own receive buffer on a loaded machine, which
/// costs timeouts, not correctness.
fn atftp(server: &Server, args: &[&str], local: &Path, remote: &str) -> (bool, String, String) {
    run_tool(
        Command::new("atftp")
            .args(["--option", "windowsize 16"])
            .args(args)
            .arg("-l")
            .arg(local)
            .args(["-r", remote, "127.0.0.1"])
            .arg(server.port().to_string()),
        TOOL_LIMIT,
    )
}

#[test]
fn atftp_get_windowsize_16() {
    if !have_tool("atftp") {
        return;
    }
    let content = pattern(3_000_000, 14);
    let (_root, mut server) = serve(&content, false, "127.0.0.1:0");
    let out = tempfile::tempdir().expect("temp dir");
    let local = out.path().join("got.bin");
    let (ok, stdout, stderr) = atftp(&server, &["-g"], &local, "file.bin");
    assert!(ok, "atftp failed: {stdout} {stderr}");
    assert_eq!(sha256_file(&local), sha256(&content));
    assert_finished(&mut server, content.len() as u64);
}

#[test]
fn atftp_put_windowsize_16() {
    if !have_tool("atftp") {
        return;
    }
    let (root, mut server) = serve(b"", true, "127.0.0.1:0");
    let src = tempfile::tempdir().expect("temp dir");
    let content = pattern(3_000_001, 15);
    let local = src.path().join("up.bin");
    std::fs::write(&local, &content).expect("write");
    let (ok, stdout, stderr) = atftp(&server, &["-p"], &local, "up.bin");
    assert!(ok, "atftp failed: {stdout} {stderr}");
    assert_finished(&mut server, content.len() as u64);
    assert_eq!(sha256_file(&root.path().join("up.bin")), sha256(&content));
}

/// More than 65535 blocks of 512 bytes: tftp-hpa checks block numbers, so
/// the rollover must be right in both directions.
#[test]
fn tftp_hpa_rollover_get_and_put() {
    if !have_tool("tftp") {
        return;
    }
    let content = pattern(33 << 20, 16);
    let (root, mut server) = serve(&content, true, "127.0.0.1:0");
    let out = tempfile::tempdir().expect("temp dir");
    let local = out.path().join("got.bin");
    let (_, stdout, stderr) = tftp_hpa(&server, "octet", "get", [Path::new("file.bin"), &local]);
    assert_eq!(sha256_file(&local), sha256(&content), "{stdout} {stderr}");
    assert_finished(&mut server, content.len() as u64);
    let (_, stdout, stderr) = tftp_hpa(&server, "octet", "put", [&local, Path::new("back.bin")]);
    let ended = server.wait_transfers_ended(2);
    assert!(
        matches!(ended[1], TransferEvent::Finished { bytes, .. } if bytes == content.len() as u64),
        "{ended:?} {stdout} {stderr}"
    );
    assert_eq!(sha256_file(&root.path().join("back.bin")), sha256(&content));
}

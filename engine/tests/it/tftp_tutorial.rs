//! The tutorial's TFTP downloader (tests/peers/tftp_download.py) against
//! our server: it never acknowledges the last block, and appends every
//! DATA it gets, so a single spurious retransmission would corrupt it.

use crate::common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::tftp::*;
use netassist_engine::tftp::TransferEvent;

fn downloader() -> PathBuf {
    common::peers_dir().join("tftp_download.py")
}

fn download(len: usize, seed: u32) {
    if !have_tool("python3") {
        return;
    }
    let script = downloader();
    let root = tempfile::tempdir().expect("temp dir");
    let out_dir = tempfile::tempdir().expect("temp dir");
    let content = pattern(len, seed);
    std::fs::write(root.path().join("file.bin"), &content).expect("write");
    let mut server = start_server(server_config(root.path(), "127.0.0.1:0"));
    let out = out_dir.path().join("file.bin");
    let (ok, stdout, stderr) = run_tool(
        Command::new("python3")
            .arg(&script)
            .args(["--server", "127.0.0.1", "--port"])
            .arg(server.port().to_string())
            .args(["--timeout", "60", "--out"])
            .arg(&out)
            .arg("file.bin")
            .current_dir(out_dir.path()),
        Duration::from_secs(600),
    );
    assert!(ok, "downloader failed: {stdout} {stderr}");
    assert_eq!(stdout.trim(), format!("DONE {len}"));
    assert_eq!(sha256_file(&out), sha256(&content), "content differs");
    // The server ends the transfer by itself, quietly: finished, not failed.
    let ended = server.wait_transfers_ended(1);
    assert!(
        matches!(ended[0], TransferEvent::Finished { bytes, .. } if bytes == len as u64),
        "{ended:?}"
    );
    // The file served is untouched.
    assert_eq!(
        std::fs::read(root.path().join("file.bin")).expect("read"),
        content
    );
}

#[test]
fn tutorial_downloads_empty_file() {
    download(0, 1);
}

#[test]
fn tutorial_downloads_511_bytes() {
    download(511, 2);
}

#[test]
fn tutorial_downloads_512_bytes() {
    download(512, 3);
}

#[test]
fn tutorial_downloads_513_bytes() {
    download(513, 4);
}

#[test]
fn tutorial_downloads_1_mib() {
    download(1 << 20, 5);
}

#[test]
fn tutorial_downloads_exact_multiple_of_512() {
    download(512 * 37, 6);
}

/// 40 MiB at 512-byte blocks is 81920 blocks: the block number rolls over.
#[test]
fn tutorial_downloads_40_mib_with_rollover() {
    download(40 << 20, 7);
}

#[test]
fn tutorial_gets_error_for_missing_file() {
    if !have_tool("python3") {
        return;
    }
    let root = tempfile::tempdir().expect("temp dir");
    let out_dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(server_config(root.path(), "127.0.0.1:0"));
    let (ok, stdout, _) = run_tool(
        Command::new("python3")
            .arg(downloader())
            .args(["--server", "127.0.0.1", "--port"])
            .arg(server.port().to_string())
            .arg("missing.bin")
            .current_dir(out_dir.path()),
        Duration::from_secs(120),
    );
    assert!(!ok);
    assert!(stdout.starts_with("ERROR 1 "), "{stdout}");
}

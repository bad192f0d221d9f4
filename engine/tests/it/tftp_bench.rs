//! Throughput of our server and client beside in.tftpd and atftpd, with
//! the same clients, in the same run. Not a test: run it by hand with
//!
//! ```text
//! cargo test --config 'profile.dev.package.netassist.opt-level=3' \
//!     --test tftp_bench -- --ignored --nocapture --test-threads 1
//! ```
//!
//! It prints MB/s for a 64 MiB download on 127.0.0.1.

use crate::common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::tftp::*;
use netassist_engine::tftp::{ClientOp, ClientOptions};

const SIZE: usize = 64 << 20;

fn rate(elapsed: Duration) -> String {
    format!("{:7.1} MB/s", SIZE as f64 / 1e6 / elapsed.as_secs_f64())
}

/// Runs a download through `client` and checks the result.
fn measure(client: &str, server: SocketAddr, out: &Path, expected: &[u8]) -> Option<Duration> {
    let local = out.join("file.bin");
    let _ = std::fs::remove_file(&local);
    let port = server.port().to_string();
    let started = Instant::now();
    let ok = match client {
        "curl-1468" | "curl-65464" => {
            let blksize = client.trim_start_matches("curl-");
            run_tool(
                Command::new("curl")
                    .args(["-s", "-S", "--tftp-blksize", blksize, "-o"])
                    .arg(&local)
                    .arg(format!("tftp://127.0.0.1:{port}/file.bin")),
                Duration::from_secs(600),
            )
            .0
        }
        "tftp-hpa-512" => {
            run_tool(
                Command::new("tftp")
                    .args(["-m", "octet", "127.0.0.1", &port, "-c", "get", "file.bin"])
                    .arg(&local),
                Duration::from_secs(600),
            )
            .0
        }
        "atftp-w16-1468" => {
            run_tool(
                Command::new("atftp")
                    .args([
                        "--option",
                        "windowsize 16",
                        "--option",
                        "blksize 1468",
                        "-g",
                    ])
                    .args(["-r", "file.bin", "-l"])
                    .arg(&local)
                    .args(["127.0.0.1", &port]),
                Duration::from_secs(600),
            )
            .0
        }
        "ours-w16-1468" => {
            let config = client_config(
                server,
                ClientOp::Get {
                    remote_name: "file.bin".to_owned(),
                    local_dir: out.to_path_buf(),
                },
            );
            run_client(config).0.is_none()
        }
        "ours-w1-512" => {
            let mut config = client_config(
                server,
                ClientOp::Get {
                    remote_name: "file.bin".to_owned(),
                    local_dir: out.to_path_buf(),
                },
            );
            config.options = ClientOptions {
                blksize: None,
                windowsize: None,
                tsize: false,
                timeout_secs: None,
            };
            run_client(config).0.is_none()
        }
        other => panic!("unknown client {other}"),
    };
    let elapsed = started.elapsed();
    (ok && std::fs::read(&local).ok().as_deref() == Some(expected)).then_some(elapsed)
}

#[test]
#[ignore = "a benchmark: run by hand"]
fn throughput_table() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    let content = pattern(SIZE, 51);
    std::fs::write(root.path().join("file.bin"), &content).expect("write");
    let ours = start_server(server_config(root.path(), "127.0.0.1:0"));
    let hpa = start_in_tftpd(root.path());
    let atftpd = start_atftpd(root.path());
    let servers: Vec<(&str, SocketAddr)> = [
        Some(("netassist", ours.local)),
        hpa.as_ref().map(|(_, addr)| ("in.tftpd", *addr)),
        atftpd.as_ref().map(|(_, addr)| ("atftpd", *addr)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let clients = [
        "tftp-hpa-512",
        "curl-1468",
        "curl-65464",
        "atftp-w16-1468",
        "ours-w1-512",
        "ours-w16-1468",
    ];
    eprintln!("64 MiB download on 127.0.0.1 (wall time including process start)");
    for client in clients {
        let mut line = format!("{client:>16}:");
        for (name, addr) in &servers {
            let cell = match measure(client, *addr, out.path(), &content) {
                Some(elapsed) => rate(elapsed),
                None => "   failed   ".to_owned(),
            };
            line.push_str(&format!("  {name} {cell}"));
        }
        eprintln!("{line}");
    }
}

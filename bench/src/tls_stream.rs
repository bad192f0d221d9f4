//! tls-stream: a TLS client session receiving a stream from `socat
//! OPENSSL-LISTEN:` (zeros, as fast as socat sends them) into the engine,
//! its events drained into a `LogStore` with a large byte cap, against
//! `socat -u OPENSSL:… /dev/null` reading the same stream in the same run.
//! The server's certificate is the engine's self-signed one, made in a
//! temporary folder.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use netassist_engine::log::{Direction, LogPeer, LogStore};
use netassist_engine::net::tls::{
    SELF_SIGNED_KEY_FILE, ServerIdentity, TlsClientOptions, TlsServerOptions, Verify,
};
use netassist_engine::net::{Endpoint, Event, SessionConfig, TcpClientConfig, TlsClientConfig};

use super::common::{Outcome, Reaped, Row, find_tool};

const NAME: &str = "tls-stream";
/// The log keeps the newest bytes up to this.
const LOG_BYTES: usize = 512 << 20;
const ROUNDS: u32 = 3;
const LIMIT: Duration = Duration::from_secs(300);

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// True once something listens on 127.0.0.1:`port` (from /proc/net/tcp,
/// so that looking does not use up socat's single connection).
fn listening(port: u16) -> bool {
    let wanted = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/tcp").is_ok_and(|table| {
        table.lines().skip(1).any(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(1) == Some(&wanted.as_str()) && fields.get(3) == Some(&"0A")
        })
    })
}

/// socat serving `bytes` of zeros over TLS to the first client.
fn zero_server(socat: &Path, cert: &Path, key: &Path, bytes: u64) -> Result<(Reaped, SocketAddr)> {
    let port = free_port()?;
    let child = Command::new(socat)
        .args([
            "-u",
            "-b",
            "262144",
            &format!("OPEN:/dev/zero,readbytes={bytes}"),
            &format!(
                "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,cert={},key={},verify=0",
                cert.display(),
                key.display()
            ),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting socat")?;
    let child = Reaped(child);
    let started = Instant::now();
    while !listening(port) {
        if started.elapsed() > Duration::from_secs(5) {
            bail!("socat did not listen on 127.0.0.1:{port} within 5 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok((child, SocketAddr::from(([127, 0, 0, 1], port))))
}

/// Seconds of `socat -u OPENSSL:… /dev/null`.
fn peer(socat: &Path, cert: &Path, key: &Path, bytes: u64) -> Result<f64> {
    let (_server, addr) = zero_server(socat, cert, key, bytes)?;
    let started = Instant::now();
    let mut reader = Reaped(
        Command::new(socat)
            .args(["-u", &format!("OPENSSL:{addr},verify=0"), "/dev/null"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting socat as the reader")?,
    );
    loop {
        if let Some(status) = reader.0.try_wait()? {
            if !status.success() {
                bail!("socat -u OPENSSL:{addr} /dev/null failed: {status}");
            }
            return Ok(started.elapsed().as_secs_f64());
        }
        if started.elapsed() > LIMIT {
            bail!("socat did not finish within {} s", LIMIT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Seconds, bytes received and log entries held of the engine.
fn engine(socat: &Path, cert: &Path, key: &Path, bytes: u64) -> Result<(f64, u64, usize)> {
    let (_server, addr) = zero_server(socat, cert, key, bytes)?;
    let config = SessionConfig::TlsClient(TlsClientConfig::new(
        TcpClientConfig::new(Endpoint::parse(&addr.to_string())?),
        TlsClientOptions {
            verify: Verify::Insecure,
            ..TlsClientOptions::default()
        },
    ));
    let mut log = LogStore::new(1_000_000, LOG_BYTES);
    let started = Instant::now();
    let handle = netassist_engine::net::spawn(config, Arc::new(|| {}))?;
    let mut got = 0u64;
    loop {
        if started.elapsed() > LIMIT {
            bail!("the engine did not finish within {} s", LIMIT.as_secs());
        }
        match handle.events().recv_timeout(Duration::from_secs(1)) {
            Ok(Event::Received(chunks)) => {
                got += chunks.total_bytes() as u64;
                log.push_all(
                    Direction::Rx,
                    chunks.iter().map(|chunk| {
                        (
                            chunk.at_us,
                            LogPeer::Addr(chunk.peer),
                            chunk.conn,
                            chunk.bytes,
                        )
                    }),
                );
            }
            Ok(Event::Stopped(error)) => {
                if let Some(error) = error {
                    bail!("the TLS session failed: {error}");
                }
                break;
            }
            Ok(Event::Disconnected { .. }) => break,
            _ => {}
        }
    }
    Ok((started.elapsed().as_secs_f64(), got, log.len()))
}

pub fn run(bytes: u64) -> Result<Outcome> {
    let Some(socat) = find_tool("socat") else {
        return Ok(Outcome::skip(
            NAME,
            "socat is not installed (Debian package: socat)",
        ));
    };
    let folder = std::env::temp_dir().join(format!("netassist-bench-tls-{}", std::process::id()));
    let (_, identity) = netassist_engine::net::tls::server_config(&TlsServerOptions::new(
        ServerIdentity::SelfSigned {
            names: vec!["127.0.0.1".to_owned()],
            folder: folder.clone(),
        },
    ))?;
    let cert = identity.cert_path;
    let key = folder.join(SELF_SIGNED_KEY_FILE);
    let mut out = Outcome::default();
    let mut peer_secs = f64::INFINITY;
    let (mut secs, mut got, mut entries) = (f64::INFINITY, u64::MAX, 0);
    for round in 1..=ROUNDS {
        let p = peer(&socat, &cert, &key, bytes)?;
        let (s, g, e) = engine(&socat, &cert, &key, bytes)?;
        eprintln!("  round {round}: socat {p:.3} s, engine {s:.3} s");
        peer_secs = peer_secs.min(p);
        got = got.min(g);
        if s < secs {
            (secs, entries) = (s, e);
        }
    }
    let _ = std::fs::remove_dir_all(&folder);
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    out.note(format!(
        "best of {ROUNDS}: socat -u OPENSSL:… /dev/null: {bytes} B in {peer_secs:.3} s; engine: {got} B \
         (fewest of the rounds) in {secs:.3} s, {entries} log entries held (byte cap {} MiB)",
        LOG_BYTES >> 20
    ));
    out.row(
        Row::new(NAME, "TLS engine -> LogStore", mib(bytes) / secs, "MiB/s")
            .peer("socat -u OPENSSL:… /dev/null", mib(bytes) / peer_secs)
            .ratio_at_least(0.8),
    );
    out.row(
        Row::new(
            NAME,
            "bytes missing at the engine",
            bytes.saturating_sub(got) as f64,
            "B",
        )
        .at_most(0.0),
    );
    Ok(out)
}

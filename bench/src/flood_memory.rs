//! flood-memory (issue 11, finding 3): the peak resident memory of the
//! headless program, run as a child process, while one peer floods it (a
//! TCP client sending 1 GB of `hello world\n`; 65,507-byte UDP datagrams
//! for 10 s) with its stdout read or never read; and of the real window,
//! driven headless with egui_kittest at 60 frames a second, under the same
//! floods. With `--before PATH` (a build from before the event budget) the
//! headless cases run against that program too, in the same run.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use egui_kittest::Harness;
use netassist::cli::Args;
use netassist::gui::App;
use netassist_engine::log::LogStore;
use netassist_engine::net::{MAX_EVENT_BYTES, Protocol};

use super::common::{Outcome, Reaped, Row, rss_bytes, settings, udp_snmp};

const NAME: &str = "flood-memory";
const MIB: f64 = 1024.0 * 1024.0;
/// The largest UDP payload over IPv4.
const DATAGRAM_BYTES: usize = 65_507;
/// The headless program must stay under this at default settings.
const HEADLESS_LIMIT_MIB: f64 = 256.0;
/// A flood stops early once the program holds this much, so that a build
/// without limits cannot take the machine's memory.
const GUARD_BYTES: u64 = 3 << 30;
/// How long a TCP flood may run: a sender held back by an unread stdout
/// never finishes, so it is stopped after this.
const TCP_UNREAD_SECS: f64 = 10.0;
const TCP_READ_LIMIT: Duration = Duration::from_secs(180);
const FRAME: Duration = Duration::from_micros(16_667);

#[derive(Clone, Copy, Debug)]
enum Flood {
    /// `bytes` of `hello world\n` over one TCP connection.
    Tcp { bytes: u64 },
    /// 65,507-byte datagrams as fast as one thread sends them, for `secs`.
    Udp { secs: f64 },
}

impl Flood {
    fn label(self) -> String {
        match self {
            Flood::Tcp { bytes } => format!("TCP {} MB", bytes / 1_000_000),
            Flood::Udp { secs } => format!("UDP 65507 B datagrams {secs:.0} s"),
        }
    }
}

/// What one flood did: what was sent, the peak memory, and how the run
/// ended.
struct Measured {
    sent_bytes: u64,
    peak_rss: u64,
    guard_hit: bool,
    dropped_line: Option<String>,
    secs: f64,
}

/// Sends the flood to `to` until it is done, `stop` is set or `limit`
/// passes; `sent` follows its progress.
fn flood(
    kind: Flood,
    to: SocketAddr,
    stop: &AtomicBool,
    sent: &AtomicU64,
    limit: Duration,
) -> Result<()> {
    let started = Instant::now();
    let over = || stop.load(Ordering::Acquire) || started.elapsed() > limit;
    match kind {
        Flood::Tcp { bytes } => {
            let mut stream = TcpStream::connect(to).context("connecting the flood")?;
            // A held-back sender must still see the time limit.
            stream.set_write_timeout(Some(Duration::from_millis(100)))?;
            let block = b"hello world\n".repeat(256 << 10 >> 4);
            let mut total = 0u64;
            while total < bytes && !over() {
                let len = (bytes - total).min(block.len() as u64) as usize;
                match stream.write(&block[..len]) {
                    Ok(0) => break,
                    Ok(n) => {
                        total += n as u64;
                        sent.store(total, Ordering::Release);
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock
                                | std::io::ErrorKind::TimedOut
                                | std::io::ErrorKind::Interrupted
                        ) => {}
                    Err(_) => break,
                }
            }
        }
        Flood::Udp { secs } => {
            let socket = UdpSocket::bind("127.0.0.1:0")?;
            let datagram = vec![b'u'; DATAGRAM_BYTES];
            let length = Duration::from_secs_f64(secs).min(limit);
            let mut total = 0u64;
            while started.elapsed() < length && !stop.load(Ordering::Acquire) {
                // A full kernel buffer refuses some; the flood goes on.
                if socket.send_to(&datagram, to).is_ok() {
                    total += DATAGRAM_BYTES as u64;
                    sent.store(total, Ordering::Release);
                }
            }
        }
    }
    Ok(())
}

fn free_port(flood: Flood) -> Result<u16> {
    Ok(match flood {
        Flood::Tcp { .. } => std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port(),
        Flood::Udp { .. } => UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port(),
    })
}

/// The headless program under one flood, its stdout read (and thrown
/// away) or never read after the LISTENING line.
fn headless(program: &Path, kind: Flood, read_stdout: bool) -> Result<Measured> {
    let port = free_port(kind)?;
    let mode = match kind {
        Flood::Tcp { .. } => "tcp-server",
        Flood::Udp { .. } => "udp",
    };
    let mut child = Reaped(
        Command::new(program)
            .args(["--headless", "--mode", mode])
            .args(["--local", &format!("127.0.0.1:{port}")])
            // With no stdin the program would stop at once; it is stopped
            // when the measurement ends.
            .args(["--exit-after", "3600"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?,
    );
    let pid = child.0.id();
    let stdout = child.0.stdout.take().context("a piped stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    if !first.contains("LISTENING") {
        bail!("{} did not start listening: {first:?}", program.display());
    }
    let dropped_line = Arc::new(std::sync::Mutex::new(None::<String>));
    // Unread, the pipe stays open with nobody reading it.
    let _unread = if read_stdout {
        let dropped_line = Arc::clone(&dropped_line);
        std::thread::Builder::new()
            .name("bench-stdout".to_owned())
            .spawn(move || {
                let mut line = Vec::new();
                while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                    if line.windows(7).any(|w| w == b"DROPPED")
                        && let Ok(mut slot) = dropped_line.lock()
                    {
                        *slot = Some(String::from_utf8_lossy(&line).trim_end().to_owned());
                    }
                    line.clear();
                }
            })?;
        None
    } else {
        Some(reader)
    };
    let to = SocketAddr::from(([127, 0, 0, 1], port));
    let limit = match (kind, read_stdout) {
        (Flood::Tcp { .. }, false) => Duration::from_secs_f64(TCP_UNREAD_SECS),
        (Flood::Tcp { .. }, true) => TCP_READ_LIMIT,
        (Flood::Udp { secs }, _) => Duration::from_secs_f64(secs),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let sender = {
        let (stop, sent) = (Arc::clone(&stop), Arc::clone(&sent));
        std::thread::Builder::new()
            .name("bench-flood".to_owned())
            .spawn(move || flood(kind, to, &stop, &sent, limit))?
    };
    let mut guard_hit = false;
    let mut peak = 0;
    while !sender.is_finished() {
        if let Some((rss, hwm)) = rss_bytes(Some(pid)) {
            peak = peak.max(hwm).max(rss);
            if rss > GUARD_BYTES {
                guard_hit = true;
                stop.store(true, Ordering::Release);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the flood panicked"))??;
    let secs = started.elapsed().as_secs_f64();
    // What the program still holds may peak a moment after the last send.
    let settle = Instant::now();
    while settle.elapsed() < Duration::from_millis(500) {
        if let Some((rss, hwm)) = rss_bytes(Some(pid)) {
            peak = peak.max(hwm).max(rss);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // Stopping the program ends the UDP session with its last report.
    drop(child);
    let dropped_line = dropped_line.lock().ok().and_then(|slot| slot.clone());
    Ok(Measured {
        sent_bytes: sent.load(Ordering::Acquire),
        peak_rss: peak,
        guard_hit,
        dropped_line,
        secs,
    })
}

/// The real window (kittest, 60 frames a second) with one tab under the
/// flood; returns what was sent, the process's peak, its RSS before the
/// flood, the payload bytes the log holds at the end, and a summary.
fn window(kind: Flood) -> Result<(Measured, u64, u64, String)> {
    let protocol = match kind {
        Flood::Tcp { .. } => Protocol::TcpServer,
        Flood::Udp { .. } => Protocol::Udp,
    };
    let settings = settings(protocol, "127.0.0.1:0", None, LogStore::DEFAULT_MAX_ENTRIES);
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| App::with_settings(&cc.egui_ctx, settings, &Args::default()));
    harness.state_mut().workbench_mut().open();
    let to = super::common::wait_window_open(&mut harness, "the window's session")?;
    let limit = match kind {
        Flood::Tcp { .. } => TCP_READ_LIMIT,
        Flood::Udp { secs } => Duration::from_secs_f64(secs),
    };
    let before = rss_bytes(None).map_or(0, |(rss, _)| rss);
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let sender = {
        let (stop, sent) = (Arc::clone(&stop), Arc::clone(&sent));
        std::thread::Builder::new()
            .name("bench-flood".to_owned())
            .spawn(move || flood(kind, to, &stop, &sent, limit))?
    };
    let mut peak = 0;
    let mut guard_hit = false;
    let mut next = Instant::now();
    let mut frames = 0u64;
    while !sender.is_finished() {
        harness.step();
        frames += 1;
        // VmRSS, not VmHWM: the process's peak would carry over from the
        // cases before.
        if let Some((rss, _)) = rss_bytes(None) {
            peak = peak.max(rss);
            if rss > GUARD_BYTES {
                guard_hit = true;
                stop.store(true, Ordering::Release);
            }
        }
        next += FRAME;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the flood panicked"))??;
    let secs = started.elapsed().as_secs_f64();
    // The frames go on until the window has taken what arrived.
    let tail = Instant::now();
    while harness.state().workbench().is_active() && tail.elapsed() < Duration::from_secs(2) {
        harness.step();
        if let Some((rss, _)) = rss_bytes(None) {
            peak = peak.max(rss);
        }
    }
    let bench = harness.state().workbench();
    let log_bytes: u64 = bench
        .log()
        .iter()
        .map(|entry| entry.bytes.len() as u64)
        .sum();
    let summary = format!(
        "{frames} frames; {} B received, {} datagrams not kept; the log holds {} entries, {log_bytes} B",
        bench.counters().rx_bytes,
        bench.counters().rx_dropped,
        bench.log().len()
    );
    Ok((
        Measured {
            sent_bytes: sent.load(Ordering::Acquire),
            peak_rss: peak,
            guard_hit,
            dropped_line: None,
            secs,
        },
        before,
        log_bytes,
        summary,
    ))
}

/// netassist next to this program (`cargo build --release --workspace`
/// builds both into the same folder).
fn sibling_program() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding this program")?;
    let name = if cfg!(windows) {
        "netassist.exe"
    } else {
        "netassist"
    };
    let program = exe.with_file_name(name);
    if !program.is_file() {
        bail!(
            "{} is missing: build it too (cargo build --release --workspace)",
            program.display()
        );
    }
    Ok(program)
}

pub fn run(tcp_bytes: u64, udp_secs: f64, before: Option<&Path>) -> Result<Outcome> {
    let mut out = Outcome::default();
    let program = sibling_program()?;
    let floods = [
        Flood::Tcp { bytes: tcp_bytes },
        Flood::Udp {
            secs: udp_secs.clamp(1.0, 60.0),
        },
    ];
    let mut builds = vec![("now", program)];
    if let Some(before) = before {
        builds.push(("before", before.to_owned()));
    }
    for (build, program) in &builds {
        for kind in floods {
            for read_stdout in [false, true] {
                let case = format!(
                    "headless ({build}), {}, stdout {}",
                    kind.label(),
                    if read_stdout { "read" } else { "unread" }
                );
                eprintln!("  {case} ...");
                let kernel_before = udp_snmp().unwrap_or_default();
                let measured = headless(program, kind, read_stdout)?;
                let kernel = udp_snmp().unwrap_or_default().since(kernel_before);
                let kernel_drops = match kind {
                    Flood::Udp { .. } => {
                        format!(", {} dropped by the kernel", kernel.rcvbuf_errors)
                    }
                    Flood::Tcp { .. } => String::new(),
                };
                out.note(format!(
                    "{case}: {} MB offered in {:.1} s{kernel_drops}{}{}",
                    measured.sent_bytes / 1_000_000,
                    measured.secs,
                    if measured.guard_hit {
                        format!(", stopped at the {} GiB guard", GUARD_BYTES >> 30)
                    } else {
                        String::new()
                    },
                    measured
                        .dropped_line
                        .as_deref()
                        .map(|line| format!("; last report: {line}"))
                        .unwrap_or_default()
                ));
                let row = Row::new(
                    NAME,
                    &format!("peak RSS, {case}"),
                    measured.peak_rss as f64 / MIB,
                    "MiB",
                );
                out.row(if *build == "now" {
                    row.at_most(HEADLESS_LIMIT_MIB)
                } else {
                    row.info()
                });
            }
        }
    }
    let caps_mib = (LogStore::DEFAULT_MAX_BYTES + MAX_EVENT_BYTES) as f64 / MIB;
    for kind in floods {
        let case = format!("window, {}", kind.label());
        eprintln!("  {case} ...");
        let (measured, before, log_bytes, summary) = window(kind)?;
        out.note(format!(
            "{case}: {} MB offered in {:.1} s; {summary}; RSS before the flood {:.1} MiB",
            measured.sent_bytes / 1_000_000,
            measured.secs,
            before as f64 / MIB
        ));
        out.row(
            Row::new(
                NAME,
                &format!("peak RSS, {case}"),
                measured.peak_rss as f64 / MIB,
                "MiB",
            )
            .peer("log byte cap + event cap", caps_mib)
            .info(),
        );
        // What the window holds beyond the log's own bytes: the event
        // budget in use, the log's index, frames, allocator slack.
        let overhead = measured.peak_rss as f64 - before as f64 - log_bytes as f64;
        out.row(
            Row::new(
                NAME,
                &format!("peak RSS - RSS before - log bytes, {case}"),
                overhead / MIB,
                "MiB",
            )
            .info(),
        );
    }
    Ok(out)
}

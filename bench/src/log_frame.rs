//! log-frame: the real `App` with a million log entries, laid out headless
//! with egui_kittest (`Harness::step`, at most 60 frames a second as a
//! display would pace it) while datagrams arrive at a steady rate: the CPU
//! time of each frame on the UI thread.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use egui_kittest::Harness;
use netassist::cli::Args;
use netassist::gui::App;
use netassist_engine::log::{Direction, LogPeer, now_ms};
use netassist_engine::net::Protocol;

use super::common::{Outcome, Row, UdpSnmp, percentiles, settings, thread_cpu, udp_snmp};

const NAME: &str = "log-frame";
const FRAME: Duration = Duration::from_micros(16_667);

/// Sends `rate` datagrams of 64 B a second to `to` in 1 ms slices until
/// stopped; returns how many it sent.
fn paced_sender(
    to: SocketAddr,
    rate: u64,
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicU64>,
) -> Result<std::thread::JoinHandle<()>> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(to)?;
    Ok(std::thread::Builder::new()
        .name("bench-paced-sender".to_owned())
        .spawn(move || {
            let started = Instant::now();
            let mut payload = [b'y'; 64];
            let mut count = 0u64;
            // Bounded: the caller stops it, and it stops itself after 10 min.
            while !stop.load(Ordering::Acquire) && started.elapsed() < Duration::from_secs(600) {
                let due = (started.elapsed().as_secs_f64() * rate as f64) as u64;
                while count < due {
                    payload[..8].copy_from_slice(&count.to_be_bytes());
                    if socket.send(&payload).is_err() {
                        break;
                    }
                    count += 1;
                }
                sent.store(count, Ordering::Release);
                std::thread::sleep(Duration::from_millis(1));
            }
        })?)
}

/// `wrap_rows`: the log view with 自动换行 ticked, so every frame walks
/// the heights of all rows (measured ones for rows that were in view).
pub fn run(entries: usize, secs: f64, rate: u64, wrap_rows: bool) -> Result<Outcome> {
    let mut out = Outcome::default();
    let mut settings = settings(Protocol::Udp, "127.0.0.1:0", None, entries);
    settings.view.wrap_rows = wrap_rows;
    if wrap_rows {
        out.note("with wrap lines (自动换行) ticked".to_owned());
    }
    let mut harness = Harness::builder()
        .with_size([1100.0, 760.0])
        // The window draws tofu for characters no font has, as the real
        // app does (kittest would panic); binary datagrams have some.
        .allow_missing_glyphs()
        .build_eframe(move |cc| App::with_settings(&cc.egui_ctx, settings, &Args::default()));
    let fill_started = Instant::now();
    {
        let bench = harness.state_mut().workbench_mut();
        let peer = LogPeer::Addr("127.0.0.1:50000".parse()?);
        let mut payload = [b'z'; 64];
        let at = now_ms();
        for i in 0..entries {
            let mut n = i;
            for digit in payload[..8].iter_mut().rev() {
                *digit = b'0' + (n % 10) as u8;
                n /= 10;
            }
            bench.log_mut().push(at, Direction::Rx, peer, &payload);
        }
        bench.open();
    }
    out.note(format!(
        "{} entries put in the log in {:.3} s",
        harness.state().workbench().log().len(),
        fill_started.elapsed().as_secs_f64()
    ));
    let to = super::common::wait_window_open(&mut harness, "the UDP session")?;
    // A few frames to settle the layout before measuring.
    for _ in 0..10 {
        harness.step();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let before = udp_snmp().unwrap_or_default();
    let sender =
        paced_sender(to, rate, stop.clone(), sent.clone()).context("starting the sender")?;
    let mut cpu_ms = Vec::new();
    let mut wall_ms = Vec::new();
    let started = Instant::now();
    let length = Duration::from_secs_f64(secs.clamp(1.0, 120.0));
    let mut next = Instant::now();
    while started.elapsed() < length {
        let (cpu0, wall0) = (thread_cpu(), Instant::now());
        harness.step();
        cpu_ms.push((thread_cpu() - cpu0).as_secs_f64() * 1000.0);
        wall_ms.push(wall0.elapsed().as_secs_f64() * 1000.0);
        next += FRAME;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
    let measured = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Release);
    let _ = sender.join();
    // Let the rest arrive, then see whether the log kept up.
    let tail = Instant::now();
    let sent = sent.load(Ordering::Acquire);
    while harness.state().workbench().counters().rx_msgs < sent
        && tail.elapsed() < Duration::from_secs(5)
    {
        harness.step();
    }
    let kernel: UdpSnmp = udp_snmp().unwrap_or_default().since(before);
    let bench = harness.state().workbench();
    let frames = cpu_ms.len();
    out.note(format!(
        "{frames} frames in {measured:.2} s; {sent} datagrams sent ({:.0}/s), {} logged, \
         kernel drops +{}; log holds {} entries, {} dropped from the front (cap {entries}); \
         frame times include kittest's AccessKit tree update",
        sent as f64 / measured,
        bench.counters().rx_msgs,
        kernel.rcvbuf_errors,
        bench.log().len(),
        bench.log().dropped(),
    ));
    let (cpu_median, cpu_p99) = percentiles(&mut cpu_ms);
    let (wall_median, wall_p99) = percentiles(&mut wall_ms);
    out.row(Row::new(NAME, "frame CPU time, median", cpu_median, "ms").at_most(4.0));
    out.row(Row::new(NAME, "frame CPU time, p99", cpu_p99, "ms").at_most(16.0));
    out.row(Row::new(NAME, "frame wall time, median", wall_median, "ms").info());
    out.row(Row::new(NAME, "frame wall time, p99", wall_p99, "ms").info());
    out.row(
        Row::new(
            NAME,
            "datagrams logged during frames",
            bench.counters().rx_msgs as f64,
            "datagrams",
        )
        .peer("sent", sent as f64)
        .info(),
    );
    Ok(out)
}

//! rx-file: receive to file under load (issue 4). A UDP session in the GUI's
//! own `Workbench` saves every datagram (raw mode) while the display is
//! paused, as 200,000 numbered datagrams of 64 B arrive as fast as one
//! sender thread sends them. Completeness: the bytes on disk equal the
//! bytes the engine received, in order; what the kernel dropped before the
//! engine saw it is reported apart (/proc/net/snmp).

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use netassist::gui::workbench::Workbench;
use netassist_engine::net::Protocol;

use super::common::{Outcome, Row, Signal, drain_until, open_bench, settings, udp_snmp};

const NAME: &str = "rx-file";
const DATAGRAM_BYTES: usize = 64;

pub fn run(count: u64) -> Result<Outcome> {
    let mut out = Outcome::default();
    let dir = std::env::temp_dir().join(format!("netassist-rx-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating a scratch folder")?;
    let path = dir.join("received.bin");
    let signal = Signal::new();
    let mut s = settings(Protocol::Udp, "127.0.0.1:0", None, 1_000_000);
    s.rx_file.path = path.to_path_buf();
    s.rx_file.lines = false;
    let mut bench = Workbench::new(s, signal.waker());
    let local = open_bench(&mut bench, &signal)?;
    bench.set_rx_file(Some(&path));
    if let Some(e) = &bench.errors().rx_file {
        bail!("receive to file refused: {e}");
    }
    bench.set_paused(true);
    let before = udp_snmp();

    let sender = std::thread::spawn(move || -> Result<()> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        let mut payload = [b'.'; DATAGRAM_BYTES];
        for i in 0..count {
            payload[..8].copy_from_slice(&i.to_be_bytes());
            socket.send_to(&payload, local)?;
        }
        Ok(())
    });
    let started = Instant::now();
    let mut last_change = Instant::now();
    let mut last_count = 0;
    // Until everything arrived, or nothing more came for a second (the
    // kernel dropped the rest).
    drain_until(&mut bench, &signal, Duration::from_secs(120), |b| {
        if b.counters().rx_msgs != last_count {
            last_count = b.counters().rx_msgs;
            last_change = Instant::now();
        }
        b.counters().rx_msgs >= count || last_change.elapsed() > Duration::from_secs(1)
    });
    let elapsed = last_change.duration_since(started).as_secs_f64().max(1e-9);
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the sender panicked"))??;
    let kernel = udp_snmp()
        .zip(before)
        .map(|(after, before)| after.since(before));
    let received = bench.counters().rx_bytes;
    let messages = bench.counters().rx_msgs;
    // Stopping flushes the file.
    bench.set_rx_file(None);
    let on_disk = std::fs::read(&path).context("reading the file back")?;
    let _ = std::fs::remove_dir_all(&dir);

    // Every datagram the engine got must be on disk, whole and in order.
    let mut in_order = true;
    let mut previous = None;
    for chunk in on_disk.chunks(DATAGRAM_BYTES) {
        let Some(number) = chunk.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) else {
            in_order = false;
            break;
        };
        let number = u64::from_be_bytes(number);
        if chunk.len() != DATAGRAM_BYTES || previous.is_some_and(|p| number <= p) {
            in_order = false;
            break;
        }
        previous = Some(number);
    }
    out.note(format!(
        "{count} datagrams of {DATAGRAM_BYTES} B sent, {messages} received by the engine in {elapsed:.3} s, {} B on disk, whole and in order: {in_order}",
        on_disk.len()
    ));
    if let Some(kernel) = kernel {
        out.note(format!(
            "kernel UDP drops during the run (RcvbufErrors): {}",
            kernel.rcvbuf_errors
        ));
    }
    out.row(
        Row::new(
            NAME,
            "received to file per second",
            messages as f64 / elapsed,
            "datagrams/s",
        )
        .info(),
    );
    out.row(
        Row::new(
            NAME,
            "bytes received but missing on disk",
            received.saturating_sub(on_disk.len() as u64) as f64,
            "B",
        )
        .at_most(0.0),
    );
    out.row(
        Row::new(
            NAME,
            "file whole and in order",
            if in_order { 1.0 } else { 0.0 },
            "bool",
        )
        .at_least(1.0),
    );
    Ok(out)
}

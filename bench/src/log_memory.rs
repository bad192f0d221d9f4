//! log-memory: resident memory of a `LogStore` holding a million entries
//! of 64 B (the store's default cap is 100,000; it is raised here).

use anyhow::{Context, Result};
use netassist_engine::log::{Direction, LogPeer, LogStore, now_ms};

use super::common::{Outcome, Row, rss_bytes};

const NAME: &str = "log-memory";
const MIB: f64 = 1024.0 * 1024.0;

pub fn run(entries: usize) -> Result<Outcome> {
    let mut out = Outcome::default();
    let (before, _) = rss_bytes(None).context("reading /proc/self/status")?;
    let mut store = LogStore::new(entries, LogStore::DEFAULT_MAX_BYTES.max(entries * 64 * 2));
    let peer = LogPeer::Addr("127.0.0.1:50000".parse()?);
    let mut payload = [b'x'; 64];
    let at = now_ms();
    for i in 0..entries {
        payload[..8].copy_from_slice(&(i as u64).to_be_bytes());
        store.push(at + (i / 1000) as i64, Direction::Rx, peer, &payload);
    }
    let (rss, hwm) = rss_bytes(None).context("reading /proc/self/status")?;
    out.note(format!(
        "{} entries held, {} dropped; RSS before filling {:.1} MiB",
        store.len(),
        store.dropped(),
        before as f64 / MIB
    ));
    let payload_mib = (entries * 64) as f64 / MIB;
    out.row(
        Row::new(NAME, "VmRSS with the entries", rss as f64 / MIB, "MiB")
            .peer("payload bytes alone (limit)", payload_mib)
            .at_most(250.0),
    );
    out.row(Row::new(NAME, "VmHWM (peak)", hwm as f64 / MIB, "MiB").at_most(250.0));
    out.row(
        Row::new(
            NAME,
            "bytes per entry (RSS growth / entries)",
            rss.saturating_sub(before) as f64 / entries.max(1) as f64,
            "B",
        )
        .info(),
    );
    drop(store);
    Ok(out)
}

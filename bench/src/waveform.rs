//! waveform: the waveform tool's parser and store (`WaveParser` +
//! `WaveStore`, fed the way `WaveformTool::received` feeds them) over text
//! lines and JustFloat frames of 2 and 8 channels, in reads of 1,400
//! bytes, against the log's own ingest of the same reads as RX entries
//! (`LogStore::push`) in the same run; one line or frame per datagram
//! against what the window's log keeps up with from a UDP peer (the
//! udp-ingest path: engine -> Workbench -> LogStore, datagrams/s, measured
//! in the same run); and the store's memory, bounded by its cap.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netassist_engine::log::{Direction, LogPeer, LogStore, now_ms};
use netassist_engine::waveform::{
    JUSTFLOAT_TAIL, MAX_CHANNELS, MAX_SAMPLES_PER_CHANNEL, Record, Sample, WaveFormat, WaveParser,
    WaveStore,
};

use super::common::{Outcome, Row, rss_bytes};

const NAME: &str = "waveform";
/// One TCP read or a large datagram, as the log receives them.
const READ_BYTES: usize = 1_400;
const MB: f64 = 1_000_000.0;
const MIB: f64 = 1024.0 * 1024.0;
/// No case runs longer than this, whatever the machine.
const LIMIT: Duration = Duration::from_secs(60);

/// One kind of data the waveform reads.
struct Case {
    label: &'static str,
    format: WaveFormat,
    stream: Vec<u8>,
    /// The length of one line or frame (every one has the same here).
    message_bytes: usize,
}

/// Datagrams the per-datagram phases feed, each one line or frame.
const DATAGRAMS: usize = 1_000_000;
/// Datagrams of 64 B sent to the window's UDP path to measure what its log
/// keeps up with.
const LOG_DATAGRAMS: u64 = 300_000;

/// Feeds the case one line or frame per datagram, as
/// `WaveformTool::received` does for UDP (the end of each datagram ends a
/// text line); returns datagrams per second.
fn feed_datagrams(case: &Case) -> f64 {
    let mut parser = WaveParser::new(case.format);
    let mut store = WaveStore::default();
    let mut records: Vec<Record> = Vec::new();
    let at_ms = now_ms();
    let started = Instant::now();
    let mut fed = 0usize;
    for message in case.stream.chunks_exact(case.message_bytes).take(DATAGRAMS) {
        records.clear();
        parser.push(message, &mut records);
        parser.end_of_message(&mut records);
        for record in &records {
            store.add(record, at_ms);
        }
        fed += 1;
        if started.elapsed() > LIMIT {
            break;
        }
    }
    fed as f64 / started.elapsed().as_secs_f64().max(1e-9)
}

/// Text lines shaped "a=1.23 b=4.56\n" (14 bytes) whose values change from
/// line to line, `bytes` of them.
fn text_lines(bytes: usize) -> Vec<u8> {
    let mut stream = Vec::with_capacity(bytes + 16);
    let mut i = 0u64;
    while stream.len() < bytes {
        let a = 1.0 + (i % 900) as f64 / 100.0;
        let b = 9.99 - (i % 800) as f64 / 100.0;
        stream.extend_from_slice(format!("a={a:.2} b={b:.2}\n").as_bytes());
        i += 1;
    }
    stream
}

/// JustFloat frames of `channels` little-endian float32 values and the
/// tail, `bytes` of them.
fn justfloat_frames(channels: usize, bytes: usize) -> Vec<u8> {
    let mut stream = Vec::with_capacity(bytes + (channels + 1) * 4);
    let mut i = 0u32;
    while stream.len() < bytes {
        for channel in 0..channels {
            let value = ((i + channel as u32) % 1000) as f32 * 0.25 - 100.0;
            stream.extend_from_slice(&value.to_le_bytes());
        }
        stream.extend_from_slice(&JUSTFLOAT_TAIL);
        i += 1;
    }
    stream
}

/// What feeding one case measured.
struct Fed {
    elapsed: Duration,
    bytes: usize,
    records: u64,
    samples: u64,
    /// Bytes the store's channels have allocated for samples at the end.
    store_bytes: usize,
}

/// Feeds the case in reads of [`READ_BYTES`] as `WaveformTool::received`
/// does for a stream (TCP): parse, then store each record.
fn feed_waveform(case: &Case) -> Fed {
    let mut parser = WaveParser::new(case.format);
    let mut store = WaveStore::default();
    let mut records: Vec<Record> = Vec::new();
    let mut samples = 0u64;
    let at_ms = now_ms();
    let started = Instant::now();
    let mut bytes = 0;
    for read in case.stream.chunks(READ_BYTES) {
        records.clear();
        parser.push(read, &mut records);
        for record in &records {
            samples += record.values.len() as u64;
            store.add(record, at_ms);
        }
        bytes += read.len();
        if started.elapsed() > LIMIT {
            break;
        }
    }
    let elapsed = started.elapsed();
    let store_bytes = store
        .channels()
        .iter()
        .map(|c| c.samples.capacity() * std::mem::size_of::<Sample>())
        .sum();
    Fed {
        elapsed,
        bytes,
        records: store.records(),
        samples,
        store_bytes,
    }
}

/// The log's ingest of the same reads: each an RX entry in a `LogStore`
/// with the window's default caps. Returns the time it took.
fn feed_log(case: &Case) -> Result<Duration> {
    let mut store = LogStore::default();
    let peer = LogPeer::Addr("127.0.0.1:50000".parse()?);
    let at_ms = now_ms();
    let started = Instant::now();
    for read in case.stream.chunks(READ_BYTES) {
        store.push(at_ms, Direction::Rx, peer, read);
        if started.elapsed() > LIMIT {
            break;
        }
    }
    let elapsed = started.elapsed();
    // Kept until timed, so the drop is not in the figure.
    drop(store);
    Ok(elapsed)
}

pub fn run(bytes: u64) -> Result<Outcome> {
    let mut out = Outcome::default();
    let bytes = usize::try_from(bytes).context("--wave-bytes is too large here")?;
    let cases = [
        Case {
            label: "text lines a=1.23 b=4.56",
            format: WaveFormat::TextLines,
            stream: text_lines(bytes),
            message_bytes: "a=1.23 b=4.56\n".len(),
        },
        Case {
            label: "JustFloat 2 channels",
            format: WaveFormat::JustFloat,
            stream: justfloat_frames(2, bytes),
            message_bytes: 3 * 4,
        },
        Case {
            label: "JustFloat 8 channels",
            format: WaveFormat::JustFloat,
            stream: justfloat_frames(8, bytes),
            message_bytes: 9 * 4,
        },
    ];
    // What the window's log keeps up with from a UDP peer, in this run.
    let (phase, _, _) = super::udp_ingest::engine(LOG_DATAGRAMS)?;
    let log_datagrams_per_sec = phase.rate();
    out.note(format!(
        "the log (engine -> Workbench -> LogStore) kept up with {log_datagrams_per_sec:.0} \
         datagrams/s of 64 B ({LOG_DATAGRAMS} sent)"
    ));
    let (rss_before, _) = rss_bytes(None).unwrap_or((0, 0));
    let mut peak_store = 0usize;
    for case in &cases {
        // Once each before timing, so first-touch page faults of the
        // store and the log's blocks count in neither figure.
        feed_waveform(case);
        feed_log(case)?;
        let fed = feed_waveform(case);
        let log = feed_log(case)?;
        peak_store = peak_store.max(fed.store_bytes);
        let secs = fed.elapsed.as_secs_f64().max(1e-9);
        let wave_mbps = fed.bytes as f64 / MB / secs;
        let log_mbps = fed.bytes as f64 / MB / log.as_secs_f64().max(1e-9);
        out.note(format!(
            "{}: {} bytes in {} reads of {READ_BYTES} B, {} records, {} samples in {:.3} s; \
             the log took {:.3} s",
            case.label,
            fed.bytes,
            fed.bytes.div_ceil(READ_BYTES),
            fed.records,
            fed.samples,
            secs,
            log.as_secs_f64()
        ));
        out.row(
            Row::new(
                NAME,
                &format!("{}: samples stored", case.label),
                fed.samples as f64 / secs,
                "samples/s",
            )
            .info(),
        );
        out.row(
            Row::new(
                NAME,
                &format!("{}: waveform parse + store", case.label),
                wave_mbps,
                "MB/s",
            )
            .peer("LogStore ingest of the same reads", log_mbps)
            .ratio_at_least(1.0),
        );
        feed_datagrams(case);
        out.row(
            Row::new(
                NAME,
                &format!("{}: one per datagram", case.label),
                feed_datagrams(case),
                "datagrams/s",
            )
            .peer(
                "the log from a UDP peer (udp-ingest path)",
                log_datagrams_per_sec,
            )
            .ratio_at_least(1.0),
        );
    }
    // The store at its cap: every channel JustFloat carries, each past
    // its sample limit.
    let full = Case {
        label: "JustFloat 16 channels",
        format: WaveFormat::JustFloat,
        stream: justfloat_frames(
            MAX_CHANNELS,
            (MAX_CHANNELS + 1) * 4 * MAX_SAMPLES_PER_CHANNEL * 2,
        ),
        message_bytes: (MAX_CHANNELS + 1) * 4,
    };
    let (rss_full_before, _) = rss_bytes(None).unwrap_or((0, 0));
    let at_cap = feed_waveform(&full);
    let (rss_after, _) = rss_bytes(None).unwrap_or((0, 0));
    peak_store = peak_store.max(at_cap.store_bytes);
    let bound = (MAX_CHANNELS * MAX_SAMPLES_PER_CHANNEL * std::mem::size_of::<Sample>()) as f64;
    out.row(
        Row::new(
            NAME,
            "store's peak allocation (16 channels, past the cap)",
            peak_store as f64 / MIB,
            "MiB",
        )
        .peer("cap: channels x samples x sample size", bound / MIB)
        .at_most(bound / MIB),
    );
    out.row(
        Row::new(
            NAME,
            "VmRSS growth filling the store to its cap",
            rss_after.saturating_sub(rss_full_before) as f64 / MIB,
            "MiB",
        )
        .info(),
    );
    out.row(
        Row::new(
            NAME,
            "VmRSS growth over every case (inputs made before)",
            rss_after.saturating_sub(rss_before) as f64 / MIB,
            "MiB",
        )
        .info(),
    );
    out.note(format!(
        "the store keeps at most {MAX_CHANNELS} channels x {MAX_SAMPLES_PER_CHANNEL} samples of {} B",
        std::mem::size_of::<Sample>()
    ));
    Ok(out)
}

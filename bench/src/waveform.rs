//! waveform: the waveform tool's parser and store (`WaveParser` +
//! `WaveStore`, fed the way `WaveformTool::received` feeds them) over text
//! lines and JustFloat frames of 2 and 8 channels, in reads of 1,400
//! bytes, against the log's own ingest of the same reads as RX entries
//! (`LogStore::push`) in the same run; one line or frame per datagram
//! against what the window's log keeps up with from a UDP peer (the
//! udp-ingest path: engine -> Workbench -> LogStore, datagrams/s, measured
//! in the same run); the store's memory, bounded by its cap; and one 4 MB
//! message of JustFloat frames (issue 22, item 5): parsed in one push,
//! against a copy of the parser before the issue (which drained each frame
//! from the front of a `Vec`), and sent as one WebSocket message to the
//! real window, headless, whose longest frame is measured while it parses.

use std::net::{SocketAddr, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use egui_kittest::Harness;
use netassist::cli::Args;
use netassist::gui::App;
use netassist_engine::log::{Direction, LogPeer, LogStore, now_ms};
use netassist_engine::net::Protocol;
use netassist_engine::waveform::{
    ChannelKey, JUSTFLOAT_TAIL, MAX_CHANNELS, MAX_SAMPLES_PER_CHANNEL, Record, Sample, WaveFormat,
    WaveParser, WaveStore,
};

use super::common::{Outcome, Row, percentiles, rss_bytes, settings, thread_cpu};

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

/// The message of issue 22's report: 4 MB of JustFloat frames.
const MESSAGE_BYTES: usize = 4_000_000;
/// Channels in its frames: 4 values and the tail, 20 bytes a frame.
const MESSAGE_CHANNELS: usize = 4;
/// What the frames of a display at 60 Hz are paced to.
const FRAME: Duration = Duration::from_micros(16_667);

/// The parser before issue 22 (its JustFloat part), kept here only to be
/// measured against: after each frame it drained the frame from the front
/// of its buffer, moving the rest of the message each time. Stores as the
/// window does; gives up at `deadline` (returns `None`).
fn old_parse_and_store(message: &[u8], store: &mut WaveStore, deadline: Instant) -> Option<()> {
    const MAX_FRAME_BYTES: usize = (MAX_CHANNELS + 1) * 4;
    let mut pending = message.to_vec();
    let at_ms = now_ms();
    loop {
        if Instant::now() > deadline {
            return None;
        }
        let tail_at = (0..pending.len().min(MAX_FRAME_BYTES))
            .step_by(4)
            .find(|&i| pending.get(i..i + 4) == Some(&JUSTFLOAT_TAIL[..]));
        match tail_at {
            Some(end) => {
                let values: Vec<(ChannelKey, f64)> = pending[..end]
                    .chunks_exact(4)
                    .enumerate()
                    .map(|(i, b)| {
                        let value = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                        (ChannelKey::Position(i), f64::from(value))
                    })
                    .filter(|(_, value)| value.is_finite())
                    .collect();
                if !values.is_empty() {
                    store.add(&Record { values }, at_ms);
                }
                pending.drain(..end + 4);
            }
            None if pending.len() >= MAX_FRAME_BYTES => {
                let next = pending[1..]
                    .windows(4)
                    .position(|w| w == JUSTFLOAT_TAIL)
                    .map(|p| p + 1 + 4);
                let drop = next.unwrap_or(pending.len() - 3);
                pending.drain(..drop);
            }
            None => return Some(()),
        }
    }
}

/// Parses and stores `message` in one push, as the window did with one
/// WebSocket message; returns the time and the records stored.
fn parse_and_store(message: &[u8]) -> (Duration, u64) {
    let started = Instant::now();
    let mut parser = WaveParser::new(WaveFormat::JustFloat);
    let mut store = WaveStore::default();
    let mut records = Vec::new();
    parser.push(message, &mut records);
    let at_ms = now_ms();
    for record in &records {
        store.add(record, at_ms);
    }
    (started.elapsed(), store.records())
}

/// One 4 MB message parsed in one push: now, and with the parser before
/// issue 22 (cut off at [`LIMIT`]).
fn one_message(out: &mut Outcome) -> Result<()> {
    let message = justfloat_frames(MESSAGE_CHANNELS, MESSAGE_BYTES);
    let frames = (message.len() / ((MESSAGE_CHANNELS + 1) * 4)) as u64;
    // The best of five, after one not counted.
    parse_and_store(&message);
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let (took, records) = parse_and_store(&message);
        if records != frames {
            bail!("{records} records of {frames} frames");
        }
        best = best.min(took);
    }
    let mut old_store = WaveStore::default();
    let old_started = Instant::now();
    let old_finished = old_parse_and_store(&message, &mut old_store, old_started + LIMIT);
    let old = old_started.elapsed();
    let old_words = match old_finished {
        Some(()) => format!("{:.1} s", old.as_secs_f64()),
        None => format!(
            "more than {} s (cut off after {} of {frames} records)",
            LIMIT.as_secs(),
            old_store.records()
        ),
    };
    out.note(format!(
        "one message of {} B, {frames} JustFloat frames of {MESSAGE_CHANNELS} channels: \
         parsed and stored in one push in {:.1} ms (best of 5); the parser before \
         issue 22 took {old_words}",
        message.len(),
        best.as_secs_f64() * 1000.0
    ));
    let peer = if old_finished.is_some() {
        "the parser before issue 22, same message"
    } else {
        "the parser before issue 22, same message (cut off: at least)"
    };
    out.row(
        Row::new(
            NAME,
            "parse + store of one 4 MB message of JustFloat frames",
            best.as_secs_f64() * 1000.0,
            "ms",
        )
        .peer(peer, old.as_secs_f64() * 1000.0)
        .at_most(50.0),
    );
    Ok(())
}

/// A WebSocket client that sends `message` as one binary message to `to`,
/// then stays until the server closes (so the message is not cut short).
fn message_sender(to: SocketAddr, message: Vec<u8>) -> JoinHandle<Result<()>> {
    std::thread::spawn(move || {
        let stream = TcpStream::connect(to).context("connecting the sender")?;
        let (mut ws, _) = tungstenite::client::client(format!("ws://{to}/"), stream)
            .map_err(|e| anyhow!("the sender's handshake: {e}"))?;
        ws.send(tungstenite::Message::binary(message))
            .context("sending the message")?;
        while ws.read().is_ok() {}
        Ok(())
    })
}

/// The real window, headless (egui_kittest), 1280×800, a WebSocket server
/// tab with the waveform plotting JustFloat in its own window; one client
/// sends one 4 MB message. Each frame is stepped at most 60 times a second,
/// as a display paces them, and timed (wall and this thread's CPU) from
/// the frame before the message arrives until every record is stored.
fn window_frames(out: &mut Outcome) -> Result<()> {
    let message = justfloat_frames(MESSAGE_CHANNELS, MESSAGE_BYTES);
    let frames = (message.len() / ((MESSAGE_CHANNELS + 1) * 4)) as u64;
    let settings = settings(
        Protocol::WsServer,
        "127.0.0.1:0",
        None,
        LogStore::DEFAULT_MAX_ENTRIES,
    );
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| App::with_settings(&cc.egui_ctx, settings, &Args::default()));
    {
        let bench = harness.state_mut().workbench_mut();
        let tool = &mut bench.tool_kit_mut().waveform;
        tool.enabled = true;
        tool.in_window = true;
        tool.set_format(WaveFormat::JustFloat);
        bench.open();
    }
    let to = super::common::wait_window_open(&mut harness, "the WebSocket server")?;
    let sender = message_sender(to, message);
    let records =
        |h: &Harness<'static, App>| h.state().workbench().tool_kit().waveform.store().records();
    let mut wall_ms = Vec::new();
    let mut cpu_ms = Vec::new();
    let mut started = None;
    let mut next = Instant::now();
    let waiting = Instant::now();
    while records(&harness) < frames {
        if waiting.elapsed() > LIMIT {
            bail!(
                "{} of {frames} records after {} s",
                records(&harness),
                LIMIT.as_secs()
            );
        }
        let arrived = harness.state().workbench().counters().rx_msgs > 0;
        let (cpu0, wall0) = (thread_cpu(), Instant::now());
        harness.step();
        if arrived || harness.state().workbench().counters().rx_msgs > 0 {
            // From the frame that took the message in.
            started.get_or_insert(wall0);
            wall_ms.push(wall0.elapsed().as_secs_f64() * 1000.0);
            cpu_ms.push((thread_cpu() - cpu0).as_secs_f64() * 1000.0);
        }
        next += FRAME;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
    let plotted_after = started.map_or(0.0, |at| at.elapsed().as_secs_f64());
    let count = wall_ms.len();
    let longest_wall = wall_ms.iter().copied().fold(0.0, f64::max);
    let longest_cpu = cpu_ms.iter().copied().fold(0.0, f64::max);
    let (median_wall, _) = percentiles(&mut wall_ms);
    drop(harness);
    sender
        .join()
        .map_err(|_| anyhow!("the sender panicked"))?
        .context("the sender")?;
    out.note(format!(
        "the window (1280×800, waveform in its own window) took the 4 MB WebSocket message in \
         and plotted its {frames} records over {count} frames in {plotted_after:.2} s \
         (frames paced at 60 Hz; median frame {median_wall:.1} ms; frame times include \
         kittest's AccessKit tree update)"
    ));
    // The target is on the UI thread's CPU time, as log-frame's is: the
    // wall time also counts the other processes of a shared machine.
    out.row(
        Row::new(
            NAME,
            "longest UI frame while a 4 MB message is parsed (CPU)",
            longest_cpu,
            "ms",
        )
        .at_most(FRAME.as_secs_f64() * 1000.0),
    );
    out.row(
        Row::new(
            NAME,
            "longest UI frame while a 4 MB message is parsed (wall)",
            longest_wall,
            "ms",
        )
        .info(),
    );
    Ok(())
}

pub fn run(bytes: u64) -> Result<Outcome> {
    let mut out = Outcome::default();
    one_message(&mut out)?;
    window_frames(&mut out)?;
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

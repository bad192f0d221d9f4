//! ws-ingest: 64-byte binary WebSocket messages from a tungstenite client
//! into the engine's WebSocket server session, each message drained into
//! a `LogStore` (the measure: engine -> log store; the window's
//! own bookkeeping per message is udp-ingest's and tcp-stream's to
//! measure), against a bare tungstenite server that only reads and
//! counts, fed by the same sender in the same run.
//!
//! The log is measured twice. At the window's default cap (100,000
//! entries) it reaches its cap within the first tenth of the run and then
//! reuses its memory, as during any long flood: this is the figure held to
//! the target. Filling a log of 1,000,000 entries from empty also makes
//! the drain touch some 120 MB of new memory (the bytes and each entry's
//! record), and its page faults cost more than everything else the drain
//! does: that figure is shown beside it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use netassist_engine::describe::shown_addr;
use netassist_engine::log::{Direction, LogStore};
use netassist_engine::net::ws::WsServerConfig;
use netassist_engine::net::{self, Event, SessionConfig, TcpServerConfig};
use tungstenite::Message;

use super::common::{Outcome, Row, Signal, thread_cpu, threads_cpu};

const NAME: &str = "ws-ingest";
const MESSAGE_BYTES: usize = 64;
/// Rounds counted, after a first one that is not: it runs slower (the
/// threads' first allocations, cold caches).
const ROUNDS: u32 = 7;
/// No phase runs longer than this, whatever happens.
const LIMIT: Duration = Duration::from_secs(120);
/// The log of the figure held to the target: the window's default caps.
const DEFAULT_LOG: (usize, usize) = (LogStore::DEFAULT_MAX_ENTRIES, LogStore::DEFAULT_MAX_BYTES);
/// The log filled from empty: as many entries as the run has messages.
const FILLED_LOG: (usize, usize) = (1_000_000, 512 << 20);

/// A client that sends `count` binary messages of 64 B to `to` as fast as
/// the socket takes them (tungstenite's 128 KiB write buffer), then
/// closes.
fn sender(to: SocketAddr, count: u64) -> JoinHandle<Result<()>> {
    std::thread::spawn(move || {
        let stream = TcpStream::connect(to).context("connecting the sender")?;
        stream.set_nodelay(true)?;
        let (mut ws, _) = tungstenite::client::client(format!("ws://{to}/"), stream)
            .map_err(|e| anyhow!("the sender's handshake: {e}"))?;
        let mut payload = vec![b'x'; MESSAGE_BYTES];
        for seq in 0..count {
            payload[..8].copy_from_slice(&seq.to_be_bytes());
            ws.write(Message::binary(payload.clone()))
                .context("sending a message")?;
        }
        ws.flush().context("flushing")?;
        let _ = ws.close(None);
        // Reads until the server's close answer, so nothing is cut off.
        while ws.read().is_ok() {}
        Ok(())
    })
}

/// Seconds and messages of a bare tungstenite server that reads and
/// counts, and its CPU.
fn bare(count: u64) -> Result<(f64, u64, Duration)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let to = listener.local_addr()?;
    let sending = sender(to, count);
    let (stream, _) = listener.accept()?;
    let cpu0 = thread_cpu();
    let started = Instant::now();
    let mut ws = tungstenite::accept(stream).map_err(|e| anyhow!("the bare handshake: {e}"))?;
    let mut got = 0u64;
    while got < count {
        match ws.read() {
            Ok(Message::Binary(bytes)) => {
                got += 1;
                std::hint::black_box(bytes);
            }
            Ok(_) => {}
            Err(_) => break,
        }
        // The clock is read now and then, not for each message: it would
        // cost the bare loop a fifth of its time.
        if got.is_multiple_of(65_536) && started.elapsed() > LIMIT {
            bail!("the bare loop did not finish within {} s", LIMIT.as_secs());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu = thread_cpu() - cpu0;
    drop(ws);
    sending
        .join()
        .map_err(|_| anyhow!("the sender panicked"))?
        .ok();
    Ok((secs, got, cpu))
}

/// What one run of the engine measured.
#[derive(Clone, Copy)]
struct EngineRun {
    secs: f64,
    received: u64,
    log_entries: usize,
    /// The session thread's and the draining thread's.
    cpu: Duration,
    session_cpu: Duration,
}

/// Runs the engine with its messages drained into a log of `log_caps`
/// (entries, bytes).
fn engine(count: u64, log_caps: (usize, usize)) -> Result<EngineRun> {
    let signal = Signal::new();
    let config = WsServerConfig::new(TcpServerConfig::new("127.0.0.1:0".parse()?, 16));
    let session = net::spawn(SessionConfig::WsServer(config), signal.waker())?;
    let local = loop {
        match session.events().recv_timeout(Duration::from_secs(5)) {
            Ok(Event::Opened { local }) => break local,
            Ok(Event::Stopped(error)) => bail!("the server stopped: {error:?}"),
            Ok(_) => {}
            Err(_) => bail!("the server did not open within 5 s"),
        }
    };
    let mut log = LogStore::new(log_caps.0, log_caps.1);
    let cpu0 = thread_cpu();
    let mut session_cpu = Duration::ZERO;
    let mut started = None;
    let sending = sender(local, count);
    let mut got = 0u64;
    let mut last_cpu_read = Instant::now();
    while got < count {
        let event = match session.events().try_recv() {
            Ok(event) => event,
            Err(_) => {
                signal.wait(Duration::from_millis(2));
                if started.is_some_and(|at: Instant| at.elapsed() > LIMIT) {
                    bail!("the engine did not finish within {} s", LIMIT.as_secs());
                }
                continue;
            }
        };
        match event {
            Event::Connected { .. } => started = Some(Instant::now()),
            Event::Received(chunks) => {
                log.push_all(
                    Direction::Rx,
                    chunks.iter().map(|chunk| {
                        (chunk.at_us, shown_addr(chunk.peer), chunk.conn, chunk.bytes)
                    }),
                );
                got += chunks.len() as u64;
            }
            Event::Stopped(error) => bail!("the server stopped: {error:?}"),
            _ => {}
        }
        // The session thread's figures go with the thread: read them
        // while it lives, now and then.
        if last_cpu_read.elapsed() > Duration::from_millis(50) {
            session_cpu = threads_cpu("netassist-ws");
            last_cpu_read = Instant::now();
        }
    }
    let secs = started.map_or(0.0, |at| at.elapsed().as_secs_f64());
    session_cpu = threads_cpu("netassist-ws").max(session_cpu);
    let cpu = thread_cpu() - cpu0 + session_cpu;
    sending
        .join()
        .map_err(|_| anyhow!("the sender panicked"))?
        .ok();
    drop(session);
    Ok(EngineRun {
        secs,
        received: got,
        log_entries: log.len(),
        cpu,
        session_cpu,
    })
}

/// The middle value of `values` (the upper one of an even count).
fn median<T: PartialOrd + Copy>(values: &[T]) -> T {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    sorted[sorted.len() / 2]
}

impl EngineRun {
    /// The median of each figure over `runs`, and the fewest messages any
    /// of them received.
    fn median(runs: &[EngineRun]) -> EngineRun {
        let figure = |of: fn(&EngineRun) -> f64| median(&runs.iter().map(of).collect::<Vec<_>>());
        EngineRun {
            secs: figure(|run| run.secs),
            received: runs.iter().map(|run| run.received).min().unwrap_or(0),
            log_entries: runs.iter().map(|run| run.log_entries).min().unwrap_or(0),
            cpu: Duration::from_secs_f64(figure(|run| run.cpu.as_secs_f64())),
            session_cpu: Duration::from_secs_f64(figure(|run| run.session_cpu.as_secs_f64())),
        }
    }
}

pub fn run(count: u64) -> Result<Outcome> {
    let mut out = Outcome::default();
    // Other work on the machine shifts single runs a lot: the three take
    // turns, round after round, and each figure is the median of its
    // rounds. (The best of the rounds moved between 0.72x and 0.93x from
    // one run of this scenario to the next: it takes each side's luckiest
    // round.)
    let (mut bare_secs, mut bare_cpu) = (Vec::new(), Vec::new());
    let (mut default_runs, mut filling_runs) = (Vec::new(), Vec::new());
    for round in 0..=ROUNDS {
        let (b, bare_got, bc) = bare(count)?;
        if bare_got < count {
            bail!("the bare loop got {bare_got} of {count} messages");
        }
        let default_run = engine(count, DEFAULT_LOG)?;
        let filling_run = engine(count, FILLED_LOG)?;
        eprintln!(
            "  round {round}{}: bare tungstenite {b:.3} s ({:.3} s CPU), engine {:.3} s ({:.3} s CPU) \
             with the default log, {:.3} s ({:.3} s CPU) filling a log of {}",
            if round == 0 {
                " (warm-up, not counted)"
            } else {
                ""
            },
            bc.as_secs_f64(),
            default_run.secs,
            default_run.cpu.as_secs_f64(),
            filling_run.secs,
            filling_run.cpu.as_secs_f64(),
            FILLED_LOG.0
        );
        if round == 0 {
            continue;
        }
        bare_secs.push(b);
        bare_cpu.push(bc.as_secs_f64());
        default_runs.push(default_run);
        filling_runs.push(filling_run);
    }
    let (best_bare, best_engine) = (
        bare_secs.iter().copied().fold(f64::INFINITY, f64::min),
        default_runs
            .iter()
            .map(|run| run.secs)
            .fold(f64::INFINITY, f64::min),
    );
    let (bare_secs, bare_cpu) = (
        median(&bare_secs),
        Duration::from_secs_f64(median(&bare_cpu)),
    );
    let (at_default, filling) = (
        EngineRun::median(&default_runs),
        EngineRun::median(&filling_runs),
    );
    for (what, run) in [
        ("the window's default log", at_default),
        ("a log filled from empty", filling),
    ] {
        out.note(format!(
            "median of {ROUNDS} rounds (after one not counted): {count} messages of {MESSAGE_BYTES} B; \
             bare tungstenite read loop {bare_secs:.3} s ({:.3} s CPU); engine -> {what} {:.3} s \
             ({:.3} s CPU, of which the session thread {:.3} s), {} log entries held",
            bare_cpu.as_secs_f64(),
            run.secs,
            run.cpu.as_secs_f64(),
            run.session_cpu.as_secs_f64(),
            run.log_entries
        ));
    }
    out.note(format!(
        "the best rounds instead: bare {best_bare:.3} s, engine -> the window's default log \
         {best_engine:.3} s (ratio {:.3})",
        best_bare / best_engine
    ));
    let rate_row = |what: &str, run: EngineRun| {
        Row::new(NAME, what, count as f64 / run.secs, "messages/s")
            .peer("bare tungstenite read loop", count as f64 / bare_secs)
    };
    out.row(
        rate_row(
            "engine -> LogStore (the window's default cap, 100,000 entries)",
            at_default,
        )
        .ratio_at_least(0.8),
    );
    out.row(
        rate_row(
            "engine -> LogStore (1,000,000 entries filled from empty)",
            filling,
        )
        .info(),
    );
    let per_message_us = |cpu: Duration| cpu.as_secs_f64() * 1e6 / count as f64;
    out.row(
        Row::new(
            NAME,
            "receiving CPU per message (engine: session thread + draining into the default log)",
            per_message_us(at_default.cpu),
            "us",
        )
        .peer("bare tungstenite read loop", per_message_us(bare_cpu))
        .info(),
    );
    out.row(
        Row::new(
            NAME,
            "messages lost by the engine",
            count.saturating_sub(at_default.received.min(filling.received)) as f64,
            "messages",
        )
        .at_most(0.0),
    );
    Ok(out)
}

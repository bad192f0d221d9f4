//! udp-ingest: datagrams of 64 B blasted from another thread at the
//! engine's UDP session, drained through the GUI's own path
//! (`Workbench::drain_events` into its `LogStore`), against a bare
//! `recv_from` loop that only counts, in the same run.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netassist::gui::workbench::Workbench;
use netassist_engine::log::Direction;
use netassist_engine::net::Protocol;

use super::common::{
    Outcome, Row, Signal, UdpSnmp, open_bench, settings, thread_cpu, threads_cpu, udp_snmp,
};

const NAME: &str = "udp-ingest";
/// The engine's own receive buffer, given to the bare loop too.
const RECV_BUFFER_BYTES: usize = 8 << 20;
/// A phase ends this long after the last datagram once the sender is done.
const QUIET: Duration = Duration::from_millis(300);
/// No phase runs longer than this, whatever happens.
const LIMIT: Duration = Duration::from_secs(120);

struct Blast {
    started: Instant,
    done: Arc<AtomicBool>,
    thread: JoinHandle<Result<Duration>>,
}

/// Sends `count` datagrams of 64 B to `to` as fast as the kernel takes
/// them.
fn blast(to: SocketAddr, count: u64) -> Result<Blast> {
    let socket = UdpSocket::bind("127.0.0.1:0").context("binding the sender")?;
    socket.connect(to).context("connecting the sender")?;
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let started = Instant::now();
    let thread = std::thread::Builder::new()
        .name("bench-udp-sender".to_owned())
        .spawn(move || {
            let mut payload = [b'x'; 64];
            let mut result = Ok(());
            for seq in 0..count {
                payload[..8].copy_from_slice(&seq.to_be_bytes());
                // Loopback never blocks a sender; ENOBUFS would, briefly.
                let mut tries = 0;
                while let Err(e) = socket.send(&payload) {
                    tries += 1;
                    if tries > 1000 {
                        result = Err(e);
                        break;
                    }
                    std::thread::yield_now();
                }
                if result.is_err() {
                    break;
                }
            }
            flag.store(true, Ordering::Release);
            result.context("sending")?;
            Ok(started.elapsed())
        })
        .context("starting the sender")?;
    Ok(Blast {
        started,
        done,
        thread,
    })
}

pub(crate) struct Phase {
    received: u64,
    secs: f64,
    send_secs: f64,
    kernel: UdpSnmp,
    /// CPU time of the receiving side (the engine: session thread and the
    /// thread draining into the log).
    cpu: Duration,
}

impl Phase {
    pub(crate) fn rate(&self) -> f64 {
        if self.secs > 0.0 {
            self.received as f64 / self.secs
        } else {
            0.0
        }
    }

    fn cpu_us_per_datagram(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.received.max(1) as f64
    }
}

/// The peer: a socket with the engine's buffer size and a blocking
/// `recv_from` loop that only counts.
fn bare_blocking(count: u64) -> Result<Phase> {
    let socket = UdpSocket::bind("127.0.0.1:0").context("binding the bare receiver")?;
    let _ = socket2::SockRef::from(&socket).set_recv_buffer_size(RECV_BUFFER_BYTES);
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .context("setting a read timeout")?;
    let to = socket.local_addr()?;
    let before = udp_snmp().unwrap_or_default();
    let cpu0 = thread_cpu();
    let sender = blast(to, count)?;
    let mut buf = [0u8; 2048];
    let mut received = 0u64;
    let mut last = Instant::now();
    while received < count && sender.started.elapsed() < LIMIT {
        match socket.recv_from(&mut buf) {
            Ok(_) => {
                received += 1;
                last = Instant::now();
            }
            Err(_) => {
                if sender.done.load(Ordering::Acquire) && last.elapsed() > QUIET {
                    break;
                }
            }
        }
    }
    let cpu = thread_cpu() - cpu0;
    let kernel = udp_snmp().unwrap_or_default().since(before);
    let send_secs = join(sender.thread)?;
    Ok(Phase {
        received,
        secs: last.duration_since(sender.started).as_secs_f64(),
        send_secs,
        kernel,
        cpu,
    })
}

/// The peer with the engine's own read pattern: a poller, then
/// `recv_from` until the socket would block, only counting.
fn bare_polled(count: u64) -> Result<Phase> {
    let socket = UdpSocket::bind("127.0.0.1:0").context("binding the bare receiver")?;
    let _ = socket2::SockRef::from(&socket).set_recv_buffer_size(RECV_BUFFER_BYTES);
    socket.set_nonblocking(true)?;
    let to = socket.local_addr()?;
    let mut socket = mio::net::UdpSocket::from_std(socket);
    let mut poll = mio::Poll::new()?;
    poll.registry()
        .register(&mut socket, mio::Token(0), mio::Interest::READABLE)?;
    let mut events = mio::Events::with_capacity(8);
    let before = udp_snmp().unwrap_or_default();
    let cpu0 = thread_cpu();
    let sender = blast(to, count)?;
    let mut buf = [0u8; 2048];
    let mut received = 0u64;
    let mut last = Instant::now();
    while received < count && sender.started.elapsed() < LIMIT {
        let _ = poll.poll(&mut events, Some(Duration::from_millis(50)));
        let mut any = false;
        while socket.recv_from(&mut buf).is_ok() {
            received += 1;
            any = true;
        }
        if any {
            last = Instant::now();
        } else if sender.done.load(Ordering::Acquire) && last.elapsed() > QUIET {
            break;
        }
    }
    let cpu = thread_cpu() - cpu0;
    let kernel = udp_snmp().unwrap_or_default().since(before);
    let send_secs = join(sender.thread)?;
    Ok(Phase {
        received,
        secs: last.duration_since(sender.started).as_secs_f64(),
        send_secs,
        kernel,
        cpu,
    })
}

fn join(thread: JoinHandle<Result<Duration>>) -> Result<f64> {
    match thread.join() {
        Ok(result) => Ok(result?.as_secs_f64()),
        Err(_) => anyhow::bail!("the sender thread panicked"),
    }
}

/// The engine: a UDP session opened by a `Workbench`, its events drained
/// as the window drains them (8 ms budget per call) into the log.
pub(crate) fn engine(count: u64) -> Result<(Phase, u64, [Duration; 2])> {
    let signal = Signal::new();
    let cap = usize::try_from(count)?.saturating_add(1000);
    let mut bench = Workbench::new(
        settings(Protocol::Udp, "127.0.0.1:0", None, cap),
        signal.waker(),
    );
    let to = open_bench(&mut bench, &signal)?;
    let before = udp_snmp().unwrap_or_default();
    let (drain0, session0) = (thread_cpu(), threads_cpu("netassist-udp"));
    let sender = blast(to, count)?;
    let mut last = Instant::now();
    let mut seen = 0;
    while bench.counters().rx_msgs < count && sender.started.elapsed() < LIMIT {
        let more = bench.drain_events(Duration::from_millis(8));
        if bench.counters().rx_msgs != seen {
            seen = bench.counters().rx_msgs;
            last = Instant::now();
        } else if sender.done.load(Ordering::Acquire) && last.elapsed() > QUIET {
            break;
        }
        if !more {
            signal.wait(Duration::from_millis(2));
        }
    }
    let (drain_cpu, session_cpu) = (
        thread_cpu() - drain0,
        threads_cpu("netassist-udp") - session0,
    );
    let cpu = drain_cpu + session_cpu;
    let kernel = udp_snmp().unwrap_or_default().since(before);
    let send_secs = join(sender.thread)?;
    let logged = bench
        .log()
        .iter()
        .filter(|e| e.dir == Direction::Rx)
        .count() as u64;
    Ok((
        Phase {
            received: bench.counters().rx_msgs,
            secs: last.duration_since(sender.started).as_secs_f64(),
            send_secs,
            kernel,
            cpu,
        },
        logged,
        [session_cpu, drain_cpu],
    ))
}

pub fn run(count: u64) -> Result<Outcome> {
    let mut out = Outcome::default();
    if udp_snmp().is_none() {
        out.note("/proc/net/snmp is not readable: kernel drops cannot be told apart");
    }
    let blocking = bare_blocking(count)?;
    let polled = bare_polled(count)?;
    let (engine, logged, [session_cpu, drain_cpu]) = engine(count)?;
    out.note(format!(
        "engine CPU: session thread (socket to channel) {:.3} s, draining into the log {:.3} s",
        session_cpu.as_secs_f64(),
        drain_cpu.as_secs_f64()
    ));
    for (who, phase) in [
        ("bare blocking recv_from", &blocking),
        ("bare polled recv_from", &polled),
        ("engine", &engine),
    ] {
        out.note(format!(
            "{who}: {} of {count} received in {:.3} s (sender took {:.3} s), receiving CPU \
             {:.3} s; kernel: RcvbufErrors +{}, InErrors +{}, InDatagrams +{}",
            phase.received,
            phase.secs,
            phase.send_secs,
            phase.cpu.as_secs_f64(),
            phase.kernel.rcvbuf_errors,
            phase.kernel.in_errors,
            phase.kernel.in_datagrams
        ));
    }
    // The faster of the two bare loops is the peer.
    let (peer_name, bare) = if polled.rate() >= blocking.rate() {
        ("bare polled recv_from loop", &polled)
    } else {
        ("bare blocking recv_from loop", &blocking)
    };
    out.row(
        Row::new(
            NAME,
            "engine -> Workbench -> LogStore",
            engine.rate(),
            "datagrams/s",
        )
        .peer(peer_name, bare.rate())
        .ratio_at_least(0.8),
    );
    out.row(
        Row::new(
            NAME,
            "receiving CPU per datagram (engine)",
            engine.cpu_us_per_datagram(),
            "us",
        )
        .peer(peer_name, bare.cpu_us_per_datagram())
        .info(),
    );
    // What the kernel handed to the socket is what was sent minus what it
    // dropped (the socket buffer was full); all of it must be in the log.
    let delivered = count.saturating_sub(engine.kernel.in_errors);
    let lost = delivered.saturating_sub(logged) + engine.received.saturating_sub(logged);
    out.row(
        Row::new(
            NAME,
            "engine-side losses (delivered - logged)",
            lost as f64,
            "datagrams",
        )
        .at_most(0.0),
    );
    out.row(Row::new(NAME, "logged by the engine", logged as f64, "datagrams").info());
    out.row(
        Row::new(
            NAME,
            "kernel drops during engine run",
            engine.kernel.rcvbuf_errors as f64,
            "datagrams",
        )
        .info(),
    );
    out.row(
        Row::new(
            NAME,
            "kernel drops during bare runs",
            (blocking.kernel.rcvbuf_errors + polled.kernel.rcvbuf_errors) as f64,
            "datagrams",
        )
        .info(),
    );
    Ok(out)
}

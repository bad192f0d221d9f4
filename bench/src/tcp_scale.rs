//! tcp-server-scale: thousands of concurrent clients (from this process,
//! on 127.0.0.1) on one TCP server session; each sends once, then the
//! send box sends one message to all of them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use crossbeam_channel::unbounded;
use mio::{Events, Interest, Poll, Token};
use netassist::gui::workbench::Workbench;
use netassist_engine::net::Protocol;

use super::common::{
    Outcome, Reaped, Row, Signal, drain_until, open_bench, raise_nofile, rss_bytes, settings,
};

const NAME: &str = "tcp-server-scale";
const LIMIT: Duration = Duration::from_secs(120);
const BROADCAST: &[u8] = b"broadcast from NetAssist to every client\n";

pub fn run(clients: usize) -> Result<Outcome> {
    let mut out = Outcome::default();
    let limit = raise_nofile(clients as u64 + 256)?;
    if limit < clients as u64 + 64 {
        bail!(
            "the open-file limit is {limit}; {clients} clients need {}",
            clients + 64
        );
    }
    let signal = Signal::new();
    let mut s = settings(Protocol::TcpServer, "127.0.0.1:0", None, 1_000_000);
    s.tcp.max_clients = clients + 16;
    let mut bench = Workbench::new(s, signal.waker());
    let addr = open_bench(&mut bench, &signal)?;

    // The clients live in a second process (this program again): this
    // machine's hard limit on open files (20,000 here) cannot hold both
    // ends of 10,000 connections in one process.
    let started = Instant::now();
    let exe = std::env::current_exe().context("finding this program")?;
    let mut helper = Reaped(
        Command::new(exe)
            .args([
                HELPER,
                "--child",
                "--clients",
                &clients.to_string(),
                "--addr",
                &addr.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the clients' process")?,
    );
    let stdout = helper
        .0
        .stdout
        .take()
        .context("no stdout from the clients' process")?;
    let (line_tx, line_rx) = unbounded::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut ready = false;
    let all_in = drain_until(&mut bench, &signal, LIMIT, |b| {
        while let Ok(line) = line_rx.try_recv() {
            ready |= line == "READY";
        }
        ready && b.counters().rx_msgs >= clients as u64 && b.clients().len() >= clients
    });
    let in_secs = started.elapsed().as_secs_f64();
    out.note(format!(
        "{} clients connected and {} messages in after {in_secs:.3} s{}",
        bench.clients().len(),
        bench.counters().rx_msgs,
        if all_in { "" } else { " (timed out)" }
    ));
    if !ready {
        bail!("the clients' process did not get ready");
    }
    let sent_at = SystemTime::now();
    *bench.composer_mut().send_text_mut() =
        String::from_utf8_lossy(BROADCAST).trim_end().to_owned();
    bench.settings_mut().text.line_ending = netassist_engine::text::LineEnding::Lf;
    bench.send();
    if let Some(e) = &bench.errors().send {
        bail!("the send box refused: {e}");
    }
    drain_until(&mut bench, &signal, Duration::from_secs(30), |b| {
        b.counters().tx_msgs >= clients as u64
    });
    let done = line_rx
        .recv_timeout(Duration::from_secs(60))
        .context("no answer from the clients' process")?;
    let mut fields = done.split_whitespace().skip(1);
    let delivered: usize = fields
        .next()
        .and_then(|f| f.parse().ok())
        .context("bad DONE line")?;
    let last_ns: u128 = fields
        .next()
        .and_then(|f| f.parse().ok())
        .context("bad DONE line")?;
    let last = UNIX_EPOCH + Duration::from_nanos(u64::try_from(last_ns)?);
    let secs = last
        .duration_since(sent_at)
        .unwrap_or_default()
        .as_secs_f64();
    let (rss, hwm) = rss_bytes(None).unwrap_or_default();
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    out.row(
        Row::new(
            NAME,
            "messages in (logged)",
            bench.counters().rx_msgs as f64,
            "msgs",
        )
        .at_least(clients as f64),
    );
    out.row(
        Row::new(
            NAME,
            "broadcast sent to (engine)",
            bench.counters().tx_msgs as f64,
            "clients",
        )
        .at_least(clients as f64),
    );
    out.row(
        Row::new(NAME, "broadcast received by", delivered as f64, "clients")
            .at_least(clients as f64),
    );
    out.row(Row::new(NAME, "broadcast delivery time", secs, "s").at_most(1.0));
    out.row(Row::new(NAME, "VmRSS (the server's process)", mib(rss), "MiB").at_most(300.0));
    out.row(Row::new(NAME, "VmHWM (peak)", mib(hwm), "MiB").at_most(300.0));
    Ok(out)
}

/// The name under which this program runs the clients' side.
pub const HELPER: &str = "tcp-clients-helper";

/// The clients' process: connects `clients` clients to `addr`, each sends
/// once, says READY, then waits (at most 60 s) for the broadcast and says
/// `DONE <clients that got it whole> <when the last did, ns since 1970>`.
pub fn clients_helper(addr: SocketAddr, clients: usize) -> Result<()> {
    let limit = raise_nofile(clients as u64 + 256)?;
    if limit < clients as u64 + 32 {
        bail!(
            "the open-file limit is {limit}; {clients} clients need {}",
            clients + 32
        );
    }
    let mut poll = Poll::new()?;
    let mut socks = Vec::with_capacity(clients);
    for i in 0..clients {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
            .with_context(|| format!("connecting client {i}"))?;
        stream
            .write_all(format!("hello from client {i}\n").as_bytes())
            .with_context(|| format!("client {i} sending"))?;
        stream.set_nonblocking(true)?;
        let mut sock = mio::net::TcpStream::from_std(stream);
        poll.registry()
            .register(&mut sock, Token(i), Interest::READABLE)?;
        socks.push((sock, 0usize));
    }
    println!("READY");
    std::io::stdout().flush()?;
    let mut complete = 0;
    let mut last = SystemTime::now();
    let mut events = Events::with_capacity(1024);
    let mut buf = [0u8; 256];
    let started = Instant::now();
    while complete < socks.len() && started.elapsed() < Duration::from_secs(60) {
        poll.poll(&mut events, Some(Duration::from_millis(100)))?;
        for event in events.iter() {
            let Some((sock, got)) = socks.get_mut(event.token().0) else {
                continue;
            };
            while let Ok(n) = sock.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let before = *got;
                *got += n;
                if before < BROADCAST.len() && *got >= BROADCAST.len() {
                    complete += 1;
                    last = SystemTime::now();
                }
            }
        }
    }
    let ns = last
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    println!("DONE {complete} {ns}");
    std::io::stdout().flush()?;
    Ok(())
}

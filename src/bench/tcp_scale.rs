//! tcp-server-scale: thousands of concurrent clients (from this process,
//! on 127.0.0.1) on one TCP server session; each sends once, then the
//! send box sends one message to all of them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crossbeam_channel::bounded;
use mio::{Events, Interest, Poll, Token};
use netassist::gui::workbench::Workbench;
use netassist::net::Protocol;

use super::common::{
    Outcome, Row, Signal, drain_until, open_bench, raise_nofile, rss_bytes, settings,
};

const NAME: &str = "tcp-server-scale";
const LIMIT: Duration = Duration::from_secs(120);
const BROADCAST: &[u8] = b"broadcast from NetAssist to every client\n";

pub fn run(clients: usize) -> Result<Outcome> {
    let mut out = Outcome::default();
    let limit = raise_nofile(clients as u64 * 2 + 1024)?;
    if limit < clients as u64 * 2 + 64 {
        bail!(
            "the open-file limit is {limit}; {clients} clients need {}",
            clients * 2 + 64
        );
    }
    let signal = Signal::new();
    let mut s = settings(Protocol::TcpServer, "127.0.0.1:0", None, 1_000_000);
    s.max_clients = clients + 16;
    let mut bench = Workbench::new(s, signal.waker());
    let addr = open_bench(&mut bench, &signal)?;

    let started = Instant::now();
    let connector = std::thread::Builder::new()
        .name("bench-clients".to_owned())
        .spawn(move || -> Result<Vec<TcpStream>> {
            let mut streams = Vec::with_capacity(clients);
            for i in 0..clients {
                let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))
                    .with_context(|| format!("connecting client {i}"))?;
                stream
                    .write_all(format!("hello from client {i}\n").as_bytes())
                    .with_context(|| format!("client {i} sending"))?;
                streams.push(stream);
            }
            Ok(streams)
        })?;
    let all_in = drain_until(&mut bench, &signal, LIMIT, |b| {
        b.counters.rx_msgs >= clients as u64 && b.clients.len() >= clients
    });
    let in_secs = started.elapsed().as_secs_f64();
    let streams = match connector.join() {
        Ok(result) => result?,
        Err(_) => bail!("the client thread panicked"),
    };
    out.note(format!(
        "{} clients connected and {} messages in after {in_secs:.3} s{}",
        bench.clients.len(),
        bench.counters.rx_msgs,
        if all_in { "" } else { " (timed out)" }
    ));

    // Every client waits for the broadcast on one poller.
    let (ready_tx, ready_rx) = bounded::<()>(1);
    let reader = std::thread::Builder::new()
        .name("bench-broadcast-reader".to_owned())
        .spawn(move || -> Result<(usize, Instant)> {
            let mut poll = Poll::new()?;
            let mut socks = Vec::with_capacity(streams.len());
            for (i, stream) in streams.into_iter().enumerate() {
                stream.set_nonblocking(true)?;
                let mut sock = mio::net::TcpStream::from_std(stream);
                poll.registry()
                    .register(&mut sock, Token(i), Interest::READABLE)?;
                socks.push((sock, 0usize));
            }
            let _ = ready_tx.send(());
            let mut complete = 0;
            let mut last = Instant::now();
            let mut events = Events::with_capacity(1024);
            let mut buf = [0u8; 256];
            let started = Instant::now();
            while complete < socks.len() && started.elapsed() < Duration::from_secs(30) {
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
                            last = Instant::now();
                        }
                    }
                }
            }
            Ok((complete, last))
        })?;
    let _ = ready_rx.recv_timeout(Duration::from_secs(30));
    let sent_at = Instant::now();
    bench.send_text = String::from_utf8_lossy(BROADCAST).trim_end().to_owned();
    bench.settings.line_ending = netassist::text::LineEnding::Lf;
    bench.send();
    if let Some(e) = &bench.errors.send {
        bail!("the send box refused: {e}");
    }
    drain_until(&mut bench, &signal, Duration::from_secs(30), |b| {
        b.counters.tx_msgs >= clients as u64
    });
    let (delivered, last) = match reader.join() {
        Ok(result) => result?,
        Err(_) => bail!("the reader thread panicked"),
    };
    let secs = last.saturating_duration_since(sent_at).as_secs_f64();
    let (rss, hwm) = rss_bytes(None).unwrap_or_default();
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    out.row(
        Row::new(
            NAME,
            "messages in (logged)",
            bench.counters.rx_msgs as f64,
            "msgs",
        )
        .at_least(clients as f64),
    );
    out.row(
        Row::new(
            NAME,
            "broadcast sent to (engine)",
            bench.counters.tx_msgs as f64,
            "clients",
        )
        .at_least(clients as f64),
    );
    out.row(
        Row::new(NAME, "broadcast received by", delivered as f64, "clients")
            .at_least(clients as f64),
    );
    out.row(Row::new(NAME, "broadcast delivery time", secs, "s").at_most(1.0));
    out.row(Row::new(NAME, "VmRSS (server + clients' process)", mib(rss), "MiB").at_most(300.0));
    out.row(Row::new(NAME, "VmHWM (peak)", mib(hwm), "MiB").at_most(300.0));
    Ok(out)
}

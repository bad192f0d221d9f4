//! loop-send: the send box's loop send at a 1 ms period on UDP for a few
//! seconds (the GUI's own `Workbench::send` with loop on), to a receiver
//! that counts. The limit is one message per period: 1,000/s.

use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use netassist::gui::workbench::Workbench;
use netassist_engine::net::Protocol;

use super::common::{Outcome, Row, Signal, drain_until, open_bench, settings};

const NAME: &str = "loop-send";

pub fn run(secs: f64) -> Result<Outcome> {
    let mut out = Outcome::default();
    let receiver = UdpSocket::bind("127.0.0.1:0").context("binding the receiver")?;
    receiver.set_read_timeout(Some(Duration::from_millis(50)))?;
    let to = receiver.local_addr()?;
    let received = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let counter = {
        let (received, stop) = (received.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while !stop.load(Ordering::Acquire) {
                if receiver.recv_from(&mut buf).is_ok() {
                    received.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let signal = Signal::new();
    let mut s = settings(Protocol::Udp, "127.0.0.1:0", Some(to), 1_000_000);
    s.send.loop_enabled = true;
    s.send.loop_period_ms = 1;
    s.send.loop_count = 0;
    let mut bench = Workbench::new(s, signal.waker());
    open_bench(&mut bench, &signal)?;
    *bench.composer_mut().send_text_mut() = "loop-send 0123456789".to_owned();
    let period = Duration::from_secs_f64(secs.clamp(0.5, 60.0));
    let started = Instant::now();
    bench.send();
    if let Some(e) = &bench.errors().send {
        bail!("the send box refused: {e}");
    }
    drain_until(&mut bench, &signal, period, |_| false);
    let elapsed = started.elapsed().as_secs_f64();
    bench.stop_loop();
    let stopped = drain_until(&mut bench, &signal, Duration::from_secs(5), |b| {
        !b.looping()
    });
    // Let the last datagrams arrive, then stop counting.
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Release);
    let _ = counter.join();
    if !stopped {
        out.note("the loop did not report LOOP STOPPED within 5 s");
    }
    let sent = bench.counters().tx_msgs as f64;
    let got = received.load(Ordering::Relaxed) as f64;
    out.note(format!(
        "{sent} sent (Sent events logged), {got} received in {elapsed:.3} s"
    ));
    out.row(
        Row::new(NAME, "sent per second (engine)", sent / elapsed, "msgs/s")
            .peer("limit: 1 per ms", 1000.0)
            .at_least(900.0),
    );
    out.row(
        Row::new(NAME, "received per second", got / elapsed, "msgs/s")
            .peer("limit: 1 per ms", 1000.0)
            .at_least(900.0),
    );
    Ok(out)
}

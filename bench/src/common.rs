//! What every scenario shares: the rows of figures it reports, reading the
//! kernel's and the process's own counters, finding peer tools, and driving
//! a real `Workbench` (the GUI's event path) without a window.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crossbeam_channel::{Receiver, bounded};
use netassist::gui::i18n::Lang;
use netassist::gui::settings::Settings;
use netassist::gui::workbench::{SessionState, Workbench};
use netassist_engine::net::{Protocol, Waker};

/// One figure: what was measured, and, where there is one, the peer or the
/// physical limit measured in the same run, their ratio and the target.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub scenario: String,
    pub metric: String,
    pub value: f64,
    pub unit: String,
    /// The peer tool or limit, and its figure in the same run.
    pub peer: Option<(String, f64)>,
    pub ratio: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
}

impl Row {
    pub fn new(scenario: &str, metric: &str, value: f64, unit: &str) -> Row {
        Row {
            scenario: scenario.to_owned(),
            metric: metric.to_owned(),
            value,
            unit: unit.to_owned(),
            ..Row::default()
        }
    }

    pub fn peer(mut self, name: &str, value: f64) -> Row {
        self.peer = Some((name.to_owned(), value));
        if value > 0.0 {
            self.ratio = Some(self.value / value);
        }
        self
    }

    /// A target on the ratio to the peer.
    pub fn ratio_at_least(mut self, min: f64) -> Row {
        self.target = format!("ratio >= {min}");
        self.met = self.ratio.map(|r| r >= min);
        self
    }

    /// A target on the ratio to the peer, lower being better (times).
    pub fn ratio_at_most(mut self, max: f64) -> Row {
        self.target = format!("ratio <= {max}");
        self.met = self.ratio.map(|r| r <= max);
        self
    }

    pub fn at_least(mut self, min: f64) -> Row {
        self.target = format!(">= {min} {}", self.unit);
        self.met = Some(self.value >= min);
        self
    }

    pub fn at_most(mut self, max: f64) -> Row {
        self.target = format!("<= {max} {}", self.unit);
        self.met = Some(self.value <= max);
        self
    }

    /// A figure that is reported, with no target of its own.
    pub fn info(mut self) -> Row {
        self.target = "-".to_owned();
        self
    }

    /// Prints the row as a person reads it.
    pub fn show(&self) {
        let peer = match &self.peer {
            Some((name, value)) => format!("  | {name}: {}", fmt_num(*value)),
            None => String::new(),
        };
        let ratio = self
            .ratio
            .map(|r| format!("  ratio {r:.3}"))
            .unwrap_or_default();
        let met = match self.met {
            Some(true) => "  [met]",
            Some(false) => "  [MISSED]",
            None => "",
        };
        eprintln!(
            "  {:<40} {:>14} {}{peer}{ratio}  target {}{met}",
            self.metric,
            fmt_num(self.value),
            self.unit,
            self.target
        );
    }

    /// The line a scenario's child process hands to the parent.
    pub fn to_wire(&self) -> String {
        let (peer, peer_value) = match &self.peer {
            Some((name, value)) => (clean(name), value.to_string()),
            None => ("-".to_owned(), "-".to_owned()),
        };
        let opt = |v: Option<f64>| v.map_or("-".to_owned(), |v| v.to_string());
        let met = match self.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        [
            "ROW".to_owned(),
            clean(&self.scenario),
            clean(&self.metric),
            self.value.to_string(),
            clean(&self.unit),
            peer,
            peer_value,
            opt(self.ratio),
            clean(&self.target),
            met.to_owned(),
        ]
        .join("\t")
    }

    pub fn from_wire(line: &str) -> Option<Row> {
        let fields: Vec<&str> = line.split('\t').collect();
        let [
            "ROW",
            scenario,
            metric,
            value,
            unit,
            peer,
            peer_value,
            ratio,
            target,
            met,
        ] = fields.as_slice()
        else {
            return None;
        };
        let num = |s: &str| s.parse::<f64>().ok();
        Some(Row {
            scenario: (*scenario).to_owned(),
            metric: (*metric).to_owned(),
            value: num(value)?,
            unit: (*unit).to_owned(),
            peer: match (*peer, num(peer_value)) {
                ("-", _) | (_, None) => None,
                (name, Some(v)) => Some((name.to_owned(), v)),
            },
            ratio: num(ratio),
            target: (*target).to_owned(),
            met: match *met {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
        })
    }
}

fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

pub fn fmt_num(value: f64) -> String {
    if value.abs() >= 1000.0 {
        let whole = value.round() as i64;
        let digits = whole.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if whole < 0 {
            out.insert(0, '-');
        }
        out
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// What a scenario hands back: its figures and its sentences (skips,
/// explanations).
#[derive(Default)]
pub struct Outcome {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Outcome {
    pub fn row(&mut self, row: Row) {
        row.show();
        self.rows.push(row);
    }

    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("  note: {text}");
        self.notes.push(text);
    }

    pub fn skip(scenario: &str, why: impl Into<String>) -> Outcome {
        let mut outcome = Outcome::default();
        outcome.note(format!("SKIPPED {scenario}: {}", why.into()));
        outcome
    }
}

/// CPU time of the calling thread.
#[cfg(unix)]
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill in.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
pub fn thread_cpu() -> Duration {
    Duration::ZERO
}

/// VmRSS and VmHWM of a process, in bytes (Linux).
pub fn rss_bytes(pid: Option<u32>) -> Option<(u64, u64)> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// The kernel's UDP counters from /proc/net/snmp (Linux).
#[derive(Clone, Copy, Debug, Default)]
pub struct UdpSnmp {
    pub in_datagrams: u64,
    pub in_errors: u64,
    pub rcvbuf_errors: u64,
}

pub fn udp_snmp() -> Option<UdpSnmp> {
    let text = std::fs::read_to_string("/proc/net/snmp").ok()?;
    let mut lines = text.lines().filter(|l| l.starts_with("Udp:"));
    let names: Vec<&str> = lines.next()?.split_whitespace().collect();
    let values: Vec<&str> = lines.next()?.split_whitespace().collect();
    let get = |name: &str| -> Option<u64> {
        let index = names.iter().position(|n| *n == name)?;
        values.get(index)?.parse().ok()
    };
    Some(UdpSnmp {
        in_datagrams: get("InDatagrams")?,
        in_errors: get("InErrors")?,
        rcvbuf_errors: get("RcvbufErrors")?,
    })
}

impl UdpSnmp {
    pub fn since(self, before: UdpSnmp) -> UdpSnmp {
        UdpSnmp {
            in_datagrams: self.in_datagrams.saturating_sub(before.in_datagrams),
            in_errors: self.in_errors.saturating_sub(before.in_errors),
            rcvbuf_errors: self.rcvbuf_errors.saturating_sub(before.rcvbuf_errors),
        }
    }
}

/// A program on PATH (or in the sbin directories that a non-root PATH may
/// lack).
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Raises the open-file limit to at least `wanted` (up to the hard limit,
/// or beyond it when running as root); returns the soft limit now.
#[cfg(unix)]
pub fn raise_nofile(wanted: u64) -> Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for the call to fill in.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        bail!("getrlimit: {}", std::io::Error::last_os_error());
    }
    if limit.rlim_cur >= wanted {
        return Ok(limit.rlim_cur);
    }
    let mut raised = libc::rlimit {
        rlim_cur: wanted,
        rlim_max: limit.rlim_max.max(wanted),
    };
    // SAFETY: a valid rlimit; failure is reported, not assumed.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
        raised.rlim_cur = limit.rlim_max;
        raised.rlim_max = limit.rlim_max;
        // SAFETY: as above, within the hard limit this time.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
            bail!("setrlimit: {}", std::io::Error::last_os_error());
        }
    }
    Ok(raised.rlim_cur)
}

#[cfg(not(unix))]
pub fn raise_nofile(_wanted: u64) -> Result<u64> {
    bail!("raising the open-file limit is only done on Unix")
}

/// Wakes a drain loop when the engine emits an event, as the GUI's waker
/// asks egui for a repaint.
pub struct Signal {
    rx: Receiver<()>,
    waker: Waker,
}

impl Signal {
    pub fn new() -> Signal {
        let (tx, rx) = bounded(1);
        Signal {
            rx,
            waker: Arc::new(move || {
                let _ = tx.try_send(());
            }),
        }
    }

    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    pub fn wait(&self, limit: Duration) {
        let _ = self.rx.recv_timeout(limit);
    }
}

/// Settings for a workbench of this protocol with these address fields and
/// a log cap.
pub fn settings(
    protocol: Protocol,
    local: &str,
    remote: Option<SocketAddr>,
    max_entries: usize,
) -> Settings {
    let mut settings = Settings {
        lang: Lang::En,
        protocol,
        ..Settings::default()
    };
    settings.view.log_max_entries = max_entries;
    let fields = settings.addr_mut();
    if let Some((host, port)) = local.rsplit_once(':') {
        fields.local_host = host.to_owned();
        fields.local_port = port.to_owned();
    }
    if let Some(remote) = remote {
        fields.remote_host = remote.ip().to_string();
        fields.remote_port = remote.port().to_string();
    } else if protocol == Protocol::Udp {
        fields.remote_host.clear();
    }
    settings
}

/// Drains a workbench's events as the window does (an 8 ms budget per
/// call), waking on the engine's signal, until `done` holds or `limit`
/// passes. Returns false on timeout.
pub fn drain_until(
    bench: &mut Workbench,
    signal: &Signal,
    limit: Duration,
    mut done: impl FnMut(&Workbench) -> bool,
) -> bool {
    let started = Instant::now();
    loop {
        let more = bench.drain_events(Duration::from_millis(8));
        if done(bench) {
            return true;
        }
        if started.elapsed() > limit {
            return false;
        }
        if !more {
            signal.wait(Duration::from_millis(2));
        }
    }
}

/// Opens a workbench and waits for its session to be open; returns the
/// bound local address (server, UDP) or the peer (TCP client).
pub fn open_bench(bench: &mut Workbench, signal: &Signal) -> Result<SocketAddr> {
    bench.open();
    if let Some(e) = bench
        .errors()
        .local
        .as_ref()
        .or(bench.errors().remote.as_ref())
    {
        bail!("the workbench refused its fields: {e}");
    }
    let opened = drain_until(bench, signal, Duration::from_secs(10), |b| {
        matches!(
            b.state(),
            SessionState::Open { .. } | SessionState::Connected { .. } | SessionState::Closed
        )
    });
    match bench.state() {
        SessionState::Open { local } => Ok(local),
        SessionState::Connected { peer } => Ok(peer),
        _ if !opened => bail!("the session did not open within 10 s"),
        _ => Err(anyhow::anyhow!(
            "the session closed: {}",
            bench.last_error().unwrap_or_default()
        ))
        .context("opening the workbench"),
    }
}

/// A child process killed when dropped, so no scenario leaves one behind.
pub struct Reaped(pub std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Median and 99th percentile of a sample (sorted in place).
pub fn percentiles(values: &mut [f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// CPU time of this process's threads whose name starts with `prefix`
/// (Linux: /proc/self/task/*/schedstat, in nanoseconds).
pub fn threads_cpu(prefix: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut total = 0u64;
    for task in tasks.flatten() {
        let dir = task.path();
        let named = std::fs::read_to_string(dir.join("comm"))
            .is_ok_and(|comm| comm.trim_end().starts_with(prefix));
        if !named {
            continue;
        }
        if let Ok(stat) = std::fs::read_to_string(dir.join("schedstat")) {
            total += stat
                .split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(total)
}

/// Steps the headless window until its session is open (within 10 s) and
/// returns the address it bound; `what` names the session in the error.
pub fn wait_window_open(
    harness: &mut egui_kittest::Harness<'static, netassist::gui::App>,
    what: &str,
) -> Result<SocketAddr> {
    let opened = Instant::now();
    loop {
        harness.step();
        if let SessionState::Open { local } = harness.state().workbench().state() {
            return Ok(local);
        }
        if opened.elapsed() > Duration::from_secs(10) {
            bail!("{what} did not open within 10 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

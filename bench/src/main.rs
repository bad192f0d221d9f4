//! netassist-bench: the figures of issue 5, measured side by side with a
//! peer tool or a physical limit in the same run.
//!
//!     cargo build --release --workspace
//!     cargo run --release -p netassist-bench -- all [--json]
//!     cargo run --release -p netassist-bench -- udp-ingest
//!
//! Each scenario runs in its own child process (this program again), so
//! resident memory, open files and threads of one do not weigh on the
//! next. Every scenario sends only to 127.0.0.1, stops by itself, and
//! bounds its loops; a scenario whose peer tool is missing says which
//! Debian package provides it and is skipped.

mod common;
mod flood_memory;
mod idle;
mod log_frame;
mod log_memory;
mod loop_send;
mod rx_file;
mod tcp_scale;
mod tcp_stream;
mod tftp;
mod tls_stream;
mod udp_ingest;
mod waveform;
mod ws_ingest;

use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};
use clap::Parser;

use common::{Outcome, Row, fmt_num};

const SCENARIOS: [&str; 16] = [
    "udp-ingest",
    "log-frame",
    "log-memory",
    "loop-send",
    "rx-file",
    "tcp-stream",
    "tcp-server-scale",
    "tftp-server",
    "tftp-client",
    "tftp-loss",
    "idle",
    "flood-memory",
    "waveform",
    "tls-stream",
    "ws-ingest",
    "all",
];

#[derive(Parser, Debug, Clone)]
#[command(
    name = "netassist-bench",
    about = "NetAssist benchmarks (issue 5): each figure next to a peer tool or a limit measured in the same run"
)]
struct Opts {
    /// all, or one of: udp-ingest, log-frame, log-memory, loop-send,
    /// rx-file, tcp-stream, tcp-server-scale, tftp-server, tftp-client, tftp-loss,
    /// idle, flood-memory, waveform, tls-stream, ws-ingest.
    scenario: String,
    /// Print one JSON summary on stdout (progress goes to stderr).
    #[arg(long)]
    json: bool,
    /// udp-ingest: datagrams of 64 B to blast.
    #[arg(long, default_value_t = 1_000_000)]
    udp_count: u64,
    /// log-frame and log-memory: entries in the log.
    #[arg(long, default_value_t = 1_000_000)]
    entries: usize,
    /// log-frame: seconds of frames while datagrams arrive.
    #[arg(long, default_value_t = 5.0)]
    frame_secs: f64,
    /// log-frame: datagrams per second arriving while frames are laid out.
    #[arg(long, default_value_t = 100_000)]
    frame_rate: u64,
    /// log-frame: the log view with 自动换行 (wrap lines) ticked.
    #[arg(long)]
    wrap_rows: bool,
    /// rx-file: datagrams of 64 B received to a file.
    #[arg(long, default_value_t = 200_000)]
    rx_file_count: u64,
    /// loop-send: seconds of loop send at 1 ms.
    #[arg(long, default_value_t = 5.0)]
    loop_secs: f64,
    /// tcp-stream: bytes socat sends (the issue asks for 4 GB).
    #[arg(long, default_value_t = 4_000_000_000)]
    tcp_bytes: u64,
    /// tftp-server and tftp-client: size of the file served, in bytes.
    #[arg(long, default_value_t = 200_000_000)]
    tftp_bytes: u64,
    /// Bytes of the TLS stream (tls-stream).
    #[arg(long, default_value_t = 2_000_000_000)]
    tls_bytes: u64,
    /// tftp-loss: how long tftp-hpa may take before it is stopped.
    #[arg(long, default_value_t = 120.0)]
    loss_peer_secs: f64,
    /// tcp-server-scale: concurrent clients.
    #[arg(long, default_value_t = 10_000)]
    clients: usize,
    /// idle: seconds the window is watched.
    #[arg(long, default_value_t = 10.0)]
    idle_secs: f64,
    /// idle: the X display number given to Xvfb.
    #[arg(long, default_value_t = 77)]
    display: u32,
    /// flood-memory: bytes one TCP client floods with.
    #[arg(long, default_value_t = 1_000_000_000)]
    flood_tcp_bytes: u64,
    /// flood-memory: seconds of 65,507-byte UDP datagrams.
    #[arg(long, default_value_t = 10.0)]
    flood_udp_secs: f64,
    /// flood-memory: a netassist built before the event budget, measured
    /// under the same headless floods in the same run.
    #[arg(long)]
    before: Option<std::path::PathBuf>,
    /// waveform: bytes of each kind of data (text lines, JustFloat of 2
    /// and of 8 channels) fed to the waveform and to the log.
    #[arg(long, default_value_t = 50_000_000)]
    wave_bytes: u64,
    /// ws-ingest: WebSocket messages of 64 B to send.
    #[arg(long, default_value_t = 1_000_000)]
    ws_messages: u64,
    /// The server the clients' process of tcp-server-scale connects to.
    #[arg(long, hide = true)]
    addr: Option<std::net::SocketAddr>,
    /// Run the scenario in this process and print its rows for the parent
    /// (used by the program itself).
    #[arg(long, hide = true)]
    child: bool,
}

fn run_scenario(name: &str, opts: &Opts) -> Result<Outcome> {
    match name {
        "udp-ingest" => udp_ingest::run(opts.udp_count),
        "log-frame" => log_frame::run(
            opts.entries,
            opts.frame_secs,
            opts.frame_rate,
            opts.wrap_rows,
        ),
        "log-memory" => log_memory::run(opts.entries),
        "loop-send" => loop_send::run(opts.loop_secs),
        "rx-file" => rx_file::run(opts.rx_file_count),
        "tcp-stream" => tcp_stream::run(opts.tcp_bytes),
        "tls-stream" => tls_stream::run(opts.tls_bytes),
        "tcp-server-scale" => tcp_scale::run(opts.clients),
        "tftp-server" => tftp::server(opts.tftp_bytes),
        "tftp-client" => tftp::client(opts.tftp_bytes),
        "tftp-loss" => tftp::loss(opts.loss_peer_secs),
        "idle" => idle::run(opts.idle_secs, opts.display),
        "flood-memory" => flood_memory::run(
            opts.flood_tcp_bytes,
            opts.flood_udp_secs,
            opts.before.as_deref(),
        ),
        "waveform" => waveform::run(opts.wave_bytes),
        "ws-ingest" => ws_ingest::run(opts.ws_messages),
        tcp_scale::HELPER => {
            let addr = opts.addr.context("--addr is required")?;
            tcp_scale::clients_helper(addr, opts.clients)?;
            Ok(Outcome::default())
        }
        other => bail!(
            "unknown scenario {other:?}; one of {}",
            SCENARIOS.join(", ")
        ),
    }
}

/// Runs one scenario as a child process of this program and collects its
/// rows; its progress goes straight to stderr.
fn run_child(name: &str, opts: &Opts) -> Result<Outcome> {
    let exe = std::env::current_exe().context("finding this program")?;
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    args.retain(|a| a != "--json" && a != "all" && !SCENARIOS.contains(&a.as_str()));
    let mut child = Command::new(exe)
        .arg(name)
        .arg("--child")
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting the {name} scenario"))?;
    let mut outcome = Outcome::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(row) = Row::from_wire(&line) {
                outcome.rows.push(row);
            } else if let Some(note) = line.strip_prefix("NOTE\t") {
                outcome.notes.push(note.to_owned());
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        outcome
            .notes
            .push(format!("{name}: the scenario failed ({status}); see above"));
    }
    let _ = opts;
    Ok(outcome)
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_number(value: f64) -> String {
    if value.is_finite() {
        format!("{value}")
    } else {
        "null".to_owned()
    }
}

fn json(rows: &[Row], notes: &[String]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| {
            let (peer, peer_value) = match &r.peer {
                Some((name, value)) => (json_string(name), json_number(*value)),
                None => ("null".to_owned(), "null".to_owned()),
            };
            format!(
                "{{\"scenario\":{},\"metric\":{},\"value\":{},\"unit\":{},\"peer\":{peer},\
                 \"peer_value\":{peer_value},\"ratio\":{},\"target\":{},\"met\":{}}}",
                json_string(&r.scenario),
                json_string(&r.metric),
                json_number(r.value),
                json_string(&r.unit),
                r.ratio.map_or("null".to_owned(), json_number),
                json_string(&r.target),
                r.met.map_or("null".to_owned(), |m| m.to_string()),
            )
        })
        .collect();
    let notes: Vec<String> = notes.iter().map(|n| json_string(n)).collect();
    format!(
        "{{\"rows\":[{}],\"notes\":[{}]}}",
        rows.join(","),
        notes.join(",")
    )
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | measured | peer / limit | ratio | target | met? |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let peer = r
            .peer
            .as_ref()
            .map_or("-".to_owned(), |(n, v)| format!("{n}: {}", fmt_num(*v)));
        let ratio = r.ratio.map_or("-".to_owned(), |x| format!("{x:.3}"));
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "-",
        };
        out.push_str(&format!(
            "| {} | {}: {} {} | {peer} | {ratio} | {} | {met} |\n",
            r.scenario,
            r.metric,
            fmt_num(r.value),
            r.unit,
            r.target
        ));
    }
    out
}

fn main() -> ExitCode {
    let opts = Opts::parse();
    if opts.child {
        return match run_scenario(&opts.scenario, &opts) {
            Ok(outcome) => {
                for row in &outcome.rows {
                    println!("{}", row.to_wire());
                }
                for note in &outcome.notes {
                    println!("NOTE\t{}", note.replace(['\t', '\n'], " "));
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("  error: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let names: Vec<&str> = match opts.scenario.as_str() {
        "all" => SCENARIOS[..SCENARIOS.len() - 1].to_vec(),
        one if SCENARIOS.contains(&one) => vec![one],
        other => {
            eprintln!(
                "netassist-bench: unknown scenario {other:?}; one of {}",
                SCENARIOS.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut failed = false;
    // Other work on the machine moves every figure: say how busy it was.
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".to_owned())
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load_before = load();
    for name in names {
        eprintln!("== {name}");
        match run_child(name, &opts) {
            Ok(outcome) => {
                failed |= outcome.notes.iter().any(|n| n.contains("scenario failed"));
                rows.extend(outcome.rows);
                notes.extend(outcome.notes.into_iter().map(|n| format!("{name}: {n}")));
            }
            Err(e) => {
                failed = true;
                notes.push(format!("{name}: {e:#}"));
            }
        }
    }
    notes.push(format!(
        "machine: {cores} cores; load average {load_before} before the run, {} after",
        load()
    ));
    if opts.json {
        println!("{}", json(&rows, &notes));
    } else {
        println!("\n{}", table(&rows));
        for note in &notes {
            println!("- {note}");
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

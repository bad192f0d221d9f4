//! tftp-server and tftp-client: our TFTP server and client beside
//! in.tftpd (tftpd-hpa), atftpd, curl and atftp, the same file over
//! 127.0.0.1 in the same run. Each download is checked byte for byte.

use std::io::{BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use netassist_engine::net::{self, Endpoint, Event, SessionConfig, SessionHandle};
use netassist_engine::tftp::{ClientConfig, ClientOp, ClientOptions, Mode, ServerConfig, limits};

use super::common::{Outcome, Reaped, Row, find_tool};

const FILE: &str = "bench.bin";
const LIMIT: Duration = Duration::from_secs(600);

fn free_udp_port() -> Result<u16> {
    Ok(UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until a TFTP server answers on `addr` (an error for a missing
/// file is an answer).
fn wait_until_serving(addr: SocketAddr) -> Result<()> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.set_read_timeout(Some(Duration::from_millis(200)))?;
    let probe = b"\x00\x01netassist-bench-probe-missing\x00octet\x00";
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    while started.elapsed() < Duration::from_secs(10) {
        let _ = socket.send_to(probe, addr);
        if socket.recv_from(&mut buf).is_ok() {
            return Ok(());
        }
    }
    bail!("no TFTP server answered on {addr}")
}

fn atftpd_binary() -> Option<PathBuf> {
    std::env::var_os("NETASSIST_ATFTPD")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| find_tool("atftpd"))
        .or_else(|| Some(PathBuf::from("/opt/atftpd/usr/sbin/atftpd")).filter(|p| p.is_file()))
}

fn start_peer(command: &mut Command, addr: SocketAddr) -> Result<Reaped> {
    let child = Reaped(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {command:?}"))?,
    );
    wait_until_serving(addr)?;
    Ok(child)
}

/// in.tftpd on a free port of 127.0.0.1, or, in our own namespace (where
/// it cannot resolve 127.0.0.1 for a reason it does not say), on that port
/// of every address there, which is only the namespace's loopback.
fn start_in_tftpd(binary: &Path, root: &Path, in_namespace: bool) -> Result<(Reaped, SocketAddr)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], free_udp_port()?));
    let listen = if in_namespace {
        format!(":{}", addr.port())
    } else {
        addr.to_string()
    };
    let child = start_peer(
        Command::new(binary)
            .args(["-L", "-u", "root", "-a"])
            .arg(listen)
            .arg("-s")
            .arg(root),
        addr,
    )?;
    Ok((child, addr))
}

fn start_atftpd(binary: &Path, root: &Path) -> Result<(Reaped, SocketAddr)> {
    let port = free_udp_port()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let child = start_peer(
        Command::new(binary)
            .args(["--daemon", "--no-fork", "--port", &port.to_string()])
            .args([
                "--bind-address",
                "127.0.0.1",
                "--user",
                "root",
                "--group",
                "root",
            ])
            .args(["--logfile", "/dev/null"])
            .arg(root),
        addr,
    )?;
    Ok((child, addr))
}

fn start_ours(root: &Path) -> Result<(SessionHandle, SocketAddr)> {
    let handle = net::spawn(
        SessionConfig::TftpServer(ServerConfig {
            local: "127.0.0.1:0".parse()?,
            root: root.to_path_buf(),
            allow_write: false,
            allow_overwrite: false,
            max_transfers: limits::DEFAULT_MAX_TRANSFERS,
            max_transfers_per_address: limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
            port_range: None,
            first_answer_timeout: netassist_engine::tftp::FIRST_ANSWER_TIMEOUT,
            name_encoding: netassist_engine::text::Encoding::Utf8,
        }),
        Arc::new(|| {}),
    )?;
    loop {
        match handle.events().recv_timeout(Duration::from_secs(10)) {
            Ok(Event::Opened { local }) => return Ok((handle, local)),
            Ok(Event::Stopped(e)) => bail!("our TFTP server stopped: {e:?}"),
            Ok(_) => {}
            Err(_) => bail!("our TFTP server did not open within 10 s"),
        }
    }
}

/// A file of `size` bytes that does not compress or repeat in blocks.
fn make_file(path: &Path, size: u64) -> Result<()> {
    let mut state = 0x9E37_79B9u32;
    let mut data = Vec::with_capacity(usize::try_from(size)?);
    for _ in 0..size {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        data.push(state as u8);
    }
    std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}

fn same_content(a: &Path, b: &Path) -> bool {
    let (Ok(fa), Ok(fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ra, mut rb) = (BufReader::new(fa), BufReader::new(fb));
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let (Ok(na), Ok(nb)) = (read_full(&mut ra, &mut ba), read_full(&mut rb, &mut bb)) else {
            return false;
        };
        if na != nb || ba[..na] != bb[..nb] {
            return false;
        }
        if na == 0 {
            return true;
        }
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Client {
    Curl(u16),
    AtftpW16(u16),
    Ours { blksize: u16, windowsize: u16 },
}

impl Client {
    fn label(self) -> String {
        match self {
            Client::Curl(b) => format!("curl --tftp-blksize {b}"),
            Client::AtftpW16(b) => format!("atftp blksize {b} windowsize 16"),
            Client::Ours {
                blksize,
                windowsize,
            } => format!("netassist client blksize {blksize} windowsize {windowsize}"),
        }
    }
}

fn run_tool(command: &mut Command) -> Result<bool> {
    let mut child = Reaped(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {command:?}"))?,
    );
    let started = Instant::now();
    loop {
        if let Some(status) = child.0.try_wait()? {
            return Ok(status.success());
        }
        if started.elapsed() > LIMIT {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn run_ours(server: SocketAddr, dir: &Path, blksize: u16, windowsize: u16) -> Result<bool> {
    let handle = net::spawn(
        SessionConfig::TftpClient(ClientConfig {
            remote: Endpoint {
                host: server.ip().to_string(),
                port: server.port(),
            },
            op: ClientOp::Get {
                remote_name: FILE.to_owned(),
                local_dir: dir.to_path_buf(),
            },
            mode: Mode::Octet,
            options: ClientOptions {
                blksize: Some(blksize),
                windowsize: Some(windowsize),
                ..ClientOptions::default()
            },
            name_encoding: netassist_engine::text::Encoding::Utf8,
        }),
        Arc::new(|| {}),
    )?;
    let started = Instant::now();
    while started.elapsed() < LIMIT {
        if let Ok(Event::Stopped(e)) = handle.events().recv_timeout(Duration::from_millis(100)) {
            return Ok(e.is_none());
        }
    }
    Ok(false)
}

/// Downloads the file with `client` from `server` into `dir`; MB/s, or
/// `None` when it failed or the copy differs.
fn download(
    client: Client,
    server: SocketAddr,
    dir: &Path,
    original: &Path,
) -> Result<Option<f64>> {
    let local = dir.join(FILE);
    let _ = std::fs::remove_file(&local);
    let url = format!("tftp://{server}/{FILE}");
    let port = server.port().to_string();
    let started = Instant::now();
    let ok = match client {
        Client::Curl(blksize) => run_tool(
            Command::new("curl")
                .args(["-s", "-S", "--tftp-blksize", &blksize.to_string(), "-o"])
                .arg(&local)
                .arg(&url),
        )?,
        Client::AtftpW16(blksize) => run_tool(
            Command::new("atftp")
                .args(["--option", "windowsize 16", "--option"])
                .arg(format!("blksize {blksize}"))
                .args(["-g", "-r", FILE, "-l"])
                .arg(&local)
                .args(["127.0.0.1", &port]),
        )?,
        Client::Ours {
            blksize,
            windowsize,
        } => run_ours(server, dir, blksize, windowsize)?,
    };
    let secs = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(original)?.len() as f64;
    Ok((ok && same_content(original, &local)).then(|| size / 1e6 / secs))
}

/// Lockstep transfers on a loaded 2-core machine swing by 5× from run to
/// run with every server (the scheduler sits in each round trip): each
/// cell is the best of this many downloads.
const ROUNDS: usize = 3;

/// The best of [`ROUNDS`] downloads; `None` if none succeeded intact.
fn best_download(
    client: Client,
    server: SocketAddr,
    dir: &Path,
    original: &Path,
) -> Result<Option<f64>> {
    let mut best: Option<f64> = None;
    for _ in 0..ROUNDS {
        if let Some(rate) = download(client, server, dir, original)? {
            best = Some(best.map_or(rate, |b| b.max(rate)));
        }
    }
    Ok(best)
}

struct Setup {
    root: PathBuf,
    out: PathBuf,
    original: PathBuf,
    hpa: Option<PathBuf>,
    atftpd: Option<PathBuf>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
        let _ = std::fs::remove_dir_all(&self.out);
    }
}

fn setup(bytes: u64, out: &mut Outcome) -> Result<Setup> {
    let base = std::env::temp_dir().join(format!("netassist-bench-tftp-{}", std::process::id()));
    let root = base.join("root");
    let dir = base.join("out");
    std::fs::create_dir_all(&root)?;
    std::fs::create_dir_all(&dir)?;
    let original = root.join(FILE);
    make_file(&original, bytes)?;
    let hpa = find_tool("in.tftpd");
    if hpa.is_none() {
        out.note("in.tftpd is not installed (Debian package: tftpd-hpa): its column is skipped");
    }
    let atftpd = atftpd_binary();
    if atftpd.is_none() {
        out.note(
            "atftpd is not installed (Debian package: atftpd; it conflicts with tftpd-hpa, so \
             `apt-get download atftpd && dpkg -x atftpd_*.deb /opt/atftpd`, or set \
             NETASSIST_ATFTPD): its column is skipped",
        );
    }
    Ok(Setup {
        root,
        out: dir,
        original,
        hpa,
        atftpd,
    })
}

fn peer_clients(out: &mut Outcome) -> Vec<Client> {
    let mut clients = Vec::new();
    if find_tool("curl").is_some() {
        clients.extend([Client::Curl(1468), Client::Curl(65464)]);
    } else {
        out.note("curl is not installed (Debian package: curl): its rows are skipped");
    }
    if find_tool("atftp").is_some() {
        clients.push(Client::AtftpW16(1468));
    } else {
        out.note("atftp is not installed (Debian package: atftp): its rows are skipped");
    }
    clients
}

fn cell(rate: Option<f64>) -> String {
    rate.map_or("failed".to_owned(), |r| format!("{r:.1} MB/s"))
}

pub fn server(bytes: u64) -> Result<Outcome> {
    const NAME: &str = "tftp-server";
    let mut out = Outcome::default();
    let s = setup(bytes, &mut out)?;
    let clients = peer_clients(&mut out);
    if clients.is_empty() {
        return Ok(Outcome::skip(
            NAME,
            "no peer client (curl, atftp) is installed",
        ));
    }
    let (_ours, ours_addr) = start_ours(&s.root)?;
    let hpa = s
        .hpa
        .as_deref()
        .map(|b| start_in_tftpd(b, &s.root, false))
        .transpose()?;
    let atftpd = s
        .atftpd
        .as_deref()
        .map(|b| start_atftpd(b, &s.root))
        .transpose()?;
    for client in clients {
        let ours = best_download(client, ours_addr, &s.out, &s.original)?;
        let mut peers = Vec::new();
        for (name, server) in [("in.tftpd", &hpa), ("atftpd", &atftpd)] {
            if let Some((_, addr)) = server {
                let rate = best_download(client, *addr, &s.out, &s.original)?;
                peers.push((name, rate));
            }
        }
        out.note(format!(
            "{} ({} MB, best of {ROUNDS}): netassist {}, {}",
            client.label(),
            bytes / 1_000_000,
            cell(ours),
            peers
                .iter()
                .map(|(n, r)| format!("{n} {}", cell(*r)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let best = peers
            .iter()
            .filter_map(|(n, r)| r.map(|r| (*n, r)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let mut row = Row::new(
            NAME,
            &format!("our server to {}", client.label()),
            ours.unwrap_or(0.0),
            "MB/s",
        );
        if let Some((name, rate)) = best {
            row = row.peer(&format!("best server: {name}"), rate);
        }
        out.row(row.ratio_at_least(1.0));
    }
    Ok(out)
}

pub fn client(bytes: u64) -> Result<Outcome> {
    const NAME: &str = "tftp-client";
    let mut out = Outcome::default();
    let s = setup(bytes, &mut out)?;
    let clients = peer_clients(&mut out);
    let hpa = s
        .hpa
        .as_deref()
        .map(|b| start_in_tftpd(b, &s.root, false))
        .transpose()?;
    let atftpd = s
        .atftpd
        .as_deref()
        .map(|b| start_atftpd(b, &s.root))
        .transpose()?;
    let servers: Vec<(&str, SocketAddr)> = [("in.tftpd", &hpa), ("atftpd", &atftpd)]
        .into_iter()
        .filter_map(|(n, s)| s.as_ref().map(|(_, a)| (n, *a)))
        .collect();
    if servers.is_empty() {
        return Ok(Outcome::skip(
            NAME,
            "neither in.tftpd nor atftpd is installed",
        ));
    }
    for (name, addr) in servers {
        for blksize in [1468u16, 65464] {
            let ours = best_download(
                Client::Ours {
                    blksize,
                    windowsize: 16,
                },
                addr,
                &s.out,
                &s.original,
            )?;
            let mut peers = Vec::new();
            for client in clients.iter().filter(|c| match c {
                Client::Curl(b) | Client::AtftpW16(b) => *b == blksize,
                Client::Ours { .. } => false,
            }) {
                peers.push((
                    client.label(),
                    best_download(*client, addr, &s.out, &s.original)?,
                ));
            }
            out.note(format!(
                "from {name}, blksize {blksize} (best of {ROUNDS}): netassist {}, {}",
                cell(ours),
                peers
                    .iter()
                    .map(|(n, r)| format!("{n} {}", cell(*r)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let best = peers
                .iter()
                .filter_map(|(n, r)| r.map(|r| (n.clone(), r)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            let mut row = Row::new(
                NAME,
                &format!("our client from {name}, blksize {blksize}"),
                ours.unwrap_or(0.0),
                "MB/s",
            );
            if let Some((client, rate)) = best {
                row = row.peer(&format!("best: {client}"), rate);
            }
            out.row(row.ratio_at_least(1.0));
        }
    }
    Ok(out)
}

/// A network namespace of our own with a lossy loopback; deleted when
/// dropped (the process that joined it keeps it until it exits).
struct LossyNamespace {
    name: String,
}

impl LossyNamespace {
    /// Creates the namespace, makes its loopback drop `percent` % of UDP
    /// packets on input (every packet of both directions passes there
    /// once; dropping on output would fail sendto instead), and moves this
    /// process's calling thread into it: threads and processes started
    /// from it afterwards are inside too.
    #[cfg(target_os = "linux")]
    fn enter(percent: u32) -> Result<LossyNamespace> {
        use std::os::fd::AsRawFd;
        let name = format!("netassist-bench-loss-{}", std::process::id());
        let ok = |c: &mut Command| c.status().is_ok_and(|s| s.success());
        if !ok(Command::new("ip").args(["netns", "add", &name])) {
            bail!("cannot create a network namespace (needs root and iproute2)");
        }
        let ns = LossyNamespace { name };
        if !ok(Command::new("ip").args(["-n", &ns.name, "link", "set", "lo", "up"])) {
            bail!("cannot bring up the namespace's loopback");
        }
        let rules = format!(
            "table inet netassist_bench_loss {{\n chain incoming {{\n  type filter hook input \
             priority 0; policy accept;\n  meta l4proto udp numgen random mod 100 < {percent} \
             drop\n }}\n}}\n"
        );
        let rules_path = std::env::temp_dir().join(format!("{}.nft", ns.name));
        std::fs::write(&rules_path, rules)?;
        let loaded = ok(Command::new("ip")
            .args(["netns", "exec", &ns.name, "nft", "-f"])
            .arg(&rules_path));
        let _ = std::fs::remove_file(&rules_path);
        if !loaded {
            bail!("nft refused the loss rule");
        }
        let file = std::fs::File::open(format!("/run/netns/{}", ns.name))?;
        // SAFETY: the descriptor is valid for the call; setns changes only
        // the calling thread's network namespace.
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        if rc != 0 {
            bail!("setns: {}", std::io::Error::last_os_error());
        }
        Ok(ns)
    }

    #[cfg(not(target_os = "linux"))]
    fn enter(_percent: u32) -> Result<LossyNamespace> {
        bail!("network namespaces are Linux only")
    }
}

impl Drop for LossyNamespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// tftp-loss: 1 MiB at 2 % loss in each direction, our server and client
/// against in.tftpd and the tftp-hpa client, in a namespace of our own.
pub fn loss(peer_limit_secs: f64) -> Result<Outcome> {
    const NAME: &str = "tftp-loss";
    const BYTES: u64 = 1 << 20;
    for (tool, package) in [("ip", "iproute2"), ("nft", "nftables")] {
        if find_tool(tool).is_none() {
            return Ok(Outcome::skip(
                NAME,
                format!("{tool} is not installed (Debian package: {package})"),
            ));
        }
    }
    let mut out = Outcome::default();
    let s = setup(BYTES, &mut out)?;
    let _ns = LossyNamespace::enter(2)?;
    let (_ours, ours_addr) = start_ours(&s.root)?;
    let started = Instant::now();
    let ok = run_ours(ours_addr, &s.out, 1468, 16)?;
    let ours_secs = started.elapsed().as_secs_f64();
    let intact = ok && same_content(&s.original, &s.out.join(FILE));
    out.row(
        Row::new(
            NAME,
            "netassist client from netassist server: intact",
            f64::from(u8::from(intact)),
            "yes=1",
        )
        .at_least(1.0),
    );
    let (Some(hpa), Some(_)) = (s.hpa.as_deref(), find_tool("tftp")) else {
        out.note(
            "in.tftpd or tftp (Debian packages tftpd-hpa, tftp-hpa) is missing: no comparison",
        );
        out.row(
            Row::new(
                NAME,
                "netassist client from netassist server",
                ours_secs,
                "s",
            )
            .info(),
        );
        return Ok(out);
    };
    let (_hpa, hpa_addr) = start_in_tftpd(hpa, &s.root, true)?;
    let local = s.out.join("hpa.bin");
    let mut child = Reaped(
        Command::new("tftp")
            .args([
                "-m",
                "octet",
                "127.0.0.1",
                &hpa_addr.port().to_string(),
                "-c",
                "get",
                FILE,
            ])
            .arg(&local)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting tftp")?,
    );
    let started = Instant::now();
    let limit = Duration::from_secs_f64(peer_limit_secs.clamp(5.0, 900.0));
    let (peer_secs, finished) = loop {
        if let Some(status) = child.0.try_wait()? {
            break (started.elapsed().as_secs_f64(), status.success());
        }
        if started.elapsed() > limit {
            break (limit.as_secs_f64(), false);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let peer_intact = finished && same_content(&s.original, &local);
    out.note(format!(
        "1 MiB at 2 % loss each way: netassist client + server {ours_secs:.2} s (intact: {intact}); \
         tftp-hpa client + in.tftpd {} (intact: {peer_intact})",
        if finished { format!("{peer_secs:.2} s") } else { format!("not done after {peer_secs:.0} s (stopped; the ratio uses {peer_secs:.0} s, in its favour)") }
    ));
    out.row(
        Row::new(
            NAME,
            "netassist client from netassist server",
            ours_secs,
            "s",
        )
        .peer("tftp-hpa client from in.tftpd", peer_secs)
        .ratio_at_most(0.1),
    );
    Ok(out)
}

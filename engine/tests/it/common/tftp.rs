//! Shared helpers for the TFTP tests: start our server or client in
//! process, wait for events with generous bounds, find peer tools.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use super::Deadline;

use netassist_engine::net::{Endpoint, Event, SessionConfig, SessionError, SessionHandle, spawn};
use netassist_engine::tftp::{
    ClientConfig, ClientOp, ClientOptions, Mode, ServerConfig, TransferEvent,
};
use sha2::{Digest, Sha256};

/// Waits are long because a loaded 2-core CI machine can be slow; they
/// bound a hang, they do not measure speed.
pub const WAIT: Duration = Duration::from_secs(120);

/// True when `tool` is installed; otherwise the one skip rule
/// ([`super::peer_tool`]: loud SKIPPED locally, a failure under
/// `NETASSIST_REQUIRE_PEERS=1`).
pub fn have_tool(tool: &str) -> bool {
    super::peer_tool(tool)
}

/// The one skip rule ([`super::skip_or_fail`]) for a prerequisite that is
/// not a single tool on PATH; `missing` says what to install or change.
pub fn skip(missing: &str) {
    super::skip_or_fail(missing);
}

pub fn find_tool(tool: &str) -> Option<PathBuf> {
    super::find_peer_tool(tool)
}

pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

pub fn sha256_file(path: &Path) -> Vec<u8> {
    sha256(&std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())))
}

/// Bytes that are not all alike, so a misplaced block shows.
pub fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

pub fn server_config(root: &Path, local: &str) -> ServerConfig {
    ServerConfig {
        local: local.parse().expect("test address"),
        root: root.to_path_buf(),
        allow_write: false,
        allow_overwrite: false,
        max_transfers: 32,
        max_transfers_per_address:
            netassist_engine::tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
        port_range: None,
        first_answer_timeout: netassist_engine::tftp::FIRST_ANSWER_TIMEOUT,
        name_encoding: netassist_engine::text::Encoding::Utf8,
    }
}

pub struct Server {
    pub handle: SessionHandle,
    pub local: SocketAddr,
    pub events: Vec<Event>,
}

/// Starts our server and waits until it serves.
pub fn start_server(config: ServerConfig) -> Server {
    let handle = spawn(SessionConfig::TftpServer(config), Arc::new(|| {})).expect("spawn server");
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match handle.events().recv_timeout(left) {
            Ok(Event::Opened { local }) => {
                return Server {
                    handle,
                    local,
                    events: Vec::new(),
                };
            }
            Ok(Event::Stopped(e)) => panic!("server stopped: {e:?}"),
            Ok(_) => {}
            Err(_) => panic!("server did not open"),
        }
    }
}

impl Server {
    pub fn port(&self) -> u16 {
        self.local.port()
    }

    /// Waits until `count` transfers have ended; returns their events.
    pub fn wait_transfers_ended(&mut self, count: usize) -> Vec<TransferEvent> {
        let deadline = Instant::now() + WAIT;
        loop {
            let ended: Vec<TransferEvent> = self
                .events
                .iter()
                .filter_map(|e| match e {
                    Event::Transfer(
                        t @ (TransferEvent::Finished { .. } | TransferEvent::Failed { .. }),
                    ) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            if ended.len() >= count {
                return ended;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "transfers did not end: {:?}", self.events);
            if let Ok(event) = self
                .handle
                .events()
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                self.events.push(event);
            }
        }
    }

    /// Waits for the first event (among those kept so far, then as they
    /// come) that `pick` accepts and returns what it made of it; fails
    /// saying that `what` did not come within [`WAIT`].
    pub fn wait_for_event<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&Event) -> Option<T>,
    ) -> T {
        let deadline = Deadline::after(WAIT);
        let mut looked_at = 0;
        loop {
            if let Some(found) = self.events[looked_at..].iter().find_map(&mut pick) {
                return found;
            }
            looked_at = self.events.len();
            match self.handle.events().recv_timeout(deadline.left()) {
                Ok(event) => self.events.push(event),
                Err(_) => panic!("{what} did not come within {WAIT:?}; saw {:?}", self.events),
            }
        }
    }

    /// Collects whatever events arrived so far.
    pub fn drain(&mut self) {
        while let Ok(event) = self.handle.events().try_recv() {
            self.events.push(event);
        }
    }

    pub fn errors(&mut self) -> Vec<String> {
        self.drain();
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Error(e) => Some(e.to_string()),
                _ => None,
            })
            .collect()
    }
}

pub fn client_config(remote: SocketAddr, op: ClientOp) -> ClientConfig {
    ClientConfig {
        remote: Endpoint {
            host: remote.ip().to_string(),
            port: remote.port(),
        },
        op,
        mode: Mode::Octet,
        options: ClientOptions::default(),
        name_encoding: netassist_engine::text::Encoding::Utf8,
    }
}

/// Runs our client to the end and returns how its session stopped, with
/// its transfer events.
pub fn run_client(config: ClientConfig) -> (Option<SessionError>, Vec<TransferEvent>) {
    let handle = spawn(SessionConfig::TftpClient(config), Arc::new(|| {})).expect("spawn client");
    let deadline = Instant::now() + WAIT;
    let mut transfers = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match handle.events().recv_timeout(left) {
            Ok(Event::Stopped(e)) => return (e, transfers),
            Ok(Event::Transfer(t)) => transfers.push(t),
            Ok(_) => {}
            Err(_) => panic!("client did not stop in time: {transfers:?}"),
        }
    }
}

/// Runs a command with a bound on its time; returns (success, stdout, stderr).
pub fn run_tool(command: &mut Command, limit: Duration) -> (bool, String, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!(
                    "{command:?} did not finish in {limit:?}: {} {}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {command:?}: {e}"),
        }
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A peer server process that is killed when dropped.
pub struct PeerProcess(pub Child);

impl Drop for PeerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free UDP port on `ip` (bound and released; a race with another
/// program is possible but harmless in practice), for a server that must
/// be given its port and cannot report one it chose (Debian's in.tftpd and
/// atftpd, our server's `port_range`). Peers from `tests/peers/` bind
/// port 0 and report theirs instead.
pub fn free_udp_port(ip: &str) -> u16 {
    let socket = std::net::UdpSocket::bind((ip, 0)).expect("bind port 0");
    socket.local_addr().expect("local addr").port()
}

/// Waits until a TFTP server answers on `addr` (any answer will do: an
/// error for a file that does not exist is fine).
pub fn wait_until_serving(addr: SocketAddr) {
    let bind = if addr.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    let socket = std::net::UdpSocket::bind(bind).expect("bind");
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let probe = b"\x00\x01netassist-probe-does-not-exist\x00octet\x00";
    let deadline = Instant::now() + WAIT;
    let mut buf = [0u8; 1024];
    while Instant::now() < deadline {
        let _ = socket.send_to(probe, addr);
        if socket.recv_from(&mut buf).is_ok() {
            return;
        }
    }
    panic!("no TFTP server answered on {addr}");
}

/// in.tftpd from tftpd-hpa, in the foreground, serving `root` (uploads
/// allowed) on a free port of 127.0.0.1.
pub fn start_in_tftpd(root: &Path) -> Option<(PeerProcess, SocketAddr)> {
    if !have_tool("in.tftpd") {
        return None;
    }
    let binary = find_tool("in.tftpd")?;
    let port = free_udp_port("127.0.0.1");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let child = Command::new(binary)
        .args(["-L", "-c", "-p", "-u", "root", "-a"])
        .arg(addr.to_string())
        .arg("-s")
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start in.tftpd");
    let process = PeerProcess(child);
    wait_until_serving(addr);
    Some((process, addr))
}

/// atftpd: conflicts with tftpd-hpa as a package, so CI unpacks it with
/// `apt-get download atftpd && dpkg -x atftpd_*.deb /opt/atftpd`; the
/// binary is found on PATH, at $NETASSIST_ATFTPD, or under /opt/atftpd.
pub fn start_atftpd(root: &Path) -> Option<(PeerProcess, SocketAddr)> {
    if !have_tool("atftpd") {
        return None;
    }
    let binary = find_tool("atftpd")?;
    let port = free_udp_port("127.0.0.1");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let child = Command::new(binary)
        .args(["--daemon", "--no-fork", "--port"])
        .arg(port.to_string())
        .args([
            "--bind-address",
            "127.0.0.1",
            "--user",
            "root",
            "--group",
            "root",
        ])
        .args(["--logfile", "/dev/null"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start atftpd");
    let process = PeerProcess(child);
    wait_until_serving(addr);
    Some((process, addr))
}

//! Helpers shared by the integration tests: running the tutorial peers and
//! the real binary as child processes, reading their stdout lines with
//! bounded waits, and draining engine events with timeouts.
//!
//! These files are the engine's test executable's `common` module and,
//! included by path, the root crate's (which adds the window's helpers).
//! The helpers are public items of the test crate, so those one executable
//! does not use raise no dead-code warning, while a private helper nobody
//! uses still does.
//!
//! Three rules for every test, old and new:
//! - A peer tool the machine may lack (python3, tftp, atftp, atftpd,
//!   in.tftpd, curl, socat, Xvfb, setpriv, ip, nft, unshare) or the IPv6
//!   loopback is asked for through [`peer_tool`] / [`require_ipv6`] (or
//!   [`skip_or_fail`] for another missing prerequisite): a loud SKIPPED
//!   line naming the Debian package locally, a failure under
//!   `NETASSIST_REQUIRE_PEERS=1` (CI). The rule is in the
//!   `netassist-test-support` crate (`tests/support`), which the engine's
//!   unit tests use too; it is re-exported here.
//! - Every loop that waits has a bound ([`WAIT`], a [`Deadline`],
//!   `recv_timeout`, a socket read timeout, [`accept_within`]) and fails
//!   saying what did not come. A sleep only paces a sender or a poll with
//!   nothing to wait on, or waits out a "nothing happened" interval, and
//!   says so in a comment.
//! - A peer program that listens is started on port 0 and the test reads
//!   the port it got from its `LISTENING <port>` line
//!   ([`Process::listening_port`]); no test guesses a free port for a
//!   peer from `tests/peers/`.

pub mod secure;
pub mod tftp;

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, unbounded};
use netassist_engine::net::{self, Event, SessionConfig, SessionHandle};

/// Every wait is bounded by this: generous, because CI is a loaded 2-core
/// machine, and a wait that ends early on success costs nothing.
pub const WAIT: Duration = Duration::from_secs(30);

pub const LOCALHOST_V4: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
pub const LOCALHOST_V6: IpAddr = IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);

/// The real binary, for the root crate's tests: Cargo names it only to a
/// package that builds it, so the engine's tests (which never run it)
/// compile this without it.
fn netassist_exe() -> &'static str {
    match option_env!("CARGO_BIN_EXE_netassist") {
        Some(exe) => exe,
        None => panic!("the netassist binary is built only for the root crate's tests"),
    }
}

/// The tutorial peers the tests run, kept in the repository (see
/// `tests/peers/README.md`), so a bare clone needs nothing beside it.
pub fn peers_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|folder| folder.join("tests/peers"))
        .find(|peers| peers.is_dir())
        .expect("tests/peers beside a crate of this workspace")
}

// The one skip rule and bounded waits live in the test-support crate, so
// the engine's unit tests follow the same rule.
pub use netassist_test_support::{
    Deadline, REQUIRE_PEERS, find_peer_tool, loud_skip, peer_tool, peers_required, require_ipv6,
    skip_or_fail,
};

/// True when python3 runs, for the tutorial peers in `tests/peers/`.
pub fn python_available() -> bool {
    peer_tool("python3")
}

/// Accepts one connection on `listener` within [`WAIT`], or fails the
/// test saying that `what` did not connect. The accepted stream blocks, as
/// one from a plain `accept` does.
pub fn accept_within(listener: &TcpListener, what: &str) -> (TcpStream, SocketAddr) {
    listener
        .set_nonblocking(true)
        .expect("make the listener non-blocking");
    let deadline = Deadline::after(WAIT);
    let accepted = loop {
        match listener.accept() {
            Ok(accepted) => break accepted,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                deadline.check(|| format!("a connection from {what}"));
                // A listener gives no event to wait on here; a short pause
                // between looks keeps this from spinning a core.
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("accepting {what}: {e}"),
        }
    };
    listener
        .set_nonblocking(false)
        .expect("make the listener blocking again");
    accepted
        .0
        .set_nonblocking(false)
        .expect("make the accepted stream blocking");
    accepted
}

/// A loopback server that accepts one connection and says nothing for
/// `quiet`, then closes it: what a client's handshake timeout is tried
/// against. The handle ends when it closed.
pub fn silent_server(quiet: Duration) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    let addr = listener.local_addr().expect("its address");
    let silent = std::thread::spawn(move || {
        if let Ok((conn, _)) = listener.accept() {
            std::thread::sleep(quiet);
            drop(conn);
        }
    });
    (addr, silent)
}

/// A port that was free a moment ago, for a program that cannot report
/// the port it got (the binary under test given a fixed `--local`, Debian's
/// TFTP servers). A peer from `tests/peers/` binds port 0 instead and
/// reports it ([`Process::listening_port`]).
pub fn free_tcp_port(ip: IpAddr) -> u16 {
    let listener = TcpListener::bind((ip, 0)).expect("bind a free TCP port");
    listener
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}

pub fn free_udp_port(ip: IpAddr) -> u16 {
    let socket = UdpSocket::bind((ip, 0)).expect("bind a free UDP port");
    socket
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}

/// A child process whose stdout arrives line by line on a channel; it is
/// killed when dropped, so a failing test leaves no process behind.
pub struct Process {
    pub name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every stdout line so far, for failure messages.
    pub seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
}

impl Process {
    fn start(name: String, mut command: Command, with_stdin: bool) -> Process {
        command
            .stdin(if with_stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines) = unbounded();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if lines_tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let child_stderr = child.stderr.take().unwrap();
        let stderr_text = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(child_stderr).lines() {
                let Ok(line) = line else { return };
                let mut text = stderr_text.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let stdin = child.stdin.take();
        Process {
            name,
            child,
            stdin,
            lines,
            seen: Vec::new(),
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }

    /// Runs a tutorial peer: `python3 -u tests/peers/<script> args…`.
    pub fn peer(script: &str, args: &[&str]) -> Process {
        let mut command = Command::new("python3");
        command.arg("-u").arg(peers_dir().join(script)).args(args);
        // The peers print Chinese; make sure Python writes UTF-8 whatever
        // the locale of the CI machine.
        command.env("PYTHONIOENCODING", "utf-8");
        // No bytecode cache next to the peers in the repository.
        command.env("PYTHONDONTWRITEBYTECODE", "1");
        // Python finds `_common.py` beside the script; the working folder
        // is elsewhere so that no peer ever writes into the repository.
        command.current_dir(std::env::temp_dir());
        Process::start(format!("{script} {args:?}"), command, false)
    }

    /// Runs a peer tool (`openssl s_server …`) with a stdin pipe, in the
    /// temporary folder.
    pub fn tool(program: &str, args: &[&str]) -> Process {
        let mut command = Command::new(program);
        command.args(args).current_dir(std::env::temp_dir());
        Process::start(format!("{program} {args:?}"), command, true)
    }

    /// Runs the real binary with `--headless` and a stdin pipe that stays
    /// open until [`Process::close_stdin`].
    pub fn netassist(args: &[&str]) -> Process {
        let mut command = Command::new(netassist_exe());
        command.arg("--headless").args(args);
        Process::start(format!("netassist {args:?}"), command, true)
    }

    /// Runs the real binary with `--headless` whose settings folder (where
    /// a TLS server keeps its self-signed certificate) is `data_home`, the
    /// XDG data folder it lives in (Linux's rule), never the user's own.
    pub fn netassist_with_data_home(data_home: &std::path::Path, args: &[&str]) -> Process {
        let mut command = Command::new(netassist_exe());
        command
            .arg("--headless")
            .args(args)
            .env("XDG_DATA_HOME", data_home);
        Process::start(format!("netassist {args:?}"), command, true)
    }

    /// Runs the binary as the window (no `--headless`) with no display to
    /// open it on, and waits for it: for flags refused before it opens.
    pub fn window_without_display(args: &[&str]) -> std::process::Output {
        Command::new(netassist_exe())
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .current_dir(std::env::temp_dir())
            .output()
            .expect("the binary runs")
    }

    /// Runs the binary with no stdin at all (`/dev/null`), as CI does.
    pub fn netassist_without_stdin(args: &[&str]) -> Process {
        let mut command = Command::new(netassist_exe());
        command.arg("--headless").args(args);
        Process::start(format!("netassist {args:?}"), command, false)
    }

    pub fn write_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").expect("write to the child's stdin");
        stdin.flush().unwrap();
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Reads the `LISTENING <port>` line a peer from `tests/peers/` prints
    /// once it is bound (given port 0, the port the system chose).
    pub fn listening_port(&mut self) -> u16 {
        let line =
            self.expect_line_where("LISTENING <port>", |line| line.starts_with("LISTENING "));
        line["LISTENING ".len()..]
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{}: bad port in {line:?}: {e}", self.name))
    }

    /// Waits for the first line that contains `needle` and returns it.
    pub fn expect_line(&mut self, needle: &str) -> String {
        self.expect_line_where(needle, |line| line.contains(needle))
    }

    pub fn expect_line_where(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "{}: no line with {what:?} within {WAIT:?}; saw {:#?}; stderr: {}",
                        self.name,
                        self.seen,
                        self.stderr()
                    );
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().ok();
                    panic!(
                        "{}: ended ({status:?}) without a line with {what:?}; saw {:#?}; stderr: {}",
                        self.name,
                        self.seen,
                        self.stderr()
                    );
                }
            }
        }
    }

    /// Waits for the process to end (stdout closed, then the exit status)
    /// and returns its status; every line it printed is in `seen`.
    pub fn finish(&mut self) -> ExitStatus {
        self.close_stdin();
        self.finish_with_stdin_open()
    }

    /// Like [`Process::finish`], for a process that must end by itself.
    pub fn finish_with_stdin_open(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "{}: still running after {WAIT:?}; saw {:#?}",
                        self.name, self.seen
                    );
                }
            }
        }
        let status = self.child.wait().expect("wait for the child");
        // The process has ended, so its stderr pipe is closed and the
        // reader thread ends at once.
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        status
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The lines seen so far that contain `needle`.
    pub fn seen_with(&self, needle: &str) -> Vec<String> {
        self.seen
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Extracts the address from a `[time] LISTENING addr` line.
pub fn listening_addr(line: &str) -> SocketAddr {
    let addr = line
        .split("LISTENING ")
        .nth(1)
        .unwrap_or_else(|| panic!("not a LISTENING line: {line}"));
    addr.trim()
        .parse()
        .unwrap_or_else(|e| panic!("bad address in {line}: {e}"))
}

/// An engine session with a bounded way to wait for its events.
pub struct Session {
    pub handle: SessionHandle,
    pub seen: Vec<String>,
}

impl Session {
    pub fn open(config: SessionConfig) -> Session {
        let handle = net::spawn(config, Arc::new(|| {})).expect("spawn a session");
        Session {
            handle,
            seen: Vec::new(),
        }
    }

    /// Returns the first event for which `pick` gives a value. Errors and
    /// an early stop fail the test at once, with what was seen.
    pub fn wait_for<T>(&mut self, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match self.handle.events().recv_timeout(left) {
                Ok(event) => event,
                Err(_) => panic!("no {what} within {WAIT:?}; saw {:#?}", self.seen),
            };
            if let Some(found) = pick(&event) {
                self.seen.push(format!("{event:?}"));
                return found;
            }
            match &event {
                Event::Error(e) => panic!(
                    "session error while waiting for {what}: {e}; saw {:#?}",
                    self.seen
                ),
                Event::Stopped(e) => panic!(
                    "session stopped ({e:?}) while waiting for {what}; saw {:#?}",
                    self.seen
                ),
                _ => self.seen.push(format!("{event:?}")),
            }
        }
    }

    pub fn opened(&mut self) -> SocketAddr {
        self.wait_for("Opened", |event| match event {
            Event::Opened { local } => Some(*local),
            _ => None,
        })
    }

    pub fn connected(&mut self) -> SocketAddr {
        self.wait_for("Connected", |event| match event {
            Event::Connected { peer, .. } => Some(*peer),
            _ => None,
        })
    }

    pub fn send(&self, to: net::Target, bytes: impl Into<Vec<u8>>) {
        self.handle.send(net::Command::Send {
            to,
            bytes: bytes.into(),
        });
    }

    /// Collects received bytes (TCP may split or merge messages) until the
    /// text decoded with `decode` contains `needle`; returns the sender of
    /// the bytes that completed it and the text so far from that sender.
    pub fn receive_text(
        &mut self,
        needle: &str,
        decode: fn(&[u8]) -> String,
    ) -> (SocketAddr, String) {
        let mut by_peer: Vec<(SocketAddr, Vec<u8>)> = Vec::new();
        self.wait_for(&format!("received text {needle:?}"), |event| {
            let Event::Received(chunks) = event else {
                return None;
            };
            for chunk in chunks {
                let slot = match by_peer.iter().position(|(peer, _)| *peer == chunk.peer) {
                    Some(i) => i,
                    None => {
                        by_peer.push((chunk.peer, Vec::new()));
                        by_peer.len() - 1
                    }
                };
                by_peer[slot].1.extend_from_slice(chunk.bytes);
                let text = decode(&by_peer[slot].1);
                if text.contains(needle) {
                    return Some((chunk.peer, text));
                }
            }
            None
        })
    }

    /// Asks the session to close and waits for its last event.
    pub fn close(mut self) {
        self.handle.send(net::Command::Close);
        self.wait_for("Stopped", |event| match event {
            Event::Stopped(None) => Some(()),
            Event::Stopped(Some(e)) => panic!("stopped with an error: {e}"),
            _ => None,
        });
    }
}

pub fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn gbk(bytes: &[u8]) -> String {
    netassist_engine::text::Encoding::Gbk
        .decode(bytes)
        .into_owned()
}

// ----- Leak checks: descriptors and threads back at their baseline. -----

/// Open file descriptors of this process (Linux); `None` elsewhere.
pub fn fd_count() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

/// Threads of this process, less the harness's threads running the tests
/// named in `tests` (a thread's name is its test's first 15 bytes), which
/// come and go while a test waits its turn.
pub fn thread_count(tests: &[&str]) -> Option<usize> {
    let mut count = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let comm = std::fs::read_to_string(task.ok()?.path().join("comm")).unwrap_or_default();
        let comm = comm.trim_end();
        if comm.is_empty() || !tests.iter().any(|test| test.starts_with(comm)) {
            count += 1;
        }
    }
    Some(count)
}

/// Descriptors and threads now, to compare with later.
pub fn resource_baseline(tests: &[&str]) -> (Option<usize>, Option<usize>) {
    (fd_count(), thread_count(tests))
}

/// Waits (bounded) until the counts are back at (or under) `baseline`, and
/// fails with what they are if they do not. At most the baseline: a thread
/// of an earlier test that was still ending when it was taken may be gone.
pub fn expect_back_to(baseline: (Option<usize>, Option<usize>), what: &str, tests: &[&str]) {
    let (Some(fds), Some(threads)) = baseline else {
        loud_skip("no /proc/self: file descriptor and thread counts not checked");
        return;
    };
    let deadline = Instant::now() + WAIT;
    loop {
        let now = (fd_count().unwrap_or(0), thread_count(tests).unwrap_or(0));
        if now.0 <= fds && now.1 <= threads {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: fds {} (baseline {fds}), threads {} (baseline {threads})",
            now.0,
            now.1
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ----- Engine sessions driven directly (auto-reply, multicast, file send). -----

/// Long enough for a loaded CI machine, short enough to fail fast.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub fn open(config: SessionConfig) -> SessionHandle {
    net::spawn(config, Arc::new(|| {})).expect("the session starts")
}

/// Waits for the first event `pick` accepts, and returns what it made of it.
/// Panics with the events seen meanwhile if none comes within `PATIENCE`.
pub fn wait_for<T>(session: &SessionHandle, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match session.events().recv_timeout(left) {
            Ok(event) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
                seen.push(format!("{event:?}"));
            }
            Err(_) => {
                panic!("the expected event did not come within {PATIENCE:?}; seen: {seen:#?}")
            }
        }
    }
}

/// The local address from `Opened` (UDP, TCP server).
pub fn opened(session: &SessionHandle) -> std::net::SocketAddr {
    wait_for(session, |event| match event {
        Event::Opened { local } => Some(*local),
        Event::Stopped(error) => panic!("the session stopped: {error:?}"),
        _ => None,
    })
}

/// The text of the next error event.
pub fn next_error(session: &SessionHandle) -> String {
    wait_for(session, |event| match event {
        Event::Error(error) => Some(error.to_string()),
        _ => None,
    })
}

/// Every event that arrives within `window`, for asserting that something
/// did not happen.
pub fn drain_for(session: &SessionHandle, window: Duration) -> Vec<Event> {
    let deadline = Instant::now() + window;
    let mut events = Vec::new();
    while let Ok(event) = session
        .events()
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        events.push(event);
    }
    events
}

/// Bytes that look random and are the same every run, so a reordered or
/// lost piece of a file shows.
/// Waits until the file at `path` holds at least `len` bytes (a receive
/// file shows how much a session or the program has read) and returns its
/// length then.
pub fn wait_for_file_len(path: &std::path::Path, len: u64) -> u64 {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = std::fs::metadata(path).map_or(0, |m| m.len());
        if now >= len {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "{} held {now} of {len} bytes within {WAIT:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub fn pattern_bytes(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_F491;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

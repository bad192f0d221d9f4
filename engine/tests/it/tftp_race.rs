//! The served folder holds against a local user who swaps names inside it
//! while requests arrive (issue 11, findings 1 and 2): a folder swapped
//! with a link that leads outside (`renameat2(RENAME_EXCHANGE)` in a loop,
//! as the attack did), and a file swapped with a FIFO. Thousands of RRQs
//! and WRQs run during the swaps, with `openat2` and again with the
//! component walk forced: nothing outside is read, created or changed, no
//! temporary file is left, and every request is answered. Linux only
//! (renameat2); all on 127.0.0.0/8.
#![cfg(target_os = "linux")]

use crate::common;

use std::collections::BTreeMap;
use std::ffi::CString;
use std::net::{SocketAddr, UdpSocket};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use common::tftp::*;
use netassist_engine::tftp::wire::Packet;

/// The component walk is forced process-wide, so these tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

const SECRET: &[u8] = b"TOP-SECRET-BYTES-OUTSIDE-THE-ROOT";
const PUBLIC: &[u8] = b"public";
/// Requests of each kind per run. With the check and the open as two
/// steps, the first secret leaked after 6,000 to 10,000 reads here.
const READS: usize = 20_000;
const WRITES: usize = 5_000;
const FIFO_READS: usize = 1_000;
/// Source addresses the requests come from in turn (127.0.0.2 and up),
/// so that the per-address limits of the server (50 requests a second
/// with a burst of 100) do not refuse a test that asks thousands of
/// times.
const SOURCES: u8 = 200;

fn c_path(path: &Path) -> CString {
    CString::new(path.as_os_str().as_bytes()).expect("no NUL in a temp path")
}

/// Exchanges two names atomically, as the attacker did.
fn exchange(a: &CString, b: &CString) -> std::io::Result<()> {
    // SAFETY: both are valid NUL-terminated paths; renameat2 only renames.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if ret == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// A thread that exchanges two names as fast as it can until stopped.
struct Swapper {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<u64>,
}

impl Swapper {
    /// `None` after a loud skip when this file system cannot exchange.
    fn start(a: &Path, b: &Path) -> Option<Swapper> {
        let (a, b) = (c_path(a), c_path(b));
        if let Err(e) = exchange(&a, &b).and_then(|()| exchange(&a, &b)) {
            skip(&format!(
                "renameat2(RENAME_EXCHANGE) does not work here: {e}"
            ));
            return None;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut swaps = 0u64;
            while let Err(mpsc::TryRecvError::Empty) = stopped.try_recv() {
                exchange(&a, &b).expect("exchange");
                swaps += 1;
            }
            // An even count leaves the names as they were.
            if swaps % 2 == 1 {
                exchange(&a, &b).expect("exchange");
                swaps += 1;
            }
            swaps
        });
        Some(Swapper { stop, thread })
    }

    fn stop(self) -> u64 {
        let _ = self.stop.send(());
        self.thread.join().expect("the swapper")
    }
}

/// `outer/root` is served; `root/sub` is a folder and `root/sub_sym` a
/// link to `../outside`, which holds the secret under the names asked for.
struct Jail {
    outer: tempfile::TempDir,
}

impl Jail {
    fn new() -> Jail {
        let outer = tempfile::tempdir().expect("temp dir");
        let root = outer.path().join("root");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::create_dir(outer.path().join("outside")).expect("mkdir");
        std::fs::write(root.join("sub/race.txt"), PUBLIC).expect("write");
        for name in ["race.txt", "victim.txt"] {
            std::fs::write(outer.path().join("outside").join(name), SECRET).expect("write");
        }
        std::os::unix::fs::symlink("../outside", root.join("sub_sym")).expect("symlink");
        Jail { outer }
    }

    fn root(&self) -> PathBuf {
        self.outer.path().join("root")
    }

    /// Every entry outside the root, with its bytes and modification time.
    fn outside(&self) -> BTreeMap<PathBuf, (Vec<u8>, Option<std::time::SystemTime>)> {
        let mut seen = BTreeMap::new();
        let mut stack = vec![self.outer.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("list") {
                let path = entry.expect("entry").path();
                if path == self.root() {
                    continue;
                }
                let meta = std::fs::symlink_metadata(&path).expect("metadata");
                if meta.is_dir() {
                    stack.push(path.clone());
                }
                let bytes = if meta.is_file() {
                    std::fs::read(&path).expect("read")
                } else {
                    Vec::new()
                };
                seen.insert(path, (bytes, meta.modified().ok()));
            }
        }
        seen
    }

    /// Temporary files anywhere under `outer`, links not followed.
    fn temp_files(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![self.outer.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("list") {
                let entry = entry.expect("entry");
                let kind = entry.file_type().expect("type");
                if kind.is_dir() {
                    stack.push(entry.path());
                } else if entry
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".netassist-part")
                {
                    found.push(entry.path());
                }
            }
        }
        found
    }
}

/// Starts our server on `root`, uploads and overwrites allowed (the worst
/// case), with the component walk forced or not.
fn server(root: &Path, walk: bool) -> Server {
    let mut config = server_config(root, "127.0.0.1:0");
    config.allow_write = true;
    config.allow_overwrite = true;
    // Finished uploads linger a moment to answer a lost final ACK; they
    // must not fill the table during thousands of quick uploads.
    config.max_transfers = 4_096;
    netassist_engine::tftp::force_component_walk(walk);
    let server = start_server(config);
    netassist_engine::tftp::force_component_walk(false);
    server
}

/// Should the server ever block opening a FIFO (the bug these tests
/// pin), a writer opening the FIFO releases it, so that a failing test
/// ends instead of waiting forever for the server to stop.
struct FifoRelease(Vec<PathBuf>);

impl Drop for FifoRelease {
    fn drop(&mut self) {
        for path in &self.0 {
            let path = c_path(path);
            // SAFETY: a valid NUL-terminated path; the descriptor, if
            // any, is closed at once.
            let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_NONBLOCK) };
            if fd >= 0 {
                // SAFETY: `fd` was just opened and is not used again.
                unsafe { libc::close(fd) };
            }
        }
    }
}

/// One socket per source address, used in turn.
struct Clients {
    sockets: Vec<UdpSocket>,
    next: usize,
    buf: Vec<u8>,
}

impl Clients {
    fn new() -> Clients {
        let sockets = (2..2 + SOURCES)
            .map(|last| {
                let socket = UdpSocket::bind((std::net::Ipv4Addr::new(127, 0, 0, last), 0))
                    .expect("bind a 127.0.0.0/8 address");
                socket
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .expect("timeout");
                socket
            })
            .collect();
        Clients {
            sockets,
            next: 0,
            buf: vec![0u8; 65_536],
        }
    }

    fn socket(&mut self) -> usize {
        self.next = (self.next + 1) % self.sockets.len();
        self.next
    }

    /// Sends `packet` and returns the answer, sending again on silence;
    /// panics when the server stops answering.
    fn ask(&mut self, index: usize, packet: &[u8], to: SocketAddr) -> (Vec<u8>, SocketAddr) {
        let socket = &self.sockets[index];
        for _ in 0..3 {
            socket.send_to(packet, to).expect("send");
            if let Ok((n, from)) = socket.recv_from(&mut self.buf) {
                return (self.buf[..n].to_vec(), from);
            }
        }
        panic!("the server stopped answering");
    }
}

fn request(opcode: u8, name: &str) -> Vec<u8> {
    let mut bytes = vec![0, opcode];
    bytes.extend_from_slice(name.as_bytes());
    // A negotiated option shortens the time a finished upload lingers.
    bytes.extend_from_slice(b"\0octet\0blksize\x00512\0");
    bytes
}

/// How the requests of a run ended.
#[derive(Debug, Default)]
struct Tally {
    served: usize,
    refused: usize,
    swaps: u64,
    /// How many refusals of each wording.
    reasons: BTreeMap<String, usize>,
}

impl Tally {
    fn refused(&mut self, answer: &[u8]) {
        self.refused += 1;
        let reason = match Packet::parse(answer) {
            Ok(Packet::Error { message, .. }) => message.to_owned(),
            other => format!("{other:?}"),
        };
        *self.reasons.entry(reason).or_default() += 1;
    }
}

fn reads_during_swaps(
    jail: &Jail,
    walk: bool,
    name: &str,
    count: usize,
    swap: (&Path, &Path),
) -> Option<Tally> {
    let mut server = server(&jail.root(), walk);
    let _release = FifoRelease(vec![swap.0.to_path_buf(), swap.1.to_path_buf()]);
    let swapper = Swapper::start(swap.0, swap.1)?;
    let mut clients = Clients::new();
    let mut tally = Tally::default();
    for i in 0..count {
        let index = clients.socket();
        let (answer, from) = clients.ask(index, &request(1, name), server.local);
        match Packet::parse(&answer) {
            Ok(Packet::Oack { .. }) => {
                let (data, _) = clients.ask(index, &[0, 4, 0, 0], from);
                match Packet::parse(&data) {
                    Ok(Packet::Data { block: 1, data }) => {
                        assert!(
                            !data.windows(SECRET.len()).any(|w| w == SECRET),
                            "request {i}: a file outside the root was read"
                        );
                        assert_eq!(data, PUBLIC, "request {i}");
                        let _ = clients.sockets[index].send_to(&[0, 4, 0, 1], from);
                        tally.served += 1;
                    }
                    other => panic!("request {i}: {other:?}"),
                }
            }
            Ok(Packet::Error { .. }) => tally.refused(&answer),
            other => panic!("request {i}: unexpected {other:?}"),
        }
        // Events are read as they come, as a front end would.
        server.drain();
    }
    tally.swaps = swapper.stop();
    // Still serving once the swaps are over.
    let index = clients.socket();
    let (answer, _) = clients.ask(index, &request(1, name), server.local);
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Oack { .. })),
        "{answer:?}"
    );
    server.drain();
    Some(tally)
}

fn downloads_during_a_folder_swap(walk: bool) {
    let _serial = serial();
    let jail = Jail::new();
    let before = jail.outside();
    let root = jail.root();
    let Some(tally) = reads_during_swaps(
        &jail,
        walk,
        "sub/race.txt",
        READS,
        (&root.join("sub"), &root.join("sub_sym")),
    ) else {
        return;
    };
    eprintln!("downloads (walk: {walk}): {tally:?}");
    assert_eq!(tally.served + tally.refused, READS);
    // Both states of the swap were met: the race ran.
    assert!(tally.served > 0 && tally.refused > 0, "{tally:?}");
    assert_eq!(jail.outside(), before, "something outside changed");
}

fn uploads_during_a_folder_swap(walk: bool) {
    let _serial = serial();
    let jail = Jail::new();
    let before = jail.outside();
    let root = jail.root();
    let mut server = server(&root, walk);
    let Some(swapper) = Swapper::start(&root.join("sub"), &root.join("sub_sym")) else {
        return;
    };
    let mut clients = Clients::new();
    let mut tally = Tally::default();
    for i in 0..WRITES {
        let index = clients.socket();
        let (answer, from) = clients.ask(index, &request(2, "sub/victim.txt"), server.local);
        match Packet::parse(&answer) {
            Ok(Packet::Oack { .. }) => {
                let mut data = vec![0, 3, 0, 1];
                data.extend_from_slice(format!("upload {i}").as_bytes());
                let (answer, _) = clients.ask(index, &data, from);
                match Packet::parse(&answer) {
                    Ok(Packet::Ack { block: 1 }) => tally.served += 1,
                    Ok(Packet::Error { .. }) => tally.refused(&answer),
                    other => panic!("upload {i}: {other:?}"),
                }
            }
            Ok(Packet::Error { .. }) => tally.refused(&answer),
            other => panic!("upload {i}: unexpected {other:?}"),
        }
        // Events are read as they come, as a front end would.
        server.drain();
    }
    tally.swaps = swapper.stop();
    eprintln!("uploads (walk: {walk}): {tally:?}");
    assert_eq!(tally.served + tally.refused, WRITES);
    assert!(tally.served > 0 && tally.refused > 0, "{tally:?}");
    // Every stored upload is inside, in the real folder.
    let stored = std::fs::read_to_string(root.join("sub/victim.txt")).expect("stored inside");
    assert!(stored.starts_with("upload "), "{stored}");
    assert_eq!(
        jail.outside(),
        before,
        "something outside was created or changed"
    );
    // A refused or failed upload's temporary file goes when its transfer
    // has ended; the server ends every one within its timeouts.
    let deadline = std::time::Instant::now() + WAIT;
    while !jail.temp_files().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "left: {:?}",
            jail.temp_files()
        );
        server.drain();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn downloads_during_a_fifo_swap(walk: bool) {
    let _serial = serial();
    let jail = Jail::new();
    let root = jail.root();
    std::fs::write(root.join("plain.txt"), PUBLIC).expect("write");
    let fifo = c_path(&root.join("fifo"));
    // SAFETY: `fifo` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let Some(tally) = reads_during_swaps(
        &jail,
        walk,
        "plain.txt",
        FIFO_READS,
        (&root.join("plain.txt"), &root.join("fifo")),
    ) else {
        return;
    };
    eprintln!("FIFO swap (walk: {walk}): {tally:?}");
    assert_eq!(tally.served + tally.refused, FIFO_READS);
    assert!(tally.served > 0 && tally.refused > 0, "{tally:?}");
}

#[test]
fn downloads_during_a_folder_swap_never_read_outside() {
    downloads_during_a_folder_swap(false);
}

#[test]
fn downloads_during_a_folder_swap_never_read_outside_with_the_component_walk() {
    downloads_during_a_folder_swap(true);
}

#[test]
fn uploads_during_a_folder_swap_never_write_outside() {
    uploads_during_a_folder_swap(false);
}

#[test]
fn uploads_during_a_folder_swap_never_write_outside_with_the_component_walk() {
    uploads_during_a_folder_swap(true);
}

#[test]
fn a_fifo_swapped_in_does_not_hang_the_server() {
    downloads_during_a_fifo_swap(false);
}

#[test]
fn a_fifo_swapped_in_does_not_hang_the_server_with_the_component_walk() {
    downloads_during_a_fifo_swap(true);
}

//! A TFTP server is an open door on a LAN: here it meets a storm of broken
//! datagrams, a table of hostile file names, a SIGKILL in the middle of an
//! upload, and a flood of requests from one address. It keeps serving,
//! reads and writes nothing outside its folder, names no server path in an
//! error, never leaves a partial file under a final name, and answers a
//! flood with little. All on 127.0.0.1.
//!
//! (tests/tftp_paths.rs and tests/tftp_server.rs have the first path and
//! cap cases; these extend them.)

#[path = "it/common/mod.rs"]
pub mod common;

use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::{Process, WAIT, listening_addr};
use netassist::net::{self, Command, Endpoint, Event, SessionConfig, SessionHandle};
use netassist::tftp::wire::{ErrorCode, Packet};
use netassist::tftp::{ClientConfig, ClientOp, ClientOptions, Mode, ServerConfig, TransferEvent};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

const TESTS: [&str; 5] = [
    "a_storm_of_100000_malformed_datagrams_changes_nothing",
    "hostile_names_read_and_write_nothing_outside_the_folder",
    "sigkill_mid_upload_leaves_no_partial_file_and_keeps_the_old_one",
    "a_request_flood_from_one_address_gets_few_answers",
    "uploads_refuse_to_overwrite_by_default_through_the_binary",
];

/// Bytes that look random and are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

struct Server {
    handle: SessionHandle,
    local: SocketAddr,
    events: Vec<Event>,
}

fn config(root: &Path) -> ServerConfig {
    ServerConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        root: root.to_path_buf(),
        allow_write: true,
        allow_overwrite: false,
        max_transfers: 16,
        max_transfers_per_address: netassist::tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
        port_range: None,
        first_answer_timeout: netassist::tftp::FIRST_ANSWER_TIMEOUT,
        name_encoding: netassist::text::Encoding::Utf8,
    }
}

impl Server {
    fn start(config: ServerConfig) -> Server {
        let handle =
            net::spawn(SessionConfig::TftpServer(config), Arc::new(|| {})).expect("spawn server");
        let local = common::opened(&handle);
        Server {
            handle,
            local,
            events: Vec::new(),
        }
    }

    fn drain(&mut self) {
        while let Ok(event) = self.handle.events().try_recv() {
            if let Event::Stopped(e) = &event {
                panic!("the server stopped: {e:?}");
            }
            self.events.push(event);
        }
    }

    /// Transfers that started and have not ended.
    fn running(&mut self) -> Vec<u64> {
        self.drain();
        let mut open = BTreeMap::new();
        for event in &self.events {
            match event {
                Event::Transfer(TransferEvent::Started { id, .. }) => {
                    open.insert(*id, ());
                }
                Event::Transfer(
                    TransferEvent::Finished { id, .. } | TransferEvent::Failed { id, .. },
                ) => {
                    open.remove(id);
                }
                _ => {}
            }
        }
        open.into_keys().collect()
    }

    /// Cancels what is still running and waits until it ended.
    fn cancel_all(&mut self) {
        for id in self.running() {
            self.handle.send(Command::CancelTransfer(id));
        }
        let deadline = Instant::now() + WAIT;
        while !self.running().is_empty() {
            match self
                .handle
                .events()
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(Event::Stopped(e)) => panic!("the server stopped: {e:?}"),
                Ok(event) => self.events.push(event),
                Err(_) => panic!("transfers did not end: {:?}", self.running()),
            }
        }
    }

    fn close(self) {
        self.handle.send(Command::Close);
        common::wait_for(&self.handle, |event| match event {
            Event::Stopped(None) => Some(()),
            Event::Stopped(Some(e)) => panic!("stopped with {e}"),
            _ => None,
        });
    }
}

/// Downloads `name` with our own client into `dir`; returns the bytes.
fn download(server: SocketAddr, name: &str, dir: &Path) -> Vec<u8> {
    let config = ClientConfig {
        remote: Endpoint::from(server),
        op: ClientOp::Get {
            remote_name: name.to_owned(),
            local_dir: dir.to_path_buf(),
        },
        mode: Mode::Octet,
        options: ClientOptions::default(),
        name_encoding: netassist::text::Encoding::Utf8,
    };
    let client = net::spawn(SessionConfig::TftpClient(config), Arc::new(|| {})).expect("client");
    let outcome = common::wait_for(&client, |event| match event {
        Event::Stopped(e) => Some(e.clone()),
        _ => None,
    });
    assert_eq!(outcome, None, "the download failed");
    std::fs::read(dir.join(name)).expect("the downloaded file")
}

fn request(opcode: u8, name: &[u8], mode: &[u8], options: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut bytes = vec![0, opcode];
    bytes.extend_from_slice(name);
    bytes.push(0);
    bytes.extend_from_slice(mode);
    bytes.push(0);
    for (name, value) in options {
        bytes.extend_from_slice(name);
        bytes.push(0);
        bytes.extend_from_slice(value);
        bytes.push(0);
    }
    bytes
}

fn rrq(name: &str) -> Vec<u8> {
    request(1, name.as_bytes(), b"octet", &[])
}

fn wrq(name: &str) -> Vec<u8> {
    request(2, name.as_bytes(), b"octet", &[])
}

/// One malformed or hostile datagram for the listening port.
fn storm_datagram(rng: &mut Rng) -> Vec<u8> {
    match rng.below(12) {
        // Noise of any length.
        0 => {
            let len = rng.below(700) as usize;
            rng.bytes(len)
        }
        // Truncated: 0 to 3 bytes.
        1 => {
            let len = rng.below(4) as usize;
            rrq("file.bin")[..len].to_vec()
        }
        // Wrong opcodes.
        2 => {
            let opcode = [0u16, 7, 8, 255, 256, 0xFFFF][rng.below(6) as usize];
            let mut bytes = opcode.to_be_bytes().to_vec();
            let len = rng.below(64) as usize;
            bytes.extend(rng.bytes(len));
            bytes
        }
        // Missing NULs: no end to the name, or to the mode.
        3 => b"\x00\x01file.bin".to_vec(),
        4 => b"\x00\x02upload.bin\x00octet".to_vec(),
        // Huge option lists (far more than any server reads).
        5 => {
            let count = 500 + rng.below(2000) as usize;
            let pairs: Vec<(Vec<u8>, Vec<u8>)> = (0..count)
                .map(|i| (format!("opt{i}").into_bytes(), b"1".to_vec()))
                .collect();
            let borrowed: Vec<(&[u8], &[u8])> = pairs
                .iter()
                .map(|(n, v)| (n.as_slice(), v.as_slice()))
                .collect();
            let mut bytes = request(1, b"file.bin", b"octet", &borrowed);
            bytes.truncate(65_000);
            bytes
        }
        // Options with absurd values, repeated options, odd modes.
        6 => request(
            1,
            b"file.bin",
            [&b"octet"[..], b"NETASCII", b"mail", b"", b"\xff\xfe"][rng.below(5) as usize],
            &[
                (b"blksize", b"0"),
                (b"blksize", b"99999999999999999999999"),
                (b"windowsize", b"-1"),
                (b"tsize", b"lots"),
                (b"timeout", b"0"),
            ],
        ),
        // Names that are not text.
        7 => request(1, b"\xff\xfe\xfd", b"octet", &[]),
        // Packets that belong to a transfer, sent to the listening port.
        8 => vec![0, 3, 0, 1, b'x'],
        9 => vec![0, 4, 0xEA, 0x60],
        10 => vec![0, 5, 0, 1, b'b', b'o', b'o', 0],
        // Once in a while a real request: transfers start and must end.
        _ => {
            if rng.below(2) == 0 {
                rrq("file.bin")
            } else {
                wrq(&format!("storm-{}.bin", rng.below(1000)))
            }
        }
    }
}

/// What the storm threw and what came back.
#[derive(Debug, Default)]
struct StormReport {
    thrown: usize,
    to_transfers: usize,
    answers: usize,
    transfer_ports: usize,
}

/// The packet storm: datagrams from another thread at the listening port
/// and at transfer ports (ACKs for blocks never sent, DATA to a download,
/// ERRORs mid-transfer, and the same malformed datagrams as at the
/// listening port). The per-address rate cap drops most of what goes to
/// the listening port from one address; datagrams to a transfer port are
/// all read, so once the storm knows transfer ports, half go there.
fn storm(server: SocketAddr, total: usize) -> StormReport {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_nonblocking(true).unwrap();
    let mut report = StormReport::default();
    let mut buf = vec![0u8; 65_536];
    // Transfer ports learned from the answers to the storm's requests.
    let mut transfer_ports: Vec<SocketAddr> = Vec::new();
    let mut seen_ports = std::collections::HashSet::new();
    while report.thrown < total {
        let to_transfer = !transfer_ports.is_empty() && rng.below(2) == 0;
        let (datagram, to) = if to_transfer {
            report.to_transfers += 1;
            let port = transfer_ports[rng.below(transfer_ports.len() as u64) as usize];
            let datagram = match rng.below(10) {
                0 => vec![0, 4, 0xEA, 0x60],                // ACK 60000: never sent
                1 => vec![0, 4, 0xFF, 0xFF],                // ACK 65535
                2 => vec![0, 4, 0, 0],                      // ACK 0 again
                3 => vec![0, 4, 0, 2],                      // an ACK ahead of the data
                4 => vec![0, 3, 0, 9, 1, 2, 3],             // DATA to a download
                5 => vec![0, 5, 0, 0, b'b', b'y', b'e', 0], // ERROR mid-transfer
                6 => vec![0, 6, b'b', b'l', b'k', b's', b'i', b'z', b'e', 0, b'9', 0], // OACK
                _ => storm_datagram(&mut rng),
            };
            (datagram, port)
        } else {
            (storm_datagram(&mut rng), server)
        };
        // A full send buffer or a port that closed (ICMP) is thrown all
        // the same: the datagram is lost, as on a real network.
        if socket.send_to(&datagram, to).is_err() {
            std::thread::yield_now();
        }
        report.thrown += 1;
        // Read what came back, to learn transfer ports.
        while let Ok((_, from)) = socket.recv_from(&mut buf) {
            report.answers += 1;
            if from != server && !transfer_ports.contains(&from) {
                seen_ports.insert(from);
                transfer_ports.push(from);
                if transfer_ports.len() > 64 {
                    transfer_ports.remove(0);
                }
            }
        }
    }
    report.transfer_ports = seen_ports.len();
    report
}

#[test]
fn a_storm_of_100000_malformed_datagrams_changes_nothing() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let content = common::pattern_bytes(100_000);
    std::fs::write(root.join("file.bin"), &content).unwrap();
    let before_server = baseline();
    let mut server = Server::start(config(&root));
    let with_server = baseline();

    let target = server.local;
    let stormer = std::thread::spawn(move || storm(target, 100_000));
    // Keep the event channel drained while the storm rages.
    let deadline = common::Deadline::after(Duration::from_secs(300));
    while !stormer.is_finished() {
        deadline.check(|| "the end of the storm");
        server.drain();
        // Paces the draining; the storm's end is what is waited for.
        std::thread::sleep(Duration::from_millis(20));
    }
    let report = stormer.join().expect("the storm thread");
    assert_eq!(report.thrown, 100_000);
    server.drain();
    eprintln!(
        "storm: {report:?}; the server reported {} events",
        server.events.len()
    );
    assert!(report.transfer_ports > 0, "the storm reached no transfer");

    // A normal download still succeeds (the flood's address may first have
    // to wait for the per-address rate cap; the client retries).
    let out = tempfile::tempdir().unwrap();
    assert_eq!(download(server.local, "file.bin", out.path()), content);

    // Storm transfers are cancelled (or ended by themselves); no upload
    // left a file, finished or not.
    server.cancel_all();
    let leftovers: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "file.bin" && !name.starts_with("storm-"))
        .collect();
    assert!(leftovers.is_empty(), "left in the folder: {leftovers:?}");
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("storm-") {
            // An upload the storm finished (a short first DATA ends it):
            // whole files only, never a temp file.
            assert!(!name.ends_with(".netassist-part"), "{name}");
        }
    }
    assert_eq!(std::fs::read(root.join("file.bin")).unwrap(), content);
    expect_back_to(with_server, "after the storm, server still open");
    server.close();
    expect_back_to(before_server, "after the storm, server closed");
}

// ----- path safety -----

const SECRET: &[u8] = b"TOP-SECRET-BYTES-OUTSIDE-THE-ROOT";

struct Jail {
    outer: tempfile::TempDir,
    root: PathBuf,
}

impl Jail {
    fn new() -> Jail {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(outer.path().join("secret.txt"), SECRET).unwrap();
        std::fs::create_dir(outer.path().join("outside-dir")).unwrap();
        std::fs::write(outer.path().join("outside-dir/secret.txt"), SECRET).unwrap();
        std::fs::write(root.join("file.bin"), b"public").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("link-out.txt"))
            .unwrap();
        std::os::unix::fs::symlink(outer.path().join("outside-dir"), root.join("dir-out")).unwrap();
        std::os::unix::fs::symlink("../secret.txt", root.join("rel-link.txt")).unwrap();
        // A dangling link to a file that an upload could create outside.
        std::os::unix::fs::symlink(outer.path().join("planted.txt"), root.join("dangling.txt"))
            .unwrap();
        // A hard link: the same bytes as the secret, under a name inside.
        std::fs::hard_link(outer.path().join("secret.txt"), root.join("hard.txt")).unwrap();
        Jail { outer, root }
    }

    /// Every file outside the root, with its bytes and modification time.
    fn outside(&self) -> BTreeMap<PathBuf, (Vec<u8>, Option<std::time::SystemTime>)> {
        let mut seen = BTreeMap::new();
        let mut stack = vec![self.outer.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path == self.root {
                    continue;
                }
                let meta = std::fs::symlink_metadata(&path).unwrap();
                if meta.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    seen.insert(path, (bytes, meta.modified().ok()));
                }
            }
        }
        seen
    }

    /// Paths that must never appear in what the server says.
    fn hidden(&self) -> Vec<String> {
        let mut hidden = vec![
            self.outer.path().to_string_lossy().into_owned(),
            self.root.to_string_lossy().into_owned(),
        ];
        if let Ok(canonical) = self.outer.path().canonicalize() {
            hidden.push(canonical.to_string_lossy().into_owned());
        }
        hidden
    }
}

/// Sends one request and returns every datagram that answers within a
/// short quiet time (with where it came from).
fn exchange(server: SocketAddr, request: &[u8]) -> (UdpSocket, Vec<(Vec<u8>, SocketAddr)>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket.send_to(request, server).unwrap();
    let mut answers = Vec::new();
    let mut buf = vec![0u8; 65_536];
    if let Ok((n, from)) = socket.recv_from(&mut buf) {
        answers.push((buf[..n].to_vec(), from));
    }
    (socket, answers)
}

#[test]
fn hostile_names_read_and_write_nothing_outside_the_folder() {
    let _serial = serial();
    let jail = Jail::new();
    let outer = jail.outer.path().to_string_lossy().into_owned();
    let before = jail.outside();
    let passwd_before = std::fs::read("/etc/passwd").ok();
    let mut server = Server::start(config(&jail.root));

    let long_name = "a".repeat(10_000);
    let long_climb = "../".repeat(3_333);
    let names: Vec<Vec<u8>> = [
        "..",
        "../secret.txt",
        "../../etc/passwd",
        "../../../../../../../../etc/passwd",
        "/etc/passwd",
        &format!("{outer}/secret.txt"),
        &format!("{outer}/root/file.bin"),
        "//etc/passwd",
        "C:\\",
        "C:\\Windows\\win.ini",
        "c:secret.txt",
        "..\\secret.txt",
        "..\\..\\etc\\passwd",
        "\\\\server\\share\\secret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e%2fsecret.txt",
        "..%2fsecret.txt",
        "sub/../../secret.txt",
        "./../secret.txt",
        "sub/./../../secret.txt",
        "sub//..//..//secret.txt",
        "file.bin/..",
        "file.bin/../../secret.txt",
        "．．/secret.txt",
        "~/.ssh/id_rsa",
        "~root/.bashrc",
        &long_name,
        &long_climb,
        "sub",
        "sub/",
        ".",
        "",
        "link-out.txt",
        "rel-link.txt",
        "dir-out/secret.txt",
        "dir-out",
        "dangling.txt",
        "hard.txt",
        "file.bin\u{7}",
        ".file.bin.1-1.netassist-part",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .chain([
        // NUL inside the name: the rest becomes the mode field.
        b"file.bin\0../secret.txt".to_vec(),
        b"\xff../secret.txt".to_vec(),
    ])
    .collect();
    assert!(names.len() >= 20);

    let mut accepted_writes = Vec::new();
    for name in &names {
        let shown = String::from_utf8_lossy(name)
            .chars()
            .take(60)
            .collect::<String>();
        for kind in [1u8, 2] {
            let (socket, answers) = exchange(server.local, &request(kind, name, b"octet", &[]));
            let Some((answer, from)) = answers.first() else {
                // Silence is a refusal too (a NUL makes the mode invalid
                // and so on), as long as nothing leaked.
                continue;
            };
            match Packet::parse(answer) {
                Ok(Packet::Error { code, message }) => {
                    for hidden in jail.hidden() {
                        assert!(
                            !message.contains(&hidden),
                            "{shown:?}: the error names the server path: {message}"
                        );
                    }
                    assert!(
                        !message.contains("/etc/") && !message.contains("/tmp/"),
                        "{shown:?}: {message}"
                    );
                    assert_ne!(code, ErrorCode::Unknown(0xFFFF));
                }
                Ok(Packet::Data { data, .. }) => {
                    // A read that is served must be a file inside.
                    assert!(
                        !data.windows(SECRET.len()).any(|w| w == SECRET),
                        "{shown:?}: a secret was read ({kind})"
                    );
                    assert_eq!(kind, 1);
                    let _ = socket.send_to(&[0, 5, 0, 0, b'n', b'o', 0], *from);
                }
                Ok(Packet::Ack { block: 0 }) if kind == 2 => {
                    // An upload that was accepted must land inside: finish
                    // it with a short block, then look for it.
                    socket.send_to(b"\x00\x03\x00\x01planted", *from).unwrap();
                    let mut buf = [0u8; 64];
                    let _ = socket.recv_from(&mut buf);
                    accepted_writes.push(shown.clone());
                }
                other => panic!("{shown:?}: unexpected answer {other:?} ({kind})"),
            }
        }
    }
    server.cancel_all();
    server.drain();
    server.close();

    assert_eq!(jail.outside(), before, "something outside the root changed");
    assert_eq!(std::fs::read("/etc/passwd").ok(), passwd_before);
    assert!(!jail.outer.path().join("planted.txt").exists());
    assert_eq!(
        std::fs::read(jail.outer.path().join("secret.txt")).unwrap(),
        SECRET
    );
    eprintln!(
        "path safety: {} names × read and write; uploads accepted inside: {accepted_writes:?}",
        names.len()
    );
}

// ----- no data lost -----

fn binary_server(root: &Path, extra: &[&str]) -> (Process, SocketAddr) {
    let root = root.to_str().unwrap();
    let mut args = vec![
        "--mode",
        "tftp-server",
        "--local",
        "127.0.0.1:0",
        "--root",
        root,
        "--stay",
        "--no-time",
    ];
    args.extend_from_slice(extra);
    let mut process = Process::netassist_without_stdin(&args);
    let line = process.expect_line("LISTENING");
    let addr = listening_addr(&line);
    (process, addr)
}

/// Starts an upload of `name` and sends `blocks` full blocks of 512
/// bytes, each acknowledged; returns the socket and the transfer's port.
fn half_upload(server: SocketAddr, name: &str, blocks: u16) -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket.send_to(&wrq(name), server).unwrap();
    let mut buf = vec![0u8; 1024];
    let (n, port) = socket.recv_from(&mut buf).expect("ACK 0");
    assert_eq!(&buf[..n], [0, 4, 0, 0], "{name}: {:?}", &buf[..n]);
    for block in 1..=blocks {
        let mut data = vec![0, 3];
        data.extend_from_slice(&block.to_be_bytes());
        data.extend(std::iter::repeat_n(b'N', 512));
        socket.send_to(&data, port).unwrap();
        let (n, _) = socket.recv_from(&mut buf).expect("ACK");
        let mut ack = vec![0, 4];
        ack.extend_from_slice(&block.to_be_bytes());
        assert_eq!(&buf[..n], ack.as_slice());
    }
    (socket, port)
}

#[test]
fn sigkill_mid_upload_leaves_no_partial_file_and_keeps_the_old_one() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let old = b"the old firmware, which must survive".to_vec();
    std::fs::write(dir.path().join("keep.bin"), &old).unwrap();
    let (app, addr) = binary_server(dir.path(), &["--allow-write", "--overwrite"]);
    // One new name, one that replaces an existing file: both half-way.
    let _new = half_upload(addr, "new.bin", 40);
    let _replace = half_upload(addr, "keep.bin", 40);
    // Dropping the process sends SIGKILL (Child::kill) and reaps it.
    drop(app);

    assert!(
        !dir.path().join("new.bin").exists(),
        "a partial file under the final name"
    );
    assert_eq!(std::fs::read(dir.path().join("keep.bin")).unwrap(), old);
    // The only other files are the hidden temp files of the two uploads.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "keep.bin" || (name.starts_with('.') && name.ends_with(".netassist-part")),
            "unexpected {name}"
        );
    }

    // A new server removes the leftover temp files as it starts, and
    // serves the old file whole.
    let (app, addr) = binary_server(dir.path(), &[]);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "keep.bin")
        .collect();
    assert!(left.is_empty(), "left after the restart: {left:?}");
    let out = tempfile::tempdir().unwrap();
    assert_eq!(download(addr, "keep.bin", out.path()), old);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".netassist-part") {
            let (_, answers) = exchange(addr, &rrq(&name));
            let (answer, _) = answers.first().expect("an answer");
            assert!(
                matches!(Packet::parse(answer), Ok(Packet::Error { .. })),
                "{name} was served"
            );
        }
    }
    drop(app);
}

#[test]
fn uploads_refuse_to_overwrite_by_default_through_the_binary() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.bin"), b"old").unwrap();
    let (app, addr) = binary_server(dir.path(), &["--allow-write"]);
    let (_, answers) = exchange(addr, &wrq("keep.bin"));
    let (answer, _) = answers.first().expect("an answer");
    assert!(
        matches!(
            Packet::parse(answer),
            Ok(Packet::Error {
                code: ErrorCode::FileExists,
                ..
            })
        ),
        "{:?}",
        Packet::parse(answer)
    );
    assert_eq!(std::fs::read(dir.path().join("keep.bin")).unwrap(), b"old");
    drop(app);
}

/// A flood of requests from one address (as a reflection attack would
/// send with a victim's address) gets few answers: the per-address rate
/// cap drops the rest and the transfer cap bounds the downloads, so the
/// server cannot be used to flood a third party.
#[test]
fn a_request_flood_from_one_address_gets_few_answers() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.bin"), vec![7u8; 1 << 20]).unwrap();
    let mut server = Server::start(config(dir.path()));
    const FLOOD: usize = 2_000;
    // Many source ports of one address, as spoofed requests would come.
    let victims: Vec<UdpSocket> = (0..100)
        .map(|_| {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.set_nonblocking(true).unwrap();
            socket
        })
        .collect();
    let mut buf = vec![0u8; 65_536];
    let mut count = |answers: &mut usize, bytes: &mut usize| {
        for socket in &victims {
            while let Ok((n, _)) = socket.recv_from(&mut buf) {
                *answers += 1;
                *bytes += n;
            }
        }
    };
    let (mut answers, mut bytes) = (0usize, 0usize);
    let started = Instant::now();
    for i in 0..FLOOD {
        // Half ask for a missing file (an ERROR each, if answered), half
        // for a large one (a transfer each, if started).
        let name = if i % 2 == 0 { "missing.bin" } else { "big.bin" };
        let _ = victims[i % victims.len()].send_to(&rrq(name), server.local);
        if i % 100 == 99 {
            count(&mut answers, &mut bytes);
        }
    }
    let elapsed = started.elapsed();
    // What comes after the flood: answers still in flight and the
    // transfers' first blocks and retransmissions for a while.
    let settle = Instant::now();
    while settle.elapsed() < Duration::from_millis(500) {
        count(&mut answers, &mut bytes);
        // Paces the looks over a fixed interval; nothing is waited for.
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!(
        "flood: {FLOOD} requests ({} bytes) in {elapsed:?} got {answers} datagrams ({bytes} bytes)",
        FLOOD * 16
    );
    assert!(answers > 0, "the first requests are served");
    // At most the burst (100) plus what refilled meanwhile (50 a second).
    let allowed = 100 + (50.0 * (elapsed + settle.elapsed()).as_secs_f64()) as usize + 16 * 8;
    assert!(
        answers <= allowed.min(FLOOD / 2),
        "{answers} answers to {FLOOD} requests: no rate cap"
    );
    server.drain();
    let started_transfers = server
        .events
        .iter()
        .filter(|e| matches!(e, Event::Transfer(TransferEvent::Started { .. })))
        .count();
    assert!(started_transfers <= 16, "{started_transfers} transfers");
    server.cancel_all();
    server.close();
}

fn baseline() -> (Option<usize>, Option<usize>) {
    common::resource_baseline(&TESTS)
}

fn expect_back_to(baseline: (Option<usize>, Option<usize>), what: &str) {
    common::expect_back_to(baseline, what, &TESTS);
}

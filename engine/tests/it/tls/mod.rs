//! What the TLS tests share: certificates made with rcgen in a temporary
//! folder (never committed), sessions, bounded waits for their events, and
//! peer processes whose output is read on their own threads.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netassist_engine::net::tls::TlsEvent;
use netassist_engine::net::{Event, SessionConfig, SessionHandle};
use netassist_test_support::Deadline;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

/// Every wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(15);

/// A certificate and its key as PEM files.
pub struct Pem {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The test's certificates: a CA, leaves it signed (for 127.0.0.1, for
/// example.com, expired, a client's), and a self-signed leaf.
pub struct Certs {
    pub dir: tempfile::TempDir,
    pub ca: PathBuf,
    pub good: Pem,
    pub wrong_name: Pem,
    pub expired: Pem,
    pub self_signed: Pem,
    pub client: Pem,
}

fn write(dir: &Path, name: &str, cert: &rcgen::Certificate, key: &KeyPair) -> Pem {
    let pem = Pem {
        cert: dir.join(format!("{name}.pem")),
        key: dir.join(format!("{name}-key.pem")),
    };
    std::fs::write(&pem.cert, cert.pem()).unwrap();
    std::fs::write(&pem.key, key.serialize_pem()).unwrap();
    pem
}

impl Certs {
    pub fn new() -> Certs {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "NetAssist test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, ca_cert.pem()).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf = |name: &str, names: &[&str], expired: bool| {
            let key = KeyPair::generate().unwrap();
            let mut params =
                CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                    .unwrap();
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, names[0]);
            if expired {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            }
            let cert = params.signed_by(&key, &issuer).unwrap();
            write(dir.path(), name, &cert, &key)
        };
        let good = leaf("good", &["127.0.0.1", "localhost"], false);
        let wrong_name = leaf("wrong-name", &["example.com"], false);
        let expired = leaf("expired", &["127.0.0.1"], true);
        let client = leaf("client", &["netassist-test-client"], false);
        let self_key = KeyPair::generate().unwrap();
        let mut self_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        self_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "127.0.0.1");
        let self_cert = self_params.self_signed(&self_key).unwrap();
        let self_signed = write(dir.path(), "self-signed", &self_cert, &self_key);
        Certs {
            dir,
            ca,
            good,
            wrong_name,
            expired,
            self_signed,
            client,
        }
    }
}

pub fn open(config: SessionConfig) -> SessionHandle {
    netassist_engine::net::spawn(config, Arc::new(|| {})).unwrap()
}

/// The first event `pick` takes, failing on the session's end (unless
/// `pick` takes that) or after [`WAIT`].
pub fn wait_for<T>(
    handle: &SessionHandle,
    what: &str,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = Deadline::after(WAIT);
    loop {
        deadline.check(|| what.to_owned());
        let Ok(event) = handle.events().recv_timeout(deadline.left()) else {
            continue;
        };
        if let Some(found) = pick(&event) {
            return found;
        }
        if let Event::Stopped(error) = event {
            panic!("the session stopped while waiting for {what}: {error:?}");
        }
    }
}

/// Where a server session listens.
pub fn opened(handle: &SessionHandle) -> SocketAddr {
    wait_for(handle, "LISTENING", |event| match event {
        Event::Opened { local } => Some(*local),
        _ => None,
    })
}

/// A session's TLS event that `pick` takes.
pub fn tls_event<T>(
    handle: &SessionHandle,
    what: &str,
    mut pick: impl FnMut(&TlsEvent) -> Option<T>,
) -> T {
    wait_for(handle, what, |event| match event {
        Event::Tls(tls) => pick(tls),
        _ => None,
    })
}

/// Received bytes until they hold `expected` (as a suffix of what came).
pub fn receive_exactly(handle: &SessionHandle, expected: &[u8]) {
    let mut got = Vec::new();
    wait_for(handle, "the peer's bytes", |event| {
        if let Event::Received(chunks) = event {
            for chunk in chunks.iter() {
                got.extend_from_slice(chunk.bytes);
            }
            assert!(
                expected.starts_with(&got),
                "received {:?}, expected {:?}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(expected)
            );
        }
        (got == expected).then_some(())
    });
}

/// A peer process: its stdout and stderr gathered on threads, its stdin
/// kept open; killed when dropped.
pub struct Peer {
    child: Child,
    pub stdin: Option<ChildStdin>,
    output: Arc<Mutex<Vec<u8>>>,
    lines: mpsc::Receiver<String>,
}

impl Peer {
    pub fn start(program: &str, args: &[&str]) -> Peer {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let output = Arc::new(Mutex::new(Vec::new()));
        let (line_tx, lines) = mpsc::channel();
        let mut stdout = child.stdout.take().unwrap();
        let gathered = Arc::clone(&output);
        let stdout_lines = line_tx.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut line = Vec::new();
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                gathered.lock().unwrap().extend_from_slice(&buf[..n]);
                for &byte in &buf[..n] {
                    if byte == b'\n' {
                        let _ = stdout_lines.send(String::from_utf8_lossy(&line).into_owned());
                        line.clear();
                    } else {
                        line.push(byte);
                    }
                }
            }
        });
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = line_tx.send(line);
            }
        });
        let stdin = child.stdin.take();
        Peer {
            child,
            stdin,
            output,
            lines,
        }
    }

    /// The first line (stdout or stderr) `pick` takes.
    pub fn line<T>(&self, what: &str, mut pick: impl FnMut(&str) -> Option<T>) -> T {
        let deadline = Deadline::after(WAIT);
        loop {
            deadline.check(|| format!("{what} from the peer"));
            if let Ok(line) = self.lines.recv_timeout(deadline.left())
                && let Some(found) = pick(&line)
            {
                return found;
            }
        }
    }

    /// Waits until the peer's stdout holds `expected`.
    pub fn output_contains(&self, expected: &[u8]) {
        let deadline = Deadline::after(WAIT);
        loop {
            let found = {
                let output = self.output.lock().unwrap();
                output.windows(expected.len()).any(|w| w == expected)
            };
            if found {
                return;
            }
            deadline.check(|| {
                format!(
                    "{:?} in the peer's output (it has {:?})",
                    String::from_utf8_lossy(expected),
                    String::from_utf8_lossy(&self.output.lock().unwrap())
                )
            });
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (bound and released; peers that cannot report
/// their port are given one).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

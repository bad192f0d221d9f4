//! Hostile TLS clients against our TLS server: random bytes instead of a
//! ClientHello, a handshake that stops halfway, a client that connects and
//! says nothing. Each gets its event and its slot back; a well-behaved
//! client connected meanwhile is unaffected.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use crate::tls;
use crate::tls::Certs;
use netassist_engine::net::tls::{
    CertKeyPaths, ServerIdentity, TlsClientOptions, TlsEvent, TlsProblem, TlsServerOptions, Verify,
};
use netassist_engine::net::{
    Command, Endpoint, Event, SessionConfig, Target, TcpClientConfig, TcpServerConfig,
    TlsClientConfig, TlsServerConfig, handshaking_cap,
};

/// The server's handshake timeout here: short, so the test is quick.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_millis(400);

/// The first bytes of a real ClientHello, from a rustls client.
fn client_hello() -> Vec<u8> {
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let mut client =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let mut hello = Vec::new();
    client.write_tls(&mut hello).unwrap();
    hello
}

fn handshake_failure(
    server: &netassist_engine::net::SessionHandle,
    from: SocketAddr,
) -> TlsProblem {
    tls::tls_event(server, "the refused handshake", |event| match event {
        TlsEvent::HandshakeFailed { peer, problem } if *peer == from => Some(problem.clone()),
        _ => None,
    })
}

#[test]
fn hostile_handshakes_are_dropped_and_a_good_client_goes_on() {
    let certs = Certs::new();
    let options = TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
        cert: certs.good.cert.clone(),
        key: certs.good.key.clone(),
    }));
    let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
    // Two slots only: the hostile clients must give theirs back.
    let server = tls::open(SessionConfig::TlsServer(TlsServerConfig {
        tcp: TcpServerConfig::new(local, 2),
        tls: options,
        handshake_timeout: HANDSHAKE_TIMEOUT,
    }));
    let addr = tls::opened(&server);

    let good = trusting_client(addr, &certs.ca);
    let good_peer = tls::wait_for(&server, "the good client", |event| match event {
        Event::Connected { peer, .. } => Some(*peer),
        _ => None,
    });

    // Random bytes instead of a ClientHello.
    let mut noise = TcpStream::connect(addr).unwrap();
    let mut state = 0x2545_f491_u32;
    let random: Vec<u8> = (0..300)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    noise.write_all(&random).unwrap();
    assert_eq!(
        handshake_failure(&server, noise.local_addr().unwrap()),
        TlsProblem::NotTls
    );

    // Half a ClientHello, then nothing.
    let hello = client_hello();
    let mut halfway = TcpStream::connect(addr).unwrap();
    halfway.write_all(&hello[..hello.len() / 2]).unwrap();
    assert_eq!(
        handshake_failure(&server, halfway.local_addr().unwrap()),
        TlsProblem::HandshakeTimeout {
            after_ms: HANDSHAKE_TIMEOUT.as_millis() as u64
        }
    );

    // Connected, and silent.
    let silent = TcpStream::connect(addr).unwrap();
    assert!(matches!(
        handshake_failure(&server, silent.local_addr().unwrap()),
        TlsProblem::HandshakeTimeout { .. }
    ));

    // The good client was never disturbed, and still talks both ways.
    good.send(Command::Send {
        to: Target::Default,
        bytes: b"still here".to_vec(),
    });
    tls::receive_exactly(&server, b"still here");
    server.send(Command::Send {
        to: Target::Peers(vec![good_peer]),
        bytes: b"so am I".to_vec(),
    });
    tls::receive_exactly(&good, b"so am I");

    // Every hostile slot was freed: a second good client fits beside the
    // first.
    let second = trusting_client(addr, &certs.ca);
    tls::wait_for(&second, "the second good client's connection", |event| {
        matches!(event, Event::Connected { .. }).then_some(())
    });
    drop((noise, halfway, silent));
}

/// A crowd that connects and never says a word, more than the server's
/// client limit: it pushes out its own oldest (at most a quarter of the
/// limit handshake at once), and a client that finishes its handshake
/// still gets in. Before, the crowd held every slot until its timeout.
#[test]
fn a_crowd_that_never_finishes_its_handshake_does_not_keep_a_client_out() {
    let certs = Certs::new();
    let options = TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
        cert: certs.good.cert.clone(),
        key: certs.good.key.clone(),
    }));
    let max_clients = 8;
    let server = tls::open(SessionConfig::TlsServer(TlsServerConfig::new(
        TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), max_clients),
        options,
    )));
    let addr = tls::opened(&server);
    let crowd: Vec<TcpStream> = (0..3 * max_clients)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let pushed_out = tls::tls_event(&server, "a handshake pushed out", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    assert_eq!(
        pushed_out,
        TlsProblem::PushedOut {
            handshaking: handshaking_cap(max_clients),
            unshown: 0,
        }
    );
    let good = trusting_client(addr, &certs.ca);
    tls::wait_for(&server, "the good client", |event| {
        matches!(event, Event::Connected { .. }).then_some(())
    });
    good.send(Command::Send {
        to: Target::Default,
        bytes: b"in".to_vec(),
    });
    tls::receive_exactly(&server, b"in");
    drop(crowd);
}

#[test]
fn our_client_says_a_server_does_not_speak_tls() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        std::thread::sleep(Duration::from_millis(200));
    });
    let client = tls::open(SessionConfig::TlsClient(TlsClientConfig::new(
        TcpClientConfig::new(Endpoint::parse(&addr.to_string()).unwrap()),
        TlsClientOptions::default(),
    )));
    let problem = tls::tls_event(&client, "the failed handshake", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    assert_eq!(problem, TlsProblem::NotTls);
    answer.join().unwrap();
}

/// The one handshake-timeout rule holds for our TLS client too: a server
/// that accepts and never answers the ClientHello is given the session's
/// `handshake_timeout`, not a fixed 10 s.
#[test]
fn our_client_gives_a_silent_server_its_handshake_timeout() {
    let (addr, silent) = crate::common::silent_server(Duration::from_secs(3));
    let client = tls::open(SessionConfig::TlsClient(TlsClientConfig {
        handshake_timeout: Duration::from_millis(300),
        ..TlsClientConfig::new(
            TcpClientConfig::new(Endpoint::parse(&addr.to_string()).unwrap()),
            TlsClientOptions::default(),
        )
    }));
    let started = std::time::Instant::now();
    let problem = tls::tls_event(&client, "the timed-out handshake", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    assert_eq!(problem, TlsProblem::HandshakeTimeout { after_ms: 300 });
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "gave up after the session's timeout, before the server left"
    );
    silent.join().unwrap();
}

/// A device certificate made as `openssl req -x509` makes one by default
/// (self-signed with CA:TRUE) is refused in a sentence that names the
/// problem and the way out, chosen as the CA file or not, never in the
/// library's debug text (issue 22, 1).
/// Our TLS server with a device certificate made as `openssl req -x509`
/// makes one by default (self-signed, CA:TRUE, CN test-device.local, for
/// 127.0.0.1): the server, its address, the certificate's PEM file (in
/// `dir`) and its SHA-256.
fn ca_true_device(
    dir: &std::path::Path,
) -> (
    netassist_engine::net::SessionHandle,
    SocketAddr,
    std::path::PathBuf,
    String,
) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "test-device.local");
    let cert = params.self_signed(&key).unwrap();
    let fingerprint = netassist_engine::net::tls::sha256_fingerprint(cert.der());
    let cert_path = dir.join("device.pem");
    let key_path = dir.join("device-key.pem");
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let server = tls::open(SessionConfig::TlsServer(TlsServerConfig::new(
        TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 4),
        TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
            cert: cert_path.clone(),
            key: key_path,
        })),
    )));
    let addr = tls::opened(&server);
    (server, addr, cert_path, fingerprint)
}

#[test]
fn a_ca_certificate_served_as_a_servers_own_is_refused_in_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr, cert_path, _) = ca_true_device(dir.path());
    for verify in [Verify::CaFile(cert_path.clone()), Verify::System] {
        let client = tls::open(SessionConfig::TlsClient(TlsClientConfig::new(
            TcpClientConfig::new(Endpoint::parse(&addr.to_string()).unwrap()),
            TlsClientOptions {
                verify: verify.clone(),
                ..TlsClientOptions::default()
            },
        )));
        let problem = tls::tls_event(&client, "the refused certificate", |event| match event {
            TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
            _ => None,
        });
        assert_eq!(problem, TlsProblem::CaAsServerCertificate, "{verify:?}");
        let sentence = problem.to_string();
        assert!(sentence.contains("CA:TRUE"), "{sentence}");
        assert!(sentence.contains("ignore certificate errors"), "{sentence}");
        assert!(!sentence.contains("Other("), "{sentence}");
    }
}

/// A refused certificate is shown as presented (subject, issuer, names,
/// validity, SHA-256) before the refusal's sentence, and pinning its
/// SHA-256 connects to the same device (issue 22, 1).
#[test]
fn a_refused_certificate_is_shown_as_presented_and_pinning_it_connects() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr, _, fingerprint) = ca_true_device(dir.path());
    let client_with = |pinned: Vec<String>| {
        tls::open(SessionConfig::TlsClient(TlsClientConfig::new(
            TcpClientConfig::new(Endpoint::parse(&addr.to_string()).unwrap()),
            TlsClientOptions {
                verify: Verify::System,
                pinned,
                ..TlsClientOptions::default()
            },
        )))
    };
    let refused = client_with(Vec::new());
    let mut presented = Vec::new();
    let problem = tls::tls_event(&refused, "the refusal", |event| match event {
        TlsEvent::Presented { index, cert, .. } => {
            presented.push((*index, cert.clone()));
            None
        }
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    assert_eq!(problem, TlsProblem::CaAsServerCertificate);
    assert_eq!(
        presented.len(),
        1,
        "one certificate, said before the refusal"
    );
    let (index, shown) = &presented[0];
    assert_eq!(*index, 1);
    assert_eq!(shown.sha256, fingerprint);
    assert!(shown.subject.as_received().contains("test-device.local"));
    assert_eq!(shown.names[0].as_received(), "127.0.0.1");
    let line = TlsEvent::Presented {
        peer: addr,
        index: 1,
        cert: shown.clone(),
    }
    .to_string();
    assert!(
        line.starts_with(&format!("TLS {addr} presented certificate 1: subject "))
            && line.ends_with(&format!("SHA-256 {fingerprint}")),
        "{line}"
    );

    // Pinned (in the form openssl prints, or bare lower case), it connects.
    let pin =
        netassist_engine::net::tls::parse_sha256_pin(&fingerprint.replace(':', "").to_lowercase())
            .unwrap();
    let pinned = client_with(vec![pin]);
    tls::tls_event(&pinned, "the pinned handshake", |event| {
        matches!(event, TlsEvent::Established { .. }).then_some(())
    });
    // Another pin is no trust.
    let other = client_with(vec![netassist_engine::net::tls::sha256_fingerprint(
        b"other",
    )]);
    let problem = tls::tls_event(&other, "the refusal", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    assert_eq!(problem, TlsProblem::CaAsServerCertificate);
}

/// Our TLS client of `addr`, trusting the CA in `ca`.
fn trusting_client(addr: SocketAddr, ca: &std::path::Path) -> netassist_engine::net::SessionHandle {
    tls::open(SessionConfig::TlsClient(TlsClientConfig::new(
        TcpClientConfig::new(Endpoint::parse(&addr.to_string()).unwrap()),
        TlsClientOptions {
            verify: Verify::CaFile(ca.to_owned()),
            ..TlsClientOptions::default()
        },
    )))
}

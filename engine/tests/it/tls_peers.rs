//! The TLS client and server against real peers on 127.0.0.1:
//! `openssl s_server` / `s_client` (TLS 1.2 and 1.3, client
//! certificates), and the certificate problems each as its typed problem.
//! Certificates are made in the test (`tls/mod.rs`).

use std::net::SocketAddr;

use crate::tls;
use crate::tls::{Certs, Peer, path_str};
use netassist_engine::net::tls::{
    CertKeyPaths, ClientAuth, ServerIdentity, TlsClientOptions, TlsEvent, TlsInfo, TlsProblem,
    TlsServerOptions, TlsVersion, Verify,
};
use netassist_engine::net::{
    Command, Endpoint, Event, SessionConfig, SessionHandle, Target, TcpClientConfig,
    TcpServerConfig, TlsClientConfig, TlsServerConfig,
};
use netassist_test_support::peer_tool;

fn client_config(port: u16, options: TlsClientOptions) -> SessionConfig {
    let remote = Endpoint::parse(&format!("127.0.0.1:{port}")).unwrap();
    SessionConfig::TlsClient(TlsClientConfig::new(TcpClientConfig::new(remote), options))
}

fn server_config(options: TlsServerOptions) -> SessionConfig {
    let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
    SessionConfig::TlsServer(TlsServerConfig::new(
        TcpServerConfig::new(local, 16),
        options,
    ))
}

fn trusting(ca: &std::path::Path) -> TlsClientOptions {
    TlsClientOptions {
        verify: Verify::CaFile(ca.to_owned()),
        ..TlsClientOptions::default()
    }
}

fn send(handle: &SessionHandle, bytes: &[u8]) {
    handle.send(Command::Send {
        to: Target::Default,
        bytes: bytes.to_vec(),
    });
}

/// `openssl s_server` with `cert`, on a port it reports.
fn s_server(cert: &tls::Pem, extra: &[&str]) -> (Peer, u16) {
    let mut args = vec![
        "s_server",
        "-accept",
        "127.0.0.1:0",
        "-naccept",
        "1",
        "-cert",
        path_str(&cert.cert),
        "-key",
        path_str(&cert.key),
    ];
    args.extend_from_slice(extra);
    let peer = Peer::start("openssl", &args);
    let port = peer.line("ACCEPT", |line| {
        line.strip_prefix("ACCEPT ")
            .and_then(|addr| addr.rsplit(':').next())
            .and_then(|port| port.parse::<u16>().ok())
    });
    (peer, port)
}

fn established(handle: &SessionHandle) -> TlsInfo {
    tls::tls_event(handle, "the TLS handshake", |event| match event {
        TlsEvent::Established { info, .. } => Some(info.clone()),
        TlsEvent::HandshakeFailed { problem, .. } => panic!("the handshake failed: {problem}"),
        _ => None,
    })
}

fn connected(handle: &SessionHandle) -> SocketAddr {
    tls::wait_for(handle, "CONNECTED", |event| match event {
        Event::Connected { peer, .. } => Some(*peer),
        _ => None,
    })
}

#[test]
fn our_client_talks_to_openssl_s_server_over_tls_1_2_and_1_3() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    for (flag, version) in [("-tls1_2", "TLS 1.2"), ("-tls1_3", "TLS 1.3")] {
        let (mut server, port) = s_server(&certs.good, &[flag]);
        let client = tls::open(client_config(port, trusting(&certs.ca)));
        let info = established(&client);
        assert_eq!(info.version, version);
        assert!(!info.cipher_suite.is_empty());
        assert_eq!(info.chain[0].subject.as_received(), "CN=127.0.0.1");
        connected(&client);
        send(&client, b"hello from netassist\n");
        server.output_contains(b"hello from netassist\n");
        let from_openssl: Vec<u8> = (0..200u8).map(|i| b'a' + i % 26).chain(*b"\n").collect();
        server.send(&from_openssl);
        tls::receive_exactly(&client, &from_openssl);
    }
}

#[test]
fn our_client_shows_its_certificate_when_s_server_asks_for_one() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    let ca = path_str(&certs.ca).to_owned();
    let (server, port) = s_server(&certs.good, &["-Verify", "1", "-CAfile", &ca]);
    let options = TlsClientOptions {
        client_cert: Some(CertKeyPaths {
            cert: certs.client.cert.clone(),
            key: certs.client.key.clone(),
        }),
        ..trusting(&certs.ca)
    };
    let client = tls::open(client_config(port, options));
    established(&client);
    connected(&client);
    send(&client, b"with a certificate\n");
    server.output_contains(b"with a certificate\n");
    // s_server says whose certificate it verified.
    server.output_contains(b"netassist-test-client");
}

/// `openssl s_client` to our server, trusting `ca`.
fn s_client(port: u16, ca: &std::path::Path, extra: &[&str]) -> Peer {
    let connect = format!("127.0.0.1:{port}");
    let mut args = vec![
        "s_client",
        "-connect",
        &connect,
        "-CAfile",
        path_str(ca),
        "-verify_return_error",
        "-quiet",
    ];
    args.extend_from_slice(extra);
    Peer::start("openssl", &args)
}

#[test]
fn openssl_s_client_talks_to_our_server_over_tls_1_2_and_1_3() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    let identity = ServerIdentity::Files(CertKeyPaths {
        cert: certs.good.cert.clone(),
        key: certs.good.key.clone(),
    });
    let server = tls::open(server_config(TlsServerOptions::new(identity)));
    let port = tls::opened(&server).port();
    for flag in ["-tls1_2", "-tls1_3"] {
        let mut client = s_client(port, &certs.ca, &[flag]);
        let info = established(&server);
        assert_eq!(
            info.version,
            if flag == "-tls1_2" {
                "TLS 1.2"
            } else {
                "TLS 1.3"
            }
        );
        assert!(info.chain.is_empty(), "no client certificate was asked for");
        let peer = connected(&server);
        client.send(b"hello from s_client\n");
        tls::receive_exactly(&server, b"hello from s_client\n");
        server.send(Command::Send {
            to: Target::Peers(vec![peer]),
            bytes: b"hello from netassist\n".to_vec(),
        });
        client.output_contains(b"hello from netassist\n");
        drop(client);
        tls::wait_for(&server, "DISCONNECTED", |event| {
            matches!(event, Event::Disconnected { .. }).then_some(())
        });
    }
}

#[test]
fn our_server_requires_a_client_certificate_signed_by_its_ca() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    let mut options = TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
        cert: certs.good.cert.clone(),
        key: certs.good.key.clone(),
    }));
    options.client_auth = ClientAuth::Require(certs.ca.clone());
    let server = tls::open(server_config(options));
    let port = tls::opened(&server).port();

    // A client with a certificate of the CA gets in, and is reported.
    let mut client = s_client(
        port,
        &certs.ca,
        &[
            "-cert",
            path_str(&certs.client.cert),
            "-key",
            path_str(&certs.client.key),
        ],
    );
    let info = established(&server);
    assert_eq!(
        info.chain[0].subject.as_received(),
        "CN=netassist-test-client"
    );
    connected(&server);
    client.send(b"certified\n");
    tls::receive_exactly(&server, b"certified\n");
    drop(client);

    // One without a certificate does not.
    let _refused = s_client(port, &certs.ca, &[]);
    let problem = tls::tls_event(&server, "the refused handshake", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    assert_eq!(problem, TlsProblem::NoCertificate);
}

/// Our client's problem with a server showing `cert`.
fn problem_with(cert: &tls::Pem, verify: Verify) -> Option<TlsProblem> {
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: cert.cert.clone(),
            key: cert.key.clone(),
        },
    ))));
    let port = tls::opened(&server).port();
    let insecure = verify == Verify::Insecure;
    let client = tls::open(client_config(
        port,
        TlsClientOptions {
            verify,
            ..TlsClientOptions::default()
        },
    ));
    let mut warned = false;
    let outcome = tls::tls_event(&client, "the handshake's outcome", |event| match event {
        TlsEvent::Insecure { .. } => {
            warned = true;
            None
        }
        TlsEvent::Established { .. } => Some(None),
        TlsEvent::HandshakeFailed { problem, .. } => Some(Some(problem.clone())),
        _ => None,
    });
    assert_eq!(warned, insecure, "the warning comes exactly with Insecure");
    if outcome.is_some() {
        // The session ends, saying there is no connection.
        tls::wait_for(&client, "the session's end", |event| match event {
            Event::Stopped(Some(error)) => Some(error.to_string()),
            _ => None,
        });
    }
    outcome
}

#[test]
fn certificate_problems_are_typed_and_ignoring_them_connects() {
    let certs = Certs::new();
    let ca = Verify::CaFile(certs.ca.clone());
    match problem_with(&certs.wrong_name, ca.clone()) {
        Some(TlsProblem::NameMismatch { wanted, presented }) => {
            assert_eq!(wanted, "127.0.0.1");
            assert_eq!(presented.len(), 1);
            assert_eq!(presented[0].as_received(), "example.com");
        }
        other => panic!("a wrong name gave {other:?}"),
    }
    match problem_with(&certs.expired, ca.clone()) {
        Some(TlsProblem::Expired { not_after }) => {
            assert_eq!(
                netassist_engine::describe::cert_date(not_after),
                "2021-01-01 00:00 UTC"
            )
        }
        other => panic!("an expired certificate gave {other:?}"),
    }
    assert_eq!(
        problem_with(&certs.self_signed, ca.clone()),
        Some(TlsProblem::SelfSigned)
    );
    assert_eq!(
        problem_with(&certs.good, Verify::System),
        Some(TlsProblem::UnknownIssuer)
    );
    assert_eq!(problem_with(&certs.good, ca), None);
    for cert in [&certs.wrong_name, &certs.expired, &certs.self_signed] {
        assert_eq!(problem_with(cert, Verify::Insecure), None);
    }
}

#[test]
fn the_sentences_say_what_is_wrong() {
    let line = |problem: TlsProblem| {
        netassist_engine::describe::Description::Tls(TlsEvent::HandshakeFailed {
            peer: "127.0.0.1:443".parse().unwrap(),
            problem,
        })
        .to_string()
    };
    assert_eq!(
        line(TlsProblem::NameMismatch {
            wanted: "127.0.0.1".to_owned(),
            presented: vec!["example.com".into()],
        }),
        "TLS 127.0.0.1:443 handshake failed: the certificate is for example.com, not 127.0.0.1: connect by a name it is for, or set the server name"
    );
    assert!(
        line(TlsProblem::Expired {
            not_after: 1_735_689_600
        })
        .contains("the certificate expired on 2025-01-01 00:00 UTC")
    );
    assert!(
        line(TlsProblem::HandshakeTimeout { after_ms: 10_000 })
            .ends_with("the peer did not finish the TLS handshake within 10 s")
    );
    // Peer text is shown with its control characters visible.
    let forged = line(TlsProblem::NameMismatch {
        wanted: "x".to_owned(),
        presented: vec!["evil\r\nTLS fake line".into()],
    });
    assert!(!forged.contains('\n') && !forged.contains('\r'), "{forged}");
}

#[test]
fn the_self_signed_server_is_generated_once_and_pinned_by_our_client() {
    let folder = tempfile::tempdir().unwrap();
    let options = TlsServerOptions::new(ServerIdentity::SelfSigned {
        names: vec!["127.0.0.1".to_owned(), "localhost".to_owned()],
        folder: folder.path().to_owned(),
    });
    let identity = |handle: &SessionHandle| {
        tls::tls_event(handle, "the server's certificate", |event| match event {
            TlsEvent::ServerIdentity {
                fingerprint,
                generated,
                cert_path,
                ..
            } => Some((fingerprint.clone(), *generated, cert_path.clone().unwrap())),
            _ => None,
        })
    };
    let first = tls::open(server_config(options.clone()));
    let (fingerprint, generated, cert_path) = identity(&first);
    assert!(generated, "the first open generates it");
    drop(first);
    let second = tls::open(server_config(options.clone()));
    let port = tls::opened(&second).port();
    let (again, generated, _) = identity(&second);
    assert!(!generated, "the second open reuses it");
    assert_eq!(again, fingerprint);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = folder
            .path()
            .join(netassist_engine::net::tls::SELF_SIGNED_KEY_FILE);
        let mode = std::fs::metadata(key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key is readable only by its owner");
    }
    // Our client pins the certificate by trusting it as its CA.
    let pinned = folder.path().join("pinned.pem");
    std::fs::copy(&cert_path, &pinned).unwrap();
    let client = tls::open(client_config(
        port,
        TlsClientOptions {
            min_version: TlsVersion::Tls13,
            ..trusting(&pinned)
        },
    ));
    let info = established(&client);
    assert_eq!(info.chain[0].sha256, fingerprint);
    connected(&client);
    send(&client, b"pinned");
    tls::receive_exactly(&second, b"pinned");
    drop(client);
    drop(second);
    // Other names make a new one.
    let renamed = tls::open(server_config(TlsServerOptions::new(
        ServerIdentity::SelfSigned {
            names: vec!["localhost".to_owned()],
            folder: folder.path().to_owned(),
        },
    )));
    let (other, generated, _) = identity(&renamed);
    assert!(generated && other != fingerprint);
}

#[test]
fn a_missing_file_a_file_without_certificate_and_a_foreign_key_are_sentences() {
    let certs = Certs::new();
    let open_with = |cert: &std::path::Path, key: &std::path::Path| {
        let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
            CertKeyPaths {
                cert: cert.to_owned(),
                key: key.to_owned(),
            },
        ))));
        tls::wait_for(&server, "the refusal", |event| match event {
            Event::Stopped(Some(error)) => Some(error.to_string()),
            Event::Opened { .. } => panic!("the server opened"),
            _ => None,
        })
    };
    let missing = certs.dir.path().join("missing.pem");
    let sentence = open_with(&missing, &certs.good.key);
    assert!(
        sentence.starts_with("cannot read ") && sentence.contains("missing.pem"),
        "{sentence}"
    );
    let sentence = open_with(&certs.good.key, &certs.good.key);
    assert!(
        sentence.contains("good-key.pem holds no PEM certificate"),
        "{sentence}"
    );
    let sentence = open_with(&certs.good.cert, &certs.client.key);
    assert!(
        sentence.contains("client-key.pem does not belong to the certificate in")
            && sentence.contains("good.pem"),
        "{sentence}"
    );
}

fn peer_script(name: &str) -> String {
    crate::common::peers_dir()
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn our_client_and_server_talk_to_python_ssl() {
    if !peer_tool("python3") {
        return;
    }
    let certs = Certs::new();
    // Python's server echoes, byte for byte.
    let script = peer_script("tls_peer.py");
    let peer = Peer::start(
        "python3",
        &[
            &script,
            "server",
            path_str(&certs.good.cert),
            path_str(&certs.good.key),
        ],
    );
    let port = peer.line("LISTENING", |line| {
        line.strip_prefix("LISTENING ")
            .and_then(|p| p.parse::<u16>().ok())
    });
    let client = tls::open(client_config(port, trusting(&certs.ca)));
    established(&client);
    connected(&client);
    let payload: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    send(&client, &payload);
    tls::receive_exactly(&client, &payload);
    drop(client);

    // Python's client to our server.
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: certs.good.cert.clone(),
            key: certs.good.key.clone(),
        },
    ))));
    let port = tls::opened(&server).port().to_string();
    let python = Peer::start("python3", &[&script, "client", &port, path_str(&certs.ca)]);
    let peer = connected(&server);
    tls::receive_exactly(&server, b"hello from python\n");
    server.send(Command::Send {
        to: Target::Peers(vec![peer]),
        bytes: b"hello from netassist\n".to_vec(),
    });
    python.line("python's answer", |line| {
        (line == "GOT hello from netassist").then_some(())
    });
}

#[test]
fn our_client_and_server_talk_to_socat() {
    if !peer_tool("socat") {
        return;
    }
    let certs = Certs::new();
    // socat's server: what it gets goes to its stdout, its stdin to us.
    let port = tls::free_port();
    let listen = format!(
        "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,cert={},key={},verify=0",
        path_str(&certs.good.cert),
        path_str(&certs.good.key)
    );
    let mut socat = Peer::start("socat", &["-d", "-d", &listen, "STDIO"]);
    socat.line("socat listening", |line| {
        line.contains("listening on").then_some(())
    });
    let client = tls::open(client_config(port, trusting(&certs.ca)));
    established(&client);
    connected(&client);
    send(&client, b"to socat\n");
    socat.output_contains(b"to socat\n");
    socat.send(b"from socat\n");
    tls::receive_exactly(&client, b"from socat\n");
    drop(client);
    drop(socat);

    // socat's client to our server.
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: certs.good.cert.clone(),
            key: certs.good.key.clone(),
        },
    ))));
    let port = tls::opened(&server).port();
    let connect = format!(
        "OPENSSL:127.0.0.1:{port},cafile={},verify=1",
        path_str(&certs.ca)
    );
    let mut socat = Peer::start("socat", &["STDIO", &connect]);
    let peer = connected(&server);
    socat.send(b"socat says hi\n");
    tls::receive_exactly(&server, b"socat says hi\n");
    server.send(Command::Send {
        to: Target::Peers(vec![peer]),
        bytes: b"netassist says hi\n".to_vec(),
    });
    socat.output_contains(b"netassist says hi\n");
}

/// Our TLS client streams more than the event budget to our TLS server
/// while the test holds the server's events back: the server stops reading
/// (TLS keeps what it decrypted), resumes once the events are taken, and
/// every byte arrives in order.
#[test]
fn a_front_end_that_falls_behind_holds_the_tls_stream_back_and_loses_nothing() {
    const TOTAL: usize = 80 << 20;
    const PIECE: usize = 8 << 20;
    let certs = Certs::new();
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: certs.good.cert.clone(),
            key: certs.good.key.clone(),
        },
    ))));
    let port = tls::opened(&server).port();
    let client = tls::open(client_config(port, trusting(&certs.ca)));
    connected(&client);
    connected(&server);
    let stream: Vec<u8> = (0..TOTAL).map(|i| (i % 251) as u8).collect();
    for piece in stream.chunks(PIECE) {
        send(&client, piece);
    }
    // Nothing is taken from the server until its budget is spent.
    let deadline = netassist_test_support::Deadline::after(tls::WAIT);
    while server.event_bytes_held() < netassist_engine::net::MAX_EVENT_BYTES / 2 {
        deadline.check(|| "the server's events filling its budget");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(server.event_bytes_held() <= netassist_engine::net::MAX_EVENT_BYTES + (1 << 20));
    let mut at = 0;
    tls::wait_for(&server, "the whole stream", |event| {
        if let Event::Received(chunks) = event {
            for chunk in chunks.iter() {
                assert!(
                    stream[at..].starts_with(chunk.bytes),
                    "the stream changed at byte {at}"
                );
                at += chunk.bytes.len();
            }
        }
        (at == TOTAL).then_some(())
    });
}

/// A client whose first data travels with its last handshake flight (a
/// rustls client writing before the handshake ends): the server reads it at
/// once, although the poller never reports those bytes again.
#[test]
fn data_sent_with_the_clients_finished_message_is_read() {
    use std::io::Write;
    use std::sync::Arc;
    let certs = Certs::new();
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: certs.good.cert.clone(),
            key: certs.good.key.clone(),
        },
    ))));
    let addr = tls::opened(&server);
    let mut roots = rustls::RootCertStore::empty();
    for cert in netassist_engine::net::tls::load_certs(&certs.ca).unwrap() {
        roots.add(cert).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut tls_client =
        rustls::ClientConnection::new(Arc::new(config), "127.0.0.1".try_into().unwrap()).unwrap();
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    socket.set_read_timeout(Some(tls::WAIT)).unwrap();
    // Written now, sent by rustls together with its Finished message.
    tls_client.writer().write_all(b"early words").unwrap();
    while tls_client.is_handshaking() {
        tls_client.complete_io(&mut socket).unwrap();
    }
    while tls_client.wants_write() {
        tls_client.write_tls(&mut socket).unwrap();
    }
    tls::receive_exactly(&server, b"early words");
    drop(socket);
}

/// What works on TCP works over TLS: framing cuts the decrypted stream,
/// echo answers each message, and a file goes out whole.
#[test]
fn framing_echo_and_file_send_work_over_tls() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    let SessionConfig::TlsServer(mut config) =
        server_config(TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
            cert: certs.good.cert.clone(),
            key: certs.good.key.clone(),
        })))
    else {
        unreachable!()
    };
    config.tcp.framing = netassist_engine::text::Framing::Delimiter(b"\n".to_vec());
    let server = netassist_engine::net::spawn_answering(
        SessionConfig::TlsServer(config),
        std::sync::Arc::new(|| {}),
        netassist_engine::net::Answers {
            echo: true,
            rules: Vec::new(),
        },
    )
    .unwrap();
    let port = tls::opened(&server).port();
    let mut client = s_client(port, &certs.ca, &[]);
    connected(&server);
    client.send(b"one\ntwo\n");
    let mut messages = Vec::new();
    tls::wait_for(&server, "two framed messages", |event| {
        if let Event::Received(chunks) = event {
            messages.extend(chunks.iter().map(|chunk| chunk.bytes.to_vec()));
        }
        (messages.len() >= 2).then_some(())
    });
    assert_eq!(messages, vec![b"one\n".to_vec(), b"two\n".to_vec()]);
    client.output_contains(b"one\ntwo\n");
    drop(client);

    // A file from our TLS client to a TLS server without framing (which
    // would hold the bytes after the last newline until the end).
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: certs.good.cert.clone(),
            key: certs.good.key.clone(),
        },
    ))));
    let port = tls::opened(&server).port();
    let file = certs.dir.path().join("payload.bin");
    let payload: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&file, &payload).unwrap();
    let sender = tls::open(client_config(port, trusting(&certs.ca)));
    connected(&sender);
    sender.send(Command::SendFile {
        to: Target::Default,
        path: file,
        datagram_bytes: 1024,
    });
    tls::wait_for(&sender, "the file's end", |event| match event {
        Event::FileProgress { sent, total } if sent == total => Some(()),
        Event::FileAborted { reason, .. } => panic!("the file stopped: {reason}"),
        _ => None,
    });
    let mut got = Vec::new();
    tls::wait_for(&server, "the whole file", |event| {
        if let Event::Received(chunks) = event {
            for chunk in chunks.iter() {
                got.extend_from_slice(chunk.bytes);
            }
        }
        (got.len() >= payload.len()).then_some(())
    });
    assert!(got == payload, "the file arrived changed");
}

#[test]
fn alpn_and_the_minimum_version_are_negotiated_with_openssl() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    // Our client offers ALPN; s_server picks from its own list.
    let (_server, port) = s_server(&certs.good, &["-alpn", "mqtt,h2"]);
    let client = tls::open(client_config(
        port,
        TlsClientOptions {
            alpn: vec!["h2".to_owned(), "http/1.1".to_owned()],
            ..trusting(&certs.ca)
        },
    ));
    let info = established(&client);
    assert_eq!(
        info.alpn.map(|p| p.as_received().to_owned()),
        Some("h2".to_owned())
    );

    // A client that wants TLS 1.3 and a server that speaks only 1.2.
    let (_server, port) = s_server(&certs.good, &["-tls1_2"]);
    let client = tls::open(client_config(
        port,
        TlsClientOptions {
            min_version: TlsVersion::Tls13,
            ..trusting(&certs.ca)
        },
    ));
    let problem = tls::tls_event(&client, "the refused handshake", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        TlsEvent::Established { info, .. } => panic!("connected with {}", info.version),
        _ => None,
    });
    assert!(
        matches!(problem, TlsProblem::NoCommonParameters { .. }),
        "{problem:?}"
    );

    // Our server's ALPN list, to s_client's offer.
    let mut options = TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
        cert: certs.good.cert.clone(),
        key: certs.good.key.clone(),
    }));
    options.alpn = vec!["mqtt".to_owned()];
    let server = tls::open(server_config(options));
    let port = tls::opened(&server).port();
    let _client = s_client(port, &certs.ca, &["-alpn", "h2,mqtt"]);
    let info = established(&server);
    assert_eq!(
        info.alpn.map(|p| p.as_received().to_owned()),
        Some("mqtt".to_owned())
    );
}

#[test]
fn a_server_that_requests_a_certificate_takes_any_and_none() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    let mut options = TlsServerOptions::new(ServerIdentity::Files(CertKeyPaths {
        cert: certs.good.cert.clone(),
        key: certs.good.key.clone(),
    }));
    options.client_auth = ClientAuth::Request;
    let server = tls::open(server_config(options));
    let port = tls::opened(&server).port();
    // A self-signed client certificate no CA vouches for: taken, reported.
    let with = s_client(
        port,
        &certs.ca,
        &[
            "-cert",
            path_str(&certs.self_signed.cert),
            "-key",
            path_str(&certs.self_signed.key),
        ],
    );
    let info = established(&server);
    assert_eq!(info.chain.len(), 1);
    assert_eq!(info.chain[0].subject.as_received(), "CN=127.0.0.1");
    connected(&server);
    drop(with);
    let _without = s_client(port, &certs.ca, &[]);
    let info = established(&server);
    assert!(info.chain.is_empty());
}

#[test]
fn a_client_that_does_not_trust_our_server_is_said_to_refuse_it() {
    if !peer_tool("openssl") {
        return;
    }
    let certs = Certs::new();
    let server = tls::open(server_config(TlsServerOptions::new(ServerIdentity::Files(
        CertKeyPaths {
            cert: certs.self_signed.cert.clone(),
            key: certs.self_signed.key.clone(),
        },
    ))));
    let port = tls::opened(&server).port();
    // s_client trusts only the test CA, which did not sign this one.
    let _client = s_client(port, &certs.ca, &["-tls1_3"]);
    let problem = tls::tls_event(&server, "the refusal", |event| match event {
        TlsEvent::HandshakeFailed { problem, .. } => Some(problem.clone()),
        _ => None,
    });
    match problem {
        TlsProblem::PeerRefusedCertificate { alert } => {
            assert!(
                alert.contains("unknown_ca") || alert.contains("certificate"),
                "{alert}"
            )
        }
        other => panic!("the refusal was {other:?}"),
    }
}

/// A server whose first data travels with its last handshake flight (a
/// TLS 1.2 rustls server writing before the handshake ends sends it right
/// after its Finished message, in the same write): our client reads it at
/// once, though the poller will not report those bytes again.
#[test]
fn data_sent_with_the_servers_finished_message_is_read() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    let certs = Certs::new();
    let chain = netassist_engine::net::tls::load_certs(&certs.good.cert).unwrap();
    let key = netassist_engine::net::tls::load_key(&certs.good.key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS12])
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket.set_read_timeout(Some(tls::WAIT)).unwrap();
        let mut server = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        // Written now, sent by rustls right after its Finished message.
        server.writer().write_all(b"greetings").unwrap();
        while server.is_handshaking() {
            server.complete_io(&mut socket).unwrap();
        }
        while server.wants_write() {
            server.write_tls(&mut socket).unwrap();
        }
        // Wait for the client to leave.
        let mut rest = Vec::new();
        let _ = socket.read_to_end(&mut rest);
    });
    let client = tls::open(client_config(port, trusting(&certs.ca)));
    connected(&client);
    tls::receive_exactly(&client, b"greetings");
    drop(client);
    peer.join().unwrap();
}

#[test]
fn our_client_and_server_meet_over_ipv6_with_the_address_checked() {
    if !netassist_test_support::require_ipv6() {
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let local: SocketAddr = "[::1]:0".parse().unwrap();
    let server = tls::open(SessionConfig::TlsServer(TlsServerConfig::new(
        TcpServerConfig::new(local, 4),
        TlsServerOptions::new(ServerIdentity::SelfSigned {
            names: Vec::new(),
            folder: folder.path().to_owned(),
        }),
    )));
    let port = tls::opened(&server).port();
    let cert = folder
        .path()
        .join(netassist_engine::net::tls::SELF_SIGNED_CERT_FILE);
    let client = tls::open(SessionConfig::TlsClient(TlsClientConfig::new(
        TcpClientConfig::new(Endpoint::parse(&format!("[::1]:{port}")).unwrap()),
        trusting(&cert),
    )));
    let info = established(&client);
    let names: Vec<&str> = info.chain[0]
        .names
        .iter()
        .map(|n| n.as_received())
        .collect();
    assert_eq!(
        names,
        ["localhost", "127.0.0.1", "::1"],
        "the default names"
    );
    connected(&client);
    send(&client, b"over ::1");
    tls::receive_exactly(&server, b"over ::1");
}

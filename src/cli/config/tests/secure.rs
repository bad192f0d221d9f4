//! The TLS and WebSocket modes' flags: each bad value gives its own
//! sentence, good ones the engine's config.

use super::*;
use crate::net::tls::{ClientAuth, DEFAULT_HANDSHAKE_TIMEOUT, ServerIdentity, Verify};
use crate::text::Framing;

/// A file that exists, for the flags that read one.
fn some_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("some.pem");
    std::fs::write(&path, "not read here").unwrap();
    let path = path.display().to_string();
    (dir, path)
}

#[test]
fn a_tls_client_takes_its_verification_sni_alpn_and_version() {
    let plan = validate(&parse(&[
        "--mode",
        "tls-client",
        "--remote",
        "127.0.0.1:8443",
        "--insecure",
        "--server-name",
        "device.local",
        "--alpn",
        "h2, http/1.1",
        "--min-tls",
        "1.3",
        "--framing",
        "delimiter:0A",
    ]))
    .unwrap();
    let SessionConfig::TlsClient(config) = plan.session else {
        panic!("not a TLS client: {:?}", plan.session);
    };
    assert_eq!(config.tcp.remote.port, 8443);
    assert_eq!(config.tls.verify, Verify::Insecure);
    assert_eq!(config.tls.server_name.as_deref(), Some("device.local"));
    assert_eq!(config.tls.alpn, vec!["h2", "http/1.1"]);
    assert_eq!(config.tls.min_version, crate::net::tls::TlsVersion::Tls13);
    assert!(!matches!(config.tcp.framing, Framing::None));
    assert!(plan.read_stdin);
}

/// `--pin-sha256` trusts a certificate by the fingerprint a refusal
/// prints, in any of the forms people copy (issue 22, 1).
#[test]
fn a_tls_client_takes_pinned_fingerprints_and_refuses_what_is_not_one() {
    let fingerprint = crate::net::tls::sha256_fingerprint(b"a device");
    let bare = fingerprint.replace(':', "").to_lowercase();
    let plan = validate(&parse(&[
        "--mode",
        "tls-client",
        "--remote",
        "127.0.0.1:8443",
        "--pin-sha256",
        &bare,
    ]))
    .unwrap();
    let SessionConfig::TlsClient(config) = plan.session else {
        panic!("not a TLS client: {:?}", plan.session);
    };
    assert_eq!(config.tls.pinned, vec![fingerprint]);
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-client",
            "--remote",
            "127.0.0.1:1",
            "--pin-sha256",
            "AB:CD"
        ]),
        "--pin-sha256: 'AB:CD' is not a SHA-256 fingerprint: give 64 hex digits, with or without colons (as openssl x509 -fingerprint -sha256 prints)"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-server",
            "--local",
            "127.0.0.1:0",
            "--pin-sha256",
            &bare
        ]),
        "--pin-sha256 does not apply to --mode tls-server"
    );
}

#[test]
fn tls_flags_refuse_bad_values_with_a_sentence() {
    let (_dir, file) = some_file();
    assert_eq!(
        refusal(&["--mode", "tls-client"]),
        "tls-client needs --remote ADDR, the address to connect to, for example --remote 127.0.0.1:8080"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-client",
            "--remote",
            "127.0.0.1:1",
            "--alpn",
            "h2,中"
        ]),
        "--alpn: '中' is not an ALPN protocol name: use names such as h2 or http/1.1, separated by commas"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-client",
            "--remote",
            "127.0.0.1:1",
            "--insecure",
            "--ca",
            &file
        ]),
        "--insecure and --ca both say how the server's certificate is checked: give one of them"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-client",
            "--remote",
            "127.0.0.1:1",
            "--cert",
            &file
        ]),
        "--cert needs --key too: a certificate and its private key go together"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-client",
            "--remote",
            "127.0.0.1:1",
            "--ca",
            "/no/such/ca.pem"
        ]),
        "--ca '/no/such/ca.pem' does not exist"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-server",
            "--local",
            "127.0.0.1:0",
            "--self-signed",
            " , "
        ]),
        "--self-signed: no names for the certificate: give the host names or addresses clients connect to, for example localhost,127.0.0.1"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-server",
            "--local",
            "127.0.0.1:0",
            "--cert",
            &file,
            "--key",
            &file,
            "--self-signed"
        ]),
        "--cert and --self-signed both say where the certificate comes from: give one of them"
    );
    assert_eq!(
        refusal(&["--mode", "tls-server"]),
        "tls-server needs --local ADDR, the address to listen on, for example --local 0.0.0.0:8443 (port 0: any free port)"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-server",
            "--local",
            "127.0.0.1:0",
            "--handshake-timeout",
            "0"
        ]),
        "--handshake-timeout '0' is not valid: it must be a number of seconds above 0"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tls-server",
            "--local",
            "127.0.0.1:0",
            "--insecure"
        ]),
        "--insecure does not apply to --mode tls-server"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tcp-client",
            "--remote",
            "127.0.0.1:1",
            "--alpn",
            "h2"
        ]),
        "--alpn does not apply to --mode tcp-client"
    );
}

#[test]
fn a_tls_server_without_a_certificate_serves_a_self_signed_one_for_the_default_names() {
    let plan = validate(&parse(&[
        "--mode",
        "tls-server",
        "--local",
        "127.0.0.1:0",
        "--request-client-cert",
        "--max-clients",
        "3",
    ]))
    .unwrap();
    let SessionConfig::TlsServer(config) = plan.session else {
        panic!("not a TLS server: {:?}", plan.session);
    };
    let ServerIdentity::SelfSigned { names, folder } = &config.tls.identity else {
        panic!("not self-signed: {:?}", config.tls.identity);
    };
    assert_eq!(names, &["localhost", "127.0.0.1", "::1"]);
    assert_eq!(Some(folder.clone()), crate::folders::self_signed_folder());
    assert_eq!(config.tls.client_auth, ClientAuth::Request);
    assert_eq!(config.handshake_timeout, DEFAULT_HANDSHAKE_TIMEOUT);
    assert_eq!(config.tcp.max_clients, 3);

    let (_dir, file) = some_file();
    let plan = validate(&parse(&[
        "--mode",
        "tls-server",
        "--local",
        "127.0.0.1:0",
        "--cert",
        &file,
        "--key",
        &file,
        "--ca",
        &file,
    ]))
    .unwrap();
    let SessionConfig::TlsServer(config) = plan.session else {
        panic!("not a TLS server");
    };
    assert!(matches!(config.tls.identity, ServerIdentity::Files(_)));
    assert!(matches!(config.tls.client_auth, ClientAuth::Require(_)));
}

#[test]
fn a_ws_client_takes_its_url_headers_and_subprotocols() {
    let plan = validate(&parse(&[
        "--mode",
        "ws-client",
        "--url",
        "ws://[::1]:9000/chat?room=1",
        "--header",
        "Authorization: Bearer abc",
        "--header",
        "X-Test: 1",
        "--subprotocol",
        "chat",
        "--subprotocol",
        "mqtt",
    ]))
    .unwrap();
    let SessionConfig::WsClient(config) = plan.session else {
        panic!("not a WebSocket client: {:?}", plan.session);
    };
    assert_eq!(config.url.to_url(), "ws://[::1]:9000/chat?room=1");
    assert_eq!(
        config.headers,
        vec![
            ("Authorization".to_owned(), "Bearer abc".to_owned()),
            ("X-Test".to_owned(), "1".to_owned())
        ]
    );
    assert_eq!(config.subprotocols, vec!["chat", "mqtt"]);
}

#[test]
fn ws_flags_refuse_bad_values_with_a_sentence() {
    assert_eq!(
        refusal(&["--mode", "ws-client"]),
        "ws-client needs --url URL, for example --url ws://127.0.0.1:8080/chat"
    );
    assert_eq!(
        refusal(&["--mode", "ws-client", "--url", "http://a/"]),
        "--url: 'http://a/' does not start with ws:// or wss://: use ws://HOST:PORT/PATH, for example ws://127.0.0.1:8080/chat"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "ws-client",
            "--url",
            "ws://a/",
            "--header",
            "no colon"
        ]),
        "--header: 'no colon' is not a header: write one 'Name: value' a line, for example 'Authorization: Bearer abc'"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "ws-client",
            "--url",
            "ws://a/",
            "--subprotocol",
            "a/b"
        ]),
        "--subprotocol: 'a/b' is not a subprotocol name: use names such as chat or mqtt, separated by commas"
    );
    assert_eq!(
        refusal(&["--mode", "ws-client", "--url", "ws://a/", "--insecure"]),
        "--insecure only applies to wss:// URLs; this --url is ws://"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "ws-client",
            "--url",
            "ws://a/",
            "--remote",
            "127.0.0.1:1"
        ]),
        "--remote does not apply to --mode ws-client"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "ws-client",
            "--url",
            "ws://a/",
            "--framing",
            "fixed:4"
        ]),
        "--framing does not apply to --mode ws-client"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "ws-server",
            "--local",
            "127.0.0.1:0",
            "--request-client-cert"
        ]),
        "--request-client-cert only applies to a ws-server over TLS: give --cert and --key, or --self-signed, to serve wss://"
    );
    assert_eq!(
        refusal(&["--mode", "ws-server"]),
        "ws-server needs --local ADDR, the address to listen on, for example --local 0.0.0.0:8080 (port 0: any free port)"
    );
}

#[test]
fn a_ws_server_is_plain_unless_given_a_certificate() {
    let plan = validate(&parse(&[
        "--mode",
        "ws-server",
        "--local",
        "127.0.0.1:0",
        "--path",
        "/chat",
        "--subprotocol",
        "chat",
    ]))
    .unwrap();
    let SessionConfig::WsServer(config) = plan.session else {
        panic!("not a WebSocket server: {:?}", plan.session);
    };
    assert_eq!(config.path, "/chat");
    assert_eq!(config.subprotocols, vec!["chat"]);
    assert!(config.tls.is_none());
    let plan = validate(&parse(&[
        "--mode",
        "ws-server",
        "--local",
        "127.0.0.1:0",
        "--self-signed",
        "example.test",
    ]))
    .unwrap();
    let SessionConfig::WsServer(config) = plan.session else {
        panic!("not a WebSocket server");
    };
    let tls = config.tls.expect("wss");
    assert!(
        matches!(&tls.identity, ServerIdentity::SelfSigned { names, .. } if names == &["example.test"])
    );
}

/// One handshake-timeout rule on both sides: the clients take
/// `--handshake-timeout` as the servers do, for their whole opening.
#[test]
fn the_clients_take_the_handshake_timeout_as_the_servers_do() {
    for (mode, address_flag, address, seconds, expected) in [
        ("tls-client", "--remote", "127.0.0.1:8443", "2.5", 2500),
        ("ws-client", "--url", "ws://127.0.0.1:8080/", "0.5", 500),
    ] {
        let plan = validate(&parse(&[
            "--mode",
            mode,
            address_flag,
            address,
            "--handshake-timeout",
            seconds,
        ]))
        .unwrap();
        let timeout = match &plan.session {
            SessionConfig::TlsClient(config) => config.handshake_timeout,
            SessionConfig::WsClient(config) => config.handshake_timeout,
            other => panic!("not a {mode}: {other:?}"),
        };
        assert_eq!(timeout, Duration::from_millis(expected), "{mode}");
    }
    assert_eq!(
        refusal(&[
            "--mode",
            "tcp-client",
            "--remote",
            "127.0.0.1:1",
            "--handshake-timeout",
            "1"
        ]),
        "--handshake-timeout does not apply to --mode tcp-client"
    );
}

//! Issue 14 on the command line: the real binary as TLS server and client
//! (the server's self-signed certificate made in a test folder, the client
//! trusting exactly it with `--ca`) and as WebSocket server and client,
//! each printing its TLS and WS lines. Loopback only; every wait bounded.

use crate::common;
use common::{Process, listening_addr};

/// The self-signed certificate the server made, in the settings folder's
/// `tls` folder (XDG_DATA_HOME/netassist/tls on Linux).
#[cfg(target_os = "linux")]
#[test]
fn a_tls_client_trusts_the_servers_generated_certificate_and_both_talk() {
    let data_home = tempfile::tempdir().unwrap();
    let mut server = Process::netassist_with_data_home(
        data_home.path(),
        &[
            "--mode",
            "tls-server",
            "--local",
            "127.0.0.1:0",
            "--send",
            "hello tls client",
        ],
    );
    let local = listening_addr(&server.expect_line("LISTENING"));
    let identity = server.expect_line("TLS certificate for localhost, 127.0.0.1, ::1");
    assert!(
        identity.contains("(self-signed, generated now), SHA-256 "),
        "{identity}"
    );
    let cert = data_home
        .path()
        .join("netassist/tls/netassist-tls-cert.pem");
    assert!(
        cert.is_file(),
        "the certificate is kept in the settings folder"
    );

    let mut client = Process::netassist(&[
        "--mode",
        "tls-client",
        "--remote",
        &local.to_string(),
        "--ca",
        cert.to_str().unwrap(),
        "--min-tls",
        "1.3",
    ]);
    let established = client.expect_line("TLS 127.0.0.1:");
    assert!(established.contains("TLS 1.3"), "{established}");
    assert!(
        established.contains("certificate 1: subject CN=localhost"),
        "{established}"
    );
    client.expect_line("CONNECTED");
    client.expect_line("RX 127.0.0.1");
    client.write_line("hi tls server");
    server.expect_line("RX 127.0.0.1");
    assert!(server.seen_with("hi tls server").len() == 1);

    // A second run reuses the certificate: its fingerprint is the same.
    drop(server);
    let mut again = Process::netassist_with_data_home(
        data_home.path(),
        &["--mode", "tls-server", "--local", "127.0.0.1:0"],
    );
    let reused = again.expect_line("TLS certificate for");
    assert!(reused.contains("(loaded)"), "{reused}");
    let fingerprint = |line: &str| {
        line.split("SHA-256 ")
            .nth(1)
            .map(|rest| rest[..95].to_owned())
    };
    assert_eq!(fingerprint(&reused), fingerprint(&identity));
}

#[test]
fn a_ws_client_talks_with_a_ws_server_on_a_path() {
    let mut server = Process::netassist(&[
        "--mode",
        "ws-server",
        "--local",
        "127.0.0.1:0",
        "--path",
        "/chat",
        "--subprotocol",
        "chat",
    ]);
    let local = listening_addr(&server.expect_line("LISTENING"));
    let url = format!("ws://127.0.0.1:{}/chat?room=1", local.port());
    let mut client = Process::netassist(&[
        "--mode",
        "ws-client",
        "--url",
        &url,
        "--subprotocol",
        "chat",
        "--header",
        "X-Test: 1",
        "--send",
        "hello ws server",
    ]);
    let handshake = server.expect_line("WS HANDSHAKE");
    assert!(
        handshake.contains("/chat?room=1 subprotocol chat"),
        "{handshake}"
    );
    server.expect_line("RX 127.0.0.1");
    assert_eq!(server.seen_with("hello ws server").len(), 1);
    server.write_line("hello ws client");
    client.expect_line("RX 127.0.0.1");
    assert_eq!(client.seen_with("hello ws client").len(), 1);
}

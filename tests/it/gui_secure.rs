//! Issue 14 in the window: the TLS client and server and the WebSocket
//! client and server, turned on through their controls (found by label),
//! against real peers on 127.0.0.1: `openssl s_server` / `s_client` and
//! Python's `websockets` (tests/peers/ws_peer.py). Every wait is bounded
//! and waits for what the user would see or the peer would get.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::gui::App;
use netassist::gui::settings::Settings;
use netassist::gui::workbench::SessionState;
use netassist::net::Protocol;

use crate::common;
use common::gui::{
    choose, english_settings, harness, harness_sized, run_after_network_click, set_field,
    set_number, step_until, type_into_send_box,
};
use common::secure::{ClientCa, SelfSigned, have_websockets};
use common::{Process, peer_tool};

fn log_has(harness: &Harness<'static, App>, text: &str) -> bool {
    harness.state().workbench().log_text().contains(text)
}

fn click(harness: &mut Harness<'static, App>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    run_after_network_click(harness);
}

fn send_text(harness: &mut Harness<'static, App>, text: &str) {
    type_into_send_box(harness, text);
    harness.get_by_label("Send").click();
    run_after_network_click(harness);
}

/// `openssl s_server` with `cert`, and the port it accepts on.
fn s_server(cert: &SelfSigned) -> (Process, u16) {
    let mut server = Process::tool(
        "openssl",
        &[
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-cert",
            cert.cert_str(),
            "-key",
            cert.key_str(),
        ],
    );
    let line = server.expect_line("ACCEPT");
    let port = line
        .rsplit(':')
        .next()
        .and_then(|port| port.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (server, port)
}

/// The window's TLS client refused by `openssl s_server` with a
/// self-signed certificate the system's trust store does not know: the
/// log says what is wrong in a sentence, and the session ends. `None`
/// without openssl.
fn refused_by_the_system_store() -> Option<(Harness<'static, App>, Process)> {
    if !peer_tool("openssl") {
        return None;
    }
    let cert = SelfSigned::for_loopback();
    let (server, port) = s_server(&cert);
    let mut harness = harness(english_settings(Protocol::TlsClient));
    harness.run();
    set_field(&mut harness, "Remote host addr", "127.0.0.1");
    set_field(&mut harness, "Remote host port", &port.to_string());
    click(&mut harness, "Connect");
    step_until(&mut harness, "the handshake's refusal", |h| {
        log_has(h, "the certificate is self-signed")
            && h.state().workbench().state() == SessionState::Closed
    });
    Some((harness, server))
}

#[test]
fn a_tls_client_says_why_it_refuses_a_self_signed_server_and_connects_once_told_to_ignore_it() {
    let Some((mut harness, mut server)) = refused_by_the_system_store() else {
        return;
    };
    assert!(
        harness
            .query_by_label("Not secure: certificate errors ignored")
            .is_none(),
        "nothing is ignored yet"
    );

    // "Ignore certificate errors", through its control.
    choose(
        &mut harness,
        "Certificate check",
        "Ignore certificate errors",
    );
    click(&mut harness, "Connect");
    step_until(&mut harness, "the connection", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Connected { .. }
        )
    });
    let log = harness.state().workbench().log_text();
    assert!(
        log.contains("WARNING certificate errors are ignored"),
        "{log}"
    );
    // The certificate's rows: version, subject, issuer, SHA-256.
    assert!(log.contains("certificate 1: subject CN=127.0.0.1"), "{log}");
    assert!(log.contains("issuer CN=127.0.0.1"), "{log}");
    assert!(log.contains("SHA-256 "), "{log}");
    assert!(log.contains("TLS 1.3") || log.contains("TLS 1.2"), "{log}");
    // Marked in the status bar while the session runs.
    harness.run();
    assert!(
        harness
            .query_by_label("Not secure: certificate errors ignored")
            .is_some()
    );

    send_text(&mut harness, "hello over tls\\n");
    server.expect_line("hello over tls");
    server.write_line("from openssl");
    step_until(&mut harness, "openssl's line", |h| {
        log_has(h, "from openssl")
    });

    click(&mut harness, "Disconnect");
    step_until(&mut harness, "the close", |h| {
        h.state().workbench().state() == SessionState::Closed
    });
    assert!(
        harness
            .query_by_label("Not secure: certificate errors ignored")
            .is_none()
    );
}

/// A refused certificate is shown as presented, beside the fields, with a
/// button that trusts it in this tab (pins its SHA-256) and connects
/// (issue 22, 1): a device's own certificate without "ignore certificate
/// errors" for every server.
#[test]
fn a_refused_certificate_is_shown_and_trusting_it_in_the_tab_connects() {
    let Some((mut harness, mut server)) = refused_by_the_system_store() else {
        return;
    };
    assert_eq!(
        harness
            .query_all_by_label_contains("the certificate is self-signed")
            .count(),
        2,
        "the sentence in the log and beside the fields"
    );
    let log = harness.state().workbench().log_text();
    let presented = log
        .lines()
        .position(|line| line.contains("presented certificate 1: subject CN=127.0.0.1"))
        .unwrap_or_else(|| panic!("no presented certificate row in {log}"));
    let refusal = log
        .lines()
        .position(|line| line.contains("handshake failed"))
        .unwrap_or_else(|| panic!("no refusal in {log}"));
    assert!(presented < refusal, "what was refused comes first: {log}");
    harness.run();
    assert!(
        harness
            .query_by_label("The server's certificate was refused:")
            .is_some()
    );
    // The sentence is read whole beside the fields, wrapped, in an
    // 800×600 window whatever the log's 自动换行.
    harness.set_size(egui::Vec2::new(800.0, 600.0));
    harness.run_steps(4);
    let failures = crate::gui_layout::layout_failures(&harness);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Beside the fields (its row in the log is the other).
    assert_eq!(
        harness
            .query_all_by_label_contains("subject CN=127.0.0.1")
            .count(),
        2
    );
    click(
        &mut harness,
        "Trust this certificate in this tab and connect",
    );
    step_until(&mut harness, "the trusted connection", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Connected { .. }
        )
    });
    assert_eq!(harness.state().workbench().pinned().len(), 1);
    send_text(&mut harness, "pinned hello\n");
    server.expect_line("pinned hello");
    assert!(
        harness
            .query_by_label("The server's certificate was refused:")
            .is_none(),
        "nothing refused once connected"
    );
}

/// A TLS server on 127.0.0.1 (any port) whose self-signed certificate is
/// kept in `folder`, not in the user's settings folder.
fn tls_server_settings(folder: &std::path::Path) -> Settings {
    let mut settings = english_settings(Protocol::TlsServer);
    settings.sec.self_signed_folder = Some(folder.to_owned());
    settings
}

#[test]
fn a_tls_server_shows_its_fingerprint_and_talks_with_openssl_s_client() {
    if !peer_tool("openssl") {
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let mut harness = harness(tls_server_settings(folder.path()));
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    set_field(&mut harness, "Names", "127.0.0.1, localhost");
    click(&mut harness, "Listen");
    step_until(&mut harness, "the server to listen", |h| {
        matches!(h.state().workbench().state(), SessionState::Open { .. })
            && h.state().workbench().security().fingerprint.is_some()
    });
    harness.run();
    let fingerprint = harness
        .state()
        .workbench()
        .security()
        .fingerprint
        .clone()
        .unwrap();
    // Shown, with its copy button, and in the log with the names.
    assert!(harness.query_by_label("SHA-256 fingerprint").is_some());
    assert!(log_has(&harness, &fingerprint));
    assert!(log_has(&harness, "127.0.0.1, localhost"));
    harness.get_by_label("Copy").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("Fingerprint copied")
            .is_some()
    );

    let SessionState::Open { local } = harness.state().workbench().state() else {
        unreachable!()
    };
    let connect = format!("127.0.0.1:{}", local.port());
    let mut client = Process::tool("openssl", &["s_client", "-connect", &connect, "-quiet"]);
    step_until(&mut harness, "the client's row", |h| {
        h.state().workbench().clients().len() == 1
    });
    assert!(log_has(&harness, "TLS 127.0.0.1:"));
    send_text(&mut harness, "hello s_client\\n");
    client.expect_line("hello s_client");
    client.write_line("from s_client");
    step_until(&mut harness, "s_client's line", |h| {
        log_has(h, "from s_client")
    });
    // The certificate was made in the test's folder and is reused.
    assert!(
        std::fs::read_dir(folder.path()).unwrap().count() >= 2,
        "a certificate and its key in the folder given"
    );
}

#[test]
fn a_tls_server_given_a_client_ca_refuses_a_client_without_its_certificate_and_lets_one_in() {
    if !peer_tool("openssl") {
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let clients = ClientCa::generate();
    let mut harness = harness(tls_server_settings(folder.path()));
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    // The CA file's field shows once client certificates are asked for.
    assert!(harness.query_by_label("Client CA file").is_none());
    harness.get_by_label("Request client certificate").click();
    harness.run();
    set_field(&mut harness, "Client CA file", clients.ca.to_str().unwrap());
    click(&mut harness, "Listen");
    step_until(&mut harness, "the server to listen", |h| {
        matches!(h.state().workbench().state(), SessionState::Open { .. })
    });
    let SessionState::Open { local } = harness.state().workbench().state() else {
        unreachable!()
    };
    let connect = format!("127.0.0.1:{}", local.port());

    // Without a certificate: refused, with the sentence that says why.
    let _refused = Process::tool("openssl", &["s_client", "-connect", &connect, "-quiet"]);
    step_until(&mut harness, "the refusal's sentence", |h| {
        log_has(
            h,
            "the peer showed no certificate, and this server requires one",
        )
    });
    assert!(harness.state().workbench().clients().is_empty());

    // With one the CA signed: in, shown with its subject, and heard.
    let mut client = Process::tool(
        "openssl",
        &[
            "s_client",
            "-connect",
            &connect,
            "-quiet",
            "-cert",
            clients.client_cert.to_str().unwrap(),
            "-key",
            clients.client_key.to_str().unwrap(),
        ],
    );
    step_until(&mut harness, "the certified client's row", |h| {
        h.state().workbench().clients().len() == 1
    });
    assert!(log_has(&harness, "CN=window-test-client"));
    client.write_line("from a certified client");
    step_until(&mut harness, "the certified client's line", |h| {
        log_has(h, "from a certified client")
    });
}

/// Python's websockets as a server that echoes, and its port.
fn ws_server() -> Process {
    Process::peer(
        "ws_peer.py",
        &["server", "--host", "127.0.0.1", "--port", "0"],
    )
}

#[test]
fn a_ws_client_sends_text_and_hex_as_binary_pings_and_closes_with_a_code() {
    if !have_websockets() {
        return;
    }
    let mut server = ws_server();
    let port = server.listening_port();
    let mut harness = harness(english_settings(Protocol::WsClient));
    harness.run();
    set_field(&mut harness, "URL", &format!("ws://127.0.0.1:{port}/chat"));
    click(&mut harness, "Connect");
    step_until(&mut harness, "the handshake", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Connected { .. }
        )
    });
    server.expect_line("\"path\": \"/chat\"");

    send_text(&mut harness, "hello ws");
    server.expect_line(r#"{"event": "text", "data": "hello ws"}"#);
    // The server echoes it: one message, one row.
    step_until(&mut harness, "the echo", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });
    assert!(log_has(&harness, "hello ws"));

    // HEX sends bytes: a binary message, even bytes that would read as
    // UTF-8 text.
    harness.get_by_label("HEX send").click();
    harness.run();
    send_text(&mut harness, "41 42 43");
    server.expect_line(r#"{"event": "binary", "hex": "414243"}"#);

    click(&mut harness, "Ping");
    step_until(&mut harness, "the pong's row", |h| log_has(h, "PONG from"));

    set_number(&mut harness, "Close code", 4000);
    set_field(&mut harness, "Close reason", "bye");
    click(&mut harness, "Send close");
    server.expect_line(r#""code": 4000, "reason": "bye""#);
    assert!(log_has(&harness, "code 4000 'bye'"));
    step_until(&mut harness, "the session to end", |h| {
        h.state().workbench().state() == SessionState::Closed
    });
}

#[test]
fn a_ws_server_serves_two_clients_with_their_paths_one_and_then_both() {
    if !have_websockets() {
        return;
    }
    // Wide enough for the client table (with its path column) beside the
    // send box.
    let settings = english_settings(Protocol::WsServer);
    let mut harness = harness_sized(settings, [1400.0, 800.0]);
    harness.run();
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    click(&mut harness, "Listen");
    step_until(&mut harness, "the server to listen", |h| {
        matches!(h.state().workbench().state(), SessionState::Open { .. })
    });
    let SessionState::Open { local } = harness.state().workbench().state() else {
        unreachable!()
    };
    let url = |path: &str| format!("ws://127.0.0.1:{}{path}", local.port());
    let mut first = Process::peer("ws_peer.py", &["client", &url("/one")]);
    first.expect_line("\"event\": \"open\"");
    let mut second = Process::peer("ws_peer.py", &["client", &url("/two")]);
    second.expect_line("\"event\": \"open\"");
    step_until(&mut harness, "two clients with their paths", |h| {
        let clients = h.state().workbench().clients();
        clients.len() == 2 && clients.iter().all(|c| c.ws_path.is_some())
    });
    // The table shows each client's path.
    harness.run();
    assert!(harness.query_by_label("/one").is_some());
    assert!(harness.query_by_label("/two").is_some());

    // One client, picked in the send-target list (the compact form of
    // the table's ticks).
    harness.get_by_label("Compact").click();
    harness.run();
    let first_peer = harness.state().workbench().clients()[0].peer;
    choose(&mut harness, "Send to:", &first_peer.to_string());
    send_text(&mut harness, "only to one");
    first.expect_line(r#"{"event": "text", "data": "only to one"}"#);

    // Then both.
    choose(&mut harness, "Send to:", "All connections (2)");
    send_text(&mut harness, "to both");
    first.expect_line(r#"{"event": "text", "data": "to both"}"#);
    // The second client's first message is the broadcast: the one before
    // went to the first client only.
    let line = second.expect_line("\"event\": \"text\"");
    assert!(line.contains("to both"), "{line}");
}

#[test]
fn a_wss_client_trusts_the_ca_file_chosen_and_talks_with_websockets_over_tls() {
    if !have_websockets() {
        return;
    }
    let cert = SelfSigned::for_loopback();
    let mut server = Process::peer(
        "ws_peer.py",
        &[
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--cert",
            cert.cert_str(),
            "--key",
            cert.key_str(),
        ],
    );
    let port = server.listening_port();
    let mut harness = harness(english_settings(Protocol::WsClient));
    harness.run();
    // A wss:// URL shows the TLS client's fields.
    set_field(
        &mut harness,
        "URL",
        &format!("wss://127.0.0.1:{port}/secure"),
    );
    choose(&mut harness, "Certificate check", "CA file");
    set_field(&mut harness, "CA file", cert.cert_str());
    click(&mut harness, "Connect");
    step_until(&mut harness, "the TLS and WebSocket handshakes", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Connected { .. }
        )
    });
    assert!(log_has(&harness, "certificate 1: subject CN=127.0.0.1"));
    send_text(&mut harness, "over wss");
    server.expect_line(r#"{"event": "text", "data": "over wss"}"#);
}

#[test]
fn every_bad_tls_and_websocket_field_gets_a_sentence_and_opens_nothing() {
    let cases: [(Protocol, &str, &str, &str); 4] = [
        (
            Protocol::WsClient,
            "URL",
            "http://127.0.0.1/",
            "does not start with ws:// or wss://",
        ),
        (
            Protocol::WsClient,
            "Subprotocols",
            "a/b",
            "'a/b' is not a subprotocol name",
        ),
        (
            Protocol::TlsClient,
            "ALPN",
            "h2, 中",
            "'中' is not an ALPN protocol name",
        ),
        (
            Protocol::TlsServer,
            "Names",
            " , ",
            "no names for the certificate",
        ),
    ];
    for (protocol, field, text, sentence) in cases {
        let mut settings = english_settings(protocol);
        // Never written: the names are refused first.
        settings.sec.self_signed_folder = Some(std::env::temp_dir().join("netassist-never"));
        let mut harness = harness(settings);
        harness.run();
        set_field(&mut harness, field, text);
        let open = match protocol {
            Protocol::TlsServer | Protocol::WsServer => "Listen",
            _ => "Connect",
        };
        click(&mut harness, open);
        harness.run();
        assert!(
            harness.query_by_label_contains(sentence).is_some(),
            "{protocol:?} {field} {text:?}: no sentence {sentence:?}"
        );
        assert!(!harness.state().workbench().is_active());
    }
    // A header line without a colon, in the multi-line box.
    let mut harness = harness(english_settings(Protocol::WsClient));
    harness.run();
    common::gui::type_into(
        &mut harness,
        Role::MultilineTextInput,
        "Extra headers",
        "X-Test 1",
    );
    click(&mut harness, "Connect");
    harness.run();
    assert!(
        harness
            .query_by_label_contains("'X-Test 1' is not a header")
            .is_some()
    );
    assert!(!harness.state().workbench().is_active());
}

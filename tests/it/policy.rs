//! One policy for both front ends: a fresh window tab and the command line
//! with the same addresses open the same session, because both take their
//! defaults and parse rules from the engine.

use clap::Parser;
use netassist::cli::Args;
use netassist::cli::config::validate;
use netassist::gui::i18n::Lang;
use netassist::gui::session_config::{session_config, tftp_client_config};
use netassist::gui::settings::Settings;
use netassist::net::{Protocol, SessionConfig};

/// What the CLI opens with these flags (after `--headless`).
fn cli_config(flags: &[&str]) -> SessionConfig {
    let mut argv = vec!["netassist", "--headless"];
    argv.extend_from_slice(flags);
    let args = Args::try_parse_from(argv).expect("clap accepts these flags");
    match validate(&args) {
        Ok(plan) => plan.session,
        Err(e) => panic!("{flags:?} was refused: {e}"),
    }
}

/// What a fresh window tab of `protocol` opens with, the first tab of the
/// window (no other tab's port to step past).
fn fresh_tab(protocol: Protocol) -> Settings {
    Settings::for_new_tab(protocol, Lang::En, false, &[])
}

/// A new tab's settings with `flags` applied, as the window started with
/// them applies them; every flag must be taken.
fn window_given(flags: &[&str]) -> Settings {
    let mut settings = fresh_tab(Protocol::Udp);
    let mut argv = vec!["netassist"];
    argv.extend_from_slice(flags);
    let problems = settings.apply_args(&Args::try_parse_from(argv).unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    settings
}

fn window_config(settings: &Settings) -> SessionConfig {
    match session_config(settings) {
        Ok(Some(config)) => config,
        Ok(None) => panic!("{:?} opens per transfer", settings.protocol),
        Err(sentences) => panic!("the window refused its own defaults: {sentences:?}"),
    }
}

/// Configs hold no `PartialEq` (a path, an endpoint, durations…); their
/// debug form names every field and value.
fn same(window: &SessionConfig, cli: &SessionConfig) {
    assert_eq!(format!("{window:#?}"), format!("{cli:#?}"));
}

#[test]
fn udp_opens_the_same_from_a_fresh_tab_and_from_the_flags() {
    let tab = fresh_tab(Protocol::Udp);
    let fields = tab.addr();
    let local = format!("{}:{}", fields.local_host, fields.local_port);
    let remote = format!("{}:{}", fields.remote_host, fields.remote_port);
    same(
        &window_config(&tab),
        &cli_config(&["--mode", "udp", "--local", &local, "--remote", &remote]),
    );
}

#[test]
fn a_tcp_client_waits_as_long_in_the_window_as_on_the_command_line() {
    let tab = fresh_tab(Protocol::TcpClient);
    let fields = tab.addr();
    let remote = format!("{}:{}", fields.remote_host, fields.remote_port);
    let window = window_config(&tab);
    same(
        &window,
        &cli_config(&["--mode", "tcp-client", "--remote", &remote]),
    );
    let SessionConfig::TcpClient(client) = window else {
        panic!("not a TCP client: {window:?}");
    };
    assert_eq!(
        client.connect_timeout,
        netassist::net::DEFAULT_CONNECT_TIMEOUT
    );
}

#[test]
fn a_tcp_server_takes_as_many_clients_in_the_window_as_on_the_command_line() {
    let tab = fresh_tab(Protocol::TcpServer);
    let fields = tab.addr();
    let local = format!("{}:{}", fields.local_host, fields.local_port);
    let window = window_config(&tab);
    same(
        &window,
        &cli_config(&["--mode", "tcp-server", "--local", &local]),
    );
    let SessionConfig::TcpServer(server) = window else {
        panic!("not a TCP server: {window:?}");
    };
    assert_eq!(server.max_clients, netassist::net::DEFAULT_MAX_CLIENTS);
}

#[test]
fn a_tftp_server_serves_the_chosen_folder_read_only_on_the_same_address() {
    let served = tempfile::tempdir().unwrap();
    let folder = served.path().display().to_string();

    // Neither front end serves a folder nobody chose.
    let mut tab = fresh_tab(Protocol::TftpServer);
    assert_eq!(
        session_config(&tab).unwrap_err().tftp.as_deref(),
        Some("choose a folder")
    );
    let mut argv = vec!["netassist", "--headless", "--mode", "tftp-server"];
    let no_root = Args::try_parse_from(argv.clone()).unwrap();
    assert_eq!(
        validate(&no_root).unwrap_err().to_string(),
        "tftp-server needs --root DIR, the folder to serve"
    );

    // Given one, both serve it on the engine's default address, and
    // neither takes uploads unless asked.
    tab.tftp.root = folder.clone().into();
    let window = window_config(&tab);
    argv.extend(["--root", &folder]);
    same(&window, &cli_config(&argv[2..]));
    let SessionConfig::TftpServer(server) = window else {
        panic!("not a TFTP server: {window:?}");
    };
    assert_eq!(server.local, netassist::tftp::DEFAULT_SERVER_ADDR);
    assert!(!server.allow_write);

    // Asked, both take them.
    tab.tftp.allow_write = true;
    argv.push("--allow-write");
    same(&window_config(&tab), &cli_config(&argv[2..]));

    // Issue 22, item 10: file names are read in the 字符集, a Chinese
    // tab's GBK as `--encoding gbk`.
    let mut chinese = Settings::for_new_tab(Protocol::TftpServer, Lang::Zh, false, &[]);
    chinese.tftp.root = folder.clone().into();
    chinese.tftp.allow_write = true;
    argv.extend(["--encoding", "gbk"]);
    same(&window_config(&chinese), &cli_config(&argv[2..]));
}

#[test]
fn a_tftp_client_asks_for_the_same_options_in_the_window_and_on_the_command_line() {
    let into = tempfile::tempdir().unwrap();
    let folder = into.path().display().to_string();
    let mut tab = fresh_tab(Protocol::TftpClient);
    tab.tftp.remote_file = "firmware.bin".into();
    tab.tftp.local_dir = folder.clone().into();
    let window = tftp_client_config(&tab, true).expect("the window's defaults and a file name");
    // The remote without a port: the CLI fills in TFTP's, as the window's
    // port field starts with it.
    let remote = tab.addr().remote_host;
    let cli = cli_config(&[
        "--mode",
        "tftp-client",
        "--remote",
        &remote,
        "--get",
        "firmware.bin",
        "--dir",
        &folder,
    ]);
    same(&window, &cli);
    let SessionConfig::TftpClient(client) = window else {
        panic!("not a TFTP client: {window:?}");
    };
    assert_eq!(client.remote.port, netassist::tftp::PORT);
    assert_eq!(client.options, netassist::tftp::ClientOptions::default());
}

#[test]
fn the_window_takes_the_command_line_s_names_and_sentences() {
    let mut settings = fresh_tab(Protocol::Udp);
    let args = Args::try_parse_from([
        "netassist",
        "--mode",
        "tftp-client",
        "--line-ending",
        "crlf",
        "--tftp-mode",
        "netascii",
        "--local",
        "6000",
        "--remote",
        "10.0.0.2",
        "--encoding",
        "klingon",
    ])
    .unwrap();
    let problems = settings.apply_args(&args);
    assert_eq!(settings.protocol, Protocol::TftpClient);
    assert_eq!(settings.text.line_ending, netassist::text::LineEnding::CrLf);
    assert_eq!(settings.tftp.mode, netassist::tftp::Mode::Netascii);
    // A bare port is every IPv4 interface, as on the command line.
    assert_eq!(settings.addr().local_host, "0.0.0.0");
    assert_eq!(settings.addr().local_port, "6000");
    // A TFTP client's remote may leave out TFTP's port, as on the command
    // line.
    assert_eq!(settings.addr().remote_host, "10.0.0.2");
    assert_eq!(settings.addr().remote_port, "69");
    // The same sentence the CLI prints, after the same flag.
    let mut headless = args.clone();
    headless.headless = true;
    headless.line_ending = None;
    headless.tftp_mode = None;
    headless.local = None;
    headless.remote = None;
    assert_eq!(problems, vec![validate(&headless).unwrap_err().to_string()]);
}

/// Issue 14: a fresh tab of each TLS and WebSocket kind opens what the
/// command line opens with the same address (the same verification, TLS
/// version, self-signed names and folder, handshake timeout, path and
/// message kind).
#[test]
fn tls_and_websocket_tabs_open_what_the_command_line_opens() {
    let tab = fresh_tab(Protocol::TlsClient);
    let fields = tab.addr();
    let remote = format!("{}:{}", fields.remote_host, fields.remote_port);
    same(
        &window_config(&tab),
        &cli_config(&["--mode", "tls-client", "--remote", &remote]),
    );

    let tab = fresh_tab(Protocol::TlsServer);
    let fields = tab.addr();
    let local = format!("{}:{}", fields.local_host, fields.local_port);
    same(
        &window_config(&tab),
        &cli_config(&["--mode", "tls-server", "--local", &local]),
    );

    let tab = fresh_tab(Protocol::WsClient);
    same(
        &window_config(&tab),
        &cli_config(&["--mode", "ws-client", "--url", &tab.sec.ws_url]),
    );

    let tab = fresh_tab(Protocol::WsServer);
    let fields = tab.addr();
    let local = format!("{}:{}", fields.local_host, fields.local_port);
    same(
        &window_config(&tab),
        &cli_config(&["--mode", "ws-server", "--local", &local]),
    );
}

/// The TLS and WebSocket flags preset the window's fields, which then open
/// what the command line opens.
#[test]
fn the_window_takes_the_tls_and_websocket_flags() {
    let flags = [
        "--mode",
        "ws-client",
        "--url",
        "wss://[::1]:9443/chat?room=1",
        "--insecure",
        "--server-name",
        "device.local",
        "--alpn",
        "h2, http/1.1",
        "--min-tls",
        "1.3",
        "--header",
        "Authorization: Bearer abc",
        "--header",
        "X-Test: 1",
        "--subprotocol",
        "chat",
    ];
    let settings = window_given(&flags);
    same(&window_config(&settings), &cli_config(&flags));
}

/// `--self-signed` alone means the default names in the window too, and a
/// ws-server given it serves wss:// in both.
#[test]
fn self_signed_without_names_is_the_default_names_in_both_front_ends() {
    let flags = [
        "--mode",
        "ws-server",
        "--local",
        "127.0.0.1:8080",
        "--self-signed",
    ];
    let settings = window_given(&flags);
    let window = window_config(&settings);
    same(&window, &cli_config(&flags));
    let SessionConfig::WsServer(server) = window else {
        panic!("not a WebSocket server: {window:?}");
    };
    assert!(server.tls.is_some());
}

/// `--ca` on a TLS server requires client certificates signed by it, in
/// the window as on the command line (it once only asked for one there).
#[test]
fn a_servers_ca_requires_client_certificates_in_both_front_ends() {
    let ca = tempfile::NamedTempFile::new().unwrap();
    let ca_path = ca.path().to_str().unwrap();
    let flags = [
        "--mode",
        "tls-server",
        "--local",
        "127.0.0.1:8443",
        "--self-signed",
        "--ca",
        ca_path,
    ];
    let settings = window_given(&flags);
    let window = window_config(&settings);
    same(&window, &cli_config(&flags));
    let SessionConfig::TlsServer(server) = window else {
        panic!("not a TLS server: {window:?}");
    };
    assert_eq!(
        server.tls.client_auth,
        netassist::net::tls::ClientAuth::Require(ca.path().to_owned())
    );
}

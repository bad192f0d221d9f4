//! Receive to file (issue 12, defect 3; issue 10's `--rx-file`): received
//! bytes are written by the session thread as they are read, so they reach
//! the file while nobody takes an event and while the window draws no
//! frame. Real sockets on 127.0.0.1 only.

use crate::common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::gui::*;
use common::{PATIENCE, Process, listening_addr};
use egui_kittest::kittest::Queryable;
use netassist::net::{
    self, Answers, Command, Event, LineFormat, RxFileSpec, SessionConfig, SessionHandle,
    TcpClientConfig, TcpServerConfig, UdpConfig,
};
use netassist::text::{Encoding, Render};

/// Waits (with a deadline, never a fixed sleep) until the file holds
/// exactly `expected`, and fails with what it holds otherwise.
fn wait_for_file(path: &Path, expected: &[u8]) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let on_disk = std::fs::read(path).unwrap_or_default();
        if on_disk == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the file holds {:?}, not {:?}",
            String::from_utf8_lossy(&on_disk),
            String::from_utf8_lossy(expected)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until the file's text satisfies `done`, and returns it.
fn wait_for_text(path: &Path, what: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if done(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no {what} in the file; it holds {text:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn udp_config() -> SessionConfig {
    SessionConfig::Udp(UdpConfig {
        local: "127.0.0.1:0".parse().unwrap(),
        remote: None,
        reply_to_last_sender: false,
        broadcast: false,
        multicast: Vec::new(),
        multicast_ttl: None,
        multicast_loop: true,
    })
}

fn open_saving(config: SessionConfig, spec: Option<RxFileSpec>) -> SessionHandle {
    net::spawn_saving(config, Arc::new(|| {}), Answers::default(), spec).expect("a session")
}

/// The address the session bound, read from its first event; no other
/// event is taken afterwards.
fn opened(session: &SessionHandle) -> SocketAddr {
    match session.events().recv_timeout(PATIENCE) {
        Ok(Event::Opened { local }) => local,
        other => panic!("expected Opened, got {other:?}"),
    }
}

#[test]
fn udp_datagrams_reach_the_file_while_no_event_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("udp.bin");
    let spec = RxFileSpec::open(&path, None).unwrap();
    let session = open_saving(udp_config(), Some(spec));
    let local = opened(&session);
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"first\x00", local).unwrap();
    wait_for_file(&path, b"first\x00");
    sender.send_to(b"second", local).unwrap();
    wait_for_file(&path, b"first\x00second");
}

#[test]
fn tcp_client_segments_reach_the_file_while_no_event_is_taken() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tcp.bin");
    let spec = RxFileSpec::open(&path, None).unwrap();
    let _session = open_saving(
        SessionConfig::TcpClient(TcpClientConfig {
            remote: listener.local_addr().unwrap().into(),
            local: None,
            connect_timeout: Duration::from_secs(5),
            framing: netassist::text::Framing::None,
        }),
        Some(spec),
    );
    let (mut server_side, _) = common::accept_within(&listener, "the TCP client session");
    server_side.write_all(b"segment one;").unwrap();
    wait_for_file(&path, b"segment one;");
    server_side.write_all(b"two").unwrap();
    wait_for_file(&path, b"segment one;two");
}

#[test]
fn tcp_server_saving_starts_and_stops_by_command_and_writes_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.txt");
    let session = open_saving(
        SessionConfig::TcpServer(TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 4)),
        None,
    );
    let local = opened(&session);
    let lines = LineFormat {
        render: Render {
            encoding: Encoding::Utf8,
            hex: false,
        },
        timestamps: false,
    };
    let spec = RxFileSpec::open(&path, Some(lines)).unwrap();
    let gauge = spec.try_clone().unwrap();
    session.send(Command::SetRxFile(Some(spec)));
    let mut client = std::net::TcpStream::connect(local).unwrap();
    // The answer read below is waited for with a bound, never forever.
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    let client_addr = client.local_addr().unwrap();
    client.write_all(b"hello\r\n").unwrap();
    let text = wait_for_text(&path, "the RX line", |t| t.ends_with('\n'));
    assert_eq!(text, format!("RX {client_addr} hello\\r\\n\n"));
    assert_eq!(gauge.bytes_written(), text.len() as u64);

    // Stopped: later data stays out of the file. Commands are applied in
    // order, so once the client reads the send that follows the stop, the
    // stop was applied.
    session.send(Command::SetRxFile(None));
    session.send(Command::Send {
        to: net::Target::Default,
        bytes: b"stopped".to_vec(),
    });
    let mut answer = [0u8; 7];
    client.read_exact(&mut answer).unwrap();
    client.write_all(b"not saved").unwrap();
    common::wait_for(&session, |event| match event {
        Event::Received(chunks) => chunks
            .iter()
            .any(|c| c.bytes.ends_with(b"not saved"))
            .then_some(()),
        _ => None,
    });
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// Through the window, as a person does: the file typed into the field,
/// 接收保存到文件 ticked by its label; then datagrams from a real peer reach
/// the file while the window draws no further frame.
#[test]
fn ticking_save_received_to_file_writes_datagrams_without_frames() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("收到的.bin");
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut harness = udp_harness_sending_to(&receiver, |_| {});
    set_field(&mut harness, "File", path.to_str().unwrap());
    harness.get_by_label("Save received to file").click();
    harness.run();
    assert!(
        harness.state().workbench().rx_file().is_some(),
        "{:?}",
        harness.state().workbench().errors().rx_file
    );
    let window = bound_addr(&harness).unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"13 bytes one;", window).unwrap();
    sender.send_to(b"13 bytes two;", window).unwrap();
    // No frame is stepped from here on: the session thread writes.
    wait_for_file(&path, b"13 bytes one;13 bytes two;");
}

/// Ticked while no session is open, saving starts with the session the
/// user opens next, from its first datagram on.
#[test]
fn saving_ticked_before_open_goes_with_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("early.bin");
    let mut settings = english_settings(netassist::net::Protocol::Udp);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
    }
    let mut harness = harness(settings);
    harness.run();
    set_field(&mut harness, "File", path.to_str().unwrap());
    harness.get_by_label("Save received to file").click();
    harness.run();
    assert!(harness.state().workbench().rx_file().is_some());
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    let window = bound_addr(&harness).unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"from the first datagram", window).unwrap();
    wait_for_file(&path, b"from the first datagram");
}

// ----- The headless CLI -----

#[test]
fn cli_rx_file_keeps_udp_datagrams_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("udp.bin");
    std::fs::write(&path, b"kept:").unwrap();
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--rx-file",
        path.to_str().unwrap(),
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"\x01\x02raw", local).unwrap();
    wait_for_file(&path, b"kept:\x01\x02raw");
    app.expect_line("RX ");
    assert_eq!(app.finish().code(), Some(0), "{}", app.stderr());
    assert_eq!(std::fs::read(&path).unwrap(), b"kept:\x01\x02raw");
}

#[test]
fn cli_rx_file_lines_keeps_tcp_client_data_as_log_lines() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.txt");
    let remote = listener.local_addr().unwrap().to_string();
    let mut app = Process::netassist(&[
        "--mode",
        "tcp-client",
        "--remote",
        &remote,
        "--encoding",
        "gbk",
        "--no-time",
        "--rx-file",
        path.to_str().unwrap(),
        "--rx-file-lines",
    ]);
    let (mut server_side, _) = common::accept_within(&listener, "the TCP client session");
    app.expect_line("CONNECTED");
    server_side.write_all(&[0xC4, 0xE3, 0xBA, 0xC3]).unwrap();
    let text = wait_for_text(&path, "the RX line", |t| t.ends_with('\n'));
    assert_eq!(text, format!("RX {remote} 你好\n"));
    let printed = app.expect_line("RX ");
    assert_eq!(
        format!("{printed}\n"),
        text,
        "the file has the printed line"
    );
    assert_eq!(app.finish().code(), Some(0), "{}", app.stderr());
}

#[test]
fn cli_rx_file_refused_in_tftp_modes_and_lines_needs_a_file() {
    for (args, wanted) in [
        (
            &["--mode", "tftp-server", "--rx-file", "x.bin"][..],
            "--rx-file",
        ),
        (
            &[
                "--mode",
                "tftp-client",
                "--remote",
                "127.0.0.1:6969",
                "--get",
                "a",
                "--rx-file",
                "x.bin",
            ][..],
            "--rx-file",
        ),
        (&["--mode", "udp", "--rx-file-lines"][..], "--rx-file"),
    ] {
        let mut app = Process::netassist_without_stdin(args);
        let status = app.finish();
        assert_eq!(status.code(), Some(2), "{args:?}: {}", app.stderr());
        assert!(app.stderr().contains(wanted), "{args:?}: {}", app.stderr());
    }
}

#[test]
fn cli_rx_file_that_cannot_be_created_exits_2_before_opening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such folder").join("rx.bin");
    let port = free_udp_port();
    let local = format!("127.0.0.1:{port}");
    let mut app = Process::netassist_without_stdin(&[
        "--mode",
        "udp",
        "--local",
        &local,
        "--rx-file",
        path.to_str().unwrap(),
    ]);
    let status = app.finish();
    assert_eq!(status.code(), Some(2), "{}", app.stderr());
    assert!(
        app.stderr().contains("cannot open the receive file"),
        "{}",
        app.stderr()
    );
    assert!(app.seen_with("LISTENING").is_empty(), "{:?}", app.seen);
}

/// `/dev/full` takes the open and refuses every write, as a full disk does.
#[cfg(target_os = "linux")]
#[test]
fn cli_rx_file_on_a_full_disk_exits_1_with_a_sentence() {
    let mut app = Process::netassist(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--rx-file",
        "/dev/full",
    ]);
    let local = listening_addr(&app.expect_line("LISTENING"));
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"lost", local).unwrap();
    let status = app.finish_with_stdin_open();
    assert_eq!(status.code(), Some(1), "{}", app.stderr());
    assert!(
        app.stderr()
            .contains("saving received data stopped: cannot write /dev/full"),
        "{}",
        app.stderr()
    );
}

/// A front end that takes no events fills the event budget
/// (`net::MAX_EVENT_BYTES`); UDP then counts datagrams as not kept, but the
/// file still gets them: it does not wait for the front end.
#[test]
fn udp_datagrams_the_front_end_has_no_room_for_still_reach_the_file() {
    const DATAGRAM_BYTES: usize = 60_000;
    let sent = net::MAX_EVENT_BYTES / (DATAGRAM_BYTES + net::CHUNK_OVERHEAD_BYTES) + 100;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flood.bin");
    let spec = RxFileSpec::open(&path, None).unwrap();
    let gauge = spec.try_clone().unwrap();
    let session = open_saving(udp_config(), Some(spec));
    let local = opened(&session);
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    let datagram = vec![0x5Au8; DATAGRAM_BYTES];
    // One datagram at a time, each in the file before the next, so the
    // kernel never drops one and the totals are exact.
    let deadline = Instant::now() + PATIENCE;
    for index in 0..sent {
        sender.send_to(&datagram, local).unwrap();
        let wanted = ((index + 1) * DATAGRAM_BYTES) as u64;
        while gauge.bytes_written() < wanted {
            assert!(
                Instant::now() < deadline,
                "datagram {index} did not reach the file; {} B written",
                gauge.bytes_written()
            );
            std::thread::yield_now();
        }
    }
    let (dropped, _) = session.rx_dropped();
    assert!(dropped > 0, "nothing was dropped: the budget did not bite");
    wait_for_file(&path, &datagram.repeat(sent));
}

//! Helpers for driving the real window headless with egui_kittest, as a
//! person would: find widgets by label, type, click, step frames.

use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::cli::Args;
use netassist::gui::App;
use netassist::gui::i18n::Lang;
use netassist::gui::settings::Settings;
use netassist::gui::workbench::SessionState;
use netassist::net::{Chunks, Event, Held, Protocol};

use super::Process;

/// Starts a tutorial peer from `tests/peers/` ([`Process::peer`]); a
/// peer given `--port 0` or `--bind 0` reports its port with
/// [`Process::listening_port`].
pub fn peer(script: &str, args: &[&str]) -> Process {
    Process::peer(script, args)
}

/// Output (every stdout line, then stderr) and success of a peer that
/// ends by itself, waiting at most [`super::WAIT`] for it.
pub fn finish(mut peer: Process) -> (String, bool) {
    let ok = peer.finish().success();
    let mut out = peer.seen.join("\n");
    for line in peer.stderr().lines() {
        out.push_str("\nstderr: ");
        out.push_str(line);
    }
    (out, ok)
}

pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn english_settings(protocol: Protocol) -> Settings {
    Settings {
        lang: Lang::En,
        protocol,
        ..Settings::default()
    }
}

pub fn harness(settings: Settings) -> Harness<'static, App> {
    harness_sized(settings, [1100.0, 760.0])
}

/// The window with `settings` at `size` (in points).
pub fn harness_sized(settings: Settings, size: [f32; 2]) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| App::with_settings(&cc.egui_ctx, settings, &Args::default()))
}

/// Runs frames after a click that starts network work (open, connect,
/// send). The session's events arrive from its own thread meanwhile and
/// may keep the window from settling within kittest's step limit; that is
/// the window working, not a failure, so what follows waits with
/// [`step_until`] for what it needs.
pub fn run_after_network_click(harness: &mut Harness<'static, App>) {
    let _ = harness.run_ok();
}

/// Steps frames until `done` holds, failing after a generous limit: the
/// network answers on its own threads.
pub fn step_until(
    harness: &mut Harness<'static, App>,
    what: &str,
    done: impl Fn(&Harness<'static, App>) -> bool,
) {
    let started = Instant::now();
    while !done(harness) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}; the log of the tab in view:\n{}",
            harness.state().workbench().log_text()
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Replaces a field's text the way a person does: select all, type (or
/// delete, for an empty field).
pub fn set_field(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.run();
    if text.is_empty() {
        harness.key_press(egui::Key::Backspace);
    } else {
        harness
            .get_by_role_and_label(Role::TextInput, label)
            .type_text(text);
    }
    harness.run();
}

/// Types a number into a DragValue as a person does: focus it (it turns
/// into a text box with its text selected, still a spin button to screen
/// readers), type, press Enter.
pub fn set_number(harness: &mut Harness<'static, App>, label: &str, value: u64) {
    harness
        .get_by_role_and_label(Role::SpinButton, label)
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::SpinButton, label)
        .type_text(&value.to_string());
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
}

/// Focuses a text box by its label and types into it.
/// Replaces the send box's text as a person does: focus, select all, type.
pub fn type_into_send_box(harness: &mut Harness<'static, App>, text: &str) {
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Data send")
        .focus();
    harness.run();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Data send")
        .type_text(text);
    harness.run();
}

pub fn type_into(harness: &mut Harness<'static, App>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).focus();
    harness.run();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run();
}

/// Picks `choice` from the combo box labelled `label`, as a person does.
pub fn choose(harness: &mut Harness<'static, App>, label: &str, choice: &str) {
    harness.get_by_role_and_label(Role::ComboBox, label).click();
    harness.run();
    // The open list is drawn last, above a label with the same text.
    harness
        .query_all_by_label(choice)
        .last()
        .unwrap_or_else(|| panic!("no {choice:?} in the {label:?} list"))
        .click();
    harness.run();
}

/// Gives the tab in view the event a session sends when `bytes` arrive
/// from `peer`, as if its session had received them: the path a
/// datagram takes from the engine into the log.
pub fn received(harness: &mut Harness<'static, App>, peer: SocketAddr, bytes: &[u8]) {
    let chunks = Chunks::unbudgeted([(0, peer, bytes)]);
    harness
        .state_mut()
        .workbench_mut()
        .apply(Event::Received(chunks));
}

/// Gives the tab in view the event a session sends when it has sent
/// `bytes` to `peer`.
pub fn sent(harness: &mut Harness<'static, App>, peer: SocketAddr, bytes: &[u8]) {
    harness.state_mut().workbench_mut().apply(Event::Sent {
        at_ms: 0,
        to: vec![peer],
        bytes: bytes.to_vec(),
        held: Held::none(),
    });
}

/// A UDP tab bound to 127.0.0.1 on any free port, in `lang`.
pub fn loopback_udp_settings(lang: Lang) -> Settings {
    let mut settings = english_settings(Protocol::Udp);
    settings.lang = lang;
    let fields = settings.addr_mut();
    fields.local_host = "127.0.0.1".into();
    fields.local_port = "0".into();
    settings
}

/// The window with `settings`, opened by its Open button (in the
/// settings' language), and the address the session bound.
pub fn open_udp_window(settings: Settings) -> (Harness<'static, App>, SocketAddr) {
    let open = settings.lang.t(&netassist::gui::i18n::OPEN);
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label(open).click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).expect("the window is open");
    (harness, local)
}

/// The window with `settings`, its server listening on 127.0.0.1 on a
/// free port through its Listen button (in the settings' language), and
/// the address it listens on.
pub fn listening_window(mut settings: Settings) -> (Harness<'static, App>, SocketAddr) {
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
    }
    let listen = settings.lang.t(&netassist::gui::i18n::LISTEN);
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label(listen).click();
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    let local = bound_addr(&harness).expect("listening");
    (harness, local)
}

pub fn bound_addr(harness: &Harness<'static, App>) -> Option<SocketAddr> {
    match harness.state().workbench().state() {
        SessionState::Open { local } => Some(local),
        _ => None,
    }
}

/// A UDP session in the window sending to `receiver`.
pub fn udp_harness_sending_to(
    receiver: &UdpSocket,
    change: impl FnOnce(&mut Settings),
) -> Harness<'static, App> {
    let mut settings = english_settings(Protocol::Udp);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = receiver.local_addr().unwrap().port().to_string();
    }
    change(&mut settings);
    let mut harness = harness(settings);
    harness.run();
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the UDP socket to open", |h| {
        bound_addr(h).is_some()
    });
    harness
}

pub fn recv_text(receiver: &UdpSocket) -> String {
    let mut buf = [0u8; 2048];
    let (n, _) = receiver.recv_from(&mut buf).expect("a datagram");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// A WebSocket client of `server` asking for `path`: the opening handshake
/// by hand (RFC 6455's sample key), its answer read, the connection kept.
pub fn websocket_client(server: SocketAddr, path: &str) -> TcpStream {
    use std::io::{Read, Write};
    let mut client = TcpStream::connect(server).expect("connect to the window");
    write!(
        client,
        "GET {path} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .expect("send the handshake");
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        let n = client.read(&mut byte).expect("the handshake's answer");
        assert!(n == 1, "the window closed the handshake: {answer:?}");
        answer.push(byte[0]);
    }
    assert!(
        answer.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    client
}

/// Sends `payload` as one binary message from a WebSocket client: one
/// final frame, masked (a client must) with the key 0, which leaves the
/// bytes as they are.
pub fn send_websocket_binary(client: &mut TcpStream, payload: &[u8]) {
    use std::io::Write;
    let mut frame = vec![0x82, 0x80 | 127];
    frame.extend((payload.len() as u64).to_be_bytes());
    frame.extend([0, 0, 0, 0]);
    frame.extend(payload);
    client.write_all(&frame).expect("send the message");
}

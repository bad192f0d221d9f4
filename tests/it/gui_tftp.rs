//! The TFTP modes in the window: serve a folder to the tutorial downloader,
//! receive an upload into a chosen folder, get and put as a client.

use std::sync::Arc;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use netassist::gui::workbench::TransferState;
use netassist::net::{self, Event, Protocol, SessionConfig};
use netassist::tftp::ServerConfig;

use crate::common;
use common::gui::*;
use common::python_available;

#[test]
fn the_tftp_server_serves_the_tutorial_downloader_from_the_chosen_folder() {
    if !python_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let content: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(root.path().join("firmware.bin"), &content).unwrap();
    let mut settings = english_settings(Protocol::TftpServer);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
    }
    let mut harness = harness(settings);
    harness.run();
    set_field(&mut harness, "Folder", &root.path().display().to_string());
    harness.get_by_label("Start server").click();
    step_until(&mut harness, "the server to serve", |h| {
        bound_addr(h).is_some()
    });
    let port = bound_addr(&harness).unwrap().port().to_string();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("got.bin");
    let downloader = peer(
        "tftp_download.py",
        &[
            "--port",
            &port,
            "--out",
            &out.display().to_string(),
            "firmware.bin",
        ],
    );
    let (text, ok) = finish(downloader);
    assert!(ok, "{text}");
    assert!(text.contains("DONE 100000"), "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), content);
    step_until(&mut harness, "the transfer row to finish", |h| {
        h.state().workbench().transfers().iter().any(|t| {
            t.file.as_received() == "firmware.bin" && matches!(t.state, TransferState::Done { .. })
        })
    });
    harness.run();
    assert!(harness.query_by_label("firmware.bin").is_some());
    assert!(harness.query_by_label("done").is_some());
}

#[test]
fn the_tftp_client_gets_and_puts_with_a_server() {
    let served = tempfile::tempdir().unwrap();
    std::fs::write(
        served.path().join("配置.txt"),
        "hostname=路由器\n".repeat(500),
    )
    .unwrap();
    let server = net::spawn(
        SessionConfig::TftpServer(ServerConfig {
            local: "127.0.0.1:0".parse().unwrap(),
            root: served.path().to_owned(),
            allow_write: true,
            allow_overwrite: false,
            max_transfers: 8,
            max_transfers_per_address: netassist::tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
            port_range: None,
            first_answer_timeout: netassist::tftp::FIRST_ANSWER_TIMEOUT,
            name_encoding: netassist::text::Encoding::Utf8,
        }),
        Arc::new(|| {}),
    )
    .unwrap();
    let deadline = common::Deadline::after(common::WAIT);
    let port = loop {
        match server
            .events()
            .recv_timeout(deadline.left())
            .expect("the TFTP server did not open in time")
        {
            Event::Opened { local } => break local.port(),
            Event::Stopped(e) => panic!("server stopped: {e:?}"),
            _ => {}
        }
    };
    let downloads = tempfile::tempdir().unwrap();
    let mut settings = english_settings(Protocol::TftpClient);
    {
        let fields = settings.addr_mut();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = port.to_string();
    }
    settings.tftp.local_dir = downloads.path().to_path_buf();
    let mut harness = harness(settings);
    harness.run();
    type_into(&mut harness, Role::TextInput, "Remote file", "配置.txt");
    harness.get_by_label("Get").click();
    step_until(&mut harness, "the download", |h| {
        h.state()
            .workbench()
            .transfers()
            .iter()
            .any(|t| matches!(t.state, TransferState::Done { .. }))
    });
    assert_eq!(
        std::fs::read(downloads.path().join("配置.txt")).unwrap(),
        std::fs::read(served.path().join("配置.txt")).unwrap()
    );

    // Put a local file back under another name.
    let upload = downloads.path().join("上传.bin");
    std::fs::write(&upload, vec![7u8; 70_000]).unwrap();
    step_until(&mut harness, "the client session to end", |h| {
        !h.state().workbench().is_active()
    });
    set_field(&mut harness, "Remote file", "uploaded.bin");
    set_field(&mut harness, "Local file", &upload.display().to_string());
    harness.get_by_label("Put").click();
    step_until(&mut harness, "the upload", |h| {
        h.state()
            .workbench()
            .transfers()
            .iter()
            .filter(|t| matches!(t.state, TransferState::Done { .. }))
            .count()
            == 2
    });
    step_until(&mut harness, "the file on the server", |_| {
        std::fs::read(served.path().join("uploaded.bin")).is_ok_and(|b| b.len() == 70_000)
    });
}

#[test]
fn a_missing_folder_is_refused_next_to_the_field() {
    let mut harness = harness(english_settings(Protocol::TftpServer));
    harness.run();
    set_field(&mut harness, "Folder", "/no/such/folder/here");
    set_field(&mut harness, "Local host port", "0");
    harness.get_by_label("Start server").click();
    run_after_network_click(&mut harness);
    assert!(
        harness
            .query_by_label("'/no/such/folder/here' is not a folder")
            .is_some()
    );
    assert!(!harness.state().workbench().is_active());
}

#[test]
fn the_window_offers_the_per_address_limit_and_shows_its_refusals() {
    use netassist::tftp::limits::SlotRefusal;
    use netassist::tftp::wire::Packet;

    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("boot.bin"), vec![5u8; 5000]).unwrap();
    let mut settings = english_settings(Protocol::TftpServer);
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
    }
    settings.tftp.root = root.path().to_path_buf();
    settings.tftp.max_per_address = 1;
    let mut harness = harness(settings);
    harness.run();
    assert!(
        harness
            .query_by_label("Max transfers per address")
            .is_some()
    );
    harness.get_by_label("Start server").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the server to serve", |h| {
        bound_addr(h).is_some()
    });
    let server = bound_addr(&harness).unwrap();
    let request = b"\x00\x01boot.bin\x00octet\x00";
    let mut buf = vec![0u8; 65_536];
    let mut first_answer = |socket: &std::net::UdpSocket| {
        socket
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        socket.send_to(request, server).unwrap();
        let (n, _) = socket.recv_from(&mut buf).unwrap();
        buf[..n].to_vec()
    };
    let holder = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let answer = first_answer(&holder);
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Data { block: 1, .. })),
        "{answer:?}"
    );
    let second = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let answer = first_answer(&second);
    let message = SlotRefusal::AddressFull { limit: 1 }.message();
    assert!(
        matches!(Packet::parse(&answer), Ok(Packet::Error { message: m, .. }) if m == message),
        "{answer:?}"
    );
    step_until(&mut harness, "the refusal in the log", |h| {
        h.state().workbench().log_text().contains(&message)
    });
}

/// The text the combo box labelled `label` shows.
fn combo_shows(
    harness: &egui_kittest::Harness<'static, netassist::gui::App>,
    label: &str,
) -> String {
    use egui_kittest::kittest::NodeT;
    let combo = harness.get_by_role_and_label(Role::ComboBox, label);
    let node = combo.accesskit_node();
    node.value()
        .or_else(|| node.data().label().map(str::to_owned))
        .unwrap_or_default()
}

/// Issue 22, item 10: a TFTP server chosen in a window first started in
/// 简体中文 shows its 字符集, GBK, and serves 中文.txt to a peer that asks
/// for it in GBK bytes (as `tftp.exe` on Chinese Windows does); the log
/// names the file as text.
#[test]
fn a_chinese_first_start_tftp_server_shows_gbk_and_serves_a_gbk_name() {
    use netassist::cli::Args;
    use netassist::gui::i18n::{self, Lang};
    use netassist::gui::{App, SavedWindow};
    use netassist::text::Encoding;
    use netassist::tftp::wire::Packet;

    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("中文.txt"), "固件 1.2\n").unwrap();
    let args = Args {
        lang: Some("zh".into()),
        ..Args::default()
    };
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1100.0, 760.0])
        .build_eframe(move |cc| App::with_saved(&cc.egui_ctx, SavedWindow::default(), &args));
    harness.run();
    let zh = Lang::Zh;
    choose(
        &mut harness,
        zh.t(&i18n::PROTOCOL),
        netassist::gui::protocol_name(Protocol::TftpServer, zh),
    );
    assert_eq!(
        combo_shows(&harness, zh.t(&i18n::ENC_CHARSET)),
        Encoding::Gbk.display_name()
    );
    set_field(&mut harness, zh.t(&i18n::LOCAL_HOST), "127.0.0.1");
    set_field(&mut harness, zh.t(&i18n::LOCAL_PORT), "0");
    set_field(
        &mut harness,
        zh.t(&i18n::TFTP_ROOT),
        &root.path().display().to_string(),
    );
    harness.get_by_label(zh.t(&i18n::START_SERVER)).click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the server to serve", |h| {
        bound_addr(h).is_some()
    });
    let server = bound_addr(&harness).unwrap();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    socket
        .send_to(b"\x00\x01\xd6\xd0\xce\xc4.txt\x00octet\x00", server)
        .unwrap();
    let mut buf = vec![0u8; 65_536];
    let (n, from) = socket.recv_from(&mut buf).unwrap();
    assert!(
        matches!(Packet::parse(&buf[..n]), Ok(Packet::Data { block: 1, data }) if data == "固件 1.2\n".as_bytes()),
        "{:?}",
        &buf[..n]
    );
    socket.send_to(&[0, 4, 0, 1], from).unwrap();
    step_until(&mut harness, "the transfer row to finish", |h| {
        h.state().workbench().transfers().iter().any(|t| {
            t.file.as_received() == "中文.txt" && matches!(t.state, TransferState::Done { .. })
        })
    });
    harness.run();
    assert!(harness.query_by_label("中文.txt").is_some());
}

/// Issue 22, item 10: the TFTP client's 字符集 is the encoding its names
/// go out in. Chosen as GBK through its combo, a Get of 中文.txt asks for
/// the GBK bytes (seen by a raw socket in the server's place, which
/// answers with the file); a name GBK cannot write is refused next to the
/// fields before anything is sent.
#[test]
fn the_tftp_clients_encoding_is_chosen_in_its_combo_and_names_go_out_in_it() {
    use netassist::text::Encoding;
    use netassist::tftp::wire::Packet;

    let fake_server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    fake_server
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let port = fake_server.local_addr().unwrap().port();
    let downloads = tempfile::tempdir().unwrap();
    let mut settings = english_settings(Protocol::TftpClient);
    {
        let fields = settings.addr_mut();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = port.to_string();
    }
    settings.tftp.local_dir = downloads.path().to_path_buf();
    let mut harness = harness(settings);
    harness.run();
    assert_eq!(combo_shows(&harness, "Encoding"), "UTF-8");
    choose(&mut harness, "Encoding", Encoding::Gbk.display_name());

    type_into(&mut harness, Role::TextInput, "Remote file", "固件ő.bin");
    harness.get_by_label("Get").click();
    harness.run();
    assert!(
        harness
            .query_by_label("the file name cannot be sent: 'ő' cannot be written in GBK")
            .is_some()
    );
    assert!(!harness.state().workbench().is_active());

    // The server's part: read the request, answer with a one-block file
    // (ignoring the options, as RFC 2347 allows), take the final ACK.
    let server = std::thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        let (n, client) = fake_server.recv_from(&mut buf).unwrap();
        let Ok(Packet::Request { filename, .. }) = Packet::parse(&buf[..n]) else {
            panic!("not a request: {:?}", &buf[..n]);
        };
        let asked = filename.to_vec();
        let mut data = vec![0, 3, 0, 1];
        data.extend_from_slice("hostname=路由器\n".as_bytes());
        fake_server.send_to(&data, client).unwrap();
        let (n, _) = fake_server.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], &[0, 4, 0, 1]);
        asked
    });
    set_field(&mut harness, "Remote file", "中文.txt");
    harness.get_by_label("Get").click();
    step_until(&mut harness, "the download", |h| {
        h.state()
            .workbench()
            .transfers()
            .iter()
            .any(|t| matches!(t.state, TransferState::Done { .. }))
    });
    assert_eq!(server.join().unwrap(), b"\xd6\xd0\xce\xc4.txt");
    assert_eq!(
        std::fs::read(downloads.path().join("中文.txt")).unwrap(),
        "hostname=路由器\n".as_bytes()
    );
}

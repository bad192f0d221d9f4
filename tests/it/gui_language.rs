//! The window's event rows and error sentences in the language a user
//! picks with the language control (issue 10, "one description of every
//! event"; issue 12, defect 4: "the Chinese UI is half English"). Real
//! events on 127.0.0.1: a TCP server listens, a client connects and
//! leaves, the server stops, and a port in use is refused.

use std::net::{SocketAddr, TcpListener, TcpStream};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::gui::App;
use netassist::gui::i18n::{self, Lang};
use netassist::log::Direction;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

/// Starts the window in the other language and picks `lang` with the
/// toolbar's language control, as a user does.
fn window_in(lang: Lang) -> Harness<'static, App> {
    let mut settings = english_settings(Protocol::TcpServer);
    settings.lang = match lang {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    let mut harness = harness(settings);
    harness.run();
    let control = match lang {
        Lang::En => "English",
        Lang::Zh => "简体中文",
    };
    harness.get_by_label(control).click();
    harness.run();
    assert_eq!(harness.state().workbench().settings().lang, lang);
    harness
}

/// Listens on 127.0.0.1 with a free port, through the fields and the
/// Listen button; returns the address it listens on.
fn listen(harness: &mut Harness<'static, App>, lang: Lang, port: u16) {
    set_field(harness, lang.t(&i18n::LOCAL_HOST), "127.0.0.1");
    set_field(harness, lang.t(&i18n::LOCAL_PORT), &port.to_string());
    harness
        .get_by_role_and_label(Role::Button, lang.t(&i18n::LISTEN))
        .click();
    run_after_network_click(harness);
}

/// The log's own rows (not RX/TX data), as the log shows them.
fn note_rows(harness: &Harness<'static, App>) -> Vec<String> {
    let bench = harness.state().workbench();
    (0..bench.log().len())
        .filter_map(|i| bench.log().get(i))
        .filter(|entry| entry.dir == Direction::Note)
        .map(|entry| String::from_utf8_lossy(entry.bytes).into_owned())
        .collect()
}

/// Drives a server through its events and returns the rows it logged:
/// listening, a client connecting and leaving, stopping, then a port in
/// use. Each row is waited for as the user would see it.
fn provoke_events(harness: &mut Harness<'static, App>, lang: Lang, rows: &Rows) -> Vec<String> {
    listen(harness, lang, 0);
    step_until(harness, "the server to listen", |h| bound_addr(h).is_some());
    let local: SocketAddr = bound_addr(harness).expect("listening");
    let client = TcpStream::connect(local).expect("connect to the window's server");
    let client_addr = client.local_addr().unwrap();
    step_until(harness, "the client in the list", |h| {
        h.state().workbench().clients().len() == 1
    });
    drop(client);
    let disconnected = (rows.disconnected)(client_addr);
    step_until(harness, "the client's leaving", |h| {
        note_rows(h)
            .iter()
            .any(|row| row.starts_with(&disconnected))
    });
    harness
        .get_by_role_and_label(Role::Button, lang.t(&i18n::STOP))
        .click();
    run_after_network_click(harness);
    step_until(harness, "the server to stop", |h| {
        !h.state().workbench().is_active()
    });

    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    listen(harness, lang, port);
    step_until(harness, "the bind to fail", |h| {
        !h.state().workbench().is_active() && h.state().workbench().last_error().is_some()
    });
    harness.run();

    // Each row is in the log and drawn (a row may also be part of
    // another: "CONNECTED a" is in "DISCONNECTED a").
    let notes = note_rows(harness);
    for row in [
        (rows.listening)(local),
        (rows.connected)(client_addr),
        disconnected,
        rows.closed.to_owned(),
    ] {
        assert!(
            notes.iter().any(|note| note.starts_with(&row))
                && harness.query_all_by_label_contains(&row).next().is_some(),
            "no row {row:?} in the log:\n{}",
            harness.state().workbench().log_text()
        );
    }
    // Once in the status bar, once as the log's error row.
    let in_use = (rows.in_use)(port);
    assert_eq!(
        harness.query_all_by_label_contains(&in_use).count(),
        2,
        "{in_use:?} not in the status bar and the log:\n{}",
        harness.state().workbench().log_text()
    );
    notes
}

/// The rows each language shows for the events `provoke_events` causes.
struct Rows {
    listening: fn(SocketAddr) -> String,
    connected: fn(SocketAddr) -> String,
    disconnected: fn(SocketAddr) -> String,
    closed: &'static str,
    in_use: fn(u16) -> String,
}

#[test]
fn event_rows_and_errors_are_chinese_in_chinese() {
    let rows = Rows {
        listening: |local| format!("开始监听 {local}"),
        connected: |peer| format!("已连接 {peer}"),
        disconnected: |peer| format!("已断开 {peer} (对方关闭)"),
        closed: "已关闭",
        in_use: |port| format!("127.0.0.1:{port} 已被其他程序占用"),
    };
    let mut harness = window_in(Lang::Zh);
    let notes = provoke_events(&mut harness, Lang::Zh, &rows);
    assert!(notes.len() >= 6, "{notes:?}");
    // Every word is Chinese: no Latin letter is left once the names that
    // stay as they are (protocols, HEX) are taken out; IPv4 addresses and
    // numbers have none.
    for row in &notes {
        let mut words = row.clone();
        for kept in ["UDP", "TCP", "TFTP", "HEX"] {
            words = words.replace(kept, "");
        }
        assert!(
            !words.chars().any(|c| c.is_ascii_alphabetic()),
            "an English word in the row {row:?}"
        );
    }
}

#[test]
fn event_rows_and_errors_are_english_in_english() {
    let rows = Rows {
        listening: |local| format!("LISTENING {local}"),
        connected: |peer| format!("CONNECTED {peer}"),
        disconnected: |peer| format!("DISCONNECTED {peer} (closed by peer)"),
        closed: "CLOSED",
        in_use: |port| format!("127.0.0.1:{port} is already in use by another program"),
    };
    let mut harness = window_in(Lang::En);
    let notes = provoke_events(&mut harness, Lang::En, &rows);
    assert!(
        notes.iter().any(|row| row.starts_with("ERROR 127.0.0.1:")),
        "{notes:?}"
    );
    // No Chinese is left over from the language the window started in.
    for row in &notes {
        assert!(
            !row.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "a Chinese word in the English row {row:?}"
        );
    }
}

/// Latin letters left in a Chinese sentence once the names that stay as
/// they are (protocols, HEX and its digits, escapes, IP versions, the
/// tsize option, an encoding's name, the sample's file name) are taken
/// out.
fn english_words_in(sentence: &str) -> Vec<String> {
    let mut rest = sentence.to_owned();
    for kept in [
        "IPv4",
        "IPv6",
        "IP",
        "UDP",
        "TCP",
        "TFTP",
        "HEX",
        "0A，而不是 A",
        "tsize",
        "ff",
        "fw.bin",
        "\\xHH",
        "\\x0D",
        "\\x",
        "\\r",
        "\\n",
        "\\t",
        "GBK",
        "UTF-8",
        "NUL",
    ] {
        rest = rest.replace(kept, " ");
    }
    rest.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every engine sentence the window can show has Chinese words for every
/// kind: the samples' own fields carry no English (a system's reason is
/// quoted as the system says it, here in Chinese), so any Latin word left
/// is the window's.
#[test]
fn every_engine_sentence_has_chinese_words() {
    use std::path::PathBuf;
    use std::time::Duration;

    use netassist::describe::Description;
    use netassist::gui::i18n::sentences;
    use netassist::net::{AddrError, CloseReason, ReplyHeld, SessionError, TftpRequest};
    use netassist::text::{EncodeError, Encoding, EscapeError, HexError, PeerText};
    use netassist::tftp::{TransferDirection, TransferFailure};

    let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let group = "239.255.0.1".parse().unwrap();
    let reason = || "系统原因".to_owned();
    let file = || PeerText::from("fw.bin");
    let failures = vec![
        TransferFailure::PeerError {
            code: 1,
            message: PeerText::from("找不到"),
        },
        TransferFailure::PeerError {
            code: 1,
            message: PeerText::default(),
        },
        TransferFailure::PeerGone,
        TransferFailure::NoAnswer { tries: 7 },
        TransferFailure::FirstAnswerTimeout { secs: 10 },
        TransferFailure::OptionsRefused(PeerText::from("选项")),
        TransferFailure::ServerRefusedOptions,
        TransferFailure::BlockTooLarge {
            len: 600,
            blksize: 512,
        },
        TransferFailure::OverTsize { limit: 5 },
        TransferFailure::SizeDiffers {
            expected: 5,
            got: 6,
        },
        TransferFailure::ReadFile { reason: reason() },
        TransferFailure::DiskFull,
        TransferFailure::WriteFile,
        TransferFailure::StoreExists,
        TransferFailure::StoreFailed { reason: reason() },
        TransferFailure::CancelledByClient,
        TransferFailure::CancelledOnServer,
        TransferFailure::ServerStopped,
        TransferFailure::Cancelled,
        TransferFailure::OpenSocket { reason: reason() },
        TransferFailure::WatchSocket { reason: reason() },
        TransferFailure::WaitSocket { reason: reason() },
        TransferFailure::Receive { reason: reason() },
        TransferFailure::TalkTo {
            peer: addr,
            reason: reason(),
        },
        TransferFailure::NoServer { server: addr },
        TransferFailure::CreateFile {
            folder: PathBuf::from("/文件夹"),
            reason: reason(),
        },
        TransferFailure::ReadLocal {
            path: PathBuf::from("/文件夹/fw.bin"),
            reason: reason(),
        },
        TransferFailure::WriteLocal {
            path: PathBuf::from("/文件夹/fw.bin"),
            reason: reason(),
        },
    ];
    let addr_errors = [
        AddrError::Empty,
        AddrError::MissingPort("1.2.3.4".into()),
        AddrError::BadPort("99999".into()),
        AddrError::ZeroRemotePort,
        AddrError::BadHost("主 机".into()),
        AddrError::NotAnIp("主机".into()),
        AddrError::Unresolved {
            host: "主机".into(),
            reason: reason(),
        },
    ];
    let mut errors = vec![
        SessionError::AddrInUse { addr },
        SessionError::PrivilegedPort {
            port: 69,
            suggest: 6969,
        },
        SessionError::AddrNotAvailable { addr },
        SessionError::Bind {
            addr,
            reason: reason(),
        },
        SessionError::Refused { addr },
        SessionError::ConnectTimeout {
            addr,
            timeout: Duration::from_millis(2500),
        },
        SessionError::Connect {
            addr,
            reason: reason(),
        },
        SessionError::NoRemote,
        SessionError::NotConnected,
        SessionError::NoClients,
        SessionError::UnknownClient { peer: addr },
        SessionError::Send {
            peer: addr,
            reason: reason(),
        },
        SessionError::BroadcastNotAllowed { peer: addr },
        SessionError::QueueFull {
            peer: addr,
            queued: 9,
        },
        SessionError::Unsupported,
        SessionError::Panicked(reason()),
        SessionError::NotMulticast { group },
        SessionError::MulticastFamily {
            group,
            local: addr,
            hint: "0.0.0.0",
        },
        SessionError::Join {
            group,
            reason: reason(),
        },
        SessionError::Leave {
            group,
            reason: reason(),
        },
        SessionError::MulticastOption(reason()),
        SessionError::NoSuchInterface {
            interface: "网卡".into(),
        },
        SessionError::FileNotFound {
            path: "/文件夹/fw.bin".into(),
        },
        SessionError::FileIsFolder {
            path: "/文件夹".into(),
        },
        SessionError::FileRead {
            path: "/文件夹/fw.bin".into(),
            reason: reason(),
        },
        SessionError::FileBusy,
        SessionError::NoFileSending,
        SessionError::FileCancelled,
        SessionError::FileInterrupted,
        SessionError::AutoReply(netassist::net::autoreply::RuleError::Capture {
            text: "温度".to_owned(),
            reason: reason(),
        }),
        SessionError::TftpFolder {
            folder: PathBuf::from("/文件夹"),
            reason: reason(),
        },
        SessionError::TftpNotAFolder {
            folder: PathBuf::from("/文件夹"),
        },
        SessionError::TftpRefused {
            request: TftpRequest::Download { file: file() },
            peer: addr,
            reason: PeerText::from("拒绝"),
        },
        SessionError::TftpRefused {
            request: TftpRequest::Upload { file: file() },
            peer: addr,
            reason: PeerText::from("拒绝"),
        },
        SessionError::TftpRefused {
            request: TftpRequest::Malformed,
            peer: addr,
            reason: PeerText::from("拒绝"),
        },
        SessionError::TftpRefusedUnshown { count: 5 },
        SessionError::TftpNoAddress {
            host: "主机".into(),
        },
        SessionError::TftpNoFileName { name: "/".into() },
        SessionError::TftpName {
            reason: netassist::tftp::name::NameError::NotEncodable(netassist::text::EncodeError {
                character: '😀',
                encoding: netassist::text::Encoding::Gbk,
            }),
        },
        SessionError::TftpName {
            reason: netassist::tftp::name::NameError::Nul,
        },
        SessionError::TftpName {
            reason: netassist::tftp::name::NameError::NotText {
                encoding: netassist::text::Encoding::Gbk,
            },
        },
    ];
    errors.extend(addr_errors.iter().cloned().map(SessionError::Address));
    errors.extend(failures.iter().cloned().map(SessionError::Tftp));

    let mut descriptions = vec![
        Description::Listening { local: addr },
        Description::Connected {
            peer: addr,
            at_ms: 0,
        },
        Description::PeerFinished { peer: addr },
        Description::RxDropped {
            datagrams: 3,
            bytes: 9,
        },
        Description::ReplyHeld(ReplyHeld::OwnAddress { peer: addr }),
        Description::ReplyHeld(ReplyHeld::OverCap {
            peer: addr,
            skipped: 3,
            per_second: 1000,
        }),
        Description::ReplyHeld(ReplyHeld::TooManyPeers {
            skipped: 3,
            max_peers: 4096,
        }),
        Description::TransferStarted {
            id: 1,
            file: file(),
            peer: addr,
            direction: TransferDirection::Send,
            size: Some(3),
        },
        Description::TransferStarted {
            id: 1,
            file: file(),
            peer: addr,
            direction: TransferDirection::Receive,
            size: None,
        },
        Description::TransferDone {
            id: 1,
            file: file(),
            bytes: 3,
            elapsed: Duration::ZERO,
        },
        Description::LoopStopped { sent: 3 },
        Description::Joined { group },
        Description::Left { group },
        Description::FileSent {
            file: Some("fw.bin".into()),
            bytes: 3,
        },
        Description::Closed { error: None },
    ];
    for reason in [
        CloseReason::ClosedByPeer,
        CloseReason::Reset,
        CloseReason::Local,
        CloseReason::TooManyClients,
        CloseReason::TooManyFromAddress,
        CloseReason::Idle,
    ] {
        descriptions.push(Description::Disconnected { peer: addr, reason });
    }
    for reason in failures {
        descriptions.push(Description::TransferFailed {
            id: 1,
            file: file(),
            reason,
        });
    }
    for error in &errors {
        descriptions.push(Description::Error(error.clone()));
        descriptions.push(Description::FileStopped {
            file: Some("fw.bin".into()),
            sent: 1,
            total: 3,
            reason: error.clone(),
        });
    }

    let mut sentences_zh: Vec<String> = descriptions
        .iter()
        .map(|d| sentences::event_line(Lang::Zh, d).expect("a row"))
        .collect();
    sentences_zh.extend(
        [
            HexError::NotHex {
                character: '中',
                position: 2,
            },
            HexError::OddDigit { position: 3 },
        ]
        .iter()
        .map(|e| sentences::hex_error(Lang::Zh, e)),
    );
    sentences_zh.extend(
        [
            EscapeError::Unknown('中', 1),
            EscapeError::BadHex(1),
            EscapeError::Trailing,
            EscapeError::Encode(EncodeError {
                character: '中',
                encoding: Encoding::Gbk,
            }),
        ]
        .iter()
        .map(|e| sentences::escape_error(Lang::Zh, e)),
    );
    for sentence in &sentences_zh {
        assert!(
            english_words_in(sentence).is_empty(),
            "English words {:?} in {sentence:?}",
            english_words_in(sentence)
        );
    }
    // A send to several clients names them in words.
    use netassist::log::LogPeer;
    assert_eq!(
        sentences::log_peer(Lang::Zh, LogPeer::Clients(3)),
        "3 个客户端"
    );
    assert_eq!(
        sentences::log_peer(Lang::En, LogPeer::Clients(3)),
        "3-clients"
    );
    // English stays the engine's own sentence, the CLI's.
    for description in &descriptions {
        assert_eq!(
            sentences::event_line(Lang::En, description),
            Some(description.to_string())
        );
    }
}

/// Switching language rewords the rows already in the log, the session's
/// own rows included: 开始监听 becomes LISTENING (issue 22, 6).
#[test]
fn switching_language_rewords_the_rows_already_shown() {
    let mut harness = window_in(Lang::Zh);
    listen(&mut harness, Lang::Zh, 0);
    step_until(&mut harness, "the server to listen", |h| {
        bound_addr(h).is_some()
    });
    harness.run();
    assert!(harness.query_by_label_contains("开始监听").is_some());
    harness.get_by_label("English").click();
    harness.run();
    assert!(
        harness.query_by_label_contains("LISTENING").is_some(),
        "the row is worded again in English"
    );
    assert!(harness.query_by_label_contains("开始监听").is_none());
}

/// The sentence beside a wrong field is worded again when the language is
/// switched, as the rows are (issue 22, 6).
#[test]
fn switching_language_rewords_the_sentence_beside_a_field() {
    let mut harness = window_in(Lang::Zh);
    set_field(&mut harness, Lang::Zh.t(&i18n::LOCAL_HOST), "127.0.0.1");
    set_field(&mut harness, Lang::Zh.t(&i18n::LOCAL_PORT), "99999");
    harness
        .get_by_role_and_label(Role::Button, Lang::Zh.t(&i18n::LISTEN))
        .click();
    harness.run();
    let chinese = harness
        .state()
        .workbench()
        .errors()
        .local
        .clone()
        .expect("a sentence beside the port");
    assert!(english_words_in(&chinese).is_empty(), "{chinese}");
    harness.get_by_label("English").click();
    harness.run();
    let english = harness
        .state()
        .workbench()
        .errors()
        .local
        .clone()
        .expect("still a sentence beside the port");
    assert_ne!(english, chinese);
    assert!(english.contains("99999") && english.is_ascii(), "{english}");
    assert!(harness.query_by_label_contains(&english).is_some());
}

/// Why the last session ended is worded when shown, so the status bar
/// follows a language switch too (issue 22, 6).
#[test]
fn switching_language_rewords_why_the_session_ended() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a listener");
    let port = taken.local_addr().expect("its address").port();
    let mut harness = window_in(Lang::Zh);
    listen(&mut harness, Lang::Zh, port);
    step_until(&mut harness, "the refusal", |h| {
        !h.state().workbench().is_active() && h.state().workbench().last_error().is_some()
    });
    harness.run();
    // The status bar and the log's row.
    let chinese =
        |h: &Harness<'static, App>| h.query_all_by_label_contains("已被其他程序占用").count();
    assert_eq!(chinese(&harness), 2);
    harness.get_by_label("English").click();
    harness.run();
    assert_eq!(chinese(&harness), 0);
    assert!(
        harness
            .query_all_by_label_contains("is already in use by another program")
            .next()
            .is_some()
    );
}

//! Issue 12, defect 4, finished: in 简体中文 every word a user reads is
//! Chinese. The window is switched to 简体中文 with the language control,
//! every protocol is chosen with the protocol combo, and the tools drawer
//! and every panel and popup a user can open are opened (with an
//! auto-reply rule and a framing that do not compile, so their sentences
//! show); then every label, value and hover text the accessibility tree
//! holds is read, and no Latin word may remain except the names that stay
//! as they are (protocols, encodings, checksums, units, option names).

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use netassist::cli::Args;
use netassist::gui::App;
use netassist::gui::i18n::{self, Lang};
use netassist::gui::protocol_name;
use netassist::gui::settings::Settings;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

/// Names that are written the same in a Chinese window: protocols and
/// their option names, encodings, checksums, units, HEX and its escapes,
/// keys, and the sample values the window shows as hints.
const KEPT: &[&str] = &[
    "IPv4",
    "IPv6",
    "IP",
    "UDP",
    "TCP",
    "TFTP",
    "HEX",
    "ASCII",
    "UTF",
    "GBK",
    "GB18030",
    "Big5",
    "BE",
    "LE",
    "CRC",
    "MODBUS",
    "Modbus",
    "CCITT",
    "FALSE",
    "SUM8",
    "XOR8",
    "TTL",
    "ms",
    "s",
    "B",
    "KB",
    "MB",
    "GB",
    "TB",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "blksize",
    "windowsize",
    "tsize",
    "octet",
    "netascii",
    "Ctrl",
    "Enter",
    "Esc",
    "F1",
    "xHH",
    "r",
    "n",
    "t",
    "x",
    "ff",
    "NetAssist",
    "RX",
    "TX",
    // Issue 14: protocol and option names, URL schemes, and the sample
    // values the hints show.
    "TLS",
    "WebSocket",
    "ws",
    "wss",
    "SNI",
    "ALPN",
    "PEM",
    "CA",
    "SHA",
    "UTC",
    "localhost",
    "chat",
    "mqtt",
    "h2",
    "http",
];

/// Phrases that stay as they are: a key, the language control's own name
/// for English, a HEX prefix, an escape example, and egui's name for a
/// panel's resize handle (read only by screen readers; egui does not let
/// an app word it).
const KEPT_PHRASES: &[&str] = &["Ctrl+L", "English", "0x", "\\x0D", "Resize panel"];

/// The Latin words of `text` that are not in [`KEPT`] (a word is a run of
/// ASCII letters and digits that holds a letter; hex digits alone, such as
/// a HEX sample, are numbers).
fn foreign_words(text: &str) -> Vec<String> {
    let mut text = text.to_owned();
    for phrase in KEPT_PHRASES {
        text = text.replace(phrase, " ");
    }
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|word| !word.chars().all(|c| c.is_ascii_hexdigit()) || word.len() > 8)
        .filter(|word| {
            !KEPT.contains(word)
                && !KEPT.iter().any(|kept| {
                    word.strip_prefix(kept)
                        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
                })
        })
        .map(str::to_owned)
        .collect()
}

/// `text` with the folder's path taken out, whole or as a narrow field
/// shows it: its end behind "…" ("…/work/main"), however deep the folder
/// the tests run in.
fn without_folder(text: &str, folder: &str) -> String {
    if folder.is_empty() {
        return text.to_owned();
    }
    let mut text = text.replace(folder, " ");
    // The longest tail first, so that "…/work/main" goes whole rather than
    // leaving "/work" behind a shorter match of "/main".
    for (start, _) in folder.char_indices() {
        let shown = format!("…{}", &folder[start..]);
        text = text.replace(&shown, " ");
    }
    text
}

/// Every text the accessibility tree shows now: labels, values (a
/// label's text, a field's contents) and descriptions (hover texts).
fn shown_texts(harness: &Harness<'static, App>) -> Vec<String> {
    let mut texts = Vec::new();
    for node in harness.query_all(By::new()) {
        let node = node.accesskit_node();
        texts.extend(node.label());
        texts.extend(node.value());
        texts.extend(node.description());
    }
    texts
}

/// Adds what is shown now, with where it was seen, to `seen`.
fn collect(harness: &Harness<'static, App>, place: &str, seen: &mut BTreeSet<(String, String)>) {
    for text in shown_texts(harness) {
        seen.insert((text, place.to_owned()));
    }
}

/// Clicks a combo box (found by its label), collects its open list, and
/// closes it again with Escape, or picks `choose` from it.
fn open_combo(
    harness: &mut Harness<'static, App>,
    label: &str,
    choose: Option<&str>,
    place: &str,
    seen: &mut BTreeSet<(String, String)>,
) {
    harness.get_by_role_and_label(Role::ComboBox, label).click();
    harness.run();
    collect(harness, place, seen);
    match choose {
        // The open list is drawn last, above a label with the same text.
        Some(choice) => harness
            .query_all_by_label(choice)
            .last()
            .expect("the choice in the open list")
            .click(),
        None => harness.key_press(egui::Key::Escape),
    }
    harness.run();
}

/// Clicks a menu button, collects its open menu, and closes it.
fn open_menu(
    harness: &mut Harness<'static, App>,
    label: &str,
    place: &str,
    seen: &mut BTreeSet<(String, String)>,
) {
    harness.get_by_label(label).click();
    harness.run();
    collect(harness, place, seen);
    harness.key_press(egui::Key::Escape);
    harness.run();
}

/// Empties a text field as a person does: focus, select all, delete.
fn clear_field(harness: &mut Harness<'static, App>, label: &str) {
    harness
        .query_all_by_label(label)
        .find(|node| node.accesskit_node().role() == Role::TextInput)
        .expect("the field")
        .focus();
    harness.run();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.run();
    harness.key_press(egui::Key::Backspace);
    harness.run();
}

#[test]
fn every_word_in_the_chinese_window_is_chinese() {
    let zh = Lang::Zh;
    // A TLS server's self-signed certificate is made in the test's folder,
    // never in the user's settings folder; its path is the file system's,
    // not the window's words.
    let certificates = tempfile::tempdir().unwrap();
    let certificate_file = certificates
        .path()
        .join(netassist::net::tls::SELF_SIGNED_CERT_FILE)
        .display()
        .to_string();
    // Tall enough that the tools drawer shows every tool without scrolling.
    let mut settings = english_settings(Protocol::Udp);
    settings.sec.self_signed_folder = Some(certificates.path().to_owned());
    let mut harness = harness_sized(settings, [1280.0, 1400.0]);
    harness.run();
    harness.get_by_label("简体中文").click();
    harness.run();
    assert_eq!(harness.state().workbench().settings().lang, zh);
    harness.get_by_label(zh.t(&i18n::TOOLS)).click();
    harness.run();

    let mut seen = BTreeSet::new();
    for protocol in Protocol::ALL {
        let name = protocol_name(protocol, zh);
        open_combo(
            &mut harness,
            zh.t(&i18n::PROTOCOL),
            Some(name),
            "the protocol list",
            &mut seen,
        );
        assert_eq!(harness.state().workbench().settings().protocol, protocol);
        collect(&harness, name, &mut seen);

        let message_tools = !matches!(protocol, Protocol::TftpServer | Protocol::TftpClient);
        let no_rule_yet = harness
            .state()
            .workbench()
            .settings()
            .tools
            .auto_replies
            .is_empty();
        if message_tools && no_rule_yet {
            // A rule that does not compile says why, in Chinese (the rule
            // stays with the tab when its protocol changes).
            harness.get_by_label(zh.t(&i18n::AUTO_REPLY_ADD)).click();
            harness.run();
            harness
                .get_by_role_and_label(Role::ComboBox, zh.t(&i18n::AUTO_REPLY_MATCH))
                .click();
            harness.run();
            collect(&harness, "the auto-reply match list", &mut seen);
            let regex = ["正则表达式", "regex"]
                .into_iter()
                .find(|label| harness.query_by_label(label).is_some())
                .expect("a regular-expression choice in the match list");
            harness.get_by_label(regex).click();
            harness.run();
            set_field(&mut harness, zh.t(&i18n::AUTO_REPLY_WHEN), "(");
            set_field(&mut harness, zh.t(&i18n::AUTO_REPLY_SEND), "$3");
        }
        if message_tools {
            collect(&harness, "a rule that does not compile", &mut seen);
            for checksum in [i18n::CHECKSUM_APPEND, i18n::CHECKSUM_VERIFY] {
                open_combo(
                    &mut harness,
                    zh.t(&checksum),
                    None,
                    "the checksum list",
                    &mut seen,
                );
            }
            open_menu(
                &mut harness,
                zh.t(&i18n::HISTORY),
                "the history menu",
                &mut seen,
            );
        }
        if matches!(protocol, Protocol::TcpServer | Protocol::TcpClient) {
            // A framing that could never end a message is refused at open
            // (the framing stays with the tab when its protocol changes).
            if !harness
                .state()
                .workbench()
                .settings()
                .tools
                .framing
                .delimiter
                .is_empty()
            {
                open_combo(
                    &mut harness,
                    zh.t(&i18n::FRAMING_MODE),
                    Some(zh.t(&i18n::FRAMING_DELIMITER)),
                    "the framing list",
                    &mut seen,
                );
                clear_field(&mut harness, zh.t(&i18n::FRAMING_DELIMITER));
            }
            let open = match protocol {
                Protocol::TcpServer => zh.t(&i18n::LISTEN),
                _ => zh.t(&i18n::CONNECT),
            };
            harness.get_by_role_and_label(Role::Button, open).click();
            run_after_network_click(&mut harness);
            collect(
                &harness,
                "a framing that could never end a message",
                &mut seen,
            );
            assert!(
                !harness.state().workbench().is_active(),
                "an empty delimiter keeps the session closed"
            );
        }
        if protocol == Protocol::TcpServer {
            // Open, with a client that sends: the clients table, the log's
            // rows and the counters.
            open_combo(
                &mut harness,
                zh.t(&i18n::FRAMING_MODE),
                Some(zh.t(&i18n::FRAMING_NONE)),
                "the framing list",
                &mut seen,
            );
            set_field(&mut harness, zh.t(&i18n::LOCAL_HOST), "127.0.0.1");
            set_field(&mut harness, zh.t(&i18n::LOCAL_PORT), "0");
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::LISTEN))
                .click();
            run_after_network_click(&mut harness);
            step_until(&mut harness, "the server to listen", |h| {
                bound_addr(h).is_some()
            });
            let local = bound_addr(&harness).expect("listening");
            let mut client = TcpStream::connect(local).expect("connect to the window's server");
            client
                .write_all("你好".as_bytes())
                .expect("send to the window");
            step_until(&mut harness, "the client's message", |h| {
                h.state().workbench().counters().rx_bytes > 0
            });
            harness.run();
            collect(&harness, "a server with a client", &mut seen);
            drop(client);
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::STOP))
                .click();
            run_after_network_click(&mut harness);
            step_until(&mut harness, "the server to stop", |h| {
                !h.state().workbench().is_active()
            });
            collect(&harness, "a stopped server", &mut seen);
        }
        if protocol == Protocol::TftpServer {
            // No folder chosen yet: starting says so (on 127.0.0.1 should
            // it start after all).
            set_field(&mut harness, zh.t(&i18n::LOCAL_HOST), "127.0.0.1");
            set_field(&mut harness, zh.t(&i18n::LOCAL_PORT), "0");
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::START_SERVER))
                .click();
            run_after_network_click(&mut harness);
            collect(&harness, "a server without a folder", &mut seen);
            if harness.state().workbench().is_active() {
                harness
                    .get_by_role_and_label(Role::Button, zh.t(&i18n::STOP))
                    .click();
                run_after_network_click(&mut harness);
                step_until(&mut harness, "the TFTP server to stop", |h| {
                    !h.state().workbench().is_active()
                });
            }
        }
        if protocol == Protocol::TftpClient {
            // No remote file named yet: downloading says so.
            set_field(&mut harness, zh.t(&i18n::REMOTE_HOST), "127.0.0.1");
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::TFTP_GET))
                .click();
            run_after_network_click(&mut harness);
            collect(&harness, "a download without a file name", &mut seen);
        }
        if protocol == Protocol::Udp {
            // A group that is not a multicast address is refused at open.
            set_field(&mut harness, zh.t(&i18n::MULTICAST_GROUPS), "1.2.3.4");
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::OPEN))
                .click();
            run_after_network_click(&mut harness);
            collect(&harness, "a group that is not multicast", &mut seen);
            assert!(!harness.state().workbench().is_active());
            set_field(&mut harness, zh.t(&i18n::MULTICAST_GROUPS), "");
            // HEX is checked as it is typed.
            harness.get_by_label(zh.t(&i18n::TX_HEX)).click();
            harness.run();
            type_into(
                &mut harness,
                Role::MultilineTextInput,
                zh.t(&i18n::DATA_SEND),
                "41 请",
            );
            collect(&harness, "HEX that is not HEX", &mut seen);
            harness.get_by_label(zh.t(&i18n::TX_HEX)).click();
            harness.run();
            // The quick commands, with one saved from the send box, and
            // the loop's settings.
            harness.get_by_label(zh.t(&i18n::QUICK_COMMANDS)).click();
            harness.run();
            harness.get_by_label(zh.t(&i18n::QUICK_SAVE)).click();
            harness.run();
            harness.get_by_label(zh.t(&i18n::LOOP_PERIOD_MS)).click();
            harness.run();
            collect(&harness, "the quick commands and the loop", &mut seen);
            harness.get_by_label(zh.t(&i18n::LOOP_PERIOD_MS)).click();
            harness.run();
        }
        security_panels(&mut harness, protocol, &mut seen);
        open_menu(
            &mut harness,
            zh.t(&i18n::PROFILES),
            "the profiles menu",
            &mut seen,
        );
        harness.get_by_label(zh.t(&i18n::RATE_PLOT)).click();
        harness.run();
        collect(&harness, "the rate plot", &mut seen);
        harness.get_by_label(zh.t(&i18n::RATE_PLOT)).click();
        harness.run();
    }

    // The sentences provoked above were shown (so their words were read).
    for sentence in [
        "不是组播地址",
        "不是 HEX 数字",
        "不是有效的正则表达式",
        "分隔符为空",
        "请选择文件夹",
        "请输入远程文件名",
        "开始监听",
        "请选择文件",
        "不是以 ws:// 或 wss:// 开头",
        "SHA-256",
    ] {
        assert!(
            seen.iter().any(|(text, _)| text.contains(sentence)),
            "no sentence with {sentence:?} was shown"
        );
    }
    // The served folder's path (the current folder, as the TFTP fields
    // start) is the user's file system, not the window's words.
    let folder = std::env::current_dir()
        .map(|folder| folder.display().to_string())
        .unwrap_or_default();
    let mut english = Vec::new();
    let mut reported = BTreeSet::new();
    for (text, place) in &seen {
        let words = foreign_words(&without_folder(
            &without_folder(text, &certificate_file),
            &folder,
        ));
        if !words.is_empty() && reported.insert(text.clone()) {
            english.push(format!("{words:?} in {text:?} ({place})"));
        }
    }
    assert!(
        english.is_empty(),
        "English left in the Chinese window:\n{}",
        english.join("\n")
    );
}

/// Issue 14: the TLS and WebSocket panels, their lists, a sentence each,
/// and the servers open (the fingerprint, the WebSocket controls).
fn security_panels(
    harness: &mut Harness<'static, App>,
    protocol: Protocol,
    seen: &mut BTreeSet<(String, String)>,
) {
    let zh = Lang::Zh;
    let listen = |harness: &mut Harness<'static, App>| {
        set_field(harness, zh.t(&i18n::LOCAL_HOST), "127.0.0.1");
        set_field(harness, zh.t(&i18n::LOCAL_PORT), "0");
        harness
            .get_by_role_and_label(Role::Button, zh.t(&i18n::LISTEN))
            .click();
        run_after_network_click(harness);
        step_until(harness, "the server to listen", |h| bound_addr(h).is_some());
    };
    let stop = |harness: &mut Harness<'static, App>| {
        harness
            .get_by_role_and_label(Role::Button, zh.t(&i18n::STOP))
            .click();
        run_after_network_click(harness);
        step_until(harness, "the server to stop", |h| {
            !h.state().workbench().is_active()
        });
    };
    match protocol {
        Protocol::TlsClient => {
            open_combo(
                harness,
                zh.t(&i18n::SEC_MIN_VERSION),
                None,
                "the TLS versions",
                seen,
            );
            // A CA file chosen in the list but not picked is refused.
            open_combo(
                harness,
                zh.t(&i18n::SEC_VERIFY),
                Some(zh.t(&i18n::SEC_VERIFY_CA_FILE)),
                "the certificate checks",
                seen,
            );
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::CONNECT))
                .click();
            run_after_network_click(harness);
            collect(harness, "a CA file not chosen", seen);
            assert!(!harness.state().workbench().is_active());
            open_combo(
                harness,
                zh.t(&i18n::SEC_VERIFY),
                Some(zh.t(&i18n::SEC_VERIFY_SYSTEM)),
                "the certificate checks",
                seen,
            );
        }
        Protocol::TlsServer => {
            open_combo(
                harness,
                zh.t(&i18n::SEC_IDENTITY),
                None,
                "the certificate sources",
                seen,
            );
            listen(harness);
            step_until(harness, "the server's fingerprint", |h| {
                h.state().workbench().security().fingerprint.is_some()
            });
            harness.run();
            collect(harness, "a TLS server with its certificate", seen);
            stop(harness);
        }
        Protocol::WsClient => {
            set_field(harness, zh.t(&i18n::SEC_URL), "http://127.0.0.1/");
            harness
                .get_by_role_and_label(Role::Button, zh.t(&i18n::CONNECT))
                .click();
            run_after_network_click(harness);
            collect(harness, "a URL that is not ws://", seen);
            assert!(!harness.state().workbench().is_active());
            set_field(harness, zh.t(&i18n::SEC_URL), "wss://127.0.0.1/");
            collect(harness, "a wss:// URL's TLS fields", seen);
        }
        Protocol::WsServer => {
            harness.get_by_label(zh.t(&i18n::SEC_WSS)).click();
            harness.run();
            collect(harness, "a wss server's fields", seen);
            harness.get_by_label(zh.t(&i18n::SEC_WSS)).click();
            harness.run();
            listen(harness);
            collect(harness, "a WebSocket server's controls", seen);
            stop(harness);
        }
        _ => {}
    }
}

/// The problems a command line gives the window (`netassist --lang zh
/// --local …`) are said in Chinese too.
#[test]
fn problems_with_the_window_flags_are_chinese_in_chinese() {
    use clap::Parser;
    let args = Args::try_parse_from([
        "netassist",
        "--lang",
        "zh",
        "--local",
        "127.0.0.1:99999",
        "--remote",
        "nowhere",
        "--encoding",
        "klingon",
        "--idle-timeout=-3",
    ])
    .expect("flags clap accepts");
    let mut settings = Settings::default();
    let problems = settings.apply_args(&args);
    assert_eq!(problems.len(), 4, "{problems:?}");
    for problem in &problems {
        // The flags are the command line's own English keywords, and the
        // encodings' names stay as they are.
        let mut shown: String = problem
            .split(' ')
            .filter(|word| !word.starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ");
        for name in [
            "UTF-16LE",
            "UTF-16BE",
            "Shift_JIS",
            "EUC-KR",
            "Windows-1252",
            "GB2312",
            "klingon",
            "nowhere",
        ] {
            shown = shown.replace(name, " ");
        }
        let words = foreign_words(&shown);
        assert!(words.is_empty(), "{words:?} in {problem:?}");
    }
}

/// Every rule, framing and multicast error the window can show has
/// Chinese words for every kind (the regular-expression library's own
/// English reason is left out in Chinese).
#[test]
fn every_tool_error_has_chinese_words() {
    use netassist::gui::i18n::sentences;
    use netassist::gui::tools::{AutoReplySettingError, FramingSettingError, RefusedRule};
    use netassist::net::GroupError;
    use netassist::net::autoreply::RuleError;
    use netassist::text::{EscapeError, FramingSpecError, HexError};

    let hex = HexError::OddDigit { position: 3 };
    let rules = [
        RuleError::EmptyPattern,
        RuleError::BadRegex {
            pattern: "(".into(),
            reason: "unclosed group".into(),
        },
        RuleError::BadHex(hex.clone()),
        RuleError::MissingGroup {
            index: 2,
            groups: 1,
        },
        RuleError::GroupWithoutRegex { index: 1 },
        RuleError::BadReply(EscapeError::Trailing),
        RuleError::Capture {
            text: "温度".into(),
            reason: "系统原因".into(),
        },
    ];
    let mut sentences_shown: Vec<String> = Vec::new();
    for rule in &rules {
        sentences_shown.push(sentences::rule_error(Lang::Zh, rule));
    }
    for error in [
        AutoReplySettingError::Pattern(EscapeError::BadHex(2)),
        AutoReplySettingError::ReplyHex(hex.clone()),
        AutoReplySettingError::Rule(RuleError::EmptyPattern),
    ] {
        sentences_shown.push(sentences::refused_rule(
            Lang::Zh,
            &RefusedRule { number: 2, error },
        ));
    }
    for error in [
        FramingSpecError::DelimiterHex {
            text: "0G".into(),
            source: hex.clone(),
        },
        FramingSpecError::EmptyDelimiter,
        FramingSpecError::ZeroLength,
        FramingSpecError::ZeroGap,
        FramingSpecError::BadLength { text: "-3".into() },
        FramingSpecError::BadGap { text: "十".into() },
    ] {
        sentences_shown.push(sentences::framing_setting_error(
            Lang::Zh,
            &FramingSettingError::Spec(error),
        ));
    }
    sentences_shown.push(sentences::framing_setting_error(
        Lang::Zh,
        &FramingSettingError::Delimiter(EscapeError::Trailing),
    ));
    for error in [
        GroupError::NotAGroup("1.2.3.4".into()),
        GroupError::NotAnInterfaceAddress("网卡".into()),
    ] {
        sentences_shown.push(sentences::group_error(Lang::Zh, &error));
    }
    for sentence in &sentences_shown {
        // '0G' is the sample's own typed text.
        let words = foreign_words(&sentence.replace("'0G'", " "));
        assert!(words.is_empty(), "{words:?} in {sentence:?}");
        assert!(
            sentence
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{sentence:?} has no Chinese"
        );
    }
}

#[test]
fn the_served_folder_is_taken_out_whole_or_by_its_shown_end() {
    let folder = "/home/runner/build/work/main";
    assert_eq!(without_folder("…/work/main", folder).trim(), "");
    assert_eq!(
        without_folder("根目录 /home/runner/build/work/main", folder).trim(),
        "根目录"
    );
    // Another path's end is not the folder.
    assert_eq!(without_folder("…/work/other", folder), "…/work/other");
}

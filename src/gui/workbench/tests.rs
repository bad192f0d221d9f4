//! The parts of a tab on their own, without a window: the mirror follows
//! the events, the composer browses and keeps the history, and the
//! sentences next to the fields are in the tab's language.

use std::net::SocketAddr;
use std::sync::Arc;

use super::{Composer, SessionState, Workbench};
use crate::gui::i18n::{self, Lang};
use crate::gui::settings::Settings;
use crate::net::{CloseReason, Event, Protocol};

fn workbench(protocol: Protocol, lang: Lang) -> Workbench {
    let settings = Settings::for_new_tab(protocol, lang, false, &[]);
    Workbench::new(settings, Arc::new(|| ()))
}

fn peer(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

#[test]
fn the_mirror_follows_a_tcp_servers_events_to_the_end() {
    let mut bench = workbench(Protocol::TcpServer, Lang::En);
    let local = peer(8080);
    bench.apply(Event::Opened { local });
    assert_eq!(bench.state(), SessionState::Open { local });
    for port in [50_001, 50_002] {
        bench.apply(Event::Connected {
            peer: peer(port),
            local,
            at_ms: 0,
            conn: crate::conn::ConnTag::only(u32::from(port)),
        });
    }
    bench.set_client_selected(1, true);
    bench.apply(Event::Disconnected {
        peer: peer(50_001),
        reason: CloseReason::ClosedByPeer,
    });
    // The client left is the one that was ticked, now first in the list.
    assert_eq!(bench.clients().len(), 1);
    assert_eq!(bench.clients()[0].peer, peer(50_002));
    assert!(bench.clients()[0].selected);
    bench.apply(Event::Stopped(None));
    assert_eq!(bench.state(), SessionState::Closed);
    assert!(bench.clients().is_empty());
    let log = bench.log_text();
    for line in ["LISTENING", "CONNECTED", "DISCONNECTED", "CLOSED"] {
        assert!(log.contains(line), "{line} in {log}");
    }
}

#[test]
fn the_composer_browses_the_history_without_overwriting_an_edit() {
    let mut composer = Composer::default();
    let mut history = Vec::new();
    for text in ["one", "two", "one"] {
        composer.set_send_text(text.to_owned());
        composer.remember_in(&mut history);
    }
    assert_eq!(history, ["two", "one"], "sent again, it moves to the end");
    composer.set_send_text(String::new());
    assert!(composer.browse(&history, true));
    assert_eq!(composer.send_text(), "one");
    assert!(composer.browse(&history, true));
    assert_eq!(composer.send_text(), "two");
    composer.send_text_mut().push('!');
    assert!(!composer.browse(&history, false), "an edit is kept");
    assert_eq!(composer.send_text(), "two!");
}

#[test]
fn the_history_keeps_the_newest_fifty() {
    let mut composer = Composer::default();
    let mut history = Vec::new();
    for n in 0..60 {
        composer.set_send_text(n.to_string());
        composer.remember_in(&mut history);
    }
    assert_eq!(history.len(), 50);
    assert_eq!(history.first().map(String::as_str), Some("10"));
    assert_eq!(history.last().map(String::as_str), Some("59"));
}

#[test]
fn a_chinese_tab_says_its_sentences_in_chinese() {
    let mut bench = workbench(Protocol::Udp, Lang::Zh);
    bench.send();
    assert_eq!(
        bench.errors().send.as_deref(),
        Some(Lang::Zh.t(&i18n::NOT_OPEN))
    );
    // "Nothing to send" in either language goes once the box has text,
    // also after the language was switched.
    for said in [Lang::Zh, Lang::En] {
        bench.errors_mut().send = Some(said.t(&i18n::NOTHING_TO_SEND).to_owned());
        bench.composer_mut().set_send_text("hi".to_owned());
        bench.send_text_edited();
        assert_eq!(bench.errors().send, None, "said in {said:?}");
    }
}

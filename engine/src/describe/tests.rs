use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::net::tls::{CertInfo, TlsEvent, TlsInfo, TlsProblem};
use crate::net::{Chunks, Held, MulticastJoin, RxDropped, RxFileFailed};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// One event of every kind, in the order `Event` declares them. The
/// match in `Describer::describe` names every variant, so a new one fails
/// to compile until it has a description; this list adds its wording.
fn one_of_each() -> Vec<(Event, &'static str)> {
    let peer = addr("127.0.0.1:50000");
    let group: IpAddr = "239.255.0.1".parse().unwrap();
    let join = MulticastJoin {
        group,
        interface: None,
    };
    vec![
        (
            Event::Opened {
                local: addr("127.0.0.1:8080"),
            },
            "LISTENING 127.0.0.1:8080",
        ),
        (Event::Connecting { remote: peer }, ""),
        (
            Event::Connected {
                peer: addr("[::ffff:127.0.0.1]:50000"),
                local: addr("127.0.0.1:8080"),
                at_ms: 5,
                conn: crate::conn::ConnTag::only(1),
            },
            "CONNECTED 127.0.0.1:50000",
        ),
        (
            Event::Received(Chunks::unbudgeted([(1, peer, &b"hi"[..])])),
            "",
        ),
        (
            Event::RxDropped(RxDropped::for_test(1200, 78_608_400)),
            "DROPPED 1200 datagrams (78608400 bytes) not kept so far: the output fell behind",
        ),
        (
            Event::Sent {
                at_ms: 1,
                to: vec![peer],
                bytes: b"hi".to_vec(),
                held: Held::none(),
            },
            "",
        ),
        (
            Event::Disconnected {
                peer,
                reason: CloseReason::ClosedByPeer,
            },
            "DISCONNECTED 127.0.0.1:50000 (closed by peer)",
        ),
        (
            Event::PeerFinished { peer },
            "FINISHED 127.0.0.1:50000 (peer finished sending)",
        ),
        (
            Event::ReplyHeld(ReplyHeld::OverCap {
                peer,
                skipped: 12,
                per_second: 1000,
            }),
            "LIMITED 12 message(s) from 127.0.0.1:50000 not answered: answers are limited to 1000 a second per peer",
        ),
        (
            Event::Error(SessionError::NoClients),
            "ERROR no client is connected",
        ),
        (
            Event::Transfer(TransferEvent::Started {
                id: 1,
                file: PeerText::from("file.bin"),
                peer: addr("127.0.0.1:50001"),
                direction: TransferDirection::Send,
                size: Some(1024),
            }),
            "START #1 file.bin send to 127.0.0.1:50001, 1024 bytes",
        ),
        (
            Event::Transfer(TransferEvent::Progress { id: 1, bytes: 512 }),
            "",
        ),
        (
            Event::Transfer(TransferEvent::Finished {
                id: 1,
                bytes: 1024,
                elapsed: Duration::from_millis(10),
            }),
            "DONE #1 file.bin 1024 bytes in 0.010 s (100.0 KiB/s)",
        ),
        (Event::LoopStopped { sent: 7 }, "LOOP STOPPED after 7 sends"),
        (Event::Joined(join), "JOINED 239.255.0.1"),
        (Event::Left(join), "LEFT 239.255.0.1"),
        (Event::FileProgress { sent: 1, total: 3 }, ""),
        (
            Event::FileProgress { sent: 3, total: 3 },
            "FILE SENT 固件.bin 3 bytes",
        ),
        (
            Event::FileAborted {
                sent: 1,
                total: 3,
                reason: SessionError::FileCancelled,
            },
            "FILE STOPPED at 1 of 3 bytes: the file send was cancelled",
        ),
        (
            Event::RxFileFailed(RxFileFailed {
                path: PathBuf::from("/dev/full"),
                reason: "No space left on device".to_owned(),
            }),
            "ERROR saving received data stopped: cannot write /dev/full: No space left on device",
        ),
        (
            Event::Tls(TlsEvent::Established {
                peer,
                info: TlsInfo {
                    version: "TLS 1.3".to_owned(),
                    cipher_suite: "TLS13_AES_256_GCM_SHA384".to_owned(),
                    alpn: Some("h2".into()),
                    chain: vec![CertInfo {
                        subject: "CN=device\n".into(),
                        issuer: "CN=Test CA".into(),
                        names: vec!["device.local".into()],
                        not_before: 1_735_689_600,
                        not_after: 1_767_225_600,
                        sha256: "AB:CD".to_owned(),
                    }],
                },
            }),
            "TLS 127.0.0.1:50000 TLS 1.3, TLS13_AES_256_GCM_SHA384, ALPN h2; certificate 1: subject CN=device\\n, issuer CN=Test CA, for device.local, valid 2025-01-01 00:00 UTC to 2026-01-01 00:00 UTC, SHA-256 AB:CD",
        ),
        (
            Event::Tls(TlsEvent::Insecure { peer }),
            "TLS 127.0.0.1:50000 WARNING certificate errors are ignored: the server's certificate is not checked, so the connection may be read or changed by anyone in between",
        ),
        (
            Event::Tls(TlsEvent::HandshakeFailed {
                peer,
                problem: TlsProblem::UnknownIssuer,
            }),
            "TLS 127.0.0.1:50000 handshake failed: the certificate is signed by an unknown authority: choose that authority's certificate as the CA file, or ignore certificate errors for a test device",
        ),
        (
            Event::Tls(TlsEvent::ServerIdentity {
                fingerprint: "AB:CD".to_owned(),
                names: vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
                generated: true,
                cert_path: None,
            }),
            "TLS certificate for localhost, 127.0.0.1 (self-signed, generated now), SHA-256 AB:CD",
        ),
        (Event::Stopped(None), "CLOSED"),
    ]
}

#[test]
fn every_event_has_a_description_and_its_english_line() {
    let mut describer = Describer::new();
    describer.file_send_started(Path::new("/tmp/固件.bin"));
    for (event, line) in one_of_each() {
        let description = describer.describe(&event);
        assert_eq!(description.is_line(), !line.is_empty(), "{event:?}");
        assert_eq!(description.to_string(), line, "{event:?}");
    }
}

#[test]
fn a_failed_transfer_names_its_file_and_shows_the_peers_text_escaped() {
    let mut describer = Describer::new();
    describer.describe(&Event::Transfer(TransferEvent::Started {
        id: 7,
        file: PeerText::from("a\nb"),
        peer: addr("127.0.0.1:1"),
        direction: TransferDirection::Receive,
        size: None,
    }));
    let failed = describer.describe(&Event::Transfer(TransferEvent::Failed {
        id: 7,
        reason: TransferFailure::PeerError {
            code: 1,
            message: PeerText::from("nope\x1b[2J"),
        },
    }));
    assert_eq!(
        failed.to_string(),
        "FAILED #7 a\\nb: the peer ended the transfer: nope\\x1B[2J (TFTP error 1)"
    );
    assert!(!failed.to_string().chars().any(char::is_control));
}

#[test]
fn a_session_that_ends_with_an_error_says_it() {
    let error = SessionError::AddrInUse {
        addr: addr("127.0.0.1:8080"),
    };
    let description = Describer::new().describe(&Event::Stopped(Some(error.clone())));
    assert_eq!(description, Description::Closed { error: Some(error) });
    assert!(
        description
            .to_string()
            .starts_with("ERROR 127.0.0.1:8080 is already in use")
    );
}

#[test]
fn rates_are_in_units_a_person_reads() {
    assert_eq!(rate_text(512, Duration::from_secs(1)), "512 B/s");
    assert_eq!(rate_text(2048, Duration::from_secs(1)), "2.0 KiB/s");
    assert_eq!(rate_text(2 << 20, Duration::from_secs(1)), "2.00 MiB/s");
    assert_eq!(rate_text(1, Duration::ZERO), "instant");
}

#[test]
fn a_rate_takes_the_largest_unit_it_reaches() {
    assert_eq!(RateUnit::for_bytes_per_sec(0.0), RateUnit::BytesPerSec);
    assert_eq!(RateUnit::for_bytes_per_sec(1023.9), RateUnit::BytesPerSec);
    assert_eq!(
        RateUnit::for_bytes_per_sec(1024.0),
        RateUnit::KibibytesPerSec
    );
    assert_eq!(
        RateUnit::for_bytes_per_sec(1024.0 * 1024.0 - 1.0),
        RateUnit::KibibytesPerSec
    );
    assert_eq!(
        RateUnit::for_bytes_per_sec(5.0 * 1024.0 * 1024.0),
        RateUnit::MebibytesPerSec
    );
    assert_eq!(RateUnit::MebibytesPerSec.symbol(), "MiB/s");
}

//! TCP framing (分包) on the session thread, over real sockets on
//! 127.0.0.1: the session cuts each peer's stream into messages by itself,
//! `Received` carries whole messages, auto-reply rules and echo see whole
//! messages, and the receive file still gets the bytes as they arrive.
//!
//! To make a message really arrive in pieces, the peer writes the next
//! piece only once the receive file shows that the session has read the
//! one before (the file is written as the session reads, whatever the
//! framing), so the pieces cannot be merged on the way.

use crate::common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{WAIT, opened, wait_for};
use netassist_engine::net::autoreply::{Pattern, Reply, Rule};
use netassist_engine::net::{
    self, Answers, CloseReason, Event, RxFileSpec, SessionConfig, SessionHandle, TcpClientConfig,
    TcpServerConfig,
};
use netassist_engine::text::{Encoding, Framing};

fn server_config(framing: Framing) -> SessionConfig {
    SessionConfig::TcpServer(TcpServerConfig {
        framing,
        ..TcpServerConfig::new("127.0.0.1:0".parse().unwrap(), 8)
    })
}

fn client_config(remote: SocketAddr, framing: Framing) -> SessionConfig {
    SessionConfig::TcpClient(TcpClientConfig {
        remote: net::Endpoint::from(remote),
        local: None,
        connect_timeout: WAIT,
        framing,
    })
}

/// A session that saves what it receives to `rx_path` from the start.
fn open_saving(config: SessionConfig, answers: Answers, rx_path: &Path) -> SessionHandle {
    let spec = RxFileSpec::open(rx_path, None).expect("the receive file opens");
    net::spawn_saving(config, Arc::new(|| {}), answers, Some(spec)).expect("the session starts")
}

/// Writes `pieces` one at a time, each only once the session has read the
/// ones before.
fn write_in_pieces(stream: &mut TcpStream, rx_path: &Path, pieces: &[&[u8]]) {
    let mut written = 0;
    for piece in pieces {
        stream.write_all(piece).unwrap();
        written += piece.len() as u64;
        let read = common::wait_for_file_len(rx_path, written);
        assert_eq!(read, written, "the session read more than was sent");
    }
}

/// The next `count` received messages, as bytes, with their sender.
fn messages(session: &SessionHandle, count: usize) -> Vec<(SocketAddr, Vec<u8>)> {
    let mut found = Vec::new();
    while found.len() < count {
        let chunks = wait_for(session, |event| match event {
            Event::Received(chunks) => Some(
                chunks
                    .iter()
                    .map(|chunk| (chunk.peer, chunk.bytes.to_vec()))
                    .collect::<Vec<_>>(),
            ),
            Event::Error(error) => panic!("session error: {error}"),
            Event::Stopped(error) => panic!("the session stopped: {error:?}"),
            _ => None,
        });
        found.extend(chunks);
    }
    assert_eq!(found.len(), count, "more messages than expected: {found:?}");
    found
}

fn bytes_of(messages: &[(SocketAddr, Vec<u8>)]) -> Vec<&[u8]> {
    messages.iter().map(|(_, bytes)| bytes.as_slice()).collect()
}

#[test]
fn a_delimiter_split_across_segments_arrives_as_whole_messages() {
    let dir = tempfile::tempdir().unwrap();
    let rx_path = dir.path().join("rx.bin");
    let session = open_saving(
        server_config(Framing::Delimiter(b"\r\n".to_vec())),
        Answers::default(),
        &rx_path,
    );
    let local = opened(&session);
    let mut client = TcpStream::connect(local).unwrap();
    client.set_nodelay(true).unwrap();
    let pieces: [&[u8]; 4] = [b"temp=21\r", b"\nhum", b"=40\r\ntail", b"\r\n"];
    write_in_pieces(&mut client, &rx_path, &pieces);
    let got = messages(&session, 3);
    assert_eq!(
        bytes_of(&got),
        [b"temp=21\r\n".as_slice(), b"hum=40\r\n", b"tail\r\n"]
    );
    assert!(
        got.iter()
            .all(|(peer, _)| *peer == client.local_addr().unwrap())
    );
    // The receive file keeps the stream as it came, not the messages.
    assert_eq!(std::fs::read(&rx_path).unwrap(), pieces.concat());
}

#[test]
fn a_fixed_length_regroups_the_stream_and_the_rest_comes_at_the_close() {
    let dir = tempfile::tempdir().unwrap();
    let rx_path = dir.path().join("rx.bin");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let session = open_saving(
        client_config(listener.local_addr().unwrap(), Framing::FixedLength(4)),
        Answers::default(),
        &rx_path,
    );
    let (mut server_side, _) = listener.accept().unwrap();
    server_side.set_nodelay(true).unwrap();
    write_in_pieces(
        &mut server_side,
        &rx_path,
        &[&[1, 2, 3], &[4, 5, 6, 7, 8, 9, 10]],
    );
    let got = messages(&session, 2);
    assert_eq!(bytes_of(&got), [[1, 2, 3, 4].as_slice(), &[5, 6, 7, 8]]);
    // What the framer still holds is the server's last message, shown
    // before the connection's end.
    drop(server_side);
    let rest = messages(&session, 1);
    assert_eq!(bytes_of(&rest), [[9, 10].as_slice()]);
    let reason = wait_for(&session, |event| match event {
        Event::Disconnected { reason, .. } => Some(*reason),
        Event::Received(chunks) => panic!("more data after the rest: {chunks:?}"),
        _ => None,
    });
    assert_eq!(reason, CloseReason::ClosedByPeer);
}

#[test]
fn an_idle_gap_is_cut_by_the_session_while_no_front_end_reads() {
    let dir = tempfile::tempdir().unwrap();
    let rx_path = dir.path().join("rx.bin");
    // Echo answers each message as the session cuts it: the client gets
    // "abcd" back only if the session itself ended the message when the
    // gap passed, since nobody reads the session's events meanwhile.
    let answers = Answers {
        echo: true,
        ..Answers::default()
    };
    let session = open_saving(
        server_config(Framing::IdleGap(Duration::from_millis(1500))),
        answers,
        &rx_path,
    );
    let local = opened(&session);
    let mut client = TcpStream::connect(local).unwrap();
    client.set_nodelay(true).unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    // Sent well within the gap of each other (a piece is written as soon
    // as the session has read the one before), read apart.
    write_in_pieces(&mut client, &rx_path, &[b"ab", b"cd"]);
    let mut echoed = [0u8; 4];
    client.read_exact(&mut echoed).unwrap();
    assert_eq!(&echoed, b"abcd");
    let got = messages(&session, 1);
    assert_eq!(bytes_of(&got), [b"abcd".as_slice()]);
}

#[test]
fn auto_reply_matches_a_framed_message_that_arrived_in_two_segments() {
    let dir = tempfile::tempdir().unwrap();
    let rx_path = dir.path().join("rx.bin");
    let rule = Rule::new(
        Pattern::Equals(b"PING\r\n".to_vec()),
        Reply::Bytes(b"PONG\r\n".to_vec()),
        Encoding::Utf8,
    )
    .expect("a valid rule");
    let answers = Answers {
        echo: false,
        rules: vec![rule],
    };
    let session = open_saving(
        server_config(Framing::Delimiter(b"\r\n".to_vec())),
        answers,
        &rx_path,
    );
    let local = opened(&session);
    let mut client = TcpStream::connect(local).unwrap();
    client.set_nodelay(true).unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    // Neither segment equals the pattern; the message they make does.
    write_in_pieces(&mut client, &rx_path, &[b"PI", b"NG\r\n"]);
    let mut reply = [0u8; 6];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"PONG\r\n");
    let got = messages(&session, 1);
    assert_eq!(bytes_of(&got), [b"PING\r\n".as_slice()]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Whatever is typed after --framing, the answer is a framing or a
    /// sentence, never a panic; and a framing is never one that could not
    /// end a message.
    #[test]
    fn a_framing_spec_never_panics(spec in "(delimiter|fixed|idle|none|x)?:?[ 0-9a-fA-FxX:,-]{0,12}") {
        match spec.parse::<Framing>() {
            Ok(Framing::Delimiter(bytes)) => proptest::prop_assert!(!bytes.is_empty()),
            Ok(Framing::FixedLength(length)) => proptest::prop_assert!(length > 0),
            Ok(Framing::IdleGap(gap)) => proptest::prop_assert!(!gap.is_zero()),
            Ok(Framing::None) => {}
            Err(error) => proptest::prop_assert!(!error.to_string().is_empty()),
        }
    }

    /// A spec written from a framing reads back as that framing.
    #[test]
    fn framing_specs_read_back(
        delimiter in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..6),
        length in 1usize..100_000,
        gap_ms in 1u64..10_000_000,
    ) {
        let hex = netassist_engine::text::format_hex(&delimiter);
        proptest::prop_assert_eq!(
            format!("delimiter:{hex}").parse::<Framing>(),
            Ok(Framing::Delimiter(delimiter))
        );
        proptest::prop_assert_eq!(
            format!("fixed:{length}").parse::<Framing>(),
            Ok(Framing::FixedLength(length))
        );
        proptest::prop_assert_eq!(
            format!("idle:{gap_ms}").parse::<Framing>(),
            Ok(Framing::IdleGap(Duration::from_millis(gap_ms)))
        );
    }
}

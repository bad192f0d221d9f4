use std::io::Cursor;
use std::time::{Duration, Instant};

use super::*;
use crate::tftp::options::Params;
use crate::tftp::wire::Packet;

fn params(blksize: usize, windowsize: u16) -> Params {
    Params {
        blksize,
        windowsize,
        timeout: None,
        mode: Mode::Octet,
    }
}

fn sends(out: &[Output]) -> Vec<Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            Output::Send(p) => Some(p.to_vec()),
            _ => None,
        })
        .collect()
}

fn data_blocks(out: &[Output]) -> Vec<u16> {
    sends(out)
        .iter()
        .filter_map(|p| match Packet::parse(p) {
            Ok(Packet::Data { block, .. }) => Some(block),
            _ => None,
        })
        .collect()
}

fn source(len: usize) -> Box<dyn Read + Send> {
    Box::new(Cursor::new((0..len).map(|i| i as u8).collect::<Vec<u8>>()))
}

#[test]
fn test_duplicate_ack_never_resends() {
    let now = Instant::now();
    let (mut t, out) =
        Transfer::server_send(params(8, 1), None, source(20), Limits::default(), now);
    assert_eq!(data_blocks(&out), vec![1]);
    let out = t.on_packet(&wire::ack_packet(1), now);
    assert_eq!(data_blocks(&out), vec![2]);
    // A duplicate ACK 1 (the Sorcerer's Apprentice case) sends nothing.
    let out = t.on_packet(&wire::ack_packet(1), now);
    assert!(sends(&out).is_empty());
    // Only the timeout resends.
    let later = now + Duration::from_secs(2);
    let out = t.on_timeout(later);
    assert_eq!(data_blocks(&out), vec![2]);
}

#[test]
fn test_block_numbers_roll_over() {
    let now = Instant::now();
    let blocks = 65_540;
    let (mut t, mut out) = Transfer::server_send(
        params(8, 1),
        None,
        source(8 * blocks),
        Limits::default(),
        now,
    );
    let mut seen = 0u64;
    while let Some(block) = data_blocks(&out).last().copied() {
        seen += 1;
        out = t.on_packet(&wire::ack_packet(block), now);
        if out.iter().any(|o| matches!(o, Output::Done { .. })) {
            break;
        }
    }
    // 65540 full blocks and an empty final one.
    assert_eq!(seen, blocks as u64 + 1);
    assert_eq!(t.bytes(), 8 * blocks as u64);
}

#[test]
fn test_receiver_handles_rollover_and_window() {
    let now = Instant::now();
    let (mut t, _) = Transfer::server_receive(params(8, 4), None, Limits::default(), now);
    let mut acks = 0;
    for n in 1..=70_000u64 {
        let out = t.on_packet(&wire::data_packet(n as u16, &[1; 8]), now);
        acks += sends(&out).len();
    }
    let out = t.on_packet(&wire::data_packet(70_001u64 as u16, &[2; 3]), now);
    assert!(out.contains(&Output::Done {
        bytes: 70_000 * 8 + 3,
        confirmed: true
    }));
    assert_eq!(acks, 70_000 / 4);
}

#[test]
fn test_receiver_reports_gap_once() {
    let now = Instant::now();
    let (mut t, _) = Transfer::server_receive(params(8, 8), None, Limits::default(), now);
    let _ = t.on_packet(&wire::data_packet(1, &[0; 8]), now);
    let out = t.on_packet(&wire::data_packet(3, &[0; 8]), now);
    assert_eq!(sends(&out), vec![wire::ack_packet(1)]);
    let out = t.on_packet(&wire::data_packet(4, &[0; 8]), now);
    assert!(sends(&out).is_empty());
}

#[test]
fn test_sender_restarts_window_after_partial_ack() {
    let now = Instant::now();
    let (mut t, out) =
        Transfer::server_send(params(8, 4), None, source(100), Limits::default(), now);
    assert_eq!(data_blocks(&out), vec![1, 2, 3, 4]);
    let out = t.on_packet(&wire::ack_packet(2), now);
    assert_eq!(data_blocks(&out), vec![3, 4, 5, 6]);
}

#[test]
fn test_gives_up_after_bounded_silence() {
    let limits = Limits::default();
    let mut now = Instant::now();
    let (mut t, _) = Transfer::server_send(params(8, 1), None, source(100), limits, now);
    let mut failed = false;
    for _ in 0..50 {
        now = t.next_deadline().unwrap_or(now);
        let out = t.on_timeout(now);
        if out.iter().any(|o| matches!(o, Output::Failed { .. })) {
            failed = true;
            break;
        }
    }
    assert!(failed);
    assert!(t.next_deadline().is_none());
}

#[test]
fn test_missing_final_ack_ends_quietly() {
    let mut now = Instant::now();
    let (mut t, _) = Transfer::server_send(params(8, 1), None, source(4), Limits::default(), now);
    let mut done = None;
    for _ in 0..10 {
        now = t.next_deadline().unwrap_or(now);
        for o in t.on_timeout(now) {
            if let Output::Done { confirmed, .. } = o {
                done = Some(confirmed);
            }
        }
    }
    assert_eq!(done, Some(false));
}

#[test]
fn test_netascii_is_translated_when_sending() {
    let now = Instant::now();
    let p = Params {
        mode: Mode::Netascii,
        ..params(512, 1)
    };
    let (_, out) = Transfer::server_send(
        p,
        None,
        Box::new(Cursor::new(b"a\nb".to_vec())),
        Limits::default(),
        now,
    );
    assert_eq!(sends(&out), vec![wire::data_packet(1, b"a\r\nb")]);
}

#[test]
fn test_client_get_falls_back_without_oack() {
    let now = Instant::now();
    let asked = Asked {
        blksize: Some(1468),
        windowsize: Some(16),
        timeout_secs: None,
        tsize: Some(0),
    };
    let (mut t, out) = Transfer::client(
        b"request".to_vec(),
        asked,
        Mode::Octet,
        None,
        Limits::default(),
        now,
    );
    assert_eq!(sends(&out), vec![b"request".to_vec()]);
    // The server ignored the options and sent a 512-byte block.
    let out = t.on_packet(&wire::data_packet(1, &[7; 512]), now);
    assert_eq!(sends(&out), vec![wire::ack_packet(1)]);
    assert_eq!(t.params().blksize, 512);
    let out = t.on_packet(&wire::data_packet(2, &[7; 1]), now);
    assert!(out.contains(&Output::Done {
        bytes: 513,
        confirmed: true
    }));
}

#[test]
fn test_client_get_with_oack() {
    let now = Instant::now();
    let asked = Asked {
        blksize: Some(1468),
        windowsize: Some(2),
        timeout_secs: None,
        tsize: Some(0),
    };
    let (mut t, _) = Transfer::client(
        b"r".to_vec(),
        asked,
        Mode::Octet,
        None,
        Limits::default(),
        now,
    );
    let oack = b"\x00\x06blksize\x00100\x00windowsize\x002\x00tsize\x00150\x00";
    let out = t.on_packet(oack, now);
    assert!(out.contains(&Output::SizeKnown(150)));
    assert_eq!(sends(&out), vec![wire::ack_packet(0)]);
    let out = t.on_packet(&wire::data_packet(1, &[0; 100]), now);
    assert!(sends(&out).is_empty());
    let out = t.on_packet(&wire::data_packet(2, &[0; 50]), now);
    assert_eq!(sends(&out), vec![wire::ack_packet(2)]);
}

#[test]
fn test_peer_error_fails_the_transfer() {
    let now = Instant::now();
    let (mut t, _) = Transfer::server_receive(params(512, 1), None, Limits::default(), now);
    let out = t.on_packet(&wire::error_packet(ErrorCode::DiskFull, "full"), now);
    assert!(matches!(
        &out[0],
        Output::Failed {
            peer_code: Some(ErrorCode::DiskFull),
            ..
        }
    ));
}

#[test]
fn test_receiver_does_not_feed_the_sorcerers_apprentice() {
    let now = Instant::now();
    let (mut t, _) = Transfer::server_receive(params(8, 1), None, Limits::default(), now);
    let out = t.on_packet(&wire::data_packet(1, &[0; 8]), now);
    assert_eq!(sends(&out), vec![wire::ack_packet(1)]);
    // An immediate duplicate is not acknowledged again...
    let out = t.on_packet(
        &wire::data_packet(1, &[0; 8]),
        now + Duration::from_millis(1),
    );
    assert!(sends(&out).is_empty());
    // ...but a retransmission after a timeout's worth of time is.
    let out = t.on_packet(
        &wire::data_packet(1, &[0; 8]),
        now + Duration::from_millis(900),
    );
    assert_eq!(sends(&out), vec![wire::ack_packet(1)]);
}

#[test]
fn test_block_is_acknowledged_before_written_but_final_after_stored() {
    let now = Instant::now();
    let (mut t, _) = Transfer::server_receive(params(8, 1), None, Limits::default(), now);
    let out = t.on_packet(&wire::data_packet(1, &[5; 8]), now);
    // The sender may go on while the block is written.
    assert_eq!(out[0], Output::Send(Datagram::new(wire::ack_packet(1))));
    assert_eq!(out[1], Output::Write(vec![5; 8]));
    // The final ACK comes only after Done, when the file is in place.
    let out = t.on_packet(&wire::data_packet(2, &[6; 2]), now);
    let done = out
        .iter()
        .position(|o| matches!(o, Output::Done { .. }))
        .expect("done");
    let ack = out
        .iter()
        .position(|o| *o == Output::Send(Datagram::new(wire::ack_packet(2))))
        .expect("final ack");
    let write = out
        .iter()
        .position(|o| *o == Output::Write(vec![6; 2]))
        .expect("write");
    assert!(write < done && done < ack);
}

/// Every block's payload, in order, from a lockstep download of `len`
/// bytes, with or without reading ahead between ACKs.
fn lockstep_payloads(len: usize, mode: Mode, read_ahead: bool) -> Vec<Vec<u8>> {
    let now = Instant::now();
    let p = Params {
        mode,
        ..params(8, 1)
    };
    let (mut t, mut out) = Transfer::server_send(p, None, source(len), Limits::default(), now);
    let mut payloads = Vec::new();
    loop {
        if read_ahead {
            t.read_ahead();
        }
        let Some(packet) = sends(&out).pop() else {
            break;
        };
        let Ok(Packet::Data { block, data }) = Packet::parse(&packet) else {
            break;
        };
        payloads.push(data.to_vec());
        out = t.on_packet(&wire::ack_packet(block), now);
        if out.iter().any(|o| matches!(o, Output::Done { .. })) {
            break;
        }
    }
    payloads
}

#[test]
fn test_read_ahead_sends_the_same_blocks() {
    // 24 bytes end on a block boundary (an empty final block), 21 do not;
    // netascii reads through its own staging.
    for len in [21, 24] {
        for mode in [Mode::Octet, Mode::Netascii] {
            let plain = lockstep_payloads(len, mode, false);
            let ahead = lockstep_payloads(len, mode, true);
            assert_eq!(plain, ahead, "{len} bytes, {mode:?}");
            if mode == Mode::Octet {
                assert_eq!(plain.concat(), (0..len as u8).collect::<Vec<u8>>());
                assert_eq!(
                    plain.last().map(Vec::len),
                    Some(if len == 24 { 0 } else { 5 })
                );
            }
        }
    }
}

#[test]
fn test_read_ahead_waits_for_the_negotiated_block_size() {
    let now = Instant::now();
    let asked = Asked {
        blksize: Some(16),
        windowsize: None,
        timeout_secs: None,
        tsize: None,
    };
    let (mut t, _) = Transfer::client(
        b"w".to_vec(),
        asked,
        Mode::Octet,
        Some(source(40)),
        Limits::default(),
        now,
    );
    // Before the OACK the block size is not known: nothing is read.
    t.read_ahead();
    let out = t.on_packet(b"\x00\x06blksize\x0016\x00", now);
    let first = sends(&out);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].len(), 4 + 16);
    assert_eq!(&first[0][4..], &(0..16u8).collect::<Vec<u8>>()[..]);
}

#[test]
fn test_reused_buffers_carry_every_block_intact() {
    // The shells drop their copies of a packet once it is sent, so the
    // buffer of each acknowledged block carries a later one; the short
    // final block must not keep bytes of the full block before it.
    for read_ahead in [false, true] {
        let now = Instant::now();
        let (mut t, out) =
            Transfer::server_send(params(8, 1), None, source(43), Limits::default(), now);
        let mut pending = sends(&out);
        drop(out);
        let mut payloads = Vec::new();
        while let Some(packet) = pending.pop() {
            let Ok(Packet::Data { block, data }) = Packet::parse(&packet) else {
                panic!("not a DATA packet");
            };
            payloads.push(data.to_vec());
            assert!(payloads.len() <= 6, "more blocks than the file has");
            if read_ahead {
                t.read_ahead();
            }
            let out = t.on_packet(&wire::ack_packet(block), now);
            pending = sends(&out);
        }
        assert_eq!(payloads.concat(), (0..43u8).collect::<Vec<u8>>());
        assert_eq!(payloads.last().map(Vec::len), Some(3));
    }
}

#[test]
fn test_data_beyond_the_announced_tsize_is_refused() {
    let now = Instant::now();
    let (mut t, _) = Transfer::server_receive(params(8, 1), None, Limits::default(), now);
    t.limit_size(10);
    let out = t.on_packet(&wire::data_packet(1, &[1; 8]), now);
    assert_eq!(sends(&out), vec![wire::ack_packet(1)]);
    // Two more bytes would be 10, three are 11: refused, not written.
    let out = t.on_packet(&wire::data_packet(2, &[2; 3]), now);
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Write(_) | Output::Done { .. }))
    );
    let sent = sends(&out);
    assert_eq!(sent.len(), 1, "{out:?}");
    assert!(matches!(
        Packet::parse(&sent[0]),
        Ok(Packet::Error {
            code: ErrorCode::DiskFull,
            ..
        })
    ));
    assert!(out.iter().any(|o| matches!(o, Output::Failed { .. })));
    assert!(t.is_closed());

    // Exactly the announced size is stored.
    let (mut t, _) = Transfer::server_receive(params(8, 1), None, Limits::default(), now);
    t.limit_size(10);
    let _ = t.on_packet(&wire::data_packet(1, &[1; 8]), now);
    let out = t.on_packet(&wire::data_packet(2, &[2; 2]), now);
    assert!(out.contains(&Output::Done {
        bytes: 10,
        confirmed: true
    }));
}

#[test]
fn test_peer_answered_only_after_a_valid_ack_or_data() {
    let now = Instant::now();
    // A download without options: DATA 1 goes first; a stray ACK does not
    // count as an answer, the ACK of block 1 does.
    let (mut t, _) = Transfer::server_send(params(8, 1), None, source(20), Limits::default(), now);
    assert!(!t.peer_answered());
    let _ = t.on_packet(&wire::ack_packet(7), now);
    let _ = t.on_packet(b"\x00\x09garbage", now);
    assert!(!t.peer_answered());
    let _ = t.on_packet(&wire::ack_packet(1), now);
    assert!(t.peer_answered());

    // A download with an OACK: its ACK 0 is the answer.
    let oack = Packet::Oack { options: vec![] }.to_bytes();
    let (mut t, _) =
        Transfer::server_send(params(8, 1), Some(oack), source(20), Limits::default(), now);
    assert!(!t.peer_answered());
    let _ = t.on_packet(&wire::ack_packet(0), now);
    assert!(t.peer_answered());

    // An upload: the first DATA in order is the answer, a block ahead is not.
    let (mut t, _) = Transfer::server_receive(params(8, 1), None, Limits::default(), now);
    let _ = t.on_packet(&wire::data_packet(5, &[0; 8]), now);
    assert!(!t.peer_answered());
    let _ = t.on_packet(&wire::data_packet(1, &[0; 8]), now);
    assert!(t.peer_answered());
}

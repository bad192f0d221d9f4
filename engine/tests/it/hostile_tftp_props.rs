//! Property tests for the TFTP wire: the packet parser never panics and
//! what it accepts emits back to bytes that parse to the same packet;
//! emitted packets parse back; netascii round-trips and does not care how
//! the stream was cut; whatever a client asks, the server's negotiation
//! is one the client accepts, with the same parameters on both sides.

use netassist_engine::tftp::Mode;
use netassist_engine::tftp::netascii::{self, Decoder, Encoder};
use netassist_engine::tftp::options::{self, Asked, MAX_BLKSIZE, MAX_WINDOWSIZE, MIN_BLKSIZE};
use netassist_engine::tftp::wire::{ErrorCode, MAX_OPTIONS, Packet, RequestKind, TftpOption};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        ..ProptestConfig::default()
    }
}

/// Datagrams that look like TFTP often enough to reach deep into the
/// parser: a real opcode, then NUL-separated pieces or noise.
fn datagram() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"blksize".to_vec()),
        Just(b"octet".to_vec()),
        Just(b"netascii".to_vec()),
        Just(b"1428".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..80),
        (
            0u16..8,
            proptest::collection::vec(piece, 0..80),
            any::<bool>()
        )
            .prop_map(|(opcode, pieces, trailing_nul)| {
                let mut bytes = opcode.to_be_bytes().to_vec();
                for (i, piece) in pieces.iter().enumerate() {
                    bytes.extend_from_slice(piece);
                    if i + 1 < pieces.len() || trailing_nul {
                        bytes.push(0);
                    }
                }
                bytes
            }),
    ]
}

/// Text without NUL, as a packet's strings must be.
fn text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,16}"
}

fn kind() -> impl Strategy<Value = RequestKind> {
    prop_oneof![Just(RequestKind::Read), Just(RequestKind::Write)]
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Octet), Just(Mode::Netascii)]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_never_panics_and_what_it_accepts_round_trips(bytes in datagram()) {
        if let Ok(packet) = Packet::parse(&bytes) {
            let emitted = packet.to_bytes();
            prop_assert_eq!(emitted.len(), packet.buffer_len());
            let again = Packet::parse(&emitted);
            prop_assert_eq!(again.as_ref(), Ok(&packet));
        }
    }

    #[test]
    fn emitted_requests_parse_back(
        kind in kind(),
        // A name is bytes, in whatever encoding the client's system uses.
        filename in proptest::collection::vec(1u8..=255, 0..16),
        mode in text(),
        pairs in proptest::collection::vec((text(), text()), 0..MAX_OPTIONS),
    ) {
        let options: Vec<TftpOption<'_>> = pairs
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect();
        let packet = Packet::Request { kind, filename: &filename, mode: &mode, options };
        let bytes = packet.to_bytes();
        prop_assert_eq!(Packet::parse(&bytes), Ok(packet));
    }

    #[test]
    fn emitted_data_acks_errors_and_oacks_parse_back(
        block in any::<u16>(),
        data in proptest::collection::vec(any::<u8>(), 0..600),
        code in any::<u16>(),
        message in text(),
        pairs in proptest::collection::vec((text(), text()), 0..MAX_OPTIONS),
    ) {
        let data_packet = Packet::Data { block, data: &data };
        let bytes = data_packet.to_bytes();
        prop_assert_eq!(Packet::parse(&bytes), Ok(data_packet));
        let ack = Packet::Ack { block };
        let bytes = ack.to_bytes();
        prop_assert_eq!(Packet::parse(&bytes), Ok(ack));
        let error = Packet::Error { code: ErrorCode::from(code), message: &message };
        let bytes = error.to_bytes();
        prop_assert_eq!(Packet::parse(&bytes), Ok(error));
        let options: Vec<TftpOption<'_>> = pairs
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect();
        let oack = Packet::Oack { options };
        let bytes = oack.to_bytes();
        prop_assert_eq!(Packet::parse(&bytes), Ok(oack));
    }

    #[test]
    fn more_options_than_allowed_are_refused_not_parsed(extra in 1usize..200) {
        let pairs = vec![("a", "1"); MAX_OPTIONS + extra];
        let options: Vec<TftpOption<'_>> =
            pairs.iter().map(|(name, value)| TftpOption { name, value }).collect();
        let bytes = Packet::Oack { options }.to_bytes();
        prop_assert!(Packet::parse(&bytes).is_err());
    }

    #[test]
    fn netascii_round_trips_under_any_chunking(
        bytes in proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(0u8), any::<u8>()], 0..300),
        cuts in proptest::collection::vec(any::<usize>(), 0..20),
    ) {
        let wire = netascii::encode(&bytes);
        prop_assert_eq!(netascii::decode(&wire), bytes.clone());
        // On the wire, every CR is followed by LF or NUL.
        for pair in wire.windows(2) {
            if pair[0] == b'\r' {
                prop_assert!(pair[1] == b'\n' || pair[1] == 0);
            }
        }
        prop_assert_ne!(wire.last(), Some(&b'\r'));
        // Streaming in any chunks gives the same bytes both ways.
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        points.extend([0, bytes.len()]);
        points.sort_unstable();
        points.dedup();
        let mut encoder = Encoder::default();
        let mut streamed = Vec::new();
        for w in points.windows(2) {
            encoder.encode(&bytes[w[0]..w[1]], &mut streamed);
        }
        encoder.finish(&mut streamed);
        prop_assert_eq!(&streamed, &wire);
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
        points.extend([0, wire.len()]);
        points.sort_unstable();
        points.dedup();
        let mut decoder = Decoder::default();
        let mut local = Vec::new();
        for w in points.windows(2) {
            decoder.decode(&wire[w[0]..w[1]], &mut local);
        }
        decoder.finish(&mut local);
        prop_assert_eq!(local, bytes);
    }

    #[test]
    fn netascii_decode_never_panics_and_loses_no_byte(
        wire in proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(0u8), any::<u8>()], 0..300),
    ) {
        let local = netascii::decode(&wire);
        // One byte of a CR NUL or CR LF pair is dropped (on Windows a CR
        // LF stays two bytes): never more bytes lost than such pairs.
        let pairs = wire
            .windows(2)
            .filter(|p| p == b"\r\0" || p == b"\r\n")
            .count();
        prop_assert!(local.len() + pairs >= wire.len());
    }

    #[test]
    fn negotiate_never_panics_and_stays_in_range(
        kind in kind(),
        mode in mode(),
        pairs in proptest::collection::vec(
            (
                prop_oneof![
                    Just("blksize".to_owned()), Just("BLKSIZE".to_owned()),
                    Just("windowsize".to_owned()), Just("timeout".to_owned()),
                    Just("tsize".to_owned()), text(),
                ],
                prop_oneof![
                    (0u64..100_000).prop_map(|v| v.to_string()),
                    any::<u64>().prop_map(|v| v.to_string()),
                    Just(" 512 ".to_owned()), Just("-1".to_owned()),
                    Just("99999999999999999999999".to_owned()), text(),
                ],
            ),
            0..40,
        ),
        file_size in proptest::option::of(any::<u64>()),
    ) {
        let options: Vec<TftpOption<'_>> = pairs
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect();
        let negotiation = options::negotiate(kind, mode, &options, file_size);
        let params = negotiation.params;
        prop_assert!((MIN_BLKSIZE as usize..=MAX_BLKSIZE as usize).contains(&params.blksize));
        prop_assert!((1..=MAX_WINDOWSIZE as u16).contains(&params.windowsize));
        let mut names: Vec<&str> = negotiation.oack.iter().map(|(n, _)| n.as_str()).collect();
        let total = names.len();
        names.sort_unstable();
        names.dedup();
        prop_assert_eq!(names.len(), total, "an option acknowledged twice");
        prop_assert!(total <= 4);
    }

    #[test]
    fn the_client_accepts_what_the_server_negotiates(
        kind in kind(),
        mode in mode(),
        blksize in proptest::option::of(any::<u16>()),
        windowsize in proptest::option::of(any::<u16>()),
        timeout_secs in proptest::option::of(any::<u8>()),
        tsize in proptest::option::of(any::<u64>()),
        file_size in proptest::option::of(0u64..1 << 40),
    ) {
        let asked = Asked { blksize, windowsize, timeout_secs, tsize };
        let request = asked.to_options();
        let options: Vec<TftpOption<'_>> = request
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect();
        let server = options::negotiate(kind, mode, &options, file_size);
        let oack: Vec<TftpOption<'_>> = server
            .oack
            .iter()
            .map(|(name, value)| TftpOption { name, value })
            .collect();
        let (client, _size) = asked
            .accept_oack(mode, &oack)
            .map_err(|e| TestCaseError::fail(format!("{e}: asked {asked:?}, OACK {:?}", server.oack)))?;
        prop_assert_eq!(client.blksize, server.params.blksize);
        prop_assert_eq!(client.windowsize, server.params.windowsize);
        prop_assert_eq!(client.timeout, server.params.timeout);
    }
}

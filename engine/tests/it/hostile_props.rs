//! Property tests: the parsers a peer or a user feeds never panic, and the
//! pairs that should round-trip do, whatever the input.
//!
//! Case counts stay moderate so the file runs in seconds on a loaded
//! 2-core CI machine; the fuzz targets in `fuzz/` go deeper.

use netassist_engine::net::Endpoint;
use netassist_engine::text::{
    Checksum, Cut, Encoding, Framer, Framing, LineEnding, encode_text, format_hex, parse_hex,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        ..ProptestConfig::default()
    }
}

fn any_encoding() -> impl Strategy<Value = Encoding> {
    proptest::sample::select(Encoding::ALL.to_vec())
}

fn any_line_ending() -> impl Strategy<Value = LineEnding> {
    proptest::sample::select(LineEnding::ALL.to_vec())
}

fn any_checksum() -> impl Strategy<Value = Checksum> {
    proptest::sample::select(Checksum::ALL.to_vec())
}

/// Text as a user might type it: HEX-ish characters, separators, prefixes
/// and now and then anything at all.
fn hexish_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-FxX, \t\r\n]{0,64}",
        "(0x)?[0-9a-fA-F]{0,9}( (0x)?[0-9a-fA-F]{0,9}){0,6}",
        any::<String>(),
    ]
}

/// Splits `bytes` into chunks at the given cut points (any chunking).
fn chunked(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|w| bytes[w[0]..w[1]].to_vec())
        .collect()
}

fn run_framer(framing: &Framing, cap: usize, chunks: &[Vec<u8>]) -> Vec<(Vec<u8>, Cut)> {
    let mut framer = Framer::with_cap(framing.clone(), cap);
    let mut out = Vec::new();
    for chunk in chunks {
        for message in framer.push(chunk, 0) {
            out.push((message.bytes, message.cut));
        }
    }
    if let Some(last) = framer.finish() {
        out.push((last.bytes, last.cut));
    }
    out
}

fn any_framing() -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::None),
        proptest::collection::vec(any::<u8>(), 0..4).prop_map(Framing::Delimiter),
        (0usize..40).prop_map(Framing::FixedLength),
        (1u64..50).prop_map(|ms| Framing::IdleGap(std::time::Duration::from_millis(ms))),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hex_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        prop_assert_eq!(parse_hex(&format_hex(&bytes)).unwrap(), bytes.clone());
        // Lower case and no separators mean the same bytes.
        let packed: String = format_hex(&bytes).replace(' ', "").to_lowercase();
        prop_assert_eq!(parse_hex(&packed).unwrap(), bytes);
    }

    #[test]
    fn hex_parse_never_panics_and_errors_point_inside(text in hexish_text()) {
        match parse_hex(&text) {
            Ok(bytes) => {
                // What was accepted means the bytes it shows again.
                prop_assert_eq!(parse_hex(&format_hex(&bytes)).unwrap(), bytes);
            }
            Err(error) => {
                let chars = text.chars().count();
                let position = match error {
                    netassist_engine::text::HexError::NotHex { position, .. } => position,
                    netassist_engine::text::HexError::OddDigit { position } => position,
                };
                prop_assert!(position >= 1 && position <= chars, "{error} in {text:?}");
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }

    #[test]
    fn every_byte_written_as_an_escape_is_that_byte(
        bytes in proptest::collection::vec(any::<u8>(), 0..128),
        encoding in any_encoding(),
        upper in any::<bool>(),
        line_ending in any_line_ending(),
    ) {
        let text: String = bytes
            .iter()
            .map(|b| if upper { format!("\\X{b:02X}") } else { format!("\\x{b:02x}") })
            .collect();
        let mut expected = bytes.clone();
        expected.extend_from_slice(line_ending.bytes());
        prop_assert_eq!(encode_text(&text, encoding, true, line_ending).unwrap(), expected);
    }

    #[test]
    fn escaping_text_then_encoding_it_gives_the_text(text in any::<String>()) {
        let mut escaped = String::new();
        for c in text.chars() {
            match c {
                '\\' => escaped.push_str("\\\\"),
                '\r' => escaped.push_str("\\r"),
                '\n' => escaped.push_str("\\n"),
                '\t' => escaped.push_str("\\t"),
                '\0' => escaped.push_str("\\0"),
                c => escaped.push(c),
            }
        }
        prop_assert_eq!(
            encode_text(&escaped, Encoding::Utf8, true, LineEnding::None).unwrap(),
            text.as_bytes().to_vec()
        );
        // With escapes off, the text is sent as it is.
        prop_assert_eq!(
            encode_text(&text, Encoding::Utf8, false, LineEnding::None).unwrap(),
            text.as_bytes().to_vec()
        );
    }

    #[test]
    fn encode_text_never_panics(
        text in prop_oneof!["[\\\\xXrnt0-9a-fA-Fq]{0,24}", any::<String>()],
        encoding in any_encoding(),
        escapes in any::<bool>(),
        line_ending in any_line_ending(),
    ) {
        if let Err(error) = encode_text(&text, encoding, escapes, line_ending) {
            prop_assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn any_chunking_gives_the_same_messages(
        stream in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), any::<u8>()], 0..400),
        framing in any_framing(),
        cuts in proptest::collection::vec(any::<usize>(), 0..40),
    ) {
        // Under the cap, the messages depend on the stream, not on how it
        // arrived (idle gaps aside: all chunks here arrive at once).
        let whole = run_framer(&framing, 1 << 20, std::slice::from_ref(&stream));
        let pieces = chunked(&stream, &cuts);
        let split = run_framer(&framing, 1 << 20, &pieces);
        if framing_is_none(&framing) {
            // Each chunk is its own message: together they are the stream.
            let joined: Vec<u8> = split.iter().flat_map(|(b, _)| b.clone()).collect();
            prop_assert_eq!(joined, stream);
        } else {
            prop_assert_eq!(&split, &whole);
            let joined: Vec<u8> = whole.iter().flat_map(|(b, _)| b.clone()).collect();
            prop_assert_eq!(joined, stream);
        }
    }

    #[test]
    fn a_small_cap_loses_no_byte_and_holds_no_more_than_the_cap(
        stream in proptest::collection::vec(any::<u8>(), 0..400),
        framing in any_framing(),
        cap in 0usize..16,
        cuts in proptest::collection::vec(any::<usize>(), 0..40),
    ) {
        let mut framer = Framer::with_cap(framing.clone(), cap);
        let mut joined = Vec::new();
        for (i, chunk) in chunked(&stream, &cuts).iter().enumerate() {
            for message in framer.push(chunk, i as i64) {
                joined.extend(message.bytes);
            }
            prop_assert!(framer.buffered() < cap.max(1), "held {} with cap {cap}", framer.buffered());
            if let Some(message) = framer.flush_due(i as i64 + 1000) {
                joined.extend(message.bytes);
            }
        }
        if let Some(last) = framer.finish() {
            joined.extend(last.bytes);
        }
        prop_assert_eq!(joined, stream);
    }

    #[test]
    fn checksum_appended_is_verified(
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
        checksum in any_checksum(),
        flip in any::<u8>().prop_filter("a change", |f| *f != 0),
    ) {
        let framed = checksum.append(&bytes);
        prop_assert_eq!(framed.len(), bytes.len() + checksum.byte_count());
        if bytes.is_empty() {
            prop_assert_eq!(checksum.verify_trailing(&framed), None);
        } else {
            prop_assert_eq!(checksum.verify_trailing(&framed), Some(true));
            // A damaged trailer is caught by every checksum.
            let mut damaged = framed.clone();
            let last = damaged.len() - 1;
            damaged[last] ^= flip;
            prop_assert_eq!(checksum.verify_trailing(&damaged), Some(false));
        }
    }

    #[test]
    fn checksum_verify_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        checksum in any_checksum(),
    ) {
        let verdict = checksum.verify_trailing(&bytes);
        prop_assert_eq!(verdict.is_none(), bytes.len() <= checksum.byte_count());
    }

    #[test]
    fn endpoint_parse_never_panics_and_round_trips(
        text in prop_oneof![
            any::<String>(),
            "\\[?[0-9a-fA-F:.%]{0,40}\\]?:?-?[0-9]{0,7}",
            "[a-zA-Z0-9.\\- ]{0,30}:[0-9a-z\\- ]{0,7}",
        ],
    ) {
        match Endpoint::parse(&text) {
            Ok(endpoint) => {
                let again = Endpoint::parse(&endpoint.to_string());
                prop_assert_eq!(again.as_ref(), Ok(&endpoint), "{:?} shown as {}", text, endpoint);
                // Local addresses and resolution of IP literals never panic.
                let _ = endpoint.to_local();
                if endpoint.host.parse::<std::net::IpAddr>().is_ok() {
                    prop_assert_eq!(endpoint.resolve().unwrap().len(), 1);
                }
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn endpoint_from_parts_never_panics(host in any::<String>(), port in any::<String>()) {
        if let Ok(endpoint) = Endpoint::from_parts(&host, &port) {
            prop_assert_eq!(Endpoint::parse(&endpoint.to_string()), Ok(endpoint));
        }
    }

    #[test]
    fn endpoint_round_trips_every_socket_address(addr in any::<std::net::SocketAddr>()) {
        let endpoint = Endpoint::from(addr);
        let parsed = Endpoint::parse(&endpoint.to_string()).unwrap();
        prop_assert_eq!(parsed.port, addr.port());
        prop_assert_eq!(parsed.host.parse::<std::net::IpAddr>().unwrap(), addr.ip());
    }
}

fn framing_is_none(framing: &Framing) -> bool {
    matches!(
        framing,
        Framing::None | Framing::Delimiter(_) | Framing::FixedLength(0)
    ) && match framing {
        Framing::Delimiter(d) => d.is_empty(),
        _ => true,
    }
}

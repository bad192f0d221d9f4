#![no_main]
//! The waveform's parsers, text lines and JustFloat frames: any bytes, cut
//! into pushes anywhere. No panic; the records and the count of what was
//! skipped do not depend on how the stream was cut; what the parser keeps
//! between pushes stays within a line or a frame; every value is finite
//! and a frame has no more values than there are channels.

use libfuzzer_sys::fuzz_target;
use netassist_core::waveform::{
    ChannelKey, MAX_CHANNELS, MAX_FRAME_BYTES, MAX_LINE_BYTES, Record, WaveFormat, WaveParser,
    WaveStore,
};

/// The records of `pieces` pushed in turn (each ended as a datagram when
/// `datagrams`), and how many lines or frames were skipped.
fn parse(format: WaveFormat, pieces: &[&[u8]], datagrams: bool) -> (Vec<Record>, u64) {
    let mut parser = WaveParser::new(format);
    let mut records = Vec::new();
    for piece in pieces {
        parser.push(piece, &mut records);
        if datagrams {
            parser.end_of_message(&mut records);
        }
        match format {
            WaveFormat::TextLines => assert!(parser.held_bytes() <= MAX_LINE_BYTES),
            WaveFormat::JustFloat => assert!(parser.held_bytes() < MAX_FRAME_BYTES),
        }
    }
    (records, parser.skipped())
}

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let format = if head & 1 == 0 {
        WaveFormat::TextLines
    } else {
        WaveFormat::JustFloat
    };
    // The next few bytes give the sizes the stream is cut into, in turn
    // (0: an empty push); the rest is the stream.
    let size_count = usize::from(head >> 1) % 8 + 1;
    let (sizes, stream) = rest.split_at(size_count.min(rest.len()));
    let mut pieces: Vec<&[u8]> = Vec::new();
    let mut left = stream;
    // Bounded however many of the sizes are 0.
    for &size in sizes.iter().cycle().take(2 * stream.len() + sizes.len()) {
        if left.is_empty() {
            break;
        }
        // Small cuts most of the time, now and then one longer than a line.
        let size = match size {
            250.. => MAX_LINE_BYTES + usize::from(size),
            _ => usize::from(size),
        };
        let (piece, after) = left.split_at(size.min(left.len()));
        pieces.push(piece);
        left = after;
    }
    pieces.push(left);

    let whole = parse(format, &[stream], false);
    let split = parse(format, &pieces, false);
    assert_eq!(whole, split, "the same stream cut otherwise");
    if format == WaveFormat::JustFloat {
        // A datagram's end does not end a frame: the same again.
        assert_eq!(parse(format, &pieces, true), whole);
    } else {
        // Each piece a datagram: lines end at each piece too. No panic,
        // bounded; nothing to compare with.
        parse(format, &pieces, true);
    }

    let mut store = WaveStore::default();
    for record in &whole.0 {
        assert!(!record.values.is_empty());
        assert!(record.values.iter().all(|(_, value)| value.is_finite()));
        if format == WaveFormat::JustFloat {
            assert!(record.values.len() <= MAX_CHANNELS);
            assert!(
                record
                    .values
                    .iter()
                    .all(|(key, _)| matches!(key, ChannelKey::Position(i) if *i < MAX_CHANNELS))
            );
        }
        store.add(record, 0);
    }
    assert!(store.channels().len() <= MAX_CHANNELS);
    assert_eq!(store.records(), whole.0.len() as u64);
});

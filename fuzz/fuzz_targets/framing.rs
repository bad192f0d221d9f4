#![no_main]
//! The TCP stream splitter: any framing, any cap, any chunking. No byte is
//! lost or invented, no more than the cap is held, and (under the cap) the
//! messages do not depend on how the stream was chunked. Checksums ride
//! along: what is appended verifies.

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use netassist_core::text::{Checksum, Framer, Framing};

fn run(framing: &Framing, cap: usize, chunks: &[&[u8]], clock: bool) -> Vec<(Vec<u8>, String)> {
    let mut framer = Framer::with_cap(framing.clone(), cap);
    let mut out = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let at = if clock { i as i64 * 7 } else { 0 };
        for message in framer.push(chunk, at) {
            out.push((message.bytes, format!("{:?}", message.cut)));
        }
        assert!(framer.buffered() < cap.max(1));
        if clock && let Some(message) = framer.flush_due(at + 5) {
            out.push((message.bytes, format!("{:?}", message.cut)));
        }
    }
    if let Some(message) = framer.finish() {
        out.push((message.bytes, format!("{:?}", message.cut)));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (head, stream) = data.split_at(4);
    let framing = match head[0] % 4 {
        0 => Framing::None,
        1 => Framing::Delimiter(head[1..1 + usize::from(head[1] % 3)].to_vec()),
        2 => Framing::FixedLength(usize::from(head[1])),
        _ => Framing::IdleGap(Duration::from_millis(u64::from(head[1] % 10))),
    };
    let cap = usize::from(head[2]);
    // Chunk sizes from the stream's own bytes, so chunking is fuzzed too.
    let step = usize::from(head[3] % 17) + 1;
    let chunks: Vec<&[u8]> = stream.chunks(step).collect();

    let with_cap = run(&framing, cap, &chunks, true);
    let joined: Vec<u8> = with_cap.iter().flat_map(|(b, _)| b.clone()).collect();
    assert_eq!(joined, stream);

    if !matches!(framing, Framing::None | Framing::IdleGap(_)) {
        let whole = run(&framing, 1 << 20, &[stream], false);
        let split = run(&framing, 1 << 20, &chunks, false);
        let none_like = matches!(&framing, Framing::Delimiter(d) if d.is_empty())
            || framing == Framing::FixedLength(0);
        if !none_like {
            assert_eq!(whole, split);
        }
    }

    for checksum in Checksum::ALL {
        let _ = checksum.verify_trailing(stream);
        if !stream.is_empty() {
            assert_eq!(checksum.verify_trailing(&checksum.append(stream)), Some(true));
        }
    }
});

#![no_main]
//! netascii both ways: local bytes encode and decode back whatever the
//! chunking; any wire bytes decode without panicking.

use libfuzzer_sys::fuzz_target;
use netassist_core::tftp::netascii::{self, Decoder, Encoder};

fuzz_target!(|data: &[u8]| {
    let Some((&step, bytes)) = data.split_first() else {
        return;
    };
    let step = usize::from(step % 31) + 1;
    let wire = netascii::encode(bytes);
    assert_eq!(netascii::decode(&wire), bytes);

    let mut encoder = Encoder::default();
    let mut streamed = Vec::new();
    for chunk in bytes.chunks(step) {
        encoder.encode(chunk, &mut streamed);
    }
    encoder.finish(&mut streamed);
    assert_eq!(streamed, wire);

    let mut decoder = Decoder::default();
    let mut local = Vec::new();
    for chunk in wire.chunks(step) {
        decoder.decode(chunk, &mut local);
    }
    decoder.finish(&mut local);
    assert_eq!(local, bytes);

    // The input as if it came off the wire.
    let _ = netascii::decode(bytes);
});

#![no_main]
//! Any datagram at the TFTP packet parser: never panics; what it accepts
//! emits to exactly `buffer_len` bytes that parse to the same packet.

use libfuzzer_sys::fuzz_target;
use netassist_core::tftp::wire::Packet;

fuzz_target!(|data: &[u8]| {
    if let Ok(packet) = Packet::parse(data) {
        let bytes = packet.to_bytes();
        assert_eq!(bytes.len(), packet.buffer_len());
        assert_eq!(Packet::parse(&bytes), Ok(packet));
    }
});

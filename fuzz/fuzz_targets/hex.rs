#![no_main]
//! HEX input as a user types it: never panics; what is accepted shows
//! again as the same bytes; an error points inside the text.

use libfuzzer_sys::fuzz_target;
use netassist_core::text::{HexError, format_hex, parse_hex};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_hex(&text) {
        Ok(bytes) => {
            assert_eq!(parse_hex(&format_hex(&bytes)).unwrap(), bytes);
        }
        Err(error) => {
            let position = match error {
                HexError::NotHex { position, .. } | HexError::OddDigit { position } => position,
            };
            assert!(position >= 1 && position <= text.chars().count());
        }
    }
    // Any bytes, shown as HEX, parse back.
    assert_eq!(parse_hex(&format_hex(data)).unwrap(), data);
});

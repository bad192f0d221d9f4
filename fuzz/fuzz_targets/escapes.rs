#![no_main]
//! Escapes in sent text (`\r \n \t \\ \0 \xHH`) in every encoding: never
//! panics, and bytes written as `\xHH` are those bytes.

use libfuzzer_sys::fuzz_target;
use netassist_core::text::{Encoding, LineEnding, encode_text};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let encoding = Encoding::ALL[usize::from(selector) % Encoding::ALL.len()];
    let line_ending = LineEnding::ALL[usize::from(selector >> 4) % LineEnding::ALL.len()];
    let escapes = selector & 0x80 != 0;
    let text = String::from_utf8_lossy(rest);
    let _ = encode_text(&text, encoding, escapes, line_ending);

    let written: String = rest.iter().map(|b| format!("\\x{b:02X}")).collect();
    let mut expected = rest.to_vec();
    expected.extend_from_slice(line_ending.bytes());
    assert_eq!(
        encode_text(&written, encoding, true, line_ending).unwrap(),
        expected
    );
});

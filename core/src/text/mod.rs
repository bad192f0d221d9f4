//! Text and bytes: encodings, HEX, escape sequences, checksums, stream
//! framing, and the one-line text form that the log, the saved file and the
//! CLI share.
//!
//! Nothing here does I/O; everything is a pure function over bytes or text.

mod ascii;
mod checksum;
mod choice;
mod crc_catalogue;
mod encoding;
mod escape;
mod framing;
mod hex;
mod numbers;
mod peer_text;

pub use ascii::{ASCII_MAX, ascii_is_control, ascii_name};
pub use checksum::Checksum;
pub use choice::UnknownChoice;
pub use crc_catalogue::ChecksumAlgorithm;
pub use encoding::{EncodeError, Encoding, GUESS_SAMPLE_BYTES, guess_better};
pub use escape::{EscapeError, LineEnding, encode_text, typed_form};
pub use framing::{
    Cut, DEFAULT_MAX_BUFFERED_BYTES, Framer, Framing, FramingSpecError, Message, PeerFramers,
};
pub use hex::{HexError, format_hex, parse_hex};
pub use numbers::{
    ByteOrder, NumberError, NumberType, bytes_to_number, hex_to_number, number_to_bytes,
    parse_integer, registers_to_f32,
};
pub use peer_text::PeerText;

/// How the bytes of an entry are shown: as text in an encoding, or as HEX.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Render {
    pub encoding: Encoding,
    pub hex: bool,
}

impl Render {
    /// Renders bytes as one line: decoded text with control characters made
    /// visible (so a received "\r\n" never breaks a log line), or HEX.
    pub fn one_line(&self, bytes: &[u8]) -> String {
        if self.hex {
            format_hex(bytes)
        } else {
            visible_controls(&self.encoding.decode(bytes))
        }
    }
}

/// Replaces control characters with their escape (`\r`, `\n`, `\t`) or
/// `\xHH`, and invisible direction overrides with `\u{HHHH}`, so that one
/// entry is always one line and no text can move the terminal's cursor,
/// retitle its window or reorder what a reader sees. This is the one rule
/// for received bytes and for every other string from a peer
/// ([`PeerText`]).
pub fn visible_controls(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            // C0, DEL and C1: every `char::is_control` is below 0x100.
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Control characters (C0, DEL, C1), the bidi marks, embeddings, overrides
/// and isolates (which can make `txt.exe` read as `exe.txt`), and the
/// Unicode line and paragraph separators.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_makes_line_breaks_visible() {
        let render = Render {
            encoding: Encoding::Utf8,
            hex: false,
        };
        assert_eq!(render.one_line(b"a\r\nb\tc\x01"), "a\\r\\nb\\tc\\x01");
    }

    #[test]
    fn one_line_hex() {
        let render = Render {
            encoding: Encoding::Utf8,
            hex: true,
        };
        assert_eq!(render.one_line(&[0x55, 0x00, 0x0a]), "55 00 0A");
    }
}

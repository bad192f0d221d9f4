//! Text that came from a peer (a TFTP file name, mode, option or ERROR
//! message, anything decoded from the wire). Such text may hold line
//! breaks, terminal escapes or bidi overrides meant to forge a log line or
//! take over a terminal, so the only way to show it is its `Display`, which
//! makes every such character visible.

use std::fmt;

use super::visible_controls;

/// A string from the wire. It keeps the text as received (for comparisons
/// and protocol use), but it prints only in its visible form, so that no
/// front end can show a peer's control characters raw by accident.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct PeerText(String);

impl PeerText {
    pub fn new(text: impl Into<String>) -> PeerText {
        PeerText(text.into())
    }

    /// Bytes from the wire, decoded as UTF-8 with invalid bytes replaced.
    pub fn from_wire(bytes: &[u8]) -> PeerText {
        PeerText(String::from_utf8_lossy(bytes).into_owned())
    }

    /// A payload that may be bytes rather than text (a WebSocket ping's):
    /// UTF-8 text as itself, anything else as `HEX 01 02 FF`, never as
    /// replacement characters.
    pub fn from_payload(bytes: &[u8]) -> PeerText {
        match std::str::from_utf8(bytes) {
            Ok(text) => PeerText(text.to_owned()),
            Err(_) => PeerText(format!("HEX {}", super::format_hex(bytes))),
        }
    }

    /// The text exactly as received: for matching and protocol use only,
    /// never for showing (use `Display` for that).
    pub fn as_received(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for PeerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible_controls(&self.0))
    }
}

impl fmt::Debug for PeerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl From<String> for PeerText {
    fn from(text: String) -> PeerText {
        PeerText(text)
    }
}

impl From<&str> for PeerText {
    fn from(text: &str) -> PeerText {
        PeerText(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_that_is_not_text_reads_as_hex() {
        assert_eq!(
            PeerText::from_payload("心跳".as_bytes()).as_received(),
            "心跳"
        );
        assert_eq!(
            PeerText::from_payload(&[0xC4, 0xE3, 0x00, 0xFF]).as_received(),
            "HEX C4 E3 00 FF"
        );
    }

    /// The file name of issue 11, finding 4: a forged DONE line, a window
    /// title escape and a clear-screen escape.
    const FORGED_NAME: &str = "x\n[12:00:00.000] DONE #7 passwd 1234 bytes\x1b]0;owned\x07\x1b[2J";

    #[test]
    fn forged_line_and_escapes_are_shown_not_obeyed() {
        let shown = PeerText::from(FORGED_NAME).to_string();
        assert_eq!(
            shown,
            "x\\n[12:00:00.000] DONE #7 passwd 1234 bytes\\x1B]0;owned\\x07\\x1B[2J"
        );
        assert!(!shown.chars().any(char::is_control));
    }

    #[test]
    fn c1_del_and_bidi_overrides_are_visible() {
        let shown = PeerText::from("a\u{7f}b\u{9b}c\u{202e}d\u{2066}e\u{2069}f").to_string();
        assert_eq!(shown, "a\\x7Fb\\x9Bc\\u{202E}d\\u{2066}e\\u{2069}f");
    }

    #[test]
    fn plain_text_and_the_raw_form_are_kept() {
        let name = PeerText::from_wire("报告 v2.txt".as_bytes());
        assert_eq!(name.to_string(), "报告 v2.txt");
        assert_eq!(PeerText::from(FORGED_NAME).as_received(), FORGED_NAME);
    }
}

//! The ASCII table's names: the standard abbreviations of the control
//! characters (0–31 and 127) and of the space, as the ASCII table tool
//! shows them.

/// The abbreviations of the C0 control characters, by code.
const C0_NAMES: [&str; 32] = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
];

/// The highest ASCII code.
pub const ASCII_MAX: u8 = 127;

/// How the ASCII table shows a code: its control name (`NUL`, `CR`, `DEL`),
/// `SP` for the space, or the character itself; `None` above 127.
pub fn ascii_name(code: u8) -> Option<String> {
    match code {
        0..=31 => Some(C0_NAMES[usize::from(code)].to_owned()),
        32 => Some("SP".to_owned()),
        127 => Some("DEL".to_owned()),
        33..=126 => Some(char::from(code).to_string()),
        _ => None,
    }
}

/// True for the codes that have no glyph (controls, space and DEL), which
/// cannot be typed into a text field as themselves.
pub fn ascii_is_control(code: u8) -> bool {
    code <= 32 || code == 127
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_controls_and_characters() {
        assert_eq!(ascii_name(0).as_deref(), Some("NUL"));
        assert_eq!(ascii_name(2).as_deref(), Some("STX"));
        assert_eq!(ascii_name(10).as_deref(), Some("LF"));
        assert_eq!(ascii_name(13).as_deref(), Some("CR"));
        assert_eq!(ascii_name(31).as_deref(), Some("US"));
        assert_eq!(ascii_name(32).as_deref(), Some("SP"));
        assert_eq!(ascii_name(b'A').as_deref(), Some("A"));
        assert_eq!(ascii_name(127).as_deref(), Some("DEL"));
        assert_eq!(ascii_name(128), None);
        assert!(ascii_is_control(9) && !ascii_is_control(b'~'));
    }
}

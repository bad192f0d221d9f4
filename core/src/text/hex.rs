use std::fmt::Write as _;

/// Why a HEX text was refused; positions count characters from 1, as a
/// user counts them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    #[error("'{character}' at position {position} is not a HEX digit")]
    NotHex { character: char, position: usize },
    #[error(
        "the HEX digit at position {position} has no partner: write bytes as two digits (0A, not A)"
    )]
    OddDigit { position: usize },
}

/// Parses HEX input such as `55 00 0A`, `550A`, `0x55 0x0A` or lines of
/// them. Separators are spaces, tabs, newlines and commas; a `0x` prefix
/// may start each byte group. Anything else is an error and nothing is
/// returned.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut bytes = Vec::with_capacity(text.len() / 2);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == ',' {
            i += 1;
            continue;
        }
        // A group: optional 0x, then an even number of digits.
        if c == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
            i += 2;
        }
        let group_start = i;
        while i < chars.len() && !(chars[i].is_whitespace() || chars[i] == ',') {
            if !chars[i].is_ascii_hexdigit() {
                return Err(HexError::NotHex {
                    character: chars[i],
                    position: i + 1,
                });
            }
            i += 1;
        }
        let group = &chars[group_start..i];
        if group.len() % 2 == 1 {
            return Err(HexError::OddDigit { position: i });
        }
        for pair in group.chunks(2) {
            let high = pair[0].to_digit(16).unwrap_or(0);
            let low = pair[1].to_digit(16).unwrap_or(0);
            bytes.push((high * 16 + low) as u8);
        }
    }
    Ok(bytes)
}

/// Formats bytes as upper-case HEX pairs separated by spaces: `55 00 0A`.
pub fn format_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02X}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_spaces_newlines_and_prefixes() {
        assert_eq!(parse_hex("55 00 0a").unwrap(), [0x55, 0, 0x0A]);
        assert_eq!(parse_hex("5500\n0A").unwrap(), [0x55, 0, 0x0A]);
        assert_eq!(parse_hex("0x55 0X00,0x0a").unwrap(), [0x55, 0, 0x0A]);
        assert_eq!(parse_hex("0x5500").unwrap(), [0x55, 0]);
        assert_eq!(parse_hex("  ").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn refuses_junk_and_odd_digits() {
        assert_eq!(
            parse_hex("55 0G"),
            Err(HexError::NotHex {
                character: 'G',
                position: 5
            })
        );
        assert_eq!(parse_hex("55 A"), Err(HexError::OddDigit { position: 4 }));
        assert!(parse_hex("0x").is_ok());
        assert!(parse_hex("中").is_err());
    }

    #[test]
    fn formats_upper_case_pairs() {
        assert_eq!(format_hex(&[0x55, 0x00, 0x0a, 0xff]), "55 00 0A FF");
        assert_eq!(format_hex(&[]), "");
    }
}

use serde::{Deserialize, Serialize};

use super::{EncodeError, Encoding};

/// What is appended to a text message before it is sent. On the command
/// line (`--line-ending`) its names are `none`, `lf` and `crlf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum LineEnding {
    #[default]
    None,
    Lf,
    #[cfg_attr(feature = "clap", value(name = "crlf"))]
    CrLf,
}

impl LineEnding {
    pub const ALL: [LineEnding; 3] = [LineEnding::None, LineEnding::Lf, LineEnding::CrLf];

    pub fn bytes(self) -> &'static [u8] {
        match self {
            LineEnding::None => b"",
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
        }
    }

    /// The name typed on the command line and accepted by `parse`.
    pub fn cli_name(self) -> &'static str {
        match self {
            LineEnding::None => "none",
            LineEnding::Lf => "lf",
            LineEnding::CrLf => "crlf",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineEnding::None => "—",
            LineEnding::Lf => "LF (\\n)",
            LineEnding::CrLf => "CRLF (\\r\\n)",
        }
    }
}

/// Parses `none`, `lf` or `crlf` (any case), the names of
/// [`LineEnding::cli_name`].
impl std::str::FromStr for LineEnding {
    type Err = super::UnknownChoice;

    fn from_str(text: &str) -> Result<LineEnding, super::UnknownChoice> {
        LineEnding::ALL
            .into_iter()
            .find(|ending| ending.cli_name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| super::UnknownChoice::new(text, "a line ending", "none, lf or crlf"))
    }
}

/// Why a text message could not be turned into bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    #[error("'\\{0}' at position {1} is not an escape: use \\r \\n \\t \\\\ or \\xHH")]
    Unknown(char, usize),
    #[error("'\\x' at position {0} needs two HEX digits, as in \\x0D")]
    BadHex(usize),
    #[error("a lone '\\' ends the text: write \\\\ for a backslash")]
    Trailing,
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// Turns what the user typed into the bytes to send: escapes (when asked)
/// become their bytes (`\xHH` is a raw byte, not a character), the rest is
/// encoded, and the line ending is appended.
pub fn encode_text(
    text: &str,
    encoding: Encoding,
    escapes: bool,
    line_ending: LineEnding,
) -> Result<Vec<u8>, EscapeError> {
    let mut out = Vec::with_capacity(text.len() + 2);
    if !escapes {
        out.extend(encoding.encode(text)?);
    } else {
        let mut plain = String::new();
        let mut chars = text.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                plain.push(c);
                continue;
            }
            let Some((_, next)) = chars.next() else {
                return Err(EscapeError::Trailing);
            };
            match next {
                'r' => plain.push('\r'),
                'n' => plain.push('\n'),
                't' => plain.push('\t'),
                '0' => plain.push('\0'),
                '\\' => plain.push('\\'),
                'x' | 'X' => {
                    let high = chars.next().and_then(|(_, d)| d.to_digit(16));
                    let low = chars.next().and_then(|(_, d)| d.to_digit(16));
                    let (Some(high), Some(low)) = (high, low) else {
                        return Err(EscapeError::BadHex(i + 1));
                    };
                    out.extend(encoding.encode(&plain)?);
                    plain.clear();
                    out.push((high * 16 + low) as u8);
                }
                other => return Err(EscapeError::Unknown(other, i + 1)),
            }
        }
        out.extend(encoding.encode(&plain)?);
    }
    out.extend_from_slice(line_ending.bytes());
    Ok(out)
}

/// The text [`encode_text`] turns back into `bytes` (without a line
/// ending): what the send box shows when HEX is unticked. With escapes, a
/// control character and a backslash are written as escapes, and bytes the
/// encoding does not read as text as `\xHH`, so any bytes have one;
/// without, `None` when the bytes are not text in the encoding.
pub fn typed_form(bytes: &[u8], encoding: Encoding, escapes: bool) -> Option<String> {
    let comes_back = |text: &str| {
        encode_text(text, encoding, escapes, LineEnding::None).is_ok_and(|again| again == bytes)
    };
    let decoded = encoding.decode_exact(bytes).map(|text| {
        if !escapes {
            return text.into_owned();
        }
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() && (c as u32) < 0x100 => {
                    out.push_str(&format!("\\x{:02X}", c as u32));
                }
                c => out.push(c),
            }
        }
        out
    });
    if let Some(text) = decoded.filter(|text| comes_back(text)) {
        return Some(text);
    }
    if !escapes {
        return None;
    }
    // Not text in the encoding: printable ASCII as itself, the rest as
    // raw bytes.
    let text: String = bytes
        .iter()
        .map(|&b| match b {
            b'\\' => "\\\\".to_owned(),
            0x20..=0x7E => char::from(b).to_string(),
            _ => format!("\\x{b:02X}"),
        })
        .collect();
    comes_back(&text).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_form_comes_back_as_the_same_bytes() {
        let cases: [(&[u8], Encoding, bool, Option<&str>); 6] = [
            (b"hello", Encoding::Utf8, false, Some("hello")),
            (b"a\r\n\\", Encoding::Utf8, true, Some("a\\r\\n\\\\")),
            (
                &[0xC4, 0xE3, 0xBA, 0xC3],
                Encoding::Gbk,
                false,
                Some("你好"),
            ),
            (&[0xC4, 0xE3, 0xBA, 0xC3], Encoding::Utf8, false, None),
            (
                &[0x41, 0xFF, 0x00],
                Encoding::Utf8,
                true,
                Some("A\\xFF\\x00"),
            ),
            (&[0x01, 0x41], Encoding::Utf8, true, Some("\\x01A")),
        ];
        for (bytes, encoding, escapes, expected) in cases {
            let typed = typed_form(bytes, encoding, escapes);
            assert_eq!(
                typed.as_deref(),
                expected,
                "{bytes:02X?} {encoding:?} {escapes}"
            );
            if let Some(text) = typed {
                assert_eq!(
                    encode_text(&text, encoding, escapes, LineEnding::None).unwrap(),
                    bytes
                );
            }
        }
    }

    #[test]
    fn escapes_become_bytes() {
        let bytes = encode_text(
            "a\\r\\n\\t\\\\\\x7F\\xff",
            Encoding::Utf8,
            true,
            LineEnding::None,
        );
        assert_eq!(bytes.unwrap(), b"a\r\n\t\\\x7f\xff");
    }

    #[test]
    fn escapes_off_sends_backslashes() {
        let bytes = encode_text("a\\n", Encoding::Utf8, false, LineEnding::CrLf);
        assert_eq!(bytes.unwrap(), b"a\\n\r\n");
    }

    #[test]
    fn raw_byte_between_gbk_text() {
        let bytes = encode_text("你\\x00好", Encoding::Gbk, true, LineEnding::Lf).unwrap();
        assert_eq!(bytes, [0xC4, 0xE3, 0x00, 0xBA, 0xC3, b'\n']);
    }

    #[test]
    fn bad_escapes_are_refused() {
        assert_eq!(
            encode_text("ab\\q", Encoding::Utf8, true, LineEnding::None),
            Err(EscapeError::Unknown('q', 3))
        );
        assert_eq!(
            encode_text("\\x4", Encoding::Utf8, true, LineEnding::None),
            Err(EscapeError::BadHex(1))
        );
        assert_eq!(
            encode_text("a\\", Encoding::Utf8, true, LineEnding::None),
            Err(EscapeError::Trailing)
        );
    }
}

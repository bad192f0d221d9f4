//! A requested file name: bytes on the wire, text everywhere else.
//!
//! RFC 1350 asks for NetASCII names, but clients send what their system
//! uses: UTF-8 on Linux and macOS, the ANSI code page on Windows, so that
//! `tftp.exe` on Chinese Windows sends 中文.txt as the GBK bytes
//! `D6 D0 CE C4 2E 74 78 74` (and Tftpd32/64 accept it). A session has one
//! encoding for names, its 字符集, and this is the one rule both sides
//! read and write names by:
//!
//! - A received name that is valid UTF-8 is read as UTF-8, else in the
//!   session's encoding, without replacement ([`Encoding::decode_typed`],
//!   the rule of typed lines, for the same reason: real GBK names are
//!   almost never valid UTF-8, so UTF-8 clients keep working whatever the
//!   session's encoding). A name that is text in neither is refused with a
//!   [`NameError`] whose sentence the server sends in its ERROR packet.
//! - A name to send is written in the session's encoding, and refused when
//!   that encoding cannot write one of its characters.
//!
//! UTF-16 cannot carry a name (its bytes hold NULs, which end the name),
//! so a UTF-16 session reads and writes names in UTF-8.
//!
//! What the decoded name may then be (no `..`, no drive letter, …) is the
//! server's path rules' business: they see only the decoded text, so every
//! rule holds whatever encoding the name came in, and the file system gets
//! the text in its own form (UTF-8 on Linux, UTF-16 on Windows).

use crate::text::{EncodeError, Encoding};

/// Why a name cannot be read from the wire or written to it. The
/// `Display` is the English sentence the server sends in its ERROR packet
/// and the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Received bytes that are text neither in UTF-8 nor in the session's
    /// encoding.
    #[error("{}", not_text_sentence(*.encoding))]
    NotText { encoding: Encoding },
    /// A name to send has a character the session's encoding cannot write.
    #[error("the file name cannot be sent: {0}")]
    NotEncodable(EncodeError),
    /// A name to send holds a NUL, which would end it on the wire.
    #[error("the file name contains a NUL character, which TFTP cannot send")]
    Nul,
}

/// The encoding names are read and written in, for a session whose
/// 字符集 is `encoding`: itself, except UTF-16 (see the module's note).
pub fn names_encoding(encoding: Encoding) -> Encoding {
    match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => Encoding::Utf8,
        other => other,
    }
}

/// Reads a received name: UTF-8 when it is valid UTF-8, else in
/// `encoding`; an error when it is text in neither.
pub fn decode_name(bytes: &[u8], encoding: Encoding) -> Result<String, NameError> {
    let encoding = names_encoding(encoding);
    encoding
        .decode_typed(bytes)
        .map(|name| name.into_owned())
        .ok_or(NameError::NotText { encoding })
}

/// Writes a name to send in `encoding`.
pub fn encode_name(name: &str, encoding: Encoding) -> Result<Vec<u8>, NameError> {
    if name.contains('\0') {
        return Err(NameError::Nul);
    }
    names_encoding(encoding)
        .encode(name)
        .map_err(NameError::NotEncodable)
}

/// "the file name is neither UTF-8 nor GBK text", or for a UTF-8 session
/// "the file name is not UTF-8 text".
fn not_text_sentence(encoding: Encoding) -> String {
    match names_encoding(encoding) {
        Encoding::Utf8 => "the file name is not UTF-8 text".to_owned(),
        other => format!("the file name is neither UTF-8 nor {} text", other.label()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GBK_NAME: &[u8] = b"\xd6\xd0\xce\xc4.txt";

    /// Issue 22, item 10: the GBK bytes of 中文.txt read as 中文.txt in a
    /// GBK session; UTF-8 names read as themselves in any session.
    #[test]
    fn a_gbk_name_is_read_in_the_sessions_encoding_and_utf8_always() {
        assert_eq!(decode_name(GBK_NAME, Encoding::Gbk).unwrap(), "中文.txt");
        assert_eq!(
            decode_name(GBK_NAME, Encoding::Gb18030).unwrap(),
            "中文.txt"
        );
        for encoding in Encoding::ALL {
            assert_eq!(
                decode_name("中文.txt".as_bytes(), encoding).unwrap(),
                "中文.txt",
                "{encoding:?}"
            );
            assert_eq!(decode_name(b"a.bin", encoding).unwrap(), "a.bin");
        }
    }

    #[test]
    fn a_name_that_is_text_in_neither_is_refused_with_a_sentence() {
        let bytes = [0xff, 0xfe, 0x80];
        let refused = decode_name(&bytes, Encoding::Gbk).unwrap_err();
        assert_eq!(
            refused,
            NameError::NotText {
                encoding: Encoding::Gbk
            }
        );
        assert_eq!(
            refused.to_string(),
            "the file name is neither UTF-8 nor GBK text"
        );
        // A UTF-8 session (the CLI's default) does not guess at GBK.
        let refused = decode_name(GBK_NAME, Encoding::Utf8).unwrap_err();
        assert_eq!(refused.to_string(), "the file name is not UTF-8 text");
        // UTF-16 cannot carry a name: such a session reads UTF-8 only.
        assert_eq!(
            decode_name(GBK_NAME, Encoding::Utf16Le)
                .unwrap_err()
                .to_string(),
            "the file name is not UTF-8 text"
        );
    }

    #[test]
    fn a_name_is_sent_in_the_sessions_encoding_or_refused() {
        assert_eq!(encode_name("中文.txt", Encoding::Gbk).unwrap(), GBK_NAME);
        assert_eq!(
            encode_name("中文.txt", Encoding::Utf8).unwrap(),
            "中文.txt".as_bytes()
        );
        assert_eq!(
            encode_name("中文.txt", Encoding::Utf16Be).unwrap(),
            "中文.txt".as_bytes()
        );
        let refused = encode_name("中文😀.txt", Encoding::Gbk).unwrap_err();
        assert!(matches!(refused, NameError::NotEncodable(_)), "{refused:?}");
        assert_eq!(
            refused.to_string(),
            "the file name cannot be sent: '😀' cannot be written in GBK"
        );
        assert_eq!(encode_name("a\0b", Encoding::Utf8), Err(NameError::Nul));
    }

    /// What one side writes the other reads, for every encoding.
    #[test]
    fn names_round_trip_in_every_encoding() {
        for encoding in Encoding::ALL {
            for name in ["firmware.bin", "sub/配置.txt", "中文.txt"] {
                let Ok(bytes) = encode_name(name, encoding) else {
                    continue;
                };
                assert!(!bytes.contains(&0), "{encoding:?} {name}");
                assert_eq!(decode_name(&bytes, encoding).unwrap(), name);
            }
        }
    }
}

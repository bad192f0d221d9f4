use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The encodings a user can pick for receiving and for sending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    /// What Chinese Windows calls "ANSI" and tutorials call GB2312.
    Gbk,
    Gb18030,
    Big5,
    ShiftJis,
    EucKr,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// A character that the chosen encoding cannot represent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{character}' cannot be written in {encoding}")]
pub struct EncodeError {
    pub character: char,
    pub encoding: Encoding,
}

impl Encoding {
    pub const ALL: [Encoding; 9] = [
        Encoding::Utf8,
        Encoding::Gbk,
        Encoding::Gb18030,
        Encoding::Big5,
        Encoding::ShiftJis,
        Encoding::EucKr,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1252,
    ];

    /// The short label used on the command line and in settings.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
            Encoding::Gb18030 => "GB18030",
            Encoding::Big5 => "Big5",
            Encoding::ShiftJis => "Shift_JIS",
            Encoding::EucKr => "EUC-KR",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }

    /// The name shown in the encoding selector.
    pub fn display_name(self) -> &'static str {
        match self {
            Encoding::Gbk => "GBK / GB2312",
            other => other.label(),
        }
    }

    /// Accepts our labels and the WHATWG aliases (`gb2312`, `utf8`,
    /// `cp936`, `latin1`, …), case-insensitively.
    pub fn from_label(label: &str) -> Option<Encoding> {
        let wanted = label.trim();
        if let Some(found) = Encoding::ALL
            .iter()
            .find(|e| e.label().eq_ignore_ascii_case(wanted))
        {
            return Some(*found);
        }
        let normalized = wanted.to_ascii_lowercase().replace('_', "-");
        match normalized.as_str() {
            "utf8" => return Some(Encoding::Utf8),
            "ansi" | "cp936" | "936" => return Some(Encoding::Gbk),
            "utf16le" | "utf-16" => return Some(Encoding::Utf16Le),
            "utf16be" => return Some(Encoding::Utf16Be),
            "sjis" | "shiftjis" => return Some(Encoding::ShiftJis),
            "euckr" => return Some(Encoding::EucKr),
            "big-5" => return Some(Encoding::Big5),
            _ => {}
        }
        let whatwg = encoding_rs::Encoding::for_label(normalized.as_bytes())?;
        Encoding::ALL.iter().find(|e| e.whatwg() == whatwg).copied()
    }

    fn whatwg(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gbk => encoding_rs::GBK,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Big5 => encoding_rs::BIG5,
            Encoding::ShiftJis => encoding_rs::SHIFT_JIS,
            Encoding::EucKr => encoding_rs::EUC_KR,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    /// Decodes without a BOM sniff; bytes that do not decode become U+FFFD,
    /// and the caller keeps the raw bytes.
    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        self.whatwg().decode_without_bom_handling(bytes).0
    }

    /// Decodes only if every byte is valid in this encoding: for text a
    /// user typed, where a wrong byte means a wrong encoding setting, not a
    /// character to replace.
    pub fn decode_exact(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        self.whatwg()
            .decode_without_bom_handling_and_without_replacement(bytes)
    }

    /// Decodes a line a user typed (or piped in) for sending in this
    /// encoding. A UTF-8 terminal, a Windows console (Rust hands over its
    /// UTF-16 as UTF-8) and most scripts give UTF-8, so valid UTF-8 is read
    /// as UTF-8; other bytes are read in this encoding, so that a GBK
    /// console's `C4 E3 BA C3` is 你好. Real GBK, Big5 or Shift_JIS text is
    /// almost never valid UTF-8, so the two rarely meet. UTF-16 is never
    /// typed (its lines cannot be cut at a newline byte): UTF-8 only then.
    /// `None` when the bytes are text in neither. TFTP file names are read
    /// by the same rule (`tftp::name`), as clients send them in their
    /// system's encoding too.
    pub fn decode_typed(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Some(Cow::Borrowed(text));
        }
        match self {
            Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be => None,
            other => other.decode_exact(bytes),
        }
    }

    /// Encodes text, refusing (rather than silently replacing) a character
    /// the encoding cannot represent, so nothing is sent that the user did
    /// not type.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, EncodeError> {
        match self {
            // encoding_rs only decodes UTF-16; encoding it is simple.
            Encoding::Utf16Le => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
            Encoding::Utf16Be => Ok(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
            Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
            _ => {
                let (bytes, _, had_errors) = self.whatwg().encode(text);
                if had_errors {
                    let character = text
                        .chars()
                        .find(|c| {
                            let mut buf = [0u8; 4];
                            self.whatwg().encode(c.encode_utf8(&mut buf)).2
                        })
                        .unwrap_or('\u{FFFD}');
                    return Err(EncodeError {
                        character,
                        encoding: self,
                    });
                }
                Ok(bytes.into_owned())
            }
        }
    }
}

/// How many bytes of received data [`guess_better`] looks at: a few lines
/// of text, so that a guess costs the same for a datagram and for a
/// megabyte, and a front end can run it on every batch as it arrives.
pub const GUESS_SAMPLE_BYTES: usize = 1024;

/// A better encoding than `chosen` for received `bytes`, when there is
/// strong evidence for one: the front ends offer it as a one-click switch
/// ("This looks like GBK — switch").
///
/// Only the first [`GUESS_SAMPLE_BYTES`] are looked at. ASCII is the same
/// in every encoding offered here except UTF-16, so it never suggests
/// anything. Valid UTF-8 with characters beyond ASCII is almost never text
/// in another encoding, so it suggests UTF-8 even where `chosen` decodes
/// it without error (UTF-8 "你好" read as GBK is the valid but meaningless
/// "浣犲ソ") — but only with [`UTF8_EVIDENCE_CHARS`] whole characters
/// beyond ASCII and a sample that starts on a character: a GBK pair is a
/// valid UTF-8 character about one time in twelve, and GBK "好的" with
/// its first byte skipped reads as UTF-8 "õ". GBK is suggested only for
/// bytes `chosen` cannot decode at all (GBK decodes most byte pairs, so
/// validity there is weak evidence). Either suggestion must read as text:
/// no control characters but tab, line breaks and NUL, and no private-use
/// characters, which keeps binary data from looking like Chinese.
///
/// A character cut at the end of the sample (or of a packet) is not an
/// error, and when deciding whether `chosen` decodes the sample, a UTF-8
/// stream cut by a TCP read may start inside a character: up to three
/// continuation bytes at the start are skipped then.
pub fn guess_better(bytes: &[u8], chosen: Encoding) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(GUESS_SAMPLE_BYTES)];
    if sample.is_ascii() {
        return None;
    }
    if chosen != Encoding::Utf8 && reads_as_utf8_text(sample) {
        return Some(Encoding::Utf8);
    }
    if chosen.decode_cut(sample, Start::MayBeCut).is_some() {
        return None;
    }
    let gbk_family = matches!(chosen, Encoding::Gbk | Encoding::Gb18030);
    (!gbk_family && Encoding::Gbk.reads_as_text(sample)).then_some(Encoding::Gbk)
}

/// How many whole characters beyond ASCII a sample needs before
/// [`guess_better`] calls it UTF-8: one could be chance (a GBK pair is a
/// valid two-byte UTF-8 character about one time in twelve), two are
/// rarely.
pub const UTF8_EVIDENCE_CHARS: usize = 2;

/// Whether a sample is UTF-8 text by strong evidence: it starts on a
/// character and holds [`UTF8_EVIDENCE_CHARS`] whole characters beyond
/// ASCII (a character cut at the end is allowed but not counted).
fn reads_as_utf8_text(sample: &[u8]) -> bool {
    Encoding::Utf8
        .decode_cut(sample, Start::Whole)
        .is_some_and(|text| {
            reads_as_text(&text)
                && text.chars().filter(|c| !c.is_ascii()).count() >= UTF8_EVIDENCE_CHARS
        })
}

/// Whether decoded text is what a person would read: something beyond
/// ASCII, no control characters but tab, line breaks and NUL, no
/// private-use characters.
fn reads_as_text(text: &str) -> bool {
    !text.is_ascii()
        && text.chars().all(|c| {
            matches!(c, '\t' | '\r' | '\n' | '\0')
                || !(c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c))
        })
}

/// Whether a sample may start inside a character (a TCP read that cut
/// one) or must start on one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    MayBeCut,
    Whole,
}

impl Encoding {
    /// Decodes bytes that may be cut at the end by a packet or a read: a
    /// character cut at the end is left out, and with [`Start::MayBeCut`]
    /// in UTF-8, whose continuation bytes cannot start a character, up to
    /// three of them at the start are skipped. `None` when anything else
    /// does not decode.
    fn decode_cut(self, bytes: &[u8], start: Start) -> Option<String> {
        let bytes = match (self, start) {
            (Encoding::Utf8, Start::MayBeCut) => {
                let cut = bytes
                    .iter()
                    .take(3)
                    .take_while(|&&b| (0x80..0xC0).contains(&b))
                    .count();
                &bytes[cut..]
            }
            _ => bytes,
        };
        let mut decoder = self.whatwg().new_decoder_without_bom_handling();
        let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len())?;
        let mut text = String::with_capacity(capacity);
        // `last: false` keeps a character cut at the end waiting instead
        // of calling it malformed.
        let (result, _) = decoder.decode_to_string_without_replacement(bytes, &mut text, false);
        matches!(result, encoding_rs::DecoderResult::InputEmpty).then_some(text)
    }

    /// Whether bytes decode in this encoding (a character cut at the end
    /// allowed) to text a person would read (see [`reads_as_text`]).
    fn reads_as_text(self, bytes: &[u8]) -> bool {
        self.decode_cut(bytes, Start::Whole)
            .is_some_and(|text| reads_as_text(&text))
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The sentence for a label that is none of [`Encoding::ALL`] (nor an
/// alias of one), shown by the CLI after its flag and by the window.
const ENCODING_CHOICES: &str =
    "UTF-8, GBK (or GB2312), GB18030, Big5, Shift_JIS, EUC-KR, UTF-16LE, UTF-16BE or Windows-1252";

/// Parses a label as [`Encoding::from_label`] does (`--encoding`, the
/// window's `--encoding` preset), or says which labels there are.
impl std::str::FromStr for Encoding {
    type Err = super::UnknownChoice;

    fn from_str(label: &str) -> Result<Encoding, super::UnknownChoice> {
        Encoding::from_label(label).ok_or_else(|| {
            super::UnknownChoice::new(label, "an encoding this program knows", ENCODING_CHOICES)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GB2312 "你好" as the UDP tutorials send it.
    const GBK_HELLO: [u8; 4] = [0xC4, 0xE3, 0xBA, 0xC3];

    #[test]
    fn gbk_bytes_under_utf8_suggest_gbk() {
        assert_eq!(
            guess_better(&GBK_HELLO, Encoding::Utf8),
            Some(Encoding::Gbk)
        );
        let line = Encoding::Gbk.encode("温度=25℃\r\n").unwrap();
        assert_eq!(guess_better(&line, Encoding::Utf8), Some(Encoding::Gbk));
        // Nothing better than what decodes already, or than its superset.
        assert_eq!(guess_better(&GBK_HELLO, Encoding::Gbk), None);
        assert_eq!(guess_better(&GBK_HELLO, Encoding::Gb18030), None);
    }

    #[test]
    fn utf8_bytes_under_gbk_suggest_utf8() {
        // Valid GBK too ("浣犲ソ"), but valid UTF-8 beyond ASCII is UTF-8.
        assert!(Encoding::Gbk.decode_exact("你好".as_bytes()).is_some());
        assert_eq!(
            guess_better("你好".as_bytes(), Encoding::Gbk),
            Some(Encoding::Utf8)
        );
        assert_eq!(
            guess_better("你好".as_bytes(), Encoding::Big5),
            Some(Encoding::Utf8)
        );
        assert_eq!(guess_better("你好".as_bytes(), Encoding::Utf8), None);
    }

    #[test]
    fn ascii_suggests_nothing() {
        for chosen in Encoding::ALL {
            assert_eq!(guess_better(b"hello, world\r\n", chosen), None, "{chosen}");
        }
        assert_eq!(guess_better(b"", Encoding::Utf8), None);
    }

    #[test]
    fn binary_suggests_nothing() {
        // A fixed pseudo-random stream (a linear congruential generator).
        let mut state = 0x2545_F491_u32;
        let random: Vec<u8> = (0..512)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        for chosen in [Encoding::Utf8, Encoding::Gbk, Encoding::Big5] {
            assert_eq!(guess_better(&random, chosen), None, "{chosen}");
        }
        // A Modbus frame: a few bytes above 0x7F among control bytes.
        let frame = [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD];
        assert_eq!(guess_better(&frame, Encoding::Utf8), None);
    }

    #[test]
    fn a_character_cut_at_a_packet_end_is_not_invalid() {
        let utf8 = "你好".as_bytes();
        assert_eq!(guess_better(&utf8[..5], Encoding::Utf8), None);
        assert_eq!(guess_better(&GBK_HELLO[..3], Encoding::Gbk), None);
        // A TCP read may also start inside a UTF-8 character.
        assert_eq!(guess_better(&utf8[1..], Encoding::Utf8), None);
        // The cut one still counts as evidence for the better choice.
        assert_eq!(
            guess_better(&GBK_HELLO[..3], Encoding::Utf8),
            Some(Encoding::Gbk)
        );
        let three = "你好啊".as_bytes();
        assert_eq!(
            guess_better(&three[..8], Encoding::Gbk),
            Some(Encoding::Utf8)
        );
    }

    #[test]
    fn gbk_text_that_happens_to_be_utf8_shaped_suggests_nothing() {
        // GBK "好的" is BA C3 B5 C4: with its first byte skipped as a cut
        // character and its last as a cut one, it read as UTF-8 "õ" and
        // the window said "looks like UTF-8" over the tutorial's own
        // GB2312 traffic.
        for text in [
            "好的",
            "你好",
            "温度=25℃ 湿度=60%",
            "第三条消息",
            "在吗？请回复",
            "收到，谢谢！",
        ] {
            let gbk = Encoding::Gbk.encode(text).unwrap();
            assert_eq!(guess_better(&gbk, Encoding::Gbk), None, "{text}");
        }
        // One character beyond ASCII is not evidence enough for UTF-8.
        assert_eq!(guess_better("25°C".as_bytes(), Encoding::Gbk), None);
        // A UTF-8 sample that does not start on a character is not taken
        // as UTF-8 evidence either.
        assert_eq!(guess_better(&"你好啊".as_bytes()[1..], Encoding::Gbk), None);
    }

    #[test]
    fn only_a_bounded_prefix_is_looked_at() {
        let mut bytes = vec![b'a'; GUESS_SAMPLE_BYTES];
        bytes.extend_from_slice(&GBK_HELLO);
        assert_eq!(guess_better(&bytes, Encoding::Utf8), None);
    }

    #[test]
    fn gb2312_label_means_gbk() {
        assert_eq!(Encoding::from_label("gb2312"), Some(Encoding::Gbk));
        assert_eq!(Encoding::from_label("GBK"), Some(Encoding::Gbk));
        assert_eq!(Encoding::from_label("utf8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::from_label("big5"), Some(Encoding::Big5));
        assert_eq!(Encoding::from_label("latin1"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::from_label("klingon"), None);
    }

    #[test]
    fn gbk_round_trip() {
        let bytes = Encoding::Gbk.encode("你好").expect("encodable");
        assert_eq!(bytes, [0xC4, 0xE3, 0xBA, 0xC3]);
        assert_eq!(Encoding::Gbk.decode(&bytes), "你好");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        assert_eq!(Encoding::Utf8.decode(b"a\xffb"), "a\u{FFFD}b");
    }

    #[test]
    fn unencodable_character_is_refused() {
        let error = Encoding::Gbk.encode("a😀").unwrap_err();
        assert_eq!(error.character, '😀');
    }

    #[test]
    fn exact_decode_refuses_bytes_of_another_encoding() {
        assert_eq!(
            Encoding::Gbk
                .decode_exact(&[0xC4, 0xE3, 0xBA, 0xC3])
                .as_deref(),
            Some("你好")
        );
        assert_eq!(Encoding::Utf8.decode_exact(&[0xC4, 0xE3, 0xBA, 0xC3]), None);
    }

    #[test]
    fn typed_text_is_utf8_when_valid_else_the_send_encoding() {
        let gbk = [0xC4, 0xE3, 0xBA, 0xC3];
        assert_eq!(Encoding::Gbk.decode_typed(&gbk).as_deref(), Some("你好"));
        assert_eq!(
            Encoding::Gbk.decode_typed("你好".as_bytes()).as_deref(),
            Some("你好")
        );
        assert_eq!(Encoding::Utf8.decode_typed(&gbk), None);
        assert_eq!(Encoding::Utf16Le.decode_typed(&gbk), None);
        assert_eq!(Encoding::Utf16Le.decode_typed(b"hi").as_deref(), Some("hi"));
        // 0xFF is no lead byte in GBK either.
        assert_eq!(Encoding::Gbk.decode_typed(&[0xFF, 0xFF]), None);
    }

    #[test]
    fn utf16_both_orders() {
        assert_eq!(
            Encoding::Utf16Le.encode("A中").unwrap(),
            [0x41, 0, 0x2D, 0x4E]
        );
        assert_eq!(
            Encoding::Utf16Be.encode("A中").unwrap(),
            [0, 0x41, 0x4E, 0x2D]
        );
        assert_eq!(Encoding::Utf16Be.decode(&[0, 0x41, 0x4E, 0x2D]), "A中");
    }
}

//! TFTP packets: typed parsing and emitting, no I/O.
//!
//! Parsing borrows from the datagram and never panics: every read is
//! bounds-checked, and a packet that does not follow RFC 1350 / RFC 2347
//! is refused with a [`WireError`] the caller can answer or ignore.
//!
//! A request's file name stays bytes here: clients send names in their
//! system's encoding (GBK from `tftp.exe` on Chinese Windows), which only
//! the session knows, so the name is decoded where the session's encoding
//! is (`super::name`). The mode and the options are ASCII words and are
//! read as text.

use std::sync::Arc;

/// A datagram to send. A block in flight shares its bytes with the copy
/// kept for retransmission instead of being copied for each send. Defined
/// here, with the packets, so that the block reader (`blocks.rs`) and the
/// transfer (`transfer.rs`) share it without importing each other.
pub type Datagram = Arc<Vec<u8>>;

/// A request may carry at most this many options; a longer list is refused
/// instead of being walked, so a hostile datagram costs little.
pub const MAX_OPTIONS: usize = 32;
/// The length of a DATA or ACK header (opcode and block number).
pub const HEADER_LEN: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opcode {
    Rrq,
    Wrq,
    Data,
    Ack,
    Error,
    Oack,
    Unknown(u16),
}

impl From<u16> for Opcode {
    fn from(value: u16) -> Self {
        match value {
            1 => Opcode::Rrq,
            2 => Opcode::Wrq,
            3 => Opcode::Data,
            4 => Opcode::Ack,
            5 => Opcode::Error,
            6 => Opcode::Oack,
            other => Opcode::Unknown(other),
        }
    }
}

impl From<Opcode> for u16 {
    fn from(value: Opcode) -> Self {
        match value {
            Opcode::Rrq => 1,
            Opcode::Wrq => 2,
            Opcode::Data => 3,
            Opcode::Ack => 4,
            Opcode::Error => 5,
            Opcode::Oack => 6,
            Opcode::Unknown(other) => other,
        }
    }
}

/// The error codes of RFC 1350 and RFC 2347.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Undefined,
    FileNotFound,
    AccessViolation,
    DiskFull,
    IllegalOperation,
    UnknownTid,
    FileExists,
    NoSuchUser,
    OptionsRefused,
    Unknown(u16),
}

impl From<u16> for ErrorCode {
    fn from(value: u16) -> Self {
        match value {
            0 => ErrorCode::Undefined,
            1 => ErrorCode::FileNotFound,
            2 => ErrorCode::AccessViolation,
            3 => ErrorCode::DiskFull,
            4 => ErrorCode::IllegalOperation,
            5 => ErrorCode::UnknownTid,
            6 => ErrorCode::FileExists,
            7 => ErrorCode::NoSuchUser,
            8 => ErrorCode::OptionsRefused,
            other => ErrorCode::Unknown(other),
        }
    }
}

impl From<ErrorCode> for u16 {
    fn from(value: ErrorCode) -> Self {
        match value {
            ErrorCode::Undefined => 0,
            ErrorCode::FileNotFound => 1,
            ErrorCode::AccessViolation => 2,
            ErrorCode::DiskFull => 3,
            ErrorCode::IllegalOperation => 4,
            ErrorCode::UnknownTid => 5,
            ErrorCode::FileExists => 6,
            ErrorCode::NoSuchUser => 7,
            ErrorCode::OptionsRefused => 8,
            ErrorCode::Unknown(other) => other,
        }
    }
}

/// Which way a request wants data to flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    Read,
    Write,
}

/// One `name\0value\0` pair of RFC 2347.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TftpOption<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    Request {
        kind: RequestKind,
        /// The name as sent, without its NUL; see `super::name` for how
        /// it becomes text.
        filename: &'a [u8],
        mode: &'a str,
        options: Vec<TftpOption<'a>>,
    },
    Data {
        block: u16,
        data: &'a [u8],
    },
    Ack {
        block: u16,
    },
    Error {
        code: ErrorCode,
        message: &'a str,
    },
    Oack {
        options: Vec<TftpOption<'a>>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the packet is truncated")]
    Truncated,
    #[error("a string in the packet has no terminating NUL")]
    MissingNul,
    #[error("a string in the packet is not valid text")]
    NotText,
    #[error("the packet has too many options")]
    TooManyOptions,
    #[error("unknown opcode {0}")]
    UnknownOpcode(u16),
}

/// Reads a big-endian u16 and returns it with the rest of the buffer.
fn parse_u16(bytes: &[u8]) -> Result<(u16, &[u8]), WireError> {
    match bytes {
        [high, low, rest @ ..] => Ok((u16::from_be_bytes([*high, *low]), rest)),
        _ => Err(WireError::Truncated),
    }
}

/// Reads a NUL-terminated field as bytes and returns it with the rest of
/// the buffer, as smoltcp's DNS name parser does.
fn parse_bytes(bytes: &[u8]) -> Result<(&[u8], &[u8]), WireError> {
    let nul = bytes
        .iter()
        .position(|&b| b == 0)
        .ok_or(WireError::MissingNul)?;
    Ok((&bytes[..nul], &bytes[nul + 1..]))
}

/// Reads a NUL-terminated string that must be UTF-8 (a mode, an option,
/// an error message) and returns it with the rest of the buffer.
fn parse_string(bytes: &[u8]) -> Result<(&str, &[u8]), WireError> {
    let (field, rest) = parse_bytes(bytes)?;
    let text = std::str::from_utf8(field).map_err(|_| WireError::NotText)?;
    Ok((text, rest))
}

/// Reads option pairs until the buffer ends.
fn parse_options(mut bytes: &[u8]) -> Result<Vec<TftpOption<'_>>, WireError> {
    let mut options = Vec::new();
    while !bytes.is_empty() {
        if options.len() == MAX_OPTIONS {
            return Err(WireError::TooManyOptions);
        }
        let (name, rest) = parse_string(bytes)?;
        let (value, rest) = parse_string(rest)?;
        options.push(TftpOption { name, value });
        bytes = rest;
    }
    Ok(options)
}

impl<'a> Packet<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Packet<'a>, WireError> {
        let (opcode, rest) = parse_u16(bytes)?;
        match Opcode::from(opcode) {
            Opcode::Rrq | Opcode::Wrq => {
                let kind = if opcode == 1 {
                    RequestKind::Read
                } else {
                    RequestKind::Write
                };
                let (filename, rest) = parse_bytes(rest)?;
                let (mode, rest) = parse_string(rest)?;
                let options = parse_options(rest)?;
                Ok(Packet::Request {
                    kind,
                    filename,
                    mode,
                    options,
                })
            }
            Opcode::Data => {
                let (block, data) = parse_u16(rest)?;
                Ok(Packet::Data { block, data })
            }
            Opcode::Ack => {
                // Trailing bytes after the block number are tolerated: some
                // clients pad their ACKs.
                let (block, _) = parse_u16(rest)?;
                Ok(Packet::Ack { block })
            }
            Opcode::Error => {
                let (code, rest) = parse_u16(rest)?;
                // A missing NUL or odd bytes in the message must not hide the
                // error itself, so the message is read leniently.
                let message = match parse_string(rest) {
                    Ok((message, _)) => message,
                    Err(_) => "",
                };
                Ok(Packet::Error {
                    code: ErrorCode::from(code),
                    message,
                })
            }
            Opcode::Oack => Ok(Packet::Oack {
                options: parse_options(rest)?,
            }),
            Opcode::Unknown(other) => Err(WireError::UnknownOpcode(other)),
        }
    }

    pub fn opcode(&self) -> Opcode {
        match self {
            Packet::Request {
                kind: RequestKind::Read,
                ..
            } => Opcode::Rrq,
            Packet::Request {
                kind: RequestKind::Write,
                ..
            } => Opcode::Wrq,
            Packet::Data { .. } => Opcode::Data,
            Packet::Ack { .. } => Opcode::Ack,
            Packet::Error { .. } => Opcode::Error,
            Packet::Oack { .. } => Opcode::Oack,
        }
    }

    /// The number of bytes [`Packet::emit`] appends.
    pub fn buffer_len(&self) -> usize {
        let options_len = |options: &[TftpOption<'_>]| -> usize {
            options
                .iter()
                .map(|o| o.name.len() + o.value.len() + 2)
                .sum()
        };
        2 + match self {
            Packet::Request {
                filename,
                mode,
                options,
                ..
            } => filename.len() + mode.len() + 2 + options_len(options),
            Packet::Data { data, .. } => 2 + data.len(),
            Packet::Ack { .. } => 2,
            Packet::Error { message, .. } => 2 + message.len() + 1,
            Packet::Oack { options } => options_len(options),
        }
    }

    /// Appends the packet to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.reserve(self.buffer_len());
        out.extend_from_slice(&u16::from(self.opcode()).to_be_bytes());
        let put_bytes = |out: &mut Vec<u8>, field: &[u8]| {
            out.extend_from_slice(field);
            out.push(0);
        };
        let put_string = |out: &mut Vec<u8>, text: &str| put_bytes(out, text.as_bytes());
        match self {
            Packet::Request {
                filename,
                mode,
                options,
                ..
            } => {
                put_bytes(out, filename);
                put_string(out, mode);
                for option in options {
                    put_string(out, option.name);
                    put_string(out, option.value);
                }
            }
            Packet::Data { block, data } => {
                out.extend_from_slice(&block.to_be_bytes());
                out.extend_from_slice(data);
            }
            Packet::Ack { block } => out.extend_from_slice(&block.to_be_bytes()),
            Packet::Error { code, message } => {
                out.extend_from_slice(&u16::from(*code).to_be_bytes());
                put_string(out, message);
            }
            Packet::Oack { options } => {
                for option in options {
                    put_string(out, option.name);
                    put_string(out, option.value);
                }
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buffer_len());
        self.emit(&mut out);
        out
    }
}

/// An ERROR packet as bytes.
pub fn error_packet(code: ErrorCode, message: &str) -> Vec<u8> {
    Packet::Error { code, message }.to_bytes()
}

/// An ACK packet as bytes.
pub fn ack_packet(block: u16) -> Vec<u8> {
    Packet::Ack { block }.to_bytes()
}

/// The length of a DATA packet's opcode and block number.
pub const DATA_HEADER_LEN: usize = 4;

/// The start of a DATA packet, for a sender that reads the block straight
/// in after it.
pub fn data_header(block: u16) -> [u8; DATA_HEADER_LEN] {
    let [op_high, op_low] = u16::from(Opcode::Data).to_be_bytes();
    let [high, low] = block.to_be_bytes();
    [op_high, op_low, high, low]
}

/// A DATA packet as bytes.
pub fn data_packet(block: u16, data: &[u8]) -> Vec<u8> {
    Packet::Data { block, data }.to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    static RRQ_BYTES: [u8; 26] = [
        0x00, 0x01, b'a', b'.', b'b', b'i', b'n', 0x00, b'o', b'c', b't', b'e', b't', 0x00, b'b',
        b'l', b'k', b's', b'i', b'z', b'e', 0x00, b'1', b'4', b'6', 0x00,
    ];

    #[test]
    fn test_parse_rrq_with_option() {
        let packet = Packet::parse(&RRQ_BYTES).expect("valid RRQ");
        assert_eq!(
            packet,
            Packet::Request {
                kind: RequestKind::Read,
                filename: b"a.bin",
                mode: "octet",
                options: vec![TftpOption {
                    name: "blksize",
                    value: "146"
                }],
            }
        );
    }

    #[test]
    fn test_emit_rrq_with_option() {
        let packet = Packet::Request {
            kind: RequestKind::Read,
            filename: b"a.bin",
            mode: "octet",
            options: vec![TftpOption {
                name: "blksize",
                value: "146",
            }],
        };
        assert_eq!(packet.buffer_len(), RRQ_BYTES.len());
        assert_eq!(packet.to_bytes(), RRQ_BYTES);
    }

    #[test]
    fn test_parse_wrq_without_options() {
        let bytes = b"\x00\x02f\x00netascii\x00";
        assert_eq!(
            Packet::parse(bytes),
            Ok(Packet::Request {
                kind: RequestKind::Write,
                filename: b"f",
                mode: "netascii",
                options: vec![],
            })
        );
    }

    #[test]
    fn test_parse_and_emit_data() {
        let bytes = [0x00, 0x03, 0x12, 0x34, 0xde, 0xad];
        let packet = Packet::parse(&bytes).expect("valid DATA");
        assert_eq!(
            packet,
            Packet::Data {
                block: 0x1234,
                data: &[0xde, 0xad]
            }
        );
        assert_eq!(packet.to_bytes(), bytes);
        assert_eq!(data_header(0x1234), bytes[..DATA_HEADER_LEN]);
        assert_eq!(
            Packet::parse(&[0, 3, 0, 1]),
            Ok(Packet::Data {
                block: 1,
                data: &[]
            })
        );
    }

    #[test]
    fn test_parse_and_emit_ack() {
        assert_eq!(
            Packet::parse(&[0, 4, 0xff, 0xff]),
            Ok(Packet::Ack { block: 65535 })
        );
        assert_eq!(ack_packet(258), vec![0, 4, 1, 2]);
    }

    #[test]
    fn test_parse_and_emit_error() {
        let bytes = b"\x00\x05\x00\x01File not found\x00";
        let packet = Packet::parse(bytes).expect("valid ERROR");
        assert_eq!(
            packet,
            Packet::Error {
                code: ErrorCode::FileNotFound,
                message: "File not found"
            }
        );
        assert_eq!(packet.to_bytes(), bytes.to_vec());
        // A message without its NUL still reports the code.
        assert_eq!(
            Packet::parse(b"\x00\x05\x00\x08oops"),
            Ok(Packet::Error {
                code: ErrorCode::OptionsRefused,
                message: ""
            })
        );
    }

    #[test]
    fn test_parse_and_emit_oack() {
        let bytes = b"\x00\x06tsize\x001024\x00windowsize\x0016\x00";
        let packet = Packet::parse(bytes).expect("valid OACK");
        assert_eq!(
            packet,
            Packet::Oack {
                options: vec![
                    TftpOption {
                        name: "tsize",
                        value: "1024"
                    },
                    TftpOption {
                        name: "windowsize",
                        value: "16"
                    },
                ]
            }
        );
        assert_eq!(packet.to_bytes(), bytes.to_vec());
    }

    #[test]
    fn test_parse_truncated() {
        assert_eq!(Packet::parse(&[]), Err(WireError::Truncated));
        assert_eq!(Packet::parse(&[0]), Err(WireError::Truncated));
        assert_eq!(Packet::parse(&[0, 3, 1]), Err(WireError::Truncated));
        assert_eq!(Packet::parse(&[0, 4]), Err(WireError::Truncated));
        assert_eq!(Packet::parse(&[0, 5, 0]), Err(WireError::Truncated));
        // Every prefix of a valid request fails cleanly, except the one
        // that ends right after the mode: a request without options.
        for len in 0..RRQ_BYTES.len() {
            let parsed = Packet::parse(&RRQ_BYTES[..len]);
            assert_eq!(parsed.is_ok(), len == 14, "prefix {len}");
        }
    }

    #[test]
    fn test_parse_missing_nul_and_bad_text() {
        assert_eq!(Packet::parse(b"\x00\x01file"), Err(WireError::MissingNul));
        assert_eq!(
            Packet::parse(b"\x00\x01file\x00octet"),
            Err(WireError::MissingNul)
        );
        assert_eq!(
            Packet::parse(b"\x00\x01f\x00octet\x00blksize\x00"),
            Err(WireError::MissingNul)
        );
        // A name is bytes (the session decodes it); the mode and the
        // options must be text.
        assert_eq!(
            Packet::parse(b"\x00\x01f\x00oct\xffet\x00"),
            Err(WireError::NotText)
        );
        assert_eq!(
            Packet::parse(b"\x00\x01f\x00octet\x00blk\xfe\x001\x00"),
            Err(WireError::NotText)
        );
    }

    /// 中文.txt as `tftp.exe` on Chinese Windows sends it: GBK bytes, then
    /// the mode and an option in ASCII.
    static GBK_RRQ_BYTES: [u8; 25] = [
        0x00, 0x01, 0xd6, 0xd0, 0xce, 0xc4, b'.', b't', b'x', b't', 0x00, b'o', b'c', b't', b'e',
        b't', 0x00, b't', b's', b'i', b'z', b'e', 0x00, b'0', 0x00,
    ];

    /// Issue 22, item 10: a request whose name is not UTF-8 (GBK 中文.txt)
    /// is a request, not a malformed packet, and is emitted byte for byte.
    #[test]
    fn test_parse_and_emit_gbk_names() {
        let rrq = &GBK_RRQ_BYTES;
        let packet = Packet::parse(rrq).expect("a request with a GBK name");
        assert_eq!(
            packet,
            Packet::Request {
                kind: RequestKind::Read,
                filename: &[0xd6, 0xd0, 0xce, 0xc4, b'.', b't', b'x', b't'],
                mode: "octet",
                options: vec![TftpOption {
                    name: "tsize",
                    value: "0"
                }],
            }
        );
        assert_eq!(packet.buffer_len(), rrq.len());
        assert_eq!(packet.to_bytes(), rrq);

        let wrq = b"\x00\x02\xd6\xd0\xce\xc4.txt\x00netascii\x00";
        let packet = Packet::Request {
            kind: RequestKind::Write,
            filename: b"\xd6\xd0\xce\xc4.txt",
            mode: "netascii",
            options: vec![],
        };
        assert_eq!(packet.to_bytes(), wrq.to_vec());
        assert_eq!(Packet::parse(wrq), Ok(packet));

        // Bytes that are text in no encoding are still a request here; the
        // session refuses the name with a sentence.
        assert!(matches!(
            Packet::parse(b"\x00\x01\xff\xfe\x80\x00octet\x00"),
            Ok(Packet::Request {
                filename: [0xff, 0xfe, 0x80],
                ..
            })
        ));
    }

    #[test]
    fn test_parse_unknown_opcode() {
        assert_eq!(
            Packet::parse(&[0, 9, 0, 0]),
            Err(WireError::UnknownOpcode(9))
        );
        assert_eq!(Opcode::from(9), Opcode::Unknown(9));
        assert_eq!(u16::from(Opcode::Unknown(9)), 9);
    }

    #[test]
    fn test_parse_huge_option_list() {
        let mut bytes = b"\x00\x01f\x00octet\x00".to_vec();
        for _ in 0..10_000 {
            bytes.extend_from_slice(b"x\x00y\x00");
        }
        assert_eq!(Packet::parse(&bytes), Err(WireError::TooManyOptions));
    }

    #[test]
    fn test_parse_never_panics_on_noise() {
        // A cheap deterministic generator walks many short inputs.
        let mut state: u32 = 12345;
        for _ in 0..20_000 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let len = (state >> 24) as usize % 24;
            let bytes: Vec<u8> = (0..len)
                .map(|i| {
                    let b = (state >> (i % 24)) as u8;
                    if i < 2 { b % 8 } else { b % 4 }
                })
                .collect();
            let _ = Packet::parse(&bytes);
        }
    }
}

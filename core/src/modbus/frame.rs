//! The two framings a Modbus PDU travels in over a network: Modbus TCP
//! (the 7-byte MBAP header: transaction id, protocol id 0, length, unit
//! id) and RTU over TCP/UDP (unit id, PDU, CRC-16/MODBUS low byte first).

use thiserror::Error;

use crate::text::ChecksumAlgorithm;

/// Where the MBAP header's fields are.
mod field {
    use std::ops::Range;

    pub const TRANSACTION: Range<usize> = 0..2;
    pub const PROTOCOL: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const UNIT: usize = 6;
}

/// The MBAP header's length.
pub const MBAP_HEADER_LEN: usize = 7;
/// The CRC an RTU frame ends with.
const RTU_CRC: ChecksumAlgorithm = ChecksumAlgorithm::Crc16Modbus;
/// The shortest RTU frame: unit id, function code, CRC.
const RTU_MIN_LEN: usize = 4;

/// How requests are framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Framing {
    /// Modbus TCP: MBAP header, no CRC.
    #[default]
    Tcp,
    /// RTU frames (unit id, PDU, CRC) carried over TCP or UDP.
    Rtu,
}

/// The MBAP header of a Modbus TCP frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MbapHeader {
    pub transaction_id: u16,
    pub protocol_id: u16,
    /// The bytes after the length field: the unit id and the PDU.
    pub length: u16,
    pub unit_id: u8,
}

/// A Modbus TCP frame read from bytes: its header, its PDU and whatever
/// came after it (the start of the next frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpFrame<'a> {
    pub header: MbapHeader,
    pub pdu: &'a [u8],
    pub rest: &'a [u8],
}

/// An RTU frame read from bytes whose CRC is right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtuFrame<'a> {
    pub unit_id: u8,
    pub pdu: &'a [u8],
}

/// Why bytes are not a Modbus frame.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum FrameError {
    #[error("{got} bytes are too short for a Modbus frame of at least {needed}")]
    TooShort { needed: usize, got: usize },
    #[error("the MBAP protocol id is {0}, not 0: this is not Modbus TCP")]
    ProtocolId(u16),
    #[error("the MBAP length says {declared} bytes and {got} came")]
    Length { declared: usize, got: usize },
    #[error("the CRC is wrong: the frame carries {received:04X}, its bytes give {computed:04X}")]
    Crc { received: u16, computed: u16 },
}

/// A Modbus TCP frame: MBAP header and PDU.
pub fn emit_tcp(transaction_id: u16, unit_id: u8, pdu: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; MBAP_HEADER_LEN];
    out[field::TRANSACTION].copy_from_slice(&transaction_id.to_be_bytes());
    out[field::PROTOCOL].copy_from_slice(&0u16.to_be_bytes());
    let length = (pdu.len() + 1) as u16;
    out[field::LENGTH].copy_from_slice(&length.to_be_bytes());
    out[field::UNIT] = unit_id;
    out.extend_from_slice(pdu);
    out
}

/// Reads a Modbus TCP frame from the start of `bytes`.
pub fn parse_tcp(bytes: &[u8]) -> Result<TcpFrame<'_>, FrameError> {
    if bytes.len() < MBAP_HEADER_LEN + 1 {
        return Err(FrameError::TooShort {
            needed: MBAP_HEADER_LEN + 1,
            got: bytes.len(),
        });
    }
    let word = |range: std::ops::Range<usize>| {
        u16::from_be_bytes([bytes[range.start], bytes[range.start + 1]])
    };
    let header = MbapHeader {
        transaction_id: word(field::TRANSACTION),
        protocol_id: word(field::PROTOCOL),
        length: word(field::LENGTH),
        unit_id: bytes[field::UNIT],
    };
    if header.protocol_id != 0 {
        return Err(FrameError::ProtocolId(header.protocol_id));
    }
    let declared = usize::from(header.length);
    let got = bytes.len() - field::LENGTH.end;
    if declared < 2 || got < declared {
        return Err(FrameError::Length { declared, got });
    }
    let end = field::LENGTH.end + declared;
    Ok(TcpFrame {
        header,
        pdu: &bytes[MBAP_HEADER_LEN..end],
        rest: &bytes[end..],
    })
}

/// An RTU frame: unit id, PDU, CRC-16/MODBUS low byte first.
pub fn emit_rtu(unit_id: u8, pdu: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pdu.len() + 3);
    out.push(unit_id);
    out.extend_from_slice(pdu);
    out.extend(RTU_CRC.little_endian(&out));
    out
}

/// Reads `bytes` as one whole RTU frame, checking its CRC.
pub fn parse_rtu(bytes: &[u8]) -> Result<RtuFrame<'_>, FrameError> {
    if bytes.len() < RTU_MIN_LEN {
        return Err(FrameError::TooShort {
            needed: RTU_MIN_LEN,
            got: bytes.len(),
        });
    }
    let (body, crc) = bytes.split_at(bytes.len() - 2);
    let received = u16::from_le_bytes([crc[0], crc[1]]);
    let computed = RTU_CRC.value(body) as u16;
    if received != computed {
        return Err(FrameError::Crc { received, computed });
    }
    Ok(RtuFrame {
        unit_id: body[0],
        pdu: &body[1..],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read holding registers 0..10 of unit 1, as Modbus TCP with
    /// transaction 1 and as RTU (whose CRC on the wire is C5 CD).
    const PDU: [u8; 5] = [0x03, 0x00, 0x00, 0x00, 0x0A];
    const TCP: [u8; 12] = [
        0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0A,
    ];
    const RTU: [u8; 8] = [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD];

    #[test]
    fn test_emit() {
        assert_eq!(emit_tcp(1, 1, &PDU), TCP);
        assert_eq!(emit_rtu(1, &PDU), RTU);
    }

    #[test]
    fn test_parse() {
        let frame = parse_tcp(&TCP).unwrap();
        assert_eq!(frame.header.transaction_id, 1);
        assert_eq!(frame.header.unit_id, 1);
        assert_eq!(frame.pdu, PDU);
        assert!(frame.rest.is_empty());
        assert_eq!(
            parse_rtu(&RTU),
            Ok(RtuFrame {
                unit_id: 1,
                pdu: &PDU
            })
        );
    }

    #[test]
    fn test_parse_two_tcp_frames_in_one_read() {
        let mut two = TCP.to_vec();
        two.extend(emit_tcp(2, 1, &[0x83, 0x02]));
        let first = parse_tcp(&two).unwrap();
        let second = parse_tcp(first.rest).unwrap();
        assert_eq!(second.header.transaction_id, 2);
        assert_eq!(second.pdu, [0x83, 0x02]);
    }

    #[test]
    fn test_impossible_len_and_wrong_crc() {
        assert_eq!(
            parse_tcp(&TCP[..9]),
            Err(FrameError::Length {
                declared: 6,
                got: 3
            })
        );
        assert_eq!(
            parse_tcp(&TCP[..5]),
            Err(FrameError::TooShort { needed: 8, got: 5 })
        );
        let mut not_modbus = TCP;
        not_modbus[3] = 7;
        assert_eq!(parse_tcp(&not_modbus), Err(FrameError::ProtocolId(7)));
        let mut corrupted = RTU;
        corrupted[5] = 0x0B;
        assert!(matches!(
            parse_rtu(&corrupted),
            Err(FrameError::Crc {
                received: 0xCDC5,
                ..
            })
        ));
        assert_eq!(
            parse_rtu(&RTU[..3]),
            Err(FrameError::TooShort { needed: 4, got: 3 })
        );
    }
}

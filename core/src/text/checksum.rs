//! Checksums that serial and network assistants append to a HEX message, in
//! the byte order those tools append them, so that a device that expects
//! "NetAssist's CRC" gets exactly those bytes.

use serde::{Deserialize, Serialize};

use super::crc_catalogue::ChecksumAlgorithm;

/// A checksum a user can append to a message or check on received bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Checksum {
    /// The sum of all bytes, modulo 256: one byte.
    Sum8,
    /// The XOR of all bytes: one byte.
    Xor8,
    /// CRC-16/MODBUS, appended low byte first as the MODBUS RTU frame
    /// carries it ("123456789" → `37 4B`).
    Crc16Modbus,
    /// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final
    /// XOR), which is what NetAssist-like tools call "CCITT"; appended high
    /// byte first ("123456789" → `29 B1`).
    Crc16Ccitt,
    /// CRC-32 (the zip/Ethernet one), appended high byte first
    /// ("123456789" → `CB F4 39 26`).
    Crc32,
}

impl Checksum {
    pub const ALL: [Checksum; 5] = [
        Checksum::Sum8,
        Checksum::Xor8,
        Checksum::Crc16Modbus,
        Checksum::Crc16Ccitt,
        Checksum::Crc32,
    ];

    /// The name shown in selectors and accepted on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Checksum::Sum8 => "SUM8",
            Checksum::Xor8 => "XOR8",
            Checksum::Crc16Modbus => "CRC-16/MODBUS",
            Checksum::Crc16Ccitt => "CRC-16/CCITT",
            Checksum::Crc32 => "CRC-32",
        }
    }

    /// Accepts the labels above, case-insensitively, with or without
    /// dashes and slashes (`crc16modbus`, `CRC16-CCITT`, `crc32`).
    pub fn from_label(label: &str) -> Option<Checksum> {
        let squashed: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match squashed.as_str() {
            "sum8" | "sum" => Some(Checksum::Sum8),
            "xor8" | "xor" => Some(Checksum::Xor8),
            "crc16modbus" | "modbus" => Some(Checksum::Crc16Modbus),
            "crc16ccitt" | "crc16ccittfalse" | "ccitt" => Some(Checksum::Crc16Ccitt),
            "crc32" => Some(Checksum::Crc32),
            _ => None,
        }
    }

    /// How many bytes the checksum adds.
    pub fn byte_count(self) -> usize {
        match self {
            Checksum::Sum8 | Checksum::Xor8 => 1,
            Checksum::Crc16Modbus | Checksum::Crc16Ccitt => 2,
            Checksum::Crc32 => 4,
        }
    }

    /// The catalogue's algorithm behind this checksum (one definition of
    /// each, shared with the checksum calculator).
    pub fn algorithm(self) -> ChecksumAlgorithm {
        match self {
            Checksum::Sum8 => ChecksumAlgorithm::Sum8,
            Checksum::Xor8 => ChecksumAlgorithm::Xor8,
            Checksum::Crc16Modbus => ChecksumAlgorithm::Crc16Modbus,
            Checksum::Crc16Ccitt => ChecksumAlgorithm::Crc16CcittFalse,
            Checksum::Crc32 => ChecksumAlgorithm::Crc32,
        }
    }

    /// The checksum of `bytes`, in the order it is appended: CRC-16/MODBUS
    /// low byte first, as the RTU frame carries it; the others high byte
    /// first.
    pub fn compute(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Checksum::Crc16Modbus => self.algorithm().little_endian(bytes),
            _ => self.algorithm().big_endian(bytes),
        }
    }

    /// The message with its checksum appended.
    pub fn append(self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() + self.byte_count());
        out.extend_from_slice(bytes);
        out.extend(self.compute(bytes));
        out
    }

    /// Whether the last bytes of a received message are the checksum of the
    /// bytes before them; `None` when the message is too short to hold a
    /// checksum and a payload, so it cannot be judged either way.
    pub fn verify_trailing(self, bytes: &[u8]) -> Option<bool> {
        if bytes.len() <= self.byte_count() {
            return None;
        }
        let (payload, trailer) = bytes.split_at(bytes.len() - self.byte_count());
        Some(self.compute(payload) == trailer)
    }
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Parses a checksum name as [`Checksum::from_label`] does, or says which
/// names there are.
impl std::str::FromStr for Checksum {
    type Err = super::UnknownChoice;

    fn from_str(label: &str) -> Result<Checksum, super::UnknownChoice> {
        Checksum::from_label(label).ok_or_else(|| {
            super::UnknownChoice::new(
                label,
                "a checksum this program knows",
                "SUM8, XOR8, CRC-16/MODBUS, CRC-16/CCITT or CRC-32",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK_INPUT: &[u8] = b"123456789";

    #[test]
    fn standard_check_values_in_append_order() {
        assert_eq!(Checksum::Sum8.compute(CHECK_INPUT), [0xDD]);
        assert_eq!(Checksum::Xor8.compute(CHECK_INPUT), [0x31]);
        assert_eq!(Checksum::Crc16Modbus.compute(CHECK_INPUT), [0x37, 0x4B]);
        assert_eq!(Checksum::Crc16Ccitt.compute(CHECK_INPUT), [0x29, 0xB1]);
        assert_eq!(
            Checksum::Crc32.compute(CHECK_INPUT),
            [0xCB, 0xF4, 0x39, 0x26]
        );
    }

    #[test]
    fn modbus_read_holding_registers_frame() {
        // A real MODBUS RTU request: slave 1, function 3, start 0, count 10,
        // whose CRC on the wire is C5 CD.
        let request = [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A];
        assert_eq!(
            Checksum::Crc16Modbus.append(&request),
            [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]
        );
    }

    #[test]
    fn sum_wraps_and_empty_input_has_a_checksum() {
        assert_eq!(Checksum::Sum8.compute(&[0xFF, 0x02]), [0x01]);
        assert_eq!(Checksum::Xor8.compute(&[]), [0x00]);
        assert_eq!(Checksum::Crc16Ccitt.compute(&[]), [0xFF, 0xFF]);
        assert_eq!(Checksum::Crc32.compute(&[]), [0, 0, 0, 0]);
    }

    #[test]
    fn append_then_verify_round_trips_for_every_algorithm() {
        for checksum in Checksum::ALL {
            let framed = checksum.append(CHECK_INPUT);
            assert_eq!(framed.len(), CHECK_INPUT.len() + checksum.byte_count());
            assert_eq!(&framed[..CHECK_INPUT.len()], CHECK_INPUT);
            assert_eq!(checksum.verify_trailing(&framed), Some(true), "{checksum}");
            let mut corrupted = framed.clone();
            corrupted[0] ^= 0x01;
            assert_eq!(
                checksum.verify_trailing(&corrupted),
                Some(false),
                "{checksum}"
            );
        }
    }

    #[test]
    fn verify_trailing_in_wire_order() {
        assert_eq!(
            Checksum::Crc16Modbus.verify_trailing(b"123456789\x37\x4B"),
            Some(true)
        );
        assert_eq!(
            Checksum::Crc16Modbus.verify_trailing(b"123456789\x4B\x37"),
            Some(false),
            "big-endian is not how MODBUS carries it"
        );
        assert_eq!(
            Checksum::Crc32.verify_trailing(b"123456789\xCB\xF4\x39\x26"),
            Some(true)
        );
    }

    #[test]
    fn too_short_to_judge() {
        assert_eq!(Checksum::Crc32.verify_trailing(&[1, 2, 3, 4]), None);
        assert_eq!(Checksum::Sum8.verify_trailing(&[1]), None);
        assert_eq!(Checksum::Sum8.verify_trailing(&[1, 1]), Some(true));
    }

    #[test]
    fn labels_round_trip() {
        for checksum in Checksum::ALL {
            assert_eq!(Checksum::from_label(checksum.label()), Some(checksum));
        }
        assert_eq!(
            Checksum::from_label("crc16modbus"),
            Some(Checksum::Crc16Modbus)
        );
        assert_eq!(Checksum::from_label("md5"), None);
    }
}

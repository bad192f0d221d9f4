//! The checksum catalogue: every checksum algorithm NetAssist knows, defined
//! once. The send box's appended checksum ([`super::Checksum`]), the
//! checksum calculator in the tools drawer and the Modbus RTU framing all
//! compute through here.
//!
//! The CRCs come from the `crc` crate's catalogue (the parameters and
//! check values of Greg Cook's "Catalogue of parametrised CRC
//! algorithms"), so each one is the catalogue's and its check value for
//! "123456789" is the catalogue's too.

/// CRC-8 as the catalogue's CRC-8/SMBUS (poly 0x07, init 0); check 0xF4.
const CRC8: crc::Crc<u8> = crc::Crc::<u8>::new(&crc::CRC_8_SMBUS);
/// CRC-16/MODBUS: poly 0x8005 reflected, init 0xFFFF; check 0x4B37.
const CRC16_MODBUS: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_MODBUS);
/// CRC-16/CCITT-FALSE (the catalogue's CRC-16/IBM-3740): poly 0x1021, init
/// 0xFFFF, not reflected, no final XOR; check 0x29B1.
const CRC16_CCITT_FALSE: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);
/// CRC-16/XMODEM: poly 0x1021, init 0; check 0x31C3.
const CRC16_XMODEM: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_XMODEM);
/// CRC-16/KERMIT: poly 0x1021 reflected, init 0; check 0x2189.
const CRC16_KERMIT: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_KERMIT);
/// CRC-16/IBM (the catalogue's CRC-16/ARC): poly 0x8005 reflected, init 0;
/// check 0xBB3D.
const CRC16_IBM: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_ARC);
/// CRC-32 as zip and Ethernet use it (CRC-32/ISO-HDLC); check 0xCBF43926.
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
/// CRC-32C (Castagnoli, the catalogue's CRC-32/ISCSI); check 0xE3069283.
const CRC32C: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

/// One checksum algorithm of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChecksumAlgorithm {
    /// The sum of all bytes, modulo 256.
    Sum8,
    /// The sum of all bytes, modulo 65536.
    Sum16,
    /// The XOR of all bytes.
    Xor8,
    /// Modbus ASCII's longitudinal redundancy check: the two's complement
    /// of the 8-bit sum, so that the bytes plus the LRC sum to zero.
    Lrc,
    Crc8,
    Crc16Modbus,
    Crc16CcittFalse,
    Crc16Xmodem,
    Crc16Kermit,
    Crc16Ibm,
    Crc32,
    Crc32c,
}

impl ChecksumAlgorithm {
    /// Every algorithm, in the order the checksum calculator lists them.
    pub const ALL: [ChecksumAlgorithm; 12] = [
        ChecksumAlgorithm::Crc16Modbus,
        ChecksumAlgorithm::Crc16CcittFalse,
        ChecksumAlgorithm::Crc16Xmodem,
        ChecksumAlgorithm::Crc16Kermit,
        ChecksumAlgorithm::Crc16Ibm,
        ChecksumAlgorithm::Crc8,
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Sum8,
        ChecksumAlgorithm::Sum16,
        ChecksumAlgorithm::Xor8,
        ChecksumAlgorithm::Lrc,
    ];

    /// The name users know it by (the catalogue's name or its common
    /// alias).
    pub fn name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Sum8 => "SUM8",
            ChecksumAlgorithm::Sum16 => "SUM16",
            ChecksumAlgorithm::Xor8 => "XOR8",
            ChecksumAlgorithm::Lrc => "LRC",
            ChecksumAlgorithm::Crc8 => "CRC-8",
            ChecksumAlgorithm::Crc16Modbus => "CRC-16/MODBUS",
            ChecksumAlgorithm::Crc16CcittFalse => "CRC-16/CCITT-FALSE",
            ChecksumAlgorithm::Crc16Xmodem => "CRC-16/XMODEM",
            ChecksumAlgorithm::Crc16Kermit => "CRC-16/KERMIT",
            ChecksumAlgorithm::Crc16Ibm => "CRC-16/IBM",
            ChecksumAlgorithm::Crc32 => "CRC-32",
            ChecksumAlgorithm::Crc32c => "CRC-32C",
        }
    }

    /// The catalogue's own name, where it differs from [`ChecksumAlgorithm::name`]
    /// (shown as a hint so a user can compare with another tool).
    pub fn catalogue_name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc8 => "CRC-8/SMBUS",
            ChecksumAlgorithm::Crc16CcittFalse => "CRC-16/IBM-3740",
            ChecksumAlgorithm::Crc16Ibm => "CRC-16/ARC",
            ChecksumAlgorithm::Crc32 => "CRC-32/ISO-HDLC",
            ChecksumAlgorithm::Crc32c => "CRC-32/ISCSI",
            other => other.name(),
        }
    }

    /// How many bytes the checksum has.
    pub fn byte_count(self) -> usize {
        match self {
            ChecksumAlgorithm::Sum8
            | ChecksumAlgorithm::Xor8
            | ChecksumAlgorithm::Lrc
            | ChecksumAlgorithm::Crc8 => 1,
            ChecksumAlgorithm::Sum16
            | ChecksumAlgorithm::Crc16Modbus
            | ChecksumAlgorithm::Crc16CcittFalse
            | ChecksumAlgorithm::Crc16Xmodem
            | ChecksumAlgorithm::Crc16Kermit
            | ChecksumAlgorithm::Crc16Ibm => 2,
            ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
        }
    }

    /// The checksum of `bytes` as a number (`byte_count` bytes wide).
    pub fn value(self, bytes: &[u8]) -> u32 {
        let sum8 = || bytes.iter().fold(0u8, |sum, b| sum.wrapping_add(*b));
        match self {
            ChecksumAlgorithm::Sum8 => sum8().into(),
            ChecksumAlgorithm::Sum16 => bytes
                .iter()
                .fold(0u16, |sum, b| sum.wrapping_add(u16::from(*b)))
                .into(),
            ChecksumAlgorithm::Xor8 => bytes.iter().fold(0u8, |x, b| x ^ b).into(),
            ChecksumAlgorithm::Lrc => sum8().wrapping_neg().into(),
            ChecksumAlgorithm::Crc8 => CRC8.checksum(bytes).into(),
            ChecksumAlgorithm::Crc16Modbus => CRC16_MODBUS.checksum(bytes).into(),
            ChecksumAlgorithm::Crc16CcittFalse => CRC16_CCITT_FALSE.checksum(bytes).into(),
            ChecksumAlgorithm::Crc16Xmodem => CRC16_XMODEM.checksum(bytes).into(),
            ChecksumAlgorithm::Crc16Kermit => CRC16_KERMIT.checksum(bytes).into(),
            ChecksumAlgorithm::Crc16Ibm => CRC16_IBM.checksum(bytes).into(),
            ChecksumAlgorithm::Crc32 => CRC32.checksum(bytes),
            ChecksumAlgorithm::Crc32c => CRC32C.checksum(bytes),
        }
    }

    /// The checksum of `bytes`, high byte first.
    pub fn big_endian(self, bytes: &[u8]) -> Vec<u8> {
        let value = self.value(bytes).to_be_bytes();
        value[4 - self.byte_count()..].to_vec()
    }

    /// The checksum of `bytes`, low byte first (how Modbus RTU carries its
    /// CRC).
    pub fn little_endian(self, bytes: &[u8]) -> Vec<u8> {
        let mut value = self.big_endian(bytes);
        value.reverse();
        value
    }

    /// The value as HEX digits, as wide as the checksum (`4B37`).
    pub fn hex_value(self, bytes: &[u8]) -> String {
        format!(
            "{:0width$X}",
            self.value(bytes),
            width = self.byte_count() * 2
        )
    }
}

impl std::fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue's check input.
    const CHECK_INPUT: &[u8] = b"123456789";

    #[test]
    fn every_algorithm_gives_its_check_value() {
        let expected = [
            (ChecksumAlgorithm::Sum8, 0xDD),
            (ChecksumAlgorithm::Sum16, 0x01DD),
            (ChecksumAlgorithm::Xor8, 0x31),
            (ChecksumAlgorithm::Lrc, 0x23),
            (ChecksumAlgorithm::Crc8, 0xF4),
            (ChecksumAlgorithm::Crc16Modbus, 0x4B37),
            (ChecksumAlgorithm::Crc16CcittFalse, 0x29B1),
            (ChecksumAlgorithm::Crc16Xmodem, 0x31C3),
            (ChecksumAlgorithm::Crc16Kermit, 0x2189),
            (ChecksumAlgorithm::Crc16Ibm, 0xBB3D),
            (ChecksumAlgorithm::Crc32, 0xCBF4_3926),
            (ChecksumAlgorithm::Crc32c, 0xE306_9283),
        ];
        assert_eq!(expected.len(), ChecksumAlgorithm::ALL.len());
        for (algorithm, check) in expected {
            assert_eq!(algorithm.value(CHECK_INPUT), check, "{algorithm}");
        }
    }

    #[test]
    fn both_byte_orders_are_as_wide_as_the_checksum() {
        assert_eq!(
            ChecksumAlgorithm::Crc16Modbus.hex_value(CHECK_INPUT),
            "4B37"
        );
        assert_eq!(
            ChecksumAlgorithm::Crc16Modbus.big_endian(CHECK_INPUT),
            [0x4B, 0x37]
        );
        assert_eq!(
            ChecksumAlgorithm::Crc16Modbus.little_endian(CHECK_INPUT),
            [0x37, 0x4B]
        );
        assert_eq!(ChecksumAlgorithm::Crc8.big_endian(CHECK_INPUT), [0xF4]);
        assert_eq!(ChecksumAlgorithm::Sum16.hex_value(CHECK_INPUT), "01DD");
        assert_eq!(
            ChecksumAlgorithm::Crc32c.little_endian(CHECK_INPUT),
            [0x83, 0x92, 0x06, 0xE3]
        );
    }

    #[test]
    fn lrc_makes_the_sum_zero() {
        let lrc = ChecksumAlgorithm::Lrc.value(CHECK_INPUT) as u8;
        let total = CHECK_INPUT.iter().fold(lrc, |sum, b| sum.wrapping_add(*b));
        assert_eq!(total, 0);
    }
}

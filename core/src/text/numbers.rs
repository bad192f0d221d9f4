//! Numbers as the bytes devices send them: float32/64 and 16/32-bit
//! integers in the four byte orders Modbus devices use (ABCD, DCBA, BADC,
//! CDAB), both ways. Pure; the float conversion tool and the Modbus
//! decoder use it.

use thiserror::Error;

use super::{HexError, parse_hex};

/// A number type as devices carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumberType {
    Float32,
    Float64,
    Int16,
    Uint16,
    Int32,
    Uint32,
}

impl NumberType {
    pub const ALL: [NumberType; 6] = [
        NumberType::Float32,
        NumberType::Float64,
        NumberType::Int16,
        NumberType::Uint16,
        NumberType::Int32,
        NumberType::Uint32,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NumberType::Float32 => "float32",
            NumberType::Float64 => "float64",
            NumberType::Int16 => "int16",
            NumberType::Uint16 => "uint16",
            NumberType::Int32 => "int32",
            NumberType::Uint32 => "uint32",
        }
    }

    /// How many bytes the type takes.
    pub fn byte_count(self) -> usize {
        match self {
            NumberType::Int16 | NumberType::Uint16 => 2,
            NumberType::Float32 | NumberType::Int32 | NumberType::Uint32 => 4,
            NumberType::Float64 => 8,
        }
    }
}

/// The order of a number's bytes, named by where the big-endian bytes
/// A B C D end up. ABCD is big-endian; DCBA little-endian; BADC swaps the
/// bytes within each 16-bit register; CDAB swaps the registers (the
/// "word-swapped" float of many PLCs). Float64 extends the same rule to
/// four registers; a 16-bit number is one register, so CDAB is ABCD and
/// BADC is DCBA for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ByteOrder {
    #[default]
    Abcd,
    Dcba,
    Badc,
    Cdab,
}

impl ByteOrder {
    pub const ALL: [ByteOrder; 4] = [
        ByteOrder::Abcd,
        ByteOrder::Dcba,
        ByteOrder::Badc,
        ByteOrder::Cdab,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ByteOrder::Abcd => "ABCD",
            ByteOrder::Dcba => "DCBA",
            ByteOrder::Badc => "BADC",
            ByteOrder::Cdab => "CDAB",
        }
    }

    /// Turns big-endian bytes into this order, or back: each order is its
    /// own inverse.
    pub fn arrange(self, bytes: &mut [u8]) {
        let swap_bytes = matches!(self, ByteOrder::Badc | ByteOrder::Dcba);
        let reverse_registers = matches!(self, ByteOrder::Cdab | ByteOrder::Dcba);
        if swap_bytes {
            for register in bytes.chunks_exact_mut(2) {
                register.swap(0, 1);
            }
        }
        if reverse_registers {
            let registers = bytes.len() / 2;
            for i in 0..registers / 2 {
                let j = registers - 1 - i;
                bytes.swap(2 * i, 2 * j);
                bytes.swap(2 * i + 1, 2 * j + 1);
            }
        }
    }
}

/// Why a number or its bytes were refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NumberError {
    #[error("“{0}” is not a number")]
    NotANumber(String),
    #[error("{value} does not fit in {kind} ({min} to {max})")]
    OutOfRange {
        value: String,
        kind: &'static str,
        min: String,
        max: String,
    },
    #[error("{kind} takes {expected} bytes, and the HEX has {got}")]
    WrongLength {
        kind: &'static str,
        expected: usize,
        got: usize,
    },
    #[error(transparent)]
    Hex(#[from] HexError),
}

/// A number typed by the user, as the bytes of `kind` in `order`.
pub fn number_to_bytes(
    kind: NumberType,
    order: ByteOrder,
    text: &str,
) -> Result<Vec<u8>, NumberError> {
    let text = text.trim();
    let mut bytes =
        match kind {
            NumberType::Float32 => parse_float(text).map(|v| (v as f32).to_be_bytes().to_vec()),
            NumberType::Float64 => parse_float(text).map(|v| v.to_be_bytes().to_vec()),
            NumberType::Int16 => parse_int(text, kind, i16::MIN.into(), i16::MAX.into())?
                .map(|v| (v as i16).to_be_bytes().to_vec()),
            NumberType::Uint16 => parse_int(text, kind, 0, u16::MAX.into())?
                .map(|v| (v as u16).to_be_bytes().to_vec()),
            NumberType::Int32 => parse_int(text, kind, i32::MIN.into(), i32::MAX.into())?
                .map(|v| (v as i32).to_be_bytes().to_vec()),
            NumberType::Uint32 => parse_int(text, kind, 0, u32::MAX.into())?
                .map(|v| (v as u32).to_be_bytes().to_vec()),
        }
        .ok_or_else(|| NumberError::NotANumber(text.to_owned()))?;
    order.arrange(&mut bytes);
    Ok(bytes)
}

/// HEX as typed, read as `kind` in `order`, written as the number.
pub fn hex_to_number(kind: NumberType, order: ByteOrder, hex: &str) -> Result<String, NumberError> {
    let bytes = parse_hex(hex)?;
    bytes_to_number(kind, order, &bytes)
}

/// Bytes read as `kind` in `order`, written as the number (floats in the
/// shortest form that reads back the same).
pub fn bytes_to_number(
    kind: NumberType,
    order: ByteOrder,
    bytes: &[u8],
) -> Result<String, NumberError> {
    if bytes.len() != kind.byte_count() {
        return Err(NumberError::WrongLength {
            kind: kind.name(),
            expected: kind.byte_count(),
            got: bytes.len(),
        });
    }
    let mut be = bytes.to_vec();
    order.arrange(&mut be);
    let pair = |b: &[u8]| [b[0], b[1]];
    let quad = |b: &[u8]| [b[0], b[1], b[2], b[3]];
    Ok(match kind {
        NumberType::Float32 => f32::from_be_bytes(quad(&be)).to_string(),
        NumberType::Float64 => {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(&be);
            f64::from_be_bytes(eight).to_string()
        }
        NumberType::Int16 => i16::from_be_bytes(pair(&be)).to_string(),
        NumberType::Uint16 => u16::from_be_bytes(pair(&be)).to_string(),
        NumberType::Int32 => i32::from_be_bytes(quad(&be)).to_string(),
        NumberType::Uint32 => u32::from_be_bytes(quad(&be)).to_string(),
    })
}

/// Two 16-bit registers as a float32 in `order` (registers as they came,
/// first register's high byte first).
pub fn registers_to_f32(first: u16, second: u16, order: ByteOrder) -> f32 {
    let mut bytes = [0u8; 4];
    bytes[..2].copy_from_slice(&first.to_be_bytes());
    bytes[2..].copy_from_slice(&second.to_be_bytes());
    order.arrange(&mut bytes);
    f32::from_be_bytes(bytes)
}

/// A float as typed: `None` when it is not one. "inf" and "NaN" are
/// numbers here too, since devices send them.
fn parse_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

/// An integer as a user types one: decimal, or HEX after `0x`. The one
/// rule for the float tool's integers and Modbus values.
pub fn parse_integer(text: &str) -> Option<i64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => text.parse::<i64>().ok(),
    }
}

/// An integer as typed ([`parse_integer`]), checked against the type's
/// range.
fn parse_int(text: &str, kind: NumberType, min: i64, max: i64) -> Result<Option<i64>, NumberError> {
    match parse_integer(text) {
        Some(value) if value < min || value > max => Err(NumberError::OutOfRange {
            value: text.to_owned(),
            kind: kind.name(),
            min: min.to_string(),
            max: max.to_string(),
        }),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(kind: NumberType, order: ByteOrder, text: &str) -> String {
        super::super::format_hex(&number_to_bytes(kind, order, text).unwrap())
    }

    #[test]
    fn float32_in_the_four_orders() {
        // 123.456 as float32 is 42 F6 E9 79.
        let expected = [
            (ByteOrder::Abcd, "42 F6 E9 79"),
            (ByteOrder::Dcba, "79 E9 F6 42"),
            (ByteOrder::Badc, "F6 42 79 E9"),
            (ByteOrder::Cdab, "E9 79 42 F6"),
        ];
        for (order, bytes) in expected {
            assert_eq!(
                hex(NumberType::Float32, order, "123.456"),
                bytes,
                "{order:?}"
            );
            assert_eq!(
                hex_to_number(NumberType::Float32, order, bytes).unwrap(),
                "123.456",
                "{order:?}"
            );
        }
        assert_eq!(
            hex(NumberType::Float32, ByteOrder::Abcd, "1.0"),
            "3F 80 00 00"
        );
    }

    #[test]
    fn float64_and_integers() {
        assert_eq!(
            hex(NumberType::Float64, ByteOrder::Abcd, "1"),
            "3F F0 00 00 00 00 00 00"
        );
        assert_eq!(
            hex(NumberType::Float64, ByteOrder::Dcba, "1"),
            "00 00 00 00 00 00 F0 3F"
        );
        assert_eq!(
            hex(NumberType::Float64, ByteOrder::Cdab, "1"),
            "00 00 00 00 00 00 3F F0"
        );
        assert_eq!(hex(NumberType::Int16, ByteOrder::Abcd, "-2"), "FF FE");
        assert_eq!(hex(NumberType::Int16, ByteOrder::Dcba, "-2"), "FE FF");
        assert_eq!(hex(NumberType::Int16, ByteOrder::Cdab, "-2"), "FF FE");
        assert_eq!(hex(NumberType::Uint16, ByteOrder::Badc, "0x1234"), "34 12");
        assert_eq!(hex(NumberType::Int32, ByteOrder::Cdab, "-2"), "FF FE FF FF");
        assert_eq!(
            hex(NumberType::Uint32, ByteOrder::Badc, "305419896"),
            "34 12 78 56"
        );
        assert_eq!(
            hex_to_number(NumberType::Uint32, ByteOrder::Badc, "34 12 78 56").unwrap(),
            "305419896"
        );
        assert_eq!(
            hex_to_number(NumberType::Int32, ByteOrder::Dcba, "FE FF FF FF").unwrap(),
            "-2"
        );
    }

    #[test]
    fn refusals_are_sentences() {
        assert_eq!(
            hex_to_number(NumberType::Float32, ByteOrder::Abcd, "3F 80 00"),
            Err(NumberError::WrongLength {
                kind: "float32",
                expected: 4,
                got: 3
            })
        );
        assert_eq!(
            hex_to_number(NumberType::Float32, ByteOrder::Abcd, "3F 80 00")
                .unwrap_err()
                .to_string(),
            "float32 takes 4 bytes, and the HEX has 3"
        );
        assert!(matches!(
            number_to_bytes(NumberType::Uint16, ByteOrder::Abcd, "70000"),
            Err(NumberError::OutOfRange { .. })
        ));
        assert!(matches!(
            number_to_bytes(NumberType::Float32, ByteOrder::Abcd, "1,5"),
            Err(NumberError::NotANumber(_))
        ));
        assert!(matches!(
            hex_to_number(NumberType::Int16, ByteOrder::Abcd, "GG 00"),
            Err(NumberError::Hex(_))
        ));
    }

    #[test]
    fn registers_as_float() {
        // 123.456 word-swapped, as many PLCs send it: E979 42F6.
        assert_eq!(registers_to_f32(0xE979, 0x42F6, ByteOrder::Cdab), 123.456);
        assert_eq!(registers_to_f32(0x42F6, 0xE979, ByteOrder::Abcd), 123.456);
    }
}

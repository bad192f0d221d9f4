//! The values a user types for a write: registers as numbers (decimal or
//! 0x HEX, separated by spaces or commas), coils as 1/0 or on/off.

use thiserror::Error;

use crate::text::parse_integer;

/// Why typed values were refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValuesError {
    #[error("no values: type one or more, separated by spaces or commas")]
    Empty,
    #[error("“{0}” is not a register value (0 to 65535, or -32768 to -1)")]
    Register(String),
    #[error("“{0}” is not a coil value (1, 0, on or off)")]
    Coil(String),
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
}

/// Register values: 0–65535, 0x0000–0xFFFF, or -32768–-1 (written as
/// their 16-bit two's complement, as an int16 register holds them).
pub fn parse_register_values(text: &str) -> Result<Vec<u16>, ValuesError> {
    let values = words(text)
        .map(|word| {
            // A negative value is an int16 register's two's complement.
            let parsed = parse_integer(word)
                .filter(|value| (i64::from(i16::MIN)..=i64::from(u16::MAX)).contains(value))
                .map(|value| value as u16);
            parsed.ok_or_else(|| ValuesError::Register(word.to_owned()))
        })
        .collect::<Result<Vec<u16>, ValuesError>>()?;
    if values.is_empty() {
        return Err(ValuesError::Empty);
    }
    Ok(values)
}

/// Coil values: 1/0, on/off, true/false.
pub fn parse_coil_values(text: &str) -> Result<Vec<bool>, ValuesError> {
    let values = words(text)
        .map(|word| match word.to_ascii_lowercase().as_str() {
            "1" | "on" | "true" => Ok(true),
            "0" | "off" | "false" => Ok(false),
            _ => Err(ValuesError::Coil(word.to_owned())),
        })
        .collect::<Result<Vec<bool>, ValuesError>>()?;
    if values.is_empty() {
        return Err(ValuesError::Empty);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_and_coils_as_typed() {
        assert_eq!(
            parse_register_values("1, 0x10 65535 -1"),
            Ok(vec![1, 16, 65535, 0xFFFF])
        );
        assert_eq!(
            parse_register_values("1 70000"),
            Err(ValuesError::Register("70000".into()))
        );
        assert_eq!(parse_register_values(" , "), Err(ValuesError::Empty));
        assert_eq!(
            parse_coil_values("1 0 on OFF"),
            Ok(vec![true, false, true, false])
        );
        assert_eq!(parse_coil_values("2"), Err(ValuesError::Coil("2".into())));
    }
}

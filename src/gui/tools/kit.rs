//! The state of the calculators in the tools drawer (checksum, float
//! conversion, Modbus, waveform): what the user typed and what it computed,
//! kept per tab and not saved. No drawing here; the `*_tool_ui` files draw
//! it.

use super::modbus_tool::ModbusTool;
use super::waveform_tool::WaveformTool;
use crate::net::Chunks;
use crate::text::{
    ByteOrder, ChecksumAlgorithm, Encoding, EscapeError, HexError, LineEnding, NumberError,
    NumberType, encode_text, format_hex, hex_to_number, number_to_bytes, parse_hex,
};

/// Every tool's state for one tab.
#[derive(Debug, Default)]
pub struct ToolKit {
    pub checksum: ChecksumTool,
    pub float: FloatTool,
    pub modbus: ModbusTool,
    pub waveform: WaveformTool,
    /// The calculator a log row was just sent to, which the drawer opens
    /// and unfolds on its next frame.
    reveal: Option<RowTool>,
}

/// A calculator a log row's bytes can be sent to from the row's context
/// menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowTool {
    Float,
    Checksum,
}

impl ToolKit {
    /// A log row's bytes go into `tool`'s input, and the drawer is asked
    /// to show that tool.
    pub fn take_row(&mut self, tool: RowTool, bytes: &[u8]) {
        match tool {
            RowTool::Float => self.float.load_row(bytes),
            RowTool::Checksum => self.checksum.load_bytes(bytes),
        }
        self.reveal = Some(tool);
    }

    /// True while a tool waits to be shown (the window opens the drawer).
    pub fn reveal_pending(&self) -> bool {
        self.reveal.is_some()
    }

    /// The tool to unfold in the drawer this frame, once.
    pub fn take_reveal(&mut self) -> Option<RowTool> {
        self.reveal.take()
    }

    /// A batch of received chunks, as the session delivered it: each tool
    /// that reads received data takes it here, once per batch. `datagrams`
    /// says each chunk is a whole message (UDP).
    pub fn received(&mut self, chunks: Chunks, datagrams: bool) {
        for chunk in &chunks {
            self.modbus.on_received(chunk.bytes);
        }
        self.waveform.received(chunks, datagrams);
    }
}

/// Which side of the float conversion the user typed last; a change of
/// type or byte order converts from that side again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FloatSide {
    #[default]
    Number,
    Hex,
}

/// The float and integer conversion: a number and its HEX bytes, kept in
/// step as either is typed.
#[derive(Debug)]
pub struct FloatTool {
    pub kind: NumberType,
    pub order: ByteOrder,
    pub number: String,
    pub hex: String,
    last_edited: FloatSide,
    error: Option<NumberError>,
    /// The log row the HEX came from, until the user types: a change of
    /// type takes as many of its first bytes as the new type needs.
    row: Option<RowBytes>,
}

/// The first bytes of a log row (as many as the widest number type takes)
/// and the row's length.
#[derive(Clone, Debug)]
struct RowBytes {
    head: Vec<u8>,
    total: usize,
}

/// The most bytes a number type takes (float64); a row's bytes beyond
/// these are never converted.
const WIDEST_NUMBER_BYTES: usize = 8;

impl Default for FloatTool {
    fn default() -> FloatTool {
        FloatTool {
            kind: NumberType::Float32,
            order: ByteOrder::Abcd,
            number: String::new(),
            hex: String::new(),
            last_edited: FloatSide::Number,
            error: None,
            row: None,
        }
    }
}

impl FloatTool {
    /// Converts from `side` (the one just typed, or the last one typed
    /// when the type or order changed) into the other.
    pub fn convert_from(&mut self, side: FloatSide) {
        self.last_edited = side;
        self.error = None;
        let result = match side {
            FloatSide::Number if self.number.trim().is_empty() => return self.hex.clear(),
            FloatSide::Hex if self.hex.trim().is_empty() => return self.number.clear(),
            FloatSide::Number => {
                number_to_bytes(self.kind, self.order, &self.number).map(|b| format_hex(&b))
            }
            FloatSide::Hex => hex_to_number(self.kind, self.order, &self.hex),
        };
        match (result, side) {
            (Ok(hex), FloatSide::Number) => self.hex = hex,
            (Ok(number), FloatSide::Hex) => self.number = number,
            (Err(error), _) => self.error = Some(error),
        }
    }

    /// The user typed into `side`: the HEX is no longer a log row's.
    pub fn typed(&mut self, side: FloatSide) {
        self.row = None;
        self.convert_from(side);
    }

    /// The type or byte order changed: convert again from the side typed
    /// last (for a log row's bytes, its first bytes the new type needs).
    pub fn choice_changed(&mut self) {
        if self.row.is_some() {
            self.fill_from_row();
        } else {
            self.convert_from(self.last_edited);
        }
    }

    /// A log row's bytes: a row usually carries a value at its start
    /// followed by more data, so its first bytes, as many as the chosen
    /// type needs, are converted at once (a shorter row goes in whole
    /// and the tool says what length the type needs).
    pub fn load_row(&mut self, bytes: &[u8]) {
        self.row = Some(RowBytes {
            head: bytes[..bytes.len().min(WIDEST_NUMBER_BYTES)].to_vec(),
            total: bytes.len(),
        });
        self.fill_from_row();
    }

    fn fill_from_row(&mut self) {
        if let Some(row) = &self.row {
            let used = row.head.len().min(self.kind.byte_count());
            self.hex = format_hex(&row.head[..used]);
            self.convert_from(FloatSide::Hex);
        }
    }

    /// How many of the log row's bytes the HEX holds and how long the row
    /// is, when the row is longer than what the type takes.
    pub fn row_bytes_used(&self) -> Option<(usize, usize)> {
        let row = self.row.as_ref()?;
        let used = row.head.len().min(self.kind.byte_count());
        (row.total > used).then_some((used, row.total))
    }

    /// The bytes the number stands for, in each of the four orders (for
    /// the table under the fields); `None` while the input is refused.
    pub fn in_every_order(&self) -> Option<Vec<(ByteOrder, String)>> {
        if self.error.is_some() || self.number.trim().is_empty() {
            return None;
        }
        ByteOrder::ALL
            .into_iter()
            .map(|order| {
                number_to_bytes(self.kind, order, &self.number)
                    .ok()
                    .map(|bytes| (order, format_hex(&bytes)))
            })
            .collect()
    }

    pub fn error(&self) -> Option<&NumberError> {
        self.error.as_ref()
    }
}

/// Why the checksum calculator has no result; the window words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChecksumInputError {
    Hex(HexError),
    Text(EscapeError),
}

/// The checksum calculator: its input, algorithm, and the result of the
/// last change (computed when the input or a choice changes, not every
/// frame).
#[derive(Debug)]
pub struct ChecksumTool {
    pub input: String,
    pub input_hex: bool,
    pub algorithm: ChecksumAlgorithm,
    result: Option<Result<ChecksumResult, ChecksumInputError>>,
    /// The send encoding and escapes the text was read with: a change of
    /// either in the settings computes again.
    read_with: Option<(Encoding, bool)>,
}

impl Default for ChecksumTool {
    fn default() -> ChecksumTool {
        ChecksumTool {
            input: String::new(),
            input_hex: false,
            algorithm: ChecksumAlgorithm::Crc16Modbus,
            result: None,
            read_with: None,
        }
    }
}

/// A computed checksum: its value in HEX digits and its bytes in both
/// orders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumResult {
    pub hex_value: String,
    pub high_first: Vec<u8>,
    pub low_first: Vec<u8>,
}

impl ChecksumTool {
    /// Computes again from the input: text in the send encoding (with
    /// escapes when the send box uses them) or HEX.
    pub fn recompute(&mut self, encoding: Encoding, escapes: bool) {
        self.read_with = Some((encoding, escapes));
        let bytes = if self.input_hex {
            parse_hex(&self.input).map_err(ChecksumInputError::Hex)
        } else {
            encode_text(&self.input, encoding, escapes, LineEnding::None)
                .map_err(ChecksumInputError::Text)
        };
        let algorithm = self.algorithm;
        self.result = Some(bytes.map(|bytes| ChecksumResult {
            hex_value: algorithm.hex_value(&bytes),
            high_first: algorithm.big_endian(&bytes),
            low_first: algorithm.little_endian(&bytes),
        }));
    }

    /// A log row's bytes, all of them, as HEX input; the next frame
    /// computes the result.
    pub fn load_bytes(&mut self, bytes: &[u8]) {
        self.input = format_hex(bytes);
        self.input_hex = true;
        self.read_with = None;
    }

    /// True when the result was not computed with this encoding and
    /// escapes setting (or not at all).
    pub fn stale(&self, encoding: Encoding, escapes: bool) -> bool {
        self.read_with != Some((encoding, escapes))
    }

    /// The last result, or `None` before the first change.
    pub fn result(&self) -> Option<&Result<ChecksumResult, ChecksumInputError>> {
        self.result.as_ref()
    }
}

/// What appending `bytes` to the send box writes, given how the send box
/// is read: HEX pairs in HEX mode, `\xHH` escapes in text mode with
/// escapes on; `None` when the send box takes plain text only, which
/// cannot carry arbitrary bytes.
pub fn send_box_form(bytes: &[u8], tx_hex: bool, escapes: bool) -> Option<String> {
    if tx_hex {
        Some(format_hex(bytes))
    } else if escapes {
        Some(bytes.iter().map(|b| format!("\\x{b:02X}")).collect())
    } else {
        None
    }
}

/// Appends `addition` to the send box's text, with a space between HEX
/// pairs.
pub fn append_to_send_text(text: &mut String, addition: &str, tx_hex: bool) {
    if tx_hex && !text.trim_end().is_empty() && !text.ends_with(' ') {
        text.push(' ');
    }
    text.push_str(addition);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_text_and_hex_input() {
        let mut tool = ChecksumTool {
            input: "123456789".into(),
            ..ChecksumTool::default()
        };
        tool.recompute(Encoding::Utf8, true);
        let result = tool.result().cloned().and_then(Result::ok);
        assert_eq!(
            result,
            Some(ChecksumResult {
                hex_value: "4B37".into(),
                high_first: vec![0x4B, 0x37],
                low_first: vec![0x37, 0x4B],
            })
        );
        tool.input = "31 32 3".into();
        tool.input_hex = true;
        tool.recompute(Encoding::Utf8, true);
        assert!(matches!(
            tool.result(),
            Some(Err(ChecksumInputError::Hex(_)))
        ));
    }

    #[test]
    fn float_tool_converts_both_ways_and_again_on_a_new_order() {
        let mut tool = FloatTool {
            number: "1.0".into(),
            ..FloatTool::default()
        };
        tool.convert_from(FloatSide::Number);
        assert_eq!(tool.hex, "3F 80 00 00");
        tool.order = ByteOrder::Dcba;
        tool.choice_changed();
        assert_eq!(tool.hex, "00 00 80 3F");
        tool.hex = "00 00 20 41".into();
        tool.convert_from(FloatSide::Hex);
        assert_eq!(tool.number, "10");
        tool.hex = "00 00 20".into();
        tool.convert_from(FloatSide::Hex);
        assert!(matches!(
            tool.error(),
            Some(NumberError::WrongLength { got: 3, .. })
        ));
        assert_eq!(
            tool.number, "10",
            "a refused HEX leaves the number as it was"
        );
    }

    #[test]
    fn a_log_row_gives_the_float_tool_the_first_bytes_its_type_takes() {
        let mut tool = FloatTool::default();
        let row = [0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xAA, 0xBB];
        tool.load_row(&row);
        assert_eq!(tool.hex, "3F F0 00 00");
        assert_eq!(tool.row_bytes_used(), Some((4, 10)));
        // float64 takes eight of them: 3FF0… is 1.0.
        tool.kind = NumberType::Float64;
        tool.choice_changed();
        assert_eq!(tool.hex, "3F F0 00 00 00 00 00 00");
        assert_eq!(tool.number, "1");
        // Once the user types, a change of type converts what was typed.
        tool.number = "2".into();
        tool.typed(FloatSide::Number);
        assert_eq!(tool.row_bytes_used(), None);
        tool.kind = NumberType::Float32;
        tool.choice_changed();
        assert_eq!(tool.hex, "40 00 00 00");
        // A row shorter than the type goes in whole; the tool says the
        // length it needs.
        tool.load_row(&[0x01, 0x02]);
        assert!(matches!(
            tool.error(),
            Some(NumberError::WrongLength { got: 2, .. })
        ));
    }

    #[test]
    fn a_log_row_gives_the_checksum_tool_every_byte_as_hex() {
        let mut tool = ChecksumTool::default();
        tool.load_bytes(b"123456789");
        assert!(tool.input_hex);
        assert!(tool.stale(Encoding::Utf8, true));
        tool.recompute(Encoding::Utf8, true);
        let result = tool.result().cloned().and_then(Result::ok);
        assert_eq!(result.map(|r| r.hex_value).as_deref(), Some("4B37"));
    }

    #[test]
    fn send_box_forms() {
        assert_eq!(
            send_box_form(&[0x4B, 0x37], true, false).as_deref(),
            Some("4B 37")
        );
        assert_eq!(
            send_box_form(&[0x4B, 0x37], false, true).as_deref(),
            Some("\\x4B\\x37")
        );
        assert_eq!(send_box_form(&[0x4B], false, false), None);
        let mut text = "01 03".to_owned();
        append_to_send_text(&mut text, "4B 37", true);
        assert_eq!(text, "01 03 4B 37");
    }
}

//! The Modbus tool's state: the request being built, the transaction id
//! that counts up, and the last reply decoded from received data. No
//! drawing here (`modbus_tool_ui.rs` draws it).

use crate::modbus::{
    FrameError, Framing, FunctionCode, PduError, Request, RequestError, Response, ValuesError,
    emit_rtu, emit_tcp, parse_coil_values, parse_register_values, parse_rtu, parse_tcp,
};

/// Why the request as typed cannot be built; the window words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModbusBuildError {
    Values(ValuesError),
    /// Function 05 or 06 writes one value and more were typed.
    OneValue(usize),
    Request(RequestError),
}

/// What was sent last, to check and complete the reply with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentRequest {
    pub framing: Framing,
    /// Modbus TCP's transaction id; RTU has none.
    pub transaction_id: Option<u16>,
    pub function: FunctionCode,
    /// How many coils or registers a read asked for.
    pub count: u16,
}

/// The last reply, decoded: what the device said, or why the bytes are
/// not a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModbusReply {
    Decoded {
        unit_id: u8,
        /// A Modbus TCP reply whose transaction id is not the request's:
        /// (the reply's, the request's).
        transaction_mismatch: Option<(u16, u16)>,
        response: Response,
    },
    Frame(FrameError),
    Pdu(PduError),
}

/// The Modbus tool of one tab.
#[derive(Debug)]
pub struct ModbusTool {
    pub framing: Framing,
    pub function: FunctionCode,
    pub unit_id: u8,
    pub address: u16,
    pub count: u16,
    /// Values to write, as typed (05: 1/0; 06: a number; 0F: 1/0 list; 10:
    /// number list).
    pub values: String,
    next_transaction: u16,
    sent: Option<SentRequest>,
    last_reply: Option<ModbusReply>,
}

impl Default for ModbusTool {
    fn default() -> ModbusTool {
        ModbusTool {
            framing: Framing::Tcp,
            function: FunctionCode::ReadHoldingRegisters,
            unit_id: 1,
            address: 0,
            count: 1,
            values: String::new(),
            next_transaction: 1,
            sent: None,
            last_reply: None,
        }
    }
}

/// True for the functions that write the typed values.
pub fn writes_values(function: FunctionCode) -> bool {
    matches!(
        function,
        FunctionCode::WriteSingleCoil
            | FunctionCode::WriteSingleRegister
            | FunctionCode::WriteMultipleCoils
            | FunctionCode::WriteMultipleRegisters
    )
}

impl ModbusTool {
    /// The request as typed.
    pub fn request(&self) -> Result<Request, ModbusBuildError> {
        let Self {
            function,
            address,
            count,
            values,
            ..
        } = self;
        let (address, count) = (*address, *count);
        let one = |n: usize| {
            if n == 1 {
                Ok(())
            } else {
                Err(ModbusBuildError::OneValue(n))
            }
        };
        let request = match function {
            FunctionCode::ReadCoils => Request::ReadCoils { address, count },
            FunctionCode::ReadDiscreteInputs => Request::ReadDiscreteInputs { address, count },
            FunctionCode::ReadHoldingRegisters => Request::ReadHoldingRegisters { address, count },
            FunctionCode::ReadInputRegisters => Request::ReadInputRegisters { address, count },
            FunctionCode::WriteSingleCoil => {
                let coils = parse_coil_values(values).map_err(ModbusBuildError::Values)?;
                one(coils.len())?;
                Request::WriteSingleCoil {
                    address,
                    on: coils[0],
                }
            }
            FunctionCode::WriteSingleRegister => {
                let registers = parse_register_values(values).map_err(ModbusBuildError::Values)?;
                one(registers.len())?;
                Request::WriteSingleRegister {
                    address,
                    value: registers[0],
                }
            }
            FunctionCode::WriteMultipleCoils => Request::WriteMultipleCoils {
                address,
                coils: parse_coil_values(values).map_err(ModbusBuildError::Values)?,
            },
            FunctionCode::WriteMultipleRegisters => Request::WriteMultipleRegisters {
                address,
                values: parse_register_values(values).map_err(ModbusBuildError::Values)?,
            },
            FunctionCode::Unknown(code) => Request::Unknown {
                function: *code,
                data: Vec::new(),
            },
        };
        request.check().map_err(ModbusBuildError::Request)?;
        Ok(request)
    }

    /// The frame the next send would carry (the preview), with the next
    /// transaction id.
    pub fn frame(&self) -> Result<Vec<u8>, ModbusBuildError> {
        let request = self.request()?;
        let mut pdu = Vec::with_capacity(request.buffer_len());
        request.emit(&mut pdu);
        Ok(match self.framing {
            Framing::Tcp => emit_tcp(self.next_transaction, self.unit_id, &pdu),
            Framing::Rtu => emit_rtu(self.unit_id, &pdu),
        })
    }

    /// The frame shown was sent: it is the request replies answer now,
    /// and the transaction id counts up.
    pub fn mark_sent(&mut self) {
        let Ok(request) = self.request() else {
            return;
        };
        self.sent = Some(SentRequest {
            framing: self.framing,
            transaction_id: (self.framing == Framing::Tcp).then_some(self.next_transaction),
            function: request.function(),
            count: self.count,
        });
        if self.framing == Framing::Tcp {
            self.next_transaction = self.next_transaction.wrapping_add(1);
        }
    }

    pub fn next_transaction(&self) -> u16 {
        self.next_transaction
    }

    pub fn last_reply(&self) -> Option<&ModbusReply> {
        self.last_reply.as_ref()
    }

    /// Received bytes, decoded as a reply once this tab's tool has sent a
    /// request (before that, received data is not the tool's business).
    /// With Modbus TCP, every frame in the bytes is read and the last one
    /// kept.
    pub fn on_received(&mut self, bytes: &[u8]) {
        let Some(sent) = self.sent else {
            return;
        };
        match sent.framing {
            Framing::Tcp => {
                let mut rest = bytes;
                loop {
                    match parse_tcp(rest) {
                        Ok(frame) => {
                            let mismatch = sent
                                .transaction_id
                                .filter(|&id| id != frame.header.transaction_id)
                                .map(|id| (frame.header.transaction_id, id));
                            self.last_reply =
                                Some(decode(&sent, frame.header.unit_id, frame.pdu, mismatch));
                            rest = frame.rest;
                            if rest.is_empty() {
                                break;
                            }
                        }
                        Err(error) => {
                            self.last_reply = Some(ModbusReply::Frame(error));
                            break;
                        }
                    }
                }
            }
            Framing::Rtu => {
                self.last_reply = Some(match parse_rtu(bytes) {
                    Ok(frame) => decode(&sent, frame.unit_id, frame.pdu, None),
                    Err(error) => ModbusReply::Frame(error),
                });
            }
        }
    }
}

/// A reply's PDU, with a read's bits cut to the count asked for (a device
/// pads the last byte).
fn decode(
    sent: &SentRequest,
    unit_id: u8,
    pdu: &[u8],
    transaction_mismatch: Option<(u16, u16)>,
) -> ModbusReply {
    match Response::parse(pdu) {
        Ok(mut response) => {
            if let Response::Bits { function, bits } = &mut response
                && *function == sent.function
            {
                bits.truncate(usize::from(sent.count));
            }
            ModbusReply::Decoded {
                unit_id,
                transaction_mismatch,
                response,
            }
        }
        Err(error) => ModbusReply::Pdu(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modbus::ExceptionCode;

    #[test]
    fn transaction_ids_count_up_and_replies_are_checked_against_them() {
        let mut tool = ModbusTool {
            count: 3,
            ..ModbusTool::default()
        };
        assert_eq!(tool.frame(), Ok(vec![0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 3]));
        tool.mark_sent();
        assert_eq!(tool.next_transaction(), 2);
        tool.on_received(&[
            0, 1, 0, 0, 0, 9, 1, 3, 6, 0x03, 0xE8, 0x03, 0xE9, 0x03, 0xEA,
        ]);
        assert_eq!(
            tool.last_reply(),
            Some(&ModbusReply::Decoded {
                unit_id: 1,
                transaction_mismatch: None,
                response: Response::Registers {
                    function: FunctionCode::ReadHoldingRegisters,
                    values: vec![1000, 1001, 1002],
                },
            })
        );
        // A stale reply is said plainly.
        tool.on_received(&[0, 7, 0, 0, 0, 3, 1, 0x83, 0x02]);
        assert_eq!(
            tool.last_reply(),
            Some(&ModbusReply::Decoded {
                unit_id: 1,
                transaction_mismatch: Some((7, 1)),
                response: Response::Exception {
                    function: FunctionCode::ReadHoldingRegisters,
                    code: ExceptionCode::IllegalDataAddress,
                },
            })
        );
    }

    #[test]
    fn rtu_replies_with_a_wrong_crc_and_coils_cut_to_the_count() {
        let mut tool = ModbusTool {
            framing: Framing::Rtu,
            function: FunctionCode::ReadCoils,
            count: 4,
            ..ModbusTool::default()
        };
        assert_eq!(
            tool.frame(),
            Ok(vec![0x01, 0x01, 0x00, 0x00, 0x00, 0x04, 0x3D, 0xC9])
        );
        tool.mark_sent();
        assert_eq!(tool.next_transaction(), 1, "RTU has no transaction id");
        tool.on_received(&emit_rtu(1, &[0x01, 0x01, 0x09]));
        assert_eq!(
            tool.last_reply(),
            Some(&ModbusReply::Decoded {
                unit_id: 1,
                transaction_mismatch: None,
                response: Response::Bits {
                    function: FunctionCode::ReadCoils,
                    bits: vec![true, false, false, true],
                },
            })
        );
        tool.on_received(&[0x01, 0x01, 0x01, 0x09, 0x00, 0x00]);
        assert!(matches!(
            tool.last_reply(),
            Some(ModbusReply::Frame(FrameError::Crc { .. }))
        ));
    }

    #[test]
    fn values_as_typed() {
        let mut tool = ModbusTool {
            function: FunctionCode::WriteSingleRegister,
            values: "1 2".into(),
            ..ModbusTool::default()
        };
        assert_eq!(tool.request(), Err(ModbusBuildError::OneValue(2)));
        tool.values = "0x1234".into();
        assert_eq!(
            tool.request(),
            Ok(Request::WriteSingleRegister {
                address: 0,
                value: 0x1234
            })
        );
        tool.function = FunctionCode::WriteMultipleCoils;
        tool.values = "1 0 maybe".into();
        assert_eq!(
            tool.request(),
            Err(ModbusBuildError::Values(ValuesError::Coil("maybe".into())))
        );
    }
}

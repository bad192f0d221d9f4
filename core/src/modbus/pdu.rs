//! The Modbus PDU: function code and data, for requests and responses of
//! function codes 01, 02, 03, 04, 05, 06, 0F and 10, and exceptions.

use thiserror::Error;

/// The most coils or discrete inputs one read may ask for (spec: 2000).
pub const MAX_READ_BITS: u16 = 2000;
/// The most registers one read may ask for (spec: 125).
pub const MAX_READ_REGISTERS: u16 = 125;
/// The most coils one write may carry (spec: 1968).
pub const MAX_WRITE_BITS: u16 = 1968;
/// The most registers one write may carry (spec: 123).
pub const MAX_WRITE_REGISTERS: u16 = 123;

/// What a coil's "on" is on the wire in function 05.
const COIL_ON: u16 = 0xFF00;
const COIL_OFF: u16 = 0x0000;
/// The bit that marks an exception response's function code.
const EXCEPTION_BIT: u8 = 0x80;

/// A Modbus function code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionCode {
    ReadCoils,
    ReadDiscreteInputs,
    ReadHoldingRegisters,
    ReadInputRegisters,
    WriteSingleCoil,
    WriteSingleRegister,
    WriteMultipleCoils,
    WriteMultipleRegisters,
    /// Any other code, kept as it came.
    Unknown(u8),
}

impl FunctionCode {
    /// The function codes the builder offers.
    pub const BUILT: [FunctionCode; 8] = [
        FunctionCode::ReadCoils,
        FunctionCode::ReadDiscreteInputs,
        FunctionCode::ReadHoldingRegisters,
        FunctionCode::ReadInputRegisters,
        FunctionCode::WriteSingleCoil,
        FunctionCode::WriteSingleRegister,
        FunctionCode::WriteMultipleCoils,
        FunctionCode::WriteMultipleRegisters,
    ];

    pub fn code(self) -> u8 {
        match self {
            FunctionCode::ReadCoils => 0x01,
            FunctionCode::ReadDiscreteInputs => 0x02,
            FunctionCode::ReadHoldingRegisters => 0x03,
            FunctionCode::ReadInputRegisters => 0x04,
            FunctionCode::WriteSingleCoil => 0x05,
            FunctionCode::WriteSingleRegister => 0x06,
            FunctionCode::WriteMultipleCoils => 0x0F,
            FunctionCode::WriteMultipleRegisters => 0x10,
            FunctionCode::Unknown(code) => code,
        }
    }

    pub fn from_code(code: u8) -> FunctionCode {
        match code {
            0x01 => FunctionCode::ReadCoils,
            0x02 => FunctionCode::ReadDiscreteInputs,
            0x03 => FunctionCode::ReadHoldingRegisters,
            0x04 => FunctionCode::ReadInputRegisters,
            0x05 => FunctionCode::WriteSingleCoil,
            0x06 => FunctionCode::WriteSingleRegister,
            0x0F => FunctionCode::WriteMultipleCoils,
            0x10 => FunctionCode::WriteMultipleRegisters,
            other => FunctionCode::Unknown(other),
        }
    }

    /// The spec's English name ("Read Holding Registers").
    pub fn name(self) -> &'static str {
        match self {
            FunctionCode::ReadCoils => "Read Coils",
            FunctionCode::ReadDiscreteInputs => "Read Discrete Inputs",
            FunctionCode::ReadHoldingRegisters => "Read Holding Registers",
            FunctionCode::ReadInputRegisters => "Read Input Registers",
            FunctionCode::WriteSingleCoil => "Write Single Coil",
            FunctionCode::WriteSingleRegister => "Write Single Register",
            FunctionCode::WriteMultipleCoils => "Write Multiple Coils",
            FunctionCode::WriteMultipleRegisters => "Write Multiple Registers",
            FunctionCode::Unknown(_) => "unknown function",
        }
    }
}

/// An exception code of an exception response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExceptionCode {
    IllegalFunction,
    IllegalDataAddress,
    IllegalDataValue,
    ServerDeviceFailure,
    Acknowledge,
    ServerDeviceBusy,
    MemoryParityError,
    GatewayPathUnavailable,
    GatewayTargetFailedToRespond,
    Unknown(u8),
}

impl ExceptionCode {
    pub fn code(self) -> u8 {
        match self {
            ExceptionCode::IllegalFunction => 0x01,
            ExceptionCode::IllegalDataAddress => 0x02,
            ExceptionCode::IllegalDataValue => 0x03,
            ExceptionCode::ServerDeviceFailure => 0x04,
            ExceptionCode::Acknowledge => 0x05,
            ExceptionCode::ServerDeviceBusy => 0x06,
            ExceptionCode::MemoryParityError => 0x08,
            ExceptionCode::GatewayPathUnavailable => 0x0A,
            ExceptionCode::GatewayTargetFailedToRespond => 0x0B,
            ExceptionCode::Unknown(code) => code,
        }
    }

    pub fn from_code(code: u8) -> ExceptionCode {
        match code {
            0x01 => ExceptionCode::IllegalFunction,
            0x02 => ExceptionCode::IllegalDataAddress,
            0x03 => ExceptionCode::IllegalDataValue,
            0x04 => ExceptionCode::ServerDeviceFailure,
            0x05 => ExceptionCode::Acknowledge,
            0x06 => ExceptionCode::ServerDeviceBusy,
            0x08 => ExceptionCode::MemoryParityError,
            0x0A => ExceptionCode::GatewayPathUnavailable,
            0x0B => ExceptionCode::GatewayTargetFailedToRespond,
            other => ExceptionCode::Unknown(other),
        }
    }

    /// The spec's English name.
    pub fn name(self) -> &'static str {
        match self {
            ExceptionCode::IllegalFunction => "Illegal Function",
            ExceptionCode::IllegalDataAddress => "Illegal Data Address",
            ExceptionCode::IllegalDataValue => "Illegal Data Value",
            ExceptionCode::ServerDeviceFailure => "Server Device Failure",
            ExceptionCode::Acknowledge => "Acknowledge",
            ExceptionCode::ServerDeviceBusy => "Server Device Busy",
            ExceptionCode::MemoryParityError => "Memory Parity Error",
            ExceptionCode::GatewayPathUnavailable => "Gateway Path Unavailable",
            ExceptionCode::GatewayTargetFailedToRespond => {
                "Gateway Target Device Failed to Respond"
            }
            ExceptionCode::Unknown(_) => "unknown exception",
        }
    }
}

/// A request PDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    ReadCoils {
        address: u16,
        count: u16,
    },
    ReadDiscreteInputs {
        address: u16,
        count: u16,
    },
    ReadHoldingRegisters {
        address: u16,
        count: u16,
    },
    ReadInputRegisters {
        address: u16,
        count: u16,
    },
    WriteSingleCoil {
        address: u16,
        on: bool,
    },
    WriteSingleRegister {
        address: u16,
        value: u16,
    },
    WriteMultipleCoils {
        address: u16,
        coils: Vec<bool>,
    },
    WriteMultipleRegisters {
        address: u16,
        values: Vec<u16>,
    },
    /// A function code this program does not build, with its data as it
    /// came.
    Unknown {
        function: u8,
        data: Vec<u8>,
    },
}

/// A response PDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// Function 01 or 02: every bit of the bytes that came (a device pads
    /// the last byte with zeros; the request says how many count).
    Bits {
        function: FunctionCode,
        bits: Vec<bool>,
    },
    /// Function 03 or 04.
    Registers {
        function: FunctionCode,
        values: Vec<u16>,
    },
    WriteSingleCoil {
        address: u16,
        on: bool,
    },
    WriteSingleRegister {
        address: u16,
        value: u16,
    },
    /// Function 0F or 10: where the write started and how many it wrote.
    WriteMultiple {
        function: FunctionCode,
        address: u16,
        count: u16,
    },
    /// The device refused the request.
    Exception {
        function: FunctionCode,
        code: ExceptionCode,
    },
    /// A function code this program does not decode, with its data.
    Unknown {
        function: u8,
        data: Vec<u8>,
    },
}

/// Why a PDU could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PduError {
    #[error("the Modbus message is empty")]
    Empty,
    #[error("function {function:02X} needs {needed} bytes of data and the message has {got}")]
    Truncated {
        function: u8,
        needed: usize,
        got: usize,
    },
    #[error("the byte count says {declared} bytes and {got} came")]
    ByteCount { declared: usize, got: usize },
    #[error("a coil is written as FF00 or 0000, not {0:04X}")]
    CoilValue(u16),
    #[error("registers take 2 bytes each, and {0} bytes came")]
    OddRegisterBytes(usize),
}

/// Why a request cannot be built as asked.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RequestError {
    #[error("the count must be 1 to {max}, not {count}")]
    Count { count: usize, max: u16 },
    #[error("the addresses run past 65535")]
    PastEnd,
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

/// Bits packed as Modbus packs them: first bit in the lowest bit of the
/// first byte.
fn pack_bits(bits: &[bool]) -> Vec<u8> {
    let mut bytes = vec![0u8; bits.len().div_ceil(8)];
    for (i, _) in bits.iter().enumerate().filter(|(_, on)| **on) {
        bytes[i / 8] |= 1 << (i % 8);
    }
    bytes
}

fn unpack_bits(bytes: &[u8]) -> Vec<bool> {
    bytes
        .iter()
        .flat_map(|byte| (0..8).map(move |i| byte & (1 << i) != 0))
        .collect()
}

/// Checks that `data` holds `needed` bytes.
fn need(function: u8, data: &[u8], needed: usize) -> Result<(), PduError> {
    if data.len() < needed {
        return Err(PduError::Truncated {
            function,
            needed,
            got: data.len(),
        });
    }
    Ok(())
}

/// Reads a byte count and the bytes it counts.
fn counted(function: u8, data: &[u8]) -> Result<&[u8], PduError> {
    need(function, data, 1)?;
    let declared = usize::from(data[0]);
    let got = data.len() - 1;
    if got != declared {
        return Err(PduError::ByteCount { declared, got });
    }
    Ok(&data[1..])
}

fn coil_value(value: u16) -> Result<bool, PduError> {
    match value {
        COIL_ON => Ok(true),
        COIL_OFF => Ok(false),
        other => Err(PduError::CoilValue(other)),
    }
}

impl Request {
    pub fn function(&self) -> FunctionCode {
        match self {
            Request::ReadCoils { .. } => FunctionCode::ReadCoils,
            Request::ReadDiscreteInputs { .. } => FunctionCode::ReadDiscreteInputs,
            Request::ReadHoldingRegisters { .. } => FunctionCode::ReadHoldingRegisters,
            Request::ReadInputRegisters { .. } => FunctionCode::ReadInputRegisters,
            Request::WriteSingleCoil { .. } => FunctionCode::WriteSingleCoil,
            Request::WriteSingleRegister { .. } => FunctionCode::WriteSingleRegister,
            Request::WriteMultipleCoils { .. } => FunctionCode::WriteMultipleCoils,
            Request::WriteMultipleRegisters { .. } => FunctionCode::WriteMultipleRegisters,
            Request::Unknown { function, .. } => FunctionCode::from_code(*function),
        }
    }

    /// Checks the counts against the spec's limits, so what is emitted is
    /// a request a device can answer.
    pub fn check(&self) -> Result<(), RequestError> {
        let (address, count, max) = match self {
            Request::ReadCoils { address, count }
            | Request::ReadDiscreteInputs { address, count } => {
                (*address, usize::from(*count), MAX_READ_BITS)
            }
            Request::ReadHoldingRegisters { address, count }
            | Request::ReadInputRegisters { address, count } => {
                (*address, usize::from(*count), MAX_READ_REGISTERS)
            }
            Request::WriteMultipleCoils { address, coils } => {
                (*address, coils.len(), MAX_WRITE_BITS)
            }
            Request::WriteMultipleRegisters { address, values } => {
                (*address, values.len(), MAX_WRITE_REGISTERS)
            }
            _ => return Ok(()),
        };
        if count == 0 || count > usize::from(max) {
            return Err(RequestError::Count { count, max });
        }
        if usize::from(address) + count > 0x1_0000 {
            return Err(RequestError::PastEnd);
        }
        Ok(())
    }

    /// The PDU's length in bytes.
    pub fn buffer_len(&self) -> usize {
        1 + match self {
            Request::WriteMultipleCoils { coils, .. } => 5 + coils.len().div_ceil(8),
            Request::WriteMultipleRegisters { values, .. } => 5 + 2 * values.len(),
            Request::Unknown { data, .. } => data.len(),
            _ => 4,
        }
    }

    /// Appends the PDU to `out`. Counts above 255 bytes are not checked
    /// here; [`Request::check`] refuses them first.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.function().code());
        match self {
            Request::ReadCoils { address, count }
            | Request::ReadDiscreteInputs { address, count }
            | Request::ReadHoldingRegisters { address, count }
            | Request::ReadInputRegisters { address, count } => {
                out.extend(address.to_be_bytes());
                out.extend(count.to_be_bytes());
            }
            Request::WriteSingleCoil { address, on } => {
                out.extend(address.to_be_bytes());
                out.extend(if *on { COIL_ON } else { COIL_OFF }.to_be_bytes());
            }
            Request::WriteSingleRegister { address, value } => {
                out.extend(address.to_be_bytes());
                out.extend(value.to_be_bytes());
            }
            Request::WriteMultipleCoils { address, coils } => {
                let packed = pack_bits(coils);
                out.extend(address.to_be_bytes());
                out.extend((coils.len() as u16).to_be_bytes());
                out.push(packed.len() as u8);
                out.extend(packed);
            }
            Request::WriteMultipleRegisters { address, values } => {
                out.extend(address.to_be_bytes());
                out.extend((values.len() as u16).to_be_bytes());
                out.push((values.len() * 2) as u8);
                for value in values {
                    out.extend(value.to_be_bytes());
                }
            }
            Request::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    /// Reads a request PDU.
    pub fn parse(pdu: &[u8]) -> Result<Request, PduError> {
        let (&code, data) = pdu.split_first().ok_or(PduError::Empty)?;
        let function = FunctionCode::from_code(code);
        if let FunctionCode::Unknown(function) = function {
            return Ok(Request::Unknown {
                function,
                data: data.to_vec(),
            });
        }
        need(code, data, 4)?;
        let (address, second) = (be16(data, 0), be16(data, 2));
        Ok(match function {
            FunctionCode::ReadCoils => Request::ReadCoils {
                address,
                count: second,
            },
            FunctionCode::ReadDiscreteInputs => Request::ReadDiscreteInputs {
                address,
                count: second,
            },
            FunctionCode::ReadHoldingRegisters => Request::ReadHoldingRegisters {
                address,
                count: second,
            },
            FunctionCode::ReadInputRegisters => Request::ReadInputRegisters {
                address,
                count: second,
            },
            FunctionCode::WriteSingleCoil => Request::WriteSingleCoil {
                address,
                on: coil_value(second)?,
            },
            FunctionCode::WriteSingleRegister => Request::WriteSingleRegister {
                address,
                value: second,
            },
            FunctionCode::WriteMultipleCoils => {
                let packed = counted(code, &data[4..])?;
                let mut coils = unpack_bits(packed);
                coils.truncate(usize::from(second));
                Request::WriteMultipleCoils { address, coils }
            }
            FunctionCode::WriteMultipleRegisters => {
                let bytes = counted(code, &data[4..])?;
                let values = bytes.chunks_exact(2).map(|r| be16(r, 0)).collect();
                Request::WriteMultipleRegisters { address, values }
            }
            FunctionCode::Unknown(_) => unreachable!("handled above"),
        })
    }
}

impl Response {
    pub fn function(&self) -> FunctionCode {
        match self {
            Response::Bits { function, .. }
            | Response::Registers { function, .. }
            | Response::WriteMultiple { function, .. }
            | Response::Exception { function, .. } => *function,
            Response::WriteSingleCoil { .. } => FunctionCode::WriteSingleCoil,
            Response::WriteSingleRegister { .. } => FunctionCode::WriteSingleRegister,
            Response::Unknown { function, .. } => FunctionCode::from_code(*function),
        }
    }

    /// Appends the PDU to `out` (what a device sends; the tests' fixtures
    /// and a simulated device use it).
    pub fn emit(&self, out: &mut Vec<u8>) {
        match self {
            Response::Bits { function, bits } => {
                let packed = pack_bits(bits);
                out.push(function.code());
                out.push(packed.len() as u8);
                out.extend(packed);
            }
            Response::Registers { function, values } => {
                out.push(function.code());
                out.push((values.len() * 2) as u8);
                for value in values {
                    out.extend(value.to_be_bytes());
                }
            }
            Response::WriteSingleCoil { address, on } => {
                out.push(FunctionCode::WriteSingleCoil.code());
                out.extend(address.to_be_bytes());
                out.extend(if *on { COIL_ON } else { COIL_OFF }.to_be_bytes());
            }
            Response::WriteSingleRegister { address, value } => {
                out.push(FunctionCode::WriteSingleRegister.code());
                out.extend(address.to_be_bytes());
                out.extend(value.to_be_bytes());
            }
            Response::WriteMultiple {
                function,
                address,
                count,
            } => {
                out.push(function.code());
                out.extend(address.to_be_bytes());
                out.extend(count.to_be_bytes());
            }
            Response::Exception { function, code } => {
                out.push(function.code() | EXCEPTION_BIT);
                out.push(code.code());
            }
            Response::Unknown { function, data } => {
                out.push(*function);
                out.extend_from_slice(data);
            }
        }
    }

    /// Reads a response PDU.
    pub fn parse(pdu: &[u8]) -> Result<Response, PduError> {
        let (&code, data) = pdu.split_first().ok_or(PduError::Empty)?;
        if code & EXCEPTION_BIT != 0 {
            need(code, data, 1)?;
            return Ok(Response::Exception {
                function: FunctionCode::from_code(code & !EXCEPTION_BIT),
                code: ExceptionCode::from_code(data[0]),
            });
        }
        let function = FunctionCode::from_code(code);
        Ok(match function {
            FunctionCode::ReadCoils | FunctionCode::ReadDiscreteInputs => Response::Bits {
                function,
                bits: unpack_bits(counted(code, data)?),
            },
            FunctionCode::ReadHoldingRegisters | FunctionCode::ReadInputRegisters => {
                let bytes = counted(code, data)?;
                if bytes.len() % 2 != 0 {
                    return Err(PduError::OddRegisterBytes(bytes.len()));
                }
                Response::Registers {
                    function,
                    values: bytes.chunks_exact(2).map(|r| be16(r, 0)).collect(),
                }
            }
            FunctionCode::WriteSingleCoil => {
                need(code, data, 4)?;
                Response::WriteSingleCoil {
                    address: be16(data, 0),
                    on: coil_value(be16(data, 2))?,
                }
            }
            FunctionCode::WriteSingleRegister => {
                need(code, data, 4)?;
                Response::WriteSingleRegister {
                    address: be16(data, 0),
                    value: be16(data, 2),
                }
            }
            FunctionCode::WriteMultipleCoils | FunctionCode::WriteMultipleRegisters => {
                need(code, data, 4)?;
                Response::WriteMultiple {
                    function,
                    address: be16(data, 0),
                    count: be16(data, 2),
                }
            }
            FunctionCode::Unknown(function) => Response::Unknown {
                function,
                data: data.to_vec(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each request with its PDU bytes (from the Modbus Application
    /// Protocol specification's examples where it has one).
    fn request_fixtures() -> Vec<(Request, Vec<u8>)> {
        vec![
            (
                Request::ReadCoils {
                    address: 19,
                    count: 19,
                },
                vec![0x01, 0x00, 0x13, 0x00, 0x13],
            ),
            (
                Request::ReadDiscreteInputs {
                    address: 196,
                    count: 22,
                },
                vec![0x02, 0x00, 0xC4, 0x00, 0x16],
            ),
            (
                Request::ReadHoldingRegisters {
                    address: 107,
                    count: 3,
                },
                vec![0x03, 0x00, 0x6B, 0x00, 0x03],
            ),
            (
                Request::ReadInputRegisters {
                    address: 8,
                    count: 1,
                },
                vec![0x04, 0x00, 0x08, 0x00, 0x01],
            ),
            (
                Request::WriteSingleCoil {
                    address: 172,
                    on: true,
                },
                vec![0x05, 0x00, 0xAC, 0xFF, 0x00],
            ),
            (
                Request::WriteSingleRegister {
                    address: 1,
                    value: 3,
                },
                vec![0x06, 0x00, 0x01, 0x00, 0x03],
            ),
            (
                Request::WriteMultipleCoils {
                    address: 19,
                    coils: vec![
                        true, false, true, true, false, false, true, true, true, false,
                    ],
                },
                vec![0x0F, 0x00, 0x13, 0x00, 0x0A, 0x02, 0xCD, 0x01],
            ),
            (
                Request::WriteMultipleRegisters {
                    address: 1,
                    values: vec![0x000A, 0x0102],
                },
                vec![0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02],
            ),
            (
                Request::Unknown {
                    function: 0x2B,
                    data: vec![0x0E, 0x01, 0x00],
                },
                vec![0x2B, 0x0E, 0x01, 0x00],
            ),
        ]
    }

    fn response_fixtures() -> Vec<(Response, Vec<u8>)> {
        vec![
            (
                Response::Bits {
                    function: FunctionCode::ReadCoils,
                    bits: unpack_bits(&[0xCD, 0x6B, 0xB2, 0x0E, 0x1B]),
                },
                vec![0x01, 0x05, 0xCD, 0x6B, 0xB2, 0x0E, 0x1B],
            ),
            (
                Response::Registers {
                    function: FunctionCode::ReadHoldingRegisters,
                    values: vec![0x022B, 0x0000, 0x0064],
                },
                vec![0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64],
            ),
            (
                Response::WriteSingleCoil {
                    address: 172,
                    on: true,
                },
                vec![0x05, 0x00, 0xAC, 0xFF, 0x00],
            ),
            (
                Response::WriteSingleRegister {
                    address: 1,
                    value: 3,
                },
                vec![0x06, 0x00, 0x01, 0x00, 0x03],
            ),
            (
                Response::WriteMultiple {
                    function: FunctionCode::WriteMultipleRegisters,
                    address: 1,
                    count: 2,
                },
                vec![0x10, 0x00, 0x01, 0x00, 0x02],
            ),
            (
                Response::Exception {
                    function: FunctionCode::ReadHoldingRegisters,
                    code: ExceptionCode::IllegalDataAddress,
                },
                vec![0x83, 0x02],
            ),
            (
                Response::Exception {
                    function: FunctionCode::Unknown(0x41),
                    code: ExceptionCode::Unknown(0x19),
                },
                vec![0xC1, 0x19],
            ),
            (
                Response::Unknown {
                    function: 0x2B,
                    data: vec![0x0E, 0x01],
                },
                vec![0x2B, 0x0E, 0x01],
            ),
        ]
    }

    #[test]
    fn test_emit_requests() {
        for (request, bytes) in request_fixtures() {
            let mut out = Vec::new();
            request.emit(&mut out);
            assert_eq!(out, bytes, "{request:?}");
            assert_eq!(request.buffer_len(), bytes.len(), "{request:?}");
        }
    }

    #[test]
    fn test_parse_requests() {
        for (request, bytes) in request_fixtures() {
            assert_eq!(Request::parse(&bytes), Ok(request));
        }
    }

    #[test]
    fn test_emit_responses() {
        for (response, bytes) in response_fixtures() {
            let mut out = Vec::new();
            response.emit(&mut out);
            assert_eq!(out, bytes, "{response:?}");
        }
    }

    #[test]
    fn test_parse_responses() {
        for (response, bytes) in response_fixtures() {
            assert_eq!(Response::parse(&bytes), Ok(response));
        }
    }

    #[test]
    fn test_impossible_len() {
        assert_eq!(Response::parse(&[]), Err(PduError::Empty));
        assert_eq!(
            Response::parse(&[0x03, 0x04, 0x00, 0x01]),
            Err(PduError::ByteCount {
                declared: 4,
                got: 2
            })
        );
        assert_eq!(
            Response::parse(&[0x06, 0x00]),
            Err(PduError::Truncated {
                function: 6,
                needed: 4,
                got: 1
            })
        );
        assert_eq!(
            Response::parse(&[0x04, 0x03, 0x00, 0x01, 0x02]),
            Err(PduError::OddRegisterBytes(3))
        );
        assert_eq!(
            Response::parse(&[0x05, 0x00, 0x01, 0x12, 0x34]),
            Err(PduError::CoilValue(0x1234))
        );
        assert!(matches!(
            Request::parse(&[0x03, 0x00]),
            Err(PduError::Truncated { .. })
        ));
        assert_eq!(
            Response::parse(&[0x83]),
            Err(PduError::Truncated {
                function: 0x83,
                needed: 1,
                got: 0
            })
        );
    }

    #[test]
    fn counts_are_checked_against_the_spec() {
        let read = |count| Request::ReadHoldingRegisters { address: 0, count };
        assert_eq!(read(125).check(), Ok(()));
        assert_eq!(
            read(126).check(),
            Err(RequestError::Count {
                count: 126,
                max: 125
            })
        );
        assert_eq!(
            read(0).check(),
            Err(RequestError::Count { count: 0, max: 125 })
        );
        assert_eq!(
            Request::ReadCoils {
                address: 65535,
                count: 2
            }
            .check(),
            Err(RequestError::PastEnd)
        );
        assert_eq!(
            Request::WriteMultipleRegisters {
                address: 0,
                values: vec![0; 124]
            }
            .check(),
            Err(RequestError::Count {
                count: 124,
                max: 123
            })
        );
    }
}

//! Modbus requests and responses on the wire, sans I/O: typed function
//! codes, exceptions, request and response PDUs that are parsed from and
//! emitted into bytes (`pdu.rs`), and the two framings a network assistant
//! sends them in: Modbus TCP's MBAP header and RTU's unit id + CRC-16/MODBUS
//! (`frame.rs`). Nothing on the wire is "impossible": unknown function and
//! exception codes are kept as they came.

mod frame;
mod pdu;
mod values;

pub use frame::{
    FrameError, Framing, MBAP_HEADER_LEN, MbapHeader, RtuFrame, TcpFrame, emit_rtu, emit_tcp,
    parse_rtu, parse_tcp,
};
pub use pdu::{
    ExceptionCode, FunctionCode, MAX_READ_BITS, MAX_READ_REGISTERS, MAX_WRITE_BITS,
    MAX_WRITE_REGISTERS, PduError, Request, RequestError, Response,
};
pub use values::{ValuesError, parse_coil_values, parse_register_values};

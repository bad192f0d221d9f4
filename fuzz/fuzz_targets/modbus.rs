#![no_main]
//! Any bytes at the Modbus parsers a peer's data reaches: the request and
//! response PDU parsers and the MBAP (TCP) and RTU frame parsers. None
//! panics; an accepted PDU emits to bytes that parse to the same PDU (a
//! request to exactly `buffer_len` bytes); an accepted frame is its own
//! bytes again when emitted from what was parsed; and any PDU framed
//! either way parses back to itself.

use libfuzzer_sys::fuzz_target;
use netassist_core::modbus::{
    MBAP_HEADER_LEN, Request, Response, emit_rtu, emit_tcp, parse_rtu, parse_tcp,
};

fuzz_target!(|data: &[u8]| {
    let Some((&unit_id, body)) = data.split_first() else {
        return;
    };

    if let Ok(request) = Request::parse(body) {
        let mut bytes = Vec::new();
        request.emit(&mut bytes);
        assert_eq!(bytes.len(), request.buffer_len());
        assert_eq!(Request::parse(&bytes), Ok(request));
    }
    if let Ok(response) = Response::parse(body) {
        let mut bytes = Vec::new();
        response.emit(&mut bytes);
        assert_eq!(Response::parse(&bytes), Ok(response));
    }

    if let Ok(frame) = parse_tcp(body) {
        assert_eq!(MBAP_HEADER_LEN + frame.pdu.len() + frame.rest.len(), body.len());
        let again = emit_tcp(frame.header.transaction_id, frame.header.unit_id, frame.pdu);
        assert_eq!(again[..], body[..again.len()]);
    }
    if let Ok(frame) = parse_rtu(body) {
        assert_eq!(emit_rtu(frame.unit_id, frame.pdu), body);
    }

    // The MBAP length field counts the unit id and the PDU in 16 bits,
    // and a frame carries at least a function code.
    if !body.is_empty() && body.len() < usize::from(u16::MAX) {
        let transaction_id = u16::from_be_bytes([unit_id, unit_id.wrapping_add(1)]);
        let framed = emit_tcp(transaction_id, unit_id, body);
        let frame = parse_tcp(&framed).expect("an emitted MBAP frame parses");
        assert_eq!(frame.header.transaction_id, transaction_id);
        assert_eq!(frame.header.unit_id, unit_id);
        assert_eq!(frame.pdu, body);
        assert!(frame.rest.is_empty());
    }
    // A frame carries at least a function code.
    if !body.is_empty() {
        let framed = emit_rtu(unit_id, body);
        let frame = parse_rtu(&framed).expect("an emitted RTU frame parses");
        assert_eq!((frame.unit_id, frame.pdu), (unit_id, body));
    }
});

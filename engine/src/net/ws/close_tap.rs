//! What the peer's close frame said, as sent. tungstenite answers a close
//! frame whose code a peer may not send (999, 1005, 1006, 1015, 5000, …)
//! with 1002 and hands us that 1002 in place of the peer's code, so the
//! log would blame the peer for a code it never sent. The stream feeds
//! every byte it reads (the plaintext, under TLS) to a [`CloseTap`], which
//! follows the frame headers and keeps the first close frame's payload.
//! It does no I/O and copies nothing but that payload (at most 125 bytes).

/// The bytes of the opening handshake's head end with this; the frames
/// start right after it (an upgrade has no body).
const HEAD_END: &[u8; 4] = b"\r\n\r\n";

/// A control frame's payload is at most this long (RFC 6455 5.5).
const MAX_CONTROL_PAYLOAD: usize = 125;

const OPCODE_CLOSE: u8 = 0x8;

/// Follows the frames a peer sends, from the first byte of the handshake.
#[derive(Debug, Default)]
pub(super) struct CloseTap {
    state: State,
    /// The payload of the first close frame, unmasked, once it is whole.
    peer_close: Option<Vec<u8>>,
}

#[derive(Debug)]
enum State {
    /// In the handshake's head: how many bytes of `HEAD_END` matched.
    Head { matched: usize },
    /// A frame header, `have` bytes of it so far.
    Header { bytes: [u8; 14], have: usize },
    /// A frame's payload: `left` bytes to skip; a close frame's kept.
    Payload { left: u64, close: Option<Capture> },
    /// The first close frame is whole: nothing more to follow.
    Done,
}

impl Default for State {
    fn default() -> State {
        State::Head { matched: 0 }
    }
}

#[derive(Debug)]
struct Capture {
    mask: Option<[u8; 4]>,
    payload: Vec<u8>,
}

impl CloseTap {
    /// Follows `bytes`, the next ones read from the peer.
    pub(super) fn read(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            bytes = match &mut self.state {
                State::Done => return,
                State::Head { matched } => {
                    let mut used = 0;
                    for &byte in bytes {
                        used += 1;
                        *matched = match byte {
                            _ if byte == HEAD_END[*matched] => *matched + 1,
                            b'\r' => 1,
                            _ => 0,
                        };
                        if *matched == HEAD_END.len() {
                            self.state = State::header();
                            break;
                        }
                    }
                    &bytes[used..]
                }
                State::Header {
                    bytes: header,
                    have,
                } => {
                    let take = (header_len(&header[..*have]) - *have).min(bytes.len());
                    header[*have..*have + take].copy_from_slice(&bytes[..take]);
                    *have += take;
                    if *have == header_len(&header[..*have]) {
                        self.state = payload_state(&header[..*have]);
                        self.end_frame_if_empty();
                    }
                    &bytes[take..]
                }
                State::Payload { left, close } => {
                    let take = (*left).min(bytes.len() as u64) as usize;
                    if let Some(capture) = close {
                        capture.payload.extend_from_slice(&bytes[..take]);
                    }
                    *left -= take as u64;
                    self.end_frame_if_empty();
                    &bytes[take..]
                }
            };
        }
    }

    /// The first close frame the peer sent, its payload unmasked (a code
    /// and a reason, or nothing), once it was read whole.
    pub(super) fn peer_close(&self) -> Option<&[u8]> {
        self.peer_close.as_deref()
    }

    fn end_frame_if_empty(&mut self) {
        let State::Payload { left: 0, close } = &mut self.state else {
            return;
        };
        match close.take() {
            Some(Capture { mask, mut payload }) => {
                if let Some(mask) = mask {
                    for (i, byte) in payload.iter_mut().enumerate() {
                        *byte ^= mask[i % 4];
                    }
                }
                self.peer_close = Some(payload);
                self.state = State::Done;
            }
            None => self.state = State::header(),
        }
    }
}

impl State {
    fn header() -> State {
        State::Header {
            bytes: [0; 14],
            have: 0,
        }
    }
}

/// How long the header starting with `start` is: 2 bytes until the
/// second is known, then with its extended length and mask.
fn header_len(start: &[u8]) -> usize {
    let Some(&second) = start.get(1) else {
        return 2;
    };
    let extended = match second & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let mask = if second & 0x80 != 0 { 4 } else { 0 };
    2 + extended + mask
}

/// The payload that follows a whole header.
fn payload_state(header: &[u8]) -> State {
    let opcode = header[0] & 0x0f;
    let masked = header[1] & 0x80 != 0;
    let (left, mask_at) = match header[1] & 0x7f {
        126 => (u64::from(u16::from_be_bytes([header[2], header[3]])), 4),
        127 => {
            let mut length = [0; 8];
            length.copy_from_slice(&header[2..10]);
            (u64::from_be_bytes(length), 10)
        }
        short => (u64::from(short), 2),
    };
    let close = (opcode == OPCODE_CLOSE).then(|| Capture {
        mask: masked.then(|| {
            let mut mask = [0; 4];
            mask.copy_from_slice(&header[mask_at..mask_at + 4]);
            mask
        }),
        payload: Vec::with_capacity((left as usize).min(MAX_CONTROL_PAYLOAD)),
    });
    // A close frame longer than a control frame may be is refused by
    // tungstenite; only what a control frame may hold is kept of it.
    let close = close.filter(|_| left <= MAX_CONTROL_PAYLOAD as u64);
    State::Payload { left, close }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    /// A masked frame as a client sends it.
    fn masked(opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [0x11, 0x22, 0x33, 0x44];
        let mut frame = vec![0x80 | opcode];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= 0xffff => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        frame
    }

    fn close_payload(code: u16, reason: &str) -> Vec<u8> {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason.as_bytes());
        payload
    }

    fn conversation() -> Vec<u8> {
        let mut bytes = HEAD.to_vec();
        bytes.extend(masked(0x1, b"m1"));
        bytes.extend(masked(0x2, &vec![7; 70_000]));
        bytes.extend(masked(0x9, b"ping"));
        bytes.extend(masked(0x2, &vec![8; 300]));
        bytes.extend(masked(0x8, &close_payload(999, "bye")));
        // What follows a close is not the close.
        bytes.extend(masked(0x8, &close_payload(1000, "")));
        bytes
    }

    #[test]
    fn the_first_close_frame_is_kept_whole_and_unmasked() {
        let mut tap = CloseTap::default();
        tap.read(&conversation());
        assert_eq!(tap.peer_close(), Some(&close_payload(999, "bye")[..]));
    }

    #[test]
    fn reads_split_anywhere_give_the_same_close() {
        let bytes = conversation();
        for piece in [1, 2, 3, 5, 13, 127, 4096] {
            let mut tap = CloseTap::default();
            for chunk in bytes.chunks(piece) {
                tap.read(chunk);
            }
            assert_eq!(
                tap.peer_close(),
                Some(&close_payload(999, "bye")[..]),
                "reads of {piece} bytes"
            );
        }
    }

    #[test]
    fn an_unmasked_server_close_and_an_empty_one() {
        let mut tap = CloseTap::default();
        tap.read(b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
        tap.read(&[0x81, 0x02, b'h', b'i', 0x88, 0x02, 0x13, 0x88]);
        assert_eq!(tap.peer_close(), Some(&[0x13, 0x88][..]));

        let mut tap = CloseTap::default();
        tap.read(HEAD);
        tap.read(&masked(0x8, b""));
        assert_eq!(tap.peer_close(), Some(&[][..]));
    }

    #[test]
    fn no_close_until_it_is_whole() {
        let mut tap = CloseTap::default();
        tap.read(HEAD);
        let close = masked(0x8, &close_payload(5000, "x"));
        tap.read(&close[..close.len() - 1]);
        assert_eq!(tap.peer_close(), None);
        tap.read(&close[close.len() - 1..]);
        assert_eq!(tap.peer_close(), Some(&close_payload(5000, "x")[..]));
    }

    #[test]
    fn a_head_with_a_lone_cr_still_ends_at_the_blank_line() {
        let mut tap = CloseTap::default();
        tap.read(b"GET / HTTP/1.1\r\r\nA: b\r\n\r\r\n\r\n");
        tap.read(&masked(0x8, &close_payload(1000, "")));
        assert_eq!(tap.peer_close(), Some(&close_payload(1000, "")[..]));
    }
}

//! netascii (RFC 764 as used by RFC 1350): on the wire a line ends in
//! CR LF and a bare CR is sent as CR NUL. Both directions are pure and
//! streaming, because a CR can end one block and its partner start the next.

/// Whether the local files end lines with CR LF (Windows) or LF.
const NATIVE_CRLF: bool = cfg!(windows);

/// Translates local bytes to netascii.
#[derive(Debug, Default)]
pub struct Encoder {
    /// A CR seen at the end of the last chunk (Windows only: it may start
    /// a native CR LF).
    pending_cr: bool,
}

impl Encoder {
    pub fn encode(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &byte in input {
            if NATIVE_CRLF && self.pending_cr {
                self.pending_cr = false;
                if byte == b'\n' {
                    out.extend_from_slice(b"\r\n");
                    continue;
                }
                out.extend_from_slice(b"\r\0");
            }
            match byte {
                b'\n' => out.extend_from_slice(b"\r\n"),
                b'\r' if NATIVE_CRLF => self.pending_cr = true,
                b'\r' => out.extend_from_slice(b"\r\0"),
                other => out.push(other),
            }
        }
    }

    /// Ends the stream: a CR still waiting is a bare CR.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.pending_cr {
            self.pending_cr = false;
            out.extend_from_slice(b"\r\0");
        }
    }
}

/// Translates netascii to local bytes.
#[derive(Debug, Default)]
pub struct Decoder {
    pending_cr: bool,
}

impl Decoder {
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &byte in input {
            if self.pending_cr {
                self.pending_cr = false;
                match byte {
                    b'\n' if NATIVE_CRLF => out.extend_from_slice(b"\r\n"),
                    b'\n' => out.push(b'\n'),
                    0 => out.push(b'\r'),
                    // A CR followed by anything else is not valid netascii;
                    // keeping both bytes loses nothing.
                    b'\r' => {
                        out.push(b'\r');
                        self.pending_cr = true;
                    }
                    other => out.extend_from_slice(&[b'\r', other]),
                }
            } else if byte == b'\r' {
                self.pending_cr = true;
            } else {
                out.push(byte);
            }
        }
    }

    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.pending_cr {
            self.pending_cr = false;
            out.push(b'\r');
        }
    }
}

/// Translates a whole buffer to netascii.
pub fn encode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 16);
    let mut encoder = Encoder::default();
    encoder.encode(input, &mut out);
    encoder.finish(&mut out);
    out
}

/// Translates a whole netascii buffer to local bytes.
pub fn decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut decoder = Decoder::default();
    decoder.decode(input, &mut out);
    decoder.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(windows))]
    #[test]
    fn test_encode_lines_and_bare_cr() {
        assert_eq!(encode(b"a\nb\rc"), b"a\r\nb\r\0c".to_vec());
        assert_eq!(encode(b""), Vec::<u8>::new());
        assert_eq!(encode(b"\r"), b"\r\0".to_vec());
    }

    /// `text` with its line ends (each LF) as local files write them: CR LF
    /// on Windows, LF elsewhere. A netascii line end becomes the local one,
    /// so what a test expects to find on disk depends on the platform.
    fn native(text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for &byte in text {
            if byte == b'\n' && NATIVE_CRLF {
                out.push(b'\r');
            }
            out.push(byte);
        }
        out
    }

    #[test]
    fn test_decode_lines_and_bare_cr() {
        assert_eq!(decode(b"a\r\nb\r\0c"), native(b"a\nb\rc"));
        assert_eq!(decode(b"x\r"), b"x\r".to_vec());
        assert_eq!(decode(b"\rq"), b"\rq".to_vec());
    }

    #[test]
    fn test_native_line_end_is_one_netascii_line_end() {
        assert_eq!(encode(&native(b"a\nb\n")), b"a\r\nb\r\n".to_vec());
    }

    #[test]
    fn test_round_trip_across_chunk_boundaries() {
        // Local text as this platform writes it: on Windows a bare LF
        // would come back as CR LF, which is the point of netascii.
        let original = native(b"line one\nline\rtwo\r\n\n\r\rend\r");
        let wire = encode(&original);
        // Split the wire bytes at every position: the decoder must not care.
        for split in 0..=wire.len() {
            let mut decoder = Decoder::default();
            let mut out = Vec::new();
            decoder.decode(&wire[..split], &mut out);
            decoder.decode(&wire[split..], &mut out);
            decoder.finish(&mut out);
            assert_eq!(out, original, "split at {split}");
        }
        for split in 0..=original.len() {
            let mut encoder = Encoder::default();
            let mut out = Vec::new();
            encoder.encode(&original[..split], &mut out);
            encoder.encode(&original[split..], &mut out);
            encoder.finish(&mut out);
            assert_eq!(out, wire, "split at {split}");
        }
    }
}

//! The byte stream under a WebSocket: the session's own non-blocking mio
//! socket (`ws://`). Reads and writes answer `WouldBlock` when the socket
//! has nothing or no room, which tungstenite passes back to the worker.

use std::io::{self, Read, Write};

use mio::net::TcpStream;

/// What a WebSocket connection reads and writes.
#[derive(Debug)]
pub(super) enum WsStream {
    Plain(TcpStream),
}

impl WsStream {
    /// The socket, for the poller and for shutting it down.
    pub(super) fn tcp(&mut self) -> &mut TcpStream {
        match self {
            WsStream::Plain(stream) => stream,
        }
    }
}

impl Read for WsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            WsStream::Plain(stream) => stream.read(buf),
        }
    }
}

impl Write for WsStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            WsStream::Plain(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            WsStream::Plain(stream) => stream.flush(),
        }
    }
}

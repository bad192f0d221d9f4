//! The byte stream under a WebSocket: the session's own non-blocking mio
//! socket (`ws://`), or the TLS connection over it (`wss://`). Reads and
//! writes answer `WouldBlock` when the socket has nothing or no room,
//! which tungstenite passes back to the worker; a TLS stream's handshake
//! advances inside them.

use std::io::{self, Read, Write};

use mio::net::TcpStream;

use super::super::tls::TlsStream;

/// What a WebSocket connection reads and writes.
pub(super) enum WsStream {
    Plain(TcpStream),
    /// Boxed: rustls's connection state is large.
    Tls(Box<TlsStream>),
}

impl WsStream {
    /// The socket, for the poller and for shutting it down.
    pub(super) fn tcp(&mut self) -> &mut TcpStream {
        match self {
            WsStream::Plain(stream) => stream,
            WsStream::Tls(tls) => tls.socket_mut(),
        }
    }

    /// The TLS connection under the WebSocket, if any.
    pub(super) fn tls(&self) -> Option<&TlsStream> {
        match self {
            WsStream::Plain(_) => None,
            WsStream::Tls(tls) => Some(tls),
        }
    }

    /// Shuts the connection down both ways, saying goodbye to TLS first
    /// (`close_notify`, as far as the socket takes it now).
    pub(super) fn shutdown(&mut self) {
        if let WsStream::Tls(tls) = self {
            tls.close();
        }
        let _ = self.tcp().shutdown(std::net::Shutdown::Both);
    }
}

impl Read for WsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            WsStream::Plain(stream) => stream.read(buf),
            WsStream::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for WsStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            WsStream::Plain(stream) => stream.write(buf),
            WsStream::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            WsStream::Plain(stream) => stream.flush(),
            WsStream::Tls(tls) => tls.flush(),
        }
    }
}

//! The byte stream under a WebSocket: the session's own non-blocking mio
//! socket (`ws://`), or the TLS connection over it (`wss://`). Reads and
//! writes answer `WouldBlock` when the socket has nothing or no room,
//! which tungstenite passes back to the worker; a TLS stream's handshake
//! advances inside them.

use std::io::{self, Read, Write};

use mio::net::TcpStream;

use super::super::tls::TlsStream;
use super::close_tap::CloseTap;
use crate::clock::now_us;

/// What a WebSocket connection reads and writes, and how many bytes it
/// has read (the plaintext, under TLS): the server charges a client for
/// what it sent since its last whole message (`WsConn::held`).
pub(super) struct WsStream {
    link: Link,
    read_bytes: u64,
    /// When the last read from the socket took bytes, µs since the epoch:
    /// a message is stamped with the read that completed it, so the clock
    /// is read once per read of up to 16 KiB, not per message (reading it
    /// per message was a fifth of the thread's time for small messages).
    last_read_us: i64,
    /// Follows the peer's frames for its close frame as sent.
    close_tap: CloseTap,
}

enum Link {
    Plain(TcpStream),
    /// Boxed: rustls's connection state is large.
    Tls(Box<TlsStream>),
}

impl WsStream {
    pub(super) fn plain(stream: TcpStream) -> WsStream {
        WsStream {
            link: Link::Plain(stream),
            read_bytes: 0,
            last_read_us: 0,
            close_tap: CloseTap::default(),
        }
    }

    pub(super) fn over_tls(tls: TlsStream) -> WsStream {
        WsStream {
            link: Link::Tls(Box::new(tls)),
            read_bytes: 0,
            last_read_us: 0,
            close_tap: CloseTap::default(),
        }
    }

    /// When the last read took bytes (see `last_read_us`).
    pub(super) fn last_read_us(&self) -> i64 {
        self.last_read_us
    }

    /// Takes `at_us` as the last read's time if it is later.
    pub(super) fn stamp_no_earlier_than(&mut self, at_us: i64) {
        self.last_read_us = self.last_read_us.max(at_us);
    }

    /// The payload of the peer's first close frame as it sent it, once
    /// read whole (see `close_tap.rs`).
    pub(super) fn peer_close(&self) -> Option<&[u8]> {
        self.close_tap.peer_close()
    }

    /// Bytes read so far.
    pub(super) fn read_bytes(&self) -> u64 {
        self.read_bytes
    }

    /// The socket, for the poller and for shutting it down.
    pub(super) fn tcp(&mut self) -> &mut TcpStream {
        match &mut self.link {
            Link::Plain(stream) => stream,
            Link::Tls(tls) => tls.socket_mut(),
        }
    }

    /// The TLS connection under the WebSocket, if any.
    pub(super) fn tls(&self) -> Option<&TlsStream> {
        match &self.link {
            Link::Plain(_) => None,
            Link::Tls(tls) => Some(tls),
        }
    }

    /// Shuts the connection down both ways, saying goodbye to TLS first
    /// (`close_notify`, as far as the socket takes it now).
    pub(super) fn shutdown(&mut self) {
        if let Link::Tls(tls) = &mut self.link {
            tls.close();
        }
        let _ = self.tcp().shutdown(std::net::Shutdown::Both);
    }
}

impl Read for WsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = match &mut self.link {
            Link::Plain(stream) => stream.read(buf),
            Link::Tls(tls) => tls.read(buf),
        }?;
        if read > 0 {
            self.close_tap.read(&buf[..read]);
            self.read_bytes += read as u64;
            self.last_read_us = now_us();
        }
        Ok(read)
    }
}

impl Write for WsStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.link {
            Link::Plain(stream) => stream.write(buf),
            Link::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.link {
            Link::Plain(stream) => stream.flush(),
            Link::Tls(tls) => tls.flush(),
        }
    }
}

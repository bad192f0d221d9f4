//! One TCP connection on a poller: reads what is there while the front end
//! keeps up, and queues what cannot be written yet. Shared by the TCP and
//! TLS clients and servers: the connection's [`Link`] is the plain socket
//! or a [`TlsStream`] over it.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::tls::TlsStream;
use super::{Chunks, CloseReason, Outbox, SessionError};
use crate::conn::ConnTag;

/// A batch is handed to the front end when it holds this many bytes or
/// chunks, so a flood costs one channel message per batch, not per read.
/// Each batch handed over may wake the front end: with 4,096 small
/// messages a batch instead of 1,024, ws-ingest's engine went from 0.80x
/// to 0.87x of a bare tungstenite loop on a busy machine.
pub const BATCH_BYTES: usize = 1 << 20;
pub const BATCH_CHUNKS: usize = 4096;

/// At most this much may wait for a slow reader before sends are refused,
/// per connection.
pub const MAX_QUEUED_BYTES: usize = 64 << 20;

/// Received chunks waiting to be handed over as one event. Their bytes are
/// charged to the event budget as they join, so the batch being filled
/// counts as held too.
#[derive(Default)]
pub struct Batch {
    chunks: Chunks,
    /// The chunks from this one on still go to the receive file: they are
    /// written together when the batch is handed over, under one lock of
    /// the file, rather than one lock per chunk.
    unwritten_from: Option<usize>,
    /// How many bytes the last batch held, to size the next one's buffer.
    last_bytes: usize,
}

impl Batch {
    /// Adds a chunk read at `at_us` over `conn`; the caller has checked
    /// that it fits ([`Outbox::fits`]). The chunk goes to the receive file,
    /// if there is one, before the batch is handed over.
    #[inline]
    pub fn push_at(
        &mut self,
        at_us: i64,
        peer: SocketAddr,
        conn: ConnTag,
        bytes: &[u8],
        outbox: &Outbox,
    ) {
        self.unwritten_from.get_or_insert(self.chunks.len());
        self.push_message(at_us, peer, conn, bytes, outbox);
    }

    /// Adds a framed message whose bytes reached the receive file already,
    /// as they were read (the file keeps the raw stream, not messages).
    #[inline]
    pub fn push_message(
        &mut self,
        at_us: i64,
        peer: SocketAddr,
        conn: ConnTag,
        bytes: &[u8],
        outbox: &Outbox,
    ) {
        if self.chunks.is_empty() {
            // As large as the last batch got: a steady flow fills it
            // without it being copied into a larger one or leaving room
            // unused.
            self.chunks.reserve(self.last_bytes.max(bytes.len()));
        }
        outbox.charge_chunk(self.chunks.held_mut(), bytes.len());
        self.chunks.push(at_us, peer, conn, bytes);
        if self.chunks.total_bytes() >= BATCH_BYTES || self.chunks.len() >= BATCH_CHUNKS {
            self.flush(outbox);
        }
    }

    /// Writes what the receive file has not got yet.
    fn write_rx_file(&mut self, outbox: &Outbox) {
        if let Some(from) = self.unwritten_from.take() {
            outbox.write_rx_chunks(self.chunks.iter().skip(from));
        }
    }

    /// Hands the chunks over, and the receive file's buffer to the system:
    /// every read pass ends here.
    pub fn flush(&mut self, outbox: &Outbox) {
        self.write_rx_file(outbox);
        outbox.flush_rx_file();
        if !self.chunks.is_empty() {
            self.last_bytes = self.chunks.total_bytes();
            self.chunks.shrink_slack();
            outbox.emit_received(std::mem::take(&mut self.chunks));
        }
    }
}

/// What a connection reads and writes: the socket itself, or TLS over it
/// (its decrypted stream).
pub enum Link {
    Plain(TcpStream),
    Tls(Box<TlsStream>),
}

impl Link {
    /// The socket, to register with the poller.
    pub fn socket_mut(&mut self) -> &mut TcpStream {
        match self {
            Link::Plain(socket) => socket,
            Link::Tls(tls) => tls.socket_mut(),
        }
    }

    /// Bytes below the connection's queue still wait for the socket
    /// (TLS records rustls holds).
    fn wants_write(&self) -> bool {
        match self {
            Link::Plain(_) => false,
            Link::Tls(tls) => tls.wants_write(),
        }
    }
}

impl Read for Link {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Link::Plain(socket) => socket.read(buf),
            // A peer that closes without TLS's goodbye has ended all the
            // same (most servers do).
            Link::Tls(tls) => match tls.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                other => other,
            },
        }
    }
}

impl Write for Link {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Link::Plain(socket) => socket.write(buf),
            Link::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Link::Plain(socket) => socket.flush(),
            Link::Tls(tls) => tls.flush(),
        }
    }
}

pub struct Connection {
    pub stream: Link,
    pub peer: SocketAddr,
    pub token: Token,
    out: VecDeque<Vec<u8>>,
    /// How much of the front buffer was already written.
    out_offset: usize,
    queued: usize,
    writable_registered: bool,
    /// Reading stopped before the socket was drained because the front
    /// end was behind: the socket must be read again once it catches up,
    /// since its readiness will not be reported again.
    read_paused: bool,
}

impl Connection {
    pub fn new(stream: TcpStream, peer: SocketAddr, token: Token) -> Connection {
        Connection::over(Link::Plain(stream), peer, token)
    }

    /// A connection over a TLS stream (or any link), whose socket is
    /// registered for reading already.
    pub fn over(stream: Link, peer: SocketAddr, token: Token) -> Connection {
        Connection {
            stream,
            peer,
            token,
            out: VecDeque::new(),
            out_offset: 0,
            queued: 0,
            writable_registered: false,
            read_paused: false,
        }
    }

    /// Bytes waiting for the socket.
    pub fn queued(&self) -> usize {
        self.queued
    }

    /// True when reading stopped for the front end (see
    /// [`Connection::read_available`]) and must be resumed.
    pub fn read_paused(&self) -> bool {
        self.read_paused
    }

    /// Reads until the socket has nothing more, handing each chunk to
    /// `on_chunk` (the session core's inbox: receive file, framing,
    /// auto-reply, the batch). Returns why the connection ended, if it did.
    ///
    /// A read happens only while the event budget has room for a whole
    /// `buf`; otherwise reading stops with [`Connection::read_paused`] set,
    /// the bytes stay in the kernel, and the peer's sends block until the
    /// front end catches up and the caller reads again.
    pub fn read_available(
        &mut self,
        buf: &mut [u8],
        outbox: &Outbox,
        on_chunk: &mut dyn FnMut(&[u8]),
    ) -> Option<CloseReason> {
        self.read_paused = false;
        loop {
            if !outbox.fits(buf.len()) {
                self.read_paused = true;
                return None;
            }
            match self.stream.read(buf) {
                Ok(0) => return Some(CloseReason::ClosedByPeer),
                Ok(n) => on_chunk(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Some(CloseReason::Reset),
            }
        }
    }

    /// Queues bytes and writes what the socket takes now.
    pub fn send(&mut self, bytes: Vec<u8>, registry: &Registry) -> Result<(), SessionError> {
        if self.queued + bytes.len() > MAX_QUEUED_BYTES && self.queued > 0 {
            return Err(SessionError::QueueFull {
                peer: self.peer,
                queued: self.queued,
            });
        }
        if bytes.is_empty() {
            return Ok(());
        }
        self.queued += bytes.len();
        self.out.push_back(bytes);
        self.flush(registry).map_err(|e| SessionError::Send {
            peer: self.peer,
            reason: e.to_string(),
        })
    }

    /// Writes queued bytes until the socket would block, and asks to be
    /// told when it is writable again if anything is left.
    pub fn flush(&mut self, registry: &Registry) -> io::Result<()> {
        while let Some(front) = self.out.front() {
            match self.stream.write(&front[self.out_offset..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.out_offset += n;
                    self.queued -= n;
                    if self.out_offset == front.len() {
                        self.out.pop_front();
                        self.out_offset = 0;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.out.is_empty() && self.stream.wants_write() {
            // TLS records wait below the queue: write what the socket takes.
            match self.stream.flush() {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        let want_writable = !self.out.is_empty() || self.stream.wants_write();
        if want_writable != self.writable_registered {
            let interest = if want_writable {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            registry.reregister(self.stream.socket_mut(), self.token, interest)?;
            self.writable_registered = want_writable;
        }
        Ok(())
    }

    /// Stops watching the socket and shuts it down both ways, after TLS's
    /// goodbye (`close_notify`) where the socket takes it.
    pub fn close(&mut self, registry: &Registry) {
        if let Link::Tls(tls) = &mut self.stream {
            tls.close();
        }
        let socket = self.stream.socket_mut();
        let _ = registry.deregister(socket);
        let _ = socket.shutdown(std::net::Shutdown::Both);
    }

    /// Whether the link holds bytes already read from the socket (TLS
    /// input or plaintext), which the poller will not report again.
    pub fn has_buffered_input(&self) -> bool {
        match &self.stream {
            Link::Plain(_) => false,
            Link::Tls(tls) => tls.has_buffered_input(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::now_us;
    use crate::net::{CHUNK_OVERHEAD_BYTES, Event, MAX_EVENT_BYTES};

    #[test]
    fn a_batch_charges_every_chunk_with_its_overhead_until_its_event_is_dropped() {
        let (outbox, events) = Outbox::for_tests();
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut batch = Batch::default();
        batch.push_at(now_us(), peer, ConnTag::NONE, &[1; 100], &outbox);
        batch.push_at(now_us(), peer, ConnTag::NONE, &[], &outbox);
        // The batch being filled counts as held already.
        let charged = 100 + 2 * CHUNK_OVERHEAD_BYTES;
        assert_eq!(outbox.event_room(), MAX_EVENT_BYTES - charged);
        batch.flush(&outbox);
        let Ok(Event::Received(chunks)) = events.try_recv() else {
            panic!("the batch was not handed over");
        };
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks.held_bytes(), charged);
        let lens: Vec<usize> = chunks.iter().map(|chunk| chunk.bytes.len()).collect();
        assert_eq!(lens, [100, 0]);
        // Reading them keeps the charge until the event is dropped.
        assert_eq!(outbox.event_room(), MAX_EVENT_BYTES - charged);
        drop(chunks);
        assert_eq!(outbox.event_room(), MAX_EVENT_BYTES);
    }

    #[test]
    fn a_chunk_fits_only_with_its_overhead() {
        let (outbox, _events) = Outbox::for_tests();
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut batch = Batch::default();
        let almost_all = MAX_EVENT_BYTES - CHUNK_OVERHEAD_BYTES - 10;
        assert!(outbox.fits(almost_all));
        batch.push_at(now_us(), peer, ConnTag::NONE, &vec![0; almost_all], &outbox);
        assert!(
            !outbox.fits(0),
            "10 bytes left cannot hold a chunk's overhead"
        );
        assert_eq!(outbox.event_room(), 10);
    }

    #[test]
    fn sent_events_are_charged_and_given_back() {
        let (outbox, events) = Outbox::for_tests();
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        outbox.emit_sent(0, vec![peer], vec![0; 1000]);
        assert_eq!(outbox.event_room(), MAX_EVENT_BYTES - 1000);
        drop(events.try_recv());
        assert_eq!(outbox.event_room(), MAX_EVENT_BYTES);
    }
}

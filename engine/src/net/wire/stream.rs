//! The byte-stream wire of TCP and TLS, clients and servers alike: bytes
//! go out as they are, a file in pieces as the sockets drain.

use std::io;
use std::net::SocketAddr;

use mio::Registry;

use super::super::conn::Connection;
use super::super::file_send::{FileSend, Pump};
use super::super::{CloseReason, Outbox, SessionError};
use super::{Conn, ReadSink, Wire};
use crate::clock::now_us;

pub(in crate::net) struct StreamWire;

impl Wire for StreamWire {
    type Conn = Connection;

    fn send(
        &self,
        conn: &mut Connection,
        bytes: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError> {
        conn.send(bytes, registry)
    }

    fn pump_file(
        &self,
        file: &mut FileSend,
        mut targets: Vec<&mut Connection>,
        registry: &Registry,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        file.pump_tcp(&mut targets, registry, outbox)
    }
}

impl Conn for Connection {
    const HALF_CLOSES: bool = true;

    fn peer(&self) -> SocketAddr {
        self.peer
    }

    fn queued(&self) -> usize {
        Connection::queued(self)
    }

    fn read_paused(&self) -> bool {
        Connection::read_paused(self)
    }

    /// TLS may hold bytes read from the socket already, which the poller
    /// will not report again (not while reading waits for the front end).
    fn more_to_read(&self) -> bool {
        !self.read_paused() && self.has_buffered_input()
    }

    fn read(
        &mut self,
        buf: &mut [u8],
        outbox: &Outbox,
        _registry: &Registry,
        sink: &mut dyn ReadSink,
    ) -> Option<CloseReason> {
        self.read_available(buf, outbox, &mut |bytes| sink.data(now_us(), bytes))
    }

    fn flush(&mut self, registry: &Registry) -> io::Result<()> {
        Connection::flush(self, registry)
    }

    fn close(&mut self, registry: &Registry) {
        Connection::close(self, registry);
    }
}

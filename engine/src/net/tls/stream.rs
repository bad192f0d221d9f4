//! [`TlsStream`]: a TLS connection over a non-blocking mio `TcpStream`,
//! with the non-blocking `Read + Write` of the socket itself.
//!
//! The subtleties it takes care of, so its users do not have to:
//! - Bytes read from the socket may wait inside (in its input buffer or as
//!   rustls's decrypted plaintext) after the socket said `WouldBlock`; the
//!   poller will not report them again. `read` hands them out before it
//!   touches the socket, so "read until `WouldBlock`" drains everything;
//!   a reader that stops early (the event budget) must read again later
//!   without waiting for readiness.
//! - Writes are encrypted into rustls's buffer and written to the socket
//!   until it would block; while TLS bytes wait ([`TlsStream::wants_write`])
//!   the user registers `WRITABLE` and calls [`Write::flush`] (or `write`)
//!   when it fires. rustls's buffers are bounded, so a `write` that finds
//!   them full answers `WouldBlock`.
//! - The handshake advances inside `read`, `write` and `flush`, or
//!   explicitly by [`TlsStream::handshake_step`].

use std::io::{self, Read, Write};
use std::sync::Arc;

use mio::net::TcpStream;
use rustls::{ClientConfig, ClientConnection, Connection, ServerConfig, ServerConnection};
use rustls_pki_types::ServerName;

use super::cert::cert_info;
use super::event::TlsInfo;
use super::files::TlsSetupError;

/// How much is read from the socket in one system call; rustls then takes
/// it in its own smaller steps without further calls.
const SOCKET_READ_BYTES: usize = 64 << 10;

/// The most TLS and plaintext rustls holds for sending (each), so a peer
/// that does not read costs bounded memory here; the connection's own
/// queue (`net::MAX_QUEUED_BYTES`) holds the rest.
const RUSTLS_BUFFER_BYTES: usize = 256 << 10;

/// A TLS connection (client or server side) over a non-blocking socket.
pub struct TlsStream {
    socket: TcpStream,
    tls: Connection,
    /// Bytes read from the socket that rustls has not taken yet.
    input: Vec<u8>,
    input_start: usize,
    /// The socket reached its end (the peer closed its sending side).
    socket_ended: bool,
    /// rustls may hold decrypted bytes not read yet (set when it
    /// processed records that carried some, cleared when a read found
    /// none).
    plaintext_pending: bool,
}

impl TlsStream {
    /// The client side, checking the server's certificate against
    /// `server_name` (a host name, sent as SNI, or an IP address).
    pub fn client(
        socket: TcpStream,
        config: &Arc<ClientConfig>,
        server_name: &str,
    ) -> Result<TlsStream, TlsSetupError> {
        let name = ServerName::try_from(server_name.trim_start_matches('[').trim_end_matches(']'))
            .map_err(|_| TlsSetupError::BadServerName(server_name.to_owned()))?
            .to_owned();
        let tls = ClientConnection::new(Arc::clone(config), name)
            .map_err(|e| TlsSetupError::Other(e.to_string()))?;
        Ok(TlsStream::over(socket, tls.into()))
    }

    /// The server side.
    pub fn server(
        socket: TcpStream,
        config: &Arc<ServerConfig>,
    ) -> Result<TlsStream, TlsSetupError> {
        let tls = ServerConnection::new(Arc::clone(config))
            .map_err(|e| TlsSetupError::Other(e.to_string()))?;
        Ok(TlsStream::over(socket, tls.into()))
    }

    fn over(socket: TcpStream, mut tls: Connection) -> TlsStream {
        tls.set_buffer_limit(Some(RUSTLS_BUFFER_BYTES));
        TlsStream {
            socket,
            tls,
            input: Vec::new(),
            input_start: 0,
            socket_ended: false,
            plaintext_pending: false,
        }
    }

    /// The socket, to register with a poller or read its addresses.
    pub fn socket(&self) -> &TcpStream {
        &self.socket
    }

    pub fn socket_mut(&mut self) -> &mut TcpStream {
        &mut self.socket
    }

    /// True until the handshake has finished.
    pub fn is_handshaking(&self) -> bool {
        self.tls.is_handshaking()
    }

    /// TLS bytes wait for the socket: register `WRITABLE` and flush when
    /// it fires.
    pub fn wants_write(&self) -> bool {
        self.tls.wants_write()
    }

    /// Bytes were read from the socket that have not been handed out yet
    /// (after a handshake, the peer's first data may already be here):
    /// read before waiting for the socket again.
    pub fn has_buffered_input(&self) -> bool {
        self.input_start < self.input.len() || self.plaintext_pending
    }

    /// Advances the handshake as far as the socket allows. `Ok(true)` once
    /// it has finished; `Ok(false)` while it waits for the socket (readable,
    /// or writable when [`TlsStream::wants_write`]); an error when it failed
    /// (see `tls::problem_of_io`) or the peer closed.
    pub fn handshake_step(&mut self) -> io::Result<bool> {
        while self.tls.is_handshaking() {
            self.write_pending()?;
            if !self.tls.is_handshaking() {
                break;
            }
            if self.tls.wants_write() {
                // The socket is full; the peer must read first.
                return Ok(false);
            }
            match self.feed() {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
            if self.socket_ended
                && self.tls.is_handshaking()
                && self.input_start >= self.input.len()
            {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        // The last flight (a client's Finished) goes out now if it can.
        self.write_pending()?;
        Ok(true)
    }

    /// What the handshake agreed on, once it has finished.
    pub fn info(&self) -> Option<TlsInfo> {
        if self.tls.is_handshaking() {
            return None;
        }
        let version = match self.tls.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
            Some(other) => format!("{other:?}"),
            None => String::new(),
        };
        let cipher_suite = self
            .tls
            .negotiated_cipher_suite()
            .and_then(|suite| suite.suite().as_str())
            .unwrap_or_default()
            .to_owned();
        let alpn = self
            .tls
            .alpn_protocol()
            .map(crate::text::PeerText::from_wire);
        let chain = self
            .tls
            .peer_certificates()
            .map(|certs| certs.iter().map(cert_info).collect())
            .unwrap_or_default();
        Some(TlsInfo {
            version,
            cipher_suite,
            alpn,
            chain,
        })
    }

    /// Says goodbye (`close_notify`) and writes what the socket takes now;
    /// the caller shuts the socket down after.
    pub fn close(&mut self) {
        self.tls.send_close_notify();
        let _ = self.write_pending();
    }

    /// Writes TLS bytes until there are none or the socket would block.
    fn write_pending(&mut self) -> io::Result<()> {
        while self.tls.wants_write() {
            match self.tls.write_tls(&mut self.socket) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Gives rustls more TLS bytes (from the input buffer, or one socket
    /// read) and processes them. `WouldBlock` when the socket had nothing.
    fn feed(&mut self) -> io::Result<()> {
        if !self.has_buffered_input() {
            if self.socket_ended {
                // Tell rustls about the end (read_tls of nothing).
                self.tls.read_tls(&mut io::empty())?;
            } else {
                self.input.resize(SOCKET_READ_BYTES, 0);
                self.input_start = 0;
                let read = loop {
                    match self.socket.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            self.input.clear();
                            return Err(e);
                        }
                    }
                };
                self.input.truncate(read);
                if read == 0 {
                    self.socket_ended = true;
                    self.tls.read_tls(&mut io::empty())?;
                }
            }
        }
        if self.has_buffered_input() {
            let mut rest = &self.input[self.input_start..];
            let taken = self.tls.read_tls(&mut rest)?;
            if taken == 0 {
                // rustls takes nothing more after the peer's close_notify:
                // what follows is dropped, as TLS says.
                self.input.clear();
                self.input_start = 0;
            } else {
                self.input_start += taken;
            }
        }
        match self.tls.process_new_packets() {
            Ok(state) => self.plaintext_pending = state.plaintext_bytes_to_read() > 0,
            Err(e) => {
                // rustls queued an alert for the peer: it goes out if it can.
                let _ = self.write_pending();
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
        }
        // Handshake answers, key updates.
        self.write_pending()
    }
}

impl Read for TlsStream {
    /// Decrypted bytes; `Ok(0)` at the peer's `close_notify` or the
    /// socket's end (`UnexpectedEof` when the peer closed without saying
    /// goodbye, which callers may treat as an end too).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.tls.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.plaintext_pending = false,
                Err(e) => return Err(e),
            }
            self.feed()?;
        }
    }
}

impl Write for TlsStream {
    /// Encrypts what rustls's bounded buffer takes and writes what the
    /// socket takes; `WouldBlock` when nothing could be taken.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.write_pending()?;
        if self.tls.is_handshaking() {
            // Advance the handshake with whatever the peer sent meanwhile.
            match self.handshake_step() {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        let taken = self.tls.writer().write(buf)?;
        self.write_pending()?;
        if taken == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(taken)
    }

    /// Writes the TLS bytes waiting; `WouldBlock` if some still wait.
    fn flush(&mut self) -> io::Result<()> {
        self.write_pending()?;
        if self.tls.wants_write() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::net::tls::{ServerIdentity, TlsClientOptions, TlsServerOptions, Verify};

    /// A connected pair of non-blocking loopback sockets.
    fn pair() -> (TcpStream, TcpStream) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        client.set_nonblocking(true).unwrap();
        server.set_nonblocking(true).unwrap();
        (TcpStream::from_std(client), TcpStream::from_std(server))
    }

    fn spin_until(what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(
                Instant::now() < deadline,
                "{what} did not happen within 10 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_pinned_self_signed_server_and_a_client_exchange_bytes_both_ways() {
        let folder = tempfile::tempdir().unwrap();
        let (server_config, identity) =
            crate::net::tls::server_config(&TlsServerOptions::new(ServerIdentity::SelfSigned {
                names: vec!["127.0.0.1".to_owned()],
                folder: folder.path().to_owned(),
            }))
            .unwrap();
        let client_config = crate::net::tls::client_config(&TlsClientOptions {
            verify: Verify::CaFile(identity.cert_path.clone()),
            alpn: vec!["netassist-test".to_owned()],
            ..TlsClientOptions::default()
        })
        .unwrap();
        let (client_socket, server_socket) = pair();
        let mut client =
            TlsStream::client(client_socket, &client_config.config, "127.0.0.1").unwrap();
        let mut server = TlsStream::server(server_socket, &server_config).unwrap();
        let (mut client_done, mut server_done) = (false, false);
        spin_until("the handshake", || {
            client_done = client_done || client.handshake_step().unwrap();
            server_done = server_done || server.handshake_step().unwrap();
            client_done && server_done
        });
        let info = client.info().unwrap();
        assert_eq!(info.chain[0].sha256, identity.fingerprint);
        assert!(info.version.starts_with("TLS 1."));

        // More than rustls's buffers hold, so both sides see WouldBlock.
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut written = 0;
        let mut received = Vec::new();
        let mut buf = vec![0u8; 70_000];
        spin_until("the transfer", || {
            if written < data.len() {
                match client.write(&data[written..]) {
                    Ok(n) => written += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("write failed: {e}"),
                }
            } else {
                let _ = client.flush();
            }
            loop {
                match server.read(&mut buf) {
                    Ok(0) => panic!("the server saw an end"),
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("read failed: {e}"),
                }
            }
            received.len() == data.len()
        });
        assert!(received == data, "the bytes arrived changed");

        server.write_all_nonblocking(b"pong");
        let mut answer = Vec::new();
        spin_until("the answer", || {
            let _ = server.flush();
            if let Ok(n) = client.read(&mut buf) {
                answer.extend_from_slice(&buf[..n]);
            }
            answer == b"pong"
        });
        client.close();
        spin_until("the goodbye", || matches!(server.read(&mut buf), Ok(0)));
    }

    impl TlsStream {
        fn write_all_nonblocking(&mut self, bytes: &[u8]) {
            let mut at = 0;
            spin_until("a write", || {
                if let Ok(n) = self.write(&bytes[at..]) {
                    at += n;
                }
                at == bytes.len()
            });
        }
    }
}

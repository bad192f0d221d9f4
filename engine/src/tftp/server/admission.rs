//! Admitting a request on the listening port: the rate limit, the parse,
//! the mode, the slots, the file to read or to write; and the refusals,
//! each answered with an error packet and told to the front end.

use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use super::{READS_PER_PASS, Server};
use crate::net::{Event, SessionError, TftpRequest};
use crate::text::PeerText;
use crate::tftp::Mode;
use crate::tftp::files::Incoming;
use crate::tftp::limits::{AddressKey, SlotRefusal};
use crate::tftp::name;
use crate::tftp::options::{self, Negotiation};
use crate::tftp::paths::Refusal;
use crate::tftp::sock;
use crate::tftp::wire::{self, ErrorCode, Packet, RequestKind, TftpOption};

impl Server {
    /// Reads requests; returns true when it stopped early.
    pub(super) fn read_requests(&mut self, buf: &mut [u8], poll: &mio::Poll) -> bool {
        for _ in 0..READS_PER_PASS {
            match self.listener.recv_from(buf) {
                Ok((n, peer)) => {
                    let bytes = buf[..n].to_vec();
                    // The buffer is free again: making room may read the
                    // transfers' sockets into it.
                    self.on_request(&bytes, peer, buf, poll);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                // Resets and refusals on the listener concern earlier error
                // packets to peers that left; the socket is fine.
                Err(_) => continue,
            }
        }
        true
    }

    fn refuse(&mut self, peer: SocketAddr, code: ErrorCode, message: &str, what: &TftpRequest) {
        let _ = self
            .listener
            .send_to(&wire::error_packet(code, message), peer);
        // Spoofed requests cost a sender nothing; behind a front end that
        // does not read (an unread stdout), one event each would grow the
        // channel without end. They are counted and said in one line.
        if self.outbox.crowded() {
            self.refusals_unreported += 1;
            return;
        }
        self.report_unreported_refusals();
        self.outbox.emit(Event::Error(SessionError::TftpRefused {
            request: what.clone(),
            peer: sock::display_peer(peer),
            reason: PeerText::from(message),
        }));
    }

    /// Says how many refusals were counted instead of shown, once the front
    /// end has room again.
    pub(super) fn report_unreported_refusals(&mut self) {
        if self.refusals_unreported == 0 || self.outbox.crowded() {
            return;
        }
        let count = std::mem::take(&mut self.refusals_unreported);
        self.outbox
            .emit(Event::Error(SessionError::TftpRefusedUnshown { count }));
    }

    /// Whether a request from `address` may start a transfer now. Finished
    /// transfers that still hold a socket count here, so the sockets stay
    /// bounded by `max_transfers` whatever the slots say.
    fn slot_for(&self, address: AddressKey) -> Result<(), SlotRefusal> {
        if self.transfers.len() >= self.config.max_transfers {
            Err(SlotRefusal::ServerFull)
        } else {
            self.slots.check(address)
        }
    }

    fn on_request(&mut self, bytes: &[u8], peer: SocketAddr, buf: &mut [u8], poll: &mio::Poll) {
        let now = Instant::now();
        if !self.limiter.allow(peer.ip(), now) {
            return;
        }
        let packet = match Packet::parse(bytes) {
            Ok(packet) => packet,
            Err(e) => {
                // Answer what looks like a broken request; ignore noise.
                if matches!(bytes, [0, 1 | 2, ..]) {
                    let message = format!("malformed request: {e}");
                    self.refuse(
                        peer,
                        ErrorCode::IllegalOperation,
                        &message,
                        &TftpRequest::Malformed,
                    );
                }
                return;
            }
        };
        let Packet::Request {
            kind,
            filename,
            mode,
            options,
        } = packet
        else {
            // DATA or ACK on the listening port belongs to no transfer.
            if !matches!(packet, Packet::Error { .. }) {
                let _ = self.listener.send_to(
                    &wire::error_packet(ErrorCode::UnknownTid, "unknown transfer ID"),
                    peer,
                );
            }
            return;
        };
        // A client that did not hear our first answer asks again; the
        // transfer it started is still running.
        if self
            .transfers
            .values()
            .any(|a| a.peer == peer && !a.transfer.is_closed())
        {
            return;
        }
        let asked_for = |file: PeerText| match kind {
            RequestKind::Read => TftpRequest::Download { file },
            RequestKind::Write => TftpRequest::Upload { file },
        };
        // The name is read in the session's encoding (UTF-8 first); the
        // path rules below see only the decoded text.
        let filename = match name::decode_name(filename, self.config.name_encoding) {
            Ok(filename) => filename,
            Err(refusal) => {
                // Bytes that are text in no encoding are shown as HEX.
                let what = asked_for(PeerText::from_payload(filename));
                self.refuse(
                    peer,
                    ErrorCode::AccessViolation,
                    &refusal.to_string(),
                    &what,
                );
                return;
            }
        };
        let filename = filename.as_str();
        let what = asked_for(PeerText::from(filename));
        let Some(mode) = options::parse_mode(mode) else {
            let message = format!("transfer mode '{mode}' is not supported");
            self.refuse(peer, ErrorCode::IllegalOperation, &message, &what);
            return;
        };
        let address = AddressKey::of(peer.ip());
        let mut slot = self.slot_for(address);
        // A full server makes room: from finished transfers that only
        // linger, then from requesters that never answered its first packet
        // (silent or spoofed addresses), oldest first, so that neither
        // refuses a client that answers (README, "TFTP server").
        while matches!(slot, Err(SlotRefusal::ServerFull)) && self.make_room(buf, poll) {
            slot = self.slot_for(address);
        }
        if let Err(refusal) = slot {
            self.refuse(peer, refusal.code(), &refusal.message(), &what);
            return;
        }
        let opened = match kind {
            RequestKind::Read => self.open_read(filename, mode, &options),
            RequestKind::Write => self.open_write(filename, mode, &options),
        };
        let (negotiation, source, incoming, size) = match opened {
            Ok(opened) => opened,
            Err(refusal) => {
                self.refuse(peer, refusal.code, &refusal.message, &what);
                return;
            }
        };
        match self.start(
            peer,
            filename,
            kind,
            negotiation,
            source,
            incoming,
            size,
            poll,
        ) {
            Ok(token) => self.slots.take(token, address, now),
            Err(e) => {
                self.refuse(
                    peer,
                    ErrorCode::Undefined,
                    "the server cannot open a transfer port",
                    &what,
                );
                self.outbox.emit(Event::Error(SessionError::io(
                    "cannot open a transfer port",
                    &e,
                )));
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn open_read(
        &self,
        name: &str,
        mode: Mode,
        options: &[TftpOption<'_>],
    ) -> Result<(Negotiation, Option<File>, Option<Incoming>, Option<u64>), Refusal> {
        let (file, size) = self.root.open_read(name)?;
        let size = Some(size);
        // In netascii the size on the wire is not the file's size.
        let wire_size = size.filter(|_| mode == Mode::Octet);
        let negotiation = options::negotiate(RequestKind::Read, mode, options, wire_size);
        Ok((negotiation, Some(file), None, size))
    }

    #[allow(clippy::type_complexity)]
    fn open_write(
        &self,
        name: &str,
        mode: Mode,
        options: &[TftpOption<'_>],
    ) -> Result<(Negotiation, Option<File>, Option<Incoming>, Option<u64>), Refusal> {
        let refusal = |code, message: &str| Refusal {
            code,
            message: message.to_owned(),
        };
        if !self.config.allow_write {
            return Err(refusal(
                ErrorCode::AccessViolation,
                "uploads are not allowed on this server",
            ));
        }
        let (folder, file_name) = self.root.upload_target(name, self.config.allow_overwrite)?;
        let incoming = Incoming::create_in(folder, file_name, self.config.allow_overwrite)
            .map_err(|e| Refusal::from_io(&e))?;
        let busy = self.transfers.values().any(|a| {
            a.incoming
                .as_ref()
                .is_some_and(|other| other.key() == incoming.key())
        });
        if busy {
            // Dropping `incoming` removes its temporary file.
            return Err(refusal(
                ErrorCode::AccessViolation,
                "that file is being uploaded by another client",
            ));
        }
        let negotiation = options::negotiate(RequestKind::Write, mode, options, None);
        let size = negotiation.announced_size;
        Ok((negotiation, None, Some(incoming), size))
    }
}

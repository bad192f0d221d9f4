//! The transfers a server runs: opening a transfer's own socket, reading
//! it, its timers, and cancelling it.

use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use mio::net::UdpSocket;
use mio::{Interest, Token};

use super::outputs::handle;
use super::{Active, READS_PER_PASS, REPORT_RETRY, Server};
use crate::tftp::files::{self, Incoming};
use crate::tftp::limits;
use crate::tftp::options::Negotiation;
use crate::tftp::report::Reporter;
use crate::tftp::sock;
use crate::tftp::transfer::{Limits, Transfer};
use crate::tftp::wire::{ErrorCode, Packet, RequestKind, TftpOption};
use crate::tftp::{TransferDirection, TransferFailure};

impl Server {
    pub(super) fn next_wakeup(&self) -> Option<Instant> {
        self.transfers
            .values()
            .flat_map(|a| [a.transfer.next_deadline(), a.reporter.next_flush()])
            .flatten()
            .chain(self.slots.next_deadline())
            // Refusals counted behind a front end that was behind are said
            // soon after it catches up, even if nothing else happens.
            .chain((self.refusals_unreported > 0).then(|| Instant::now() + REPORT_RETRY))
            .min()
    }

    /// Runs timers and drops transfers that are over.
    pub(super) fn tick(&mut self, now: Instant, poll: &mio::Poll) {
        self.report_unreported_refusals();
        let tokens: Vec<Token> = self.transfers.keys().copied().collect();
        for token in tokens {
            let Some(active) = self.transfers.get_mut(&token) else {
                continue;
            };
            if active.transfer.next_deadline().is_some_and(|at| now >= at) {
                let outputs = active.transfer.on_timeout(now);
                handle(active, outputs, &self.outbox, now);
            }
            let answered = active.transfer.peer_answered() || active.transfer.is_closed();
            if self.slots.first_answer_overdue(token, answered, now) {
                // A peer that never answered frees its slot long before the
                // retransmissions would give up on it.
                let reason = TransferFailure::FirstAnswerTimeout {
                    secs: self.slots.first_answer_timeout().as_secs(),
                };
                let outputs = active.transfer.abort(limits::FIRST_ANSWER_ERROR, reason);
                handle(active, outputs, &self.outbox, now);
            }
            active.reporter.flush(&self.outbox, now);
            if active.transfer.is_closed() {
                // A finished transfer may keep its socket a little longer
                // (to answer a repeated final DATA, or to wait for a final
                // ACK that the tutorial downloader never sends), but it no
                // longer counts against its address: a client fetching
                // files one after another must not be refused for the
                // ones it already has. The total below still counts it.
                self.slots.release(token);
            }
            if active.transfer.is_closed()
                && active.transfer.next_deadline().is_none()
                && let Some(mut active) = self.transfers.remove(&token)
            {
                let _ = poll.registry().deregister(&mut active.socket);
                self.slots.release(token);
            }
        }
    }

    /// Makes room for a new request in a full server: a finished transfer
    /// that only lingers (to acknowledge a repeated final DATA) gives its
    /// socket back early, without a word; else the transfer that has waited
    /// longest for its peer's first answer (a silent or spoofed requester)
    /// ends, says so, and gives back its socket and slot. False when
    /// neither is there.
    pub(super) fn make_room(&mut self, buf: &mut [u8], poll: &mio::Poll) -> bool {
        let lingering = self
            .transfers
            .iter()
            .filter(|(_, active)| active.transfer.is_closed())
            .map(|(token, _)| *token)
            .min();
        if let Some(token) = lingering
            && let Some(mut active) = self.transfers.remove(&token)
        {
            let _ = poll.registry().deregister(&mut active.socket);
            self.slots.release(token);
            return true;
        }
        self.yield_oldest_unanswered(buf, poll)
    }

    /// The transfer that has waited longest for its peer's first answer
    /// ends, says so, and gives back its socket and slot; false when every
    /// transfer's peer has answered.
    fn yield_oldest_unanswered(&mut self, buf: &mut [u8], poll: &mio::Poll) -> bool {
        // Answers that came meanwhile are read first: requests are read in
        // a burst, and a peer's ACK that arrived during it must count.
        // A few passes each: a socket still not drained after them is a
        // flood, and its transfer's own timer carries it on.
        let tokens: Vec<Token> = self.transfers.keys().copied().collect();
        for token in tokens {
            for _ in 0..4 {
                if !self.read_transfer(token, buf) {
                    break;
                }
            }
        }
        let now = Instant::now();
        // A peer that answered since the last tick is not a candidate.
        for (token, active) in &self.transfers {
            if active.transfer.peer_answered() || active.transfer.is_closed() {
                self.slots.first_answer_overdue(*token, true, now);
            }
        }
        let Some(token) = self.slots.oldest_unanswered() else {
            return false;
        };
        if let Some(mut active) = self.transfers.remove(&token) {
            let outputs = active.transfer.abort(
                limits::FIRST_ANSWER_ERROR,
                TransferFailure::YieldedToNewRequest,
            );
            handle(&mut active, outputs, &self.outbox, now);
            active.reporter.flush(&self.outbox, now);
            let _ = poll.registry().deregister(&mut active.socket);
        }
        self.slots.release(token);
        true
    }

    pub(super) fn cancel(&mut self, id: u64) {
        let now = Instant::now();
        if let Some(active) = self.transfers.values_mut().find(|a| a.reporter.id == id) {
            let outputs = active
                .transfer
                .abort(ErrorCode::Undefined, TransferFailure::CancelledOnServer);
            handle(active, outputs, &self.outbox, now);
        }
    }

    pub(super) fn cancel_all(&mut self, reason: TransferFailure) {
        let now = Instant::now();
        for active in self.transfers.values_mut() {
            let outputs = active.transfer.abort(ErrorCode::Undefined, reason.clone());
            handle(active, outputs, &self.outbox, now);
        }
    }

    /// Reads a transfer's socket; returns true when it stopped early and
    /// more may be waiting (mio reports readiness only once per arrival).
    pub(super) fn read_transfer(&mut self, token: Token, buf: &mut [u8]) -> bool {
        let Some(active) = self.transfers.get_mut(&token) else {
            return false;
        };
        for _ in 0..READS_PER_PASS {
            let now = Instant::now();
            let outputs = match active.socket.recv_from(buf) {
                Ok((n, from)) if from == active.peer => active.transfer.on_packet(&buf[..n], now),
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if sock::is_peer_gone(&e) => active.transfer.on_peer_gone(),
                Err(_) => return false,
            };
            handle(active, outputs, &self.outbox, now);
            active.transfer.read_ahead();
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn start(
        &mut self,
        peer: SocketAddr,
        filename: &str,
        kind: RequestKind,
        negotiation: Negotiation,
        source: Option<File>,
        incoming: Option<Incoming>,
        size: Option<u64>,
        poll: &mio::Poll,
    ) -> io::Result<Token> {
        let now = Instant::now();
        let params = negotiation.params;
        let ip = if self.local.ip().is_unspecified() {
            sock::unspecified_like(self.local)
        } else {
            self.local.ip()
        };
        let std_socket = sock::bind_transfer(
            ip,
            self.config.port_range,
            sock::buffer_for(params.blksize, params.windowsize),
            self.next_id,
        )?;
        // A connected socket hears only its peer and learns when the peer's
        // port closes, which is how the tutorial downloader says goodbye.
        std_socket.connect(peer)?;
        let mut socket = UdpSocket::from_std(std_socket);
        let id = self.next_id;
        self.next_id += 1;
        let token = Token(id as usize);
        poll.registry()
            .register(&mut socket, token, Interest::READABLE)?;
        let oack = (!negotiation.oack.is_empty()).then(|| {
            let options: Vec<TftpOption<'_>> = negotiation
                .oack
                .iter()
                .map(|(name, value)| TftpOption { name, value })
                .collect();
            Packet::Oack { options }.to_bytes()
        });
        let limits = Limits::default();
        let (transfer, outputs, direction) = match source {
            Some(file) => {
                let reader = files::block_source(file, params.blksize);
                let (t, o) = Transfer::server_send(params, oack, reader, limits, now);
                (t, o, TransferDirection::Send)
            }
            None => {
                let (mut t, o) = Transfer::server_receive(params, oack, limits, now);
                if let Some(announced) = negotiation.announced_size {
                    t.limit_size(announced);
                }
                (t, o, TransferDirection::Receive)
            }
        };
        debug_assert_eq!(
            kind == RequestKind::Read,
            direction == TransferDirection::Send
        );
        let reporter = Reporter::start(
            &self.outbox,
            id,
            filename.to_owned(),
            sock::display_peer(peer),
            direction,
            size,
            now,
        );
        let mut active = Active {
            socket,
            peer,
            transfer,
            reporter,
            incoming,
        };
        handle(&mut active, outputs, &self.outbox, now);
        self.transfers.insert(token, active);
        Ok(token)
    }
}

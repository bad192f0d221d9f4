//! One transfer as a state machine: no sockets and no clock of its own.
//!
//! The shell feeds it datagrams (`on_packet`) and timer expiries
//! (`on_timeout`), asks when it next wants the clock (`next_deadline`), and
//! carries out the [`Output`]s: packets to send, bytes to write, progress,
//! and the end. Files to send are read through `std::io::Read`, so tests
//! drive it with an in-memory cursor.

use std::collections::VecDeque;
use std::io::Read;
use std::time::{Duration, Instant};

use super::Mode;
use super::blocks::BlockSource;
use super::failure::TransferFailure;
use super::netascii;
use super::options::{Asked, Params};
pub use super::rto::Limits;
use super::rto::Rto;
pub use super::wire::Datagram;
use super::wire::{self, ErrorCode, Packet};
use crate::text::PeerText;

/// A duplicate of the last acknowledged block that arrives sooner than this
/// after our ACK is not a retransmission by a sender that missed the ACK
/// (its timeout is far longer), so it is not acknowledged again.
const DUPLICATE_GUARD: Duration = Duration::from_millis(50);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Send(Datagram),
    /// Bytes for the local file, already translated from netascii.
    Write(Vec<u8>),
    /// Payload bytes confirmed so far.
    Progress(u64),
    /// The peer announced the size (tsize).
    SizeKnown(u64),
    /// The transfer is complete. `confirmed` is false when the peer never
    /// acknowledged the final block.
    Done {
        bytes: u64,
        confirmed: bool,
    },
    Failed {
        reason: TransferFailure,
        /// The peer's error code, when the peer ended the transfer.
        peer_code: Option<ErrorCode>,
    },
}

/// An ERROR packet to send.
fn error_output(code: ErrorCode, message: &str) -> Output {
    Output::Send(Datagram::new(wire::error_packet(code, message)))
}

struct SentBlock {
    number: u64,
    packet: Datagram,
    payload_len: usize,
    sent_at: Instant,
    resent: bool,
}

struct Sender {
    blocks: BlockSource,
    /// The highest block the peer acknowledged.
    acked: u64,
    window: VecDeque<SentBlock>,
    final_block: Option<u64>,
    next_block: u64,
}

struct Receiver {
    /// The next block wanted.
    expected: u64,
    decoder: Option<netascii::Decoder>,
    /// In-order blocks since the last ACK.
    since_ack: u16,
    /// The last ACK sent, for its block number.
    acked: u64,
    /// An ACK for a gap was sent and nothing in order came since.
    gap_reported: bool,
    finished: bool,
    /// The size the peer announced (tsize on a WRQ): more is refused.
    size_limit: Option<u64>,
    /// Bytes for the local file so far (after netascii translation).
    stored: u64,
}

enum Role {
    Sending(Sender),
    Receiving(Receiver),
}

pub struct Transfer {
    params: Params,
    limits: Limits,
    rto: Rto,
    role: Role,
    /// A packet to resend on timeout while no block is in flight: a client's
    /// request, a server's OACK, or the receiver's last ACK.
    control: Option<(Datagram, Instant, bool)>,
    /// A client waiting for the first reply, with what it asked.
    asked: Option<Asked>,
    /// The peer answered at least once: a valid ACK to what we sent, or a
    /// DATA block in order (the server frees a slot whose peer never does).
    answered: bool,
    retries: u32,
    deadline: Option<Instant>,
    bytes: u64,
    closed: bool,
}

impl Transfer {
    fn new(params: Params, limits: Limits, role: Role) -> Transfer {
        let mut rto = Rto::new(limits.rto_floor, limits.rto_ceiling);
        if let Some(timeout) = params.timeout {
            rto.use_requested(timeout);
        }
        Transfer {
            params,
            limits,
            rto,
            role,
            control: None,
            asked: None,
            answered: false,
            retries: 0,
            deadline: None,
            bytes: 0,
            closed: false,
        }
    }

    fn sender(source: Box<dyn Read + Send>, mode: Mode) -> Role {
        Role::Sending(Sender {
            blocks: BlockSource::new(source, mode),
            acked: 0,
            window: VecDeque::new(),
            final_block: None,
            next_block: 1,
        })
    }

    fn receiver(mode: Mode) -> Role {
        Role::Receiving(Receiver {
            expected: 1,
            decoder: (mode == Mode::Netascii).then(netascii::Decoder::default),
            since_ack: 0,
            acked: 0,
            gap_reported: false,
            finished: false,
            size_limit: None,
            stored: 0,
        })
    }

    /// A server answering an RRQ: OACK first when options were accepted,
    /// else the first window of DATA at once.
    pub fn server_send(
        params: Params,
        oack: Option<Vec<u8>>,
        source: Box<dyn Read + Send>,
        limits: Limits,
        now: Instant,
    ) -> (Transfer, Vec<Output>) {
        let mut transfer = Transfer::new(params, limits, Transfer::sender(source, params.mode));
        if oack.is_some() {
            transfer.options_negotiated();
        }
        let mut out = Vec::new();
        match oack {
            Some(oack) => transfer.send_control(oack, now, &mut out),
            None => transfer.fill_window(now, &mut out),
        }
        (transfer, out)
    }

    /// A server answering a WRQ: OACK or ACK 0.
    pub fn server_receive(
        params: Params,
        oack: Option<Vec<u8>>,
        limits: Limits,
        now: Instant,
    ) -> (Transfer, Vec<Output>) {
        let mut transfer = Transfer::new(params, limits, Transfer::receiver(params.mode));
        if oack.is_some() {
            transfer.options_negotiated();
        }
        let mut out = Vec::new();
        transfer.send_control(oack.unwrap_or_else(|| wire::ack_packet(0)), now, &mut out);
        (transfer, out)
    }

    /// A client's get (`source` is `None`) or put: the request goes first.
    pub fn client(
        request: Vec<u8>,
        asked: Asked,
        mode: Mode,
        source: Option<Box<dyn Read + Send>>,
        limits: Limits,
        now: Instant,
    ) -> (Transfer, Vec<Output>) {
        let role = match source {
            Some(source) => Transfer::sender(source, mode),
            None => Transfer::receiver(mode),
        };
        let mut transfer = Transfer::new(Params::defaults(mode), limits, role);
        transfer.asked = Some(asked);
        let mut out = Vec::new();
        transfer.send_control(request, now, &mut out);
        (transfer, out)
    }

    /// Refuses data beyond `announced` bytes (the tsize of a WRQ), so that
    /// a peer cannot store more than it said it would. The count is of
    /// bytes for the file, after netascii translation, which never makes
    /// them more than those on the wire: a peer that announced either
    /// size is within it.
    pub fn limit_size(&mut self, announced: u64) {
        if let Role::Receiving(receiver) = &mut self.role {
            receiver.size_limit = Some(announced);
        }
    }

    pub fn params(&self) -> Params {
        self.params
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// True once nothing more will happen (done and no longer dallying).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// True while a client waits for the server's first answer.
    pub fn awaiting_first_reply(&self) -> bool {
        self.asked.is_some()
    }

    /// True once the peer answered what we sent: an ACK of our OACK or of
    /// a block in flight, or a DATA block in order.
    pub fn peer_answered(&self) -> bool {
        self.answered
    }

    /// Reads the next block before the peer asks for it, so that its ACK
    /// is answered without waiting for the file. The shell calls it after
    /// sending the outputs and before it waits; it does nothing until the
    /// options are settled, since they fix the block size.
    pub fn read_ahead(&mut self) {
        if self.closed || self.asked.is_some() || self.control.is_some() {
            return;
        }
        if let Role::Sending(sender) = &mut self.role
            && sender.final_block.is_none()
        {
            sender.blocks.read_ahead(self.params.blksize);
        }
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        if self.closed && !self.is_dallying() {
            None
        } else {
            self.deadline
        }
    }

    fn send_control(&mut self, packet: Vec<u8>, now: Instant, out: &mut Vec<Output>) {
        let packet = Datagram::new(packet);
        out.push(Output::Send(packet.clone()));
        self.control = Some((packet, now, false));
        self.deadline = Some(now + self.rto.current());
    }

    fn fail(
        &mut self,
        reason: TransferFailure,
        peer_code: Option<ErrorCode>,
        out: &mut Vec<Output>,
    ) {
        self.closed = true;
        self.deadline = None;
        out.push(Output::Failed { reason, peer_code });
    }

    /// Ends the transfer from this side (cancel, disk full): the peer gets
    /// an ERROR packet with the reason's English sentence.
    pub fn abort(&mut self, code: ErrorCode, reason: TransferFailure) -> Vec<Output> {
        let mut out = Vec::new();
        if !self.closed {
            out.push(error_output(code, &reason.to_string()));
            self.fail(reason, None, &mut out);
        }
        out
    }

    /// The peer's port is closed (an ICMP port unreachable came back).
    /// After the final block that is how the tutorial downloader says
    /// goodbye; before it, the peer is gone.
    pub fn on_peer_gone(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        if self.closed {
            return out;
        }
        let final_sent = match &self.role {
            Role::Sending(sender) => {
                sender.final_block.is_some() && sender.window.len() == 1 && self.control.is_none()
            }
            Role::Receiving(receiver) => receiver.finished,
        };
        if final_sent {
            self.finish(false, &mut out);
        } else {
            self.fail(TransferFailure::PeerGone, None, &mut out);
        }
        out
    }

    fn finish(&mut self, confirmed: bool, out: &mut Vec<Output>) {
        if let Role::Sending(sender) = &mut self.role
            && !confirmed
        {
            // The final block went out; the peer just never said so.
            for sent in sender.window.drain(..) {
                self.bytes += sent.payload_len as u64;
            }
        }
        self.closed = true;
        self.deadline = None;
        out.push(Output::Done {
            bytes: self.bytes,
            confirmed,
        });
    }

    pub fn on_packet(&mut self, bytes: &[u8], now: Instant) -> Vec<Output> {
        let mut out = Vec::new();
        if self.closed && !self.is_dallying() {
            return out;
        }
        // Garbage on a transfer port is ignored: the peer may be confused,
        // but a retransmission will put things right.
        let Ok(packet) = Packet::parse(bytes) else {
            return out;
        };
        if let Packet::Error { code, message } = packet {
            if !self.closed {
                let reason = TransferFailure::PeerError {
                    code: u16::from(code),
                    message: PeerText::from(message),
                };
                self.fail(reason, Some(code), &mut out);
            }
            return out;
        }
        if let Some(asked) = self.asked {
            self.on_first_reply(asked, packet, now, &mut out);
            return out;
        }
        match (&self.role, packet) {
            (Role::Sending(_), Packet::Ack { block }) => self.on_ack(block, now, &mut out),
            (Role::Receiving(_), Packet::Data { block, data }) => {
                self.on_data(block, data, now, &mut out);
            }
            _ => {}
        }
        out
    }

    fn is_dallying(&self) -> bool {
        matches!(&self.role, Role::Receiving(r) if r.finished) && self.deadline.is_some()
    }

    fn on_first_reply(
        &mut self,
        asked: Asked,
        packet: Packet<'_>,
        now: Instant,
        out: &mut Vec<Output>,
    ) {
        let sending = matches!(self.role, Role::Sending(_));
        match packet {
            Packet::Oack { options } => match asked.accept_oack(self.params.mode, &options) {
                Ok((params, size)) => {
                    self.apply_params(params, now);
                    self.options_negotiated();
                    if let Some(size) = size.filter(|_| !sending) {
                        out.push(Output::SizeKnown(size));
                    }
                    if sending {
                        self.control = None;
                        self.fill_window(now, out);
                    } else {
                        self.send_control(wire::ack_packet(0), now, out);
                    }
                }
                Err(reason) => {
                    out.push(error_output(ErrorCode::OptionsRefused, &reason));
                    self.fail(
                        TransferFailure::OptionsRefused(PeerText::from(reason)),
                        None,
                        out,
                    );
                }
            },
            Packet::Ack { block: 0 } if sending => {
                self.apply_params(Params::defaults(self.params.mode), now);
                self.control = None;
                self.fill_window(now, out);
            }
            Packet::Data { block, data } if !sending => {
                self.apply_params(Params::defaults(self.params.mode), now);
                self.control = None;
                self.on_data(block, data, now, out);
            }
            _ => {}
        }
    }

    /// Lowers the timeout's floor for a peer that negotiated options; a
    /// timeout the peer asked for still wins.
    fn options_negotiated(&mut self) {
        self.rto.set_floor(self.limits.rto_floor_negotiated);
        if let Some(timeout) = self.params.timeout {
            self.rto.use_requested(timeout);
        }
    }

    fn apply_params(&mut self, params: Params, now: Instant) {
        if let Some((_, sent_at, false)) = &self.control {
            self.rto.sample(now.saturating_duration_since(*sent_at));
        }
        if let Some(timeout) = params.timeout {
            self.rto.use_requested(timeout);
        }
        self.params = params;
        self.asked = None;
        self.answered = true;
        self.retries = 0;
    }

    fn on_ack(&mut self, block: u16, now: Instant, out: &mut Vec<Output>) {
        let Role::Sending(sender) = &mut self.role else {
            return;
        };
        if let Some((_, sent_at, resent)) = &self.control {
            // Only ACK 0 answers an OACK.
            if block == 0 {
                if !resent {
                    self.rto.sample(now.saturating_duration_since(*sent_at));
                }
                self.control = None;
                self.answered = true;
                self.retries = 0;
                self.fill_window(now, out);
            }
            return;
        }
        // Which block in flight does this ACK name? Anything else is a
        // duplicate or stale ACK, and is ignored: resending on it is the
        // Sorcerer's Apprentice bug.
        let Some(position) = sender
            .window
            .iter()
            .position(|sent| sent.number as u16 == block)
        else {
            return;
        };
        let mut newest = None;
        for _ in 0..=position {
            if let Some(sent) = sender.window.pop_front() {
                self.bytes += sent.payload_len as u64;
                newest = Some(sent);
            }
        }
        let Some(SentBlock {
            number,
            packet,
            sent_at,
            resent,
            ..
        }) = newest
        else {
            return;
        };
        // The shell has sent and dropped its copies of an acknowledged
        // packet by now, so its buffer can carry the next block.
        sender.blocks.recycle(packet);
        if !resent {
            self.rto.sample(now.saturating_duration_since(sent_at));
        }
        sender.acked = number;
        self.answered = true;
        self.retries = 0;
        out.push(Output::Progress(self.bytes));
        if sender.final_block == Some(number) {
            self.finish(true, out);
            return;
        }
        // An ACK inside the window means the receiver saw a gap: what it
        // did not get goes again now, then the window is filled up.
        for sent in sender.window.iter_mut() {
            sent.resent = true;
            out.push(Output::Send(sent.packet.clone()));
        }
        self.fill_window(now, out);
    }

    /// Cuts and sends blocks until the window is full or the file ends.
    fn fill_window(&mut self, now: Instant, out: &mut Vec<Output>) {
        let blksize = self.params.blksize;
        let windowsize = usize::from(self.params.windowsize.max(1));
        let Role::Sending(sender) = &mut self.role else {
            return;
        };
        while sender.window.len() < windowsize && sender.final_block.is_none() {
            let number = sender.next_block;
            // Block numbers roll over from 65535 to 0, as most peers expect.
            let packet = match sender.blocks.cut(number as u16, blksize) {
                Ok(packet) => Datagram::new(packet),
                Err(e) => {
                    let reason = TransferFailure::ReadFile {
                        reason: e.to_string(),
                    };
                    out.push(error_output(ErrorCode::Undefined, "read error"));
                    self.fail(reason, None, out);
                    return;
                }
            };
            let payload_len = packet.len() - wire::DATA_HEADER_LEN;
            sender.next_block += 1;
            if payload_len < blksize {
                sender.final_block = Some(number);
            }
            out.push(Output::Send(packet.clone()));
            sender.window.push_back(SentBlock {
                number,
                packet,
                payload_len,
                sent_at: now,
                resent: false,
            });
        }
        self.deadline = Some(now + self.rto.current());
    }

    fn on_data(&mut self, block: u16, data: &[u8], now: Instant, out: &mut Vec<Output>) {
        let blksize = self.params.blksize;
        let windowsize = self.params.windowsize.max(1);
        let Role::Receiving(receiver) = &mut self.role else {
            return;
        };
        let ahead = block.wrapping_sub(receiver.expected as u16);
        if receiver.finished || ahead >= 0x8000 {
            // An old block: if it is the one last acknowledged, that ACK was
            // probably lost, so it goes again. Not when the duplicate came
            // right after our ACK: that is a sender with the Sorcerer's
            // Apprentice bug answering our own re-ACK, and acknowledging
            // again would keep every block doubled to the end.
            if block == receiver.acked as u16
                && let Some((packet, sent_at, _)) = &mut self.control
                && now.saturating_duration_since(*sent_at) >= DUPLICATE_GUARD
            {
                *sent_at = now;
                out.push(Output::Send(packet.clone()));
            }
            return;
        }
        if ahead > 0 {
            // A gap: tell the sender once where to start again (RFC 7440).
            if !receiver.gap_reported {
                receiver.gap_reported = true;
                receiver.since_ack = 0;
                let last = receiver.expected - 1;
                receiver.acked = last;
                self.send_control(wire::ack_packet(last as u16), now, out);
            }
            return;
        }
        if data.len() > blksize {
            out.push(error_output(
                ErrorCode::IllegalOperation,
                "block larger than the negotiated blksize",
            ));
            self.fail(
                TransferFailure::BlockTooLarge {
                    len: data.len(),
                    blksize,
                },
                None,
                out,
            );
            return;
        }
        if let Some((_, sent_at, false)) = &self.control
            && receiver.since_ack == 0
        {
            self.rto.sample(now.saturating_duration_since(*sent_at));
        }
        let number = receiver.expected;
        receiver.expected += 1;
        receiver.gap_reported = false;
        receiver.since_ack += 1;
        self.answered = true;
        self.retries = 0;
        let is_final = data.len() < blksize;
        let mut local = Vec::with_capacity(data.len() + 1);
        match &mut receiver.decoder {
            Some(decoder) => {
                decoder.decode(data, &mut local);
                if is_final {
                    decoder.finish(&mut local);
                }
            }
            None => local.extend_from_slice(data),
        }
        receiver.stored += local.len() as u64;
        if let Some(limit) = receiver.size_limit
            && receiver.stored > limit
        {
            // ERROR 3 is "disk full or allocation exceeded": the tsize the
            // peer announced is the allocation it asked for, and it sent
            // more. Nothing is acknowledged or written; the shell drops
            // what was stored so far.
            out.push(error_output(
                ErrorCode::DiskFull,
                "more data than the announced tsize",
            ));
            self.fail(TransferFailure::OverTsize { limit }, None, out);
            return;
        }
        receiver.finished = is_final;
        let ack_due = is_final || receiver.since_ack >= windowsize;
        if ack_due {
            receiver.since_ack = 0;
            receiver.acked = number;
        }
        if ack_due && !is_final {
            // A block that is not the last is acknowledged before it is
            // written, so that the sender reads and sends the next one
            // meanwhile; a failed write still ends the transfer with an
            // ERROR packet.
            self.send_control(wire::ack_packet(number as u16), now, out);
        }
        if !local.is_empty() {
            out.push(Output::Write(local));
        }
        self.bytes += data.len() as u64;
        out.push(Output::Progress(self.bytes));
        if is_final {
            // Done comes before the final ACK, so that the shell can store
            // the file first: the ACK then means the file is in place.
            out.push(Output::Done {
                bytes: self.bytes,
                confirmed: true,
            });
            self.send_control(wire::ack_packet(number as u16), now, out);
        } else if !ack_due {
            self.deadline = Some(now + self.rto.current());
        }
        if is_final {
            // Dally: stay a while to acknowledge the final block again if
            // the sender did not get our ACK.
            self.closed = true;
        }
    }

    pub fn on_timeout(&mut self, now: Instant) -> Vec<Output> {
        let mut out = Vec::new();
        match self.deadline {
            Some(deadline) if now >= deadline => {}
            _ => return out,
        }
        if self.is_dallying() {
            self.deadline = None;
            return out;
        }
        if self.closed {
            return out;
        }
        self.retries += 1;
        let only_final_left = match &self.role {
            Role::Sending(sender) => {
                self.control.is_none() && sender.window.len() == 1 && sender.final_block.is_some()
            }
            Role::Receiving(_) => false,
        };
        if only_final_left && self.retries > self.limits.final_ack_retries {
            // The peer has everything but never said so; the tutorial
            // downloader behaves like that, so this ends quietly.
            self.finish(false, &mut out);
            return out;
        }
        if self.retries > self.limits.max_retries {
            let reason = TransferFailure::NoAnswer {
                tries: self.limits.max_retries.saturating_add(1),
            };
            self.fail(reason, None, &mut out);
            return out;
        }
        self.rto.back_off();
        if let Role::Receiving(receiver) = &mut self.role
            && receiver.expected - 1 != receiver.acked
        {
            // Part of a window came: acknowledging it lets the sender go on
            // from there instead of resending the whole window.
            let last = receiver.expected - 1;
            receiver.acked = last;
            receiver.since_ack = 0;
            self.send_control(wire::ack_packet(last as u16), now, &mut out);
            if let Some((_, _, resent)) = &mut self.control {
                *resent = true;
            }
            return out;
        }
        if let Some((packet, sent_at, resent)) = &mut self.control {
            *resent = true;
            *sent_at = now;
            out.push(Output::Send(packet.clone()));
        } else if let Role::Sending(sender) = &mut self.role {
            for sent in sender.window.iter_mut() {
                sent.resent = true;
                out.push(Output::Send(sent.packet.clone()));
            }
        }
        self.deadline = Some(now + self.rto.current());
        out
    }
}

#[cfg(test)]
mod tests;

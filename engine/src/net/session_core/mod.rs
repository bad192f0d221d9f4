//! The session core: what UDP, TCP client and TCP server sessions have in
//! common, written once. It owns the receive side ([`Inbox`]: receive file,
//! framing, echo and auto-reply), the loop send, the file being sent, and
//! the handling of the commands that mean the same everywhere (`StartLoop`,
//! `StopLoop`, `SetAutoReply`, `SendFile`, `CancelFile`, `SetRxFile`,
//! `Close`). Each worker keeps only its [`Transport`]: how it sends to a
//! [`Target`], how it reads, and what "the sockets drained" means for a
//! file.
//!
//! A worker's loop is: wait ([`SessionCore::poll_timeout`]), read into
//! [`SessionCore::inbox`], [`SessionCore::after_reading`], serve each
//! command with [`SessionCore::command`], then [`SessionCore::run_due`].

mod inbox;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::file_send::{self, FileSend, Pump};
use super::looper::{self, LoopSend};
use super::{Command, Event, Outbox, SessionError, Target};

pub use inbox::Inbox;

/// Whether the session goes on after a command.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The session ends now: the core interrupts a file being sent and
    /// calls [`Transport::close`].
    Close,
}

/// What differs between the socket workers.
pub trait Transport {
    /// Who a file goes to, as this transport names its peers.
    type FileTargets;

    /// Sends `bytes` to `to` at once or queues them, reporting `Sent`; false
    /// when they went nowhere (and why was reported).
    fn send(&mut self, to: Target, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) -> bool;

    /// Sends an answer to the peer whose message asked for it.
    fn reply(&mut self, peer: SocketAddr, bytes: Vec<u8>, inbox: &mut Inbox, outbox: &Outbox) {
        self.send(Target::Peers(vec![peer]), bytes, inbox, outbox);
    }

    /// The peers a file sent to `to` goes to; `None` when none (and why
    /// was reported).
    fn file_targets(&mut self, to: Target, outbox: &Outbox) -> Option<Self::FileTargets>;

    /// Hands the next part of the file to the sockets, as far as they
    /// drain.
    fn pump_file(
        &mut self,
        file: &mut FileSend,
        targets: &Self::FileTargets,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError>;

    /// Serves a command only some transports know (`SetRemote`,
    /// `Disconnect`, `JoinGroup`, …); one it does not know is answered with
    /// `SessionError::Unsupported`.
    fn command(&mut self, command: Command, inbox: &mut Inbox, outbox: &Outbox) -> Flow;

    /// The session ends: close what is open and say so.
    fn close(&mut self, inbox: &mut Inbox, outbox: &Outbox);
}

/// The state every socket session has, whatever its transport.
pub struct SessionCore<T: Transport> {
    pub inbox: Inbox,
    looping: Option<LoopSend>,
    file: Option<(FileSend, T::FileTargets)>,
    /// The file's last pass ran out of its budget, not of socket room: the
    /// loop must come back at once.
    more_file: bool,
}

impl<T: Transport> SessionCore<T> {
    pub fn new(inbox: Inbox) -> SessionCore<T> {
        SessionCore {
            inbox,
            looping: None,
            file: None,
            more_file: false,
        }
    }

    /// How long the poller may wait: not at all while a file has more to
    /// send at once; otherwise until the next loop send, held-answer report
    /// or idle-gap cut, or the transport's own `deadline`, whichever is
    /// first (`None`: until something happens).
    pub fn poll_timeout(&self, deadline: Option<Duration>) -> Option<Duration> {
        if self.more_file {
            return Some(Duration::ZERO);
        }
        let timeout = earlier(
            looper::poll_timeout(&self.looping, Instant::now()),
            deadline,
        );
        super::responder::earlier_timeout(timeout, self.inbox.next_deadline())
    }

    /// Ends a read pass: cuts messages whose idle gap passed, hands the
    /// batch over, sends the answers it asked for (after it, so the log
    /// shows RX before TX), and reports held answers.
    pub fn after_reading(&mut self, transport: &mut T, outbox: &Outbox) {
        self.inbox.cut_idle(outbox);
        self.inbox.flush(outbox);
        self.send_replies(transport, outbox);
        self.inbox.report_held(outbox);
    }

    /// Sends the answers asked for so far (a worker calls this itself when
    /// a peer's stream ends mid-pass, before it says so).
    pub fn send_replies(&mut self, transport: &mut T, outbox: &Outbox) {
        for (peer, reply) in self.inbox.take_replies() {
            transport.reply(peer, reply, &mut self.inbox, outbox);
        }
    }

    /// Serves one command: the common ones here, the rest by the transport.
    pub fn command(&mut self, command: Command, transport: &mut T, outbox: &Outbox) -> Flow {
        let Some(command) = looper::apply_command(&mut self.looping, command, outbox) else {
            return Flow::Continue;
        };
        let flow = match command {
            Command::Send { to, bytes } => {
                transport.send(to, bytes, &mut self.inbox, outbox);
                Flow::Continue
            }
            Command::SetAutoReply(rules) => {
                self.inbox.set_rules(rules);
                Flow::Continue
            }
            Command::SendFile {
                to,
                path,
                datagram_bytes,
            } => {
                if self.file.is_some() {
                    outbox.emit(Event::Error(SessionError::FileBusy));
                } else if let Some(targets) = transport.file_targets(to, outbox) {
                    self.file =
                        file_send::start(&path, datagram_bytes, outbox).map(|file| (file, targets));
                }
                Flow::Continue
            }
            Command::CancelFile => {
                match self.file.take() {
                    Some((file, _)) => file.abort(SessionError::FileCancelled, outbox),
                    None => outbox.emit(Event::Error(SessionError::NoFileSending)),
                }
                Flow::Continue
            }
            Command::SetRxFile(spec) => {
                outbox.set_rx_file(spec);
                Flow::Continue
            }
            Command::Close => Flow::Close,
            other => transport.command(other, &mut self.inbox, outbox),
        };
        if flow == Flow::Close {
            self.interrupt_file(outbox);
            transport.close(&mut self.inbox, outbox);
        }
        flow
    }

    /// The connection or session ended with a file still being sent.
    pub fn interrupt_file(&mut self, outbox: &Outbox) {
        if let Some((file, _)) = self.file.take() {
            file.abort(SessionError::FileInterrupted, outbox);
        }
    }

    /// Makes the loop sends that are due and feeds the file being sent.
    pub fn run_due(&mut self, transport: &mut T, outbox: &Outbox) {
        let inbox = &mut self.inbox;
        looper::run_due(&mut self.looping, outbox, |to, bytes| {
            transport.send(to, bytes, inbox, outbox)
        });
        self.more_file = false;
        if let Some((mut file, targets)) = self.file.take() {
            let outcome = transport.pump_file(&mut file, &targets, outbox);
            let mut current = Some(file);
            self.more_file = file_send::settle(&mut current, outcome, outbox);
            self.file = current.map(|file| (file, targets));
        }
    }
}

/// The earlier of two optional waits.
fn earlier(a: Option<Duration>, b: Option<Duration>) -> Option<Duration> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

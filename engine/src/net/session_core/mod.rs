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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::net::Answers;
    use crate::text::Framing;

    /// A transport that takes everything and remembers what it was asked.
    #[derive(Default)]
    struct Recorder {
        sent: Vec<(Target, Vec<u8>)>,
        own_commands: Vec<String>,
        closed: bool,
    }

    impl Transport for Recorder {
        type FileTargets = ();

        fn send(&mut self, to: Target, bytes: Vec<u8>, _: &mut Inbox, _: &Outbox) -> bool {
            self.sent.push((to, bytes));
            true
        }

        fn file_targets(&mut self, _: Target, _: &Outbox) -> Option<()> {
            Some(())
        }

        /// Never drains: the file stays in progress.
        fn pump_file(
            &mut self,
            _: &mut FileSend,
            _: &(),
            _: &Outbox,
        ) -> Result<Pump, SessionError> {
            Ok(Pump::Blocked)
        }

        fn command(&mut self, command: Command, _: &mut Inbox, _: &Outbox) -> Flow {
            self.own_commands.push(format!("{command:?}"));
            Flow::Continue
        }

        fn close(&mut self, _: &mut Inbox, _: &Outbox) {
            self.closed = true;
        }
    }

    fn core() -> SessionCore<Recorder> {
        let local = "127.0.0.1:6000".parse().expect("a test address");
        SessionCore::new(Inbox::new(Answers::default(), local, Framing::None))
    }

    fn send_file(path: &std::path::Path) -> Command {
        Command::SendFile {
            to: Target::Default,
            path: path.to_owned(),
            datagram_bytes: 0,
        }
    }

    #[test]
    fn one_file_at_a_time_and_close_interrupts_it_before_the_transport_closes() {
        let (outbox, events) = Outbox::for_tests();
        let mut file = tempfile::NamedTempFile::new().expect("a temp file");
        file.write_all(&[1; 100]).expect("written");
        let mut core = core();
        let mut transport = Recorder::default();
        let flow = core.command(send_file(file.path()), &mut transport, &outbox);
        assert_eq!(flow, Flow::Continue);
        core.run_due(&mut transport, &outbox);
        core.command(send_file(file.path()), &mut transport, &outbox);
        assert_eq!(
            core.command(Command::Close, &mut transport, &outbox),
            Flow::Close
        );
        assert!(transport.closed);
        let seen: Vec<String> = events.try_iter().map(|e| format!("{e:?}")).collect();
        assert!(
            seen[0].starts_with("FileProgress { sent: 0, total: 100"),
            "{seen:?}"
        );
        assert!(seen[1].contains("FileBusy"), "{seen:?}");
        assert!(seen[2].contains("FileInterrupted"), "{seen:?}");
        assert_eq!(seen.len(), 3, "{seen:?}");
    }

    #[test]
    fn common_commands_stay_in_the_core_and_the_rest_go_to_the_transport() {
        let (outbox, events) = Outbox::for_tests();
        let mut core = core();
        let mut transport = Recorder::default();
        let commands = [
            Command::Send {
                to: Target::Default,
                bytes: b"hi".to_vec(),
            },
            Command::SetAutoReply(Vec::new()),
            Command::CancelFile,
            Command::SetRemote(None),
            Command::StopLoop,
        ];
        for command in commands {
            assert_eq!(
                core.command(command, &mut transport, &outbox),
                Flow::Continue
            );
        }
        assert_eq!(transport.sent, [(Target::Default, b"hi".to_vec())]);
        assert_eq!(transport.own_commands, ["SetRemote(None)"]);
        let seen: Vec<String> = events.try_iter().map(|e| format!("{e:?}")).collect();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].contains("NoFileSending"), "{seen:?}");
    }

    #[test]
    fn a_counted_loop_sends_through_the_transport_and_ends() {
        let (outbox, events) = Outbox::for_tests();
        let mut core = core();
        let mut transport = Recorder::default();
        let start = Command::StartLoop {
            to: Target::Default,
            bytes: b"tick".to_vec(),
            period: Duration::from_micros(100),
            count: Some(3),
        };
        core.command(start, &mut transport, &outbox);
        let deadline = Instant::now() + Duration::from_secs(30);
        while transport.sent.len() < 3 {
            assert!(Instant::now() < deadline, "the loop did not finish");
            if let Some(wait) = core.poll_timeout(None) {
                std::thread::sleep(wait);
            }
            core.run_due(&mut transport, &outbox);
        }
        assert_eq!(transport.sent.len(), 3);
        assert_eq!(core.poll_timeout(None), None, "nothing left to wake for");
        let stopped = events
            .try_iter()
            .any(|e| matches!(e, Event::LoopStopped { sent: 3 }));
        assert!(stopped);
    }
}

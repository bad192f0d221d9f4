//! A WebSocket connection's closing handshake, both ways: the close
//! frame we send (at the user's word, or to say why we drop the peer), the
//! one the peer sends, and the wait for the other side's end.

use std::io::{self, Read};
use std::time::Instant;

use tungstenite::protocol::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;

use super::super::event::{NO_STATUS_CODE, WsEvent, WsProblem};
use super::super::{CLOSE_WAIT, MESSAGES_PER_PASS};
use super::WsConn;
use crate::net::{CloseReason, Event, Outbox};
use crate::text::PeerText;

/// A connection that sent its close frame (or got one) and waits for the
/// other side's end.
#[derive(Debug)]
pub(super) struct Closing {
    pub(super) deadline: Instant,
    /// We started the close (a command, a limit, a protocol error).
    pub(super) by_us: bool,
    /// The peer broke the protocol: the frame decoder's state cannot be
    /// trusted, so what it still sends is read and thrown away.
    pub(super) broken: bool,
    /// Our side of the stream was shut down after the close frame went out.
    pub(super) shut: bool,
}

impl WsConn {
    pub(in crate::net::ws) fn is_closing(&self) -> bool {
        self.closing.is_some()
    }

    /// When a closing connection is dropped if the peer has not ended it.
    pub(in crate::net::ws) fn close_deadline(&self) -> Option<Instant> {
        self.closing.as_ref().map(|closing| closing.deadline)
    }

    /// Why the connection ends when its close wait runs out.
    pub(in crate::net::ws) fn close_timeout_reason(&self) -> CloseReason {
        match &self.closing {
            Some(closing) if !closing.by_us => CloseReason::ClosedByPeer,
            _ => CloseReason::Local,
        }
    }

    /// Why the connection ended once tungstenite says it is closed.
    pub(super) fn close_reason(&self) -> CloseReason {
        match &self.closing {
            Some(closing) if closing.by_us => CloseReason::Local,
            _ => CloseReason::ClosedByPeer,
        }
    }

    /// The peer sent a close frame: tungstenite queued the answer (the
    /// same code); the connection ends once the stream does.
    pub(super) fn peer_closed(&mut self, frame: Option<CloseFrame>, outbox: &Outbox) {
        if self.closing.is_some() {
            // The answer to our own close: already reported when sent.
            return;
        }
        // What tungstenite answered (it echoes the peer's code, or says
        // 1002 for one a peer may not send) ...
        let answered = frame.as_ref().map_or(NO_STATUS_CODE, |f| u16::from(f.code));
        // ... and what the peer sent, read off the wire: tungstenite hands
        // us its answer in place of a code it refused.
        let (code, reason) = match self.ws.get_ref().peer_close() {
            Some(payload) => sent_close(payload),
            None => match frame {
                Some(frame) => (u16::from(frame.code), PeerText::new(frame.reason.as_str())),
                None => (NO_STATUS_CODE, PeerText::default()),
            },
        };
        outbox.emit(Event::Ws(WsEvent::Closed {
            peer: self.peer,
            code,
            reason,
            by_peer: true,
            answered: (answered != code).then_some(answered),
        }));
        self.closing = Some(Closing {
            deadline: Instant::now() + CLOSE_WAIT,
            by_us: false,
            broken: false,
            shut: false,
        });
    }

    /// The peer broke the protocol or a limit: say so, and close with the
    /// code that tells it why.
    pub(in crate::net::ws) fn fail(&mut self, problem: WsProblem, outbox: &Outbox) {
        let (code, reason) = close_words(&problem);
        outbox.emit(Event::Ws(WsEvent::ProtocolError {
            peer: self.peer,
            problem,
        }));
        self.start_close(code, reason, outbox);
        self.mark_broken();
    }

    /// The server drops this client for `problem`: with its rows when
    /// `shown` (a few a second), else with only the close frame that tells
    /// the peer why, so that a crowd dropped at once makes a few rows, not
    /// thousands.
    pub(in crate::net::ws) fn refuse(&mut self, problem: WsProblem, shown: bool, outbox: &Outbox) {
        if shown {
            self.fail(problem, outbox);
            return;
        }
        let (code, reason) = close_words(&problem);
        self.send_close(code, reason);
        self.mark_broken();
    }

    /// What the peer still sends is not trusted as WebSocket.
    pub(super) fn mark_broken(&mut self) {
        if let Some(closing) = &mut self.closing {
            closing.broken = true;
        }
    }

    /// Sends our close frame (once), says so, and waits for the peer's
    /// end.
    pub(in crate::net::ws) fn start_close(&mut self, code: u16, reason: &str, outbox: &Outbox) {
        if self.closing.is_some() {
            return;
        }
        outbox.emit(Event::Ws(WsEvent::Closed {
            peer: self.peer,
            code,
            reason: PeerText::new(reason),
            by_peer: false,
            answered: None,
        }));
        self.send_close(code, reason);
    }

    /// Sends our close frame (once) and waits for the peer's end.
    pub(super) fn send_close(&mut self, code: u16, reason: &str) {
        if self.closing.is_some() {
            return;
        }
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        self.closing = Some(Closing {
            deadline: Instant::now() + CLOSE_WAIT,
            by_us: true,
            broken: false,
            shut: false,
        });
        // The frame is queued whatever the socket does now; a flush that
        // blocks is finished on the next writable event.
        let _ = self.ws.close(Some(frame));
    }

    /// After a protocol error: reads and throws away what the peer still
    /// sends, until it ends the stream.
    pub(super) fn discard_input(&mut self) -> Option<CloseReason> {
        let mut scratch = [0u8; 4096];
        for _ in 0..MESSAGES_PER_PASS {
            match self.ws.get_mut().read(&mut scratch) {
                Ok(0) => return Some(CloseReason::Local),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Some(CloseReason::Local),
            }
        }
        self.more_to_read = true;
        None
    }
}

/// The close code and reason a problem is told to the peer with.
fn close_words(problem: &WsProblem) -> (u16, &'static str) {
    let code = problem.close_code().unwrap_or(1002);
    let reason = match problem {
        WsProblem::MessageTooBig { .. } => "message too big",
        WsProblem::HeldTooMuch { .. } => "server memory for unfinished messages full",
        WsProblem::InvalidUtf8 => "invalid UTF-8",
        WsProblem::UnmaskedFrame => "unmasked frame",
        WsProblem::PingFlood { .. } => "ping flood",
        _ => "protocol error",
    };
    (code, reason)
}

/// The code and reason of a close frame's payload as the peer sent it
/// (an empty payload says no code: [`NO_STATUS_CODE`]).
fn sent_close(payload: &[u8]) -> (u16, PeerText) {
    match payload {
        [high, low, reason @ ..] => (
            u16::from_be_bytes([*high, *low]),
            PeerText::from_wire(reason),
        ),
        _ => (NO_STATUS_CODE, PeerText::default()),
    }
}

//! One open WebSocket connection on a poller, for the client and the
//! server alike: reading messages while the front end keeps up, sending
//! messages with writable-interest on demand, pings and pongs counted and
//! reported at a bounded rate, and the closing handshake both ways
//! (`closing.rs`). Every error tungstenite reports becomes a typed
//! [`WsProblem`] and the close code that says it.

use std::io;
use std::net::SocketAddr;

use mio::{Interest, Registry, Token};
use tungstenite::error::{CapacityError, ProtocolError};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Error, Message, WebSocket};

mod closing;

use closing::Closing;

use super::super::rows::ShownPerSecond;
use super::super::wire::ReadSink;
use super::super::{
    CHUNK_OVERHEAD_BYTES, CloseReason, Event, MAX_QUEUED_BYTES, Outbox, SessionError,
};
use super::event::{MessageKind, WsEvent, WsProblem};
use super::stream::WsStream;
use super::{
    MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_PING_BYTES, MAX_PINGS_PER_SEC, MESSAGES_PER_PASS,
    PING_EVENTS_PER_SEC,
};
use crate::text::PeerText;

/// The limits every WebSocket of the engine reads and writes with: the
/// message and frame limits of `ws/mod.rs` instead of tungstenite's 64 MiB,
/// and a write buffer that refuses more than a TCP connection's queue.
pub(super) fn websocket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES))
        .max_write_buffer_size(MAX_QUEUED_BYTES + MAX_FRAME_BYTES)
        // Written at once: the session loop flushes after every message.
        .write_buffer_size(0)
        // tungstenite zero-fills this much of its read buffer before each
        // read, so every connection that ever sent a byte holds it: at the
        // default 128 KiB, 4,096 clients of a server held 512 MiB.
        .read_buffer_size(READ_BUFFER_BYTES)
}

/// What one read of a WebSocket takes from its socket, and what every
/// connection keeps for it (see `websocket_config`).
const READ_BUFFER_BYTES: usize = 16 << 10;

pub(in crate::net) struct WsConn {
    ws: WebSocket<WsStream>,
    pub(super) peer: SocketAddr,
    pub(super) token: Token,
    /// Bytes handed to tungstenite since its last complete flush: what may
    /// still wait for the socket.
    unflushed: usize,
    writable_registered: bool,
    /// Reading stopped for the front end (see [`WsConn::read_available`]).
    read_paused: bool,
    /// Reading stopped after [`MESSAGES_PER_PASS`] messages: there may be
    /// more, and mio will not say so again.
    more_to_read: bool,
    closing: Option<Closing>,
    pings: ShownPerSecond,
    pongs: ShownPerSecond,
    /// The stream's read count when the last whole message (or close
    /// frame) came out: what was read since is held for a message not
    /// finished yet ([`WsConn::held`]).
    message_start: u64,
}

impl WsConn {
    pub(super) fn new(ws: WebSocket<WsStream>, peer: SocketAddr, token: Token) -> WsConn {
        let message_start = ws.get_ref().read_bytes();
        WsConn {
            message_start,
            ws,
            peer,
            token,
            unflushed: 0,
            writable_registered: false,
            read_paused: false,
            more_to_read: false,
            closing: None,
            pings: ShownPerSecond::new(PING_EVENTS_PER_SEC),
            pongs: ShownPerSecond::new(PING_EVENTS_PER_SEC),
        }
    }

    /// What came with the handshake is stamped no earlier than `at_us`,
    /// when the connection opened.
    pub(super) fn opened_at(&mut self, at_us: i64) {
        self.ws.get_mut().stamp_no_earlier_than(at_us);
    }

    /// Bytes that may still wait for the socket.
    pub(super) fn queued(&self) -> usize {
        self.unflushed
    }

    /// Bytes the peer sent since its last whole message: what tungstenite
    /// holds for it in frames and a message not finished yet. (Bytes it
    /// already read past the end of the last message count towards the
    /// next one only once a later message ends, so this may fall short by
    /// one read, never by a message.)
    pub(super) fn held(&self) -> usize {
        let held = self.ws.get_ref().read_bytes() - self.message_start;
        usize::try_from(held).unwrap_or(usize::MAX)
    }

    /// A whole message (or the close frame) came out: nothing is held.
    fn message_ended(&mut self) {
        self.message_start = self.ws.get_ref().read_bytes();
    }

    pub(super) fn read_paused(&self) -> bool {
        self.read_paused
    }

    /// Whether the last read pass stopped with messages possibly left.
    pub(super) fn more_to_read(&self) -> bool {
        self.more_to_read
    }

    /// Reads messages until the socket has nothing more, handing each
    /// text or binary message's bytes to `on_message` (the session core's
    /// inbox). Returns why the connection ended, if it did.
    ///
    /// A message is read only while the event budget has room for the
    /// largest one ([`MAX_MESSAGE_BYTES`]); otherwise reading stops with
    /// [`WsConn::read_paused`] set and the bytes stay in the kernel until
    /// the front end catches up.
    pub(super) fn read_available(
        &mut self,
        outbox: &Outbox,
        registry: &Registry,
        sink: &mut dyn ReadSink,
    ) -> Option<CloseReason> {
        self.read_paused = false;
        self.more_to_read = false;
        let ended = self.read_messages(outbox, sink);
        if ended.is_some() {
            return ended;
        }
        // Pongs and close replies tungstenite queued while reading go out
        // now, not with the next message.
        match self.flush(registry) {
            Ok(()) => None,
            Err(_) => Some(CloseReason::Reset),
        }
    }

    fn read_messages(&mut self, outbox: &Outbox, sink: &mut dyn ReadSink) -> Option<CloseReason> {
        // The room the front end left, read once a pass and counted down
        // here: it only grows meanwhile (the front end gives back), so
        // this never takes more than there is, without reading the
        // budget's shared counter for every message.
        let mut room = outbox.event_room();
        for _ in 0..MESSAGES_PER_PASS {
            if self.closing.as_ref().is_some_and(|closing| closing.broken) {
                return self.discard_input();
            }
            if room < MAX_MESSAGE_BYTES + CHUNK_OVERHEAD_BYTES {
                room = outbox.event_room();
                if room < MAX_MESSAGE_BYTES + CHUNK_OVERHEAD_BYTES {
                    self.read_paused = true;
                    return None;
                }
            }
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    self.message_ended();
                    room = room.saturating_sub(text.len() + CHUNK_OVERHEAD_BYTES);
                    sink.data(self.ws.get_ref().last_read_us(), text.as_bytes());
                }
                Ok(Message::Binary(bytes)) => {
                    self.message_ended();
                    room = room.saturating_sub(bytes.len() + CHUNK_OVERHEAD_BYTES);
                    sink.data(self.ws.get_ref().last_read_us(), &bytes);
                }
                Ok(Message::Ping(payload)) => {
                    let (shown, in_window) = self.pings.count();
                    if in_window > MAX_PINGS_PER_SEC {
                        sink.before_row();
                        self.fail(
                            WsProblem::PingFlood {
                                per_second: MAX_PINGS_PER_SEC,
                            },
                            outbox,
                        );
                        continue;
                    }
                    if let Some(unshown) = shown {
                        sink.before_row();
                        outbox.emit(Event::Ws(WsEvent::Ping {
                            peer: self.peer,
                            payload: PeerText::from_payload(&payload),
                            unshown,
                        }));
                    }
                }
                Ok(Message::Pong(payload)) => {
                    if let (Some(unshown), _) = self.pongs.count() {
                        sink.before_row();
                        outbox.emit(Event::Ws(WsEvent::Pong {
                            peer: self.peer,
                            payload: PeerText::from_payload(&payload),
                            unshown,
                        }));
                    }
                }
                Ok(Message::Close(frame)) => {
                    self.message_ended();
                    sink.before_row();
                    self.peer_closed(frame, outbox);
                }
                Ok(Message::Frame(_)) => {}
                Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => return None,
                Err(Error::Io(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(Error::ConnectionClosed | Error::AlreadyClosed) => {
                    return Some(self.close_reason());
                }
                Err(Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)) => {
                    return Some(CloseReason::ClosedByPeer);
                }
                Err(Error::Io(_)) => return Some(CloseReason::Reset),
                Err(error) => {
                    sink.before_row();
                    self.fail(problem_of(error), outbox);
                }
            }
        }
        self.more_to_read = true;
        None
    }

    /// Sends `bytes` as one message of `kind` (text only when they are
    /// UTF-8), or queues it while the socket is full.
    pub(super) fn send(
        &mut self,
        kind: MessageKind,
        bytes: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError> {
        let len = bytes.len();
        let message = match kind {
            MessageKind::Text => match String::from_utf8(bytes) {
                Ok(text) => Message::text(text),
                Err(not_text) => Message::binary(not_text.into_bytes()),
            },
            MessageKind::Binary => Message::binary(bytes),
        };
        self.send_message(message, len, registry)
    }

    /// Sends a ping; a payload over [`MAX_PING_BYTES`] (RFC 6455 5.5) is
    /// refused with a sentence.
    pub(super) fn ping(
        &mut self,
        payload: Vec<u8>,
        registry: &Registry,
    ) -> Result<(), SessionError> {
        let len = payload.len();
        if len > MAX_PING_BYTES {
            return Err(SessionError::Send {
                peer: self.peer,
                reason: format!("a ping carries at most {MAX_PING_BYTES} bytes"),
            });
        }
        self.send_message(Message::Ping(payload.into()), len, registry)
    }

    fn send_message(
        &mut self,
        message: Message,
        len: usize,
        registry: &Registry,
    ) -> Result<(), SessionError> {
        if self.closing.is_some() {
            return Err(SessionError::Send {
                peer: self.peer,
                reason: "the WebSocket is closing".to_owned(),
            });
        }
        if self.unflushed > 0 && self.unflushed + len > MAX_QUEUED_BYTES {
            return Err(SessionError::QueueFull {
                peer: self.peer,
                queued: self.unflushed,
            });
        }
        let peer = self.peer;
        let send_error = |reason: String| SessionError::Send { peer, reason };
        match self.ws.write(message) {
            Ok(()) => {}
            // The frame stays in tungstenite's buffer for the next flush.
            Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(Error::WriteBufferFull(_)) => {
                return Err(SessionError::QueueFull {
                    peer: self.peer,
                    queued: self.unflushed,
                });
            }
            Err(e) => return Err(send_error(e.to_string())),
        }
        self.unflushed += len;
        self.flush(registry).map_err(|e| send_error(e.to_string()))
    }

    /// Writes what tungstenite holds until the socket would block, and
    /// asks to be told when it is writable again if anything is left. A
    /// closing connection whose close frame went out shuts its side.
    pub(super) fn flush(&mut self, registry: &Registry) -> io::Result<()> {
        let pending = match self.ws.flush() {
            Ok(()) => {
                self.unflushed = 0;
                false
            }
            Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => true,
            // Closed while flushing (the server's side of a finished close
            // handshake): nothing is left to write.
            Err(Error::ConnectionClosed | Error::AlreadyClosed) => false,
            Err(Error::Io(e)) => return Err(e),
            Err(Error::Protocol(_)) => false,
            Err(e) => return Err(io::Error::other(e.to_string())),
        };
        if !pending
            && let Some(closing) = &mut self.closing
            && closing.by_us
            && !closing.shut
            && closing.broken
        {
            // After a protocol error nothing more is read as WebSocket:
            // ending our side lets the peer see the close frame, then the
            // end, and close its side.
            closing.shut = true;
            let _ = self.ws.get_mut().tcp().shutdown(std::net::Shutdown::Write);
        }
        if pending != self.writable_registered {
            let interest = if pending {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            registry.reregister(self.ws.get_mut().tcp(), self.token, interest)?;
            self.writable_registered = pending;
        }
        Ok(())
    }

    /// Stops watching the socket and shuts it down both ways.
    pub(super) fn close(&mut self, registry: &Registry) {
        let stream = self.ws.get_mut();
        let _ = registry.deregister(stream.tcp());
        stream.shutdown();
    }
}

/// The problem a read error means to a user.
fn problem_of(error: Error) -> WsProblem {
    match error {
        Error::Capacity(CapacityError::MessageTooLong { max_size, .. }) => {
            WsProblem::MessageTooBig { limit: max_size }
        }
        Error::Utf8(_) => WsProblem::InvalidUtf8,
        Error::Protocol(ProtocolError::UnmaskedFrameFromClient) => WsProblem::UnmaskedFrame,
        other => WsProblem::Other(PeerText::new(other.to_string())),
    }
}

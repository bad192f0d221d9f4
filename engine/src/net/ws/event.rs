//! What a WebSocket session tells its front end beyond the TCP events
//! ([`WsEvent`]), and the one choice a front end makes about outgoing
//! messages ([`MessageKind`]). A leaf: it imports no worker, so
//! `net::event` and `net::command` can carry these types.

use std::fmt;
use std::net::SocketAddr;

use super::super::rows::write_unshown;
use crate::text::PeerText;

/// How sent bytes become WebSocket messages.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum MessageKind {
    /// Bytes that are valid UTF-8 go as text messages, other bytes as
    /// binary messages.
    #[default]
    Text,
    /// Everything goes as binary messages (the window's HEX mode).
    Binary,
}

/// The close code sent or shown when a close frame carried none (RFC 6455
/// 7.4.1: "no status received").
pub const NO_STATUS_CODE: u16 = 1005;

/// Something that happened on a WebSocket connection; the data itself
/// still comes as `Event::Received` (one chunk per message) and
/// `Event::Sent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsEvent {
    /// The opening handshake finished. A client reports the server's
    /// response headers; a server reports the path the client asked for;
    /// both report the subprotocol chosen, if any.
    Handshake {
        peer: SocketAddr,
        path: PeerText,
        subprotocol: Option<PeerText>,
        headers: Vec<(PeerText, PeerText)>,
    },
    /// The peer sent a ping (already answered with a pong). `unshown`
    /// pings from it arrived since the last one shown and were answered
    /// without an event of their own ([`super::PING_EVENTS_PER_SEC`]).
    Ping {
        peer: SocketAddr,
        payload: PeerText,
        unshown: u64,
    },
    /// The peer answered a ping; `unshown` as for [`WsEvent::Ping`].
    Pong {
        peer: SocketAddr,
        payload: PeerText,
        unshown: u64,
    },
    /// A close frame: sent by us (`by_peer` false) or received. `code` is
    /// [`NO_STATUS_CODE`] when the frame carried none. A received one
    /// shows what the peer sent; `answered` is the code we answered with
    /// when it differs (1002 for a code a peer may not send, such as 999,
    /// 1005, 1006, 1015 or 5000).
    Closed {
        peer: SocketAddr,
        code: u16,
        reason: PeerText,
        by_peer: bool,
        answered: Option<u16>,
    },
    /// The peer broke the protocol or a limit; the connection is closed
    /// with the code that says why ([`WsProblem::close_code`]), or the
    /// handshake was refused.
    ProtocolError {
        peer: SocketAddr,
        problem: WsProblem,
    },
}

/// What went wrong on a WebSocket connection, typed so that each front end
/// can word it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsProblem {
    /// A message or frame larger than the limit ([`super::MAX_MESSAGE_BYTES`]).
    MessageTooBig { limit: usize },
    /// The server's clients together held more than `budget` bytes of
    /// messages not finished yet ([`super::MAX_HELD_BYTES`]); this one,
    /// the largest holder, was closed.
    HeldTooMuch { budget: usize, unshown: u64 },
    /// A text message that is not UTF-8.
    InvalidUtf8,
    /// A client sent a frame without a mask.
    UnmaskedFrame,
    /// More than [`super::MAX_PINGS_PER_SEC`] pings in a second.
    PingFlood { per_second: u32 },
    /// The server answered the opening handshake with this HTTP status
    /// instead of 101.
    HandshakeRefused { status: u16 },
    /// A client asked for a path this server does not serve (answered 404).
    PathNotServed { path: PeerText },
    /// A client did not finish its opening handshake in time.
    HandshakeTimeout { seconds: u64 },
    /// The server kept this many connections in their opening handshake,
    /// the most it keeps, and a new one came: this one, the oldest, made
    /// room. `unshown` as for [`super::super::tls::TlsProblem::PushedOut`].
    HandshakePushedOut { handshaking: usize, unshown: u64 },
    /// Any other protocol violation, in the library's words.
    Other(PeerText),
}

impl WsProblem {
    /// The close code that tells the peer why (RFC 6455 7.4.1); `None` for
    /// problems of the opening handshake, before there is a WebSocket.
    pub fn close_code(&self) -> Option<u16> {
        match self {
            WsProblem::MessageTooBig { .. } | WsProblem::HeldTooMuch { .. } => Some(1009),
            WsProblem::InvalidUtf8 => Some(1007),
            WsProblem::UnmaskedFrame | WsProblem::Other(_) => Some(1002),
            WsProblem::PingFlood { .. } => Some(1008),
            WsProblem::HandshakeRefused { .. }
            | WsProblem::PathNotServed { .. }
            | WsProblem::HandshakeTimeout { .. }
            | WsProblem::HandshakePushedOut { .. } => None,
        }
    }
}

impl fmt::Display for WsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WsProblem::MessageTooBig { limit } => {
                write!(f, "a message is larger than {limit} bytes, the limit")
            }
            WsProblem::HeldTooMuch { budget, unshown } => {
                write!(
                    f,
                    "the clients' unfinished messages held more than {budget} bytes together; this client held the most and was closed"
                )?;
                write_unshown(f, *unshown, "closed so")
            }
            WsProblem::InvalidUtf8 => f.write_str("a text message is not valid UTF-8"),
            WsProblem::UnmaskedFrame => f.write_str("the client sent a frame without a mask"),
            WsProblem::PingFlood { per_second } => {
                write!(f, "more than {per_second} pings in a second (a ping flood)")
            }
            WsProblem::HandshakeRefused { status } => write!(
                f,
                "the server refused the WebSocket handshake with HTTP {status}{}: check the URL's path",
                http_reason(*status)
            ),
            WsProblem::PathNotServed { path } => {
                write!(
                    f,
                    "asked for {path}, which this server does not serve (answered 404)"
                )
            }
            WsProblem::HandshakePushedOut {
                handshaking,
                unshown,
            } => {
                write!(
                    f,
                    "the client had not finished its WebSocket handshake when a newer one came and {handshaking} were under way, the most the server keeps: the oldest makes room"
                )?;
                write_unshown(f, *unshown, "pushed out")
            }
            WsProblem::HandshakeTimeout { seconds } => {
                write!(
                    f,
                    "did not finish the WebSocket handshake within {seconds} s"
                )
            }
            WsProblem::Other(text) => write!(f, "protocol error: {text}"),
        }
    }
}

/// The reason phrase of the common statuses, as " Not Found"; empty for
/// others.
fn http_reason(status: u16) -> &'static str {
    match status {
        400 => " Bad Request",
        401 => " Unauthorized",
        403 => " Forbidden",
        404 => " Not Found",
        426 => " Upgrade Required",
        500 => " Internal Server Error",
        503 => " Service Unavailable",
        _ => "",
    }
}

/// The English line after the CLI's `WS` keyword (see
/// `describe::Description::Ws`).
impl fmt::Display for WsEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WsEvent::Handshake {
                peer,
                path,
                subprotocol,
                headers,
            } => {
                write!(f, "HANDSHAKE {peer} {path}")?;
                if let Some(subprotocol) = subprotocol {
                    write!(f, " subprotocol {subprotocol}")?;
                }
                for (name, value) in headers {
                    write!(f, "; {name}: {value}")?;
                }
                Ok(())
            }
            WsEvent::Ping {
                peer,
                payload,
                unshown,
            } => {
                write!(f, "PING from {peer} '{payload}' (answered)")?;
                write_unshown(f, *unshown, "pings")
            }
            WsEvent::Pong {
                peer,
                payload,
                unshown,
            } => {
                write!(f, "PONG from {peer} '{payload}'")?;
                write_unshown(f, *unshown, "pongs")
            }
            WsEvent::Closed {
                peer,
                code,
                reason,
                by_peer,
                answered,
            } => {
                let who = if *by_peer { "by" } else { "to" };
                write!(f, "CLOSE {who} {peer} code {code}")?;
                if !reason.is_empty() {
                    write!(f, " '{reason}'")?;
                }
                match answered {
                    Some(answer) => write!(f, " (not a code a peer may send; answered {answer})"),
                    None => Ok(()),
                }
            }
            WsEvent::ProtocolError { peer, problem } => {
                write!(f, "PROTOCOL ERROR {peer}: {problem}")?;
                match problem.close_code() {
                    Some(code) => write!(f, " (closed with {code})"),
                    None => Ok(()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_escape_peer_text_and_name_the_close_code() {
        let peer: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        let closed = WsEvent::Closed {
            peer,
            code: 1000,
            reason: PeerText::new("bye\n\u{1b}[2J"),
            by_peer: true,
            answered: None,
        };
        let line = closed.to_string();
        assert!(line.starts_with("CLOSE by 127.0.0.1:9000 code 1000 'bye"));
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
        let refused_code = WsEvent::Closed {
            peer,
            code: 999,
            reason: PeerText::default(),
            by_peer: true,
            answered: Some(1002),
        };
        assert_eq!(
            refused_code.to_string(),
            "CLOSE by 127.0.0.1:9000 code 999 (not a code a peer may send; answered 1002)"
        );
        let too_big = WsEvent::ProtocolError {
            peer,
            problem: WsProblem::MessageTooBig { limit: 100 },
        };
        assert_eq!(
            too_big.to_string(),
            "PROTOCOL ERROR 127.0.0.1:9000: a message is larger than 100 bytes, the limit (closed with 1009)"
        );
        let refused = WsProblem::HandshakeRefused { status: 404 };
        assert!(refused.to_string().contains("HTTP 404 Not Found"));
    }
}

//! WebSocket sessions: their limits here, the URL and header parse rules
//! in `url.rs`, the events in `event.rs` (the configurations are in
//! `net/config.rs` with every session's). `client.rs` connects and opens,
//! `server/` starts each connection's handshake, and both then run the
//! engine's shared loops (`net/client_loop.rs`, `net/server/`) over
//! `wire.rs` (messages, a file as messages, close and ping), one
//! connection's state (`conn/`) and its stream (`stream.rs`): tungstenite
//! over the session's own non-blocking mio socket, on the session thread,
//! with no async runtime.

pub(crate) mod client;
mod close_tap;
mod conn;
pub mod event;
pub(crate) mod server;
mod stream;
mod url;
mod wire;

use std::time::Duration;

use super::budget::{MAX_EVENT_BYTES, RESUME_EVENT_BYTES};

// The configurations live with the other sessions' (`net/config.rs`),
// which names this module's URL: here they are only named again.
pub use super::config::{WsClientConfig, WsServerConfig};
pub use event::{MessageKind, NO_STATUS_CODE, WsEvent, WsProblem};
pub use url::{HeaderError, WsUrl, WsUrlError, is_token_char, parse_header_lines};

/// The largest message a WebSocket session takes (whole, after joining its
/// frames): an eighth of the event budget ([`MAX_EVENT_BYTES`], 32 MiB), so
/// that a message always fits once the front end is back under its resume
/// mark and one connection can hold at most this much in a message being
/// joined. A larger one closes the connection with 1009. (tungstenite's
/// own default, 64 MiB, is twice the whole budget.)
pub const MAX_MESSAGE_BYTES: usize = MAX_EVENT_BYTES / 8;

/// What the messages not finished yet of all of one server's clients may
/// hold together (frames read, a message being joined): 16 of the largest
/// messages. One over it closes the client holding the most with 1009, so
/// a crowd of clients that each send most of a message and wait holds at
/// most this much, not the message limit times the client limit (4 GiB at
/// 1,024 clients). A server given no such crowd still takes every message
/// up to the limit.
pub const MAX_HELD_BYTES: usize = 16 * MAX_MESSAGE_BYTES;

/// The largest single frame taken: the message limit, since a frame
/// larger than any message could not be part of one.
pub const MAX_FRAME_BYTES: usize = MAX_MESSAGE_BYTES;

// A largest message fits twice over once the front end is back under the
// resume mark, so a paused connection always resumes.
const _: () = assert!(MAX_MESSAGE_BYTES <= RESUME_EVENT_BYTES / 2);
const _: () = assert!(MAX_FRAME_BYTES <= MAX_MESSAGE_BYTES);

/// At most this many pings (and as many pongs) from one peer become
/// events in a second; the others are answered and counted in the next
/// one shown, so a ping flood cannot flood the log.
pub const PING_EVENTS_PER_SEC: u32 = 4;

/// A peer that sends more pings than this in a second is closed with 1008
/// (policy violation): answering them costs a write each.
pub const MAX_PINGS_PER_SEC: u32 = 1000;

/// How long a closing connection waits for the peer's close frame (or its
/// end of the stream) after ours before it is dropped.
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// At most this many messages are read from one connection in one pass of
/// the session loop, so one busy peer cannot keep the others waiting (a
/// batch's worth: `net::conn::BATCH_CHUNKS`).
pub const MESSAGES_PER_PASS: usize = 4096;

/// The most a ping's payload may hold (RFC 6455 5.5: control frames carry
/// at most 125 bytes).
pub const MAX_PING_BYTES: usize = 125;

/// Whether `code` may be sent in a close frame (RFC 6455 7.4): the
/// defined codes an endpoint may send, and 3000–4999 for applications.
pub fn check_close_code(code: u16) -> Result<(), CloseCodeError> {
    match code {
        1000..=1003 | 1007..=1011 | 3000..=4999 => Ok(()),
        _ => Err(CloseCodeError(code)),
    }
}

/// A close code that cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "close code {0} cannot be sent: use 1000 (normal), 1001 (going away), 1002, 1003, 1007–1011, or 3000–4999 for your own"
)]
pub struct CloseCodeError(pub u16);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::TcpServerConfig;

    #[test]
    fn close_codes_are_the_sendable_ones() {
        for code in [1000, 1001, 1003, 1007, 1011, 3000, 4999] {
            assert_eq!(check_close_code(code), Ok(()), "{code}");
        }
        for code in [0, 999, 1004, 1005, 1006, 1015, 2999, 5000] {
            assert_eq!(check_close_code(code), Err(CloseCodeError(code)), "{code}");
        }
        assert!(
            CloseCodeError(1005)
                .to_string()
                .starts_with("close code 1005 cannot be sent")
        );
    }

    #[test]
    fn a_server_serves_its_path_whatever_the_query_or_any_path_for_slash() {
        let mut config = WsServerConfig::new(TcpServerConfig::new(
            "127.0.0.1:0".parse().expect("a test address"),
            8,
        ));
        assert!(config.serves("/anything?x=1"));
        config.path = "/chat".to_owned();
        assert!(config.serves("/chat"));
        assert!(config.serves("/chat?room=1"));
        assert!(!config.serves("/chat/more"));
        assert!(!config.serves("/"));
        config.path = String::new();
        assert!(config.serves("/x"));
    }
}

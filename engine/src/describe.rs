//! One description of every event a session sends, for both front ends.
//!
//! A [`Description`] says what happened with typed fields (addresses,
//! counts, byte sizes, durations, reasons as enums, file names); text that
//! came from a peer is a [`PeerText`], so every front end shows it with
//! its control characters made visible. Its `Display` is the English line
//! with the keywords the CLI documents (`LISTENING`, `CONNECTED`, `ERROR`,
//! `DONE #1 …`); the window words the same description in its language.
//!
//! TFTP's `Finished` and `Failed` events carry only a transfer id, and a
//! file send's events carry no name; a [`Describer`] (one per session)
//! remembers the names, so every line says which file it is about.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use crate::log::LogPeer;
use crate::net::ws::WsEvent;
use crate::net::{CloseReason, Event, PEER_FINISHED, ReplyHeld, RxFileFailed, SessionError};
use crate::text::PeerText;
use crate::tftp::{TransferDirection, TransferEvent, TransferFailure};

/// What an event means to a person, with its fields typed.
#[derive(Clone, Debug, PartialEq)]
pub enum Description {
    /// Received or sent data: shown as RX/TX rows (`log::format_line`),
    /// never as a line of its own.
    Traffic,
    /// UDP bound, TCP server listening, TFTP server serving.
    Listening {
        local: SocketAddr,
    },
    /// A TCP client is trying this address (a state, not a line).
    Connecting {
        remote: SocketAddr,
    },
    Connected {
        peer: SocketAddr,
        at_ms: i64,
    },
    Disconnected {
        peer: SocketAddr,
        reason: CloseReason,
    },
    /// A TCP server's client finished sending (a half-close).
    PeerFinished {
        peer: SocketAddr,
    },
    /// UDP datagrams not kept because the front end was behind: totals
    /// since the session opened.
    RxDropped {
        datagrams: u64,
        bytes: u64,
    },
    /// Echo or auto-reply answers held back.
    ReplyHeld(ReplyHeld),
    /// Something went wrong; the session goes on.
    Error(SessionError),
    TransferStarted {
        id: u64,
        file: PeerText,
        peer: SocketAddr,
        direction: TransferDirection,
        size: Option<u64>,
    },
    /// A transfer's progress (a state, not a line).
    TransferProgress {
        id: u64,
        bytes: u64,
    },
    TransferDone {
        id: u64,
        file: PeerText,
        bytes: u64,
        elapsed: Duration,
    },
    TransferFailed {
        id: u64,
        file: PeerText,
        reason: TransferFailure,
    },
    LoopStopped {
        sent: u64,
    },
    Joined {
        group: IpAddr,
    },
    Left {
        group: IpAddr,
    },
    /// A file send goes on (a state, not a line).
    FileProgress {
        sent: u64,
        total: u64,
    },
    /// A file was sent whole. `file` is the name the front end gave
    /// ([`Describer::file_send_started`]), if it gave one.
    FileSent {
        file: Option<String>,
        bytes: u64,
    },
    /// A file send ended early.
    FileStopped {
        file: Option<String>,
        sent: u64,
        total: u64,
        reason: SessionError,
    },
    /// Receive to file stopped: a write failed.
    RxFileFailed(RxFileFailed),
    /// A WebSocket event, its fields typed (peer text as `PeerText`): the
    /// CLI's line starts with `WS`.
    Ws(WsEvent),
    /// A TLS handshake's outcome, the "ignore certificate errors" warning
    /// or a server's certificate (`describe/tls.rs` words it).
    Tls(crate::net::tls::TlsEvent),
    /// The session ended, with the error that ended it, if any.
    Closed {
        error: Option<SessionError>,
    },
}

impl Description {
    /// Whether this description is a line of its own in a log (RX/TX rows,
    /// progress and connection attempts are not).
    pub fn is_line(&self) -> bool {
        !matches!(
            self,
            Description::Traffic
                | Description::Connecting { .. }
                | Description::TransferProgress { .. }
                | Description::FileProgress { .. }
        )
    }
}

/// A peer's address as people know it: a dual-stack socket sees IPv4 peers
/// as `::ffff:a.b.c.d`, shown as `a.b.c.d` (the log's rule).
pub fn shown_addr(addr: SocketAddr) -> LogPeer {
    LogPeer::Addr(addr)
}

/// The unit a byte rate is shown in: the largest one the rate reaches, so
/// that a person reads "2.0 KiB/s", not "2048 B/s". One rule for the
/// transfer rates in the log and for the window's rate plot, whose axis
/// takes the unit its highest value reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateUnit {
    BytesPerSec,
    KibibytesPerSec,
    MebibytesPerSec,
}

impl RateUnit {
    /// The unit for a rate (or for the highest rate a plot shows).
    pub fn for_bytes_per_sec(per_sec: f64) -> RateUnit {
        const KIB: f64 = 1024.0;
        if per_sec >= KIB * KIB {
            RateUnit::MebibytesPerSec
        } else if per_sec >= KIB {
            RateUnit::KibibytesPerSec
        } else {
            RateUnit::BytesPerSec
        }
    }

    /// How many bytes per second make one of this unit.
    pub fn bytes_per_unit(self) -> f64 {
        match self {
            RateUnit::BytesPerSec => 1.0,
            RateUnit::KibibytesPerSec => 1024.0,
            RateUnit::MebibytesPerSec => 1024.0 * 1024.0,
        }
    }

    /// The unit's symbol, the same in every language.
    pub fn symbol(self) -> &'static str {
        match self {
            RateUnit::BytesPerSec => "B/s",
            RateUnit::KibibytesPerSec => "KiB/s",
            RateUnit::MebibytesPerSec => "MiB/s",
        }
    }
}

/// A transfer rate with a unit a person reads at a glance.
pub fn rate_text(bytes: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 {
        return "instant".to_owned();
    }
    let per_sec = bytes as f64 / secs;
    let unit = RateUnit::for_bytes_per_sec(per_sec);
    let value = per_sec / unit.bytes_per_unit();
    match unit {
        RateUnit::MebibytesPerSec => format!("{value:.2} {}", unit.symbol()),
        RateUnit::KibibytesPerSec => format!("{value:.1} {}", unit.symbol()),
        RateUnit::BytesPerSec => format!("{value:.0} {}", unit.symbol()),
    }
}

/// The English line, with the keywords the CLI documents (README, "Command
/// line"). Descriptions that are not lines ([`Description::is_line`]) print
/// nothing.
impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Description::Traffic
            | Description::Connecting { .. }
            | Description::TransferProgress { .. }
            | Description::FileProgress { .. } => Ok(()),
            Description::Listening { local } => write!(f, "LISTENING {local}"),
            Description::Connected { peer, .. } => write!(f, "CONNECTED {}", shown_addr(*peer)),
            Description::Disconnected { peer, reason } => write!(
                f,
                "DISCONNECTED {} ({})",
                shown_addr(*peer),
                reason.describe()
            ),
            Description::PeerFinished { peer } => {
                write!(f, "FINISHED {} ({PEER_FINISHED})", shown_addr(*peer))
            }
            Description::RxDropped { datagrams, bytes } => write!(
                f,
                "DROPPED {datagrams} datagrams ({bytes} bytes) not kept so far: the output fell behind"
            ),
            Description::ReplyHeld(held) => write!(f, "LIMITED {held}"),
            Description::Error(error) => write!(f, "ERROR {error}"),
            Description::TransferStarted {
                id,
                file,
                peer,
                direction,
                size,
            } => {
                let way = match direction {
                    TransferDirection::Send => "send to",
                    TransferDirection::Receive => "receive from",
                };
                write!(f, "START #{id} {file} {way} {peer}")?;
                match size {
                    Some(size) => write!(f, ", {size} bytes"),
                    None => Ok(()),
                }
            }
            Description::TransferDone {
                id,
                file,
                bytes,
                elapsed,
            } => write!(
                f,
                "DONE #{id} {file} {bytes} bytes in {:.3} s ({})",
                elapsed.as_secs_f64(),
                rate_text(*bytes, *elapsed)
            ),
            Description::TransferFailed { id, file, reason } => {
                write!(f, "FAILED #{id} {file}: {reason}")
            }
            Description::LoopStopped { sent } => write!(f, "LOOP STOPPED after {sent} sends"),
            Description::Joined { group } => write!(f, "JOINED {group}"),
            Description::Left { group } => write!(f, "LEFT {group}"),
            Description::FileSent { file, bytes } => match file {
                Some(file) => write!(f, "FILE SENT {file} {bytes} bytes"),
                None => write!(f, "FILE SENT {bytes} bytes"),
            },
            Description::FileStopped {
                file,
                sent,
                total,
                reason,
            } => match file {
                Some(file) => write!(
                    f,
                    "FILE STOPPED {file} at {sent} of {total} bytes: {reason}"
                ),
                None => write!(f, "FILE STOPPED at {sent} of {total} bytes: {reason}"),
            },
            Description::RxFileFailed(failed) => write!(f, "ERROR {failed}"),
            Description::Ws(event) => write!(f, "WS {event}"),
            Description::Tls(tls) => write!(f, "{tls}"),
            Description::Closed { error: None } => f.write_str("CLOSED"),
            Description::Closed { error: Some(error) } => write!(f, "ERROR {error}"),
        }
    }
}

/// Turns one session's events into descriptions, remembering what the
/// events themselves do not repeat: the file of each TFTP transfer (from
/// its start until it ends) and the file being sent.
#[derive(Debug, Default)]
pub struct Describer {
    transfer_files: HashMap<u64, PeerText>,
    sending_file: Option<String>,
}

impl Describer {
    pub fn new() -> Describer {
        Describer::default()
    }

    /// The front end asked the session to send this file: its name goes
    /// into the `FILE SENT` / `FILE STOPPED` line.
    pub fn file_send_started(&mut self, path: &Path) {
        self.sending_file = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
    }

    /// The description of `event`. Every variant of [`Event`] is matched
    /// here by name, so a new event cannot be added without one.
    pub fn describe(&mut self, event: &Event) -> Description {
        match event {
            Event::Opened { local } => Description::Listening { local: *local },
            Event::Connecting { remote } => Description::Connecting { remote: *remote },
            Event::Connected { peer, at_ms, .. } => Description::Connected {
                peer: *peer,
                at_ms: *at_ms,
            },
            Event::Received(_) | Event::Sent { .. } => Description::Traffic,
            Event::RxDropped(dropped) => Description::RxDropped {
                datagrams: dropped.datagrams,
                bytes: dropped.bytes,
            },
            Event::Disconnected { peer, reason } => Description::Disconnected {
                peer: *peer,
                reason: *reason,
            },
            Event::PeerFinished { peer } => Description::PeerFinished { peer: *peer },
            Event::ReplyHeld(held) => Description::ReplyHeld(held.clone()),
            Event::Error(error) => Description::Error(error.clone()),
            Event::Transfer(transfer) => self.describe_transfer(transfer),
            Event::LoopStopped { sent } => Description::LoopStopped { sent: *sent },
            Event::Joined(join) => Description::Joined { group: join.group },
            Event::Left(join) => Description::Left { group: join.group },
            Event::FileProgress { sent, total } if sent == total => Description::FileSent {
                file: self.sending_file.take(),
                bytes: *total,
            },
            Event::FileProgress { sent, total } => Description::FileProgress {
                sent: *sent,
                total: *total,
            },
            Event::FileAborted {
                sent,
                total,
                reason,
            } => Description::FileStopped {
                file: self.sending_file.take(),
                sent: *sent,
                total: *total,
                reason: reason.clone(),
            },
            Event::RxFileFailed(failed) => Description::RxFileFailed(failed.clone()),
            Event::Ws(event) => Description::Ws(event.clone()),
            Event::Tls(tls) => Description::Tls(tls.clone()),
            Event::Stopped(error) => {
                self.transfer_files.clear();
                self.sending_file = None;
                Description::Closed {
                    error: error.clone(),
                }
            }
        }
    }

    fn describe_transfer(&mut self, transfer: &TransferEvent) -> Description {
        match transfer {
            TransferEvent::Started {
                id,
                file,
                peer,
                direction,
                size,
            } => {
                self.transfer_files.insert(*id, file.clone());
                Description::TransferStarted {
                    id: *id,
                    file: file.clone(),
                    peer: *peer,
                    direction: *direction,
                    size: *size,
                }
            }
            TransferEvent::Progress { id, bytes } => Description::TransferProgress {
                id: *id,
                bytes: *bytes,
            },
            TransferEvent::Finished { id, bytes, elapsed } => Description::TransferDone {
                id: *id,
                file: self.transfer_files.remove(id).unwrap_or_default(),
                bytes: *bytes,
                elapsed: *elapsed,
            },
            TransferEvent::Failed { id, reason } => Description::TransferFailed {
                id: *id,
                file: self.transfer_files.remove(id).unwrap_or_default(),
                reason: reason.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests;
mod tls;

pub use tls::cert_date;

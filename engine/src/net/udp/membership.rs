//! Joining and leaving multicast groups on a UDP session's socket, with
//! the outcome said as an event.

use std::io;
use std::net::SocketAddr;

use mio::net::UdpSocket;
use socket2::SockRef;

use super::super::multicast::{self, ResolvedJoin};
use super::super::{Event, MulticastJoin, Outbox, SessionError};

/// Joins (`member`) or leaves a group; reports the outcome as an event and
/// returns the resolved join when it worked.
pub fn change(
    socket: &UdpSocket,
    local: SocketAddr,
    join: MulticastJoin,
    member: bool,
    outbox: &Outbox,
) -> Option<ResolvedJoin> {
    let interfaces = if multicast::needs_interfaces(&join) {
        match multicast::interfaces() {
            Ok(list) => list,
            Err(e) => {
                outbox.emit(Event::Error(e));
                return None;
            }
        }
    } else {
        Vec::new()
    };
    let resolved = match multicast::resolve_join(&join, local, &interfaces) {
        Ok(resolved) => resolved,
        Err(e) => {
            outbox.emit(Event::Error(e));
            return None;
        }
    };
    match multicast::apply(SockRef::from(socket), resolved, member) {
        Ok(()) => {
            outbox.emit(if member {
                Event::Joined(join)
            } else {
                Event::Left(join)
            });
            Some(resolved)
        }
        Err(e) => {
            outbox.emit(Event::Error(membership_error(join, member, &e)));
            None
        }
    }
}

/// Words the two errors a user causes: joining twice, leaving a group that
/// was not joined.
fn membership_error(join: MulticastJoin, member: bool, error: &io::Error) -> SessionError {
    let group = join.group;
    match (member, error.kind()) {
        (true, io::ErrorKind::AddrInUse) => SessionError::Join {
            group,
            reason: "this session is already a member".to_owned(),
        },
        (true, _) => SessionError::Join {
            group,
            reason: error.to_string(),
        },
        (false, io::ErrorKind::AddrNotAvailable) => SessionError::Leave {
            group,
            reason: "this session is not a member".to_owned(),
        },
        (false, _) => SessionError::Leave {
            group,
            reason: error.to_string(),
        },
    }
}

//! One attempt's socket: bound for the server's address family, watched
//! for as long as the exchange runs, and given back to the poller after.

use std::net::SocketAddr;

use mio::net::UdpSocket;
use mio::{Interest, Poll, Token};

use super::{Attempt, Session};
use crate::net::Command;
use crate::tftp::TransferFailure;
use crate::tftp::sock;

const SOCKET: Token = Token(0);

impl Session<'_> {
    pub(super) fn run(
        &mut self,
        poll: &mut Poll,
        commands: &crossbeam_channel::Receiver<Command>,
    ) -> Result<Attempt, TransferFailure> {
        let local = SocketAddr::new(sock::unspecified_like(self.server), 0);
        let blksize = usize::from(self.asked.blksize.unwrap_or(512));
        let buffer = sock::buffer_for(blksize, self.asked.windowsize.unwrap_or(1));
        let std_socket = match sock::bind(local, buffer) {
            Ok(socket) => socket,
            // A machine without IPv6 cannot even open a socket for ::1;
            // the name's other addresses may still work.
            Err(_) if self.first_reply_budget.is_some() => return Ok(Attempt::NoAnswer),
            Err(e) => {
                return Err(TransferFailure::OpenSocket {
                    reason: e.to_string(),
                });
            }
        };
        let mut socket = UdpSocket::from_std(std_socket);
        poll.registry()
            .register(&mut socket, SOCKET, Interest::READABLE)
            .map_err(|e| TransferFailure::WatchSocket {
                reason: e.to_string(),
            })?;
        let result = self.exchange(poll, &mut socket, commands);
        let _ = poll.registry().deregister(&mut socket);
        result
    }
}

//! Carrying out what a transfer's state machine asks for: packets on its
//! socket, bytes into the upload's file, and events for the front end.

use std::io;
use std::time::Instant;

use super::Active;
use crate::net::Outbox;
use crate::tftp::TransferFailure;
use crate::tftp::files::{CommitError, Durability};
use crate::tftp::sock;
use crate::tftp::transfer::Output;
use crate::tftp::wire::{self, ErrorCode};

/// Carries out a transfer's outputs; a failure to write the file ends the
/// transfer with an error packet, whose own outputs are carried out too.
pub(super) fn handle(active: &mut Active, outputs: Vec<Output>, outbox: &Outbox, now: Instant) {
    let mut queue = std::collections::VecDeque::from(outputs);
    while let Some(output) = queue.pop_front() {
        match output {
            Output::Send(packet) => {
                // A full send buffer drops the packet; the retransmission
                // timer recovers it as it would a loss on the wire. A closed
                // peer port may be reported here instead of on receive.
                if let Err(e) = active.socket.send(&packet)
                    && sock::is_peer_gone(&e)
                {
                    queue.extend(active.transfer.on_peer_gone());
                }
            }
            Output::Write(bytes) => {
                let written = match &mut active.incoming {
                    Some(incoming) => incoming.write(&bytes),
                    None => Ok(()),
                };
                if let Err(e) = written {
                    let (code, reason) = if e.kind() == io::ErrorKind::StorageFull {
                        (ErrorCode::DiskFull, TransferFailure::DiskFull)
                    } else {
                        (ErrorCode::Undefined, TransferFailure::WriteFile)
                    };
                    queue.clear();
                    queue.extend(active.transfer.abort(code, reason));
                }
            }
            Output::Progress(bytes) => active.reporter.progress(outbox, bytes, now),
            Output::SizeKnown(_) => {}
            Output::Done { bytes, .. } => {
                let committed = match active.incoming.take() {
                    Some(incoming) => incoming.commit(Durability::OnDisk),
                    None => Ok(()),
                };
                match committed {
                    Ok(()) => active.reporter.finished(outbox, bytes, now),
                    Err(e) => {
                        // The final ACK must not claim a file that is not
                        // stored: the peer gets an error instead.
                        queue.clear();
                        let (code, message) = match e {
                            CommitError::Exists => (ErrorCode::FileExists, "file already exists"),
                            // The last bytes are flushed only now, so a
                            // disk that fills up shows here too.
                            _ if e.is_disk_full() => (ErrorCode::DiskFull, "disk full"),
                            CommitError::Io(_) => (ErrorCode::Undefined, "cannot store the file"),
                        };
                        let _ = active.socket.send(&wire::error_packet(code, message));
                        active.reporter.failed(outbox, TransferFailure::from(e));
                    }
                }
            }
            Output::Failed { reason, .. } => {
                // Dropping the incoming file removes the partial upload.
                active.incoming = None;
                active.reporter.failed(outbox, reason);
            }
        }
    }
}

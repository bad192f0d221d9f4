//! The exchange of one attempt: the request, then packets in and out
//! until the transfer is done, fails, is cancelled, or gets no answer.

use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use mio::net::UdpSocket;
use mio::{Events, Poll};

use super::{Attempt, Session};
use crate::net::{Command, SessionError};
use crate::tftp::files::{self, Durability, Incoming};
use crate::tftp::options;
use crate::tftp::sock;
use crate::tftp::transfer::{Limits, Output, Transfer};
use crate::tftp::wire::{self, ErrorCode, Packet, RequestKind, TftpOption};
use crate::tftp::{ClientOp, Mode, TransferFailure};

impl Session<'_> {
    pub(super) fn exchange(
        &mut self,
        poll: &mut Poll,
        socket: &mut UdpSocket,
        commands: &crossbeam_channel::Receiver<Command>,
    ) -> Result<Attempt, TransferFailure> {
        let kind = match self.config.op {
            ClientOp::Get { .. } => RequestKind::Read,
            ClientOp::Put { .. } => RequestKind::Write,
        };
        let (source, mut incoming): (Option<Box<dyn io::Read + Send>>, _) = match kind {
            RequestKind::Read => {
                let incoming = Incoming::create(self.local_path, true).map_err(|e| {
                    TransferFailure::CreateFile {
                        folder: folder_of(self.local_path).to_owned(),
                        reason: e.to_string(),
                    }
                })?;
                (None, Some(incoming))
            }
            RequestKind::Write => {
                let file = File::open(self.local_path).map_err(|e| TransferFailure::ReadLocal {
                    path: self.local_path.to_owned(),
                    reason: e.to_string(),
                })?;
                (
                    // The server may grant a smaller block than asked;
                    // either source reads any size correctly.
                    Some(files::block_source(
                        file,
                        usize::from(self.asked.blksize.unwrap_or(512)),
                    )),
                    None,
                )
            }
        };
        let option_list = self.asked.to_options();
        let request = Packet::Request {
            kind,
            filename: self.wire_name,
            mode: options::mode_name(self.config.mode),
            options: option_list
                .iter()
                .map(|(name, value)| TftpOption { name, value })
                .collect(),
        }
        .to_bytes();
        let now = Instant::now();
        let started = now;
        let (mut transfer, outputs) = Transfer::client(
            request,
            self.asked,
            self.config.mode,
            source,
            Limits::default(),
            now,
        );
        // The server answers from a new port (its transfer ID); until then
        // requests go to the well-known one.
        let mut peer: Option<SocketAddr> = None;
        let mut announced_size = None;
        let mut pending = outputs;
        let mut events = Events::with_capacity(64);
        let mut buf = vec![0u8; 65_536];
        let mut done = false;
        let mut spinner = sock::Spinner::default();
        // Set when reading stopped to send an answer first; the socket may
        // hold more, which mio will not report again.
        let mut more_to_read = false;
        loop {
            let now = Instant::now();
            for output in std::mem::take(&mut pending) {
                match output {
                    Output::Send(packet) => {
                        let _ = match peer {
                            Some(_) => socket.send(&packet),
                            None => socket.send_to(&packet, self.server),
                        };
                    }
                    Output::Write(bytes) => {
                        if let Some(file) = &mut incoming
                            && let Err(e) = file.write(&bytes)
                        {
                            let _ = socket.send(&wire::error_packet(
                                ErrorCode::DiskFull,
                                "cannot write the file",
                            ));
                            return Err(TransferFailure::WriteLocal {
                                path: self.local_path.to_owned(),
                                reason: e.to_string(),
                            });
                        }
                    }
                    Output::Progress(bytes) => self.reporter.progress(self.outbox, bytes, now),
                    Output::SizeKnown(size) => announced_size = Some(size),
                    Output::Done { bytes, .. } => {
                        // A download is checked and stored before its final
                        // ACK goes out (the next output).
                        if let Some(expected) =
                            announced_size.filter(|_| self.config.mode == Mode::Octet)
                            && expected != bytes
                        {
                            let _ = socket.send(&wire::error_packet(
                                ErrorCode::Undefined,
                                "size differs from tsize",
                            ));
                            return Err(TransferFailure::SizeDiffers {
                                expected,
                                got: bytes,
                            });
                        }
                        if let Some(file) = incoming.take() {
                            file.commit(Durability::Cached)
                                .map_err(TransferFailure::from)?;
                        }
                        self.reporter.finished(self.outbox, bytes, now);
                        done = true;
                    }
                    Output::Failed { reason, peer_code } => {
                        if peer_code == Some(ErrorCode::OptionsRefused) {
                            return Ok(Attempt::OptionsRefused);
                        }
                        return Err(reason);
                    }
                }
            }
            if done {
                return Ok(Attempt::Done);
            }
            transfer.read_ahead();
            let give_up_at = self
                .first_reply_budget
                .filter(|_| transfer.awaiting_first_reply())
                .map(|budget| started + budget);
            let deadline = [
                transfer.next_deadline(),
                self.reporter.next_flush(),
                give_up_at,
            ]
            .into_iter()
            .flatten()
            .min();
            // With more to read there is nothing to wait for: the socket is
            // read below whatever the poller says, and commands are looked
            // at without it.
            let timeout = deadline.map(|at| at.saturating_duration_since(Instant::now()));
            if !more_to_read
                && let Err(e) = spinner.wait(poll, &mut events, timeout, true)
                && e.kind() != io::ErrorKind::Interrupted
            {
                return Err(TransferFailure::WaitSocket {
                    reason: e.to_string(),
                });
            }
            while let Ok(command) = commands.try_recv() {
                match command {
                    Command::Close => {
                        self.send_abort(socket, peer, &mut transfer);
                        self.reporter
                            .failed(self.outbox, TransferFailure::Cancelled);
                        return Ok(Attempt::Closed);
                    }
                    Command::CancelTransfer(_) => {
                        self.send_abort(socket, peer, &mut transfer);
                        return Err(TransferFailure::Cancelled);
                    }
                    // Byte-stream commands mean nothing to a TFTP transfer.
                    _ => {
                        self.outbox
                            .emit(crate::net::Event::Error(SessionError::Unsupported));
                    }
                }
            }
            let now = Instant::now();
            // Read until the socket is empty (mio reports readiness only
            // once per arrival), or until a packet needs an answer: in a
            // lockstep transfer the ACK goes out before anything else.
            more_to_read = false;
            loop {
                if pending.iter().any(|o| matches!(o, Output::Send(_))) {
                    more_to_read = true;
                    break;
                }
                match socket.recv_from(&mut buf) {
                    Ok((n, from)) => match peer {
                        Some(peer) if from != peer => {
                            let _ = socket.send_to(
                                &wire::error_packet(ErrorCode::UnknownTid, "unknown transfer ID"),
                                from,
                            );
                        }
                        Some(_) => pending.extend(transfer.on_packet(&buf[..n], now)),
                        None if from.ip() == self.server.ip() => {
                            let outputs = transfer.on_packet(&buf[..n], now);
                            if !transfer.awaiting_first_reply() {
                                peer = Some(from);
                                socket.connect(from).map_err(|e| TransferFailure::TalkTo {
                                    peer: from,
                                    reason: e.to_string(),
                                })?;
                            }
                            pending.extend(outputs);
                        }
                        None => {}
                    },
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if sock::is_peer_gone(&e) && peer.is_none() => {
                        if self.first_reply_budget.is_some() {
                            return Ok(Attempt::NoAnswer);
                        }
                        return Err(TransferFailure::NoServer {
                            server: self.server,
                        });
                    }
                    Err(e) if sock::is_peer_gone(&e) => pending.extend(transfer.on_peer_gone()),
                    Err(e) => {
                        return Err(TransferFailure::Receive {
                            reason: e.to_string(),
                        });
                    }
                }
            }
            if give_up_at.is_some_and(|at| now >= at) && transfer.awaiting_first_reply() {
                return Ok(Attempt::NoAnswer);
            }
            if transfer.next_deadline().is_some_and(|at| now >= at) {
                pending.extend(transfer.on_timeout(now));
            }
            self.reporter.flush(self.outbox, now);
        }
    }

    fn send_abort(&self, socket: &UdpSocket, peer: Option<SocketAddr>, transfer: &mut Transfer) {
        for output in transfer.abort(ErrorCode::Undefined, TransferFailure::CancelledByClient) {
            if let (Output::Send(packet), Some(_)) = (output, peer) {
                let _ = socket.send(&packet);
            }
        }
    }
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

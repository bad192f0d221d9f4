//! The TFTP client's shell: one socket, one file, the clock.

use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};

use super::files::{self, Durability, Incoming};
use super::options::{self, Asked};
use super::report::Reporter;
use super::sock;
use super::transfer::{Limits, Output, Transfer};
use super::wire::{self, ErrorCode, Packet, RequestKind, TftpOption};
use super::{ClientConfig, ClientOp, Mode, TransferDirection, TransferFailure};
use crate::net::{Command, Outbox, SessionError, WorkerContext};

const SOCKET: Token = Token(0);
/// The id of the client's one transfer in its events.
const TRANSFER_ID: u64 = 1;

/// How one attempt ended.
enum Attempt {
    Done,
    /// The server refused the options (error 8): try once without them.
    OptionsRefused,
    /// The user closed the session.
    Closed,
    /// This address did not answer in time; another may.
    NoAnswer,
}

/// How long an address that is not the last one has to answer the request.
const FIRST_REPLY_BUDGET: std::time::Duration = std::time::Duration::from_millis(2500);

pub fn run(config: ClientConfig, context: WorkerContext) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    // A name may have several addresses (localhost: ::1 and 127.0.0.1);
    // each but the last gets a short time to answer before the next.
    let addresses = config.remote.resolve()?;
    let server = *addresses
        .first()
        .ok_or_else(|| SessionError::TftpNoAddress {
            host: config.remote.host.clone(),
        })?;
    let mut next_address = 0;
    let (direction, remote_name, local_path) = match &config.op {
        ClientOp::Get {
            remote_name,
            local_dir,
        } => (
            TransferDirection::Receive,
            remote_name.clone(),
            local_dir.join(download_name(remote_name)?),
        ),
        ClientOp::Put {
            local_file,
            remote_name,
        } => (
            TransferDirection::Send,
            remote_name.clone(),
            local_file.clone(),
        ),
    };
    let size = match direction {
        TransferDirection::Send => Some(
            std::fs::metadata(&local_path)
                .map_err(|e| SessionError::FileRead {
                    path: local_path.display().to_string(),
                    reason: e.to_string(),
                })?
                .len(),
        ),
        TransferDirection::Receive => None,
    };
    let mut reporter = Reporter::start(
        &outbox,
        TRANSFER_ID,
        remote_name.clone(),
        server,
        direction,
        size,
        Instant::now(),
    );
    let mut asked = asked_options(&config, size);
    loop {
        let server = addresses[next_address.min(addresses.len() - 1)];
        let is_last_address = next_address + 1 >= addresses.len();
        let attempt = Session {
            config: &config,
            server,
            first_reply_budget: (!is_last_address).then_some(FIRST_REPLY_BUDGET),
            remote_name: &remote_name,
            local_path: &local_path,
            asked,
            outbox: &outbox,
            reporter: &mut reporter,
        }
        .run(&mut poll, &commands);
        match attempt {
            Ok(Attempt::Done) | Ok(Attempt::Closed) => return Ok(()),
            Ok(Attempt::NoAnswer) => next_address += 1,
            Ok(Attempt::OptionsRefused) if !asked.is_empty() => asked = Asked::default(),
            Ok(Attempt::OptionsRefused) => {
                let reason = TransferFailure::ServerRefusedOptions;
                reporter.failed(&outbox, reason.clone());
                return Err(SessionError::Tftp(reason));
            }
            Err(reason) => {
                reporter.failed(&outbox, reason.clone());
                return Err(SessionError::Tftp(reason));
            }
        }
    }
}

/// The local name for a download: the last part of the remote name, which
/// must be a plain file name.
fn download_name(remote_name: &str) -> Result<String, SessionError> {
    let name = remote_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    if name.is_empty() || name == "." || name == ".." || name.contains(':') {
        return Err(SessionError::TftpNoFileName {
            name: remote_name.to_owned(),
        });
    }
    Ok(name.to_owned())
}

fn asked_options(config: &ClientConfig, size: Option<u64>) -> Asked {
    let options = &config.options;
    Asked {
        blksize: options.blksize,
        windowsize: options.windowsize,
        timeout_secs: options.timeout_secs,
        // In netascii the size on the wire is not the file's size.
        tsize: match (options.tsize, config.mode, size) {
            (false, _, _) | (true, Mode::Netascii, Some(_)) => None,
            (true, _, size) => Some(size.unwrap_or(0)),
        },
    }
}

struct Session<'a> {
    config: &'a ClientConfig,
    server: SocketAddr,
    /// When set, no answer within this time gives up on this address.
    first_reply_budget: Option<std::time::Duration>,
    remote_name: &'a str,
    local_path: &'a Path,
    asked: Asked,
    outbox: &'a Outbox,
    reporter: &'a mut Reporter,
}

impl Session<'_> {
    fn run(
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

    fn exchange(
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
            filename: self.remote_name,
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

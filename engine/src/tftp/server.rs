//! The TFTP server's shell: the listening socket, one socket per transfer,
//! the files, and the clock. The protocol itself is in `transfer`.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Token};

use super::files::{self, CommitError, Durability, Incoming};
use super::limits::{self, AddressKey, RateLimiter, SlotRefusal, Slots};
use super::options::{self, Negotiation};
use super::paths::Refusal;
use super::report::Reporter;
use super::root::Root;
use super::sock;
use super::transfer::{Limits, Output, Transfer};
use super::wire::{self, ErrorCode, Packet, RequestKind, TftpOption};
use super::{ServerConfig, TransferDirection, TransferFailure};
use crate::net::{Command, Event, Outbox, SessionError, TftpRequest, WorkerContext};
use crate::text::PeerText;

const LISTENER: Token = Token(0);
/// Datagrams read from one socket before others get their turn.
const READS_PER_PASS: usize = 256;
/// How often refusals that could not be shown one by one are offered again.
const REPORT_RETRY: Duration = Duration::from_millis(100);

struct Active {
    socket: UdpSocket,
    peer: SocketAddr,
    transfer: Transfer,
    reporter: Reporter,
    /// Where an upload is written; `None` for a download.
    incoming: Option<Incoming>,
}

struct Server {
    config: ServerConfig,
    /// The served folder, held open: every file is opened relative to it.
    root: Root,
    local: SocketAddr,
    listener: UdpSocket,
    transfers: HashMap<Token, Active>,
    next_id: u64,
    limiter: RateLimiter,
    /// Which transfer holds a slot for which address, and which still
    /// wait for their peer's first answer.
    slots: Slots,
    outbox: Outbox,
    /// Requests refused while too many events waited for the front end
    /// (`net::MAX_EVENTS_WAITING`), not yet reported.
    refusals_unreported: u64,
}

pub fn run(config: ServerConfig, context: WorkerContext) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    let cannot_serve = |e: io::Error| SessionError::TftpFolder {
        folder: config.root.clone(),
        reason: e.to_string(),
    };
    let root = config.root.canonicalize().map_err(cannot_serve)?;
    if !root.is_dir() {
        return Err(SessionError::TftpNotAFolder {
            folder: config.root.clone(),
        });
    }
    let root = Root::open(&root).map_err(cannot_serve)?;
    // Uploads cut short by a crash left their temporary files; this
    // server's names say which are ours.
    root.remove_leftovers();
    let std_socket =
        sock::bind(config.local, 1 << 20).map_err(|e| SessionError::bind(config.local, &e))?;
    let local = std_socket
        .local_addr()
        .map_err(|e| SessionError::io("cannot read the bound address", &e))?;
    let mut listener = UdpSocket::from_std(std_socket);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .map_err(|e| SessionError::io("cannot watch the socket", &e))?;
    outbox.emit(Event::Opened { local });
    let slots = Slots::new(config.max_transfers, config.max_transfers_per_address);
    let mut server = Server {
        config,
        root,
        local,
        listener,
        transfers: HashMap::new(),
        next_id: 1,
        limiter: RateLimiter::new(limits::RATE_TABLE_ENTRIES, Instant::now()),
        slots,
        outbox,
        refusals_unreported: 0,
    };
    let mut events = Events::with_capacity(256);
    let mut buf = vec![0u8; 65_536];
    let mut unread: Vec<Token> = Vec::new();
    let mut spinner = sock::Spinner::default();
    loop {
        let timeout = if unread.is_empty() {
            server
                .next_wakeup()
                .map(|at| at.saturating_duration_since(Instant::now()))
        } else {
            Some(Duration::ZERO)
        };
        let busy = server.transfers.values().any(|a| !a.transfer.is_closed());
        if let Err(e) = spinner.wait(&mut poll, &mut events, timeout, busy)
            && e.kind() != io::ErrorKind::Interrupted
        {
            return Err(SessionError::io("waiting for the sockets failed", &e));
        }
        // Sockets to read: those that became readable, and those whose
        // last read pass stopped early so that the others got a turn.
        let mut ready: Vec<Token> = std::mem::take(&mut unread);
        ready.extend(events.iter().map(|e| e.token()));
        ready.sort_unstable();
        ready.dedup();
        for token in ready {
            let more = match token {
                LISTENER => server.read_requests(&mut buf, &poll),
                token => server.read_transfer(token, &mut buf),
            };
            if more {
                unread.push(token);
            }
        }
        while let Ok(command) = commands.try_recv() {
            match command {
                Command::Close => {
                    server.cancel_all(TransferFailure::ServerStopped);
                    return Ok(());
                }
                Command::CancelTransfer(id) => server.cancel(id),
                // Byte-stream commands mean nothing to a TFTP server.
                _ => server.outbox.emit(Event::Error(SessionError::Unsupported)),
            }
        }
        server.tick(Instant::now(), &poll);
    }
}

impl Server {
    fn next_wakeup(&self) -> Option<Instant> {
        self.transfers
            .values()
            .flat_map(|a| [a.transfer.next_deadline(), a.reporter.next_flush()])
            .flatten()
            .chain(self.slots.next_deadline())
            // Refusals counted behind a front end that was behind are said
            // soon after it catches up, even if nothing else happens.
            .chain((self.refusals_unreported > 0).then(|| Instant::now() + REPORT_RETRY))
            .min()
    }

    /// Runs timers and drops transfers that are over.
    fn tick(&mut self, now: Instant, poll: &mio::Poll) {
        self.report_unreported_refusals();
        let tokens: Vec<Token> = self.transfers.keys().copied().collect();
        for token in tokens {
            let Some(active) = self.transfers.get_mut(&token) else {
                continue;
            };
            if active.transfer.next_deadline().is_some_and(|at| now >= at) {
                let outputs = active.transfer.on_timeout(now);
                handle(active, outputs, &self.outbox, now);
            }
            let answered = active.transfer.peer_answered() || active.transfer.is_closed();
            if self.slots.first_answer_overdue(token, answered, now) {
                // A peer that never answered frees its slot long before the
                // retransmissions would give up on it.
                let reason = TransferFailure::FirstAnswerTimeout {
                    secs: limits::FIRST_ANSWER_TIMEOUT.as_secs(),
                };
                let outputs = active.transfer.abort(limits::FIRST_ANSWER_ERROR, reason);
                handle(active, outputs, &self.outbox, now);
            }
            active.reporter.flush(&self.outbox, now);
            if active.transfer.is_closed() {
                // A finished transfer may keep its socket a little longer
                // (to answer a repeated final DATA, or to wait for a final
                // ACK that the tutorial downloader never sends), but it no
                // longer counts against its address: a client fetching
                // files one after another must not be refused for the
                // ones it already has. The total below still counts it.
                self.slots.release(token);
            }
            if active.transfer.is_closed()
                && active.transfer.next_deadline().is_none()
                && let Some(mut active) = self.transfers.remove(&token)
            {
                let _ = poll.registry().deregister(&mut active.socket);
                self.slots.release(token);
            }
        }
    }

    fn cancel(&mut self, id: u64) {
        let now = Instant::now();
        if let Some(active) = self.transfers.values_mut().find(|a| a.reporter.id == id) {
            let outputs = active
                .transfer
                .abort(ErrorCode::Undefined, TransferFailure::CancelledOnServer);
            handle(active, outputs, &self.outbox, now);
        }
    }

    fn cancel_all(&mut self, reason: TransferFailure) {
        let now = Instant::now();
        for active in self.transfers.values_mut() {
            let outputs = active.transfer.abort(ErrorCode::Undefined, reason.clone());
            handle(active, outputs, &self.outbox, now);
        }
    }

    /// Reads a transfer's socket; returns true when it stopped early and
    /// more may be waiting (mio reports readiness only once per arrival).
    fn read_transfer(&mut self, token: Token, buf: &mut [u8]) -> bool {
        let Some(active) = self.transfers.get_mut(&token) else {
            return false;
        };
        for _ in 0..READS_PER_PASS {
            let now = Instant::now();
            let outputs = match active.socket.recv_from(buf) {
                Ok((n, from)) if from == active.peer => active.transfer.on_packet(&buf[..n], now),
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if sock::is_peer_gone(&e) => active.transfer.on_peer_gone(),
                Err(_) => return false,
            };
            handle(active, outputs, &self.outbox, now);
            active.transfer.read_ahead();
        }
        true
    }

    /// Reads requests; returns true when it stopped early.
    fn read_requests(&mut self, buf: &mut [u8], poll: &mio::Poll) -> bool {
        for _ in 0..READS_PER_PASS {
            match self.listener.recv_from(buf) {
                Ok((n, peer)) => {
                    let bytes = buf[..n].to_vec();
                    self.on_request(&bytes, peer, poll);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                // Resets and refusals on the listener concern earlier error
                // packets to peers that left; the socket is fine.
                Err(_) => continue,
            }
        }
        true
    }

    fn refuse(&mut self, peer: SocketAddr, code: ErrorCode, message: &str, what: &TftpRequest) {
        let _ = self
            .listener
            .send_to(&wire::error_packet(code, message), peer);
        // Spoofed requests cost a sender nothing; behind a front end that
        // does not read (an unread stdout), one event each would grow the
        // channel without end. They are counted and said in one line.
        if self.outbox.crowded() {
            self.refusals_unreported += 1;
            return;
        }
        self.report_unreported_refusals();
        self.outbox.emit(Event::Error(SessionError::TftpRefused {
            request: what.clone(),
            peer: sock::display_peer(peer),
            reason: PeerText::from(message),
        }));
    }

    /// Says how many refusals were counted instead of shown, once the front
    /// end has room again.
    fn report_unreported_refusals(&mut self) {
        if self.refusals_unreported == 0 || self.outbox.crowded() {
            return;
        }
        let count = std::mem::take(&mut self.refusals_unreported);
        self.outbox
            .emit(Event::Error(SessionError::TftpRefusedUnshown { count }));
    }

    fn on_request(&mut self, bytes: &[u8], peer: SocketAddr, poll: &mio::Poll) {
        let now = Instant::now();
        if !self.limiter.allow(peer.ip(), now) {
            return;
        }
        let packet = match Packet::parse(bytes) {
            Ok(packet) => packet,
            Err(e) => {
                // Answer what looks like a broken request; ignore noise.
                if matches!(bytes, [0, 1 | 2, ..]) {
                    let message = format!("malformed request: {e}");
                    self.refuse(
                        peer,
                        ErrorCode::IllegalOperation,
                        &message,
                        &TftpRequest::Malformed,
                    );
                }
                return;
            }
        };
        let Packet::Request {
            kind,
            filename,
            mode,
            options,
        } = packet
        else {
            // DATA or ACK on the listening port belongs to no transfer.
            if !matches!(packet, Packet::Error { .. }) {
                let _ = self.listener.send_to(
                    &wire::error_packet(ErrorCode::UnknownTid, "unknown transfer ID"),
                    peer,
                );
            }
            return;
        };
        // A client that did not hear our first answer asks again; the
        // transfer it started is still running.
        if self
            .transfers
            .values()
            .any(|a| a.peer == peer && !a.transfer.is_closed())
        {
            return;
        }
        let what = match kind {
            RequestKind::Read => TftpRequest::Download {
                file: PeerText::from(filename),
            },
            RequestKind::Write => TftpRequest::Upload {
                file: PeerText::from(filename),
            },
        };
        let Some(mode) = options::parse_mode(mode) else {
            let message = format!("transfer mode '{mode}' is not supported");
            self.refuse(peer, ErrorCode::IllegalOperation, &message, &what);
            return;
        };
        let address = AddressKey::of(peer.ip());
        // Finished transfers that still hold a socket count here, so the
        // sockets stay bounded by `max_transfers` whatever the slots say.
        let open_sockets_full = self.transfers.len() >= self.config.max_transfers;
        let slot = if open_sockets_full {
            Err(SlotRefusal::ServerFull)
        } else {
            self.slots.check(address)
        };
        if let Err(refusal) = slot {
            self.refuse(peer, refusal.code(), &refusal.message(), &what);
            return;
        }
        let opened = match kind {
            RequestKind::Read => self.open_read(filename, mode, &options),
            RequestKind::Write => self.open_write(filename, mode, &options),
        };
        let (negotiation, source, incoming, size) = match opened {
            Ok(opened) => opened,
            Err(refusal) => {
                self.refuse(peer, refusal.code, &refusal.message, &what);
                return;
            }
        };
        match self.start(
            peer,
            filename,
            kind,
            negotiation,
            source,
            incoming,
            size,
            poll,
        ) {
            Ok(token) => self.slots.take(token, address, now),
            Err(e) => {
                self.refuse(
                    peer,
                    ErrorCode::Undefined,
                    "the server cannot open a transfer port",
                    &what,
                );
                self.outbox.emit(Event::Error(SessionError::io(
                    "cannot open a transfer port",
                    &e,
                )));
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn open_read(
        &self,
        name: &str,
        mode: super::Mode,
        options: &[TftpOption<'_>],
    ) -> Result<(Negotiation, Option<File>, Option<Incoming>, Option<u64>), Refusal> {
        let (file, size) = self.root.open_read(name)?;
        let size = Some(size);
        // In netascii the size on the wire is not the file's size.
        let wire_size = size.filter(|_| mode == super::Mode::Octet);
        let negotiation = options::negotiate(RequestKind::Read, mode, options, wire_size);
        Ok((negotiation, Some(file), None, size))
    }

    #[allow(clippy::type_complexity)]
    fn open_write(
        &self,
        name: &str,
        mode: super::Mode,
        options: &[TftpOption<'_>],
    ) -> Result<(Negotiation, Option<File>, Option<Incoming>, Option<u64>), Refusal> {
        let refusal = |code, message: &str| Refusal {
            code,
            message: message.to_owned(),
        };
        if !self.config.allow_write {
            return Err(refusal(
                ErrorCode::AccessViolation,
                "uploads are not allowed on this server",
            ));
        }
        let (folder, file_name) = self.root.upload_target(name, self.config.allow_overwrite)?;
        let incoming = Incoming::create_in(folder, file_name, self.config.allow_overwrite)
            .map_err(|e| Refusal::from_io(&e))?;
        let busy = self.transfers.values().any(|a| {
            a.incoming
                .as_ref()
                .is_some_and(|other| other.key() == incoming.key())
        });
        if busy {
            // Dropping `incoming` removes its temporary file.
            return Err(refusal(
                ErrorCode::AccessViolation,
                "that file is being uploaded by another client",
            ));
        }
        let negotiation = options::negotiate(RequestKind::Write, mode, options, None);
        let size = negotiation.announced_size;
        Ok((negotiation, None, Some(incoming), size))
    }

    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        peer: SocketAddr,
        filename: &str,
        kind: RequestKind,
        negotiation: Negotiation,
        source: Option<File>,
        incoming: Option<Incoming>,
        size: Option<u64>,
        poll: &mio::Poll,
    ) -> io::Result<Token> {
        let now = Instant::now();
        let params = negotiation.params;
        let ip = if self.local.ip().is_unspecified() {
            sock::unspecified_like(self.local)
        } else {
            self.local.ip()
        };
        let std_socket = sock::bind_transfer(
            ip,
            self.config.port_range,
            sock::buffer_for(params.blksize, params.windowsize),
            self.next_id,
        )?;
        // A connected socket hears only its peer and learns when the peer's
        // port closes, which is how the tutorial downloader says goodbye.
        std_socket.connect(peer)?;
        let mut socket = UdpSocket::from_std(std_socket);
        let id = self.next_id;
        self.next_id += 1;
        let token = Token(id as usize);
        poll.registry()
            .register(&mut socket, token, Interest::READABLE)?;
        let oack = (!negotiation.oack.is_empty()).then(|| {
            let options: Vec<TftpOption<'_>> = negotiation
                .oack
                .iter()
                .map(|(name, value)| TftpOption { name, value })
                .collect();
            Packet::Oack { options }.to_bytes()
        });
        let limits = Limits::default();
        let (transfer, outputs, direction) = match source {
            Some(file) => {
                let reader = files::block_source(file, params.blksize);
                let (t, o) = Transfer::server_send(params, oack, reader, limits, now);
                (t, o, TransferDirection::Send)
            }
            None => {
                let (mut t, o) = Transfer::server_receive(params, oack, limits, now);
                if let Some(announced) = negotiation.announced_size {
                    t.limit_size(announced);
                }
                (t, o, TransferDirection::Receive)
            }
        };
        debug_assert_eq!(
            kind == RequestKind::Read,
            direction == TransferDirection::Send
        );
        let reporter = Reporter::start(
            &self.outbox,
            id,
            filename.to_owned(),
            sock::display_peer(peer),
            direction,
            size,
            now,
        );
        let mut active = Active {
            socket,
            peer,
            transfer,
            reporter,
            incoming,
        };
        handle(&mut active, outputs, &self.outbox, now);
        self.transfers.insert(token, active);
        Ok(token)
    }
}

/// Carries out a transfer's outputs; a failure to write the file ends the
/// transfer with an error packet, whose own outputs are carried out too.
fn handle(active: &mut Active, outputs: Vec<Output>, outbox: &Outbox, now: Instant) {
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

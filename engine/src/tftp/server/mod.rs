//! The TFTP server's shell: the listening socket, one socket per transfer,
//! the files, and the clock. The protocol itself is in `transfer`.
//!
//! This file holds the server's state and its loop: wait for the sockets,
//! read what is ready, obey the commands, run the timers. `admission`
//! decides what a request on the listening port gets (a transfer or a
//! refusal), `transfers` opens, reads, times and cancels the transfers,
//! and `outputs` carries out what a transfer's state machine asks for.

mod admission;
mod outputs;
mod transfers;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Token};

use super::files::Incoming;
use super::limits::{self, RateLimiter, Slots};
use super::report::Reporter;
use super::root::Root;
use super::sock;
use super::transfer::Transfer;
use super::{ServerConfig, TransferFailure};
use crate::net::{Command, Event, Outbox, SessionError, WorkerContext};

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
    let slots = Slots::new(
        config.max_transfers,
        config.max_transfers_per_address,
        config.first_answer_timeout,
    );
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

//! The session runtime: [`spawn`] starts a session's thread and returns
//! its [`SessionHandle`]; [`run_worker`] dispatches to the protocol's
//! worker (UDP, TCP client, TCP server, TFTP server, TFTP client) and
//! guarantees the last event. It sits above every session kind (the
//! socket sessions in `net`, the TFTP shells in `tftp`): they import
//! `net`'s shared files (`command.rs`, `event.rs`, `config.rs`,
//! `outbox.rs`), never this one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, unbounded};
use mio::Poll;

use crate::net::budget::EventBudget;
use crate::net::outbox::WAKE_TOKEN;
use crate::net::responder::Answers;
use crate::net::rx_file::RxFileSpec;
use crate::net::{
    Command, Event, Outbox, SessionConfig, SessionError, Waker, WorkerContext, tcp_client,
    tcp_server, udp, ws,
};
use crate::tftp;

/// The front end's side of a session: commands go in, events come out.
/// Dropping it closes the session and joins its thread.
pub struct SessionHandle {
    commands: Sender<Command>,
    events: Receiver<Event>,
    wake_worker: Arc<mio::Waker>,
    send_queue: Arc<AtomicUsize>,
    budget: Arc<EventBudget>,
    thread: Option<JoinHandle<()>>,
}

/// Starts a session on its own named thread. Opening (bind, connect) happens
/// on that thread; its outcome arrives as an event, never as a block here.
pub fn spawn(config: SessionConfig, waker: Waker) -> Result<SessionHandle, SessionError> {
    spawn_answering(config, waker, Answers::default())
}

/// [`spawn`], with what the session answers by itself from its first
/// received message on (UDP and TCP; TFTP ignores it). Given here rather
/// than by a later command, no message can arrive before it applies.
pub fn spawn_answering(
    config: SessionConfig,
    waker: Waker,
    answers: Answers,
) -> Result<SessionHandle, SessionError> {
    spawn_saving(config, waker, answers, None)
}

/// [`spawn_answering`], receiving to `rx_file` from the first received
/// message on (UDP and TCP; see [`Command::SetRxFile`]). Given here rather
/// than by a later command, nothing can arrive before it applies.
pub fn spawn_saving(
    config: SessionConfig,
    waker: Waker,
    answers: Answers,
    rx_file: Option<RxFileSpec>,
) -> Result<SessionHandle, SessionError> {
    let (command_tx, command_rx) = unbounded();
    let (event_tx, event_rx) = unbounded();
    let poll = Poll::new().map_err(|e| SessionError::io("cannot create a poller", &e))?;
    let wake_worker = Arc::new(
        mio::Waker::new(poll.registry(), WAKE_TOKEN)
            .map_err(|e| SessionError::io("cannot create a waker", &e))?,
    );
    let send_queue = Arc::new(AtomicUsize::new(0));
    let wake_on_room = Arc::clone(&wake_worker);
    let budget = EventBudget::new(Box::new(move || {
        let _ = wake_on_room.wake();
    }));
    let outbox = Outbox::new(
        event_tx,
        waker,
        Arc::clone(&send_queue),
        Arc::clone(&budget),
        rx_file,
    );
    let name = format!("netassist-{}", config.protocol().cli_name());
    let context = WorkerContext {
        commands: command_rx,
        outbox: outbox.clone(),
        poll,
    };
    let thread = std::thread::Builder::new()
        .name(name)
        .spawn(move || run_worker(config, answers, context, outbox))
        .map_err(|e| SessionError::io("cannot start the session thread", &e))?;
    Ok(SessionHandle {
        commands: command_tx,
        events: event_rx,
        wake_worker,
        send_queue,
        budget,
        thread: Some(thread),
    })
}

/// Runs the protocol's loop and guarantees the last event is `Stopped`,
/// even when the loop panics: a broken session must not take the app down.
fn run_worker(config: SessionConfig, answers: Answers, context: WorkerContext, outbox: Outbox) {
    let result = catch_unwind(AssertUnwindSafe(move || match config {
        SessionConfig::Udp(config) => udp::run(config, answers, context),
        SessionConfig::TcpClient(config) => tcp_client::run(config, answers, context),
        SessionConfig::TcpServer(config) => tcp_server::run(config, answers, context),
        SessionConfig::TftpServer(config) => tftp::server::run(config, context),
        SessionConfig::TftpClient(config) => tftp::client::run(config, context),
        SessionConfig::TlsClient(config) => tcp_client::run_tls(config, answers, context),
        SessionConfig::TlsServer(config) => tcp_server::run_tls(config, answers, context),
        SessionConfig::WsClient(config) => ws::client::run(config, answers, context),
        SessionConfig::WsServer(config) => ws::server::run(config, answers, context),
    }));
    let outcome = match result {
        Ok(outcome) => outcome.err(),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Some(SessionError::Panicked(message))
        }
    };
    outbox.set_send_queue(0);
    // What the receive file still buffers is written before the end is
    // announced, so a front end that saw `Stopped` finds it on disk.
    outbox.set_rx_file(None);
    outbox.emit(Event::Stopped(outcome));
}

impl SessionHandle {
    /// Queues a command and wakes the session thread.
    pub fn send(&self, command: Command) {
        if self.commands.send(command).is_ok() {
            let _ = self.wake_worker.wake();
        }
    }

    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// Bytes accepted for sending that still wait for slow peers (TCP; 0
    /// for UDP and TFTP). Up to 64 MiB per connection may wait; past that,
    /// sends are refused with `SessionError::QueueFull`. A front end polls
    /// this to show backpressure while it is above zero.
    pub fn send_queue_bytes(&self) -> usize {
        self.send_queue.load(Ordering::Relaxed)
    }

    /// Bytes of data held by this session's events that the front end has
    /// not yet dropped: at most [`super::MAX_EVENT_BYTES`] of received data
    /// (plus what `Sent` events hold).
    pub fn event_bytes_held(&self) -> usize {
        self.budget.held()
    }

    /// UDP datagrams that arrived but were not kept because the front end
    /// was behind, and their bytes: totals since the session opened, as
    /// the session thread counts them (`Event::RxDropped` reports them
    /// too, at most once a second).
    pub fn rx_dropped(&self) -> (u64, u64) {
        self.budget.dropped()
    }

    /// True once the session thread has ended (after its `Stopped` event).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for SessionHandle {
    fn drop(&mut self) {
        self.send(Command::Close);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

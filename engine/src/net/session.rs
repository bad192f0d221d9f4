use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, unbounded};
use mio::{Poll, Token};

use super::budget::{CHUNK_OVERHEAD_BYTES, EventBudget, Held};
use super::rx_file::{RxFileSpec, RxFileWriter};
use super::{Answers, Chunks, Command, Event, RxDropped, SessionConfig, SessionError, Waker};

/// The poll token that the front end's commands wake.
pub const WAKE_TOKEN: Token = Token(usize::MAX - 1);

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

/// The session thread's side: where events go, and who to wake.
#[derive(Clone)]
pub struct Outbox {
    events: Sender<Event>,
    waker: Waker,
    send_queue: Arc<AtomicUsize>,
    budget: Arc<EventBudget>,
    /// Receive to file. Only the session thread touches it (it is set at
    /// spawn, before the thread starts, and by `Command::SetRxFile`); the
    /// lock is there because the outbox is shared by the thread's parts.
    rx_file: Arc<Mutex<Option<RxFileWriter>>>,
}

impl Outbox {
    /// Sends an event and wakes the front end. A front end that is gone
    /// needs no more events, so a closed channel is not an error.
    pub fn emit(&self, event: Event) {
        let _ = self.events.send(event);
        (self.waker)();
    }

    /// Records how many bytes wait to be written to slow peers, for the
    /// front end's backpressure gauge ([`SessionHandle::send_queue_bytes`]).
    pub fn set_send_queue(&self, bytes: usize) {
        self.send_queue.store(bytes, Ordering::Relaxed);
    }

    /// Bytes of data that may still be handed to the front end before the
    /// event budget ([`super::MAX_EVENT_BYTES`]) is spent.
    pub fn event_room(&self) -> usize {
        self.budget.room()
    }

    /// True when a chunk of `len` bytes fits in the event budget.
    pub fn fits(&self, len: usize) -> bool {
        len.saturating_add(CHUNK_OVERHEAD_BYTES) <= self.budget.room()
    }

    /// True while so many events wait for the front end that a session
    /// should not create more of those that peers cause without sending
    /// data (see [`super::MAX_EVENTS_WAITING`]).
    pub fn crowded(&self) -> bool {
        self.events.len() >= super::MAX_EVENTS_WAITING
    }

    /// True once the front end has caught up enough for a session that
    /// stopped reading to read again (see [`super::RESUME_EVENT_BYTES`]).
    pub fn may_resume_reading(&self) -> bool {
        self.budget.may_resume()
    }

    fn rx_file(&self) -> MutexGuard<'_, Option<RxFileWriter>> {
        // A panic while writing ends the session anyway; the file is fine.
        self.rx_file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts (or, with `None`, stops) receiving to a file; the file before
    /// is flushed first, and a failure to do so is reported.
    pub(super) fn set_rx_file(&self, spec: Option<RxFileSpec>) {
        self.flush_rx_file();
        *self.rx_file() = spec.map(RxFileWriter::new);
    }

    /// Writes one received chunk to the receive file, if there is one. The
    /// one place received data passes through is a `Batch` (UDP and TCP),
    /// which calls this as each chunk joins it.
    pub(super) fn write_rx(&self, at_ms: i64, peer: std::net::SocketAddr, bytes: &[u8]) {
        self.with_rx_file(|writer| writer.write_chunk(at_ms, peer, bytes));
    }

    /// Hands what the receive file buffered to the system; called at the
    /// end of every read pass, so nothing waits for a later one.
    pub(super) fn flush_rx_file(&self) {
        self.with_rx_file(RxFileWriter::flush);
    }

    /// Runs `write` on the receive file, if there is one; a failure stops
    /// saving and is reported.
    fn with_rx_file(&self, write: impl FnOnce(&mut RxFileWriter) -> std::io::Result<()>) {
        let mut slot = self.rx_file();
        if let Some(writer) = slot.as_mut()
            && let Err(e) = write(writer)
        {
            let failed = writer.failed(&e);
            *slot = None;
            drop(slot);
            self.emit(Event::RxFileFailed(failed));
        }
    }

    /// Charges one received chunk of `len` bytes to `held` (a batch).
    pub(super) fn charge_chunk(&self, held: &mut Held, len: usize) {
        held.add(&self.budget, len + CHUNK_OVERHEAD_BYTES);
    }

    /// Hands over received chunks whose bytes `held` charged.
    pub(super) fn emit_received(&self, chunks: Vec<super::Chunk>, held: Held) {
        self.emit(Event::Received(Chunks::new(chunks, held)));
    }

    /// Reports bytes accepted for sending. They are charged to the event
    /// budget like received bytes but never refused: they come from the
    /// front end's own sends, loops and auto-replies to data that was
    /// kept, and reading pauses until the front end has logged them.
    pub fn emit_sent(&self, at_ms: i64, to: Vec<std::net::SocketAddr>, bytes: Vec<u8>) {
        let held = self.budget.charge(bytes.len());
        self.emit(Event::Sent {
            at_ms,
            to,
            bytes,
            held,
        });
    }

    /// Updates the gauge of datagrams not kept
    /// ([`SessionHandle::rx_dropped`]).
    pub(super) fn set_dropped(&self, datagrams: u64, bytes: u64) {
        self.budget.set_dropped(datagrams, bytes);
    }

    /// Reports the datagrams not kept so far, unless an earlier report is
    /// still waiting for the front end (then this one waits: reports do
    /// not pile up) and this is not the `last` one before the session
    /// ends. Returns whether it was sent.
    pub(super) fn emit_dropped(&self, datagrams: u64, bytes: u64, last: bool) -> bool {
        if self.budget.report_waiting() && !last {
            return false;
        }
        let held = self.budget.charge_report();
        self.emit(Event::RxDropped(RxDropped {
            datagrams,
            bytes,
            _held: held,
        }));
        true
    }
}

#[cfg(test)]
impl Outbox {
    /// An outbox with no session thread behind it, and the receiving end
    /// of its events, for unit tests of what emits.
    pub(crate) fn for_tests() -> (Outbox, Receiver<Event>) {
        let (events, event_rx) = unbounded();
        let outbox = Outbox {
            events,
            waker: Arc::new(|| {}),
            send_queue: Arc::new(AtomicUsize::new(0)),
            budget: EventBudget::new(Box::new(|| {})),
            rx_file: Arc::new(Mutex::new(None)),
        };
        (outbox, event_rx)
    }
}

/// What every worker gets: its commands, its outbox, and a poll that the
/// front end wakes (token [`WAKE_TOKEN`]) whenever it sends a command.
pub struct WorkerContext {
    pub commands: Receiver<Command>,
    pub outbox: Outbox,
    pub poll: Poll,
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
    let outbox = Outbox {
        events: event_tx,
        waker,
        send_queue: Arc::clone(&send_queue),
        budget: Arc::clone(&budget),
        rx_file: Arc::new(Mutex::new(rx_file.map(RxFileWriter::new))),
    };
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
        SessionConfig::Udp(config) => super::udp::run(config, answers, context),
        SessionConfig::TcpClient(config) => super::tcp_client::run(config, answers, context),
        SessionConfig::TcpServer(config) => super::tcp_server::run(config, answers, context),
        SessionConfig::TftpServer(config) => crate::tftp::server::run(config, context),
        SessionConfig::TftpClient(config) => crate::tftp::client::run(config, context),
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

//! The session thread's side of a session: the [`Outbox`] every worker
//! emits its events through, and the [`WorkerContext`] it is started
//! with. A leaf of the session runtime: it imports no worker, so the
//! workers (UDP, TCP, TFTP) and the runtime that starts them
//! (`session.rs`) can both depend on it.

use crate::clock::us_to_ms;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crossbeam_channel::{Receiver, Sender};
use mio::{Poll, Token};

use super::budget::{CHUNK_OVERHEAD_BYTES, EventBudget, Held, MAX_EVENTS_WAITING};
use super::command::Command;
use super::event::{Chunk, Chunks, Event, RxDropped};
use super::rx_file::{RxFileSpec, RxFileWriter};

/// Wakes the front end after an event was sent; the GUI passes one that
/// calls `request_repaint`, the CLI one that does nothing.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The poll token that the front end's commands wake.
pub const WAKE_TOKEN: Token = Token(usize::MAX - 1);

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
    /// The outbox of a session whose events go to `events`; the runtime
    /// (`session.rs`) makes one per session and keeps the other ends.
    pub(crate) fn new(
        events: Sender<Event>,
        waker: Waker,
        send_queue: Arc<AtomicUsize>,
        budget: Arc<EventBudget>,
        rx_file: Option<RxFileSpec>,
    ) -> Outbox {
        Outbox {
            events,
            waker,
            send_queue,
            budget,
            rx_file: Arc::new(Mutex::new(rx_file.map(RxFileWriter::new))),
        }
    }

    /// Sends an event and wakes the front end. A front end that is gone
    /// needs no more events, so a closed channel is not an error.
    pub fn emit(&self, event: Event) {
        let _ = self.events.send(event);
        (self.waker)();
    }

    /// Records how many bytes wait to be written to slow peers, for the
    /// front end's backpressure gauge ([`super::SessionHandle::send_queue_bytes`]).
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
        self.events.len() >= MAX_EVENTS_WAITING
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
    pub(crate) fn set_rx_file(&self, spec: Option<RxFileSpec>) {
        self.flush_rx_file();
        *self.rx_file() = spec.map(RxFileWriter::new);
    }

    /// Writes received bytes to the receive file, if there is one: a TCP
    /// stream as it is read, when framing cuts it into messages later.
    pub(super) fn write_rx(&self, at_us: i64, peer: std::net::SocketAddr, bytes: &[u8]) {
        self.with_rx_file(|writer| writer.write_chunk(us_to_ms(at_us), peer, bytes));
    }

    /// Writes received chunks to the receive file, if there is one, under
    /// one lock of it. A `Batch` (every session's received data) calls
    /// this before it is handed over.
    pub(super) fn write_rx_chunks<'a>(&self, chunks: impl Iterator<Item = Chunk<'a>>) {
        self.with_rx_file(|writer| {
            let mut chunks = chunks;
            chunks.try_for_each(|chunk| writer.write_chunk(chunk.at_ms(), chunk.peer, chunk.bytes))
        });
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
    #[inline]
    pub(super) fn charge_chunk(&self, held: &mut Held, len: usize) {
        held.add(&self.budget, len + CHUNK_OVERHEAD_BYTES);
    }

    /// Hands over received chunks, with the charge they hold.
    pub(super) fn emit_received(&self, chunks: Chunks) {
        self.emit(Event::Received(chunks));
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
    /// ([`super::SessionHandle::rx_dropped`]).
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
        self.emit(Event::RxDropped(RxDropped::new(datagrams, bytes, held)));
        true
    }
}

#[cfg(test)]
impl Outbox {
    /// An outbox with no session thread behind it, and the receiving end
    /// of its events, for unit tests of what emits.
    pub(crate) fn for_tests() -> (Outbox, Receiver<Event>) {
        let (events, event_rx) = crossbeam_channel::unbounded();
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
/// front end wakes (token `WAKE_TOKEN`) whenever it sends a command.
pub struct WorkerContext {
    pub commands: Receiver<Command>,
    pub outbox: Outbox,
    pub poll: Poll,
}

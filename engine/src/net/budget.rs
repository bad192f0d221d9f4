//! The event budget: how many bytes of data a session's events may hold
//! while they wait for the front end.
//!
//! Every `Received` and `Sent` event carries a [`Held`] that charges its
//! bytes to the session's budget and gives them back when the front end
//! drops the event (when it has printed, logged or written it). The session
//! thread reads the gauge before it reads a socket: a TCP connection is not
//! read while the budget has no room for a full read (the peer's sends then
//! block: backpressure, nothing lost), and a UDP datagram that does not fit
//! is counted as not kept. When the front end brings the gauge down to
//! [`RESUME_EVENT_BYTES`], the release wakes the session thread, which reads
//! the connections it left unread: their readiness was reported once and
//! will not be reported again (mio is edge-triggered).
//!
//! The gauge is only a measure shared by the two threads, not a control
//! flag: the session thread decides alone what to read.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The most bytes of data that a session's events may hold before the
/// front end has taken them: received chunks, including the batch being
/// filled, and the bytes of `Sent` events. At the default settings this is
/// the whole of what one session can hold for a front end that does not
/// keep up; a UDP datagram that does not fit is not kept, and a TCP
/// connection is not read until the front end has caught up.
pub const MAX_EVENT_BYTES: usize = 32 << 20;

/// The most events that may wait in a session's channel before the session
/// stops creating events that peers cause without sending data: TCP
/// clients are left in the listen backlog (not accepted) and TFTP requests
/// that are refused are counted instead of reported one by one, until the
/// front end has taken events again. Data events are bounded by
/// [`MAX_EVENT_BYTES`]; these have no bytes to charge, but a flood of
/// spoofed TFTP requests or of short TCP connections behind an unread
/// stdout would otherwise grow the channel without end. About 16,000
/// events of a few hundred bytes each: a few MiB.
pub const MAX_EVENTS_WAITING: usize = 16_384;

/// Once a front end that fell behind has brought the bytes its events hold
/// down to this, reading resumes. Half the budget, so that a session does
/// not wake for every event the front end takes.
pub const RESUME_EVENT_BYTES: usize = MAX_EVENT_BYTES / 2;

/// What one received chunk costs beyond its bytes, charged with them: its
/// record in its batch (48 bytes: when, from whom, where its bytes end)
/// and the room its batch's buffer may have left unused. Without it a
/// flood of empty datagrams would cost nothing.
pub const CHUNK_OVERHEAD_BYTES: usize = 64;

/// The gauge of one session, shared by its thread and the events in
/// flight.
pub struct EventBudget {
    held: AtomicUsize,
    /// Drop reports (`Event::RxDropped`) not yet taken by the front end.
    reports_waiting: AtomicUsize,
    /// UDP datagrams not kept so far, and their bytes (a gauge: the
    /// reports carry the same totals, later).
    dropped_datagrams: AtomicU64,
    dropped_bytes: AtomicU64,
    /// Wakes the session thread when the front end caught up.
    wake_session: Box<dyn Fn() + Send + Sync>,
}

impl EventBudget {
    /// A budget whose releases call `wake_session` when reading may
    /// resume.
    pub fn new(wake_session: Box<dyn Fn() + Send + Sync>) -> Arc<EventBudget> {
        Arc::new(EventBudget {
            held: AtomicUsize::new(0),
            reports_waiting: AtomicUsize::new(0),
            dropped_datagrams: AtomicU64::new(0),
            dropped_bytes: AtomicU64::new(0),
            wake_session,
        })
    }

    /// Bytes held by events that the front end has not yet dropped.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }

    /// Bytes that may still be charged before the budget is spent.
    pub fn room(&self) -> usize {
        MAX_EVENT_BYTES.saturating_sub(self.held())
    }

    /// True when a session that stopped reading may read again.
    pub fn may_resume(&self) -> bool {
        self.held() <= RESUME_EVENT_BYTES
    }

    /// Records the totals of datagrams not kept.
    pub fn set_dropped(&self, datagrams: u64, bytes: u64) {
        self.dropped_bytes.store(bytes, Ordering::Release);
        self.dropped_datagrams.store(datagrams, Ordering::Release);
    }

    /// The totals of datagrams not kept, and their bytes.
    pub fn dropped(&self) -> (u64, u64) {
        (
            self.dropped_datagrams.load(Ordering::Acquire),
            self.dropped_bytes.load(Ordering::Acquire),
        )
    }

    /// True while a drop report waits in the channel: the next one waits
    /// until it is taken, so reports cannot pile up behind a front end that
    /// does not read.
    pub fn report_waiting(&self) -> bool {
        self.reports_waiting.load(Ordering::Acquire) > 0
    }

    /// Charges `bytes` (the caller has checked the room, or is charging a
    /// `Sent` event, which is never refused).
    pub fn charge(self: &Arc<Self>, bytes: usize) -> Held {
        self.held.fetch_add(bytes, Ordering::AcqRel);
        Held {
            budget: Some(Arc::clone(self)),
            bytes,
            report: false,
        }
    }

    /// A guard for a drop report: no bytes, but counted as waiting.
    pub fn charge_report(self: &Arc<Self>) -> Held {
        self.reports_waiting.fetch_add(1, Ordering::AcqRel);
        Held {
            budget: Some(Arc::clone(self)),
            bytes: 0,
            report: true,
        }
    }

    fn release(&self, bytes: usize, report: bool) {
        if report {
            self.reports_waiting.fetch_sub(1, Ordering::AcqRel);
        }
        if bytes == 0 {
            return;
        }
        let before = self.held.fetch_sub(bytes, Ordering::AcqRel);
        // Wake the session once per crossing of the resume mark: a session
        // that stopped reading did so above the mark, so it hears of every
        // chance to resume, and a session that reads does not wake for
        // every event the front end takes.
        if before > RESUME_EVENT_BYTES && before - bytes <= RESUME_EVENT_BYTES {
            (self.wake_session)();
        }
    }
}

/// Bytes charged to a session's event budget, given back when this is
/// dropped. An event carries one; so does the batch being filled.
pub struct Held {
    budget: Option<Arc<EventBudget>>,
    bytes: usize,
    report: bool,
}

impl Held {
    /// Nothing charged, to nothing.
    pub fn none() -> Held {
        Held {
            budget: None,
            bytes: 0,
            report: false,
        }
    }

    /// The bytes this holds.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Charges `bytes` more to `budget` (a growing batch).
    #[inline]
    pub fn add(&mut self, budget: &Arc<EventBudget>, bytes: usize) {
        budget.held.fetch_add(bytes, Ordering::AcqRel);
        if self.budget.is_none() {
            self.budget = Some(Arc::clone(budget));
        }
        self.bytes += bytes;
    }
}

impl Default for Held {
    fn default() -> Held {
        Held::none()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(budget) = &self.budget {
            budget.release(self.bytes, self.report);
        }
    }
}

/// A copy holds its own bytes, so it is charged again.
impl Clone for Held {
    fn clone(&self) -> Held {
        match &self.budget {
            Some(budget) if self.report => budget.charge_report(),
            Some(budget) => budget.charge(self.bytes),
            None => Held::none(),
        }
    }
}

impl fmt::Debug for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Held({} bytes)", self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn counting_budget() -> (Arc<EventBudget>, Arc<AtomicUsize>) {
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&wakes);
        let budget = EventBudget::new(Box::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }));
        (budget, wakes)
    }

    #[test]
    fn held_bytes_are_given_back_when_dropped() {
        let (budget, _) = counting_budget();
        let a = budget.charge(1000);
        let mut b = Held::none();
        b.add(&budget, 500);
        b.add(&budget, 24);
        assert_eq!(budget.held(), 1524);
        assert_eq!(budget.room(), MAX_EVENT_BYTES - 1524);
        let copy = a.clone();
        assert_eq!(budget.held(), 2524);
        drop(a);
        drop(b);
        assert_eq!(budget.held(), 1000);
        drop(copy);
        assert_eq!(budget.held(), 0);
    }

    #[test]
    fn the_session_is_woken_once_per_crossing_of_the_resume_mark() {
        let (budget, wakes) = counting_budget();
        let big = budget.charge(MAX_EVENT_BYTES - 10);
        let small = budget.charge(10);
        assert_eq!(budget.room(), 0);
        assert!(!budget.may_resume());
        drop(small);
        assert_eq!(wakes.load(Ordering::Relaxed), 0, "still above the mark");
        drop(big);
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        assert!(budget.may_resume());
        // Releases below the mark do not wake again.
        let below = budget.charge(RESUME_EVENT_BYTES / 2);
        drop(below);
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn one_drop_report_waits_at_a_time() {
        let (budget, _) = counting_budget();
        assert!(!budget.report_waiting());
        let report = budget.charge_report();
        assert!(budget.report_waiting());
        assert_eq!(budget.held(), 0);
        drop(report);
        assert!(!budget.report_waiting());
    }
}

//! Datagrams not kept because the front end was behind, and their reports.

use std::time::{Duration, Instant};

use super::super::Outbox;

/// While datagrams are not kept (the front end is behind), the count is
/// reported at most this often: a line a second, not a line per datagram.
pub const DROP_REPORT_INTERVAL: Duration = Duration::from_secs(1);

/// Datagrams not kept because the front end was behind, and how far they
/// were reported.
#[derive(Default)]
pub struct Drops {
    pub datagrams: u64,
    pub bytes: u64,
    pub reported: u64,
    /// When a report was last sent or tried.
    last_try: Option<Instant>,
}

impl Drops {
    pub fn count(&mut self, len: usize) {
        self.datagrams += 1;
        self.bytes += len as u64;
    }

    /// Reports the totals when they changed and the last report is old
    /// enough (and taken: see [`Outbox::emit_dropped`]).
    pub fn report_if_due(&mut self, outbox: &Outbox, now: Instant) {
        if self.datagrams == self.reported
            || self
                .last_try
                .is_some_and(|at| now.duration_since(at) < DROP_REPORT_INTERVAL)
        {
            return;
        }
        self.last_try = Some(now);
        if outbox.emit_dropped(self.datagrams, self.bytes, false) {
            self.reported = self.datagrams;
        }
    }

    /// The last report, before the session ends, whatever waits.
    pub fn report_last(&mut self, outbox: &Outbox) {
        if self.datagrams != self.reported {
            outbox.emit_dropped(self.datagrams, self.bytes, true);
            self.reported = self.datagrams;
        }
    }

    /// How long the loop may sleep before a report is due.
    pub fn report_wait(&self, now: Instant) -> Option<Duration> {
        if self.datagrams == self.reported {
            return None;
        }
        Some(self.last_try.map_or(Duration::ZERO, |at| {
            DROP_REPORT_INTERVAL.saturating_sub(now.duration_since(at))
        }))
    }
}

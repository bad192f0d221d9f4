//! Loop send: the same message again every period, on the session's own
//! thread, scheduled by absolute deadlines so that a 1 ms period really
//! sends about a thousand messages a second (a sleep per message would
//! drift, and the UI thread could never keep the pace).

use std::time::{Duration, Instant};

use super::Target;

/// At most this many overdue sends are made at once after a stall (a
/// suspended laptop must not fire a burst of thousands); the schedule
/// restarts from now instead.
const MAX_CATCH_UP: u64 = 64;

/// A longer period is taken as a year: a user may type
/// 18446744073709551615 ms, and adding that to the clock would panic.
const MAX_PERIOD: Duration = Duration::from_secs(365 * 24 * 60 * 60);

#[derive(Debug)]
pub struct LoopSend {
    pub to: Target,
    pub bytes: Vec<u8>,
    period: Duration,
    /// Sends still to make; `None` loops until stopped.
    remaining: Option<u64>,
    schedule_start: Instant,
    scheduled: u64,
    pub sent: u64,
}

impl LoopSend {
    pub fn new(
        to: Target,
        bytes: Vec<u8>,
        period: Duration,
        count: Option<u64>,
        now: Instant,
    ) -> LoopSend {
        LoopSend {
            to,
            bytes,
            period: period.clamp(Duration::from_micros(100), MAX_PERIOD),
            remaining: count,
            schedule_start: now,
            scheduled: 0,
            sent: 0,
        }
    }

    /// When the next send is due.
    pub fn next_deadline(&self) -> Instant {
        self.schedule_start + self.period.mul_f64(self.scheduled as f64)
    }

    /// How many sends are due at `now`, counting them as made.
    pub fn take_due(&mut self, now: Instant) -> u64 {
        if now < self.next_deadline() {
            return 0;
        }
        let elapsed = now.duration_since(self.schedule_start);
        let mut due = (elapsed.as_nanos() / self.period.as_nanos()) as u64 + 1 - self.scheduled;
        if due > MAX_CATCH_UP {
            due = 1;
            self.schedule_start = now;
            self.scheduled = 0;
        }
        if let Some(remaining) = &mut self.remaining {
            due = due.min(*remaining);
            *remaining -= due;
        }
        self.scheduled += due;
        self.sent += due;
        due
    }

    pub fn is_done(&self) -> bool {
        self.remaining == Some(0)
    }

    /// How long the poller may sleep before the next send.
    pub fn timeout(&self, now: Instant) -> Duration {
        self.next_deadline().saturating_duration_since(now)
    }
}

/// The poll timeout for an optional loop (none: wait for events only).
pub fn poll_timeout(looper: &Option<LoopSend>, now: Instant) -> Option<Duration> {
    looper.as_ref().map(|l| l.timeout(now))
}

/// Makes the sends that are due with `send` (which says whether it could),
/// and ends the loop when its count is reached or a send fails, so a loop
/// never floods the log with the same error a thousand times a second.
pub fn run_due(
    looper: &mut Option<LoopSend>,
    outbox: &super::Outbox,
    mut send: impl FnMut(Target, Vec<u8>) -> bool,
) {
    let Some(active) = looper else { return };
    let mut failed = false;
    for _ in 0..active.take_due(Instant::now()) {
        if !send(active.to.clone(), active.bytes.clone()) {
            failed = true;
            break;
        }
    }
    if failed || active.is_done() {
        outbox.emit(super::Event::LoopStopped { sent: active.sent });
        *looper = None;
    }
}

/// Applies a loop command; returns the command back if it is not one.
pub fn apply_command(
    looper: &mut Option<LoopSend>,
    command: super::Command,
    outbox: &super::Outbox,
) -> Option<super::Command> {
    match command {
        super::Command::StartLoop {
            to,
            bytes,
            period,
            count,
        } => {
            if let Some(previous) = looper.take() {
                outbox.emit(super::Event::LoopStopped {
                    sent: previous.sent,
                });
            }
            *looper = Some(LoopSend::new(to, bytes, period, count, Instant::now()));
            None
        }
        super::Command::StopLoop => {
            if let Some(previous) = looper.take() {
                outbox.emit(super::Event::LoopStopped {
                    sent: previous.sent,
                });
            }
            None
        }
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_by_deadline_not_by_wakeup() {
        let start = Instant::now();
        let mut looper = LoopSend::new(
            Target::Default,
            vec![1],
            Duration::from_millis(1),
            None,
            start,
        );
        assert_eq!(looper.take_due(start), 1, "the first send is at once");
        assert_eq!(looper.take_due(start), 0);
        // Woken late: the sends that fell due meanwhile are all made.
        assert_eq!(looper.take_due(start + Duration::from_micros(3500)), 3);
        assert_eq!(looper.sent, 4);
        assert_eq!(looper.next_deadline(), start + Duration::from_millis(4));
    }

    #[test]
    fn a_count_ends_the_loop() {
        let start = Instant::now();
        let mut looper = LoopSend::new(
            Target::Default,
            vec![1],
            Duration::from_millis(10),
            Some(3),
            start,
        );
        assert_eq!(
            looper.take_due(start + Duration::from_secs(1)),
            1,
            "after a stall: restart, no burst"
        );
        assert_eq!(looper.take_due(start + Duration::from_secs(2)), 1);
        assert!(!looper.is_done());
        let later = start + Duration::from_secs(2) + Duration::from_millis(15);
        assert_eq!(looper.take_due(later), 1);
        assert!(looper.is_done());
        assert_eq!(looper.take_due(later + Duration::from_secs(1)), 0);
    }

    #[test]
    fn a_short_stall_catches_up_exactly() {
        let start = Instant::now();
        let mut looper = LoopSend::new(
            Target::Default,
            vec![1],
            Duration::from_millis(1),
            Some(100),
            start,
        );
        assert_eq!(looper.take_due(start + Duration::from_micros(49_500)), 50);
        assert_eq!(looper.take_due(start + Duration::from_millis(200)), 1);
    }
}

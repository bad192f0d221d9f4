//! RX/TX bytes and messages per second over the last minutes, for the rate
//! plot beside the status bar.
//!
//! Time is cut into whole seconds from the first look at the counters.
//! Every frame of an open session adds what the counters grew by to the
//! second it runs in (the window counts traffic as it drains the events,
//! and an event wakes a frame, so a second with no frame had no traffic).
//! A second that passed without a frame is therefore a second of zero,
//! and is kept as one: the plot never draws a line across an idle gap.
//! At most [`WINDOW_SECS`] seconds are kept, so memory does not grow.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::describe::RateUnit;

/// How many seconds the plot shows and the history keeps: five minutes.
pub const WINDOW_SECS: usize = 300;
const SECOND: Duration = Duration::from_secs(1);

/// Running totals, as the status bar counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateTotals {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_msgs: u64,
}

/// What one second carried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateSample {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_msgs: u64,
}

impl RateSample {
    fn is_idle(&self) -> bool {
        *self == RateSample::default()
    }

    /// Adds what the totals grew by since `seen`. A total below the one
    /// seen was reset to zero and has counted up from there since.
    fn add_growth(&mut self, seen: RateTotals, totals: RateTotals) {
        fn growth(seen: u64, total: u64) -> u64 {
            if total >= seen { total - seen } else { total }
        }
        self.rx_bytes += growth(seen.rx_bytes, totals.rx_bytes);
        self.tx_bytes += growth(seen.tx_bytes, totals.tx_bytes);
        self.rx_msgs += growth(seen.rx_msgs, totals.rx_msgs);
        self.tx_msgs += growth(seen.tx_msgs, totals.tx_msgs);
    }
}

#[derive(Default)]
pub struct RateHistory {
    /// The start of second 0; set at the first look at the counters.
    origin: Option<Instant>,
    /// The totals at the last look.
    seen: RateTotals,
    /// The second being counted, and what it has carried so far.
    second: u64,
    counting: RateSample,
    /// The seconds before `second`, oldest first, one per second with no
    /// gaps, at most `WINDOW_SECS`.
    complete: VecDeque<RateSample>,
    /// The last second that carried anything, to know whether the plot
    /// still moves.
    last_busy_second: Option<u64>,
}

impl RateHistory {
    /// Counts what the totals grew by since the last look into the
    /// current second; returns when the next second starts.
    pub fn observe(&mut self, now: Instant, totals: RateTotals) -> Instant {
        let origin = match self.origin {
            Some(origin) => origin,
            None => {
                self.origin = Some(now);
                self.seen = totals;
                return now + SECOND;
            }
        };
        let second = second_of(origin, now);
        if second > self.second {
            self.close_seconds_until(second);
        }
        self.counting.add_growth(self.seen, totals);
        self.seen = totals;
        if !self.counting.is_idle() {
            self.last_busy_second = Some(self.second);
        }
        origin + Duration::from_secs(self.second + 1)
    }

    /// Ends the second being counted and every idle one up to `second`,
    /// which becomes the one counted.
    fn close_seconds_until(&mut self, second: u64) {
        let ended = std::mem::take(&mut self.counting);
        self.complete.push_back(ended);
        // The seconds in between had no frame, so no traffic: zeros, at
        // most a window's worth of them.
        let idle = (second - self.second - 1).min(WINDOW_SECS as u64);
        for _ in 0..idle {
            self.complete.push_back(RateSample::default());
        }
        while self.complete.len() > WINDOW_SECS {
            self.complete.pop_front();
        }
        self.second = second;
    }

    /// The whole seconds before `now`, oldest first, the last one the
    /// second that just ended; at most `WINDOW_SECS`. Seconds since the
    /// last look (a closed session, a window that had nothing to draw)
    /// had no traffic and read as zero.
    pub fn recent(&self, now: Instant) -> Vec<RateSample> {
        let Some(origin) = self.origin else {
            return Vec::new();
        };
        let now_second = second_of(origin, now).max(self.second);
        let mut seconds: Vec<RateSample> = self.complete.iter().copied().collect();
        if now_second > self.second {
            seconds.push(self.counting);
            let idle = (now_second - self.second - 1).min(WINDOW_SECS as u64);
            seconds.extend((0..idle).map(|_| RateSample::default()));
        }
        let extra = seconds.len().saturating_sub(WINDOW_SECS);
        seconds.drain(..extra);
        seconds
    }

    /// Whether the plot still changes as seconds pass: some second in the
    /// window (or the one being counted) carried traffic. Once the whole
    /// window is idle, the window stops asking for frames.
    pub fn moving(&self, now: Instant) -> bool {
        match (self.origin, self.last_busy_second) {
            (Some(origin), Some(busy)) => {
                second_of(origin, now) <= busy.saturating_add(WINDOW_SECS as u64)
            }
            _ => false,
        }
    }

    /// How many seconds are kept (for tests of the bound).
    pub fn kept_seconds(&self) -> usize {
        self.complete.len()
    }
}

fn second_of(origin: Instant, now: Instant) -> u64 {
    now.saturating_duration_since(origin).as_secs()
}

/// The unit of the byte plot's axis: the one its highest value reaches.
pub fn byte_axis_unit(seconds: &[RateSample]) -> RateUnit {
    let peak = seconds
        .iter()
        .map(|s| s.rx_bytes.max(s.tx_bytes))
        .max()
        .unwrap_or(0);
    RateUnit::for_bytes_per_sec(peak as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(rx_bytes: u64, tx_bytes: u64) -> RateTotals {
        RateTotals {
            rx_bytes,
            tx_bytes,
            rx_msgs: rx_bytes / 100,
            tx_msgs: tx_bytes / 100,
        }
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn each_second_holds_what_arrived_in_it() {
        let start = Instant::now();
        let mut history = RateHistory::default();
        history.observe(start, totals(0, 0));
        let next = history.observe(start + Duration::from_millis(300), totals(1000, 200));
        assert_eq!(next, start + secs(1));
        history.observe(start + Duration::from_millis(900), totals(2000, 500));
        history.observe(start + Duration::from_millis(1500), totals(2100, 500));
        let seconds = history.recent(start + Duration::from_millis(2100));
        assert_eq!(seconds.len(), 2);
        assert_eq!((seconds[0].rx_bytes, seconds[0].tx_bytes), (2000, 500));
        assert_eq!((seconds[0].rx_msgs, seconds[0].tx_msgs), (20, 5));
        assert_eq!((seconds[1].rx_bytes, seconds[1].tx_bytes), (100, 0));
        // The second still being counted is not shown half full.
        assert_eq!(history.recent(start + Duration::from_millis(1900)).len(), 1);
    }

    #[test]
    fn idle_gaps_are_seconds_of_zero() {
        let start = Instant::now();
        let mut history = RateHistory::default();
        history.observe(start, totals(0, 0));
        history.observe(start + Duration::from_millis(500), totals(5000, 0));
        // No frame for ten seconds, then a burst.
        history.observe(start + Duration::from_millis(11_200), totals(5300, 0));
        let seconds = history.recent(start + secs(12));
        assert_eq!(seconds.len(), 12);
        assert_eq!(seconds[0].rx_bytes, 5000);
        for (index, second) in seconds[1..11].iter().enumerate() {
            assert_eq!(*second, RateSample::default(), "second {}", index + 1);
        }
        assert_eq!(seconds[11].rx_bytes, 300);
        // A closed session is not looked at: the seconds since read as zero
        // too, not as a line held at the last value.
        let later = history.recent(start + secs(20));
        assert_eq!(later.len(), 20);
        assert!(later[12..].iter().all(RateSample::is_idle));
    }

    #[test]
    fn a_counter_reset_is_not_a_negative_rate() {
        let start = Instant::now();
        let mut history = RateHistory::default();
        history.observe(start, totals(0, 0));
        history.observe(start + Duration::from_millis(100), totals(9000, 9000));
        history.observe(start + Duration::from_millis(1100), totals(0, 0));
        history.observe(start + Duration::from_millis(1200), totals(40, 0));
        let seconds = history.recent(start + secs(2));
        assert_eq!(seconds[1].rx_bytes, 40);
        assert_eq!(seconds[1].tx_bytes, 0);
    }

    #[test]
    fn the_window_is_bounded() {
        let start = Instant::now();
        let mut history = RateHistory::default();
        history.observe(start, totals(0, 0));
        for second in 1..=(3 * WINDOW_SECS as u64) {
            history.observe(start + secs(second), totals(second * 10, 0));
            assert!(history.kept_seconds() <= WINDOW_SECS);
        }
        assert_eq!(history.kept_seconds(), WINDOW_SECS);
        // A gap far longer than the window keeps a window of zeros.
        let far = start + secs(100_000);
        history.observe(far, totals(3 * WINDOW_SECS as u64 * 10, 0));
        assert_eq!(history.kept_seconds(), WINDOW_SECS);
        let seconds = history.recent(far + secs(1_000_000));
        assert_eq!(seconds.len(), WINDOW_SECS);
        assert!(seconds.iter().all(RateSample::is_idle));
    }

    #[test]
    fn the_plot_stops_moving_once_the_window_is_idle() {
        let start = Instant::now();
        let mut history = RateHistory::default();
        assert!(!history.moving(start));
        history.observe(start, totals(0, 0));
        history.observe(start + Duration::from_millis(10), totals(0, 0));
        assert!(!history.moving(start + secs(1)), "nothing ever arrived");
        history.observe(start + secs(2), totals(100, 0));
        assert!(history.moving(start + secs(3)));
        assert!(history.moving(start + secs(2 + WINDOW_SECS as u64)));
        assert!(!history.moving(start + secs(3 + WINDOW_SECS as u64)));
    }

    #[test]
    fn the_byte_axis_takes_the_unit_of_its_highest_value() {
        let second = |rx_bytes, tx_bytes| RateSample {
            rx_bytes,
            tx_bytes,
            ..RateSample::default()
        };
        assert_eq!(byte_axis_unit(&[]), RateUnit::BytesPerSec);
        assert_eq!(
            byte_axis_unit(&[second(0, 0), second(900, 10)]),
            RateUnit::BytesPerSec
        );
        assert_eq!(
            byte_axis_unit(&[second(10, 30_000), second(0, 0)]),
            RateUnit::KibibytesPerSec
        );
        assert_eq!(
            byte_axis_unit(&[second(3 << 20, 0)]),
            RateUnit::MebibytesPerSec
        );
    }
}

//! RX/TX bytes per second over the last minutes, sampled once a second
//! from the counters, for the rate plot beside the status bar.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Five minutes of one-second samples.
const MAX_SAMPLES: usize = 300;
const SAMPLE_EVERY: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateSample {
    /// Seconds since the first sample.
    pub at_secs: f64,
    pub rx_bytes_per_sec: f64,
    pub tx_bytes_per_sec: f64,
}

#[derive(Default)]
pub struct RateHistory {
    started: Option<Instant>,
    last: Option<(Instant, u64, u64)>,
    samples: VecDeque<RateSample>,
}

impl RateHistory {
    /// Takes a sample of the byte totals received and sent so far if one
    /// is due; returns when the next one is.
    pub fn sample(&mut self, now: Instant, rx_bytes: u64, tx_bytes: u64) -> Instant {
        let started = *self.started.get_or_insert(now);
        match self.last {
            None => self.last = Some((now, rx_bytes, tx_bytes)),
            Some((at, rx, tx)) if now.duration_since(at) >= SAMPLE_EVERY => {
                let secs = now.duration_since(at).as_secs_f64();
                // A counter reset reads as zero, not as a negative rate.
                self.samples.push_back(RateSample {
                    at_secs: now.duration_since(started).as_secs_f64(),
                    rx_bytes_per_sec: rx_bytes.saturating_sub(rx) as f64 / secs,
                    tx_bytes_per_sec: tx_bytes.saturating_sub(tx) as f64 / secs,
                });
                if self.samples.len() > MAX_SAMPLES {
                    self.samples.pop_front();
                }
                self.last = Some((now, rx_bytes, tx_bytes));
            }
            Some(_) => {}
        }
        self.last.map_or(now, |(at, _, _)| at) + SAMPLE_EVERY
    }

    pub fn samples(&self) -> &VecDeque<RateSample> {
        &self.samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_deltas_per_second() {
        let start = Instant::now();
        let mut history = RateHistory::default();
        history.sample(start, 0, 0);
        let next = history.sample(start + Duration::from_secs(2), 2000, 500);
        assert_eq!(next, start + Duration::from_secs(3));
        let sample = history.samples()[0];
        assert_eq!(
            (sample.rx_bytes_per_sec, sample.tx_bytes_per_sec),
            (1000.0, 250.0)
        );
        // Reset counters: zero, not negative.
        history.sample(start + Duration::from_secs(3), 0, 0);
        assert_eq!(history.samples()[1].rx_bytes_per_sec, 0.0);
    }
}

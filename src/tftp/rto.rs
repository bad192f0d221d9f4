//! The retransmission timeout, adapted to the measured round trip as TCP
//! does (RFC 6298), between a floor and a ceiling.

use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct Rto {
    smoothed: Option<Duration>,
    variation: Duration,
    current: Duration,
    floor: Duration,
    ceiling: Duration,
}

impl Rto {
    pub fn new(floor: Duration, ceiling: Duration) -> Rto {
        Rto {
            smoothed: None,
            variation: Duration::ZERO,
            current: floor,
            floor,
            ceiling: ceiling.max(floor),
        }
    }

    pub fn current(&self) -> Duration {
        self.current
    }

    /// The peer asked for this timeout (RFC 2349): it becomes the starting
    /// value and neither bound hides it.
    pub fn use_requested(&mut self, timeout: Duration) {
        self.floor = self.floor.min(timeout);
        self.ceiling = self.ceiling.max(timeout);
        self.current = timeout;
    }

    /// Takes one round-trip measurement (never of a retransmitted packet,
    /// whose answer cannot be matched to one sending).
    pub fn sample(&mut self, rtt: Duration) {
        match self.smoothed {
            None => {
                self.smoothed = Some(rtt);
                self.variation = rtt / 2;
            }
            Some(smoothed) => {
                let delta = smoothed.abs_diff(rtt);
                self.variation = (self.variation * 3 + delta) / 4;
                self.smoothed = Some((smoothed * 7 + rtt) / 8);
            }
        }
        let smoothed = self.smoothed.unwrap_or(rtt);
        self.current = (smoothed + self.variation * 4).clamp(self.floor, self.ceiling);
    }

    /// Doubles the timeout after a retransmission, up to the ceiling.
    pub fn back_off(&mut self) {
        self.current = (self.current * 2).min(self.ceiling);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_floor_holds_on_loopback() {
        let mut rto = Rto::new(Duration::from_millis(500), Duration::from_secs(8));
        for _ in 0..100 {
            rto.sample(Duration::from_micros(40));
        }
        assert_eq!(rto.current(), Duration::from_millis(500));
    }

    #[test]
    fn test_slow_link_raises_timeout_and_backoff_caps() {
        let mut rto = Rto::new(Duration::from_millis(500), Duration::from_secs(8));
        rto.sample(Duration::from_secs(1));
        assert!(rto.current() >= Duration::from_secs(2));
        for _ in 0..10 {
            rto.back_off();
        }
        assert_eq!(rto.current(), Duration::from_secs(8));
    }
}

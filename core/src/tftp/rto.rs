//! The retransmission timeout, adapted to the measured round trip as TCP
//! does (RFC 6298), between a floor and a ceiling.

use std::time::Duration;

/// Retransmission policy.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The timeout never goes below this, whatever the measured round trip:
    /// a peer that is slow to be scheduled must not get duplicates (the
    /// tutorial downloader appends every DATA it gets, duplicates too).
    pub rto_floor: Duration,
    /// The floor once the peer negotiated options. A peer that speaks
    /// RFC 2347 is a real implementation that discards a duplicate block,
    /// so an early retransmission costs it nothing, and a low floor makes
    /// loss recovery on a lockstep transfer fast.
    pub rto_floor_negotiated: Duration,
    pub rto_ceiling: Duration,
    /// Timeouts in a row without progress before the transfer fails.
    pub max_retries: u32,
    /// Timeouts tolerated when only the final block waits for its ACK; some
    /// clients never send it, and then the transfer ends quietly.
    pub final_ack_retries: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rto_floor: Duration::from_millis(1000),
            rto_floor_negotiated: Duration::from_millis(200),
            rto_ceiling: Duration::from_secs(8),
            max_retries: 6,
            final_ack_retries: 2,
        }
    }
}

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

    /// Changes the floor; the timeout follows.
    pub fn set_floor(&mut self, floor: Duration) {
        self.floor = floor;
        self.ceiling = self.ceiling.max(floor);
        self.current = match self.smoothed {
            Some(smoothed) => (smoothed + self.variation * 4).clamp(floor, self.ceiling),
            None => floor,
        };
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

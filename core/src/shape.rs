//! Shaping one direction of a conversation, as NetAssist's 环境模拟 and
//! `tc netem` do: added delay with jitter, loss (for datagrams), a
//! bandwidth cap, and a hold switch that keeps everything waiting until it
//! is released. Sans-I/O: the caller pushes what it read with the time,
//! asks what is due, and sleeps until [`Shaper::next_due_us`]; the relay's
//! I/O shell owns the sockets and the clock (issue 23 builds on it).
//!
//! Order is kept: jitter never lets a later chunk overtake an earlier one,
//! since a byte stream cannot be reordered and a relay that reordered
//! datagrams would test something the user did not ask for. Loss uses a
//! seeded generator, so a run can be repeated.

use std::collections::VecDeque;

/// What a direction's shaping does; the default does nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShapeSpec {
    /// Added to every chunk's time, in milliseconds.
    pub delay_ms: u32,
    /// Up to this much more, or less (never below zero), drawn per chunk.
    pub jitter_ms: u32,
    /// The share of datagrams dropped, 0 to 100 (a stream loses nothing:
    /// see [`Shaper::push`]).
    pub loss_percent: f64,
    /// The most bytes a second that leave, `None` for no cap.
    pub rate_bytes_per_sec: Option<u64>,
}

/// Why a shaping flag's value is refused; the sentence names the flag's
/// own words, so both front ends show the same.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShapeSpecError {
    #[error("'{0}' is not a delay: give milliseconds, and a jitter after a comma (100 or 100,20)")]
    Delay(String),
    #[error("'{0}' is not a loss: give a percentage from 0 to 100 (10 or 2.5)")]
    Loss(String),
    #[error("'{0}' is not a rate: give bytes per second above 0 (65536)")]
    Rate(String),
}

/// The longest delay or jitter taken: a minute, far past any device's
/// timeout, so a typo of a few zeros is refused rather than kept.
pub const MAX_DELAY_MS: u32 = 60_000;

/// Reads `MS[,JITTER]`: the delay and its jitter in milliseconds.
pub fn parse_delay(text: &str) -> Result<(u32, u32), ShapeSpecError> {
    let refused = || ShapeSpecError::Delay(text.trim().to_owned());
    let (delay, jitter) = match text.split_once(',') {
        Some((delay, jitter)) => (delay, Some(jitter)),
        None => (text, None),
    };
    let read = |part: &str| {
        part.trim()
            .parse::<u32>()
            .ok()
            .filter(|ms| *ms <= MAX_DELAY_MS)
    };
    let delay = read(delay).ok_or_else(refused)?;
    let jitter = match jitter {
        Some(jitter) => read(jitter).ok_or_else(refused)?,
        None => 0,
    };
    Ok((delay, jitter))
}

/// Reads a loss percentage, 0 to 100.
pub fn parse_loss(text: &str) -> Result<f64, ShapeSpecError> {
    text.trim()
        .trim_end_matches('%')
        .parse::<f64>()
        .ok()
        .filter(|percent| (0.0..=100.0).contains(percent))
        .ok_or_else(|| ShapeSpecError::Loss(text.trim().to_owned()))
}

/// Reads a rate in bytes per second, above zero.
pub fn parse_rate(text: &str) -> Result<u64, ShapeSpecError> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|rate| *rate > 0)
        .ok_or_else(|| ShapeSpecError::Rate(text.trim().to_owned()))
}

/// What became of a chunk pushed into a [`Shaper`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admitted {
    /// It waits for its time (maybe now).
    Queued,
    /// The loss generator dropped it (datagrams only).
    Dropped,
}

/// One direction's shaping: chunks in, chunks out at their time.
#[derive(Debug)]
pub struct Shaper {
    spec: ShapeSpec,
    random: SplitMix64,
    waiting: VecDeque<Waiting>,
    waiting_bytes: usize,
    /// When the last chunk queued may leave at the earliest: jitter never
    /// reorders.
    last_due_us: i64,
    /// When the capped link is free again (the rate's fluid clock).
    link_free_us: i64,
    held: bool,
    dropped: u64,
}

#[derive(Debug)]
struct Waiting {
    due_us: i64,
    bytes: Vec<u8>,
}

impl Shaper {
    /// A shaper doing `spec`, its loss drawn from `seed`.
    pub fn new(spec: ShapeSpec, seed: u64) -> Shaper {
        Shaper {
            spec,
            random: SplitMix64(seed),
            waiting: VecDeque::new(),
            waiting_bytes: 0,
            last_due_us: i64::MIN,
            link_free_us: i64::MIN,
            held: false,
            dropped: 0,
        }
    }

    pub fn spec(&self) -> ShapeSpec {
        self.spec
    }

    /// Takes `bytes` read at `now_us`. `datagram`: whether loss applies
    /// (a stream is never made to lose bytes, as `netem` on a TCP
    /// connection would only make it retransmit).
    pub fn push(&mut self, now_us: i64, bytes: Vec<u8>, datagram: bool) -> Admitted {
        if datagram && self.spec.loss_percent > 0.0 {
            let draw = self.random.unit() * 100.0;
            if draw < self.spec.loss_percent {
                self.dropped += 1;
                return Admitted::Dropped;
            }
        }
        let due_us = (now_us + self.delay_us()).max(self.last_due_us);
        self.last_due_us = due_us;
        self.waiting_bytes += bytes.len();
        self.waiting.push_back(Waiting { due_us, bytes });
        Admitted::Queued
    }

    /// The next chunk whose time has come at `now_us`, if any: never while
    /// held, and not before the capped link is free.
    pub fn pop_due(&mut self, now_us: i64) -> Option<Vec<u8>> {
        let leave_at = self.leave_at()?;
        if leave_at > now_us {
            return None;
        }
        let chunk = self.waiting.pop_front()?;
        self.waiting_bytes -= chunk.bytes.len();
        if let Some(rate) = self.spec.rate_bytes_per_sec {
            let busy_us = (chunk.bytes.len() as u128 * 1_000_000 / u128::from(rate.max(1))) as i64;
            self.link_free_us = leave_at.saturating_add(busy_us);
        }
        Some(chunk.bytes)
    }

    /// When the next chunk may leave, for the caller's sleep; `None` when
    /// nothing waits or the direction is held.
    pub fn next_due_us(&self) -> Option<i64> {
        self.leave_at()
    }

    /// Holds the direction (nothing leaves) or releases it.
    pub fn set_held(&mut self, held: bool) {
        self.held = held;
    }

    pub fn is_held(&self) -> bool {
        self.held
    }

    /// Bytes waiting: the caller stops reading the other side while this
    /// is over its bound, so a held or slow direction holds back its
    /// sender instead of growing.
    pub fn waiting_bytes(&self) -> usize {
        self.waiting_bytes
    }

    /// Chunks waiting.
    pub fn waiting_chunks(&self) -> usize {
        self.waiting.len()
    }

    /// Datagrams the loss generator dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    fn leave_at(&self) -> Option<i64> {
        if self.held {
            return None;
        }
        let front = self.waiting.front()?;
        Some(front.due_us.max(self.link_free_us))
    }

    /// This chunk's delay: the delay and a jitter drawn in ±jitter, never
    /// below zero.
    fn delay_us(&mut self) -> i64 {
        let delay = i64::from(self.spec.delay_ms) * 1000;
        let jitter = i64::from(self.spec.jitter_ms) * 1000;
        if jitter == 0 {
            return delay;
        }
        let offset = (self.random.unit() * (2 * jitter + 1) as f64) as i64 - jitter;
        (delay + offset).max(0)
    }
}

/// A small seeded generator (SplitMix64): loss and jitter need a fair,
/// repeatable draw, not a cryptographic one.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A draw in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1000;

    fn spec() -> ShapeSpec {
        ShapeSpec::default()
    }

    #[test]
    fn the_default_passes_everything_at_once_in_order() {
        let mut shaper = Shaper::new(spec(), 1);
        for i in 0..5u8 {
            assert_eq!(shaper.push(10 * MS, vec![i], true), Admitted::Queued);
        }
        assert_eq!(shaper.waiting_bytes(), 5);
        let out: Vec<u8> = std::iter::from_fn(|| shaper.pop_due(10 * MS))
            .flatten()
            .collect();
        assert_eq!(out, [0, 1, 2, 3, 4]);
        assert_eq!(shaper.next_due_us(), None);
    }

    /// Issue 23: a seeded 10 % loss over 10,000 datagrams drops 10 ± 1 %,
    /// and a stream loses nothing.
    #[test]
    fn ten_percent_loss_drops_ten_percent_of_datagrams_and_no_stream_bytes() {
        let mut shaper = Shaper::new(
            ShapeSpec {
                loss_percent: 10.0,
                ..spec()
            },
            0x5EED,
        );
        for _ in 0..10_000 {
            shaper.push(0, vec![0; 8], true);
        }
        let dropped = shaper.dropped();
        assert!((900..=1100).contains(&dropped), "{dropped} of 10,000");
        assert_eq!(shaper.waiting_chunks() as u64, 10_000 - dropped);
        for _ in 0..1000 {
            assert_eq!(shaper.push(0, vec![0; 8], false), Admitted::Queued);
        }
        assert_eq!(shaper.dropped(), dropped, "a stream is never dropped");
    }

    #[test]
    fn a_delay_holds_each_chunk_for_its_time() {
        let mut shaper = Shaper::new(
            ShapeSpec {
                delay_ms: 100,
                ..spec()
            },
            1,
        );
        shaper.push(0, b"a".to_vec(), false);
        shaper.push(30 * MS, b"b".to_vec(), false);
        assert_eq!(shaper.next_due_us(), Some(100 * MS));
        assert_eq!(shaper.pop_due(99 * MS), None);
        assert_eq!(shaper.pop_due(100 * MS), Some(b"a".to_vec()));
        assert_eq!(shaper.next_due_us(), Some(130 * MS));
        assert_eq!(shaper.pop_due(129 * MS), None);
        assert_eq!(shaper.pop_due(130 * MS), Some(b"b".to_vec()));
    }

    #[test]
    fn jitter_stays_within_its_bounds_and_never_reorders() {
        let mut shaper = Shaper::new(
            ShapeSpec {
                delay_ms: 50,
                jitter_ms: 20,
                ..spec()
            },
            7,
        );
        let mut sent_at = Vec::new();
        for i in 0..2000u32 {
            let now = i64::from(i) * MS;
            sent_at.push(now);
            shaper.push(now, i.to_be_bytes().to_vec(), true);
        }
        let mut now = 0;
        let mut received = Vec::new();
        let mut earliest_extra = i64::MAX;
        let mut latest_extra = i64::MIN;
        while let Some(due) = shaper.next_due_us() {
            now = now.max(due);
            let chunk = shaper.pop_due(now).expect("due");
            let index = u32::from_be_bytes(chunk.try_into().unwrap()) as usize;
            received.push(index);
            let extra = now - sent_at[index];
            earliest_extra = earliest_extra.min(extra);
            latest_extra = latest_extra.max(extra);
        }
        assert_eq!(received, (0..2000).collect::<Vec<_>>(), "in order");
        assert!(earliest_extra >= 30 * MS, "{earliest_extra}");
        // Order kept: a chunk may wait for an earlier one's later time,
        // which is itself at most the delay and the jitter after its push.
        assert!(latest_extra <= 70 * MS, "{latest_extra}");
    }

    #[test]
    fn a_rate_cap_spaces_chunks_by_their_size() {
        let mut shaper = Shaper::new(
            ShapeSpec {
                rate_bytes_per_sec: Some(10_000),
                ..spec()
            },
            1,
        );
        for _ in 0..10 {
            shaper.push(0, vec![0; 1000], false);
        }
        let mut now = 0;
        let mut times = Vec::new();
        while let Some(due) = shaper.next_due_us() {
            now = now.max(due);
            shaper.pop_due(now).expect("due");
            times.push(now);
        }
        assert_eq!(times.len(), 10);
        // 1,000 bytes at 10,000 B/s take 100 ms of the link each.
        assert_eq!(times[1] - times[0], 100 * MS);
        assert_eq!(times[9], 900 * MS);
    }

    #[test]
    fn a_held_direction_keeps_everything_until_released() {
        let mut shaper = Shaper::new(spec(), 1);
        shaper.set_held(true);
        shaper.push(0, b"one".to_vec(), false);
        shaper.push(0, b"two".to_vec(), false);
        assert_eq!(shaper.pop_due(i64::MAX), None);
        assert_eq!(shaper.next_due_us(), None);
        assert_eq!(shaper.waiting_bytes(), 6);
        shaper.set_held(false);
        assert_eq!(shaper.pop_due(0), Some(b"one".to_vec()));
        assert_eq!(shaper.pop_due(0), Some(b"two".to_vec()));
        assert_eq!(shaper.waiting_bytes(), 0);
    }

    #[test]
    fn the_flags_values_are_read_or_refused_with_a_sentence() {
        assert_eq!(parse_delay("100"), Ok((100, 0)));
        assert_eq!(parse_delay(" 100 , 20 "), Ok((100, 20)));
        assert_eq!(
            parse_delay("100ms").unwrap_err().to_string(),
            "'100ms' is not a delay: give milliseconds, and a jitter after a comma (100 or 100,20)"
        );
        assert!(parse_delay("60001").is_err());
        assert!(parse_delay("1,-2").is_err());
        assert_eq!(parse_loss("10"), Ok(10.0));
        assert_eq!(parse_loss("2.5%"), Ok(2.5));
        assert!(parse_loss("101").is_err());
        assert!(parse_loss("NaN").is_err());
        assert_eq!(parse_rate("65536"), Ok(65536));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("-1").is_err());
    }
}

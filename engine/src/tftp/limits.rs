//! What one source may take from the TFTP server: requests per second
//! (`RateLimiter`), transfers at once (`Slots`), and how long a transfer
//! may wait for its peer's first answer. Every such policy, its default
//! and the wording of its refusals live here, for the server and for both
//! front ends.
//!
//! Sources are counted by [`AddressKey`], core's rule for every server:
//! an IPv4 address, or the /64 an IPv6 address is in.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use mio::Token;

use super::wire::ErrorCode;

pub use netassist_core::address::{AddressCounts, AddressKey};

// The default limits are core's, beside the configuration they fill.
pub use netassist_core::tftp::{DEFAULT_MAX_TRANSFERS, DEFAULT_MAX_TRANSFERS_PER_ADDRESS};

/// How long a new transfer waits for its peer's first answer by default
/// (the policy and its reasons are beside the constant, in core).
pub use netassist_core::tftp::FIRST_ANSWER_TIMEOUT;

/// Requests from one address (IPv6: one /64) per second, after a burst of
/// [`REQUEST_BURST`]: enough for any real client, little for a flood.
pub const REQUESTS_PER_SEC: f32 = 50.0;
pub const REQUEST_BURST: f32 = 100.0;

/// Addresses the rate limiter remembers at once (a power of two). A
/// bucket left alone for `REQUEST_BURST / REQUESTS_PER_SEC` = 2 s is full
/// again and carries nothing worth keeping, so 16,384 entries remember
/// every address that sent in the last couple of seconds unless thousands
/// of sources send at once; then the least recently seen are forgotten.
pub const RATE_TABLE_ENTRIES: usize = 16_384;

/// Entries per set of the rate limiter's table: an address can sit in any
/// of these, so a few addresses hashed to the same set do not push each
/// other out at once.
const WAYS: usize = 4;

/// One remembered address: a token bucket.
#[derive(Clone, Copy)]
struct Bucket {
    key: Option<AddressKey>,
    tokens: f32,
    /// When the address last sent, in milliseconds since the limiter began.
    seen_ms: u64,
}

const EMPTY: Bucket = Bucket {
    key: None,
    tokens: 0.0,
    seen_ms: 0,
};

/// A token bucket per address in a table of fixed size: a few comparisons
/// per request, however many addresses send, and memory fixed when the
/// server starts.
///
/// The table is set-associative: an address's set is chosen by a keyed
/// hash (SipHash with a key drawn at start), and within the set the least
/// recently seen entry makes room for a new address. An LRU over a hash
/// map would remember exactly the most recent addresses, but it allocates
/// and frees a node for each new source, and a flood of spoofed sources is
/// all new sources; this table never allocates after start. The key of the
/// hash keeps a sender from choosing addresses that land in one set.
///
/// What a flood of distinct sources can do, by design: make the table
/// forget an address, which then starts again with a full bucket. An
/// address is refused only for its own requests (entries hold the whole
/// key, so two addresses never share a bucket), so such a flood can never
/// lock out a legitimate client; at worst a heavy sender gets a fresh
/// burst now and then.
pub struct RateLimiter {
    hasher: RandomState,
    buckets: Box<[Bucket]>,
    /// `buckets.len() / WAYS - 1`: sets are a power of two.
    set_mask: usize,
    started: Instant,
}

impl RateLimiter {
    /// A table of `entries` rounded up to a power of two (at least `WAYS`).
    pub fn new(entries: usize, now: Instant) -> RateLimiter {
        let entries = entries.max(WAYS).next_power_of_two();
        RateLimiter {
            hasher: RandomState::new(),
            buckets: vec![EMPTY; entries].into_boxed_slice(),
            set_mask: entries / WAYS - 1,
            started: now,
        }
    }

    /// Whether a request from `ip` may be answered now; takes a token.
    pub fn allow(&mut self, ip: IpAddr, now: Instant) -> bool {
        let key = AddressKey::of(ip);
        let now_ms = u64::try_from(now.saturating_duration_since(self.started).as_millis())
            .unwrap_or(u64::MAX);
        let set = (self.hasher.hash_one(key) as usize) & self.set_mask;
        let ways = &mut self.buckets[set * WAYS..(set + 1) * WAYS];
        if let Some(bucket) = ways.iter_mut().find(|b| b.key == Some(key)) {
            let elapsed_secs = now_ms.saturating_sub(bucket.seen_ms) as f32 / 1000.0;
            bucket.tokens = (bucket.tokens + elapsed_secs * REQUESTS_PER_SEC).min(REQUEST_BURST);
            bucket.seen_ms = now_ms;
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                return true;
            }
            return false;
        }
        // A new address: an empty entry, else the one seen longest ago.
        if let Some(victim) = ways.iter_mut().min_by_key(|b| (b.key.is_some(), b.seen_ms)) {
            *victim = Bucket {
                key: Some(key),
                tokens: REQUEST_BURST - 1.0,
                seen_ms: now_ms,
            };
        }
        true
    }

    /// Addresses remembered now; never more than the table's size.
    pub fn tracked(&self) -> usize {
        self.buckets.iter().filter(|b| b.key.is_some()).count()
    }

    pub fn capacity(&self) -> usize {
        self.buckets.len()
    }
}

/// Why a request gets no transfer slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotRefusal {
    /// Every slot of the server is taken.
    ServerFull,
    /// The request's address already runs `limit` transfers.
    AddressFull { limit: usize },
}

impl SlotRefusal {
    /// TFTP has no code for "busy"; 0 says "see the message".
    pub fn code(self) -> ErrorCode {
        ErrorCode::Undefined
    }

    /// The ERROR packet's text, also shown in the refusal event.
    pub fn message(self) -> String {
        match self {
            SlotRefusal::ServerFull => "too many transfers at once; try again later".to_owned(),
            SlotRefusal::AddressFull { limit } => format!(
                "too many transfers from your address at once (at most {limit}); \
                 try again when one has ended"
            ),
        }
    }
}

/// The ERROR code a peer that never answered is sent, with
/// [`first_answer_timeout_message`].
pub const FIRST_ANSWER_ERROR: ErrorCode = ErrorCode::Undefined;

/// The ERROR packet's text and the transfer's failure reason when a peer
/// never answered within `timeout`.
pub fn first_answer_timeout_message(timeout: Duration) -> String {
    format!(
        "no answer from the peer within {} s of the first packet",
        timeout.as_secs()
    )
}

/// A transfer's slot: whose it is, and until when it waits for the first
/// answer (`None` once the peer answered).
struct Held {
    key: AddressKey,
    answer_by: Option<Instant>,
}

/// The transfer slots: at most `max_total` transfers, at most
/// `max_per_address` from one address, each known by its socket's token.
/// A slot is held from the request until the transfer is dropped (its
/// dallying included), so what it counts matches the open sockets.
pub struct Slots {
    max_total: usize,
    max_per_address: usize,
    first_answer_timeout: Duration,
    held: HashMap<Token, Held>,
    per_address: AddressCounts,
}

impl Slots {
    pub fn new(max_total: usize, max_per_address: usize, first_answer_timeout: Duration) -> Slots {
        Slots {
            max_total,
            max_per_address,
            first_answer_timeout,
            held: HashMap::new(),
            per_address: AddressCounts::new(Some(max_per_address)),
        }
    }

    /// How long a new transfer waits for its peer's first answer.
    pub fn first_answer_timeout(&self) -> Duration {
        self.first_answer_timeout
    }

    /// Whether a request from `key` may start a transfer now.
    pub fn check(&self, key: AddressKey) -> Result<(), SlotRefusal> {
        if !self.per_address.admits_key(key) {
            return Err(SlotRefusal::AddressFull {
                limit: self.max_per_address,
            });
        }
        if self.held.len() >= self.max_total {
            return Err(SlotRefusal::ServerFull);
        }
        Ok(())
    }

    /// Records a started transfer; its first answer is due by
    /// `now` plus the first-answer timeout.
    pub fn take(&mut self, token: Token, key: AddressKey, now: Instant) {
        let answer_by = Some(now + self.first_answer_timeout);
        if let Some(old) = self.held.insert(token, Held { key, answer_by }) {
            // A token is never reused while held; should it be, the old
            // slot is not counted twice.
            self.per_address.remove_key(old.key);
        }
        self.per_address.add_key(key);
    }

    /// Frees the slot of a dropped transfer.
    pub fn release(&mut self, token: Token) {
        if let Some(held) = self.held.remove(&token) {
            self.per_address.remove_key(held.key);
        }
    }

    /// True when the transfer of `token` got no first answer in time.
    /// `answered` says whether the peer has answered by now; once it has,
    /// the slot no longer waits.
    pub fn first_answer_overdue(&mut self, token: Token, answered: bool, now: Instant) -> bool {
        let Some(held) = self.held.get_mut(&token) else {
            return false;
        };
        match held.answer_by {
            Some(_) if answered => {
                held.answer_by = None;
                false
            }
            Some(answer_by) if now >= answer_by => {
                held.answer_by = None;
                true
            }
            _ => false,
        }
    }

    /// The transfer that has waited longest for its peer's first answer,
    /// if any still waits: the one that yields its slot when the server
    /// is full and a new request comes.
    pub fn oldest_unanswered(&self) -> Option<Token> {
        self.held
            .iter()
            .filter_map(|(token, held)| Some((held.answer_by?, *token)))
            .min()
            .map(|(_, token)| token)
    }

    /// The earliest first answer still awaited.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.held.values().filter_map(|h| h.answer_by).min()
    }

    /// Slots held by `key`.
    pub fn held_by(&self, key: AddressKey) -> usize {
        self.per_address.held_by(key)
    }

    /// Slots held in all.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn the_oldest_unanswered_transfer_is_the_one_to_yield() {
        let mut slots = Slots::new(3, 3, Duration::from_secs(5));
        let key = AddressKey::of(ip("127.0.0.1"));
        let start = Instant::now();
        slots.take(Token(1), key, start);
        slots.take(Token(2), key, start + Duration::from_millis(1));
        slots.take(Token(3), key, start + Duration::from_millis(2));
        // Token 1's peer answered: it is not a candidate.
        assert!(!slots.first_answer_overdue(Token(1), true, start));
        assert_eq!(slots.oldest_unanswered(), Some(Token(2)));
        slots.release(Token(2));
        assert_eq!(slots.oldest_unanswered(), Some(Token(3)));
        assert!(!slots.first_answer_overdue(Token(3), true, start));
        assert_eq!(slots.oldest_unanswered(), None);
    }

    #[test]
    fn ipv6_addresses_in_one_64_share_a_key() {
        let a = AddressKey::of(ip("2001:db8:1:2::1"));
        let b = AddressKey::of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        let other = AddressKey::of(ip("2001:db8:1:3::1"));
        assert_eq!(a, b);
        assert_ne!(a, other);
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn an_ipv4_mapped_address_counts_as_its_ipv4_address() {
        let mapped = AddressKey::of(ip("::ffff:192.0.2.7"));
        assert_eq!(mapped, AddressKey::of(ip("192.0.2.7")));
        assert_eq!(mapped.to_string(), "192.0.2.7");
        assert_ne!(mapped, AddressKey::of(ip("192.0.2.8")));
        // Not mapped: ::c000:207 is an IPv6 address of the ::/64 prefix.
        assert_eq!(AddressKey::of(ip("::c000:207")), AddressKey::V6Net(0));
    }

    #[test]
    fn one_address_gets_its_burst_then_its_rate() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(64, start);
        let allowed = (0..1000)
            .filter(|_| limiter.allow(ip("192.0.2.1"), start))
            .count();
        assert_eq!(allowed, REQUEST_BURST as usize);
        // Another address is not charged for the first one's requests.
        assert!(limiter.allow(ip("192.0.2.2"), start));
        // One second later, one second's worth of requests.
        let later = start + Duration::from_secs(1);
        let allowed = (0..1000)
            .filter(|_| limiter.allow(ip("192.0.2.1"), later))
            .count();
        assert_eq!(allowed, REQUESTS_PER_SEC as usize);
    }

    #[test]
    fn an_ipv6_64_shares_one_bucket() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(64, start);
        let allowed = (0..1000u32)
            .filter(|n| {
                let host = u128::from(*n) + 1;
                let addr = Ipv6Addr::from((0x2001_0db8_0000_0001u128 << 64) | host);
                limiter.allow(IpAddr::V6(addr), start)
            })
            .count();
        assert_eq!(allowed, REQUEST_BURST as usize);
    }

    #[test]
    fn the_rate_table_stays_bounded_under_a_million_distinct_addresses() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(RATE_TABLE_ENTRIES, start);
        let capacity = limiter.capacity();
        assert_eq!(capacity, RATE_TABLE_ENTRIES);
        for n in 0..1_000_000u32 {
            // Every spoofed source is new, so every one is let through.
            assert!(limiter.allow(IpAddr::V4(Ipv4Addr::from(n)), start));
        }
        assert_eq!(limiter.tracked(), capacity);
        assert_eq!(limiter.capacity(), capacity);
    }

    #[test]
    fn a_flood_of_distinct_sources_never_refuses_a_steady_client() {
        let start = Instant::now();
        // A small table, so that the flood churns through it many times.
        let mut limiter = RateLimiter::new(256, start);
        let client = ip("192.0.2.200");
        let mut refused = 0;
        for n in 0..200_000u32 {
            // 100,000 spoofed sources a second, and the client 20 times a
            // second, well under its rate.
            let now = start + Duration::from_micros(u64::from(n) * 10);
            limiter.allow(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | n)), now);
            if n % 5_000 == 0 && !limiter.allow(client, now) {
                refused += 1;
            }
        }
        assert_eq!(refused, 0);
    }

    #[test]
    fn a_heavy_sender_stays_limited_while_others_come_and_go() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(RATE_TABLE_ENTRIES, start);
        let heavy = ip("192.0.2.66");
        let mut allowed = 0;
        for n in 0..100_000u32 {
            // One second of a 100,000-source flood; the heavy sender tries
            // 10,000 times in it.
            let now = start + Duration::from_micros(u64::from(n) * 10);
            limiter.allow(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | n)), now);
            if n % 10 == 0 && limiter.allow(heavy, now) {
                allowed += 1;
            }
        }
        // Its burst and one second at its rate, and not much more: the
        // flood did not make the table forget it.
        let expected = (REQUEST_BURST + REQUESTS_PER_SEC) as usize;
        assert!(allowed <= expected + 1, "{allowed} allowed");
    }

    #[test]
    fn slots_refuse_beyond_the_per_address_limit_and_free_on_release() {
        let now = Instant::now();
        let mut slots = Slots::new(10, 2, FIRST_ANSWER_TIMEOUT);
        let a = AddressKey::of(ip("127.0.0.2"));
        let b = AddressKey::of(ip("127.0.0.3"));
        slots.take(Token(1), a, now);
        slots.take(Token(2), a, now);
        assert_eq!(slots.check(a), Err(SlotRefusal::AddressFull { limit: 2 }));
        assert_eq!(slots.check(b), Ok(()));
        slots.release(Token(1));
        assert_eq!(slots.check(a), Ok(()));
        assert_eq!(slots.held_by(a), 1);
        slots.release(Token(2));
        assert_eq!(slots.held_by(a), 0);
        assert!(slots.is_empty());
        // Releasing twice frees nothing more.
        slots.release(Token(2));
        assert_eq!(slots.len(), 0);
    }

    #[test]
    fn slots_refuse_when_the_server_is_full() {
        let now = Instant::now();
        let mut slots = Slots::new(3, 2, FIRST_ANSWER_TIMEOUT);
        for (n, text) in ["127.0.0.2", "127.0.0.3", "127.0.0.4"].iter().enumerate() {
            slots.take(Token(n), AddressKey::of(ip(text)), now);
        }
        let newcomer = AddressKey::of(ip("127.0.0.5"));
        assert_eq!(slots.check(newcomer), Err(SlotRefusal::ServerFull));
        assert!(
            SlotRefusal::ServerFull
                .message()
                .contains("too many transfers")
        );
    }

    #[test]
    fn the_refusal_names_the_limit() {
        let message = SlotRefusal::AddressFull { limit: 8 }.message();
        assert!(message.contains("from your address"), "{message}");
        assert!(message.contains('8'), "{message}");
        assert_eq!(
            SlotRefusal::AddressFull { limit: 8 }.code(),
            ErrorCode::Undefined
        );
    }

    #[test]
    fn a_slot_is_overdue_only_without_a_first_answer() {
        let now = Instant::now();
        let mut slots = Slots::new(10, 10, FIRST_ANSWER_TIMEOUT);
        let key = AddressKey::of(ip("127.0.0.2"));
        slots.take(Token(1), key, now);
        slots.take(Token(2), key, now);
        assert_eq!(slots.next_deadline(), Some(now + FIRST_ANSWER_TIMEOUT));
        let before = now + FIRST_ANSWER_TIMEOUT - Duration::from_millis(1);
        assert!(!slots.first_answer_overdue(Token(1), false, before));
        // Token 2's peer answers; it no longer waits.
        assert!(!slots.first_answer_overdue(Token(2), true, before));
        let after = now + FIRST_ANSWER_TIMEOUT;
        assert!(slots.first_answer_overdue(Token(1), false, after));
        assert!(!slots.first_answer_overdue(Token(2), false, after));
        // Reported once; the slot stays held until the transfer is dropped.
        assert!(!slots.first_answer_overdue(Token(1), false, after));
        assert_eq!(slots.next_deadline(), None);
        assert_eq!(slots.held_by(key), 2);
    }

    /// Not a test: the limiter's cost per request with 10 k and 1 M
    /// distinct sources. `cargo test --release --lib tftp::limits -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn measure_rate_limiter_cost_per_request() {
        for sources in [10_000u32, 1_000_000] {
            let start = Instant::now();
            let mut limiter = RateLimiter::new(RATE_TABLE_ENTRIES, start);
            let requests = 4_000_000u32;
            let clock = Instant::now();
            let mut allowed = 0u32;
            for n in 0..requests {
                let source = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | (n % sources)));
                let now = start + Duration::from_micros(u64::from(n));
                allowed += u32::from(limiter.allow(std::hint::black_box(source), now));
            }
            let ns = clock.elapsed().as_nanos() as f64 / f64::from(requests);
            println!("{sources} sources: {ns:.1} ns per request ({allowed} allowed)");
        }
    }
}

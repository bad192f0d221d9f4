//! What a session answers by itself, on its own thread: echo (every
//! received message back to its sender) and the auto-reply rules. Both
//! front ends share this one policy, so a loop between two programs that
//! answer each other is held the same way in the window and headless:
//!
//! - nothing is answered that came from the session's own socket address
//!   (a datagram "from itself" would otherwise be answered for ever);
//! - each peer gets at most [`REPLY_CAP_PER_SEC`] answers a second; what
//!   goes over is counted and reported once its second is over.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use super::autoreply::{self, Rule};
use super::{Event, Outbox, ReplyHeld, SessionError};

/// Most answers (echoes and auto-replies together) one peer gets in a
/// second. Two programs that answer each other (two `--echo` instances
/// pointed at each other, or rules that match each other's replies)
/// exchange at most this many messages a second each, instead of as many
/// as the machine can carry; a peer that really sends faster than this
/// gets the first this-many of each second answered, and the rest counted
/// in a [`ReplyHeld::OverCap`] event.
pub const REPLY_CAP_PER_SEC: u32 = 1000;

/// The span that [`REPLY_CAP_PER_SEC`] counts over.
const CAP_WINDOW: Duration = Duration::from_secs(1);

/// Most peers whose answers are counted at once. A peer is forgotten one
/// second after its last message, so this is only reached by more than
/// this many peers in one second (a spoofed-source flood); messages from
/// further peers are then not answered, and counted.
pub const MAX_COUNTED_PEERS: usize = 16_384;

/// What a session answers by itself, chosen when it is opened.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    /// Send every received message back to its sender.
    pub echo: bool,
    /// Auto-reply rules (the first that matches answers); they can be
    /// replaced later with `Command::SetAutoReply`.
    pub rules: Vec<Rule>,
}

/// The session's own socket address, to recognise messages from itself.
#[derive(Clone, Debug)]
struct OwnAddress {
    local: SocketAddr,
    /// The machine's addresses, when bound to every interface (0.0.0.0 or
    /// `::`): a message from any of them with our port is from us.
    machine_ips: Vec<IpAddr>,
}

impl OwnAddress {
    fn new(local: SocketAddr) -> OwnAddress {
        let machine_ips = if local.ip().is_unspecified() {
            // Without the list, loopback addresses are still recognised;
            // a failure to list the interfaces is no reason not to serve.
            super::interfaces()
                .map(|found| found.into_iter().map(|i| i.addr.to_canonical()).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        OwnAddress { local, machine_ips }
    }

    fn is_own(&self, peer: SocketAddr) -> bool {
        if peer.port() != self.local.port() {
            return false;
        }
        let peer_ip = peer.ip().to_canonical();
        let local_ip = self.local.ip().to_canonical();
        if local_ip.is_unspecified() {
            peer_ip.is_loopback() || peer_ip.is_unspecified() || self.machine_ips.contains(&peer_ip)
        } else {
            peer_ip == local_ip
        }
    }
}

/// One peer's answers in its current second.
#[derive(Clone, Copy, Debug)]
struct PeerWindow {
    started: Instant,
    answered: u32,
    skipped: u64,
}

/// Counts answers per peer and second; pure, the caller gives the time.
#[derive(Debug)]
pub struct ReplyLimiter {
    per_second: u32,
    max_peers: usize,
    peers: HashMap<SocketAddr, PeerWindow>,
    /// Messages not answered because the table was full, since the last
    /// report.
    overflow_skipped: u64,
    /// When the table is next swept for seconds that are over.
    next_sweep: Option<Instant>,
}

impl ReplyLimiter {
    pub fn new(per_second: u32, max_peers: usize) -> ReplyLimiter {
        ReplyLimiter {
            per_second,
            max_peers,
            peers: HashMap::new(),
            overflow_skipped: 0,
            next_sweep: None,
        }
    }

    /// Whether `peer` may get one more answer now; a refusal is counted.
    /// A second that is over is reported through `report` first.
    pub fn allow(
        &mut self,
        peer: SocketAddr,
        now: Instant,
        report: &mut dyn FnMut(ReplyHeld),
    ) -> bool {
        if self.next_sweep.is_none() {
            self.next_sweep = Some(now + CAP_WINDOW);
        }
        if !self.peers.contains_key(&peer) && self.peers.len() >= self.max_peers {
            self.sweep(now, report);
            if self.peers.len() >= self.max_peers {
                self.overflow_skipped += 1;
                return false;
            }
        }
        let window = self.peers.entry(peer).or_insert(PeerWindow {
            started: now,
            answered: 0,
            skipped: 0,
        });
        if now.duration_since(window.started) >= CAP_WINDOW {
            if window.skipped > 0 {
                report(ReplyHeld::OverCap {
                    peer,
                    skipped: window.skipped,
                    per_second: self.per_second,
                });
            }
            *window = PeerWindow {
                started: now,
                answered: 0,
                skipped: 0,
            };
        }
        if window.answered < self.per_second {
            window.answered += 1;
            true
        } else {
            window.skipped += 1;
            false
        }
    }

    /// When [`ReplyLimiter::sweep`] has work to do, if ever.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.next_sweep
    }

    /// Reports and forgets the seconds that are over, so that a peer that
    /// went quiet still has its count shown, and the table stays small.
    pub fn sweep(&mut self, now: Instant, report: &mut dyn FnMut(ReplyHeld)) {
        let per_second = self.per_second;
        self.peers.retain(|peer, window| {
            if now.duration_since(window.started) < CAP_WINDOW {
                return true;
            }
            if window.skipped > 0 {
                report(ReplyHeld::OverCap {
                    peer: *peer,
                    skipped: window.skipped,
                    per_second,
                });
            }
            false
        });
        if self.overflow_skipped > 0 {
            report(ReplyHeld::TooManyPeers {
                skipped: std::mem::take(&mut self.overflow_skipped),
                max_peers: self.max_peers,
            });
        }
        self.next_sweep = (!self.peers.is_empty()).then(|| now + CAP_WINDOW);
    }
}

/// The session side: decides, for each received message, what is sent
/// back, applying the own-address rule and the per-peer cap.
pub struct Responder {
    echo: bool,
    rules: Vec<Rule>,
    own: OwnAddress,
    limiter: ReplyLimiter,
    /// Held answers not shown yet: they are shown by [`Responder::tick`],
    /// after the received messages they concern.
    held: Vec<ReplyHeld>,
}

impl Responder {
    /// `local` is the session's own socket address (UDP: the bound
    /// address; TCP: the connection's or the listener's).
    pub fn new(answers: Answers, local: SocketAddr) -> Responder {
        Responder {
            echo: answers.echo,
            rules: answers.rules,
            own: OwnAddress::new(local),
            limiter: ReplyLimiter::new(REPLY_CAP_PER_SEC, MAX_COUNTED_PEERS),
            held: Vec::new(),
        }
    }

    pub fn set_rules(&mut self, rules: Vec<Rule>) {
        self.rules = rules;
    }

    /// The answer to `received` from `peer`, if any: the echo, else the
    /// first matching rule's reply. Held answers are reported by the next
    /// [`Responder::tick`].
    #[inline]
    pub fn answer(
        &mut self,
        peer: SocketAddr,
        received: &[u8],
        outbox: &Outbox,
    ) -> Option<Vec<u8>> {
        // Most sessions answer nothing: during a flood that costs a check
        // per message, not a call.
        if !self.echo && self.rules.is_empty() {
            return None;
        }
        self.answer_some(peer, received, outbox)
    }

    fn answer_some(
        &mut self,
        peer: SocketAddr,
        received: &[u8],
        outbox: &Outbox,
    ) -> Option<Vec<u8>> {
        let reply = if self.echo {
            received.to_vec()
        } else {
            reply_for(&self.rules, received, outbox)?
        };
        if self.own.is_own(peer) {
            self.held.push(ReplyHeld::OwnAddress { peer });
            return None;
        }
        let held = &mut self.held;
        self.limiter
            .allow(peer, Instant::now(), &mut |h| held.push(h))
            .then_some(reply)
    }

    /// When the session thread must wake to report held answers.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.limiter.next_deadline()
    }

    /// Reports held answers: those found since the last call, and those
    /// whose second is over, if that time has come. Called after the
    /// received messages were handed over, so they are shown first.
    pub fn tick(&mut self, outbox: &Outbox) {
        let now = Instant::now();
        if self.limiter.next_deadline().is_some_and(|due| due <= now) {
            let held = &mut self.held;
            self.limiter.sweep(now, &mut |h| held.push(h));
        }
        for held in self.held.drain(..) {
            outbox.emit(Event::ReplyHeld(held));
        }
    }
}

/// The earlier of two optional poll timeouts.
pub fn earlier_timeout(timeout: Option<Duration>, deadline: Option<Instant>) -> Option<Duration> {
    let until = deadline.map(|at| at.saturating_duration_since(Instant::now()));
    match (timeout, until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The reply to `received`, if a rule matches; a reply that could not be
/// built is reported as an error event, and the session goes on.
fn reply_for(rules: &[Rule], received: &[u8], outbox: &Outbox) -> Option<Vec<u8>> {
    match autoreply::respond(rules, received)? {
        Ok(reply) => Some(reply),
        Err(e) => {
            outbox.emit(Event::Error(SessionError::AutoReply(e)));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("a test address")
    }

    #[test]
    fn a_peer_gets_at_most_the_cap_per_second_and_the_rest_is_reported() {
        let mut limiter = ReplyLimiter::new(3, 10);
        let start = Instant::now();
        let peer = addr("127.0.0.1:5000");
        let mut reports = Vec::new();
        let allowed = (0..10)
            .filter(|_| limiter.allow(peer, start, &mut |h| reports.push(h)))
            .count();
        assert_eq!(allowed, 3);
        assert!(reports.is_empty());
        // The next second starts afresh and reports the one before.
        assert!(limiter.allow(peer, start + CAP_WINDOW, &mut |h| reports.push(h)));
        assert_eq!(
            reports,
            vec![ReplyHeld::OverCap {
                peer,
                skipped: 7,
                per_second: 3
            }]
        );
    }

    #[test]
    fn a_quiet_peers_count_is_reported_by_the_sweep_and_forgotten() {
        let mut limiter = ReplyLimiter::new(1, 10);
        let start = Instant::now();
        let peer = addr("127.0.0.1:5000");
        let mut reports = Vec::new();
        assert!(limiter.allow(peer, start, &mut |h| reports.push(h)));
        assert!(!limiter.allow(peer, start, &mut |h| reports.push(h)));
        let due = limiter.next_deadline().expect("a sweep is due");
        limiter.sweep(due, &mut |h| reports.push(h));
        assert_eq!(
            reports,
            vec![ReplyHeld::OverCap {
                peer,
                skipped: 1,
                per_second: 1
            }]
        );
        assert_eq!(limiter.next_deadline(), None);
    }

    #[test]
    fn peers_past_the_table_size_are_not_answered_and_are_counted() {
        let mut limiter = ReplyLimiter::new(5, 2);
        let now = Instant::now();
        let mut reports = Vec::new();
        assert!(limiter.allow(addr("127.0.0.1:1"), now, &mut |h| reports.push(h)));
        assert!(limiter.allow(addr("127.0.0.1:2"), now, &mut |h| reports.push(h)));
        assert!(!limiter.allow(addr("127.0.0.1:3"), now, &mut |h| reports.push(h)));
        limiter.sweep(now + CAP_WINDOW, &mut |h| reports.push(h));
        assert_eq!(
            reports,
            vec![ReplyHeld::TooManyPeers {
                skipped: 1,
                max_peers: 2
            }]
        );
    }

    #[test]
    fn own_address_is_the_bound_address_or_any_local_one_with_its_port() {
        let bound = OwnAddress::new(addr("127.0.0.1:7000"));
        assert!(bound.is_own(addr("127.0.0.1:7000")));
        assert!(bound.is_own(addr("[::ffff:127.0.0.1]:7000")));
        assert!(!bound.is_own(addr("127.0.0.2:7000")));
        assert!(!bound.is_own(addr("127.0.0.1:7001")));

        let any = OwnAddress::new(addr("0.0.0.0:7000"));
        assert!(any.is_own(addr("127.0.0.1:7000")));
        assert!(any.is_own(addr("127.0.0.5:7000")));
        assert!(!any.is_own(addr("127.0.0.1:7001")));
        let any_v6 = OwnAddress::new(addr("[::]:7000"));
        assert!(any_v6.is_own(addr("[::1]:7000")));
        assert!(any_v6.is_own(addr("[::ffff:127.0.0.1]:7000")));
    }
}

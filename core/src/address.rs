//! Where a peer comes from, as every server counts it: one rule for the
//! TCP, TLS and WebSocket servers' per-address client limit and for the
//! TFTP server's transfer slots and request rate.
//!
//! An IPv4 address counts by itself (an IPv4-mapped IPv6 address is its
//! IPv4 address); an IPv6 address counts by the /64 it is in, because one
//! host usually holds a whole /64: counting single IPv6 addresses would
//! let it take every place by changing its last 64 bits.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What sources are counted by: an IPv4 address, or an IPv6 /64 prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressKey {
    V4(Ipv4Addr),
    /// The upper 64 bits of an IPv6 address.
    V6Net(u64),
}

impl AddressKey {
    pub fn of(ip: IpAddr) -> AddressKey {
        match ip.to_canonical() {
            IpAddr::V4(v4) => AddressKey::V4(v4),
            IpAddr::V6(v6) => AddressKey::V6Net((u128::from(v6) >> 64) as u64),
        }
    }
}

impl fmt::Display for AddressKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressKey::V4(v4) => write!(f, "{v4}"),
            AddressKey::V6Net(prefix) => {
                write!(f, "{}/64", Ipv6Addr::from(u128::from(*prefix) << 64))
            }
        }
    }
}

/// How many places each source holds, and at most how many it may: a
/// server asks [`admits`](Self::admits) before it takes a peer in, and
/// calls [`add`](Self::add) and [`remove`](Self::remove) as the peer comes
/// and goes (a handshake under way holds its place too). The count is kept
/// whether or not there is a limit, so the rule is the same on every
/// server.
#[derive(Debug, Default)]
pub struct AddressCounts {
    limit: Option<usize>,
    counts: HashMap<AddressKey, usize>,
}

impl AddressCounts {
    /// Counts with at most `limit` places a source (`None`: no limit; a
    /// limit of 0 is taken as 1, as a server that admits nobody from
    /// anywhere would be no server).
    pub fn new(limit: Option<usize>) -> AddressCounts {
        AddressCounts {
            limit: limit.map(|n| n.max(1)),
            counts: HashMap::new(),
        }
    }

    /// Whether one more place may go to the source of `ip`.
    pub fn admits(&self, ip: IpAddr) -> bool {
        self.admits_key(AddressKey::of(ip))
    }

    /// Whether one more place may go to `key`.
    pub fn admits_key(&self, key: AddressKey) -> bool {
        self.limit.is_none_or(|limit| self.held_by(key) < limit)
    }

    /// Records a place taken by the source of `ip`.
    pub fn add(&mut self, ip: IpAddr) {
        self.add_key(AddressKey::of(ip));
    }

    pub fn add_key(&mut self, key: AddressKey) {
        *self.counts.entry(key).or_insert(0) += 1;
    }

    /// Gives back a place of the source of `ip`.
    pub fn remove(&mut self, ip: IpAddr) {
        self.remove_key(AddressKey::of(ip));
    }

    pub fn remove_key(&mut self, key: AddressKey) {
        if let Some(count) = self.counts.get_mut(&key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.counts.remove(&key);
            }
        }
    }

    /// Places held by `key`.
    pub fn held_by(&self, key: AddressKey) -> usize {
        self.counts.get(&key).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn ipv6_addresses_in_one_64_are_one_source() {
        let mut counts = AddressCounts::new(Some(2));
        assert!(counts.admits(ip("2001:db8:1:2::1")));
        counts.add(ip("2001:db8:1:2::1"));
        counts.add(ip("2001:db8:1:2:ffff::7"));
        assert!(
            !counts.admits(ip("2001:db8:1:2:abcd::9")),
            "a third address of the same /64 is the same source"
        );
        assert!(counts.admits(ip("2001:db8:1:3::1")), "the next /64 is not");
        assert_eq!(counts.held_by(AddressKey::of(ip("2001:db8:1:2::99"))), 2);
    }

    #[test]
    fn an_ipv4_mapped_address_is_its_ipv4_address() {
        let mut counts = AddressCounts::new(Some(1));
        counts.add(ip("::ffff:192.0.2.7"));
        assert!(!counts.admits(ip("192.0.2.7")));
        assert_eq!(
            AddressKey::of(ip("::ffff:192.0.2.7")),
            AddressKey::V4("192.0.2.7".parse().expect("v4"))
        );
        assert!(counts.admits(ip("192.0.2.8")));
    }

    #[test]
    fn a_place_given_back_admits_again_and_the_source_is_forgotten() {
        let mut counts = AddressCounts::new(Some(1));
        counts.add(ip("127.0.0.1"));
        assert!(!counts.admits(ip("127.0.0.1")));
        counts.remove(ip("127.0.0.1"));
        assert!(counts.admits(ip("127.0.0.1")));
        assert!(
            counts.counts.is_empty(),
            "a source with no place is forgotten"
        );
        // A place never taken is not given back below zero.
        counts.remove(ip("127.0.0.1"));
        assert_eq!(counts.held_by(AddressKey::of(ip("127.0.0.1"))), 0);
    }

    #[test]
    fn without_a_limit_everyone_is_admitted_and_still_counted() {
        let mut counts = AddressCounts::new(None);
        for _ in 0..1000 {
            counts.add(ip("::1"));
        }
        assert!(counts.admits(ip("::1")));
        assert_eq!(counts.held_by(AddressKey::of(ip("::1"))), 1000);
    }

    #[test]
    fn a_limit_of_zero_admits_one() {
        let mut counts = AddressCounts::new(Some(0));
        assert!(counts.admits(ip("127.0.0.1")));
        counts.add(ip("127.0.0.1"));
        assert!(!counts.admits(ip("127.0.0.1")));
    }

    #[test]
    fn a_key_reads_as_its_address_or_its_64() {
        assert_eq!(AddressKey::of(ip("192.0.2.1")).to_string(), "192.0.2.1");
        assert_eq!(
            AddressKey::of(ip("2001:db8:1:2:3:4:5:6")).to_string(),
            "2001:db8:1:2::/64"
        );
    }
}

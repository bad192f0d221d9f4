//! UDP multicast: which groups to join on which interface, and this
//! machine's interfaces for the "local address" and "interface" pickers.
//!
//! The IPv4 API names an interface by one of its addresses and the IPv6 API
//! by its index; a user may give either, so each join is resolved against
//! the interface list first (pure, and tested on fixtures).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde::{Deserialize, Serialize};
use socket2::SockRef;

use super::SessionError;

/// The time-to-live (IPv4) or hop limit (IPv6) a user may give datagrams
/// sent to a group: the field is one byte, and 1 (this network only) is
/// the least that leaves the machine. The window's field and
/// `--multicast-ttl` both hold to it.
pub const MULTICAST_TTL: std::ops::RangeInclusive<u32> = 1..=255;

/// The TTL of datagrams sent to a group unless the user gives one: 1, this
/// network only (the system's own default, said out loud so both front
/// ends set the same).
pub const DEFAULT_MULTICAST_TTL: u32 = 1;

/// Why a multicast group or the interface to join it on was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("'{0}' is not a multicast group: use 224.0.0.0–239.255.255.255 or ff00::/8")]
    NotAGroup(String),
    #[error(
        "'{0}' is not an interface address: pick one of this machine's addresses, or leave it empty"
    )]
    NotAnInterfaceAddress(String),
}

/// One multicast group address as typed (`239.255.0.1`, `ff02::1`), for
/// `--join` and each group of the window's list.
pub fn parse_group(text: &str) -> Result<IpAddr, GroupError> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .ok()
        .filter(IpAddr::is_multicast)
        .ok_or_else(|| GroupError::NotAGroup(text.to_owned()))
}

/// How a user names an interface: by one of its addresses, or by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InterfaceRef {
    Addr(IpAddr),
    Index(u32),
}

impl std::fmt::Display for InterfaceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InterfaceRef::Addr(addr) => write!(f, "{addr}"),
            InterfaceRef::Index(index) => write!(f, "interface #{index}"),
        }
    }
}

/// A group to join, on one interface or on the one the system picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MulticastJoin {
    pub group: IpAddr,
    pub interface: Option<InterfaceRef>,
}

impl MulticastJoin {
    /// Groups typed as a list (`239.255.0.1, ff02::1`: commas, semicolons
    /// or spaces), each joined on the interface with the address
    /// `interface` (empty: the one the system picks).
    pub fn parse_list(groups: &str, interface: &str) -> Result<Vec<MulticastJoin>, GroupError> {
        let interface = match interface.trim() {
            "" => None,
            text => Some(InterfaceRef::Addr(
                text.parse::<IpAddr>()
                    .map_err(|_| GroupError::NotAnInterfaceAddress(text.to_owned()))?,
            )),
        };
        groups
            .split([',', ' ', ';'])
            .filter(|group| !group.trim().is_empty())
            .map(|group| parse_group(group).map(|group| MulticastJoin { group, interface }))
            .collect()
    }
}

/// One address of one of this machine's interfaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalInterface {
    /// The system's name (`eth0`, `lo`, `Ethernet 2`).
    pub name: String,
    /// The index the IPv6 multicast API wants, where the system gives one.
    pub index: Option<u32>,
    pub addr: IpAddr,
    pub prefix_len: u8,
    pub is_loopback: bool,
    pub is_up: bool,
}

/// This machine's interfaces and their addresses, loopback included, in the
/// order the system lists them.
pub fn interfaces() -> Result<Vec<LocalInterface>, SessionError> {
    let found = if_addrs::get_if_addrs()
        .map_err(|e| SessionError::io("cannot list the network interfaces", &e))?;
    Ok(found
        .into_iter()
        .map(|interface| LocalInterface {
            is_loopback: interface.is_loopback(),
            is_up: interface.is_oper_up(),
            addr: interface.ip(),
            prefix_len: match &interface.addr {
                if_addrs::IfAddr::V4(v4) => v4.prefixlen,
                if_addrs::IfAddr::V6(v6) => v6.prefixlen,
            },
            index: interface.index,
            name: interface.name,
        })
        .collect())
}

/// A join as the socket API wants it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolvedJoin {
    /// IPv4 group and the address of the interface (0.0.0.0: any).
    V4 {
        group: Ipv4Addr,
        interface: Ipv4Addr,
    },
    /// IPv6 group and the interface index (0: any).
    V6 {
        group: std::net::Ipv6Addr,
        index: u32,
    },
}

/// Checks a join against the bound address and turns its interface into
/// what the API of the group's IP version wants.
pub fn resolve_join(
    join: &MulticastJoin,
    local: SocketAddr,
    interfaces: &[LocalInterface],
) -> Result<ResolvedJoin, SessionError> {
    if !join.group.is_multicast() {
        return Err(SessionError::NotMulticast { group: join.group });
    }
    let not_found = |interface: &InterfaceRef| SessionError::NoSuchInterface {
        interface: interface.to_string(),
    };
    match join.group {
        IpAddr::V4(group) => {
            // An IPv6 socket bound to [::] with dual stack takes IPv4 groups
            // on most systems, but not all; ask for an IPv4 socket instead
            // of failing in ways a user cannot read.
            if local.is_ipv6() {
                return Err(SessionError::MulticastFamily {
                    group: join.group,
                    local,
                    hint: "0.0.0.0",
                });
            }
            let interface = match &join.interface {
                None => Ipv4Addr::UNSPECIFIED,
                Some(InterfaceRef::Addr(IpAddr::V4(addr))) => *addr,
                Some(wanted @ InterfaceRef::Addr(IpAddr::V6(addr))) => {
                    let index = interfaces
                        .iter()
                        .find(|i| i.addr == IpAddr::V6(*addr))
                        .and_then(|i| i.index)
                        .ok_or_else(|| not_found(wanted))?;
                    first_v4_of(index, interfaces).ok_or_else(|| not_found(wanted))?
                }
                Some(wanted @ InterfaceRef::Index(index)) => {
                    first_v4_of(*index, interfaces).ok_or_else(|| not_found(wanted))?
                }
            };
            Ok(ResolvedJoin::V4 { group, interface })
        }
        IpAddr::V6(group) => {
            if local.is_ipv4() {
                return Err(SessionError::MulticastFamily {
                    group: join.group,
                    local,
                    hint: "::",
                });
            }
            let index = match &join.interface {
                None => 0,
                Some(InterfaceRef::Index(index)) => *index,
                Some(wanted @ InterfaceRef::Addr(addr)) => interfaces
                    .iter()
                    .find(|i| i.addr == *addr)
                    .and_then(|i| i.index)
                    .ok_or_else(|| not_found(wanted))?,
            };
            Ok(ResolvedJoin::V6 { group, index })
        }
    }
}

fn first_v4_of(index: u32, interfaces: &[LocalInterface]) -> Option<Ipv4Addr> {
    interfaces
        .iter()
        .filter(|i| i.index == Some(index))
        .find_map(|i| match i.addr {
            IpAddr::V4(addr) => Some(addr),
            IpAddr::V6(_) => None,
        })
}

/// Whether a join needs the interface list to be resolved (an index for
/// IPv4, an address for IPv6), so that it is only read when needed.
pub fn needs_interfaces(join: &MulticastJoin) -> bool {
    matches!(
        (join.group, join.interface),
        (IpAddr::V4(_), Some(InterfaceRef::Index(_)))
            | (IpAddr::V4(_), Some(InterfaceRef::Addr(IpAddr::V6(_))))
            | (IpAddr::V6(_), Some(InterfaceRef::Addr(_)))
    )
}

/// Joins or leaves on an open socket.
pub fn apply(socket: SockRef<'_>, join: ResolvedJoin, member: bool) -> std::io::Result<()> {
    match (join, member) {
        (ResolvedJoin::V4 { group, interface }, true) => {
            socket.join_multicast_v4(&group, &interface)
        }
        (ResolvedJoin::V4 { group, interface }, false) => {
            socket.leave_multicast_v4(&group, &interface)
        }
        (ResolvedJoin::V6 { group, index }, true) => socket.join_multicast_v6(&group, index),
        (ResolvedJoin::V6 { group, index }, false) => socket.leave_multicast_v6(&group, index),
    }
}

/// Sets what the session sends to groups with: TTL (IPv4) or hops (IPv6),
/// whether its own datagrams loop back to this machine, and the outgoing
/// interface: the bound address when it is a specific IPv4 address (or an
/// IPv6 one with a zone), else the first join's interface, so a sender
/// bound to 127.0.0.1 sends its group datagrams on loopback.
pub fn configure_sending(
    socket: SockRef<'_>,
    local: SocketAddr,
    ttl: Option<u32>,
    multicast_loop: bool,
    joins: &[ResolvedJoin],
) -> Result<(), SessionError> {
    let option = |what: &str, e: std::io::Error| {
        SessionError::MulticastOption(format!("{what} was refused ({e})"))
    };
    match local.ip() {
        IpAddr::V4(address) => {
            if let Some(ttl) = ttl {
                socket
                    .set_multicast_ttl_v4(ttl)
                    .map_err(|e| option("the TTL", e))?;
            }
            socket
                .set_multicast_loop_v4(multicast_loop)
                .map_err(|e| option("the loopback setting", e))?;
            let first_join = joins.iter().find_map(|j| match j {
                ResolvedJoin::V4 { interface, .. } if !interface.is_unspecified() => {
                    Some(*interface)
                }
                _ => None,
            });
            let outgoing = if address.is_unspecified() || address.is_multicast() {
                first_join
            } else {
                Some(address)
            };
            if let Some(outgoing) = outgoing {
                socket
                    .set_multicast_if_v4(&outgoing)
                    .map_err(|e| option("the outgoing interface", e))?;
            }
        }
        IpAddr::V6(_) => {
            if let Some(hops) = ttl {
                socket
                    .set_multicast_hops_v6(hops)
                    .map_err(|e| option("the hop limit", e))?;
            }
            socket
                .set_multicast_loop_v6(multicast_loop)
                .map_err(|e| option("the loopback setting", e))?;
            let first_join = joins.iter().find_map(|j| match j {
                ResolvedJoin::V6 { index, .. } if *index != 0 => Some(*index),
                _ => None,
            });
            // A link-local address bound with its zone (fe80::1%3) names
            // the interface as surely as a specific IPv4 address does.
            let zone = match local {
                SocketAddr::V6(v6) if v6.scope_id() != 0 => Some(v6.scope_id()),
                _ => None,
            };
            if let Some(index) = zone.or(first_join) {
                socket
                    .set_multicast_if_v6(index)
                    .map_err(|e| option("the outgoing interface", e))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<LocalInterface> {
        let entry = |name: &str, index, addr: &str| LocalInterface {
            name: name.to_owned(),
            index: Some(index),
            addr: addr.parse().unwrap(),
            prefix_len: 8,
            is_loopback: name == "lo",
            is_up: true,
        };
        vec![
            entry("lo", 1, "127.0.0.1"),
            entry("lo", 1, "::1"),
            entry("eth0", 2, "fe80::1"),
            entry("eth0", 2, "192.168.1.8"),
        ]
    }

    fn join(group: &str, interface: Option<InterfaceRef>) -> MulticastJoin {
        MulticastJoin {
            group: group.parse().unwrap(),
            interface,
        }
    }

    const V4_ANY: &str = "0.0.0.0:5000";
    const V6_ANY: &str = "[::]:5000";

    #[test]
    fn ipv4_interface_by_address_index_or_none() {
        let interfaces = fixture();
        let local = V4_ANY.parse().unwrap();
        let group: Ipv4Addr = "239.255.0.1".parse().unwrap();
        let resolve = |i| resolve_join(&join("239.255.0.1", i), local, &interfaces);
        assert_eq!(
            resolve(None),
            Ok(ResolvedJoin::V4 {
                group,
                interface: Ipv4Addr::UNSPECIFIED
            })
        );
        assert_eq!(
            resolve(Some(InterfaceRef::Addr("127.0.0.1".parse().unwrap()))),
            Ok(ResolvedJoin::V4 {
                group,
                interface: Ipv4Addr::LOCALHOST
            })
        );
        assert_eq!(
            resolve(Some(InterfaceRef::Index(2))),
            Ok(ResolvedJoin::V4 {
                group,
                interface: "192.168.1.8".parse().unwrap()
            })
        );
        assert_eq!(
            resolve(Some(InterfaceRef::Addr("fe80::1".parse().unwrap()))),
            Ok(ResolvedJoin::V4 {
                group,
                interface: "192.168.1.8".parse().unwrap()
            })
        );
        assert_eq!(
            resolve(Some(InterfaceRef::Index(9))),
            Err(SessionError::NoSuchInterface {
                interface: "interface #9".to_owned()
            })
        );
    }

    #[test]
    fn ipv6_interface_by_index_or_address() {
        let interfaces = fixture();
        let local = V6_ANY.parse().unwrap();
        let resolve = |i| resolve_join(&join("ff02::1:3", i), local, &interfaces);
        let group = "ff02::1:3".parse().unwrap();
        assert_eq!(resolve(None), Ok(ResolvedJoin::V6 { group, index: 0 }));
        assert_eq!(
            resolve(Some(InterfaceRef::Index(1))),
            Ok(ResolvedJoin::V6 { group, index: 1 })
        );
        assert_eq!(
            resolve(Some(InterfaceRef::Addr("192.168.1.8".parse().unwrap()))),
            Ok(ResolvedJoin::V6 { group, index: 2 })
        );
        assert!(resolve(Some(InterfaceRef::Addr("10.0.0.1".parse().unwrap()))).is_err());
    }

    #[test]
    fn refuses_non_groups_and_mixed_versions_with_sentences() {
        let interfaces = fixture();
        let error = resolve_join(
            &join("192.168.1.8", None),
            V4_ANY.parse().unwrap(),
            &interfaces,
        )
        .unwrap_err();
        assert!(error.to_string().contains("not a multicast group"));
        let error =
            resolve_join(&join("ff02::1", None), V4_ANY.parse().unwrap(), &interfaces).unwrap_err();
        assert!(error.to_string().contains("bind to :: to use this group"));
        let error = resolve_join(
            &join("239.1.2.3", None),
            V6_ANY.parse().unwrap(),
            &interfaces,
        )
        .unwrap_err();
        assert!(error.to_string().contains("bind to 0.0.0.0"));
    }

    #[test]
    fn interface_list_is_read_only_when_needed() {
        assert!(!needs_interfaces(&join("239.1.1.1", None)));
        assert!(!needs_interfaces(&join(
            "239.1.1.1",
            Some(InterfaceRef::Addr("127.0.0.1".parse().unwrap()))
        )));
        assert!(needs_interfaces(&join(
            "239.1.1.1",
            Some(InterfaceRef::Index(1))
        )));
        assert!(!needs_interfaces(&join(
            "ff02::1",
            Some(InterfaceRef::Index(1))
        )));
        assert!(needs_interfaces(&join(
            "ff02::1",
            Some(InterfaceRef::Addr("::1".parse().unwrap()))
        )));
    }

    #[test]
    fn this_machine_lists_its_loopback() {
        let found = interfaces().expect("the interface list can be read");
        assert!(
            found
                .iter()
                .any(|i| i.is_loopback && i.addr == IpAddr::V4(Ipv4Addr::LOCALHOST)),
            "{found:?}"
        );
    }
}

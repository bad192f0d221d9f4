//! Which connection of a session a row belongs to, so that a row names
//! it whatever the session: a server's client, a client's one connection,
//! and (for a relay) which of its two legs.

/// A connection's number in its session, given when it connects and
/// never given again while the session runs; `ConnId(0)` is the session's
/// own socket (a UDP session's), or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u32);

/// Which side of a session a connection is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Side {
    /// The session's one side: every session but a relay.
    #[default]
    Only,
    /// A relay's leg towards the peer that connected to us (the device).
    Downstream,
    /// A relay's leg towards the server we connected to for it.
    Upstream,
}

/// A connection as a row names it: its number and its side. Its addresses
/// are said once, by the `Connected` event that carries the same number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConnTag {
    pub id: ConnId,
    pub side: Side,
}

impl ConnTag {
    /// No connection: a row of the session's own socket or its own words.
    pub const NONE: ConnTag = ConnTag {
        id: ConnId(0),
        side: Side::Only,
    };

    /// Connection `id` of a session with one side.
    pub const fn only(id: u32) -> ConnTag {
        ConnTag {
            id: ConnId(id),
            side: Side::Only,
        }
    }
}

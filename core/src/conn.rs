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

    /// The tag in one `u32`, as the log keeps it for every entry: the side
    /// in the top two bits, the number below (a number past 2^30 - 1, a
    /// billion connections in one session, is kept as 2^30 - 1).
    pub fn pack(self) -> u32 {
        let side = match self.side {
            Side::Only => 0,
            Side::Downstream => 1,
            Side::Upstream => 2,
        };
        (side << 30) | self.id.0.min(ID_MASK)
    }

    /// The tag [`ConnTag::pack`] made.
    pub fn unpack(packed: u32) -> ConnTag {
        let side = match packed >> 30 {
            1 => Side::Downstream,
            2 => Side::Upstream,
            _ => Side::Only,
        };
        ConnTag {
            id: ConnId(packed & ID_MASK),
            side,
        }
    }
}

/// The bits of a packed tag that hold its number.
const ID_MASK: u32 = (1 << 30) - 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_packs_into_one_word_and_back() {
        for side in [Side::Only, Side::Downstream, Side::Upstream] {
            for id in [0, 1, 7, ID_MASK] {
                let tag = ConnTag {
                    id: ConnId(id),
                    side,
                };
                assert_eq!(ConnTag::unpack(tag.pack()), tag);
            }
        }
        let huge = ConnTag {
            id: ConnId(u32::MAX),
            side: Side::Upstream,
        };
        assert_eq!(ConnTag::unpack(huge.pack()).id, ConnId(ID_MASK));
        assert_eq!(ConnTag::unpack(huge.pack()).side, Side::Upstream);
    }
}

//! TFTP (RFC 1350 with options: RFC 2347, 2348, 2349, 7440): the sans-I/O
//! core.
//!
//! `wire` parses and emits packets, `name` reads and writes a request's
//! file name in the session's encoding, `options` negotiates, `netascii`
//! translates line ends, `rto` adapts the retransmission timeout, and
//! `transfer` is one transfer as a state machine with no sockets and no
//! clock of its own. The shells that own sockets, files and the clock are
//! the engine's (`netassist_engine::tftp::{server, client}`); the plain
//! data both sides and the front ends share (configurations, events) is
//! here, so that the engine's session layer needs no TFTP shell to name it.

mod blocks;
pub mod failure;
mod mode;
pub mod name;
pub mod netascii;
pub mod options;
mod rto;
pub mod transfer;
pub mod wire;

pub use failure::TransferFailure;
pub use mode::Mode;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::endpoint::Endpoint;
use crate::text::{Encoding, PeerText};

/// The well-known TFTP port (RFC 1350): where a server listens unless told
/// otherwise, and the port of a remote typed without one.
pub const PORT: u16 = 69;

/// Where a TFTP server listens unless the user says otherwise, in the
/// window and on the command line alike: every IPv4 interface, port
/// [`PORT`] (which needs privileges on most systems; the refusal suggests
/// 6969).
pub const DEFAULT_SERVER_ADDR: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::UNSPECIFIED,
    PORT,
));

/// Transfers at once, from all peers together.
pub const DEFAULT_MAX_TRANSFERS: usize = 64;

/// Transfers at once from one address (IPv6: one /64). A boot client asks
/// for a few files one after another, and a handful of machines behind one
/// NAT still fit; with the default of 64 transfers in all, taking every
/// slot then needs eight addresses instead of one. On an IPv6 LAN every
/// host shares one /64, so booting many machines at once over IPv6 needs
/// a higher limit.
pub const DEFAULT_MAX_TRANSFERS_PER_ADDRESS: usize = 8;

/// How long a new transfer waits for its peer's first answer (the ACK of
/// the first DATA or of the OACK; for an upload, the first DATA) before
/// its slot is freed. The full retransmission schedule gives a silent peer
/// about 39 s (7 sends with back-off from 1 s to 8 s); a request that is
/// never followed up, such as a spoofed one or one of a flood meant to
/// hold slots, is dropped after this instead. It still covers the first
/// four sends of our first packet (at 0, 1, 3 and 7 s with the 1 s floor),
/// so a peer behind a link that loses three packets in a row, or a boot
/// ROM that takes a few seconds after its request to get going, gets
/// through; and it is longer than the 7 s after which a one-block
/// download whose final ACK never comes ends quietly as done.
pub const FIRST_ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// A TFTP server serving `root`.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub local: SocketAddr,
    pub root: PathBuf,
    /// Accept WRQ (uploads into `root`).
    pub allow_write: bool,
    /// Let an upload replace an existing file.
    pub allow_overwrite: bool,
    /// Transfers at once; further requests get an error packet.
    /// Default: [`DEFAULT_MAX_TRANSFERS`].
    pub max_transfers: usize,
    /// Transfers at once from one address (IPv6: one /64); further
    /// requests from it get an error packet while others are served.
    /// Default: [`DEFAULT_MAX_TRANSFERS_PER_ADDRESS`].
    pub max_transfers_per_address: usize,
    /// Ports for transfer sockets (inclusive); `None`: any free port.
    pub port_range: Option<(u16, u16)>,
    /// How long a new transfer waits for its peer's first answer before
    /// its slot is freed. Default: [`FIRST_ANSWER_TIMEOUT`]; no front end
    /// changes it, tests shorten it.
    pub first_answer_timeout: Duration,
    /// The session's 字符集: a requested name that is not UTF-8 is read in
    /// it ([`name::decode_name`]). Default: UTF-8, the CLI's default for
    /// every mode; the window gives its 字符集 (GBK on a Chinese first
    /// start).
    pub name_encoding: Encoding,
}

impl ServerConfig {
    /// The one default policy of both front ends: serve `root`, a folder
    /// the user chose, read-only, with the default limits. Uploads are
    /// turned on only by the user's own choice (`--allow-write`, the
    /// window's "Allow uploads", which needs a chosen folder first).
    pub fn read_only(local: SocketAddr, root: PathBuf) -> ServerConfig {
        ServerConfig {
            local,
            root,
            allow_write: false,
            allow_overwrite: false,
            max_transfers: DEFAULT_MAX_TRANSFERS,
            max_transfers_per_address: DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
            port_range: None,
            first_answer_timeout: FIRST_ANSWER_TIMEOUT,
            name_encoding: Encoding::Utf8,
        }
    }
}

/// What a TFTP client does.
#[derive(Clone, Debug)]
pub enum ClientOp {
    /// Download `remote_name` into `local_dir` (same file name).
    Get {
        remote_name: String,
        local_dir: PathBuf,
    },
    /// Upload `local_file` as `remote_name`.
    Put {
        local_file: PathBuf,
        remote_name: String,
    },
}

/// Options a client asks for; `None` leaves an option out of the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    pub blksize: Option<u16>,
    pub windowsize: Option<u16>,
    pub tsize: bool,
    pub timeout_secs: Option<u8>,
}

/// The block size a client asks for unless told otherwise: the most that
/// fits one Ethernet frame (1500 bytes less 20 IP, 8 UDP and 4 TFTP
/// header bytes), so no block is fragmented on a LAN.
pub const DEFAULT_CLIENT_BLKSIZE: u16 = 1468;

/// The block sizes a client may ask for (RFC 2348: 8 to 65464); the
/// window's field and `--blksize` both hold to it.
pub const CLIENT_BLKSIZE: std::ops::RangeInclusive<u16> =
    (options::MIN_BLKSIZE as u16)..=(options::MAX_BLKSIZE as u16);

/// The window size a client asks for unless told otherwise (RFC 7440):
/// enough blocks in flight to fill a LAN, few enough that a loss costs
/// little.
pub const DEFAULT_CLIENT_WINDOWSIZE: u16 = 16;

/// The window sizes a client may ask for (RFC 7440: 1 to 65535; a server
/// may answer with less); the window's field and `--windowsize` both hold
/// to it.
pub const CLIENT_WINDOWSIZE: std::ops::RangeInclusive<u16> = 1..=u16::MAX;

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            blksize: Some(DEFAULT_CLIENT_BLKSIZE),
            windowsize: Some(DEFAULT_CLIENT_WINDOWSIZE),
            tsize: true,
            timeout_secs: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub remote: Endpoint,
    pub op: ClientOp,
    pub mode: Mode,
    pub options: ClientOptions,
    /// The session's 字符集: the remote name is sent in it
    /// ([`name::encode_name`]).
    pub name_encoding: Encoding,
}

/// Which way a transfer's data flows, seen from this program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferDirection {
    /// We send a file (server: RRQ; client: put).
    Send,
    /// We receive a file (server: WRQ; client: get).
    Receive,
}

/// What the front ends show of a transfer. The file name and parts of a
/// failure's reason may come from the peer (a requested name, an ERROR
/// packet's text), so they are [`PeerText`]: shown only with control
/// characters made visible.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferEvent {
    Started {
        id: u64,
        file: PeerText,
        peer: SocketAddr,
        direction: TransferDirection,
        /// Known from the file (send) or from tsize (receive).
        size: Option<u64>,
    },
    Progress {
        id: u64,
        bytes: u64,
    },
    Finished {
        id: u64,
        bytes: u64,
        elapsed: Duration,
    },
    Failed {
        id: u64,
        reason: TransferFailure,
    },
}

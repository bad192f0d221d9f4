//! TFTP (RFC 1350 with options: RFC 2347, 2348, 2349, 7440).
//!
//! The sans-I/O core: `wire` parses and emits packets, `options`
//! negotiates, `netascii` translates line ends, `rto` adapts the
//! retransmission timeout, and `transfer` is one transfer as a state
//! machine with no sockets and no clock of its own.
//!
//! The shells: `server` and `client` own the sockets (`sock`), the files
//! (`files`: temporary file, renamed when complete), the clock, and the
//! events for the front ends (`report`); `paths` checks requested names
//! as text and `root` opens them relative to the served folder's handle,
//! so that no request gets outside it; `limits` bounds what one source may
//! take (requests per second, transfers at once, the wait for a first
//! answer).

mod blocks;
pub mod client;
pub mod failure;
mod files;
pub mod limits;
mod mode;
pub mod netascii;
pub mod options;
mod paths;
mod report;
mod root;
mod rto;
pub mod server;
mod sock;
mod temp_names;
pub mod transfer;
pub mod wire;

pub use failure::TransferFailure;
pub use mode::Mode;

#[doc(hidden)]
pub use root::force_component_walk;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::net::Endpoint;
use crate::text::PeerText;

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
    /// Default: [`limits::DEFAULT_MAX_TRANSFERS`].
    pub max_transfers: usize,
    /// Transfers at once from one address (IPv6: one /64); further
    /// requests from it get an error packet while others are served.
    /// Default: [`limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS`].
    pub max_transfers_per_address: usize,
    /// Ports for transfer sockets (inclusive); `None`: any free port.
    pub port_range: Option<(u16, u16)>,
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
            max_transfers: limits::DEFAULT_MAX_TRANSFERS,
            max_transfers_per_address: limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
            port_range: None,
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

/// Whether this process may create files in `folder` (uploads into a
/// served folder, downloads into a chosen one), checked before a session
/// opens so that a front end can say so next to the field instead of
/// failing the first transfer.
pub fn folder_is_writable(folder: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(path) = std::ffi::CString::new(folder.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
        unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(folder).is_ok_and(|meta| !meta.permissions().readonly())
    }
}

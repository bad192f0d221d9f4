//! The network engine: sessions that own sockets on their own threads and
//! talk to a front end only through [`Command`]s and [`Event`]s.
//!
//! Nothing here knows about the window toolkit. A session is spawned from a
//! validated config; the front end keeps the [`SessionHandle`] and drains
//! its events.
//!
//! The layers, from the top: `crate::session` is the runtime (spawn, the
//! handle, the dispatch to a worker); the workers (`udp`, `tcp_client`,
//! `tcp_server`, `ws`, and `tftp::server`, `tftp::client`) start a
//! session; the servers run the one loop of `server/`, the connected
//! clients the one of `client_loop.rs`, both over `wire/` (the `Conn`
//! and `Wire` traits); below them all, the leaf files they share, which
//! import no worker: `command.rs`, `event.rs`, `config.rs`, `outbox.rs`,
//! and the values those carry (`error`, `multicast`, `rx_file`,
//! `budget`). This file only declares and re-exports, so
//! `crate::net::Event` and the like stay the paths front ends use.

pub mod autoreply;
pub(crate) mod budget;
mod client_loop;
mod command;
mod config;
mod conn;
mod error;
mod event;
mod file_send;
mod looper;
mod multicast;
pub(crate) mod outbox;
mod recv_batch;
pub(crate) mod responder;
pub(crate) mod rows;
pub(crate) mod rx_file;
mod server;
mod session_core;
pub(crate) mod tcp_client;
pub(crate) mod tcp_server;
pub mod tls;
pub(crate) mod udp;
mod wire;
pub mod ws;

pub use crate::endpoint::{AddrError, Endpoint, parse_port};
pub use crate::session::{SessionHandle, spawn, spawn_answering, spawn_saving};
pub use budget::{
    CHUNK_OVERHEAD_BYTES, Held, MAX_EVENT_BYTES, MAX_EVENTS_WAITING, RESUME_EVENT_BYTES,
};
pub use command::{Command, Target};
pub use config::{
    CONNECT_TIMEOUT_SECS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CLIENTS, MAX_HANDSHAKING,
    MAX_IDLE_TIMEOUT_SECS, PUSHED_OUT_ROWS_PER_SEC, Protocol, SessionConfig, TcpClientConfig,
    TcpServerConfig, TlsClientConfig, TlsServerConfig, UdpConfig, handshaking_cap,
};
pub use conn::{BATCH_BYTES, MAX_QUEUED_BYTES};
pub use error::{SessionError, TftpRequest, seconds_text};
pub use event::{
    Chunk, Chunks, ChunksIter, CloseReason, Event, PEER_FINISHED, ReplyHeld, RxDropped,
};
pub use file_send::{DEFAULT_DATAGRAM_BYTES, MAX_DATAGRAM_BYTES};
pub use multicast::{
    DEFAULT_MULTICAST_TTL, GroupError, InterfaceRef, LocalInterface, MULTICAST_TTL, MulticastJoin,
    interfaces, parse_group,
};
pub use outbox::{Outbox, Waker, WorkerContext};
pub use responder::{Answers, MAX_COUNTED_PEERS, REPLY_CAP_PER_SEC};
pub use rx_file::{LineFormat, RxFileFailed, RxFileSpec};
pub use ws::{WsClientConfig, WsServerConfig, WsUrl};

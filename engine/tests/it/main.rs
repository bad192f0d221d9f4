//! The engine's integration tests, one executable: sessions over real
//! sockets on the loopback, the TFTP server and client against real peers
//! (`tftp-hpa`, `atftp`, curl, the tutorial programs in `tests/peers/`),
//! TLS and WebSocket sessions against `openssl` and `python3-websockets`,
//! and hostile inputs. No GUI crate is in this executable's dependency
//! tree. Each file is a module; the helpers they share are in `common/`
//! (the root crate's tests include the same files).

pub mod common;
mod tls;

mod autoreply;
mod dual_stack;
mod event_backlog;
mod event_order;
mod framing;
mod hostile_props;
mod hostile_tftp_props;
mod multicast;
mod parse_rules_and_defaults;
mod send_file;
mod tftp_bench;
mod tftp_client;
mod tftp_loss;
mod tftp_names;
mod tftp_paths;
mod tftp_peers;
mod tftp_race;
mod tftp_server;
mod tftp_slots;
mod tftp_tutorial;
mod tls_hostile;
mod tls_peers;
mod ws_sessions;

//! The readings of flags that several modes share: addresses, seconds,
//! the TCP client's and server's settings (which the TLS and WebSocket
//! modes build on), framing, and the sentence for a path that cannot be
//! looked at.

use std::net::SocketAddr;
use std::time::Duration;

use super::args_error::ArgError;
use crate::cli::args::Args;
use crate::net::{
    CONNECT_TIMEOUT_SECS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CLIENTS, Endpoint,
    MAX_IDLE_TIMEOUT_SECS, TcpClientConfig, TcpServerConfig,
};
use crate::text::Framing;

/// Parses a local address to bind, by the engine's rule
/// ([`Endpoint::parse_local`]: a bare port means every IPv4 interface).
pub(super) fn local_addr(text: &str) -> Result<SocketAddr, ArgError> {
    Endpoint::parse_local(text)
        .and_then(|e| e.to_local())
        .map_err(|source| ArgError::Address {
            flag: "--local",
            source,
        })
}

/// Parses a destination; `default_port` fills in a missing port (TFTP).
pub(super) fn remote_endpoint(text: &str, default_port: Option<u16>) -> Result<Endpoint, ArgError> {
    match default_port {
        Some(port) => Endpoint::parse_remote_or_port(text, port),
        None => Endpoint::parse(text).and_then(Endpoint::require_port),
    }
    .map_err(|source| ArgError::Address {
        flag: "--remote",
        source,
    })
}

/// A number as a user would have typed it: `-1`, `2.5`, or `1e-300` for the
/// very small and very large (Rust's own form would print 300 digits).
pub(super) fn number_as_typed(number: f64) -> String {
    let magnitude = number.abs();
    if number == 0.0 || !number.is_finite() || (1e-4..1e15).contains(&magnitude) {
        number.to_string()
    } else {
        format!("{number:e}")
    }
}

/// Seconds given as a decimal number: finite, not negative, and above zero
/// unless `zero_ok`.
pub(super) fn seconds(flag: &'static str, secs: f64, zero_ok: bool) -> Result<Duration, ArgError> {
    let valid = secs.is_finite() && (secs > 0.0 || (zero_ok && secs == 0.0)) && secs < 1e9;
    if valid {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(ArgError::BadNumber {
            flag,
            value: number_as_typed(secs),
            expected: if zero_ok {
                "a number of seconds, 0 or more"
            } else {
                "a number of seconds above 0"
            },
        })
    }
}

/// A TCP client's flags (`--remote`, `--local`, `--connect-timeout`,
/// `--framing`), for a TCP or TLS client.
pub(super) fn tcp_client(args: &Args, mode: &'static str) -> Result<TcpClientConfig, ArgError> {
    let remote = args
        .remote
        .as_deref()
        .ok_or(ArgError::MissingRemote { mode })?;
    let remote = remote_endpoint(remote, None)?;
    let local = args.local.as_deref().map(local_addr).transpose()?;
    Ok(TcpClientConfig {
        remote,
        local,
        connect_timeout: connect_timeout(args)?,
        framing: framing(args)?,
    })
}

/// `--connect-timeout`, in the engine's range, or its default.
pub(super) fn connect_timeout(args: &Args) -> Result<Duration, ArgError> {
    match args.connect_timeout {
        Some(secs) if CONNECT_TIMEOUT_SECS.contains(&secs) => Ok(Duration::from_secs_f64(secs)),
        Some(secs) => Err(ArgError::BadNumber {
            flag: "--connect-timeout",
            value: number_as_typed(secs),
            expected: "a number of seconds from 0.1 to 600",
        }),
        None => Ok(DEFAULT_CONNECT_TIMEOUT),
    }
}

/// A TCP server's flags (limits, idle timeout, `--framing`) on `local`,
/// for a TCP, TLS or WebSocket server.
pub(super) fn tcp_server(args: &Args, local: SocketAddr) -> Result<TcpServerConfig, ArgError> {
    let limits = server_limits(args)?;
    Ok(TcpServerConfig {
        idle_timeout: limits.idle_timeout,
        max_clients_per_ip: limits.max_clients_per_ip,
        framing: framing(args)?,
        ..TcpServerConfig::new(local, limits.max_clients)
    })
}

/// `--max-clients`, `--idle-timeout` and `--max-clients-per-ip`, checked.
pub(super) struct ServerLimits {
    pub(super) max_clients: usize,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) max_clients_per_ip: Option<usize>,
}

/// A server's client limits from its flags, or the sentence for the first
/// bad one (the window checks its flags by this too).
pub(super) fn server_limits(args: &Args) -> Result<ServerLimits, ArgError> {
    let max_clients = match args.max_clients {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-clients",
                value: "0".to_owned(),
                expected: "at least 1",
            });
        }
        Some(n) => n,
        None => DEFAULT_MAX_CLIENTS,
    };
    let idle_timeout = match args.idle_timeout {
        Some(secs) if secs > MAX_IDLE_TIMEOUT_SECS => {
            return Err(ArgError::BadNumber {
                flag: "--idle-timeout",
                value: number_as_typed(secs),
                expected: "a number of seconds above 0, at most 86400 (a day)",
            });
        }
        Some(secs) => Some(seconds("--idle-timeout", secs, false)?),
        None => None,
    };
    let max_clients_per_ip = match args.max_clients_per_ip {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-clients-per-ip",
                value: "0".to_owned(),
                expected: "at least 1",
            });
        }
        other => other,
    };
    Ok(ServerLimits {
        max_clients,
        idle_timeout,
        max_clients_per_ip,
    })
}

/// The address a TLS or WebSocket server listens on (`--local`, needed).
pub(super) fn listen_addr(
    args: &Args,
    mode: &'static str,
    example_port: u16,
) -> Result<SocketAddr, ArgError> {
    local_addr(
        args.local
            .as_deref()
            .ok_or(ArgError::MissingListenAddress { mode, example_port })?,
    )
}

/// `--framing`, read by the engine's own rule (`Framing::from_str`).
pub(super) fn framing(args: &Args) -> Result<Framing, ArgError> {
    args.framing
        .as_deref()
        .map_or(Ok(Framing::None), str::parse)
        .map_err(|source| ArgError::Framing { source })
}

/// Why a path given on the command line could not be looked at: missing,
/// behind a folder this user cannot enter, or another error in the
/// system's words.
pub(super) fn path_error(flag: &'static str, path: String, error: &std::io::Error) -> ArgError {
    match error.kind() {
        std::io::ErrorKind::NotFound => ArgError::PathMissing { flag, path },
        std::io::ErrorKind::PermissionDenied => ArgError::PathDenied { flag, path },
        _ => ArgError::PathUnreadable {
            flag,
            path,
            reason: error.to_string(),
        },
    }
}

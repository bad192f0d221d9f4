//! The TLS and WebSocket modes' configurations (`tls-client`,
//! `tls-server`, `ws-client`, `ws-server`): their flags read with the
//! engine's rules and the front ends' shared ones (`crate::rules`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args_error::ArgError;
use super::flags::{
    connect_timeout, listen_addr, local_addr, path_error, seconds, tcp_client, tcp_server,
};
use crate::cli::args::Args;
use crate::net::tls::{
    CertKeyPaths, ClientAuth, DEFAULT_HANDSHAKE_TIMEOUT, ServerIdentity, TlsClientOptions,
    TlsServerOptions, Verify, parse_alpn_list,
};
use crate::net::ws::{MessageKind, WsClientConfig, WsServerConfig, WsUrl};
use crate::net::{SessionConfig, TlsClientConfig, TlsServerConfig};

pub(super) fn tls_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    Ok(SessionConfig::TlsClient(TlsClientConfig {
        handshake_timeout: handshake_timeout(args)?,
        ..TlsClientConfig::new(tcp_client(args, "tls-client")?, tls_client_options(args)?)
    }))
}

pub(super) fn tls_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = listen_addr(args, "tls-server", 8443)?;
    // A TLS server without --cert serves the self-signed certificate for
    // the default names.
    let identity = match server_identity(args)? {
        Some(identity) => identity,
        None => self_signed("")?,
    };
    let tls = server_tls(args, identity)?;
    Ok(SessionConfig::TlsServer(TlsServerConfig {
        handshake_timeout: handshake_timeout(args)?,
        ..TlsServerConfig::new(tcp_server(args, local)?, tls)
    }))
}

pub(super) fn ws_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let url: WsUrl = args
        .url
        .as_deref()
        .ok_or(ArgError::MissingUrl)?
        .parse()
        .map_err(ArgError::Url)?;
    if !url.secure {
        // TLS flags on a plain ws:// URL would do nothing.
        let tls_flags = [
            ("--cert", args.cert.is_some()),
            ("--key", args.key.is_some()),
            ("--ca", args.ca.is_some()),
            ("--insecure", args.insecure),
            ("--pin-sha256", !args.pin_sha256.is_empty()),
            ("--alpn", args.alpn.is_some()),
            ("--min-tls", args.min_tls.is_some()),
            ("--server-name", args.server_name.is_some()),
        ];
        if let Some((flag, _)) = tls_flags.iter().find(|(_, given)| *given) {
            return Err(ArgError::NeedsWss { flag });
        }
    }
    let headers = args
        .header
        .iter()
        .map(|line| crate::net::ws::parse_header_lines(line).map_err(ArgError::Header))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    Ok(SessionConfig::WsClient(WsClientConfig {
        local: args.local.as_deref().map(local_addr).transpose()?,
        connect_timeout: connect_timeout(args)?,
        headers,
        subprotocols: subprotocols(args)?,
        tls: tls_client_options(args)?,
        handshake_timeout: handshake_timeout(args)?,
        message_kind: message_kind(args),
        ..WsClientConfig::new(url)
    }))
}

pub(super) fn ws_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = listen_addr(args, "ws-server", 8080)?;
    let tls = server_identity(args)?
        .map(|identity| server_tls(args, identity))
        .transpose()?;
    if tls.is_none() {
        let tls_flags = [
            ("--ca", args.ca.is_some()),
            ("--alpn", args.alpn.is_some()),
            ("--min-tls", args.min_tls.is_some()),
            ("--request-client-cert", args.request_client_cert),
        ];
        if let Some((flag, _)) = tls_flags.iter().find(|(_, given)| *given) {
            return Err(ArgError::NeedsServerTls { flag });
        }
    }
    Ok(SessionConfig::WsServer(WsServerConfig {
        path: args.path.clone().unwrap_or_else(|| "/".to_owned()),
        subprotocols: subprotocols(args)?,
        tls,
        handshake_timeout: handshake_timeout(args)?,
        message_kind: message_kind(args),
        ..WsServerConfig::new(tcp_server(args, local)?)
    }))
}

/// With `--hex`, what is sent is bytes: binary messages; otherwise text
/// that is UTF-8 goes as text messages.
fn message_kind(args: &Args) -> MessageKind {
    if args.hex {
        MessageKind::Binary
    } else {
        MessageKind::Text
    }
}

/// `--subprotocol`, each by the one rule (a flag may list several).
fn subprotocols(args: &Args) -> Result<Vec<String>, ArgError> {
    let mut all = Vec::new();
    for given in &args.subprotocol {
        all.extend(crate::rules::parse_subprotocol_list(given).map_err(ArgError::Subprotocol)?);
    }
    Ok(all)
}

/// `--alpn`, by the engine's rule.
fn alpn(args: &Args) -> Result<Vec<String>, ArgError> {
    args.alpn
        .as_deref()
        .map_or(Ok(Vec::new()), parse_alpn_list)
        .map_err(ArgError::Alpn)
}

/// `--cert` with `--key`: both or neither.
fn cert_and_key(args: &Args) -> Result<Option<CertKeyPaths>, ArgError> {
    match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Ok(Some(CertKeyPaths {
            cert: existing_file("--cert", cert)?,
            key: existing_file("--key", key)?,
        })),
        (Some(_), None) => Err(ArgError::CertWithoutKey {
            given: "--cert",
            missing: "--key",
        }),
        (None, Some(_)) => Err(ArgError::CertWithoutKey {
            given: "--key",
            missing: "--cert",
        }),
        (None, None) => Ok(None),
    }
}

/// A file the session will read (a certificate, a key, a CA file).
fn existing_file(flag: &'static str, path: &Path) -> Result<PathBuf, ArgError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(path.to_path_buf()),
        Ok(_) => Err(ArgError::PathUnreadable {
            flag,
            path: shown,
            reason: "it is not a file".to_owned(),
        }),
        Err(e) => Err(path_error(flag, shown, &e)),
    }
}

/// What a TLS client (or a `wss://` client) asks for.
fn tls_client_options(args: &Args) -> Result<TlsClientOptions, ArgError> {
    let verify = match (&args.ca, args.insecure) {
        (Some(_), true) => return Err(ArgError::InsecureWithCa),
        (Some(ca), false) => Verify::CaFile(existing_file("--ca", ca)?),
        (None, true) => Verify::Insecure,
        (None, false) => Verify::System,
    };
    Ok(TlsClientOptions {
        server_name: args.server_name.clone(),
        verify,
        min_version: args.min_tls.unwrap_or_default(),
        alpn: alpn(args)?,
        client_cert: cert_and_key(args)?,
        pinned: args
            .pin_sha256
            .iter()
            .map(|pin| crate::net::tls::parse_sha256_pin(pin).map_err(ArgError::Pin))
            .collect::<Result<_, _>>()?,
    })
}

/// A self-signed identity for `names` (`--self-signed` without a value,
/// or a tls-server without `--cert`: the engine's default names), kept in
/// the settings folder.
fn self_signed(names: &str) -> Result<ServerIdentity, ArgError> {
    let names = if names.is_empty() {
        crate::rules::default_certificate_names()
    } else {
        names.to_owned()
    };
    let names =
        crate::rules::parse_certificate_names(&names).map_err(ArgError::CertificateNames)?;
    let folder = crate::folders::self_signed_folder().ok_or(ArgError::NoSettingsFolder)?;
    Ok(ServerIdentity::SelfSigned { names, folder })
}

/// `--request-client-cert` and `--ca` on a server.
fn client_auth(args: &Args) -> Result<ClientAuth, ArgError> {
    Ok(match &args.ca {
        Some(ca) => ClientAuth::Require(existing_file("--ca", ca)?),
        None if args.request_client_cert => ClientAuth::Request,
        None => ClientAuth::Off,
    })
}

/// `--handshake-timeout`, or the engine's default.
fn handshake_timeout(args: &Args) -> Result<Duration, ArgError> {
    args.handshake_timeout
        .map_or(Ok(DEFAULT_HANDSHAKE_TIMEOUT), |secs| {
            seconds("--handshake-timeout", secs, false)
        })
}

/// A server's certificate from `--cert`/`--key` or `--self-signed`, or
/// `None` when neither is given (a tls-server then uses the default
/// self-signed names; a ws-server serves plain ws://).
fn server_identity(args: &Args) -> Result<Option<ServerIdentity>, ArgError> {
    match (cert_and_key(args)?, &args.self_signed) {
        (Some(_), Some(_)) => Err(ArgError::TwoIdentities),
        (Some(paths), None) => Ok(Some(ServerIdentity::Files(paths))),
        (None, Some(names)) => self_signed(names).map(Some),
        (None, None) => Ok(None),
    }
}

/// A TLS server's (or a `wss://` server's) options with `identity`.
fn server_tls(args: &Args, identity: ServerIdentity) -> Result<TlsServerOptions, ArgError> {
    Ok(TlsServerOptions {
        min_version: args.min_tls.unwrap_or_default(),
        alpn: alpn(args)?,
        client_auth: client_auth(args)?,
        ..TlsServerOptions::new(identity)
    })
}

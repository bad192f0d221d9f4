//! TLS for the TLS client and server sessions and for `wss://`: what a
//! user chooses (these option values), and, below them, the rustls
//! configurations they become.

mod cert;
pub mod event;
mod files;
mod problem;
mod self_signed;
mod setup;
mod stream;
mod verify;

use std::path::PathBuf;
use std::time::Duration;

pub use cert::{PinError, cert_info, parse_sha256_pin, sha256_fingerprint};
pub use event::{CertInfo, TlsEvent, TlsInfo, TlsProblem};
pub use files::{
    IdentityInfo, SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE, TlsSetupError, load_certs, load_key,
};
pub use problem::{problem_of, problem_of_io};
pub use self_signed::DEFAULT_SELF_SIGNED_NAMES;
pub use setup::{ClientTls, client_config, server_config};
pub use stream::TlsStream;

/// The oldest TLS version a session accepts.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum TlsVersion {
    /// TLS 1.2 and 1.3.
    #[default]
    #[cfg_attr(feature = "clap", value(name = "1.2"))]
    Tls12,
    /// TLS 1.3 only.
    #[cfg_attr(feature = "clap", value(name = "1.3"))]
    Tls13,
}

/// How a client checks the server's certificate.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Verify {
    /// The system's trust store, or the bundled roots where it has none.
    #[default]
    System,
    /// Only certificates signed by the CA certificates in this PEM file.
    CaFile(PathBuf),
    /// Any certificate ("ignore certificate errors"), for test devices:
    /// the front ends mark the session, and a warning event says so at
    /// connect.
    Insecure,
}

/// A certificate chain and its private key, as PEM files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertKeyPaths {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// What a TLS client (or a `wss://` client) asks for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TlsClientOptions {
    /// The name sent as SNI and checked against the certificate; `None`:
    /// the host the user typed (an IP address is checked as an address).
    pub server_name: Option<String>,
    pub verify: Verify,
    pub min_version: TlsVersion,
    /// ALPN protocols offered, in order of preference (empty: none).
    pub alpn: Vec<String>,
    /// A certificate to show when the server asks for one.
    pub client_cert: Option<CertKeyPaths>,
    /// SHA-256 fingerprints (`AB:CD:…`, [`parse_sha256_pin`]) of server
    /// certificates trusted as they are, whatever their chain, names or
    /// dates: a device's own certificate the user chose to trust.
    pub pinned: Vec<String>,
}

/// Where a TLS server's certificate comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerIdentity {
    /// A chain and key loaded from PEM files.
    Files(CertKeyPaths),
    /// A self-signed certificate for `names`, generated on first use and
    /// kept in `folder` (the settings folder), so a client can pin it.
    SelfSigned { names: Vec<String>, folder: PathBuf },
}

/// Whether a TLS server asks its clients for a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// No certificate asked.
    #[default]
    Off,
    /// Asked for, not required; any certificate shown is accepted and
    /// reported.
    Request,
    /// Required, and checked against the CA certificates in this PEM file.
    Require(PathBuf),
}

/// The one handshake-timeout rule, for TLS and WebSocket (`ws://` and
/// `wss://`), clients and servers alike: a connection's whole opening
/// (TLS, then the WebSocket upgrade) must be done within the session's
/// `handshake_timeout` of the TCP connection being made, this long unless
/// told otherwise (`--handshake-timeout`). A server then drops the
/// connection and frees its slot; a client gives up with the reason.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What a TLS server (or a `wss://` server) offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsServerOptions {
    pub identity: ServerIdentity,
    pub min_version: TlsVersion,
    /// ALPN protocols accepted, in order of preference (empty: none).
    pub alpn: Vec<String>,
    pub client_auth: ClientAuth,
}

impl TlsServerOptions {
    /// A server with `identity`, TLS 1.2 and up, no ALPN, and no client
    /// certificate.
    pub fn new(identity: ServerIdentity) -> TlsServerOptions {
        TlsServerOptions {
            identity,
            min_version: TlsVersion::Tls12,
            alpn: Vec::new(),
            client_auth: ClientAuth::Off,
        }
    }
}

/// Parses an ALPN list as typed: names separated by commas or spaces
/// (`h2, http/1.1`), the one rule for the window's field and `--alpn`.
pub fn parse_alpn_list(text: &str) -> Result<Vec<String>, AlpnError> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            // RFC 7301: 1 to 255 bytes; printable ASCII is what anyone types.
            if name.len() > 255 || !name.chars().all(|c| c.is_ascii_graphic()) {
                Err(AlpnError(name.to_owned()))
            } else {
                Ok(name.to_owned())
            }
        })
        .collect()
}

/// An ALPN name that cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not an ALPN protocol name: use names such as h2 or http/1.1, separated by commas"
)]
pub struct AlpnError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_lists_split_on_commas_and_spaces() {
        assert_eq!(
            parse_alpn_list(" h2, http/1.1 mqtt").unwrap(),
            vec!["h2", "http/1.1", "mqtt"]
        );
        assert_eq!(parse_alpn_list("").unwrap(), Vec::<String>::new());
        assert!(parse_alpn_list("h2,\u{4e2d}").is_err());
        assert!(parse_alpn_list(&"a".repeat(256)).is_err());
    }
}

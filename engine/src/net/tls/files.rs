//! TLS's files: PEM certificates and keys read with
//! `rustls_pki_types::pem::PemObject`, and the sentence naming the file
//! for each thing that can be wrong with them.

use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The self-signed certificate's file in its folder.
pub const SELF_SIGNED_CERT_FILE: &str = "netassist-tls-cert.pem";
/// The self-signed certificate's private key, next to it (on Unix readable
/// only by its owner).
pub const SELF_SIGNED_KEY_FILE: &str = "netassist-tls-key.pem";

/// Why a TLS configuration could not be built: each a sentence naming the
/// file it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read {}: {reason}", .path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", .path.display())]
    NoCertificate { path: PathBuf },
    #[error("{} holds no PEM private key (-----BEGIN PRIVATE KEY-----)", .path.display())]
    NoKey { path: PathBuf },
    #[error("{} is not a valid PEM file: {reason}", .path.display())]
    BadPem { path: PathBuf, reason: String },
    #[error(
        "the key in {} does not belong to the certificate in {}",
        .key.display(),
        .cert.display()
    )]
    KeyMismatch { cert: PathBuf, key: PathBuf },
    #[error("the certificate in {} cannot be used: {reason}", .path.display())]
    BadCertificate { path: PathBuf, reason: String },
    #[error("cannot write {}: {reason}", .path.display())]
    Write { path: PathBuf, reason: String },
    #[error(
        "{} is a link to another file: NetAssist writes its certificate and key only as files of their own; remove the link and open again",
        .path.display()
    )]
    PlantedLink { path: PathBuf },
    #[error("cannot make a self-signed certificate for {names}: {reason}")]
    Generate { names: String, reason: String },
    #[error(
        "no trusted root certificates: neither the system's nor the bundled ones could be read"
    )]
    NoRoots,
    #[error("'{0}' is not a host name or IP address a certificate can be checked against")]
    BadServerName(String),
    #[error("TLS cannot be set up: {0}")]
    Other(String),
}

/// What a server's certificate is, for the `ServerIdentity` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityInfo {
    /// SHA-256 of the server's own certificate (see
    /// [`super::sha256_fingerprint`]).
    pub fingerprint: String,
    /// The names the certificate is for.
    pub names: Vec<String>,
    /// A self-signed certificate generated now (not reused or loaded).
    pub generated: bool,
    /// The certificate's PEM file.
    pub cert_path: PathBuf,
}

pub(super) fn read_file(path: &Path) -> Result<Vec<u8>, TlsSetupError> {
    std::fs::read(path).map_err(|e| TlsSetupError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Every certificate in a PEM file; none is an error.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let bytes = read_file(path)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsSetupError::BadPem {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsSetupError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// The first private key in a PEM file (PKCS#8, PKCS#1 or SEC1).
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsSetupError> {
    let bytes = read_file(path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => TlsSetupError::NoKey {
            path: path.to_owned(),
        },
        e => TlsSetupError::BadPem {
            path: path.to_owned(),
            reason: e.to_string(),
        },
    })
}

//! The rustls configurations a user's TLS options become: certificates
//! and keys (`files.rs`), trust roots (system, bundled or a CA file), the
//! self-signed server identity (`self_signed.rs`).

use std::path::Path;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::cert::sha256_fingerprint;
use super::files::{IdentityInfo, SELF_SIGNED_KEY_FILE, TlsSetupError, load_certs, load_key};
use super::verify::{AnyClientCert, AnyServerCert, NamingVerifier, PresentedChain};
use super::{ClientAuth, ServerIdentity, TlsClientOptions, TlsServerOptions, TlsVersion};

/// The crypto the engine uses: ring (it cross-builds for Windows).
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn versions(min: TlsVersion) -> &'static [&'static SupportedProtocolVersion] {
    static BOTH: [&SupportedProtocolVersion; 2] =
        [&rustls::version::TLS13, &rustls::version::TLS12];
    static ONLY_13: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    match min {
        TlsVersion::Tls12 => &BOTH,
        TlsVersion::Tls13 => &ONLY_13,
    }
}

fn other(e: impl std::fmt::Display) -> TlsSetupError {
    TlsSetupError::Other(e.to_string())
}

/// A root store of the CA certificates in a PEM file.
fn roots_from_file(path: &Path) -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(path)? {
        roots.add(cert).map_err(|e| TlsSetupError::BadCertificate {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    }
    Ok(roots)
}

/// The system's trust store, or the bundled Mozilla roots (webpki-roots)
/// where the system has none or it cannot be read.
fn system_roots() -> Result<RootCertStore, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (added, _ignored) = roots.add_parsable_certificates(native.certs);
    if added == 0 {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    if roots.is_empty() {
        return Err(TlsSetupError::NoRoots);
    }
    Ok(roots)
}

/// The chain and key of `paths`, checked to belong together.
fn load_cert_key(
    cert: &Path,
    key: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsSetupError> {
    let chain = load_certs(cert)?;
    let private = load_key(key)?;
    Ok((chain, private))
}

fn key_error(cert: &Path, key: &Path, e: rustls::Error) -> TlsSetupError {
    match e {
        rustls::Error::InconsistentKeys(_) => TlsSetupError::KeyMismatch {
            cert: cert.to_owned(),
            key: key.to_owned(),
        },
        rustls::Error::General(reason) => TlsSetupError::BadPem {
            path: key.to_owned(),
            reason,
        },
        e => TlsSetupError::BadCertificate {
            path: cert.to_owned(),
            reason: e.to_string(),
        },
    }
}

/// A client's rustls configuration, and what the server presented in its
/// last handshake (see [`PresentedChain`]).
#[derive(Clone, Debug)]
pub struct ClientTls {
    pub config: Arc<ClientConfig>,
    pub presented: PresentedChain,
}

/// The rustls client configuration of a user's options.
pub fn client_config(options: &TlsClientOptions) -> Result<ClientTls, TlsSetupError> {
    let presented = PresentedChain::default();
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(versions(options.min_version))
        .map_err(other)?;
    let builder = match &options.verify {
        super::Verify::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyServerCert::new(provider))),
        verify => {
            let roots = match verify {
                super::Verify::CaFile(path) => roots_from_file(path)?,
                _ => system_roots()?,
            };
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(other)?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NamingVerifier::new(
                    webpki,
                    options.pinned.clone(),
                    presented.clone(),
                )))
        }
    };
    let mut config = match &options.client_cert {
        Some(paths) => {
            let (chain, key) = load_cert_key(&paths.cert, &paths.key)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| key_error(&paths.cert, &paths.key, e))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = options.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(ClientTls {
        config: Arc::new(config),
        presented,
    })
}

/// The rustls server configuration of a user's options, and what its
/// certificate is (generating the self-signed one on first use).
pub fn server_config(
    options: &TlsServerOptions,
) -> Result<(Arc<ServerConfig>, IdentityInfo), TlsSetupError> {
    let provider = provider();
    let (chain, key, info) = match &options.identity {
        ServerIdentity::Files(paths) => {
            let (chain, key) = load_cert_key(&paths.cert, &paths.key)?;
            let info = IdentityInfo {
                fingerprint: sha256_fingerprint(chain[0].as_ref()),
                names: super::cert::cert_info(&chain[0])
                    .names
                    .iter()
                    .map(|n| n.as_received().to_owned())
                    .collect(),
                generated: false,
                cert_path: paths.cert.clone(),
            };
            (chain, key, info)
        }
        ServerIdentity::SelfSigned { names, folder } => {
            super::self_signed::load_or_generate(names, folder)?
        }
    };
    let cert_path = info.cert_path.clone();
    let key_path = match &options.identity {
        ServerIdentity::Files(paths) => paths.key.clone(),
        ServerIdentity::SelfSigned { folder, .. } => folder.join(SELF_SIGNED_KEY_FILE),
    };
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(versions(options.min_version))
        .map_err(other)?;
    let builder = match &options.client_auth {
        ClientAuth::Off => builder.with_no_client_auth(),
        ClientAuth::Request => {
            builder.with_client_cert_verifier(Arc::new(AnyClientCert::new(provider)))
        }
        ClientAuth::Require(ca) => {
            let roots = roots_from_file(ca)?;
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(other)?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| key_error(&cert_path, &key_path, e))?;
    config.alpn_protocols = options.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok((Arc::new(config), info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_roots_are_never_empty() {
        // The system's store where it has one, the bundled roots otherwise.
        assert!(!system_roots().unwrap().is_empty());
    }

    #[test]
    fn a_ca_file_without_certificates_is_named() {
        let folder = tempfile::tempdir().unwrap();
        let empty = folder.path().join("empty.pem");
        std::fs::write(&empty, "no PEM here\n").unwrap();
        let error = client_config(&TlsClientOptions {
            verify: super::super::Verify::CaFile(empty.clone()),
            ..TlsClientOptions::default()
        })
        .unwrap_err();
        assert_eq!(error, TlsSetupError::NoCertificate { path: empty });
    }
}

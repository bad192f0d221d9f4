//! Certificate verifiers beyond rustls's own: "ignore certificate errors"
//! for a client, "any client certificate" for a server that only asks,
//! and a wrapper that tells a self-signed certificate from one signed by
//! an unknown authority.

use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, Error, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::cert::{cert_info, is_self_issued, sha256_fingerprint};
use super::event::CertInfo;

/// The marker a [`NamingVerifier`] puts in `CertificateError::Other` for a
/// self-signed certificate, so the session can say "self-signed".
#[derive(Debug, thiserror::Error)]
#[error("the certificate is self-signed")]
pub struct SelfSignedCertificate;

/// Accepts any server certificate, still checking the handshake's
/// signatures (so the peer holds the key of what it showed). The chain is
/// recorded by the connection as usual, and reported.
#[derive(Debug)]
pub struct AnyServerCert {
    provider: Arc<CryptoProvider>,
}

impl AnyServerCert {
    pub fn new(provider: Arc<CryptoProvider>) -> AnyServerCert {
        AnyServerCert { provider }
    }
}

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The chain a server presented in the last handshake, as the verifier
/// saw it: read when the certificate is refused, so the user sees what
/// was refused (rustls keeps a chain only once it is accepted).
#[derive(Clone, Debug, Default)]
pub struct PresentedChain(Arc<Mutex<Vec<CertificateDer<'static>>>>);

impl PresentedChain {
    fn record(&self, end_entity: &CertificateDer<'_>, intermediates: &[CertificateDer<'_>]) {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|cert| cert.clone().into_owned())
            .collect();
        if let Ok(mut presented) = self.0.lock() {
            *presented = chain;
        }
    }

    /// The chain last presented, its own certificate first.
    pub fn certificates(&self) -> Vec<CertInfo> {
        match self.0.lock() {
            Ok(presented) => presented.iter().map(cert_info).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// rustls's web PKI verifier, with "unknown issuer" for a certificate that
/// issued itself turned into [`SelfSignedCertificate`], certificates the
/// user trusts by their SHA-256 (pinned) accepted as they are, and the
/// chain presented recorded.
#[derive(Debug)]
pub struct NamingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    /// SHA-256 fingerprints (`AB:CD:…`) of server certificates trusted
    /// whatever their chain says.
    pinned: Vec<String>,
    presented: PresentedChain,
}

impl NamingVerifier {
    pub fn new(
        inner: Arc<WebPkiServerVerifier>,
        pinned: Vec<String>,
        presented: PresentedChain,
    ) -> NamingVerifier {
        NamingVerifier {
            inner,
            pinned,
            presented,
        }
    }
}

impl ServerCertVerifier for NamingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        self.presented.record(end_entity, intermediates);
        // A pinned certificate is the one the user chose to trust: its
        // chain, names and dates are not asked about (the handshake's
        // signatures still prove the server holds its key).
        if self
            .pinned
            .contains(&sha256_fingerprint(end_entity.as_ref()))
        {
            return Ok(ServerCertVerified::assertion());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            .map_err(|e| match e {
                Error::InvalidCertificate(CertificateError::UnknownIssuer)
                    if intermediates.is_empty() && is_self_issued(end_entity.as_ref()) =>
                {
                    Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
                        Arc::new(SelfSignedCertificate),
                    )))
                }
                e => e,
            })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A server's "request a client certificate": any certificate shown is
/// accepted (and reported), and a client may show none.
#[derive(Debug)]
pub struct AnyClientCert {
    provider: Arc<CryptoProvider>,
}

impl AnyClientCert {
    pub fn new(provider: Arc<CryptoProvider>) -> AnyClientCert {
        AnyClientCert { provider }
    }
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

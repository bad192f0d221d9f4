//! The English wording of TLS events (the CLI's `TLS` lines): what a
//! handshake agreed on, and certificate problems as sentences a person can
//! act on. The window words the same typed fields in its language.

use std::fmt;

use crate::net::tls::{CertInfo, TlsEvent, TlsProblem};
use crate::text::PeerText;

use super::shown_addr;

/// A certificate date as people read it, in UTC (`2025-01-01 00:00 UTC`).
pub fn cert_date(secs: i64) -> String {
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(date) => date.format("%Y-%m-%d %H:%M UTC").to_string(),
        None => secs.to_string(),
    }
}

fn names_text(names: &[PeerText]) -> String {
    names
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for CertInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "subject {}, issuer {}", self.subject, self.issuer)?;
        if !self.names.is_empty() {
            write!(f, ", for {}", names_text(&self.names))?;
        }
        write!(
            f,
            ", valid {} to {}, SHA-256 {}",
            cert_date(self.not_before),
            cert_date(self.not_after),
            self.sha256
        )
    }
}

impl fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsProblem::NameMismatch { wanted, presented } if presented.is_empty() => write!(
                f,
                "the certificate is not for {wanted}: connect by a name it is for, or set the server name"
            ),
            TlsProblem::NameMismatch { wanted, presented } => write!(
                f,
                "the certificate is for {}, not {wanted}: connect by a name it is for, or set the server name",
                names_text(presented)
            ),
            TlsProblem::Expired { not_after } => write!(
                f,
                "the certificate expired on {}: the server needs a new one (or this computer's clock is wrong)",
                cert_date(*not_after)
            ),
            TlsProblem::NotYetValid {
                not_before: Some(not_before),
            } => write!(
                f,
                "the certificate is not valid before {}: check this computer's clock",
                cert_date(*not_before)
            ),
            TlsProblem::NotYetValid { not_before: None } => f.write_str(
                "the certificate is not valid yet: check this computer's clock",
            ),
            TlsProblem::UnknownIssuer => f.write_str(
                "the certificate is signed by an unknown authority: choose that authority's certificate as the CA file, or ignore certificate errors for a test device",
            ),
            TlsProblem::SelfSigned => f.write_str(
                "the certificate is self-signed: choose it as the CA file to trust it, or ignore certificate errors for a test device",
            ),
            TlsProblem::BadSignature => {
                f.write_str("the certificate's signature is wrong: it is damaged or forged")
            }
            TlsProblem::Revoked => f.write_str("the certificate was revoked by its authority"),
            TlsProblem::CaAsServerCertificate => f.write_str(
                "the server's certificate is a CA certificate (CA:TRUE, what openssl req -x509 makes by default), which no client takes as a server's own, even as the CA file: give the device a certificate with CA:FALSE, or ignore certificate errors for a test device",
            ),
            TlsProblem::ChainTooLong => f.write_str(
                "the certificate chain is longer than a client follows: have the server send a shorter chain, or ignore certificate errors for a test device",
            ),
            TlsProblem::UnsupportedAlgorithm => f.write_str(
                "the certificate is signed with an algorithm, or for a key, this client does not take: give the server an RSA or ECDSA certificate, or ignore certificate errors for a test device",
            ),
            TlsProblem::BadEncoding => f.write_str(
                "the certificate is damaged or not a certificate (not valid DER)",
            ),
            TlsProblem::WrongPurpose => f.write_str(
                "the certificate is not for a TLS server (its extended key usage says otherwise): ignore certificate errors for a test device",
            ),
            TlsProblem::CertificateRefused { name } => write!(
                f,
                "the certificate was refused ({name}): choose the device's CA file, or ignore certificate errors for a test device"
            ),
            TlsProblem::NoCertificate => {
                f.write_str("the peer showed no certificate, and this server requires one")
            }
            TlsProblem::PeerRefusedCertificate { alert } => write!(
                f,
                "the peer refused our certificate ({alert}): it does not trust it, or wants one we did not show"
            ),
            TlsProblem::NoCommonParameters { alert } => write!(
                f,
                "the two sides have no TLS version, cipher suite or ALPN protocol in common ({alert})"
            ),
            TlsProblem::HandshakeTimeout { after_ms } => write!(
                f,
                "the peer did not finish the TLS handshake within {} s",
                crate::net::seconds_text(std::time::Duration::from_millis(*after_ms))
            ),
            TlsProblem::PushedOut {
                handshaking,
                unshown,
            } => {
                write!(
                    f,
                    "the peer had not finished its TLS handshake when a newer one came and {handshaking} were under way, the most the server keeps: the oldest makes room"
                )?;
                crate::net::rows::write_unshown(f, *unshown, "pushed out")
            }
            TlsProblem::NotTls => f.write_str("the peer does not speak TLS"),
            TlsProblem::ClosedDuringHandshake => {
                f.write_str("the peer closed the connection during the TLS handshake")
            }
            TlsProblem::Other(text) => write!(f, "{text}"),
        }
    }
}

impl fmt::Display for TlsEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsEvent::Established { peer, info } => {
                write!(
                    f,
                    "TLS {} {}, {}",
                    shown_addr(*peer),
                    info.version,
                    info.cipher_suite
                )?;
                match &info.alpn {
                    Some(alpn) => write!(f, ", ALPN {alpn}")?,
                    None => f.write_str(", no ALPN")?,
                }
                if info.chain.is_empty() {
                    f.write_str(", no certificate")?;
                }
                for (i, cert) in info.chain.iter().enumerate() {
                    write!(f, "; certificate {}: {cert}", i + 1)?;
                }
                Ok(())
            }
            TlsEvent::Insecure { peer } => write!(
                f,
                "TLS {} WARNING certificate errors are ignored: the server's certificate is not checked, so the connection may be read or changed by anyone in between",
                shown_addr(*peer)
            ),
            TlsEvent::Presented { peer, index, cert } => write!(
                f,
                "TLS {} presented certificate {index}: {cert}",
                shown_addr(*peer)
            ),
            TlsEvent::HandshakeFailed { peer, problem } => {
                write!(f, "TLS {} handshake failed: {problem}", shown_addr(*peer))
            }
            TlsEvent::ServerIdentity {
                fingerprint,
                names,
                generated,
                cert_path,
            } => {
                let source = if *generated {
                    "self-signed, generated now"
                } else {
                    "loaded"
                };
                write!(
                    f,
                    "TLS certificate for {} ({source}), SHA-256 {fingerprint}",
                    names.join(", ")
                )?;
                if let Some(path) = cert_path {
                    write!(f, ", in {}", path.display())?;
                }
                Ok(())
            }
        }
    }
}

//! rustls's errors as [`TlsProblem`]s a person can act on, instead of the
//! library's text.

use std::io;

use rustls::{AlertDescription, CertificateError, Error};

use super::event::TlsProblem;
use super::verify::SelfSignedCertificate;
use crate::text::PeerText;

/// The problem a failed handshake's rustls error means.
pub fn problem_of(error: &Error) -> TlsProblem {
    match error {
        Error::InvalidCertificate(cert) => certificate_problem(cert),
        Error::NoCertificatesPresented => TlsProblem::NoCertificate,
        Error::InvalidMessage(_) => TlsProblem::NotTls,
        Error::AlertReceived(alert) => alert_problem(*alert),
        Error::NoApplicationProtocol => TlsProblem::NoCommonParameters {
            alert: "no_application_protocol".to_owned(),
        },
        Error::PeerIncompatible(why) => TlsProblem::NoCommonParameters {
            alert: variant_name(&format!("{why:?}")),
        },
        e => TlsProblem::Other(e.to_string()),
    }
}

/// The problem an I/O error from a [`super::TlsStream`] means: a TLS error
/// it carries, a close before the handshake finished, or the error's text.
pub fn problem_of_io(error: &io::Error) -> TlsProblem {
    if let Some(tls) = error.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
        return problem_of(tls);
    }
    match error.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => TlsProblem::ClosedDuringHandshake,
        _ => TlsProblem::Other(error.to_string()),
    }
}

// The deprecated variants are matched too: the libraries still make them
// on some paths, and each needs its sentence.
#[allow(deprecated)]
fn certificate_problem(error: &CertificateError) -> TlsProblem {
    match error {
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => TlsProblem::NameMismatch {
            wanted: server_name_text(expected),
            presented: presented
                .iter()
                .map(|name| PeerText::new(unquote(name)))
                .collect(),
        },
        CertificateError::NotValidForName => TlsProblem::NameMismatch {
            wanted: String::new(),
            presented: Vec::new(),
        },
        CertificateError::ExpiredContext { not_after, .. } => TlsProblem::Expired {
            not_after: not_after.as_secs() as i64,
        },
        CertificateError::Expired => TlsProblem::Expired { not_after: 0 },
        CertificateError::NotValidYetContext { not_before, .. } => TlsProblem::NotYetValid {
            not_before: Some(not_before.as_secs() as i64),
        },
        CertificateError::NotValidYet => TlsProblem::NotYetValid { not_before: None },
        CertificateError::UnknownIssuer => TlsProblem::UnknownIssuer,
        CertificateError::BadSignature => TlsProblem::BadSignature,
        CertificateError::Revoked => TlsProblem::Revoked,
        CertificateError::Other(other)
            if other.0.downcast_ref::<SelfSignedCertificate>().is_some() =>
        {
            TlsProblem::SelfSigned
        }
        CertificateError::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki) => webpki_problem(webpki),
            None => TlsProblem::CertificateRefused {
                name: variant_name(&other.0.to_string()),
            },
        },
        CertificateError::UnsupportedSignatureAlgorithm
        | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            TlsProblem::UnsupportedAlgorithm
        }
        CertificateError::BadEncoding => TlsProblem::BadEncoding,
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            TlsProblem::WrongPurpose
        }
        e => TlsProblem::CertificateRefused {
            name: variant_name(&format!("{e:?}")),
        },
    }
}

/// The problems rustls hands on from webpki only as `Other`.
#[allow(deprecated)]
fn webpki_problem(error: &webpki::Error) -> TlsProblem {
    use webpki::Error as E;
    match error {
        E::CaUsedAsEndEntity => TlsProblem::CaAsServerCertificate,
        E::MaximumPathDepthExceeded
        | E::PathLenConstraintViolated
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumSignatureChecksExceeded
        | E::MaximumNameConstraintComparisonsExceeded => TlsProblem::ChainTooLong,
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => TlsProblem::UnsupportedAlgorithm,
        E::BadDer | E::BadDerTime | E::TrailingData(_) | E::MalformedExtensions => {
            TlsProblem::BadEncoding
        }
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            TlsProblem::WrongPurpose
        }
        E::UnknownIssuer => TlsProblem::UnknownIssuer,
        other => TlsProblem::CertificateRefused {
            name: variant_name(&format!("{other:?}")),
        },
    }
}

/// A library value's variant name, without its fields: what a sentence may
/// name (`UnsupportedCriticalExtension`), never its debug dump.
fn variant_name(debug: &str) -> String {
    let name: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    if name.is_empty() {
        "unknown".to_owned()
    } else {
        name
    }
}

/// A name as the user typed it (`ServerName`'s Debug would add its type).
fn server_name_text(name: &rustls_pki_types::ServerName<'_>) -> String {
    match name {
        rustls_pki_types::ServerName::DnsName(dns) => dns.as_ref().to_owned(),
        rustls_pki_types::ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

/// rustls quotes the presented names (`DnsName("a.example")`); the name
/// itself is what a person compares.
fn unquote(name: &str) -> String {
    match (name.find('"'), name.rfind('"')) {
        (Some(start), Some(end)) if end > start => name[start + 1..end].to_owned(),
        _ => name.to_owned(),
    }
}

/// An alert the peer sent during the handshake.
fn alert_problem(alert: AlertDescription) -> TlsProblem {
    let name = alert_name(alert);
    match alert {
        AlertDescription::BadCertificate
        | AlertDescription::UnsupportedCertificate
        | AlertDescription::CertificateRevoked
        | AlertDescription::CertificateExpired
        | AlertDescription::CertificateUnknown
        | AlertDescription::UnknownCA
        | AlertDescription::AccessDenied
        | AlertDescription::CertificateRequired => {
            TlsProblem::PeerRefusedCertificate { alert: name }
        }
        AlertDescription::HandshakeFailure
        | AlertDescription::ProtocolVersion
        | AlertDescription::InsufficientSecurity
        | AlertDescription::NoApplicationProtocol => TlsProblem::NoCommonParameters { alert: name },
        _ => TlsProblem::Other(format!("the peer ended the handshake ({name})")),
    }
}

/// The alert's name as RFC 8446 writes it (`unknown_ca`).
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut name = String::with_capacity(debug.len() + 4);
    let mut previous_lower = false;
    for c in debug.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
        previous_lower = c.is_ascii_lowercase();
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names_are_the_rfc_names() {
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(
            alert_name(AlertDescription::BadCertificate),
            "bad_certificate"
        );
        assert_eq!(
            alert_name(AlertDescription::CertificateRequired),
            "certificate_required"
        );
    }

    /// rustls hands webpki's refusals on as `Other`; the downcast to the
    /// webpki this crate names finds them (the same version as rustls's).
    #[test]
    fn webpki_refusals_inside_other_get_their_own_problem() {
        let wrapped = |e: webpki::Error| {
            Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
                std::sync::Arc::new(e),
            )))
        };
        assert_eq!(
            problem_of(&wrapped(webpki::Error::CaUsedAsEndEntity)),
            TlsProblem::CaAsServerCertificate
        );
        assert_eq!(
            problem_of(&wrapped(webpki::Error::MaximumPathDepthExceeded)),
            TlsProblem::ChainTooLong
        );
        assert_eq!(
            problem_of(&wrapped(webpki::Error::UnsupportedCriticalExtension)),
            TlsProblem::CertificateRefused {
                name: "UnsupportedCriticalExtension".to_owned()
            }
        );
        assert_eq!(
            problem_of(&Error::InvalidCertificate(
                CertificateError::UnhandledCriticalExtension
            )),
            TlsProblem::CertificateRefused {
                name: "UnhandledCriticalExtension".to_owned()
            }
        );
    }

    #[test]
    fn a_variant_name_drops_its_fields() {
        assert_eq!(
            variant_name("UnsupportedSignatureAlgorithmForPublicKeyContext { x: 1 }"),
            "UnsupportedSignatureAlgorithmForPublicKeyContext"
        );
        assert_eq!(variant_name("Other(OtherError(x))"), "Other");
        assert_eq!(variant_name("{"), "unknown");
    }

    #[test]
    fn presented_names_lose_their_type() {
        assert_eq!(unquote("DnsName(\"example.com\")"), "example.com");
        assert_eq!(unquote("127.0.0.1"), "127.0.0.1");
    }
}

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
            alert: format!("{why:?}"),
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
        e => TlsProblem::Other(format!("{e:?}")),
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

    #[test]
    fn presented_names_lose_their_type() {
        assert_eq!(unquote("DnsName(\"example.com\")"), "example.com");
        assert_eq!(unquote("127.0.0.1"), "127.0.0.1");
    }
}

//! Reading certificates for people: fields with x509-parser, the SHA-256
//! fingerprint with ring.

use rustls_pki_types::CertificateDer;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::event::CertInfo;
use crate::text::PeerText;

/// The SHA-256 fingerprint of DER bytes, as `AB:CD:…` (what `openssl x509
/// -fingerprint -sha256` prints, so a user can compare the two).
pub fn sha256_fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Why a text is not a SHA-256 fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a SHA-256 fingerprint: give 64 hex digits, with or without colons (as openssl x509 -fingerprint -sha256 prints)"
)]
pub struct PinError(pub String);

/// A SHA-256 fingerprint as a user gives it (`ab:cd:…`, `ABCD…`, with
/// spaces) in the one form the verifier compares: `AB:CD:…`.
pub fn parse_sha256_pin(text: &str) -> Result<String, PinError> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    if digits.len() != 64 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(PinError(text.trim().to_owned()));
    }
    let upper = digits.to_ascii_uppercase();
    Ok(upper
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":"))
}

/// A certificate's fields; one that cannot be parsed still has its
/// fingerprint, with empty fields.
pub fn cert_info(der: &CertificateDer<'_>) -> CertInfo {
    let sha256 = sha256_fingerprint(der.as_ref());
    match X509Certificate::from_der(der.as_ref()) {
        Ok((_, cert)) => CertInfo {
            subject: PeerText::new(cert.subject().to_string()),
            issuer: PeerText::new(cert.issuer().to_string()),
            names: alt_names(&cert),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            sha256,
        },
        Err(_) => CertInfo {
            subject: PeerText::default(),
            issuer: PeerText::default(),
            names: Vec::new(),
            not_before: 0,
            not_after: 0,
            sha256,
        },
    }
}

/// The DNS names and IP addresses a certificate is for.
fn alt_names(cert: &X509Certificate<'_>) -> Vec<PeerText> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some(PeerText::new(*dns)),
            GeneralName::IPAddress(bytes) => ip_text(bytes).map(PeerText::new),
            _ => None,
        })
        .collect()
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes)
            .ok()
            .map(|b| std::net::Ipv4Addr::from(b).to_string()),
        16 => <[u8; 16]>::try_from(bytes)
            .ok()
            .map(|b| std::net::Ipv6Addr::from(b).to_string()),
        _ => None,
    }
}

/// Whether a certificate names itself as its issuer (a self-signed
/// certificate, whose "unknown issuer" is better said as "self-signed").
pub fn is_self_issued(der: &[u8]) -> bool {
    match X509Certificate::from_der(der) {
        Ok((_, cert)) => cert.subject().as_raw() == cert.issuer().as_raw(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_read_in_any_of_the_forms_people_copy() {
        let canonical = sha256_fingerprint(b"a certificate");
        let bare = canonical.replace(':', "").to_ascii_lowercase();
        assert_eq!(parse_sha256_pin(&canonical).unwrap(), canonical);
        assert_eq!(parse_sha256_pin(&bare).unwrap(), canonical);
        assert_eq!(
            parse_sha256_pin(&format!(" {} ", canonical.replace(':', " "))).unwrap(),
            canonical
        );
        assert!(parse_sha256_pin("AB:CD").is_err());
        assert!(parse_sha256_pin(&"ZZ".repeat(32)).is_err());
    }
}

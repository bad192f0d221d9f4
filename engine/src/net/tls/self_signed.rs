//! The TLS server's self-signed certificate: generated with rcgen for the
//! names asked, on first use, into the settings folder, and reused while
//! the names stay the same, so a client that pinned it keeps trusting it.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::cert::{cert_info, sha256_fingerprint};
use super::files::{
    IdentityInfo, SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE, TlsSetupError, load_certs, load_key,
};

/// The names a self-signed certificate is made for when none are given.
pub const DEFAULT_SELF_SIGNED_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// How long a generated certificate is valid, in days: long enough that a
/// pinned test server keeps its certificate for years, with a real end
/// (rcgen's default runs to the year 4096, which some clients refuse and
/// every certificate viewer shows as odd). It starts a day back, so a
/// client whose clock is a little behind accepts it too. An expired one is
/// generated anew.
pub const SELF_SIGNED_VALIDITY_DAYS: i64 = 3650;

type Identity = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    IdentityInfo,
);

/// The certificate in `folder` when it is for exactly `names`, or a new
/// one written there.
pub fn load_or_generate(names: &[String], folder: &Path) -> Result<Identity, TlsSetupError> {
    let names: Vec<String> = if names.is_empty() {
        DEFAULT_SELF_SIGNED_NAMES
            .iter()
            .map(|n| (*n).to_owned())
            .collect()
    } else {
        names.to_vec()
    };
    let cert_path = folder.join(SELF_SIGNED_CERT_FILE);
    let key_path = folder.join(SELF_SIGNED_KEY_FILE);
    if let Some(identity) = reuse(&names, &cert_path, &key_path) {
        return Ok(identity);
    }
    let generate_error = |e: rcgen::Error| TlsSetupError::Generate {
        names: names.join(", "),
        reason: e.to_string(),
    };
    let mut params = rcgen::CertificateParams::new(names.clone()).map_err(generate_error)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0].clone());
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "NetAssist self-signed");
    let day = |date: chrono::NaiveDate| {
        use chrono::Datelike;
        let month = u8::try_from(date.month()).unwrap_or(1);
        let day = u8::try_from(date.day()).unwrap_or(1);
        rcgen::date_time_ymd(date.year(), month, day)
    };
    let today = chrono::Utc::now().date_naive();
    params.not_before = day(today - chrono::Days::new(1));
    params.not_after = day(today + chrono::Days::new(SELF_SIGNED_VALIDITY_DAYS.unsigned_abs()));
    let key = rcgen::KeyPair::generate().map_err(generate_error)?;
    let cert = params.self_signed(&key).map_err(generate_error)?;
    std::fs::create_dir_all(folder).map_err(|e| TlsSetupError::Write {
        path: folder.to_owned(),
        reason: e.to_string(),
    })?;
    write_private(&key_path, key.serialize_pem().as_bytes())?;
    std::fs::write(&cert_path, cert.pem()).map_err(|e| TlsSetupError::Write {
        path: cert_path.clone(),
        reason: e.to_string(),
    })?;
    let der = cert.der().clone();
    let key_der = PrivateKeyDer::from_pem_slice(key.serialize_pem().as_bytes()).map_err(|e| {
        TlsSetupError::Generate {
            names: names.join(", "),
            reason: e.to_string(),
        }
    })?;
    let info = IdentityInfo {
        fingerprint: sha256_fingerprint(der.as_ref()),
        names,
        generated: true,
        cert_path,
    };
    Ok((vec![der], key_der, info))
}

/// The certificate and key already in the folder, if both read and the
/// certificate is for the same names (in any order) and not expired.
fn reuse(names: &[String], cert_path: &Path, key_path: &Path) -> Option<Identity> {
    let chain = load_certs(cert_path).ok()?;
    let key = load_key(key_path).ok()?;
    let info = cert_info(chain.first()?);
    if info.not_after <= chrono::Utc::now().timestamp() {
        return None;
    }
    let present: BTreeSet<String> = info
        .names
        .iter()
        .map(|n| n.as_received().to_owned())
        .collect();
    let wanted: BTreeSet<String> = names.iter().map(|n| canonical_name(n)).collect();
    if present != wanted {
        return None;
    }
    let info = IdentityInfo {
        fingerprint: sha256_fingerprint(chain[0].as_ref()),
        names: names.to_vec(),
        generated: false,
        cert_path: cert_path.to_owned(),
    };
    Some((chain, key, info))
}

/// A name as the certificate shows it (an IPv6 address in its short form).
fn canonical_name(name: &str) -> String {
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => name.to_owned(),
    }
}

/// Writes a private key readable only by its owner on Unix (mode 0600,
/// also when the file was there before); on Windows the file inherits the
/// folder's permissions, which for the settings folder are the user's.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsSetupError> {
    let write_error = |e: std::io::Error| TlsSetupError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(write_error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(write_error)?;
    }
    file.write_all(bytes).map_err(write_error)?;
    file.sync_all().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validity(folder: &Path) -> (i64, i64) {
        let chain = load_certs(&folder.join(SELF_SIGNED_CERT_FILE)).unwrap();
        let info = cert_info(&chain[0]);
        (info.not_before, info.not_after)
    }

    #[test]
    fn a_generated_certificate_is_valid_from_yesterday_for_ten_years() {
        let folder = tempfile::tempdir().unwrap();
        load_or_generate(&[], folder.path()).unwrap();
        let now = chrono::Utc::now().timestamp();
        let (not_before, not_after) = validity(folder.path());
        let day = 24 * 60 * 60;
        assert!(not_before <= now - day / 2 && not_before > now - 3 * day);
        let days_left = (not_after - now) / day;
        assert!(
            (SELF_SIGNED_VALIDITY_DAYS - 1..=SELF_SIGNED_VALIDITY_DAYS).contains(&days_left),
            "valid until {not_after}, {days_left} days from now"
        );
    }

    #[test]
    fn an_expired_certificate_in_the_folder_is_made_anew() {
        let folder = tempfile::tempdir().unwrap();
        let names = vec!["localhost".to_owned()];
        // An expired certificate for the same names, as a folder kept for
        // years would hold.
        let mut params = rcgen::CertificateParams::new(names.clone()).unwrap();
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        std::fs::write(folder.path().join(SELF_SIGNED_CERT_FILE), cert.pem()).unwrap();
        std::fs::write(
            folder.path().join(SELF_SIGNED_KEY_FILE),
            key.serialize_pem(),
        )
        .unwrap();
        let (_, _, info) = load_or_generate(&names, folder.path()).unwrap();
        assert!(info.generated, "the expired certificate was reused");
        assert!(validity(folder.path()).1 > chrono::Utc::now().timestamp());
        // The new one is kept while it is valid.
        let (_, _, again) = load_or_generate(&names, folder.path()).unwrap();
        assert!(!again.generated);
        assert_eq!(again.fingerprint, info.fingerprint);
    }
}

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
/// certificate is for the same names (in any order).
fn reuse(names: &[String], cert_path: &Path, key_path: &Path) -> Option<Identity> {
    let chain = load_certs(cert_path).ok()?;
    let key = load_key(key_path).ok()?;
    let present: BTreeSet<String> = cert_info(&chain[0])
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

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
    own_folder(folder)?;
    write_new_file(&key_path, key.serialize_pem().as_bytes(), Access::Owner)?;
    write_new_file(&cert_path, cert.pem().as_bytes(), Access::Everyone)?;
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

/// Who may read a file written here (Unix modes; on Windows a file takes
/// the folder's permissions, which for the settings folder are the user's).
#[derive(Clone, Copy)]
enum Access {
    /// A private key: 0600.
    Owner,
    /// A certificate: 0644.
    Everyone,
}

/// Makes the folder if needed, as a folder of its own: a link planted in
/// its place is refused, and on Unix it is readable only by its owner
/// (0700), as the key in it is.
fn own_folder(folder: &Path) -> Result<(), TlsSetupError> {
    refuse_link(folder)?;
    std::fs::create_dir_all(folder).map_err(|e| TlsSetupError::Write {
        path: folder.to_owned(),
        reason: e.to_string(),
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).map_err(|e| {
            TlsSetupError::Write {
                path: folder.to_owned(),
                reason: e.to_string(),
            }
        })?;
    }
    Ok(())
}

/// Refuses a path that is a symbolic link (or a Windows reparse point
/// link): whatever it points to is not ours to write.
fn refuse_link(path: &Path) -> Result<(), TlsSetupError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(TlsSetupError::PlantedLink {
            path: path.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Writes `bytes` as the file `path` without following any link: into a
/// new file beside it (created exclusively, so not through a link, with
/// its mode from the start), then renamed over `path`, which replaces a
/// name and never writes through one. A link already at `path` is refused
/// with a sentence.
fn write_new_file(path: &Path, bytes: &[u8], access: Access) -> Result<(), TlsSetupError> {
    let write_error = |e: std::io::Error| TlsSetupError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    refuse_link(path)?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.subsec_nanos())
        .unwrap_or(0);
    let temp = path.with_file_name(format!(".{file_name}.{}-{nanos}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(match access {
            Access::Owner => 0o600,
            Access::Everyone => 0o644,
        });
    }
    #[cfg(not(unix))]
    let _ = access;
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(write_error(e));
    }
    Ok(())
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

    /// A link planted where the key goes is refused with a sentence, and
    /// the file it points to is left as it was (issue 22, 13).
    #[cfg(unix)]
    #[test]
    fn a_link_planted_where_the_key_goes_is_refused_and_its_target_kept() {
        let folder = tempfile::tempdir().unwrap();
        let victim = folder.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let tls = folder.path().join("tls");
        std::fs::create_dir(&tls).unwrap();
        let key_path = tls.join(SELF_SIGNED_KEY_FILE);
        std::os::unix::fs::symlink(&victim, &key_path).unwrap();
        let refused = load_or_generate(&[], &tls).map(|_| ()).unwrap_err();
        assert_eq!(refused, TlsSetupError::PlantedLink { path: key_path });
        assert!(refused.to_string().contains("is a link to another file"));
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode();
        assert_ne!(mode & 0o777, 0o600, "the victim was not chmod'ed");
    }

    /// A planted link to the certificate is refused too, and a folder that
    /// is a link is not written into.
    #[cfg(unix)]
    #[test]
    fn a_link_planted_as_the_certificate_or_the_folder_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let victim = folder.path().join("victim.pem");
        std::fs::write(&victim, b"mine").unwrap();
        let tls = folder.path().join("tls");
        std::fs::create_dir(&tls).unwrap();
        let cert_path = tls.join(SELF_SIGNED_CERT_FILE);
        std::os::unix::fs::symlink(&victim, &cert_path).unwrap();
        assert!(matches!(
            load_or_generate(&[], &tls),
            Err(TlsSetupError::PlantedLink { .. })
        ));
        assert_eq!(std::fs::read(&victim).unwrap(), b"mine");

        let elsewhere = tempfile::tempdir().unwrap();
        let linked = folder.path().join("linked-tls");
        std::os::unix::fs::symlink(elsewhere.path(), &linked).unwrap();
        assert!(matches!(
            load_or_generate(&[], &linked),
            Err(TlsSetupError::PlantedLink { .. })
        ));
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }

    /// The folder is its owner's alone and the key 0600, the certificate
    /// readable; no temporary file is left behind.
    #[cfg(unix)]
    #[test]
    fn the_folder_and_key_are_private_and_no_temporary_file_stays() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let tls = parent.path().join("tls");
        load_or_generate(&[], &tls).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&tls), 0o700);
        assert_eq!(mode(&tls.join(SELF_SIGNED_KEY_FILE)), 0o600);
        assert_eq!(mode(&tls.join(SELF_SIGNED_CERT_FILE)), 0o644);
        let names: Vec<_> = std::fs::read_dir(&tls)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}

//! TLS and WebSocket helpers for the window's tests (issue 14):
//! certificates made with rcgen in a temporary folder (never committed),
//! and whether Python's `websockets` is there (the one skip rule).

use std::path::PathBuf;

use rcgen::{CertificateParams, KeyPair};

use super::{peer_tool, skip_or_fail};

/// A self-signed certificate for 127.0.0.1 (its subject's name too, so a
/// Chinese window shows no Latin word of ours) and its key, as PEM files.
pub struct SelfSigned {
    pub dir: tempfile::TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl SelfSigned {
    pub fn for_loopback() -> SelfSigned {
        let dir = tempfile::tempdir().unwrap();
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "127.0.0.1");
        let cert = params.self_signed(&key).unwrap();
        let cert_path = dir.path().join("server.pem");
        let key_path = dir.path().join("server-key.pem");
        std::fs::write(&cert_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        SelfSigned {
            dir,
            cert: cert_path,
            key: key_path,
        }
    }

    pub fn cert_str(&self) -> &str {
        self.cert.to_str().unwrap()
    }

    pub fn key_str(&self) -> &str {
        self.key.to_str().unwrap()
    }
}

/// True when python3 and its `websockets` package are there; otherwise the
/// skip rule (a failure under `NETASSIST_REQUIRE_PEERS=1`).
pub fn have_websockets() -> bool {
    if !peer_tool("python3") {
        return false;
    }
    let found = std::process::Command::new("python3")
        .args(["-c", "import websockets"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        skip_or_fail(
            "python3's websockets package is not installed (Debian package: python3-websockets)",
        );
    }
    found
}

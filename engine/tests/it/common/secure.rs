//! TLS and WebSocket helpers for the window's tests (issue 14):
//! certificates made with rcgen in a temporary folder (never committed),
//! and whether Python's `websockets` is there (the one skip rule).

use std::path::PathBuf;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

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

/// A CA and a client certificate it signed, as PEM files: what a TLS
/// server that requires client certificates is given, and what a client
/// it lets in shows.
pub struct ClientCa {
    pub dir: tempfile::TempDir,
    pub ca: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

impl ClientCa {
    pub fn generate() -> ClientCa {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "clients-ca");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let client_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "window-test-client");
        let client_cert = params.signed_by(&client_key, &issuer).unwrap();
        let paths = ClientCa {
            ca: dir.path().join("clients-ca.pem"),
            client_cert: dir.path().join("client.pem"),
            client_key: dir.path().join("client-key.pem"),
            dir,
        };
        std::fs::write(&paths.ca, ca_cert.pem()).unwrap();
        std::fs::write(&paths.client_cert, client_cert.pem()).unwrap();
        std::fs::write(&paths.client_key, client_key.serialize_pem()).unwrap();
        paths
    }
}

/// True when python3 can run the WebSocket peer (`ws_peer.py --check`: its
/// own `websockets`, or Debian's python3-websockets found beside a python3
/// of its own such as pyenv's); otherwise the skip rule (a failure under
/// `NETASSIST_REQUIRE_PEERS=1`).
pub fn have_websockets() -> bool {
    if !peer_tool("python3") {
        return false;
    }
    let found = std::process::Command::new("python3")
        .arg(super::peers_dir().join("ws_peer.py"))
        .arg("--check")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(std::env::temp_dir())
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

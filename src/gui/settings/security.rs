//! The TLS and WebSocket sessions' settings (issue 14): the TLS client's
//! verification, the TLS server's certificate, the WebSocket URL, path,
//! headers and subprotocols, as typed. `session_config.rs` turns them into
//! the engine's options by the same rules as the CLI's flags.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::Args;
use crate::net::tls::TlsVersion;

/// How a TLS client checks the server's certificate, as the window's combo
/// offers it (the engine's `Verify` without its path).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VerifyChoice {
    /// The system's trust store (or the bundled roots).
    #[default]
    System,
    /// Only the CA certificates of the chosen file.
    CaFile,
    /// Ignore certificate errors (test devices).
    Insecure,
}

impl VerifyChoice {
    pub const ALL: [VerifyChoice; 3] = [
        VerifyChoice::System,
        VerifyChoice::CaFile,
        VerifyChoice::Insecure,
    ];
}

/// Where a TLS server's certificate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum IdentityChoice {
    /// A self-signed certificate for the typed names, generated on first
    /// use and kept in the settings folder.
    #[default]
    SelfSigned,
    /// A certificate chain and key from PEM files.
    Files,
}

impl IdentityChoice {
    pub const ALL: [IdentityChoice; 2] = [IdentityChoice::SelfSigned, IdentityChoice::Files];
}

/// The TLS file fields a Browse… button fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsFileField {
    CaFile,
    ClientCert,
    ClientKey,
    Cert,
    Key,
    ClientCa,
}

/// The URL a new WebSocket client tab starts with: the WebSocket server a
/// second tab of this window listens on by default.
pub const DEFAULT_WS_URL: &str = "ws://127.0.0.1:8080/";

/// The close code the close control starts with: a normal closure (RFC
/// 6455 7.4.1).
pub const NORMAL_CLOSE_CODE: u16 = 1000;

/// The TLS and WebSocket settings of a tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecuritySettings {
    /// TLS client (and `wss://` client): the SNI name; empty: the host.
    pub server_name: String,
    pub verify: VerifyChoice,
    pub ca_file: PathBuf,
    pub min_version: TlsVersion,
    /// ALPN protocols, as typed (`h2, http/1.1`).
    pub alpn: String,
    /// A client certificate and key, shown when the server asks; both
    /// empty: none.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// TLS server (and `wss://` server).
    pub identity: IdentityChoice,
    /// The names of the self-signed certificate, as typed.
    pub names: String,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub request_client_cert: bool,
    /// With the request ticked: the CA certificates a client's must be
    /// signed by (a client without one, or with another, is refused);
    /// empty: any certificate shown is accepted.
    pub client_ca: PathBuf,
    /// WebSocket client: the URL, the extra headers (one `Name: value` a
    /// line) and the subprotocols offered, as typed.
    pub ws_url: String,
    pub ws_headers: String,
    pub ws_subprotocols: String,
    /// WebSocket server: the path clients ask for, and TLS (`wss://`).
    pub ws_path: String,
    pub ws_server_tls: bool,
    /// A file sent on a WebSocket goes as binary messages of this size.
    pub ws_file_message_bytes: usize,
    /// The close frame's code and reason the close control sends (not
    /// saved: a close is a one-off).
    pub ws_close_code: u16,
    pub ws_close_reason: String,
    /// Where self-signed certificates are kept; `None`: the settings
    /// folder's (`folders::self_signed_folder`). Not saved: a test points
    /// it at a temporary folder so that it never writes in the user's.
    pub self_signed_folder: Option<PathBuf>,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            server_name: String::new(),
            verify: VerifyChoice::System,
            ca_file: PathBuf::new(),
            min_version: TlsVersion::default(),
            alpn: String::new(),
            client_cert: PathBuf::new(),
            client_key: PathBuf::new(),
            identity: IdentityChoice::SelfSigned,
            names: crate::rules::default_certificate_names(),
            cert: PathBuf::new(),
            key: PathBuf::new(),
            request_client_cert: false,
            client_ca: PathBuf::new(),
            ws_url: DEFAULT_WS_URL.to_owned(),
            ws_headers: String::new(),
            ws_subprotocols: String::new(),
            ws_path: "/".to_owned(),
            ws_server_tls: false,
            ws_file_message_bytes: crate::net::DEFAULT_DATAGRAM_BYTES,
            ws_close_code: NORMAL_CLOSE_CODE,
            ws_close_reason: String::new(),
            self_signed_folder: None,
        }
    }
}

impl SecuritySettings {
    /// The path of a TLS file field.
    pub fn file(&self, field: TlsFileField) -> &PathBuf {
        match field {
            TlsFileField::CaFile => &self.ca_file,
            TlsFileField::ClientCert => &self.client_cert,
            TlsFileField::ClientKey => &self.client_key,
            TlsFileField::Cert => &self.cert,
            TlsFileField::Key => &self.key,
            TlsFileField::ClientCa => &self.client_ca,
        }
    }

    pub fn file_mut(&mut self, field: TlsFileField) -> &mut PathBuf {
        match field {
            TlsFileField::CaFile => &mut self.ca_file,
            TlsFileField::ClientCert => &mut self.client_cert,
            TlsFileField::ClientKey => &mut self.client_key,
            TlsFileField::Cert => &mut self.cert,
            TlsFileField::Key => &mut self.key,
            TlsFileField::ClientCa => &mut self.client_ca,
        }
    }

    /// Whether the WebSocket URL asks for TLS (`wss://`), as typed.
    pub fn ws_url_is_secure(&self) -> bool {
        self.ws_url
            .trim()
            .get(..6)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("wss://"))
    }
}

/// The settings as the file keeps them: paths as text, every field
/// optional (a file of an earlier version has none of them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityFile {
    server_name: String,
    verify: VerifyChoice,
    ca_file: String,
    min_version: TlsVersion,
    alpn: String,
    client_cert: String,
    client_key: String,
    identity: IdentityChoice,
    names: String,
    cert: String,
    key: String,
    request_client_cert: bool,
    client_ca: String,
    ws_url: String,
    ws_headers: String,
    ws_subprotocols: String,
    ws_path: String,
    ws_server_tls: bool,
    ws_file_message_bytes: usize,
}

impl Default for SecurityFile {
    fn default() -> Self {
        SecuritySettings::default().into()
    }
}

impl SecurityFile {
    /// Whether nothing was changed from the defaults: then the file is
    /// written as earlier versions wrote it, without this group.
    pub fn is_default(&self) -> bool {
        *self == SecurityFile::default()
    }
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl From<SecuritySettings> for SecurityFile {
    fn from(settings: SecuritySettings) -> Self {
        SecurityFile {
            server_name: settings.server_name,
            verify: settings.verify,
            ca_file: path_text(&settings.ca_file),
            min_version: settings.min_version,
            alpn: settings.alpn,
            client_cert: path_text(&settings.client_cert),
            client_key: path_text(&settings.client_key),
            identity: settings.identity,
            names: settings.names,
            cert: path_text(&settings.cert),
            key: path_text(&settings.key),
            request_client_cert: settings.request_client_cert,
            client_ca: path_text(&settings.client_ca),
            ws_url: settings.ws_url,
            ws_headers: settings.ws_headers,
            ws_subprotocols: settings.ws_subprotocols,
            ws_path: settings.ws_path,
            ws_server_tls: settings.ws_server_tls,
            ws_file_message_bytes: settings.ws_file_message_bytes,
        }
    }
}

impl From<SecurityFile> for SecuritySettings {
    fn from(file: SecurityFile) -> Self {
        SecuritySettings {
            server_name: file.server_name,
            verify: file.verify,
            ca_file: PathBuf::from(file.ca_file),
            min_version: file.min_version,
            alpn: file.alpn,
            client_cert: PathBuf::from(file.client_cert),
            client_key: PathBuf::from(file.client_key),
            identity: file.identity,
            names: file.names,
            cert: PathBuf::from(file.cert),
            key: PathBuf::from(file.key),
            request_client_cert: file.request_client_cert,
            client_ca: PathBuf::from(file.client_ca),
            ws_url: file.ws_url,
            ws_headers: file.ws_headers,
            ws_subprotocols: file.ws_subprotocols,
            ws_path: file.ws_path,
            ws_server_tls: file.ws_server_tls,
            ws_file_message_bytes: file.ws_file_message_bytes,
            ..SecuritySettings::default()
        }
    }
}

impl SecuritySettings {
    /// The TLS and WebSocket flags as presets of their fields (`is_server`:
    /// a TLS or WebSocket server's tab); their text is checked, as typed
    /// text is, when the session opens.
    pub fn apply_args(&mut self, is_server: bool, args: &Args) {
        let sec = self;
        if let (Some(cert), Some(key)) = (&args.cert, &args.key) {
            if is_server {
                sec.identity = IdentityChoice::Files;
                sec.cert = cert.clone();
                sec.key = key.clone();
                sec.ws_server_tls = true;
            } else {
                sec.client_cert = cert.clone();
                sec.client_key = key.clone();
            }
        }
        if let Some(names) = &args.self_signed {
            sec.identity = IdentityChoice::SelfSigned;
            // `--self-signed` without names: the default ones, as on the
            // command line.
            sec.names = if names.is_empty() {
                crate::rules::default_certificate_names()
            } else {
                names.clone()
            };
            sec.ws_server_tls = true;
        }
        if let Some(ca) = &args.ca {
            if is_server {
                // As on the command line: a server given a CA requires
                // client certificates signed by it.
                sec.request_client_cert = true;
                sec.client_ca = ca.clone();
            } else {
                sec.verify = VerifyChoice::CaFile;
                sec.ca_file = ca.clone();
            }
        }
        if args.insecure {
            sec.verify = VerifyChoice::Insecure;
        }
        if args.request_client_cert {
            sec.request_client_cert = true;
        }
        if let Some(alpn) = &args.alpn {
            sec.alpn = alpn.clone();
        }
        if let Some(version) = args.min_tls {
            sec.min_version = version;
        }
        if let Some(name) = &args.server_name {
            sec.server_name = name.clone();
        }
        if let Some(url) = &args.url {
            sec.ws_url = url.clone();
        }
        if let Some(path) = &args.path {
            sec.ws_path = path.clone();
        }
        if !args.header.is_empty() {
            sec.ws_headers = args.header.join("\n");
        }
        if !args.subprotocol.is_empty() {
            sec.ws_subprotocols = args.subprotocol.join(", ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gui::settings::Settings;

    #[test]
    fn a_window_that_never_used_them_writes_no_security_group_and_one_that_did_loads_it_back() {
        let untouched = Settings::default();
        let text = ron::to_string(&untouched).unwrap();
        assert!(!text.contains("security"), "{text}");

        let mut used = Settings::default();
        used.sec.verify = VerifyChoice::Insecure;
        used.sec.ws_url = "wss://[::1]:9443/chat".to_owned();
        used.sec.identity = IdentityChoice::Files;
        used.sec.cert = PathBuf::from("/etc/netassist/server.pem");
        used.sec.ws_headers = "Authorization: Bearer abc\nX-Test: 1".to_owned();
        used.sec.request_client_cert = true;
        used.sec.client_ca = PathBuf::from("/etc/netassist/clients-ca.pem");
        // Not saved: a close is a one-off, the folder a test's.
        used.sec.ws_close_code = 4000;
        used.sec.self_signed_folder = Some(PathBuf::from("/tmp/x"));
        let text = ron::to_string(&used).unwrap();
        assert!(text.contains("security"), "{text}");
        let loaded: Settings = ron::from_str(&text).unwrap();
        assert_eq!(
            loaded.sec,
            SecuritySettings {
                ws_close_code: NORMAL_CLOSE_CODE,
                self_signed_folder: None,
                ..used.sec
            }
        );
    }

    #[test]
    fn a_security_group_with_a_missing_field_takes_that_field_s_default() {
        let loaded: SecurityFile = ron::from_str("(ws_path: \"/chat\")").unwrap();
        let settings = SecuritySettings::from(loaded);
        assert_eq!(settings.ws_path, "/chat");
        assert_eq!(settings.ws_url, DEFAULT_WS_URL);
        assert_eq!(settings.names, crate::rules::default_certificate_names());
    }
}

//! What a TLS session tells its front end about TLS itself: the
//! handshake's outcome, the peer's certificates, the server's own
//! identity. A leaf: it imports no worker, so `net/event.rs` can carry it
//! as `Event::Tls`. The English wording is `describe::tls`'s.

use std::net::SocketAddr;

use crate::text::PeerText;

/// One certificate of a chain, as a person checks it. Subject and issuer
/// come from the peer, so they are peer text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: PeerText,
    pub issuer: PeerText,
    /// The names the certificate is for (its subject alternative names:
    /// DNS names and IP addresses).
    pub names: Vec<PeerText>,
    /// Validity, in seconds since 1970 (UTC).
    pub not_before: i64,
    pub not_after: i64,
    /// The SHA-256 fingerprint of the certificate's DER bytes, as
    /// colon-separated upper-case hex pairs (what `openssl x509
    /// -fingerprint -sha256` prints).
    pub sha256: String,
}

/// What a finished handshake agreed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsInfo {
    /// "TLS 1.2" or "TLS 1.3".
    pub version: String,
    /// The IANA name of the cipher suite, e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// The application protocol the two sides agreed on by ALPN, if any.
    pub alpn: Option<PeerText>,
    /// The peer's certificate chain, its own certificate first (empty when
    /// a client showed none).
    pub chain: Vec<CertInfo>,
}

/// Why a TLS handshake failed, typed so each front end can word it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsProblem {
    /// The certificate is for other names than the one connected to.
    NameMismatch {
        wanted: String,
        presented: Vec<PeerText>,
    },
    /// The certificate's validity ended (`not_after`, seconds since 1970).
    Expired { not_after: i64 },
    /// The certificate's validity starts later (`not_before`, seconds since
    /// 1970; `None` when the library did not say).
    NotYetValid { not_before: Option<i64> },
    /// Signed by an authority that is not trusted here.
    UnknownIssuer,
    /// Signed by itself, and not trusted here.
    SelfSigned,
    /// The certificate's signature is wrong (a forged or damaged
    /// certificate).
    BadSignature,
    /// The certificate was revoked by its authority.
    Revoked,
    /// The server's own certificate is a CA's (CA:TRUE, what
    /// `openssl req -x509` makes by default), which no client accepts as
    /// a server's.
    CaAsServerCertificate,
    /// The chain is longer, or its constraints deeper, than a client
    /// follows.
    ChainTooLong,
    /// Signed with an algorithm, or for a key, this client does not take.
    UnsupportedAlgorithm,
    /// The certificate is not valid DER (damaged, or not a certificate).
    BadEncoding,
    /// The certificate is not for this use (its extended key usage).
    WrongPurpose,
    /// Refused for a reason without a sentence of its own; `name` is the
    /// checker's name for it (`UnsupportedCriticalExtension`).
    CertificateRefused { name: String },
    /// The peer sent no certificate although one is required.
    NoCertificate,
    /// The peer refused our certificate (it sent this alert).
    PeerRefusedCertificate { alert: String },
    /// The two sides share no TLS version, cipher suite or ALPN protocol.
    NoCommonParameters { alert: String },
    /// The handshake did not finish within this many milliseconds.
    HandshakeTimeout { after_ms: u64 },
    /// A server kept this many connections in their handshake, the most
    /// it keeps, and a new one came: this one, the oldest, made room.
    /// `unshown`: pushed out since the last one shown, without an event
    /// of their own (a few are shown a second).
    PushedOut { handshaking: usize, unshown: u64 },
    /// What came was not TLS at all.
    NotTls,
    /// The peer closed the connection before the handshake finished.
    ClosedDuringHandshake,
    /// Anything else, in the library's words.
    Other(String),
}

impl TlsProblem {
    /// Whether the problem is the server's certificate (its chain, names,
    /// dates or form), which a user may choose to trust as it is.
    pub fn is_about_the_certificate(&self) -> bool {
        matches!(
            self,
            TlsProblem::NameMismatch { .. }
                | TlsProblem::Expired { .. }
                | TlsProblem::NotYetValid { .. }
                | TlsProblem::UnknownIssuer
                | TlsProblem::SelfSigned
                | TlsProblem::BadSignature
                | TlsProblem::Revoked
                | TlsProblem::CaAsServerCertificate
                | TlsProblem::ChainTooLong
                | TlsProblem::UnsupportedAlgorithm
                | TlsProblem::BadEncoding
                | TlsProblem::WrongPurpose
                | TlsProblem::CertificateRefused { .. }
        )
    }
}

/// A TLS event: one per handshake, and one when a server opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsEvent {
    /// A handshake finished: what it agreed on and the peer's chain.
    Established { peer: SocketAddr, info: TlsInfo },
    /// The client accepts any certificate ("ignore certificate errors"):
    /// said at connect, before the handshake.
    Insecure { peer: SocketAddr },
    /// A certificate the server presented in a handshake that refused it:
    /// one event per certificate of its chain (`index` from 1, the
    /// server's own first), said before `HandshakeFailed`, so the user
    /// sees what was refused and can trust (pin) it.
    Presented {
        peer: SocketAddr,
        index: usize,
        cert: CertInfo,
    },
    /// A handshake failed; the connection is closed (a server's client
    /// slot is freed).
    HandshakeFailed {
        peer: SocketAddr,
        problem: TlsProblem,
    },
    /// A server's own certificate, said when it opens so a client can pin
    /// it. `generated`: a self-signed certificate made just now (not
    /// loaded from a file or reused).
    ServerIdentity {
        fingerprint: String,
        names: Vec<String>,
        generated: bool,
        /// Where the certificate is, for a client to trust (the PEM file).
        cert_path: Option<std::path::PathBuf>,
    },
}

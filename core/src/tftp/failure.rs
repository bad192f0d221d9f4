//! Why a TFTP transfer failed, typed: the transfer core, the server and the
//! client say it with fields, the CLI prints the English sentence
//! (`Display`) and the window words the same fields in its language. Text
//! from the peer (its ERROR message, the options it answered) is a
//! [`PeerText`], shown only with control characters made visible.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::text::PeerText;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferFailure {
    /// The peer sent an ERROR packet.
    #[error("the peer ended the transfer{} (TFTP error {code})", peer_message(.message))]
    PeerError { code: u16, message: PeerText },
    /// The peer's port closed before the transfer was complete.
    #[error("the peer closed its port")]
    PeerGone,
    /// The peer stopped answering; every retransmission went unanswered.
    #[error("no answer from the peer after {tries} tries")]
    NoAnswer { tries: u32 },
    /// A peer that never answered our first packet, freed to make room.
    #[error("no answer from the peer within {secs} s of the first packet")]
    FirstAnswerTimeout { secs: u64 },
    /// A peer that had not answered our first packet yet when the server
    /// was full and a new request came: the oldest such yields its place.
    #[error(
        "no answer yet from the peer when the server was full and a new request came: it made room"
    )]
    YieldedToNewRequest,
    /// The server's option answer could not be taken (the sentence names
    /// the option and the value the server sent).
    #[error("{0}")]
    OptionsRefused(PeerText),
    /// The server refused the options asked for, also when asked again
    /// without them.
    #[error("the server refused the transfer's options")]
    ServerRefusedOptions,
    #[error("the peer sent a block of {len} bytes, more than the negotiated {blksize}")]
    BlockTooLarge { len: usize, blksize: usize },
    #[error(
        "the peer sent more than the {limit} bytes it announced (tsize); the upload was discarded"
    )]
    OverTsize { limit: u64 },
    #[error("the server announced {expected} bytes but sent {got}; the download was discarded")]
    SizeDiffers { expected: u64, got: u64 },
    /// The file being sent could not be read.
    #[error("cannot read the file: {reason}")]
    ReadFile { reason: String },
    /// An upload's file could not be written (the wire says why in the
    /// same words).
    #[error("disk full")]
    DiskFull,
    #[error("cannot write the file")]
    WriteFile,
    /// A received file could not be stored under its name because one
    /// appeared meanwhile.
    #[error("a file with that name appeared meanwhile; it was kept and the upload discarded")]
    StoreExists,
    #[error("cannot finish the file: {reason}")]
    StoreFailed { reason: String },
    #[error("cancelled by the client")]
    CancelledByClient,
    #[error("cancelled on the server")]
    CancelledOnServer,
    #[error("the server was stopped")]
    ServerStopped,
    /// The client's own transfer was cancelled (Close or Cancel).
    #[error("cancelled")]
    Cancelled,
    #[error("cannot open a UDP socket: {reason}")]
    OpenSocket { reason: String },
    #[error("cannot watch the socket: {reason}")]
    WatchSocket { reason: String },
    #[error("waiting for the socket failed: {reason}")]
    WaitSocket { reason: String },
    #[error("receiving failed: {reason}")]
    Receive { reason: String },
    #[error("cannot talk to {peer}: {reason}")]
    TalkTo { peer: SocketAddr, reason: String },
    #[error("no TFTP server at {server}: the port is closed")]
    NoServer { server: SocketAddr },
    #[error("cannot create a file in {}: {reason}", .folder.display())]
    CreateFile { folder: PathBuf, reason: String },
    #[error("cannot read {}: {reason}", .path.display())]
    ReadLocal { path: PathBuf, reason: String },
    #[error("cannot write {}: {reason}", .path.display())]
    WriteLocal { path: PathBuf, reason: String },
}

/// ": message" after "the peer ended the transfer", or nothing for an
/// ERROR packet without text.
fn peer_message(message: &PeerText) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peers_error_is_quoted_with_its_controls_visible() {
        let failure = TransferFailure::PeerError {
            code: 1,
            message: PeerText::from("nope\n[x] DONE\x1b[2J"),
        };
        assert_eq!(
            failure.to_string(),
            "the peer ended the transfer: nope\\n[x] DONE\\x1B[2J (TFTP error 1)"
        );
        let silent = TransferFailure::PeerError {
            code: 2,
            message: PeerText::default(),
        };
        assert_eq!(
            silent.to_string(),
            "the peer ended the transfer (TFTP error 2)"
        );
    }
}

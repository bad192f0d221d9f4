//! The TFTP client's shell: one socket, one file, the clock.
//!
//! This file tries the server's addresses one after another, and again
//! without options when the server refuses them; each try is a
//! `Session`. `attempt` opens a try's socket, and `exchange` runs the
//! request and the packets that follow on it.

mod attempt;
mod exchange;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Instant;

use super::name;
use super::options::Asked;
use super::report::Reporter;
use super::{ClientConfig, ClientOp, Mode, TransferDirection, TransferFailure};
use crate::net::{Outbox, SessionError, WorkerContext};

/// The id of the client's one transfer in its events.
const TRANSFER_ID: u64 = 1;

/// How one attempt ended.
enum Attempt {
    Done,
    /// The server refused the options (error 8): try once without them.
    OptionsRefused,
    /// The user closed the session.
    Closed,
    /// This address did not answer in time; another may.
    NoAnswer,
}

/// How long an address that is not the last one has to answer the request.
const FIRST_REPLY_BUDGET: std::time::Duration = std::time::Duration::from_millis(2500);

pub fn run(config: ClientConfig, context: WorkerContext) -> Result<(), SessionError> {
    let WorkerContext {
        commands,
        outbox,
        mut poll,
    } = context;
    // A name may have several addresses (localhost: ::1 and 127.0.0.1);
    // each but the last gets a short time to answer before the next.
    let addresses = config.remote.resolve()?;
    let server = *addresses
        .first()
        .ok_or_else(|| SessionError::TftpNoAddress {
            host: config.remote.host.clone(),
        })?;
    let mut next_address = 0;
    let (direction, remote_name, local_path) = match &config.op {
        ClientOp::Get {
            remote_name,
            local_dir,
        } => (
            TransferDirection::Receive,
            remote_name.clone(),
            local_dir.join(download_name(remote_name)?),
        ),
        ClientOp::Put {
            local_file,
            remote_name,
        } => (
            TransferDirection::Send,
            remote_name.clone(),
            local_file.clone(),
        ),
    };
    // The name goes out in the session's 字符集; one it cannot write is
    // refused before anything is sent.
    let wire_name = name::encode_name(&remote_name, config.name_encoding)
        .map_err(|reason| SessionError::TftpName { reason })?;
    let size = match direction {
        TransferDirection::Send => Some(
            std::fs::metadata(&local_path)
                .map_err(|e| SessionError::FileRead {
                    path: local_path.display().to_string(),
                    reason: e.to_string(),
                })?
                .len(),
        ),
        TransferDirection::Receive => None,
    };
    let mut reporter = Reporter::start(
        &outbox,
        TRANSFER_ID,
        remote_name.clone(),
        server,
        direction,
        size,
        Instant::now(),
    );
    let mut asked = asked_options(&config, size);
    loop {
        let server = addresses[next_address.min(addresses.len() - 1)];
        let is_last_address = next_address + 1 >= addresses.len();
        let attempt = Session {
            config: &config,
            server,
            first_reply_budget: (!is_last_address).then_some(FIRST_REPLY_BUDGET),
            wire_name: &wire_name,
            local_path: &local_path,
            asked,
            outbox: &outbox,
            reporter: &mut reporter,
        }
        .run(&mut poll, &commands);
        match attempt {
            Ok(Attempt::Done) | Ok(Attempt::Closed) => return Ok(()),
            Ok(Attempt::NoAnswer) => next_address += 1,
            Ok(Attempt::OptionsRefused) if !asked.is_empty() => asked = Asked::default(),
            Ok(Attempt::OptionsRefused) => {
                let reason = TransferFailure::ServerRefusedOptions;
                reporter.failed(&outbox, reason.clone());
                return Err(SessionError::Tftp(reason));
            }
            Err(reason) => {
                reporter.failed(&outbox, reason.clone());
                return Err(SessionError::Tftp(reason));
            }
        }
    }
}

/// The local name for a download: the last part of the remote name, which
/// must be a plain file name.
fn download_name(remote_name: &str) -> Result<String, SessionError> {
    let name = remote_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    if name.is_empty() || name == "." || name == ".." || name.contains(':') {
        return Err(SessionError::TftpNoFileName {
            name: remote_name.to_owned(),
        });
    }
    Ok(name.to_owned())
}

fn asked_options(config: &ClientConfig, size: Option<u64>) -> Asked {
    let options = &config.options;
    Asked {
        blksize: options.blksize,
        windowsize: options.windowsize,
        timeout_secs: options.timeout_secs,
        // In netascii the size on the wire is not the file's size.
        tsize: match (options.tsize, config.mode, size) {
            (false, _, _) | (true, Mode::Netascii, Some(_)) => None,
            (true, _, size) => Some(size.unwrap_or(0)),
        },
    }
}

struct Session<'a> {
    config: &'a ClientConfig,
    server: SocketAddr,
    /// When set, no answer within this time gives up on this address.
    first_reply_budget: Option<std::time::Duration>,
    /// The remote name as sent: in the session's 字符集.
    wire_name: &'a [u8],
    local_path: &'a Path,
    asked: Asked,
    outbox: &'a Outbox,
    reporter: &'a mut Reporter,
}

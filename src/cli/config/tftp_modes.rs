//! The TFTP modes' configurations (`tftp-server`, `tftp-client`): the
//! folders they serve or write into, checked before the session opens,
//! and the encoding of file names (`--encoding`, as for the other modes'
//! text).

use std::path::{Path, PathBuf};

use super::args_error::ArgError;
use super::encoding_for;
use super::flags::{local_addr, path_error, remote_endpoint};
use crate::cli::args::Args;
use crate::net::SessionConfig;
use crate::tftp::{self, CLIENT_BLKSIZE, CLIENT_WINDOWSIZE, ClientOp, ClientOptions};

/// Checks that a path names an existing folder.
fn existing_folder(flag: &'static str, path: &Path) -> Result<PathBuf, ArgError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(path.to_path_buf()),
        Ok(_) => Err(ArgError::NotAFolder { flag, path: shown }),
        Err(e) => Err(path_error(flag, shown, &e)),
    }
}

/// An existing folder that downloads can be written into.
fn writable_folder(flag: &'static str, path: &Path) -> Result<PathBuf, ArgError> {
    let folder = existing_folder(flag, path)?;
    if !tftp::folder_is_writable(&folder) {
        return Err(ArgError::NotWritable {
            flag,
            path: folder.display().to_string(),
            consequence: "the download could not be saved; choose another folder",
        });
    }
    Ok(folder)
}

pub(super) fn tftp_server_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let local = match args.local.as_deref() {
        Some(text) => local_addr(text)?,
        None => tftp::DEFAULT_SERVER_ADDR,
    };
    let root = existing_folder("--root", args.root.as_deref().ok_or(ArgError::MissingRoot)?)?;
    if args.allow_write && !tftp::folder_is_writable(&root) {
        return Err(ArgError::NotWritable {
            flag: "--root",
            path: root.display().to_string(),
            consequence: "every upload would fail; choose another folder, or leave out --allow-write to serve it read-only",
        });
    }
    let (max_transfers, max_transfers_per_address) = transfer_limits(args)?;
    Ok(SessionConfig::TftpServer(tftp::ServerConfig {
        allow_write: args.allow_write,
        allow_overwrite: args.overwrite,
        max_transfers,
        max_transfers_per_address,
        name_encoding: names_encoding(args)?,
        ..tftp::ServerConfig::read_only(local, root)
    }))
}

pub(super) fn tftp_client_config(args: &Args) -> Result<SessionConfig, ArgError> {
    let remote = args.remote.as_deref().ok_or(ArgError::MissingRemote {
        mode: "tftp-client",
    })?;
    let remote = remote_endpoint(remote, Some(tftp::PORT))?;
    let op = match (&args.get, &args.put) {
        (Some(name), None) => {
            if name.trim().is_empty() {
                return Err(ArgError::EmptyGetName);
            }
            if args.remote_name.is_some() {
                return Err(ArgError::NotApplicable {
                    flag: "--remote-name",
                    mode: "tftp-client --get",
                });
            }
            let local_dir = match &args.dir {
                Some(dir) => writable_folder("--dir", dir)?,
                None => PathBuf::from("."),
            };
            ClientOp::Get {
                remote_name: name.clone(),
                local_dir,
            }
        }
        (None, Some(file)) => {
            let shown = file.display().to_string();
            match std::fs::metadata(file) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => return Err(ArgError::NotAFile { path: shown }),
                Err(e) => return Err(path_error("--put", shown, &e)),
            }
            if args.dir.is_some() {
                return Err(ArgError::NotApplicable {
                    flag: "--dir",
                    mode: "tftp-client --put",
                });
            }
            let remote_name = match &args.remote_name {
                Some(name) if name.trim().is_empty() => return Err(ArgError::EmptyRemoteName),
                Some(name) => name.clone(),
                None => file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or(ArgError::NotAFile { path: shown })?,
            };
            ClientOp::Put {
                local_file: file.clone(),
                remote_name,
            }
        }
        // clap refuses --get together with --put before we get here.
        _ => return Err(ArgError::MissingTransfer),
    };
    let mut options = ClientOptions::default();
    if let Some(blksize) = args.blksize {
        if !CLIENT_BLKSIZE.contains(&blksize) {
            return Err(ArgError::BadNumber {
                flag: "--blksize",
                value: blksize.to_string(),
                expected: "from 8 to 65464",
            });
        }
        options.blksize = Some(blksize);
    }
    if let Some(windowsize) = args.windowsize {
        if !CLIENT_WINDOWSIZE.contains(&windowsize) {
            return Err(ArgError::BadNumber {
                flag: "--windowsize",
                value: "0".to_owned(),
                expected: "from 1 to 65535",
            });
        }
        options.windowsize = Some(windowsize);
    }
    Ok(SessionConfig::TftpClient(tftp::ClientConfig {
        remote,
        op,
        mode: args.tftp_mode.unwrap_or_default(),
        options,
        name_encoding: names_encoding(args)?,
    }))
}

/// The encoding file names are read and sent in: `--encoding`, else UTF-8
/// (`--rx-encoding` and `--tx-encoding` are refused for the TFTP modes).
fn names_encoding(args: &Args) -> Result<crate::text::Encoding, ArgError> {
    encoding_for("--encoding", None, args)
}

/// `--max-transfers` and `--max-transfers-per-address`, checked (the
/// window checks its flags by this too).
pub(super) fn transfer_limits(args: &Args) -> Result<(usize, usize), ArgError> {
    let max_transfers = match args.max_transfers {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-transfers",
                value: "0".to_owned(),
                expected: "at least 1",
            });
        }
        Some(n) => n,
        None => tftp::limits::DEFAULT_MAX_TRANSFERS,
    };
    let max_transfers_per_address = match args.max_transfers_per_address {
        Some(0) => {
            return Err(ArgError::BadNumber {
                flag: "--max-transfers-per-address",
                value: "0".to_owned(),
                expected: "at least 1 (a value of --max-transfers or more lifts the limit)",
            });
        }
        Some(n) => n,
        None => tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS,
    };
    Ok((max_transfers, max_transfers_per_address))
}

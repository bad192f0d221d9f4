//! Option negotiation (RFC 2347 framework; blksize RFC 2348, timeout and
//! tsize RFC 2349, windowsize RFC 7440), for both sides.

use std::time::Duration;

use super::Mode;
use super::wire::{RequestKind, TftpOption};

pub const DEFAULT_BLKSIZE: usize = 512;
pub const MIN_BLKSIZE: u32 = 8;
pub const MAX_BLKSIZE: u32 = 65464;
/// A window larger than this gains nothing on any real link, and every
/// block of a window is kept in memory for retransmission (64 × 64 KiB at
/// most); larger requests are clamped, as RFC 7440 allows.
pub const MAX_WINDOWSIZE: u32 = 64;

/// What a transfer runs with once negotiation is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub blksize: usize,
    pub windowsize: u16,
    /// The retransmission timeout the peer asked for, if it did.
    pub timeout: Option<Duration>,
    pub mode: Mode,
}

impl Params {
    pub fn defaults(mode: Mode) -> Params {
        Params {
            blksize: DEFAULT_BLKSIZE,
            windowsize: 1,
            timeout: None,
            mode,
        }
    }
}

/// The server's answer to a request's options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiation {
    pub params: Params,
    /// Options to acknowledge, in the order asked; empty means no OACK.
    pub oack: Vec<(String, String)>,
    /// The size a WRQ announced.
    pub announced_size: Option<u64>,
}

/// Parses a mode field; `mail` and anything else is not served.
pub fn parse_mode(text: &str) -> Option<Mode> {
    if text.eq_ignore_ascii_case("octet") {
        Some(Mode::Octet)
    } else if text.eq_ignore_ascii_case("netascii") {
        Some(Mode::Netascii)
    } else {
        None
    }
}

pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Octet => "octet",
        Mode::Netascii => "netascii",
    }
}

/// Decides which options a server accepts. Unknown or malformed options
/// are left out of the OACK, as RFC 2347 says; out-of-range sizes are
/// clamped into range. `file_size` is the size of a file to be read, when
/// it is known as it will be sent.
pub fn negotiate(
    kind: RequestKind,
    mode: Mode,
    options: &[TftpOption<'_>],
    file_size: Option<u64>,
) -> Negotiation {
    let mut params = Params::defaults(mode);
    let mut oack: Vec<(String, String)> = Vec::new();
    let mut announced_size = None;
    for option in options {
        let name = option.name.to_ascii_lowercase();
        if oack.iter().any(|(seen, _)| *seen == name) {
            continue;
        }
        let Ok(value) = option.value.trim().parse::<u64>() else {
            continue;
        };
        match name.as_str() {
            "blksize" if value >= u64::from(MIN_BLKSIZE) => {
                let blksize = value.min(u64::from(MAX_BLKSIZE)) as usize;
                params.blksize = blksize;
                oack.push((name, blksize.to_string()));
            }
            "windowsize" if value >= 1 => {
                let windowsize = value.min(u64::from(MAX_WINDOWSIZE)) as u16;
                params.windowsize = windowsize;
                oack.push((name, windowsize.to_string()));
            }
            "timeout" if (1..=255).contains(&value) => {
                params.timeout = Some(Duration::from_secs(value));
                oack.push((name, value.to_string()));
            }
            "tsize" => match kind {
                RequestKind::Read => {
                    if let Some(size) = file_size {
                        oack.push((name, size.to_string()));
                    }
                }
                RequestKind::Write => {
                    announced_size = Some(value);
                    oack.push((name, value.to_string()));
                }
            },
            _ => {}
        }
    }
    Negotiation {
        params,
        oack,
        announced_size,
    }
}

/// What a client asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Asked {
    pub blksize: Option<u16>,
    pub windowsize: Option<u16>,
    pub timeout_secs: Option<u8>,
    /// `Some(0)` for a read, the file's size for a write.
    pub tsize: Option<u64>,
}

impl Asked {
    pub fn is_empty(&self) -> bool {
        *self == Asked::default()
    }

    /// The request's option list.
    pub fn to_options(self) -> Vec<(String, String)> {
        let mut options = Vec::new();
        if let Some(blksize) = self.blksize {
            options.push(("blksize".to_owned(), blksize.to_string()));
        }
        if let Some(windowsize) = self.windowsize {
            options.push(("windowsize".to_owned(), windowsize.to_string()));
        }
        if let Some(timeout) = self.timeout_secs {
            options.push(("timeout".to_owned(), timeout.to_string()));
        }
        if let Some(tsize) = self.tsize {
            options.push(("tsize".to_owned(), tsize.to_string()));
        }
        options
    }

    /// Checks a server's OACK against what was asked: a server may lower a
    /// size but not raise it, and may not acknowledge what nobody asked.
    /// Returns the parameters and the size the server announced.
    pub fn accept_oack(
        &self,
        mode: Mode,
        options: &[TftpOption<'_>],
    ) -> Result<(Params, Option<u64>), String> {
        let mut params = Params::defaults(mode);
        let mut size = None;
        for option in options {
            let name = option.name.to_ascii_lowercase();
            let value: u64 = option.value.trim().parse().map_err(|_| {
                format!(
                    "the server answered option {} with '{}', not a number",
                    option.name, option.value
                )
            })?;
            let refused =
                || format!("the server answered option {name} with {value}, which was not asked");
            match name.as_str() {
                "blksize" => match self.blksize {
                    Some(asked) if (u64::from(MIN_BLKSIZE)..=u64::from(asked)).contains(&value) => {
                        params.blksize = value as usize;
                    }
                    _ => return Err(refused()),
                },
                "windowsize" => match self.windowsize {
                    Some(asked) if (1..=u64::from(asked)).contains(&value) => {
                        params.windowsize = value as u16;
                    }
                    _ => return Err(refused()),
                },
                "timeout" => match self.timeout_secs {
                    Some(_) if (1..=255).contains(&value) => {
                        params.timeout = Some(Duration::from_secs(value));
                    }
                    _ => return Err(refused()),
                },
                "tsize" if self.tsize.is_some() => size = Some(value),
                _ => return Err(refused()),
            }
        }
        Ok((params, size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt<'a>(name: &'a str, value: &'a str) -> TftpOption<'a> {
        TftpOption { name, value }
    }

    #[test]
    fn test_unknown_options_are_left_out() {
        let n = negotiate(
            RequestKind::Read,
            Mode::Octet,
            &[
                opt("multicast", ""),
                opt("blksize", "1428"),
                opt("bogus", "1"),
            ],
            Some(10),
        );
        assert_eq!(n.oack, vec![("blksize".to_owned(), "1428".to_owned())]);
        assert_eq!(n.params.blksize, 1428);
    }

    #[test]
    fn test_blksize_is_clamped_or_ignored() {
        let big = negotiate(
            RequestKind::Read,
            Mode::Octet,
            &[opt("BLKSIZE", "70000")],
            None,
        );
        assert_eq!(big.params.blksize, 65464);
        assert_eq!(big.oack, vec![("blksize".to_owned(), "65464".to_owned())]);
        let small = negotiate(RequestKind::Read, Mode::Octet, &[opt("blksize", "7")], None);
        assert_eq!(small.params.blksize, 512);
        assert!(small.oack.is_empty());
    }

    #[test]
    fn test_tsize_windowsize_timeout() {
        let n = negotiate(
            RequestKind::Read,
            Mode::Octet,
            &[
                opt("tsize", "0"),
                opt("windowsize", "16"),
                opt("timeout", "3"),
            ],
            Some(1234),
        );
        assert_eq!(n.params.windowsize, 16);
        assert_eq!(n.params.timeout, Some(Duration::from_secs(3)));
        assert_eq!(n.oack[0], ("tsize".to_owned(), "1234".to_owned()));
        let w = negotiate(
            RequestKind::Write,
            Mode::Octet,
            &[opt("tsize", "99"), opt("timeout", "0")],
            None,
        );
        assert_eq!(w.announced_size, Some(99));
        assert_eq!(w.oack, vec![("tsize".to_owned(), "99".to_owned())]);
    }

    #[test]
    fn test_client_checks_oack() {
        let asked = Asked {
            blksize: Some(1468),
            windowsize: Some(16),
            timeout_secs: None,
            tsize: Some(0),
        };
        let (params, size) = asked
            .accept_oack(Mode::Octet, &[opt("blksize", "1024"), opt("tsize", "5")])
            .expect("valid OACK");
        assert_eq!(params.blksize, 1024);
        assert_eq!(params.windowsize, 1);
        assert_eq!(size, Some(5));
        assert!(
            asked
                .accept_oack(Mode::Octet, &[opt("blksize", "4096")])
                .is_err()
        );
        assert!(
            asked
                .accept_oack(Mode::Octet, &[opt("timeout", "4")])
                .is_err()
        );
    }
}

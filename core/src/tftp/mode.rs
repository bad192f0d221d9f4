//! The TFTP transfer mode: a leaf that the options, the transfer core and
//! the configs share.

/// Transfer mode of a request. On the command line (`--tftp-mode`) its
/// names are `octet` and `netascii`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Mode {
    #[default]
    Octet,
    Netascii,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Octet, Mode::Netascii];

    /// The name on the wire and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Octet => "octet",
            Mode::Netascii => "netascii",
        }
    }
}

/// Parses `octet` or `netascii` (any case).
impl std::str::FromStr for Mode {
    type Err = crate::text::UnknownChoice;

    fn from_str(text: &str) -> Result<Mode, crate::text::UnknownChoice> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                crate::text::UnknownChoice::new(text, "a TFTP mode", "octet or netascii")
            })
    }
}

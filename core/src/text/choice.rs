//! The one refusal for a name typed where the program offers a fixed set of
//! choices (an encoding, a line ending, a checksum, a TFTP mode, a
//! protocol): what was typed, what kind of thing it should have been, and
//! every name that would have been taken. Both front ends show this
//! sentence as it is (the CLI after its flag).

/// A name that is none of the choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not {what}: use {choices}")]
pub struct UnknownChoice {
    /// The text as typed (trimmed).
    pub given: String,
    /// What was wanted, with its article: "a line ending".
    pub what: &'static str,
    /// The names to use, as a sentence: "none, lf or crlf".
    pub choices: &'static str,
}

impl UnknownChoice {
    pub fn new(given: &str, what: &'static str, choices: &'static str) -> UnknownChoice {
        UnknownChoice {
            given: given.trim().to_owned(),
            what,
            choices,
        }
    }
}

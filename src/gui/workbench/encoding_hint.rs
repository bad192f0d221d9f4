//! "This looks like GBK — switch": a better receive encoding, found in
//! received data as it arrives.

use crate::text::{Encoding, GUESS_SAMPLE_BYTES, guess_better};

/// The hint's state: what it suggests, and when it keeps quiet.
///
/// Each batch of received data is looked at as it arrives, at most
/// [`GUESS_SAMPLE_BYTES`] of it (`text::guess_better` decides), until a
/// suggestion is found; after that nothing is looked at until the receive
/// encoding changes. Once the user switches or dismisses, the hint stays
/// quiet for as long as that receive encoding is chosen.
#[derive(Default)]
pub struct EncodingHint {
    /// The receive encoding the data did not fit, and the better one.
    suggestion: Option<(Encoding, Encoding)>,
    /// The receive encoding the user switched to or dismissed the hint
    /// under.
    quiet_for: Option<Encoding>,
}

impl EncodingHint {
    /// Looks at the start of one batch of received chunks, read in
    /// `chosen` (the receive encoding).
    pub fn observe<'a>(&mut self, chunks: impl IntoIterator<Item = &'a [u8]>, chosen: Encoding) {
        if self.quiet_for == Some(chosen)
            || self.suggestion.is_some_and(|(under, _)| under == chosen)
        {
            return;
        }
        let mut budget = GUESS_SAMPLE_BYTES;
        for bytes in chunks {
            let sample = &bytes[..bytes.len().min(budget)];
            if let Some(better) = guess_better(sample, chosen) {
                self.suggestion = Some((chosen, better));
                return;
            }
            budget -= sample.len();
            if budget == 0 {
                return;
            }
        }
    }

    /// The encoding to suggest while `chosen` is the receive encoding.
    pub fn suggestion(&self, chosen: Encoding) -> Option<Encoding> {
        match self.suggestion {
            Some((under, better)) if under == chosen && self.quiet_for != Some(chosen) => {
                Some(better)
            }
            _ => None,
        }
    }

    /// The user switched to `chosen`, or dismissed the hint under it.
    pub fn quiet_for(&mut self, chosen: Encoding) {
        self.quiet_for = Some(chosen);
        self.suggestion = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GBK_HELLO: &[u8] = &[0xC4, 0xE3, 0xBA, 0xC3];

    #[test]
    fn suggests_until_switched_or_dismissed_then_waits_for_a_change() {
        let mut hint = EncodingHint::default();
        hint.observe([&b"ascii"[..]], Encoding::Utf8);
        assert_eq!(hint.suggestion(Encoding::Utf8), None);
        hint.observe([&b"ascii"[..], GBK_HELLO], Encoding::Utf8);
        assert_eq!(hint.suggestion(Encoding::Utf8), Some(Encoding::Gbk));
        // Not under another receive encoding the user chose meanwhile.
        assert_eq!(hint.suggestion(Encoding::Big5), None);
        hint.quiet_for(Encoding::Utf8);
        hint.observe([GBK_HELLO], Encoding::Utf8);
        assert_eq!(hint.suggestion(Encoding::Utf8), None, "dismissed");
        // Another receive encoding: the hint may speak again.
        hint.observe(["你好".as_bytes()], Encoding::Gbk);
        assert_eq!(hint.suggestion(Encoding::Gbk), Some(Encoding::Utf8));
    }

    #[test]
    fn a_batch_is_looked_at_up_to_the_sample_size() {
        let mut hint = EncodingHint::default();
        let filler = vec![b'a'; GUESS_SAMPLE_BYTES];
        hint.observe([&filler[..], GBK_HELLO], Encoding::Utf8);
        assert_eq!(hint.suggestion(Encoding::Utf8), None);
        hint.observe([GBK_HELLO], Encoding::Utf8);
        assert_eq!(hint.suggestion(Encoding::Utf8), Some(Encoding::Gbk));
    }
}

//! The encodings of the texts this tab sent, for the log's TX rows.

use std::collections::VecDeque;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::text::Encoding;

/// Texts remembered at most: a send box, a loop and a few quick commands
/// in flight at once fit many times over.
const MAX_SENT_TEXTS: usize = 32;

/// The texts this tab sent most recently, each with the encoding it was
/// written in. The session reports what it sent as bytes only
/// (`Event::Sent`); finding those bytes here gives their TX row the
/// encoding of the send, so a GBK reply reads as Chinese whatever the
/// receive encoding. A loop repeats the same bytes, so one entry serves
/// every repetition. Bytes not found here (HEX sends, echoes and
/// auto-replies, which are built in the receive encoding) are shown in
/// the receive encoding.
///
/// Each text is kept as its length and a hash, not its bytes: a few
/// hundred bytes in all, and a report is hashed only when a remembered
/// text has its length.
#[derive(Default)]
pub struct SentTexts {
    /// Newest first.
    recent: VecDeque<SentText>,
}

#[derive(Clone, Copy)]
struct SentText {
    len: usize,
    hash: u64,
    encoding: Encoding,
}

fn hash_of(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

impl SentTexts {
    /// A text was handed to the session, written in `encoding`.
    pub fn remember(&mut self, bytes: &[u8], encoding: Encoding) {
        let (len, hash) = (bytes.len(), hash_of(bytes));
        self.recent.retain(|t| (t.len, t.hash) != (len, hash));
        self.recent.push_front(SentText {
            len,
            hash,
            encoding,
        });
        self.recent.truncate(MAX_SENT_TEXTS);
    }

    /// The encoding of the newest remembered text with exactly these
    /// bytes, if any.
    pub fn encoding_of(&self, bytes: &[u8]) -> Option<Encoding> {
        if !self.recent.iter().any(|t| t.len == bytes.len()) {
            return None;
        }
        let hash = hash_of(bytes);
        self.recent
            .iter()
            .find(|t| t.len == bytes.len() && t.hash == hash)
            .map(|t| t.encoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_text_with_the_same_bytes_gives_the_encoding() {
        let mut texts = SentTexts::default();
        let gbk = Encoding::Gbk.encode("你好").unwrap();
        texts.remember(&gbk, Encoding::Gbk);
        texts.remember(b"hello", Encoding::Utf8);
        assert_eq!(texts.encoding_of(&gbk), Some(Encoding::Gbk));
        assert_eq!(texts.encoding_of(b"hello"), Some(Encoding::Utf8));
        assert_eq!(texts.encoding_of(b"other"), None);
        texts.remember(&gbk, Encoding::Big5);
        assert_eq!(texts.encoding_of(&gbk), Some(Encoding::Big5));
        for n in 0..MAX_SENT_TEXTS as u32 {
            texts.remember(&n.to_le_bytes(), Encoding::Utf8);
        }
        assert_eq!(texts.recent.len(), MAX_SENT_TEXTS);
        assert_eq!(texts.encoding_of(&gbk), None, "the oldest is forgotten");
    }
}

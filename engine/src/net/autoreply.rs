//! Auto-reply: when a received chunk matches a rule, the session thread
//! sends the rule's reply to the sender at once, so it works the same in
//! the window and headless, and without a round trip through a front end.
//!
//! Everything that can be wrong with a rule (a bad regex, a bad HEX
//! pattern, a capture the regex does not have, text the encoding cannot
//! write) is refused when the rule is built, never when a message arrives.

use serde::{Deserialize, Serialize};

use crate::text::{Encoding, EscapeError, HexError, LineEnding, encode_text, parse_hex};

/// What a received chunk is matched against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pattern {
    /// The chunk contains these bytes.
    Contains(Vec<u8>),
    /// The chunk is exactly these bytes.
    Equals(Vec<u8>),
    /// The chunk starts with these bytes.
    StartsWith(Vec<u8>),
    /// The chunk, decoded with the rule's encoding, matches this regular
    /// expression somewhere; its groups can be used in a text reply.
    Regex(String),
    /// The chunk contains these HEX bytes, where `??` matches any byte:
    /// `55 ?? 0A`.
    Hex(String),
}

/// What is sent back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Bytes(Vec<u8>),
    /// Text in the rule's encoding, with escapes (`\r \n \t \\ \xHH`) and,
    /// after a regex pattern, `$0` (the whole match) to `$9` for its
    /// groups; `$$` is a dollar sign.
    Text(String),
}

/// Why a rule was refused, as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the pattern is empty: type what a received message must contain")]
    EmptyPattern,
    #[error("'{pattern}' is not a valid regular expression: {reason}")]
    BadRegex { pattern: String, reason: String },
    #[error("the HEX pattern is not valid: {0} (use ?? for any byte)")]
    BadHex(HexError),
    #[error("the reply uses ${index}, but the regular expression has only {groups} group(s)")]
    MissingGroup { index: usize, groups: usize },
    #[error("the reply uses ${index}, but only a regular expression has groups")]
    GroupWithoutRegex { index: usize },
    #[error("the reply text is not valid: {0}")]
    BadReply(EscapeError),
    #[error("the reply cannot hold the received text '{text}': {reason}")]
    Capture { text: String, reason: String },
}

#[derive(Clone, Debug)]
enum Matcher {
    Contains(Vec<u8>),
    Equals(Vec<u8>),
    StartsWith(Vec<u8>),
    Regex(regex::Regex),
    /// `None` is a wildcard byte.
    Hex(Vec<Option<u8>>),
}

/// A piece of a reply: bytes ready to send, or a regex group to insert.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(Vec<u8>),
    Group(usize),
}

/// A checked rule, ready to match.
#[derive(Clone, Debug)]
pub struct Rule {
    pattern: Pattern,
    reply: Reply,
    encoding: Encoding,
    matcher: Matcher,
    pieces: Vec<Piece>,
}

impl Rule {
    /// Builds a rule; `encoding` decodes received bytes for a regex and
    /// encodes a text reply.
    pub fn new(pattern: Pattern, reply: Reply, encoding: Encoding) -> Result<Rule, RuleError> {
        let matcher = match &pattern {
            Pattern::Contains(bytes) | Pattern::Equals(bytes) | Pattern::StartsWith(bytes)
                if bytes.is_empty() =>
            {
                return Err(RuleError::EmptyPattern);
            }
            Pattern::Contains(bytes) => Matcher::Contains(bytes.clone()),
            Pattern::Equals(bytes) => Matcher::Equals(bytes.clone()),
            Pattern::StartsWith(bytes) => Matcher::StartsWith(bytes.clone()),
            Pattern::Regex(source) if source.is_empty() => return Err(RuleError::EmptyPattern),
            Pattern::Regex(source) => {
                Matcher::Regex(regex::Regex::new(source).map_err(|e| RuleError::BadRegex {
                    pattern: source.clone(),
                    reason: first_line_of_regex_error(&e),
                })?)
            }
            Pattern::Hex(text) => Matcher::Hex(parse_hex_pattern(text)?),
        };
        let groups = match &matcher {
            Matcher::Regex(regex) => Some(regex.captures_len() - 1),
            _ => None,
        };
        let pieces = match &reply {
            Reply::Bytes(bytes) => vec![Piece::Literal(bytes.clone())],
            Reply::Text(template) => parse_template(template, encoding, groups)?,
        };
        Ok(Rule {
            pattern,
            reply,
            encoding,
            matcher,
            pieces,
        })
    }

    pub fn pattern(&self) -> &Pattern {
        &self.pattern
    }

    pub fn reply(&self) -> &Reply {
        &self.reply
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The reply to `received`, if this rule matches it.
    pub fn respond(&self, received: &[u8]) -> Option<Result<Vec<u8>, RuleError>> {
        let captures: Vec<Option<String>> = match &self.matcher {
            Matcher::Contains(needle) => contains(received, needle).then(Vec::new)?,
            Matcher::Equals(expected) => (received == expected.as_slice()).then(Vec::new)?,
            Matcher::StartsWith(prefix) => received.starts_with(prefix).then(Vec::new)?,
            Matcher::Hex(pattern) => hex_matches(received, pattern).then(Vec::new)?,
            Matcher::Regex(regex) => {
                let text = self.encoding.decode(received);
                let found = regex.captures(&text)?;
                found
                    .iter()
                    .map(|group| group.map(|m| m.as_str().to_owned()))
                    .collect()
            }
        };
        let mut out = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(bytes) => out.extend_from_slice(bytes),
                Piece::Group(index) => {
                    // A group that took no part in the match inserts nothing.
                    let text = captures.get(*index).cloned().flatten().unwrap_or_default();
                    match self.encoding.encode(&text) {
                        Ok(bytes) => out.extend(bytes),
                        Err(e) => {
                            return Some(Err(RuleError::Capture {
                                text,
                                reason: e.to_string(),
                            }));
                        }
                    }
                }
            }
        }
        Some(Ok(out))
    }
}

/// The first rule that matches decides the reply; `None` when none does.
pub fn respond(rules: &[Rule], received: &[u8]) -> Option<Result<Vec<u8>, RuleError>> {
    rules.iter().find_map(|rule| rule.respond(received))
}

/// The regex crate's message spans several lines with a caret diagram; the
/// last line says what is wrong, which is what fits in a sentence.
fn first_line_of_regex_error(error: &regex::Error) -> String {
    let message = error.to_string();
    message
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| line.trim().trim_start_matches("error: ").to_owned())
        .unwrap_or(message)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn hex_matches(haystack: &[u8], pattern: &[Option<u8>]) -> bool {
    haystack.windows(pattern.len()).any(|window| {
        window
            .iter()
            .zip(pattern)
            .all(|(byte, wanted)| wanted.is_none_or(|w| w == *byte))
    })
}

/// Parses `55 ?? 0A` (separators as in HEX input; `??` is any byte).
fn parse_hex_pattern(text: &str) -> Result<Vec<Option<u8>>, RuleError> {
    let mut pattern = Vec::new();
    for group in text.split(|c: char| c.is_whitespace() || c == ',') {
        if group.is_empty() {
            continue;
        }
        if group.chars().all(|c| c == '?') {
            if group.len() % 2 == 1 {
                return Err(RuleError::BadHex(HexError::OddDigit {
                    position: group.len(),
                }));
            }
            pattern.extend(std::iter::repeat_n(None, group.len() / 2));
        } else {
            pattern.extend(
                parse_hex(group)
                    .map_err(RuleError::BadHex)?
                    .into_iter()
                    .map(Some),
            );
        }
    }
    if pattern.is_empty() {
        return Err(RuleError::EmptyPattern);
    }
    Ok(pattern)
}

/// Splits a text reply into encoded literals and group references, so the
/// escapes and the encoding are checked once, here.
fn parse_template(
    template: &str,
    encoding: Encoding,
    groups: Option<usize>,
) -> Result<Vec<Piece>, RuleError> {
    let encode = |text: &str| {
        encode_text(text, encoding, true, LineEnding::None).map_err(RuleError::BadReply)
    };
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            literal.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('$') => {
                chars.next();
                literal.push('$');
            }
            Some(digit @ '0'..='9') => {
                chars.next();
                let index = digit as usize - '0' as usize;
                match groups {
                    None => return Err(RuleError::GroupWithoutRegex { index }),
                    Some(groups) if index > groups => {
                        return Err(RuleError::MissingGroup { index, groups });
                    }
                    Some(_) => {}
                }
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(encode(&literal)?));
                    literal.clear();
                }
                pieces.push(Piece::Group(index));
            }
            // A dollar sign before anything else is just a dollar sign.
            _ => literal.push('$'),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(encode(&literal)?));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: Pattern, reply: Reply) -> Rule {
        Rule::new(pattern, reply, Encoding::Utf8).expect("a valid rule")
    }

    fn reply_of(rule: &Rule, received: &[u8]) -> Option<Vec<u8>> {
        rule.respond(received).map(|r| r.expect("a reply"))
    }

    #[test]
    fn byte_patterns() {
        let contains = rule(
            Pattern::Contains(b"PING".to_vec()),
            Reply::Bytes(b"PONG".to_vec()),
        );
        assert_eq!(reply_of(&contains, b"xxPINGxx"), Some(b"PONG".to_vec()));
        assert_eq!(reply_of(&contains, b"PIN"), None);

        let equals = rule(Pattern::Equals(vec![1, 2]), Reply::Bytes(vec![0xFF]));
        assert_eq!(reply_of(&equals, &[1, 2]), Some(vec![0xFF]));
        assert_eq!(reply_of(&equals, &[1, 2, 3]), None);

        let starts = rule(
            Pattern::StartsWith(b"AT".to_vec()),
            Reply::Text("OK\\r\\n".into()),
        );
        assert_eq!(reply_of(&starts, b"AT+GMR"), Some(b"OK\r\n".to_vec()));
        assert_eq!(reply_of(&starts, b"xAT"), None);
    }

    #[test]
    fn hex_pattern_with_wildcards() {
        let hex = rule(Pattern::Hex("55 ?? 0a".into()), Reply::Bytes(vec![0xAA]));
        assert_eq!(reply_of(&hex, &[0x00, 0x55, 0x99, 0x0A]), Some(vec![0xAA]));
        assert_eq!(reply_of(&hex, &[0x55, 0x0A]), None);
        assert_eq!(
            Rule::new(
                Pattern::Hex("55 ?".into()),
                Reply::Bytes(vec![]),
                Encoding::Utf8
            )
            .unwrap_err(),
            RuleError::BadHex(HexError::OddDigit { position: 1 })
        );
        assert!(matches!(
            Rule::new(
                Pattern::Hex("5G".into()),
                Reply::Bytes(vec![]),
                Encoding::Utf8
            ),
            Err(RuleError::BadHex(HexError::NotHex { .. }))
        ));
    }

    #[test]
    fn regex_groups_fill_the_text_reply() {
        let regex = rule(
            Pattern::Regex(r"GET (\w+) (\d+)".into()),
            Reply::Text("VAL $1=$2 ($0) $$5\\n".into()),
        );
        assert_eq!(
            reply_of(&regex, b"> GET temp 42 <"),
            Some(b"VAL temp=42 (GET temp 42) $5\n".to_vec())
        );
        assert_eq!(reply_of(&regex, b"GET temp"), None);
    }

    #[test]
    fn regex_sees_text_in_the_rules_encoding() {
        let gbk = Rule::new(
            Pattern::Regex("你好(.)".into()),
            Reply::Text("收到$1".into()),
            Encoding::Gbk,
        )
        .expect("valid");
        // "你好吗" in GBK; the reply is GBK too.
        let received = Encoding::Gbk.encode("你好吗").unwrap();
        assert_eq!(
            gbk.respond(&received).unwrap().unwrap(),
            Encoding::Gbk.encode("收到吗").unwrap()
        );
    }

    #[test]
    fn bad_rules_are_refused_when_built_with_sentences() {
        let error = Rule::new(
            Pattern::Regex("(unclosed".into()),
            Reply::Text(String::new()),
            Encoding::Utf8,
        )
        .unwrap_err();
        assert!(matches!(error, RuleError::BadRegex { .. }));
        assert!(
            error
                .to_string()
                .starts_with("'(unclosed' is not a valid regular expression: ")
        );
        assert!(!error.to_string().contains('\n'));

        assert_eq!(
            Rule::new(
                Pattern::Regex("(a)".into()),
                Reply::Text("$2".into()),
                Encoding::Utf8
            )
            .unwrap_err(),
            RuleError::MissingGroup {
                index: 2,
                groups: 1
            }
        );
        assert_eq!(
            Rule::new(
                Pattern::Contains(b"a".to_vec()),
                Reply::Text("$1".into()),
                Encoding::Utf8
            )
            .unwrap_err(),
            RuleError::GroupWithoutRegex { index: 1 }
        );
        assert!(matches!(
            Rule::new(
                Pattern::Contains(b"a".to_vec()),
                Reply::Text("\\q".into()),
                Encoding::Utf8
            ),
            Err(RuleError::BadReply(_))
        ));
        assert!(matches!(
            Rule::new(
                Pattern::Contains(b"a".to_vec()),
                Reply::Text("😀".into()),
                Encoding::Gbk
            ),
            Err(RuleError::BadReply(_))
        ));
        assert_eq!(
            Rule::new(
                Pattern::Equals(Vec::new()),
                Reply::Bytes(vec![]),
                Encoding::Utf8
            )
            .unwrap_err(),
            RuleError::EmptyPattern
        );
    }

    #[test]
    fn a_captured_character_the_encoding_cannot_write_is_an_error_not_a_panic() {
        let gbk = Rule::new(
            Pattern::Regex("(.)".into()),
            Reply::Text("$1".into()),
            Encoding::Gbk,
        )
        .expect("valid");
        // Invalid GBK decodes to U+FFFD, which GBK cannot encode.
        assert!(matches!(
            gbk.respond(&[0xFF]),
            Some(Err(RuleError::Capture { .. }))
        ));
    }

    #[test]
    fn first_matching_rule_wins() {
        let rules = [
            rule(
                Pattern::StartsWith(b"A".to_vec()),
                Reply::Bytes(b"1".to_vec()),
            ),
            rule(
                Pattern::Contains(b"B".to_vec()),
                Reply::Bytes(b"2".to_vec()),
            ),
        ];
        assert_eq!(respond(&rules, b"AB").unwrap().unwrap(), b"1");
        assert_eq!(respond(&rules, b"xB").unwrap().unwrap(), b"2");
        assert!(respond(&rules, b"x").is_none());
        assert!(respond(&[], b"x").is_none());
    }
}

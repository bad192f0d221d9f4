//! The settings behind the tools (auto-reply rules, TCP framing, checksums)
//! as the user types them, and their conversion into the
//! engine's checked values — refused with a sentence, never half-applied.

pub mod kit;
pub mod modbus_tool;
pub mod waveform_tool;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::net::autoreply::{Pattern, Reply, Rule, RuleError};
use crate::text::{
    Encoding, EscapeError, Framing, FramingSpecError, HexError, LineEnding, encode_text, parse_hex,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PatternKind {
    #[default]
    Contains,
    Equals,
    StartsWith,
    Regex,
    Hex,
}

impl PatternKind {
    pub const ALL: [PatternKind; 5] = [
        PatternKind::Contains,
        PatternKind::Equals,
        PatternKind::StartsWith,
        PatternKind::Regex,
        PatternKind::Hex,
    ];
}

/// Why an auto-reply rule as typed was refused; the window words it in
/// its language (`i18n::sentences::auto_reply_error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AutoReplySettingError {
    /// The pattern's text cannot be written in the receive encoding.
    Pattern(EscapeError),
    /// The reply, with HEX ticked, is not HEX.
    ReplyHex(HexError),
    /// The engine refused the rule.
    Rule(RuleError),
}

/// The first ticked rule that does not compile: its number as the drawer
/// shows it (from 1), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedRule {
    pub number: usize,
    pub error: AutoReplySettingError,
}

/// Why the framing setting was refused; the window words it in its
/// language (`i18n::sentences::framing_setting_error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FramingSettingError {
    /// The delimiter's escapes are not valid.
    Delimiter(EscapeError),
    /// The engine's rule ([`Framing::checked`]) refused it.
    Spec(FramingSpecError),
}

/// One auto-reply rule as typed: text patterns are in the receive
/// encoding; a text reply may use escapes and, after a regex, `$1`…`$9`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AutoReplySetting {
    pub enabled: bool,
    pub kind: PatternKind,
    pub pattern: String,
    pub reply: String,
    pub reply_hex: bool,
}

impl AutoReplySetting {
    pub fn to_rule(&self, encoding: Encoding) -> Result<Rule, AutoReplySettingError> {
        let text_bytes = |text: &str| {
            encode_text(text, encoding, true, LineEnding::None)
                .map_err(AutoReplySettingError::Pattern)
        };
        let pattern = match self.kind {
            PatternKind::Contains => Pattern::Contains(text_bytes(&self.pattern)?),
            PatternKind::Equals => Pattern::Equals(text_bytes(&self.pattern)?),
            PatternKind::StartsWith => Pattern::StartsWith(text_bytes(&self.pattern)?),
            PatternKind::Regex => Pattern::Regex(self.pattern.clone()),
            PatternKind::Hex => Pattern::Hex(self.pattern.clone()),
        };
        let reply = if self.reply_hex {
            Reply::Bytes(parse_hex(&self.reply).map_err(AutoReplySettingError::ReplyHex)?)
        } else {
            Reply::Text(self.reply.clone())
        };
        Rule::new(pattern, reply, encoding).map_err(AutoReplySettingError::Rule)
    }
}

/// The ticked rules that compile, and the first that does not: a rule that
/// does not compile is left out (not active) and says why, while the
/// others keep working.
pub fn build_active_rules(
    settings: &[AutoReplySetting],
    encoding: Encoding,
) -> (Vec<Rule>, Option<RefusedRule>) {
    let mut rules = Vec::new();
    let mut first_error = None;
    for (index, setting) in settings.iter().enumerate().filter(|(_, s)| s.enabled) {
        match setting.to_rule(encoding) {
            Ok(rule) => rules.push(rule),
            Err(error) => {
                first_error.get_or_insert(RefusedRule {
                    number: index + 1,
                    error,
                });
            }
        }
    }
    (rules, first_error)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FramingKind {
    #[default]
    None,
    Delimiter,
    FixedLength,
    IdleGap,
}

impl FramingKind {
    pub const ALL: [FramingKind; 4] = [
        FramingKind::None,
        FramingKind::Delimiter,
        FramingKind::FixedLength,
        FramingKind::IdleGap,
    ];
}

/// 分包设置: how a TCP stream is shown as messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramingSetting {
    pub kind: FramingKind,
    /// With escapes: `\r\n`, `\x03`.
    pub delimiter: String,
    pub length: usize,
    pub gap_ms: u64,
}

impl Default for FramingSetting {
    fn default() -> Self {
        FramingSetting {
            kind: FramingKind::None,
            delimiter: "\\r\\n".to_owned(),
            length: 16,
            gap_ms: 50,
        }
    }
}

impl FramingSetting {
    /// The engine's framing, checked by the engine's one rule.
    pub fn to_framing(&self) -> Result<Framing, FramingSettingError> {
        let framing = match self.kind {
            FramingKind::None => Framing::None,
            FramingKind::Delimiter => Framing::Delimiter(
                encode_text(&self.delimiter, Encoding::Utf8, true, LineEnding::None)
                    .map_err(FramingSettingError::Delimiter)?,
            ),
            FramingKind::FixedLength => Framing::FixedLength(self.length),
            FramingKind::IdleGap => Framing::IdleGap(Duration::from_millis(self.gap_ms)),
        };
        framing.checked().map_err(FramingSettingError::Spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked_and_a_refused_one_is_named_and_left_out() {
        let rules = vec![
            AutoReplySetting {
                enabled: true,
                kind: PatternKind::Contains,
                pattern: "你好".into(),
                reply: "收到".into(),
                reply_hex: false,
            },
            AutoReplySetting {
                enabled: true,
                kind: PatternKind::Regex,
                pattern: "T=(\\d+".into(),
                reply: "$1".into(),
                reply_hex: false,
            },
        ];
        let (active, error) = build_active_rules(&rules, Encoding::Gbk);
        let error = error.unwrap();
        assert_eq!(error.number, 2);
        assert!(
            matches!(
                error.error,
                AutoReplySettingError::Rule(RuleError::BadRegex { .. })
            ),
            "{error:?}"
        );
        // The rule that compiles stays active beside the one that does not.
        assert_eq!(active.len(), 1);
        let (only_first, error) = build_active_rules(&rules[..1], Encoding::Gbk);
        assert_eq!(error, None);
        assert_eq!(only_first.len(), 1);
        let reply = crate::net::autoreply::respond(&only_first, &[0xC4, 0xE3, 0xBA, 0xC3]);
        assert_eq!(reply, Some(Ok(vec![0xCA, 0xD5, 0xB5, 0xBD])));
    }

    #[test]
    fn framing_settings_become_framings_or_sentences() {
        let mut setting = FramingSetting {
            kind: FramingKind::Delimiter,
            ..FramingSetting::default()
        };
        assert_eq!(
            setting.to_framing(),
            Ok(Framing::Delimiter(b"\r\n".to_vec()))
        );
        setting.delimiter.clear();
        assert_eq!(
            setting.to_framing(),
            Err(FramingSettingError::Spec(FramingSpecError::EmptyDelimiter))
        );
        setting.kind = FramingKind::FixedLength;
        setting.length = 0;
        assert_eq!(
            setting.to_framing(),
            Err(FramingSettingError::Spec(FramingSpecError::ZeroLength))
        );
        setting.kind = FramingKind::IdleGap;
        setting.gap_ms = 0;
        assert_eq!(
            setting.to_framing(),
            Err(FramingSettingError::Spec(FramingSpecError::ZeroGap))
        );
    }
}

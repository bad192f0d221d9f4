//! Parse rules and defaults of the TLS and WebSocket sessions that both
//! front ends present and the engine does not hold: the names of a
//! self-signed certificate, and subprotocol lists. The window's fields and
//! the CLI's flags go through these, so both refuse the same text with the
//! same sentence.

/// The names a self-signed server certificate is made for unless the
/// user gives others (the engine's), as the window's field shows them.
pub fn default_certificate_names() -> String {
    crate::net::tls::DEFAULT_SELF_SIGNED_NAMES.join(",")
}

/// Parses the names a self-signed certificate is for, as typed: host
/// names or IP addresses separated by commas or spaces; the one rule for
/// the window's field and `--self-signed`.
pub fn parse_certificate_names(text: &str) -> Result<Vec<String>, NamesError> {
    let names: Vec<String> = text
        .split([',', ' '])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Err(NamesError::Empty);
    }
    // A certificate name is a DNS name or an address: printable ASCII.
    match names
        .iter()
        .find(|name| !name.chars().all(|c| c.is_ascii_graphic()))
    {
        Some(name) => Err(NamesError::Bad(name.clone())),
        None => Ok(names),
    }
}

/// Why the names for a self-signed certificate were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamesError {
    #[error(
        "no names for the certificate: give the host names or addresses clients connect to, for example localhost,127.0.0.1"
    )]
    Empty,
    #[error(
        "'{0}' cannot be a certificate name: use host names or IP addresses such as localhost or 192.168.1.10, separated by commas"
    )]
    Bad(String),
}

/// Parses WebSocket subprotocols as typed: names separated by commas or
/// spaces (`chat, mqtt`); each must be an HTTP token (RFC 6455).
pub fn parse_subprotocol_list(text: &str) -> Result<Vec<String>, SubprotocolError> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            if name.chars().all(crate::net::ws::is_token_char) {
                Ok(name.to_owned())
            } else {
                Err(SubprotocolError(name.to_owned()))
            }
        })
        .collect()
}

/// A subprotocol name that cannot be sent in a handshake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a subprotocol name: use names such as chat or mqtt, separated by commas")]
pub struct SubprotocolError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subprotocols_are_tokens() {
        assert_eq!(
            parse_subprotocol_list("chat, v2.mqtt").unwrap(),
            vec!["chat", "v2.mqtt"]
        );
        assert_eq!(parse_subprotocol_list("").unwrap(), Vec::<String>::new());
        assert!(parse_subprotocol_list("a/b").is_err());
    }

    #[test]
    fn names_split_on_commas_and_spaces() {
        assert_eq!(
            parse_certificate_names(&default_certificate_names()).unwrap(),
            vec!["localhost", "127.0.0.1", "::1"]
        );
        assert_eq!(
            parse_certificate_names(" a.example, b ").unwrap(),
            vec!["a.example", "b"]
        );
        assert_eq!(parse_certificate_names(" , "), Err(NamesError::Empty));
        assert!(matches!(
            parse_certificate_names("例子.com"),
            Err(NamesError::Bad(_))
        ));
    }
}

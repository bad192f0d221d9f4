//! The WebSocket client's parse rules, for both front ends: the `ws://` /
//! `wss://` URL it opens and its extra request header lines.

use crate::endpoint::{AddrError, Endpoint};

/// A parsed `ws://` or `wss://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrl {
    /// `wss://`: TLS under the WebSocket.
    pub secure: bool,
    /// The host (a name, or an IP address; an IPv6 literal without its
    /// brackets) and the URL's port, or 80 (`ws`) / 443 (`wss`).
    pub endpoint: Endpoint,
    /// The path and query, starting with `/`.
    pub resource: String,
}

/// Why a WebSocket URL was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WsUrlError {
    #[error("the URL is empty: use ws://HOST:PORT/PATH, for example ws://127.0.0.1:8080/chat")]
    Empty,
    #[error(
        "'{0}' does not start with ws:// or wss://: use ws://HOST:PORT/PATH, for example ws://127.0.0.1:8080/chat"
    )]
    Scheme(String),
    #[error("'{url}' has no valid host: {source}")]
    Host { url: String, source: AddrError },
    #[error("'{0}' has a fragment (#…): a WebSocket URL cannot have one")]
    Fragment(String),
}

impl WsUrl {
    /// The URL as it is requested: `ws://host:port/resource`, with an
    /// IPv6 host in brackets.
    pub fn to_url(&self) -> String {
        let scheme = if self.secure { "wss" } else { "ws" };
        let host = &self.endpoint.host;
        let port = self.endpoint.port;
        if host.contains(':') {
            format!("{scheme}://[{host}]:{port}{}", self.resource)
        } else {
            format!("{scheme}://{host}:{port}{}", self.resource)
        }
    }
}

impl std::fmt::Display for WsUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_url())
    }
}

/// Parses `ws://HOST[:PORT][/PATH][?QUERY]` and the same with `wss://`
/// (the scheme in any case; `[v6]` literals; no user info, no fragment).
impl std::str::FromStr for WsUrl {
    type Err = WsUrlError;

    fn from_str(text: &str) -> Result<WsUrl, WsUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(WsUrlError::Empty);
        }
        let (secure, rest) = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("ws") => (false, rest),
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("wss") => (true, rest),
            _ => return Err(WsUrlError::Scheme(text.to_owned())),
        };
        if text.contains('#') {
            return Err(WsUrlError::Fragment(text.to_owned()));
        }
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, resource) = rest.split_at(authority_end);
        let resource = match resource.chars().next() {
            None => "/".to_owned(),
            Some('?') => format!("/{resource}"),
            Some(_) => resource.to_owned(),
        };
        let default_port = if secure { "443" } else { "80" };
        let host_error = |source| WsUrlError::Host {
            url: text.to_owned(),
            source,
        };
        if authority.contains('@') {
            return Err(host_error(AddrError::BadHost(authority.to_owned())));
        }
        // `[v6]:port`, `[v6]`, `host:port` or `host`.
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            match bracketed.split_once(']') {
                Some((host, "")) => (host, default_port),
                Some((host, port)) => match port.strip_prefix(':') {
                    Some(port) => (host, port),
                    None => return Err(host_error(AddrError::BadHost(authority.to_owned()))),
                },
                None => return Err(host_error(AddrError::BadHost(authority.to_owned()))),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, port),
                None => (authority, default_port),
            }
        };
        let endpoint = Endpoint::from_parts(host, port)
            .and_then(Endpoint::require_port)
            .map_err(host_error)?;
        Ok(WsUrl {
            secure,
            endpoint,
            resource,
        })
    }
}

/// A character an HTTP token may hold (RFC 7230 tchar): what a header's
/// name and a WebSocket subprotocol are made of, the one rule of both
/// front ends and the server.
pub fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Parses extra request headers, one `Name: value` a line (blank lines
/// skipped): the one rule for the window's box and `--header`.
/// A header's name is a token ([`is_token_char`]).
pub fn parse_header_lines(text: &str) -> Result<Vec<(String, String)>, HeaderError> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| HeaderError(line.trim().to_owned()))?;
            let name = name.trim();
            if name.is_empty() || !name.chars().all(is_token_char) {
                return Err(HeaderError(line.trim().to_owned()));
            }
            Ok((name.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// A request header line that is not `Name: value`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a header: write one 'Name: value' a line, for example 'Authorization: Bearer abc'"
)]
pub struct HeaderError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> WsUrl {
        text.parse().unwrap()
    }

    #[test]
    fn urls_give_their_host_port_and_resource() {
        let plain = url("ws://127.0.0.1:8080/chat?room=1");
        assert!(!plain.secure);
        assert_eq!(
            plain.endpoint,
            Endpoint::from_parts("127.0.0.1", "8080").unwrap()
        );
        assert_eq!(plain.resource, "/chat?room=1");
        let secure = url("WSS://example.com");
        assert!(secure.secure);
        assert_eq!(secure.endpoint.port, 443);
        assert_eq!(secure.resource, "/");
        let v6 = url("ws://[::1]:9000?x=1");
        assert_eq!(v6.endpoint.host, "::1");
        assert_eq!(v6.resource, "/?x=1");
        assert_eq!(v6.to_url(), "ws://[::1]:9000/?x=1");
        assert_eq!(url("ws://[::1]/").endpoint.port, 80);
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        assert_eq!("".parse::<WsUrl>(), Err(WsUrlError::Empty));
        assert!(matches!(
            "http://a/".parse::<WsUrl>(),
            Err(WsUrlError::Scheme(_))
        ));
        assert!(matches!(
            "127.0.0.1:80".parse::<WsUrl>(),
            Err(WsUrlError::Scheme(_))
        ));
        assert!(matches!(
            "ws://a/#x".parse::<WsUrl>(),
            Err(WsUrlError::Fragment(_))
        ));
        assert!(matches!(
            "ws://a:99999/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws://a:0/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws:///x".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws://u@h/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
        assert!(matches!(
            "ws://[::1/".parse::<WsUrl>(),
            Err(WsUrlError::Host { .. })
        ));
    }

    #[test]
    fn header_lines_are_name_colon_value() {
        assert_eq!(
            parse_header_lines("Authorization: Bearer a:b\n\nX-Id:7").unwrap(),
            vec![
                ("Authorization".to_owned(), "Bearer a:b".to_owned()),
                ("X-Id".to_owned(), "7".to_owned())
            ]
        );
        assert!(parse_header_lines("no colon").is_err());
        assert!(parse_header_lines("bad name: x").is_err());
    }
}

//! Addresses as the user types them: `IP:PORT`, `[v6]:PORT`, `host:PORT`,
//! or a host and a port in two fields. Parsing never touches the network;
//! resolving a host name happens on the session's own thread.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

/// A host (IP literal or name) and a port, not yet resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

/// Why an address or port was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    #[error("the address is empty: use IP:PORT, for example 192.168.1.8:8080")]
    Empty,
    #[error("'{0}' has no port: use IP:PORT, for example 192.168.1.8:8080")]
    MissingPort(String),
    #[error("port '{0}' is not a number from 0 to 65535")]
    BadPort(String),
    #[error(
        "port 0 means 'any free port' and cannot be a destination: give the peer's port (1 to 65535)"
    )]
    ZeroRemotePort,
    #[error(
        "'{0}' is not a valid host: use an IP address such as 192.168.1.8 or ::1, or a host name"
    )]
    BadHost(String),
    #[error(
        "'{0}' is not a local IP address: use 0.0.0.0 (all IPv4), :: (all IPv6 and IPv4), 127.0.0.1 or one of this machine's addresses"
    )]
    NotAnIp(String),
    #[error("could not find the address of '{host}': {reason}")]
    Unresolved { host: String, reason: String },
}

impl Endpoint {
    /// Parses `IP:PORT`, `[IPv6]:PORT` or `host:PORT`.
    pub fn parse(text: &str) -> Result<Endpoint, AddrError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AddrError::Empty);
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(Endpoint::from(addr));
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| AddrError::BadHost(text.to_owned()))?;
            let port = after
                .strip_prefix(':')
                .ok_or_else(|| AddrError::MissingPort(text.to_owned()))?;
            (host, port)
        } else {
            match text.rsplit_once(':') {
                // A bare IPv6 address has colons but no port.
                Some((host, _)) if host.contains(':') => {
                    return Err(AddrError::MissingPort(text.to_owned()));
                }
                Some((host, port)) => (host, port),
                None => return Err(AddrError::MissingPort(text.to_owned())),
            }
        };
        Endpoint::from_parts(host, port)
    }

    /// Builds an endpoint from a host field and a port field.
    pub fn from_parts(host: &str, port: &str) -> Result<Endpoint, AddrError> {
        let host = host.trim().trim_start_matches('[').trim_end_matches(']');
        let port = parse_port(port)?;
        if host.is_empty() {
            return Err(AddrError::BadHost(String::new()));
        }
        if host.parse::<IpAddr>().is_err() && !is_host_name(host) {
            return Err(AddrError::BadHost(host.to_owned()));
        }
        Ok(Endpoint {
            host: host.to_owned(),
            port,
        })
    }

    /// Refuses port 0, which cannot be a destination.
    pub fn require_port(self) -> Result<Endpoint, AddrError> {
        if self.port == 0 {
            Err(AddrError::ZeroRemotePort)
        } else {
            Ok(self)
        }
    }

    /// A local address to bind: an IP literal, `localhost`, `*` or empty
    /// (all interfaces), never a name that would need DNS.
    pub fn to_local(&self) -> Result<SocketAddr, AddrError> {
        let ip = match self.host.as_str() {
            "*" | "" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
            host => host
                .parse::<IpAddr>()
                .map_err(|_| AddrError::NotAnIp(host.to_owned()))?,
        };
        Ok(SocketAddr::new(ip, self.port))
    }

    /// Resolves to socket addresses. IP literals need no lookup; `localhost`
    /// gives both loopbacks (IPv6 first, as modern systems answer), so a
    /// client finds a server on either; other names ask the system resolver,
    /// which may block: call this only on a session thread.
    pub fn resolve(&self) -> Result<Vec<SocketAddr>, AddrError> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        if self.host.eq_ignore_ascii_case("localhost") {
            return Ok(vec![
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.port),
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.port),
            ]);
        }
        let found: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| AddrError::Unresolved {
                host: self.host.clone(),
                reason: e.to_string(),
            })?
            .collect();
        if found.is_empty() {
            return Err(AddrError::Unresolved {
                host: self.host.clone(),
                reason: "the name has no address".to_owned(),
            });
        }
        Ok(found)
    }

    /// Resolves and picks the address of the family a bound socket can
    /// reach (an IPv4 socket cannot send to ::1).
    pub fn resolve_for(&self, local: SocketAddr) -> Result<SocketAddr, AddrError> {
        let found = self.resolve()?;
        let dual_stack = local.is_ipv6() && local.ip().is_unspecified();
        found
            .iter()
            .find(|a| a.is_ipv4() == local.is_ipv4() || dual_stack)
            .or(found.first())
            .copied()
            .ok_or_else(|| AddrError::Unresolved {
                host: self.host.clone(),
                reason: "the name has no address".to_owned(),
            })
    }
}

/// Parses a port field: a whole number from 0 to 65535, digits only (Rust's
/// own parser would also take `+5`, which no one means as a port).
pub fn parse_port(text: &str) -> Result<u16, AddrError> {
    let text = text.trim();
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits_only
        .then(|| text.parse::<u16>().ok())
        .flatten()
        .ok_or_else(|| AddrError::BadPort(text.to_owned()))
}

fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
        })
        && !host.chars().all(|c| c.is_ascii_digit() || c == '.')
}

impl From<SocketAddr> for Endpoint {
    fn from(addr: SocketAddr) -> Self {
        Endpoint {
            host: addr.ip().to_string(),
            port: addr.port(),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Parses `IP:PORT`, `[IPv6]:PORT` or `host:PORT`, as [`Endpoint::parse`].
impl std::str::FromStr for Endpoint {
    type Err = AddrError;

    fn from_str(text: &str) -> Result<Endpoint, AddrError> {
        Endpoint::parse(text)
    }
}

impl Endpoint {
    /// A local address typed in one field (`--local`, and the window's
    /// `--local` preset): `IP:PORT`, or a bare port (`8080`) for every IPv4
    /// interface, as the tutorials' `bind(("", 8080))` does. The host must
    /// be an address this machine can bind (see [`Endpoint::to_local`]).
    pub fn parse_local(text: &str) -> Result<Endpoint, AddrError> {
        let text = text.trim();
        let endpoint = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            Endpoint::from_parts(&Ipv4Addr::UNSPECIFIED.to_string(), text)?
        } else {
            Endpoint::parse(text)?
        };
        endpoint.to_local()?;
        Ok(endpoint)
    }

    /// A destination typed in one field, where a protocol has a well-known
    /// port (TFTP: 69) that the user may leave out. Port 0 is refused.
    pub fn parse_remote_or_port(text: &str, default_port: u16) -> Result<Endpoint, AddrError> {
        match Endpoint::parse(text) {
            Err(AddrError::MissingPort(_)) => Endpoint::from_parts(text, &default_port.to_string()),
            parsed => parsed,
        }
        .and_then(Endpoint::require_port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_users_type() {
        assert_eq!(Endpoint::parse("127.0.0.1:8080").unwrap().port, 8080);
        let v6 = Endpoint::parse("[::1]:7").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 7));
        let name = Endpoint::parse("localhost:69").unwrap();
        assert_eq!((name.host.as_str(), name.port), ("localhost", 69));
        assert_eq!(Endpoint::parse(" 10.0.0.1:0 ").unwrap().port, 0);
    }

    #[test]
    fn refuses_bad_addresses_with_a_reason() {
        assert_eq!(Endpoint::parse(""), Err(AddrError::Empty));
        assert!(matches!(
            Endpoint::parse("127.0.0.1"),
            Err(AddrError::MissingPort(_))
        ));
        assert!(matches!(
            Endpoint::parse("::1"),
            Err(AddrError::MissingPort(_))
        ));
        assert_eq!(
            Endpoint::parse("127.0.0.1:65536"),
            Err(AddrError::BadPort("65536".into()))
        );
        assert_eq!(
            Endpoint::parse("1.2.3.4:-1"),
            Err(AddrError::BadPort("-1".into()))
        );
        assert_eq!(
            Endpoint::parse("1.2.3.4:ab"),
            Err(AddrError::BadPort("ab".into()))
        );
        assert!(matches!(
            Endpoint::parse("999.1.1.1:80"),
            Err(AddrError::BadHost(_))
        ));
        assert!(matches!(
            Endpoint::parse("a b:80"),
            Err(AddrError::BadHost(_))
        ));
        assert_eq!(
            Endpoint::parse("1.2.3.4:0").unwrap().require_port(),
            Err(AddrError::ZeroRemotePort)
        );
    }

    #[test]
    fn a_port_with_a_sign_is_refused() {
        assert_eq!(parse_port("+5"), Err(AddrError::BadPort("+5".into())));
        assert_eq!(parse_port(" 5 "), Ok(5));
        assert_eq!(
            Endpoint::parse("127.0.0.1:+5"),
            Err(AddrError::BadPort("+5".into()))
        );
        assert_eq!(
            Endpoint::parse("[::1]:+5"),
            Err(AddrError::BadPort("+5".into()))
        );
        assert_eq!(
            Endpoint::parse("localhost:+5"),
            Err(AddrError::BadPort("+5".into()))
        );
    }

    #[test]
    fn local_addresses_must_be_ips() {
        let any = Endpoint::from_parts("0.0.0.0", "0")
            .unwrap()
            .to_local()
            .unwrap();
        assert!(any.ip().is_unspecified());
        assert!(matches!(
            Endpoint::from_parts("example.com", "1").unwrap().to_local(),
            Err(AddrError::NotAnIp(_))
        ));
    }

    #[test]
    fn localhost_resolves_to_both_loopbacks() {
        let both = Endpoint::parse("localhost:5").unwrap().resolve().unwrap();
        assert_eq!(both.len(), 2);
        let v4: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let picked = Endpoint::parse("localhost:5")
            .unwrap()
            .resolve_for(v4)
            .unwrap();
        assert_eq!(picked, "127.0.0.1:5".parse().unwrap());
    }

    #[test]
    fn display_brackets_ipv6() {
        assert_eq!(Endpoint::parse("[::1]:9").unwrap().to_string(), "[::1]:9");
    }
}

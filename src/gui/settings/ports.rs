//! Which address a tab starts on: each protocol's default address fields,
//! and a new tab's local port stepped past the ports the window's other
//! tabs listen on.

use super::{AddrFields, Settings};
use crate::gui::i18n::Lang;
use crate::net::Protocol;
use crate::tftp;

impl AddrFields {
    /// The fields a protocol shows before the user types any: the window's
    /// default ports (the CLI asks for `--local` or `--remote` instead).
    pub(super) fn defaults(protocol: Protocol) -> AddrFields {
        let (local_port, remote_port) = match protocol {
            // The remote is not the session's own address: a first send
            // to 8080 from 8080 on 127.0.0.1 would come straight back and
            // look like a peer's answer. The next port is where a second
            // window (or a peer) on the same machine usually listens.
            Protocol::Udp => (8080, 8081),
            Protocol::TcpClient => (0, 8080),
            Protocol::TcpServer => (8080, 8080),
            Protocol::TlsClient => (0, 443),
            Protocol::TlsServer => (8443, 8443),
            Protocol::WsClient => (0, 8080),
            Protocol::WsServer => (8080, 8080),
            // The engine's one TFTP default for both front ends.
            Protocol::TftpServer => (tftp::DEFAULT_SERVER_ADDR.port(), tftp::PORT),
            Protocol::TftpClient => (tftp::PORT, tftp::PORT),
        };
        AddrFields {
            local_host: match protocol {
                Protocol::TftpServer => tftp::DEFAULT_SERVER_ADDR.ip().to_string(),
                _ => "0.0.0.0".to_owned(),
            },
            local_port: local_port.to_string(),
            remote_host: "127.0.0.1".to_owned(),
            remote_port: remote_port.to_string(),
        }
    }
}

/// The local port a tab of `protocol` starts on when other tabs of the
/// window listen on `taken`: the protocol's default, or the next port
/// above it no other tab uses (8080 → 8081 …), so that a new tab opens
/// instead of failing with "already in use" against this very window. A
/// TFTP server keeps 69, the port every TFTP client asks first; a TCP
/// client's 0 means "any" and is never taken.
pub fn default_local_port(protocol: Protocol, taken: &[u16]) -> String {
    let default = AddrFields::defaults(protocol).local_port;
    let Ok(mut port) = default.parse::<u16>() else {
        return default;
    };
    if port == 0 || protocol.is_tftp() {
        return default;
    }
    while taken.contains(&port) {
        match port.checked_add(1) {
            Some(next) => port = next,
            None => return default,
        }
    }
    port.to_string()
}

impl Settings {
    /// A new tab: the defaults of `protocol` (no auto-reply rules, no
    /// history) and the encoding of a first start, in the window's
    /// language and theme, and the next local port no other tab uses (see
    /// [`default_local_port`]).
    pub fn for_new_tab(protocol: Protocol, lang: Lang, dark_mode: bool, taken: &[u16]) -> Settings {
        let mut settings = Settings {
            dark_mode,
            protocol,
            ..Settings::first_start(lang)
        };
        settings.step_past_taken_port(taken);
        settings
    }

    /// After a change of protocol (or for a new tab): a local port that
    /// still holds the protocol's default moves to the next one no other
    /// tab uses; a port the user typed is left alone.
    pub fn step_past_taken_port(&mut self, taken: &[u16]) {
        let protocol = self.protocol;
        let defaults = AddrFields::defaults(protocol);
        let fields = self.addr_mut();
        if fields.local_port.trim() == defaults.local_port {
            fields.local_port = default_local_port(protocol, taken);
            // A UDP tab moved onto the port its default remote names would
            // send to itself; it sends to the first tab's port instead, so
            // two UDP tabs opened one after the other talk to each other.
            if protocol == Protocol::Udp
                && fields.remote_port.trim() == defaults.remote_port
                && fields.local_port == defaults.remote_port
            {
                fields.remote_port = defaults.local_port;
            }
        }
    }

    /// The local port this tab listens on, if it listens on a fixed one.
    pub fn listening_port(&self) -> Option<u16> {
        if !self.protocol.listens() {
            return None;
        }
        self.addr()
            .local_port
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_udp_tab_does_not_send_to_itself_but_to_the_first() {
        let first = Settings::for_new_tab(Protocol::Udp, Lang::En, false, &[]);
        assert_eq!(first.addr().local_port, "8080");
        assert_eq!(first.addr().remote_port, "8081");
        let second = Settings::for_new_tab(Protocol::Udp, Lang::En, false, &[8080]);
        assert_eq!(second.addr().local_port, "8081");
        assert_eq!(second.addr().remote_port, "8080");
        let third = Settings::for_new_tab(Protocol::Udp, Lang::En, false, &[8080, 8081]);
        assert_eq!(third.addr().local_port, "8082");
        assert_eq!(third.addr().remote_port, "8081");
    }

    #[test]
    fn a_new_tab_port_steps_past_other_tabs_and_tftp_keeps_69() {
        assert_eq!(default_local_port(Protocol::TcpServer, &[]), "8080");
        assert_eq!(
            default_local_port(Protocol::TcpServer, &[8080, 8081, 9000]),
            "8082"
        );
        assert_eq!(default_local_port(Protocol::Udp, &[8081]), "8080");
        assert_eq!(default_local_port(Protocol::TftpServer, &[69]), "69");
        assert_eq!(default_local_port(Protocol::TcpClient, &[0, 8080]), "0");
        let settings = Settings::for_new_tab(Protocol::TcpServer, Lang::Zh, true, &[8080]);
        assert_eq!(settings.addr().local_port, "8081");
        assert_eq!((settings.lang, settings.dark_mode), (Lang::Zh, true));
        assert!(settings.tools.auto_replies.is_empty());
    }
}

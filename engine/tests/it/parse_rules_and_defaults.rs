//! The engine's parse rules and defaults, which both front ends use as
//! they are: every `FromStr` with good and bad input and the sentence a
//! user is shown, and the constructors that carry the default policy.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use netassist_engine::net::{
    self, AddrError, Endpoint, GroupError, InterfaceRef, MulticastJoin, Protocol, TcpClientConfig,
    UdpConfig,
};
use netassist_engine::text::{Checksum, Encoding, LineEnding, UnknownChoice};
use netassist_engine::tftp::{self, ClientOptions, Mode, ServerConfig};

#[test]
fn encodings_parse_by_label_and_alias_or_list_the_labels() {
    assert_eq!("GBK".parse::<Encoding>(), Ok(Encoding::Gbk));
    assert_eq!(" gb2312 ".parse::<Encoding>(), Ok(Encoding::Gbk));
    assert_eq!("utf8".parse::<Encoding>(), Ok(Encoding::Utf8));
    assert_eq!("shift_jis".parse::<Encoding>(), Ok(Encoding::ShiftJis));
    for encoding in Encoding::ALL {
        assert_eq!(encoding.label().parse::<Encoding>(), Ok(encoding));
    }
    let refused = "klingon".parse::<Encoding>().unwrap_err();
    assert_eq!(
        refused.to_string(),
        "'klingon' is not an encoding this program knows: use UTF-8, GBK (or GB2312), GB18030, Big5, Shift_JIS, EUC-KR, UTF-16LE, UTF-16BE or Windows-1252"
    );
    assert_eq!(
        "".parse::<Encoding>().unwrap_err().to_string(),
        "'' is not an encoding this program knows: use UTF-8, GBK (or GB2312), GB18030, Big5, Shift_JIS, EUC-KR, UTF-16LE, UTF-16BE or Windows-1252"
    );
}

#[test]
fn line_endings_parse_by_their_command_line_names() {
    assert_eq!("none".parse::<LineEnding>(), Ok(LineEnding::None));
    assert_eq!("LF".parse::<LineEnding>(), Ok(LineEnding::Lf));
    assert_eq!("crlf".parse::<LineEnding>(), Ok(LineEnding::CrLf));
    for ending in LineEnding::ALL {
        assert_eq!(ending.cli_name().parse::<LineEnding>(), Ok(ending));
    }
    assert_eq!(
        "\\r\\n".parse::<LineEnding>().unwrap_err().to_string(),
        "'\\r\\n' is not a line ending: use none, lf or crlf"
    );
}

#[test]
fn checksums_parse_loosely_or_list_the_names() {
    assert_eq!("crc16modbus".parse::<Checksum>(), Ok(Checksum::Crc16Modbus));
    assert_eq!("CRC-32".parse::<Checksum>(), Ok(Checksum::Crc32));
    for checksum in Checksum::ALL {
        assert_eq!(checksum.label().parse::<Checksum>(), Ok(checksum));
    }
    assert_eq!(
        "md5".parse::<Checksum>().unwrap_err().to_string(),
        "'md5' is not a checksum this program knows: use SUM8, XOR8, CRC-16/MODBUS, CRC-16/CCITT or CRC-32"
    );
}

#[test]
fn tftp_modes_parse_by_their_wire_names() {
    assert_eq!("octet".parse::<Mode>(), Ok(Mode::Octet));
    assert_eq!("NetASCII".parse::<Mode>(), Ok(Mode::Netascii));
    assert_eq!(
        "binary".parse::<Mode>().unwrap_err(),
        UnknownChoice {
            given: "binary".into(),
            what: "a TFTP mode",
            choices: "octet or netascii",
        }
    );
    assert_eq!(
        "mail".parse::<Mode>().unwrap_err().to_string(),
        "'mail' is not a TFTP mode: use octet or netascii"
    );
}

#[test]
fn protocols_parse_by_their_mode_names() {
    for protocol in Protocol::ALL {
        assert_eq!(protocol.cli_name().parse::<Protocol>(), Ok(protocol));
    }
    assert_eq!(
        "tcp".parse::<Protocol>().unwrap_err().to_string(),
        "'tcp' is not a mode: use udp, tcp-client, tcp-server, tftp-server, tftp-client, tls-client, tls-server, ws-client or ws-server"
    );
}

#[test]
fn endpoints_parse_with_the_sentence_for_what_is_missing() {
    assert_eq!(
        "192.168.1.8:8080".parse::<Endpoint>(),
        Ok(Endpoint {
            host: "192.168.1.8".into(),
            port: 8080
        })
    );
    assert_eq!(
        "[::1]:69".parse::<Endpoint>().map(|e| e.host),
        Ok("::1".to_owned())
    );
    assert_eq!("example.com:7".parse::<Endpoint>().map(|e| e.port), Ok(7));
    let missing = "192.168.1.8".parse::<Endpoint>().unwrap_err();
    assert_eq!(missing, AddrError::MissingPort("192.168.1.8".into()));
    assert_eq!(
        missing.to_string(),
        "'192.168.1.8' has no port: use IP:PORT, for example 192.168.1.8:8080"
    );
    assert_eq!(
        "1.2.3.4:+5".parse::<Endpoint>().unwrap_err().to_string(),
        "port '+5' is not a number from 0 to 65535"
    );
}

#[test]
fn a_local_address_may_be_a_bare_port_and_must_be_an_ip() {
    let every_ipv4 = Endpoint::parse_local("8080").unwrap();
    assert_eq!(
        every_ipv4.to_local(),
        Ok("0.0.0.0:8080".parse::<SocketAddr>().unwrap())
    );
    assert_eq!(
        Endpoint::parse_local("[::]:0").unwrap().to_local(),
        Ok("[::]:0".parse::<SocketAddr>().unwrap())
    );
    assert_eq!(
        Endpoint::parse_local("example.com:80")
            .unwrap_err()
            .to_string(),
        "'example.com' is not a local IP address: use 0.0.0.0 (all IPv4), :: (all IPv6 and IPv4), 127.0.0.1 or one of this machine's addresses"
    );
    assert_eq!(
        Endpoint::parse_local("99999").unwrap_err(),
        AddrError::BadPort("99999".into())
    );
}

#[test]
fn a_remote_may_leave_out_a_well_known_port_but_never_be_port_0() {
    assert_eq!(
        Endpoint::parse_remote_or_port("10.0.0.2", tftp::PORT).map(|e| e.port),
        Ok(69)
    );
    assert_eq!(
        Endpoint::parse_remote_or_port("::1", tftp::PORT).map(|e| e.host),
        Ok("::1".to_owned())
    );
    assert_eq!(
        Endpoint::parse_remote_or_port("10.0.0.2:6969", tftp::PORT).map(|e| e.port),
        Ok(6969)
    );
    assert_eq!(
        Endpoint::parse_remote_or_port("10.0.0.2:0", tftp::PORT),
        Err(AddrError::ZeroRemotePort)
    );
}

#[test]
fn multicast_groups_parse_one_by_one_or_as_a_list() {
    assert_eq!(
        net::parse_group(" 239.255.0.1 "),
        Ok("239.255.0.1".parse::<IpAddr>().unwrap())
    );
    assert_eq!(
        net::parse_group("ff02::1"),
        Ok("ff02::1".parse::<IpAddr>().unwrap())
    );
    assert_eq!(
        net::parse_group("10.0.0.1").unwrap_err().to_string(),
        "'10.0.0.1' is not a multicast group: use 224.0.0.0–239.255.255.255 or ff00::/8"
    );
    assert_eq!(
        net::parse_group("all").unwrap_err(),
        GroupError::NotAGroup("all".into())
    );

    let groups = MulticastJoin::parse_list("239.255.0.1, ff02::1;239.1.1.1", "").unwrap();
    assert_eq!(groups.len(), 3);
    assert!(groups.iter().all(|join| join.interface.is_none()));
    assert!(MulticastJoin::parse_list(" , ", "").unwrap().is_empty());
    let on_loopback = MulticastJoin::parse_list("239.255.0.1", "127.0.0.1").unwrap();
    assert_eq!(
        on_loopback[0].interface,
        Some(InterfaceRef::Addr("127.0.0.1".parse().unwrap()))
    );
    assert_eq!(
        MulticastJoin::parse_list("239.255.0.1", "eth0")
            .unwrap_err()
            .to_string(),
        "'eth0' is not an interface address: pick one of this machine's addresses, or leave it empty"
    );
    assert_eq!(
        MulticastJoin::parse_list("239.255.0.1 10.0.0.1", ""),
        Err(GroupError::NotAGroup("10.0.0.1".into()))
    );
}

#[test]
fn the_constructors_carry_the_one_default_policy() {
    let local: SocketAddr = "0.0.0.0:8080".parse().unwrap();
    let udp = UdpConfig::new(local);
    assert_eq!(udp.multicast_ttl, Some(net::DEFAULT_MULTICAST_TTL));
    assert!(udp.remote.is_none() && udp.multicast.is_empty() && udp.multicast_loop);
    assert!(!udp.broadcast && !udp.reply_to_last_sender);

    let client = TcpClientConfig::new(Endpoint::parse("127.0.0.1:8080").unwrap());
    assert_eq!(client.connect_timeout, net::DEFAULT_CONNECT_TIMEOUT);
    assert_eq!(client.connect_timeout, Duration::from_secs(5));
    assert!(net::CONNECT_TIMEOUT_SECS.contains(&client.connect_timeout.as_secs_f64()));
    assert!(client.local.is_none());

    // Uploads are never on by default: only a user's choice turns them on.
    let server = ServerConfig::read_only(tftp::DEFAULT_SERVER_ADDR, PathBuf::from("served"));
    assert!(!server.allow_write && !server.allow_overwrite);
    assert_eq!(server.local, "0.0.0.0:69".parse::<SocketAddr>().unwrap());
    assert_eq!(server.max_transfers, tftp::limits::DEFAULT_MAX_TRANSFERS);
    assert_eq!(
        server.max_transfers_per_address,
        tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS
    );

    let options = ClientOptions::default();
    assert_eq!(options.blksize, Some(tftp::DEFAULT_CLIENT_BLKSIZE));
    assert_eq!(options.windowsize, Some(tftp::DEFAULT_CLIENT_WINDOWSIZE));
    assert!(tftp::CLIENT_BLKSIZE.contains(&tftp::DEFAULT_CLIENT_BLKSIZE));
    assert_eq!(
        (*tftp::CLIENT_BLKSIZE.start(), *tftp::CLIENT_BLKSIZE.end()),
        (8, 65464),
        "RFC 2348's block sizes, the ones the server side negotiates"
    );
    assert_eq!(
        u32::from(*tftp::CLIENT_BLKSIZE.end()),
        tftp::options::MAX_BLKSIZE
    );
}

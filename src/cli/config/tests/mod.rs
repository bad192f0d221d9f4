//! Each bad input gives its own sentence; good input gives the config the
//! engine expects.

use clap::Parser;

use super::*;
use crate::net::Endpoint;
use crate::tftp::{self, ClientOp};

fn parse(flags: &[&str]) -> Args {
    let mut argv = vec!["netassist", "--headless"];
    argv.extend_from_slice(flags);
    Args::try_parse_from(argv).expect("clap accepts these flags")
}

mod secure;

fn refusal(flags: &[&str]) -> String {
    match validate(&parse(flags)) {
        Ok(plan) => panic!("{flags:?} was accepted: {:?}", plan.session),
        Err(e) => e.to_string(),
    }
}

#[test]
fn mode_is_required() {
    assert_eq!(
        refusal(&["--local", "127.0.0.1:0"]),
        "--headless needs --mode: udp, tcp-client, tcp-server, tftp-server, tftp-client, tls-client, tls-server, ws-client or ws-server"
    );
}

#[test]
fn bad_ports_are_refused_with_the_flag_and_the_port() {
    assert_eq!(
        refusal(&["--mode", "udp", "--local", "127.0.0.1:65536"]),
        "--local: port '65536' is not a number from 0 to 65535"
    );
    assert_eq!(
        refusal(&["--mode", "tcp-client", "--remote", "127.0.0.1:abc"]),
        "--remote: port 'abc' is not a number from 0 to 65535"
    );
    assert_eq!(
        refusal(&["--mode", "tcp-server", "--local", "70000"]),
        "--local: port '70000' is not a number from 0 to 65535"
    );
    assert!(
        refusal(&["--mode", "tcp-client", "--remote", "127.0.0.1:0"])
            .starts_with("--remote: port 0 means")
    );
}

#[test]
fn bad_addresses_are_refused() {
    assert!(refusal(&["--mode", "udp", "--local", "127.0.0.1"]).contains("has no port"));
    assert!(
        refusal(&["--mode", "udp", "--local", "localhostx:5"])
            .contains("is not a local IP address")
    );
    assert!(
        refusal(&["--mode", "tcp-client", "--remote", "999.1.1.1:80"])
            .contains("is not a valid host")
    );
}

#[test]
fn missing_addresses_are_named() {
    assert_eq!(
        refusal(&["--mode", "tcp-client"]),
        "tcp-client needs --remote ADDR, the address to connect to, for example --remote 127.0.0.1:8080"
    );
    assert!(refusal(&["--mode", "tcp-server"]).starts_with("tcp-server needs --local ADDR"));
    assert_eq!(
        refusal(&["--mode", "udp", "--send", "hi"]),
        "--send needs --remote in udp mode: there is nobody to send to before a peer has sent first"
    );
}

#[test]
fn unknown_encodings_name_the_flag() {
    let sentence = refusal(&["--mode", "udp", "--encoding", "klingon"]);
    assert!(
        sentence.starts_with("--encoding 'klingon' is not an encoding this program knows"),
        "{sentence}"
    );
    let sentence = refusal(&[
        "--mode",
        "udp",
        "--encoding",
        "gbk",
        "--tx-encoding",
        "nope",
    ]);
    assert!(sentence.starts_with("--tx-encoding 'nope'"), "{sentence}");
}

#[test]
fn odd_hex_in_send_is_refused() {
    assert_eq!(
        refusal(&[
            "--mode",
            "udp",
            "--remote",
            "127.0.0.1:9",
            "--hex",
            "--send",
            "41 4"
        ]),
        "--send '41 4' is not valid HEX: the HEX digit at position 4 has no partner: write bytes as two digits (0A, not A)"
    );
    assert!(
        refusal(&[
            "--mode",
            "udp",
            "--remote",
            "127.0.0.1:9",
            "--hex",
            "--send",
            "zz"
        ])
        .contains("'z' at position 1 is not a HEX digit")
    );
}

#[test]
fn bad_escapes_and_unencodable_text_are_refused() {
    assert!(
        refusal(&[
            "--mode",
            "udp",
            "--remote",
            "127.0.0.1:9",
            "--escapes",
            "--send",
            "a\\q"
        ])
        .contains("is not an escape")
    );
    assert!(
        refusal(&[
            "--mode",
            "udp",
            "--remote",
            "127.0.0.1:9",
            "--encoding",
            "gbk",
            "--send",
            "😀"
        ])
        .contains("cannot be written in GBK")
    );
}

#[test]
fn numbers_out_of_range_are_refused() {
    assert!(
        refusal(&["--mode", "udp", "--exit-after=-1"])
            .starts_with("--exit-after '-1' is not valid")
    );
    assert!(
        refusal(&["--mode", "udp", "--exit-after", "NaN"])
            .starts_with("--exit-after 'NaN' is not valid")
    );
    assert!(
        refusal(&["--mode", "tcp-server", "--local", "0", "--max-clients", "0"])
            .starts_with("--max-clients '0'")
    );
    assert!(
        refusal(&[
            "--mode",
            "tcp-client",
            "--remote",
            "127.0.0.1:1",
            "--connect-timeout",
            "0"
        ])
        .starts_with("--connect-timeout '0'")
    );
}

#[test]
fn flags_of_another_mode_are_refused() {
    assert_eq!(
        refusal(&[
            "--mode",
            "tcp-server",
            "--local",
            "0",
            "--remote",
            "127.0.0.1:1"
        ]),
        "--remote does not apply to --mode tcp-server"
    );
    assert_eq!(
        refusal(&["--mode", "udp", "--root", "."]),
        "--root does not apply to --mode udp"
    );
}

#[test]
fn tftp_server_needs_a_real_folder() {
    assert_eq!(
        refusal(&["--mode", "tftp-server"]),
        "tftp-server needs --root DIR, the folder to serve"
    );
    assert_eq!(
        refusal(&["--mode", "tftp-server", "--root", "/no/such/folder/here"]),
        "--root '/no/such/folder/here' does not exist"
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    let sentence = refusal(&[
        "--mode",
        "tftp-server",
        "--root",
        file.path().to_str().unwrap(),
    ]);
    assert!(sentence.ends_with("is not a folder"), "{sentence}");
}

#[test]
fn tftp_client_needs_an_operation_and_sane_options() {
    assert_eq!(
        refusal(&["--mode", "tftp-client", "--remote", "127.0.0.1"]),
        "tftp-client needs --get NAME (download) or --put FILE (upload)"
    );
    assert!(
        refusal(&["--mode", "tftp-client", "--get", "a"]).starts_with("tftp-client needs --remote")
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tftp-client",
            "--remote",
            "127.0.0.1",
            "--get",
            "a",
            "--blksize",
            "7"
        ]),
        "--blksize '7' is not valid: it must be from 8 to 65464"
    );
    assert!(
        refusal(&[
            "--mode",
            "tftp-client",
            "--remote",
            "::1",
            "--put",
            "/no/such/file"
        ])
        .starts_with("--put '/no/such/file' does not exist")
    );
}

#[test]
fn a_good_udp_line_becomes_its_config() {
    let plan = validate(&parse(&[
        "--mode",
        "udp",
        "--local",
        "127.0.0.1:0",
        "--remote",
        "[::1]:9",
        "--encoding",
        "gb2312",
        "--send",
        "你好",
        "--line-ending",
        "crlf",
    ]))
    .unwrap();
    let SessionConfig::Udp(udp) = plan.session else {
        panic!("not udp")
    };
    assert_eq!(udp.local, "127.0.0.1:0".parse().unwrap());
    assert_eq!(udp.remote, Some(Endpoint::parse("[::1]:9").unwrap()));
    assert_eq!(
        plan.initial_sends,
        vec![vec![0xC4, 0xE3, 0xBA, 0xC3, b'\r', b'\n']]
    );
    assert_eq!(plan.rx_render.encoding, Encoding::Gbk);
    assert!(plan.read_stdin && plan.timestamps);
}

#[test]
fn udp_binds_ipv6_for_an_ipv6_remote() {
    let plan = validate(&parse(&["--mode", "udp", "--remote", "[::1]:9"])).unwrap();
    let SessionConfig::Udp(udp) = plan.session else {
        panic!("not udp")
    };
    assert!(udp.local.is_ipv6());
}

#[test]
fn a_bare_port_listens_on_all_ipv4_interfaces() {
    let plan = validate(&parse(&[
        "--mode",
        "tcp-server",
        "--local",
        "8080",
        "--stay",
    ]))
    .unwrap();
    let SessionConfig::TcpServer(server) = plan.session else {
        panic!("not a server")
    };
    assert_eq!(server.local, "0.0.0.0:8080".parse().unwrap());
    assert!(!plan.read_stdin);
}

#[test]
fn tftp_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let plan = validate(&parse(&["--mode", "tftp-server", "--root", root])).unwrap();
    let SessionConfig::TftpServer(server) = plan.session else {
        panic!("not tftp")
    };
    assert_eq!(server.local, "0.0.0.0:69".parse().unwrap());
    assert!(!server.allow_write && !server.allow_overwrite);

    let plan = validate(&parse(&[
        "--mode",
        "tftp-client",
        "--remote",
        "::1",
        "--get",
        "f.bin",
        "--dir",
        root,
    ]))
    .unwrap();
    let SessionConfig::TftpClient(client) = plan.session else {
        panic!("not tftp")
    };
    assert_eq!(client.remote, Endpoint::parse("[::1]:69").unwrap());
    assert!(matches!(client.op, ClientOp::Get { ref remote_name, .. } if remote_name == "f.bin"));
    assert!(!plan.read_stdin);
}

#[test]
fn tcp_server_idle_timeout_and_per_address_limit_are_off_unless_given() {
    let plan = validate(&parse(&["--mode", "tcp-server", "--local", "0"])).expect("valid");
    let SessionConfig::TcpServer(config) = plan.session else {
        panic!("not a TCP server: {:?}", plan.session);
    };
    assert_eq!(config.idle_timeout, None);
    assert_eq!(config.max_clients_per_ip, None);

    let plan = validate(&parse(&[
        "--mode",
        "tcp-server",
        "--local",
        "0",
        "--idle-timeout",
        "2.5",
        "--max-clients-per-ip",
        "8",
    ]))
    .expect("valid");
    let SessionConfig::TcpServer(config) = plan.session else {
        panic!("not a TCP server: {:?}", plan.session);
    };
    assert_eq!(config.idle_timeout, Some(Duration::from_millis(2500)));
    assert_eq!(config.max_clients_per_ip, Some(8));
}

#[test]
fn tcp_server_limits_refuse_bad_numbers_and_other_modes() {
    let tcp_server = ["--mode", "tcp-server", "--local", "0"];
    let with = |extra: &[&str]| {
        let mut flags = tcp_server.to_vec();
        flags.extend_from_slice(extra);
        refusal(&flags)
    };
    assert!(with(&["--idle-timeout", "0"]).starts_with("--idle-timeout '0' is not valid"));
    assert!(with(&["--idle-timeout=-1"]).starts_with("--idle-timeout '-1' is not valid"));
    assert!(with(&["--max-clients-per-ip", "0"]).starts_with("--max-clients-per-ip '0'"));
    assert_eq!(
        refusal(&["--mode", "udp", "--idle-timeout", "5"]),
        "--idle-timeout does not apply to --mode udp"
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tcp-client",
            "--remote",
            "127.0.0.1:1",
            "--max-clients-per-ip",
            "2"
        ]),
        "--max-clients-per-ip does not apply to --mode tcp-client"
    );
}

/// Issue 11, finding 9: stdin lines are read as UTF-8 when valid, else in
/// the send encoding.
#[test]
fn typed_lines_are_read_in_the_send_encoding() {
    let outgoing = |encoding, hex| Outgoing {
        encoding,
        hex,
        escapes: false,
        line_ending: LineEnding::None,
    };
    let gbk_bytes = [0xC4, 0xE3, 0xBA, 0xC3];
    assert_eq!(
        outgoing(Encoding::Gbk, false).typed_line(&gbk_bytes),
        Ok("你好".to_owned())
    );
    // A UTF-8 terminal (or a Windows console) talking to a GBK device.
    assert_eq!(
        outgoing(Encoding::Gbk, false).typed_line("你好".as_bytes()),
        Ok("你好".to_owned())
    );
    // HEX digits read the same in any encoding.
    assert_eq!(
        outgoing(Encoding::Gbk, true).typed_line(b"C4 E3"),
        Ok("C4 E3".to_owned())
    );
    let refused = outgoing(Encoding::Utf8, false)
        .typed_line(&gbk_bytes)
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "a line of standard input is not UTF-8 text (bytes C4 E3 BA C3): give --tx-encoding (or --encoding) the encoding the input is in"
    );
    let refused = outgoing(Encoding::Gbk, false)
        .typed_line(&[0xFF; 20])
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "a line of standard input is not UTF-8 or GBK text (bytes FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF …): give --tx-encoding (or --encoding) the encoding the input is in"
    );
}

/// Issue 11, finding 13: the headless run refuses what it would ignore.
#[test]
fn window_only_flags_and_empty_sends_are_refused() {
    assert!(refusal(&["--mode", "udp", "--lang", "zh"]).starts_with("--lang only applies"));
    assert!(refusal(&["--mode", "udp", "--open"]).starts_with("--open only applies"));
    assert!(
        refusal(&["--mode", "udp", "--remote", "127.0.0.1:9", "--send", ""])
            .starts_with("--send '' gives nothing to send")
    );
    // With a line ending an empty message is one line break: that is sent.
    let plan = validate(&parse(&[
        "--mode",
        "udp",
        "--remote",
        "127.0.0.1:9",
        "--send",
        "",
        "--line-ending",
        "lf",
    ]))
    .expect("accepted");
    assert_eq!(plan.initial_sends, vec![b"\n".to_vec()]);
    assert!(
        refusal(&[
            "--mode",
            "tcp-server",
            "--local",
            "0",
            "--multicast-ttl",
            "2"
        ])
        .starts_with("--multicast-ttl does not apply")
    );
}

#[test]
fn tftp_server_per_address_limit_has_an_engine_default_and_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let server_of = |flags: &[&str]| {
        let mut all = vec!["--mode", "tftp-server", "--root", root];
        all.extend_from_slice(flags);
        match validate(&parse(&all)).map(|plan| plan.session) {
            Ok(SessionConfig::TftpServer(server)) => server,
            other => panic!("not a tftp server: {other:?}"),
        }
    };
    let server = server_of(&[]);
    assert_eq!(server.max_transfers, tftp::limits::DEFAULT_MAX_TRANSFERS);
    assert_eq!(
        server.max_transfers_per_address,
        tftp::limits::DEFAULT_MAX_TRANSFERS_PER_ADDRESS
    );
    assert!(server.max_transfers_per_address < server.max_transfers);
    let server = server_of(&["--max-transfers-per-address", "3"]);
    assert_eq!(server.max_transfers_per_address, 3);
    assert_eq!(
        refusal(&[
            "--mode",
            "tftp-server",
            "--root",
            root,
            "--max-transfers-per-address",
            "0"
        ]),
        "--max-transfers-per-address '0' is not valid: it must be at least 1 \
         (a value of --max-transfers or more lifts the limit)"
    );
    assert_eq!(
        refusal(&["--mode", "udp", "--max-transfers-per-address", "3"]),
        "--max-transfers-per-address does not apply to --mode udp"
    );
}

#[test]
fn the_engine_decides_the_defaults_and_the_sentences() {
    // The connect timeout is the engine's, the window's 5 s.
    let plan = validate(&parse(&["--mode", "tcp-client", "--remote", "127.0.0.1:1"])).unwrap();
    let SessionConfig::TcpClient(client) = plan.session else {
        panic!("not a TCP client")
    };
    assert_eq!(client.connect_timeout, crate::net::DEFAULT_CONNECT_TIMEOUT);
    assert_eq!(client.connect_timeout, Duration::from_secs(5));

    // A multicast group is checked by the engine's rule, with its sentence.
    assert_eq!(
        refusal(&["--mode", "udp", "--join", "10.0.0.1"]),
        "--join: '10.0.0.1' is not a multicast group: use 224.0.0.0–239.255.255.255 or ff00::/8"
    );
    let plan = validate(&parse(&["--mode", "udp", "--join", "239.255.0.1"])).unwrap();
    let SessionConfig::Udp(udp) = plan.session else {
        panic!("not UDP")
    };
    assert_eq!(udp.multicast.len(), 1);
    assert_eq!(udp.multicast_ttl, Some(crate::net::DEFAULT_MULTICAST_TTL));

    // The sentences name the engine's ranges.
    let blksize = tftp::CLIENT_BLKSIZE;
    assert_eq!(
        refusal(&[
            "--mode",
            "tftp-client",
            "--remote",
            "127.0.0.1",
            "--get",
            "a",
            "--blksize",
            "65465"
        ]),
        format!(
            "--blksize '65465' is not valid: it must be from {} to {}",
            blksize.start(),
            blksize.end()
        )
    );
    assert_eq!(
        refusal(&[
            "--mode",
            "tcp-server",
            "--local",
            "0",
            "--idle-timeout",
            "86401"
        ]),
        format!(
            "--idle-timeout '86401' is not valid: it must be a number of seconds above 0, at most {} (a day)",
            crate::net::MAX_IDLE_TIMEOUT_SECS
        )
    );
    let plan = validate(&parse(&[
        "--mode",
        "tcp-server",
        "--local",
        "0",
        "--idle-timeout",
        "86400",
    ]))
    .unwrap();
    let SessionConfig::TcpServer(server) = plan.session else {
        panic!("not a TCP server")
    };
    assert_eq!(server.idle_timeout, Some(Duration::from_secs(86_400)));

    // The engine's choices, by clap's ValueEnum on the engine's own types.
    let plan = validate(&parse(&[
        "--mode",
        "udp",
        "--line-ending",
        "crlf",
        "--tx-encoding",
        "gb2312",
    ]))
    .unwrap();
    assert_eq!(plan.outgoing.line_ending, crate::text::LineEnding::CrLf);
    assert_eq!(plan.outgoing.encoding, Encoding::Gbk);
    assert!(
        Args::try_parse_from(["netassist", "--line-ending", "cr-lf"]).is_err(),
        "the names are those of the README: none, lf, crlf"
    );
}

/// Issue 22, item 10: the TFTP modes read and send file names in
/// `--encoding` (UTF-8 without it), and refuse the one-direction flags.
#[test]
fn tftp_modes_take_encoding_for_file_names() {
    let folder = std::env::temp_dir();
    let folder = folder.to_str().expect("a UTF-8 temp folder");
    let name_encoding = |mode: &[&str], extra: &[&str]| {
        let flags: Vec<&str> = mode.iter().chain(extra).copied().collect();
        match validate(&parse(&flags)).map(|plan| plan.session) {
            Ok(SessionConfig::TftpServer(config)) => config.name_encoding,
            Ok(SessionConfig::TftpClient(config)) => config.name_encoding,
            other => panic!("{other:?}"),
        }
    };
    let server_flags = ["--mode", "tftp-server", "--root", folder];
    let client_flags = [
        "--mode",
        "tftp-client",
        "--remote",
        "127.0.0.1",
        "--get",
        "中文.txt",
        "--dir",
        folder,
    ];
    let server = |extra: &[&str]| name_encoding(&server_flags, extra);
    let client = |extra: &[&str]| name_encoding(&client_flags, extra);
    assert_eq!(server(&[]), Encoding::Utf8);
    assert_eq!(server(&["--encoding", "gb2312"]), Encoding::Gbk);
    assert_eq!(client(&[]), Encoding::Utf8);
    assert_eq!(client(&["--encoding", "GBK"]), Encoding::Gbk);
    for flag in ["--rx-encoding", "--tx-encoding"] {
        assert_eq!(
            refusal(&["--mode", "tftp-server", "--root", folder, flag, "gbk"]),
            format!("{flag} does not apply to --mode tftp-server")
        );
    }
    let sentence = refusal(&[
        "--mode",
        "tftp-server",
        "--root",
        folder,
        "--encoding",
        "ebcdic",
    ]);
    assert!(
        sentence.starts_with("--encoding 'ebcdic' is not an encoding this program knows"),
        "{sentence}"
    );
}

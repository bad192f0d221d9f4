#![no_main]
//! Option negotiation with any request: the server's answer stays in
//! range and names each option once; the client checks any OACK without
//! panicking, and accepts the server's answer to its own request with the
//! same parameters.

use libfuzzer_sys::fuzz_target;
use netassist_core::tftp::Mode;
use netassist_core::tftp::options::{self, Asked};
use netassist_core::tftp::wire::{Packet, RequestKind, TftpOption};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = if selector & 1 == 0 {
        RequestKind::Read
    } else {
        RequestKind::Write
    };
    let mode = if selector & 2 == 0 {
        Mode::Octet
    } else {
        Mode::Netascii
    };
    let file_size = (selector & 4 != 0).then_some(u64::from(selector) << 20);
    // The rest is an OACK body: option pairs as a peer would send them.
    let mut packet = vec![0, 6];
    packet.extend_from_slice(rest);
    let Ok(Packet::Oack { options }) = Packet::parse(&packet) else {
        return;
    };
    let negotiation = options::negotiate(kind, mode, &options, file_size);
    assert!((8..=65464).contains(&negotiation.params.blksize));
    assert!((1..=64).contains(&negotiation.params.windowsize));
    let mut names: Vec<&str> = negotiation.oack.iter().map(|(n, _)| n.as_str()).collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total);

    // A client that asked for everything reads the same bytes as an OACK.
    let asked = Asked {
        blksize: Some(u16::from_be_bytes([selector, selector])),
        windowsize: Some(u16::from(selector)),
        timeout_secs: Some(selector),
        tsize: Some(0),
    };
    let _ = asked.accept_oack(mode, &options);

    // And what the server answers to that client's request is accepted.
    let request = asked.to_options();
    let asked_options: Vec<TftpOption<'_>> = request
        .iter()
        .map(|(name, value)| TftpOption { name, value })
        .collect();
    let server = options::negotiate(kind, mode, &asked_options, file_size);
    let oack: Vec<TftpOption<'_>> = server
        .oack
        .iter()
        .map(|(name, value)| TftpOption { name, value })
        .collect();
    let (client, _) = asked.accept_oack(mode, &oack).expect("the client accepts");
    assert_eq!(client.blksize, server.params.blksize);
    assert_eq!(client.windowsize, server.params.windowsize);
});

//! The command line, parsed into a struct close to the flags. The GUI uses
//! it as a preset; `--headless` runs the same engine with no window.

use std::path::PathBuf;

use clap::Parser;

use crate::net::Protocol;
use crate::net::tls::TlsVersion;
use crate::text::LineEnding;
use crate::tftp::Mode;

/// NetAssist: UDP, TCP, TLS and WebSocket clients and servers and TFTP in one window, or
/// headless with one line per event.
#[derive(Clone, Debug, Default, Parser)]
#[command(name = "netassist", version, about, long_about = None)]
pub struct Args {
    /// Run without a window: open the session at once and print one line per event.
    #[arg(long)]
    pub headless: bool,

    /// What to open.
    #[arg(long, value_enum)]
    pub mode: Option<Protocol>,

    /// Local address to bind or listen on, IP:PORT (port 0: any free port).
    #[arg(long, value_name = "ADDR")]
    pub local: Option<String>,

    /// Remote address, IP:PORT or HOST:PORT.
    #[arg(long, value_name = "ADDR")]
    pub remote: Option<String>,

    /// Encoding for both directions (UTF-8, GBK, GB2312, GB18030, Big5, Shift_JIS, EUC-KR, UTF-16LE, UTF-16BE, Windows-1252).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,

    /// Encoding of received data (overrides --encoding).
    #[arg(long, value_name = "LABEL")]
    pub rx_encoding: Option<String>,

    /// Encoding of sent text (overrides --encoding).
    #[arg(long, value_name = "LABEL")]
    pub tx_encoding: Option<String>,

    /// Show received data as HEX, and read what is sent as HEX.
    #[arg(long)]
    pub hex: bool,

    /// Window: open the session at start (headless always opens, and refuses this flag).
    #[arg(long)]
    pub open: bool,

    /// Parse escape sequences (\r \n \t \\ \xHH) in sent text.
    #[arg(long)]
    pub escapes: bool,

    /// Line ending appended to each sent text message.
    #[arg(long, value_enum, value_name = "ENDING")]
    pub line_ending: Option<LineEnding>,

    /// UDP: send to the last sender rather than the remote address.
    #[arg(long)]
    pub reply_to_last: bool,

    /// UDP: allow sending to broadcast addresses.
    #[arg(long)]
    pub broadcast: bool,

    /// UDP: join this multicast group at open (repeatable), e.g. 239.255.0.1.
    #[arg(long, value_name = "GROUP")]
    pub join: Vec<String>,

    /// UDP: time-to-live (hops, 1-255) of multicast datagrams sent.
    #[arg(long, value_name = "N")]
    pub multicast_ttl: Option<u32>,

    /// TCP server: most clients at once.
    #[arg(long, value_name = "N")]
    pub max_clients: Option<usize>,

    /// TCP server: drop a client that sends nothing (and takes nothing queued for it) for this many seconds, at most 86400 (default: never).
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<f64>,

    /// TCP server: most clients at once from one IP address (default: no limit).
    #[arg(long, value_name = "N")]
    pub max_clients_per_ip: Option<usize>,

    /// TCP: cut each peer's stream into messages on the session thread: delimiter:HEX, fixed:N (bytes) or idle:MS (milliseconds).
    #[arg(long, value_name = "SPEC")]
    pub framing: Option<String>,

    /// TCP client: seconds to wait for a connection (0.1-600; default 5).
    // A negative number is taken as the value (and refused with a sentence
    // by the validation) rather than as an unknown flag.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub connect_timeout: Option<f64>,

    /// Headless: send this once the session is open (TCP client: once connected; TCP server: to each client as it connects). Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub send: Vec<String>,

    /// Headless: send every received message back to its sender (not to this session's own address; at most 1000 a second per peer).
    #[arg(long)]
    pub echo: bool,

    /// Headless: append the event lines to this file too.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,

    /// Headless (UDP, TCP): write every received byte to this file as it arrives (appended; created if missing).
    #[arg(long, value_name = "FILE")]
    pub rx_file: Option<PathBuf>,

    /// Headless: write --rx-file as log lines (time, peer, data as shown) instead of raw bytes.
    #[arg(long, requires = "rx_file")]
    pub rx_file_lines: bool,

    /// Headless: do not read standard input; run until --exit-after, the session ends, or Ctrl+C.
    #[arg(long)]
    pub stay: bool,

    /// Headless: stop after this many seconds; the end of stdin then no longer stops the program.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub exit_after: Option<f64>,

    /// Headless: do not print time stamps.
    #[arg(long)]
    pub no_time: bool,

    /// Headless: the encoding of the lines printed on stdout (default UTF-8; on Windows, when stdout is redirected to a file or pipe, the system's ANSI code page, such as GBK on Chinese Windows).
    #[arg(long, value_name = "LABEL")]
    pub output_encoding: Option<String>,

    /// TFTP server: the folder to serve (and receive uploads into).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// TFTP server: accept uploads (WRQ).
    #[arg(long)]
    pub allow_write: bool,

    /// TFTP server: let uploads replace existing files.
    #[arg(long)]
    pub overwrite: bool,

    /// TFTP server: most transfers at once.
    #[arg(long, value_name = "N")]
    pub max_transfers: Option<usize>,

    /// TFTP server: most transfers at once from one address (IPv6: one /64); default 8.
    #[arg(long, value_name = "N")]
    pub max_transfers_per_address: Option<usize>,

    /// TFTP client: download this remote file.
    #[arg(long, value_name = "NAME", conflicts_with = "put")]
    pub get: Option<String>,

    /// TFTP client: upload this local file.
    #[arg(long, value_name = "FILE")]
    pub put: Option<PathBuf>,

    /// TFTP client: remote name for --put (default: the file's name).
    #[arg(long, value_name = "NAME")]
    pub remote_name: Option<String>,

    /// TFTP client: folder to download into (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// TFTP client: block size to ask for (8-65464).
    #[arg(long, value_name = "N")]
    pub blksize: Option<u16>,

    /// TFTP client: window size to ask for (1-65535).
    #[arg(long, value_name = "N")]
    pub windowsize: Option<u16>,

    /// TFTP: transfer mode.
    #[arg(long, value_enum, value_name = "MODE")]
    pub tftp_mode: Option<Mode>,

    /// TLS, WebSocket: a PEM certificate chain: the server's own (with --key), or a client certificate shown when the server asks for one.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,

    /// TLS, WebSocket: the PEM private key of --cert.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// TLS, WebSocket: a PEM file of CA certificates. Client: trust only servers they signed. Server: require client certificates they signed.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// TLS client, wss:// client: accept any server certificate (ignore certificate errors), for test devices.
    #[arg(long)]
    pub insecure: bool,

    /// TLS client, wss:// client: trust the server certificate with this SHA-256 fingerprint as it is (a device's own certificate), whatever its chain, names or dates; repeat for more. The fingerprint is what a refusal prints.
    #[arg(long, value_name = "SHA256")]
    pub pin_sha256: Vec<String>,

    /// TLS, WebSocket over TLS: ALPN protocols, in order of preference, e.g. h2,http/1.1.
    #[arg(long, value_name = "LIST")]
    pub alpn: Option<String>,

    /// TLS, WebSocket over TLS: the oldest TLS version accepted (default 1.2).
    #[arg(long, value_enum, value_name = "VERSION")]
    pub min_tls: Option<TlsVersion>,

    /// TLS client, wss:// client: the name sent as SNI and checked against the certificate (default: the host connected to).
    #[arg(long, value_name = "NAME")]
    pub server_name: Option<String>,

    /// TLS server, WebSocket server: a self-signed certificate for these names (default localhost,127.0.0.1,::1), generated on first use and kept in the window's settings folder. A tls-server without --cert uses it.
    #[arg(long, value_name = "NAMES", num_args = 0..=1, default_missing_value = "")]
    pub self_signed: Option<String>,

    /// TLS server, WebSocket server over TLS: ask clients for a certificate (any is accepted and shown; --ca requires one).
    #[arg(long)]
    pub request_client_cert: bool,

    /// WebSocket client: the URL to open, ws://HOST:PORT/PATH or wss://HOST:PORT/PATH.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// WebSocket server: the path clients must ask for (default /: any path).
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,

    /// WebSocket client: an extra request header, 'Name: value' (repeatable).
    #[arg(long, value_name = "HEADER")]
    pub header: Vec<String>,

    /// WebSocket: a subprotocol offered (client) or accepted (server), in order of preference (repeatable).
    #[arg(long, value_name = "NAME")]
    pub subprotocol: Vec<String>,

    /// TLS and WebSocket, client and server: seconds the opening handshake (TLS, then the WebSocket upgrade) may take from the TCP connection (default 10); a server then drops the connection, a client gives up.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub handshake_timeout: Option<f64>,

    /// Window: UI language (en or zh); headless output is always English.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

//! Command-line flags as presets of the window: the flags the headless
//! mode takes, applied on top of the remembered settings, each one that
//! cannot be applied worded in the window's language.

use super::{MAX_IDLE_TIMEOUT_SECS, Settings};
use crate::cli::Args;
use crate::gui::i18n::{self, Lang};
use crate::net::{Endpoint, Protocol};
use crate::text::Encoding;
use crate::tftp;

impl Settings {
    /// Applies command-line flags on top of the remembered settings. Returns
    /// sentences for flags that could not be applied (shown in the window).
    pub fn apply_args(&mut self, args: &Args) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(mode) = args.mode {
            self.protocol = mode;
        }
        if let Some(lang) = &args.lang {
            match Lang::from_code(lang) {
                Some(lang) => self.lang = lang,
                None => problems.push(format!(
                    "{} '{lang}': {}",
                    self.lang.t(&i18n::FLAG_UNKNOWN_LANGUAGE),
                    self.lang.t(&i18n::FLAG_LANGUAGE_CHOICES)
                )),
            }
        }
        for (flag, text, is_local) in [
            ("--local", &args.local, true),
            ("--remote", &args.remote, false),
        ] {
            let Some(text) = text else { continue };
            // The same rules as the CLI: a bare local port is every IPv4
            // interface, and a TFTP client's remote may leave out port 69.
            let parsed = if is_local {
                Endpoint::parse_local(text)
            } else if self.protocol == Protocol::TftpClient {
                Endpoint::parse_remote_or_port(text, tftp::PORT)
            } else {
                Endpoint::parse(text)
            };
            match parsed {
                Ok(endpoint) => {
                    let fields = self.addr_mut();
                    if is_local {
                        fields.local_host = endpoint.host;
                        fields.local_port = endpoint.port.to_string();
                    } else {
                        fields.remote_host = endpoint.host;
                        fields.remote_port = endpoint.port.to_string();
                    }
                }
                Err(e) => problems.push(format!(
                    "{flag}: {}",
                    i18n::sentences::addr_error(self.lang, &e)
                )),
            }
        }
        // As for the CLI: `--encoding` is both directions, and
        // `--rx-encoding` / `--tx-encoding` override one of them. In the
        // window, two different ones are separate encodings.
        let (mut rx, mut tx) = (self.text.rx_encoding, self.text.send_encoding());
        let mut separate = self.text.separate_encodings;
        for (flag, label, targets) in [
            ("--encoding", &args.encoding, (true, true)),
            ("--rx-encoding", &args.rx_encoding, (true, false)),
            ("--tx-encoding", &args.tx_encoding, (false, true)),
        ] {
            let Some(label) = label else { continue };
            match label.parse::<Encoding>() {
                Ok(encoding) => {
                    if targets.0 {
                        rx = encoding;
                    }
                    if targets.1 {
                        tx = encoding;
                    }
                    if targets == (true, true) {
                        separate = false;
                    }
                }
                Err(e) => problems.push(format!(
                    "{flag} {}",
                    i18n::sentences::unknown_choice(self.lang, &e)
                )),
            }
        }
        self.text.set_separate_encodings(separate || rx != tx);
        self.text.set_receive_encoding(rx);
        if self.text.separate_encodings {
            self.text.tx_encoding = tx;
        }
        if args.hex {
            self.text.rx_hex = true;
            self.text.tx_hex = true;
        }
        if args.escapes {
            self.text.escapes = true;
        }
        if let Some(ending) = args.line_ending {
            self.text.line_ending = ending;
        }
        if args.reply_to_last {
            self.udp.reply_to_last_sender = true;
        }
        if args.broadcast {
            self.udp.broadcast = true;
        }
        if let Some(max_clients) = args.max_clients {
            self.tcp.max_clients = max_clients;
        }
        if let Some(secs) = args.idle_timeout {
            if secs.is_finite() && secs > 0.0 {
                self.tcp.idle_timeout_secs = secs.min(MAX_IDLE_TIMEOUT_SECS);
            } else {
                problems.push(format!(
                    "--idle-timeout: '{secs}' {}",
                    self.lang.t(&i18n::FLAG_IDLE_TIMEOUT)
                ));
            }
        }
        if let Some(per_ip) = args.max_clients_per_ip {
            self.tcp.max_clients_per_ip = per_ip;
        }
        if let Some(secs) = args.connect_timeout {
            self.tcp.connect_timeout_secs = secs;
        }
        if let Some(root) = &args.root {
            self.tftp.root = root.clone();
        }
        if args.allow_write {
            self.tftp.allow_write = true;
        }
        if args.overwrite {
            self.tftp.allow_overwrite = true;
        }
        if let Some(max) = args.max_transfers_per_address {
            self.tftp.max_per_address = max;
        }
        if let Some(name) = &args.get {
            self.tftp.remote_file = name.clone();
        }
        if let Some(file) = &args.put {
            self.tftp.local_file = file.clone();
        }
        if let Some(dir) = &args.dir {
            self.tftp.local_dir = dir.clone();
        }
        if let Some(blksize) = args.blksize {
            self.tftp.blksize = blksize;
        }
        if let Some(windowsize) = args.windowsize {
            self.tftp.windowsize = windowsize;
        }
        if let Some(mode) = args.tftp_mode {
            self.tftp.mode = mode;
        }
        self.sec
            .apply_args(self.protocol.presents_certificate(), args);
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_flags_set_one_or_separate_encodings() {
        let args = |flags: &[&str]| {
            use clap::Parser;
            let mut all = vec!["netassist"];
            all.extend_from_slice(flags);
            Args::parse_from(all)
        };
        let mut settings = Settings::first_start(Lang::En);
        assert!(
            settings
                .apply_args(&args(&["--encoding", "gb2312"]))
                .is_empty()
        );
        assert_eq!(settings.text.send_encoding(), Encoding::Gbk);
        assert!(!settings.text.separate_encodings);
        settings.apply_args(&args(&["--tx-encoding", "utf-8"]));
        assert!(settings.text.separate_encodings);
        assert_eq!(
            (settings.text.rx_encoding, settings.text.send_encoding()),
            (Encoding::Gbk, Encoding::Utf8)
        );
        settings.apply_args(&args(&["--encoding", "big5"]));
        assert!(!settings.text.separate_encodings);
        assert_eq!(settings.text.send_encoding(), Encoding::Big5);
        settings.apply_args(&args(&["--rx-encoding", "gbk", "--tx-encoding", "gbk"]));
        assert!(!settings.text.separate_encodings);
        assert_eq!(settings.text.send_encoding(), Encoding::Gbk);
    }
}

//! What the tests of every crate in the workspace share that needs nothing
//! of NetAssist: the one skip rule for missing peer tools, and a bound for
//! every wait.
//!
//! The skip rule: a test that needs a peer tool the machine may lack
//! (python3, tftp, atftp, atftpd, in.tftpd, curl, socat, Xvfb, setpriv, ip,
//! nft, unshare) or the IPv6 loopback asks through [`peer_tool`] /
//! [`require_ipv6`] (or [`skip_or_fail`] for another missing prerequisite)
//! and returns when told no. Locally that prints a loud SKIPPED line that
//! names the Debian package; under `NETASSIST_REQUIRE_PEERS=1` (CI) the
//! test fails instead.

use std::io::Write;
use std::net::{Ipv6Addr, UdpSocket};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The environment variable under which a missing peer tool fails the
/// test instead of skipping it (CI sets it to 1).
pub const REQUIRE_PEERS: &str = "NETASSIST_REQUIRE_PEERS";

/// True when the environment requires every peer tool (`NETASSIST_REQUIRE_PEERS=1`).
pub fn peers_required() -> bool {
    std::env::var(REQUIRE_PEERS).as_deref() == Ok("1")
}

/// The Debian package that installs `tool`, for the SKIPPED line.
fn debian_package(tool: &str) -> &'static str {
    match tool {
        "python3" => "python3",
        "tftp" => "tftp-hpa",
        "in.tftpd" => "tftpd-hpa",
        "atftp" => "atftp",
        "atftpd" => {
            "atftpd (conflicts with tftpd-hpa: apt-get download atftpd && dpkg -x atftpd_*.deb /opt/atftpd)"
        }
        "curl" => "curl",
        "socat" => "socat",
        "openssl" => "openssl",
        "Xvfb" => "xvfb",
        "setpriv" | "unshare" => "util-linux",
        "ip" => "iproute2",
        "nft" => "nftables",
        _ => "the package that provides it",
    }
}

/// The rule: a missing prerequisite (`missing` says what, and what to
/// install) fails the test under `NETASSIST_REQUIRE_PEERS=1`, and otherwise
/// prints a SKIPPED line. The caller returns from the test after it.
pub fn skip_or_fail(missing: &str) {
    if peers_required() {
        panic!("{REQUIRE_PEERS}=1 but {missing}");
    }
    loud_skip(missing);
}

/// Where `tool` is: an absolute path as given, `$NETASSIST_ATFTPD` or
/// `/opt/atftpd` for atftpd (which CI unpacks there), else `PATH`,
/// `/usr/sbin` and `/sbin`.
pub fn find_peer_tool(tool: &str) -> Option<PathBuf> {
    let candidate = Path::new(tool);
    if candidate.is_absolute() {
        return candidate.is_file().then(|| candidate.to_path_buf());
    }
    if tool == "atftpd" {
        let unpacked = std::env::var_os("NETASSIST_ATFTPD")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("/opt/atftpd/usr/sbin/atftpd")])
            .find(|path| path.is_file());
        if unpacked.is_some() {
            return unpacked;
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
}

/// True when the peer tool `tool` is installed; otherwise [`skip_or_fail`]
/// with its Debian package, and false.
pub fn peer_tool(tool: &str) -> bool {
    if find_peer_tool(tool).is_some() {
        return true;
    }
    skip_or_fail(&format!(
        "{tool} is not installed (Debian package: {})",
        debian_package(tool)
    ));
    false
}

/// True when this machine has the IPv6 loopback (`::1` can be bound);
/// otherwise [`skip_or_fail`], and false.
pub fn require_ipv6() -> bool {
    if UdpSocket::bind((Ipv6Addr::LOCALHOST, 0)).is_ok() {
        return true;
    }
    skip_or_fail("this machine has no IPv6 loopback (::1): sysctl net.ipv6.conf.lo.disable_ipv6=0");
    false
}

/// Prints a skip notice that `cargo test` shows even for a passing test:
/// it writes to the stderr handle itself, which the test harness does not
/// capture (it captures only `eprintln!` and friends). For a condition
/// that makes a test not apply here (not a missing tool), which never
/// fails; a missing tool goes through [`skip_or_fail`].
pub fn loud_skip(reason: &str) {
    let _ = writeln!(std::io::stderr(), "\n********\nSKIPPED: {reason}\n********");
}

/// A bound on one wait, started when made. A loop that waits for something
/// (a datagram, an event, a file) calls [`Deadline::check`] each time
/// round, so a thing that never comes fails the test with what it was,
/// instead of hanging it.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    pub fn after(limit: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + limit,
            limit,
        }
    }

    /// What is left of the bound (zero once it has passed), for a
    /// `recv_timeout` or a socket's read timeout.
    pub fn left(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    /// Fails the test once the bound has passed: "`what` did not come
    /// within …". `what` is made only then.
    pub fn check<W: std::fmt::Display>(&self, what: impl FnOnce() -> W) {
        if self.passed() {
            panic!("{} did not come within {:?}", what(), self.limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "the reply did not come within")]
    fn a_passed_deadline_fails_saying_what_did_not_come() {
        let deadline = Deadline::after(Duration::ZERO);
        deadline.check(|| "the reply");
    }

    #[test]
    fn a_deadline_not_yet_passed_lets_the_wait_go_on() {
        let deadline = Deadline::after(Duration::from_secs(3600));
        deadline.check(|| -> &str { unreachable!("only made once the deadline has passed") });
        assert!(!deadline.left().is_zero());
    }
}

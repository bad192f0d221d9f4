//! Receiving many datagrams with one system call where the system has one
//! (Linux `recvmmsg`), one `recv_from` at a time elsewhere.
//!
//! During a flood the system call, not the copy, is most of what a
//! datagram costs the session thread; `recvmmsg` pays it once for up to
//! [`BATCH`] datagrams.

use std::io;
use std::net::SocketAddr;

use mio::net::UdpSocket;

/// Datagrams taken by one call.
pub const BATCH: usize = 32;
/// Room for the largest UDP payload, so no datagram is ever cut.
const SLOT_BYTES: usize = 65_536;

/// Buffers for [`BATCH`] datagrams and who sent each. The slots are
/// allocated zeroed and untouched, so a slot costs memory only once a
/// datagram was written into it (small datagrams touch one page each).
pub struct RecvBatch {
    buffers: Vec<u8>,
    received: Vec<(usize, SocketAddr)>,
    /// The kernel's view of the slots, kept between calls so that a call
    /// in a flood does not clear and rebuild some 6 KB of headers.
    #[cfg(target_os = "linux")]
    headers: Box<MmsgHeaders>,
}

/// `recvmmsg`'s message headers, I/O vectors and sender addresses.
#[cfg(target_os = "linux")]
struct MmsgHeaders {
    addrs: [libc::sockaddr_storage; BATCH],
    iovecs: [libc::iovec; BATCH],
    messages: [libc::mmsghdr; BATCH],
}

impl Default for RecvBatch {
    fn default() -> Self {
        RecvBatch {
            buffers: vec![0u8; BATCH * SLOT_BYTES],
            received: Vec::with_capacity(BATCH),
            // SAFETY: all-zero bytes are a valid value of these plain C
            // structs (null pointers, zero lengths).
            #[cfg(target_os = "linux")]
            headers: Box::new(unsafe { std::mem::zeroed() }),
        }
    }
}

impl RecvBatch {
    /// Receives what is waiting, up to [`BATCH`] datagrams, and returns
    /// how many; `WouldBlock` when nothing is.
    pub fn recv(&mut self, socket: &UdpSocket) -> io::Result<usize> {
        self.received.clear();
        self.recv_into(socket)?;
        Ok(self.received.len())
    }

    /// The `index`th datagram of the last [`RecvBatch::recv`] and its sender.
    pub fn get(&self, index: usize) -> Option<(&[u8], SocketAddr)> {
        let &(len, peer) = self.received.get(index)?;
        let start = index * SLOT_BYTES;
        Some((&self.buffers[start..start + len], peer))
    }

    #[cfg(not(target_os = "linux"))]
    fn recv_into(&mut self, socket: &UdpSocket) -> io::Result<()> {
        let (len, peer) = socket.recv_from(&mut self.buffers[..SLOT_BYTES])?;
        self.received.push((len, peer));
        Ok(())
    }

    #[cfg(target_os = "linux")]
    fn recv_into(&mut self, socket: &UdpSocket) -> io::Result<()> {
        use std::os::fd::AsRawFd;
        let MmsgHeaders {
            addrs,
            iovecs,
            messages,
        } = &mut *self.headers;
        // The pointers are set again on every call (the buffers may have
        // moved with `self`), and the kernel overwrote each name length.
        for (((slot, iovec), addr), message) in self
            .buffers
            .chunks_exact_mut(SLOT_BYTES)
            .zip(iovecs.iter_mut())
            .zip(addrs.iter_mut())
            .zip(messages.iter_mut())
        {
            iovec.iov_base = slot.as_mut_ptr().cast();
            iovec.iov_len = slot.len();
            message.msg_hdr.msg_name = (addr as *mut libc::sockaddr_storage).cast();
            message.msg_hdr.msg_namelen =
                std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            message.msg_hdr.msg_iov = iovec;
            message.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: every message points at its own slot of `buffers` and its
        // own address storage, all alive and unaliased for the call; the
        // kernel writes at most `iov_len` and `msg_namelen` bytes there.
        let count = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                messages.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_DONTWAIT as _,
                std::ptr::null_mut(),
            )
        };
        if count < 0 {
            return Err(io::Error::last_os_error());
        }
        for (message, addr) in messages.iter().zip(addrs.iter()).take(count as usize) {
            // A sender of another family cannot reach a UDP socket; such a
            // datagram would be skipped rather than shown with a made-up
            // address.
            if let Some(peer) = socket_addr(addr) {
                let len = (message.msg_len as usize).min(SLOT_BYTES);
                self.received.push((len, peer));
            }
        }
        if self.received.is_empty() {
            // Only datagrams without a usable sender: nothing to show, and
            // the caller reads again.
            return Err(io::ErrorKind::Interrupted.into());
        }
        Ok(())
    }
}

/// The sender's address as the kernel wrote it.
#[cfg(target_os = "linux")]
fn socket_addr(storage: &libc::sockaddr_storage) -> Option<SocketAddr> {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
    match libc::c_int::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, and
            // sockaddr_storage is large and aligned enough for any address.
            let addr =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr)),
                u16::from_be(addr.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let addr = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(addr.sin6_addr.s6_addr),
                u16::from_be(addr.sin6_port),
                addr.sin6_flowinfo,
                addr.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netassist_test_support::{Deadline, require_ipv6};

    /// Long enough for a loaded CI machine; it bounds a hang, it does not
    /// measure speed.
    const WAIT: std::time::Duration = std::time::Duration::from_secs(30);

    fn bound(addr: &str) -> Option<UdpSocket> {
        UdpSocket::bind(addr.parse().ok()?).ok()
    }

    #[test]
    fn test_batch_keeps_every_datagram_and_its_sender() {
        let receiver = bound("127.0.0.1:0").expect("bind");
        let to = receiver.local_addr().expect("addr");
        let senders: Vec<std::net::UdpSocket> = (0..3)
            .map(|_| std::net::UdpSocket::bind("127.0.0.1:0").expect("bind"))
            .collect();
        let largest = vec![0xA5u8; 65_507];
        let mut expected: Vec<(Vec<u8>, SocketAddr)> = Vec::new();
        for i in 0..(BATCH + 5) {
            let sender = &senders[i % senders.len()];
            let payload = match i {
                0 => Vec::new(),
                1 => largest.clone(),
                _ => format!("datagram {i}").into_bytes(),
            };
            sender.send_to(&payload, to).expect("send");
            expected.push((payload, sender.local_addr().expect("addr")));
        }
        let mut batch = RecvBatch::default();
        let mut got: Vec<(Vec<u8>, SocketAddr)> = Vec::new();
        let deadline = Deadline::after(WAIT);
        while got.len() < expected.len() {
            deadline.check(|| {
                format!(
                    "datagram {} of {} (loopback drops none)",
                    got.len() + 1,
                    expected.len()
                )
            });
            match batch.recv(&receiver) {
                Ok(n) => {
                    assert!(n <= BATCH);
                    got.extend(
                        (0..n)
                            .filter_map(|i| batch.get(i))
                            .map(|(b, p)| (b.to_vec(), p)),
                    );
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // A bare non-blocking socket gives nothing to wait on;
                    // a short pause between looks keeps this from spinning.
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                Err(e) => panic!("receive failed: {e}"),
            }
        }
        assert_eq!(got, expected);
        assert!(batch.get(BATCH).is_none());
        let empty = batch.recv(&receiver).expect_err("nothing is waiting");
        assert_eq!(empty.kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn test_batch_reads_ipv6_senders() {
        // The one skip rule: no ::1 is a loud skip here, a failure in CI.
        if !require_ipv6() {
            return;
        }
        let receiver = bound("[::1]:0").expect("bind ::1");
        let to = receiver.local_addr().expect("addr");
        let sender = std::net::UdpSocket::bind("[::1]:0").expect("bind");
        sender.send_to(b"v6", to).expect("send");
        let mut batch = RecvBatch::default();
        let deadline = Deadline::after(WAIT);
        loop {
            deadline.check(|| "the IPv6 datagram");
            match batch.recv(&receiver) {
                Ok(n) => {
                    assert_eq!(n, 1);
                    let (bytes, peer) = batch.get(0).expect("one datagram");
                    assert_eq!(bytes, b"v6");
                    assert_eq!(peer, sender.local_addr().expect("addr"));
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // As above: nothing to wait on but the socket itself.
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                Err(e) => panic!("receive failed: {e}"),
            }
        }
    }
}

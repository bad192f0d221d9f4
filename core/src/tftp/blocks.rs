//! The file a sender sends, cut into DATA packets: read straight into the
//! packet (octet) or translated on the way (netascii), one block ahead of
//! the peer, in reused buffers. No sockets; the file is any
//! `std::io::Read`.

use super::Mode;
use super::netascii;
use super::wire::{self, Datagram};
use std::io::{self, Read};

pub struct BlockSource {
    source: Box<dyn Read + Send>,
    encoder: Option<netascii::Encoder>,
    /// Netascii bytes translated but not yet cut into blocks.
    staged: Vec<u8>,
    source_done: bool,
    /// The next block, read before the peer asked for it; its block
    /// number is filled in when it is cut.
    ahead: Option<io::Result<Vec<u8>>>,
    /// A sent packet's buffer, to read the next block into without a new
    /// allocation.
    spare: Option<Vec<u8>>,
}

impl BlockSource {
    pub fn new(source: Box<dyn Read + Send>, mode: Mode) -> BlockSource {
        BlockSource {
            source,
            encoder: (mode == Mode::Netascii).then(netascii::Encoder::default),
            staged: Vec::new(),
            source_done: false,
            ahead: None,
            spare: None,
        }
    }

    /// The DATA packet for `block`: a whole block, or less at the end of
    /// the file.
    pub fn cut(&mut self, block: u16, blksize: usize) -> io::Result<Vec<u8>> {
        let mut packet = match self.ahead.take() {
            Some(read) => read?,
            None => self.read_block(blksize)?,
        };
        packet[..wire::DATA_HEADER_LEN].copy_from_slice(&wire::data_header(block));
        Ok(packet)
    }

    /// Reads the next block now, so that [`BlockSource::cut`] does not wait
    /// for the file; an error waits there too.
    pub fn read_ahead(&mut self, blksize: usize) {
        if self.ahead.is_none() {
            self.ahead = Some(self.read_block(blksize));
        }
    }

    /// Takes back a packet that was acknowledged; its buffer carries a
    /// later block if nobody else holds it any more.
    pub fn recycle(&mut self, packet: Datagram) {
        if let Ok(buffer) = Datagram::try_unwrap(packet) {
            self.spare = Some(buffer);
        }
    }

    /// Reads the next block into a DATA packet whose block number is left
    /// to [`BlockSource::cut`].
    fn read_block(&mut self, blksize: usize) -> io::Result<Vec<u8>> {
        let mut packet = self.spare.take().unwrap_or_default();
        if self.encoder.is_none() {
            // Octet: the file's bytes go straight into the packet. A reused
            // buffer is already initialized, so sizing it writes nothing.
            packet.resize(wire::DATA_HEADER_LEN + blksize, 0);
            let mut filled = wire::DATA_HEADER_LEN;
            while filled < packet.len() {
                match self.source.read(&mut packet[filled..]) {
                    Ok(0) => {
                        self.source_done = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            packet.truncate(filled);
            return Ok(packet);
        }
        packet.clear();
        packet.extend_from_slice(&wire::data_header(0));
        self.stage(blksize)?;
        let take = blksize.min(self.staged.len());
        packet.extend(self.staged.drain(..take));
        Ok(packet)
    }

    /// Netascii: reads and translates until a whole block is staged or the
    /// file ends.
    fn stage(&mut self, blksize: usize) -> io::Result<()> {
        let Some(encoder) = &mut self.encoder else {
            return Ok(());
        };
        let mut chunk = [0u8; 8192];
        while self.staged.len() < blksize && !self.source_done {
            match self.source.read(&mut chunk) {
                Ok(0) => {
                    encoder.finish(&mut self.staged);
                    self.source_done = true;
                }
                Ok(n) => encoder.encode(&chunk[..n], &mut self.staged),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

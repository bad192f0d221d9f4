//! The waveform tool's state: whether it plots, its data format, the
//! parser (which keeps a line or frame split across reads) and the
//! bounded sample store. Received batches are parsed here once each,
//! never per frame.

use std::net::SocketAddr;

use crate::net::Chunks;
use crate::waveform::{Record, WaveFormat, WaveParser, WaveStore};

#[derive(Debug, Default)]
pub struct WaveformTool {
    /// Received data is plotted only while this is ticked.
    pub enabled: bool,
    /// Paused: received data is not added (the log still has it).
    pub paused: bool,
    parser: WaveParser,
    store: WaveStore,
    /// The peer of the last chunk parsed: a partial line or frame is
    /// never completed with another peer's bytes.
    last_peer: Option<SocketAddr>,
    /// Reused for each batch's records.
    records: Vec<Record>,
}

impl WaveformTool {
    pub fn format(&self) -> WaveFormat {
        self.parser.format()
    }

    /// A new format starts a new parser (the partial line or frame of the
    /// old one means nothing in the new).
    pub fn set_format(&mut self, format: WaveFormat) {
        if format != self.parser.format() {
            self.parser = WaveParser::new(format);
        }
    }

    pub fn store(&self) -> &WaveStore {
        &self.store
    }

    pub fn skipped(&self) -> u64 {
        self.parser.skipped()
    }

    pub fn clear(&mut self) {
        self.store.clear();
        self.parser.reset();
    }

    /// A batch of received chunks; `datagrams` says each chunk is a whole
    /// message (UDP), which ends a text line without its line break.
    pub fn received(&mut self, chunks: &Chunks, datagrams: bool) {
        if !self.enabled || self.paused {
            return;
        }
        for chunk in chunks {
            if self.last_peer != Some(chunk.peer) {
                self.parser.reset();
                self.last_peer = Some(chunk.peer);
            }
            self.records.clear();
            self.parser.push(chunk.bytes, &mut self.records);
            if datagrams {
                self.parser.end_of_message(&mut self.records);
            }
            for record in &self.records {
                self.store.add(record, chunk.at_ms());
            }
        }
    }

    /// Writes the samples as CSV to `path`.
    pub fn export_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        self.store.write_csv(&mut file)?;
        std::io::Write::flush(&mut file)
    }
}

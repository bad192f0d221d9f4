//! Transfer events for the front ends, with progress throttled so that a
//! fast transfer does not flood the GUI's channel.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{TransferDirection, TransferEvent, TransferFailure};
use crate::net::{Event, Outbox};
use crate::text::PeerText;

/// At most this many progress events a second per transfer.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

pub struct Reporter {
    pub id: u64,
    started_at: Instant,
    last_progress_at: Option<Instant>,
    /// Progress not yet reported because the last event was too recent.
    unreported: Option<u64>,
    ended: bool,
}

impl Reporter {
    pub fn start(
        outbox: &Outbox,
        id: u64,
        file: String,
        peer: SocketAddr,
        direction: TransferDirection,
        size: Option<u64>,
        now: Instant,
    ) -> Reporter {
        outbox.emit(Event::Transfer(TransferEvent::Started {
            id,
            file: PeerText::new(file),
            peer,
            direction,
            size,
        }));
        Reporter {
            id,
            started_at: now,
            last_progress_at: None,
            unreported: None,
            ended: false,
        }
    }

    pub fn progress(&mut self, outbox: &Outbox, bytes: u64, now: Instant) {
        let due = self
            .last_progress_at
            .is_none_or(|at| now.saturating_duration_since(at) >= PROGRESS_INTERVAL);
        if due {
            self.last_progress_at = Some(now);
            self.unreported = None;
            outbox.emit(Event::Transfer(TransferEvent::Progress {
                id: self.id,
                bytes,
            }));
        } else {
            self.unreported = Some(bytes);
        }
    }

    /// When a held-back progress event should go out.
    pub fn next_flush(&self) -> Option<Instant> {
        match (self.unreported, self.last_progress_at) {
            (Some(_), Some(at)) if !self.ended => Some(at + PROGRESS_INTERVAL),
            _ => None,
        }
    }

    pub fn flush(&mut self, outbox: &Outbox, now: Instant) {
        if let Some(bytes) = self.unreported
            && self.next_flush().is_some_and(|at| now >= at)
        {
            self.progress(outbox, bytes, now);
        }
    }

    pub fn finished(&mut self, outbox: &Outbox, bytes: u64, now: Instant) {
        if self.ended {
            return;
        }
        self.ended = true;
        outbox.emit(Event::Transfer(TransferEvent::Progress {
            id: self.id,
            bytes,
        }));
        outbox.emit(Event::Transfer(TransferEvent::Finished {
            id: self.id,
            bytes,
            elapsed: now.saturating_duration_since(self.started_at),
        }));
    }

    pub fn failed(&mut self, outbox: &Outbox, reason: TransferFailure) {
        if self.ended {
            return;
        }
        self.ended = true;
        outbox.emit(Event::Transfer(TransferEvent::Failed {
            id: self.id,
            reason,
        }));
    }
}

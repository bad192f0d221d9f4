//! The receive side of a session, the same for UDP, TCP client and TCP
//! server: every byte read passes through [`Inbox::receive`], which writes
//! it to the receive file, cuts a TCP stream into messages when framing is
//! on, lets the responder answer each message, and batches the messages
//! for the front end.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::super::autoreply::Rule;
use super::super::conn::Batch;
use super::super::responder::Responder;
use super::super::{Answers, Outbox};
use crate::clock::now_us;
use crate::conn::ConnTag;
use crate::text::{Framing, Message, PeerFramers};

/// What was received and not yet handed over, and what it asks to answer.
pub struct Inbox {
    batch: Batch,
    responder: Responder,
    /// TCP framing (分包), one framer per peer; `None` hands every read on
    /// as it came, at no cost.
    framers: Option<PeerFramers>,
    /// With framing, each peer's connection, for the messages its framer
    /// hands over later (an idle gap, the cap, the stream's end).
    conns: HashMap<SocketAddr, ConnTag>,
    /// Answers to send once the batch is handed over, so that the log shows
    /// what was received before what answered it.
    replies: Vec<(SocketAddr, Vec<u8>)>,
}

impl Inbox {
    /// `local` is the session's own address (see [`Responder::new`]);
    /// `framing` cuts each peer's stream into messages (`Framing::None`:
    /// every read is a message, as UDP datagrams always are).
    pub fn new(answers: Answers, local: SocketAddr, framing: Framing) -> Inbox {
        let framers = match framing {
            Framing::None => None,
            framing => Some(PeerFramers::new(framing)),
        };
        Inbox {
            batch: Batch::default(),
            responder: Responder::new(answers, local),
            framers,
            conns: HashMap::new(),
            replies: Vec::new(),
        }
    }

    /// Replaces the auto-reply rules.
    pub fn set_rules(&mut self, rules: Vec<Rule>) {
        self.responder.set_rules(rules);
    }

    /// Takes bytes read from `peer`; the caller has checked that they fit
    /// in the event budget ([`Outbox::fits`]). Without framing they are one
    /// message; with framing they go to the receive file at once and the
    /// messages they complete follow.
    pub fn receive(&mut self, peer: SocketAddr, bytes: &[u8], outbox: &Outbox) {
        self.receive_at(now_us(), peer, ConnTag::NONE, bytes, outbox);
    }

    /// [`Inbox::receive`] of bytes read at `at_us` (µs since the epoch)
    /// over the connection `conn`, as the caller stamped and tagged them.
    #[inline]
    pub fn receive_at(
        &mut self,
        at_us: i64,
        peer: SocketAddr,
        conn: ConnTag,
        bytes: &[u8],
        outbox: &Outbox,
    ) {
        let Some(framers) = &mut self.framers else {
            if let Some(reply) = self.responder.answer(peer, bytes, outbox) {
                self.replies.push((peer, reply));
            }
            self.batch.push_at(at_us, peer, conn, bytes, outbox);
            return;
        };
        // The receive file keeps the stream as it came, whatever the
        // framing makes of it.
        outbox.write_rx(at_us, peer, bytes);
        self.conns.insert(peer, conn);
        for message in framers.push(peer, bytes, at_us) {
            self.take_message(peer, message, true, outbox);
        }
        // Past the framers' cap together, the largest holder hands over.
        while let Some((from, message)) = self.framers.as_mut().and_then(PeerFramers::over_cap) {
            self.take_message(from, message, true, outbox);
        }
    }

    /// `peer`'s stream ended: what its framer still holds is its last
    /// message. A peer that only finished sending (`answerable`) may still
    /// get the answer to it; one that is gone may not.
    pub fn peer_ended(&mut self, peer: SocketAddr, answerable: bool, outbox: &Outbox) {
        if let Some(message) = self.framers.as_mut().and_then(|f| f.finish(peer)) {
            self.take_message(peer, message, answerable, outbox);
        }
        self.conns.remove(&peer);
    }

    /// Cuts the messages whose idle gap has passed: driven by the session's
    /// poll timeout ([`Inbox::next_deadline`]), not by any front end.
    pub fn cut_idle(&mut self, outbox: &Outbox) {
        let Some(framers) = &mut self.framers else {
            return;
        };
        for (peer, message) in framers.flush_due(now_us()) {
            self.take_message(peer, message, true, outbox);
        }
    }

    fn take_message(
        &mut self,
        peer: SocketAddr,
        message: Message,
        answerable: bool,
        outbox: &Outbox,
    ) {
        if answerable && let Some(reply) = self.responder.answer(peer, &message.bytes, outbox) {
            self.replies.push((peer, reply));
        }
        let conn = self.conns.get(&peer).copied().unwrap_or_default();
        self.batch
            .push_message(message.at_us, peer, conn, &message.bytes, outbox);
    }

    /// Hands the batch over (and the receive file's buffer to the system).
    pub fn flush(&mut self, outbox: &Outbox) {
        self.batch.flush(outbox);
    }

    /// The answers asked for since the last call, for their senders.
    pub fn take_replies(&mut self) -> Vec<(SocketAddr, Vec<u8>)> {
        std::mem::take(&mut self.replies)
    }

    /// Reports the answers that were held back (see [`Responder::tick`]).
    pub fn report_held(&mut self, outbox: &Outbox) {
        self.responder.tick(outbox);
    }

    /// When the session must wake for the responder's report or the next
    /// idle-gap cut, if ever.
    pub fn next_deadline(&self) -> Option<Instant> {
        let idle_cut = self
            .framers
            .as_ref()
            .and_then(PeerFramers::next_deadline_us)
            .and_then(|due_us| {
                let wait_us = u64::try_from(due_us.saturating_sub(now_us())).unwrap_or(0);
                // A gap too long to add to the clock never comes.
                Instant::now().checked_add(Duration::from_micros(wait_us))
            });
        match (self.responder.next_deadline(), idle_cut) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Event;
    use crate::net::autoreply::{Pattern, Reply};
    use crate::text::Encoding;

    fn peer() -> SocketAddr {
        "127.0.0.1:5000".parse().expect("a test address")
    }

    fn answering_ping() -> Answers {
        let rule = Rule::new(
            Pattern::Equals(b"PING\n".to_vec()),
            Reply::Bytes(b"PONG".to_vec()),
            Encoding::Utf8,
        )
        .expect("a valid rule");
        Answers {
            echo: false,
            rules: vec![rule],
        }
    }

    /// The bytes of every chunk handed over so far.
    fn received(events: &crossbeam_channel::Receiver<Event>) -> Vec<Vec<u8>> {
        events
            .try_iter()
            .filter_map(|event| match event {
                Event::Received(chunks) => Some(
                    chunks
                        .iter()
                        .map(|chunk| chunk.bytes.to_vec())
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn without_framing_every_read_is_a_message_and_is_answered_as_it_is() {
        let (outbox, events) = Outbox::for_tests();
        let local = "127.0.0.1:6000".parse().expect("a test address");
        let mut inbox = Inbox::new(answering_ping(), local, Framing::None);
        inbox.receive(peer(), b"PI", &outbox);
        inbox.receive(peer(), b"NG\n", &outbox);
        inbox.flush(&outbox);
        assert_eq!(received(&events), [b"PI".to_vec(), b"NG\n".to_vec()]);
        assert!(inbox.take_replies().is_empty(), "no read was the message");
    }

    #[test]
    fn with_framing_rules_see_whole_messages_and_the_rest_is_not_answered() {
        let (outbox, events) = Outbox::for_tests();
        let local = "127.0.0.1:6000".parse().expect("a test address");
        let framing = Framing::Delimiter(b"\n".to_vec());
        let mut inbox = Inbox::new(answering_ping(), local, framing);
        inbox.receive(peer(), b"PI", &outbox);
        inbox.flush(&outbox);
        assert!(received(&events).is_empty(), "half a message is held");
        inbox.receive(peer(), b"NG\nPING", &outbox);
        inbox.flush(&outbox);
        assert_eq!(received(&events), [b"PING\n".to_vec()]);
        assert_eq!(inbox.take_replies(), [(peer(), b"PONG".to_vec())]);
        // The peer is gone: its unfinished "PING" is its last message, and
        // nobody is left to answer.
        inbox.peer_ended(peer(), false, &outbox);
        inbox.flush(&outbox);
        assert_eq!(received(&events), [b"PING".to_vec()]);
        assert!(inbox.take_replies().is_empty());
    }

    #[test]
    fn an_idle_gap_sets_a_deadline_and_is_cut_once_it_passed() {
        let (outbox, events) = Outbox::for_tests();
        let local = "127.0.0.1:6000".parse().expect("a test address");
        let framing = Framing::IdleGap(Duration::from_millis(1));
        let mut inbox = Inbox::new(Answers::default(), local, framing);
        assert_eq!(inbox.next_deadline(), None);
        inbox.receive(peer(), b"ab", &outbox);
        let due = inbox
            .next_deadline()
            .expect("a held message has a deadline");
        // Waiting for the deadline is the session's poll timeout; here the
        // test waits for it the same way.
        std::thread::sleep(
            due.saturating_duration_since(Instant::now()) + Duration::from_millis(2),
        );
        inbox.cut_idle(&outbox);
        inbox.flush(&outbox);
        assert_eq!(received(&events), [b"ab".to_vec()]);
        assert_eq!(inbox.next_deadline(), None);
    }
}

//! Helpers shared by the engine tests: open a session, and wait for the
//! event a test expects while keeping every other event for the failure
//! message.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use netassist::net::{self, Event, SessionConfig, SessionHandle};

/// Long enough for a loaded CI machine, short enough to fail fast.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub fn open(config: SessionConfig) -> SessionHandle {
    net::spawn(config, Arc::new(|| {})).expect("the session starts")
}

/// Waits for the first event `pick` accepts, and returns what it made of it.
/// Panics with the events seen meanwhile if none comes within `PATIENCE`.
pub fn wait_for<T>(session: &SessionHandle, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match session.events().recv_timeout(left) {
            Ok(event) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
                seen.push(format!("{event:?}"));
            }
            Err(_) => {
                panic!("the expected event did not come within {PATIENCE:?}; seen: {seen:#?}")
            }
        }
    }
}

/// The local address from `Opened` (UDP, TCP server).
pub fn opened(session: &SessionHandle) -> std::net::SocketAddr {
    wait_for(session, |event| match event {
        Event::Opened { local } => Some(*local),
        Event::Stopped(error) => panic!("the session stopped: {error:?}"),
        _ => None,
    })
}

/// The text of the next error event.
pub fn next_error(session: &SessionHandle) -> String {
    wait_for(session, |event| match event {
        Event::Error(error) => Some(error.to_string()),
        _ => None,
    })
}

/// Every event that arrives within `window`, for asserting that something
/// did not happen.
pub fn drain_for(session: &SessionHandle, window: Duration) -> Vec<Event> {
    let deadline = Instant::now() + window;
    let mut events = Vec::new();
    while let Ok(event) = session
        .events()
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        events.push(event);
    }
    events
}

/// Bytes that look random and are the same every run, so a reordered or
/// lost piece of a file shows.
pub fn pattern_bytes(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_F491;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

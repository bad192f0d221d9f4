//! Rows a peer can make by the thousand (pings, handshakes pushed out)
//! are shown a few a second; the others are counted into the next one
//! shown, so a flood cannot flood the log.

use std::fmt;
use std::time::{Duration, Instant};

/// The words a row shown in place of others adds: "; N more WHAT since the
/// last one shown" (nothing for none).
pub(crate) fn write_unshown(f: &mut fmt::Formatter<'_>, unshown: u64, what: &str) -> fmt::Result {
    if unshown > 0 {
        write!(f, "; {unshown} more {what} since the last one shown")
    } else {
        Ok(())
    }
}

/// Events of one kind within the current second, and those not shown.
#[derive(Debug)]
pub(crate) struct ShownPerSecond {
    per_second: u32,
    window_start: Instant,
    in_window: u32,
    /// Counted since the last one shown, without an event of their own.
    unshown: u64,
}

impl ShownPerSecond {
    /// At most `per_second` shown in any second.
    pub(crate) fn new(per_second: u32) -> ShownPerSecond {
        ShownPerSecond {
            per_second,
            window_start: Instant::now(),
            in_window: 0,
            unshown: 0,
        }
    }

    /// Counts one; returns how many went unshown before it when this one
    /// is to be shown, and how many came in this second.
    pub(crate) fn count(&mut self) -> (Option<u64>, u32) {
        let now = Instant::now();
        if now.duration_since(self.window_start) >= Duration::from_secs(1) {
            self.window_start = now;
            self.in_window = 0;
        }
        self.in_window = self.in_window.saturating_add(1);
        if self.in_window <= self.per_second {
            (Some(std::mem::take(&mut self.unshown)), self.in_window)
        } else {
            self.unshown += 1;
            (None, self.in_window)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_shows_the_first_few_and_counts_the_rest_into_the_next_shown() {
        let mut rows = ShownPerSecond::new(2);
        assert_eq!(rows.count(), (Some(0), 1));
        assert_eq!(rows.count(), (Some(0), 2));
        assert_eq!(rows.count(), (None, 3));
        assert_eq!(rows.count(), (None, 4));
        // A second later the next one is shown with the two it stood for.
        rows.window_start -= Duration::from_secs(1);
        assert_eq!(rows.count(), (Some(2), 1));
    }
}

//! How the tab shows its log, beyond the saved settings: paused or not,
//! the search and filter with its matches, and whether the rate plot is
//! shown, and whether the TCP server's send target is picked in the
//! compact combo. None of it is remembered across restarts or reaches a
//! session.

use std::collections::BTreeMap;

use super::encoding_hint::EncodingHint;
use crate::gui::filter::{FilterCache, LogFilter};
use crate::log::LogStore;
use crate::text::Render;

#[derive(Default)]
pub struct ViewPrefs {
    /// While the display is paused: how many entries (counting dropped
    /// ones) were shown when it was paused.
    paused_total: Option<u64>,
    /// Search and filter over the log, and its matches.
    filter: LogFilter,
    filter_cache: FilterCache,
    /// Whether the rate plot is shown.
    show_rates: bool,
    /// Whether the TCP server's send target is picked in the compact combo
    /// even where the client table would fit.
    compact_targets: bool,
    /// With 自动换行 on: the heights of the rows that have been in view.
    wrapped_heights: WrappedHeights,
    /// "This looks like GBK — switch".
    encoding_hint: EncodingHint,
}

impl ViewPrefs {
    pub fn is_paused(&self) -> bool {
        self.paused_total.is_some()
    }

    pub fn set_paused(&mut self, paused: bool, log: &LogStore) {
        self.paused_total = paused.then(|| log.dropped() + log.len() as u64);
    }

    /// The log was cleared: a paused view shows nothing of what was there.
    pub fn log_cleared(&mut self) {
        if self.paused_total.is_some() {
            self.paused_total = Some(0);
        }
    }

    /// How many entries the view shows: all of them, or while paused the
    /// ones that were there when the display was paused.
    pub fn visible_len(&self, log: &LogStore) -> usize {
        match self.paused_total {
            Some(total) => {
                let shown = total.saturating_sub(log.dropped());
                (shown as usize).min(log.len())
            }
            None => log.len(),
        }
    }

    pub fn filter(&self) -> &LogFilter {
        &self.filter
    }

    pub fn filter_mut(&mut self) -> &mut LogFilter {
        &mut self.filter
    }

    /// The sequence numbers of the entries that match the filter, as far
    /// as [`ViewPrefs::update_matches`] got.
    pub fn matches(&self) -> &[u64] {
        self.filter_cache.seqs()
    }

    /// Matches the filter against entries of `log` up to `end_seq` for at
    /// most `budget`; true when entries are left for the next frame.
    pub fn update_matches(
        &mut self,
        render: Render,
        log: &LogStore,
        end_seq: u64,
        budget: std::time::Duration,
    ) -> bool {
        self.filter_cache
            .update(&self.filter, render, log, end_seq, budget)
    }

    pub fn show_rates(&self) -> bool {
        self.show_rates
    }

    pub fn show_rates_mut(&mut self) -> &mut bool {
        &mut self.show_rates
    }

    pub fn encoding_hint(&self) -> &EncodingHint {
        &self.encoding_hint
    }

    pub fn encoding_hint_mut(&mut self) -> &mut EncodingHint {
        &mut self.encoding_hint
    }

    pub fn compact_targets(&self) -> bool {
        self.compact_targets
    }

    pub fn compact_targets_mut(&mut self) -> &mut bool {
        &mut self.compact_targets
    }

    pub fn wrapped_heights(&self) -> &WrappedHeights {
        &self.wrapped_heights
    }

    pub fn wrapped_heights_mut(&mut self) -> &mut WrappedHeights {
        &mut self.wrapped_heights
    }
}

/// The heights of wrapped log rows (自动换行), measured when each row was
/// last drawn and keyed by the entry's sequence number. Only rows that have
/// been in view are ever laid out, so a million entries cost one lookup
/// each, not a layout; a row not measured yet counts as one line until it
/// comes into view, and the frame after corrects it.
#[derive(Default)]
pub struct WrappedHeights {
    /// What the heights were measured for: the data column's width and
    /// how bytes became text. A change makes every height stale.
    measured_for: Option<(f32, Render)>,
    heights: BTreeMap<u64, f32>,
}

impl WrappedHeights {
    /// Rows remembered at most; scrolling through a huge log forgets the
    /// oldest ones, which are measured again if they come back into view.
    pub const MAX_REMEMBERED: usize = 10_000;

    /// Forgets every height when the column width or the rendering changed
    /// since they were measured; true when it did.
    pub fn measure_for(&mut self, width: f32, render: Render) -> bool {
        let same = self.measured_for.is_some_and(|(was_width, was_render)| {
            (was_width - width).abs() < 0.5 && was_render == render
        });
        if !same {
            self.heights.clear();
            self.measured_for = Some((width, render));
        }
        !same
    }

    /// The width the heights were measured for, if any.
    pub fn width(&self) -> Option<f32> {
        self.measured_for.map(|(width, _)| width)
    }

    /// The height of each row, in the order of `seqs` (which must rise, as
    /// the log's rows do): the measured one, or `one_line`.
    pub fn heights<'a>(
        &'a self,
        seqs: impl Iterator<Item = u64> + 'a,
        one_line: f32,
    ) -> impl Iterator<Item = f32> + 'a {
        let mut measured = self.heights.iter().peekable();
        seqs.map(move |seq| {
            while measured.next_if(|&(&at, _)| at < seq).is_some() {}
            match measured.peek() {
                Some(&(&at, &height)) if at == seq => height,
                _ => one_line,
            }
        })
    }

    /// Remembers a row's height as drawn; true when it differs from what
    /// the row was known by before (`one_line` if nothing), so another
    /// frame lays it out right.
    pub fn remember(&mut self, seq: u64, height: f32, one_line: f32) -> bool {
        let before = self.heights.insert(seq, height).unwrap_or(one_line);
        while self.heights.len() > Self::MAX_REMEMBERED {
            self.heights.pop_first();
        }
        (height - before).abs() > 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Encoding;

    #[test]
    fn measured_rows_keep_their_height_and_others_are_one_line() {
        let render = Render {
            encoding: Encoding::Utf8,
            hex: false,
        };
        let mut heights = WrappedHeights::default();
        assert!(heights.measure_for(300.0, render));
        assert!(!heights.measure_for(300.0, render));
        assert!(heights.remember(5, 60.0, 20.0));
        assert!(!heights.remember(5, 60.0, 20.0));
        assert!(!heights.remember(7, 20.0, 20.0));
        let all: Vec<f32> = heights.heights(3..9, 20.0).collect();
        assert_eq!(all, [20.0, 20.0, 60.0, 20.0, 20.0, 20.0]);
        // A narrower column wraps differently: every row is measured again.
        assert!(heights.measure_for(200.0, render));
        let all: Vec<f32> = heights.heights(5..6, 20.0).collect();
        assert_eq!(all, [20.0]);
    }

    #[test]
    fn at_most_max_remembered_rows_are_kept() {
        let render = Render {
            encoding: Encoding::Utf8,
            hex: true,
        };
        let mut heights = WrappedHeights::default();
        heights.measure_for(300.0, render);
        for seq in 0..(WrappedHeights::MAX_REMEMBERED as u64 + 10) {
            heights.remember(seq, 40.0, 20.0);
        }
        assert_eq!(heights.heights.len(), WrappedHeights::MAX_REMEMBERED);
        assert_eq!(heights.heights(0..1, 20.0).next(), Some(20.0));
    }
}

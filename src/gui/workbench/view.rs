//! How the tab shows its log, beyond the saved settings: paused or not,
//! the search and filter with its matches, and whether the rate plot is
//! shown. None of it is remembered across restarts or reaches a session.

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
}

//! What the log's buttons do: clear, copy, save, reset counters.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::Workbench;
use crate::log::format_line;

impl Workbench {
    // ----- log actions -----

    pub fn reset_counters(&mut self) {
        self.mirror.reset_counters();
    }

    pub fn clear_log(&mut self) {
        self.mirror.log_mut().clear();
        self.view.log_cleared();
    }

    /// The visible log as text lines, the same as the CLI prints.
    pub fn log_text(&self) -> String {
        let render = self.render();
        let mut text = String::new();
        for i in 0..self.visible_len() {
            if let Some(entry) = self.log().get(i) {
                text.push_str(&format_line(&entry, render, self.settings.view.stamp()));
                text.push('\n');
            }
        }
        text
    }

    /// Writes every entry as a text line to `path`; returns the count.
    pub fn save_log(&self, path: &Path) -> io::Result<usize> {
        let render = self.render();
        let mut out = BufWriter::new(std::fs::File::create(path)?);
        let mut count = 0;
        for entry in self.log().iter() {
            writeln!(
                out,
                "{}",
                format_line(&entry, render, self.settings.view.stamp())
            )?;
            count += 1;
        }
        out.flush()?;
        Ok(count)
    }
}

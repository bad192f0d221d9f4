//! The status bar: session state, RX/TX counters with their reset, and the
//! last error as a sentence.

use egui::{RichText, Ui};

use super::i18n;
use super::workbench::{SessionState, Workbench};

/// Bytes as a person reads them: 1.5 KiB, 12.3 MiB. Binary units, as the
/// value is counted in 1,024s and as the log's rates (KiB/s) are written,
/// so that a size and a rate beside it read in the same unit.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn status_ui(ui: &mut Ui, bench: &mut Workbench) {
    let lang = bench.settings().lang;
    // A long sentence (a load problem, an error) wraps onto more lines of
    // the bar instead of running off its end.
    ui.horizontal_wrapped(|ui| {
        let state = match bench.state() {
            SessionState::Closed => lang.t(&i18n::READY).to_owned(),
            SessionState::Opening => lang.t(&i18n::STATE_OPENING).to_owned(),
            SessionState::Connecting(addr) => {
                format!("{} {addr}…", lang.t(&i18n::STATE_CONNECTING))
            }
            SessionState::Open { local } => {
                let protocol = bench.settings().protocol;
                let verb = if protocol.sends_datagrams() {
                    &i18n::STATE_BOUND
                } else if protocol.serves_files() {
                    &i18n::STATE_SERVING
                } else {
                    &i18n::STATE_LISTENING
                };
                format!("{} {local}", lang.t(verb))
            }
            SessionState::Connected { peer } => {
                format!("{} {peer}", lang.t(&i18n::STATE_CONNECTED))
            }
            SessionState::Transferring => lang.t(&i18n::RUNNING).to_owned(),
            SessionState::Closing => lang.t(&i18n::STATE_CLOSED).to_owned(),
        };
        ui.strong(state);
        // A TLS client that accepts any certificate says so for as long as
        // it runs (the engine's warning event at connect turns it on).
        if bench.is_active() && bench.security().insecure {
            ui.label(
                RichText::new(lang.t(&i18n::SEC_INSECURE_STATUS))
                    .color(ui.visuals().warn_fg_color)
                    .strong(),
            );
        }
        ui.separator();
        let counters = &bench.counters();
        ui.monospace(format!("{}/{}", counters.rx_msgs, counters.tx_msgs))
            .on_hover_text(lang.t(&i18n::MESSAGES_HINT));
        let exact = |bytes: u64| format!("{bytes} {}", lang.t(&i18n::BYTES_EXACT));
        ui.monospace(format!(
            "{}: {}",
            lang.t(&i18n::RX_COUNTER),
            human_bytes(counters.rx_bytes)
        ))
        .on_hover_text(exact(counters.rx_bytes));
        ui.monospace(format!(
            "{}: {}",
            lang.t(&i18n::TX_COUNTER),
            human_bytes(counters.tx_bytes)
        ))
        .on_hover_text(exact(counters.tx_bytes));
        let queued = bench.send_queue_bytes();
        if queued > 0 {
            // Backpressure: the peer reads slower than we send. No event
            // comes when the queue drains, so look again soon.
            ui.label(
                RichText::new(format!(
                    "{} {}",
                    human_bytes(queued as u64),
                    lang.t(&i18n::QUEUED)
                ))
                .color(ui.visuals().warn_fg_color),
            )
            .on_hover_text(format!(
                "{} {} MiB",
                lang.t(&i18n::QUEUE_LIMIT_HINT),
                crate::net::MAX_QUEUED_BYTES >> 20
            ));
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
        if counters.rx_dropped > 0 {
            // UDP datagrams the window could not keep up with: counted,
            // never silent.
            ui.label(
                RichText::new(format!(
                    "{} {} ({})",
                    counters.rx_dropped,
                    lang.t(&i18n::RX_NOT_KEPT),
                    human_bytes(counters.rx_dropped_bytes)
                ))
                .color(ui.visuals().warn_fg_color),
            )
            .on_hover_text(format!(
                "{} {} MiB",
                lang.t(&i18n::RX_NOT_KEPT_HINT),
                crate::net::MAX_EVENT_BYTES >> 20
            ));
        }
        if ui.small_button(lang.t(&i18n::RESET_COUNTERS)).clicked() {
            bench.reset_counters();
        }
        ui.toggle_value(bench.view_mut().show_rates_mut(), lang.t(&i18n::RATE_PLOT))
            .on_hover_text(lang.t(&i18n::RATE_PLOT_HINT));
        if let Some(error) = bench.last_error().or(bench.errors().other.clone()) {
            ui.separator();
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        } else if let Some(notice) = bench.notice() {
            ui.separator();
            ui.label(notice);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes_read_like_a_person_writes_them() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 << 20), "5.0 MiB");
    }
}

//! The rate plot: RX and TX bytes per second and messages per second over
//! the last five minutes, side by side, with a readout of the last second.
//! Drawing only; the seconds come from `rate.rs`.

use std::time::Instant;

use egui::accesskit::Role;
use egui::{Ui, WidgetInfo};
use egui_plot::{
    GridInput, GridMark, HoverPosition, Legend, Line, Plot, PlotPoints, uniform_grid_spacer,
};

use super::i18n::{self, Lang};
use super::rate::{RateSample, WINDOW_SECS, byte_axis_unit};
use super::workbench::Workbench;
use crate::describe::{RateUnit, rate_text};

/// Room for four digits and the tick margins, so the Y ticks are never cut
/// off at the panel's edge (the plot otherwise learns its axis width from
/// the frame before, and an idle window draws no frame before).
const Y_AXIS_MIN_WIDTH: f32 = 44.0;

/// Grid lines at least this far apart, in points (egui_plot's default,
/// from which it computes `GridInput::base_step_size`).
const GRID_MIN_SPACING: f64 = 8.0;
/// Tick labels this far apart are drawn at full strength (egui_plot's
/// label spacing): a Y label needs its text height, an X label its width.
const Y_LABEL_SPACING: f64 = 30.0;
const X_LABEL_SPACING: f64 = 80.0;

/// One plot's words and numbers.
struct Series<'s> {
    id: &'static str,
    title: &'static str,
    unit: &'s str,
    /// Whether a tick between whole numbers means nothing (bytes,
    /// messages), or the unit is large enough to be split (KiB/s, MiB/s).
    whole_ticks: bool,
    rx: PlotPoints<'static>,
    tx: PlotPoints<'static>,
}

pub fn rate_plot_ui(ui: &mut Ui, bench: &Workbench) {
    let lang = bench.settings().lang;
    let seconds = bench.mirror().rates().recent(Instant::now());
    readout_ui(ui, lang, seconds.last().copied().unwrap_or_default());

    let byte_unit = byte_axis_unit(&seconds);
    let bytes_per_unit = byte_unit.bytes_per_unit();
    let bytes = Series {
        id: "rate_bytes",
        title: lang.t(&i18n::RATE_BYTES_TITLE),
        unit: byte_unit.symbol(),
        whole_ticks: byte_unit == RateUnit::BytesPerSec,
        rx: points(&seconds, |s| s.rx_bytes as f64 / bytes_per_unit),
        tx: points(&seconds, |s| s.tx_bytes as f64 / bytes_per_unit),
    };
    let messages = Series {
        id: "rate_messages",
        title: lang.t(&i18n::RATE_MESSAGES_TITLE),
        unit: lang.t(&i18n::RATE_MESSAGES_UNIT),
        whole_ticks: true,
        rx: points(&seconds, |s| s.rx_msgs as f64),
        tx: points(&seconds, |s| s.tx_msgs as f64),
    };
    ui.columns(2, |columns| {
        series_plot_ui(&mut columns[0], lang, bytes);
        series_plot_ui(&mut columns[1], lang, messages);
    });
}

/// The last whole second in words, for reading the value rather than the
/// line's height.
fn readout_ui(ui: &mut Ui, lang: Lang, last: RateSample) {
    let messages_unit = lang.t(&i18n::RATE_MESSAGES_UNIT);
    let one_second = std::time::Duration::from_secs(1);
    ui.horizontal_wrapped(|ui| {
        ui.label(lang.t(&i18n::RATE_LAST_SECOND));
        ui.label(format!(
            "{} {} · {} {messages_unit}",
            lang.t(&i18n::RATE_RX),
            rate_text(last.rx_bytes, one_second),
            last.rx_msgs
        ));
        ui.label(format!(
            "{} {} · {} {messages_unit}",
            lang.t(&i18n::RATE_TX),
            rate_text(last.tx_bytes, one_second),
            last.tx_msgs
        ));
    });
}

/// One point per second, the newest at 0 and older ones at minus their
/// age, so consecutive points are one second apart and an idle second is
/// a point at zero.
fn points(seconds: &[RateSample], value: impl Fn(&RateSample) -> f64) -> PlotPoints<'static> {
    let newest = seconds.len().saturating_sub(1) as f64;
    seconds
        .iter()
        .enumerate()
        .map(|(index, second)| [index as f64 - newest, value(second)])
        .collect()
}

fn series_plot_ui(ui: &mut Ui, lang: Lang, series: Series<'_>) {
    let Series {
        id,
        title,
        unit,
        whole_ticks,
        rx,
        tx,
    } = series;
    let seconds_ago = lang.t(&i18n::RATE_SECONDS_AGO);
    let hover_unit = unit.to_owned();
    let response = Plot::new(id)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        // Only hovered (for the value under the pointer): the plot is a
        // readout, not a control, and its legend's entries are the controls.
        .sense(egui::Sense::hover())
        // A fixed five minutes, so a second is always as wide and the
        // scale reads like an instrument's.
        .include_x(-((WINDOW_SECS - 1) as f64))
        .include_x(0.0)
        // Rates are never negative; the range is at least one unit high so
        // an idle plot still shows a scale rather than ±1 around zero.
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label(seconds_ago)
        .y_axis_label(unit)
        // Ticks at 1, 2 or 5 times a power of ten, as close as their
        // labels fit: egui_plot's own steps are powers of ten only, which
        // left a short plot with a single label, "0".
        .x_grid_spacer(uniform_grid_spacer(|input| {
            nice_steps(input, X_LABEL_SPACING, true)
        }))
        .y_grid_spacer(uniform_grid_spacer(move |input| {
            nice_steps(input, Y_LABEL_SPACING, whole_ticks)
        }))
        .x_axis_formatter(|mark, _| seconds_ago_tick(mark))
        .y_axis_formatter(|mark, _| rate_tick(mark))
        .y_axis_min_width(Y_AXIS_MIN_WIDTH)
        .label_formatter(move |hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}: {:.1} {hover_unit}\n{:.0} {seconds_ago}",
                position.y, -position.x
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            plot.line(Line::new(lang.t(&i18n::RATE_RX), rx));
            plot.line(Line::new(lang.t(&i18n::RATE_TX), tx));
        })
        .response;
    // The axes are painted, not widgets: the plot itself carries their
    // titles and units for screen readers (and for the window's tests).
    let description = format!(
        "{title} ({unit}) · {}{seconds_ago}",
        lang.t(&i18n::RATE_TIME_AXIS)
    );
    response.widget_info(|| WidgetInfo::labeled(Role::Figure, true, &description));
}

/// Grid steps for an axis: the labelled one the smallest of 1, 2 or 5
/// times a power of ten whose labels are `label_spacing` points apart
/// (never below 1 for `whole`), with a finer and a coarser one for the
/// grid lines.
fn nice_steps(input: GridInput, label_spacing: f64, whole: bool) -> [f64; 3] {
    let per_point = input.base_step_size / GRID_MIN_SPACING;
    let at_least = if per_point.is_finite() && per_point > 0.0 {
        per_point * label_spacing
    } else {
        1.0
    };
    let step = nice_step(if whole { at_least.max(1.0) } else { at_least });
    [step / 2.0, step, step * 10.0]
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least
/// `at_least` (a positive, finite number).
fn nice_step(at_least: f64) -> f64 {
    // The power of ten by a whole exponent, and below 1 as a division:
    // exact or correctly rounded on every platform, where `powf` is not
    // (on Windows 10^-2 comes out a bit off, and a step of 0.05 as
    // 0.05000000000000001), so the steps are the same numbers everywhere.
    let exponent = at_least.log10().floor() as i32;
    let power = if exponent >= 0 {
        10f64.powi(exponent)
    } else {
        1.0 / 10f64.powi(-exponent)
    };
    [1.0, 2.0, 5.0]
        .into_iter()
        .map(|multiple| multiple * power)
        .find(|step| *step >= at_least)
        .unwrap_or(10.0 * power)
}

/// An X tick: how many seconds ago, as a whole number; nothing right of
/// now.
fn seconds_ago_tick(mark: GridMark) -> String {
    if mark.value > 0.0 {
        return String::new();
    }
    format!("{:.0}", mark.value.abs())
}

/// A Y tick in the axis's unit, with as few decimals as show its value
/// exactly (0, 2.5, 0.25); nothing below zero, where no rate lies.
fn rate_tick(mark: GridMark) -> String {
    if mark.value < 0.0 {
        return String::new();
    }
    let decimals = (0..3)
        .find(|&decimals| {
            let scaled = mark.value * 10f64.powi(decimals);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(3);
    format!("{:.*}", decimals as usize, mark.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(value: f64, step_size: f64) -> GridMark {
        GridMark { value, step_size }
    }

    #[test]
    fn ticks_read_as_numbers_in_the_axis_unit() {
        assert_eq!(rate_tick(mark(0.0, 1.0)), "0");
        assert_eq!(rate_tick(mark(1000.0, 100.0)), "1000");
        assert_eq!(rate_tick(mark(0.5, 0.1)), "0.5");
        assert_eq!(rate_tick(mark(2.5, 2.5)), "2.5");
        assert_eq!(rate_tick(mark(0.25, 0.05)), "0.25");
        assert_eq!(rate_tick(mark(20.000000001, 5.0)), "20");
        assert_eq!(rate_tick(mark(-1.0, 1.0)), "");
        assert_eq!(seconds_ago_tick(mark(-60.0, 10.0)), "60");
        assert_eq!(seconds_ago_tick(mark(0.0, 10.0)), "0");
        assert_eq!(seconds_ago_tick(mark(10.0, 10.0)), "");
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(40.0), 50.0);
        assert_eq!(nice_step(51.0), 100.0);
        // A plot 80 points high showing 0..50: labels every 20, three of
        // them, where powers of ten gave only "0".
        let input = |base_step_size| GridInput {
            bounds: (0.0, 50.0),
            base_step_size,
        };
        assert_eq!(nice_steps(input(50.0 / 80.0 * 8.0), 30.0, false)[1], 20.0);
        // Bytes and messages are whole: no tick at half a message.
        assert_eq!(nice_steps(input(0.01), 30.0, true)[1], 1.0);
        assert_eq!(nice_steps(input(0.01), 30.0, false)[1], 0.05);
    }

    #[test]
    fn idle_seconds_are_points_at_zero() {
        let busy = RateSample {
            rx_bytes: 2048,
            ..RateSample::default()
        };
        let seconds = [busy, RateSample::default(), RateSample::default(), busy];
        let rx = points(&seconds, |s| s.rx_bytes as f64);
        let xy: Vec<(f64, f64)> = rx.points().iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(
            xy,
            [(-3.0, 2048.0), (-2.0, 0.0), (-1.0, 0.0), (0.0, 2048.0)]
        );
    }
}

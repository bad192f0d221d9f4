//! The waveform (数据波形): numbers in received data as lines per
//! channel, with a legend, pause, zoom (the plot's own drag and scroll),
//! clear and CSV export; in the tools drawer, or large in a window of its
//! own.

use egui::{Context, Id, Rect, Ui, Vec2, vec2};
use egui_plot::{Legend, Line, Plot, PlotPoints};

use super::dialog::DialogPurpose;
use super::i18n::{self, Lang};
use super::workbench::Workbench;
use crate::waveform::{MAX_SAMPLES_PER_CHANNEL, WaveFormat};

/// The plot's height in the drawer.
const PLOT_HEIGHT: f32 = 220.0;

/// The share of the window's width and height the waveform's own window
/// takes when it first opens: at 800×600 its plot is about 600×330 points,
/// its axes whole, and the window still shows the edges of the panels
/// behind it.
const WINDOW_SHARE: Vec2 = vec2(0.85, 0.8);

/// The smallest the waveform's own window may be made.
const WINDOW_MIN_SIZE: Vec2 = vec2(320.0, 240.0);

/// Draws the tool in the drawer; returns the dialog its Export button asks
/// for. Shown in its own window, the drawer keeps only the button that
/// opened it.
pub fn waveform_tool_ui(ui: &mut Ui, bench: &mut Workbench, lang: Lang) -> Option<DialogPurpose> {
    let tool = &mut bench.tool_kit_mut().waveform;
    ui.toggle_value(&mut tool.in_window, lang.t(&i18n::TOOL_WAVE_OPEN_WINDOW))
        .on_hover_text(lang.t(&i18n::TOOL_WAVE_OPEN_WINDOW_HINT));
    if tool.in_window {
        ui.label(lang.t(&i18n::TOOL_WAVE_IN_WINDOW));
        return None;
    }
    waveform_body_ui(ui, bench, lang, Some(PLOT_HEIGHT))
}

/// The waveform's own window, while the user has it open: every control
/// of the drawer's section, and the plot in all the room left. It stays
/// open while the drawer is closed; its × puts it back in the drawer.
pub fn waveform_window_ui(ctx: &Context, bench: &mut Workbench) -> Option<DialogPurpose> {
    let window_id = Id::unique("waveform-window");
    // Placed anew each time it opens, at a share of the window as it is
    // now: egui keeps a window's rect across runs, and one kept from a
    // larger window would cover a smaller one whole.
    let placed_id = window_id.with("placed");
    if !bench.tool_kit().waveform.in_window {
        ctx.data_mut(|data| data.remove::<bool>(placed_id));
        return None;
    }
    let lang = bench.settings().lang;
    let screen = ctx.content_rect();
    let first_rect = Rect::from_center_size(screen.center(), screen.size() * WINDOW_SHARE);
    let mut open = true;
    let mut wanted = None;
    let mut window = egui::Window::new(lang.t(&i18n::TOOL_WAVEFORM))
        // The same window in either language.
        .id(window_id)
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .min_size(WINDOW_MIN_SIZE);
    if !ctx.data(|data| data.get_temp::<bool>(placed_id).unwrap_or(false)) {
        // The rect goes straight into egui's memory of the window:
        // `Window::current_pos` gives way to the remembered position (which
        // a window moved by its title bar keeps), and the remembered size
        // would push the new position back into the main window.
        let first_state = egui::AreaState {
            pivot_pos: Some(first_rect.min),
            pivot: egui::Align2::LEFT_TOP,
            size: Some(first_rect.size()),
            interactable: true,
            last_became_visible_at: None,
        };
        ctx.memory_mut(|memory| {
            let layer = egui::LayerId::new(egui::Order::Middle, window_id);
            memory.areas_mut().set_state(layer, first_state);
        });
        // For this frame only: resizable again from the next.
        window = window.fixed_size(first_rect.size());
        ctx.data_mut(|data| data.insert_temp(placed_id, true));
    }
    window.show(ctx, |ui| wanted = waveform_body_ui(ui, bench, lang, None));
    bench.tool_kit_mut().waveform.in_window = open;
    wanted
}

/// The tool's controls and its plot, `plot_height` points high, or with
/// `None` as high as the room the controls leave.
fn waveform_body_ui(
    ui: &mut Ui,
    bench: &mut Workbench,
    lang: Lang,
    plot_height: Option<f32>,
) -> Option<DialogPurpose> {
    let tool = &mut bench.tool_kit_mut().waveform;
    let mut wanted = None;
    ui.checkbox(&mut tool.enabled, lang.t(&i18n::TOOL_WAVE_PLOT))
        .on_hover_text(lang.t(&i18n::TOOL_WAVE_PLOT_HINT));
    let mut format = tool.format();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(lang.t(&i18n::TOOL_WAVE_FORMAT));
        egui::ComboBox::from_id_salt("wave-format")
            .selected_text(format_name(format, lang))
            .show_ui(ui, |ui| {
                for choice in [WaveFormat::TextLines, WaveFormat::JustFloat] {
                    ui.selectable_value(&mut format, choice, format_name(choice, lang));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(lang.t(&i18n::TOOL_WAVE_FORMAT_HINT));
    });
    tool.set_format(format);
    ui.horizontal_wrapped(|ui| {
        ui.toggle_value(&mut tool.paused, lang.t(&i18n::TOOL_WAVE_PAUSE));
        if ui.button(lang.t(&i18n::TOOL_WAVE_CLEAR)).clicked() {
            tool.clear();
        }
        let has_samples = tool.store().records() > 0;
        if ui
            .add_enabled(
                has_samples,
                egui::Button::new(lang.t(&i18n::TOOL_WAVE_EXPORT)),
            )
            .clicked()
        {
            wanted = Some(DialogPurpose::WaveformCsv);
        }
    });
    let store = tool.store();
    let samples: usize = store.channels().iter().map(|c| c.samples.len()).sum();
    ui.label(format!(
        "{samples} {} · {} {}",
        lang.t(&i18n::TOOL_WAVE_SAMPLES),
        store.channels().len(),
        lang.t(&i18n::TOOL_WAVE_CHANNELS)
    ))
    .on_hover_text(format!("≤ {MAX_SAMPLES_PER_CHANNEL} / CH"));
    if tool.skipped() > 0 {
        ui.label(format!(
            "{} {}",
            lang.t(&i18n::TOOL_WAVE_SKIPPED),
            tool.skipped()
        ));
    }
    if store.values_without_room() > 0 {
        ui.label(format!(
            "{} {}",
            lang.t(&i18n::TOOL_WAVE_NO_ROOM),
            store.values_without_room()
        ));
    }
    let plot = Plot::new("waveform")
        .height(plot_height.unwrap_or_else(|| ui.available_height()))
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_label(lang.t(&i18n::TOOL_WAVE_SAMPLE_AXIS))
        .show(ui, |plot| {
            // Followed automatically, the plot shows every sample; zoomed
            // or dragged, only those in view. Either way at most about two
            // points per pixel column are drawn.
            let bounds = plot.plot_bounds();
            let x_range = (!plot.auto_bounds().x).then(|| (bounds.min()[0], bounds.max()[0]));
            let buckets = plot.response().rect.width().max(100.0) as usize;
            for channel in store.channels() {
                let points = PlotPoints::from(channel.plot_points(x_range, buckets));
                plot.line(Line::new(channel.key.label(), points));
            }
        });
    // Named for screen readers (and for tests, which measure it).
    let plot_name = lang.t(&i18n::TOOL_WAVE_PLOT_AREA);
    plot.response
        .widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Figure, true, plot_name));
    wanted
}

fn format_name(format: WaveFormat, lang: Lang) -> &'static str {
    lang.t(match format {
        WaveFormat::TextLines => &i18n::TOOL_WAVE_TEXT,
        WaveFormat::JustFloat => &i18n::TOOL_WAVE_JUSTFLOAT,
    })
}

/// Saves the samples where the user chose; says where, or why not.
pub fn export_csv(bench: &mut Workbench, path: &std::path::Path) {
    let lang = bench.settings().lang;
    match bench.tool_kit().waveform.export_csv(path) {
        Ok(()) => bench.set_notice(format!(
            "{} {}",
            lang.t(&i18n::TOOL_WAVE_EXPORTED),
            path.display()
        )),
        Err(e) => {
            let cannot_save = lang.t(&i18n::CANNOT_SAVE);
            bench.errors_mut().other = Some(format!("{cannot_save} {}: {e}", path.display()));
        }
    }
}

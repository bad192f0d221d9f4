//! Where a scroll area's viewport is, and which ways it scrolls, told to
//! assistive technology.
//!
//! egui gives a scroll area's content an accessibility node with no role
//! and no bounds, so a screen reader (and the layout test, which reads the
//! same tree) cannot tell a widget scrolled out of view from one drawn
//! outside its panel. Every scroll area in the window calls
//! [`mark_scroll_viewport`] first thing inside its content.

use egui::accesskit;

/// How a scroll area's content may be wider than its viewport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sideways {
    /// It scrolls up and down only, and what is in it fits its width (the
    /// settings panel, the tools drawer, the pickers): a control past its
    /// right edge is cut, and there is no scroll bar to bring it back.
    Fits,
    /// It scrolls sideways too (a strip of tabs that wraps does not need
    /// it; kept for what must).
    Scrolls,
    /// A table: its long cells are cut at their column on purpose (a log
    /// row's whole text is in its copy and its tooltip), its controls fit.
    Table,
}

/// Marks the `Ui` a scroll area gives its content as a scroll view whose
/// bounds are the visible part (its clip rectangle), which clips its
/// children and which scrolls up and down, and sideways if `sideways` says
/// so (a table is told as one).
pub fn mark_scroll_viewport(ui: &egui::Ui, sideways: Sideways) {
    let clip = ui.clip_rect();
    // The content starts at the top left of the `Ui`'s rect, which moves
    // as the area scrolls: how far the view is from that start.
    let offset = clip.min - ui.max_rect().min;
    ui.ctx().accesskit_node_builder(ui.unique_id(), |node| {
        node.set_role(match sideways {
            Sideways::Table => accesskit::Role::Table,
            Sideways::Fits | Sideways::Scrolls => accesskit::Role::ScrollView,
        });
        node.set_clips_children();
        node.set_bounds(accesskit::Rect {
            x0: clip.min.x.into(),
            y0: clip.min.y.into(),
            x1: clip.max.x.into(),
            y1: clip.max.y.into(),
        });
        node.set_scroll_y(offset.y.into());
        node.set_scroll_y_min(0.0);
        if sideways == Sideways::Scrolls {
            node.set_scroll_x(offset.x.into());
            node.set_scroll_x_min(0.0);
        }
    });
}

//! Where a scroll area's viewport is, told to assistive technology.
//!
//! egui gives a scroll area's content an accessibility node with no role
//! and no bounds, so a screen reader (and the layout test, which reads the
//! same tree) cannot tell a widget scrolled out of view from one drawn
//! outside its panel. Every scroll area in the window calls
//! [`mark_scroll_viewport`] first thing inside its content.

use egui::accesskit;

/// Marks the `Ui` a scroll area gives its content as a scroll view whose
/// bounds are the visible part (its clip rectangle) and which clips its
/// children.
pub fn mark_scroll_viewport(ui: &egui::Ui) {
    let clip = ui.clip_rect();
    ui.ctx().accesskit_node_builder(ui.unique_id(), |node| {
        node.set_role(accesskit::Role::ScrollView);
        node.set_clips_children();
        node.set_bounds(accesskit::Rect {
            x0: clip.min.x.into(),
            y0: clip.min.y.into(),
            x1: clip.max.x.into(),
            y1: clip.max.y.into(),
        });
    });
}

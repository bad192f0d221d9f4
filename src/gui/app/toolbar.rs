//! The toolbar: the title and the tabs, and at the right edge 配置, 工具,
//! "+", the language and the theme; tabs that do not fit beside the title
//! get rows of their own below, which wrap.

use egui::RichText;

use super::App;
use crate::gui::fields_ui::button_width;
use crate::gui::i18n::{self, Lang};
use crate::gui::settings::Settings;

impl App {
    pub(super) fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.workbench().settings().lang;
        let mut close_tab = None;
        let mut tabs_below = false;
        ui.horizontal(|ui| {
            // The window's own choices keep the right edge and are laid out
            // first; the title and the tabs get what is left.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let settings = self.tabs[self.active].settings_mut();
                ui.checkbox(&mut settings.dark_mode, lang.t(&i18n::DARK_MODE))
                    .on_hover_text(lang.t(&i18n::DARK_MODE_HINT));
                ui.separator();
                ui.selectable_value(&mut settings.lang, Lang::En, "English");
                ui.selectable_value(&mut settings.lang, Lang::Zh, "简体中文");
                ui.label(format!("{}:", lang.t(&i18n::LANGUAGE)));
                ui.separator();
                self.new_tab_button_ui(ui, lang);
                ui.toggle_value(&mut self.show_tools, lang.t(&i18n::TOOLS))
                    .on_hover_text(lang.t(&i18n::TOOLS_HINT));
                self.profiles_menu_ui(ui, lang);
                let room = ui.available_width();
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.strong(lang.t(&i18n::APP_TITLE));
                    ui.separator();
                    let title_width = room - ui.available_width();
                    tabs_below = title_width + self.tab_strip_width(ui) > room;
                    if !tabs_below {
                        close_tab = self.tab_strip_ui(ui, lang);
                    }
                });
            });
        });
        // Tabs that do not fit beside the title get rows of their own,
        // which wrap: every tab and its × stay whole and clickable at any
        // count and width (a strip that scrolled sideways hid the lower
        // half of each tab under its scroll bar, issue 22, 2).
        if tabs_below {
            ui.horizontal_wrapped(|ui| close_tab = self.tab_strip_ui(ui, lang));
        }
        if let Some(index) = close_tab {
            // Dropping the workbench closes its session.
            self.tabs.remove(index);
            self.active = self.active.min(self.tabs.len() - 1);
            self.dialog = None;
        }
        self.sync_shared_settings();
    }

    /// How wide the tabs are in one row, with the × of the one in view.
    fn tab_strip_width(&self, ui: &egui::Ui) -> f32 {
        let tabs: f32 = (0..self.tabs.len())
            .map(|index| button_width(ui, &App::tab_title(&self.tabs[index], index)))
            .sum();
        let close = if self.tabs.len() > 1 {
            button_width(ui, "×")
        } else {
            0.0
        };
        tabs + close
    }

    /// One button per tab, and a × beside the one in view. Returns the tab
    /// whose × was clicked.
    pub(super) fn tab_strip_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<usize> {
        let mut close_tab = None;
        // A tab's title is never broken across rows: a tab that does not
        // fit at the end of a row starts the next one.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        for index in 0..self.tabs.len() {
            let title = App::tab_title(&self.tabs[index], index);
            if index != self.active || self.tabs.len() == 1 {
                if ui
                    .selectable_label(index == self.active, RichText::new(title))
                    .clicked()
                {
                    self.active = index;
                }
                continue;
            }
            // The tab in view and its × are laid out as one piece, so a
            // row that ends between them does not leave the × alone on
            // the next one.
            let pair = egui::vec2(
                button_width(ui, &title) + button_width(ui, "×"),
                ui.spacing().interact_size.y,
            );
            ui.allocate_ui_with_layout(
                pair,
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    let _ = ui.selectable_label(true, RichText::new(title));
                    let close = ui.small_button("×").on_hover_text(lang.t(&i18n::CLOSE_TAB));
                    // "×" says nothing to a screen reader: named by its
                    // tooltip.
                    ui.ctx().accesskit_node_builder(close.id, |node| {
                        node.set_label(lang.t(&i18n::CLOSE_TAB));
                    });
                    if close.clicked() {
                        close_tab = Some(index);
                    }
                },
            );
        }
        close_tab
    }

    /// "+": a new tab, shown at once.
    pub(super) fn new_tab_button_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let new_tab = ui.button("+").on_hover_text(lang.t(&i18n::NEW_TAB));
        // "+" says nothing to a screen reader: it is named by its tooltip.
        ui.ctx()
            .accesskit_node_builder(new_tab.id, |node| node.set_label(lang.t(&i18n::NEW_TAB)));
        if new_tab.clicked() {
            // A new tab starts from the defaults of the protocol in
            // view, not a copy of its tab: a copy's port is this very
            // window's ("already in use") and its rules are not wanted.
            let current = &self.workbench().settings();
            let taken = self.ports_of_other_tabs(usize::MAX);
            let settings =
                Settings::for_new_tab(current.protocol, current.lang, current.dark_mode, &taken);
            let bench = self.new_workbench(settings);
            self.tabs.push(bench);
            self.active = self.tabs.len() - 1;
        }
    }

    /// 配置: save the tab's settings under a name, load or delete one.
    pub(super) fn profiles_menu_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        ui.menu_button(lang.t(&i18n::PROFILES), |ui| {
            ui.horizontal(|ui| {
                let label = ui.label(lang.t(&i18n::PROFILE_NAME));
                ui.add(egui::TextEdit::singleline(&mut self.profile_name).desired_width(120.0))
                    .labelled_by(label.id);
                let name = self.profile_name.trim().to_owned();
                if ui
                    .add_enabled(
                        !name.is_empty(),
                        egui::Button::new(lang.t(&i18n::PROFILE_SAVE)),
                    )
                    .clicked()
                {
                    let settings = self.workbench().settings().clone();
                    self.profiles.insert(name, settings);
                    self.profile_name.clear();
                }
            });
            if self.profiles.is_empty() {
                ui.label(lang.t(&i18n::PROFILE_NONE));
            }
            let mut load = None;
            let mut delete = None;
            let busy = self.workbench().is_active();
            for name in self.profiles.keys() {
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(!busy, egui::Button::new(name))
                        .on_hover_text(lang.t(&i18n::PROFILE_LOAD))
                        .on_disabled_hover_text(lang.t(&i18n::PROFILE_BUSY))
                        .clicked()
                    {
                        load = Some(name.clone());
                    }
                    if ui
                        .small_button("×")
                        .on_hover_text(lang.t(&i18n::QUICK_DELETE))
                        .clicked()
                    {
                        delete = Some(name.clone());
                    }
                });
            }
            if let Some(settings) = load.and_then(|name| self.profiles.get(&name).cloned()) {
                self.workbench_mut().load_profile(settings);
                ui.close();
            }
            if let Some(name) = delete {
                self.profiles.remove(&name);
            }
        });
    }
}

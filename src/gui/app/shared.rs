//! What the tabs share and tell each other: the window's language and
//! theme (the tab in view decides them for all, and a switch rewords what
//! is already said), the load problem's sentence, and the local ports each
//! tab holds.

use super::App;
use crate::gui::i18n::Lang;
use crate::gui::load_problem::LoadProblem;
use crate::gui::workbench::SessionState;

impl App {
    /// Shows, in the tab in view, what loading the settings could not read.
    pub fn report_load_problem(&mut self, problem: LoadProblem) {
        let bench = &mut self.tabs[self.active];
        let lang = bench.settings().lang;
        let sentence = problem.sentence(lang);
        bench.errors_mut().other = Some(match bench.errors_mut().other.take() {
            Some(other) => format!("{sentence}; {other}"),
            None => sentence,
        });
        self.load_problem = Some((problem, self.active));
    }

    /// The load problem's sentence, said in `old`, again in `new`, where it
    /// is still shown (a language switch rewords everything the window
    /// says).
    fn reword_load_problem(&mut self, old: Lang, new: Lang) {
        let Some((problem, tab)) = &self.load_problem else {
            return;
        };
        let (old, new) = (problem.sentence(old), problem.sentence(new));
        if let Some(other) = self
            .tabs
            .get_mut(*tab)
            .and_then(|bench| bench.errors_mut().other.as_mut())
        {
            *other = other.replace(&old, &new);
        }
    }

    /// Language and theme are the window's, not a tab's: the tab in view
    /// decides them for all.
    pub(super) fn sync_shared_settings(&mut self) {
        let (lang, dark) = {
            let settings = &self.tabs[self.active].settings();
            (settings.lang, settings.dark_mode)
        };
        let before = self.lang_shown.replace(lang);
        let switched = before.is_some_and(|before| before != lang);
        for bench in &mut self.tabs {
            bench.settings_mut().lang = lang;
            bench.settings_mut().dark_mode = dark;
            if switched {
                bench.reword_field_sentences();
            }
        }
        if let Some(before) = before.filter(|_| switched) {
            self.reword_load_problem(before, lang);
        }
        self.ctx.set_theme(if dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }

    /// Tells each tab the local ports its neighbours hold, so a port in
    /// use names the tab that holds it; only when who holds what changed,
    /// not every frame.
    pub(super) fn tell_tabs_the_ports_held(&mut self) {
        let held: Vec<(usize, u16)> = self
            .tabs
            .iter()
            .enumerate()
            .filter_map(|(index, bench)| match bench.state() {
                SessionState::Open { local } => Some((index, local.port())),
                _ => None,
            })
            .collect();
        // A tab added or closed is told too.
        if held == self.ports_held.1 && self.tabs.len() == self.ports_held.0 {
            return;
        }
        let titled: Vec<(usize, u16, String)> = held
            .iter()
            .map(|&(index, port)| {
                let title = App::tab_title(&self.tabs[index], index);
                (index, port, title.trim_end_matches(" ●").to_owned())
            })
            .collect();
        for (index, bench) in self.tabs.iter_mut().enumerate() {
            let others = titled
                .iter()
                .filter(|(holder, ..)| *holder != index)
                .map(|(_, port, title)| (*port, title.clone()))
                .collect();
            bench.set_ports_of_other_tabs(others);
        }
        self.ports_held = (self.tabs.len(), held);
    }

    /// The local ports the tabs other than `except` listen on: a new or
    /// changed tab does not start on one of them.
    pub(super) fn ports_of_other_tabs(&self, except: usize) -> Vec<u16> {
        self.tabs
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != except)
            .filter_map(|(_, bench)| bench.settings().listening_port())
            .collect()
    }
}

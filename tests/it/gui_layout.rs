//! The layout test of issue 12: for every protocol the window offers, in
//! both languages, at every window size and UI scale a user is likely to
//! have, with a session open (and, for the TCP server, three real clients
//! listed), no interactive widget is drawn over another or over a label,
//! and every one lies inside the window or inside a scroll area's
//! viewport (scrolled out of view is fine; cut off by a panel is not).
//!
//! The bounds come from the accessibility tree (what a screen reader
//! sees); the part egui lets the user click comes from egui's own record
//! of each widget. One window per protocol and language is resized
//! through every size, so the test stays fast on two cores.

use std::collections::HashSet;
use std::net::{TcpListener, TcpStream};

use egui::accesskit::Role;
use egui::{Rect, Vec2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::gui::App;
use netassist::gui::i18n::Lang;
use netassist::gui::workbench::SessionState;
use netassist::net::Protocol;

use crate::common;
use common::gui::*;

/// A window size as the system gives it: physical pixels and the UI scale.
#[derive(Clone, Copy, Debug)]
struct Size {
    width: f32,
    height: f32,
    scale: f32,
}

impl Size {
    const fn new(width: f32, height: f32, scale: f32) -> Size {
        Size {
            width,
            height,
            scale,
        }
    }

    /// The window's size in egui's points: physical size / scale.
    fn logical(self) -> Vec2 {
        Vec2::new(self.width / self.scale, self.height / self.scale)
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{} at scale {}", self.width, self.height, self.scale)
    }
}

/// The declared minimum (`gui::run`'s `with_min_inner_size`), the common
/// laptop and desktop sizes, and the two largest again at 150 %.
const SIZES: [Size; 7] = [
    Size::new(640.0, 420.0, 1.0),
    Size::new(800.0, 600.0, 1.0),
    Size::new(1024.0, 700.0, 1.0),
    Size::new(1280.0, 800.0, 1.0),
    Size::new(1920.0, 1080.0, 1.0),
    Size::new(1280.0, 800.0, 1.5),
    Size::new(1920.0, 1080.0, 1.5),
];

/// Less than this much overlap (in points) is two edges touching.
const TOUCH: f32 = 1.0;

/// Roles a user acts on.
fn is_interactive(role: Role) -> bool {
    matches!(
        role,
        Role::Button
            | Role::DefaultButton
            | Role::CheckBox
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::SearchInput
            | Role::ComboBox
            | Role::Slider
            | Role::SpinButton
            | Role::Link
            | Role::RadioButton
            | Role::Tab
            | Role::Switch
            | Role::MenuItem
            | Role::ListBoxOption
            | Role::DisclosureTriangle
    )
}

/// One widget as the test sees it.
struct Widget {
    id: u64,
    role: Role,
    label: String,
    /// The whole widget, from the accessibility tree.
    rect: Rect,
    /// The widget's rect cut by the viewports of the scroll areas it is in.
    in_view: Rect,
    /// Whether a scroll area contains it.
    scrolled: bool,
    /// The left and right edges it must keep within: those of the scroll
    /// areas it is in that do not scroll sideways (the window's if none).
    sides: (f32, f32),
    /// Whether it is in a table, whose long cells are cut on purpose.
    in_table: bool,
    /// What egui lets the user click: the widget cut by every clip.
    clickable: Option<Rect>,
    /// The accessibility ids of its ancestors.
    ancestors: HashSet<u64>,
}

impl std::fmt::Display for Widget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.rect;
        write!(
            f,
            "{:?} {:?} [{:.0},{:.0} – {:.0},{:.0}]",
            self.role, self.label, r.min.x, r.min.y, r.max.x, r.max.y
        )
    }
}

/// Every interactive widget and every label in the window, as of the last
/// frame.
fn widgets(harness: &Harness<'static, App>) -> Vec<Widget> {
    let scale = harness.ctx.pixels_per_point();
    let window = Rect::from_min_size(pos2(0.0, 0.0), harness.ctx.content_rect().size());
    let to_points = |b: egui::accesskit::Rect| {
        Rect::from_min_max(
            pos2(b.x0 as f32 / scale, b.y0 as f32 / scale),
            pos2(b.x1 as f32 / scale, b.y1 as f32 / scale),
        )
    };
    let mut found = Vec::new();
    let root = harness.kittest_state().root();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        stack.extend(node.children());
        let role = node.role();
        if node.is_hidden() || !(is_interactive(role) || role == Role::Label) {
            continue;
        }
        let Some(bounds) = node.bounding_box() else {
            continue;
        };
        let rect = to_points(bounds);
        let mut in_view = rect;
        let mut scrolled = false;
        let mut sides = (window.min.x, window.max.x);
        let mut in_table = false;
        let mut ancestors = HashSet::new();
        let mut up = node.parent();
        while let Some(parent) = up {
            ancestors.insert(parent.locate().0.0);
            if matches!(parent.role(), Role::ScrollView | Role::Table)
                && let Some(viewport) = parent.bounding_box()
            {
                let viewport = to_points(viewport);
                scrolled = true;
                in_table |= parent.role() == Role::Table;
                // A viewport that does not say it scrolls sideways scrolls
                // up and down only: what lies past its sides is cut, not
                // scrolled out of view.
                if parent.scroll_x_min().is_some() {
                    in_view = in_view.intersect(viewport);
                } else {
                    in_view.min.y = in_view.min.y.max(viewport.min.y);
                    in_view.max.y = in_view.max.y.min(viewport.max.y);
                    sides = (sides.0.max(viewport.min.x), sides.1.min(viewport.max.x));
                }
            }
            up = parent.parent();
        }
        let id = node.locate().0.0;
        // SAFETY (not about memory): the value is an egui `Id`'s own value,
        // turned into the accessibility id by `Id::accesskit_id`.
        let egui_id = unsafe { egui::Id::from_high_entropy_bits(id) };
        let clickable = harness
            .ctx
            .read_response(egui_id)
            .map(|response| response.interact_rect.intersect(window));
        let label = node
            .label()
            .or_else(|| node.value())
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        found.push(Widget {
            id,
            role,
            label,
            rect,
            in_view,
            scrolled,
            sides,
            in_table,
            clickable,
            ancestors,
        });
    }
    found
}

/// Whether two rects share more than touching edges.
fn overlap(a: Rect, b: Rect) -> bool {
    let both = a.intersect(b);
    both.width() > TOUCH && both.height() > TOUCH
}

/// The part of a widget the user sees: in view of its scroll areas and, as
/// far as egui knows, not clipped by anything else.
fn shown(widget: &Widget) -> Rect {
    match widget.clickable {
        Some(clickable) => widget.in_view.intersect(clickable),
        None => widget.in_view,
    }
}

fn is_visible(rect: Rect) -> bool {
    rect.width() > TOUCH && rect.height() > TOUCH
}

/// A widget that runs past a side of the panel or scroll area it is in
/// where nothing scrolls sideways to show the rest (issue 22, 4).
fn cut_at_a_side(widget: &Widget) -> Option<String> {
    let (left, right) = widget.sides;
    let rect = widget.in_view;
    (rect.min.x < left - TOUCH || rect.max.x > right + TOUCH)
        .then(|| format!("cut at a side of its panel [{left:.0} – {right:.0}]: {widget}"))
}

/// Every layout failure in the window as it is now.
pub(crate) fn layout_failures(harness: &Harness<'static, App>) -> Vec<String> {
    let window = Rect::from_min_size(pos2(0.0, 0.0), harness.ctx.content_rect().size());
    let all = widgets(harness);
    let mut failures = Vec::new();
    for widget in all.iter().filter(|w| is_interactive(w.role)) {
        if !is_visible(widget.in_view) {
            // Scrolled out of view.
            continue;
        }
        let outside = !window.expand(TOUCH).contains_rect(widget.in_view);
        if outside {
            failures.push(format!("outside the window: {widget}"));
            continue;
        }
        if let Some(failure) = cut_at_a_side(widget) {
            failures.push(failure);
            continue;
        }
        // Cut by something that does not scroll (a panel's edge, a fixed
        // row): part of the widget cannot be seen or clicked at all.
        if let Some(clickable) = widget.clickable {
            let cut = widget.in_view.intersect(clickable);
            if widget.in_view.width() - cut.width().max(0.0) > TOUCH
                || widget.in_view.height() - cut.height().max(0.0) > TOUCH
            {
                let place = if widget.scrolled {
                    "cut off inside its scroll area"
                } else {
                    "cut off (no scroll area)"
                };
                failures.push(format!(
                    "{place}: {widget}, shown [{:.0},{:.0} – {:.0},{:.0}]",
                    cut.min.x, cut.min.y, cut.max.x, cut.max.y
                ));
            }
        }
    }
    // A sentence, a title or a notice cut at its panel's edge (the status
    // bar, a fixed row, a panel that scrolls only up and down) cannot be
    // read; a table's cells are cut at their column on purpose.
    for label in all.iter().filter(|w| w.role == Role::Label && !w.in_table) {
        if is_visible(label.in_view)
            && let Some(failure) = cut_at_a_side(label)
        {
            failures.push(failure);
        }
    }
    for (index, a) in all.iter().enumerate() {
        for b in &all[index + 1..] {
            // Labels may touch labels (a table's cells); a control may not
            // cover a label or another control.
            if !(is_interactive(a.role) || is_interactive(b.role)) {
                continue;
            }
            if a.ancestors.contains(&b.id) || b.ancestors.contains(&a.id) {
                continue;
            }
            let (shown_a, shown_b) = (shown(a), shown(b));
            if is_visible(shown_a) && is_visible(shown_b) && overlap(shown_a, shown_b) {
                failures.push(format!("overlap: {a} and {b}"));
            }
        }
    }
    failures
}

/// The window for `protocol` in `lang`, opened on 127.0.0.1 (a free
/// port), and whatever must stay alive beside it: the TCP client's
/// listener, the TCP server's three clients.
fn opened_window(protocol: Protocol, lang: Lang) -> (Harness<'static, App>, Peers) {
    let mut settings = english_settings(protocol);
    settings.lang = lang;
    let mut peers = Vec::new();
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    {
        let fields = settings.addr_mut();
        fields.local_host = "127.0.0.1".into();
        fields.local_port = "0".into();
        fields.remote_host = "127.0.0.1".into();
        fields.remote_port = listener
            .local_addr()
            .expect("the listener's address")
            .port()
            .to_string();
    }
    // The TFTP server serves a folder the user chose; a TLS server keeps
    // its self-signed certificate in the same test folder.
    let served = tempfile::tempdir().expect("a folder to serve");
    settings.tftp.root = served.path().to_owned();
    settings.sec.self_signed_folder = Some(served.path().to_owned());
    let mut harness = harness(settings);
    harness.run();
    if matches!(
        protocol,
        Protocol::TftpClient | Protocol::TlsClient | Protocol::WsClient
    ) {
        // A TFTP client has no session to open; its transfers start one
        // each. The TLS and WebSocket clients are checked with their
        // fields (a plain listener would never finish their handshakes).
        return (harness, (peers, served));
    }
    harness.state_mut().workbench_mut().open();
    step_until(&mut harness, "the session to open", |h| {
        matches!(
            h.state().workbench().state(),
            SessionState::Open { .. } | SessionState::Connected { .. }
        )
    });
    match protocol {
        Protocol::TcpClient => {
            let (accepted, _) = listener.accept().expect("the window connects");
            peers.push(accepted);
        }
        Protocol::TcpServer => {
            let server = bound_addr(&harness).expect("listening");
            for _ in 0..3 {
                peers.push(TcpStream::connect(server).expect("connect to the window"));
            }
            step_until(&mut harness, "three clients in the table", |h| {
                h.state().workbench().clients().len() == 3
            });
        }
        Protocol::WsServer => {
            let server = bound_addr(&harness).expect("listening");
            for path in ["/", "/chat?room=1", "/a/rather/long/path/to/cut"] {
                peers.push(websocket_client(server, path));
            }
            step_until(&mut harness, "three clients with their paths", |h| {
                let clients = h.state().workbench().clients();
                clients.len() == 3 && clients.iter().all(|c| c.ws_path.is_some())
            });
        }
        _ => {}
    }
    (harness, (peers, served))
}

/// What stays alive beside a window: its TCP peers and the served folder.
type Peers = (Vec<TcpStream>, tempfile::TempDir);

/// Gives the window `size`. A change of scale takes effect in the next
/// frame, which also rescales the window's rect (egui keeps the physical
/// size), so the size is set after that frame.
fn set_window_size(harness: &mut Harness<'static, App>, size: Size) {
    if harness.ctx.pixels_per_point() != size.scale {
        harness.set_pixels_per_point(size.scale);
        harness.step();
    }
    harness.set_size(size.logical());
    harness.step();
    let shown = harness.ctx.content_rect().size();
    assert!(
        (shown - size.logical()).length() < 1.0,
        "the window is {shown:?} points, not {size}"
    );
}

/// Resizes the window through every size and collects what is wrong,
/// twice at each size: as a window resized to it (panels keep the sizes
/// they had) and as a window started at it (panels at their defaults); then
/// all again with the tools drawer open.
fn check_every_size(protocol: Protocol, lang: Lang) -> Vec<String> {
    let (mut harness, _peers) = opened_window(protocol, lang);
    let mut report = Vec::new();
    for drawer in ["drawer closed", "drawer open"] {
        if drawer == "drawer open" {
            let tools = lang.t(&netassist::gui::i18n::TOOLS);
            harness.get_by_role_and_label(Role::Button, tools).click();
            harness.run_steps(2);
            assert!(
                harness
                    .query_by_role_and_label(Role::Label, tools)
                    .is_some(),
                "the tools drawer did not open"
            );
            unfold_the_whole_drawer(&mut harness, lang);
        }
        for size in SIZES {
            set_window_size(&mut harness, size);
            harness.remove_cursor();
            for how in ["resized", "started"] {
                if how == "started" {
                    harness.ctx.data_mut(|data| {
                        data.remove_by_type::<egui::containers::panel::PanelState>()
                    });
                }
                // Panels settle on the new size over a few frames (a side
                // panel learns its content's width in the first).
                harness.run_steps(4);
                for failure in layout_failures(&harness) {
                    report.push(format!(
                        "{size} ({how}, {drawer}), {lang:?}, {protocol:?}: {failure}"
                    ));
                }
            }
        }
    }
    report
}

/// Unfolds every section of the tools drawer that starts folded and adds
/// an auto-reply rule, so that every control the drawer has is checked
/// (issue 22, 4: its Modbus frame combo, HEX preview and rule rows ran
/// past the window's right edge).
fn unfold_the_whole_drawer(harness: &mut Harness<'static, App>, lang: Lang) {
    use netassist::gui::i18n;
    if let Some(add) = harness.query_by_role_and_label(Role::Button, lang.t(&i18n::AUTO_REPLY_ADD))
    {
        add.click();
        harness.run_steps(2);
    }
    for section in [
        &i18n::TOOL_CHECKSUM_CALC,
        &i18n::TOOL_FLOAT_CALC,
        &i18n::TOOL_ASCII_TABLE,
        &i18n::TOOL_MODBUS,
        &i18n::TOOL_WAVEFORM,
    ] {
        let header = harness.get_by_role_and_label(Role::DisclosureTriangle, lang.t(section));
        header.scroll_to_me();
        harness.run_steps(2);
        harness
            .get_by_role_and_label(Role::DisclosureTriangle, lang.t(section))
            .click();
        harness.run_steps(2);
    }
}

fn assert_layout(protocol: Protocol) {
    let mut report = check_every_size(protocol, Lang::En);
    report.extend(check_every_size(protocol, Lang::Zh));
    assert!(
        report.is_empty(),
        "{} layout failures:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn udp_window_layout_holds_at_every_size() {
    assert_layout(Protocol::Udp);
}

#[test]
fn tcp_client_window_layout_holds_at_every_size() {
    assert_layout(Protocol::TcpClient);
}

#[test]
fn tcp_server_window_with_three_clients_layout_holds_at_every_size() {
    assert_layout(Protocol::TcpServer);
}

#[test]
fn tftp_server_window_layout_holds_at_every_size() {
    assert_layout(Protocol::TftpServer);
}

#[test]
fn tftp_client_window_layout_holds_at_every_size() {
    assert_layout(Protocol::TftpClient);
}

#[test]
fn tls_client_window_layout_holds_at_every_size() {
    assert_layout(Protocol::TlsClient);
}

#[test]
fn tls_server_window_with_its_fingerprint_layout_holds_at_every_size() {
    assert_layout(Protocol::TlsServer);
}

#[test]
fn ws_client_window_layout_holds_at_every_size() {
    assert_layout(Protocol::WsClient);
}

#[test]
fn ws_server_window_with_three_clients_layout_holds_at_every_size() {
    assert_layout(Protocol::WsServer);
}

/// Reads what a client of the window received until `count` bytes came,
/// failing after the common wait.
fn read_exactly(client: &mut TcpStream, count: usize) -> String {
    use std::io::Read;
    client
        .set_read_timeout(Some(common::WAIT))
        .expect("a read timeout");
    let mut got = vec![0u8; count];
    client
        .read_exact(&mut got)
        .expect("the window's send reached this client");
    String::from_utf8_lossy(&got).into_owned()
}

/// NetAssist's compact target selector: in an 800×600 window the TCP
/// server's send area is too narrow for the client table, so a combo
/// above the send box picks the target. Picking the second client sends
/// to it alone; picking "All connections (3)" sends to all three.
/// Picks `entry` in the compact 发送对象 (Send to) combo, as a user does.
fn choose_target(harness: &mut Harness<'static, App>, entry: &str) {
    harness
        .get_by_role_and_label(Role::ComboBox, "Send to:")
        .click();
    harness.run();
    harness.get_by_label(entry).click();
    harness.run();
}

/// What the compact 发送对象 combo shows.
fn target_shown(harness: &Harness<'static, App>) -> String {
    harness
        .get_by_role_and_label(Role::ComboBox, "Send to:")
        .value()
        .unwrap_or_default()
}

#[test]
fn the_compact_target_combo_sends_to_the_chosen_client_or_to_all() {
    let (mut harness, (mut clients, _served)) = opened_window(Protocol::TcpServer, Lang::En);
    harness.set_size(Vec2::new(800.0, 600.0));
    harness.run_steps(4);
    assert!(
        harness.query_by_label("Address").is_none(),
        "the client table still shows at 800×600"
    );
    // The window lists clients in the order they connected; the test
    // connected them in this order.
    let second = clients[1].local_addr().expect("the client's address");

    assert_eq!(target_shown(&harness), "All connections (3)");

    choose_target(&mut harness, &second.to_string());
    assert_eq!(target_shown(&harness), second.to_string());
    type_into_send_box(&mut harness, "one");
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);

    choose_target(&mut harness, "All connections (3)");
    assert_eq!(target_shown(&harness), "All connections (3)");
    type_into_send_box(&mut harness, "all");
    harness.get_by_label("Send").click();
    run_after_network_click(&mut harness);

    // What each client reads first tells who got the first send: only the
    // chosen one reads "one" before "all".
    for (index, client) in clients.iter_mut().enumerate() {
        let expected = if index == 1 { "oneall" } else { "all" };
        assert_eq!(
            read_exactly(client, expected.len()),
            expected,
            "client {} of 3",
            index + 1
        );
    }
}

/// The left edge of the central area (where the log's title starts) and of
/// the tools drawer (where its title starts).
fn panel_edges(harness: &Harness<'static, App>) -> (f32, f32) {
    let log = harness
        .get_by_role_and_label(Role::Label, "Data log")
        .rect()
        .min
        .x;
    let drawer = harness
        .get_by_role_and_label(Role::Label, "Tools")
        .rect()
        .min
        .x;
    (log, drawer)
}

/// Issue 12 defect 13: the settings panel and the tools drawer keep the
/// width they were given as rules, long texts and sentences are added;
/// what does not fit scrolls.
#[test]
fn the_settings_panel_and_the_tools_drawer_keep_their_width_as_content_is_added() {
    let mut harness = harness(loopback_udp_settings(Lang::En));
    harness.set_size(Vec2::new(1024.0, 700.0));
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Tools").click();
    harness.run_steps(4);
    let before = panel_edges(&harness);
    for _ in 0..3 {
        harness.get_by_label("Add rule").click();
        harness.run();
    }
    let long =
        "a rule that a user pasted from somewhere, much longer than the field it is typed in";
    harness
        .get_all_by_role_and_label(Role::TextInput, "When")
        .next()
        .expect("a rule's pattern field")
        .focus();
    harness.run();
    harness
        .get_all_by_role_and_label(Role::TextInput, "When")
        .next()
        .expect("a rule's pattern field")
        .type_text(long);
    set_field(&mut harness, "Local host addr", long);
    // Two quick commands, saved from the send box as a user does.
    harness
        .get_by_role_and_label(Role::DisclosureTriangle, "Quick commands")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_role_and_label(Role::DisclosureTriangle, "Quick commands")
        .click();
    harness.run();
    for name in ["查询温度和湿度", "reset the device"] {
        type_into_send_box(&mut harness, "55 AA 01");
        set_field(&mut harness, "Name", name);
        // The settings column scrolls; a person scrolls down to the button.
        harness.get_by_label("Save send box").scroll_to_me();
        harness.run();
        harness.get_by_label("Save send box").click();
        harness.run();
    }
    assert_eq!(
        harness
            .state()
            .workbench()
            .settings()
            .send
            .quick_commands
            .len(),
        2
    );
    harness.run_steps(4);
    assert_eq!(
        panel_edges(&harness),
        before,
        "(log's left edge, drawer's left edge) moved as content was added"
    );
}

/// The tab whose title starts with its number `number`, as the test sees
/// it.
fn tab_button(harness: &Harness<'static, App>, number: usize) -> Widget {
    widgets(harness)
        .into_iter()
        .find(|w| w.role == Role::Button && w.label.starts_with(&format!("{number} ")))
        .unwrap_or_else(|| panic!("no button for tab {number}"))
}

/// Adds tabs with "+" until there are `count`, then checks that every tab
/// is whole and takes a click at its middle, and that the × beside the tab
/// in view closes it.
fn every_tab_takes_clicks(lang: Lang, size: Size, count: usize) {
    let mut harness = harness(loopback_udp_settings(lang));
    harness.run();
    set_window_size(&mut harness, size);
    let new_tab = lang.t(&netassist::gui::i18n::NEW_TAB);
    for _ in 1..count {
        harness.get_by_label(new_tab).click();
        harness.run_steps(4);
    }
    harness.remove_cursor();
    harness.run_steps(2);
    let failures = layout_failures(&harness);
    assert!(
        failures.is_empty(),
        "{count} tabs at {size}, {lang:?}:\n{}",
        failures.join("\n")
    );
    for number in (1..=count).rev() {
        let tab = tab_button(&harness, number);
        assert!(
            (shown(&tab).size() - tab.rect.size()).length() < TOUCH,
            "tab {number} is not whole: {tab}, shown {:?}",
            shown(&tab)
        );
        // A person clicks the middle of a tab, not its top edge.
        harness
            .get_by_role_and_label(Role::Button, &tab.label)
            .click();
        harness.run_steps(2);
        assert_eq!(
            harness.state().active_index(),
            number - 1,
            "a click on tab {number} at {size}, {lang:?}"
        );
    }
    harness
        .get_by_label(lang.t(&netassist::gui::i18n::CLOSE_TAB))
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().tabs().len(), count - 1, "× closed a tab");
}

/// Issue 22, 2: the tabs wrap onto more rows instead of scrolling under a
/// scroll bar that swallowed clicks on their lower half and on their ×.
#[test]
fn tabs_wrap_and_every_tab_and_its_close_button_take_clicks() {
    every_tab_takes_clicks(Lang::Zh, Size::new(1280.0, 800.0, 1.0), 8);
    every_tab_takes_clicks(Lang::En, Size::new(800.0, 600.0, 1.0), 2);
    every_tab_takes_clicks(Lang::En, Size::new(800.0, 600.0, 1.0), 8);
    every_tab_takes_clicks(Lang::Zh, SIZES[0], 12);
}

/// The compact target line at any size: ticking 紧凑显示 beside the client
/// table swaps the table for the combo, and unticking it beside the combo
/// brings the table back, in a window wide enough for the table.
#[test]
fn the_compact_tick_swaps_the_client_table_for_the_combo_and_back() {
    let (mut harness, _peers) = opened_window(Protocol::TcpServer, Lang::Zh);
    harness.run_steps(4);
    let table_shown = |h: &Harness<'static, App>| h.query_by_label("地址").is_some();
    let combo_shown = |h: &Harness<'static, App>| {
        h.query_by_role_and_label(Role::ComboBox, "发送对象:")
            .is_some()
    };
    assert!(table_shown(&harness) && !combo_shown(&harness));
    harness.get_by_label("紧凑显示").click();
    harness.run_steps(4);
    assert!(!table_shown(&harness) && combo_shown(&harness));
    assert_eq!(
        harness
            .get_by_role_and_label(Role::ComboBox, "发送对象:")
            .value()
            .as_deref(),
        Some("全部连接 (3)")
    );
    assert!(layout_failures(&harness).is_empty());
    harness.get_by_label("紧凑显示").click();
    harness.run_steps(4);
    assert!(table_shown(&harness) && !combo_shown(&harness));
}

/// Issue 12 defect 13: the TFTP client's "Save into" folder shows the
/// folder's name (the end of its path) once the user is done typing, and
/// the whole path again when the field is edited.
#[test]
fn a_long_save_into_folder_shows_its_folder_name() {
    let folder = "/home/someone/projects/customer-firmware/releases/2026/board-images";
    let mut harness = harness(english_settings(Protocol::TftpClient));
    harness.run();
    set_field(&mut harness, "Save into", folder);
    let shown = |h: &Harness<'static, App>| {
        h.get_by_role_and_label(Role::TextInput, "Save into")
            .value()
            .unwrap_or_default()
    };
    assert_eq!(shown(&harness), folder, "edited whole");
    // Done typing: the user goes on to the remote port.
    set_field(&mut harness, "Remote host port", "6969");
    let tail = shown(&harness);
    assert!(
        tail.starts_with('…') && tail.ends_with("/board-images"),
        "the field shows {tail:?}, not the folder's name"
    );
    assert_eq!(
        harness.state().workbench().settings().tftp.local_dir,
        std::path::Path::new(folder)
    );
}

/// 断开 beside the compact target combo drops the client chosen in it, as
/// NetAssist's does, and shows whole at 800×600 (issue 22, 3).
#[test]
fn drop_beside_the_compact_combo_disconnects_the_chosen_client() {
    let (mut harness, (mut clients, _served)) = opened_window(Protocol::TcpServer, Lang::En);
    harness.set_size(Vec2::new(800.0, 600.0));
    harness.run_steps(4);
    assert!(
        harness.query_by_label("Drop").is_none(),
        "nothing chosen yet"
    );
    let second = clients[1].local_addr().expect("the client's address");
    choose_target(&mut harness, &second.to_string());
    let drop = harness.get_by_role_and_label(Role::Button, "Drop");
    assert!(
        drop.rect().max.x <= 800.0,
        "Drop is cut at the window's edge: {:?}",
        drop.rect()
    );
    drop.click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the client to be dropped", |h| {
        h.state().workbench().clients().len() == 2
    });
    use std::io::Read;
    clients[1]
        .set_read_timeout(Some(common::WAIT))
        .expect("a read timeout");
    let mut byte = [0u8; 1];
    assert!(
        matches!(clients[1].read(&mut byte), Ok(0) | Err(_)),
        "the chosen client's connection was closed"
    );
    assert_eq!(target_shown(&harness), "All connections (2)");
}

/// Issue 22, 4: the settings-recovery notice is read whole in the status
/// bar of an 800×600 window, in both languages (it ran off the bar's end).
#[test]
fn the_settings_recovery_notice_fits_the_status_bar_at_800_by_600() {
    use crate::gui_settings::{harness_from_text, saved_text};
    for lang in ["En", "Zh"] {
        let text = saved_text()
            .replace("max_clients:7", "max_clients:\"lots\"")
            .replace("lang:En", &format!("lang:{lang}"));
        let mut harness = harness_from_text(&text);
        set_window_size(&mut harness, Size::new(800.0, 600.0, 1.0));
        harness.run_steps(4);
        let notice = widgets(&harness)
            .into_iter()
            .find(|w| {
                w.role == Role::Label
                    && (w.label.starts_with("Some saved settings") || w.label.contains("无法读取"))
            })
            .unwrap_or_else(|| panic!("no recovery notice in {lang}"));
        assert!(
            notice.rect.max.x <= 800.0 + TOUCH && notice.rect.max.y <= 600.0 + TOUCH,
            "the notice runs off the window in {lang}: {notice}"
        );
        let failures = layout_failures(&harness);
        assert!(failures.is_empty(), "{lang}:\n{}", failures.join("\n"));
    }
}

//! The window holds to the engine's one TFTP server policy, as a user
//! sees it: uploads need a folder the user chose. "Allow uploads" is off
//! and disabled (with a sentence saying why) until the folder field has
//! one, and can be turned on after; a server it starts then takes an
//! upload.

use std::net::UdpSocket;
use std::time::Duration;

use egui::accesskit::{Role, Toggled};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netassist::gui::App;
use netassist::net::Protocol;
use netassist::tftp::wire::Packet;

use crate::common;
use common::gui::*;

const NEEDS_FOLDER: &str =
    "Choose the folder to serve first: uploads are saved only into a folder you chose.";

/// Whether "Allow uploads" can be used, and whether it is ticked.
fn upload_control(harness: &Harness<'static, App>) -> (bool, bool) {
    let checkbox = harness.get_by_role_and_label(Role::CheckBox, "Allow uploads");
    let node = checkbox.accesskit_node();
    (!node.is_disabled(), node.toggled() == Some(Toggled::True))
}

/// Whether pointing at "Allow uploads" shows why it is off.
fn says_why_uploads_are_off(harness: &mut Harness<'static, App>) -> bool {
    harness
        .get_by_role_and_label(Role::CheckBox, "Allow uploads")
        .hover();
    // The tooltip shows once the pointer has rested on the control.
    for _ in 0..10 {
        harness.step();
    }
    harness.query_by_label(NEEDS_FOLDER).is_some()
}

#[test]
fn uploads_stay_off_until_the_user_chooses_the_served_folder() {
    let served = tempfile::tempdir().unwrap();
    let folder = served.path().display().to_string();
    let mut harness = harness(english_settings(Protocol::TftpServer));
    harness.run();

    // A fresh window serves no folder, so uploads cannot be turned on;
    // the window says why, and a click on the control changes nothing.
    assert_eq!(
        harness.state().workbench().settings().tftp.root,
        std::path::PathBuf::new()
    );
    assert_eq!(upload_control(&harness), (false, false));
    assert!(says_why_uploads_are_off(&mut harness));
    harness
        .get_by_role_and_label(Role::CheckBox, "Allow uploads")
        .click();
    harness.run();
    assert_eq!(upload_control(&harness), (false, false));
    assert!(!harness.state().workbench().settings().tftp.allow_write);

    // The folder typed as a user would: the control can be used, and is
    // still off until the user turns it on.
    set_field(&mut harness, "Folder", &folder);
    assert_eq!(upload_control(&harness), (true, false));
    assert!(!says_why_uploads_are_off(&mut harness));
    harness
        .get_by_role_and_label(Role::CheckBox, "Allow uploads")
        .click();
    harness.run();
    assert_eq!(upload_control(&harness), (true, true));

    // Emptied again, the folder takes uploads off with it.
    set_field(&mut harness, "Folder", "");
    assert_eq!(upload_control(&harness), (false, false));
    assert!(says_why_uploads_are_off(&mut harness));

    // Chosen and turned on, a server takes an upload into that folder.
    set_field(&mut harness, "Folder", &folder);
    harness
        .get_by_role_and_label(Role::CheckBox, "Allow uploads")
        .click();
    harness.run();
    assert_eq!(upload_control(&harness), (true, true));
    set_field(&mut harness, "Local host addr", "127.0.0.1");
    set_field(&mut harness, "Local host port", "0");
    harness.get_by_label("Start server").click();
    run_after_network_click(&mut harness);
    step_until(&mut harness, "the server to serve", |h| {
        bound_addr(h).is_some()
    });
    let server = bound_addr(&harness).unwrap();
    let uploader = UdpSocket::bind("127.0.0.1:0").unwrap();
    uploader
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    uploader
        .send_to(b"\x00\x02uploaded.bin\x00octet\x00", server)
        .unwrap();
    let mut answer = [0u8; 1024];
    let (n, _) = uploader
        .recv_from(&mut answer)
        .expect("the server answers the upload request within 20 s");
    assert!(
        matches!(Packet::parse(&answer[..n]), Ok(Packet::Ack { block: 0 })),
        "the upload was not accepted: {:?}",
        Packet::parse(&answer[..n])
    );
}

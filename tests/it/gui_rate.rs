//! The rate plot (issue 12, defect 9), opened by its control as a person
//! does, with real UDP traffic on 127.0.0.1: its axes carry units and a
//! time scale, its Y axis more than "0", its legend the window's language.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use egui::epaint::Shape;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netassist::gui::App;
use netassist::gui::i18n::Lang;

use crate::common;
use common::gui::*;

/// What a person reads on the plot, in one language.
struct Words {
    rate_plot: &'static str,
    bytes_plot: &'static str,
    messages_plot: &'static str,
    rx: &'static str,
    tx: &'static str,
    messages_unit: &'static str,
    seconds_ago: &'static str,
}

const ENGLISH: Words = Words {
    rate_plot: "Rate plot",
    bytes_plot: "Bytes per second (KiB/s) · time axis: seconds ago",
    messages_plot: "Messages per second (msg/s) · time axis: seconds ago",
    rx: "RX rate",
    tx: "TX rate",
    messages_unit: "msg/s",
    seconds_ago: "seconds ago",
};

const CHINESE: Words = Words {
    rate_plot: "速率曲线",
    bytes_plot: "每秒字节数 (KiB/s) · 时间轴：秒前",
    messages_plot: "每秒消息数 (条/秒) · 时间轴：秒前",
    rx: "接收速率",
    tx: "发送速率",
    messages_unit: "条/秒",
    seconds_ago: "秒前",
};

/// Every piece of text the last frame painted: tick labels and axis
/// titles are painted, not widgets, so this is how a test reads them.
fn painted_texts(harness: &Harness<'static, App>) -> Vec<String> {
    fn collect(shape: &Shape, texts: &mut Vec<String>) {
        match shape {
            Shape::Vec(shapes) => shapes.iter().for_each(|shape| collect(shape, texts)),
            Shape::Text(text) => texts.push(text.galley.text().to_owned()),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    for clipped in &harness.output().shapes {
        collect(&clipped.shape, &mut texts);
    }
    texts
}

fn the_rate_plot_reads_like_an_instrument(lang: Lang, words: &Words) {
    let (mut harness, local) = open_udp_window(loopback_udp_settings(lang));
    harness.get_by_label(words.rate_plot).click();
    harness.step();

    // 50 datagrams of 1000 bytes: however they fall across a second's
    // edge, the busiest second carries at least 25,000 bytes, so the axis
    // is in KiB/s.
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..50 {
        sender.send_to(&[b'x'; 1000], local).unwrap();
    }
    step_until(&mut harness, "the burst's second to end", |h| {
        let seconds = h
            .state()
            .workbench()
            .mirror()
            .rates()
            .recent(Instant::now());
        let bytes: u64 = seconds.iter().map(|s| s.rx_bytes).sum();
        let messages: u64 = seconds.iter().map(|s| s.rx_msgs).sum();
        bytes == 50_000 && messages == 50
    });
    // Two frames: the plot learns its bounds from the data in the first.
    harness.step();
    harness.step();

    // The plots name their axes and units to the accessibility tree.
    harness.get_by_label(words.bytes_plot);
    harness.get_by_label(words.messages_plot);
    // Both plots' legends, in the window's language.
    assert_eq!(harness.query_all_by_label(words.rx).count(), 2);
    assert_eq!(harness.query_all_by_label(words.tx).count(), 2);

    let painted = painted_texts(&harness);
    for title in ["KiB/s", words.messages_unit, words.seconds_ago] {
        assert!(
            painted.iter().any(|text| text == title),
            "no axis titled {title:?} among {painted:?}"
        );
    }
    // The Y axis of 0..~49 KiB/s is labelled above zero, not just "0".
    let y_ticks: Vec<&String> = painted
        .iter()
        .filter(|text| ["10", "20", "30", "40"].contains(&text.as_str()))
        .collect();
    assert!(
        !y_ticks.is_empty(),
        "no Y tick above zero among {painted:?}"
    );
    // The last second is also read out in words.
    assert!(
        painted
            .iter()
            .any(|text| text.starts_with(words.rx) && text.contains(words.messages_unit)),
        "no readout among {painted:?}"
    );
}

#[test]
fn the_rate_plot_reads_like_an_instrument_in_english() {
    the_rate_plot_reads_like_an_instrument(Lang::En, &ENGLISH);
}

#[test]
fn the_rate_plot_reads_like_an_instrument_in_chinese() {
    the_rate_plot_reads_like_an_instrument(Lang::Zh, &CHINESE);
}

/// How long the window asked to wait before its next frame.
fn repaint_delay(harness: &Harness<'static, App>) -> Duration {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::MAX, |viewport| viewport.repaint_delay)
}

#[test]
fn an_idle_rate_plot_asks_for_no_frames_and_a_busy_one_for_one_a_second() {
    let (mut harness, local) = open_udp_window(loopback_udp_settings(Lang::En));
    harness.get_by_label("Rate plot").click();
    harness.run();
    step_until(&mut harness, "the window to go idle", |h| {
        repaint_delay(h) == Duration::MAX
    });

    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"tick", local).unwrap();
    step_until(&mut harness, "the datagram", |h| {
        h.state().workbench().counters().rx_msgs == 1
    });
    assert!(
        repaint_delay(&harness) <= Duration::from_secs(1),
        "the plot with traffic in view moves each second"
    );
}

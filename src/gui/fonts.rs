//! Fonts that can show Chinese: egui's built-in fonts have no CJK glyphs.

use std::path::Path;
use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// A GB2312 subset of Noto Sans CJK SC (SIL OFL 1.1, see resources/fonts).
const BUNDLED_CJK: &[u8] = include_bytes!("../../resources/fonts/NotoSansSC-Regular-GB2312.otf");

/// U+FFFD (what undecodable bytes show as) and a few symbols, from DejaVu
/// Sans Mono (see resources/fonts).
const BUNDLED_SYMBOLS: &[u8] = include_bytes!("../../resources/fonts/DejaVuSansMono-symbols.ttf");

/// System fonts tried after the bundled one, for characters outside GB2312
/// (traditional Chinese, Japanese, Korean): the first that exists is used.
/// Each entry is a path and the face index inside a collection.
const SYSTEM_CJK: &[(&str, u32)] = &[
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    (
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        0,
    ),
];

/// Egui's fonts plus the bundled CJK font (and a system CJK font where one
/// exists) as fallbacks for both families.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    let mut fallbacks = vec!["netassist-cjk".to_owned(), "netassist-symbols".to_owned()];
    fonts.font_data.insert(
        "netassist-cjk".to_owned(),
        Arc::new(FontData::from_static(BUNDLED_CJK)),
    );
    fonts.font_data.insert(
        "netassist-symbols".to_owned(),
        Arc::new(FontData::from_static(BUNDLED_SYMBOLS)),
    );
    if let Some((path, index)) = SYSTEM_CJK
        .iter()
        .find(|(path, _)| Path::new(path).is_file())
        && let Ok(bytes) = std::fs::read(path)
    {
        let mut data = FontData::from_owned(bytes);
        data.index = *index;
        fonts
            .font_data
            .insert("system-cjk".to_owned(), Arc::new(data));
        fallbacks.push("system-cjk".to_owned());
    }
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .extend(fallbacks.iter().cloned());
    }
    fonts
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}

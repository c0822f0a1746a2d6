//! The embedded font: DejaVu Sans registered as plotters' "sans-serif".

use std::sync::Once;

use plotters::style::{FontStyle, register_font};

static REGISTER: Once = Once::new();

/// Registers the embedded font once per process.
pub(crate) fn register() {
    REGISTER.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
            (FontStyle::Oblique, dejavu::sans::oblique()),
        ] {
            // The font is compiled in and valid; were it not, figures would
            // still be drawn, only without text.
            let _ = register_font("sans-serif", style, bytes);
        }
    });
}

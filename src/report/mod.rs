//! Reporters: turn findings and results into text for a person or a machine.
//!
//! Every reporter returns a `String`; the command-line layer decides where it
//! goes (stdout or `--output`). The library itself never prints.

pub mod human;
pub mod json;
pub mod outdated;
pub mod upgrade;

use std::io::IsTerminal;

/// How human output may look on this stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colour allowed.
    pub color: bool,
    /// Wrap tables to this many columns.
    pub width: Option<u16>,
}

impl Style {
    /// The style for stdout: colour only on a terminal and never with
    /// `NO_COLOR` (or `CARGO_TERM_COLOR=never`); tables no wider than the
    /// terminal (or `$COLUMNS`).
    pub fn for_stdout() -> Style {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let term = std::env::var("CARGO_TERM_COLOR").unwrap_or_default();
        let color = match term.as_str() {
            "always" => !no_color,
            "never" => false,
            _ => tty && !no_color,
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|w| *w >= 20)
            .or_else(|| tty.then(terminal_width).flatten());
        Style { color, width }
    }
}

fn terminal_width() -> Option<u16> {
    comfy_table::Table::new().width()
}

//! Colour in human reports, as cargo and git use it: diffs (added lines
//! green, removed red, hunk headers cyan), lockfile changes (added green,
//! removed red, upgraded cyan, downgraded and source-changed yellow) and
//! release statuses (vetted green, unvetted yellow, denied red). Nothing is
//! coloured unless the [`Style`] allows it.

use anstyle::AnsiColor;
use comfy_table::{Cell, Color};

use crate::audit::release::Status;
use crate::audit::review::diff::Kind;
use crate::report::Style;

/// `text` in `color`, when the style allows colour.
pub(crate) fn paint(text: &str, color: AnsiColor, style: &Style) -> String {
    if !style.color || text.is_empty() {
        return text.to_string();
    }
    let st = anstyle::Style::new().fg_color(Some(color.into()));
    format!("{st}{text}{st:#}")
}

/// `text` in bold (the terminal's own colour), when the style allows
/// colour: how git shows a diff's file names, and commands to copy.
pub(crate) fn bold(text: &str, style: &Style) -> String {
    if !style.color || text.is_empty() {
        return text.to_string();
    }
    let st = anstyle::Style::new().bold();
    format!("{st}{text}{st:#}")
}

/// A unified diff, coloured line by line as `git diff` colours it.
pub(crate) fn diff(text: &str, style: &Style) -> String {
    if !style.color {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let painted = if body.starts_with("+++") || body.starts_with("---") {
            bold(body, style)
        } else if body.starts_with("@@") {
            paint(body, AnsiColor::Cyan, style)
        } else if body.starts_with('+') {
            paint(body, AnsiColor::Green, style)
        } else if body.starts_with('-') {
            paint(body, AnsiColor::Red, style)
        } else {
            body.to_string()
        };
        out.push_str(&painted);
        out.push_str(nl);
    }
    out
}

/// The colour of a lockfile change.
pub(crate) fn kind_color(kind: Kind) -> AnsiColor {
    match kind {
        Kind::Added => AnsiColor::Green,
        Kind::Removed => AnsiColor::Red,
        Kind::Upgraded => AnsiColor::Cyan,
        Kind::Downgraded | Kind::SourceChanged => AnsiColor::Yellow,
    }
}

/// The colour of a release status, `None` for those that only wait
/// (too new, Rust too old) or are not candidates (yanked, prerelease).
pub(crate) fn status_color(status: Status) -> Option<AnsiColor> {
    match status {
        Status::Vetted => Some(AnsiColor::Green),
        Status::Unvetted => Some(AnsiColor::Yellow),
        Status::Denied => Some(AnsiColor::Red),
        Status::Yanked | Status::Prerelease | Status::TooNew | Status::IncompatibleRust => None,
    }
}

/// A table cell in `color` (the table decides whether colour shows).
pub(crate) fn cell(text: impl Into<String>, color: Option<AnsiColor>) -> Cell {
    let c = Cell::new(text.into());
    match color {
        Some(color) => c.fg(table_color(color)),
        None => c,
    }
}

fn table_color(c: AnsiColor) -> Color {
    match c {
        AnsiColor::Red | AnsiColor::BrightRed => Color::Red,
        AnsiColor::Green | AnsiColor::BrightGreen => Color::Green,
        AnsiColor::Yellow | AnsiColor::BrightYellow => Color::Yellow,
        AnsiColor::Cyan | AnsiColor::BrightCyan => Color::Cyan,
        AnsiColor::Blue | AnsiColor::BrightBlue => Color::Blue,
        AnsiColor::Magenta | AnsiColor::BrightMagenta => Color::Magenta,
        _ => Color::Reset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON: Style = Style {
        color: true,
        width: None,
        verbose: false,
    };

    #[test]
    fn diffs_are_coloured_only_when_allowed() {
        let d = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n";
        assert_eq!(diff(d, &Style::default()), d);
        let c = diff(d, &ON);
        assert!(c.contains("\u{1b}[31m-old\u{1b}[0m\n"), "{c:?}");
        assert!(c.contains("\u{1b}[32m+new\u{1b}[0m\n"), "{c:?}");
        assert!(c.contains("\n same\n"), "{c:?}");
        // Stripped of its escapes, it is the same diff.
        let plain: String = {
            let mut s = String::new();
            let mut esc = false;
            for ch in c.chars() {
                match (esc, ch) {
                    (_, '\u{1b}') => esc = true,
                    (true, 'm') => esc = false,
                    (true, _) => {}
                    (false, ch) => s.push(ch),
                }
            }
            s
        };
        assert_eq!(plain, d);
    }

    #[test]
    fn paint_leaves_plain_text_alone_without_colour() {
        assert_eq!(paint("x", AnsiColor::Red, &Style::default()), "x");
        assert_eq!(paint("x", AnsiColor::Red, &ON), "\u{1b}[31mx\u{1b}[0m");
    }
}

//! Human reports: tables for a person at a terminal, one module per
//! command, and the pieces they share (the house [`table`], a coloured
//! [`level_cell`], [`wrap`]ping to the terminal, [`plural`]).

mod check;
pub(crate) mod colour;
mod fix;
mod outdated;
mod review;
mod rollback;
mod upgrade;

pub(crate) use check::{check, check_short};
pub(crate) use fix::fix;
pub(crate) use outdated::outdated;
pub(crate) use review::{lock_changes, ordered, pulled_in_by, review};
pub(crate) use rollback::rollback;
pub(crate) use upgrade::{Relocked, upgrade};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::Style;
use crate::audit::rule::Level;

/// A table with the house style: condensed UTF-8 borders, wrapped to the
/// terminal, coloured only when allowed.
pub(crate) fn table(style: &Style, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = style.width {
        t.set_width(w);
    }
    if style.color {
        // crossterm, which draws comfy-table's colours, would read NO_COLOR
        // from the process and drop them: the style has decided already.
        crossterm::style::force_color_output(true);
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header.iter().map(Cell::new));
    t
}

/// The requirements a command rewrote (or would): a table, then a blank
/// line; nothing when there are none.
pub(crate) fn rewrites<'a>(
    rewrites: impl IntoIterator<Item = &'a crate::change::Rewrite>,
    style: &Style,
) -> String {
    let mut t = table(style, &["location", "dependency", "from", "to"]);
    let mut any = false;
    for r in rewrites {
        any = true;
        t.add_row(vec![
            Cell::new(format!("{}:{}", r.manifest, r.line)),
            Cell::new(&r.name),
            Cell::new(&r.from),
            Cell::new(&r.to),
        ]);
    }
    keep_whole(&mut t, &[0, 3]);
    if any { format!("{t}\n") } else { String::new() }
}

/// Columns that never wrap (a `file:line` split across lines sends the
/// reader to the wrong line; a pin split is not one to copy): the others
/// wrap instead.
pub(crate) fn keep_whole(t: &mut Table, columns: &[usize]) {
    for &i in columns {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
}

/// A level word, coloured like cargo's diagnostics.
pub(crate) fn level_cell(level: Level) -> Cell {
    let c = Cell::new(level.as_str());
    match level {
        Level::Deny => c.fg(Color::Red),
        Level::Warn => c.fg(Color::Yellow),
        Level::Allow => c,
    }
}

/// A line wrapped to the terminal's width (continuations indented), with a
/// trailing newline.
pub(crate) fn wrap(line: &str, style: &Style) -> String {
    wrap_indented(line, "    ", style)
}

/// A line wrapped to the terminal's width, continuations indented by
/// `indent`, with a trailing newline. Lines break at spaces only: a word
/// (a `file:line`, a crate name with hyphens, a command) is never split,
/// and one longer than the width overflows it whole.
/// A `code span` stays on one line too.
pub(crate) fn wrap_indented(line: &str, indent: &str, style: &Style) -> String {
    let line = line.trim_end_matches('\n');
    let mut out = match style.width {
        Some(w) if textwrap::core::display_width(line) > w as usize => {
            let line = glue_code_spans(line);
            unglue(&textwrap::wrap(&line, wrap_options(w as usize, indent)).join("\n"))
        }
        _ => unglue(line),
    };
    out.push('\n');
    out
}

/// What [`glue`] puts between words that must stay together: a space the
/// wrapping does not break at (it breaks at ASCII spaces only).
const GLUE: char = '\u{a0}';

/// `s` as one word for wrapping; [`unglue`] turns it back.
pub(crate) fn glue(s: &str) -> String {
    s.replace(' ', &GLUE.to_string())
}

/// Wrapped text with its glued spaces plain again.
pub(crate) fn unglue(s: &str) -> String {
    s.replace(GLUE, " ")
}

/// `s` with the spaces inside its `code spans` glued, so that a command
/// such as `cargo pin fix` is never cut across lines.
pub(crate) fn glue_code_spans(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&glue(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// How human reports wrap: at spaces, words whole.
pub(crate) fn wrap_options(width: usize, indent: &str) -> textwrap::Options<'_> {
    textwrap::Options::new(width)
        .subsequent_indent(indent)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

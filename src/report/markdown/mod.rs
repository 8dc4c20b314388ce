//! Markdown reports: a page a reviewer reads in a pull-request comment or a
//! CI job summary (`$GITHUB_STEP_SUMMARY`), one module per command.
//!
//! The building blocks here are shared by every command's Markdown report:
//! [`Md`] (text that is safe to put anywhere, built by escaping), [`Table`]
//! (a GitHub-flavoured table) and [`details`] (a collapsed section, so that a
//! report with thousands of rows stays readable). Anything that comes from a
//! manifest, a lockfile or a registry goes through [`Md::text`] or
//! [`Md::code`]: a crate name or a requirement must never be able to break a
//! table or inject HTML.

mod check;
mod fix;
mod outdated;
mod review;

pub(crate) use check::check;
pub(crate) use fix::fix;
pub(crate) use outdated::outdated;
pub(crate) use review::review;

use std::fmt;

use super::SourceRoot;

/// More rows than this in a report, and its long sections are collapsed.
pub(crate) const COLLAPSE_ROWS: usize = 25;

/// A piece of Markdown that is safe inline: in a paragraph, a list item or
/// a table cell. It never holds a line break or an unescaped `|`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Md(String);

impl Md {
    /// Plain text, escaped: it renders as written.
    pub(crate) fn text(s: &str) -> Md {
        Md(escape(s))
    }

    /// Plain text in a code span, e.g. a requirement or a version.
    pub(crate) fn code(s: &str) -> Md {
        let s = one_line(s);
        if s.is_empty() || s.contains('|') {
            // A `|` cannot be escaped inside a backtick span in every
            // context (in a table it needs `\|`, which shows elsewhere), so
            // such text is an HTML code element with escaped contents.
            return Md(format!("<code>{}</code>", escape(&s)));
        }
        let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest + 1);
        let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
            " "
        } else {
            ""
        };
        Md(format!("{fence}{pad}{s}{pad}{fence}"))
    }

    /// A sentence of ours with `code spans` in it (a finding's message, a
    /// reason): what is between backticks becomes a code span, the rest is
    /// escaped text, so that the backticks render as code rather than show
    /// as `` \` ``. Unbalanced backticks leave it all plain text. Full git
    /// commits are shortened ([`short_revs`](crate::report::short_revs)).
    pub(crate) fn prose(s: &str) -> Md {
        let s = crate::report::short_revs(s);
        if s.matches('`').count() % 2 == 1 {
            return Md::text(&s);
        }
        Md(s.split('`')
            .enumerate()
            .map(|(i, part)| match i % 2 {
                0 => escape(part),
                _ => Md::code(part).0,
            })
            .collect())
    }

    /// A link around `text` to `url` (escaped for a Markdown destination).
    pub(crate) fn link(text: Md, url: &str) -> Md {
        Md(format!("[{}]({})", text.0, escape_url(url)))
    }

    /// `text` in bold.
    pub(crate) fn bold(text: Md) -> Md {
        Md(format!("**{}**", text.0))
    }

    /// Markdown written by us (a rule's remedy, a heading's emphasis),
    /// trusted as is; line breaks become spaces.
    pub(crate) fn raw(s: &str) -> Md {
        Md(one_line(s).replace('|', "\\|"))
    }

    /// `parts` joined by `sep` (plain text, escaped).
    pub(crate) fn join(parts: impl IntoIterator<Item = Md>, sep: &str) -> Md {
        let sep = escape(sep);
        Md(parts
            .into_iter()
            .map(|m| m.0)
            .collect::<Vec<_>>()
            .join(&sep))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Md {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

/// Backslash-escapes every character Markdown (or inline HTML) could read
/// as syntax. CommonMark allows a backslash before any ASCII punctuation.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '~'
                | '&'
                | '#'
                | '!'
                | '('
                | ')'
                | '{'
                | '}'
                | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Percent-encodes what would end or break a link destination.
fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        match b {
            b' ' | b'(' | b')' | b'<' | b'>' | b'|' | b'\\' | b'`' | b'"' | b'[' | b']' => {
                out.push_str(&format!("%{b:02X}"))
            }
            b if b.is_ascii_control() || !b.is_ascii() => out.push_str(&format!("%{b:02X}")),
            b => out.push(b as char),
        }
    }
    out
}

/// Column alignment in a [`Table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A GitHub-flavoured Markdown table. Cells are [`Md`], so they are
/// escaped already; short rows are padded.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    header: Vec<Md>,
    align: Vec<Align>,
    rows: Vec<Vec<Md>>,
}

impl Table {
    /// A table with these column titles (plain text).
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| Md::text(h)).collect(),
            align: vec![Align::Left; header.len()],
            rows: Vec::new(),
        }
    }

    /// Aligns `column` (0-based) to the right, for numbers.
    pub(crate) fn right(mut self, column: usize) -> Table {
        if let Some(a) = self.align.get_mut(column) {
            *a = Align::Right;
        }
        self
    }

    pub(crate) fn row(&mut self, cells: Vec<Md>) {
        self.rows.push(cells);
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The table, ending with a newline.
    pub(crate) fn render(&self) -> String {
        let width = self.header.len();
        let mut out = String::new();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            out.push('|');
            for c in cells {
                out.push(' ');
                out.push_str(c);
                out.push_str(" |");
            }
            out.push('\n');
        };
        line(&mut out, &mut self.header.iter().map(Md::as_str));
        let rule: Vec<&str> = self
            .align
            .iter()
            .map(|a| match a {
                Align::Left => "---",
                Align::Right => "--:",
            })
            .collect();
        line(&mut out, &mut rule.into_iter());
        for row in &self.rows {
            let mut cells = row
                .iter()
                .map(Md::as_str)
                .chain(std::iter::repeat(""))
                .take(width.max(row.len()));
            line(&mut out, &mut cells);
        }
        out
    }
}

/// A collapsed section: `summary` (plain text) shown, `body` (Markdown) on
/// a click. Blank lines around the body let GitHub render Markdown in it.
pub(crate) fn details(summary: &str, body: &str) -> String {
    let summary = summary
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<details><summary>{}</summary>\n\n{}\n</details>\n",
        one_line(&summary),
        body.trim_end()
    )
}

/// `n thing` or `n things`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `file:line` of a workspace-relative `manifest` as code, relative to the
/// repository, linked to the file's page when the address is known.
pub(crate) fn file_line(root: &SourceRoot, manifest: &str, line: Option<usize>) -> Md {
    let path = root.path(manifest);
    let shown = match line {
        Some(l) => Md::code(&format!("{path}:{l}")),
        None => Md::code(&path),
    };
    match (&root.web, line) {
        (Some(web), Some(l)) => Md::link(shown, &format!("{web}{path}#L{l}")),
        (Some(web), None) => Md::link(shown, &format!("{web}{path}")),
        (None, _) => shown,
    }
}

/// `name`, or `name` (`package`) when the dependency renames its crate.
pub(crate) fn dependency_name(name: &str, package: &str) -> Md {
    if name == package {
        Md::code(name)
    } else {
        Md(format!("{} ({})", Md::code(name), Md::code(package)))
    }
}

/// A fenced code block, its fence longer than any backtick run inside.
pub(crate) fn fenced(lang: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end_matches('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(Md::text("a|b").as_str(), "a\\|b");
        assert_eq!(
            Md::text("<img src=x> *x* [l](u)").as_str(),
            "\\<img src=x\\> \\*x\\* \\[l\\]\\(u\\)"
        );
        assert_eq!(Md::text("line\nbreak\r\nx").as_str(), "line break x");
        assert_eq!(Md::text("once_cell").as_str(), "once\\_cell");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(Md::code("=1.2.3").as_str(), "`=1.2.3`");
        assert_eq!(Md::code("a`b").as_str(), "``a`b``");
        assert_eq!(Md::code("`x").as_str(), "`` `x ``");
        assert_eq!(Md::code(">=1, <2").as_str(), "`>=1, <2`");
        assert_eq!(Md::code("a|b<c").as_str(), "<code>a\\|b\\<c</code>");
        assert_eq!(Md::code("").as_str(), "<code></code>");
        assert!(!Md::code("a\nb").as_str().contains('\n'));
    }

    #[test]
    fn prose_turns_backticks_into_code_spans() {
        assert_eq!(
            Md::prose("`1.3` accepts any release; pin `=1.3.0`").as_str(),
            "`1.3` accepts any release; pin `=1.3.0`"
        );
        assert_eq!(
            Md::prose("`a|b` and *x*").as_str(),
            "<code>a\\|b</code> and \\*x\\*"
        );
        // Unbalanced: all text, escaped.
        assert_eq!(Md::prose("a ` b").as_str(), "a \\` b");
        assert_eq!(
            Md::prose("at commit 1111111111111111111111111111111111111111").as_str(),
            "at commit 111111111111"
        );
        assert!(!Md::prose("`x`\n`y`").as_str().contains('\n'));
    }

    #[test]
    fn links_keep_their_destination_whole() {
        assert_eq!(
            Md::link(Md::text("x"), "https://e.com/a b(c)").as_str(),
            "[x](https://e.com/a%20b%28c%29)"
        );
    }

    #[test]
    fn tables_pad_short_rows_and_never_break() {
        let mut t = Table::new(&["a", "b|c"]).right(1);
        t.row(vec![Md::text("x|y")]);
        t.row(vec![Md::raw("p\nq"), Md::code("a|b")]);
        assert_eq!(
            t.render(),
            "| a | b\\|c |\n| --- | --: |\n| x\\|y |  |\n| p q | <code>a\\|b</code> |\n"
        );
        // Every line has the same number of unescaped pipes.
        for line in t.render().lines() {
            assert_eq!(line.replace("\\|", "").matches('|').count(), 3, "{line}");
        }
    }

    #[test]
    fn details_escape_their_summary() {
        let d = details("a <b> & c", "| x |\n");
        assert!(d.starts_with("<details><summary>a &lt;b&gt; &amp; c</summary>\n\n| x |\n"));
        assert!(d.ends_with("</details>\n"));
    }
}

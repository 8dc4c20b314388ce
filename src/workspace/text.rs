//! Small text helpers shared by the readers: byte offsets to line numbers.

/// Maps byte offsets in a text to 1-based line numbers in O(log n).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_iter(text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// The byte offset where 1-based `line` starts, if the text has it.
    pub fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

fn memchr_iter(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

/// Where an error in a file's text is, as cargo shows a TOML error:
/// `LINE:COL: MESSAGE` (for the caller to put `FILE:` before), then the
/// line with a caret under the span:
///
/// ```text
/// 3:9: invalid TOML: string values must be quoted
///   |
/// 3 | serde = 1.0
///   |         ^^^
/// ```
///
/// Without a span, the first line. A message of several lines is joined
/// with `; `. A long line is shown around the column.
pub(crate) fn located(text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> String {
    let message = message
        .trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let span = span.unwrap_or(0..0);
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let lines = LineIndex::new(text);
    let line = lines.line_of(start);
    let line_start = lines.start_of(line).unwrap_or(0).min(start);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let source = text[line_start..line_end].trim_end_matches('\r');
    let before: Vec<char> = text[line_start..start].chars().collect();
    let col = before.len() + 1;
    let end = floor_char_boundary(text, span.end.clamp(start, line_start + source.len()));
    let width = text[start..end].chars().count().max(1);

    // A long line (minified, or deeply nested): 60 characters before the
    // column and 40 after, with `...` where it is cut.
    const BEFORE: usize = 60;
    const AFTER: usize = 40;
    let chars: Vec<char> = source.chars().collect();
    let from = (col - 1).saturating_sub(BEFORE);
    let to = chars.len().min(col - 1 + width.max(AFTER));
    let mut shown: String = chars[from..to].iter().collect();
    let mut pad: String = before[from..]
        .iter()
        .map(|c| if *c == '\t' { '\t' } else { ' ' })
        .collect();
    if from > 0 {
        shown.insert_str(0, "...");
        pad.insert_str(0, "   ");
    }
    if to < chars.len() {
        shown.push_str("...");
    }
    let carets = "^".repeat(width.min(to.saturating_sub(col - 1)).max(1));
    let gutter = " ".repeat(line.to_string().len());
    format!("{line}:{col}: {message}\n{gutter} |\n{line} | {shown}\n{gutter} | {pad}{carets}")
}

/// serde's ``unknown field `min-relase-age`, expected one of `a`, `b` ``,
/// with the likely one: ``...: did you mean `min-release-age`?``. Any other
/// message as it is.
pub(crate) fn with_suggestion(message: &str) -> String {
    let message = message.trim();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((field, expected)) = rest.split_once("`, expected ") else {
        return message.to_string();
    };
    let best = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|known| (strsim::jaro_winkler(field, known), known))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, known)) => format!("{message}: did you mean `{known}`?"),
        None => message.to_string(),
    }
}

/// `LINE:COL` of byte `at` (1-based; the column in characters).
pub(crate) fn line_col(text: &str, at: usize) -> String {
    located(text, Some(at..at), "")
        .split(": ")
        .next()
        .unwrap_or("1:1")
        .to_string()
}

/// The lines [`located`] shows under its first: the source line and the
/// caret under `span`.
pub(crate) fn snippet(text: &str, span: std::ops::Range<usize>) -> String {
    let all = located(text, Some(span), "");
    all.split_once('\n')
        .map_or(all.clone(), |(_, rest)| rest.to_string())
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(1), 1);
        assert_eq!(idx.line_of(2), 2);
        assert_eq!(idx.line_of(5), 3);
        assert_eq!(idx.line_of(6), 4);
        assert_eq!(idx.start_of(2), Some(2));
        assert_eq!(idx.start_of(9), None);
    }

    #[test]
    fn located_puts_a_caret_under_the_span() {
        let text = "[dependencies]\nserde = 1.0\n";
        let at = text.find("1.0").unwrap();
        assert_eq!(
            located(
                text,
                Some(at..at + 3),
                "invalid TOML: string values must be quoted\n"
            ),
            "2:9: invalid TOML: string values must be quoted\n  |\n2 | serde = 1.0\n  |         ^^^"
        );
    }

    #[test]
    fn located_handles_the_edges() {
        // No span: the first line; an empty span: one caret.
        assert!(located("a = \n", None, "x").starts_with("1:1: x\n"));
        let end = located("a = 1\nb = ", Some(10..10), "expected a value");
        assert!(end.ends_with("2 | b = \n  |     ^"), "{end}");
        // Past the end, inside a character, with tabs and CRLF.
        let text = "\t\u{e9}x = @\r\n";
        let e = located(text, Some(2..99), "bad");
        assert!(e.starts_with("1:2: bad\n"), "{e}");
        assert!(e.ends_with("1 | \t\u{e9}x = @\n  | \t^^^^^^"), "{e}");
        assert_eq!(
            located("", Some(3..4), "empty").lines().next(),
            Some("1:1: empty")
        );
        // A message of several lines is one line.
        assert!(
            located("x", None, "invalid string\nexpected `\"`")
                .starts_with("1:1: invalid string; expected `\"`\n")
        );
    }

    #[test]
    fn an_unknown_field_suggests_the_closest() {
        assert_eq!(
            with_suggestion(
                "unknown field `min-relase-age`, expected one of `min-release-age`, `require-vetted`\n"
            ),
            "unknown field `min-relase-age`, expected one of `min-release-age`, `require-vetted`: \
             did you mean `min-release-age`?"
        );
        assert_eq!(
            with_suggestion("unknown field `exemt`, expected `exempt`"),
            "unknown field `exemt`, expected `exempt`: did you mean `exempt`?"
        );
        for plain in [
            "unknown field `zzz`, expected one of `rules`, `exempt`",
            "invalid type: integer `1`, expected a string",
            "unknown field `x",
        ] {
            assert_eq!(with_suggestion(plain), plain);
        }
    }

    #[test]
    fn located_shows_a_long_line_around_the_column() {
        let text = format!("x = {}1{}\n", "[".repeat(5_000), "]".repeat(5_000));
        let e = located(&text, Some(5_004..5_005), "too deep");
        assert!(e.starts_with("1:5005: too deep\n"), "{e}");
        let shown = e.lines().nth(2).unwrap();
        assert!(
            shown.len() < 120 && shown.starts_with("1 | ...[[[") && shown.ends_with("]]]..."),
            "{shown}"
        );
        let caret = e.lines().nth(3).unwrap();
        assert_eq!(caret.find('^'), Some(shown.find("[1]").unwrap() + 1), "{e}");
    }
}

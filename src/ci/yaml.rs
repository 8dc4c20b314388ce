//! A line-oriented reader of the block-style YAML that CI files are
//! written in: mappings, sequences, plain and quoted scalars, block
//! scalars (`run: |`). Every scalar keeps its byte span in the file, so an
//! edit can replace exactly its text; the YAML is never re-serialised.
//!
//! Not a full YAML parser, on purpose: anchors, tags and multi-line flow
//! collections are read as plain text. What it refuses is what YAML
//! refuses and would hide findings: a tab in indentation and a quoted
//! scalar left open, each an error naming its line.

use std::ops::Range;

/// A scalar value: its text (quotes taken off), and where that text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scalar {
    pub text: String,
    /// The bytes of the text inside any quotes, in the file.
    pub span: Range<usize>,
    /// 1-based.
    pub line: usize,
}

/// A line of a block scalar (`run: |`), with its bytes in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlockLine {
    pub text: String,
    /// Byte offset of `text` in the file.
    pub start: usize,
    pub line: usize,
}

/// A YAML node, as far as CI files need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Map(Vec<(Scalar, Node)>),
    Seq(Vec<Node>),
    Scalar(Scalar),
    /// A literal or folded block scalar, line by line.
    Block(Vec<BlockLine>),
    Null,
}

impl Node {
    /// The value of `key` in a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn entries(&self) -> &[(Scalar, Node)] {
        match self {
            Node::Map(e) => e,
            _ => &[],
        }
    }

    pub(crate) fn items(&self) -> &[Node] {
        match self {
            Node::Seq(i) => i,
            _ => &[],
        }
    }

    /// The lines of a script: a block scalar's lines, or a one-line scalar.
    pub(crate) fn script_lines(&self) -> Vec<BlockLine> {
        match self {
            Node::Block(lines) => lines.clone(),
            Node::Scalar(s) => vec![BlockLine {
                text: s.text.clone(),
                start: s.span.start,
                line: s.line,
            }],
            _ => Vec::new(),
        }
    }
}

/// A YAML error: the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone)]
struct Line<'a> {
    indent: usize,
    /// Byte offset of `content` in the file.
    start: usize,
    /// Without indentation, comment and trailing space.
    content: &'a str,
    raw: usize,
}

/// Parses `text` into one node (documents after a `---` are merged).
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    let mut raws = Vec::new();
    let mut offset = 0;
    for l in text.split_inclusive('\n') {
        raws.push((offset, l.trim_end_matches(['\n', '\r'])));
        offset += l.len();
    }
    let mut lines = Vec::new();
    for (i, (start, raw)) in raws.iter().enumerate() {
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = &raw[indent..];
        if rest.starts_with('\t') {
            return Err(YamlError {
                line: i + 1,
                message: "a tab in indentation (YAML allows spaces only)".into(),
            });
        }
        let content = strip_comment(rest).trim_end();
        if content.is_empty() || content == "---" || content == "..." || content.starts_with('%') {
            continue;
        }
        lines.push(Line {
            indent,
            start: start + indent,
            content,
            raw: i,
        });
    }
    let mut p = Parser {
        raws,
        lines,
        pos: 0,
    };
    let mut entries = Vec::new();
    while p.pos < p.lines.len() {
        let indent = p.lines[p.pos].indent;
        match p.node(indent)? {
            Node::Map(e) => entries.extend(e),
            other if entries.is_empty() && p.pos >= p.lines.len() => return Ok(other),
            _ => {}
        }
    }
    Ok(Node::Map(entries))
}

/// The text before a comment (`#` at the start or after a space, outside
/// quotes).
fn strip_comment(s: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && (prev == ' ' || prev == ':' || i == 0) => {
                quote = Some(c)
            }
            None if c == '#' && (prev == ' ' || prev == '\t' || i == 0) => return &s[..i],
            None => {}
        }
        prev = c;
    }
    s
}

struct Parser<'a> {
    raws: Vec<(usize, &'a str)>,
    lines: Vec<Line<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Line<'a>> {
        self.lines.get(self.pos)
    }

    /// The node starting at the current line, whose indentation is `indent`.
    fn node(&mut self, indent: usize) -> Result<Node, YamlError> {
        let Some(line) = self.peek().cloned() else {
            return Ok(Node::Null);
        };
        if is_seq_item(line.content) {
            return self.seq(line.indent);
        }
        if split_key(line.content).is_some() {
            return self.map(line.indent);
        }
        // A plain or quoted scalar on lines of its own.
        self.pos += 1;
        let s = scalar(line.content, line.start, line.raw + 1)?;
        while self.peek().is_some_and(|l| l.indent > indent) {
            self.pos += 1;
        }
        Ok(Node::Scalar(s))
    }

    fn seq(&mut self, indent: usize) -> Result<Node, YamlError> {
        let mut items = Vec::new();
        while let Some(line) = self.peek().cloned() {
            if line.indent != indent || !is_seq_item(line.content) {
                break;
            }
            let rest = line.content[1..].trim_start_matches(' ');
            if rest.is_empty() {
                self.pos += 1;
                items.push(self.child(indent)?);
                continue;
            }
            // `- key: value`: the rest of the line is a node indented
            // where its text starts.
            let shift = line.content.len() - rest.len();
            self.lines[self.pos] = Line {
                indent: indent + shift,
                start: line.start + shift,
                content: rest,
                raw: line.raw,
            };
            items.push(self.node(indent + shift)?);
        }
        Ok(Node::Seq(items))
    }

    /// The node below a line at `indent` whose value is empty.
    fn child(&mut self, indent: usize) -> Result<Node, YamlError> {
        match self.peek() {
            Some(l) if l.indent > indent => {
                let i = l.indent;
                self.node(i)
            }
            _ => Ok(Node::Null),
        }
    }

    fn map(&mut self, indent: usize) -> Result<Node, YamlError> {
        let mut entries = Vec::new();
        while let Some(line) = self.peek().cloned() {
            if line.indent != indent || is_seq_item(line.content) {
                break;
            }
            let Some((key_end, value_at)) = split_key(line.content) else {
                break;
            };
            let key = scalar(&line.content[..key_end], line.start, line.raw + 1)?;
            let value = &line.content[value_at..];
            self.pos += 1;
            let node = if value.is_empty() {
                // A sequence may sit at the key's own indentation.
                match self.peek() {
                    Some(l) if l.indent == indent && is_seq_item(l.content) => self.seq(indent)?,
                    _ => self.child(indent)?,
                }
            } else if value.starts_with('|') || value.starts_with('>') {
                self.block(line.raw, indent)
            } else {
                let s = scalar(value, line.start + value_at, line.raw + 1)?;
                // A plain scalar continued on more-indented lines.
                while self.peek().is_some_and(|l| l.indent > indent) {
                    self.pos += 1;
                }
                Node::Scalar(s)
            };
            entries.push((key, node));
        }
        Ok(Node::Map(entries))
    }

    /// A block scalar after raw line `key_raw`: the lines indented more
    /// than `indent` (blank ones included).
    fn block(&mut self, key_raw: usize, indent: usize) -> Node {
        let mut out = Vec::new();
        let mut r = key_raw + 1;
        while let Some((start, raw)) = self.raws.get(r) {
            let i = raw.len() - raw.trim_start_matches(' ').len();
            if !raw.trim().is_empty() && i <= indent {
                break;
            }
            out.push(BlockLine {
                text: raw[i.min(raw.len())..].to_string(),
                start: start + i.min(raw.len()),
                line: r + 1,
            });
            r += 1;
        }
        while out.last().is_some_and(|l| l.text.trim().is_empty()) {
            out.pop();
        }
        while self.peek().is_some_and(|l| l.raw < r) {
            self.pos += 1;
        }
        Node::Block(out)
    }
}

fn is_seq_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// Where a `key: value` line's key ends and its value starts.
fn split_key(content: &str) -> Option<(usize, usize)> {
    let bytes = content.as_bytes();
    let mut quote = None;
    let mut i = 0;
    if matches!(bytes.first(), Some(b'[' | b'{')) {
        return None;
    }
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == b'"' || c == b'\'') && i == 0 => quote = Some(c),
            None if c == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') => {
                let key = content[..i].trim_end();
                if key.is_empty() {
                    return None;
                }
                let value = content[i + 1..].trim_start();
                return Some((key.len(), content.len() - value.len()));
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// A scalar written as `text` at byte `start` on `line`.
fn scalar(text: &str, start: usize, line: usize) -> Result<Scalar, YamlError> {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q) {
            let Some(end) = inner.rfind(q) else {
                return Err(YamlError {
                    line,
                    message: format!("a quoted value is not closed: {text}"),
                });
            };
            return Ok(Scalar {
                text: inner[..end].to_string(),
                span: start + 1..start + 1 + end,
                line,
            });
        }
    }
    Ok(Scalar {
        text: text.to_string(),
        span: start..start + text.len(),
        line,
    })
}

/// The items of a one-line flow sequence `[a, "b"]`, with their spans.
pub(crate) fn flow_items(s: &Scalar) -> Option<Vec<Scalar>> {
    let inner = s.text.strip_prefix('[')?.strip_suffix(']')?;
    let base = s.span.start + 1;
    let mut out = Vec::new();
    let mut at = 0;
    for part in inner.split(',') {
        let lead = part.len() - part.trim_start().len();
        let t = part.trim();
        if !t.is_empty() {
            out.push(scalar(t, base + at + lead, s.line).ok()?);
        }
        at += part.len() + 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = "name: ci # comment\non:\n  push:\njobs:\n  test:\n    strategy:\n      matrix:\n        rust: [stable, \"1.85.0\"]\n        include:\n        - rust: beta\n    steps:\n    - uses: actions/checkout@v4\n    - name: Install\n      run: |\n        cargo install cargo-nextest\n\n        # a comment\n        rustup default stable\n    - run: echo 'a: b'\n      with:\n        toolchain: \"stable\"\n";

    #[test]
    fn nested_maps_sequences_and_spans() {
        let doc = parse(WORKFLOW).unwrap();
        let job = doc.get("jobs").unwrap().get("test").unwrap();
        let steps = job.get("steps").unwrap().items();
        assert_eq!(steps.len(), 3);
        let uses = steps[0].get("uses").unwrap().scalar().unwrap();
        assert_eq!(uses.text, "actions/checkout@v4");
        assert_eq!(uses.line, 12);
        assert_eq!(&WORKFLOW[uses.span.clone()], "actions/checkout@v4");
        let run = steps[1].get("run").unwrap().script_lines();
        assert_eq!(run.len(), 4);
        assert_eq!(run[0].text, "cargo install cargo-nextest");
        assert_eq!(run[0].line, 15);
        assert_eq!(run[3].line, 18);
        let tc = steps[2].get("with").unwrap().get("toolchain").unwrap();
        let tc = tc.scalar().unwrap();
        assert_eq!(&WORKFLOW[tc.span.clone()], "stable");
        assert_eq!(
            steps[2].get("run").unwrap().scalar().unwrap().text,
            "echo 'a: b'"
        );
        let matrix = job.get("strategy").unwrap().get("matrix").unwrap();
        let rust = flow_items(matrix.get("rust").unwrap().scalar().unwrap()).unwrap();
        assert_eq!(rust[1].text, "1.85.0");
        assert_eq!(&WORKFLOW[rust[1].span.clone()], "1.85.0");
        let include = matrix.get("include").unwrap().items();
        assert_eq!(include[0].get("rust").unwrap().scalar().unwrap().line, 10);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("a:\n  b: \"open\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn crlf_and_comments_inside_values() {
        let doc = parse("a: x#y\r\nb: 'q # r' # c\r\n").unwrap();
        assert_eq!(doc.get("a").unwrap().scalar().unwrap().text, "x#y");
        assert_eq!(doc.get("b").unwrap().scalar().unwrap().text, "q # r");
    }
}

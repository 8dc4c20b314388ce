//! GitLab CI: `.gitlab-ci.yml`. Every top-level job (and `default:`):
//! `image:`, `services:`, `script:`/`before_script:`/`after_script:`, and
//! `RUSTUP_TOOLCHAIN` in `variables:`. A value naming a `$VARIABLE` cannot
//! be known here and is not judged.

use super::github::script;
use super::yaml::Node;
use super::{Site, Val};

/// The sites of a `.gitlab-ci.yml`.
pub(crate) fn read(doc: &Node) -> Vec<Site> {
    let mut out = Vec::new();
    job(doc, &mut out);
    for (_, node) in doc.entries() {
        if matches!(node, Node::Map(_)) {
            job(node, &mut out);
        }
    }
    out
}

fn job(node: &Node, out: &mut Vec<Site>) {
    if let Some(i) = node.get("image") {
        image(i, "image", out);
    }
    for s in node.get("services").map(Node::items).unwrap_or_default() {
        image(s, "service image", out);
    }
    for key in ["before_script", "script", "after_script"] {
        let lines = match node.get(key) {
            Some(Node::Seq(items)) => items.iter().flat_map(Node::script_lines).collect(),
            Some(other) => other.script_lines(),
            None => continue,
        };
        script(&lines, None, out);
    }
    for (k, v) in node.get("variables").map(Node::entries).unwrap_or_default() {
        if let (true, Some(v)) = (k.text == "RUSTUP_TOOLCHAIN", v.scalar()) {
            out.push(Site::Toolchain {
                what: format!("`RUSTUP_TOOLCHAIN: {}`", v.text),
                values: known(&v.text, v.line, Some(v.span.clone())),
                line: v.line,
                package: None,
                floats_unset: false,
            });
        }
    }
}

/// `image: NAME` or `image: { name: NAME }`.
fn image(node: &Node, what: &str, out: &mut Vec<Site>) {
    let s = match node {
        Node::Scalar(s) => s,
        other => match other.get("name").and_then(Node::scalar) {
            Some(s) => s,
            None => return,
        },
    };
    out.push(Site::Image {
        what: what.to_string(),
        values: known(&s.text, s.line, Some(s.span.clone())),
        line: s.line,
    });
}

fn known(text: &str, line: usize, span: Option<std::ops::Range<usize>>) -> Vec<Val> {
    if text.contains('$') {
        return Vec::new();
    }
    vec![Val {
        text: text.to_string(),
        line,
        span,
    }]
}

//! GitHub Actions: workflows (`jobs.*`) and composite actions
//! (`runs.steps`). Steps' `uses:`, `with:` (`toolchain:`, install-action's
//! `tool:`), `run:` scripts, `env:`, and jobs' `container:`/`services:`.
//!
//! An expression is judged by the values the workflow gives it: `${{
//! matrix.X }}` takes every value the job's matrix lists for `X` (its
//! `include:` entries too); any other expression cannot be known here.

use super::yaml::{Node, Scalar, flow_items};
use super::{Site, Val, action_repo, is_sha, shell};

/// The sites of a workflow file.
pub(crate) fn workflow(doc: &Node, text: &str) -> Vec<Site> {
    let mut out = Vec::new();
    env(doc.get("env"), None, &mut out);
    for (_, job) in doc.get("jobs").map(Node::entries).unwrap_or_default() {
        let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
        if let Some(u) = job.get("uses").and_then(Node::scalar) {
            uses(u, &mut out);
        }
        if let Some(c) = job.get("container") {
            image(c, "job container image", matrix, &mut out);
        }
        for (name, s) in job.get("services").map(Node::entries).unwrap_or_default() {
            image(
                s,
                &format!("service `{}` image", name.text),
                matrix,
                &mut out,
            );
        }
        env(job.get("env"), matrix, &mut out);
        steps(job.get("steps"), matrix, text, &mut out);
    }
    out
}

/// The sites of a composite action (`action.yml`).
pub(crate) fn action(doc: &Node, text: &str) -> Vec<Site> {
    let mut out = Vec::new();
    if let Some(runs) = doc.get("runs") {
        steps(runs.get("steps"), None, text, &mut out);
    }
    out
}

fn steps(steps: Option<&Node>, matrix: Option<&Node>, text: &str, out: &mut Vec<Site>) {
    for step in steps.map(Node::items).unwrap_or_default() {
        let with = step.get("with");
        if let Some(u) = step.get("uses").and_then(Node::scalar) {
            uses(u, out);
            special_action(u, with, text, out);
        }
        if let Some(tc) = with.and_then(|w| w.get("toolchain")).and_then(Node::scalar) {
            let package = step
                .get("uses")
                .and_then(Node::scalar)
                .and_then(|u| action_repo(&u.text))
                .map(|(r, _)| r);
            out.push(Site::Toolchain {
                what: format!("`toolchain: {}`", tc.text),
                values: values(tc, matrix),
                line: tc.line,
                package,
                floats_unset: false,
            });
        }
        env(step.get("env"), matrix, out);
        if let Some(run) = step.get("run") {
            script(&run.script_lines(), matrix, out);
        }
    }
}

/// The sites of a shell script's lines.
pub(crate) fn script(lines: &[super::yaml::BlockLine], matrix: Option<&Node>, out: &mut Vec<Site>) {
    for cmd in shell::commands(lines) {
        if let Some(i) = shell::install(&cmd) {
            out.push(Site::Install(i));
        }
        for t in shell::toolchains(&cmd) {
            let values = match &t.word {
                None => Vec::new(),
                Some(w) => values(
                    &Scalar {
                        text: w.text.clone(),
                        span: w.span.clone(),
                        line: w.line,
                    },
                    matrix,
                ),
            };
            out.push(Site::Toolchain {
                what: t.what,
                floats_unset: t.word.is_none(),
                values,
                line: t.line,
                package: None,
            });
        }
    }
}

fn uses(u: &Scalar, out: &mut Vec<Site>) {
    if u.text.starts_with("./") {
        return;
    }
    out.push(Site::Action {
        uses: u.text.clone(),
        line: u.line,
        span: u.span.clone(),
    });
}

/// `dtolnay/rust-toolchain@CHANNEL` and `taiki-e/install-action`.
fn special_action(u: &Scalar, with: Option<&Node>, text: &str, out: &mut Vec<Site>) {
    let Some((repo, reference)) = action_repo(&u.text) else {
        return;
    };
    // A SHA ref is read by the tag or branch its comment names.
    let ref_start = u.span.end - reference.len();
    let (name, span) = if is_sha(reference) {
        (comment_after(text, u.span.end).unwrap_or_default(), None)
    } else {
        (reference.to_string(), Some(ref_start..u.span.end))
    };
    match repo.as_str() {
        "dtolnay/rust-toolchain" => {
            if with.and_then(|w| w.get("toolchain")).is_some() || name.is_empty() {
                return;
            }
            out.push(Site::Toolchain {
                what: format!("`{}`", u.text),
                values: vec![Val {
                    text: name,
                    line: u.line,
                    span,
                }],
                line: u.line,
                package: Some(repo),
                floats_unset: false,
            });
        }
        "taiki-e/install-action" => match with.and_then(|w| w.get("tool")) {
            Some(tool) => {
                for l in tool.script_lines() {
                    for entry in l
                        .text
                        .split([',', ' '])
                        .map(str::trim)
                        .filter(|e| !e.is_empty())
                    {
                        let (tool, version) = match entry.split_once('@') {
                            Some((t, v)) => {
                                (t, semver::Version::parse(v).ok().map(|_| v.to_string()))
                            }
                            None => (entry, None),
                        };
                        out.push(Site::InstallAction {
                            tool: tool.to_string(),
                            version,
                            line: l.line,
                        });
                    }
                }
            }
            None if !name.is_empty() && !name.starts_with('v') && !is_sha(&name) => {
                // `taiki-e/install-action@cargo-hack`: the newest cargo-hack.
                let (tool, version) = match name.split_once('@') {
                    Some((t, v)) => (t.to_string(), Some(v.to_string())),
                    None => (name, None),
                };
                out.push(Site::InstallAction {
                    tool,
                    version,
                    line: u.line,
                });
            }
            None => {}
        },
        _ => {}
    }
}

/// The first word of a `# comment` after byte `end` on its line.
fn comment_after(text: &str, end: usize) -> Option<String> {
    let rest = text.get(end..)?;
    let line = rest.split('\n').next()?;
    let c = line.trim_start().strip_prefix('#')?;
    c.split_whitespace().next().map(str::to_string)
}

fn env(env: Option<&Node>, matrix: Option<&Node>, out: &mut Vec<Site>) {
    for (k, v) in env.map(Node::entries).unwrap_or_default() {
        if k.text != "RUSTUP_TOOLCHAIN" {
            continue;
        }
        if let Some(v) = v.scalar() {
            out.push(Site::Toolchain {
                what: format!("`RUSTUP_TOOLCHAIN: {}`", v.text),
                values: values(v, matrix),
                line: v.line,
                package: None,
                floats_unset: false,
            });
        }
    }
}

/// A job's `container:` or a service: a scalar image or a map with `image:`.
fn image(node: &Node, what: &str, matrix: Option<&Node>, out: &mut Vec<Site>) {
    let s = match node {
        Node::Scalar(s) => s,
        other => match other.get("image").and_then(Node::scalar) {
            Some(s) => s,
            None => return,
        },
    };
    out.push(Site::Image {
        what: what.to_string(),
        values: values(s, matrix),
        line: s.line,
    });
}

/// The values `s` takes: itself, or with one `${{ matrix.X }}` replaced by
/// each of the matrix's values for `X`. Empty when they cannot be known.
pub(crate) fn values(s: &Scalar, matrix: Option<&Node>) -> Vec<Val> {
    let Some(open) = s.text.find("${{") else {
        return vec![Val {
            text: s.text.clone(),
            line: s.line,
            span: Some(s.span.clone()),
        }];
    };
    let Some(close) = s.text[open..].find("}}").map(|c| open + c + 2) else {
        return Vec::new();
    };
    let expr = s.text[open + 3..close - 2].trim();
    let (Some(key), Some(matrix)) = (expr.strip_prefix("matrix."), matrix) else {
        return Vec::new();
    };
    if s.text[close..].contains("${{") {
        return Vec::new();
    }
    let mut found = Vec::new();
    matrix_values(matrix.get(key), &mut found);
    for inc in matrix.get("include").map(Node::items).unwrap_or_default() {
        matrix_values(inc.get(key), &mut found);
    }
    if found.is_empty() || found.iter().any(|v| v.text.contains("${{")) {
        return Vec::new();
    }
    found
        .into_iter()
        .map(|v| Val {
            text: format!("{}{}{}", &s.text[..open], v.text, &s.text[close..]),
            line: v.line,
            span: None,
        })
        .collect()
}

fn matrix_values(node: Option<&Node>, out: &mut Vec<Scalar>) {
    match node {
        Some(Node::Scalar(s)) => match flow_items(s) {
            Some(items) => out.extend(items),
            None => out.push(s.clone()),
        },
        Some(Node::Seq(items)) => {
            for i in items {
                if let Some(s) = i.scalar() {
                    out.push(s.clone());
                }
            }
        }
        _ => {}
    }
}

//! Dockerfiles and Containerfiles, read line by line (`\` continues an
//! instruction): `FROM` images (with `ARG` defaults substituted; stage
//! names and `scratch` are not images), `RUN` scripts, and
//! `ENV RUSTUP_TOOLCHAIN`.

use std::collections::BTreeMap;

use super::github::script;
use super::yaml::BlockLine;
use super::{Site, Val};

/// The sites of a Dockerfile's text.
pub(crate) fn read(text: &str) -> Vec<Site> {
    let mut out = Vec::new();
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    let mut stages: Vec<String> = Vec::new();
    for inst in instructions(text) {
        let first = &inst[0];
        let (word, rest) = first
            .text
            .split_once(char::is_whitespace)
            .unwrap_or((first.text.as_str(), ""));
        let rest_start = first.start + first.text.len() - rest.len();
        match word.to_ascii_uppercase().as_str() {
            "ARG" => {
                for a in rest.split_whitespace() {
                    if let Some((k, v)) = a.split_once('=') {
                        args.insert(k.to_string(), v.trim_matches('"').to_string());
                    }
                }
            }
            "FROM" => {
                let words: Vec<&str> = rest
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let Some(image) = words.first() else { continue };
                let image = substitute(image, &args);
                let earlier = |i: &str| stages.contains(&i.to_ascii_lowercase());
                let values = match image {
                    Some(i) if i == "scratch" || earlier(&i) => None,
                    Some(i) => Some(vec![Val {
                        text: i,
                        line: first.line,
                        span: None,
                    }]),
                    None => Some(Vec::new()),
                };
                if let [_, as_, name, ..] = words.as_slice()
                    && as_.eq_ignore_ascii_case("as")
                {
                    stages.push(name.to_ascii_lowercase());
                }
                let Some(values) = values else { continue };
                out.push(Site::Image {
                    what: "`FROM`".into(),
                    values,
                    line: first.line,
                });
            }
            "RUN" if !rest.trim_start().starts_with('[') && !rest.contains("<<") => {
                let mut lines = vec![BlockLine {
                    text: rest.to_string(),
                    start: rest_start,
                    line: first.line,
                }];
                lines.extend(inst[1..].iter().cloned());
                script(&lines, None, &mut out);
            }
            "ENV" => {
                let (k, v) = match rest.split_once('=') {
                    Some((k, v)) if !k.contains(' ') => {
                        (k, v.split_whitespace().next().unwrap_or(""))
                    }
                    _ => rest.trim().split_once(' ').unwrap_or((rest, "")),
                };
                if k.trim() == "RUSTUP_TOOLCHAIN" {
                    let v = v.trim().trim_matches('"');
                    let at = first.text.rfind(v).map(|i| first.start + i);
                    out.push(Site::Toolchain {
                        what: format!("`ENV RUSTUP_TOOLCHAIN={v}`"),
                        values: if v.contains('$') {
                            Vec::new()
                        } else {
                            vec![Val {
                                text: v.to_string(),
                                line: first.line,
                                span: at.map(|a| a..a + v.len()),
                            }]
                        },
                        line: first.line,
                        package: None,
                        floats_unset: false,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// `$NAME` and `${NAME}` replaced by `ARG` defaults; `None` when one has
/// no default.
fn substitute(s: &str, args: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(b) => {
                let end = b.find('}')?;
                (&b[..end], end + 2)
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        out.push_str(args.get(name)?);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// Instructions, each as its physical lines (comments and blank lines
/// inside a continued instruction left out).
fn instructions(text: &str) -> Vec<Vec<BlockLine>> {
    let mut out: Vec<Vec<BlockLine>> = Vec::new();
    let mut cur: Vec<BlockLine> = Vec::new();
    let mut start = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let this_start = start;
        start += raw.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        cur.push(BlockLine {
            text: trimmed.to_string(),
            start: this_start + lead,
            line: i + 1,
        });
        if !trimmed.trim_end().ends_with('\\') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_args_and_runs() {
        let text = "ARG RUST=1.85\nFROM rust:${RUST} AS build\nRUN cargo install \\\n    cargo-chef\nFROM build AS test\nFROM debian:bookworm-slim@sha256:abc\nFROM scratch\nFROM $UNKNOWN\nENV RUSTUP_TOOLCHAIN=stable\n";
        let sites = read(text);
        let images: Vec<(Vec<String>, usize)> = sites
            .iter()
            .filter_map(|s| match s {
                Site::Image { values, line, .. } => {
                    Some((values.iter().map(|v| v.text.clone()).collect(), *line))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            images,
            [
                (vec!["rust:1.85".to_string()], 2),
                (vec!["debian:bookworm-slim@sha256:abc".to_string()], 6),
                (vec![], 8)
            ]
        );
        let install = sites.iter().find_map(|s| match s {
            Site::Install(i) => Some(i),
            _ => None,
        });
        let install = install.unwrap();
        assert_eq!((install.line, install.crates[0].line), (3, 4));
        assert_eq!(
            &text[..install.insert_locked],
            "ARG RUST=1.85\nFROM rust:${RUST} AS build\nRUN cargo install"
        );
        let tc = sites.iter().find_map(|s| match s {
            Site::Toolchain { values, .. } => Some(values[0].clone()),
            _ => None,
        });
        let tc = tc.unwrap();
        assert_eq!(&text[tc.span.unwrap()], "stable");
    }
}

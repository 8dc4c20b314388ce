//! Byte-exact edits of manifests and the lockfile.
//!
//! An edit replaces one span of the original text (a version string, a
//! `branch` key) or inserts a key; everything else — comments, key order,
//! quote style, indentation, CRLF line endings, the trailing newline — stays
//! exactly as it was, because it is never re-serialised.

use std::ops::Range;

use anyhow::{Result, bail};

use crate::workspace::manifest::{DepSource, Dependency, Form, GitRef, Manifest};

/// Replace `range` of the original text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub text: String,
}

/// Applies non-overlapping edits to `text`. Overlapping edits are a bug in
/// the planner, reported rather than producing a corrupt file.
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64 * edits.len());
    let mut pos = 0;
    for e in sorted {
        if e.range.start < pos || e.range.end > text.len() || e.range.start > e.range.end {
            bail!(
                "internal error: overlapping or out-of-range edit at byte {}",
                e.range.start
            );
        }
        if !text.is_char_boundary(e.range.start) || !text.is_char_boundary(e.range.end) {
            bail!(
                "internal error: edit at byte {} splits a character",
                e.range.start
            );
        }
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.text);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

/// `value` as a TOML string in the same quote style as the string at `span`.
fn quoted_like(text: &str, span: &Range<usize>, value: &str) -> String {
    let q = if text[span.clone()].starts_with('\'') {
        '\''
    } else {
        '"'
    };
    format!("{q}{value}{q}")
}

/// The file's line ending: CRLF when its first line ends with one.
fn eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The whitespace (or dotted-key prefix) before byte `at` on its line.
fn line_prefix(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    &text[start..at]
}

/// Inserts a `key = "value"` pair into a dependency entry that lacks it.
fn insert_key(
    m: &Manifest,
    dep: &Dependency,
    key: &str,
    value: &str,
) -> Result<Vec<TextEdit>, String> {
    let text = &m.text;
    match &dep.form {
        Form::Inline { open } => {
            // `{ features = [] }` -> `{ version = "=1.0.0", features = [] }`
            let rest = &text[*open..];
            let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let at = open + ws;
            let empty = rest[ws..].starts_with('}');
            let sep = if empty { " " } else { ", " };
            let lead = if ws == 0 { " " } else { "" };
            Ok(vec![TextEdit {
                range: at..at,
                text: format!("{lead}{key} = \"{value}\"{sep}"),
            }])
        }
        Form::Header { body } => {
            let nl = eol(text);
            if *body > text.len() {
                Ok(vec![TextEdit {
                    range: text.len()..text.len(),
                    text: format!("{nl}{key} = \"{value}\"{nl}"),
                }])
            } else {
                Ok(vec![TextEdit {
                    range: *body..*body,
                    text: format!("{key} = \"{value}\"{nl}"),
                }])
            }
        }
        Form::String | Form::Dotted => Err(format!(
            "cannot add `{key}` to `{}` written as dotted keys; add it by hand",
            dep.name
        )),
    }
}

/// Edits that make `dep`'s version requirement `requirement` (e.g. `=1.2.3`).
///
/// Errors are reasons to leave the dependency alone, for the report.
pub fn set_requirement(
    m: &Manifest,
    dep: &Dependency,
    requirement: &str,
) -> Result<Vec<TextEdit>, String> {
    let DepSource::Registry { span, .. } = &dep.source else {
        return Err(format!("`{}` is not a registry dependency", dep.name));
    };
    match span {
        Some(span) => Ok(vec![TextEdit {
            range: span.clone(),
            text: quoted_like(&m.text, span, requirement),
        }]),
        None => insert_key(m, dep, "version", requirement),
    }
}

/// Why [`set_git_rev`] cannot pin `dep`, if it cannot: asked before any
/// commit is known, so a planner can tell which git entries it will pin.
pub fn git_rev_refusal(m: &Manifest, dep: &Dependency) -> Option<String> {
    let DepSource::Git(git) = &dep.source else {
        return Some(format!("`{}` is not a git dependency", dep.name));
    };
    if git.several_refs {
        return Some(format!(
            "`{}` names more than one of `branch`, `tag` and `rev`; cargo refuses that",
            dep.name
        ));
    }
    if matches!(git.reference, GitRef::DefaultBranch) && !git.inline {
        let prefix = line_prefix(&m.text, git.url_key_span.start);
        if !prefix
            .chars()
            .all(|c| c.is_whitespace() || c.is_alphanumeric() || "-_.\"'".contains(c))
        {
            return Some(format!(
                "cannot place `rev` for `{}`; add it by hand",
                dep.name
            ));
        }
    }
    None
}

/// Edits that pin git dependency `dep` to `commit` with `rev = "..."`,
/// replacing a `branch` or `tag` key in place.
pub fn set_git_rev(m: &Manifest, dep: &Dependency, commit: &str) -> Result<Vec<TextEdit>, String> {
    if let Some(reason) = git_rev_refusal(m, dep) {
        return Err(reason);
    }
    let DepSource::Git(git) = &dep.source else {
        return Err(format!("`{}` is not a git dependency", dep.name));
    };
    let text = &m.text;
    match &git.reference {
        GitRef::Branch(s) | GitRef::Tag(s) | GitRef::Rev(s) => Ok(vec![
            TextEdit {
                range: s.key_span.clone(),
                text: "rev".into(),
            },
            TextEdit {
                range: s.value_span.clone(),
                text: quoted_like(text, &s.value_span, commit),
            },
        ]),
        GitRef::DefaultBranch if git.inline => {
            let end = git.url_span.end;
            Ok(vec![TextEdit {
                range: end..end,
                text: format!(", rev = {}", quoted_like(text, &git.url_span, commit)),
            }])
        }
        GitRef::DefaultBranch => {
            // A new line after the `git = ...` line, with the same prefix
            // (indentation, or `name.` for dotted keys).
            let prefix = line_prefix(text, git.url_key_span.start);
            let nl = eol(text);
            let line_end = text[git.url_span.end..]
                .find('\n')
                .map(|i| git.url_span.end + i + 1);
            let rev = format!("{prefix}rev = {}", quoted_like(text, &git.url_span, commit));
            Ok(vec![match line_end {
                Some(at) => TextEdit {
                    range: at..at,
                    text: format!("{rev}{nl}"),
                },
                None => TextEdit {
                    range: text.len()..text.len(),
                    text: format!("{nl}{rev}"),
                },
            }])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::manifest;

    fn read(text: &str) -> Manifest {
        manifest::parse("/w/Cargo.toml".into(), "Cargo.toml".into(), text.into()).unwrap()
    }

    fn pin_all(text: &str, req: &str) -> String {
        let m = read(text);
        let mut edits = Vec::new();
        for d in &m.deps {
            edits.extend(set_requirement(&m, d, req).unwrap());
        }
        apply(&m.text, &edits).unwrap()
    }

    #[test]
    fn strings_and_tables_keep_their_style() {
        let src = "[dependencies]\na = \"1.0\" # keep\nb = { version = '~2', features = [\"x\"] }\n\n[dependencies.c]\nversion = \">=3\"\n";
        assert_eq!(
            pin_all(src, "=9.9.9"),
            "[dependencies]\na = \"=9.9.9\" # keep\nb = { version = '=9.9.9', features = [\"x\"] }\n\n[dependencies.c]\nversion = \"=9.9.9\"\n"
        );
    }

    #[test]
    fn missing_versions_are_inserted() {
        let src = "[dependencies]\na = { features = [\"x\"] }\nb = {}\n\n[dependencies.c]\nfeatures = []\n";
        assert_eq!(
            pin_all(src, "=1.0.0"),
            "[dependencies]\na = { version = \"=1.0.0\", features = [\"x\"] }\nb = { version = \"=1.0.0\" }\n\n[dependencies.c]\nversion = \"=1.0.0\"\nfeatures = []\n"
        );
    }

    #[test]
    fn crlf_stays_crlf() {
        let src = "[dependencies.c]\r\nfeatures = []\r\n";
        assert_eq!(
            pin_all(src, "=1.0.0"),
            "[dependencies.c]\r\nversion = \"=1.0.0\"\r\nfeatures = []\r\n"
        );
    }

    #[test]
    fn git_branch_and_default_branch_become_rev() {
        let src = "[dependencies]\na = { git = \"https://x/a\", branch = \"main\" } # c\nb = { git = \"https://x/b\" }\n\n[dependencies.c]\n  git = \"https://x/c\" # why\n  features = []\n";
        let m = read(src);
        let mut edits = Vec::new();
        for d in &m.deps {
            edits.extend(set_git_rev(&m, d, "abc123").unwrap());
        }
        assert_eq!(
            apply(src, &edits).unwrap(),
            "[dependencies]\na = { git = \"https://x/a\", rev = \"abc123\" } # c\nb = { git = \"https://x/b\", rev = \"abc123\" }\n\n[dependencies.c]\n  git = \"https://x/c\" # why\n  rev = \"abc123\"\n  features = []\n"
        );
    }

    #[test]
    fn several_refs_are_left_alone() {
        // Found by fuzzing: renaming `branch` to `rev` made a duplicate key.
        let m =
            read("[dependencies]\na = { git = \"https://x/a\", branch = \"b\", rev = \"c\" }\n");
        assert!(set_git_rev(&m, &m.deps[0], "abc").is_err());
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let e = [
            TextEdit {
                range: 0..3,
                text: "x".into(),
            },
            TextEdit {
                range: 2..4,
                text: "y".into(),
            },
        ];
        assert!(apply("abcdef", &e).is_err());
    }
}

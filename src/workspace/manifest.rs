//! Reading a `Cargo.toml`: every dependency as written, with the byte spans
//! and lines that findings and edits need.
//!
//! Parsed with `toml_edit::Document`, which keeps each item's position in the
//! original text, so `fix` can replace exactly the bytes of one value and
//! leave everything else (comments, quotes, line endings) untouched.

use std::ops::Range;
use std::path::PathBuf;

use anyhow::{Result, anyhow};
use toml_edit::Item;

use crate::workspace::text::LineIndex;

/// A manifest, read and parsed.
#[derive(Debug)]
pub struct Manifest {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Path relative to the workspace root, `/`-separated.
    pub rel: String,
    /// The file's text as read.
    pub text: String,
    /// `package.name`, when the manifest has a package.
    pub package: Option<String>,
    /// Every dependency entry, in document order per table.
    pub deps: Vec<Dependency>,
    pub lines: LineIndex,
}

/// Where a dependency is declared, in which table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableKind {
    Normal,
    Dev,
    Build,
    Workspace,
    Patch,
}

/// One dependency as written in a manifest.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// `dependencies`, `target.cfg(unix).dev-dependencies`, `patch.crates-io`...
    pub table: String,
    pub kind: TableKind,
    /// The key as written.
    pub name: String,
    /// The crate: `package = ...` when renamed, else the key.
    pub package: String,
    /// 1-based line of the key (or of the `[dependencies.NAME]` header).
    pub line: usize,
    pub source: DepSource,
    /// How the entry is written, which decides how a key is added to it.
    pub form: Form,
}

impl Dependency {
    /// The version requirement as written, or `*` (what cargo reads when a
    /// registry dependency names none). Empty for other sources.
    pub fn requirement_or_star(&self) -> &str {
        match &self.source {
            DepSource::Registry { requirement, .. } => requirement.as_deref().unwrap_or("*"),
            _ => "",
        }
    }
}

/// The shape of a dependency entry in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `name = "1.0"`.
    String,
    /// `name = { ... }`; `open` is the byte offset just after the `{`.
    Inline { open: usize },
    /// `[dependencies.name]`; `body` is the offset where the line after the
    /// header starts.
    Header { body: usize },
    /// `name.version = "1"` keys inside the dependency table.
    Dotted,
}

/// What a dependency points at.
#[derive(Debug, Clone)]
pub enum DepSource {
    /// `name.workspace = true`: the requirement lives in the workspace root.
    Inherited,
    /// A path dependency; local, never drifts.
    Path,
    /// A registry dependency.
    Registry {
        /// The requirement as written, `None` when there is no `version`
        /// key (cargo reads that as `*`).
        requirement: Option<String>,
        /// Byte span of the version value, quotes included.
        span: Option<Range<usize>>,
        /// `registry = "name"` for an alternative registry.
        registry: Option<String>,
    },
    /// A git dependency.
    Git(GitDep),
}

/// A git dependency and where its reference keys are written.
#[derive(Debug, Clone)]
pub struct GitDep {
    pub url: String,
    /// Span of the `git` value, quotes included.
    pub url_span: Range<usize>,
    /// Span of the `git` key.
    pub url_key_span: Range<usize>,
    /// The dependency's value is an inline table (`{ git = ... }`).
    pub inline: bool,
    pub reference: GitRef,
    /// More than one of `branch`, `tag`, `rev` (cargo refuses that).
    pub several_refs: bool,
}

/// Which commit a git dependency asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitRef {
    /// No branch, tag or rev: the default branch.
    DefaultBranch,
    Branch(Spanned),
    Tag(Spanned),
    Rev(Spanned),
}

impl GitRef {
    /// A `rev` that names a commit (7 to 64 hex digits, as git abbreviates
    /// and as SHA-256 repositories spell it): the one reference that does
    /// not move. Any other `rev` (`main`, `refs/heads/main`, `v1.0`) is a
    /// ref name, and follows it.
    pub fn pinned_rev(&self) -> bool {
        matches!(self, GitRef::Rev(r) if is_commit_id(&r.value))
    }
}

/// 7 to 64 hex digits.
pub fn is_commit_id(rev: &str) -> bool {
    (7..=64).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What a `rev` that is not a commit id names: a tag (`refs/tags/…`, or a
/// version-like `v1.2`), else a branch.
pub fn rev_names_a_tag(rev: &str) -> bool {
    let short = rev.strip_prefix('v').unwrap_or(rev);
    rev.starts_with("refs/tags/")
        || (!short.is_empty()
            && short.starts_with(|c: char| c.is_ascii_digit())
            && short.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// A string value with the spans of its key and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub value: String,
    pub key_span: Range<usize>,
    pub value_span: Range<usize>,
}

const DEP_TABLES: &[(&str, &str, TableKind)] = &[
    ("dependencies", "dependencies", TableKind::Normal),
    ("dev-dependencies", "dev-dependencies", TableKind::Dev),
    ("dev_dependencies", "dev-dependencies", TableKind::Dev),
    ("build-dependencies", "build-dependencies", TableKind::Build),
    ("build_dependencies", "build-dependencies", TableKind::Build),
];

/// Parses `text` as the manifest at `path`. Errors read `rel:line: message`.
pub fn parse(path: PathBuf, rel: String, text: String) -> Result<Manifest> {
    let doc = toml_edit::Document::parse(text.as_str()).map_err(|e| {
        let at = crate::workspace::text::located(
            &text,
            e.span(),
            &format!("invalid TOML: {}", e.message()),
        );
        anyhow!("{rel}:{at}")
    })?;
    let lines = LineIndex::new(&text);
    let root = doc.as_table();
    let mut deps = Vec::new();
    let mut reader = Reader {
        rel: &rel,
        text: &text,
        lines: &lines,
        deps: &mut deps,
    };

    for (key, table, kind) in DEP_TABLES {
        if let Some(item) = root.get(key) {
            reader.table(item, table.to_string(), kind.clone())?;
        }
    }
    if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
        for (cfg, item) in targets.iter() {
            let Some(t) = item.as_table_like() else {
                continue;
            };
            for (key, table, kind) in DEP_TABLES {
                if let Some(item) = t.get(key) {
                    reader.table(item, format!("target.{cfg}.{table}"), kind.clone())?;
                }
            }
        }
    }
    if let Some(ws) = root.get("workspace").and_then(Item::as_table_like)
        && let Some(item) = ws.get("dependencies")
    {
        reader.table(item, "workspace.dependencies".into(), TableKind::Workspace)?;
    }
    if let Some(patch) = root.get("patch").and_then(Item::as_table_like) {
        for (source, item) in patch.iter() {
            reader.table(item, format!("patch.{source}"), TableKind::Patch)?;
        }
    }

    let package = root
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(Item::as_str)
        .map(str::to_string);
    Ok(Manifest {
        path,
        rel,
        package,
        deps,
        lines,
        text,
    })
}

struct Reader<'a> {
    rel: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    deps: &'a mut Vec<Dependency>,
}

impl Reader<'_> {
    fn line(&self, span: Option<Range<usize>>) -> usize {
        span.map_or(1, |s| self.lines.line_of(s.start))
    }

    /// `rel:line:col: msg`, and the line with a caret under `span`.
    fn err(&self, span: Option<Range<usize>>, msg: String) -> anyhow::Error {
        match span {
            Some(span) => anyhow!(
                "{}:{}",
                self.rel,
                crate::workspace::text::located(self.text, Some(span), &msg)
            ),
            None => anyhow!("{}:{}: {msg}", self.rel, self.line(span)),
        }
    }

    fn table(&mut self, item: &Item, table: String, kind: TableKind) -> Result<()> {
        let Some(t) = item.as_table_like() else {
            return Err(self.err(item.span(), format!("`{table}` must be a table")));
        };
        for (name, value) in t.iter() {
            let key_span = t.get_key_value(name).and_then(|(k, _)| k.span());
            // A `[dependencies.NAME]` header's key span is in the header.
            let span = key_span.or_else(|| value.span());
            let dep = self.dependency(name, value, &table, kind.clone(), span)?;
            self.deps.push(dep);
        }
        Ok(())
    }

    fn dependency(
        &self,
        name: &str,
        value: &Item,
        table: &str,
        kind: TableKind,
        span: Option<Range<usize>>,
    ) -> Result<Dependency> {
        let line = self.line(span.clone());
        let form = if value.is_str() {
            Form::String
        } else if let Some(t) = value.as_inline_table() {
            Form::Inline {
                open: t.span().map_or(0, |s| s.start + 1),
            }
        } else if value.as_table().is_some_and(|t| !t.is_dotted()) {
            Form::Header {
                body: self.lines.start_of(line + 1).unwrap_or(usize::MAX),
            }
        } else {
            Form::Dotted
        };
        let mk = |package: String, source| Dependency {
            table: table.to_string(),
            kind: kind.clone(),
            name: name.to_string(),
            package,
            line,
            source,
            form: form.clone(),
        };
        if let Some(s) = value.as_str() {
            return Ok(mk(
                name.to_string(),
                DepSource::Registry {
                    requirement: Some(s.to_string()),
                    span: value.span(),
                    registry: None,
                },
            ));
        }
        let Some(t) = value.as_table_like() else {
            return Err(self.err(
                value.span().or(span),
                format!(
                    "dependency `{name}` in `{table}` must be a version string or a table, found {}",
                    value.type_name()
                ),
            ));
        };
        let string = |key: &str| -> Result<Option<Spanned>> {
            match t.get_key_value(key) {
                None => Ok(None),
                Some((k, v)) => match v.as_str() {
                    Some(s) => Ok(Some(Spanned {
                        value: s.to_string(),
                        key_span: k.span().unwrap_or_default(),
                        value_span: v.span().unwrap_or_default(),
                    })),
                    None => Err(self.err(
                        v.span().or_else(|| k.span()).or_else(|| span.clone()),
                        format!("`{name}.{key}` in `{table}` must be a string"),
                    )),
                },
            }
        };
        let package = string("package")?.map_or_else(|| name.to_string(), |p| p.value);
        if t.get("workspace").and_then(Item::as_bool) == Some(true) {
            return Ok(mk(package, DepSource::Inherited));
        }
        if let Some(git) = string("git")? {
            let reference = if let Some(b) = string("branch")? {
                GitRef::Branch(b)
            } else if let Some(tag) = string("tag")? {
                GitRef::Tag(tag)
            } else if let Some(rev) = string("rev")? {
                GitRef::Rev(rev)
            } else {
                GitRef::DefaultBranch
            };
            let several_refs = ["branch", "tag", "rev"]
                .iter()
                .filter(|k| t.contains_key(k))
                .count()
                > 1;
            return Ok(mk(
                package,
                DepSource::Git(GitDep {
                    several_refs,
                    url: git.value,
                    url_span: git.value_span,
                    url_key_span: git.key_span,
                    inline: value.is_inline_table(),
                    reference,
                }),
            ));
        }
        if t.contains_key("path") {
            return Ok(mk(package, DepSource::Path));
        }
        let version = string("version")?;
        let registry = string("registry")?.map(|r| r.value);
        Ok(mk(
            package,
            DepSource::Registry {
                requirement: version.as_ref().map(|v| v.value.clone()),
                span: version.map(|v| v.value_span),
                registry,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Manifest {
        parse("/x/Cargo.toml".into(), "Cargo.toml".into(), text.into()).unwrap()
    }

    #[test]
    fn finds_every_table_and_line() {
        let m = read(
            r#"[package]
name = "app"

[dependencies]
serde = "1.0"
json = { package = "serde_json", version = "~1.0" }
local = { path = "../local", version = "0.1" }
inh.workspace = true

[dev-dependencies.insta]
version = "1"
features = ["json"]

[target.'cfg(unix)'.build-dependencies]
cc = ">=1.0"

[build_dependencies]
old = "*"

[patch.crates-io]
serde = { git = "https://github.com/serde-rs/serde", branch = "master" }
"#,
        );
        assert_eq!(m.package.as_deref(), Some("app"));
        let got: Vec<(&str, &str, &str, usize)> = m
            .deps
            .iter()
            .map(|d| {
                (
                    d.table.as_str(),
                    d.name.as_str(),
                    d.package.as_str(),
                    d.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("dependencies", "serde", "serde", 5),
                ("dependencies", "json", "serde_json", 6),
                ("dependencies", "local", "local", 7),
                ("dependencies", "inh", "inh", 8),
                ("dev-dependencies", "insta", "insta", 10),
                ("build-dependencies", "old", "old", 18),
                ("target.cfg(unix).build-dependencies", "cc", "cc", 15),
                ("patch.crates-io", "serde", "serde", 21),
            ]
        );
        assert!(matches!(m.deps[2].source, DepSource::Path));
        assert!(matches!(m.deps[3].source, DepSource::Inherited));
        let DepSource::Registry {
            requirement, span, ..
        } = &m.deps[4].source
        else {
            panic!()
        };
        assert_eq!(requirement.as_deref(), Some("1"));
        assert_eq!(&m.text[span.clone().unwrap()], "\"1\"");
        let DepSource::Git(g) = &m.deps[7].source else {
            panic!()
        };
        assert!(g.inline);
        let GitRef::Branch(b) = &g.reference else {
            panic!()
        };
        assert_eq!(b.value, "master");
        assert_eq!(&m.text[b.key_span.clone()], "branch");
    }

    #[test]
    fn version_less_registry_dependency() {
        let m = read("[dependencies]\nfoo = { features = [\"a\"] }\n");
        let DepSource::Registry { requirement, .. } = &m.deps[0].source else {
            panic!()
        };
        assert_eq!(requirement, &None);
    }

    #[test]
    fn malformed_toml_names_file_and_line() {
        let e = parse(
            "/x/a/Cargo.toml".into(),
            "a/Cargo.toml".into(),
            "[package]\nname = \"a\"\n[dependencies\nserde = \"1\"\n".into(),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("a/Cargo.toml:3:"), "{e}");
    }

    #[test]
    fn wrong_types_name_the_key() {
        let e = parse(
            "/x/Cargo.toml".into(),
            "Cargo.toml".into(),
            "[dependencies]\nfoo = { version = 1 }\n".into(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("foo.version"), "{e}");
        assert!(e.to_string().starts_with("Cargo.toml:2:"), "{e}");
    }
}

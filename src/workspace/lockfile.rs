//! Reading `Cargo.lock` (formats v1 to v4): which versions the workspace
//! actually builds with.
//!
//! Parsed with serde into plain data: the lockfile is cargo's to write, so
//! only `fix` for git pins edits it, and then as text (see `fix`).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use semver::{Version, VersionReq};
use serde::Deserialize;

/// Where a locked package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A registry index, `registry+URL` or `sparse+URL`.
    Registry(String),
    /// A git repository, `git+URL[?kind=ref]#commit`.
    Git(GitSource),
    /// A workspace member or path dependency (no `source` key).
    Local,
    /// A source kind this tool does not know (kept, never matched).
    Other(String),
}

/// A locked git source, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitSource {
    /// The whole source string as written in Cargo.lock.
    pub raw: String,
    /// The repository URL, without `git+`, query or fragment.
    pub url: String,
    /// The query (`branch=main`, `tag=v1`, `rev=abc`), if any.
    pub reference: Option<(String, String)>,
    /// The commit cargo locked.
    pub commit: String,
}

impl Source {
    pub fn parse(s: &str) -> Source {
        if let Some(rest) = s.strip_prefix("git+") {
            let (before, commit) = rest.split_once('#').unwrap_or((rest, ""));
            let (url, query) = match before.split_once('?') {
                Some((u, q)) => (u, Some(q)),
                None => (before, None),
            };
            let reference = query.and_then(|q| {
                q.split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .find(|(k, _)| matches!(*k, "branch" | "tag" | "rev"))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            });
            Source::Git(GitSource {
                raw: s.to_string(),
                url: url.to_string(),
                reference,
                commit: commit.to_string(),
            })
        } else if s.starts_with("registry+") || s.starts_with("sparse+") {
            Source::Registry(s.to_string())
        } else {
            Source::Other(s.to_string())
        }
    }

    pub fn is_registry(&self) -> bool {
        matches!(self, Source::Registry(_))
    }

    /// crates.io, by either of its index URLs.
    pub fn is_crates_io(&self) -> bool {
        matches!(self, Source::Registry(s) if s == "registry+https://github.com/rust-lang/crates.io-index"
            || s.starts_with("sparse+https://index.crates.io"))
    }
}

/// One `[[package]]` of the lockfile.
#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: Version,
    pub source: Source,
    /// The package's own dependencies as written: `name`, `name version`
    /// or `name version (source)`.
    pub dependencies: Vec<String>,
    /// 1-based line of the package's `name` key.
    pub line: usize,
}

/// A parsed Cargo.lock.
#[derive(Debug, Clone, Default)]
pub struct Lockfile {
    /// The format version (1 when the file does not say).
    pub version: u32,
    pub packages: Vec<Package>,
    by_name: HashMap<String, Vec<usize>>,
}

#[derive(Deserialize)]
struct RawLock {
    version: Option<u32>,
    #[serde(default)]
    package: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: toml::Spanned<String>,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

impl Lockfile {
    /// Reads and parses the lockfile at `path`. Errors name the file and,
    /// for malformed content, the line.
    pub fn read(path: &Path) -> Result<Lockfile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Lockfile::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e:#}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Lockfile> {
        let raw: RawLock =
            toml::from_str(text).map_err(|e| anyhow::anyhow!(toml_error(text, &e)))?;
        if let Some(v) = raw.version
            && !(1..=4).contains(&v)
        {
            anyhow::bail!(
                "1: unsupported lockfile format version {v} (cargo-pin reads versions 1 to 4)"
            );
        }
        // A workspace with no dependencies gets a lockfile with a version
        // and no packages; with neither, it is not one cargo wrote.
        if raw.package.is_empty() && raw.version.is_none() {
            anyhow::bail!(
                "1: no `version` and no [[package]] entries; this is not a lockfile cargo wrote (regenerate it with `cargo generate-lockfile`)"
            );
        }
        let lines = crate::workspace::text::LineIndex::new(text);
        let mut packages = Vec::with_capacity(raw.package.len());
        for p in raw.package {
            let line = lines.line_of(p.name.span().start);
            let version = Version::parse(&p.version).map_err(|e| {
                anyhow::anyhow!(
                    "{line}: package `{}` has an invalid version `{}`: {e}",
                    p.name.get_ref(),
                    p.version
                )
            })?;
            packages.push(Package {
                name: p.name.into_inner(),
                version,
                source: p.source.as_deref().map_or(Source::Local, Source::parse),
                dependencies: p.dependencies,
                line,
            });
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            by_name.entry(p.name.clone()).or_default().push(i);
        }
        Ok(Lockfile {
            version: raw.version.unwrap_or(1),
            packages,
            by_name,
        })
    }

    /// Every locked package called `name`.
    pub fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Package> + 'a {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.packages[i])
    }

    /// The locked registry version of `name` that `req` resolves to.
    ///
    /// When several locked versions match, the one `member` (a workspace
    /// package, by name) lists among its own dependencies wins; otherwise
    /// the highest, which is the one cargo would unify on.
    ///
    /// `alternative` prefers packages from crates.io (false) or from any
    /// other registry (true, for `registry = "name"` dependencies); when
    /// none of the preferred kind matches, any registry's will do (source
    /// replacement and `[registry] default` can make either guess wrong).
    pub fn resolve_registry(
        &self,
        name: &str,
        req: &VersionReq,
        member: Option<&str>,
        alternative: Option<bool>,
    ) -> Option<&Package> {
        let all = || {
            self.named(name)
                .filter(|p| p.source.is_registry() && req.matches(&p.version))
        };
        let mut matching: Vec<&Package> = match alternative {
            Some(alt) => all().filter(|p| p.source.is_crates_io() != alt).collect(),
            None => Vec::new(),
        };
        if matching.is_empty() {
            matching = all().collect();
        }
        if matching.len() > 1
            && let Some(member) = member
            && let Some(m) = self.named(member).find(|p| p.source == Source::Local)
        {
            let listed: Vec<&Package> = matching
                .iter()
                .copied()
                .filter(|p| m.dependencies.iter().any(|d| dep_names(d, p)))
                .collect();
            if listed.len() == 1 {
                return Some(listed[0]);
            }
        }
        matching.sort_by(|a, b| a.version.cmp(&b.version));
        matching.pop()
    }

    /// True when some locked package named `name`, from any source, matches.
    pub fn any_matches(&self, name: &str, req: &VersionReq) -> bool {
        self.named(name).any(|p| req.matches(&p.version))
    }
}

/// Does a lockfile dependency entry (`name`, `name ver`, `name ver (src)`)
/// name package `p`?
fn dep_names(entry: &str, p: &Package) -> bool {
    let mut parts = entry.splitn(3, ' ');
    if parts.next() != Some(p.name.as_str()) {
        return false;
    }
    match parts.next() {
        None => true,
        Some(v) => Version::parse(v).is_ok_and(|v| v == p.version),
    }
}

/// A TOML error as `N: message`, to follow a file name and a colon.
/// `LINE:COL: MESSAGE` and the line with a caret under the culprit, for
/// the caller to put the file's name before.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = crate::workspace::text::with_suggestion(e.message());
    crate::workspace::text::located(text, e.span(), &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = r#"# This file is automatically @generated by Cargo.
version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "serde 1.0.100",
 "serde 0.9.15",
 "dep",
]

[[package]]
name = "serde"
version = "1.0.100"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "abc"

[[package]]
name = "serde"
version = "1.0.228"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "serde"
version = "0.9.15"
source = "sparse+https://index.crates.io/"

[[package]]
name = "dep"
version = "0.2.0"
source = "git+https://github.com/o/dep?branch=main#0123456789abcdef0123456789abcdef01234567"
"#;

    const V1: &str = r#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "log 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "log"
version = "0.4.8"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum log 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)" = "abc"
"#;

    #[test]
    fn parses_v3_with_sources_and_lines() {
        let l = Lockfile::parse(V3).unwrap();
        assert_eq!(l.version, 3);
        assert_eq!(l.packages.len(), 5);
        assert_eq!(l.packages[0].line, 5);
        assert_eq!(l.packages[0].source, Source::Local);
        let Source::Git(g) = &l.packages[4].source else {
            panic!("git source expected")
        };
        assert_eq!(g.url, "https://github.com/o/dep");
        assert_eq!(g.reference, Some(("branch".into(), "main".into())));
        assert_eq!(g.commit, "0123456789abcdef0123456789abcdef01234567");
    }

    #[test]
    fn parses_v1_without_version_key() {
        let l = Lockfile::parse(V1).unwrap();
        assert_eq!(l.version, 1);
        let req = VersionReq::parse("0.4").unwrap();
        assert_eq!(
            l.resolve_registry("log", &req, Some("app"), None)
                .unwrap()
                .version,
            Version::new(0, 4, 8)
        );
    }

    #[test]
    fn member_entry_picks_among_several_matches() {
        let l = Lockfile::parse(V3).unwrap();
        let req = VersionReq::parse("1").unwrap();
        // The member lists 1.0.100, although 1.0.228 is locked too.
        let p = l
            .resolve_registry("serde", &req, Some("app"), None)
            .unwrap();
        assert_eq!(p.version, Version::new(1, 0, 100));
        // Without a member: the highest match.
        let p = l.resolve_registry("serde", &req, None, None).unwrap();
        assert_eq!(p.version, Version::new(1, 0, 228));
        let old = VersionReq::parse("0.9").unwrap();
        let p = l
            .resolve_registry("serde", &old, Some("app"), None)
            .unwrap();
        assert_eq!(p.version, Version::new(0, 9, 15));
        assert!(
            l.resolve_registry("serde", &VersionReq::parse("2").unwrap(), None, None)
                .is_none()
        );
    }

    #[test]
    fn alternative_registries_prefer_their_own_packages() {
        let l = Lockfile::parse(&format!(
            "{V3}\n[[package]]\nname = \"serde\"\nversion = \"1.0.999\"\nsource = \"sparse+https://corp.example/index/\"\n"
        ))
        .unwrap();
        let req = VersionReq::parse("1").unwrap();
        let corp = l.resolve_registry("serde", &req, None, Some(true)).unwrap();
        assert_eq!(corp.version, Version::new(1, 0, 999));
        let io = l
            .resolve_registry("serde", &req, None, Some(false))
            .unwrap();
        assert_eq!(io.version, Version::new(1, 0, 228));
        // Nothing from the preferred kind: any registry's.
        let only = l.resolve_registry(
            "serde",
            &VersionReq::parse("0.9").unwrap(),
            None,
            Some(true),
        );
        assert_eq!(only.unwrap().version, Version::new(0, 9, 15));
    }

    #[test]
    fn git_packages_are_not_registry_matches() {
        let l = Lockfile::parse(V3).unwrap();
        assert!(
            l.resolve_registry("dep", &VersionReq::STAR, None, None)
                .is_none()
        );
        assert!(l.any_matches("dep", &VersionReq::STAR));
    }

    #[test]
    fn malformed_lockfile_names_the_line() {
        let e = Lockfile::parse("version = 3\n\n[[package]\nname = 1\n").unwrap_err();
        assert!(e.to_string().starts_with("3:"), "{e}");
        let e = Lockfile::parse("[[package]]\nname = \"a\"\nversion = \"x.y\"\n").unwrap_err();
        assert!(e.to_string().starts_with("2:"), "{e}");
        let e = Lockfile::parse("version = 9\n").unwrap_err();
        assert!(e.to_string().contains("version 9"), "{e}");
        let e = Lockfile::parse("x = 1\n").unwrap_err();
        assert!(e.to_string().contains("[[package]]"), "{e}");
    }
}

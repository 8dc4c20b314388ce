//! The policy file, `pin.toml`: rule levels, exemptions, the cooldown and the
//! releases a reviewer has vetted.
//!
//! Strict on purpose: an unknown key or a bad value is an error naming the
//! key, because a silently ignored typo is how a gate quietly stops gating.
//! The types and what commands ask of them are here; reading the file is
//! `parse.rs`; layering (`extends`) is [`crate::audit::extends`].

mod parse;
#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod tests;

pub use parse::parse_age;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use jiff::civil::Date;

use crate::audit::rule::{Level, Rule};

/// The policy file's name at the workspace root.
pub const FILE_NAME: &str = "pin.toml";

/// A parsed policy. `Policy::default()` is the strict default.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Where it was read from, for messages (`None`: defaults).
    pub path: Option<String>,
    pub levels: BTreeMap<Rule, Level>,
    pub exemptions: Vec<Exemption>,
    /// The cooldown, when the policy sets one.
    pub min_release_age: Option<jiff::SignedDuration>,
    /// `require-vetted` set to anything but `false`.
    pub require_vetted: bool,
    /// `[registry] require-publish-time`: a release whose registry gives
    /// no publish time counts as too new (fail closed). Off by default.
    pub require_publish_time: bool,
    /// `require-vetted`: which versions must be vetted.
    pub vetting: RequireVetted,
    pub vetted: Vec<Vetted>,
    pub denied: Vec<Denied>,
    /// `extends`: the policies this one builds on, as written (see
    /// [`crate::audit::extends`]).
    pub extends: Vec<Extend>,
    /// `[[import]]`: cargo-vet stores whose audits count as vetting.
    pub imports: Vec<Import>,
    /// The stores, read (by [`Policy::load`]).
    pub stores: Vec<crate::audit::vet::Store>,
    /// `[ci]`: whether `check` and `fix` read the CI files.
    pub ci: CiPolicy,
}

/// `[[import]]`: a cargo-vet store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The store's folder, relative to the workspace root.
    pub cargo_vet: String,
    /// The criteria an audit must certify (default `safe-to-deploy`).
    pub criteria: Vec<String>,
    pub file: String,
    pub line: usize,
}

/// One `extends` entry: a policy file this one builds on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extend {
    pub source: ExtendSource,
    /// 1-based line of the entry.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtendSource {
    /// A path, relative to the file that names it.
    Path(String),
    /// A policy fetched over HTTP(S), checked against its SHA-256.
    Url { url: String, sha256: String },
}

/// `[[denied]]`: releases known to be bad, never to be used.
#[derive(Debug, Clone)]
pub struct Denied {
    pub krate: String,
    /// As written, with the requirement each means: a bare full version
    /// (`0.1.38`) is exactly that release; anything else is a semver
    /// requirement (`>=0.1.38, <0.1.40`).
    pub versions: Vec<(String, semver::VersionReq)>,
    pub reason: String,
    /// An advisory id or URL.
    pub advisory: Option<String>,
    /// The policy file it comes from, and the 1-based line of its `crate`
    /// key there.
    pub file: String,
    pub line: usize,
}

impl Denied {
    pub fn matches(&self, version: &semver::Version) -> bool {
        self.versions.iter().any(|(_, req)| req.matches(version))
    }
}

/// `[ci]`: the CI surface (workflows, Dockerfiles) around the workspace.
#[derive(Debug, Clone)]
pub struct CiPolicy {
    /// `scan = false` turns the CI rules off; on by default.
    pub scan: bool,
}

impl Default for CiPolicy {
    fn default() -> CiPolicy {
        CiPolicy { scan: true }
    }
}

/// `require-vetted` in `[registry]`: which versions need a `[[vetted]]`
/// entry (rule `unvetted`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequireVetted {
    /// `false` (the default): none.
    #[default]
    No,
    /// `"direct"` (or `true`): versions of direct dependencies.
    Direct,
    /// `"changed"`: every version a change introduces, transitive
    /// included (`review`); direct dependencies elsewhere.
    Changed,
    /// `"all"`: every locked version, transitive included.
    All,
}

impl RequireVetted {
    /// Must a locked version be vetted, outside a review?
    pub fn locked(self, direct: bool) -> bool {
        match self {
            RequireVetted::No => false,
            RequireVetted::Direct | RequireVetted::Changed => direct,
            RequireVetted::All => true,
        }
    }

    /// Must a version a change introduces be vetted (`review`)?
    pub fn introduced(self, direct: bool) -> bool {
        match self {
            RequireVetted::No => false,
            RequireVetted::Direct => direct,
            RequireVetted::Changed | RequireVetted::All => true,
        }
    }
}

/// `[[exempt]]`: let one crate float for some rules.
#[derive(Debug, Clone)]
pub struct Exemption {
    pub krate: String,
    /// The rules exempted; empty means every rule.
    pub rules: Vec<Rule>,
    pub reason: String,
    pub expires: Option<Date>,
    /// The policy file it comes from, and the 1-based line of its `crate`
    /// key there.
    pub file: String,
    pub line: usize,
}

/// `[[vetted]]`: releases a reviewer has vetted.
#[derive(Debug, Clone)]
pub struct Vetted {
    pub krate: String,
    pub versions: Vec<semver::Version>,
    pub reason: String,
    /// Who vetted them, and when (optional; `allow` writes the date).
    pub by: Option<String>,
    pub date: Option<Date>,
}

impl Policy {
    /// Reads the policy: `explicit` must exist; otherwise `pin.toml` in
    /// `root` is read when present, and the defaults apply when it is not.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Policy> {
        crate::audit::extends::load(root, explicit, &crate::audit::extends::no_fetch)
    }

    /// [`Policy::load`], with `fetch` answering `extends` entries by URL.
    pub(crate) fn load_with(
        root: &Path,
        explicit: Option<&Path>,
        fetch: crate::audit::extends::FetchPolicy<'_>,
    ) -> Result<Policy> {
        crate::audit::extends::load(root, explicit, fetch)
    }

    /// Reads one policy file (its `extends` not followed): `explicit` must
    /// exist; otherwise `pin.toml` in `root` is read when present, and the
    /// defaults apply when it is not.
    pub(crate) fn read_one(root: &Path, explicit: Option<&Path>) -> Result<Policy> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => (root.join(FILE_NAME), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Policy::default());
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        Policy::parse(&shown, &text)
    }
    /// The level of `rule` under this policy (before command-line overrides).
    pub fn level(&self, rule: Rule) -> Level {
        self.levels
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }

    /// The `[[denied]]` entry that denies `krate` at `version`, if any.
    pub fn denied(&self, krate: &str, version: &semver::Version) -> Option<&Denied> {
        self.denied
            .iter()
            .find(|d| d.krate == krate && d.matches(version))
    }

    /// Who vetted `krate` at `version`: `pin.toml` (the file of the
    /// `[[vetted]]` entry), or `cargo-vet: <import name or "own audits">`.
    pub fn vetted_by(&self, krate: &str, version: &semver::Version) -> Option<String> {
        if let Some(file) = self.vetted_in(krate, version) {
            return Some(file);
        }
        let base = |v: &semver::Version| self.vetted_in(krate, v).is_some();
        self.stores
            .iter()
            .find_map(|s| s.vetted_by(krate, version, &base))
            .map(|who| format!("cargo-vet: {who}"))
    }

    /// The policy file whose `[[vetted]]` lists `krate` at `version`.
    fn vetted_in(&self, krate: &str, version: &semver::Version) -> Option<String> {
        self.vetted
            .iter()
            .any(|v| v.krate == krate && v.versions.contains(version))
            .then(|| self.path.clone().unwrap_or_else(|| FILE_NAME.into()))
    }

    /// True when a reviewer vetted `krate` at `version` (in pin.toml, or
    /// in an imported cargo-vet store).
    pub fn is_vetted(&self, krate: &str, version: &semver::Version) -> bool {
        self.vetted_by(krate, version).is_some()
    }
}

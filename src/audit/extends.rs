//! `extends`: one policy for many repositories. A `pin.toml` may build on
//! other policy files — paths relative to the file naming them, or
//! `{ url, sha256 }` entries fetched once and checked against their digest —
//! merged in order with the local file last:
//!
//! - rule levels, `min-release-age`: the later file wins;
//! - `require-vetted`: on when any file turns it on (a repository cannot
//!   quietly loosen its organisation's policy);
//! - `[[exempt]]`, `[[vetted]]`, `[[denied]]`: concatenated. A release an
//!   extended policy denies stays denied unless the local file exempts its
//!   crate from `denied` (with the reason every exemption needs).
//!
//! Every entry keeps the file it came from, so errors and findings name that
//! file and its line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::policy::{ExtendSource, FILE_NAME, Policy};
use super::rule::Rule;
use crate::workspace::relative;

/// How deep `extends` may nest.
const MAX_DEPTH: usize = 16;

/// Fetches a policy by URL, checked against its SHA-256 (the command line
/// supplies one with the registry's HTTP client and cache).
pub(crate) type FetchPolicy<'a> = &'a dyn Fn(&str, &str) -> Result<String>;

/// Reads the policy (see [`Policy::load`]) and everything it extends;
/// `fetch` answers `{ url, sha256 }` entries.
pub(crate) fn load(root: &Path, explicit: Option<&Path>, fetch: FetchPolicy<'_>) -> Result<Policy> {
    let local = Policy::read_one(root, explicit)?;
    if local.extends.is_empty() {
        return with_stores(root, local);
    }
    let path = explicit.map_or_else(|| root.join(FILE_NAME), Path::to_path_buf);
    let mut walk = Walk {
        root,
        fetch,
        stack: vec![key(&path)],
        done: HashSet::new(),
        chain: Vec::new(),
    };
    walk.extended(&path, &local, 1)?;
    let mut chain = walk.chain;
    chain.push(local);
    with_stores(root, merge(chain))
}

/// Reads the cargo-vet stores the policy imports (paths relative to the
/// workspace root).
fn with_stores(root: &Path, mut policy: Policy) -> Result<Policy> {
    for i in &policy.imports {
        let dir = root.join(&i.cargo_vet);
        if !dir.is_dir() {
            bail!(
                "{}:{}: [[import]] cargo-vet = {:?}: no such folder",
                i.file,
                i.line,
                i.cargo_vet
            );
        }
        policy.stores.push(crate::audit::vet::Store::read(
            &dir,
            &i.cargo_vet,
            &i.criteria,
        )?);
    }
    Ok(policy)
}

struct Walk<'a> {
    root: &'a Path,
    fetch: FetchPolicy<'a>,
    /// The files being read, to refuse a cycle.
    stack: Vec<PathBuf>,
    /// The files read, each merged once however often it is extended.
    done: HashSet<String>,
    /// Policies in merge order.
    chain: Vec<Policy>,
}

impl Walk<'_> {
    /// Reads what `policy` (read from `file`) extends, depth first, so each
    /// policy comes after everything it builds on.
    fn extended(&mut self, file: &Path, policy: &Policy, depth: usize) -> Result<()> {
        let shown = policy.path.clone().unwrap_or_else(|| FILE_NAME.into());
        for e in &policy.extends {
            let at = format!("{shown}:{}", e.line);
            if depth > MAX_DEPTH {
                bail!("{at}: extends: more than {MAX_DEPTH} levels deep");
            }
            match &e.source {
                ExtendSource::Path(p) => {
                    let path = file.parent().unwrap_or(Path::new(".")).join(p);
                    let k = key(&path);
                    if self.stack.contains(&k) {
                        bail!("{at}: extends: `{p}` extends this file again (a cycle)");
                    }
                    if !self.done.insert(k.display().to_string()) {
                        continue;
                    }
                    let text = std::fs::read_to_string(&path)
                        .map_err(|err| anyhow!("{at}: extends: cannot read `{p}`: {err}"))?;
                    let name = relative(self.root, &path);
                    let parsed = Policy::parse(&name, &text)?;
                    self.stack.push(k);
                    self.extended(&path, &parsed, depth + 1)?;
                    self.stack.pop();
                    self.chain.push(parsed);
                }
                ExtendSource::Url { url, sha256 } => {
                    if !self.done.insert(url.clone()) {
                        continue;
                    }
                    let text = (self.fetch)(url, sha256).map_err(|err| {
                        anyhow!(
                            "{at}: extends: {}: {err:#}",
                            crate::registry::config::display_url(url)
                        )
                    })?;
                    let parsed = Policy::parse(&crate::registry::config::display_url(url), &text)?;
                    if parsed
                        .extends
                        .iter()
                        .any(|x| matches!(x.source, ExtendSource::Path(_)))
                    {
                        bail!(
                            "{at}: extends: the policy at {url} extends a path, which only a local file may do"
                        );
                    }
                    self.extended(file, &parsed, depth + 1)?;
                    self.chain.push(parsed);
                }
            }
        }
        Ok(())
    }
}

/// A file's identity for cycle checks: its canonical path when it exists.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Merges policies in order; the last is the local file.
fn merge(chain: Vec<Policy>) -> Policy {
    let local_exempt_from_denied: Vec<String> = chain
        .last()
        .map(|p| {
            p.exemptions
                .iter()
                .filter(|e| e.rules.is_empty() || e.rules.contains(&Rule::Denied))
                .map(|e| e.krate.clone())
                .collect()
        })
        .unwrap_or_default();
    let last = chain.len().saturating_sub(1);
    let mut out = Policy::default();
    for (i, p) in chain.into_iter().enumerate() {
        out.levels.extend(p.levels);
        out.exemptions.extend(p.exemptions);
        out.min_release_age = p.min_release_age.or(out.min_release_age);
        out.require_vetted |= p.require_vetted;
        out.vetted.extend(p.vetted);
        out.imports.extend(p.imports);
        out.denied.extend(
            p.denied
                .into_iter()
                .filter(|d| i == last || !local_exempt_from_denied.contains(&d.krate)),
        );
        out.path = p.path;
        out.extends = p.extends;
    }
    out
}

/// A fetcher for contexts with no network: every URL entry is an error.
pub(crate) fn no_fetch(url: &str, _sha256: &str) -> Result<String> {
    bail!("cannot fetch {url} here")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rule::Level;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    #[test]
    fn layers_merge_in_order_with_the_local_file_last() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        write(
            dir.path(),
            "org/base.toml",
            "[rules]\ncaret = \"warn\"\ntilde = \"warn\"\n[registry]\nmin-release-age = \"3 days\"\nrequire-vetted = true\n\n[[vetted]]\ncrate = \"a\"\nversions = [\"1.0.0\"]\nreason = \"org\"\n\n[[denied]]\ncrate = \"b\"\nversions = [\"2.0.0\"]\nreason = \"org says no\"\n\n[[denied]]\ncrate = \"c\"\nversions = [\"3.0.0\"]\nreason = \"org says no\"\n",
        );
        write(
            dir.path(),
            "org/team.toml",
            "extends = [\"base.toml\"]\n[rules]\ntilde = \"deny\"\n",
        );
        write(
            &ws,
            "pin.toml",
            "extends = [\"../org/team.toml\", \"../org/base.toml\"]\n[rules]\ncaret = \"deny\"\n\n[[vetted]]\ncrate = \"a\"\nversions = [\"1.1.0\"]\nreason = \"us\"\n\n[[exempt]]\ncrate = \"c\"\nrules = [\"denied\"]\nreason = \"we patched it\"\n",
        );
        let p = load(&ws, None, &no_fetch).unwrap();
        assert_eq!(p.level(Rule::Caret), Level::Deny, "the local file wins");
        assert_eq!(p.level(Rule::Tilde), Level::Deny, "team after base");
        assert_eq!(
            p.min_release_age,
            Some(jiff::SignedDuration::from_hours(72))
        );
        assert!(p.require_vetted);
        assert!(p.is_vetted("a", &v("1.0.0")) && p.is_vetted("a", &v("1.1.0")));
        // Denied by the org, and not exempted here: denied, naming its file.
        let d = p.denied("b", &v("2.0.0")).unwrap();
        assert_eq!((d.file.as_str(), d.line), ("../org/base.toml", 14));
        // Exempted from `denied` locally: no longer denied.
        assert!(p.denied("c", &v("3.0.0")).is_none());
        // base.toml is extended twice, merged once.
        assert_eq!(p.denied.len(), 1);
        assert_eq!(p.path.as_deref(), Some("pin.toml"));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        write(ws, "pin.toml", "# ours\nextends = [\"missing.toml\"]\n");
        let e = format!("{:#}", load(ws, None, &no_fetch).unwrap_err());
        assert!(
            e.starts_with("pin.toml:2: extends: cannot read `missing.toml`"),
            "{e}"
        );

        write(ws, "pin.toml", "extends = [\"bad.toml\"]\n");
        write(ws, "bad.toml", "[rules]\n\ncarret = \"deny\"\n");
        let e = format!("{:#}", load(ws, None, &no_fetch).unwrap_err());
        assert!(e.starts_with("bad.toml:3"), "{e}");

        write(ws, "pin.toml", "extends = [\"a.toml\"]\n");
        write(ws, "a.toml", "extends = [\"pin.toml\"]\n");
        let e = format!("{:#}", load(ws, None, &no_fetch).unwrap_err());
        assert!(e.contains("a.toml:1") && e.contains("cycle"), "{e}");

        write(
            ws,
            "pin.toml",
            "extends = [{ url = \"https://example.com/pin.toml\", sha256 = \"00\" }]\n",
        );
        let e = format!("{:#}", load(ws, None, &no_fetch).unwrap_err());
        assert!(e.contains("pin.toml:1") && e.contains("sha256"), "{e}");
    }

    #[test]
    fn url_entries_are_fetched_and_may_not_extend_paths() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        let sha = "a".repeat(64);
        write(
            ws,
            "pin.toml",
            &format!(
                "extends = [{{ url = \"https://example.com/p.toml\", sha256 = \"{sha}\" }}]\n"
            ),
        );
        let fetch = |url: &str, digest: &str| -> Result<String> {
            assert_eq!((url, digest), ("https://example.com/p.toml", sha.as_str()));
            Ok("[rules]\ngit-tag = \"deny\"\n".to_string())
        };
        let p = load(ws, None, &fetch).unwrap();
        assert_eq!(p.level(Rule::GitTag), Level::Deny);
        let sneaky = |_: &str, _: &str| -> Result<String> {
            Ok("extends = [\"../../etc/x.toml\"]\n".into())
        };
        let e = format!("{:#}", load(ws, None, &sneaky).unwrap_err());
        assert!(e.contains("only a local file"), "{e}");
    }
}

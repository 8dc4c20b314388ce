//! Resolving an action's tag or branch to its commit, for `fix --ci`:
//! `git ls-remote https://github.com/OWNER/REPO`, so git's own
//! configuration applies (`url.<base>.insteadOf`, proxies, credentials).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// Commits already resolved in this run, by (OWNER/REPO, REF).
#[derive(Debug, Default)]
pub(crate) struct Resolver {
    known: BTreeMap<(String, String), String>,
}

impl Resolver {
    /// The commit `reference` of `repo` points to: an annotated tag's
    /// commit, a tag's, or a branch's head, in that order.
    pub(crate) fn commit(&mut self, repo: &str, reference: &str, cwd: &Path) -> Result<String> {
        let key = (repo.to_string(), reference.to_string());
        if let Some(c) = self.known.get(&key) {
            return Ok(c.clone());
        }
        let url = format!("https://github.com/{repo}");
        let out = Command::new("git")
            .current_dir(cwd)
            .args(["ls-remote", "--", &url])
            .arg(format!("refs/tags/{reference}"))
            .arg(format!("refs/tags/{reference}^{{}}"))
            .arg(format!("refs/heads/{reference}"))
            .output()
            .with_context(|| format!("cannot run `git ls-remote {url}`"))?;
        if !out.status.success() {
            bail!(
                "`git ls-remote {url}` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let commit = pick(&text, reference).with_context(|| {
            format!("{url} has no tag or branch `{reference}` (`git ls-remote`)")
        })?;
        self.known.insert(key, commit.clone());
        Ok(commit)
    }
}

/// The commit for `reference` in `git ls-remote` output.
fn pick(text: &str, reference: &str) -> Option<String> {
    let refs: BTreeMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(sha, name)| (name.trim(), sha.trim()))
        .collect();
    [
        format!("refs/tags/{reference}^{{}}"),
        format!("refs/tags/{reference}"),
        format!("refs/heads/{reference}"),
    ]
    .iter()
    .find_map(|r| refs.get(r.as_str()))
    .filter(|sha| super::is_sha(sha))
    .map(|sha| sha.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeled_tags_first_then_tags_then_branches() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let out = format!("{a}\trefs/tags/v4\n{b}\trefs/tags/v4^{{}}\n{c}\trefs/heads/v4\n");
        assert_eq!(pick(&out, "v4"), Some(b));
        let out = format!("{a}\trefs/tags/v4\n{c}\trefs/heads/v4\n");
        assert_eq!(pick(&out, "v4"), Some(a));
        assert_eq!(pick(&format!("{c}\trefs/heads/main\n"), "main"), Some(c));
        assert_eq!(pick("", "v4"), None);
    }
}

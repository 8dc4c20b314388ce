//! Reading one side of a review from git objects: revisions resolved to
//! commits, files read with `git show COMMIT:./PATH` (the real `git`),
//! never by checking anything out.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, anyhow, bail};

/// The git repository around a workspace, driven from the workspace root
/// (so paths are relative to it).
#[derive(Debug, Clone)]
pub(crate) struct Git {
    dir: PathBuf,
}

/// Where the default base revision comes from, as the CI says.
#[derive(Debug, Clone, Default)]
pub(crate) struct CiBase<'a> {
    /// `GITHUB_BASE_REF`: the pull request's base branch.
    pub github_base_ref: Option<&'a str>,
    /// `CI_MERGE_REQUEST_DIFF_BASE_SHA`: GitLab's merge-request base.
    pub merge_request_base_sha: Option<&'a str>,
}

impl Git {
    /// The repository around `dir`; an error when there is none.
    pub(crate) fn open(dir: &Path) -> Result<Git> {
        let git = Git {
            dir: dir.to_path_buf(),
        };
        git.run(&["rev-parse", "--show-toplevel"]).map_err(|e| {
            anyhow!(
                "`cargo pin review` reads the base side from git, and {} is not in a git repository ({e:#})",
                dir.display()
            )
        })?;
        Ok(git)
    }

    /// Runs git; its stdout, or an error with its stderr.
    fn run(&self, args: &[&str]) -> Result<String> {
        let out = self.output(args)?;
        if !out.status.success() {
            bail!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        String::from_utf8(out.stdout)
            .with_context(|| format!("`git {}`: not UTF-8", args.join(" ")))
    }

    fn output(&self, args: &[&str]) -> Result<std::process::Output> {
        Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .output()
            .context("cannot run git (is it installed?)")
    }

    /// The commit `rev` names. A revision this repository lacks is an
    /// error; in a shallow clone, one that says how to fetch it.
    pub(crate) fn commit(&self, rev: &str) -> Result<String> {
        let spec = format!("{rev}^{{commit}}");
        let out = self.output(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        let shallow = self
            .run(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|s| s.trim() == "true");
        if shallow {
            let fetch = rev.strip_prefix("origin/").unwrap_or(rev);
            bail!(
                "revision `{rev}` is not in this shallow clone; fetch it first: `git fetch --depth=1 origin {fetch}` (in GitHub Actions, or set `fetch-depth: 0` on actions/checkout)"
            );
        }
        bail!(
            "unknown git revision `{rev}`: pass `--base` (or `--head`) a commit, branch or tag of this repository"
        )
    }

    /// The text of `path` (relative to the workspace root) at `commit`;
    /// `None` when the commit has no such file.
    pub(crate) fn show(&self, commit: &str, path: &str) -> Result<Option<String>> {
        let object = format!("{commit}:./{path}");
        let exists = self.output(&["cat-file", "-e", &object])?;
        if !exists.status.success() {
            return Ok(None);
        }
        let out = self.output(&["show", &object])?;
        if !out.status.success() {
            bail!(
                "cannot read {path} at {commit}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        String::from_utf8(out.stdout)
            .map(Some)
            .map_err(|_| anyhow!("{path} at {commit} is not UTF-8"))
    }

    /// The base revision when `--base` is not given: `origin/$GITHUB_BASE_REF`,
    /// else `$CI_MERGE_REQUEST_DIFF_BASE_SHA`, else the merge base of `HEAD`
    /// and `origin/HEAD`.
    pub(crate) fn default_base(&self, ci: &CiBase<'_>) -> Result<String> {
        if let Some(r) = ci.github_base_ref {
            return Ok(format!("origin/{r}"));
        }
        if let Some(sha) = ci.merge_request_base_sha {
            return Ok(sha.to_string());
        }
        match self.run(&["merge-base", "HEAD", "origin/HEAD"]) {
            Ok(sha) if !sha.trim().is_empty() => Ok(sha.trim().to_string()),
            _ => bail!(
                "no base revision to review against: pass `--base REV` (GITHUB_BASE_REF and CI_MERGE_REQUEST_DIFF_BASE_SHA are unset, and HEAD has no merge base with origin/HEAD)"
            ),
        }
    }
}

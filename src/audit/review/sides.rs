//! The two sides of a review: the base read from git objects, the head
//! from git objects too (`--head REV`) or from the working tree. Each side
//! is its lockfile and the workspace's manifests at the paths the working
//! tree's workspace has (members added on the head side have no base
//! manifest; members removed have nothing left to judge).

use anyhow::{Result, anyhow};

use crate::audit::review::git::Git;
use crate::workspace::Workspace;
use crate::workspace::lockfile::Lockfile;
use crate::workspace::manifest::{self, Manifest};

/// A revision as asked for and the commit it names; both `None` for the
/// working tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Rev {
    pub rev: Option<String>,
    pub commit: Option<String>,
}

/// Both sides, read.
#[derive(Debug)]
pub(crate) struct Sides {
    pub base: Rev,
    pub head: Rev,
    /// Empty when the base has no Cargo.lock.
    pub base_lock: Lockfile,
    /// The base's manifests at the head's paths, where they exist.
    pub base_manifests: Vec<Manifest>,
    /// The head side as a workspace: the working tree's, or one made of
    /// the head commit's files at the working tree's paths.
    pub ws: Workspace,
}

impl Sides {
    /// The head's lockfile; empty when it has none.
    pub(crate) fn head_lock(&self) -> &Lockfile {
        static EMPTY: std::sync::OnceLock<Lockfile> = std::sync::OnceLock::new();
        self.ws
            .lockfile
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(Lockfile::default))
    }
}

/// Reads the sides: `ws` is the working tree's workspace.
pub(crate) fn load(git: &Git, ws: Workspace, base: &str, head: Option<&str>) -> Result<Sides> {
    let base_commit = git.commit(base)?;
    let base_lock = lockfile(git, &base_commit, base)?.unwrap_or_default();
    let base_manifests = manifests(git, &ws, &base_commit, base)?;
    let (head_rev, ws) = match head {
        None => (Rev::default(), ws),
        Some(rev) => {
            let commit = git.commit(rev)?;
            let manifests = manifests(git, &ws, &commit, rev)?;
            let lockfile = lockfile(git, &commit, rev)?;
            let head = Workspace {
                root: ws.root,
                manifests,
                lockfile,
                toolchain: ws.toolchain,
                rust_version: ws.rust_version,
                ci: None,
                cargo: ws.cargo,
                notes: ws.notes,
            };
            (
                Rev {
                    rev: Some(rev.to_string()),
                    commit: Some(commit),
                },
                head,
            )
        }
    };
    Ok(Sides {
        base: Rev {
            rev: Some(base.to_string()),
            commit: Some(base_commit),
        },
        head: head_rev,
        base_lock,
        base_manifests,
        ws,
    })
}

/// Cargo.lock at `commit`, if it has one. Errors name the revision, the
/// file and the line.
fn lockfile(git: &Git, commit: &str, rev: &str) -> Result<Option<Lockfile>> {
    match git.show(commit, "Cargo.lock")? {
        None => Ok(None),
        Some(text) => Lockfile::parse(&text)
            .map(Some)
            .map_err(|e| anyhow!("Cargo.lock at {rev}:{e:#}")),
    }
}

/// The manifests of `ws`, as they are at `commit` (those that exist).
fn manifests(git: &Git, ws: &Workspace, commit: &str, rev: &str) -> Result<Vec<Manifest>> {
    let mut out = Vec::new();
    for m in &ws.manifests {
        if let Some(text) = git.show(commit, &m.rel)? {
            out.push(
                manifest::parse(m.path.clone(), m.rel.clone(), text)
                    .map_err(|e| anyhow!("at {rev}: {e:#}"))?,
            );
        }
    }
    Ok(out)
}

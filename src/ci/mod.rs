//! The CI surface around a workspace: the files that install tools, pick a
//! toolchain, run actions and pull images, read into [`Site`]s with the
//! byte spans an edit needs. One module per kind of file:
//!
//! - [`github`]: `.github/workflows/*.y(a)ml`, composite actions
//!   (`.github/actions/**/action.y(a)ml`, `action.y(a)ml` at the root);
//! - [`gitlab`]: the `.gitlab-ci.yml` file;
//! - [`docker`]: `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`;
//! - [`yaml`]: the span-keeping YAML reader; [`shell`]: commands in scripts.
//!
//! Files are found in the git repository around the workspace (the nearest
//! folder up with `.git`; the workspace root when there is none), outside
//! `target/` and hidden folders other than `.github`. A file that cannot be
//! read (not UTF-8, YAML with a tab in its indentation or a quote left
//! open) is an error naming `file:line`: a gate that skipped it would pass
//! whatever it holds.

pub(crate) mod docker;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod remote;
pub(crate) mod shell;
pub(crate) mod yaml;

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

/// The CI files read, in path order.
#[derive(Debug, Clone, Default)]
pub struct Surface {
    pub(crate) files: Vec<CiFile>,
}

/// One CI file and what it pins (or does not).
#[derive(Debug, Clone)]
pub(crate) struct CiFile {
    pub path: PathBuf,
    pub kind: Kind,
    pub text: String,
    /// Relative to the workspace root, `/`-separated, `../` when above it.
    pub rel: String,
    pub sites: Vec<Site>,
}

/// A value a site takes: as written, or one of the values a matrix gives
/// an expression. `span` is where it is written, when it is written at
/// the site itself (an edit may replace it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Val {
    pub text: String,
    pub line: usize,
    pub span: Option<Range<usize>>,
}

/// Something in a CI file that installs, selects or pulls a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Site {
    /// `cargo install` / `cargo binstall` in a script.
    Install(shell::Install),
    /// A `taiki-e/install-action` tool: `tool:` entries, or the tool named
    /// by the ref (`@cargo-hack`).
    InstallAction {
        tool: String,
        version: Option<String>,
        line: usize,
    },
    /// A toolchain choice. `values` empty: it cannot be known here.
    /// `floats_unset`: the site floats with no value at all (`rustup
    /// update`, `dtolnay/rust-toolchain@stable` with no `toolchain:`).
    Toolchain {
        what: String,
        values: Vec<Val>,
        line: usize,
        package: Option<String>,
        floats_unset: bool,
    },
    /// `uses: OWNER/REPO[/PATH]@REF` (or `docker://IMAGE`).
    Action {
        uses: String,
        line: usize,
        span: Range<usize>,
    },
    /// A container image; `values` empty: it cannot be known here.
    Image {
        what: String,
        values: Vec<Val>,
        line: usize,
    },
}

/// The repository folder around `root`: the nearest with `.git`, else
/// `root` itself.
pub fn repository(root: &Path) -> &Path {
    root.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(root)
}

/// Finds and reads every CI file of the repository around `root`.
pub fn read(root: &Path) -> Result<Surface> {
    let repo = repository(root);
    let mut paths = Vec::new();
    walk(repo, repo, &mut paths)?;
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for (path, kind) in paths {
        let rel = relative_to(root, &path);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {rel}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let ok = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = ok.iter().filter(|b| **b == b'\n').count() + 1;
            anyhow!("{rel}:{line}: not UTF-8 text")
        })?;
        let sites = read_text(kind, &text).map_err(|(line, msg)| anyhow!("{rel}:{line}: {msg}"))?;
        files.push(CiFile {
            path,
            kind,
            text,
            rel,
            sites,
        });
    }
    Ok(Surface { files })
}

/// What kind of CI file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Workflow,
    Action,
    GitLab,
    Docker,
}

/// The sites in a file's text; an error is `(line, message)`.
pub(crate) fn read_text(kind: Kind, text: &str) -> Result<Vec<Site>, (usize, String)> {
    let yaml =
        |t: &str| yaml::parse(t).map_err(|e| (e.line, format!("invalid YAML: {}", e.message)));
    Ok(match kind {
        Kind::Workflow => github::workflow(&yaml(text)?, text),
        Kind::Action => github::action(&yaml(text)?, text),
        Kind::GitLab => gitlab::read(&yaml(text)?),
        Kind::Docker => docker::read(text),
    })
}

fn walk(repo: &Path, dir: &Path, out: &mut Vec<(PathBuf, Kind)>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            if name == "target" || (name.starts_with('.') && name != ".github") {
                continue;
            }
            walk(repo, &path, out)?;
            continue;
        }
        if let Some(kind) = kind_of(repo, &path, &name) {
            out.push((path, kind));
        }
    }
    Ok(())
}

fn kind_of(repo: &Path, path: &Path, name: &str) -> Option<Kind> {
    let rel = path.strip_prefix(repo).ok()?;
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    let yml = name.ends_with(".yml") || name.ends_with(".yaml");
    match parts.as_slice() {
        [".github", "workflows", _] if yml => return Some(Kind::Workflow),
        [".github", "actions", .., "action.yml" | "action.yaml"] => return Some(Kind::Action),
        ["action.yml" | "action.yaml"] => return Some(Kind::Action),
        [".gitlab-ci.yml"] => return Some(Kind::GitLab),
        _ => {}
    }
    let docker = name == "Dockerfile"
        || name == "Containerfile"
        || name.ends_with(".Dockerfile")
        || name.starts_with("Dockerfile.");
    docker.then_some(Kind::Docker)
}

/// `path` relative to `root`, `/`-separated, with `../` for each folder
/// it is above `root`.
pub(crate) fn relative_to(root: &Path, path: &Path) -> String {
    let mut base = root;
    let mut ups = 0;
    loop {
        if let Ok(rest) = path.strip_prefix(base) {
            let mut parts: Vec<String> = vec!["..".to_string(); ups];
            parts.extend(rest.iter().map(|p| p.to_string_lossy().into_owned()));
            return parts.join("/");
        }
        match base.parent() {
            Some(p) => {
                base = p;
                ups += 1;
            }
            None => return path.display().to_string(),
        }
    }
}

/// The owner/repo of an action's `uses:` value, `None` for local actions
/// and `docker://` images.
pub(crate) fn action_repo(uses: &str) -> Option<(String, &str)> {
    if uses.starts_with("./") || uses.starts_with("docker://") {
        return None;
    }
    let (path, reference) = uses.split_once('@')?;
    let mut parts = path.split('/');
    let owner = parts.next()?;
    let repo = parts.next()?;
    Some((format!("{owner}/{repo}"), reference))
}

/// A full commit SHA.
pub(crate) fn is_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_above_the_workspace_start_with_dots() {
        assert_eq!(
            relative_to(Path::new("/r/ws"), Path::new("/r/.github/workflows/ci.yml")),
            "../.github/workflows/ci.yml"
        );
        assert_eq!(
            relative_to(Path::new("/r"), Path::new("/r/Dockerfile")),
            "Dockerfile"
        );
    }

    #[test]
    fn kinds() {
        let repo = Path::new("/r");
        let k = |p: &str| kind_of(repo, &repo.join(p), p.rsplit('/').next().unwrap());
        assert_eq!(k(".github/workflows/ci.yaml"), Some(Kind::Workflow));
        assert_eq!(k(".github/workflows/sub/ci.yml"), None);
        assert_eq!(
            k(".github/actions/setup/rust/action.yml"),
            Some(Kind::Action)
        );
        assert_eq!(k("action.yaml"), Some(Kind::Action));
        assert_eq!(k("sub/action.yml"), None);
        assert_eq!(k(".gitlab-ci.yml"), Some(Kind::GitLab));
        assert_eq!(k("docker/app.Dockerfile"), Some(Kind::Docker));
        assert_eq!(k("Dockerfile.dev"), Some(Kind::Docker));
        assert_eq!(k("Containerfile"), Some(Kind::Docker));
        assert_eq!(k("Dockerfiles"), None);
    }
}

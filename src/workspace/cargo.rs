//! Running cargo: `$CARGO` or rustup's proxy from a neutral directory, and
//! the one question cargo-pin asks it, `cargo metadata --no-deps`.
//!
//! `--no-deps` is what lets this work offline, without fetching git
//! dependencies, and on workspaces whose lockfile is missing or stale.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

use super::requirement;

/// How to run cargo: `$CARGO` when cargo started us, else `cargo` on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cargo {
    program: OsString,
    /// Where to run it when no directory matters: rustup's proxy picks the
    /// toolchain from the current directory, and a workspace's toolchain
    /// file may name one that is not installed. `None` when `$CARGO` names
    /// the real cargo already.
    neutral_dir: Option<PathBuf>,
}

impl Cargo {
    /// `cargo` is `$CARGO` when set; `temp_dir` is the neutral place to run
    /// rustup's proxy from.
    pub fn new(cargo: Option<OsString>, temp_dir: &Path) -> Cargo {
        match cargo {
            Some(program) => Cargo {
                program,
                neutral_dir: None,
            },
            None => Cargo {
                program: "cargo".into(),
                neutral_dir: Some(temp_dir.to_path_buf()),
            },
        }
    }

    /// A command that runs cargo where no directory matters (manifest
    /// paths are absolute).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        if let Some(dir) = &self.neutral_dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    /// A command that runs cargo in `dir`, where cargo reads that
    /// directory's `.cargo/config.toml` (source replacement) as it always
    /// does.
    pub fn command_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.current_dir(dir);
        cmd
    }

    /// The program, for messages.
    pub fn program(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }
}

/// What cargo-pin needs from `cargo metadata --no-deps`, and nothing else.
///
/// Read with serde straight from cargo's JSON. The `cargo_metadata` crate's
/// types also parse every dependency of every package (a version requirement
/// each: 12,000 at 400 members, 3 MB of JSON) only for them to be dropped;
/// skipping those is most of the cost of reading cargo's answer.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Metadata {
    pub(super) workspace_root: PathBuf,
    pub(super) workspace_members: Vec<String>,
    pub(super) packages: Vec<MetaPackage>,
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct MetaPackage {
    pub(super) id: String,
    pub(super) manifest_path: PathBuf,
    /// As written: `1.70` or `1.70.0`.
    pub(super) rust_version: Option<String>,
}

/// Parses cargo's JSON answer.
fn parse_metadata(json: &str) -> Result<Metadata> {
    serde_json::from_str(json).context("cannot read `cargo metadata` output")
}

/// A `rust-version` as cargo writes it (`1.70`, `1.70.0`) as a version,
/// missing parts zero.
pub(super) fn rust_version(s: &str) -> Result<semver::Version> {
    requirement::partial_version(s)
        .ok_or_else(|| anyhow!("`cargo metadata` reported an invalid rust-version `{s}`"))
}

/// Asks cargo for the workspace root and the members' manifest paths.
pub(super) fn metadata(cargo: &Cargo, manifest: &Path) -> Result<Metadata> {
    let out = cargo
        .command()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(manifest)
        // `--no-deps` needs no network; make sure nothing tries.
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .context("cannot run `cargo metadata` (is cargo installed? set $CARGO to its path)")?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!("`cargo metadata` failed:\n{}", stderr.trim_end());
    }
    let stdout = std::str::from_utf8(&out.stdout).context("`cargo metadata` printed non-UTF-8")?;
    let json = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| anyhow!("`cargo metadata` printed no JSON"))?;
    parse_metadata(json)
}

/// The workspace's own packages, in cargo's order.
///
/// A set of member ids, not a search of the list per package (as
/// `cargo_metadata`'s `workspace_packages` does): that is quadratic in the
/// number of members, a million comparisons at 1,000.
pub(super) fn workspace_packages(meta: &Metadata) -> Vec<&MetaPackage> {
    let ids: std::collections::HashSet<&str> =
        meta.workspace_members.iter().map(String::as_str).collect();
    meta.packages
        .iter()
        .filter(|p| ids.contains(p.id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::disallowed_methods)] // the cargo that runs the tests
    fn metadata_agrees_with_the_cargo_metadata_crate() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"c/*\"]\n",
        )
        .unwrap();
        for (name, rv) in [("b", "1.70"), ("a", "1.65.0"), ("c", "")] {
            let d = root.join("c").join(name);
            std::fs::create_dir_all(d.join("src")).unwrap();
            std::fs::write(d.join("src/lib.rs"), "").unwrap();
            let rv = if rv.is_empty() {
                String::new()
            } else {
                format!("rust-version = \"{rv}\"\n")
            };
            std::fs::write(
                d.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n{rv}\n[dependencies]\nserde = \"1\"\n"
                ),
            )
            .unwrap();
        }
        let out = Cargo::new(std::env::var_os("CARGO"), &std::env::temp_dir())
            .command()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .arg("--manifest-path")
            .arg(root.join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = std::str::from_utf8(&out.stdout).unwrap();
        let mut ours = parse_metadata(json).unwrap();
        let mut theirs = cargo_metadata::MetadataCommand::parse(json).unwrap();
        // A package that is not a member must be left out.
        ours.workspace_members.retain(|id| !id.contains("/c/c#"));
        theirs
            .workspace_members
            .retain(|id| !id.repr.contains("/c/c#"));
        assert_eq!(ours.workspace_root, theirs.workspace_root.as_std_path());
        let ours: Vec<(PathBuf, Option<semver::Version>)> = workspace_packages(&ours)
            .iter()
            .map(|p| {
                let rv = p.rust_version.as_deref().map(|v| rust_version(v).unwrap());
                (p.manifest_path.clone(), rv)
            })
            .collect();
        let theirs: Vec<(PathBuf, Option<semver::Version>)> = theirs
            .workspace_packages()
            .iter()
            .map(|p| {
                let rv = p.rust_version.clone();
                (p.manifest_path.clone().into_std_path_buf(), rv)
            })
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 2);
        assert!(
            ours.iter()
                .any(|(_, rv)| *rv == Some(semver::Version::new(1, 70, 0)))
        );
    }

    #[test]
    fn rust_versions_as_cargo_writes_them() {
        assert_eq!(
            rust_version("1.70").unwrap(),
            semver::Version::new(1, 70, 0)
        );
        assert_eq!(
            rust_version("1.70.1").unwrap(),
            semver::Version::new(1, 70, 1)
        );
        assert_eq!(rust_version("1").unwrap(), semver::Version::new(1, 0, 0));
        assert!(rust_version("one").is_err());
    }
}

//! Running cargo as `cargo build` would, and the one question cargo-pin
//! asks it, `cargo metadata --no-deps`.
//!
//! cargo runs in the directory of the manifest it reads, so that rustup
//! picks the workspace's toolchain file and cargo reads its
//! `.cargo/config.toml`, exactly as for a build there. `--no-deps` is what
//! lets this work offline, without fetching git dependencies, and on
//! workspaces whose lockfile is missing or stale. Two failures are worked
//! around rather than reported, each said in a note (`-v`): a toolchain
//! file naming a toolchain that is not installed (read with rustup's
//! default instead: `--no-deps` needs nothing from a particular release),
//! and `cargo-features`, which only a nightly cargo reads (read with an
//! installed nightly, or an error saying which to install).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

use super::requirement;

/// How to run cargo: `$CARGO` when cargo started us, else `cargo` on PATH
/// (rustup's proxy, which picks the toolchain from the directory), or the
/// cargo of the toolchain the workspace had to be read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cargo {
    program: OsString,
    /// Where to ask rustup about its default toolchain: a directory no
    /// toolchain file applies to.
    neutral_dir: PathBuf,
}

impl Cargo {
    /// `cargo` is `$CARGO` when set; `temp_dir` is a neutral place to ask
    /// rustup for its default toolchain from.
    pub fn new(cargo: Option<OsString>, temp_dir: &Path) -> Cargo {
        Cargo {
            program: cargo.unwrap_or_else(|| "cargo".into()),
            neutral_dir: temp_dir.to_path_buf(),
        }
    }

    /// A command that runs cargo in `dir`, where rustup picks the
    /// toolchain and cargo reads the configuration (source replacement)
    /// as they do for a build there.
    pub fn command_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.current_dir(dir);
        // A toolchain file naming an uninstalled toolchain is reported (and
        // worked around), never downloaded: cargo-pin is offline.
        cmd.env("RUSTUP_AUTO_INSTALL", "0");
        cmd
    }

    /// The program, for messages.
    pub fn program(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }

    /// The same, running the cargo at `path`.
    fn with_program(&self, path: PathBuf) -> Cargo {
        Cargo {
            program: path.into(),
            neutral_dir: self.neutral_dir.clone(),
        }
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

/// `cargo metadata`'s answer, and how it was got.
pub(super) struct Read {
    pub(super) meta: Metadata,
    /// The cargo that could read the workspace, for later runs (relocking).
    pub(super) cargo: Cargo,
    /// What was done differently from a plain run, for `-v`.
    pub(super) notes: Vec<String>,
}

/// `cargo metadata` failed: cargo's message, and the manifest it named.
#[derive(Debug)]
pub(super) struct Failed {
    pub(super) message: String,
    pub(super) manifest: Option<PathBuf>,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`cargo metadata` failed:\n{}", self.message)
    }
}

impl std::error::Error for Failed {}

/// Asks cargo for the workspace root and the members' manifest paths,
/// from the manifest's directory, working around an uninstalled toolchain
/// and `cargo-features` (see the module's docs). A failure of cargo's own
/// is a [`Failed`].
pub(super) fn metadata(cargo: &Cargo, manifest: &Path) -> Result<Read> {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let mut cargo = cargo.clone();
    let mut notes = Vec::new();
    // The toolchain the workspace pins, when rustup said it is not installed.
    let mut uninstalled: Option<String> = None;
    let mut tried_nightly = false;
    loop {
        let stderr = match run(&cargo, manifest, dir)? {
            Ok(meta) => return Ok(Read { meta, cargo, notes }),
            Err(stderr) => stderr,
        };
        if uninstalled.is_none()
            && let Some(pinned) = uninstalled_toolchain(&stderr)
        {
            let (name, path) = rustup_default(&cargo).with_context(|| {
                format!(
                    "the workspace's toolchain `{pinned}` is not installed, and rustup's default toolchain cannot read it instead; install it with `rustup toolchain install {pinned}`"
                )
            })?;
            notes.push(format!(
                "toolchain `{pinned}` (from the workspace's toolchain file) is not installed: read the workspace with rustup's default toolchain, `{name}`"
            ));
            cargo = cargo.with_program(path);
            uninstalled = Some(pinned.to_string());
            continue;
        }
        if !tried_nightly && let Some(feature) = nightly_feature(&stderr) {
            tried_nightly = true;
            let at = named_manifest(&stderr, dir).map_or_else(
                || manifest.display().to_string(),
                |p| p.display().to_string(),
            );
            match installed_nightly(&cargo) {
                Some((name, path)) => {
                    notes.push(format!(
                        "{at} uses `cargo-features` (`{feature}`), which only a nightly cargo reads: read the workspace with `{name}`"
                    ));
                    cargo = cargo.with_program(path);
                    continue;
                }
                None => {
                    let which = uninstalled
                        .filter(|t| t.starts_with("nightly"))
                        .unwrap_or_else(|| "nightly".into());
                    bail!(
                        "{at} uses `cargo-features` (`{feature}`), which only a nightly cargo reads, and no nightly toolchain is installed; install one with `rustup toolchain install {which}`"
                    );
                }
            }
        }
        return Err(Failed {
            manifest: named_manifest(&stderr, dir),
            message: stderr,
        }
        .into());
    }
}

/// One `cargo metadata --no-deps` run: the answer, or cargo's message.
fn run(cargo: &Cargo, manifest: &Path, dir: &Path) -> Result<Result<Metadata, String>> {
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.cargo_path(PathBuf::from(&cargo.program))
        .manifest_path(manifest)
        .current_dir(dir)
        .no_deps()
        // `--no-deps` needs no network and never writes Cargo.lock; make
        // sure nothing tries.
        .other_options(["--offline".to_string(), "--locked".to_string()])
        .env("RUSTUP_AUTO_INSTALL", "0");
    let out = cmd.cargo_command().output().with_context(|| {
        format!(
            "cannot run `{} metadata` (is cargo installed? set $CARGO to its path)",
            cargo.program()
        )
    })?;
    if !out.status.success() {
        return Ok(Err(cargo_message(&String::from_utf8_lossy(&out.stderr))));
    }
    let stdout = std::str::from_utf8(&out.stdout).context("`cargo metadata` printed non-UTF-8")?;
    let json = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| anyhow!("`cargo metadata` printed no JSON"))?;
    parse_metadata(json).map(Ok)
}

/// cargo's (or rustup's) message without the stack trace rustup adds
/// under `RUST_BACKTRACE`.
fn cargo_message(stderr: &str) -> String {
    let end = stderr.find("\nStack backtrace:").unwrap_or(stderr.len());
    stderr[..end].trim_end().to_string()
}

/// rustup's "toolchain '1.80.0-x86_64-unknown-linux-gnu' is not installed".
fn uninstalled_toolchain(stderr: &str) -> Option<&str> {
    let line = stderr.lines().find(|l| l.contains("' is not installed"))?;
    let rest = &line[line.find("toolchain '")? + "toolchain '".len()..];
    Some(&rest[..rest.find('\'')?])
}

/// cargo's "the cargo feature `X` requires a nightly version of Cargo".
fn nightly_feature(stderr: &str) -> Option<&str> {
    let line = stderr
        .lines()
        .find(|l| l.contains("requires a nightly version of Cargo"))?;
    let rest = &line[line.find("feature `")? + "feature `".len()..];
    Some(&rest[..rest.find('`')?])
}

/// The manifest cargo's message blames, most precise first: a
/// diagnostic's `--> app/Cargo.toml:38:14` (relative to `dir`, where cargo
/// ran), `failed to parse manifest at `…``, `failed to read `…``, then a
/// `workspace member `/w/app``.
fn named_manifest(stderr: &str, dir: &Path) -> Option<PathBuf> {
    let arrow = stderr.lines().find_map(|l| {
        let at = l.trim_start().strip_prefix("--> ")?;
        let file = at.split(':').next()?;
        file.ends_with("Cargo.toml").then(|| dir.join(file))
    });
    let quoted = |after: &str| -> Option<PathBuf> {
        let start = stderr.rfind(after)? + after.len();
        let end = stderr[start..].find('`')?;
        Some(PathBuf::from(&stderr[start..start + end]))
    };
    arrow
        .or_else(|| quoted("failed to parse manifest at `"))
        .or_else(|| quoted("failed to read `").filter(|p| p.ends_with("Cargo.toml")))
        .or_else(|| quoted("workspace member `").map(|d| d.join("Cargo.toml")))
}

/// Runs rustup from the neutral directory; its stdout when it succeeds.
fn rustup(cargo: &Cargo, args: &[&str]) -> Option<String> {
    let out = Command::new("rustup")
        .args(args)
        .current_dir(&cargo.neutral_dir)
        .env("RUSTUP_AUTO_INSTALL", "0")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// rustup's default toolchain (where no toolchain file applies): its name
/// and its cargo.
fn rustup_default(cargo: &Cargo) -> Result<(String, PathBuf)> {
    let active = rustup(cargo, &["show", "active-toolchain"])
        .ok_or_else(|| anyhow!("`rustup show active-toolchain` failed"))?;
    let name = active
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let path =
        rustup(cargo, &["which", "cargo"]).ok_or_else(|| anyhow!("`rustup which cargo` failed"))?;
    Ok((name, PathBuf::from(path)))
}

/// An installed nightly toolchain (the rolling `nightly` first, else the
/// newest dated one): its name and its cargo.
fn installed_nightly(cargo: &Cargo) -> Option<(String, PathBuf)> {
    let list = rustup(cargo, &["toolchain", "list"])?;
    let name = pick_nightly(&list)?;
    let path = rustup(cargo, &["which", "--toolchain", &name, "cargo"])?;
    Some((name, PathBuf::from(path)))
}

/// From `rustup toolchain list`: `nightly-<host>` over `nightly-2026-01-01-<host>`,
/// and the newest date among dated ones.
fn pick_nightly(list: &str) -> Option<String> {
    let names: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n == "nightly" || n.starts_with("nightly-"))
        .collect();
    let dated = |n: &str| {
        n.strip_prefix("nightly-")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    names
        .iter()
        .find(|n| !dated(n))
        .or_else(|| names.iter().max())
        .map(|n| n.to_string())
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
            .command_in(&root)
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
    fn what_cargo_and_rustup_say_is_read() {
        let rustup = "error: toolchain '1.80.0-x86_64-unknown-linux-gnu' is not installed\nhelp: run `rustup toolchain install` to install it\n\nStack backtrace:\n   0: anyhow";
        assert_eq!(
            uninstalled_toolchain(rustup),
            Some("1.80.0-x86_64-unknown-linux-gnu")
        );
        assert_eq!(
            cargo_message(rustup),
            "error: toolchain '1.80.0-x86_64-unknown-linux-gnu' is not installed\nhelp: run `rustup toolchain install` to install it"
        );
        let nightly = "error: failed to parse manifest at `/w/a/Cargo.toml`\n\nCaused by:\n  the cargo feature `codegen-backend` requires a nightly version of Cargo, but this is the `stable` channel";
        assert_eq!(nightly_feature(nightly), Some("codegen-backend"));
        assert_eq!(uninstalled_toolchain(nightly), None);
        assert_eq!(
            named_manifest(nightly, Path::new("/w")),
            Some(PathBuf::from("/w/a/Cargo.toml"))
        );
        let member = "error: failed to load manifest for workspace member `/w/b`\nreferenced by workspace at `/w/Cargo.toml`\n\nCaused by:\n  failed to read `/w/b/Cargo.toml`\n\nCaused by:\n  No such file or directory (os error 2)";
        assert_eq!(
            named_manifest(member, Path::new("/w")),
            Some(PathBuf::from("/w/b/Cargo.toml"))
        );
        assert_eq!(
            named_manifest("error: something else", Path::new("/w")),
            None
        );
        let toml = "error: unclosed table, expected `]`\n  --> app/Cargo.toml:38:14\n   |\n38 | [dependencies\n   |              ^\nerror: failed to load manifest for workspace member `/w/app`\nreferenced by workspace at `/w/Cargo.toml`";
        assert_eq!(
            named_manifest(toml, Path::new("/w")),
            Some(PathBuf::from("/w/app/Cargo.toml"))
        );
        let member_only = "error: failed to load manifest for workspace member `/w/app`\nreferenced by workspace at `/w/Cargo.toml`";
        assert_eq!(
            named_manifest(member_only, Path::new("/w")),
            Some(PathBuf::from("/w/app/Cargo.toml"))
        );
    }

    #[test]
    fn the_rolling_nightly_is_preferred() {
        let list = "stable-x86_64-unknown-linux-gnu (active, default)\nnightly-2026-01-02-x86_64-unknown-linux-gnu\nnightly-x86_64-unknown-linux-gnu\n";
        assert_eq!(
            pick_nightly(list).as_deref(),
            Some("nightly-x86_64-unknown-linux-gnu")
        );
        let dated = "stable\nnightly-2026-01-02-x86_64-unknown-linux-gnu\nnightly-2026-03-01-x86_64-unknown-linux-gnu\n";
        assert_eq!(
            pick_nightly(dated).as_deref(),
            Some("nightly-2026-03-01-x86_64-unknown-linux-gnu")
        );
        assert_eq!(pick_nightly("no installed toolchains"), None);
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

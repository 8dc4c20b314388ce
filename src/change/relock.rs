//! Bringing Cargo.lock along with edited manifests: git sources moved from
//! a branch to `?rev=` in place, and registry versions moved by cargo
//! itself (`cargo update -p CRATE@OLD --precise NEW`).

use anyhow::{Result, anyhow, bail};

use std::collections::BTreeMap;
use std::path::Path;

use semver::Version;

use crate::workspace::lockfile::Lockfile;
use crate::workspace::{Cargo, Workspace};

/// One locked version cargo is to move: `cargo update -p PACKAGE@FROM
/// --precise TO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LockMove {
    pub(crate) package: String,
    pub(crate) from: String,
    pub(crate) to: String,
}

impl LockMove {
    pub(crate) fn new(package: &str, from: &str, to: &str) -> LockMove {
        LockMove {
            package: package.to_string(),
            from: from.to_string(),
            to: to.to_string(),
        }
    }

    /// The `cargo` arguments that make the move.
    pub(crate) fn cargo_args(&self) -> Vec<String> {
        vec![
            "update".into(),
            "-p".into(),
            format!("{}@{}", self.package, self.from),
            "--precise".into(),
            self.to.clone(),
        ]
    }
}

/// Has cargo make each move, and checks it locked every planned version.
pub(crate) fn precise(
    ws: &Workspace,
    cargo: &Cargo,
    moves: &[LockMove],
    offline: bool,
    lock_path: &Path,
) -> Result<()> {
    for m in moves {
        // Changed manifests make cargo re-resolve what no longer matches, so
        // an earlier update may already have moved this one.
        let now = Lockfile::read(lock_path)?;
        let has = |v: &str| now.named(&m.package).any(|p| p.version.to_string() == v);
        if has(&m.to) && !has(&m.from) {
            continue;
        }
        cargo_update(ws, cargo, &m.cargo_args(), offline)?;
    }
    let after = Lockfile::read(lock_path)?;
    for m in moves {
        let to = Version::parse(&m.to)?;
        if !after.named(&m.package).any(|p| p.version == to) {
            bail!("cargo did not lock `{} {}`", m.package, m.to);
        }
    }
    Ok(())
}

/// One package whose locked versions differ between two lockfiles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct LockChange {
    pub(crate) package: String,
    pub(crate) from: Vec<String>,
    pub(crate) to: Vec<String>,
}

/// What moved in Cargo.lock, by package name (versions as sets): the moves
/// asked for and those cargo made beside them.
pub(crate) fn lock_changes(before: &Lockfile, after: &Lockfile) -> Vec<LockChange> {
    let versions = |l: &Lockfile| {
        let mut m: BTreeMap<String, Vec<Version>> = BTreeMap::new();
        for p in &l.packages {
            m.entry(p.name.clone()).or_default().push(p.version.clone());
        }
        m
    };
    let (b, a) = (versions(before), versions(after));
    let names: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let mut from: Vec<Version> = b.get(name).cloned().unwrap_or_default();
        let mut to: Vec<Version> = a.get(name).cloned().unwrap_or_default();
        from.sort();
        to.sort();
        let gone: Vec<String> = from
            .iter()
            .filter(|v| !to.contains(v))
            .map(ToString::to_string)
            .collect();
        let new: Vec<String> = to
            .iter()
            .filter(|v| !from.contains(v))
            .map(ToString::to_string)
            .collect();
        if !gone.is_empty() || !new.is_empty() {
            out.push(LockChange {
                package: name.clone(),
                from: gone,
                to: new,
            });
        }
    }
    out
}

/// Rewrites the lockfile so a git package pinned with `rev` keeps its
/// locked commit: `git+URL?branch=main#C` becomes `git+URL?rev=C#C`, in the
/// package's `source` and in every dependency entry naming it.
///
/// `moves` holds `(name, version, old source, new source)`.
pub(crate) fn git_sources(
    lock_text: &str,
    moves: &[(String, String, String, String)],
) -> Result<String> {
    if moves.is_empty() {
        return Ok(lock_text.to_string());
    }
    let mut doc: toml_edit::DocumentMut =
        lock_text.parse().map_err(|e| anyhow!("Cargo.lock: {e}"))?;
    let Some(packages) = doc
        .get_mut("package")
        .and_then(|p| p.as_array_of_tables_mut())
    else {
        bail!("Cargo.lock has no [[package]] entries");
    };
    // Built once: a lockfile has thousands of entries, a run few moves.
    let sources: std::collections::HashMap<(&str, &str, &str), &str> = moves
        .iter()
        .map(|(n, v, old, new)| ((n.as_str(), v.as_str(), old.as_str()), new.as_str()))
        .collect();
    let entries: std::collections::HashMap<String, String> = moves
        .iter()
        .map(|(n, v, old, new)| (format!("{n} {v} ({old})"), format!("{n} {v} ({new})")))
        .collect();
    for pkg in packages.iter_mut() {
        let name = pkg
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let version = pkg
            .get("version")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        if let Some(src) = pkg.get_mut("source").and_then(|v| v.as_value_mut())
            && let Some(cur) = src.as_str()
            && let Some(new) = sources.get(&(name.as_str(), version.as_str(), cur))
        {
            let decor = src.decor().clone();
            *src = toml_edit::Value::from(*new);
            *src.decor_mut() = decor;
        }
        if let Some(deps) = pkg.get_mut("dependencies").and_then(|v| v.as_array_mut()) {
            for entry in deps.iter_mut() {
                let Some(cur) = entry.as_str() else { continue };
                if let Some(new) = entries.get(cur) {
                    let decor = entry.decor().clone();
                    *entry = toml_edit::Value::from(new.as_str());
                    *entry.decor_mut() = decor;
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// Runs `cargo update -p CRATE@FROM --precise TO` in the workspace root,
/// where cargo reads the workspace's `.cargo/config.toml` (source
/// replacement) as it always does.
pub(crate) fn cargo_update(
    ws: &Workspace,
    cargo: &Cargo,
    args: &[String],
    offline: bool,
) -> Result<()> {
    let mut cmd = cargo.command_in(&ws.root);
    cmd.args(args)
        .arg("--manifest-path")
        .arg(ws.root.join("Cargo.toml"));
    if offline {
        cmd.arg("--offline");
    }
    // Waited for by polling, so that an interrupt stops cargo (and the
    // pipeline then puts every file back) rather than waiting for it.
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| anyhow!("cannot run cargo ({}): {e}", cargo.program()))?;
    let stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = std::io::Read::read_to_end(&mut err, &mut text);
            text
        })
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if let Err(e) = super::interrupt::check() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e.context(format!("`cargo {}` was stopped", args.join(" "))));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    if !status.success() {
        bail!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&stderr).trim_end()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relock_moves_sources_and_dependency_entries() {
        let lock = "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"dep 0.1.0 (git+https://x/dep?branch=main#abc)\",\n]\n\n[[package]]\nname = \"dep\"\nversion = \"0.1.0\"\nsource = \"git+https://x/dep?branch=main#abc\"\n";
        let out = git_sources(
            lock,
            &[(
                "dep".into(),
                "0.1.0".into(),
                "git+https://x/dep?branch=main#abc".into(),
                "git+https://x/dep?rev=abc#abc".into(),
            )],
        )
        .unwrap();
        assert_eq!(out, lock.replace("?branch=main#abc", "?rev=abc#abc"));
    }

    #[test]
    fn lock_changes_are_sets_per_package() {
        let lock = |pkgs: &[(&str, &str)]| {
            let mut t = String::from("version = 3\n");
            for (n, v) in pkgs {
                t.push_str(&format!("\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"));
            }
            Lockfile::parse(&t).unwrap()
        };
        let before = lock(&[
            ("a", "1.0.0"),
            ("b", "0.1.0"),
            ("b", "0.2.0"),
            ("c", "1.0.0"),
        ]);
        let after = lock(&[
            ("a", "0.9.0"),
            ("b", "0.1.0"),
            ("b", "0.2.1"),
            ("d", "1.0.0"),
        ]);
        let c = lock_changes(&before, &after);
        let shown: Vec<String> = c
            .iter()
            .map(|c| format!("{} {:?}->{:?}", c.package, c.from, c.to))
            .collect();
        assert_eq!(
            shown,
            [
                "a [\"1.0.0\"]->[\"0.9.0\"]",
                "b [\"0.2.0\"]->[\"0.2.1\"]",
                "c [\"1.0.0\"]->[]",
                "d []->[\"1.0.0\"]"
            ]
        );
    }
}

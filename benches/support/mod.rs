//! What every benchmark needs: a synthetic workspace in memory, made by the
//! same generator as `examples/gen-workspace` (built-in crate list, so the
//! numbers do not depend on the machine having the index snapshot), and
//! that workspace read the way `Workspace::load` reads it, minus the
//! `cargo metadata` call and the file reads.

// Each benchmark binary uses part of this module.
#![allow(dead_code)]

#[path = "../../examples/gen-workspace/fallback.rs"]
mod fallback;
#[path = "../../examples/gen-workspace/synth.rs"]
pub(crate) mod synth;

use std::path::{Path, PathBuf};
use std::time::Duration;

use cargo_pin::workspace::Workspace;
use cargo_pin::workspace::lockfile::Lockfile;
use cargo_pin::workspace::manifest::{self, Manifest};
use cargo_pin::workspace::toolchain::Toolchain;

/// The workspace sizes of issue 7, in members.
pub(crate) const SIZES: [usize; 4] = [10, 100, 400, 1000];

/// Dependency entries per member, as in the 400 × 30 ≈ 12,000.
pub(crate) const DEPS: usize = 30;

/// The seed every benchmark uses.
pub(crate) const SEED: u64 = 7;

/// Where the generated files are said to live when they are only parsed.
pub(crate) const ROOT: &str = "/bench-ws";

/// Criterion settings that keep a full `cargo bench` run within minutes on
/// two cores: fewer samples than the default, still enough for a stable
/// median on these (millisecond-scale) workloads.
pub(crate) fn config() -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// A generated workspace of `members` members, as files.
pub(crate) fn generate(members: usize) -> synth::Workspace {
    let pool = synth::Pool::builtin(SEED, synth::pool_size(members));
    synth::generate(
        &pool,
        &synth::Params {
            members,
            deps: DEPS,
            seed: SEED,
        },
    )
}

/// The manifests of a generated workspace at `root` as `(path, rel, text)`,
/// root manifest first.
pub(crate) fn manifest_texts(ws: &synth::Workspace, root: &Path) -> Vec<(PathBuf, String, String)> {
    ws.files
        .iter()
        .filter(|(rel, _)| rel.ends_with("Cargo.toml"))
        .map(|(rel, text)| (root.join(rel), rel.clone(), text.clone()))
        .collect()
}

/// Writes a generated workspace under `root` (for `fix`, which reads
/// Cargo.lock from disk when it relocks git pins).
pub(crate) fn write(ws: &synth::Workspace, root: &Path) {
    for (rel, text) in &ws.files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
}

/// The lockfile text of a generated workspace.
pub(crate) fn lock_text(ws: &synth::Workspace) -> &str {
    ws.files
        .iter()
        .find(|(rel, _)| rel == "Cargo.lock")
        .map(|(_, t)| t.as_str())
        .expect("the generator writes a Cargo.lock")
}

/// Every registry requirement string as written, in document order.
pub(crate) fn requirements(manifests: &[Manifest]) -> Vec<String> {
    manifests
        .iter()
        .flat_map(|m| &m.deps)
        .filter_map(|d| match &d.source {
            manifest::DepSource::Registry { requirement, .. } => {
                Some(requirement.clone().unwrap_or_else(|| "*".into()))
            }
            _ => None,
        })
        .collect()
}

/// Parses every manifest, as `Workspace::load` does after `cargo metadata`.
pub(crate) fn parse_manifests(texts: &[(PathBuf, String, String)]) -> Vec<Manifest> {
    texts
        .iter()
        .map(|(p, rel, text)| {
            manifest::parse(p.clone(), rel.clone(), text.clone()).expect("generated manifest")
        })
        .collect()
}

/// The workspace as `check` and `fix` see it, said to be at `root`. The
/// generated workspace has no toolchain file; a pinned one keeps that
/// finding out of the numbers.
pub(crate) fn workspace(ws: &synth::Workspace, root: &Path) -> Workspace {
    let manifests = parse_manifests(&manifest_texts(ws, root));
    Workspace {
        root: root.to_path_buf(),
        manifests,
        lockfile: Some(Lockfile::parse(lock_text(ws)).expect("generated lockfile")),
        toolchain: Toolchain::Pinned {
            file: "rust-toolchain.toml".into(),
            channel: "1.88.0".into(),
        },
        rust_version: None,
        ci: None,
        cargo: cargo_pin::workspace::Cargo::new(None, root),
        notes: Vec::new(),
    }
}

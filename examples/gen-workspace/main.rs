//! `gen-workspace`: writes a synthetic workspace for benchmarking cargo-pin.
//!
//! ```text
//! cargo run --release --example gen-workspace -- --members 400 --out /tmp/ws-400
//! ```
//!
//! N members × M dependency entries (30 by default) in every form cargo
//! accepts, a matching Cargo.lock (v4) and stub `src/lib.rs` files, so that
//! `cargo metadata --no-deps` and `cargo pin check|fix` run on it. Crate
//! names and versions come from the crates.io index snapshot when one is at
//! hand (`--snapshot`, default `/work/shared/registry/index-snapshot.tar.zst`,
//! or `--index DIR` for an unpacked one), else from a built-in list. The
//! output depends only on the arguments and the index data.
//!
//! An example, not a binary of the package: `cargo install` leaves it out.

// The print lints guard the library; this is a command-line tool: it prints what it wrote.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod fallback;
mod index;
mod synth;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Parser;

const SHARED_SNAPSHOT: &str = "/work/shared/registry/index-snapshot.tar.zst";

/// Writes a synthetic Cargo workspace for benchmarks.
#[derive(Debug, Parser)]
#[command(name = "gen-workspace")]
struct Args {
    /// Number of workspace members.
    #[arg(long, default_value_t = 100)]
    members: usize,
    /// Dependency entries per member, over all its tables.
    #[arg(long, default_value_t = 30)]
    deps: usize,
    /// Seed for every random choice.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Directory to create (must not exist, or be empty).
    #[arg(long)]
    out: PathBuf,
    /// An unpacked sparse-index snapshot to draw crates from.
    #[arg(long, conflicts_with_all = ["snapshot", "builtin"])]
    index: Option<PathBuf>,
    /// A `.tar.zst` sparse-index snapshot to draw crates from.
    #[arg(long, conflicts_with = "builtin")]
    snapshot: Option<PathBuf>,
    /// Use the built-in crate list even if a snapshot is present.
    #[arg(long)]
    builtin: bool,
    /// Remove `--out` first if it exists.
    #[arg(long)]
    force: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    prepare_out(&args.out, args.force)?;
    let max = synth::pool_size(args.members);
    let reserved = |name: &str| name.starts_with("member-") || name.starts_with("gitdep-");
    let pool = if let Some(dir) = &args.index {
        index::pool_from_dir(dir, args.seed, max, &reserved)?
    } else {
        let snapshot = args
            .snapshot
            .clone()
            .or_else(|| Some(PathBuf::from(SHARED_SNAPSHOT)).filter(|p| p.is_file()));
        match snapshot {
            Some(s) if !args.builtin => {
                let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
                index::unpack(&s, tmp.path())?;
                let mut pool = index::pool_from_dir(tmp.path(), args.seed, max, &reserved)?;
                pool.origin = format!("index snapshot {}", s.display());
                pool
            }
            _ => synth::Pool::builtin(args.seed, max),
        }
    };
    let params = synth::Params {
        members: args.members,
        deps: args.deps,
        seed: args.seed,
    };
    let ws = synth::generate(&pool, &params);
    for (rel, text) in &ws.files {
        let path = args.out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let info = serde_json::json!({
        "members": args.members,
        "deps": args.deps,
        "seed": args.seed,
        "crates_from": pool.origin,
        "stats": ws.stats,
    });
    // Beside the workspace, not in it: cargo would not mind, but a reader
    // of the tree should see only what cargo sees.
    let info_path = args.out.with_extension("gen.json");
    std::fs::write(&info_path, serde_json::to_string_pretty(&info)? + "\n")
        .with_context(|| format!("cannot write {}", info_path.display()))?;
    eprintln!(
        "wrote {} ({} members, {} entries, {} registry requirements, {} locked packages; crates from {})",
        args.out.display(),
        ws.stats.members,
        ws.stats.entries,
        ws.stats.registry_requirements,
        ws.stats.locked_packages,
        pool.origin
    );
    Ok(())
}

fn prepare_out(out: &Path, force: bool) -> Result<()> {
    if out.exists() {
        let empty = out
            .read_dir()
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if force {
            std::fs::remove_dir_all(out)
                .with_context(|| format!("cannot remove {}", out.display()))?;
        } else if !empty {
            bail!("{} exists and is not empty (pass --force)", out.display());
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))
}

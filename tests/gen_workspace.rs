//! The benchmark workspace generator (`examples/gen-workspace`) makes what
//! the benchmarks claim to measure: every dependency form, a lockfile that
//! satisfies every requirement, and a tree cargo reads.

mod support;

#[path = "../examples/gen-workspace/fallback.rs"]
mod fallback;
#[path = "../examples/gen-workspace/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::collections::BTreeSet;

use cargo_pin::workspace::lockfile::{Lockfile, Source};
use cargo_pin::workspace::manifest::{self, DepSource, Manifest, TableKind};
use cargo_pin::workspace::requirement::{self, Kind};

fn generate(members: usize, seed: u64) -> synth::Workspace {
    let pool = synth::Pool::builtin(seed, synth::pool_size(members));
    synth::generate(
        &pool,
        &synth::Params {
            members,
            deps: 30,
            seed,
        },
    )
}

fn parse(ws: &synth::Workspace) -> (Vec<Manifest>, Lockfile) {
    let mut manifests = Vec::new();
    let mut lock = None;
    for (rel, text) in &ws.files {
        if rel == "Cargo.lock" {
            lock = Some(Lockfile::parse(text).expect("generated lockfile parses"));
        } else if rel.ends_with("Cargo.toml") {
            let m = manifest::parse(format!("/ws/{rel}").into(), rel.clone(), text.clone())
                .expect("generated manifest parses");
            manifests.push(m);
        }
    }
    (manifests, lock.expect("a Cargo.lock"))
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(12, 3);
    let b = generate(12, 3);
    let c = generate(12, 4);
    assert_eq!(a.files, b.files);
    assert_ne!(a.files, c.files);
}

#[test]
fn every_member_has_the_asked_number_of_entries() {
    let ws = generate(20, 7);
    let (manifests, _) = parse(&ws);
    assert_eq!(manifests.len(), 21, "root + 20 members");
    for m in &manifests[1..] {
        assert_eq!(m.deps.len(), 30, "{}", m.rel);
    }
    assert_eq!(
        ws.stats.entries,
        manifests.iter().map(|m| m.deps.len()).sum::<usize>()
    );
}

#[test]
fn every_form_occurs() {
    let ws = generate(40, 7);
    let s = &ws.stats;
    for (what, n) in [
        ("inherited", s.inherited),
        ("path", s.path),
        ("git", s.git),
        ("renamed", s.renamed),
        ("header tables", s.header_tables),
        ("target tables", s.target_tables),
        ("exact", s.exact),
    ] {
        assert!(n > 0, "no {what} entries");
    }
    let (manifests, _) = parse(&ws);
    let mut kinds = BTreeSet::new();
    let mut tables = BTreeSet::new();
    for m in &manifests {
        for d in &m.deps {
            tables.insert(format!("{:?}", d.kind));
            if let DepSource::Registry {
                requirement: Some(r),
                ..
            } = &d.source
            {
                kinds.insert(format!("{:?}", requirement::classify(r).unwrap().kind));
            }
        }
    }
    let want: BTreeSet<String> = [
        Kind::Exact,
        Kind::Wildcard,
        Kind::Caret,
        Kind::Tilde,
        Kind::Range,
        Kind::PartialExact,
    ]
    .iter()
    .map(|k| format!("{k:?}"))
    .collect();
    assert_eq!(kinds, want);
    for k in [
        TableKind::Normal,
        TableKind::Dev,
        TableKind::Build,
        TableKind::Workspace,
    ] {
        assert!(tables.contains(&format!("{k:?}")), "no {k:?} table");
    }
    let all: String = ws.files.iter().map(|(_, t)| t.as_str()).collect();
    for spelling in [
        ".workspace = true",
        "{ workspace = true",
        "\nworkspace = true",
        "[dependencies.",
        "[workspace.dependencies.",
        "package = \"",
        "[target.'cfg(unix)'.",
        "[dev-dependencies]",
        "[build-dependencies]",
        "branch = \"main\"",
    ] {
        assert!(all.contains(spelling), "no `{spelling}` anywhere");
    }
}

/// The crate a `[workspace.dependencies]` key stands for.
fn inherited_package<'a>(root: &'a Manifest, key: &str) -> &'a str {
    root.deps
        .iter()
        .find(|d| d.kind == TableKind::Workspace && d.name == key)
        .map(|d| d.package.as_str())
        .expect("inherited keys are declared at the root")
}

#[test]
fn the_lockfile_satisfies_every_requirement_and_lists_every_dependency() {
    let ws = generate(60, 11);
    let (manifests, lock) = parse(&ws);
    assert_eq!(lock.version, 4);
    let mut checked = 0;
    for m in &manifests {
        for d in &m.deps {
            if let DepSource::Registry { requirement, .. } = &d.source {
                let req = requirement::classify(requirement.as_deref().unwrap_or("*")).unwrap();
                let locked =
                    lock.resolve_registry(&d.package, &req.req, m.package.as_deref(), None);
                assert!(
                    locked.is_some(),
                    "{}: {} {:?} has no locked version",
                    m.rel,
                    d.name,
                    requirement
                );
                checked += 1;
            }
        }
        // A member's lock entry names every package it depends on, and
        // nothing else.
        let Some(name) = &m.package else { continue };
        let entry = lock
            .named(name)
            .find(|p| p.source == Source::Local)
            .expect("every member is locked");
        let listed: BTreeSet<&str> = entry
            .dependencies
            .iter()
            .map(|d| d.split(' ').next().unwrap())
            .collect();
        // An inherited entry names its crate in the root's table.
        let declared: BTreeSet<&str> = m
            .deps
            .iter()
            .map(|d| match d.source {
                DepSource::Inherited => inherited_package(&manifests[0], &d.name),
                _ => d.package.as_str(),
            })
            .collect();
        assert_eq!(listed, declared, "{}", m.rel);
    }
    assert_eq!(checked, ws.stats.registry_requirements);
    // Some crates are locked twice, as in real workspaces.
    let names: Vec<&str> = lock.packages.iter().map(|p| p.name.as_str()).collect();
    let distinct: BTreeSet<&str> = names.iter().copied().collect();
    assert!(distinct.len() < names.len(), "no crate is locked twice");
}

#[test]
fn cargo_reads_the_written_tree() {
    let ws = generate(8, 5);
    let dir = support::Copy::empty("");
    for (rel, text) in &ws.files {
        dir.write(rel, text);
    }
    let stdout = support::run_ok(
        support::cargo(None)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .arg("--manifest-path")
            .arg(dir.manifest()),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["packages"].as_array().unwrap().len(), 8);
}

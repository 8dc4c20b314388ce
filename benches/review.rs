//! Benchmark of `review`'s lockfile diff: two lockfiles of a generated
//! workspace (1,000 members: well over 1,000 packages, like nushell's), the
//! head with every tenth registry package moved up a patch version, every
//! fiftieth removed and a few added. The target is under 50 ms.

mod support;

use std::hint::black_box;

use cargo_pin::audit::review::diff::diff;
use cargo_pin::workspace::lockfile::{Lockfile, Source};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The head side: `base` with versions moved, packages removed and added.
fn head_of(base: &Lockfile) -> Lockfile {
    let mut head = base.clone();
    let mut registry = 0;
    let mut removed = Vec::new();
    for (i, p) in head.packages.iter_mut().enumerate() {
        if matches!(p.source, Source::Registry(_)) {
            registry += 1;
            if registry % 10 == 0 {
                p.version.patch += 1;
            }
            if registry % 50 == 0 {
                removed.push(i);
            }
        }
    }
    for i in removed.into_iter().rev() {
        head.packages.remove(i);
    }
    for k in 0..20 {
        let mut p = head.packages[k % head.packages.len()].clone();
        p.name = format!("new-crate-{k}");
        head.packages.push(p);
    }
    head
}

fn lockfile_diff(c: &mut Criterion) {
    let mut g = c.benchmark_group("review/diff");
    for n in [100, 1000] {
        let ws = support::generate(n);
        let base = Lockfile::parse(support::lock_text(&ws)).expect("parses");
        let head = head_of(&base);
        assert!(!diff(&base, &head).is_empty());
        g.throughput(Throughput::Elements(base.packages.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{n}-members-{}-packages", base.packages.len())),
            &(base, head),
            |b, (base, head)| b.iter(|| black_box(diff(black_box(base), black_box(head)))),
        );
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::config();
    targets = lockfile_diff
}
criterion_main!(benches);

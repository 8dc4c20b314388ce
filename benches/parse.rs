//! Benchmarks of the readers: requirement classification, manifest parsing
//! and lockfile parsing, on generated workspaces of 10 to 1,000 members.
//!
//! Throughput is per dependency entry (per byte for the lockfile, whose
//! member and registry packages differ too much in size to count), so
//! criterion's thrpt line shows directly whether the cost per unit stays
//! constant as the workspace grows.

mod support;

use std::hint::black_box;
use std::path::Path;

use cargo_pin::workspace::lockfile::Lockfile;
use cargo_pin::workspace::requirement;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn classify(c: &mut Criterion) {
    let mut g = c.benchmark_group("requirement/classify");
    for n in support::SIZES {
        let ws = support::generate(n);
        let manifests =
            support::parse_manifests(&support::manifest_texts(&ws, Path::new(support::ROOT)));
        let reqs = support::requirements(&manifests);
        g.throughput(Throughput::Elements(reqs.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &reqs, |b, reqs| {
            b.iter(|| {
                for r in reqs {
                    black_box(requirement::classify(black_box(r)).ok());
                }
            })
        });
    }
    g.finish();
}

fn manifests(c: &mut Criterion) {
    let mut g = c.benchmark_group("manifest/parse");
    for n in support::SIZES {
        let ws = support::generate(n);
        let texts = support::manifest_texts(&ws, Path::new(support::ROOT));
        g.throughput(Throughput::Elements(ws.stats.entries as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &texts, |b, texts| {
            b.iter(|| black_box(support::parse_manifests(black_box(texts))))
        });
    }
    g.finish();
}

fn lockfile(c: &mut Criterion) {
    let mut g = c.benchmark_group("lockfile/parse");
    for n in support::SIZES {
        let ws = support::generate(n);
        let text = support::lock_text(&ws).to_string();
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| black_box(Lockfile::parse(black_box(text)).expect("parses")))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::config();
    targets = classify, manifests, lockfile
}
criterion_main!(benches);

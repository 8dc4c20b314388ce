//! Benchmarks of what `check` and `fix` do once the workspace is read: the
//! rules over every requirement, `fix`'s plan (edits, the rewrite of every
//! manifest and its verification by re-parsing), and the rewrite alone.
//!
//! Throughput is per dependency entry, so the elements/s line shows
//! whether the cost per entry stays constant from 10 to 1,000 members.

mod support;

use std::hint::black_box;

use cargo_pin::audit::check::{self, Levels};
use cargo_pin::audit::policy::Policy;
use cargo_pin::change::edit::{self, TextEdit};
use cargo_pin::change::fix::{self, Options};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 24)
}

fn check(c: &mut Criterion) {
    let mut g = c.benchmark_group("check/rules");
    for n in support::SIZES {
        let generated = support::generate(n);
        let ws = support::workspace(&generated, std::path::Path::new(support::ROOT));
        let (policy, levels) = (Policy::default(), Levels::default());
        g.throughput(Throughput::Elements(generated.stats.entries as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &ws, |b, ws| {
            b.iter(|| black_box(check::check(black_box(ws), &policy, &levels, today())))
        });
    }
    g.finish();
}

fn plan(c: &mut Criterion) {
    let mut g = c.benchmark_group("fix/plan");
    for n in support::SIZES {
        let generated = support::generate(n);
        // `fix` reads Cargo.lock from disk when it relocks git pins.
        let dir = tempfile::tempdir().expect("tempdir");
        support::write(&generated, dir.path());
        let ws = support::workspace(&generated, dir.path());
        let (policy, levels) = (Policy::default(), Levels::default());
        let opts = Options::default();
        g.throughput(Throughput::Elements(generated.stats.entries as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &ws, |b, ws| {
            b.iter(|| {
                let plan = fix::plan(black_box(ws), &policy, &levels, today(), &opts);
                black_box(plan.expect("plans"))
            })
        });
    }
    g.finish();
}

/// The rewrite alone: applying every requirement edit `fix` plans to each
/// manifest's text (no planning, no verification).
fn rewrite(c: &mut Criterion) {
    let mut g = c.benchmark_group("fix/rewrite");
    for n in support::SIZES {
        let generated = support::generate(n);
        let ws = support::workspace(&generated, std::path::Path::new(support::ROOT));
        let mut summary = cargo_pin::audit::finding::Summary::default();
        let found = check::found(&ws, &mut summary);
        // Each manifest's text and the edits that pin its requirements.
        let mut edits: Vec<(&str, Vec<TextEdit>)> = ws
            .manifests
            .iter()
            .map(|m| (m.text.as_str(), Vec::new()))
            .collect();
        for r in &found {
            let (Some(at), Some(fix)) = (r.at, &r.finding.fix) else {
                continue;
            };
            let (m, dep) = ws.dep(at);
            if let Ok(e) = edit::set_requirement(m, dep, fix) {
                edits[at.manifest].1.extend(e);
            }
        }
        let count: usize = edits.iter().map(|(_, e)| e.len()).sum();
        assert!(
            count > generated.stats.registry_requirements / 2,
            "too few edits: {count}"
        );
        g.throughput(Throughput::Elements(generated.stats.entries as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &edits, |b, edits| {
            b.iter(|| {
                for (text, e) in edits {
                    black_box(edit::apply(black_box(text), e).expect("applies"));
                }
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::config();
    targets = check, plan, rewrite
}
criterion_main!(benches);

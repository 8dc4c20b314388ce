//! Benchmark of the CI surface: finding, reading and judging 50 workflow
//! files (shaped like `fixtures/ci/repo`'s: a matrix, actions, multi-line
//! `run: |` scripts) in a repository, as `check` does. The target: under
//! 5 ms added to `check`.

mod support;

use std::hint::black_box;

use cargo_pin::audit::check::{self, Levels};
use cargo_pin::audit::policy::Policy;
use criterion::{Criterion, criterion_group, criterion_main};

/// One workflow of about 60 lines; `i` makes each file differ.
fn workflow(i: usize) -> String {
    format!(
        r#"name: ci-{i}
on: [push, pull_request]
env:
  CARGO_TERM_COLOR: always
jobs:
  test:
    runs-on: ${{{{ matrix.os }}}}
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest, windows-latest]
        rust: [stable, "1.85.0"]
        include:
          - os: ubuntu-latest
            rust: beta
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@master
        with:
          toolchain: ${{{{ matrix.rust }}}}
          components: clippy, rustfmt
      - uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0
      - name: Install tools
        run: |
          cargo install cargo-nextest --locked
          cargo install \
            cargo-deny@0.16.{i} cargo-audit
          rustup component add clippy
      - run: cargo nextest run --workspace --locked
      - run: cargo clippy --all-targets -- -D warnings
  lint:
    runs-on: ubuntu-latest
    container: rust:1.85.0
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: dtolnay/rust-toolchain@stable
      - uses: taiki-e/install-action@v2
        with:
          tool: cargo-hack,just@1.36.0
      - run: |
          rustup default stable
          cargo hack check --each-feature
  docs:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo doc --no-deps
"#
    )
}

fn scan(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect(".git");
    let wf = root.join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("workflows");
    for i in 0..50 {
        std::fs::write(wf.join(format!("ci-{i}.yml")), workflow(i)).expect("write");
    }
    // A few source folders to walk past, as in a real repository.
    for d in ["src", "crates/a/src", "crates/b/src", "docs"] {
        std::fs::create_dir_all(root.join(d)).expect("dir");
        std::fs::write(root.join(d).join("lib.rs"), "").expect("file");
    }
    let synthetic = support::generate(10);
    let mut ws = support::workspace(&synthetic, root);
    let policy = Policy::default();
    let levels = Levels::default();
    let today = jiff::civil::date(2026, 11, 24);

    let mut g = c.benchmark_group("ci");
    g.bench_function("read 50 workflows", |b| {
        b.iter(|| black_box(cargo_pin::ci::read(black_box(root)).expect("read")))
    });
    ws.ci = Some(cargo_pin::ci::read(root).expect("read"));
    let report = check::check(&ws, &policy, &levels, today);
    let ci = report
        .findings
        .iter()
        .filter(|f| f.manifest.starts_with(".github/"))
        .count();
    assert_eq!(ci, 50 * 14, "{ci} CI findings");
    g.bench_function("judge 50 workflows (check with them)", |b| {
        b.iter(|| black_box(check::check(black_box(&ws), &policy, &levels, today)))
    });
    ws.ci = None;
    g.bench_function("check without them", |b| {
        b.iter(|| black_box(check::check(black_box(&ws), &policy, &levels, today)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::config();
    targets = scan
}
criterion_main!(benches);

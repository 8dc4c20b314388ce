//! The outdated Markdown report's pieces: headline, grouping, collapse and links.

use super::*;

fn root() -> SourceRoot {
    SourceRoot {
        dir: "/repo".into(),
        prefix: "rust/".into(),
        web: None,
    }
}

fn now() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn release(version: &str, published: Option<&str>, status: Status) -> ReleaseEntry {
    ReleaseEntry {
        version: version.into(),
        published: published.map(Into::into),
        yanked: status == Status::Yanked,
        status,
        vetted_by: None,
    }
}

fn entry(name: &str, locked: Option<&str>, releases: Vec<ReleaseEntry>) -> Entry {
    Entry {
        manifest: "Cargo.toml".into(),
        line: 7,
        table: "dependencies".into(),
        name: name.into(),
        package: name.into(),
        requirement: "1".into(),
        registry: "crates-io".into(),
        crates_io: true,
        locked: locked.map(Into::into),
        latest: releases.last().map(|r| r.version.clone()),
        releases,
    }
}

/// Every line of every table has as many cells as its header.
fn assert_tables_are_whole(md: &str) {
    let mut width = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(*width.get_or_insert(cells), cells, "{line}\n{md}");
    }
}

#[test]
fn nothing_newer_is_one_line() {
    let md = outdated(&[entry("a", Some("1.0.0"), vec![])], now(), &root());
    assert_eq!(
        md,
        "## ✅ cargo pin outdated: no newer release for 1 registry requirement\n\n"
    );
}

#[test]
fn ages_count_whole_days_from_the_clock() {
    let e = entry(
        "a",
        Some("1.0.0"),
        vec![
            release("1.1.0", Some("2026-05-31T00:00:01Z"), Status::TooNew),
            release("1.2.0", Some("2026-05-30T00:00:00Z"), Status::TooNew),
            release("1.3.0", None, Status::Unvetted),
            // A clock behind the registry's: not a negative age.
            release("1.4.0", Some("2026-06-02T00:00:00Z"), Status::TooNew),
        ],
    );
    let md = outdated(&[e], now(), &root());
    assert!(
        md.contains("| `1.1.0` | 2026-05-31 | 0 days | too-new |"),
        "{md}"
    );
    assert!(
        md.contains("| `1.2.0` | 2026-05-30 | 2 days | too-new |"),
        "{md}"
    );
    assert!(
        md.contains("| `1.3.0` | — | age unknown | unvetted |"),
        "{md}"
    );
    assert!(
        md.contains("| `1.4.0` | 2026-06-02 | 0 days | too-new |"),
        "{md}"
    );
    assert!(
        md.contains("`rust/Cargo.toml:7`"),
        "repository-relative: {md}"
    );
    assert_tables_are_whole(&md);
}

#[test]
fn links_only_for_crates_io_crates() {
    let mut corp = entry(
        "private",
        Some("1.0.0"),
        vec![release("1.1.0", None, Status::Vetted)],
    );
    corp.registry = "corp".into();
    corp.crates_io = false;
    let md = outdated(std::slice::from_ref(&corp), now(), &root());
    assert!(!md.contains("vet with") && !md.contains("https://"), "{md}");
    assert_tables_are_whole(&md);

    // Mixed: a links column, a dash for the private crate.
    let public = entry(
        "serde",
        Some("1.0.0"),
        vec![release("1.0.1", None, Status::Unvetted)],
    );
    let md = outdated(&[corp, public], now(), &root());
    assert!(
        md.contains("| `private` | `1.0.0` | `1.1.0` | — | age unknown | vetted | — |"),
        "{md}"
    );
    assert!(
        md.contains("[diff](https://diff.rs/serde/1.0.0/1.0.1)"),
        "{md}"
    );
    assert!(!md.contains("crates/private"), "{md}");
    assert_tables_are_whole(&md);
}

#[test]
fn hostile_text_cannot_break_a_table() {
    let mut e = entry(
        "x|y",
        Some("1.0.0"),
        vec![release("1.0.1|<b>", None, Status::Unvetted)],
    );
    e.requirement = "`>=1 |<script>".into();
    e.manifest = "a|b/Cargo.toml".into();
    let md = outdated(&[e], now(), &root());
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    assert_tables_are_whole(&md);
}

#[test]
fn long_sections_collapse_whole() {
    let releases = |n: usize| {
        (1..=n)
            .map(|i| release(&format!("1.{i}.0"), None, Status::Unvetted))
            .collect::<Vec<_>>()
    };
    let entries: Vec<Entry> = (0..30)
        .map(|i| entry(&format!("c{i}"), Some("1.0.0"), releases(2)))
        .collect();
    let md = outdated(&entries, now(), &root());
    // 30 requirements: one collapsed table; 60 releases: one too.
    assert!(
        md.contains("<details><summary>30 requirements</summary>"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary>60 pending releases of 30 crates (60 unvetted)</summary>"),
        "{md}"
    );
    assert_eq!(md.matches("<details>").count(), 2, "{md}");
    assert_tables_are_whole(&md);
    assert!(
        md.trim_end().ends_with("`cargo pin upgrade CRATE`."),
        "{md}"
    );

    // A short report is not collapsed.
    let md = outdated(&entries[..2], now(), &root());
    assert!(!md.contains("<details>"), "{md}");
}

#[test]
fn unlocked_requirements_are_listed_without_releases() {
    let md = outdated(
        &[entry(
            "a",
            None,
            vec![release("1.0.0", None, Status::Unvetted)],
        )],
        now(),
        &root(),
    );
    assert!(md.contains("| not in Cargo.lock |"), "{md}");
    assert!(
        md.contains("1 requirement is not in Cargo.lock: its newer releases are unknown."),
        "{md}"
    );
    assert!(!md.contains("### Pending releases"), "{md}");
}

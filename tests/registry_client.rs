//! The registry client against a real HTTP server on 127.0.0.1 serving
//! `fixtures/registry`: fetching, revalidation, offline answers, tokens and
//! every fault mode.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cargo_pin::registry::config::{HttpConfig, Registry, Secret};
use cargo_pin::registry::{self, Cache, Index, NoProgress, Options};
use support::server::{Fault, Server, refused_url};

const CRATES: &[&str] = &["alpha", "bravo", "cat", "xy", "q", "DeltaCase"];

fn server() -> Server {
    Server::start(support::fixture("registry"))
}

fn registry(url: &str, token: Option<&str>) -> Registry {
    Registry {
        name: "fixture".into(),
        replaced_by: None,
        index_url: url.to_string(),
        token: token.map(Secret::new),
        token_place: if token.is_some() {
            "the token in CARGO_REGISTRIES_FIXTURE_TOKEN".into()
        } else {
            "set CARGO_REGISTRIES_FIXTURE_TOKEN".into()
        },
        min_publish_age: None,
    }
}

fn options(cache: &std::path::Path, timeout: u64, retry: u32) -> Options {
    Options {
        offline: false,
        cache: Some(Cache::new(cache.to_path_buf())),
        http: HttpConfig {
            cainfo: None,
            proxy: None,
            no_proxy: None,
            timeout: Duration::from_secs(timeout),
            low_speed_limit: 10,
            retry,
            offline: false,
        },
    }
}

fn fetch(reg: &Registry, crates: &[&str], opts: &Options) -> anyhow::Result<Index> {
    let wanted: Vec<(Registry, String)> = crates
        .iter()
        .map(|c| (reg.clone(), c.to_string()))
        .collect();
    registry::fetch(&wanted, opts, Arc::new(NoProgress))
}

fn err(reg: &Registry, crates: &[&str], opts: &Options) -> String {
    format!("{:#}", fetch(reg, crates, opts).unwrap_err())
}

#[test]
fn fetches_every_release_in_semver_order() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let index = fetch(&reg, CRATES, &options(cache.path(), 5, 0)).unwrap();
    let alpha = index.releases(&reg, "alpha").unwrap();
    let versions: Vec<String> = alpha.iter().map(|r| r.version.to_string()).collect();
    assert_eq!(
        versions,
        [
            "1.0.0",
            "1.1.0",
            "1.2.0",
            "1.2.1",
            "1.3.0-beta.1",
            "1.3.0",
            "2.0.0",
            "2.1.0"
        ]
    );
    let yanked: Vec<String> = alpha
        .iter()
        .filter(|r| r.yanked)
        .map(|r| r.version.to_string())
        .collect();
    assert_eq!(yanked, ["2.1.0"]);
    assert_eq!(alpha[6].rust_version, Some(semver::Version::new(1, 90, 0)));
    assert_eq!(
        alpha[0].pubtime.unwrap().to_string(),
        "2025-01-10T09:00:00Z"
    );
    // Mixed-case names are asked for by their lowercased path.
    assert_eq!(index.releases(&reg, "DeltaCase").unwrap().len(), 1);
    assert!(s.hits().iter().any(|h| h.path == "/de/lt/deltacase"));
    assert_eq!(index.stats.fetched, CRATES.len());
    assert!(index.stats.bytes > 0);
}

#[test]
fn a_warm_run_revalidates_and_transfers_nothing() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let opts = options(cache.path(), 5, 0);
    let cold = fetch(&reg, CRATES, &opts).unwrap();
    s.clear_hits();
    let warm = fetch(&reg, CRATES, &opts).unwrap();
    assert_eq!(warm.stats.not_modified, CRATES.len());
    assert_eq!(warm.stats.fetched, 0);
    assert_eq!(warm.stats.bytes, 0);
    let hits = s.hits();
    assert_eq!(hits.len(), CRATES.len(), "{hits:?}");
    assert!(
        hits.iter()
            .all(|h| h.status == 304 && h.conditional && h.bytes == 0)
    );
    assert_eq!(
        cold.releases(&reg, "alpha").unwrap(),
        warm.releases(&reg, "alpha").unwrap()
    );
}

#[test]
fn a_changed_file_is_fetched_again() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    support::copy_dir(&support::fixture("registry"), &index);
    let s = Server::start(&index);
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let opts = options(cache.path(), 5, 0);
    let before = fetch(&reg, &["cat"], &opts).unwrap();
    assert!(!before.releases(&reg, "cat").unwrap()[1].yanked);
    // The registry yanks cat 0.1.1.
    let file = index.join("3/c/cat");
    let text = std::fs::read_to_string(&file).unwrap();
    let yanked = text.replace(
        "\"vers\":\"0.1.1\",\"deps\":[],\"cksum\":\"bd3f996e325bc63807bb6ad986a90c5ec567b4fd6f60ae0a09ae91821fc14a94\",\"features\":{},\"yanked\":false",
        "\"vers\":\"0.1.1\",\"deps\":[],\"cksum\":\"bd3f996e325bc63807bb6ad986a90c5ec567b4fd6f60ae0a09ae91821fc14a94\",\"features\":{},\"yanked\":true",
    );
    assert_ne!(text, yanked);
    std::fs::write(&file, yanked).unwrap();
    let after = fetch(&reg, &["cat"], &opts).unwrap();
    assert_eq!(after.stats.fetched, 1);
    assert!(after.releases(&reg, "cat").unwrap()[1].yanked);
}

#[test]
fn offline_answers_from_the_cache_or_fails_clearly() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let mut opts = options(cache.path(), 5, 0);
    opts.offline = true;
    let e = err(&reg, &["alpha"], &opts);
    assert!(e.contains("--offline") && e.contains("alpha"), "{e}");
    assert!(s.hits().is_empty());
    opts.offline = false;
    fetch(&reg, &["alpha"], &opts).unwrap();
    s.clear_hits();
    opts.offline = true;
    let index = fetch(&reg, &["alpha"], &opts).unwrap();
    assert_eq!(index.releases(&reg, "alpha").unwrap().len(), 8);
    assert_eq!(index.stats.cached, 1);
    assert!(s.hits().is_empty(), "offline must not touch the network");
}

#[test]
fn missing_crates_are_errors_naming_crate_and_registry() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let opts = options(cache.path(), 5, 3);
    let e = err(&reg, &["alpha", "ghost"], &opts);
    assert!(e.contains("`ghost` not found"), "{e}");
    assert!(e.contains(&s.url()), "{e}");
    assert!(e.contains("404"), "{e}");
    // Not found is an answer, not a fault: no retries.
    assert_eq!(
        s.hits().iter().filter(|h| h.path == "/gh/os/ghost").count(),
        1
    );
    for code in [410, 451] {
        s.fault("/al/", Fault::Status(code));
        let e = err(&reg, &["alpha"], &opts);
        assert!(
            e.contains("`alpha` not found") && e.contains(&code.to_string()),
            "{e}"
        );
        s.clear_faults();
    }
}

#[test]
fn server_errors_are_retried_then_reported() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    for code in [500, 503, 429] {
        s.clear_hits();
        s.fault("/al/", Fault::Status(code));
        let e = err(&reg, &["alpha"], &options(cache.path(), 5, 2));
        assert!(
            e.contains(&code.to_string()) && e.contains("after 3 attempts"),
            "{e}"
        );
        assert!(e.contains("alpha") && e.contains(&s.url()), "{e}");
        assert_eq!(s.hits().len(), 3);
        s.clear_faults();
    }
    // A passing fault is absorbed by a retry.
    s.fault_times("/al/", Fault::Status(503), 1);
    let index = fetch(&reg, &["alpha"], &options(cache.path(), 5, 2)).unwrap();
    assert_eq!(index.releases(&reg, "alpha").unwrap().len(), 8);
}

#[test]
fn a_refused_connection_is_an_error_naming_the_registry() {
    let url = refused_url();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&url, None);
    let e = err(&reg, &["alpha"], &options(cache.path(), 5, 1));
    assert!(e.contains("cannot connect") && e.contains(&url), "{e}");
    assert!(e.contains("after 2 attempts"), "{e}");
}

#[test]
fn a_refused_host_fails_forty_crates_with_one_error() {
    let url = refused_url();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&url, None);
    let names = many(40);
    let crates: Vec<&str> = names.iter().map(String::as_str).collect();
    let e = err(&reg, &crates, &options(cache.path(), 5, 1));
    assert!(
        e.contains(" cannot be reached: cannot connect: ") && e.contains("(after 2 attempts)"),
        "{e}"
    );
    assert!(e.contains("gave up on 40 crate(s): crate-0, "), "{e}");
    assert_eq!(e.matches(&url).count(), 1, "the registry once: {e}");
    assert_eq!(e.lines().count(), 1, "{e}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let s = server();
    s.fault("/al/", Fault::Hang);
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let start = Instant::now();
    let e = err(&reg, &["alpha"], &options(cache.path(), 1, 1));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(e.contains("no answer within 1s"), "{e}");
    assert!(e.contains("alpha") && e.contains(&s.url()), "{e}");
}

#[test]
fn cut_off_and_malformed_bodies_are_errors() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    s.fault("/al/", Fault::Truncated);
    let e = err(&reg, &["alpha"], &options(cache.path(), 5, 1));
    assert!(e.contains("cut off") && e.contains("alpha"), "{e}");
    s.clear_faults();
    s.fault("/al/", Fault::CutLine);
    let e = err(&reg, &["alpha"], &options(cache.path(), 5, 1));
    assert!(e.contains("malformed at line 5"), "{e}");
    assert!(e.contains("truncated") && e.contains(&s.url()), "{e}");
    // Nothing broken was cached.
    let mut off = options(cache.path(), 5, 0);
    off.offline = true;
    assert!(fetch(&reg, &["alpha"], &off).is_err());
}

#[test]
fn auth_required_registries_get_the_token_and_never_show_it() {
    let s = server();
    s.require_token("s3cret-token");
    let cache = tempfile::tempdir().unwrap();
    let opts = options(cache.path(), 5, 0);

    let reg = registry(&s.url(), Some("s3cret-token"));
    let index = fetch(&reg, &["alpha", "cat"], &opts).unwrap();
    assert_eq!(index.releases(&reg, "cat").unwrap().len(), 2);
    let hits = s.hits();
    let files: Vec<_> = hits.iter().filter(|h| h.path != "/config.json").collect();
    assert!(
        files
            .iter()
            .all(|h| h.authorization.as_deref() == Some("s3cret-token"))
    );

    let none = registry(&s.url(), None);
    let e = err(&none, &["alpha"], &options(cache.path(), 5, 0));
    assert!(e.contains("requires authentication"), "{e}");
    assert!(e.contains("CARGO_REGISTRIES_FIXTURE_TOKEN"), "{e}");

    let wrong = registry(&s.url(), Some("wrong-token-value"));
    let e = err(&wrong, &["alpha"], &options(cache.path(), 5, 0));
    assert!(
        e.contains("refused the token in CARGO_REGISTRIES_FIXTURE_TOKEN"),
        "{e}"
    );
    assert!(!e.contains("wrong-token-value"), "{e}");
}

#[test]
fn public_registries_never_see_the_token() {
    let s = server();
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), Some("publish-token"));
    fetch(&reg, &["alpha"], &options(cache.path(), 5, 0)).unwrap();
    let hits = s.hits();
    assert!(hits.iter().any(|h| h.path == "/config.json"));
    assert!(hits.iter().all(|h| h.authorization.is_none()), "{hits:?}");
}

/// `n` crate names the fixture does not have: a faulty server never gets
/// as far as looking.
fn many(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("crate-{i}")).collect()
}

#[test]
fn a_dead_host_fails_forty_crates_in_about_one_timeout() {
    for retry in [0, 2] {
        let s = server();
        s.fault("/", Fault::Hang);
        let cache = tempfile::tempdir().unwrap();
        let reg = registry(&s.url(), None);
        let names = many(40);
        let crates: Vec<&str> = names.iter().map(String::as_str).collect();
        let start = Instant::now();
        let e = err(&reg, &crates, &options(cache.path(), 1, retry));
        let took = start.elapsed();
        // (retry + 1) × 1 s plus backoff; 40 crates one after another would
        // take 40 s and more.
        assert!(took < Duration::from_secs(10), "retry {retry}: {took:?}");
        assert!(e.contains("no answer within 1s (http.timeout)"), "{e}");
        if retry > 0 {
            assert!(e.contains("3 times in a row"), "{e}");
        }
        assert!(e.contains("gave up on 40 crate(s)"), "{e}");
        assert_eq!(e.matches(&s.url()).count(), 1, "the registry once: {e}");
        // Once given up on, the host is not asked again.
        let asked = s.hits().len();
        assert!(
            asked <= 4 * (retry as usize + 1),
            "retry {retry}: {asked} requests"
        );
    }
}

#[test]
fn a_dripping_body_is_cut_by_the_low_speed_limit() {
    let s = server();
    s.fault("/", Fault::Drip);
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    let names = many(40);
    let crates: Vec<&str> = names.iter().map(String::as_str).collect();
    let start = Instant::now();
    let e = err(&reg, &crates, &options(cache.path(), 1, 1));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(
        e.contains("slower than 10 bytes/s for 1s (http.low-speed-limit"),
        "{e}"
    );
    assert!(e.contains("gave up on 40 crate(s)"), "{e}");
    assert_eq!(e.matches(&s.url()).count(), 1, "{e}");
    // With the limit off (0) the drip goes on past the timeout: a byte a
    // second resets the 3 s read timeout, and the body would take hours.
    let mut off = options(cache.path(), 3, 0);
    off.http.low_speed_limit = 0;
    let slow = std::thread::spawn(move || fetch(&reg, &["alpha"], &off).map(|_| ()));
    std::thread::sleep(Duration::from_secs(5));
    assert!(!slow.is_finished(), "the drip was cut without a limit");
}

#[test]
fn a_host_that_answers_others_is_not_given_up_on() {
    let s = server();
    // One crate hangs; the others answer.
    s.fault("/al/", Fault::Hang);
    let cache = tempfile::tempdir().unwrap();
    let reg = registry(&s.url(), None);
    // 3 s: time for the others to answer first on a loaded machine.
    let e = err(&reg, CRATES, &options(cache.path(), 3, 0));
    assert!(e.contains("alpha"), "{e}");
    for other in ["bravo", "cat", "xy"] {
        assert!(!e.contains(other), "{other} was read: {e}");
    }
}

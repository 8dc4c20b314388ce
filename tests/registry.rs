//! `outdated`, `check --registry` and `allow` through the real binary,
//! against the loopback registry serving `fixtures/registry`, reached by
//! source replacement in each fixture's `.cargo/config.toml`. The clock is
//! fixed at 2026-06-01 (`CARGO_PIN_NOW`); the fixture's cooldown is 7 days.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::registry::{Ws, locked};
use support::server::Fault;
use support::{Copy, assert_in, md_tables, schema, snapshot_tree};

fn entry<'a>(v: &'a Value, manifest: &str, name: &str) -> &'a Value {
    v["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manifest"] == manifest && e["name"] == name)
        .unwrap_or_else(|| panic!("no entry {manifest} {name}"))
}

fn statuses(e: &Value) -> Vec<(String, String)> {
    e["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["version"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn outdated_snapshots() {
    let ws = Ws::new("registry-basic");
    ws.cmd()
        .arg("outdated")
        .success()
        .stdout_eq(snapbox::file!["snapshots/outdated-basic.txt"]);
    assert_in(&ws.root).eq(
        ws.cmd().args(["outdated", "--format", "json"]).stdout(0),
        snapbox::file!["snapshots/outdated-basic.json"],
    );
    // Not `stdout_eq`: it would read the Markdown's backslash escapes as
    // Windows path separators.
    assert_in(&ws.root).eq(
        ws.cmd()
            .args(["outdated", "--format", "markdown"])
            .stdout(0),
        snapbox::file!["snapshots/outdated-basic.md"],
    );
}

#[test]
fn outdated_markdown_has_whole_tables_and_links_to_vet_each_release() {
    let ws = Ws::new("registry-basic");
    let md = ws
        .cmd()
        .args(["outdated", "--format", "markdown"])
        .stdout(0);
    let v = ws.json(&["outdated", "--format", "json"]);
    let tables = md_tables(&md);
    assert_eq!(tables.len(), 2, "{md}");
    let (requirements, pending) = (&tables[0], &tables[1]);
    assert_eq!(
        requirements[0],
        [
            "location",
            "dependency",
            "requirement",
            "locked",
            "latest",
            "newest vetted",
            "held back"
        ]
    );
    assert_eq!(
        pending[0],
        [
            "crate",
            "locked",
            "release",
            "published",
            "age",
            "status",
            "vet with"
        ]
    );
    // One requirement row per entry with something newer.
    let deps = v["dependencies"].as_array().unwrap();
    let newer = deps
        .iter()
        .filter(|e| !e["releases"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(requirements.len() - 1, newer);
    assert!(md.starts_with(&format!(
        "## cargo pin outdated: {newer} of {} registry requirements have newer releases, 2 can move to a vetted release\n"
        , deps.len()
    )), "{md}");

    // One pending row per release of each (crate, locked version), with its
    // status from the JSON, and links for a crates.io crate (the fixture's
    // index is a loopback mirror replacing crates-io; its crates are still
    // crates.io's, so the links go there and never to the mirror).
    let mut expected = Vec::new();
    for e in deps {
        let (package, locked) = (e["package"].as_str().unwrap(), &e["locked"]);
        assert_eq!(e["registry"], "crates-io");
        for r in e["releases"].as_array().unwrap() {
            let row = (
                package.to_string(),
                locked.as_str().unwrap().to_string(),
                r["version"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            );
            if !expected.contains(&row) {
                expected.push(row);
            }
        }
    }
    let shown: Vec<(String, String, String, String)> = pending[1..]
        .iter()
        .map(|r| {
            let code = |c: &str| c.trim_matches('`').to_string();
            (code(&r[0]), code(&r[1]), code(&r[2]), r[5].clone())
        })
        .collect();
    assert_eq!(shown, expected);
    for r in &pending[1..] {
        let (package, locked, version) = (
            r[0].trim_matches('`'),
            r[1].trim_matches('`'),
            r[2].trim_matches('`'),
        );
        assert_eq!(
            r[6],
            format!(
                "[crates.io](https://crates.io/crates/{package}/{version}) · \
                 [docs.rs](https://docs.rs/{package}/{version}) · \
                 [diff](https://diff.rs/{package}/{locked}/{version})"
            )
        );
    }
    assert!(!md.contains("127.0.0.1"), "{md}");
    // Ages count from the tool's clock (CARGO_PIN_NOW): q 0.6.0 was
    // published 2025-01-01, 516 whole days before 2026-06-01.
    let q = pending.iter().find(|r| r[0] == "`q`").unwrap();
    assert_eq!((q[3].as_str(), q[4].as_str()), ("2025-01-01", "516 days"));
    let later = ws
        .cmd()
        .now("2026-06-11T00:00:00Z")
        .args(["outdated", "--format", "markdown"])
        .stdout(0);
    assert!(
        later.contains("| 2025-01-01 | 526 days | unvetted |"),
        "{later}"
    );
    assert!(
        md.trim_end().ends_with(
            "with `cargo pin allow CRATE@VERSION --reason \"…\"`, then move the pins and Cargo.lock to the newest vetted release with `cargo pin upgrade CRATE`."
        ),
        "{md}"
    );
}

#[test]
fn outdated_markdown_links_nothing_for_another_registry() {
    let ws = Ws::new("registry-auth");
    ws.server.require_token("t0k3n-s3cret");
    let md = ws
        .cmd()
        .env("CARGO_REGISTRIES_CORP_TOKEN", "t0k3n-s3cret")
        .args(["outdated", "--format", "markdown"])
        .stdout(0);
    let tables = md_tables(&md);
    let pending = tables.last().unwrap();
    assert_eq!(
        pending[0],
        ["crate", "locked", "release", "published", "age", "status"]
    );
    assert!(pending.len() > 1, "{md}");
    for site in ["crates.io/", "docs.rs", "diff.rs", "http"] {
        assert!(!md.contains(site), "{site}: {md}");
    }
}

#[test]
fn output_writes_the_report_to_a_file_and_nothing_to_stdout() {
    let ws = Ws::new("registry-basic");
    for (args, file) in [
        (&["outdated", "--format", "markdown"][..], "out/outdated.md"),
        (&["outdated", "--format", "json"][..], "outdated.json"),
        (&["outdated"][..], "outdated.txt"),
        (&["upgrade", "--dry-run"][..], "upgrade.txt"),
        (
            &["upgrade", "--dry-run", "--format", "json"][..],
            "upgrade.json",
        ),
    ] {
        std::fs::create_dir_all(ws.root.join("out")).unwrap();
        let path = ws.root.join(file);
        let to_stdout = ws.cmd().args(args).stdout(0);
        let out = ws
            .cmd()
            // Colour is for terminals, never for a file.
            .env("CARGO_TERM_COLOR", "always")
            .env_remove("NO_COLOR")
            .args(args)
            .arg("--output")
            .arg(&path)
            .output(0);
        assert!(
            out.stdout.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written, to_stdout, "{args:?}");
        assert!(!written.is_empty() && !written.contains('\x1b'), "{args:?}");
    }
    // `-` is stdout.
    let dash = ws
        .cmd()
        .args(["outdated", "--format", "json", "--output", "-"])
        .stdout(0);
    assert_eq!(
        dash,
        std::fs::read_to_string(ws.root.join("outdated.json")).unwrap()
    );
    // An unwritable destination is an error naming it, with exit 2.
    let out = ws
        .cmd()
        .args(["outdated", "--output", "no/such/dir/x.md"])
        .output(2);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/dir/x.md"));
}

#[test]
fn outdated_json_matches_its_schema() {
    let v = schema::validator("outdated.schema.json");
    let basic = Ws::new("registry-basic");
    let out = basic.json(&["outdated", "--format", "json"]);
    let errs = schema::errors(&v, &out);
    assert!(errs.is_empty(), "{errs:#?}\n{out:#}");

    // A requirement nothing in Cargo.lock satisfies, one in a target
    // table, and a registry that gives no publish time.
    let index = Copy::of("registry");
    let q = index.path("1/q");
    let text = std::fs::read_to_string(&q).unwrap();
    std::fs::write(
        &q,
        text.replace(",\"pubtime\":\"2025-01-01T00:00:00Z\"", ""),
    )
    .unwrap();
    let ws = Ws::with_index("registry-basic", index.root());
    let mut app = ws.read("app/Cargo.toml");
    app.push_str("xy = \"2\"\n\n[target.'cfg(unix)'.build-dependencies]\nq = \"0.5\"\n");
    ws.write("app/Cargo.toml", &app);
    let out = ws.json(&["outdated", "--format", "json"]);
    let errs = schema::errors(&v, &out);
    assert!(errs.is_empty(), "{errs:#?}\n{out:#}");
    let xy = entry(&out, "app/Cargo.toml", "xy");
    assert_eq!(
        (&xy["locked"], &xy["releases"]),
        (&Value::Null, &serde_json::json!([]))
    );
    assert_eq!(
        entry(&out, "app/Cargo.toml", "q")["releases"][0]["published"],
        Value::Null
    );
    let target = out["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["table"].as_str().unwrap().starts_with("target."))
        .expect("the target table's entry");
    assert_eq!(target["name"], "q");

    // The corp registry: named as the workspace names it.
    let auth = Ws::new("registry-auth");
    let out = auth
        .cmd()
        .env("CARGO_REGISTRIES_CORP_TOKEN", "t")
        .args(["outdated", "--format", "json"])
        .json(0);
    assert!(schema::errors(&v, &out).is_empty(), "{out:#}");
    assert_eq!(out["dependencies"][0]["registry"], "corp");

    // The schema is strict enough to catch what the contract forbids.
    let good = basic.json(&["outdated", "--format", "json"]);
    type Mutation = fn(&mut Value);
    let alpha = 1; // app/Cargo.toml's alpha: releases of every status
    assert_eq!(good["dependencies"][alpha]["name"], "alpha");
    let mutations: Vec<(&str, Mutation)> = vec![
        ("schema version", |o| {
            o["schema_version"] = serde_json::json!(2)
        }),
        ("unknown status", |o| {
            o["dependencies"][1]["releases"][0]["status"] = serde_json::json!("ok")
        }),
        ("yanked but not so", |o| {
            o["dependencies"][1]["releases"][0]["yanked"] = serde_json::json!(true)
        }),
        ("a prerelease judged", |o| {
            o["dependencies"][1]["releases"][2]["status"] = serde_json::json!("unvetted")
        }),
        ("a release called prerelease", |o| {
            o["dependencies"][1]["releases"][0]["status"] = serde_json::json!("prerelease")
        }),
        ("bad version", |o| {
            o["dependencies"][1]["latest"] = serde_json::json!("2.0")
        }),
        ("releases without a lock", |o| {
            o["dependencies"][1]["locked"] = Value::Null
        }),
        ("a date without a time", |o| {
            o["dependencies"][1]["releases"][0]["published"] = serde_json::json!("2026-01-15")
        }),
        ("absolute manifest", |o| {
            o["dependencies"][1]["manifest"] = serde_json::json!("/x/Cargo.toml")
        }),
        ("patch table", |o| {
            o["dependencies"][1]["table"] = serde_json::json!("patch.crates-io")
        }),
        ("missing field", |o| {
            o["dependencies"][1]
                .as_object_mut()
                .unwrap()
                .remove("registry");
        }),
        ("extra field", |o| {
            o["dependencies"][1]["extra"] = serde_json::json!(1)
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !schema::errors(&v, &bad).is_empty(),
            "the schema accepts {what}"
        );
    }
}

#[test]
fn outdated_lists_requirements_as_written_with_statuses() {
    let ws = Ws::new("registry-basic");
    let v = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(v["schema_version"], 1);
    let names: Vec<(String, String)> = v["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["manifest"].as_str().unwrap().to_string(),
                e["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The workspace entry, not the inheriting member; no path dependency.
    assert_eq!(
        names,
        pairs(&[
            ("Cargo.toml", "cat"),
            ("app/Cargo.toml", "alpha"),
            ("app/Cargo.toml", "bravo"),
            ("app/Cargo.toml", "q"),
            ("app/Cargo.toml", "DeltaCase"),
            ("tool/Cargo.toml", "a2"),
            ("tool/Cargo.toml", "bravo"),
        ])
    );
    let alpha = entry(&v, "app/Cargo.toml", "alpha");
    assert_eq!(alpha["locked"], "1.1.0");
    // 1.3.0 was published last and 2.1.0 is higher, but yanked: latest
    // goes by semver order among releases neither yanked nor prereleases.
    assert_eq!(alpha["latest"], "2.0.0");
    assert_eq!(
        statuses(alpha),
        pairs(&[
            ("1.2.0", "vetted"),
            ("1.2.1", "vetted"),
            ("1.3.0-beta.1", "prerelease"),
            ("1.3.0", "too-new"),
            ("2.0.0", "incompatible-rust"),
            ("2.1.0", "yanked"),
        ])
    );
    let a2 = entry(&v, "tool/Cargo.toml", "a2");
    assert_eq!(a2["package"], "alpha");
    assert_eq!(a2["requirement"], "=1.1.0");
    let q = entry(&v, "app/Cargo.toml", "q");
    assert_eq!(statuses(q), pairs(&[("0.6.0", "unvetted")]));
    let delta = entry(&v, "app/Cargo.toml", "DeltaCase");
    assert_eq!(delta["latest"], "1.0.0");
    assert_eq!(delta["releases"].as_array().unwrap().len(), 0);
    assert!(
        ws.server
            .hits()
            .iter()
            .any(|h| h.path == "/de/lt/deltacase")
    );
}

#[test]
fn cargo_min_publish_age_applies_without_a_policy_cooldown() {
    let ws = Ws::new("registry-basic");
    ws.write(
        "pin.toml",
        "[[vetted]]\ncrate = \"alpha\"\nversions = [\"1.2.0\", \"1.2.1\"]\nreason = \"r\"\n",
    );
    let mut config = ws.read(".cargo/config.toml");
    config.push_str("\n[registry]\nglobal-min-publish-age = \"60 days\"\n");
    ws.write(".cargo/config.toml", &config);
    let v = ws.json(&["outdated", "--format", "json"]);
    // 1.2.1 is 42 days old: too new for 60 days.
    assert_eq!(
        statuses(entry(&v, "app/Cargo.toml", "alpha"))[..2],
        pairs(&[("1.2.0", "vetted"), ("1.2.1", "too-new")])[..]
    );
    // A policy cooldown wins over cargo's.
    ws.write(
        "pin.toml",
        "[registry]\nmin-release-age = \"1 day\"\n[[vetted]]\ncrate = \"alpha\"\nversions = [\"1.2.1\"]\nreason = \"r\"\n",
    );
    let v = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(
        statuses(entry(&v, "app/Cargo.toml", "alpha"))[1],
        ("1.2.1".to_string(), "vetted".to_string())
    );
}

#[test]
fn a_warm_run_revalidates_and_offline_uses_the_cache() {
    let ws = Ws::new("registry-basic");
    let cold = ws.json(&["outdated", "--format", "json"]);
    let fetched = ws.server.hits();
    assert_eq!(fetched.len(), 5, "{fetched:?}");
    assert!(fetched.iter().all(|h| h.status == 200));
    ws.server.clear_hits();
    let warm = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(cold, warm);
    let hits = ws.server.hits();
    assert_eq!(hits.len(), 5);
    assert!(
        hits.iter().all(|h| h.status == 304 && h.bytes == 0),
        "{hits:?}"
    );
    ws.server.clear_hits();
    let offline = ws.json(&["outdated", "--format", "json", "--offline"]);
    assert_eq!(cold, offline);
    assert!(ws.server.hits().is_empty());
}

#[test]
fn offline_without_a_cache_fails_clearly() {
    let ws = Ws::new("registry-basic");
    let out = ws.cmd().args(["outdated", "--offline"]).output(2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--offline") && stderr.contains("alpha"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(ws.server.hits().is_empty());
}

#[test]
fn a_crate_the_registry_lacks_is_an_error_not_up_to_date() {
    let ws = Ws::new("registry-missing");
    for args in [&["outdated"][..], &["check", "--registry"][..]] {
        let out = ws.cmd().args(args).output(2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("`ghost` not found"), "{stderr}");
        assert!(stderr.contains(&ws.server.url()), "{stderr}");
        assert!(stderr.contains("404"), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing is reported as up to date");
    }
}

#[test]
fn registry_faults_end_in_bounded_time_with_exit_2() {
    let ws = Ws::new("registry-basic");
    ws.server.fault("/al/", Fault::Status(500));
    let start = Instant::now();
    let out = ws
        .cmd()
        .env("CARGO_NET_RETRY", "1")
        .arg("outdated")
        .output(2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("500") && stderr.contains("alpha"),
        "{stderr}"
    );
    assert!(stderr.contains(&ws.server.url()), "{stderr}");
    ws.server.clear_faults();

    ws.server.fault("/br/", Fault::Hang);
    let out = ws
        .cmd()
        .env("CARGO_HTTP_TIMEOUT", "1")
        .env("CARGO_NET_RETRY", "0")
        .arg("outdated")
        .output(2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no answer within 1s") && stderr.contains("bravo"),
        "{stderr}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_dripping_registry_fails_on_cargos_low_speed_limit() {
    let ws = Ws::new("registry-basic");
    ws.server.fault("/", Fault::Drip);
    let start = Instant::now();
    let out = ws
        .cmd()
        .env("CARGO_HTTP_TIMEOUT", "1")
        .env("CARGO_NET_RETRY", "1")
        .env("CARGO_HTTP_LOW_SPEED_LIMIT", "500")
        .arg("outdated")
        .output(2);
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert!(
        stderr.contains("slower than 500 bytes/s for 1s (http.low-speed-limit"),
        "{stderr}"
    );
    assert_eq!(stderr.matches(&ws.server.url()).count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn cargo_config_without_extension_wins_over_config_toml_and_warns() {
    let ws = Ws::new("registry-basic");
    let good = ws.read(".cargo/config.toml");
    let dead = support::server::refused_url();
    ws.write(".cargo/config", &good);
    ws.write(".cargo/config.toml", &good.replace(&ws.server.url(), &dead));
    assert_ne!(good, ws.read(".cargo/config.toml"));
    let out = ws
        .cmd()
        .env("CARGO_NET_RETRY", "0")
        .args(["outdated", "--format", "json"])
        .output(0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: both `") && stderr.contains("config.toml` exist. Using `"),
        "{stderr}"
    );
    assert!(
        !ws.server.hits().is_empty(),
        "the registry of `config` was read"
    );
}

#[test]
fn check_without_registry_stays_offline() {
    let ws = Ws::new("registry-basic");
    ws.cmd().arg("check").code(1);
    assert!(ws.server.hits().is_empty());
}

fn findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["manifest"] == "Cargo.lock")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["package"].as_str().unwrap().to_string(),
                f["locked"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn check_registry_reports_yanked_and_too_new_locked_versions() {
    let ws = Ws::new("registry-basic");
    let out = ws
        .cmd()
        .args(["check", "--registry", "--format", "json"])
        .output(1);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&v),
        triples(&[("yanked", "bravo", "0.3.1"), ("too-new", "cat", "0.1.1")])
    );
    let yanked = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "yanked")
        .unwrap();
    assert_eq!(yanked["level"], "deny");
    assert_eq!(yanked["line"], 30);
    ws.cmd()
        .args(["check", "--registry"])
        .code(1)
        .stdout_eq(snapbox::file!["snapshots/check-registry.txt"]);

    // Levels and exemptions apply as to any rule.
    let v = ws
        .cmd()
        .args(["check", "--registry", "--format", "json", "-A", "too-new"])
        .json(1);
    assert_eq!(findings(&v), triples(&[("yanked", "bravo", "0.3.1")]));
}

#[test]
fn check_registry_requires_vetting_of_direct_dependencies_only() {
    let ws = Ws::new("registry-basic");
    let mut policy = ws.read("pin.toml");
    policy = policy.replace(
        "min-release-age = \"7 days\"",
        "min-release-age = \"7 days\"\nrequire-vetted = true",
    );
    policy
        .push_str("\n[[vetted]]\ncrate = \"q\"\nversions = [\"0.5.0\"]\nreason = \"old friend\"\n");
    ws.write("pin.toml", &policy);
    let v = ws
        .cmd()
        .args(["check", "--registry", "--format", "json"])
        .json(1);
    // xy is only a dependency of bravo: never asked to be vetted.
    assert_eq!(
        findings(&v),
        triples(&[
            ("unvetted", "DeltaCase", "1.0.0"),
            ("unvetted", "alpha", "1.1.0"),
            ("yanked", "bravo", "0.3.1"),
            ("unvetted", "bravo", "0.3.1"),
            ("too-new", "cat", "0.1.1"),
            ("unvetted", "cat", "0.1.1"),
        ])
    );
    // "all": transitive packages too.
    ws.write(
        "pin.toml",
        &policy.replace("require-vetted = true", "require-vetted = \"all\""),
    );
    let v = ws
        .cmd()
        .args([
            "check",
            "--registry",
            "--format",
            "json",
            "-A",
            "too-new",
            "-A",
            "yanked",
        ])
        .json(1);
    assert!(
        findings(&v).contains(&("unvetted".into(), "xy".into(), "1.0.0".into())),
        "{v:#}"
    );
}

#[test]
fn allow_records_releases_keeping_comments() {
    let ws = Ws::new("registry-basic");
    let before = ws.read("pin.toml");
    ws.cmd()
        .args(["allow", "q@0.6.0", "alpha@1.3.0", "bravo@0.4.0", "--reason", "read the diffs"])
                .success()
        .stdout_eq(
            "vetted q@0.6.0 in pin.toml\nalpha@1.3.0 was already vetted in pin.toml\nvetted bravo@0.4.0 in pin.toml\n",
        );
    let after = ws.read("pin.toml");
    assert!(after.starts_with(&before), "existing text kept:\n{after}");
    assert_eq!(
        &after[before.len()..],
        // Each new entry dated by the tool's clock (NOW).
        "\n[[vetted]]\ncrate = \"q\"\nversions = [\"0.6.0\"]\nreason = \"read the diffs\"\ndate = 2026-06-01\n\n[[vetted]]\ncrate = \"bravo\"\nversions = [\"0.4.0\"]\nreason = \"read the diffs\"\ndate = 2026-06-01\n"
    );
    let v = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(
        statuses(entry(&v, "app/Cargo.toml", "q")),
        pairs(&[("0.6.0", "vetted")])
    );
    // Again: nothing changes.
    ws.cmd()
        .args(["allow", "q@0.6.0", "--reason", "read the diffs"])
        .success();
    assert_eq!(ws.read("pin.toml"), after);
}

#[test]
fn allow_creates_pin_toml() {
    let ws = Ws::new("registry-basic");
    std::fs::remove_file(ws.root.join("pin.toml")).unwrap();
    ws.cmd()
        .args(["allow", "cat@0.1.1", "--reason", "ours", "--by", "Ana"])
        .success();
    assert_eq!(
        ws.read("pin.toml"),
        "[[vetted]]\ncrate = \"cat\"\nversions = [\"0.1.1\"]\nreason = \"ours\"\nby = \"Ana\"\ndate = 2026-06-01\n"
    );
}

#[test]
fn allow_refuses_releases_the_registry_does_not_have() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    for (arg, needle) in [
        (
            "alpha@9.9.9",
            "has no release 9.9.9 of `alpha` (its latest release is 2.0.0)",
        ),
        ("ghost@1.0.0", "`ghost` not found"),
        ("alpha@2.1.0", "yanked"),
        ("alpha@1.2", "not a full version"),
        ("alpha", "CRATE@VERSION"),
    ] {
        let out = ws.cmd().args(["allow", arg, "--reason", "typo"]).output(2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{arg}: {stderr}");
        assert!(stderr.contains(needle), "{arg}: {stderr}");
    }
    assert_eq!(before, snapshot_tree(&ws.root), "nothing written");
}

#[test]
fn auth_required_registry_gets_the_token_which_never_shows() {
    let ws = Ws::new("registry-auth");
    ws.server.require_token("t0k3n-s3cret");
    let v = ws
        .cmd()
        .env("CARGO_REGISTRIES_CORP_TOKEN", "t0k3n-s3cret")
        .args(["outdated", "--format", "json"])
        .json(0);
    assert_eq!(entry(&v, "Cargo.toml", "alpha")["latest"], "2.0.0");
    let hits = ws.server.hits();
    assert!(
        hits.iter()
            .filter(|h| h.path != "/config.json")
            .all(|h| h.authorization.as_deref() == Some("t0k3n-s3cret"))
    );

    for token in [None, Some("wr0ng-t0ken")] {
        let mut c = ws.cmd().args(["check", "--registry"]);
        if let Some(t) = token {
            c = c.env("CARGO_REGISTRIES_CORP_TOKEN", t);
        }
        let out = c.output(2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("CARGO_REGISTRIES_CORP_TOKEN"), "{stderr}");
        assert!(stderr.contains(&ws.server.url()), "{stderr}");
        if let Some(t) = token {
            assert!(
                !stderr.contains(t) && !stdout.contains(t),
                "token leaked: {stderr}"
            );
        }
    }

    // A token from credentials.toml that the registry refuses: the file and
    // key are named, so the user knows which one to replace.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("credentials.toml"),
        "[registries.corp]\ntoken = \"wr0ng-t0ken\"\n",
    )
    .unwrap();
    let stderr = ws
        .cmd()
        .cargo_home(home.path())
        .args(["check", "--registry"])
        .stderr(2);
    assert!(
        stderr.contains("refused the token at `registries.corp.token` in")
            && stderr.contains("credentials.toml"),
        "{stderr}"
    );
    assert!(!stderr.contains("wr0ng-t0ken"), "token leaked: {stderr}");
}

#[test]
fn allow_then_upgrade_moves_pin_and_lock_to_the_vetted_release_only() {
    let ws = Ws::new("registry-basic");
    // Only 1.2.0 is vetted: 1.2.1 (newer, unvetted) must not be taken.
    ws.write("pin.toml", "[registry]\nmin-release-age = \"7 days\"\n");
    ws.cmd()
        .args(["allow", "alpha@1.2.0", "--reason", "read the diff"])
        .success();
    let out = ws.cmd().args(["upgrade", "alpha"]).stdout(0);
    // The lockfile diff of what cargo moved, as `review` computes it.
    assert!(
        out.contains("Cargo.lock: 1 package moved\n  upgraded alpha 1.1.0 → 1.2.0 (direct)\n"),
        "{out}"
    );
    assert!(ws.read("app/Cargo.toml").contains("alpha = \"=1.2.0\"\n"));
    assert!(
        ws.read("tool/Cargo.toml")
            .contains("a2 = { package = \"alpha\", version = \"=1.2.0\" }\n")
    );
    assert_eq!(locked(&ws, "alpha"), ["1.2.0"]);
    // Nothing else moved.
    assert_eq!(locked(&ws, "q"), ["0.5.0"]);
    assert_eq!(locked(&ws, "bravo"), ["0.3.1"]);
    // cargo agrees the lockfile is complete.
    support::run_ok(support::cargo(Some(&ws.home)).current_dir(&ws.root).args([
        "update",
        "--workspace",
        "--locked",
    ]));

    // Vetting a newer release lets the next upgrade take it; a second run
    // then has nothing to do.
    ws.cmd()
        .args([
            "allow",
            "alpha@1.2.1",
            "q@0.6.0",
            "--reason",
            "read the diff",
        ])
        .success();
    let moves = |v: &Value| -> Vec<(String, String, String)> {
        v["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["package"].as_str().unwrap().to_string(),
                    m["from"].as_str().unwrap().to_string(),
                    m["to"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // q 0.5 -> 0.6 crosses the semver-compatibility boundary: held back,
    // marked breaking, until `--breaking`.
    let v = ws.json(&["upgrade", "--format", "json"]);
    assert_eq!(moves(&v), triples(&[("alpha", "1.2.0", "1.2.1")]));
    let q = v["held"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["package"] == "q")
        .unwrap();
    assert_eq!(
        q["held_back"],
        serde_json::json!([{"version": "0.6.0", "status": "vetted", "breaking": true}])
    );
    let human = ws.cmd().args(["upgrade", "--dry-run"]).stdout(0);
    assert!(
        human.contains("q stays at 0.5.0: 0.6.0 vetted but breaking (--breaking moves to it)"),
        "{human}"
    );
    assert_eq!(locked(&ws, "q"), ["0.5.0"]);
    let v = ws.json(&["upgrade", "--breaking", "--format", "json"]);
    assert_eq!(moves(&v), triples(&[("q", "0.5.0", "0.6.0")]));
    assert_eq!(v["moves"][0]["breaking"], true);
    assert_eq!(locked(&ws, "alpha"), ["1.2.1"]);
    assert_eq!(locked(&ws, "q"), ["0.6.0"]);
    let again = ws.json(&["upgrade", "--format", "json"]);
    assert_eq!(again["moves"].as_array().unwrap().len(), 0);
}

#[test]
fn upgrade_dry_run_writes_nothing() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    ws.cmd()
        .args(["upgrade", "--dry-run"])
        .success()
        .stdout_eq(snapbox::file!["snapshots/upgrade-dry-run.txt"]);
    assert_eq!(before, snapshot_tree(&ws.root));
}

#[test]
fn upgrade_errors_change_nothing() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    let out = ws.cmd().args(["upgrade", "nosuch"]).output(2);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nosuch`"));

    // Our cache is warm, cargo's own is empty: `--offline` lets the plan
    // succeed and `cargo update --offline` fail; every file is restored.
    ws.cmd().arg("outdated").success();
    let out = ws.cmd().args(["upgrade", "alpha", "--offline"]).output(2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cargo update -p alpha@1.1.0 --precise 1.2.1"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(before, snapshot_tree(&ws.root), "files restored");
}

#[test]
fn proxies_come_from_the_environment_and_no_proxy_bypasses_them() {
    let ws = Ws::new("registry-basic");
    // A proxy nothing listens on: every request through it fails.
    let dead = support::server::refused_url();
    let out = ws
        .cmd()
        .env("http_proxy", &dead)
        .env("CARGO_NET_RETRY", "0")
        .args(["outdated", "--format", "json"])
        .output(2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("alpha") || stderr.contains("bravo"),
        "{stderr}"
    );
    // A proxy failure names the proxy, without its credentials, and not
    // the registry it was asked to reach.
    let port = dead.trim_end_matches('/').rsplit(':').next().unwrap();
    for var in ["HTTPS_PROXY", "CARGO_HTTP_PROXY"] {
        let out = ws
            .cmd()
            .env(var, format!("http://user:pr0xy-pw@127.0.0.1:{port}/"))
            .env("CARGO_NET_RETRY", "1")
            .arg("outdated")
            .output(2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("cannot connect to the proxy {dead}")),
            "{var}: {stderr}"
        );
        assert!(!stderr.contains("pr0xy-pw"), "{stderr}");
        assert!(!stderr.contains(&ws.server.url()), "{stderr}");
        assert!(stderr.contains("gave up on 5 crate(s)"), "{stderr}");
    }
    // NO_PROXY=* bypasses every host, an IP address too, for the variables
    // and for http.proxy.
    for var in ["http_proxy", "CARGO_HTTP_PROXY"] {
        ws.cmd()
            .env(var, &dead)
            .env("NO_PROXY", "*")
            .args(["outdated", "--format", "json"])
            .json(0);
    }
    // NO_PROXY names the registry's host: the proxy is bypassed, for the
    // variable and for cargo's own http.proxy alike.
    for (var, value) in [
        ("http_proxy", dead.as_str()),
        ("CARGO_HTTP_PROXY", dead.as_str()),
    ] {
        let v = ws
            .cmd()
            .env(var, value)
            .env("NO_PROXY", "127.0.0.1")
            .args(["outdated", "--format", "json"])
            .json(0);
        assert!(
            !v["dependencies"].as_array().unwrap().is_empty(),
            "{var}: {v}"
        );
    }
}

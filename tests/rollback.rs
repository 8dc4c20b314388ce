//! `deny` and `rollback` through the real binary, against the loopback
//! registry serving `fixtures/registry` (`bravo 0.3.1` is yanked there), with
//! real cargo relocking: pins and Cargo.lock go back together, or nothing
//! changes.

mod support;

use support::registry::{Ws, locked};
use support::snapshot_tree;

#[test]
fn deny_records_the_release_and_check_finds_it_offline() {
    let ws = Ws::new("registry-basic");
    let out = ws
        .cmd()
        .args([
            "deny",
            "alpha@1.1.0",
            "alpha@1.2.0",
            "--reason",
            "panics on start",
        ])
        .args(["--advisory", "RUSTSEC-2099-0001"])
        .stdout(0);
    assert!(out.contains("denied alpha@1.1.0 in pin.toml"), "{out}");
    // 1.2.0 was vetted: it no longer is, and the output says so.
    assert!(out.contains("took alpha@1.2.0 out of [[vetted]]"), "{out}");
    assert!(out.contains("cargo pin rollback alpha"), "{out}");
    let policy = ws.read("pin.toml");
    assert!(policy.contains("# The fixture's policy"), "{policy}");
    assert!(
        policy.contains("[[denied]]\ncrate = \"alpha\"\nversions = [\"1.1.0\", \"1.2.0\"]\nreason = \"panics on start\"\nadvisory = \"RUSTSEC-2099-0001\"\n"),
        "{policy}"
    );
    assert!(
        policy.contains("versions = [\"1.2.1\", \"1.3.0\", \"2.0.0\"]"),
        "{policy}"
    );

    // A denied release cannot be vetted.
    let err = ws
        .cmd()
        .args(["allow", "alpha@1.1.0", "--reason", "x"])
        .stderr(2);
    assert!(err.contains("denied") && err.contains("pin.toml"), "{err}");

    // `check` is offline: the server is gone and it still finds it.
    drop(ws.server);
    let v = support::pin()
        .current_dir(&ws.root)
        .args(["check", "--format", "json"])
        .json(1);
    let denied: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "denied")
        .collect();
    assert_eq!(denied.len(), 1, "{v}");
    assert_eq!(denied[0]["manifest"], "Cargo.lock");
    assert_eq!(denied[0]["package"], "alpha");
    assert_eq!(denied[0]["locked"], "1.1.0");
    assert_eq!(denied[0]["level"], "deny");
    let lock = std::fs::read_to_string(ws.root.join("Cargo.lock")).unwrap();
    let line = lock.lines().position(|l| l == "name = \"alpha\"").unwrap();
    assert_eq!(
        denied[0]["line"],
        line + 1,
        "the 1-based line of its `name`"
    );
    let msg = denied[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("panics on start") && msg.contains("RUSTSEC-2099-0001"),
        "{msg}"
    );
}

#[test]
fn rollback_moves_pins_and_lock_back_to_the_last_good_release() {
    let ws = Ws::new("registry-basic");
    // bravo 0.3.1 is locked, pinned `=0.3.1`, and yanked: 0.3.0 is next.
    let out = ws.cmd().args(["rollback", "bravo", "--dry-run"]).stdout(0);
    assert!(
        out.contains("would run: cargo update -p bravo@0.3.1 --precise 0.3.0"),
        "{out}"
    );
    assert!(out.contains("-bravo = \"=0.3.1\""), "the diff: {out}");
    assert_eq!(locked(&ws, "bravo"), ["0.3.1"], "a dry run writes nothing");

    let v = ws
        .cmd()
        .args(["rollback", "bravo", "--format", "json"])
        .json(0);
    let m = &v["moves"][0];
    assert_eq!(
        (m["from"].as_str(), m["to"].as_str()),
        (Some("0.3.1"), Some("0.3.0"))
    );
    assert_eq!(m["reason"], "yanked");
    assert_eq!(locked(&ws, "bravo"), ["0.3.0"]);
    assert!(ws.read("app/Cargo.toml").contains("bravo = \"=0.3.0\"\n"));
    // tool's `bravo = "0.3"` accepts 0.3.0: left as written.
    assert!(ws.read("tool/Cargo.toml").contains("bravo = \"0.3\"\n"));
    let changes = v["lockfile"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["package"] == "bravo" && c["from"][0] == "0.3.1" && c["to"][0] == "0.3.0"),
        "{v}"
    );
    // cargo agrees the lockfile is complete.
    support::run_ok(support::cargo(Some(&ws.home)).current_dir(&ws.root).args([
        "update",
        "--workspace",
        "--locked",
    ]));

    // A caret requirement the target does not satisfy is pinned to it.
    ws.cmd()
        .args(["deny", "alpha@1.1.0", "--reason", "bad"])
        .success();
    let out = ws.cmd().args(["rollback", "alpha"]).stdout(0);
    assert!(
        out.contains("alpha went back 1.1.0 -> 1.0.0 (denied in pin.toml:"),
        "{out}"
    );
    assert!(ws.read("app/Cargo.toml").contains("alpha = \"=1.0.0\"\n"));
    assert!(
        ws.read("tool/Cargo.toml")
            .contains("version = \"=1.0.0\" }")
    );
    assert_eq!(locked(&ws, "alpha"), ["1.0.0"]);
}

#[test]
fn nothing_acceptable_below_is_exit_2_naming_each_candidate() {
    let ws = Ws::new("registry-basic");
    ws.cmd()
        .args(["deny", "q@0.5.0", "--reason", "bad"])
        .success();
    let before = snapshot_tree(&ws.root);
    let err = ws.cmd().args(["rollback", "q"]).stderr(2);
    assert!(
        err.contains("no release of `q` is lower than 0.5.0"),
        "{err}"
    );
    // Every lower release refused, each with its reason.
    ws.cmd()
        .args(["deny", "bravo@0.3.0", "--reason", "also bad"])
        .success();
    let err = ws.cmd().args(["rollback", "bravo"]).stderr(2);
    assert!(err.contains("0.3.0 denied"), "{err}");
    // Not denied, not yanked: nothing to do, and it says how to name one.
    let err = ws.cmd().args(["rollback", "cat"]).stderr(2);
    assert!(err.contains("--to"), "{err}");
    // --to must not name a yanked release.
    let err = ws
        .cmd()
        .args(["rollback", "bravo", "--to", "0.3.1"])
        .stderr(2);
    assert!(
        err.contains("locked already") || err.contains("yanked"),
        "{err}"
    );
    let after: Vec<_> = snapshot_tree(&ws.root)
        .into_iter()
        .filter(|(p, _)| !p.ends_with("pin.toml"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.ends_with("pin.toml"))
        .collect();
    assert_eq!(before, after, "failed rollbacks write nothing");
}

#[test]
fn a_failing_relock_restores_every_file() {
    let ws = Ws::new("registry-basic");
    // A cargo that answers `metadata` and fails `update`.
    let real = std::path::Path::new(support::CARGO);
    let fake = ws.copy.dir.path().join("fake-cargo");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nif [ \"$1\" = update ]; then echo 'error: the registry melted' >&2; exit 101; fi\nexec '{}' \"$@\"\n",
            real.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let before = snapshot_tree(&ws.root);
    let err = ws
        .cmd()
        .env("CARGO", &fake)
        .args(["rollback", "bravo"])
        .stderr(2);
    assert!(
        err.contains("the registry melted") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(before, snapshot_tree(&ws.root));
}

#[test]
fn a_denied_release_is_shown_as_such_and_never_upgraded_to() {
    let ws = Ws::new("registry-basic");
    ws.cmd()
        .args(["deny", "alpha@1.2.1", "--reason", "regression"])
        .success();
    let v = ws.json(&["outdated", "--format", "json"]);
    let alpha = v["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["manifest"] == "app/Cargo.toml" && d["name"] == "alpha")
        .unwrap();
    let status = |ver: &str| {
        alpha["releases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["version"] == ver)
            .map(|r| r["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("1.2.1").as_deref(), Some("denied"));
    assert_eq!(status("1.2.0").as_deref(), Some("vetted"));
    // The newest vetted release was 1.2.1; denied, it is passed over.
    let v = ws.json(&["upgrade", "alpha", "--dry-run", "--format", "json"]);
    let to: Vec<&str> = v["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert_eq!(to, ["1.2.0"], "{v}");
}

/// The SHA-256 of the file at `path`, by the system's `sha256sum`, as a team
/// would compute it.
fn sha256sum(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn a_shared_policy_by_url_is_verified_cached_and_its_denials_apply() {
    let ws = Ws::new("registry-basic");
    let shared = ws.copy.dir.path().join("policies");
    std::fs::create_dir_all(&shared).unwrap();
    let org = shared.join("org.toml");
    std::fs::write(
        &org,
        "[[denied]]\ncrate = \"cat\"\nversions = [\"0.1.1\"]\nreason = \"org: leaks memory\"\n",
    )
    .unwrap();
    let server = support::server::Server::start(&shared);
    let url = format!("{}org.toml", server.url());
    let local = std::fs::read_to_string(ws.root.join("pin.toml")).unwrap();
    ws.write(
        "pin.toml",
        &format!(
            "extends = [{{ url = \"{url}\", sha256 = \"{}\" }}]\n{local}",
            sha256sum(&org)
        ),
    );
    let check = || {
        support::pin()
            .current_dir(&ws.root)
            .cache_dir(&ws.cache)
            .args(["check", "--format", "json"])
    };
    let v = check().json(1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "denied")
        .expect("the org's denial applies");
    assert_eq!(f["package"], "cat");
    assert!(
        f["message"].as_str().unwrap().contains("org: leaks memory"),
        "{f}"
    );
    // The server gone, the cached copy answers.
    drop(server);
    check().json(1);
    // A digest that does not match is exit 2 naming the URL.
    ws.write(
        "pin.toml",
        &format!(
            "extends = [{{ url = \"{url}\", sha256 = \"{}\" }}]\n",
            "0".repeat(64)
        ),
    );
    let err = check().stderr(2);
    assert!(
        err.contains("pin.toml:1: extends:") && err.contains("org.toml"),
        "{err}"
    );
}

#[test]
fn cargo_vet_stores_count_as_vetting_and_say_so() {
    let ws = Ws::new("registry-basic");
    ws.write(
        "supply-chain/audits.toml",
        "[[audits.q]]\nwho = \"us\"\ncriteria = \"safe-to-deploy\"\ndelta = \"0.5.0 -> 0.6.0\"\n",
    );
    ws.write(
        "supply-chain/imports.lock",
        "[[audits.mozilla.audits.bravo]]\nwho = \"them\"\ncriteria = \"safe-to-deploy\"\nversion = \"0.4.0\"\n\n[[audits.mozilla.audits.cat]]\nwho = \"them\"\ncriteria = \"safe-to-run\"\nversion = \"0.1.1\"\n",
    );
    let policy = ws.read("pin.toml");
    ws.write(
        "pin.toml",
        &format!("{policy}\n[[vetted]]\ncrate = \"q\"\nversions = [\"0.5.0\"]\nreason = \"ours\"\n\n[[import]]\ncargo-vet = \"supply-chain\"\n"),
    );
    let v = ws.json(&["outdated", "--format", "json"]);
    let release = |name: &str, version: &str| -> serde_json::Value {
        v["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["package"] == name)
            .flat_map(|d| d["releases"].as_array().unwrap().clone())
            .find(|r| r["version"] == version)
            .unwrap_or_else(|| panic!("{name} {version} in {v}"))
    };
    // A delta audit from a version pin.toml vetted.
    assert_eq!(release("q", "0.6.0")["vetted_by"], "cargo-vet: own audits");
    assert_eq!(release("bravo", "0.4.0")["vetted_by"], "cargo-vet: mozilla");
    // safe-to-run is not the default criteria (safe-to-deploy).
    assert_eq!(release("alpha", "1.2.0")["vetted_by"], "pin.toml");
    // 0.5 -> 0.6 crosses the semver boundary: --breaking.
    let v = ws.json(&[
        "upgrade",
        "q",
        "--breaking",
        "--dry-run",
        "--format",
        "json",
    ]);
    assert_eq!(v["moves"][0]["to"], "0.6.0", "{v}");

    ws.write(
        "supply-chain/audits.toml",
        "[[audits.q]]\nwho = \"us\"\ncriteria = 1\nversion = \"0.6.0\"\n",
    );
    let err = ws.cmd().args(["outdated"]).stderr(2);
    assert!(err.contains("supply-chain/audits.toml:3"), "{err}");
}

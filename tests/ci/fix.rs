//! `fix` and `fix --ci` on the CI files: only the pinned spans change, all
//! or none with the manifests; action refs through local git remotes
//! (`url.<base>.insteadOf`), versions from the loopback registry.

use std::path::Path;

use crate::support::{self, Copy, copy_dir, fixture, pin, schema};
use crate::{check, found, repo};

/// The lines of `before` and `after` that differ, as (line, before, after).
fn changed_lines(before: &str, after: &str) -> Vec<(usize, String, String)> {
    let (b, a): (Vec<&str>, Vec<&str>) =
        (before.split('\n').collect(), after.split('\n').collect());
    assert_eq!(b.len(), a.len(), "fix added or removed lines");
    b.iter()
        .zip(&a)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i + 1, x.to_string(), y.to_string()))
        .collect()
}

#[test]
fn fix_adds_locked_and_the_toolchain_files_release_only_in_their_spans() {
    let (copy, ws) = repo("");
    let before = support::snapshot_tree(copy.root());
    let report = pin()
        .current_dir(&ws)
        .args(["fix", "--format", "json"])
        .json(0);
    schema::assert_valid(&schema::validator("fix.schema.json"), &report, "fix report");
    let mut edits: Vec<(String, u64, String)> = report["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["table"], "ci");
            (
                e["manifest"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort();
    // `stable` gets the toolchain file's release; `nightly` and `beta`
    // are left (a nightly job needs a dated nightly, not 1.85.0).
    let want: Vec<(String, u64, String)> = [
        (".github/workflows/ci.yml", 60, "ci-toolchain"),
        (".github/workflows/ci.yml", 68, "ci-toolchain"),
        (".gitlab-ci.yml", 11, "ci-cargo-install"),
        ("docker/app.Dockerfile", 7, "ci-cargo-install"),
    ]
    .into_iter()
    .map(|(f, l, r)| (f.to_string(), l, r.to_string()))
    .collect();
    assert_eq!(edits, want);
    // Every file differs only on those lines, and there only by the pin:
    // the floating name replaced by 1.85.0, or ` --locked` after `install`.
    for (path, old) in before {
        let rel = path
            .strip_prefix(copy.root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let old = String::from_utf8(old).unwrap();
        let new = std::fs::read_to_string(&path).unwrap();
        for (line, b, a) in changed_lines(&old, &new) {
            assert!(
                want.iter().any(|(f, l, _)| *f == rel && *l == line as u64),
                "{rel}:{line} changed: {b:?} -> {a:?}"
            );
            let pinned = b.replacen("stable", "1.85.0", 1) == a
                || b.replacen("cargo install", "cargo install --locked", 1) == a;
            assert!(pinned, "{rel}:{line}: {b:?} -> {a:?}");
        }
    }
    // Checked again, what was fixed is gone; what needs the network stays.
    let after = found(&check(&ws, &[]));
    for (f, l, r) in &want {
        let still = after.get(&(r.clone(), f.clone(), *l)).copied().unwrap_or(0);
        let expect = usize::from(f == "docker/app.Dockerfile"); // no version yet
        assert_eq!(still, expect, "{r} {f}:{l}");
    }
    assert!(after.contains_key(&(
        "ci-cargo-install".into(),
        ".github/workflows/ci.yml".into(),
        30
    )));
    let left = report["left"].as_array().unwrap();
    let nightly = left
        .iter()
        .find(|l| l["manifest"] == ".github/workflows/release.yml" && l["line"] == 12)
        .unwrap();
    let reason = nightly["reason"].as_str().unwrap();
    assert!(reason.contains("dated nightly"), "{reason}");
}

#[test]
fn fix_without_a_pinned_toolchain_file_only_adds_locked() {
    let (copy, ws) = repo("");
    std::fs::remove_file(ws.join("rust-toolchain.toml")).unwrap();
    let report = pin()
        .current_dir(&ws)
        .args(["fix", "--format", "json", "--dry-run"])
        .json(0);
    let rules: Vec<&str> = report["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["ci-cargo-install", "ci-cargo-install"]);
    let left = report["left"].as_array().unwrap();
    assert!(left.iter().any(|l| {
        l["rule"] == "ci-toolchain"
            && l["reason"]
                .as_str()
                .unwrap()
                .contains("names no exact release")
    }));
    // A dry run writes nothing.
    let tree = support::snapshot_tree(copy.root());
    pin().current_dir(&ws).args(["fix", "--dry-run"]).code(0);
    assert_eq!(tree, support::snapshot_tree(copy.root()));
}

#[test]
fn fix_keeps_crlf_comments_and_quotes_and_honours_levels() {
    let (_copy, ws) = repo("");
    let wf = ws.join(".github/workflows/win.yml");
    let text = "jobs:\r\n  w:\r\n    steps:\r\n      - uses: actions-rs/toolchain@16499b5e05bf2e26879000db0c1d13f7e13fa3af # v1\r\n        with:\r\n          toolchain: 'stable'  # keep me\r\n      - run: cargo install  just # two spaces\r\n";
    std::fs::write(&wf, text).unwrap();
    pin()
        .current_dir(&ws)
        .args(["fix", "-A", "ci-cargo-install"])
        .code(0);
    let after = std::fs::read_to_string(&wf).unwrap();
    assert_eq!(after, text.replace("'stable'", "'1.85.0'"));
    pin().current_dir(&ws).arg("fix").code(0);
    let after = std::fs::read_to_string(&wf).unwrap();
    assert_eq!(
        after,
        text.replace("'stable'", "'1.85.0'")
            .replace("cargo install  just", "cargo install --locked  just")
    );
}

#[test]
fn fix_writes_ci_files_and_manifests_all_or_none() {
    let (copy, ws) = repo("");
    // A floating dependency for the manifest side of the same plan.
    let manifest = ws.join("Cargo.toml");
    let mut m = std::fs::read_to_string(&manifest).unwrap();
    m.push_str("itoa = \"1\"\n");
    std::fs::write(&manifest, m).unwrap();
    let lock = "version = 4\n\n[[package]]\nname = \"ci-fixture\"\nversion = \"0.1.0\"\ndependencies = [\"itoa\"]\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.15\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    std::fs::write(ws.join("Cargo.lock"), lock).unwrap();
    let before = support::snapshot_tree(copy.root());
    let bad = ws.join("no/such/dir/report.json");
    let err = pin()
        .current_dir(&ws)
        .args(["fix", "--format", "json", "--output"])
        .arg(&bad)
        .stderr(2);
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(before, support::snapshot_tree(copy.root()));
    // Without the bad report, both sides are written.
    pin().current_dir(&ws).arg("fix").code(0);
    let m = std::fs::read_to_string(&manifest).unwrap();
    assert!(m.contains("itoa = \"=1.0.15\""), "{m}");
    let gl = std::fs::read_to_string(ws.join(".gitlab-ci.yml")).unwrap();
    assert!(
        gl.contains("cargo install --locked sqlx-cli --version 0.8.2"),
        "{gl}"
    );
}

/// A local git repository at `remotes/OWNER/REPO` with one commit, its
/// `refs` as tags (`v…`, annotated) or branches (others); the commit.
fn remote(remotes: &Path, repo: &str, refs: &[&str]) -> String {
    let dir = remotes.join(repo);
    std::fs::create_dir_all(&dir).unwrap();
    let git = |args: &[&str]| {
        let mut cmd = std::process::Command::new("git");
        support::fixed_env_std(&mut cmd, Path::new("/nonexistent"));
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "init.defaultBranch=trunk",
            ])
            .current_dir(&dir)
            .args(args);
        support::run_ok(&mut cmd)
    };
    git(&["init", "-q"]);
    git(&["commit", "-q", "--allow-empty", "-m", repo]);
    for r in refs {
        if r.starts_with('v') {
            git(&["tag", "-a", "-m", r, r]);
        } else {
            git(&["branch", r]);
        }
    }
    git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// cargo-pin in `ws` with git reading only `config`.
fn run_in(ws: &Path, config: &Path) -> support::Pin {
    pin()
        .current_dir(ws)
        .env("GIT_CONFIG_GLOBAL", config)
        .env("GIT_CONFIG_NOSYSTEM", "1")
}

/// A git configuration sending `https://github.com/` to `remotes/`.
fn insteadof(remotes: &Path) -> std::path::PathBuf {
    let config = remotes.join("gitconfig");
    let base = format!("file://{}/", remotes.display());
    std::fs::write(
        &config,
        format!("[url \"{base}\"]\n\tinsteadOf = https://github.com/\n"),
    )
    .unwrap();
    config
}

#[test]
fn fix_ci_pins_action_refs_to_their_commits_keeping_the_ref_as_a_comment() {
    let (copy, ws) = repo("");
    let remotes = copy.dir.path().join("remotes");
    let checkout = remote(&remotes, "actions/checkout", &["v4"]);
    let toolchain = remote(
        &remotes,
        "dtolnay/rust-toolchain",
        &["master", "stable", "1.85.0"],
    );
    remote(&remotes, "taiki-e/install-action", &["v2"]);
    remote(&remotes, "actions-rust-lang/setup-rust-toolchain", &["v1"]);
    remote(&remotes, "org/shared-workflows", &["main"]);
    let config = insteadof(&remotes);
    let report = run_in(&ws, &config)
        .args(["fix", "--ci", "--format", "json"])
        .json(0);
    schema::assert_valid(&schema::validator("fix.schema.json"), &report, "fix report");
    let ci = std::fs::read_to_string(ws.join(".github/workflows/ci.yml")).unwrap();
    // The annotated tag's commit, not the tag object; the ref as a comment
    // before the line's own.
    assert!(
        ci.contains(&format!(
            "      - uses: actions/checkout@{checkout} # v4 # expect: ci-action-ref\n"
        )),
        "{ci}"
    );
    assert!(
        ci.contains(&format!(
            "      - uses: dtolnay/rust-toolchain@{toolchain} # master # expect"
        )),
        "{ci}"
    );
    // `@stable` got the toolchain file's release first, and that is the
    // ref resolved.
    assert!(
        ci.contains(&format!(
            "dtolnay/rust-toolchain@{toolchain} # 1.85.0 # expect: ci-action-ref ci-toolchain"
        )),
        "{ci}"
    );
    let after = found(&check(&ws, &[]));
    let refs: Vec<_> = after.keys().filter(|k| k.0 == "ci-action-ref").collect();
    assert_eq!(
        refs,
        [&(
            "ci-action-ref".into(),
            ".github/workflows/ci.yml".into(),
            69
        )]
    );
    // A ref no remote has is an error naming it, and nothing is written.
    std::fs::remove_dir_all(remotes.join("org")).unwrap();
    let (copy2, ws2) = repo("");
    let before = support::snapshot_tree(copy2.root());
    let err = run_in(&ws2, &config).args(["fix", "--ci"]).stderr(2);
    assert!(err.contains(".github/workflows/release.yml:8"), "{err}");
    assert!(err.contains("org/shared-workflows"), "{err}");
    assert_eq!(before, support::snapshot_tree(copy2.root()));
}

#[test]
fn fix_ci_writes_the_newest_release_that_passes_the_cooldown() {
    let copy = Copy::empty("repo");
    let root = copy.root();
    std::fs::create_dir(root.join(".git")).unwrap();
    copy_dir(&fixture("ci/repo/src"), &root.join("src"));
    for f in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(fixture("ci/repo").join(f), root.join(f)).unwrap();
    }
    let server = support::server::Server::start(fixture("registry"));
    let config = std::fs::read_to_string(fixture("registry-basic/.cargo/config.toml")).unwrap();
    copy.write(
        ".cargo/config.toml",
        &config.replace("PORT", &server.port().to_string()),
    );
    copy.write("pin.toml", "[registry]\nmin-release-age = \"7 days\"\n");
    let workflow = "jobs:\n  t:\n    steps:\n      - run: |\n          cargo install alpha bravo@0.3.0\n          cargo install --locked bravo\n          cargo binstall -y bravo\n";
    copy.write(".github/workflows/ci.yml", workflow);
    let home = copy.dir.path().join("cargo-home");
    std::fs::create_dir_all(&home).unwrap();
    let report = pin()
        .current_dir(root)
        .now("2026-06-01T00:00:00Z")
        .cargo_home(&home)
        .args(["fix", "--ci", "--format", "json"])
        .json(0);
    // alpha: 2.1.0 is yanked, 1.3.0 is four days old; bravo: 0.4.0.
    assert_eq!(
        copy.read(".github/workflows/ci.yml"),
        workflow
            .replace(
                "install alpha bravo@0.3.0",
                "install --locked alpha@2.0.0 bravo@0.3.0"
            )
            .replace("--locked bravo\n", "--locked bravo@0.4.0\n")
            .replace("-y bravo\n", "-y bravo@0.4.0\n")
    );
    let tos: Vec<&str> = report["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        tos,
        [
            "cargo install --locked alpha@2.0.0",
            "cargo install --locked bravo",
            "cargo install bravo@0.4.0",
            "cargo binstall bravo@0.4.0"
        ]
    );
    assert!(found(&check(root, &[])).is_empty());
}

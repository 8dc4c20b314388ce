//! `cargo pin review` through the real binary, on real git repositories
//! built in temporary folders (commits, branches, a clone, a shallow
//! clone), against the loopback registry serving `fixtures/registry`. The
//! clock is 2026-06-01; the fixture's cooldown is 7 days.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::server::Server;
use support::{Copy, Pin, fixture, md_tables, pin, run_ok, schema};

const NOW: &str = "2026-06-01T00:00:00Z";
const IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const COMMIT_A: &str = "1111111111111111111111111111111111111111";

/// `registry-basic` in a git repository: its first commit is the base.
struct Repo {
    copy: Copy,
    root: PathBuf,
    cache: PathBuf,
    home: PathBuf,
    _server: Server,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new("git");
    support::fixed_env_std(&mut cmd, Path::new("/nonexistent"))
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args);
    run_ok(&mut cmd).trim().to_string()
}

impl Repo {
    fn new() -> Repo {
        let copy = Copy::at("registry-basic", "ws");
        let root = copy.root().to_path_buf();
        let server = Server::start(fixture("registry"));
        let config = copy.read(".cargo/config.toml");
        copy.write(
            ".cargo/config.toml",
            &config.replace("PORT", &server.port().to_string()),
        );
        let cache = copy.dir.path().join("cache");
        let home = copy.dir.path().join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        git(&root, &["init", "-q"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-qm", "base"]);
        Repo {
            copy,
            root,
            cache,
            home,
            _server: server,
        }
    }

    fn cmd(&self) -> Pin {
        pin()
            .current_dir(&self.root)
            .now(NOW)
            .cache_dir(&self.cache)
            .cargo_home(&self.home)
            .arg("review")
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.copy.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.copy.write(rel, &text.replacen(from, to, 1));
    }

    /// Moves `name` from `from` to `to` in Cargo.lock.
    fn relock(&self, name: &str, from: &str, to: &str) {
        self.edit(
            "Cargo.lock",
            &format!("name = \"{name}\"\nversion = \"{from}\"\n"),
            &format!("name = \"{name}\"\nversion = \"{to}\"\n"),
        );
    }

    fn commit(&self, message: &str) -> String {
        git(&self.root, &["commit", "-qam", message]);
        git(&self.root, &["rev-parse", "HEAD"])
    }

    /// The pull request of most tests: an upgrade to a fresh release, a
    /// downgrade, a transitive crate moved to git, a requirement rewritten.
    fn gate_changes(&self) {
        self.relock("alpha", "1.1.0", "1.3.0");
        self.relock("bravo", "0.3.1", "0.3.0");
        self.relock("q", "0.5.0", "0.6.0");
        self.edit(
            "Cargo.lock",
            &format!("name = \"xy\"\nversion = \"1.0.0\"\nsource = \"{IO}\""),
            &format!(
                "name = \"xy\"\nversion = \"1.0.0\"\nsource = \"git+https://github.com/o/xy?branch=main#{COMMIT_A}\""
            ),
        );
        self.edit("app/Cargo.toml", "alpha = \"1.1\"", "alpha = \"1.3\"");
    }
}

fn change<'a>(v: &'a Value, package: &str) -> &'a Value {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["package"] == package)
        .unwrap_or_else(|| panic!("no change of {package}: {v:#}"))
}

fn rules(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                f["package"].as_str().unwrap_or_default().to_string(),
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
fn an_unrelated_change_passes_although_the_base_locks_yanked_and_fresh_versions() {
    let r = Repo::new();
    // The base already locks bravo 0.3.1 (yanked) and cat 0.1.1 (too new):
    // `check --registry` fails on them, a review of another change does not.
    r.copy
        .write("app/src/main.rs", "fn main() { println!(\"hi\"); }\n");
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(0);
    assert_eq!(v["changes"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["head"], serde_json::json!({"rev": null, "commit": null}));
    assert_eq!(v["base"]["rev"], "HEAD");
    assert_eq!(
        v["base"]["commit"].as_str().unwrap(),
        git(&r.root, &["rev-parse", "HEAD"])
    );
    let text = r.cmd().args(["--base", "HEAD"]).stdout(0);
    assert!(text.contains("no package changed"), "{text}");
}

#[test]
fn a_vetted_upgrade_pinned_exactly_passes_and_is_described() {
    let r = Repo::new();
    r.relock("alpha", "1.1.0", "1.2.1");
    r.edit("app/Cargo.toml", "alpha = \"1.1\"", "alpha = \"=1.2.1\"");
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(0);
    assert_eq!(v["changes"].as_array().unwrap().len(), 1, "{v:#}");
    let a = change(&v, "alpha");
    assert_eq!(a["kind"], "upgraded");
    assert_eq!(a["source"], IO);
    assert_eq!(a["from"], serde_json::json!(["1.1.0"]));
    assert_eq!(a["to"], serde_json::json!(["1.2.1"]));
    assert_eq!(a["direct"], true);
    assert_eq!(a["via"], serde_json::json!(["app"]));
    let i = &a["introduced"][0];
    assert_eq!(i["version"], "1.2.1");
    assert_eq!(i["status"], "vetted");
    assert_eq!(i["yanked"], false);
    assert_eq!(i["age_days"], 41);
    assert_eq!(i["published"], "2026-04-20T09:00:00Z");
    assert_eq!(i["vetted_because"], "read the diffs");
    assert_eq!(v["summary"]["upgraded"], 1);
    assert_eq!(v["findings"], serde_json::json!([]));
}

#[test]
fn the_gate_judges_only_what_the_change_introduces() {
    let r = Repo::new();
    r.gate_changes();
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(1);
    schema::assert_valid(&schema::validator("review.schema.json"), &v, "review");
    assert_eq!(
        rules(&v),
        triples(&[
            ("caret", "deny", "alpha"),
            ("too-new", "deny", "alpha"),
            ("downgrade", "warn", "bravo"),
            ("new-git-source", "warn", "xy"),
        ]),
        "{v:#}"
    );
    // The untouched caret requirement on DeltaCase is not judged.
    assert!(!v.to_string().contains("DeltaCase"));
    let xy = change(&v, "xy");
    assert_eq!(xy["kind"], "source-changed");
    assert_eq!(xy["direct"], false);
    assert_eq!(xy["via"], serde_json::json!(["app", "bravo"]));
    assert_eq!(xy["from_source"], IO);
    assert_eq!(xy["introduced"][0]["status"], Value::Null);
    assert_eq!(change(&v, "bravo")["kind"], "downgraded");
    assert_eq!(change(&v, "alpha")["introduced"][0]["status"], "too-new");
    assert_eq!(change(&v, "q")["introduced"][0]["status"], "unvetted");
    let s = &v["summary"];
    assert_eq!(
        (
            &s["upgraded"],
            &s["downgraded"],
            &s["source_changed"],
            &s["deny"],
            &s["warn"]
        ),
        (&2.into(), &1.into(), &1.into(), &2.into(), &2.into())
    );
    // Registry findings point at the head lockfile's entry.
    let lock = r.copy.read("Cargo.lock");
    let too_new = &v["findings"][1];
    assert_eq!(too_new["manifest"], "Cargo.lock");
    let line = too_new["line"].as_u64().unwrap() as usize;
    assert_eq!(lock.lines().nth(line - 1), Some("name = \"alpha\""));
    // Levels as in check: -A, and pin.toml.
    let v = r
        .cmd()
        .args([
            "--base", "HEAD", "--format", "json", "-A", "too-new", "-A", "caret",
        ])
        .json(0);
    assert_eq!(v["summary"]["allowed"], 2);
    r.copy.write(
        "pin.toml",
        &(r.copy.read("pin.toml") + "\n[rules]\ndowngrade = \"deny\"\n"),
    );
    let v = r
        .cmd()
        .args([
            "--base", "HEAD", "--format", "json", "-A", "too-new", "-A", "caret",
        ])
        .json(1);
    assert_eq!(rules(&v)[0], triples(&[("downgrade", "deny", "bravo")])[0]);
}

#[test]
fn require_vetted_judges_introduced_direct_versions() {
    let r = Repo::new();
    r.gate_changes();
    r.edit(
        "pin.toml",
        "min-release-age = \"7 days\"",
        "min-release-age = \"7 days\"\nrequire-vetted = true",
    );
    let v = r
        .cmd()
        .args([
            "--base", "HEAD", "--format", "json", "-A", "too-new", "-A", "caret",
        ])
        .json(1);
    let unvetted: Vec<_> = rules(&v)
        .into_iter()
        .filter(|(r, _, _)| r == "unvetted")
        .collect();
    // q 0.6.0 and bravo 0.3.0 are direct and unvetted; alpha 1.3.0 is vetted.
    assert_eq!(
        unvetted,
        triples(&[("unvetted", "deny", "bravo"), ("unvetted", "deny", "q")])
    );
}

#[test]
fn markdown_for_a_pull_request_comment() {
    let r = Repo::new();
    r.gate_changes();
    let md = r
        .cmd()
        .args(["--base", "HEAD", "--format", "markdown"])
        .stdout(1);
    assert!(
        md.starts_with(
            "## ❌ cargo pin review: 2 deny, 2 warn — 4 packages changed (3 direct, 1 transitive)"
        ),
        "{md}"
    );
    let direct = md.find("### Direct changes").expect(&md);
    let transitive = md.find("### Transitive changes").expect(&md);
    assert!(direct < transitive);
    assert!(md.contains("#### pulled in by bravo"), "{md}");
    assert!(
        md.contains("[diff](https://diff.rs/alpha/1.1.0/1.3.0)"),
        "{md}"
    );
    assert!(
        md.contains("cargo pin allow bravo@0.3.0 q@0.6.0 --reason \"…\""),
        "{md}"
    );
    let tables = md_tables(&md);
    assert_eq!(tables.len(), 3, "{md}");
    assert_eq!(tables[1].len(), 4, "3 direct changes and the header");
}

#[test]
fn head_rev_reads_both_sides_from_commits_and_ignores_the_working_tree() {
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    r.relock("q", "0.5.0", "0.6.0");
    let head = r.commit("bump q");
    // An uncommitted change the review of two commits must not see.
    r.relock("alpha", "1.1.0", "1.3.0");
    let v = r
        .cmd()
        .args(["--base", &base, "--head", &head, "--format", "json"])
        .json(0);
    let names: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["package"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["q"]);
    assert_eq!(v["head"]["commit"], head.as_str());
    assert_eq!(v["base"]["commit"], base.as_str());
}

/// A clone of `r`, as CI has it (origin/main and origin/HEAD), on a branch
/// `pr` whose one commit moves q from 0.5.0 to 0.6.0.
fn pull_request(r: &Repo) -> PathBuf {
    let clone = r.copy.dir.path().join("clone");
    git(
        r.copy.dir.path(),
        &["clone", "-q", r.root.to_str().unwrap(), "clone"],
    );
    git(&clone, &["checkout", "-qb", "pr"]);
    let text = std::fs::read_to_string(clone.join("Cargo.lock")).unwrap();
    std::fs::write(
        clone.join("Cargo.lock"),
        text.replace(
            "name = \"q\"\nversion = \"0.5.0\"",
            "name = \"q\"\nversion = \"0.6.0\"",
        ),
    )
    .unwrap();
    git(&clone, &["commit", "-qam", "bump q"]);
    clone
}

#[test]
fn the_readme_review_recipes_run() {
    let readme = std::fs::read_to_string(support::repo().join("README.md")).unwrap();
    let start = readme
        .find("\n### Reviewing pull requests")
        .expect("the recipes");
    let section = &readme[start..];
    let section = &section[..section.find("\n### pre-commit").expect("next section")];
    let commands: Vec<&str> = section
        .lines()
        .filter_map(|l| l.find("cargo pin review ").map(|at| &l[at..]))
        .filter(|c| !c.starts_with("cargo pin review` "))
        .map(|c| c.split(['|', '#']).next().unwrap().trim())
        .collect();
    assert!(commands.len() >= 4, "{commands:#?}");
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    let clone = pull_request(&r);
    for (var, value) in [
        ("GITHUB_BASE_REF", "main"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
    ] {
        for command in &commands {
            let args: Vec<&str> = command.split_whitespace().skip(2).collect();
            let out = pin()
                .current_dir(&clone)
                .now(NOW)
                .cache_dir(&r.cache)
                .cargo_home(&r.home)
                .env(var, value)
                .args(&args)
                .output(0);
            assert!(
                !out.stdout.is_empty() || args.contains(&"--output") || args.contains(&"github"),
                "`{command}` printed nothing"
            );
        }
    }
    let md = std::fs::read_to_string(clone.join("review.md")).unwrap();
    assert!(
        md.starts_with("## ✅ cargo pin review: 1 package changed"),
        "{md}"
    );
}

#[test]
fn the_base_defaults_to_the_ci_base_or_the_merge_base() {
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    let clone = pull_request(&r);
    let run = |p: Pin| {
        p.current_dir(&clone)
            .now(NOW)
            .cache_dir(&r.cache)
            .cargo_home(&r.home)
            .args(["review", "--format", "json"])
    };
    for v in [
        run(pin()).json(0),
        run(pin().env("GITHUB_BASE_REF", "main")).json(0),
        run(pin().env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)).json(0),
    ] {
        assert_eq!(v["base"]["commit"], base.as_str(), "{v:#}");
        assert_eq!(change(&v, "q")["kind"], "upgraded");
    }
    let v = run(pin().env("GITHUB_BASE_REF", "main")).json(0);
    assert_eq!(v["base"]["rev"], "origin/main");
    // No origin: nothing to default to.
    let err = pin().current_dir(&r.root).args(["review"]).stderr(2);
    assert!(err.contains("pass `--base REV`"), "{err}");
    let err = pin()
        .current_dir(&r.root)
        .args(["review", "--base", "no-such-branch"])
        .stderr(2);
    assert!(
        err.contains("unknown git revision `no-such-branch`"),
        "{err}"
    );
}

#[test]
fn a_base_missing_from_a_shallow_clone_says_how_to_fetch_it() {
    let r = Repo::new();
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    r.relock("q", "0.5.0", "0.6.0");
    r.commit("bump q");
    let url = format!("file://{}", r.root.display());
    git(
        r.copy.dir.path(),
        &["clone", "-q", "--depth=1", &url, "shallow"],
    );
    let shallow = r.copy.dir.path().join("shallow");
    let err = pin()
        .current_dir(&shallow)
        .args(["review", "--base", &base])
        .stderr(2);
    assert!(
        err.contains(&format!("git fetch --depth=1 origin {base}")),
        "{err}"
    );
    let err = pin()
        .current_dir(&shallow)
        .env("GITHUB_BASE_REF", "release")
        .args(["review"])
        .stderr(2);
    assert!(err.contains("git fetch --depth=1 origin release"), "{err}");
}

#[test]
fn a_malformed_base_lockfile_names_the_revision_and_line() {
    let r = Repo::new();
    r.copy.write("Cargo.lock", "version = 4\n\n[[package]\n");
    let bad = r.commit("break the lockfile");
    r.copy
        .write("Cargo.lock", &git(&r.root, &["show", "HEAD~1:Cargo.lock"]));
    let err = r.cmd().args(["--base", &bad]).stderr(2);
    assert!(err.contains(&format!("Cargo.lock at {bad}:3:")), "{err}");
}

#[test]
fn outside_git_is_a_clear_error() {
    let c = Copy::of("check/pinned");
    let err = pin()
        .current_dir(c.root())
        .args(["review", "--base", "HEAD"])
        .stderr(2);
    assert!(err.contains("not in a git repository"), "{err}");
}

#[test]
fn markdown_always_fits_a_comment() {
    let r = Repo::new();
    // Three thousand git packages: a finding and a row each, far past a
    // comment's 65,536 characters.
    let mut lock = r.copy.read("Cargo.lock");
    let mut deps = String::new();
    for i in 0..3000 {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"generated-crate-with-a-long-name-{i}\"\nversion = \"1.0.{i}\"\nsource = \"git+https://github.com/o/r{i}?branch=main#{COMMIT_A}\"\n"
        ));
        deps.push_str(&format!(" \"generated-crate-with-a-long-name-{i}\",\n"));
    }
    let lock = lock.replacen(
        "name = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n",
        &format!("name = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n{deps}"),
        1,
    );
    r.copy.write("Cargo.lock", &lock);
    let md = r
        .cmd()
        .args(["--base", "HEAD", "--format", "markdown"])
        .stdout(0);
    assert!(md.len() <= 65_536, "{} characters", md.len());
    assert!(
        md.starts_with("## ⚠️ cargo pin review: 3000 warn"),
        "{}",
        &md[..200]
    );
    assert!(
        md.contains("_Left out to fit a comment: "),
        "{}",
        &md[md.len() - 500..]
    );
    assert!(md.contains(" findings"), "the count of findings left out");
    md_tables(&md);
    // JSON has everything.
    let v = r.cmd().args(["--base", "HEAD", "--format", "json"]).json(0);
    assert_eq!(v["changes"].as_array().unwrap().len(), 3000);
    assert_eq!(v["summary"]["warn"], 3000);
}

#[test]
fn sarif_github_and_human_reports() {
    let r = Repo::new();
    r.gate_changes();
    let gh = r
        .cmd()
        .args(["--base", "HEAD", "--format", "github"])
        .stdout(1);
    assert!(gh.contains("::error file=Cargo.lock,line="), "{gh}");
    assert!(gh.contains("::warning file=Cargo.lock,line="), "{gh}");
    assert!(gh.contains("file=app/Cargo.toml,line=10"), "{gh}");
    let sarif: Value = serde_json::from_str(
        &r.cmd()
            .args(["--base", "HEAD", "--format", "sarif"])
            .stdout(1),
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|x| x["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["caret", "too-new", "downgrade", "new-git-source"]);
    let human = r.cmd().args(["--base", "HEAD"]).stdout(1);
    assert!(
        human.contains(
            "FAIL: 2 deny, 2 warn — 4 changes: 0 added, 0 removed, 2 upgraded, 1 downgraded, 1 source-changed"
        ),
        "{human}"
    );
    assert!(human.contains("app → bravo"), "{human}");
    // Written to a file, the exit code is the same.
    let out = r.copy.dir.path().join("review.md");
    r.cmd()
        .args(["--base", "HEAD", "--format", "markdown", "--output"])
        .arg(&out)
        .stdout(1);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("## ❌"));
}

#[test]
fn require_vetted_changed_judges_transitive_introduced_versions_too() {
    let r = Repo::new();
    // cat becomes a dependency of bravo only, and moves to 0.1.0.
    r.edit(
        "Cargo.lock",
        " \"bravo\",\n \"cat\",\n \"q\",",
        " \"bravo\",\n \"q\",",
    );
    r.edit(
        "Cargo.lock",
        "dependencies = [\n \"xy\",\n]",
        "dependencies = [\n \"cat\",\n \"xy\",\n]",
    );
    r.relock("cat", "0.1.1", "0.1.0");
    let unvetted = |setting: &str, code: i32| -> Vec<(String, String, String)> {
        r.copy.write(
            "pin.toml",
            &format!("[registry]\nmin-release-age = \"7 days\"\nrequire-vetted = {setting}\n"),
        );
        let v = r
            .cmd()
            .args(["--base", "HEAD", "--format", "json"])
            .json(code);
        assert_eq!(
            change(&v, "cat")["via"],
            serde_json::json!(["app", "bravo"])
        );
        rules(&v)
            .into_iter()
            .filter(|(r, _, _)| r == "unvetted")
            .collect()
    };
    assert_eq!(unvetted("true", 0), []);
    assert_eq!(unvetted("\"direct\"", 0), []);
    assert_eq!(
        unvetted("\"changed\"", 1),
        triples(&[("unvetted", "deny", "cat")])
    );
    assert_eq!(
        unvetted("\"all\"", 1),
        triples(&[("unvetted", "deny", "cat")])
    );
}

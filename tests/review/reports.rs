//! The Markdown, SARIF, GitHub and human reports of a review.

use super::*;

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
fn snapshots_of_every_format() {
    let r = Repo::new();
    r.gate_changes();
    // The base commit holds the server's port (in .cargo/config.toml), so
    // its id changes from run to run.
    let base = git(&r.root, &["rev-parse", "HEAD"]);
    for (format, file) in [
        ("human", "review-gate.txt"),
        ("json", "review-gate.json"),
        ("markdown", "review-gate.md"),
        ("github", "review-gate.github.txt"),
        ("sarif", "review-gate.sarif"),
    ] {
        let out = r
            .cmd()
            .args(["--base", "HEAD", "--format", format])
            .stdout(1)
            .replace(&base, "[COMMIT]")
            .replace(&base[..12], "[SHORT]");
        support::assert_in_versioned(&r.root).eq(
            out,
            snapbox::Data::read_from(&support::repo().join("tests/snapshots").join(file), None),
        );
    }
}
